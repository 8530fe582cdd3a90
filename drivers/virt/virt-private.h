/* virt-private.h: state shared by the virt driver's files (virt-driver.c:
 * clock and lifetime; virt-hosts.c: libvirt connections, events, VMs;
 * virt-migration.c; virt-leases.c: sanlock; virt-fence.c: fence agents;
 * virt-storage.c: volumes and domain statistics).  Only drivers/virt/
 * includes libvirt and sanlock headers. */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_rng.h>
#include <libvirt/libvirt.h>

#include "drivers/virt/virt-driver.h"

typedef struct _VirtMigration VirtMigration;
typedef struct _VirtDomainCheck VirtDomainCheck;
typedef struct _VirtDriver VirtDriver;

/* A VM disk's volume as the hosts see it (virt-storage.c). */
typedef struct
{
  VirtDriver *v;
  HerdId vm;
  char *path;          /* its image, or its LV's file on a block domain */
  const char *format;  /* "qcow2" or "raw" */
  char *target;        /* the VM's device name: vda, vdb, ... */
  gboolean block, thin;
  char *device;        /* block: the loop device presenting the LV */
  gint64 lv_mib;       /* block: the LV's size */
  guint pending;       /* GLib source of an extension asked for, or 0 */
  gboolean extending;  /* the SPM's extension runs in a thread */
} VirtVolume;

/* A storage domain's size and free space, measured off the main loop
 * (virt-storage.c). */
typedef struct
{
  gboolean measuring;   /* a statvfs runs in a thread */
  gint64 started_us;    /* monotonic time the last one started */
  gboolean answered;    /* one has answered */
  int err;              /* its errno, 0: the sizes hold */
  gint64 capacity_mib, free_mib;
} VirtSpace;

/* One VM's counters as its host's statistics last read them, and what it
 * used between the two reads before. */
typedef struct
{
  guint64 cpu_ns, written, transferred; /* cpu.time, disk bytes written,
                                           network bytes in and out */
  gboolean counted;                     /* those were read since it last
                                           started, */
  HerdId counted_on;                    /* on this host, */
  gint64 read_at;                       /* at this monotonic µs */
  HerdVmUsage usage;                    /* cpu_mc -1: not measured */
} VirtVmMeter;

/* One host's libvirt connection. */
typedef struct
{
  VirtDriver *v;            /* libvirt callbacks get the host */
  HerdId id;
  virConnectPtr conn;       /* NULL while unreachable */
  gboolean connected_once;  /* reachable was raised at least once */
  gboolean reported_unreachable; /* before it ever answered */
  gboolean connecting;      /* an attempt runs in a thread (connect_start) */
  guint connect_deadline;   /* GLib source: the attempt is overdue */
  guint retry_source;       /* GLib source of the next reconnect attempt */
  GThreadPool *worker;      /* one thread: the calls that wait on it */
  HerdHostStats stats;      /* its last statistics (virt_poll_stats) */
  gboolean stats_valid;     /* read on its current connection */
  gboolean stats_pending;   /* a read is queued or under way */
  int event_ids[3];         /* libvirt callback ids (-1: none) */
  guint64 cpu_total_prev, cpu_idle_prev; /* node CPU counters, ns */
  gboolean stats_reset;     /* a new connection: its VMs' counters start
                               again */
  HerdId ls_domain;         /* the lockspace it joins (the core's last
                               add_lockspace; HERD_ID_NONE: none), */
  guint32 ls_host_id;       /* as this host id */
  gboolean lockspace_joined; /* its sanlock is in it, as last checked
                                since the host was last reachable */
  gboolean lockspace_checking; /* a check runs (virt-leases.c) */
  guint join_watch;         /* GLib source: a join is watched, */
  gint64 join_watch_until_us; /* until then (monotonic) */
  gboolean dropped;         /* disconnected (removed or reinstalled): an
                               attempt under way is closed when it answers */
} VirtHost;

struct _VirtDriver
{
  HerdDriver *drv;
  const HerdVirtConfig *config;
  VirtHost *hosts;          /* by host id */
  GHashTable *timers;       /* HerdTimerId -> GSource id (lookups only) */
  HerdTimerId next_timer;
  gsl_rng *rng;
  char *domain_type;        /* kvm or qemu */
  guint stats_source;       /* GLib source polling host statistics */
  guint stats_slice;        /* the hosts it polls next (virt-hosts.c) */
  guint stall_source;       /* GLib source watching the main loop */
  gint64 stall_due_us;      /* monotonic time its next tick is due */
  gint64 stall_max_ms;      /* the longest the main loop was held */
  VirtMigration **migrations;   /* by VM id, NULL when none */
  VirtVmMeter *vm_meters;       /* by VM id */
  HerdPauseReason *vm_pause_reason; /* by VM id: the last I/O error's */
  guint *vm_kill_timers;        /* by VM id: GLib source killing it once
                                   paused on EIO too long (policy kill) */
  VirtVolume *volumes;          /* by disk id */
  VirtSpace *spaces;            /* by storage domain id */
  GThreadPool **lease_workers;  /* by host id: one thread for its joins,
                                   SPM lease acquisitions and releases */
  GHashTable *lease_calls;      /* what the core asked sanlock and has not
                                   had answered: key -> LeaseCall */
  VirtDomainCheck *domain_checks; /* by host, then domain (virt-monitor.c) */
  guint monitor_source;         /* GLib source of the domain checks */
  guint monitor_slice;          /* the hosts it reads next */
};

static inline VirtDriver *
virt_of (HerdDriver *drv)
{
  return drv->priv;
}

/* virt-driver.c: runs work (data) in a thread of GLib's pool, then done
 * (data) on the main context, then free (data).  For calls that may wait
 * on a host or a disk, which must never hold the main loop. */
