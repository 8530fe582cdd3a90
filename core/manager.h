/* manager.h: the manager, the core's single entry point.
 *
 * A HerdManager owns the decisions: it connects to the hosts through the
 * driver, keeps the model's view current from the driver's events, places
 * VMs with the scheduler and records every change as an audit event.  It
 * knows nothing of the backend: the same manager runs on the simulated
 * cluster and on real hosts.  Requests (run, stop) come from outside: the
 * simulator's scenario player, or an operator through `herd ctl`. */
#pragma once

#include <glib.h>

#include "core/audit.h"
#include "core/driver.h"
#include "core/model.h"
#include "core/scheduler.h"

#define HERD_MANAGER_ERROR (herd_manager_error_quark ())
GQuark herd_manager_error_quark (void);

typedef enum
{
  HERD_MANAGER_ERROR_STATE,     /* the object is not in a state for this */
  HERD_MANAGER_ERROR_NO_HOST,   /* no host passes the filters */
  HERD_MANAGER_ERROR_DRIVER,    /* the backend refused */
  HERD_MANAGER_ERROR_LAST
} HerdManagerError;

/* Counters the manager keeps for summaries. */
typedef struct
{
  guint64 placements;        /* starts placed on a host */
  guint64 placement_failures;/* starts no host could take */
  guint64 migrations_done;
  guint64 migrations_failed; /* aborted or failed */
  guint64 balancing_migrations;  /* started by the balancer */
  guint64 affinity_repairs;      /* migrations repairing hard rules */
  guint64 ha_checks;             /* HA reservation checks run */
  guint64 ha_checks_failed;      /* ... that found the cluster unsafe */
  HerdTime ha_unsafe_time;       /* summed over clusters */
  guint64 hosts_powered_off;     /* by power_saving */
  guint64 hosts_powered_on;
  guint64 hosts_non_responsive;
  guint64 soft_fences, soft_fences_ok;
  guint64 fences, fences_ok;     /* fencing started, confirmed off */
  guint64 fences_skipped;
  guint64 ha_restarts;           /* HA VMs started again */
  HerdTime spm_unavailable_time; /* summed over data centers */
  guint64 spm_elections;
  guint64 rejected[HERD_FILTER_LAST]; /* hosts removed, per filter */
} HerdManagerStats;

typedef enum
{
  HERD_MIGRATION_REASON_USER,        /* asked for by an operator */
  HERD_MIGRATION_REASON_MAINTENANCE, /* its host prepares for maintenance */
  HERD_MIGRATION_REASON_LOAD_BALANCING,
  HERD_MIGRATION_REASON_AFFINITY,
  HERD_MIGRATION_REASON_NETWORK,     /* its host lost a required network */
  HERD_MIGRATION_REASON_STORAGE,     /* its host lost a storage domain */
  HERD_MIGRATION_REASON_LAST
} HerdMigrationReason;

typedef enum
{
  HERD_MIGRATION_OUTCOME_DONE,
  HERD_MIGRATION_OUTCOME_ABORTED, /* by the manager: timeout, stall, schedule */
  HERD_MIGRATION_OUTCOME_FAILED,  /* reported by the backend */
  HERD_MIGRATION_OUTCOME_LAST
} HerdMigrationOutcome;

/* One migration, as it ended (for the results database). */
typedef struct
{
  HerdId vm, source, destination;
  HerdMigrationReason reason;
  HerdTime requested;        /* asked for */
  HerdTime started;          /* the backend began (HERD_TIME_NEVER: never) */
  HerdTime ended;
  guint32 retries;           /* "limit" answers from the destination */
  guint32 rounds;            /* pre-copy passes completed */
  gint64 bytes_sent;
  guint32 downtime_ms;
  guint32 max_downtime_ms;   /* the highest downtime budget reached */
  gboolean post_copy;
  HerdTime post_copy_time;
  HerdMigrationOutcome outcome;
  const char *why;           /* reason of an abort or failure, else "" */
} HerdMigrationRecord;

typedef void (*HerdMigrationSinkFunc) (const HerdMigrationRecord *record,
                                       gpointer user_data);

