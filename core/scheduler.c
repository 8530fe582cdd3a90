/* scheduler.c: the placement pipeline: filters, weights, rank selector
 * (see scheduler.h and behaviour.md §2).
 *
 * A decision first gathers what the VM's affinity groups say about each
 * host (members running there), touching only the hosts that run members,
 * then runs the filters per host and the weights that apply to this VM per
 * candidate.  Weights whose scores would be equal on every host (no
 * preferred hosts, no soft groups, ...) are skipped: they cannot change
 * the winner. */
#include "core/scheduler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct _HerdScheduler
{
  HerdModel *model;
  HerdTime now;
  guint capacity;       /* hosts the scratch arrays hold */
  HerdId *candidates;   /* host ids that passed the filters */
  HerdHost **hosts;     /* the same hosts */
  gint64 *scores;       /* [weight slot * capacity + i] */
  guint32 *ranks;       /* same layout */
  guint64 *totals;
  guint64 *sort_a, *sort_b; /* radix sort buffers */
  /* Per host id (sized to all hosts), for the current decision only. */
  guint32 *pos_members;  /* members of hard positive groups running there */
  guint32 *neg_members;  /* members of hard negative groups */
  guint8 *is_touched;    /* whether the host is in touched */
  gint32 *slot;          /* per host id: its candidate index, or -1 */
  HerdId *touched;       /* hosts whose entries above may be set */
  guint n_touched;
};

typedef struct _Request Request;
typedef gboolean (*FilterFunc) (const Request *req, const HerdHost *host);

/* Everything a policy unit looks at for one decision. */
struct _Request
{
  const HerdScheduler *s;
  const HerdModel *model;
  const HerdCluster *cluster;
  const HerdVm *vm;
  HerdId source;
  HerdId spm;             /* the SPM host of the VM's DC, or NONE */
  gint64 mem_need_mib;
  gint64 vm_load;         /* the VM's CPU, percent-cores */
  gboolean pos_running;   /* some member of a hard positive group runs */
  gboolean vm_rules;      /* it is in a group with a VM-to-VM rule */
  gboolean hard_host_rules, soft_host_rules;
  const guint8 *allowed;
  FilterFunc active[HERD_FILTER_LAST]; /* the filters that can reject */
  HerdFilterKind active_kind[HERD_FILTER_LAST];
  guint n_active;
};


/* Filters ---------------------------------------------------------------- */

static gboolean
filter_status (const Request *req, const HerdHost *host)
{
  return host->status == HERD_HOST_UP && host->cluster == req->vm->cluster;
}

static gboolean
filter_cpu (const Request *req, const HerdHost *host)
{
  return host->cores >= req->vm->vcpus;
}

/* oVirt's CpuOverloadPolicyUnit: removes a host whose load is strictly
 * over HighUtilization and has been out of the thresholds for
 * CpuOverCommitDuration (a load is a whole percent: 100% may still have
 * room on a large host). */
static gboolean
filter_cpu_overloaded (const Request *req, const HerdHost *host)
{
  const HerdPolicyParams *p = &req->cluster->policy_params;
  return host->cpu_over_since == HERD_TIME_NEVER
         || req->s->now - host->cpu_over_since < p->cpu_overcommit_duration
         || herd_host_cpu_load (req->model, host)
                <= (gint64) p->high_utilization;
}

/* Memory: free physical memory (swap counts) minus what is pending must
 * hold the VM, and committed + pending + the VM must stay within the
 * overcommit ceiling less the host's reserved memory; nothing to check
 * where the VM runs already. */
static gboolean
filter_memory (const Request *req, const HerdHost *host)
{
  if (host->id == req->source)
    return TRUE; /* it runs there already (the balancer's source) */
  if (host->mem_free_mib - host->pending_mem_mib < req->mem_need_mib)
    return FALSE;
  return host->committed_mem_mib + host->pending_mem_mib + req->mem_need_mib
         <= herd_host_memory_ceiling (req->cluster, host);
}

static gboolean
filter_pin_to_host (const Request *req, const HerdHost *host)
{
  return req->vm->pinned_to.n == 0
         || herd_id_list_contains (&req->vm->pinned_to, host->id);
}

/* Hard VM rules: with members of a positive group running, only their
 * hosts; never a host running a member of a negative group. */
static gboolean
filter_vm_affinity (const Request *req, const HerdHost *host)
{
  if (req->s->neg_members[host->id] > 0)
    return FALSE;
  return !req->pos_running || req->s->pos_members[host->id] > 0;
}

static gboolean
filter_host_affinity (const Request *req, const HerdHost *host)
{
  if (!req->hard_host_rules)
    return TRUE;
  const HerdIdList *groups = &req->vm->affinity_groups;
  for (guint32 i = 0; i < groups->n; i++)
    {
      const HerdAffinityGroup *g
          = herd_model_affinity_group (req->model, groups->ids[i]);
      if (!g->host_enforcing || g->host_rule == HERD_AFFINITY_NONE)
        continue;
      gboolean listed = herd_id_list_contains (&g->hosts, host->id);
      if (listed != (g->host_rule == HERD_AFFINITY_POSITIVE))
        return FALSE;
    }
  return TRUE;
}

/* Every required network of the cluster and every network of the VM's
 * vNICs is attached to the host and up. */
static gboolean
filter_network (const Request *req, const HerdHost *host)
{
  HerdNetworkSet need = req->cluster->required_networks | req->vm->networks;
  HerdNetworkSet have = host->networks & ~host->networks_down;
  return (need & ~have) == 0;
}

/* Not the VM's own host, unless the caller allowed it (the balancer
 * offers the source among the candidates, as oVirt's: when it scores
 * best the VM stays). */
