/* mute.c: a "libvirtd" that accepts and never answers.  mute SOCKET listens
 * on the UNIX socket SOCKET, accepts every connection and holds it open
 * without reading or writing, until killed.  The integration suite points
 * one host of its cluster at it: a manager that waited on that host (a
 * virConnectOpen on its main loop) would freeze, so the suite measures the
 * main loop's longest stall while it works with the other hosts. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 2 || strlen (argv[1]) >= sizeof ((struct sockaddr_un){ 0 }.sun_path))
    {
      fprintf (stderr, "usage: mute SOCKET\n");
      return 2;
    }
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  strcpy (addr.sun_path, argv[1]);
  unlink (argv[1]);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (fd, 64) < 0)
    {
      perror (argv[1]);
      return 1;
    }
  for (;;)
    if (accept (fd, NULL, NULL) < 0)
      perror ("accept"); /* the connection stays open, unanswered */
}
