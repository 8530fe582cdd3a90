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

#include "conf/scenario.h"
#include "core/herd-time.h"
#include "core/model.h"
#include "sim/engine.h"
#include "sim/workload.h"

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
  void (*host_stats) (gpointer ctx, HerdId host); /* they changed */
  void (*vm_state) (gpointer ctx, HerdId vm, HerdId host,
                    HerdVmStatus status, HerdPauseReason reason);
} HerdWorldObserver;

typedef struct
{
  guint32 cores;
  gint64 capacity_mc;       /* cores x 1000 */
  gint64 memory_mib;        /* physical plus swap */
  double power_idle_w, power_max_w;
  gboolean up;
  guint32 vm_count;         /* VMs whose QEMU runs here */
  gint64 own_mc;            /* CPU its own work asks for while up
                               ([hosts] cpu_load) */
  gint64 own_mem_mib;       /* memory it uses besides its VMs while up
                               ([hosts] committed_memory) */
  gint64 demand_mc;         /* CPU asked for: own_mc and the VMs' */
  gint64 mem_used_mib;      /* memory in use: own_mem_mib and the VMs',
                               with overhead */
  /* Integrals since the start, over the time the host was up. */
  HerdTime since;           /* start of the current constant piece */
  HerdTime up_ns;
  double served_mc_s;       /* millicore-seconds served */
  double demand_mc_s;
  double unserved_mc_s;
  double energy_j;
  double load_max;          /* highest served/capacity seen at a step */
  HerdTime over_high_ns;    /* time over its cluster's HighUtilization,
                               counted a workload step at a time */
  gint64 nic_bandwidth;     /* bytes/s each way (full duplex) */
  HerdTime boot_time;       /* power on to reachable */
  gboolean booting;         /* powered on, not up yet (draws power_max) */
  gboolean has_fence_agent;
  HerdTime off_ns;          /* time spent powered off */
  /* Failures and what the manager can reach. */
  gboolean agent_hung;      /* the host agent does not answer */
  gboolean partitioned;     /* the manager's network cannot reach it */
  gboolean fence_broken;    /* its first fence agent fails every action */
  HerdTime fence_latency;   /* per fence action */
  double fence_failure;     /* probability an action fails */
  /* Its sanlock host-id lease (one lockspace per data center). */
  guint32 lease_id;         /* 0: not joined */
  HerdId lease_domain;      /* the lockspace's domain, when joined */
  HerdTime lease_joined;    /* renewals at joined + k x 2 io_timeout */
  HerdTime lease_stopped;   /* renewals stopped then, or NEVER */
  gboolean was_reachable;   /* last reachability reported to the manager */
  guint64 networks_down;    /* HerdNetworkSet whose NIC is down */
  HerdId datacenter;
  guint32 migrations_out;   /* migrations sending from here */
  guint32 migrations_in;    /* migrations receiving here */
  /* Memory that moves (memory.c), as of the last workload step. */
  double free_share;        /* free physical memory / physical memory */
  gint64 guest_mib;         /* its guests' memory held (no overhead) */
  gint64 defined_mib;       /* its VMs' defined memory */
  gint64 squeezed_mib;      /* guest memory their balloons hold back */
  gint64 ksm_saved_mib;     /* memory KSM merged away */
  HerdTime mem_over_ns;     /* time over its physical memory (swapping) */
  double squeezed_mib_s;    /* integral of squeezed_mib */
  double ksm_saved_mib_s;   /* integral of ksm_saved_mib */
} HerdSimHost;

