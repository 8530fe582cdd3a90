/* test-users.c: the REST API's password file (service/users.c): a user set
 * is checked by its password and gets its role (an unknown user costing
 * as much as a known one); setting or deleting a user keeps every other
 * line byte for byte; the file is created 0600 whatever the umask; and a
 * file herd run must not trust (open to its group, another user's, larger
 * than 1 MiB, malformed) is refused with its path, line and reason. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "service/users.h"
#include "tests/test-util.h"

/* A private directory and the path of "users" in it. */
typedef struct
{
  char *dir;
  char *path;
} Temp;

static void
temp_open (Temp *t)
{
  t->dir = g_dir_make_tmp ("herd-test-users-XXXXXX", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (t->dir);
  t->path = g_build_filename (t->dir, "users", NULL);
}

/* Removes everything in the directory (herd_users_set's temporary files
 * included, were any left). */
static void
temp_close (Temp *t)
{
  GDir *d = g_dir_open (t->dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (t->dir, name, NULL);
      g_remove (p);
    }
  if (d != NULL)
    g_dir_close (d);
  CU_ASSERT_EQUAL (g_rmdir (t->dir), 0);
  g_free (t->path);
  g_free (t->dir);
}

static char *
contents (const char *path)
{
  char *text = NULL;
  gboolean read = g_file_get_contents (path, &text, NULL, NULL);
  CU_ASSERT_TRUE (read);
  return text;
}

static void
write_file (const char *path, const char *text, int mode)
{
  CU_ASSERT_TRUE (g_file_set_contents_full (
      path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, NULL));
  CU_ASSERT_EQUAL (g_chmod (path, mode), 0);
}

/* herd_users_load's error for the file at path: NULL users and exactly
 * "PATH" followed by want. */
static void
assert_refused (const char *path, int code, const char *want)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdUsers) users = herd_users_load (path, &error);
  CU_ASSERT_PTR_NULL (users);
  g_autofree char *full = g_strconcat (path, want, NULL);
  if (error == NULL || strcmp (error->message, full) != 0)
    g_printerr ("\n got: %s\nwant: %s\n", error ? error->message : "-",
                full);
  CU_ASSERT (error != NULL && strcmp (error->message, full) == 0);
  CU_ASSERT (g_error_matches (error, HERD_USERS_ERROR, code));
}

