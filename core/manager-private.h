/* manager-private.h: the manager's state, shared by the files that make up
 * the manager (manager.c: requests, host and VM events, maintenance;
 * migration.c: live migrations, their limits and schedules).  Nothing
 * outside core/ includes it. */
#pragma once

#include "core/manager.h"

typedef struct _Migration Migration;

/* monitor.c: where a host stands between reachable and fenced. */
typedef enum
{
  WATCH_OK,            /* answering (or not monitored) */
  WATCH_POLL,          /* stopped answering; the next poll will fail */
  WATCH_CONNECTING,    /* in its grace period */
  WATCH_SOFT_FENCING,  /* agent restarted over SSH, waiting for it */
  WATCH_NON_RESPONSIVE,
  WATCH_FENCING,
  WATCH_REBOOTING,     /* fenced and powered on: waiting for it */
} WatchState;

typedef enum
{
  FENCE_STOP,
  FENCE_CONFIRM_OFF,
  FENCE_START,
  FENCE_CONFIRM_ON,
} FenceStep;

typedef struct
{
  WatchState state;
  gboolean reachable;    /* as the driver last said */
  gboolean fenced;       /* confirmed off since it became NonResponsive */
  HerdHostStatus before; /* its status when it stopped answering */
  HerdTime phase;        /* polls at phase + k x VdsRefreshRate */
  HerdTimerId timer;
  HerdTimerId lease_timer; /* VM-lease watch while NonResponsive */
  FenceStep step;
  guint32 agent;         /* agent in use (one after another) */
  guint32 outstanding;   /* actions not answered (together) */
  guint32 answered_ok;
  guint32 polls;
  guint32 proxy_tries;
  char *agent_output;    /* what the agent said to the last stop or start */
} HostWatch;

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
  /* balancer.c, per host id */
  guint8 *allowed;             /* scratch: balancer destinations */
  guint8 *powering;            /* a power on (1) or off (2) is under way */
  /* monitor.c, per host id */
  HostWatch *watch;
  HerdTime started_at;         /* when the manager (re)started */
  gboolean restored;            /* state came from a database (herd run):
                                   hosts' VMs are adopted when they answer */
  GArray **host_vms;           /* per host id: VMs committed there */
  /* spm.c, per data center id */
  guint32 *next_sanlock_id;
  HerdTime *spm_lost_since;    /* NEVER while it has an SPM */
  gboolean *spm_waiting_said;  /* SPM_WAITS_FOR_FENCING logged */
  /* storage.c, per storage domain id */
  HerdTime *domain_trouble_since; /* NEVER: no host reports trouble */
  HerdTimerId *domain_timer;
  /* storage-space.c, per storage domain id */
  guint8 *domain_space;        /* 0 enough free space, 1 low, 2 critical */
  /* snapshot.c, per VM id */
  GPtrArray **snapshots;       /* names, oldest first (NULL: none yet) */
  gint *previewing;            /* index of the one in preview, or -1 */
  /* ha.c, per VM id */
  HerdTime *ha_next;           /* next restart attempt, NEVER: not queued */
  HerdTime *ha_since;          /* queued since */
  guint32 *ha_attempts;
  GArray *ha_queue;            /* HerdId of queued VMs */
  guint8 *ha_blocked;          /* queued VM waiting for a higher priority */
  GArray *ha_starting;         /* HerdId of VMs restarted, not Up yet */
  HerdTimerId ha_timer;
  HerdTime ha_timer_at;
  HerdDecisionWantsFunc decision_wants;
  HerdDecisionSinkFunc decision_sink;
  gpointer decision_data;
};

/* manager.c's services and pieces, in files of their own */
#include "core/manager-time.h"
#include "core/manager-books.h"
#include "core/manager-status.h"
#include "core/manager-place.h"
#include "core/reconcile.h"
#include "core/vm-start.h"
#include "core/maintenance.h"
#include "core/activate.h"
#include "core/storage-space.h"

/* migration.c: Up VMs on host that may migrate and are not migrating,
 * lowest CPU first (CPU as the host reports it now; ties by id). */
GArray *herd_manager_host_vms_by_cpu (HerdManager *m, HerdId host);
gboolean herd_manager_host_busy (HerdManager *m, HerdId host);

/* balancer.c */
void herd_balancer_init (HerdManager *m);
void herd_balancer_clear (HerdManager *m);
/* affinity.c: one migration per cluster repairing a broken affinity
 * rule, if any can (every AffinityEnforcementInterval). */
void herd_affinity_enforce (HerdManager *m);