static gboolean
filter_migration (const Request *req, const HerdHost *host)
{
  return host->id != req->source
         || (req->allowed != NULL && req->allowed[host->id] != 0);
}

/* oVirt's VmLeasesReadyFilterPolicyUnit: a VM with a lease runs only
 * where it can take the lease, a host whose host-id lease in the data
 * center's lockspace is live (sanlock grants VM leases only there), for a
 * start as for a migration; the host it runs on holds it already. */
static gboolean
filter_vm_leases_ready (const Request *req, const HerdHost *host)
{
  return !host->lockspace_down || host->id == req->source;
}

/* cluster_maintenance: no new VM starts unless it is highly available;
 * migrations (and HA restarts) go on. */
static gboolean
filter_cluster_maintenance (const Request *req, const HerdHost *host)
{
  return req->cluster->policy != HERD_POLICY_CLUSTER_MAINTENANCE
         || req->source != HERD_ID_NONE || req->vm->ha;
}

static gboolean
filter_allowed (const Request *req, const HerdHost *host)
{
  return req->allowed == NULL || req->allowed[host->id] != 0;
}

/* Whether a filter can reject any host for this request: filters that
 * cannot are not run (a VM without pins skips PinToHost, ...). */
static gboolean
always_filter (const Request *req)
{
  return TRUE;
}

static gboolean
has_pins (const Request *req)
{
  return req->vm->pinned_to.n > 0;
}

static gboolean
has_lease (const Request *req)
{
  return req->vm->lease;
}

static gboolean
has_hard_vm_rules (const Request *req)
{
  return req->s->n_touched > 0;
}

static gboolean
has_hard_host_rules (const Request *req)
{
  return req->hard_host_rules;
}

static gboolean
needs_networks (const Request *req)
{
  return (req->cluster->required_networks | req->vm->networks) != 0;
}

static gboolean
is_migration (const Request *req)
{
  return req->source != HERD_ID_NONE;
}

static gboolean
maintenance_start (const Request *req)
{
  return req->cluster->policy == HERD_POLICY_CLUSTER_MAINTENANCE
         && req->source == HERD_ID_NONE && !req->vm->ha;
}

static gboolean
has_allowed (const Request *req)
{
  return req->allowed != NULL;
}

static const struct
{
  const char *name;
  FilterFunc func;
  gboolean (*applies) (const Request *req);
} filters[HERD_FILTER_LAST] = {
  [HERD_FILTER_STATUS] = { "Status", filter_status, always_filter },
  [HERD_FILTER_CPU] = { "CPU", filter_cpu, always_filter },
  [HERD_FILTER_CPU_OVERLOADED]
  = { "CPUOverloaded", filter_cpu_overloaded, always_filter },
  [HERD_FILTER_MEMORY] = { "Memory", filter_memory, always_filter },
  [HERD_FILTER_PIN_TO_HOST]
  = { "PinToHost", filter_pin_to_host, has_pins },
  [HERD_FILTER_VM_LEASES_READY]
  = { "VmLeasesReady", filter_vm_leases_ready, has_lease },
  [HERD_FILTER_VM_AFFINITY]
  = { "VmAffinity", filter_vm_affinity, has_hard_vm_rules },
  [HERD_FILTER_HOST_AFFINITY]
  = { "VmToHostAffinity", filter_host_affinity, has_hard_host_rules },
  [HERD_FILTER_NETWORK] = { "Network", filter_network, needs_networks },
  [HERD_FILTER_MIGRATION] = { "Migration", filter_migration, is_migration },
  [HERD_FILTER_CLUSTER_MAINTENANCE]
  = { "ClusterInMaintenance", filter_cluster_maintenance, maintenance_start },
  [HERD_FILTER_ALLOWED] = { "NotAllowed", filter_allowed, has_allowed },
};

/* Host CPU as oVirt's scheduler sees it --------------------------------- */

/* CPU in "percent-cores" (oVirt's total load: usage percent x cores). */

static gint64
host_usage_percent (const HerdHost *host)
{
  /* VDSM's cpuUser + cpuSys, truncated to an integer by the engine. */
  return host->cpu_used_mc * 100 / ((gint64) host->cores * 1000);
}

static gboolean
is_spm (const HerdModel *model, const HerdHost *host)
{
  const HerdCluster *c = herd_model_cluster (model, host->cluster);
  return herd_model_datacenter (model, c->datacenter)->spm_host == host->id;
}

gint64
herd_host_cpu_total (const HerdModel *model, const HerdHost *host,
                     gboolean pending)
{
  gint64 total = host_usage_percent (host) * (gint64) host->cores;
  if (is_spm (model, host))
    total += model->params.spm_vcpu_consumption
             * model->params.vcpu_consumption_percent;
  if (pending)
    total += host->pending_cpu_mc / 10;
  return total;
}

/* ceil (total / cores): oVirt's effective shared CPU load. */
static gint64
load_of (const HerdHost *host, gint64 total)
{
  return (total + host->cores - 1) / host->cores;
}

gint64
herd_host_cpu_load (const HerdModel *model, const HerdHost *host)
{
  return load_of (host, herd_host_cpu_total (model, host, FALSE));
}

gint64
herd_vm_cpu_load (const HerdModel *model, const HerdVm *vm)
{
  if (vm->status != HERD_VM_DOWN && vm->host != HERD_ID_NONE
      && vm->cpu_used_mc >= 0)
    return MIN (vm->cpu_used_mc / ((gint64) vm->vcpus * 10), 100)
           * (gint64) vm->vcpus;
  return model->params.vcpu_consumption_percent * (gint64) vm->vcpus;
}