typedef struct _HerdManager HerdManager;

/* The manager uses model, driver and audit; it does not own them. */
HerdManager *herd_manager_new (HerdModel *model, HerdDriver *driver,
                               HerdAudit *audit);
void herd_manager_free (HerdManager *manager);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdManager, herd_manager_free)

/* Connects every host; hosts come Up as the driver reports them. */
gboolean herd_manager_start (HerdManager *manager, GError **error);

/* Starts a Down VM: places it and asks its host to run it.  A start no
 * host can take fails with HERD_MANAGER_ERROR_NO_HOST (and an audit
 * event); the VM stays Down. */
gboolean herd_manager_vm_run (HerdManager *manager, HerdId vm,
                              GError **error);
/* Takes vm (Down) as running on host (of its cluster) already, placed
 * without the scheduler, as an imported cluster's VMs are: Up, its memory
 * committed on host, counted among the host's VMs (and HA VMs), with no
 * audit event.  Before herd_manager_start, or once the backend runs it
 * there. */
gboolean herd_manager_adopt_vm (HerdManager *manager, HerdId vm,
                                HerdId host, GError **error);
/* Powers a running VM off (aborting its migration, if any). */
gboolean herd_manager_vm_stop (HerdManager *manager, HerdId vm,
                               GError **error);

/* Live-migrates a running VM to destination, or (HERD_ID_NONE) to the host
 * the scheduler picks.  The migration waits for an outgoing slot on its
 * source (at most min(cores, MaxOutgoingMigrations), 1 under the
 * suspend_workload policy) and retries every MigrationRetryInterval while
 * the destination has MaxIncomingMigrations running. */
gboolean herd_manager_vm_migrate (HerdManager *manager, HerdId vm,
                                  HerdId destination,
                                  HerdMigrationReason reason, GError **error);

/* Cancels a VM's migration, as an operator asks (oVirt's
 * CancelMigrateVmCommand): VM_CANCEL_MIGRATION, the migration aborted
 * (VM_MIGRATION_ABORT) and the VM Up on its source.  Refused
 * (HERD_MANAGER_ERROR_STATE) when the VM is not migrating, and with
 * VM_CANCEL_MIGRATION_FAILED once it has switched over to its destination
 * (post-copy). */
gboolean herd_manager_vm_cancel_migration (HerdManager *manager, HerdId vm,
                                           GError **error);

/* Host maintenance: PreparingForMaintenance, every VM migrated away (lowest
 * CPU first), Maintenance once empty.  VMs that cannot move keep the host
 * preparing; it retries every MaintenanceRetryInterval. */
gboolean herd_manager_host_maintenance (HerdManager *manager, HerdId host,
                                        GError **error);
/* Maintenance (or preparing for it) -> Up. */
gboolean herd_manager_host_activate (HerdManager *manager, HerdId host,
                                     GError **error);
/* "Confirm host has been rebooted" (oVirt's FenceVdsManualyCommand), for
 * a host without working power management that an operator restarted by
 * hand: treated as fenced (VDS_MANUAL_FENCE_STATUS).  Its VMs are Down
 * (VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE; HA ones restart
 * elsewhere), it is no longer its data center's SPM (a new one may be
 * elected), and monitoring stops fencing it; it rejoins when it answers.
 * Refused (HERD_MANAGER_ERROR_STATE) for a host that is Up, preparing for
 * maintenance or initializing (monitor.c). */
gboolean herd_manager_host_confirm_rebooted (HerdManager *manager,
                                             HerdId host, GError **error);
