/* balancer.c: what the manager does every cycle without being asked
 * (behaviour.md §3): load balancing per cluster policy, power saving's
 * host power management, the HA reservation check, and the timer of the
 * affinity enforcer (affinity.c).
 *
 * Load balancing follows oVirt's balancing policy units and the loop of
 * its SchedulingManager (docs/policies.md): every LoadBalancingInterval
 * (60 s) each cluster's Up hosts with no migration in flight are split
 * into sources and destinations, primary (CPU) then secondary (memory).
 * For each source in order, for each of its migratable VMs from the
 * least CPU up, the destinations where the VM would leave the load at or
 * under HighUtilization and more than MaxFreeMemoryForOverUtilized of max
 * scheduling memory are offered to the scheduler with the source itself;
 * the first VM whose best host is not its own migrates, and the cycle
 * ends.  A cycle is O(hosts log hosts + tried VMs x (destinations +
 * placement)).
 *
 *   evenly_distributed  CPU: sources at or over HighUtilization for
 *                       CpuOverCommitDuration (or at VCpuToPhysicalCpuRatio),
 *                       busiest first; destinations under
 *                       min(UtilizationThresholdInPercent x High,
 *                       High - VcpuConsumptionPercentage) and not freshly
 *                       out of the thresholds.  Memory: sources with more
 *                       than one VM and less max scheduling memory than
 *                       MaxFreeMemoryForOverUtilized; destinations with
 *                       more than MinFreeMemoryForUnderUtilized.
 *   power_saving        CPU: sources over that margin, then hosts under
 *                       LowUtilization that run VMs; destinations every
 *                       host not over High.  Memory: short hosts, then
 *                       hosts with more than MinFreeMemoryForUnderUtilized;
 *                       destinations with more than
 *                       MaxFreeMemoryForOverUtilized.  Then host power
 *                       management keeps HostsInReserve empty hosts Up.
 *   vm_evenly_distributed  when the fullest host has HighVmCount VM slots
 *                       (the SPM SpmVmGrace more), the hosts tied with it
 *                       are sources, hosts MigrationThreshold slots below
 *                       destinations.
 *   none, cluster_maintenance  no balancing.
 *
 * The HA reservation check (clusters with ha_reservation) asks, for every
 * host, whether the HA VMs it runs would restart on the other Up hosts:
 * first-fit decreasing of their memory onto the hosts with the most room
 * (committed memory against the overcommit ceiling), considering the
 * 2m + 8 roomiest other hosts for a host with m HA VMs.  A change of
 * verdict is an audit event (10300 / 10301). */
#include "core/manager-private.h"
#include "core/balancer.h"

#include "core/activate.h"
#include "core/affinity.h"
#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/migration.h"
#include "core/monitor.h"

#include <stdlib.h>
#include <string.h>

static void balance_fires (gpointer ctx, guint64 arg);
static void affinity_fires (gpointer ctx, guint64 arg);

void
herd_balancer_init (HerdManager *m)
{
  guint clusters = MAX (m->model->clusters->len, 1);
  guint hosts = herd_model_host_slots (m->model);
  m->ha_unsafe_since = g_new (HerdTime, clusters);
  for (guint i = 0; i < clusters; i++)
    m->ha_unsafe_since[i] = HERD_TIME_NEVER;
  m->allowed = g_new0 (guint8, hosts);
  m->powering = g_new0 (guint8, hosts);
}

void
herd_balancer_clear (HerdManager *m)
{
  g_free (m->ha_unsafe_since);
  g_free (m->allowed);
  g_free (m->powering);
}

void
herd_balancer_start (HerdManager *m)
{
  HerdTime now = herd_manager_now (m);
  herd_driver_timer_add (m->driver,
                         now + m->model->params.load_balancing_interval,
                         balance_fires, m, 0);
  herd_driver_timer_add (m->driver,
                         now + m->model->params.affinity_enforcement_interval,
                         affinity_fires, m, 0);
}

void
herd_balancer_finish (HerdManager *m)
{
  HerdTime now = herd_manager_now (m);
  for (guint c = 0; c < m->model->clusters->len; c++)
    if (m->ha_unsafe_since[c] != HERD_TIME_NEVER)
      {
        m->stats.ha_unsafe_time += now - m->ha_unsafe_since[c];
        m->ha_unsafe_since[c] = now;
      }
}

