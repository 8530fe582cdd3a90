/* Test-harness "host" holder: keeps a mount/UTS namespace alive, is the
 * child subreaper of everything it starts (so orphaned daemons and QEMU
 * processes are reaped at once instead of by this sandbox's slow PID 1,
 * which left dead QEMUs as zombies for ~2 s and made every destroy and
 * migration wait for that), and runs shell command lines written to a FIFO.
 *
 *   holder PIDFILE FIFO LOG
 *
 * Each line read from FIFO runs as `/bin/sh -c LINE` (stdin /dev/null,
 * stdout and stderr appended to LOG). SIGTERM ends the holder. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void reap (int sig)
{
  int saved = errno;
  (void) sig;
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
  errno = saved;
}

static void run (const char *line, const char *logpath)
{
  pid_t pid = fork ();
  if (pid != 0)
    return;
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGCHLD, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  int in = open ("/dev/null", O_RDONLY);
  int out = open (logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in >= 0) dup2 (in, 0);
  if (out >= 0) { dup2 (out, 1); dup2 (out, 2); }
  for (int fd = 3; fd < 1024; fd++)
    close (fd);
  execl ("/bin/sh", "sh", "-c", line, (char *) NULL);
  _exit (127);
}

int main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: holder PIDFILE FIFO LOG\n");
      return 2;
    }
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) != 0)
    perror ("prctl");
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = reap;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction (SIGCHLD, &sa, NULL);

  int fd = open (argv[2], O_RDWR); /* RDWR: never sees EOF */
  if (fd < 0)
    {
      perror (argv[2]);
      return 1;
    }
  FILE *pf = fopen (argv[1], "w");
  if (!pf)
    {
      perror (argv[1]);
      return 1;
    }
  fprintf (pf, "%d\n", (int) getpid ());
  fclose (pf);

  char buf[8192];
  size_t len = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf + len, sizeof buf - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return 1;
      len += n;
      char *nl;
      while ((nl = memchr (buf, '\n', len)))
        {
          *nl = 0;
          if (nl > buf)
            run (buf, argv[3]);
          len -= nl + 1 - buf;
          memmove (buf, nl + 1, len);
        }
      if (len == sizeof buf - 1)
        len = 0; /* over-long line: drop it */
    }
}
