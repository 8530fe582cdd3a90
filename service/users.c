/* users.c: the REST API's password file (see users.h), hashed and checked
 * with libcrypt (libxcrypt: yescrypt by default).
 *
 * The file is opened once and checked on that descriptor (regular file,
 * owner, mode, size), so what is checked is what is read.  A check hashes
 * the password with the user's setting and compares the result with the
 * stored hash in constant time; an unknown user's password is hashed
 * against a dummy yescrypt hash made at load, so both cost the same.
 * herd_users_set reads and checks the file as herd run will, changes one
 * line and renames a synced temporary copy over it. */
#include "service/users.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "conf/run-config.h"
#include "conf/scenario.h"

G_DEFINE_QUARK (herd-users-error-quark, herd_users_error)

typedef struct
{
  char *name;
  char *hash;
  HerdRole role;
  guint line;
} User;

struct _HerdUsers
{
  GArray *users;  /* User */
  char *dummy;    /* a yescrypt hash of a random password, for unknown
                     names */
};

static void
user_clear (gpointer p)
{
  User *u = p;
  g_free (u->name);
  g_free (u->hash);
}

void
herd_users_free (HerdUsers *users)
{
  if (users == NULL)
    return;
  g_array_unref (users->users);
  g_free (users->dummy);
  g_free (users);
}

guint
herd_users_count (const HerdUsers *users)
{
  return users->users->len;
}

static HerdRole
role_of (const char *text)
{
  for (HerdRole r = HERD_ROLE_VIEWER; r <= HERD_ROLE_ADMINISTRATOR; r++)
    if (strcmp (text, herd_role_name (r)) == 0)
      return r;
  return HERD_ROLE_NONE;
}

static gboolean
password_ok (const char *password)
{
  if (password == NULL)
    return FALSE;
  gsize length = strlen (password);
  return length >= 1 && length <= HERD_USERS_MAX_PASSWORD
         && strchr (password, '\n') == NULL;
}

/* The whole file at path, after herd_run_read_private_file's checks.
 * For herd_users_set (for_set): a symbolic link is refused (the rename
 * would replace it), and an absent file is "" with *absent set. */
static char *
read_checked (const char *path, gboolean for_set, gboolean *absent,
              GError **error)
{
  g_autoptr (GError) local = NULL;
  char *text = herd_run_read_private_file (path, HERD_USERS_MAX_BYTES,
                                           for_set, &local);
  if (text == NULL && for_set
      && g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      *absent = TRUE;
      return g_strdup ("");
    }
  if (text == NULL)
    g_set_error_literal (error, HERD_USERS_ERROR, HERD_USERS_ERROR_READ,
                         local->message);
  return text;
}

/* A field of a malformed line, for its error: escaped, at most 40
 * characters of it. */
static char *
shown (const char *field)
{
  g_autofree char *cut = g_utf8_make_valid (field, MIN (strlen (field), 40));
  g_autofree char *escaped = g_strescape (cut, NULL);
  return g_strdup_printf ("\"%s\"%s", escaped,
                          strlen (field) > 40 ? "..." : "");
}

/* One NAME:HASH:ROLE line (stripped) into *u; NULL, or what was expected
 * instead. */
static char *
parse_line (const char *line, User *u)
{
  g_auto (GStrv) fields = g_strsplit (line, ":", -1);
  guint n = g_strv_length (fields);
  if (n != 3)
    return g_strdup_printf ("expected NAME:HASH:ROLE, got %u field%s", n,
                            n == 1 ? "" : "s");
  if (!herd_scenario_is_name (fields[0]))
    {
      g_autofree char *name = shown (fields[0]);
      return g_strdup_printf ("expected a user name of letters, digits, "
                              "'-', '_' and '.', starting with a letter or "
                              "digit, got %s",
                              name);
    }
  switch (crypt_checksalt (fields[1]))
    {
    case CRYPT_SALT_OK:
      break;
    case CRYPT_SALT_METHOD_DISABLED:
      return g_strdup ("expected a crypt(5) hash: its method is disabled in "
                       "this system's libcrypt (herd passwd writes "
                       "yescrypt, $y$...)");
    case CRYPT_SALT_METHOD_LEGACY:
      return g_strdup ("expected a crypt(5) hash of a method libcrypt "
                       "recommends: this one is legacy (DES, MD5, ...; "
                       "herd passwd writes yescrypt, $y$...)");
    default:
      return g_strdup ("expected a crypt(5) hash (herd passwd writes "
                       "yescrypt, $y$...)");
    }
  u->role = role_of (fields[2]);
  if (u->role == HERD_ROLE_NONE)
    {
      g_autofree char *role = shown (fields[2]);
      return g_strdup_printf ("expected the role viewer, operator or "
                              "administrator, got %s",
                              role);
    }
  u->name = g_strdup (fields[0]);
  u->hash = g_strdup (fields[1]);
  return NULL;
}

