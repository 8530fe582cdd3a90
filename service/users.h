/* users.h: the password file of herd run's REST API (docs/api.md,
 * docs/real-hosts.md "The API's users"), read by herd run at start and
 * maintained by herd passwd.
 *
 * One user per line, NAME:HASH:ROLE: NAME of letters, digits, '-', '_'
 * and '.', starting with a letter or digit (as herd_scenario_is_name);
 * HASH a crypt(5) hash (herd passwd writes yescrypt, "$y$...", and any
 * method libcrypt's crypt_checksalt calls OK is taken); ROLE viewer,
 * operator or administrator (access.h).  Blank lines and lines starting
 * with '#' are allowed.  The file must be a regular file of this process's
 * user that neither its group nor others may use, as ssh checks its keys,
 * and at most HERD_USERS_MAX_BYTES. */
#pragma once

#include <glib.h>

#include "service/access.h"

#define HERD_USERS_MAX_BYTES (1024 * 1024)
/* The longest password: libcrypt hashes at most CRYPT_MAX_PASSPHRASE_SIZE
 * - 1 bytes (crypt_rn fails with ERANGE beyond). */
#define HERD_USERS_MAX_PASSWORD 511

#define HERD_USERS_ERROR (herd_users_error_quark ())
GQuark herd_users_error_quark (void);

typedef enum
{
  HERD_USERS_ERROR_READ,      /* cannot be opened or read, or fails the
                                 owner, mode or size checks */
  HERD_USERS_ERROR_INVALID,   /* a malformed line, a duplicate name, a hash
                                 libcrypt refuses */
  HERD_USERS_ERROR_ARGUMENT,  /* herd_users_set: a bad name or password */
  HERD_USERS_ERROR_NOT_FOUND, /* herd_users_set: no such user to delete */
  HERD_USERS_ERROR_WRITE,     /* cannot be written, or no hash made */
} HerdUsersError;

typedef struct _HerdUsers HerdUsers;

/* The users of the file at path; NULL with an error "PATH: why" for the
 * file (cannot open it, another owner's, a mode that lets its group or
 * others at it, larger than 1 MiB) or "PATH:LINE: what was expected" for a
 * line (malformed, a name given twice, a hash crypt_checksalt does not
 * call OK). */
HerdUsers *herd_users_load (const char *path, GError **error);
void herd_users_free (HerdUsers *users);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdUsers, herd_users_free)

guint herd_users_count (const HerdUsers *users);

/* name's role if password matches its hash (crypt_rn, the two hashes
 * compared in constant time), else HERD_ROLE_NONE.  An unknown name costs
 * the same work (password hashed against a dummy yescrypt hash), so the
 * time taken does not tell which names exist.  Thread-safe; it takes tens
 * of milliseconds: call it off the main loop. */
HerdRole herd_users_check (const HerdUsers *users, const char *name,
                           const char *password);

/* Sets name's line in the file at path (created 0600 whatever the umask
 * when absent, else it must pass herd_users_load's checks, and not be a
 * symbolic link): a new yescrypt hash of password (1 to
 * HERD_USERS_MAX_PASSWORD bytes, no newline; crypt_gensalt_rn's default
 * cost, its salt from the system's random source) and role, in place of
 * its line if it has one, every other line kept byte for byte; role
 * HERD_ROLE_NONE deletes the line (password unused; an error when there
 * is none).  Written whole or not at all: a temporary file 0600 in the
 * same directory, synced, renamed over path. */
gboolean herd_users_set (const char *path, const char *name,
                         const char *password, HerdRole role,
                         GError **error);
