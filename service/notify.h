/* notify.h: systemd's readiness protocol for herd run (Type=notify).
 *
 * When systemd starts herd run (service/systemd/herd-run@.service) it sets
 * NOTIFY_SOCKET to a datagram socket (a path, or an abstract name starting
 * with '@'); herd run sends "READY=1" once it manages its hosts and
 * answers on its control socket and API, "STOPPING=1" when it is asked to
 * stop, and "STATUS=..." lines a person reads in systemctl status.
 * Without NOTIFY_SOCKET nothing is sent. */
#pragma once

#include <glib.h>

/* Sends state ("READY=1\nSTATUS=...") to $NOTIFY_SOCKET; FALSE with
 * error when it is set and the datagram cannot be sent, TRUE otherwise
 * (also when it is not set). */
gboolean herd_notify (const char *state, GError **error);
