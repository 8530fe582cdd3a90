/* driver.h: the tables through which the core drives a backend.
 *
 * A backend (the simulated cluster, libvirt + sanlock on real hosts, or a
 * fault-injecting shim around either) implements const tables of function
 * pointers, one per concern: clock, hosts/VMs, migration, leases, storage,
 * fencing.  A slot left NULL means "unsupported".  The core never calls a
 * slot directly: it calls the herd_driver_* wrappers below, which check
 * arguments, answer HERD_DRIVER_ERROR_UNSUPPORTED for an empty slot, count
 * and (when asked) log every call; they are the single place where calls
 * are traced.
 *
 * Events travel up through one HerdDriverEvents set that the core registers
 * with herd_driver_set_events(); backends raise them through the
 * herd_driver_emit_* helpers.  Objects are named by the core's ids
 * (model.h); a driver reads the definitions it needs (vCPUs, memory, disks)
 * from the HerdModel it was opened with and never changes them. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"
#include "core/model.h"

#define HERD_DRIVER_ERROR (herd_driver_error_quark ())
GQuark herd_driver_error_quark (void);

typedef enum
{
  HERD_DRIVER_ERROR_UNSUPPORTED, /* the backend leaves this slot empty */
  HERD_DRIVER_ERROR_INVALID,     /* bad argument (unknown id, ...) */
  HERD_DRIVER_ERROR_FAILED,      /* the backend tried and failed */
  HERD_DRIVER_ERROR_UNREACHABLE, /* the host did not answer */
  HERD_DRIVER_ERROR_LAST
} HerdDriverError;

typedef struct _HerdDriver HerdDriver;

typedef guint64 HerdTimerId; /* 0 is never a valid id */
typedef void (*HerdTimerFunc) (gpointer ctx, guint64 arg);

/* What a host reports when polled or when its stats change. */
typedef struct
{
  gint64 cpu_used_mc;  /* CPU in use, millicores */
  gint64 mem_free_mib; /* free physical memory plus free swap */
  guint32 vm_count;    /* VMs running on it */
  HerdNetworkSet networks_down; /* attached networks whose NIC is down */
  guint64 domains_trouble;      /* bit d: storage domain d unchecked for
                                   30 s or more (domains 0..63) */
  gboolean lockspace_down;      /* its host-id lease in its data center's
                                   lockspace is not LIVE (VDSM's repoStats
                                   "acquired" false) */
} HerdHostStats;

#define HERD_VM_USAGE_DISKS 16

/* What a running VM used over the backend's last measuring interval, for
 * herd run's recorded history (service/history.h); a value not measured
 * (yet) is negative. */
typedef struct
{
  gint64 cpu_mc;           /* CPU in use, millicores */
  gint64 mem_used_mib;     /* memory the guest uses: as it reports it,
                              else as its host sees it */
  double disk_write_bps;   /* bytes written per second, all its disks */
  double net_bps;          /* bytes received and sent per second */
  /* What each of its first n_disks disks holds (in the order of its
   * disks): the guest data in its volume, libvirt's allocation (a file's
   * blocks, the highest offset written on a block volume); -1 unknown.
   * A VM's disks past HERD_VM_USAGE_DISKS are not measured. */
  guint n_disks;
  gint64 disk_mib[HERD_VM_USAGE_DISKS];
} HerdVmUsage;

/* A resource lease as read from its storage: who holds it (0 when free),
 * who is written in it, held or not (0 when released or never taken: a
 * holder whose host-id lease died, or who joined again since, stays
 * written until another host takes the lease), and its version. */
typedef struct
{
  guint32 owner_host_id;
  guint32 recorded_host_id;
  guint64 version;
} HerdLeaseState;

/* Sanlock's view of a host id in a lockspace. */
typedef enum
{
  HERD_LIVENESS_LIVE,
  HERD_LIVENESS_FAIL,
  HERD_LIVENESS_DEAD,
  HERD_LIVENESS_FREE,
  HERD_LIVENESS_LAST
} HerdLiveness;