static const HerdPolicyParams *
params_of (HerdManager *m, const HerdCluster *c)
{
  return &c->policy_params;
}

typedef struct
{
  HerdId host;
  gint64 key;
} Ranked;

static int
compare_ranked (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->host > y->host) - (x->host < y->host);
}

/* A host the cycle looks at: Up, no migration in or out (oVirt's
 * getAllForClusterWithoutMigrating). */
static gboolean
usable (HerdManager *m, const HerdHost *h)
{
  return h->status == HERD_HOST_UP && !herd_manager_host_busy (m, h->id);
}

static HerdHost *
host_of (HerdManager *m, const HerdCluster *c, guint i)
{
  return herd_model_host (m->model, g_array_index (c->hosts, HerdId, i));
}

static gboolean
long_enough (HerdManager *m, const HerdCluster *c, const HerdHost *h)
{
  return herd_manager_now (m) - h->cpu_over_since
         >= params_of (m, c)->cpu_overcommit_duration;
}

/* oVirt's isHostCpuOverUtilized: at or over threshold for the duration
 * with VMs to move, or VMs' vCPUs per core at VCpuToPhysicalCpuRatio. */
static gboolean
cpu_over (HerdManager *m, const HerdCluster *c, const HerdHost *h,
          gint64 threshold)
{
  if (herd_host_cpu_load (m->model, h) >= threshold
      && h->cpu_over_since != HERD_TIME_NEVER && long_enough (m, c, h)
      && h->vm_count > 0)
    return TRUE;
  double ratio = params_of (m, c)->vcpu_to_physical_cpu_ratio;
  return ratio > 0 && (double) h->vm_vcpus / (double) h->cores >= ratio;
}

/* oVirt's isHostCpuUnderUtilized: under threshold, and not freshly out of
 * the thresholds (a host under Low for less than the duration is
 * neither a source nor a destination). */
static gboolean
cpu_under (HerdManager *m, const HerdCluster *c, const HerdHost *h,
           gint64 threshold, guint min_vms)
{
  return herd_host_cpu_load (m->model, h) < threshold
         && (h->cpu_over_since == HERD_TIME_NEVER || long_enough (m, c, h))
         && h->vm_count >= min_vms;
}

/* Appends to out the hosts (of hosts) that pick() accepts, ordered by
 * load, busiest first when busiest is set (ties in host order). */
static void
by_load (HerdManager *m, const HerdCluster *c, const GArray *hosts,
         gboolean (*pick) (HerdManager *, const HerdCluster *,
                           const HerdHost *, gint64, guint),
         gint64 threshold, guint min_vms, gboolean busiest, GArray *out)
{
  g_autoptr (GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  for (guint i = 0; i < hosts->len; i++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (hosts, HerdId, i));
      if (!pick (m, c, h, threshold, min_vms))
        continue;
      gint64 load = herd_host_cpu_load (m->model, h);
      Ranked r = { h->id, busiest ? -load : load };
      g_array_append_val (ranked, r);
    }
  g_array_sort (ranked, compare_ranked);
  for (guint i = 0; i < ranked->len; i++)
    g_array_append_val (out, g_array_index (ranked, Ranked, i).host);
}

static gboolean
over_pick (HerdManager *m, const HerdCluster *c, const HerdHost *h,
           gint64 threshold, guint min_vms)
{
  return cpu_over (m, c, h, threshold);
}

/* Appends the hosts whose max scheduling memory is under (less) or over
 * (!less) limit and that run at least min_vms VMs, in host order. */
static void
by_memory (HerdManager *m, const GArray *hosts, gboolean less, gint64 limit,
           guint min_vms, GArray *out)
{
  for (guint i = 0; i < hosts->len; i++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (hosts, HerdId, i));
      gint64 free = herd_host_max_scheduling_mib (m->model, h);
      if ((less ? free < limit : free > limit) && h->vm_count >= min_vms)
        g_array_append_val (out, h->id);
    }
}

static gint64
memory_param (gint64 value, gint64 unset)
{
  return value == HERD_PARAM_UNSET ? unset : value;
}

/* The destination threshold of the CPU passes:
 * min (UtilizationThresholdInPercent x High / 100,
 *      High - VcpuConsumptionPercentage). */
