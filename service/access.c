/* access.c: the control socket's roles (see access.h).
 *
 * The [manager] lists are resolved once, at start, to uids and gids (an
 * unknown user or group is a configuration error, not a silent no-one);
 * a connection's peer is then matched by numbers only.  Its supplementary
 * groups are the ones it had when it connected (SO_PEERGROUPS), else, on a
 * kernel without that option, its user's groups now (getgrouplist). */
#include "service/access.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59 /* Linux 4.13 */
#endif

#define DEFAULT_MAX_CONNECTIONS 64

struct _HerdAccess
{
  gid_t socket_group;
  char *socket_group_name;
  guint max_connections;
  GArray *uids[HERD_ROLE_ADMINISTRATOR + 1];  /* uid_t, by role */
  GArray *gids[HERD_ROLE_ADMINISTRATOR + 1];  /* gid_t, by role */
};

const char *
herd_role_name (HerdRole role)
{
  static const char *const names[] = { "none", "viewer", "operator",
                                       "administrator" };
  return role <= HERD_ROLE_ADMINISTRATOR ? names[role] : "?";
}

void
herd_caller_clear (HerdCaller *caller)
{
  g_clear_pointer (&caller->user, g_free);
}

void
herd_access_free (HerdAccess *access)
{
  if (access == NULL)
    return;
  for (int r = 0; r <= HERD_ROLE_ADMINISTRATOR; r++)
    {
      g_array_unref (access->uids[r]);
      g_array_unref (access->gids[r]);
    }
  g_free (access->socket_group_name);
  g_free (access);
}

static char *
group_name (gid_t gid)
{
  struct group gr, *found = NULL;
  char buf[4096];
  if (getgrgid_r (gid, &gr, buf, sizeof buf, &found) == 0 && found != NULL)
    return g_strdup (gr.gr_name);
  return g_strdup_printf ("gid %u", (guint) gid);
}

static char *
user_name (uid_t uid)
{
  struct passwd pw, *found = NULL;
  char buf[4096];
  if (getpwuid_r (uid, &pw, buf, sizeof buf, &found) == 0 && found != NULL)
    return g_strdup (pw.pw_name);
  return g_strdup_printf ("uid %u", (guint) uid);
}

static gboolean
lookup_group (const char *name, gid_t *gid)
{
  struct group gr, *found = NULL;
  char buf[16384];
  if (getgrnam_r (name, &gr, buf, sizeof buf, &found) != 0 || found == NULL)
    return FALSE;
  *gid = gr.gr_gid;
  return TRUE;
}

static gboolean
lookup_user (const char *name, uid_t *uid)
{
  struct passwd pw, *found = NULL;
  char buf[4096];
  if (getpwnam_r (name, &pw, buf, sizeof buf, &found) != 0 || found == NULL)
    return FALSE;
  *uid = pw.pw_uid;
  return TRUE;
}

/* One role's list: users into uids, @groups into gids. */
static gboolean
resolve (HerdAccess *access, HerdRole role, const char *key,
         char *const *names, const char *config_path, GError **error)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      const char *name = names[i];
      gboolean group = name[0] == '@';
      uid_t uid;
      gid_t gid;
      if (group ? !lookup_group (name + 1, &gid) : !lookup_user (name, &uid))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "%s: [manager] %s: no %s \"%s\" on this machine",
                       config_path, key, group ? "group" : "user",
                       group ? name + 1 : name);
          return FALSE;
        }
      if (group)
        g_array_append_val (access->gids[role], gid);
      else
        g_array_append_val (access->uids[role], uid);
    }
  return TRUE;
}

HerdAccess *
herd_access_new (const HerdRunSettings *run, const char *config_path,
                 GError **error)
{
  g_autoptr (HerdAccess) access = g_new0 (HerdAccess, 1);
  for (int r = 0; r <= HERD_ROLE_ADMINISTRATOR; r++)
    {
      access->uids[r] = g_array_new (FALSE, FALSE, sizeof (uid_t));
      access->gids[r] = g_array_new (FALSE, FALSE, sizeof (gid_t));
    }
  access->socket_group = getegid ();
  access->max_connections = DEFAULT_MAX_CONNECTIONS;
  if (run != NULL)
    {
      if (run->max_connections > 0)
        access->max_connections = run->max_connections;
      if (run->socket_group != NULL
          && !lookup_group (run->socket_group, &access->socket_group))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "%s: [manager] socket_group: no group \"%s\" on this "
                       "machine",
                       config_path, run->socket_group);
          return NULL;
        }
      if (!resolve (access, HERD_ROLE_VIEWER, "viewers", run->viewers,
                    config_path, error)
          || !resolve (access, HERD_ROLE_OPERATOR, "operators",
                       run->operators, config_path, error)
          || !resolve (access, HERD_ROLE_ADMINISTRATOR, "administrators",
                       run->administrators, config_path, error))
        return NULL;
    }
  access->socket_group_name = group_name (access->socket_group);
  return g_steal_pointer (&access);
}