/* A user's power management action on a host (oVirt's StopVdsCommand,
 * StartVdsCommand, RestartVdsCommand), through its fence agents and a
 * proxy host as fencing does (monitor.c): stop (the host must be in
 * Maintenance; it is Down once off is confirmed, and stays so), start
 * (Down, NonResponsive, rebooting or in Maintenance; it is Reboot once on
 * is confirmed, until it answers) and restart (any status: stop, its VMs
 * Down and HA ones restarted elsewhere, its SPM role free, then start).
 * A host restarted from Maintenance comes back in Maintenance (oVirt's
 * ChangeHostToMaintenanceOnStart); one started while in Maintenance (on
 * already) stays there; one stopped, then started, comes back Up.
 * Refused (HERD_MANAGER_ERROR_STATE, saying why) for a host
 * without power management, in the DisableFenceAtStartup quiet time after
 * the manager starts, within FenceQuietTimeBetweenOperations of the same
 * action on it, with no proxy host, or being fenced.  USER_VDS_STOP,
 * USER_VDS_START or USER_VDS_RESTART, then the FENCE_OPERATION_* events;
 * a failure raises VDS_ALERT_FENCE_OPERATION_FAILED and ends there. */
typedef enum
{
  HERD_POWER_STOP,
  HERD_POWER_START,
  HERD_POWER_RESTART,
  HERD_POWER_LAST
} HerdPowerAction;
gboolean herd_manager_host_power (HerdManager *manager, HerdId host,
                                  HerdPowerAction action, GError **error);
const char *herd_power_action_name (HerdPowerAction action);
/* "Select as SPM" (oVirt's ForceSelectSPMCommand): host must be Up, not
 * the SPM, of SPM priority >= 0, joined to the lockspace, in a data
 * center that has an SPM; that SPM stops (its lease released) and a
 * selection runs at once, trying host first (USER_FORCE_SELECTED_SPM).
 * Refused with HERD_MANAGER_ERROR_STATE saying why (spm.c). */
gboolean herd_manager_host_select_spm (HerdManager *manager, HerdId host,
                                       GError **error);

/* Run-time changes (herd run; core/manager-changes.c).  The caller adds
 * the object to the model (within its room, herd_model_reserve) and tells
 * the manager; who asked is named in the audit event (by).
 *
 * A host added: Installing, then watched from its first connection (Up
 * when it answers; Connecting, then NonResponsive if it does not).
 * USER_ADD_VDS. */
void herd_manager_host_added (HerdManager *manager, HerdId host,
                              const char *by);
/* Removes a host (oVirt's RemoveVdsCommand): in Maintenance, Down,
 * NonResponsive, NonOperational or InstallFailed, with no VM on it, not
 * its data center's SPM, and no VM pinned to it or preferring it; the manager stops watching it and the model
 * marks it removed (herd_model_remove_host).  USER_REMOVE_VDS.  Refused
 * with HERD_MANAGER_ERROR_STATE saying why. */
gboolean herd_manager_host_remove (HerdManager *manager, HerdId host,
                                   const char *by, GError **error);
/* Reinstalls a host (oVirt's InstallVdsCommand): in Maintenance,
 * NonOperational or InstallFailed; its connection is dropped and it is
 * Installing until it answers again (then Up), as a host just added.
 * VDS_INSTALL_IN_PROGRESS. */
gboolean herd_manager_host_reinstall (HerdManager *manager, HerdId host,
                                      const char *by, GError **error);
/* A storage domain added to its data center, Active at once (oVirt adds,
 * attaches and activates it in three steps): the backend prepares it.
 * USER_ADD_STORAGE_DOMAIN, USER_ATTACH_STORAGE_DOMAIN_TO_POOL. */
void herd_manager_domain_added (HerdManager *manager, HerdId domain,
                                const char *by);
/* A VM added (Down).  USER_ADD_VM. */
void herd_manager_vm_added (HerdManager *manager, HerdId vm, const char *by);
/* Whether the VM may be changed: what it runs with (vCPUs, memory, its
 * lease) only while it is Down (herd has no next-run configuration).
 * HERD_MANAGER_ERROR_STATE otherwise. */
gboolean herd_manager_vm_may_change (HerdManager *manager, HerdId vm,
                                     gboolean running_config, GError **error);
/* The VM was changed (USER_UPDATE_VM, details say what); one no longer
 * highly available leaves the HA queue. */
void herd_manager_vm_updated (HerdManager *manager, HerdId vm,
                              const char *by, const char *what);