static gint64
high_margin (HerdManager *m, const HerdCluster *c)
{
  gint64 high = (gint64) params_of (m, c)->high_utilization;
  return MIN (m->model->params.utilization_threshold_percent * high / 100,
              high - m->model->params.vcpu_consumption_percent);
}

typedef struct
{
  HerdId vm;
  gint64 load;
} VmLoad;

/* What decides a balancing try of a VM without affinity groups or pins:
 * two such VMs of one source that agree on all of it get the same answer
 * in one cycle (a failed try changes nothing), so the second is not
 * tried. */
typedef struct
{
  gint64 load, memory_mib;
  guint32 vcpus;
  HerdNetworkSet networks;
  gboolean lease, ha;
} TryKey;

static gboolean
try_key (const HerdVm *vm, gint64 load, TryKey *key)
{
  if (vm->affinity_groups.n > 0 || vm->pinned_to.n > 0)
    return FALSE;
  memset (key, 0, sizeof *key);
  key->load = load;
  key->memory_mib = vm->memory_mib;
  key->vcpus = vm->vcpus;
  key->networks = vm->networks;
  key->lease = vm->lease;
  key->ha = vm->ha;
  return TRUE;
}

static gboolean
tried_before (GArray *failed, const TryKey *key)
{
  for (guint i = 0; i < failed->len; i++)
    if (memcmp (&g_array_index (failed, TryKey, i), key, sizeof *key) == 0)
      return TRUE;
  return FALSE;
}

static int
compare_vm_load (const void *a, const void *b)
{
  const VmLoad *x = a, *y = b;
  if (x->load != y->load)
    return x->load < y->load ? -1 : 1;
  return (x->vm > y->vm) - (x->vm < y->vm);
}

/* oVirt's FindVmAndDestinations and the balancing loop of its
 * SchedulingManager: for each source in order, its migratable VMs from
 * the least CPU (usage x vCPUs) up; for each, the destinations where the
 * VM would leave the load at or under high and more than min_free of max
 * scheduling memory; when there is one, the scheduler chooses among them
 * and the source itself (the VM stays when the source scores best).  The
 * first VM that moves ends the cycle. */
static gboolean
move_one (HerdManager *m, const HerdCluster *c, const GArray *sources,
          const GArray *dests, gint64 high, gint64 min_free)
{
  if (sources->len == 0 || dests->len == 0)
    return FALSE;
  /* What each destination has before any move (a failed try changes
   * nothing). */
  g_autofree gint64 *total = g_new (gint64, dests->len);
  g_autofree gint64 *free = g_new (gint64, dests->len);
  for (guint d = 0; d < dests->len; d++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (dests, HerdId, d));
      total[d] = herd_host_cpu_total (m->model, h, FALSE);
      free[d] = herd_host_max_scheduling_mib (m->model, h);
    }
  for (guint s = 0; s < sources->len; s++)
    {
      HerdId source = g_array_index (sources, HerdId, s);
      g_autoptr (GArray) ids = herd_manager_host_vms_by_cpu (m, source);
      g_autoptr (GArray) vms = g_array_new (FALSE, FALSE, sizeof (VmLoad));
      for (guint i = 0; i < ids->len; i++)
        {
          HerdVm *vm = herd_model_vm (m->model, g_array_index (ids, HerdId, i));
          VmLoad v = { vm->id, herd_vm_cpu_load (m->model, vm) };
          g_array_append_val (vms, v);
        }
      g_array_sort (vms, compare_vm_load);
      g_autoptr (GArray) failed = g_array_new (FALSE, FALSE, sizeof (TryKey));
      for (guint i = 0; i < vms->len; i++)
        {
          const VmLoad *v = &g_array_index (vms, VmLoad, i);
          const HerdVm *vm = herd_model_vm (m->model, v->vm);
          TryKey key;
          gboolean keyed = try_key (vm, v->load, &key);
          if (keyed && tried_before (failed, &key))
            continue;
          guint n = 0;
          for (guint k = 0; k < c->hosts->len; k++)
            m->allowed[g_array_index (c->hosts, HerdId, k)] = 0;
          for (guint d = 0; d < dests->len; d++)
            {
              HerdId id = g_array_index (dests, HerdId, d);
              const HerdHost *h = herd_model_host (m->model, id);
              if (id != source
                  && (double) (total[d] + v->load) / (double) h->cores
                         <= (double) high
                  && free[d] - vm->memory_mib > min_free)
                {
                  m->allowed[id] = 1;
                  n++;
                }
            }
          if (n == 0)
            continue;
          m->allowed[source] = 1;
          if (herd_manager_vm_migrate_among (
                  m, v->vm, HERD_ID_NONE, m->allowed,
                  HERD_MIGRATION_REASON_LOAD_BALANCING, NULL))
            {
              m->stats.balancing_migrations++;
              return TRUE;
            }
          if (keyed)
            g_array_append_val (failed, key);
        }
    }
  return FALSE;
}