gid_t
herd_access_socket_group (const HerdAccess *access)
{
  return access->socket_group;
}

const char *
herd_access_socket_group_name (const HerdAccess *access)
{
  return access->socket_group_name;
}

guint
herd_access_max_connections (const HerdAccess *access)
{
  return access->max_connections;
}

static gboolean
has_id (GArray *ids, guint id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, guint, i) == id)
      return TRUE;
  return FALSE;
}

HerdRole
herd_access_role (const HerdAccess *access, uid_t uid, gid_t gid,
                  const gid_t *groups, gsize n_groups)
{
  G_STATIC_ASSERT (sizeof (uid_t) == sizeof (guint));
  G_STATIC_ASSERT (sizeof (gid_t) == sizeof (guint));
  if (uid == 0 || uid == geteuid ())
    return HERD_ROLE_ADMINISTRATOR;
  for (int r = HERD_ROLE_ADMINISTRATOR; r > HERD_ROLE_NONE; r--)
    {
      if (has_id (access->uids[r], uid) || has_id (access->gids[r], gid))
        return (HerdRole) r;
      for (gsize i = 0; i < n_groups; i++)
        if (has_id (access->gids[r], groups[i]))
          return (HerdRole) r;
    }
  return HERD_ROLE_NONE;
}

/* The peer's supplementary groups when it connected (SO_PEERGROUPS); on
 * an older kernel, its user's groups as they are now. */
static GArray *
peer_groups (int fd, const char *user, gid_t gid)
{
  GArray *groups = g_array_new (FALSE, FALSE, sizeof (gid_t));
  socklen_t len = 64 * sizeof (gid_t);
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_array_set_size (groups, len / sizeof (gid_t));
      if (getsockopt (fd, SOL_SOCKET, SO_PEERGROUPS, groups->data, &len) == 0)
        {
          g_array_set_size (groups, len / sizeof (gid_t));
          return groups;
        }
      if (errno != ERANGE)
        break;
    }
  int n = 64;
  g_array_set_size (groups, (guint) n);
  if (getgrouplist (user, gid, (gid_t *) groups->data, &n) < 0)
    {
      g_array_set_size (groups, (guint) n);
      if (getgrouplist (user, gid, (gid_t *) groups->data, &n) < 0)
        n = 0;
    }
  g_array_set_size (groups, (guint) MAX (n, 0));
  return groups;
}

gboolean
herd_access_peer (const HerdAccess *access, GSocket *socket,
                  HerdCaller *caller, GError **error)
{
  memset (caller, 0, sizeof *caller);
  g_autoptr (GCredentials) cred = g_socket_get_credentials (socket, error);
  if (cred == NULL)
    return FALSE;
  const struct ucred *native = g_credentials_get_native (
      cred, G_CREDENTIALS_TYPE_LINUX_UCRED);
  if (native == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "the peer's credentials are not known");
      return FALSE;
    }
  caller->uid = native->uid;
  caller->gid = native->gid;
  caller->pid = native->pid;
  caller->user = user_name (caller->uid);
  g_autoptr (GArray) groups = peer_groups (g_socket_get_fd (socket),
                                           caller->user, caller->gid);
  caller->role = herd_access_role (access, caller->uid, caller->gid,
                                   (const gid_t *) groups->data, groups->len);
  return TRUE;
}

void
herd_access_self (HerdCaller *caller)
{
  memset (caller, 0, sizeof *caller);
  caller->uid = geteuid ();
  caller->gid = getegid ();
  caller->pid = getpid ();
  caller->user = user_name (caller->uid);
  caller->role = HERD_ROLE_ADMINISTRATOR;
}
