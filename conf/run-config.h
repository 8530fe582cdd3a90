/* run-config.h: herd run's configuration: a scenario file (the cluster in the
 * scenario vocabulary) whose connection keys ([hosts] uri, sanlock_dir,
 * migration_uri, fence_command, fence_options, proxy_command; [storage]
 * path; [manager]) say how to reach the real hosts.  This turns them into
 * the virt driver's configuration, "{n}" and "{name}" expanded per host
 * (the host's number in its group and its name), with the fence agents'
 * credentials from herd run's secrets file, which only herd run's user may
 * read. */
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
  GStrv fence_secrets;  /* name=value lines from the secrets file, read on
                           stdin after fence_options: never logged, never
                           in an audit event (virt-fence.c blanks them out
                           of the agent's output) */
  GStrv proxy_command;  /* argv prefix that runs a program on a proxy host
                           ("{proxy}" replaced by its name); NULL: the agent
                           runs where herd runs */
  GStrv ssh_command;    /* argv prefix that runs a command on the host
                           (ssh -o BatchMode=yes root@{name}): soft fencing
                           restarts its agent through it; NULL: none */
  char **nics;          /* by model network id: the NIC (or bond) that
                           carries it on this host, whose link is watched;
                           NULL entries: not watched (NULL: none) */
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
  HerdTime sanlock_wait;       /* the longest the main loop waits for a
                                  sanlock answer the core needs */
  GStrv soft_fencing_command;  /* what soft fencing runs through a host's
                                  ssh_command (oVirt's SshSoftFencingCommand
                                  restarts VDSM; herd's agent is libvirtd) */
  char *secrets_path;          /* the secrets file read, or NULL: none */
} HerdVirtConfig;

/* Frees config, made for model (its entries per host and VM slot). */
void herd_virt_config_free (HerdVirtConfig *config, const HerdModel *model);

/* What soft fencing runs on a host by default: its agent restarted. */
#define HERD_RUN_SOFT_FENCING_COMMAND "systemctl restart libvirtd"



/* The driver's configuration, or NULL with an error naming the file,
 * group and key (HERD_SCENARIO_ERROR_INVALID).  It reads the secrets file
 * (herd_run_secrets_path) into each host's fence_secrets:
 *
 *   [hosts h]      every host of the configuration's [hosts h] group
 *   password = ...
 *   [host h-2]     one host; its names replace its group's
 *   password = ...
 *
 * Whole-line comments (# or ;), name = value lines (the value stripped of
 * surrounding blanks, taken as it is: no escapes, no inline comments).
 * The file is refused (HERD_SCENARIO_ERROR_READ) unless it is a regular
 * file owned by herd run's user that neither group nor others may use;
 * its errors give the line and never a value. */
HerdVirtConfig *herd_run_config (const HerdScenario *scenario,
                                 GError **error);

/* The text of the file at path if it is a regular file of this process's
 * user that neither its group nor others may use, of at most max_bytes,
 * without a NUL byte; opened once (not through a final symbolic link with
 * no_follow) and checked on that descriptor, so that no rename in between
 * fools the checks.  Else NULL and "PATH: why" in G_FILE_ERROR: the
 * open's errno (G_FILE_ERROR_NOENT, G_FILE_ERROR_LOOP for a symbolic link
 * with no_follow, ...), or G_FILE_ERROR_PERM for a refusal (the owner,
 * the mode, the size, a NUL byte).  Secrets and passwords live in such
 * files. */
char *herd_run_read_private_file (const char *path, gsize max_bytes,
                                  gboolean no_follow, GError **error);

/* Where herd run keeps its state database and its control socket: the
 * [manager] keys, else NAME.db and NAME.sock beside the configuration. */
char *herd_run_default_path (const char *config_path, const char *suffix);

/* herd run's secrets file: [manager] secrets, else systemd's credential
 * $CREDENTIALS_DIRECTORY/herd-secrets (LoadCredential=herd-secrets:FILE)
 * when that file exists, else NULL: no secrets. */
char *herd_run_secrets_path (const HerdScenario *scenario);