/* The CPU and memory balancers (oVirt's CpuAndMemoryBalancingPolicyUnit):
 * primary (CPU) sources and destinations, then secondary (memory) ones;
 * nothing when the cluster has fewer than two usable hosts or no source. */
typedef struct
{
  GArray *primary_src, *primary_dst, *secondary_src, *secondary_dst;
} Passes;

static void
passes_clear (Passes *p)
{
  g_array_unref (p->primary_src);
  g_array_unref (p->primary_dst);
  g_array_unref (p->secondary_src);
  g_array_unref (p->secondary_dst);
}

static void
passes_init (Passes *p)
{
  p->primary_src = g_array_new (FALSE, FALSE, sizeof (HerdId));
  p->primary_dst = g_array_new (FALSE, FALSE, sizeof (HerdId));
  p->secondary_src = g_array_new (FALSE, FALSE, sizeof (HerdId));
  p->secondary_dst = g_array_new (FALSE, FALSE, sizeof (HerdId));
}

/* evenly_distributed (oVirt's EvenDistributionBalancePolicyUnit). */
static void
even_passes (HerdManager *m, const HerdCluster *c, const GArray *hosts,
             Passes *p)
{
  const HerdPolicyParams *pp = params_of (m, c);
  by_load (m, c, hosts, over_pick, (gint64) pp->high_utilization, 0, TRUE,
           p->primary_src);
  if (p->primary_src->len > 0)
    by_load (m, c, hosts, cpu_under, high_margin (m, c), 0, FALSE,
             p->primary_dst);
  by_memory (m, hosts, TRUE,
             memory_param (pp->max_free_memory_for_over_utilized_mib, 0), 2,
             p->secondary_src);
  if (p->secondary_src->len > 0)
    by_memory (m, hosts, FALSE,
               memory_param (pp->min_free_memory_for_under_utilized_mib, 0),
               0, p->secondary_dst);
}

/* power_saving (oVirt's PowerSavingBalancePolicyUnit): sources are the
 * hosts over the margin under High, busiest first, then the hosts under
 * LowUtilization that run VMs, least loaded first; destinations every
 * host not over High.  Memory: hosts short of memory, then hosts with
 * more than MinFreeMemoryForUnderUtilized free; destinations hosts with
 * more than MaxFreeMemoryForOverUtilized. */
static void
saving_passes (HerdManager *m, const HerdCluster *c, const GArray *hosts,
               Passes *p)
{
  const HerdPolicyParams *pp = params_of (m, c);
  gint64 max_free = memory_param (pp->max_free_memory_for_over_utilized_mib,
                                  0);
  by_load (m, c, hosts, over_pick, high_margin (m, c), 0, TRUE,
           p->primary_src);
  by_load (m, c, hosts, cpu_under, (gint64) pp->low_utilization, 1, FALSE,
           p->primary_src);
  if (p->primary_src->len > 0)
    for (guint i = 0; i < hosts->len; i++)
      {
        const HerdHost *h
            = herd_model_host (m->model, g_array_index (hosts, HerdId, i));
        if (!cpu_over (m, c, h, (gint64) pp->high_utilization))
          g_array_append_val (p->primary_dst, h->id);
      }
  by_memory (m, hosts, TRUE, max_free, 2, p->secondary_src);
  by_memory (m, hosts, FALSE,
             memory_param (pp->min_free_memory_for_under_utilized_mib,
                           G_MAXINT64),
             1, p->secondary_src);
  if (p->secondary_src->len > 0)
    by_memory (m, hosts, FALSE, max_free, 0, p->secondary_dst);
}

/* vm_evenly_distributed (oVirt's EvenGuestDistributionBalancePolicyUnit):
 * VM slots are the VMs running there, SpmVmGrace more on the SPM.  When
 * the fullest host has HighVmCount slots or more, every host tied with it
 * is a source and every host at least MigrationThreshold slots below a
 * destination; no memory pass. */