static void
test_set_and_check (void)
{
  Temp t;
  temp_open (&t);
  g_autoptr (GError) error = NULL;
  mode_t old = umask (0);
  CU_ASSERT_TRUE (herd_users_set (t.path, "alice", "wonder land",
                                  HERD_ROLE_OPERATOR, &error));
  umask (old);
  struct stat st;
  CU_ASSERT_EQUAL (g_stat (t.path, &st), 0);
  CU_ASSERT_EQUAL (st.st_mode & 07777, 0600);
  g_autofree char *max = g_strnfill (HERD_USERS_MAX_PASSWORD, 'p');
  CU_ASSERT_TRUE (herd_users_set (t.path, "bob", max, HERD_ROLE_VIEWER,
                                  &error));
  CU_ASSERT_TRUE (herd_users_set (t.path, "carol.d-e_f", "c",
                                  HERD_ROLE_ADMINISTRATOR, &error));
  CU_ASSERT_PTR_NULL (error);
  g_autofree char *text = contents (t.path);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  CU_ASSERT_EQUAL_FATAL (g_strv_length (lines), 4);
  CU_ASSERT_TRUE (g_str_has_prefix (lines[0], "alice:$y$"));
  CU_ASSERT_TRUE (g_str_has_suffix (lines[0], ":operator"));
  CU_ASSERT_TRUE (g_str_has_prefix (lines[1], "bob:$y$"));
  CU_ASSERT_TRUE (g_str_has_suffix (lines[1], ":viewer"));
  CU_ASSERT_TRUE (g_str_has_prefix (lines[2], "carol.d-e_f:$y$"));
  CU_ASSERT_TRUE (g_str_has_suffix (lines[2], ":administrator"));
  CU_ASSERT_STRING_EQUAL (lines[3], "");

  g_autoptr (HerdUsers) users = herd_users_load (t.path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (users);
  CU_ASSERT_EQUAL (herd_users_count (users), 3);
  CU_ASSERT_EQUAL (herd_users_check (users, "alice", "wonder land"),
                   HERD_ROLE_OPERATOR);
  CU_ASSERT_EQUAL (herd_users_check (users, "alice", "wonder lan"),
                   HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, "alice", "wonder land "),
                   HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, "alice", ""), HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, "alice", NULL), HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, "Alice", "wonder land"),
                   HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, "bob", max), HERD_ROLE_VIEWER);
  CU_ASSERT_EQUAL (herd_users_check (users, "carol.d-e_f", "c"),
                   HERD_ROLE_ADMINISTRATOR);
  /* another user's password is not this one's */
  CU_ASSERT_EQUAL (herd_users_check (users, "carol.d-e_f", "wonder land"),
                   HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, "dave", "c"), HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, NULL, "c"), HERD_ROLE_NONE);

  /* bad arguments: refused as such, and the file unchanged */
  struct
  {
    const char *name, *password;
  } bad[] = {
    { "bad:name", "x" }, { "-dash", "x" }, { "", "x" },
    { "dave", "two\nlines" }, { "dave", "" }, { "dave", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) bad_error = NULL;
      CU_ASSERT_FALSE (herd_users_set (t.path, bad[i].name, bad[i].password,
                                       HERD_ROLE_VIEWER, &bad_error));
      CU_ASSERT (g_error_matches (bad_error, HERD_USERS_ERROR,
                                  HERD_USERS_ERROR_ARGUMENT));
    }
  g_autofree char *long_password = g_strnfill (HERD_USERS_MAX_PASSWORD + 1,
                                               'p');
  g_autoptr (GError) long_error = NULL;
  CU_ASSERT_FALSE (herd_users_set (t.path, "dave", long_password,
                                   HERD_ROLE_VIEWER, &long_error));
  CU_ASSERT_STRING_EQUAL (
      long_error->message,
      "expected a password of 1 to 511 bytes without a newline");
  g_autofree char *unchanged = contents (t.path);
  CU_ASSERT_STRING_EQUAL (unchanged, text);
  temp_close (&t);
}

/* An unknown name is hashed too: its check costs about what a known
 * one's does (generous bounds: the point is that it is not free). */