/* Removes a VM (oVirt's RemoveVmCommand): Down; it leaves the HA queue,
 * the backend deletes its volumes and the model marks it removed.
 * USER_REMOVE_VM_FINISHED. */
gboolean herd_manager_vm_remove (HerdManager *manager, HerdId vm,
                                 const char *by, GError **error);

/* Acts on the VM's snapshot called name (behaviour.md §9; core/snapshot.c
 * says what is checked): commit and undo act on the one in preview, and
 * take NULL; memory: a create saves a running VM's memory.
 * A refusal is an audit event and HERD_MANAGER_ERROR_STATE. */
gboolean herd_manager_vm_snapshot (HerdManager *manager, HerdId vm,
                                   HerdSnapshotOp op, const char *name,
                                   gboolean memory, GError **error);

/* Like herd_manager_vm_migrate, choosing the destination only among the
 * hosts whose entry in allowed (indexed by host id) is not 0. */
gboolean herd_manager_vm_migrate_among (HerdManager *manager, HerdId vm,
                                        HerdId destination,
                                        const guint8 *allowed,
                                        HerdMigrationReason reason,
                                        GError **error);

/* A placement decision as the scheduler made it, for explanations. */
typedef struct
{
  HerdTime time;
  HerdId vm;
  const char *kind;          /* "start", or the migration's reason */
  HerdId source;             /* NONE for a start */
  const HerdPlacementTrace *trace;
} HerdDecision;

typedef gboolean (*HerdDecisionWantsFunc) (HerdId vm, gpointer user_data);
typedef void (*HerdDecisionSinkFunc) (const HerdDecision *decision,
                                      gpointer user_data);

/* Decisions about VMs for which wants() answers TRUE are traced (per host:
 * the filter that removed it, or its scores, ranks and total) and handed
 * to sink. */
void herd_manager_set_decision_sink (HerdManager *manager,
                                     HerdDecisionWantsFunc wants,
                                     HerdDecisionSinkFunc sink,
                                     gpointer user_data);

/* The manager process restarts: it forgets its timers for monitoring
 * and fencing, waits DisableFenceAtStartup before fencing again, and
 * rebuilds its view of the hosts it reaches from what they report (their
 * statistics, the VMs they run).  Its database (definitions, migrations,
 * the SPM) survives, as the engine's does. */
void herd_manager_restart (HerdManager *manager);

/* A manager process that starts again over hosts that kept running
 * (herd run after a crash) restores, before herd_manager_start, what its
 * database says: each host's status and sanlock host id (a host comes back
 * in that status when it answers: Maintenance stays Maintenance), the VMs
 * that ran and where (Unknown until their host reports them: then Up, or
 * found on another host, or Down), and each data center's SPM (kept while
 * its host holds the lease). */
void herd_manager_restore_host (HerdManager *manager, HerdId host,
                                HerdHostStatus status, guint32 sanlock_id);
void herd_manager_restore_vm (HerdManager *manager, HerdId vm, HerdId host);
void herd_manager_restore_spm (HerdManager *manager, HerdId datacenter,
                               HerdId host);

/* Whether an HA VM waits for a restart; since when and how many
 * attempts failed. */
gboolean herd_manager_ha_waiting (HerdManager *manager, HerdId vm,
                                  HerdTime *since, guint32 *attempts);

/* Runs one balancing cycle (and HA reservation check) of every cluster
 * now, as the periodic timer does. */
void herd_manager_balance (HerdManager *manager);

/* Ends the run's open intervals (HA-unsafe time) at the current time. */
void herd_manager_finish (HerdManager *manager);

/* Receives a record for every migration that ends. */
void herd_manager_set_migration_sink (HerdManager *manager,
                                      HerdMigrationSinkFunc func,
                                      gpointer user_data);
const char *herd_migration_reason_name (HerdMigrationReason reason);
const char *herd_migration_outcome_name (HerdMigrationOutcome outcome);

const HerdManagerStats *herd_manager_stats (HerdManager *manager);
HerdScheduler *herd_manager_scheduler (HerdManager *manager);
HerdTime herd_manager_now (HerdManager *manager);