static gint64
slots (HerdManager *m, const HerdCluster *c, const HerdHost *h)
{
  gint64 n = h->vm_count;
  if (h->id == herd_model_datacenter (m->model, c->datacenter)->spm_host)
    n += params_of (m, c)->spm_vm_grace;
  return n;
}

static void
vm_count_passes (HerdManager *m, const HerdCluster *c, const GArray *hosts,
                 Passes *p)
{
  const HerdPolicyParams *pp = params_of (m, c);
  gint64 worst = 0;
  for (guint i = 0; i < hosts->len; i++)
    worst = MAX (worst, slots (m, c,
                               herd_model_host (m->model, g_array_index (
                                                              hosts, HerdId,
                                                              i))));
  if (worst < pp->high_vm_count)
    return;
  for (guint i = 0; i < hosts->len; i++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (hosts, HerdId, i));
      gint64 n = slots (m, c, h);
      if (n >= worst)
        g_array_append_val (p->primary_src, h->id);
      if (worst - n >= pp->migration_threshold)
        g_array_append_val (p->primary_dst, h->id);
    }
}

static void
balance_load (HerdManager *m, const HerdCluster *c, const GArray *hosts)
{
  Passes p;
  passes_init (&p);
  if (hosts->len >= 2)
    switch (c->policy)
      {
      case HERD_POLICY_EVENLY_DISTRIBUTED:
        even_passes (m, c, hosts, &p);
        break;
      case HERD_POLICY_POWER_SAVING:
        saving_passes (m, c, hosts, &p);
        break;
      case HERD_POLICY_VM_EVENLY_DISTRIBUTED:
        vm_count_passes (m, c, hosts, &p);
        break;
      default:
        break;
      }
  gint64 high = (gint64) params_of (m, c)->high_utilization;
  gint64 min_free = memory_param (
      params_of (m, c)->max_free_memory_for_over_utilized_mib, 0);
  if (!move_one (m, c, p.primary_src, p.primary_dst, high, min_free))
    move_one (m, c, p.secondary_src, p.secondary_dst, high, min_free);
  passes_clear (&p);
}

/* Host power management (power_saving) ---------------------------------- */

static void
power (HerdManager *m, HerdHost *h, HerdFenceAction action)
{
  HerdId proxy = herd_monitor_fence_proxy (m, h);
  if (proxy == HERD_ID_NONE)
    return;
  herd_audit_emit (m->audit, herd_manager_now (m),
                   action == HERD_FENCE_OFF
                       ? HERD_AUDIT_PM_POLICY_MAINTENANCE_TO_DOWN
                       : HERD_AUDIT_PM_POLICY_TO_UP,
                   h->name, "%s", "");
  m->powering[h->id] = action == HERD_FENCE_ON ? 1 : 2;
  if (!herd_driver_fence (m->driver, proxy, h->id, 0, action, NULL))
    m->powering[h->id] = 0;
}

/* oVirt's PowerSavingBalancePolicyUnit.evaluatePowerManagementSituation,
 * once per cycle: with more empty Up hosts than HostsInReserve, one empty
 * host (not the SPM, with power management) goes to Maintenance, and the
 * hosts power saving left in Maintenance are switched off (keeping one
 * while still above the reserve); with fewer, a host it left in
 * Maintenance is activated, else one it switched off is powered on.  Only
 * hosts under its control (pm_policy: not put into Maintenance by an
 * operator) are woken or switched off; never a host the monitor is
 * handling. */
