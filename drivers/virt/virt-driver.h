/* virt-driver.h: the driver for real hosts: libvirt (VMs, statistics,
 * events, live migration), sanlock (host ids, the SPM lease, VM leases),
 * fence agents run as programs, and qcow2 volumes on file storage domains.
 *
 * It runs on GLib's default main context: timers are GLib timeouts, and
 * libvirt's events (which libvirt's own event loop receives in a thread of
 * the driver's) are handed to the main context before the core sees them.
 * The core's calls are made from the main context only.
 *
 * What the driver needs beyond the model comes in a HerdVirtConfig, which
 * `herd run` builds from the connection keys of its configuration
 * (docs/real-hosts.md). */
#pragma once

#include "drivers/driver.h"

/* How to reach one host. */
typedef struct
{
  char *uri;            /* libvirt URI, e.g. qemu+unix:///system?socket=.. */
  char *sanlock_dir;    /* SANLOCK_RUN_DIR of its sanlock daemon; NULL: the
                           default (/run/sanlock) */
  char *migration_uri;  /* where its QEMU receives migrations (tcp://ADDR);
                           NULL: libvirt's choice */
  GStrv fence_command;  /* argv of its fence agent; NULL: none */
  GStrv fence_options;  /* name=value lines the agent reads on stdin */
  GStrv proxy_command;  /* argv prefix that runs a program on a proxy host
                           ("{proxy}" replaced by its name); NULL: the agent
                           runs where herd runs */
} HerdVirtHost;

/* Where a storage domain lives: a directory that holds the lockspace
 * (ids), the SPM lease (leases), VM leases (xleases) and images: on a file
 * domain image files (images/VM-N.qcow2 or .raw), on a block domain each
 * volume's "LV" (images/VM-N.lv), a file that a loop device presents as a
 * block device of the LV's size, extended as an LV is. */
typedef struct
{
  char *path;
} HerdVirtDomain;

/* How one VM boots: from its first disk, or (direct kernel boot) from a
 * kernel and initrd with a command line. */
typedef struct
{
  char *kernel, *initrd, *cmdline; /* NULL: boots from disk / network */
} HerdVirtVm;

typedef struct
{
  HerdVirtHost *hosts;     /* one per model host, by id */
  HerdVirtVm *vms;         /* one per model VM, by id */
  HerdVirtDomain *domains; /* one per model storage domain, by id */
  GStrv bridges;           /* per model network, by id: the Linux bridge
                              that carries it on every host (vNICs) */
  guint io_timeout_s;      /* sanlock io_timeout for lockspaces */
  guint64 seed;            /* of the core's random stream */
  char *domain_type;       /* "kvm", "qemu", or NULL: kvm if /dev/kvm */
  HerdTime reconnect_interval; /* between attempts to reach a lost host */
  HerdTime job_poll_interval;  /* migration job statistics */
} HerdVirtConfig;

void herd_virt_config_free (HerdVirtConfig *config, guint n_hosts,
                            guint n_vms, guint n_domains);

/* Opens the virt driver on model; config (HerdVirtConfig *) is borrowed
 * and must outlive the driver.  Freeing the driver removes its timers and
 * aborts migrations in flight (their VMs stay on their sources); events
 * already handed to the main context are not withdrawn, so the default
 * main context must not run again after it (herd run exits). */
HerdDriver *herd_virt_driver_open (HerdModel *model, gpointer config,
                                   GError **error);
