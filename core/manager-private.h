/* manager-private.h: the manager's state, shared by the files that make up
 * the manager, and how those files sit on one another.  Nothing outside
 * core/ includes it.
 *
 * The state is one struct, HerdManager below; each field says which file
 * owns it.  Functions are not declared here: each file has a header
 * saying what it offers and who uses it, and a file includes the headers
 * of what it calls.  They form layers, and a file calls only files on
 * lower lines (and manager-time.c, the clock, which almost every file
 * reads):
 *
 *   manager.c                  the manager's life, the driver's events,
 *   manager-changes.c          an operator's run and stop of a VM; hosts
 *      |                       and VMs added and removed (herd run)
 *   balancer.c                 the periodic cycle (affinity.c's timer)
 *      |
 *   affinity.c  activate.c  storage.c  snapshot.c  adopt.c
 *      |
 *   monitor.c                  host failures, soft fencing, fencing
 *      |
 *   reconcile.c                a host's report against the books
 *      |
 *   migration.c <-> maintenance.c                          loop 1
 *      |
 *   ha.c -> vm-start.c -> manager-status.c -> ha.c         loop 2
 *      |
 *   manager-place.c  manager-books.c  spm.c -> storage-space.c
 *      |
 *   manager-time.c
 *
 * Two loops remain (docs/architecture.md says why they stay): a
 * migration that ends tells maintenance (maintenance.c), which starts
 * migrations (loop 1); HA restarts (ha.c) go through a VM start
 * (vm-start.c) whose status changes (manager-status.c) tell ha.c that a
 * restarted VM settled (loop 2).
 *
 * Some files read state another owns, as noted at the fields: migrations
 * (maintenance.c, affinity.c, manager.c), host_vms (migration.c,
 * manager.c), powering and maintenance_retry (activate.c), allowed
 * (affinity.c), domain_space (snapshot.c), started_at (monitor.c),
 * restored (reconcile.c). */
#pragma once

#include "core/manager.h"

typedef struct _Migration Migration;  /* migration.c */
typedef struct _HostWatch HostWatch;  /* monitor.c */

struct _HerdManager
{
  /* manager.c: what the manager works with, and its life */
  HerdModel *model;
  HerdDriver *driver;
  HerdAudit *audit;
  HerdScheduler *scheduler;
  HerdManagerStats stats;      /* counters: every file adds to them */
  HerdTime started_at;         /* when the manager (re)started (monitor.c
                                  reads it) */
  gboolean restored;            /* state came from a database (herd run):
                                   hosts' VMs are adopted when they answer
                                   (reconcile.c reads it) */
  /* manager-books.c (made by manager.c) */
  GArray **host_vms;           /* per host id: VMs committed there
                                  (migration.c and manager.c read it) */
  /* manager-place.c */
  HerdDecisionWantsFunc decision_wants;
  HerdDecisionSinkFunc decision_sink;
  gpointer decision_data;
  /* migration.c */
  HerdMigrationSinkFunc migration_sink;  /* set through manager.c */
  gpointer migration_sink_data;
  Migration **migrations;  /* per VM id: its migration, or NULL (manager.c,
                              maintenance.c and affinity.c read it) */
  guint32 *outgoing;       /* per host id: migrations running out of it */
  guint32 *incoming;       /* per host id: migrations running into it */
  GQueue **queued;         /* per host id: VM ids waiting for an outgoing
                              slot (created on first use) */
  /* maintenance.c (made by manager.c; activate.c cancels it) */
  HerdTimerId *maintenance_retry; /* per host id: pending retry timer */
  /* balancer.c, per cluster id */
  HerdTime *ha_unsafe_since;   /* NEVER while HA-safe */
  /* balancer.c, per host id */
  guint8 *allowed;             /* scratch: balancer destinations (and
                                  affinity.c's) */
  guint8 *powering;            /* a power on (1) or off (2) is under way
                                  (activate.c reads it) */
  /* monitor.c, per host id */
  HostWatch *watch;
  /* spm.c, per data center id */
  guint32 *next_sanlock_id;
  HerdTime *spm_lost_since;    /* NEVER while it has an SPM */
  gboolean *spm_waiting_said;  /* SPM_WAITS_FOR_FENCING logged */
  HerdId *spm_preferred;       /* chosen by an operator for the next
                                  election (force select), or NONE */
  /* storage.c, per storage domain id */
  HerdTime *domain_trouble_since; /* NEVER: no host reports trouble */
  HerdTimerId *domain_timer;
  /* storage-space.c, per storage domain id (snapshot.c reads it) */
  guint8 *domain_space;        /* 0 enough free space, 1 low, 2 critical */
  /* snapshot.c, per VM id */
  GPtrArray **snapshots;       /* names, oldest first (NULL: none yet) */
  gint *previewing;            /* index of the one in preview, or -1 */
  /* vm-start.c: VM id -> the hosts still allowed for its reruns (a
   * bitmap by host id), for VMs whose start a host failed after accepting
   * it; NULL until one does */
  GHashTable *start_reruns;
  /* ha.c, per VM id */
  HerdTime *ha_next;           /* next restart attempt, NEVER: not queued */
  HerdTime *ha_since;          /* queued since */
  guint32 *ha_attempts;
  GArray *ha_queue;            /* HerdId of queued VMs */
  guint8 *ha_blocked;          /* queued VM waiting for a higher priority */
  GArray *ha_starting;         /* HerdId of VMs restarted, not Up yet */
  HerdTimerId ha_timer;
  HerdTime ha_timer_at;
};
