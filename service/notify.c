/* notify.c: systemd's readiness protocol (see notify.h): one datagram per
 * state change on the socket NOTIFY_SOCKET names, through GIO. */
#include "service/notify.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>

gboolean
herd_notify (const char *state, GError **error)
{
  const char *where = g_getenv ("NOTIFY_SOCKET");
  if (where == NULL || where[0] == '\0')
    return TRUE;
  if (where[0] != '/' && where[0] != '@')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "NOTIFY_SOCKET: expected a path or an @abstract name, "
                   "got \"%s\"",
                   where);
      return FALSE;
    }
  gboolean abstract = where[0] == '@';
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new_with_type (
      abstract ? where + 1 : where, -1,
      abstract ? G_UNIX_SOCKET_ADDRESS_ABSTRACT : G_UNIX_SOCKET_ADDRESS_PATH);
  g_autoptr (GSocket) socket = g_socket_new (
      G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT,
      error);
  if (socket == NULL)
    return FALSE;
  gssize sent = g_socket_send_to (socket, address, state, strlen (state),
                                  NULL, error);
  if (sent < 0)
    g_prefix_error (error, "NOTIFY_SOCKET %s: ", where);
  return sent >= 0;
}
