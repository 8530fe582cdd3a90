/* cmd-passwd.c: `herd passwd --file FILE --role ROLE USER`: a user of herd
 * run's REST API added to the password file service/users.c reads, or its
 * password and role changed; with --delete, removed.  The password comes
 * from the terminal, asked twice without echo, or from the first line of
 * standard input when that is not a terminal (scripts pipe it). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "conf/scenario.h"
#include "service/users.h"

/* The terminal as it was before echo was turned off, put back by a
 * signal that ends the process mid-prompt. */
static struct termios saved_termios;
static volatile sig_atomic_t echo_off;

static void
restore_terminal (int sig)
{
  if (echo_off)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* Overwrites and frees a password. */
static void
forget (char *password)
{
  if (password != NULL)
    {
      explicit_bzero (password, strlen (password));
      g_free (password);
    }
}

/* One line of stdin without its newline; NULL at end of file, and
 * *nul set when the line holds a NUL byte. */
static char *
read_line (gboolean *nul)
{
  char *line = NULL;
  size_t size = 0;
  ssize_t n = getline (&line, &size, stdin);
  if (n < 0)
    {
      free (line);
      return NULL;
    }
  if (n > 0 && line[n - 1] == '\n')
    line[--n] = '\0';
  *nul = strlen (line) != (size_t) n;
  char *copy = g_strdup (line);
  explicit_bzero (line, size);
  free (line);
  return copy;
}

/* prompt on stderr, then a line of the terminal without echo. */
static char *
ask (const char *prompt, gboolean *nul)
{
  fputs (prompt, stderr);
  fflush (stderr);
  struct termios quiet;
  if (tcgetattr (STDIN_FILENO, &saved_termios) == 0)
    {
      quiet = saved_termios;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  char *line = read_line (nul);
  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
      echo_off = FALSE;
    }
  else
    fputc ('\n', stderr);
  return line;
}

/* The password: asked twice on a terminal, else stdin's first line.
 * NULL after printing why. */
static char *
get_password (void)
{
  char *password = NULL;
  gboolean nul = FALSE;
  if (isatty (STDIN_FILENO))
    {
      struct sigaction sa = { 0 }, old[4];
      const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
      sa.sa_handler = restore_terminal;
      for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
        sigaction (signals[i], &sa, &old[i]);
      gboolean nul_again = FALSE;
      password = ask ("Password: ", &nul);
      char *again = password != NULL ? ask ("Again: ", &nul_again) : NULL;
      for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
        sigaction (signals[i], &old[i], NULL);
      gboolean differ = password != NULL
                        && (again == NULL || strcmp (password, again) != 0
                            || nul != nul_again);
      forget (again);
      if (differ)
        {
          forget (password);
          herd_cli_error ("passwd", "the two passwords differ: nothing "
                                    "changed");
          return NULL;
        }
    }
  else
    password = read_line (&nul);
  gsize length = password != NULL ? strlen (password) : 0;
  if (length == 0 || length > HERD_USERS_MAX_PASSWORD || nul)
    {
      forget (password);
      g_autofree char *got
          = nul ? g_strdup ("a NUL byte")
            : length > 0 ? g_strdup_printf ("%" G_GSIZE_FORMAT " bytes",
                                            length)
                         : g_strdup ("none");
      herd_cli_error ("passwd", "expected a password of 1 to %d bytes "
                                "without a NUL byte, got %s",
                      HERD_USERS_MAX_PASSWORD, got);
      return NULL;
    }
  return password;
}

int
herd_cmd_passwd (int argc, char **argv)
{
  g_autofree char *file = NULL, *role_text = NULL;
  gboolean delete = FALSE;
  const GOptionEntry entries[] = {
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
      "The password file (herd run's [manager] api_users); created 0600 "
      "when absent",
      "FILE" },
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_text,
      "USER's role: viewer, operator or administrator (required unless "
      "--delete)",
      "ROLE" },
    { "delete", 'd', 0, G_OPTION_ARG_NONE, &delete,
      "Remove USER's line from the file (no password asked)", NULL },
    { NULL },
  };
  if (!herd_cli_parse (
          &argc, &argv, "passwd", "USER",
          "Adds a user of herd run's REST API to its password file, or "
          "changes the user's password and role, or removes the user.",
          "The password file (herd run's [manager] api_users) has one user "
          "per line,\n"
          "  NAME:HASH:ROLE\n"
          "NAME of letters, digits, '-', '_' and '.', starting with a letter "
          "or digit;\nHASH a crypt(5) hash (herd passwd writes yescrypt, "
          "\"$y$...\", with a new random\nsalt); ROLE viewer, operator or "
          "administrator, the control socket's roles.\nBlank lines and lines "
          "starting with '#' are allowed.  herd passwd replaces\nUSER's line "
          "(or adds one at the end) and keeps every other line byte for\n"
          "byte; the file is replaced whole (a temporary file 0600 beside it, "
          "synced,\nrenamed) and created 0600.  As herd run does, it refuses "
          "a file that is not\nits user's, that its group or others may use "
          "(chmod 600), larger than 1 MiB,\nor with a malformed line: run it "
          "as herd run's user.\n\nThe password is asked twice on the "
          "terminal, without echo, or read from\nthe first line of standard "
          "input when that is not a terminal\n(printf '%s\\n' \"$PASSWORD\" "
          "| herd passwd ...): 1 to 511 bytes.\n\nExit status: 0 done, 1 "
          "the file could not be read or written, or was refused\n(or, with "
          "--delete, has no such user), 2 bad usage (no --file, no --role or"
          "\na bad one, both --role and --delete, a bad user name, no "
          "password, passwords\nthat differ).",
          entries))
    return HERD_EXIT_USAGE;
  if (file == NULL || argc != 2)
    {
      herd_cli_error ("passwd", "expected --file FILE and one USER (see "
                                "'herd passwd --help')");
      return HERD_EXIT_USAGE;
    }
  const char *user = argv[1];
  HerdRole role = HERD_ROLE_NONE;
  for (HerdRole r = HERD_ROLE_VIEWER; r <= HERD_ROLE_ADMINISTRATOR; r++)
    if (role_text != NULL && strcmp (role_text, herd_role_name (r)) == 0)
      role = r;
  if (delete && role_text != NULL)
    {
      herd_cli_error ("passwd", "expected --role or --delete, not both");
      return HERD_EXIT_USAGE;
    }
  if (!delete && role_text == NULL)
    {
      herd_cli_error ("passwd", "expected --role viewer, operator or "
                                "administrator, or --delete");
      return HERD_EXIT_USAGE;
    }
  if (!delete && role == HERD_ROLE_NONE)
    {
      herd_cli_error ("passwd", "--role: expected viewer, operator or "
                                "administrator, got \"%s\"",
                      role_text);
      return HERD_EXIT_USAGE;
    }
  if (!herd_scenario_is_name (user))
    {
      herd_cli_error ("passwd", "expected a user name of letters, digits, "
                                "'-', '_' and '.', starting with a letter "
                                "or digit, got \"%s\"",
                      user);
      return HERD_EXIT_USAGE;
    }
  char *password = NULL;
  if (!delete && (password = get_password ()) == NULL)
    return HERD_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  gboolean ok = herd_users_set (file, user, password, role, &error);
  forget (password);
  if (!ok)
    {
      herd_cli_error ("passwd", "%s", error->message);
      return g_error_matches (error, HERD_USERS_ERROR,
                              HERD_USERS_ERROR_ARGUMENT)
                 ? HERD_EXIT_USAGE
                 : HERD_EXIT_FAILURE;
    }
  if (delete)
    fprintf (stderr, "herd passwd: %s deleted from %s\n", user, file);
  else
    fprintf (stderr, "herd passwd: %s is %s %s in %s\n", user,
             role == HERD_ROLE_VIEWER ? "a" : "an", role_text, file);
  return HERD_EXIT_OK;
}
