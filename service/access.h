/* access.h: who may do what on herd run's control socket.
 *
 * Roles in oVirt's manner, each with everything of the ones before it:
 *
 *   viewer         hosts, vms, spm, events
 *   operator       + start, stop, migrate (VMs)
 *   administrator  + maintenance, activate, and every command that acts on
 *                  hosts, fencing, the SPM or the configuration
 *
 * A caller's role comes from its UNIX user and groups, read off the
 * connection (SO_PEERCRED, SO_PEERGROUPS) and matched against the
 * [manager] keys viewers, operators and administrators (user names and
 * @group names); the highest role that matches wins.  root and the user
 * herd run runs as are administrators whatever the keys say; anyone else
 * unlisted has no role and is refused.  The socket file itself is 0660,
 * of [manager] socket_group (default: herd run's group). */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "conf/scenario.h"

typedef enum
{
  HERD_ROLE_NONE,
  HERD_ROLE_VIEWER,
  HERD_ROLE_OPERATOR,
  HERD_ROLE_ADMINISTRATOR,
} HerdRole;

/* "none", "viewer", "operator", "administrator". */
const char *herd_role_name (HerdRole role);

/* Who is on the other end of a connection. */
typedef struct
{
  uid_t uid;
  gid_t gid;     /* primary group */
  pid_t pid;
  char *user;    /* user name, or "uid N" without a passwd entry */
  HerdRole role;
} HerdCaller;

void herd_caller_clear (HerdCaller *caller);

typedef struct _HerdAccess HerdAccess;

/* The access rules of run's [manager] keys (NULL: the defaults), every
 * user and group resolved now: an unknown one is an error that names
 * config_path, the key and the name. */
HerdAccess *herd_access_new (const HerdRunSettings *run,
                             const char *config_path, GError **error);
void herd_access_free (HerdAccess *access);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdAccess, herd_access_free)

gid_t herd_access_socket_group (const HerdAccess *access);
/* The group's name, for messages. */
const char *herd_access_socket_group_name (const HerdAccess *access);
guint herd_access_max_connections (const HerdAccess *access);

/* The role of a user with primary group gid and supplementary groups. */
HerdRole herd_access_role (const HerdAccess *access, uid_t uid, gid_t gid,
                           const gid_t *groups, gsize n_groups);

/* The peer of a connected UNIX socket and its role; FALSE with error when
 * the kernel does not say who it is. */
gboolean herd_access_peer (const HerdAccess *access, GSocket *socket,
                           HerdCaller *caller, GError **error);

/* This process's own user, as a caller (an administrator). */
void herd_access_self (HerdCaller *caller);