gint64
herd_host_max_scheduling_mib (const HerdModel *model, const HerdHost *host)
{
  const HerdCluster *c = herd_model_cluster (model, host->cluster);
  gint64 free = MAX (herd_host_memory_ceiling (c, host)
                         - host->committed_mem_mib,
                     0);
  return MAX (free - host->pending_mem_mib, 0);
}

/* Weights ---------------------------------------------------------------- */

/* A weight scores all the candidates at once (some scale by the best or
 * worst of them), as oVirt's weight units do: scores[i] for hosts[i],
 * lower is better. */
typedef void (*WeightFunc) (const Request *req, HerdHost *const *hosts,
                            guint n, gint64 *scores);
typedef gboolean (*AppliesFunc) (const Request *req);

/* Java's Math.round. */
static gint64
java_round (double x)
{
  return (gint64) floor (x + 0.5);
}

static gint64
java_roundf (float x)
{
  return (gint64) floorf (x + 0.5f);
}

static gint64
max_weight (const Request *req)
{
  return req->model->params.max_scheduler_weight;
}

/* Stretches scores to 1..MaxSchedulerWeight (all 1 when equal). */
static void
stretch (const Request *req, guint n, gint64 *scores, const guint8 *skip)
{
  gint64 lo = G_MAXINT64, hi = G_MININT64;
  for (guint i = 0; i < n; i++)
    if (skip == NULL || !skip[i])
      {
        lo = MIN (lo, scores[i]);
        hi = MAX (hi, scores[i]);
      }
  for (guint i = 0; i < n; i++)
    if (skip == NULL || !skip[i])
      scores[i] = lo == hi ? 1
                           : java_round (1.0
                                         + (double) (scores[i] - lo)
                                               / (double) (hi - lo)
                                               * (double) (max_weight (req)
                                                           - 1));
}

/* The VM's load on host, percent-cores: nothing where it runs already. */
static gint64
added_load (const Request *req, const HerdHost *host)
{
  return req->vm->host == host->id && req->vm->status != HERD_VM_DOWN
             ? 0
             : req->vm_load;
}

static gboolean
runs_on (const Request *req, const HerdHost *host)
{
  return req->vm->status != HERD_VM_DOWN && req->vm->host == host->id;
}

/* oVirt's EvenDistributionCPUWeightPolicyUnit.calcHostScore: the load with
 * the VM (pending starts counted), in percent, times 1000 when the host's
 * vCPUs per core would reach VCpuToPhysicalCpuRatio. */
static double
cpu_score (const Request *req, const HerdHost *host, double ratio)
{
  gint64 total = herd_host_cpu_total (req->model, host, TRUE)
                 + added_load (req, host);
  double load = (double) total / (double) host->cores;
  if (ratio > 0)
    {
      gint64 vcpus = host->vm_vcpus + host->pending_vcpus
                     + (runs_on (req, host) ? 0 : req->vm->vcpus);
      if ((double) vcpus / (double) host->cores >= ratio)
        load *= 1000;
    }
  return load;
}

static void
weight_even_cpu (const Request *req, HerdHost *const *hosts, guint n,
                 gint64 *scores)
{
  double ratio = req->cluster->policy_params.vcpu_to_physical_cpu_ratio;
  for (guint i = 0; i < n; i++)
    scores[i] = java_round (cpu_score (req, hosts[i], ratio));
  stretch (req, n, scores, NULL);
}

/* Max scheduling memory left with the VM there. */
static float
memory_left (const Request *req, const HerdHost *host)
{
  gint64 left = herd_host_max_scheduling_mib (req->model, host);
  if (!runs_on (req, host))
    left -= req->mem_need_mib;
  return (float) left;
}

static float
max_scheduling_of (const Request *req, HerdHost *const *hosts, guint n,
                   float none)
{
  gint64 best = -1;
  for (guint i = 0; i < n; i++)
    best = MAX (best, herd_host_max_scheduling_mib (req->model, hosts[i]));
  return best < 0 ? none : (float) best;
}

/* oVirt's EvenDistributionMemoryWeightPolicyUnit: the most memory left is
 * best, 1..MaxSchedulerWeight against the largest max scheduling memory. */
static void
weight_even_memory (const Request *req, HerdHost *const *hosts, guint n,
                    gint64 *scores)
{
  float top = max_scheduling_of (req, hosts, n, 2.0f);
  gint64 w = max_weight (req);
  for (guint i = 0; i < n; i++)
    {
      float left = memory_left (req, hosts[i]);
      float scaled = top - 1.0f == 0.0f
                         ? 0.0f
                         : ((left - 1.0f) * (float) (w - 1)) / (top - 1.0f);
      scores[i] = w - java_roundf (scaled);
    }
}

/* oVirt's PowerSavingCPUWeightPolicyUnit: the busiest host is best; hosts
 * whose load (pending starts counted) is over HighUtilization get the
 * worst score. */
static void
weight_power_cpu (const Request *req, HerdHost *const *hosts, guint n,
                  gint64 *scores)
{
  gint64 high = (gint64) req->cluster->policy_params.high_utilization;
  guint8 over[n > 0 ? n : 1];
  for (guint i = 0; i < n; i++)
    {
      gint64 load
          = load_of (hosts[i], herd_host_cpu_total (req->model, hosts[i],
                                                    TRUE));
      over[i] = load > high;
      scores[i] = over[i] ? max_weight (req)
                          : -java_round (cpu_score (req, hosts[i], 0));
    }
  stretch (req, n, scores, over);
}

/* oVirt's PowerSavingMemoryWeightPolicyUnit: the least memory left is
 * best, but a host left under MaxFreeMemoryForOverUtilized is moved past
 * MinFreeMemoryForUnderUtilized, to the worst end. */
