/* writer.c: /init of the integration suite's Linux guest (booted directly,
 * kernel + initramfs, no disk image).  It loads the virtio modules listed
 * in /modules.order, waits for /dev/vda and writes write_mib MiB to it,
 * one MiB at a time and synced, at write_rate MiB/s (0: as fast as it
 * can), then dirties dirty_mib MiB of memory at dirty_rate MiB/s (a
 * working set a live migration must send again and again) or idles.
 * Kernel command-line words the kernel does not know (write_mib=,
 * write_rate=, dirty_mib=, dirty_rate=) reach it as environment
 * variables.  Progress
 * goes to the console ("writer: N MiB").  An I/O error is retried: while
 * the VM is paused on one (error_policy stop) the write simply waits. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void
load_modules (void)
{
  FILE *list = fopen ("/modules.order", "r");
  char name[256];
  while (list != NULL && fgets (name, sizeof name, list) != NULL)
    {
      name[strcspn (name, "\n")] = '\0';
      int fd = open (name, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || syscall (SYS_finit_module, fd, "", 0) < 0)
        printf ("writer: module %s: %s\n", name, strerror (errno));
      if (fd >= 0)
        close (fd);
    }
  if (list != NULL)
    fclose (list);
}

static double
now_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

int
main (void)
{
  mkdir ("/dev", 0755);
  mount ("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  setvbuf (stdout, NULL, _IONBF, 0);
  load_modules ();
  long total = getenv ("write_mib") ? atol (getenv ("write_mib")) : 0;
  double rate = getenv ("write_rate") ? atof (getenv ("write_rate")) : 0;
  int fd = -1;
  for (int i = 0; i < 200 && fd < 0; i++)
    if ((fd = open ("/dev/vda", O_WRONLY)) < 0)
      usleep (50000);
  if (fd < 0)
    printf ("writer: no /dev/vda: %s\n", strerror (errno));
  static char mib[1 << 20];
  memset (mib, 0xa5, sizeof mib);
  double start = now_s ();
  for (long n = 0; fd >= 0 && n < total;)
    {
      if (pwrite (fd, mib, sizeof mib, (off_t) n << 20) != (ssize_t) sizeof mib
          || fdatasync (fd) < 0)
        {
          printf ("writer: at %ld MiB: %s (retrying)\n", n, strerror (errno));
          sleep (1);
          continue;
        }
      n++;
      if (n % 16 == 0 || n == total)
        printf ("writer: %ld MiB\n", n);
      double due = start + (double) n / (rate > 0 ? rate : 1e9);
      while (rate > 0 && now_s () < due)
        usleep (10000);
    }
  printf ("writer: done\n");
  long set = getenv ("dirty_mib") ? atol (getenv ("dirty_mib")) : 0;
  double dirty = getenv ("dirty_rate") ? atof (getenv ("dirty_rate")) : 0;
  char *memory = set > 0 && dirty > 0 ? malloc ((size_t) set << 20) : NULL;
  if (memory != NULL)
    printf ("writer: dirtying %ld MiB at %.1f MiB/s\n", set, dirty);
  /* One byte per 4 KiB page dirties the page: dirty x 256 pages a second,
   * in steps of 10 ms. */
  for (long page = 0, pages = set << 8; memory != NULL;)
    {
      long step = (long) (dirty * 256 / 100);
      for (long i = 0; i < step; i++, page = (page + 1) % pages)
        memory[page << 12]++;
      usleep (10000);
    }
  for (;;)
    pause ();
}