/* Schedules the periodic balancing and affinity enforcement. */
void herd_balancer_start (HerdManager *m);
void herd_balancer_on_fence_done (gpointer core, HerdId host,
                                  HerdFenceAction action, gboolean ok,
                                  const char *output);
/* A host powered on by the balancer reached Up. */
void herd_balancer_host_up (HerdManager *m, HerdId host);
/* Closes the HA-unsafe intervals at the end of a run. */
void herd_balancer_finish (HerdManager *m);

/* monitor.c */
void herd_monitor_init (HerdManager *m);
void herd_monitor_clear (HerdManager *m);
void herd_monitor_host_connected (HerdManager *m, HerdId host);
void herd_monitor_on_unreachable (HerdManager *m, HerdId host);
/* A host activated from maintenance: if it does not answer, detection
 * starts. */
void herd_monitor_host_activated (HerdManager *m, HerdId host);
/* The status a host that answers again returns to: the one it had when
 * it stopped answering if that was PreparingForMaintenance or
 * NonOperational (a blip does not cancel a maintenance request or cure a
 * cause), else Up. */
HerdHostStatus herd_monitor_status_back (HerdManager *m, HerdId host);
/* Whether the host answers its polls (no failure being handled). */
gboolean herd_monitor_host_ok (HerdManager *m, HerdId host);
/* Whether the monitor is handling host's failure (from its first failed
 * poll until it is back: soft fencing, fencing, the reboot after it). */
gboolean herd_monitor_handling (HerdManager *m, HerdId host);
/* oVirt's FenceProxyLocator: an Up host of target's cluster, else of its
 * data center, else a NonOperational one (cluster first); NONE. */
HerdId herd_monitor_fence_proxy (HerdManager *m, const HerdHost *target);
/* TRUE when the monitor handled the host coming back. */
gboolean herd_monitor_on_reachable (HerdManager *m, HerdId host);
/* TRUE when the answer belonged to fencing. */
gboolean herd_monitor_on_fence_done (HerdManager *m, HerdId host,
                                     HerdFenceAction action, gboolean ok,
                                     const char *output);
/* A manager restart: monitoring and fencing in progress are forgotten. */
void herd_monitor_restart (HerdManager *m);
/* A restored host comes back (when it answers) in status (herd run). */
void herd_monitor_restore (HerdManager *m, HerdId host,
                           HerdHostStatus status);

/* spm.c */
void herd_spm_init (HerdManager *m);
void herd_spm_clear (HerdManager *m);
void herd_spm_start (HerdManager *m);
/* A host came Up: it joins its data center's lockspace. */
void herd_spm_host_up (HerdManager *m, HerdId host);
/* host's restored sanlock id is taken: new ids come after it. */
void herd_spm_restore (HerdManager *m, HerdId host);
/* A host's status changed (the SPM's availability may follow). */
void herd_spm_host_status_changed (HerdManager *m, HerdId host);
/* The host was fenced or left: it is no longer the SPM. */
void herd_spm_host_gone (HerdManager *m, HerdId host);
void herd_spm_finish (HerdManager *m);
/* Master storage domain of the host's data center, or NONE. */
HerdId herd_spm_master_domain (HerdManager *m, HerdId host);

/* snapshot.c */
void herd_snapshot_init (HerdManager *m);
void herd_snapshot_clear (HerdManager *m);

/* storage.c */
void herd_storage_init (HerdManager *m);
void herd_storage_clear (HerdManager *m);
/* A host reported its domain checks (HerdHostStats.domains_trouble). */
void herd_storage_on_report (HerdManager *m, HerdHost *host, guint64 trouble);
/* Autorecovery: Inactive domains no host fails are active again. */
void herd_storage_recover (HerdManager *m);

/* ha.c */
void herd_ha_init (HerdManager *m);
void herd_ha_clear (HerdManager *m);
/* An HA VM went down without being asked: restart it (by priority, on
 * the retry schedule). */
void herd_ha_enqueue (HerdManager *m, HerdId vm);
/* It runs again (or was stopped by hand): stop trying. */
void herd_ha_forget (HerdManager *m, HerdId vm);
/* A VM's status became Up or Down: a restart no longer blocks lower
 * priorities (ha.c). */
void herd_ha_settled (HerdManager *m, HerdId vm);


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
/* Aborts the VM's migration unless it has switched over (FALSE: it runs
 * on the destination now, and the migration completes). */
gboolean herd_migration_try_abort (HerdManager *m, HerdId vm,
                                   const char *reason);
