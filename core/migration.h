/* migration.h: what migration.c offers the rest of the manager.
 *
 * Live migrations are asked for (herd_manager_vm_migrate and
 * herd_manager_vm_migrate_among: public, declared in manager.h as well;
 * the compiler checks that the declarations agree) by manager.c (a host
 * that lost a required network), maintenance.c (evacuation), storage.c (a
 * host that lost a domain), balancer.c and affinity.c; the driver's
 * migration events come through manager.c; reconcile.c, monitor.c and
 * manager.c (a stop) abort them.  The VMs a host may shed and whether it
 * has migrations under way are answered here too, from migration.c's
 * state.  A migration that ends tells maintenance.c, which starts
 * migrations: the two are in a loop (see core/manager-private.h). */
#pragma once

#include "core/manager.h"

void herd_migration_init (HerdManager *m);
void herd_migration_clear (HerdManager *m);

gboolean herd_manager_vm_migrate (HerdManager *manager, HerdId vm,
                                  HerdId destination,
                                  HerdMigrationReason reason, GError **error);
gboolean herd_manager_vm_migrate_among (HerdManager *manager, HerdId vm,
                                        HerdId destination,
                                        const guint8 *allowed,
                                        HerdMigrationReason reason,
                                        GError **error);

/* The driver's migration events (manager.c registers them). */
void herd_migration_on_progress (gpointer core, HerdId vm,
                                 const HerdMigrationStats *stats);
void herd_migration_on_done (gpointer core, HerdId vm,
                             const HerdMigrationStats *stats);
void herd_migration_on_failed (gpointer core, HerdId vm, const char *reason);

/* Aborts the VM's migration, if any, recording reason. */
void herd_migration_abort (HerdManager *m, HerdId vm, const char *reason);
/* Aborts the VM's migration unless it has switched over (FALSE: it runs
 * on the destination now, and the migration completes). */
gboolean herd_migration_try_abort (HerdManager *m, HerdId vm,
                                   const char *reason);

/* Up VMs on host that may migrate and are not migrating, lowest CPU
 * first (CPU as the host reports it now; ties by id). */
GArray *herd_manager_host_vms_by_cpu (HerdManager *m, HerdId host);
/* Whether migrations run into or out of host, or wait to leave it. */
gboolean herd_manager_host_busy (HerdManager *m, HerdId host);