typedef struct
{
  HerdId host;              /* where its QEMU runs, or HERD_ID_NONE */
  HerdVmStatus state;       /* Down, PoweringUp, Up, PoweringDown */
  guint32 group;            /* index in scenario->vm_groups */
  guint32 vcpus;
  gint64 mem_mib;           /* what its host holds: min(guest_mib,
                               balloon_mib) + overhead, MiB */
  gint64 guest_mib;         /* memory its guest uses now */
  gint64 balloon_mib;       /* its balloon: what the guest may use */
  double util;              /* current utilisation, percent */
  gint64 demand_mc;
  HerdEventId boot_event;   /* pending Up, or 0 */
  struct _HerdSimMigration *migration; /* running migration, or NULL */
  HerdId lease_host;        /* host written in its VM lease (held or not) */
  HerdId last_host;         /* where its QEMU last ran, or HERD_ID_NONE */
  HerdTime eio_paused_at;   /* when it last paused on an I/O error */
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

/* Called when the world sees something that must never happen (a VM
 * started while its QEMU still runs somewhere; a host over its physical
 * memory).  NULL: not checked. */
typedef void (*HerdWorldViolationFunc) (const char *what, gpointer data);
void herd_world_set_violation_hook (HerdWorld *world,
                                    HerdWorldViolationFunc fn, gpointer data);

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
/* Whether a start of vm (down) on host would be refused, and why: the
 * host is down, a disk is out of its reach, or the VM's lease cannot be
 * taken there. */
gboolean herd_world_vm_startable (HerdWorld *world, HerdId host, HerdId vm,
                                  GError **error);
gboolean herd_world_vm_start (HerdWorld *world, HerdId host, HerdId vm,
                              GError **error);
/* vm (down) runs on host (up) from now, Up at once, as if it had been
 * running before the manager looked: nothing is reported to the
 * manager, which adopts it (herd_manager_adopt_vm). */
gboolean herd_world_vm_adopt (HerdWorld *world, HerdId host, HerdId vm,
                              GError **error);
gboolean herd_world_vm_stop (HerdWorld *world, HerdId host, HerdId vm,
                             GError **error);
/* Power management through the host's fence agent: off stops the host
 * at once (its VMs die); on boots it (boot_time at power_max) and it
 * becomes reachable.  The answer comes through power_done. */
gboolean herd_world_host_power (HerdWorld *world, HerdId host, guint agent,
                                gboolean on, GError **error);
/* Whether the host is powered (booting or up). */
gboolean herd_world_host_powered (HerdWorld *world, HerdId host);
/* The answer to a fence status action (power state; fails while the
 * agent is broken), delivered through power_done-like reporting. */
gboolean herd_world_fence_status (HerdWorld *world, HerdId host,
                                  guint agent, gboolean *on);

/* Faults that heal: agent hang and partition make the host unreachable
 * for the manager (the VMs run on, leases renew); fence_broken makes its
 * first fence agent fail (a dead BMC: the others still work).  Setting one back reports the host reachable again
 * when nothing else keeps it away. */
void herd_world_agent_hang (HerdWorld *world, HerdId host, gboolean hung);
void herd_world_partition (HerdWorld *world, HerdId host, gboolean cut);
void herd_world_fence_broken (HerdWorld *world, HerdId host,
                              gboolean broken);
/* The NIC of network bit goes down (or back up) on host; the host
 * reports it with its statistics at once. */
void herd_world_network (HerdWorld *world, HerdId host, guint bit,
                         gboolean down);
/* Storage domain outage for one host (or every host of the domain's
 * data center with HERD_ID_NONE).  VMs there with a disk on the domain
 * pause at once with an I/O error (EIO); the host agent resumes them when
 * the domain is back if their resume policy is auto_resume, leaves them
 * paused with leave_paused, and kills them after 80 s paused with kill.
 * A host reports the domain in trouble 30 s after it lost it; losing its
 * data center's master domain also stops its lease renewals, and 8 x
 * io_timeout after the last renewal sanlock kills the lease holders there
 * (VMs with leases, the SPM). */
void herd_world_storage (HerdWorld *world, HerdId domain, HerdId host,
                         gboolean down);
/* Thin provisioning (sim/thin.c, behaviour.md §9). */
typedef struct
{
  HerdId disk;
  HerdTime requested;  /* the host wrote the request to the mailbox */
  HerdTime extended;   /* the SPM read it and extended the LV */
  HerdTime done;       /* the host saw the reply, or NEVER */
  gint64 lv_mib;       /* the LV's size after it */
  gint64 grown_mib;    /* by how much it grew */
} HerdThinExtension;

typedef struct
{
  HerdId vm;
  HerdPauseReason reason;
  HerdTime start;
  HerdTime end;        /* HERD_TIME_NEVER while paused */
} HerdThinPause;

typedef struct
{
  gint64 capacity_mib;
  gint64 used_mib;     /* LVs, preallocated volumes, thin file data */
  gint64 min_free_mib; /* the least free space seen */
  HerdTime low_ns;     /* time spent below its warning level */
  HerdTime critical_ns; /* ... and below its critical level */
} HerdThinDomain;

/* mib more capacity for a domain (a LUN added to a block one, a file one
 * grown on its server): requests that waited for room are read again,
 * and guests paused on a full file domain resume. */
void herd_world_grow_storage (HerdWorld *world, HerdId domain, gint64 mib);
/* The disk's volumes now, oldest first (the last is the active one):
 * *n of them; what volume index takes from its domain and the guest data
 * it holds. */
guint herd_world_disk_volumes (HerdWorld *world, HerdId disk);
void herd_world_disk_volume (HerdWorld *world, HerdId disk, guint index,
                             gint64 *size_mib, double *data_mib);
/* The SPM acts on the VM's snapshot index (HerdStorageOps.snapshot). */
gboolean herd_world_snapshot (HerdWorld *world, HerdId vm, HerdSnapshotOp op,
                              guint index, gboolean memory, GError **error);
/* Volume extensions so far, in the order the SPM did them. */
const GArray *herd_world_extensions (const HerdWorld *world);
/* Guest pauses so far (ENOSPC, EIO), in the order they began. */
const GArray *herd_world_pauses (const HerdWorld *world);
/* A domain's space now. */
HerdThinDomain herd_world_domain_space (HerdWorld *world, HerdId domain);

/* Domains (bits, ids 0..63) host has been unable to check for 30 s. */
guint64 herd_world_domains_trouble (HerdWorld *world, HerdId host);
/* A crashed host repaired by hand: it boots. */
void herd_world_host_repair (HerdWorld *world, HerdId host);
/* Soft fencing: restart the agent over SSH.  FALSE when SSH cannot reach
 * the host (down or partitioned); else the agent is back (and the host
 * reachable) a few seconds later. */
gboolean herd_world_soft_fence (HerdWorld *world, HerdId host);
/* Whether the manager can talk to the host agent now. */
gboolean herd_world_host_reachable (HerdWorld *world, HerdId host);

/* sanlock, one lockspace per data center, io_timeout from the scenario:
 * host-id leases renewed every 2 io while the host runs; LIVE until 8 io
 * after the last renewal, FAIL until 8 io + 60 s, then DEAD. */
typedef enum
{
  HERD_SIM_LEASE_LIVE,
  HERD_SIM_LEASE_FAIL,
  HERD_SIM_LEASE_DEAD,
  HERD_SIM_LEASE_FREE,
} HerdSimLiveness;

/* host joins its data center's lockspace on domain with host_id.  A
 * lockspace on another domain than before (a new master) starts with
 * every resource lease free. */
void herd_world_lease_join (HerdWorld *world, HerdId host, guint32 host_id,
                            HerdId domain);
/* Whether host is up and renews a LIVE host-id lease (VM leases need
 * it). */
gboolean herd_world_lease_live (HerdWorld *world, HerdId host);
HerdSimLiveness herd_world_lease_liveness (HerdWorld *world, HerdId dc,
                                           guint32 host_id);
/* The SPM lease (resource SDM) of a data center: acquired when free or
 * when its holder's host-id lease is DEAD; version + 1 on each grant. */
gboolean herd_world_spm_acquire (HerdWorld *world, HerdId dc, HerdId host,
                                 GError **error);
void herd_world_spm_release (HerdWorld *world, HerdId dc, HerdId host);
/* The running SPM's host id (0: none: free, or its process was killed
 * while the lease is still on disk) and the lease version. */
void herd_world_spm_inquire (HerdWorld *world, HerdId dc, guint32 *holder,
                             guint64 *version);
/* A VM's lease: the host id holding it, 0 when free (the VM is down, or
 * its holder's host-id lease is DEAD).  recorded (may be NULL): the host
 * id written in the lease, held or not (0: released, or never taken), as
 * sanlock_read_resource_owners reads it from disk. */
guint32 herd_world_vm_lease_holder (HerdWorld *world, HerdId vm,
                                    guint32 *recorded);
/* Whether vm's lease (if it has one) may be acquired on host: host holds
 * a live host-id lease and no other host holds the VM's lease.  The same
 * rule for a start and for a migration's destination, as sanlock applies
 * it when QEMU starts or resumes there. */
gboolean herd_world_vm_lease_check (HerdWorld *world, HerdId vm, HerdId host,
                                    GError **error);

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
/* The guest data disk's volume holds now, MiB rounded up. */
gint64 herd_world_disk_data_mib (HerdWorld *world, HerdId disk);
/* What the VM writes to each of its disks now, bytes/s (0 unless Up). */
double herd_world_vm_write_rate (HerdWorld *world, HerdId vm);
/* What a host would report if polled now. */
void herd_world_host_report (HerdWorld *world, HerdId host,
                             gint64 *cpu_used_mc, gint64 *mem_free_mib,
                             guint32 *vm_count);