typedef enum
{
  HERD_FENCE_STATUS,
  HERD_FENCE_ON,
  HERD_FENCE_OFF,
  HERD_FENCE_REBOOT,
  HERD_FENCE_ACTION_LAST
} HerdFenceAction;

/* Settings of one live migration. */
typedef struct
{
  gint64 bandwidth;         /* cap, bytes/s */
  guint32 max_downtime_ms;  /* initial downtime budget */
  gboolean allow_post_copy;
} HerdMigrationParams;

/* Progress of one live migration as the backend reports it. */
typedef struct
{
  HerdTime elapsed;
  guint32 iteration;        /* pre-copy round, 0 = first pass */
  gint64 bytes_sent;
  gint64 bytes_remaining;
  guint32 downtime_ms;      /* actual downtime once done */
  guint32 max_downtime_ms;  /* the downtime budget in force */
  gboolean post_copy;       /* switched to post-copy */
  HerdTime post_copy_time;  /* length of the post-copy phase, once done */
} HerdMigrationStats;

typedef struct
{
  HerdTime (*now) (HerdDriver *drv);
  HerdTimerId (*timer_add) (HerdDriver *drv, HerdTime at, HerdTimerFunc fn,
                            gpointer ctx, guint64 arg);
  gboolean (*timer_cancel) (HerdDriver *drv, HerdTimerId id);
  /* A uniform integer in [0, n) from the named stream (the core's own
   * random choices, e.g. the SPM pick among equals). */
  guint32 (*random_uniform) (HerdDriver *drv, const char *stream, guint32 n);
} HerdClockOps;

typedef struct
{
  /* Starts monitoring a host; host_reachable / host_stats follow. */
  gboolean (*connect) (HerdDriver *drv, HerdId host, GError **error);
  gboolean (*poll_stats) (HerdDriver *drv, HerdId host, HerdHostStats *out,
                          GError **error);
  /* CPU in use by a running VM, millicores (pulled when needed). */
  gboolean (*vm_stats) (HerdDriver *drv, HerdId vm, gint64 *cpu_used_mc,
                        GError **error);
  /* Its last measured usage (optional: herd run's history); FALSE when
   * the VM has not been measured since it last started. */
  gboolean (*vm_usage) (HerdDriver *drv, HerdId vm, HerdVmUsage *out,
                        GError **error);
  /* Starts a VM: FALSE if the host refuses at once; a backend that starts
   * it later (off its caller's thread, as VDSM's create is asynchronous)
   * answers TRUE and reports a failure with vm_start_failed, success with
   * vm_state Up. */
  gboolean (*vm_start) (HerdDriver *drv, HerdId host, HerdId vm,
                        GError **error);
  /* Stops it; the VM's vm_state Down follows (also when done later). */
  gboolean (*vm_stop) (HerdDriver *drv, HerdId host, HerdId vm,
                       GError **error);
  gboolean (*vm_pause) (HerdDriver *drv, HerdId host, HerdId vm,
                        GError **error);
  gboolean (*vm_resume) (HerdDriver *drv, HerdId host, HerdId vm,
                         GError **error);
  /* The ids of the VMs the host runs, ascending (a GArray of HerdId). */
  GArray *(*vm_list) (HerdDriver *drv, HerdId host, GError **error);
  /* Soft fencing: restart the host agent over SSH.  FALSE when SSH does
   * not reach the host; on success host_reachable follows if the agent
   * comes back.  A backend that restarts it later (off its caller's
   * thread) answers TRUE and reports a failure with soft_fence_failed. */
  gboolean (*soft_fence) (HerdDriver *drv, HerdId host, GError **error);
  /* Run-time changes (herd run; NULL: the backend does not take them).
   * Stops watching a host that was removed or is reinstalled: no event
   * about it follows until the next connect, which starts afresh.
   * Deletes what the backend made for a removed VM (its volumes). */
  gboolean (*disconnect) (HerdDriver *drv, HerdId host, GError **error);
  gboolean (*vm_remove) (HerdDriver *drv, HerdId vm, GError **error);
  /* A storage domain added: the backend prepares it (its lease files). */
  gboolean (*domain_added) (HerdDriver *drv, HerdId domain, GError **error);
} HerdHostOps;