static void
weight_power_memory (const Request *req, HerdHost *const *hosts, guint n,
                     gint64 *scores)
{
  const HerdPolicyParams *p = &req->cluster->policy_params;
  float low = p->max_free_memory_for_over_utilized_mib == HERD_PARAM_UNSET
                  ? 0.0f
                  : (float) p->max_free_memory_for_over_utilized_mib;
  float high = p->min_free_memory_for_under_utilized_mib == HERD_PARAM_UNSET
                   ? (float) G_MAXINT64
                   : (float) p->min_free_memory_for_under_utilized_mib;
  float top = max_scheduling_of (req, hosts, n, 1.0f) * 1.1f;
  gint64 w = max_weight (req);
  for (guint i = 0; i < n; i++)
    {
      float left = memory_left (req, hosts[i]);
      if (left < low)
        left = MIN (top, high + (low - left));
      scores[i] = (gint64) ((left / top) * (float) (w - 1)) + 1;
    }
}

/* oVirt's EvenGuestDistributionWeightPolicyUnit: VMs there, pending
 * included, SpmVmGrace more on the SPM. */
static void
weight_vm_count (const Request *req, HerdHost *const *hosts, guint n,
                 gint64 *scores)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 slots = hosts[i]->vm_count + hosts[i]->pending_vms;
      if (hosts[i]->id == req->spm)
        slots += req->cluster->policy_params.spm_vm_grace;
      scores[i] = MAX (slots, 0);
    }
}

/* Only when a VM starts: 10000 on a host it does not prefer. */
static void
weight_preferred_hosts (const Request *req, HerdHost *const *hosts, guint n,
                        gint64 *scores)
{
  for (guint i = 0; i < n; i++)
    scores[i] = herd_id_list_contains (&req->vm->preferred_hosts,
                                       hosts[i]->id)
                    ? 0
                    : 10000;
}

/* HA VMs per host, scaled to 0..100 against the most, divided by
 * ScaleDownForHaReservation (rounded up). */
static void
weight_ha_reservation (const Request *req, HerdHost *const *hosts, guint n,
                       gint64 *scores)
{
  guint32 most = 0;
  for (guint i = 0; i < n; i++)
    most = MAX (most, hosts[i]->ha_vm_count);
  float down = (float) req->cluster->policy_params.scale_down_for_ha_reservation;
  for (guint i = 0; i < n; i++)
    {
      gint64 count = hosts[i]->ha_vm_count;
      if (most > 0)
        count = java_roundf ((float) count / (float) most * 100.0f);
      scores[i] = (gint64) ceilf ((float) count / down);
    }
}

/* The affinity weights rank hosts by what they would break: the
 * priorities of the broken groups, highest first, compared as lists
 * (a host breaking groups of priority 1, 1, 1 is better than one breaking
 * a group of priority 2; a prefix is better); then, for VM affinity, more
 * non-migratable and then more members of positive groups there.  The
 * score is 1 + the number of hosts strictly better (oVirt's ranks). */
typedef struct
{
  const double *prio;   /* n_prio priorities, descending */
  guint n_prio;
  gint64 nonmigratable, members;
} Breaks;

static int
compare_desc_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

static int
compare_breaks (const Breaks *a, const Breaks *b)
{
  guint n = MIN (a->n_prio, b->n_prio);
  for (guint i = 0; i < n; i++)
    if (a->prio[i] != b->prio[i])
      return a->prio[i] < b->prio[i] ? -1 : 1;
  if (a->n_prio != b->n_prio)
    return a->n_prio < b->n_prio ? -1 : 1;
  if (a->nonmigratable != b->nonmigratable)
    return a->nonmigratable > b->nonmigratable ? -1 : 1;
  if (a->members != b->members)
    return a->members > b->members ? -1 : 1;
  return 0;
}

static int
compare_breaks_at (const void *a, const void *b, gpointer data)
{
  const Breaks *all = data;
  return compare_breaks (&all[*(const guint *) a], &all[*(const guint *) b]);
}

/* Per candidate, room for one priority per group of the VM. */
static Breaks *
breaks_new (guint n, guint32 n_groups, double **prio)
{
  *prio = g_new (double, (gsize) MAX (n, 1) * MAX (n_groups, 1));
  Breaks *breaks = g_new0 (Breaks, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    breaks[i].prio = *prio + (gsize) i * n_groups;
  return breaks;
}

/* Sorts each host's priorities, highest first, and scores the hosts. */
static void
rank_breaks (Breaks *breaks, guint n, gint64 *scores)
{
  for (guint i = 0; i < n; i++)
    qsort ((double *) breaks[i].prio, breaks[i].n_prio, sizeof (double),
           compare_desc_double);
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n, sizeof *order, compare_breaks_at,
                     breaks);
  guint first = 0;
  for (guint k = 0; k < n; k++)
    {
      if (k > 0 && compare_breaks (&breaks[order[k]], &breaks[order[k - 1]])
                       != 0)
        first = k;
      scores[order[k]] = 1 + (gint64) first;
    }
}

/* Where a member of the VM's groups counts: where it is arriving if it
 * holds a reservation there (a start or a migration), else where it
 * runs; NONE when it is not running. */
static HerdId
member_host (const HerdVm *member)
{
  if (member->pending_host != HERD_ID_NONE)
    return member->pending_host;
  return member->status == HERD_VM_DOWN ? HERD_ID_NONE : member->host;
}