void herd_virt_in_thread (void (*work) (gpointer data),
                          void (*done) (gpointer data), gpointer data,
                          GDestroyNotify free);

/* virt-hosts.c */
extern const HerdHostOps herd_virt_hosts;
gboolean herd_virt_hosts_init (VirtDriver *v, GError **error);
void herd_virt_hosts_clear (VirtDriver *v);
/* The host's connection, or NULL with HERD_DRIVER_ERROR_UNREACHABLE. */
virConnectPtr herd_virt_conn (VirtDriver *v, HerdId host, GError **error);
/* Forgets a VM's counters and usage (it stopped, or the driver starts). */
void herd_virt_vm_meter_reset (VirtDriver *v, HerdId vm);
/* vm's migration completed: the destination's worker reads the completed
 * job's statistics into done, then migration_done is raised (ordered with
 * the VM's other news there). */
void herd_virt_migration_landed (VirtDriver *v, HerdId vm,
                                 HerdId destination,
                                 const HerdMigrationStats *done);
/* Runs work (data) in host's worker thread, after the host's calls queued
 * before it (VM starts and stops, lease moves), then free (data) on the
 * main context. */
void herd_virt_host_errand (VirtDriver *v, HerdId host,
                            void (*work) (gpointer data), gpointer data,
                            GDestroyNotify free);
/* The running domain of vm on host, or NULL with an error. */
virDomainPtr herd_virt_domain (VirtDriver *v, HerdId host, HerdId vm,
                               GError **error);
/* A libvirt failure as a driver error: "what: libvirt's last message". */
void herd_virt_set_error (GError **error, const char *what);

/* virt-migration.c */
extern const HerdMigrationOps herd_virt_migration;
/* libvirt's job statistics into out; FALSE when no job runs. */
gboolean herd_virt_read_job (virDomainPtr dom, unsigned int flags,
                             HerdMigrationStats *out);
/* Whether a lifecycle event of vm belongs to its migration (ignored). */
gboolean herd_virt_migrating (VirtDriver *v, HerdId vm);
void herd_virt_migration_clear (VirtDriver *v);

/* virt-leases.c */
extern const HerdLeaseOps herd_virt_leases;
gboolean herd_virt_leases_init (VirtDriver *v, GError **error);
gboolean herd_virt_domain_added (VirtDriver *v, HerdId domain,
                                 GError **error);
void herd_virt_leases_clear (VirtDriver *v);
/* VM leases, which libvirt's sanlock lock manager holds for the VM's
 * QEMU: its <lease> element into xml before it starts on host (refused
 * while another host holds it), and whether host holds it once started. */
gboolean herd_virt_vm_lease_xml (VirtDriver *v, HerdId host, HerdId vm,
                                 GString *xml, GError **error);
gboolean herd_virt_vm_lease_held (VirtDriver *v, HerdId host, HerdId vm,
                                  GError **error);
/* Asks host's sanlock daemon whether it is in its lockspace (off the main
 * loop): lockspace_joined follows, and a host out of it joins again. */
void herd_virt_lockspace_check (VirtDriver *v, HerdId host);

/* virt-fence.c */
void herd_virt_monitor_init (VirtDriver *v);
void herd_virt_monitor_clear (VirtDriver *v);
guint64 herd_virt_domains_trouble (VirtDriver *v, HerdId host);
void herd_virt_monitor_forget (VirtDriver *v, HerdId host);

extern const HerdFenceOps herd_virt_fencing;
gboolean herd_virt_soft_fence (HerdDriver *drv, HerdId host, GError **error);

/* virt-storage.c */
extern const HerdStorageOps herd_virt_storage;
/* Creates vm's missing disk images (block: activates its LVs); its
 * <disk> elements into xml (NULL: only the volumes' state). */
gboolean herd_virt_vm_disks (VirtDriver *v, HerdId vm, GString *xml,
                             GError **error);
/* domain answers host's reads again after a failed one (virt-monitor.c):
 * the VMs there paused on an I/O error with a disk on it resume if their
 * resume policy is auto_resume, as VDSM resumes them when its domain
 * monitor sees the domain valid again (leave_paused: they stay paused). */
void herd_virt_domain_back (VirtDriver *v, HerdId host, HerdId domain);
/* vm paused on an I/O error on host: if its resume policy is kill when it
 * has stayed paused 8 x io_timeout (VDSM's vm_kill_paused_time, from
 * sanlock's io_timeout since oVirt 4.5), the host kills it. */
void herd_virt_vm_paused_eio (VirtDriver *v, HerdId host, HerdId vm);
/* Arms the block threshold of vm's thin block volumes on host. */
void herd_virt_vm_thresholds (VirtDriver *v, HerdId host, HerdId vm);
/* vm's disk dev (its target, or the device path) crossed its threshold
 * or is full: the host asks the SPM for an extension. */
void herd_virt_volume_needs_space (VirtDriver *v, HerdId vm,
                                   const char *dev);
/* vm was found running on host by a driver that did not start it (a
 * manager that restarted): its volumes' state, thresholds, and the
 * extension a full LV waits for. */
void herd_virt_vm_found (VirtDriver *v, HerdId host, HerdId vm);
/* vm is down: its LVs are deactivated (now: herd_virt_vm_volumes_down;
 * elsewhere: the loop devices taken from its volumes, and detached in a
 * worker). */
void herd_virt_vm_volumes_down (VirtDriver *v, HerdId vm);
GStrv herd_virt_vm_volumes_take (VirtDriver *v, HerdId vm);
void herd_virt_detach (GStrv devices);
void herd_virt_volumes_clear (VirtDriver *v);
gboolean herd_virt_vm_volumes_remove (VirtDriver *v, HerdId vm,
                                      GError **error);