typedef struct
{
  /* Starts a live migration; migration_progress follows after each
   * pre-copy pass, then migration_done or migration_failed. */
  gboolean (*start) (HerdDriver *drv, HerdId vm, HerdId source,
                     HerdId destination, const HerdMigrationParams *params,
                     GError **error);
  gboolean (*set_downtime) (HerdDriver *drv, HerdId vm, guint32 ms,
                            GError **error);
  gboolean (*post_copy) (HerdDriver *drv, HerdId vm, GError **error);
  /* Cancels a migration at once; the VM stays on its source.  Raises no
   * migration_failed event: the caller records the abort itself. */
  gboolean (*abort) (HerdDriver *drv, HerdId vm, GError **error);
  gboolean (*job_stats) (HerdDriver *drv, HerdId vm, HerdMigrationStats *out,
                         GError **error);
} HerdMigrationOps;

typedef struct
{
  gboolean (*add_lockspace) (HerdDriver *drv, HerdId host, HerdId domain,
                             guint32 host_id, GError **error);
  gboolean (*acquire) (HerdDriver *drv, HerdId host, HerdId domain,
                       const char *resource, GError **error);
  gboolean (*release) (HerdDriver *drv, HerdId host, HerdId domain,
                       const char *resource, GError **error);
  gboolean (*inquire) (HerdDriver *drv, HerdId domain, const char *resource,
                       HerdLeaseState *out, GError **error);
  gboolean (*host_liveness) (HerdDriver *drv, HerdId domain, guint32 host_id,
                             HerdLiveness *out, GError **error);
} HerdLeaseOps;

typedef struct
{
  gboolean (*volume_create) (HerdDriver *drv, HerdId disk, gint64 size_mib,
                             GError **error);
  gboolean (*volume_extend) (HerdDriver *drv, HerdId disk, gint64 size_mib,
                             GError **error);
  gboolean (*volume_delete) (HerdDriver *drv, HerdId disk, GError **error);
  gboolean (*domain_stats) (HerdDriver *drv, HerdId domain,
                            gint64 *capacity_mib, gint64 *free_mib,
                            GError **error);
  /* A host asks the SPM (through the storage mailbox) to extend a disk. */
  gboolean (*mailbox_request) (HerdDriver *drv, HerdId host, HerdId disk,
                               gint64 size_mib, GError **error);
  /* The SPM (and, for a running VM, its host) acts on the VM's snapshot
   * number index (from 0, oldest first; for create, the new one's);
   * memory: a create saves the running VM's memory too.  Fails, changing
   * nothing, when the volumes do not fit. */
  gboolean (*snapshot) (HerdDriver *drv, HerdId vm, HerdSnapshotOp op,
                        guint index, gboolean memory, GError **error);
} HerdStorageOps;

typedef struct
{
  /* Runs a fence action on target through proxy; the answer comes as a
   * fence_done event. */
  gboolean (*fence) (HerdDriver *drv, HerdId proxy, HerdId target,
                     guint agent, HerdFenceAction action, GError **error);
} HerdFenceOps;