static void
weight_vm_affinity (const Request *req, HerdHost *const *hosts, guint n,
                    gint64 *scores)
{
  const HerdIdList *groups = &req->vm->affinity_groups;
  g_autofree double *prio = NULL;
  g_autofree Breaks *breaks = breaks_new (n, groups->n, &prio);
  gint32 *slot = req->s->slot; /* all -1 between decisions */
  for (guint i = 0; i < n; i++)
    slot[hosts[i]->id] = (gint32) i;
  g_autofree guint8 *has = g_new (guint8, MAX (n, 1));
  /* Members of positive groups per host, each VM once (oVirt counts a
   * set). */
  g_autoptr (GHashTable) counted = g_hash_table_new (g_direct_hash,
                                                     g_direct_equal);
  for (guint32 gi = 0; gi < groups->n; gi++)
    {
      const HerdAffinityGroup *g
          = herd_model_affinity_group (req->model, groups->ids[gi]);
      if (g->vm_rule == HERD_AFFINITY_NONE)
        continue;
      memset (has, 0, n);
      for (guint32 k = 0; k < g->vms.n; k++)
        {
          const HerdVm *m = herd_model_vm (req->model, g->vms.ids[k]);
          HerdId h = m->id == req->vm->id ? HERD_ID_NONE : member_host (m);
          if (h == HERD_ID_NONE || slot[h] < 0)
            continue;
          has[slot[h]] = 1;
          if (g->vm_rule == HERD_AFFINITY_POSITIVE
              && g_hash_table_add (counted, GUINT_TO_POINTER (m->id + 1)))
            {
              breaks[slot[h]].members++;
              breaks[slot[h]].nonmigratable += !m->migratable;
            }
        }
      for (guint i = 0; i < n; i++)
        if (has[i] == (g->vm_rule == HERD_AFFINITY_NEGATIVE))
          prio[(gsize) i * groups->n + breaks[i].n_prio++] = g->priority;
    }
  for (guint i = 0; i < n; i++)
    slot[hosts[i]->id] = -1;
  rank_breaks (breaks, n, scores);
}

static void
weight_host_affinity (const Request *req, HerdHost *const *hosts, guint n,
                      gint64 *scores)
{
  const HerdIdList *groups = &req->vm->affinity_groups;
  g_autofree double *prio = NULL;
  g_autofree Breaks *breaks = breaks_new (n, groups->n, &prio);
  for (guint i = 0; i < n; i++)
    for (guint32 gi = 0; gi < groups->n; gi++)
      {
        const HerdAffinityGroup *g
            = herd_model_affinity_group (req->model, groups->ids[gi]);
        if (g->host_enforcing || g->host_rule == HERD_AFFINITY_NONE)
          continue;
        gboolean listed = herd_id_list_contains (&g->hosts, hosts[i]->id);
        if (listed != (g->host_rule == HERD_AFFINITY_POSITIVE))
          prio[(gsize) i * groups->n + breaks[i].n_prio++] = g->priority;
      }
  rank_breaks (breaks, n, scores);
}

static gboolean
always (const Request *req)
{
  return TRUE;
}

static gboolean
prefers_at_start (const Request *req)
{
  return req->vm->preferred_hosts.n > 0 && req->source == HERD_ID_NONE;
}

static gboolean
ha_reserved (const Request *req)
{
  return req->cluster->ha_reservation && req->vm->ha;
}

static gboolean
has_vm_rules (const Request *req)
{
  return req->vm_rules;
}

static gboolean
has_soft_host_rules (const Request *req)
{
  return req->soft_host_rules;
}

static const struct
{
  const char *name;
  WeightFunc func;
  AppliesFunc applies;
} weights[HERD_WEIGHT_LAST] = {
  [HERD_WEIGHT_EVEN_CPU] = { "EvenCpu", weight_even_cpu, always },
  [HERD_WEIGHT_EVEN_MEMORY] = { "EvenMemory", weight_even_memory, always },
  [HERD_WEIGHT_POWER_CPU] = { "PowerSavingCpu", weight_power_cpu, always },
  [HERD_WEIGHT_POWER_MEMORY]
  = { "PowerSavingMemory", weight_power_memory, always },
  [HERD_WEIGHT_VM_COUNT] = { "VmCount", weight_vm_count, always },
  [HERD_WEIGHT_PREFERRED_HOSTS]
  = { "PreferredHosts", weight_preferred_hosts, prefers_at_start },
  [HERD_WEIGHT_HA_RESERVATION]
  = { "HaReservation", weight_ha_reservation, ha_reserved },
  [HERD_WEIGHT_VM_AFFINITY]
  = { "VmAffinity", weight_vm_affinity, has_vm_rules },
  [HERD_WEIGHT_HOST_AFFINITY]
  = { "VmToHostAffinity", weight_host_affinity, has_soft_host_rules },
};

/* The policies' weights, as oVirt's InternalClusterPolicies: none,
 * evenly_distributed and cluster_maintenance balance CPU (x2) and memory
 * (x1); power_saving packs instead (x2, x1); vm_evenly_distributed counts
 * VMs (x2).  All keep preferred hosts (x99), HA reservation (x1), VM
 * affinity (x1) and VM-to-host affinity (x20).  (oVirt's hosted-engine,
 * high-performance and NUMA pinning weights have nothing to score in
 * herd.) */
guint
herd_scheduler_policy_weights (HerdPolicyKind policy, HerdWeightKind *kinds,
                               guint *factors)
{
  guint n = 0;
#define ADD(kind, factor)                                                   \
  G_STMT_START                                                              \
  {                                                                         \
    kinds[n] = (kind);                                                      \
    factors[n++] = (factor);                                                \
  }                                                                         \
  G_STMT_END
  switch (policy)
    {
    case HERD_POLICY_POWER_SAVING:
      ADD (HERD_WEIGHT_POWER_CPU, 2);
      ADD (HERD_WEIGHT_POWER_MEMORY, 1);
      break;
    case HERD_POLICY_VM_EVENLY_DISTRIBUTED:
      ADD (HERD_WEIGHT_VM_COUNT, 2);
      break;
    default:
      ADD (HERD_WEIGHT_EVEN_CPU, 2);
      ADD (HERD_WEIGHT_EVEN_MEMORY, 1);
      break;
    }
  ADD (HERD_WEIGHT_PREFERRED_HOSTS, 99);
  ADD (HERD_WEIGHT_HA_RESERVATION, 1);
  ADD (HERD_WEIGHT_VM_AFFINITY, 1);
  ADD (HERD_WEIGHT_HOST_AFFINITY, 20);
#undef ADD
  return n;
}