static void
manage_power (HerdManager *m, const HerdCluster *c)
{
  const HerdPolicyParams *p = params_of (m, c);
  if (!p->automatic_power_management)
    return;
  HerdId spm = herd_model_datacenter (m->model, c->datacenter)->spm_host;
  guint empty = 0;
  HerdHost *to_maintenance = NULL, *maintenance = NULL, *down = NULL;
  guint n_maintenance = 0;
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdHost *h = host_of (m, c, i);
      if (m->powering[h->id] != 0)
        continue; /* on its way: counted once it gets there */
      if (h->status == HERD_HOST_UP && h->vm_count == 0
          && h->pending_vms == 0 && !herd_manager_host_busy (m, h->id))
        {
          empty++;
          if (to_maintenance == NULL && h->id != spm && h->power_management
              && herd_monitor_host_ok (m, h->id))
            to_maintenance = h;
        }
      else if (h->pm_policy && !herd_monitor_handling (m, h->id))
        {
          if (h->status == HERD_HOST_MAINTENANCE)
            {
              n_maintenance++;
              if (maintenance == NULL)
                maintenance = h;
            }
          else if (h->status == HERD_HOST_DOWN && h->power_management
                   && down == NULL)
            down = h;
        }
    }
  guint reserve = (guint) p->hosts_in_reserve;
  HerdTime now = herd_manager_now (m);
  if (reserve > empty && down == NULL && maintenance == NULL)
    return;
  if (reserve < empty && n_maintenance > 1 && maintenance->power_management)
    power (m, maintenance, HERD_FENCE_OFF);
  else if (reserve < empty)
    {
      if (to_maintenance != NULL)
        {
          herd_audit_emit (m->audit, now,
                           HERD_AUDIT_PM_POLICY_UP_TO_MAINTENANCE,
                           to_maintenance->name, "%s", "");
          herd_manager_host_set_status (m, to_maintenance,
                                        HERD_HOST_MAINTENANCE);
        }
    }
  else if (reserve == empty && maintenance != NULL)
    {
      if (maintenance->power_management)
        power (m, maintenance, HERD_FENCE_OFF);
    }
  else if (reserve > empty && maintenance != NULL)
    {
      herd_audit_emit (m->audit, now, HERD_AUDIT_PM_POLICY_TO_UP,
                       maintenance->name, "%s", "");
      herd_manager_host_activate (m, maintenance->id, NULL);
    }
  else if (reserve > empty && down != NULL)
    power (m, down, HERD_FENCE_ON);
}

void
herd_balancer_on_fence_done (gpointer core, HerdId host_id,
                             HerdFenceAction action, gboolean ok,
                             const char *output)
{
  HerdManager *m = core;
  HerdHost *h = herd_model_host (m->model, host_id);
  if (m->powering[host_id] == 0)
    return;
  if (!ok)
    {
      /* The agent failed: the host stays as it was (a host that could
       * not be switched off stays in Maintenance; the next cycle may try
       * again). */
      m->powering[host_id] = 0;
      herd_audit_emit (m->audit, herd_manager_now (m),
                       HERD_AUDIT_FENCE_OPERATION_FAILED, h->name,
                       "action=%s reason=power_saving",
                       action == HERD_FENCE_OFF ? "off" : "on");
      return;
    }
  if (action == HERD_FENCE_OFF)
    {
      m->powering[host_id] = 0;
      m->stats.hosts_powered_off++;
      herd_manager_host_set_status (m, h, HERD_HOST_DOWN);
    }
  else if (action == HERD_FENCE_ON)
    herd_manager_host_set_status (m, h, HERD_HOST_REBOOT);
}

void
herd_balancer_host_up (HerdManager *m, HerdId host)
{
  if (m->powering[host] == 1)
    {
      m->powering[host] = 0;
      m->stats.hosts_powered_on++;
    }
}

/* HA reservation ---------------------------------------------------------- */

static int
compare_desc (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x < y) - (x > y);
}

/* TRUE when every HA VM of every host could restart elsewhere; names the
 * hosts whose HA VMs could not into bad. */