/* The events a backend raises; the core fills in what it handles. */
typedef struct
{
  void (*host_reachable) (gpointer core, HerdId host);
  void (*host_unreachable) (gpointer core, HerdId host);
  void (*host_stats) (gpointer core, HerdId host, const HerdHostStats *stats);
  void (*vm_state) (gpointer core, HerdId vm, HerdId host,
                    HerdVmStatus status, HerdPauseReason reason);
  /* A start that vm_start accepted failed on host before the VM ran (a
   * backend that starts VMs off its caller's thread). */
  void (*vm_start_failed) (gpointer core, HerdId vm, HerdId host,
                           const char *message);
  void (*migration_progress) (gpointer core, HerdId vm,
                              const HerdMigrationStats *stats);
  void (*migration_done) (gpointer core, HerdId vm,
                          const HerdMigrationStats *stats);
  void (*migration_failed) (gpointer core, HerdId vm, const char *reason);
  void (*block_threshold) (gpointer core, HerdId vm, HerdId disk);
  void (*io_error) (gpointer core, HerdId vm, HerdId disk,
                    HerdPauseReason reason);
  void (*lease_lost) (gpointer core, HerdId host, HerdId domain);
  void (*fence_done) (gpointer core, HerdId target, HerdFenceAction action,
                      gboolean ok, const char *output);
  /* A soft fence answered TRUE did not reach the host (SSH failed). */
  void (*soft_fence_failed) (gpointer core, HerdId host, const char *why);
} HerdDriverEvents;

/* A backend: its name and tables.  Instances are made by the backend's own
 * constructor (registered in drivers/registry.c) and freed with
 * herd_driver_free. */
typedef struct
{
  const char *name;
  const char *description;
  const HerdClockOps *clock;
  const HerdHostOps *hosts;
  const HerdMigrationOps *migration;
  const HerdLeaseOps *leases;
  const HerdStorageOps *storage;
  const HerdFenceOps *fencing;
  void (*destroy) (HerdDriver *drv); /* frees priv */
} HerdDriverClass;

struct _HerdDriver
{
  const HerdDriverClass *klass;
  gpointer priv;                  /* the backend's state */
  HerdModel *model;               /* definitions, read only */
  const HerdDriverEvents *events; /* may be NULL: events are dropped */
  gpointer events_ctx;
  gboolean log_calls;             /* g_debug every wrapper call */
  guint64 calls;                  /* wrapper calls made */
};

/* For backends: a zero-filled driver bound to klass and model. */
HerdDriver *herd_driver_new (const HerdDriverClass *klass, HerdModel *model,
                             gpointer priv);
void herd_driver_free (HerdDriver *drv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdDriver, herd_driver_free)

void herd_driver_set_events (HerdDriver *drv, const HerdDriverEvents *events,
                             gpointer core);

/* Wrappers the core calls: one per slot. */
HerdTime herd_driver_now (HerdDriver *drv);
HerdTimerId herd_driver_timer_add (HerdDriver *drv, HerdTime at,
                                   HerdTimerFunc fn, gpointer ctx,
                                   guint64 arg);
gboolean herd_driver_timer_cancel (HerdDriver *drv, HerdTimerId id);
guint32 herd_driver_random_uniform (HerdDriver *drv, const char *stream,
                                    guint32 n);

gboolean herd_driver_host_connect (HerdDriver *drv, HerdId host,
                                   GError **error);
gboolean herd_driver_host_disconnect (HerdDriver *drv, HerdId host,
                                      GError **error);
gboolean herd_driver_vm_remove (HerdDriver *drv, HerdId vm, GError **error);
gboolean herd_driver_domain_added (HerdDriver *drv, HerdId domain,
                                   GError **error);
gboolean herd_driver_host_poll_stats (HerdDriver *drv, HerdId host,
                                      HerdHostStats *out, GError **error);
gboolean herd_driver_vm_stats (HerdDriver *drv, HerdId vm,
                               gint64 *cpu_used_mc, GError **error);
gboolean herd_driver_vm_usage (HerdDriver *drv, HerdId vm, HerdVmUsage *out,
                               GError **error);
gboolean herd_driver_vm_start (HerdDriver *drv, HerdId host, HerdId vm,
                               GError **error);
gboolean herd_driver_vm_stop (HerdDriver *drv, HerdId host, HerdId vm,
                              GError **error);
gboolean herd_driver_vm_pause (HerdDriver *drv, HerdId host, HerdId vm,
                               GError **error);
gboolean herd_driver_vm_resume (HerdDriver *drv, HerdId host, HerdId vm,
                                GError **error);