const char *
herd_filter_name (HerdFilterKind filter)
{
  g_assert (filter < HERD_FILTER_LAST);
  return filters[filter].name;
}

const char *
herd_weight_name (HerdWeightKind weight)
{
  g_assert (weight < HERD_WEIGHT_LAST);
  return weights[weight].name;
}

/* The scheduler ---------------------------------------------------------- */

HerdScheduler *
herd_scheduler_new (HerdModel *model)
{
  HerdScheduler *s = g_new0 (HerdScheduler, 1);
  guint hosts = herd_model_host_slots (model);
  s->model = model;
  s->pos_members = g_new0 (guint32, hosts);
  s->neg_members = g_new0 (guint32, hosts);
  s->is_touched = g_new0 (guint8, hosts);
  s->slot = g_new (gint32, hosts);
  for (guint i = 0; i < hosts; i++)
    s->slot[i] = -1;
  s->touched = g_new (HerdId, hosts);
  return s;
}

static void
scratch_free (HerdScheduler *s)
{
  g_free (s->candidates);
  g_free (s->hosts);
  g_free (s->scores);
  g_free (s->ranks);
  g_free (s->totals);
  g_free (s->sort_a);
  g_free (s->sort_b);
}

void
herd_scheduler_free (HerdScheduler *scheduler)
{
  if (scheduler == NULL)
    return;
  scratch_free (scheduler);
  g_free (scheduler->pos_members);
  g_free (scheduler->neg_members);
  g_free (scheduler->touched);
  g_free (scheduler->is_touched);
  g_free (scheduler->slot);
  g_free (scheduler);
}

void
herd_scheduler_set_now (HerdScheduler *scheduler, HerdTime now)
{
  scheduler->now = now;
}

static void
scratch_reserve (HerdScheduler *s, guint n)
{
  if (n <= s->capacity)
    return;
  scratch_free (s);
  s->capacity = MAX (n, 2 * s->capacity);
  guint c = s->capacity;
  s->candidates = g_new (HerdId, c);
  s->hosts = g_new (HerdHost *, c);
  s->scores = g_new (gint64, (gsize) c * HERD_WEIGHT_LAST);
  s->ranks = g_new (guint32, (gsize) c * HERD_WEIGHT_LAST);
  s->totals = g_new (guint64, c);
  s->sort_a = g_new (guint64, c);
  s->sort_b = g_new (guint64, c);
}

gint64
herd_host_memory_ceiling (const HerdCluster *cluster, const HerdHost *host)
{
  return host->memory_mib * (gint64) cluster->memory_overcommit_percent / 100
         - host->reserved_mib;
}

gint64
herd_scheduler_vm_memory_need (const HerdModel *model, const HerdVm *vm)
{
  return vm->memory_mib + model->params.vm_memory_overhead_mib;
}

gint64
herd_scheduler_vm_cpu_estimate (const HerdModel *model, const HerdVm *vm)
{
  if (vm->cpu_used_mc >= 0)
    return vm->cpu_used_mc;
  /* Percent of a core per vCPU, in millicores, rounded down. */
  return model->params.vcpu_consumption_percent * 10
         * (gint64) vm->vcpus;
}

/* Remembers that host's member counts are in use (a flag, not the counts:
 * soft memberships of opposite rules add back up to zero). */
static void
touch (HerdScheduler *s, HerdId host)
{
  if (s->is_touched[host])
    return;
  s->is_touched[host] = TRUE;
  s->touched[s->n_touched++] = host;
}

/* Marks, per host, the members of the VM's groups that run (or start, or
 * are arriving) there: O(members of its groups). */
static void
gather_members (HerdScheduler *s, Request *req)
{
  const HerdIdList *groups = &req->vm->affinity_groups;
  for (guint32 i = 0; i < groups->n; i++)
    {
      const HerdAffinityGroup *g
          = herd_model_affinity_group (s->model, groups->ids[i]);
      if (g->host_rule != HERD_AFFINITY_NONE)
        {
          if (g->host_enforcing)
            req->hard_host_rules = TRUE;
          else
            req->soft_host_rules = TRUE;
        }
      if (g->vm_rule == HERD_AFFINITY_NONE)
        continue;
      req->vm_rules = TRUE;
      if (!g->vm_enforcing)
        continue; /* soft: the VmAffinity weight's */
      for (guint32 k = 0; k < g->vms.n; k++)
        {
          const HerdVm *m = herd_model_vm (s->model, g->vms.ids[k]);
          if (m->id == req->vm->id || m->status == HERD_VM_DOWN)
            continue;
          HerdId where[2] = { m->host, m->migrating_to };
          for (guint w = 0; w < 2; w++)
            {
              HerdId h = where[w];
              if (h == HERD_ID_NONE)
                continue;
              touch (s, h);
              if (g->vm_rule == HERD_AFFINITY_POSITIVE)
                {
                  s->pos_members[h]++;
                  req->pos_running = TRUE;
                }
              else
                s->neg_members[h]++;
            }
        }
    }
}