static gboolean
ha_safe (HerdManager *m, const HerdCluster *c, GString *bad)
{
  g_autoptr (GArray) by_room = g_array_new (FALSE, FALSE, sizeof (Ranked));
  for (guint i = 0; i < c->hosts->len; i++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (c->hosts, HerdId, i));
      if (h->status != HERD_HOST_UP)
        continue;
      Ranked r = { h->id, -herd_host_max_scheduling_mib (m->model, h) };
      g_array_append_val (by_room, r);
    }
  g_array_sort (by_room, compare_ranked);

  /* HA VMs' memory per host, in one walk over the VMs. */
  GArray **needs = g_new0 (GArray *, m->model->hosts->len);
  for (guint i = 0; i < m->model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (m->model, i);
      if (!vm->ha || !vm->committed || vm->cluster != c->id)
        continue;
      if (needs[vm->host] == NULL)
        needs[vm->host] = g_array_new (FALSE, FALSE, sizeof (gint64));
      /* As oVirt's HaReservationHandling: what the guest uses, at least
       * its guaranteed memory (the guaranteed memory alone when its use
       * is not known). */
      HerdVmUsage usage;
      gint64 need = herd_driver_vm_usage (m->driver, vm->id, &usage, NULL)
                        ? MAX (usage.mem_used_mib, vm->guaranteed_mib)
                        : vm->guaranteed_mib;
      g_array_append_val (needs[vm->host], need);
    }

  gboolean safe = TRUE;
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      GArray *need = needs[id];
      if (need == NULL)
        continue;
      g_array_sort (need, compare_desc);
      guint k = MIN (by_room->len, 2 * need->len + 8);
      gint64 free_room[k + 1];
      guint n = 0;
      for (guint j = 0; j < by_room->len && n < k; j++)
        {
          const Ranked *r = &g_array_index (by_room, Ranked, j);
          if (r->host != id)
            free_room[n++] = -r->key;
        }
      gboolean fits = TRUE;
      for (guint v = 0; v < need->len && fits; v++)
        {
          gint64 x = g_array_index (need, gint64, v);
          guint j = 0;
          while (j < n && free_room[j] < x)
            j++;
          if (j == n)
            fits = FALSE;
          else
            free_room[j] -= x;
        }
      if (!fits)
        {
          safe = FALSE;
          g_string_append_printf (bad, "%s%s", bad->len > 0 ? "," : "",
                                  herd_model_host (m->model, id)->name);
        }
      g_array_unref (need);
    }
  g_free (needs);
  return safe;
}

static void
ha_check (HerdManager *m, const HerdCluster *c)
{
  g_autoptr (GString) bad = g_string_new (NULL);
  gboolean safe = ha_safe (m, c, bad);
  HerdTime now = herd_manager_now (m);
  m->stats.ha_checks++;
  if (!safe)
    m->stats.ha_checks_failed++;
  if (!safe && m->ha_unsafe_since[c->id] == HERD_TIME_NEVER)
    {
      m->ha_unsafe_since[c->id] = now;
      herd_audit_emit (m->audit, now, HERD_AUDIT_CLUSTER_ALERT_HA_RESERVATION,
                       c->name, "hosts=%s", bad->str);
    }
  else if (safe && m->ha_unsafe_since[c->id] != HERD_TIME_NEVER)
    {
      m->stats.ha_unsafe_time += now - m->ha_unsafe_since[c->id];
      m->ha_unsafe_since[c->id] = HERD_TIME_NEVER;
      herd_audit_emit (m->audit, now,
                       HERD_AUDIT_CLUSTER_ALERT_HA_RESERVATION_DOWN, c->name,
                       "%s", "");
    }
}

/* The cycle -------------------------------------------------------------- */

static void
balance_cluster (HerdManager *m, const HerdCluster *c)
{
  if (c->policy != HERD_POLICY_EVENLY_DISTRIBUTED
      && c->policy != HERD_POLICY_POWER_SAVING
      && c->policy != HERD_POLICY_VM_EVENLY_DISTRIBUTED)
    return;
  if (c->policy == HERD_POLICY_POWER_SAVING)
    manage_power (m, c);
  g_autoptr (GArray) hosts = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (guint i = 0; i < c->hosts->len; i++)
    if (usable (m, host_of (m, c, i)))
      g_array_append_val (hosts, g_array_index (c->hosts, HerdId, i));
  balance_load (m, c, hosts);
}

void
herd_manager_balance (HerdManager *m)
{
  herd_scheduler_set_now (m->scheduler, herd_manager_now (m));
  for (guint i = 0; i < m->model->clusters->len; i++)
    {
      const HerdCluster *c = herd_model_cluster (m->model, i);
      balance_cluster (m, c);
      if (c->ha_reservation)
        ha_check (m, c);
    }
}

static void
balance_fires (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  herd_manager_balance (m);
  herd_driver_timer_add (m->driver,
                         herd_manager_now (m)
                             + m->model->params.load_balancing_interval,
                         balance_fires, m, 0);
}

/* Affinity enforcement (affinity.c) ------------------------------------- */

static void
affinity_fires (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  herd_affinity_enforce (m);
  herd_driver_timer_add (m->driver,
                         herd_manager_now (m)
                             + m->model->params.affinity_enforcement_interval,
                         affinity_fires, m, 0);
}
