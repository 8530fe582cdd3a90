/* maintenance.h: a host preparing for maintenance, emptied.
 *
 * Maintenance (herd_manager_host_maintenance, manager.h) makes an Up or
 * NonOperational host PreparingForMaintenance and migrates its VMs away,
 * lowest CPU first.  A pass that leaves VMs behind, a migration away from
 * it that fails, and a VM that migrates onto it meanwhile, are
 * USER_VDS_MAINTENANCE_MIGRATION_FAILED and a new pass after
 * MaintenanceRetryInterval; once nothing runs or is pending there the
 * host is in Maintenance.  Used by manager.c (a host
 * that answers again while preparing, a VM down) and migration.c (a
 * migration that ends); it starts migrations itself, so it and
 * migration.c are in a loop (see core/manager-private.h). */
#pragma once

#include "core/manager.h"

/* Migrates away every VM of a host preparing for maintenance that may move
 * and is not moving yet; a retry is set when some cannot. */
void herd_manager_maintenance_pass (HerdManager *m, HerdId host);
/* A host preparing for maintenance goes to Maintenance once empty. */
void herd_manager_maintenance_check (HerdManager *m, HerdId host);
/* A migration away from a host preparing for maintenance failed. */
void herd_manager_maintenance_failed (HerdManager *m, HerdId host,
                                      const char *vm_name);