/* A yescrypt hash of password with a new salt (the system's random
 * source) and libcrypt's default cost; NULL when libcrypt fails. */
static char *
hash_password (const char *password)
{
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn ("$y$", 0, NULL, 0, setting, sizeof setting) == NULL)
    return NULL;
  struct crypt_data *data = g_new0 (struct crypt_data, 1);
  const char *out = crypt_rn (password, setting, data, sizeof *data);
  int saved = errno;
  char *hash = out != NULL && out[0] != '*' ? g_strdup (out) : NULL;
  explicit_bzero (data, sizeof *data);
  g_free (data);
  errno = saved;
  return hash;
}

/* The users of text (the file at path); with_dummy: and the dummy hash
 * herd_users_check needs. */
static HerdUsers *
parse (const char *path, const char *text, gboolean with_dummy,
       GError **error)
{
  g_autoptr (HerdUsers) users = g_new0 (HerdUsers, 1);
  users->users = g_array_new (FALSE, TRUE, sizeof (User));
  g_array_set_clear_func (users->users, user_clear);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      if (*line == '\0' || *line == '#')
        continue;
      User u = { 0 };
      u.line = i + 1;
      g_autofree char *why = parse_line (line, &u);
      for (guint k = 0; why == NULL && k < users->users->len; k++)
        {
          const User *other = &g_array_index (users->users, User, k);
          if (strcmp (other->name, u.name) == 0)
            why = g_strdup_printf ("expected each user once: %s is on "
                                   "line %u too",
                                   u.name, other->line);
        }
      if (why != NULL)
        {
          user_clear (&u);
          g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_INVALID,
                       "%s:%u: %s", path, i + 1, why);
          return NULL;
        }
      g_array_append_val (users->users, u);
    }
  if (with_dummy)
    {
      char random[33];
      for (guint i = 0; i < sizeof random - 1; i++)
        random[i] = (char) g_random_int_range ('a', 'z' + 1);
      random[sizeof random - 1] = '\0';
      users->dummy = hash_password (random);
      if (users->dummy == NULL)
        {
          g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_READ,
                       "%s: libcrypt cannot make a yescrypt hash: %s", path,
                       g_strerror (errno));
          return NULL;
        }
    }
  return g_steal_pointer (&users);
}

HerdUsers *
herd_users_load (const char *path, GError **error)
{
  g_autofree char *text = read_checked (path, FALSE, NULL, error);
  return text != NULL ? parse (path, text, TRUE, error) : NULL;
}

/* a == b, in time that depends on their lengths only. */
static gboolean
same (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  volatile guint8 diff = la != lb;
  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}

HerdRole
herd_users_check (const HerdUsers *users, const char *name,
                  const char *password)
{
  if (users == NULL || name == NULL || !password_ok (password))
    return HERD_ROLE_NONE;
  const User *found = NULL;
  for (guint i = 0; i < users->users->len; i++)
    {
      const User *u = &g_array_index (users->users, User, i);
      if (strcmp (u->name, name) == 0)
        found = u;
    }
  const char *hash = found != NULL ? found->hash : users->dummy;
  struct crypt_data *data = g_new0 (struct crypt_data, 1);
  const char *out = crypt_rn (password, hash, data, sizeof *data);
  gboolean match = out != NULL && out[0] != '*' && same (out, hash);
  explicit_bzero (data, sizeof *data);
  g_free (data);
  return match && found != NULL ? found->role : HERD_ROLE_NONE;
}

