/* cutfs.c: one file whose storage can be cut.  cutfs SOURCE MOUNTPOINT
 * mounts (FUSE, in the foreground, until killed) a file system whose root
 * is a regular file passing reads and writes through to the file SOURCE;
 * MOUNTPOINT is a regular file (usually SOURCE itself, seen through this
 * mount only by the processes of the mount namespace it is mounted in).
 * SIGUSR1 cuts it: every read and write then fails with EIO, as on a
 * host that has lost its path to the storage; SIGUSR2 mends it.  The
 * integration suite mounts it over a storage domain's `ids` file (its
 * sanlock lockspace) in one host's namespace before that host's sanlock
 * joins, then cuts it: that host's lockspace renewals fail and sanlock
 * kills the QEMU holding a lease there, while the other hosts, which see
 * the file itself, go on.  Every request is direct (no page cache), so a
 * read after the cut cannot be served from memory. */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *source;
static int source_fd = -1;
static volatile sig_atomic_t cut;

static void
on_signal (int sig)
{
  cut = sig == SIGUSR1;
}

static int
cut_getattr (const char *path, struct stat *st, struct fuse_file_info *fi)
{
  (void) fi;
  if (strcmp (path, "/") != 0)
    return -ENOENT;
  if (fstat (source_fd, st) < 0)
    return -errno;
  return 0;
}

static int
cut_open (const char *path, struct fuse_file_info *fi)
{
  if (strcmp (path, "/") != 0)
    return -ENOENT;
  if (cut)
    return -EIO;
  fi->direct_io = 1;
  return 0;
}

static int
cut_read (const char *path, char *buf, size_t size, off_t offset,
          struct fuse_file_info *fi)
{
  (void) path;
  (void) fi;
  if (cut)
    return -EIO;
  ssize_t n = pread (source_fd, buf, size, offset);
  return n < 0 ? -errno : (int) n;
}

static int
cut_write (const char *path, const char *buf, size_t size, off_t offset,
           struct fuse_file_info *fi)
{
  (void) path;
  (void) fi;
  if (cut)
    return -EIO;
  ssize_t n = pwrite (source_fd, buf, size, offset);
  return n < 0 ? -errno : (int) n;
}

static int
cut_fsync (const char *path, int datasync, struct fuse_file_info *fi)
{
  (void) path;
  (void) fi;
  if (cut)
    return -EIO;
  return (datasync ? fdatasync (source_fd) : fsync (source_fd)) < 0 ? -errno
                                                                     : 0;
}

static const struct fuse_operations cut_ops = {
  .getattr = cut_getattr,
  .open = cut_open,
  .read = cut_read,
  .write = cut_write,
  .fsync = cut_fsync,
};

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: cutfs SOURCE MOUNTPOINT\n"
                       "  SIGUSR1 cuts the file (EIO), SIGUSR2 mends it\n");
      return 2;
    }
  source = argv[1];
  source_fd = open (source, O_RDWR);
  if (source_fd < 0)
    {
      perror (source);
      return 1;
    }
  struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGUSR1, &sa, NULL);
  sigaction (SIGUSR2, &sa, NULL);
  char *args[] = { argv[0], "-f", "-s", "-o", "allow_other", argv[2], NULL };
  return fuse_main (6, args, &cut_ops, NULL);
}
