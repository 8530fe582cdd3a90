/* scheduler.h: placing a VM on a host (behaviour.md §2).
 *
 * The pipeline, per cluster: filters (hard: remove hosts) -> weights (soft:
 * score hosts, lower raw score is better) -> rank selector.  For each
 * weight, a host's rank is (candidates - 1) - the number of candidates
 * with a strictly better score (oVirt's RankSelectorPolicyUnit); its total
 * is the sum over weights of factor x rank; the highest total wins, ties
 * going to the lowest host id (oVirt's order among ties is a hash map's).
 *
 * Filters and weights are policy units in tables (scheduler.c); a policy is
 * the list of units it runs with their factors.  The scheduler keeps flat
 * scratch arrays sized to the largest cluster, so a decision allocates
 * nothing but the affinity weights' lists: O(hosts x units) for filters
 * and scores plus one radix sort of the candidates per weight.
 *
 * A decision can be explained: pass a HerdPlacementTrace to get, per host
 * of the cluster, the filter that removed it or its rank per weight and its
 * total. */
#pragma once

#include <glib.h>

#include "core/model.h"

/* Filters, in the order they run (behaviour.md §2).  Status (the host is
 * Up) is not a policy unit: it runs first for every policy. */
typedef enum
{
  HERD_FILTER_STATUS,
  HERD_FILTER_CPU,              /* enough cores for the VM's vCPUs */
  HERD_FILTER_CPU_OVERLOADED,   /* over HighUtilization for the duration */
  HERD_FILTER_MEMORY,           /* physical free memory and overcommit */
  HERD_FILTER_PIN_TO_HOST,      /* the VM's pinned_to hosts only */
  HERD_FILTER_VM_LEASES_READY,  /* a leased VM: the host can take it */
  HERD_FILTER_VM_AFFINITY,      /* hard VM-to-VM rules */
  HERD_FILTER_HOST_AFFINITY,    /* hard VM-to-host rules */
  HERD_FILTER_NETWORK,          /* required and vNIC networks up */
  HERD_FILTER_MIGRATION,        /* not the VM's current host */
  HERD_FILTER_CLUSTER_MAINTENANCE, /* only HA VMs start */
  HERD_FILTER_ALLOWED,          /* outside the set a caller allowed */
  HERD_FILTER_LAST
} HerdFilterKind;

/* Weights, each with its factor (lower raw score is better). */
typedef enum
{
  HERD_WEIGHT_EVEN_CPU,      /* CPU load with the VM, 1..1000, x2 */
  HERD_WEIGHT_EVEN_MEMORY,   /* scheduling memory left, 1..1000, x1 */
  HERD_WEIGHT_POWER_CPU,     /* power_saving: busiest host under High, x2 */
  HERD_WEIGHT_POWER_MEMORY,  /* power_saving: least memory left, x1 */
  HERD_WEIGHT_VM_COUNT,      /* vm_evenly_distributed: fewest VMs, x2 */
  HERD_WEIGHT_PREFERRED_HOSTS, /* at start only, x99 */
  HERD_WEIGHT_HA_RESERVATION,  /* spread HA VMs, x1 */
  HERD_WEIGHT_VM_AFFINITY,     /* VM-to-VM groups, hard and soft, x1 */
  HERD_WEIGHT_HOST_AFFINITY,   /* soft VM-to-host groups, x20 */
  HERD_WEIGHT_LAST
} HerdWeightKind;

#define HERD_FILTER_NONE HERD_FILTER_LAST

typedef struct
{
  HerdId host;
  HerdFilterKind rejected_by;       /* HERD_FILTER_NONE if it passed */
  gint64 score[HERD_WEIGHT_LAST];   /* raw scores (lower is better) */
  guint32 rank[HERD_WEIGHT_LAST];   /* 0 for weights that did not apply */
  guint64 total;
} HerdPlacementHost;

/* Filled by herd_scheduler_place when passed: one entry per host of the
 * VM's cluster, in host id order. */
typedef struct
{
  GArray *hosts;  /* HerdPlacementHost */
  HerdId chosen;
  guint32 applied; /* bit w set: weight w applied to this decision */
} HerdPlacementTrace;

typedef struct _HerdScheduler HerdScheduler;

