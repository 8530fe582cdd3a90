/* world.h: the simulated cluster, the ground truth behind the sim driver.
 *
 * The world holds what really happens on the simulated hosts: which VMs run
 * where, how much CPU they demand and memory they use, how much of the
 * demand each host serves, and the power it draws.  The manager never reads
 * it: it learns about it only through the driver's tables and events, as it
 * would from real hosts.
 *
 * Workloads step every stats_interval (and when a VM starts or stops):
 * time-only models (constant, diurnal) are evaluated once per VM group,
 * walks advance once per VM, for every VM whether it runs or not, so that a
 * VM's demand never depends on where or whether other VMs run (fair
 * comparisons of policies on the same seed).  Between steps a host's demand
 * is constant and its metrics are integrated exactly over each constant
 * piece.
 *
 * Costs: a step is O(VMs + hosts); a VM start or stop is O(1). */
#pragma once

#include <glib.h>

#include "core/herd-time.h"
#include "core/model.h"
#include "sim/engine.h"
#include "sim/scenario.h"

/* How the world reports to the sim driver (which turns these into driver
 * events for the core). */
/* Progress of a simulated migration (the driver's HerdMigrationStats). */
typedef struct
{
  HerdTime elapsed;
  guint32 iteration;        /* passes completed (0 during the first) */
  gint64 bytes_sent;
  gint64 bytes_remaining;   /* dirty data to resend after this pass */
  guint32 downtime_ms;      /* once done */
  guint32 max_downtime_ms;  /* the budget in force */
  gboolean post_copy;
  HerdTime post_copy_time;  /* once done */
} HerdSimMigrationStats;

typedef struct
{
  void (*host_reachable) (gpointer ctx, HerdId host);
  void (*host_unreachable) (gpointer ctx, HerdId host);
  void (*migration_progress) (gpointer ctx, HerdId vm,
                              const HerdSimMigrationStats *stats);
  void (*migration_done) (gpointer ctx, HerdId vm,
                          const HerdSimMigrationStats *stats);
  void (*migration_failed) (gpointer ctx, HerdId vm, const char *reason);
  void (*power_done) (gpointer ctx, HerdId host, gboolean on, gboolean ok);
  void (*host_stats) (gpointer ctx, HerdId host, gint64 cpu_used_mc,
                      gint64 mem_free_mib, guint32 vm_count);
  void (*vm_state) (gpointer ctx, HerdId vm, HerdId host,
                    HerdVmStatus status);
} HerdWorldObserver;

typedef struct
{
  guint32 cores;
  gint64 capacity_mc;       /* cores x 1000 */
  gint64 memory_mib;        /* physical plus swap */
  double power_idle_w, power_max_w;
  gboolean up;
  guint32 vm_count;         /* VMs whose QEMU runs here */
  gint64 demand_mc;         /* CPU the VMs here ask for */
  gint64 mem_used_mib;      /* memory the VMs here use, with overhead */
  /* Integrals since the start, over the time the host was up. */
  HerdTime since;           /* start of the current constant piece */
  HerdTime up_ns;
  double served_mc_s;       /* millicore-seconds served */
  double demand_mc_s;
  double unserved_mc_s;
  double energy_j;
  double load_max;          /* highest served/capacity seen at a step */
  gint64 nic_bandwidth;     /* bytes/s each way (full duplex) */
  HerdTime boot_time;       /* power on to reachable */
  gboolean booting;         /* powered on, not up yet (draws power_max) */
  gboolean has_fence_agent;
  HerdTime off_ns;          /* time spent powered off */
  guint32 migrations_out;   /* migrations sending from here */
  guint32 migrations_in;    /* migrations receiving here */
} HerdSimHost;

typedef struct
{
  HerdId host;              /* where its QEMU runs, or HERD_ID_NONE */
  HerdVmStatus state;       /* Down, PoweringUp, Up, PoweringDown */
  guint32 group;            /* index in scenario->vm_groups */
  guint32 vcpus;
  gint64 mem_mib;           /* memory_used + overhead, MiB */
  double util;              /* current utilisation, percent */
  gint64 demand_mc;
  HerdEventId boot_event;   /* pending Up, or 0 */
  struct _HerdSimMigration *migration; /* running migration, or NULL */
} HerdSimVm;

typedef struct _HerdWorld HerdWorld;

/* A world for scenario, on engine; overhead_mib is what each VM costs its
 * host beyond the memory its guest touched. */
HerdWorld *herd_world_new (const HerdScenario *scenario, HerdEngine *engine,
                           gint64 overhead_mib);
void herd_world_free (HerdWorld *world);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdWorld, herd_world_free)

void herd_world_set_observer (HerdWorld *world,
                              const HerdWorldObserver *observer, gpointer ctx);

/* Schedules the periodic workload step (first at time 0). */
void herd_world_start (HerdWorld *world);
/* Closes the metric integrals at the engine's current time. */
void herd_world_finish (HerdWorld *world);

HerdEngine *herd_world_engine (HerdWorld *world);
const HerdScenario *herd_world_scenario (HerdWorld *world);
guint herd_world_n_hosts (HerdWorld *world);
guint herd_world_n_vms (HerdWorld *world);
const HerdSimHost *herd_world_host (HerdWorld *world, HerdId host);
const HerdSimVm *herd_world_vm (HerdWorld *world, HerdId vm);

/* Operations the sim driver performs (FALSE + error if impossible). */
gboolean herd_world_host_connect (HerdWorld *world, HerdId host,
                                  GError **error);
gboolean herd_world_vm_start (HerdWorld *world, HerdId host, HerdId vm,
                              GError **error);
gboolean herd_world_vm_stop (HerdWorld *world, HerdId host, HerdId vm,
                             GError **error);
/* Power management through the host's fence agent: off stops the host
 * at once (its VMs die); on boots it (boot_time at power_max) and it
 * becomes reachable.  The answer comes through power_done. */
gboolean herd_world_host_power (HerdWorld *world, HerdId host, gboolean on,
                                GError **error);
/* Whether the host is powered (booting or up). */
gboolean herd_world_host_powered (HerdWorld *world, HerdId host);

/* A host crashes: it stops at once; the VMs on it die; migrations into it
 * fail (their VMs stay on their sources); migrations out of it fail and
 * their VMs are lost.  The manager hears of it as the host becoming
 * unreachable. */
void herd_world_host_crash (HerdWorld *world, HerdId host);

/* Live migration (sim/migration.c): the pre-copy model of behaviour.md §4.
 * bandwidth is the cap in bytes/s; the NICs' shares may lower it. */
gboolean herd_world_migration_start (HerdWorld *world, HerdId vm,
                                     HerdId source, HerdId destination,
                                     gint64 bandwidth, guint32 downtime_ms,
                                     gboolean allow_post_copy,
                                     GError **error);
gboolean herd_world_migration_set_downtime (HerdWorld *world, HerdId vm,
                                            guint32 ms, GError **error);
gboolean herd_world_migration_post_copy (HerdWorld *world, HerdId vm,
                                         GError **error);
gboolean herd_world_migration_abort (HerdWorld *world, HerdId vm,
                                     GError **error);
gboolean herd_world_migration_stats (HerdWorld *world, HerdId vm,
                                     HerdSimMigrationStats *out,
                                     GError **error);

/* CPU the VM is served now (its demand, scaled down under contention). */
gint64 herd_world_vm_cpu_used (HerdWorld *world, HerdId vm);
/* What a host would report if polled now. */
void herd_world_host_report (HerdWorld *world, HerdId host,
                             gint64 *cpu_used_mc, gint64 *mem_free_mib,
                             guint32 *vm_count);
