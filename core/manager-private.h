/* manager-private.h: the manager's state, shared by the files that make up
 * the manager (manager.c: requests, host and VM events, maintenance;
 * migration.c: live migrations, their limits and schedules).  Nothing
 * outside core/ includes it. */
#pragma once

#include "core/manager.h"

typedef struct _Migration Migration;

struct _HerdManager
{
  HerdModel *model;
  HerdDriver *driver;
  HerdAudit *audit;
  HerdScheduler *scheduler;
  HerdManagerStats stats;
  HerdMigrationSinkFunc migration_sink;
  gpointer migration_sink_data;
  Migration **migrations;  /* per VM id: its migration, or NULL */
  guint32 *outgoing;       /* per host id: migrations running out of it */
  guint32 *incoming;       /* per host id: migrations running into it */
  GQueue **queued;         /* per host id: VM ids waiting for an outgoing
                              slot (created on first use) */
  HerdTimerId *maintenance_retry; /* per host id: pending retry timer */
  /* balancer.c, per cluster id */
  HerdTime *ha_unsafe_since;   /* NEVER while HA-safe */
  gboolean *needs_host;        /* power_saving: power a host on */
  /* balancer.c, per host id */
  guint8 *allowed;             /* scratch: balancer destinations */
  guint8 *powering;            /* a power on (1) or off (2) is under way */
  HerdDecisionWantsFunc decision_wants;
  HerdDecisionSinkFunc decision_sink;
  gpointer decision_data;
};

/* manager.c */
/* Places vm through the scheduler at the current time; traces the
 * decision when the decision sink wants it.  kind names it. */
HerdId herd_manager_place (HerdManager *m, HerdId vm, HerdId source,
                           const guint8 *allowed, guint32 *rejected,
                           const char *kind);
void herd_manager_vm_set_status (HerdManager *m, HerdVm *vm,
                                 HerdVmStatus status);
/* Sets a host's status, with the VDS_DETECTED audit event. */
void herd_manager_host_set_status (HerdManager *m, HerdHost *host,
                                   HerdHostStatus status);
/* Reserves the VM's memory and expected CPU on host until it runs there. */
void herd_manager_reserve_pending (HerdManager *m, HerdVm *vm, HerdId host);
void herd_manager_release_pending (HerdManager *m, HerdVm *vm);
/* Counts vm's memory on host (committed) if not yet counted. */
void herd_manager_commit_vm (HerdManager *m, HerdVm *vm, HerdId host);
/* Stops counting it where it was counted. */
void herd_manager_uncommit_vm (HerdManager *m, HerdVm *vm);
/* A host preparing for maintenance goes to Maintenance once empty. */
void herd_manager_maintenance_check (HerdManager *m, HerdId host);
/* A migration away from a host preparing for maintenance failed. */
void herd_manager_maintenance_failed (HerdManager *m, HerdId host,
                                      const char *vm_name);

/* Up VMs on host that may migrate and are not migrating, lowest CPU
 * first (CPU as the host reports it now; ties by id). */
GArray *herd_manager_host_vms_by_cpu (HerdManager *m, HerdId host);
gboolean herd_manager_host_busy (HerdManager *m, HerdId host);

/* balancer.c */
void herd_balancer_init (HerdManager *m);
void herd_balancer_clear (HerdManager *m);
/* Schedules the periodic balancing and affinity enforcement. */
void herd_balancer_start (HerdManager *m);
/* A start found no host: a power_saving cluster powers a host on. */
void herd_balancer_need_host (HerdManager *m, HerdId cluster);
void herd_balancer_on_fence_done (gpointer core, HerdId host,
                                  HerdFenceAction action, gboolean ok,
                                  const char *output);
/* A host powered on by the balancer reached Up. */
void herd_balancer_host_up (HerdManager *m, HerdId host);
/* Closes the HA-unsafe intervals at the end of a run. */
void herd_balancer_finish (HerdManager *m);

/* migration.c */
void herd_migration_init (HerdManager *m);
void herd_migration_clear (HerdManager *m);
void herd_migration_on_progress (gpointer core, HerdId vm,
                                 const HerdMigrationStats *stats);
void herd_migration_on_done (gpointer core, HerdId vm,
                             const HerdMigrationStats *stats);
void herd_migration_on_failed (gpointer core, HerdId vm, const char *reason);
/* Aborts the VM's migration, if any, recording reason. */
void herd_migration_abort (HerdManager *m, HerdId vm, const char *reason);
