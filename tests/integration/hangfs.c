/* hangfs.c: a file system that never answers statfs.  hangfs MOUNTPOINT
 * mounts (FUSE, in the foreground, until killed) an empty directory whose
 * statfs waits for ever, as a storage domain on a hung NFS server does.
 * The integration suite mounts it over one storage domain's directory
 * while herd run works: the domain's free-space check (statvfs) must wait
 * in a thread, never on herd run's main loop. */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fuse.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
hang_getattr (const char *path, struct stat *st,
              struct fuse_file_info *fi)
{
  (void) fi;
  memset (st, 0, sizeof *st);
  if (strcmp (path, "/") != 0)
    return -ENOENT;
  st->st_mode = S_IFDIR | 0755;
  st->st_nlink = 2;
  return 0;
}

static int
hang_statfs (const char *path, struct statvfs *st)
{
  (void) path;
  (void) st;
  for (;;)
    pause (); /* a hung server: no answer, ever */
  return 0;
}

static const struct fuse_operations hang_ops = {
  .getattr = hang_getattr,
  .statfs = hang_statfs,
};

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: hangfs MOUNTPOINT\n");
      return 2;
    }
  char *args[] = { argv[0], "-f", "-o", "allow_other", argv[1], NULL };
  return fuse_main (5, args, &hang_ops, NULL);
}
