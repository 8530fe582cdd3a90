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
};

/* manager.c */
void herd_manager_vm_set_status (HerdManager *m, HerdVm *vm,
                                 HerdVmStatus status);
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