HerdScheduler *herd_scheduler_new (HerdModel *model);
void herd_scheduler_free (HerdScheduler *scheduler);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdScheduler, herd_scheduler_free)

/* The time decisions are made at (the CPU-overloaded filter measures
 * durations against it).  The manager sets it before each decision. */
void herd_scheduler_set_now (HerdScheduler *scheduler, HerdTime now);

/* Chooses a host of the VM's cluster for it, or HERD_ID_NONE.  source is
 * the host it runs on when this is a migration (HERD_ID_NONE for a start).
 * allowed, if not NULL, is indexed by host id: hosts whose entry is 0 are
 * removed (the balancer's destinations).  rejected, if not NULL, receives
 * per filter the number of hosts it removed (array of HERD_FILTER_LAST).
 * trace may be NULL. */
HerdId herd_scheduler_place (HerdScheduler *scheduler, HerdId vm,
                             HerdId source, const guint8 *allowed,
                             guint32 *rejected, HerdPlacementTrace *trace);

/* The weights a cluster's policy runs and their factors, in kind order:
 * fills kinds/factors (HERD_WEIGHT_LAST entries each) and returns their
 * number. */
guint herd_scheduler_policy_weights (HerdPolicyKind policy,
                                     HerdWeightKind *kinds, guint *factors);

/* Host CPU as oVirt's scheduler counts it.  A load in "percent-cores" is
 * a percent of one core summed over cores (oVirt's total load).
 * herd_host_cpu_total: the host's reported usage (whole percent of its
 * cores, truncated as oVirt's engine stores it) x cores, plus
 * SpmVCpuConsumption x VcpuConsumptionPercentage on the SPM, plus (with
 * pending) what starts and migrations on their way there reserved.
 * herd_host_cpu_load: the total without pending over cores, rounded up
 * (the load the thresholds are compared with). */
gint64 herd_host_cpu_total (const HerdModel *model, const HerdHost *host,
                            gboolean pending);
gint64 herd_host_cpu_load (const HerdModel *model, const HerdHost *host);
/* A VM's CPU, percent-cores: its usage percent (of its vCPUs) x vCPUs
 * while it runs and has been measured, else VcpuConsumptionPercentage x
 * vCPUs. */
gint64 herd_vm_cpu_load (const HerdModel *model, const HerdVm *vm);
/* oVirt's max scheduling memory: what VMs may still book on the host,
 * MiB: the overcommit ceiling less committed memory (never below 0) less
 * pending (never below 0). */
gint64 herd_host_max_scheduling_mib (const HerdModel *model,
                                     const HerdHost *host);

/* Runs the filters for one host: the filter that removes it, or
 * HERD_FILTER_NONE when it may take the VM (a user-chosen destination). */
HerdFilterKind herd_scheduler_check_host (HerdScheduler *scheduler, HerdId vm,
                                          HerdId source, HerdId host);

/* What VMs may book on a host, MiB: its memory times the cluster's
 * overcommit, less its reserved memory (the Memory filter's ceiling). */
gint64 herd_host_memory_ceiling (const HerdCluster *cluster,
                                 const HerdHost *host);
/* Memory a VM books on its host: defined memory plus overhead, MiB. */
gint64 herd_scheduler_vm_memory_need (const HerdModel *model,
                                      const HerdVm *vm);
/* CPU a VM is expected to use, millicores: measured, or the unmeasured
 * estimate (VcpuConsumptionPercentage of a core per vCPU). */
gint64 herd_scheduler_vm_cpu_estimate (const HerdModel *model,
                                       const HerdVm *vm);

const char *herd_filter_name (HerdFilterKind filter);
const char *herd_weight_name (HerdWeightKind weight);

void herd_placement_trace_init (HerdPlacementTrace *trace);
void herd_placement_trace_clear (HerdPlacementTrace *trace);

/* The rank selector on its own, for tests and the explain output: given n
 * raw scores per weight (scores[w * n + i]) and the factors, writes ranks
 * (same layout) and totals, and returns the index of the winner (lowest
 * index among equal totals).  n > 0. */
guint herd_rank_select (guint n, guint n_weights, const gint64 *scores,
                        const guint *factors, guint32 *ranks,
                        guint64 *totals);