GArray *herd_driver_vm_list (HerdDriver *drv, HerdId host, GError **error);
gboolean herd_driver_host_soft_fence (HerdDriver *drv, HerdId host,
                                      GError **error);

gboolean herd_driver_migration_start (HerdDriver *drv, HerdId vm,
                                      HerdId source, HerdId destination,
                                      const HerdMigrationParams *params,
                                      GError **error);
gboolean herd_driver_migration_set_downtime (HerdDriver *drv, HerdId vm,
                                             guint32 ms, GError **error);
gboolean herd_driver_migration_post_copy (HerdDriver *drv, HerdId vm,
                                          GError **error);
gboolean herd_driver_migration_abort (HerdDriver *drv, HerdId vm,
                                      GError **error);
gboolean herd_driver_migration_job_stats (HerdDriver *drv, HerdId vm,
                                          HerdMigrationStats *out,
                                          GError **error);

gboolean herd_driver_lease_add_lockspace (HerdDriver *drv, HerdId host,
                                          HerdId domain, guint32 host_id,
                                          GError **error);
gboolean herd_driver_lease_acquire (HerdDriver *drv, HerdId host,
                                    HerdId domain, const char *resource,
                                    GError **error);
gboolean herd_driver_lease_release (HerdDriver *drv, HerdId host,
                                    HerdId domain, const char *resource,
                                    GError **error);
gboolean herd_driver_lease_inquire (HerdDriver *drv, HerdId domain,
                                    const char *resource, HerdLeaseState *out,
                                    GError **error);
gboolean herd_driver_lease_host_liveness (HerdDriver *drv, HerdId domain,
                                          guint32 host_id, HerdLiveness *out,
                                          GError **error);

gboolean herd_driver_volume_create (HerdDriver *drv, HerdId disk,
                                    gint64 size_mib, GError **error);
gboolean herd_driver_volume_extend (HerdDriver *drv, HerdId disk,
                                    gint64 size_mib, GError **error);
gboolean herd_driver_volume_delete (HerdDriver *drv, HerdId disk,
                                    GError **error);
gboolean herd_driver_domain_stats (HerdDriver *drv, HerdId domain,
                                   gint64 *capacity_mib, gint64 *free_mib,
                                   GError **error);
gboolean herd_driver_mailbox_request (HerdDriver *drv, HerdId host,
                                      HerdId disk, gint64 size_mib,
                                      GError **error);
gboolean herd_driver_snapshot (HerdDriver *drv, HerdId vm, HerdSnapshotOp op,
                               guint index, gboolean memory, GError **error);

gboolean herd_driver_fence (HerdDriver *drv, HerdId proxy, HerdId target,
                            guint agent, HerdFenceAction action,
                            GError **error);

/* For backends: raise an event to the core (dropped if none registered). */
void herd_driver_emit_host_reachable (HerdDriver *drv, HerdId host);
void herd_driver_emit_host_unreachable (HerdDriver *drv, HerdId host);
void herd_driver_emit_host_stats (HerdDriver *drv, HerdId host,
                                  const HerdHostStats *stats);
void herd_driver_emit_vm_state (HerdDriver *drv, HerdId vm, HerdId host,
                                HerdVmStatus status, HerdPauseReason reason);
void herd_driver_emit_vm_start_failed (HerdDriver *drv, HerdId vm,
                                       HerdId host, const char *message);
void herd_driver_emit_migration_progress (HerdDriver *drv, HerdId vm,
                                          const HerdMigrationStats *stats);
void herd_driver_emit_migration_done (HerdDriver *drv, HerdId vm,
                                      const HerdMigrationStats *stats);
void herd_driver_emit_migration_failed (HerdDriver *drv, HerdId vm,
                                        const char *reason);
void herd_driver_emit_fence_done (HerdDriver *drv, HerdId target,
                                  HerdFenceAction action, gboolean ok,
                                  const char *output);
void herd_driver_emit_soft_fence_failed (HerdDriver *drv, HerdId host,
                                         const char *why);