static void
clear_members (HerdScheduler *s)
{
  for (guint i = 0; i < s->n_touched; i++)
    {
      HerdId h = s->touched[i];
      s->pos_members[h] = s->neg_members[h] = 0;
      s->is_touched[h] = FALSE;
    }
  s->n_touched = 0;
}

static void
request_init (Request *req, HerdScheduler *s, HerdId vm_id, HerdId source,
              const guint8 *allowed)
{
  const HerdVm *vm = herd_model_vm (s->model, vm_id);
  memset (req, 0, sizeof *req);
  req->s = s;
  req->model = s->model;
  req->cluster = herd_model_cluster (s->model, vm->cluster);
  req->vm = vm;
  req->source = source;
  req->allowed = allowed;
  req->spm = herd_model_datacenter (s->model, req->cluster->datacenter)
                 ->spm_host;
  req->mem_need_mib = herd_scheduler_vm_memory_need (s->model, vm);
  req->vm_load = herd_vm_cpu_load (s->model, vm);
  gather_members (s, req);
  for (guint f = HERD_FILTER_MEMORY + 1; f < HERD_FILTER_LAST; f++)
    if (filters[f].applies (req))
      {
        req->active[req->n_active] = filters[f].func;
        req->active_kind[req->n_active++] = (HerdFilterKind) f;
      }
}

/* The filters every request runs are called directly (the compiler
 * inlines them: this loop runs once per host per decision); the optional
 * ones through the request's list. */
static HerdFilterKind
run_filters (const Request *req, const HerdHost *host)
{
  if (!filter_status (req, host))
    return HERD_FILTER_STATUS;
  if (!filter_cpu (req, host))
    return HERD_FILTER_CPU;
  if (!filter_cpu_overloaded (req, host))
    return HERD_FILTER_CPU_OVERLOADED;
  if (!filter_memory (req, host))
    return HERD_FILTER_MEMORY;
  for (guint f = 0; f < req->n_active; f++)
    if (!req->active[f] (req, host))
      return req->active_kind[f];
  return HERD_FILTER_NONE;
}

HerdFilterKind
herd_scheduler_check_host (HerdScheduler *s, HerdId vm, HerdId source,
                           HerdId host)
{
  Request req;
  request_init (&req, s, vm, source, NULL);
  HerdFilterKind f = run_filters (&req, herd_model_host (s->model, host));
  clear_members (s);
  return f;
}

static int
compare_u64 (const void *a, const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return (x > y) - (x < y);
}

/* Sorts keys[0..n) ascending: LSD radix sort on 11-bit digits over the
 * bits that vary (three passes for the score ranges seen here), qsort for
 * few keys or many bits. */
static void
sort_keys (guint64 *keys, guint64 *tmp, guint n, guint bits)
{
  enum { DIGIT = 11, BUCKETS = 1 << DIGIT };
  guint passes = (bits + DIGIT - 1) / DIGIT;
  if (passes > 4 || n < 128)
    {
      qsort (keys, n, sizeof *keys, compare_u64);
      return;
    }
  guint count[BUCKETS + 1];
  for (guint p = 0; p < passes; p++)
    {
      guint shift = p * DIGIT;
      memset (count, 0, sizeof count);
      for (guint i = 0; i < n; i++)
        count[((keys[i] >> shift) & (BUCKETS - 1)) + 1]++;
      for (guint b = 0; b < BUCKETS; b++)
        count[b + 1] += count[b];
      for (guint i = 0; i < n; i++)
        tmp[count[(keys[i] >> shift) & (BUCKETS - 1)]++] = keys[i];
      guint64 *t = keys;
      keys = tmp;
      tmp = t;
    }
  if (passes % 2 == 1)
    memcpy (tmp, keys, n * sizeof *keys);
}

static guint
bits_for (guint64 v)
{
  return v == 0 ? 0 : 64 - (guint) __builtin_clzll (v);
}

/* Ranks n scores as oVirt's rank selector: rank[i] = (n - 1) - the number
 * of scores strictly better (lower) than scores[i], so ties share a rank
 * and the best get n - 1.  Sorts (score - min) packed with the index, so
 * ties stay grouped. */
static void
rank_scores (guint n, const gint64 *scores, guint32 *ranks, guint64 *sort_a,
             guint64 *sort_b)
{
  gint64 lo = scores[0], hi = scores[0];
  for (guint i = 1; i < n; i++)
    {
      lo = MIN (lo, scores[i]);
      hi = MAX (hi, scores[i]);
    }
  if (lo == hi)
    {
      for (guint i = 0; i < n; i++)
        ranks[i] = n - 1;
      return;
    }
  guint64 range = (guint64) hi - (guint64) lo;
  if (range < n)
    {
      /* Few distinct values (0/1, counts): count them, then each value's
       * rank is the number of scores at or above it.  sort_a serves as
       * the histogram. */
      memset (sort_a, 0, (range + 1) * sizeof *sort_a);
      for (guint i = 0; i < n; i++)
        sort_a[(guint64) scores[i] - (guint64) lo]++;
      guint64 above = 0;
      for (guint64 v = range + 1; v-- > 0;)
        {
          above += sort_a[v];
          sort_a[v] = above;
        }
      for (guint i = 0; i < n; i++)
        ranks[i] = (guint32) sort_a[(guint64) scores[i] - (guint64) lo] - 1;
      return;
    }
  guint idx_bits = bits_for (n);
  guint range_bits = bits_for (range);
  if (range_bits + idx_bits <= 64)
    {
      for (guint i = 0; i < n; i++)
        sort_a[i] = (((guint64) scores[i] - (guint64) lo) << idx_bits) | i;
      sort_keys (sort_a, sort_b, n, range_bits + idx_bits);
      guint64 mask = ((guint64) 1 << idx_bits) - 1;
      guint first = 0;
      for (guint p = 0; p < n; p++)
        {
          if (p > 0 && (sort_a[p] >> idx_bits) != (sort_a[p - 1] >> idx_bits))
            first = p;
          ranks[sort_a[p] & mask] = n - 1 - first;
        }
      return;
    }
  /* Scores too spread to pack: quadratic but exact (never seen in
   * practice; scores are bounded percentages, MiB and counts). */
  for (guint i = 0; i < n; i++)
    {
      guint32 r = 0;
      for (guint j = 0; j < n; j++)
        r += scores[j] >= scores[i];
      ranks[i] = r - 1;
    }
}