static void
test_unknown_costs_the_same (void)
{
  Temp t;
  temp_open (&t);
  CU_ASSERT_TRUE (herd_users_set (t.path, "alice", "a", HERD_ROLE_VIEWER,
                                  NULL));
  g_autoptr (HerdUsers) users = herd_users_load (t.path, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (users);
  gint64 known = G_MAXINT64, unknown = G_MAXINT64;
  for (int i = 0; i < 3; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      CU_ASSERT_EQUAL (herd_users_check (users, "alice", "wrong"),
                       HERD_ROLE_NONE);
      gint64 t1 = g_get_monotonic_time ();
      CU_ASSERT_EQUAL (herd_users_check (users, "nobody", "wrong"),
                       HERD_ROLE_NONE);
      gint64 t2 = g_get_monotonic_time ();
      known = MIN (known, t1 - t0);
      unknown = MIN (unknown, t2 - t1);
    }
  if (unknown * 4 < known || known * 4 < unknown)
    g_printerr ("\nknown %" G_GINT64_FORMAT " us, unknown %" G_GINT64_FORMAT
                " us\n",
                known, unknown);
  CU_ASSERT (unknown * 4 >= known);
  CU_ASSERT (known * 4 >= unknown);
  temp_close (&t);
}

/* Setting a user again replaces its line only, comments, blank lines and
 * odd spacing kept byte for byte; deleting one removes its line only. */
static void
test_replace_and_delete_keep_lines (void)
{
  Temp t;
  temp_open (&t);
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE (herd_users_set (t.path, "alice", "a", HERD_ROLE_VIEWER,
                                  &error));
  CU_ASSERT_TRUE (herd_users_set (t.path, "bob", "b", HERD_ROLE_VIEWER,
                                  &error));
  g_autofree char *made = contents (t.path);
  g_auto (GStrv) made_lines = g_strsplit (made, "\n", -1);
  /* alice, bob, with a comment, blank lines and spacing around them */
  g_autofree char *before = g_strdup_printf (
      "# the API's users  \n\n%s\n  # indented: alice:x:viewer\n\t\n  %s   \n"
      "# last, without a newline",
      made_lines[0], made_lines[1]);
  write_file (t.path, before, 0600);

  CU_ASSERT_TRUE (herd_users_set (t.path, "alice", "new",
                                  HERD_ROLE_ADMINISTRATOR, &error));
  g_autofree char *after = contents (t.path);
  g_auto (GStrv) a = g_strsplit (after, "\n", -1);
  g_auto (GStrv) b = g_strsplit (before, "\n", -1);
  CU_ASSERT_EQUAL_FATAL (g_strv_length (a), g_strv_length (b) + 1);
  for (guint i = 0; b[i] != NULL; i++)
    if (i != 2)
      CU_ASSERT_STRING_EQUAL (a[i], b[i]);
  CU_ASSERT_STRING_EQUAL (a[g_strv_length (b)], ""); /* a newline added */
  CU_ASSERT_TRUE (g_str_has_prefix (a[2], "alice:$y$"));
  CU_ASSERT_TRUE (g_str_has_suffix (a[2], ":administrator"));
  CU_ASSERT_STRING_NOT_EQUAL (a[2], b[2]);
  g_autoptr (HerdUsers) users = herd_users_load (t.path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (users);
  CU_ASSERT_EQUAL (herd_users_count (users), 2);
  CU_ASSERT_EQUAL (herd_users_check (users, "alice", "new"),
                   HERD_ROLE_ADMINISTRATOR);
  CU_ASSERT_EQUAL (herd_users_check (users, "alice", "a"), HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (users, "bob", "b"), HERD_ROLE_VIEWER);

  /* bob's line, indented, is found and replaced whole */
  CU_ASSERT_TRUE (herd_users_set (t.path, "bob", "bb", HERD_ROLE_OPERATOR,
                                  &error));
  g_autofree char *after_bob = contents (t.path);
  g_auto (GStrv) c = g_strsplit (after_bob, "\n", -1);
  CU_ASSERT_EQUAL_FATAL (g_strv_length (c), g_strv_length (a));
  for (guint i = 0; c[i] != NULL; i++)
    if (i != 5)
      CU_ASSERT_STRING_EQUAL (c[i], a[i]);
  CU_ASSERT_TRUE (g_str_has_prefix (c[5], "bob:$y$"));
  CU_ASSERT_TRUE (g_str_has_suffix (c[5], ":operator"));

  /* deleting alice removes exactly her line */
  CU_ASSERT_TRUE (herd_users_set (t.path, "alice", NULL, HERD_ROLE_NONE,
                                  &error));
  g_autofree char *removed = contents (t.path);
  GString *want = g_string_new (NULL);
  for (guint i = 0; c[i] != NULL && c[i + 1] != NULL; i++)
    if (i != 2)
      g_string_append_printf (want, "%s\n", c[i]);
  CU_ASSERT_STRING_EQUAL (removed, want->str);
  g_string_free (want, TRUE);
  g_autoptr (HerdUsers) left = herd_users_load (t.path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (left);
  CU_ASSERT_EQUAL (herd_users_count (left), 1);
  CU_ASSERT_EQUAL (herd_users_check (left, "alice", "new"), HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_users_check (left, "bob", "bb"), HERD_ROLE_OPERATOR);

  /* deleting her again is an error, naming the file; nothing changes */
  g_autoptr (GError) absent = NULL;
  CU_ASSERT_FALSE (herd_users_set (t.path, "alice", NULL, HERD_ROLE_NONE,
                                   &absent));
  CU_ASSERT (g_error_matches (absent, HERD_USERS_ERROR,
                              HERD_USERS_ERROR_NOT_FOUND));
  g_autofree char *absent_want = g_strdup_printf (
      "%s: no user alice to delete", t.path);
  CU_ASSERT_STRING_EQUAL (absent->message, absent_want);
  g_autofree char *still = contents (t.path);
  CU_ASSERT_STRING_EQUAL (still, removed);

  /* a symbolic link is not replaced by a file */
  g_autofree char *link = g_build_filename (t.dir, "link", NULL);
  CU_ASSERT_EQUAL (symlink ("users", link), 0);
  g_autoptr (GError) link_error = NULL;
  CU_ASSERT_FALSE (herd_users_set (link, "carol", "c", HERD_ROLE_VIEWER,
                                   &link_error));
  CU_ASSERT (g_error_matches (link_error, HERD_USERS_ERROR,
                              HERD_USERS_ERROR_READ));
  CU_ASSERT_TRUE (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  temp_close (&t);
}

/* Files herd run must not trust: each refusal names the file, the line
 * and what was expected; herd_users_set refuses them alike and leaves
 * them as they are. */
static void
test_refused (void)
{
  Temp t;
  temp_open (&t);
  CU_ASSERT_TRUE (herd_users_set (t.path, "alice", "a", HERD_ROLE_VIEWER,
                                  NULL));
  g_autofree char *good = contents (t.path);
  g_auto (GStrv) fields = g_strsplit (good, ":", -1);
  CU_ASSERT_EQUAL_FATAL (g_strv_length (fields), 3);
  const char *hash = fields[1];
  struct
  {
    const char *text;  /* %1$s: a good hash */
    const char *message; /* after "PATH" */
  } cases[] = {
    { "alice\n", ":1: expected NAME:HASH:ROLE, got 1 field" },
    { "# users\n\nalice:%1$s:viewer:x\n",
      ":3: expected NAME:HASH:ROLE, got 4 fields" },
    { "# ok\nalice:%1$s:root\n",
      ":2: expected the role viewer, operator or administrator, got "
      "\"root\"" },
    { "alice:%1$s:Viewer\n",
      ":1: expected the role viewer, operator or administrator, got "
      "\"Viewer\"" },
    { "alice:%1$s:viewer\nbob:%1$s:viewer\n\nalice:%1$s:operator\n",
      ":4: expected each user once: alice is on line 1 too" },
    { "-x:%1$s:viewer\n",
      ":1: expected a user name of letters, digits, '-', '_' and '.', "
      "starting with a letter or digit, got \"-x\"" },
    { "al ice:%1$s:viewer\n",
      ":1: expected a user name of letters, digits, '-', '_' and '.', "
      "starting with a letter or digit, got \"al ice\"" },
    { "alice::viewer\n",
      ":1: expected a crypt(5) hash (herd passwd writes yescrypt, $y$...)" },
    { "alice:!:viewer\n",
      ":1: expected a crypt(5) hash (herd passwd writes yescrypt, $y$...)" },
    { "alice:$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0:viewer\n",
      ":1: expected a crypt(5) hash of a method libcrypt recommends: this "
      "one is legacy (DES, MD5, ...; herd passwd writes yescrypt, $y$...)" },
    { "alice:plain:viewer\n",
      ":1: expected a crypt(5) hash of a method libcrypt recommends: this "
      "one is legacy (DES, MD5, ...; herd passwd writes yescrypt, $y$...)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf (cases[i].text, hash);
      write_file (t.path, text, 0600);
      assert_refused (t.path, HERD_USERS_ERROR_INVALID, cases[i].message);
      /* herd passwd refuses to touch it, with the same message */
      g_autoptr (GError) error = NULL;
      CU_ASSERT_FALSE (herd_users_set (t.path, "bob", "b", HERD_ROLE_VIEWER,
                                       &error));
      g_autofree char *full = g_strconcat (t.path, cases[i].message, NULL);
      CU_ASSERT (error != NULL && strcmp (error->message, full) == 0);
      g_autofree char *kept = contents (t.path);
      CU_ASSERT_STRING_EQUAL (kept, text);
    }

  /* other crypt(5) methods libcrypt calls OK are taken: SHA-512 */
  write_file (t.path,
              "carol:$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2"
              "/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/:viewer\n",
              0600);
  g_autoptr (HerdUsers) sha = herd_users_load (t.path, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sha);
  CU_ASSERT_EQUAL (herd_users_check (sha, "carol", "password"),
                   HERD_ROLE_VIEWER);
  CU_ASSERT_EQUAL (herd_users_check (sha, "carol", "Password"),
                   HERD_ROLE_NONE);

  /* open to its group, or to others: refused before reading */
  write_file (t.path, good, 0640);
  g_autofree char *mode_want = g_strdup_printf (
      ": mode 0640 lets its group or others at it: refused (only herd "
      "run's user may read it: chmod 600 %s)",
      t.path);
  assert_refused (t.path, HERD_USERS_ERROR_READ, mode_want);
  CU_ASSERT_FALSE (herd_users_set (t.path, "bob", "b", HERD_ROLE_VIEWER,
                                   NULL));
  CU_ASSERT_EQUAL (g_chmod (t.path, 0602), 0);
  g_autofree char *mode2_want = g_strdup_printf (
      ": mode 0602 lets its group or others at it: refused (only herd "
      "run's user may read it: chmod 600 %s)",
      t.path);
  assert_refused (t.path, HERD_USERS_ERROR_READ, mode2_want);
  CU_ASSERT_EQUAL (g_chmod (t.path, 0600), 0);
  g_autofree char *kept = contents (t.path);
  CU_ASSERT_STRING_EQUAL (kept, good);

  /* another user's (root can make one) */
  if (geteuid () == 0)
    {
      CU_ASSERT_EQUAL (chown (t.path, 4242, 4242), 0);
      assert_refused (t.path, HERD_USERS_ERROR_READ,
                      ": owned by uid 4242, not by herd run's user (uid 0): "
                      "refused (chown it to herd run's user)");
      CU_ASSERT_FALSE (herd_users_set (t.path, "bob", "b", HERD_ROLE_VIEWER,
                                       NULL));
      CU_ASSERT_EQUAL (chown (t.path, 0, 0), 0);
    }
  else
    g_printerr ("\n(not root: the file of another owner is not tried)\n");

  /* not a regular file; absent */
  assert_refused (t.dir, HERD_USERS_ERROR_READ,
                  ": not a regular file: refused");
  g_autofree char *absent = g_build_filename (t.dir, "absent", NULL);
  assert_refused (absent, HERD_USERS_ERROR_READ,
                  ": cannot open it: No such file or directory");

  /* 1 MiB: taken; a byte more: refused */
  g_autofree char *big = g_strnfill (HERD_USERS_MAX_BYTES, '#');
  memcpy (big + HERD_USERS_MAX_BYTES - strlen (good), good, strlen (good));
  big[HERD_USERS_MAX_BYTES - strlen (good) - 1] = '\n';
  write_file (t.path, big, 0600);
  g_autoptr (HerdUsers) at_max = herd_users_load (t.path, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (at_max);
  CU_ASSERT_EQUAL (herd_users_count (at_max), 1);
  g_autofree char *bigger = g_strconcat (big, "\n", NULL);
  write_file (t.path, bigger, 0600);
  assert_refused (t.path, HERD_USERS_ERROR_READ,
                  ": larger than 1048576 bytes: refused");
  CU_ASSERT_FALSE (herd_users_set (t.path, "bob", "b", HERD_ROLE_VIEWER,
                                   NULL));

  /* a NUL byte */
  CU_ASSERT_TRUE (g_file_set_contents_full (
      t.path, "# a\0b\n", 6, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  assert_refused (t.path, HERD_USERS_ERROR_READ,
                  ": holds a NUL byte: refused");
  temp_close (&t);
}

int
main (void)
{
  static const HerdTestCase cases[]
      = { { "set, then checked by password and role", test_set_and_check },
          { "an unknown user costs a hash too", test_unknown_costs_the_same },
          { "setting and deleting keep the other lines",
            test_replace_and_delete_keep_lines },
          { "files herd run must not trust are refused", test_refused },
          { NULL, NULL } };
  static const HerdTestSuite suites[] = { { "users", cases },
                                          { NULL, NULL } };
  return herd_test_main (suites);
}