/* Writes text to path whole: a temporary file 0600 beside it (whatever
 * the umask), synced, renamed over it, and the directory synced. */
static gboolean
write_whole (const char *path, const char *text, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_WRITE,
                   "%s: cannot make a temporary file beside it: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  gsize length = strlen (text), done = 0;
  gboolean ok = TRUE;
  while (ok && done < length)
    {
      ssize_t n = write (fd, text + done, length - done);
      if (n < 0 && errno == EINTR)
        continue;
      ok = n > 0;
      if (ok)
        done += (gsize) n;
      else if (n == 0)
        errno = EIO;
    }
  ok = ok && fchmod (fd, 0600) == 0 && fsync (fd) == 0;
  int saved = errno;
  if (close (fd) < 0 && ok)
    {
      ok = FALSE;
      saved = errno;
    }
  if (ok && g_rename (tmp, path) < 0)
    {
      ok = FALSE;
      saved = errno;
    }
  if (!ok)
    {
      g_remove (tmp);
      g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_WRITE,
                   "%s: cannot write it: %s", path, g_strerror (saved));
      return FALSE;
    }
  /* The rename itself made durable (best effort: it is done). */
  g_autofree char *dir = g_path_get_dirname (path);
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

/* Whether a line of the file is name's. */
static gboolean
is_users_line (const char *line, const char *name)
{
  while (g_ascii_isspace (*line))
    line++;
  gsize length = strlen (name);
  return strncmp (line, name, length) == 0 && line[length] == ':';
}

gboolean
herd_users_set (const char *path, const char *name, const char *password,
                HerdRole role, GError **error)
{
  if (name == NULL || !herd_scenario_is_name (name))
    {
      g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_ARGUMENT,
                   "expected a user name of letters, digits, '-', '_' and "
                   "'.', starting with a letter or digit, got \"%s\"",
                   name != NULL ? name : "");
      return FALSE;
    }
  if ((guint) role > HERD_ROLE_ADMINISTRATOR)
    {
      g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_ARGUMENT,
                   "expected the role viewer, operator or administrator");
      return FALSE;
    }
  if (role != HERD_ROLE_NONE && !password_ok (password))
    {
      g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_ARGUMENT,
                   "expected a password of 1 to %d bytes without a newline",
                   HERD_USERS_MAX_PASSWORD);
      return FALSE;
    }
  /* What is there now, checked as herd run will check it. */
  gboolean absent = FALSE;
  g_autofree char *text = read_checked (path, TRUE, &absent, error);
  if (text == NULL)
    return FALSE;
  g_autoptr (HerdUsers) current = parse (path, text, FALSE, error);
  if (current == NULL)
    return FALSE;
  g_autofree char *line = NULL;
  if (role != HERD_ROLE_NONE)
    {
      g_autofree char *hash = hash_password (password);
      if (hash == NULL)
        {
          g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_WRITE,
                       "%s: libcrypt cannot make a yescrypt hash: %s", path,
                       g_strerror (errno));
          return FALSE;
        }
      line = g_strdup_printf ("%s:%s:%s\n", name, hash,
                              herd_role_name (role));
    }
  /* Every line kept as it is but name's, which is replaced (or
   * dropped); a last line without a newline gets one. */
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean found = FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);
  if (n > 0 && *lines[n - 1] == '\0')
    n--; /* the empty piece after the last newline */
  for (guint i = 0; i < n; i++)
    if (is_users_line (lines[i], name))
      {
        found = TRUE;
        if (line != NULL)
          g_string_append (out, line);
      }
    else
      g_string_append_printf (out, "%s\n", lines[i]);
  if (!found && line == NULL)
    {
      g_set_error (error, HERD_USERS_ERROR, HERD_USERS_ERROR_NOT_FOUND,
                   "%s: no user %s to delete", path, name);
      return FALSE;
    }
  if (!found)
    g_string_append (out, line);
  return write_whole (path, out->str, error);
}