static guint
select_ranked (guint n, guint n_weights, const gint64 *scores, gsize stride,
               const guint *factors, guint32 *ranks, guint64 *totals,
               guint64 *sort_a, guint64 *sort_b)
{
  memset (totals, 0, n * sizeof *totals);
  for (guint w = 0; w < n_weights; w++)
    {
      rank_scores (n, scores + w * stride, ranks + w * stride, sort_a,
                   sort_b);
      for (guint i = 0; i < n; i++)
        totals[i] += (guint64) factors[w] * ranks[w * stride + i];
    }
  guint best = 0;
  for (guint i = 1; i < n; i++)
    if (totals[i] > totals[best])
      best = i;
  return best;
}

guint
herd_rank_select (guint n, guint n_weights, const gint64 *scores,
                  const guint *factors, guint32 *ranks, guint64 *totals)
{
  g_assert (n > 0);
  g_autofree guint64 *a = g_new (guint64, n);
  g_autofree guint64 *b = g_new (guint64, n);
  return select_ranked (n, n_weights, scores, n, factors, ranks, totals, a,
                        b);
}

void
herd_placement_trace_init (HerdPlacementTrace *trace)
{
  trace->hosts = g_array_new (FALSE, TRUE, sizeof (HerdPlacementHost));
  trace->chosen = HERD_ID_NONE;
  trace->applied = 0;
}

void
herd_placement_trace_clear (HerdPlacementTrace *trace)
{
  g_clear_pointer (&trace->hosts, g_array_unref);
}

HerdId
herd_scheduler_place (HerdScheduler *s, HerdId vm_id, HerdId source,
                      const guint8 *allowed, guint32 *rejected,
                      HerdPlacementTrace *trace)
{
  Request req;
  request_init (&req, s, vm_id, source, allowed);
  const GArray *hosts = req.cluster->hosts;

  /* The weights of the policy that apply to this VM. */
  HerdWeightKind kinds[HERD_WEIGHT_LAST];
  guint all_factors[HERD_WEIGHT_LAST], factors[HERD_WEIGHT_LAST];
  guint n_all = herd_scheduler_policy_weights (req.cluster->policy, kinds,
                                               all_factors);
  WeightFunc funcs[HERD_WEIGHT_LAST];
  HerdWeightKind used[HERD_WEIGHT_LAST];
  guint n_weights = 0;
  for (guint w = 0; w < n_all; w++)
    if (weights[kinds[w]].applies (&req))
      {
        used[n_weights] = kinds[w];
        funcs[n_weights] = weights[kinds[w]].func;
        factors[n_weights++] = all_factors[w];
      }

  scratch_reserve (s, MAX (hosts->len, 1));
  if (rejected != NULL)
    memset (rejected, 0, HERD_FILTER_LAST * sizeof *rejected);
  if (trace != NULL)
    {
      g_array_set_size (trace->hosts, hosts->len);
      trace->chosen = HERD_ID_NONE;
      trace->applied = 0;
      for (guint w = 0; w < n_weights; w++)
        trace->applied |= 1u << used[w];
    }

  guint n = 0;
  for (guint i = 0; i < hosts->len; i++)
    {
      HerdId id = g_array_index (hosts, HerdId, i);
      if (allowed != NULL && allowed[id] == 0 && trace == NULL
          && rejected == NULL)
        continue; /* NotAllowed would remove it: say nothing, run nothing */
      const HerdHost *host = herd_model_host (s->model, id);
      HerdFilterKind failed = run_filters (&req, host);
      if (trace != NULL)
        {
          HerdPlacementHost *ph
              = &g_array_index (trace->hosts, HerdPlacementHost, i);
          memset (ph, 0, sizeof *ph);
          ph->host = host->id;
          ph->rejected_by = failed;
        }
      if (failed != HERD_FILTER_NONE)
        {
          if (rejected != NULL)
            rejected[failed]++;
          continue;
        }
      s->candidates[n] = host->id;
      s->hosts[n++] = (HerdHost *) host;
    }
  clear_members (s);
  if (n == 0)
    return HERD_ID_NONE;
  for (guint w = 0; w < n_weights; w++)
    funcs[w] (&req, s->hosts, n, s->scores + w * s->capacity);

  guint best = select_ranked (n, n_weights, s->scores, s->capacity, factors,
                              s->ranks, s->totals, s->sort_a, s->sort_b);

  if (trace != NULL)
    {
      /* Candidates are a subsequence of the cluster's hosts, in order. */
      guint c = 0;
      for (guint i = 0; i < hosts->len && c < n; i++)
        {
          HerdPlacementHost *ph
              = &g_array_index (trace->hosts, HerdPlacementHost, i);
          if (ph->host != s->candidates[c])
            continue;
          for (guint w = 0; w < n_weights; w++)
            {
              ph->score[used[w]] = s->scores[w * s->capacity + c];
              ph->rank[used[w]] = s->ranks[w * s->capacity + c];
            }
          ph->total = s->totals[c];
          c++;
        }
      trace->chosen = s->candidates[best];
    }
  return s->candidates[best];
}
