/* run-config.h: herd run's configuration: a scenario file (the cluster in the
 * scenario vocabulary) whose connection keys ([hosts] uri, sanlock_dir,
 * migration_uri, fence_command, fence_options, proxy_command; [storage]
 * path; [manager]) say how to reach the real hosts.  This turns them into
 * the virt driver's configuration, "{n}" and "{name}" expanded per host
 * (the host's number in its group and its name). */
#pragma once

#include "conf/scenario.h"

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

/* The driver's configuration, or NULL with an error naming the file,
 * group and key (HERD_SCENARIO_ERROR_INVALID). */
HerdVirtConfig *herd_run_config (const HerdScenario *scenario,
                                 GError **error);

/* Where herd run keeps its state database and its control socket: the
 * [manager] keys, else NAME.db and NAME.sock beside the configuration. */
char *herd_run_default_path (const char *config_path, const char *suffix);
