/* balancer.c: what the manager does every cycle without being asked
 * (behaviour.md §3): load balancing per cluster policy, power saving, the
 * HA reservation check, and the repair of broken hard affinity rules.
 *
 * Every LoadBalancingInterval (60 s) each cluster gets one cycle: at most
 * one VM migrates per cluster per cycle; hosts with a migration in flight
 * (in, out or queued) are neither sources nor destinations.  A pass looks
 * at one source, the first by its order below (as the oVirt balancer
 * does), and tries its VMs lowest CPU first (ties: lowest id) until one
 * has a destination; a cycle is thus O(hosts + VMs + one host's VMs x
 * placement).
 *
 *   evenly_distributed  CPU pass: sources are hosts at or over
 *                       HighUtilization for CpuOverCommitDuration, busiest
 *                       first; destinations hosts under
 *                       min(0.8 x High, High - 10).  Memory pass (when
 *                       MaxFreeMemoryForOverUtilized is set): sources with
 *                       less free memory than it, destinations with more
 *                       than MinFreeMemoryForUnderUtilized (when set) or
 *                       than MaxFreeMemoryForOverUtilized.
 *   power_saving        the same passes, then empties the host under
 *                       LowUtilization with the least load onto fuller
 *                       hosts (more load; at equal load more VMs; then
 *                       higher id) that could take all of its load and
 *                       stay under High; then powers empty hosts down (Up ->
 *                       Maintenance -> Down through their fence agent)
 *                       keeping HostsInReserve empty hosts up, and powers a
 *                       Down host on when the reserve is short, an
 *                       overloaded host found no destination, or a start
 *                       found no host.
 *   vm_evenly_distributed  acts when a host runs HighVmCount VMs or more
 *                       (the SPM counts SpmVmGrace more): from the host
 *                       with the most VMs to the host with the lowest CPU
 *                       among those with at least MigrationThreshold fewer.
 *   none, cluster_maintenance  no balancing.
 *
 * The HA reservation check (clusters with ha_reservation) asks, for every
 * host, whether the HA VMs it runs would restart on the other Up hosts:
 * first-fit decreasing of their memory onto the hosts with the most room
 * (committed memory against the overcommit ceiling), considering the
 * 2m + 8 roomiest other hosts for a host with m HA VMs.  A change of
 * verdict is an audit event (10300 / 10301). */
#include "core/manager-private.h"

#include <stdlib.h>
#include <string.h>

static void balance_fires (gpointer ctx, guint64 arg);
static void affinity_fires (gpointer ctx, guint64 arg);

void
herd_balancer_init (HerdManager *m)
{
  guint clusters = MAX (m->model->clusters->len, 1);
  guint hosts = MAX (m->model->hosts->len, 1);
  m->ha_unsafe_since = g_new (HerdTime, clusters);
  for (guint i = 0; i < clusters; i++)
    m->ha_unsafe_since[i] = HERD_TIME_NEVER;
  m->needs_host = g_new0 (gboolean, clusters);
  m->allowed = g_new0 (guint8, hosts);
  m->powering = g_new0 (guint8, hosts);
}

void
herd_balancer_clear (HerdManager *m)
{
  g_free (m->ha_unsafe_since);
  g_free (m->needs_host);
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

static gint64
mpct (double percent)
{
  return (gint64) (percent * 1000.0);
}

/* Tries the VMs of source, lowest CPU first, towards the hosts marked in
 * m->allowed.  TRUE when one migration started. */
static gboolean
move_one (HerdManager *m, HerdId source, HerdMigrationReason reason)
{
  g_autoptr (GArray) vms = herd_manager_host_vms_by_cpu (m, source);
  m->allowed[source] = 0;
  for (guint i = 0; i < vms->len; i++)
    if (herd_manager_vm_migrate_among (m, g_array_index (vms, HerdId, i),
                                       HERD_ID_NONE, m->allowed, reason,
                                       NULL))
      {
        m->stats.balancing_migrations++;
        return TRUE;
      }
  return FALSE;
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

static gboolean
usable (HerdManager *m, const HerdHost *h)
{
  return h->status == HERD_HOST_UP && !herd_manager_host_busy (m, h->id);
}

/* Marks in m->allowed the usable hosts of c for which pick() says yes. */
static guint
mark_allowed (HerdManager *m, const HerdCluster *c,
              gboolean (*pick) (HerdManager *, const HerdCluster *,
                                const HerdHost *, gconstpointer),
              gconstpointer data)
{
  guint n = 0;
  for (guint i = 0; i < c->hosts->len; i++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (c->hosts, HerdId, i));
      m->allowed[h->id] = usable (m, h) && pick (m, c, h, data);
      n += m->allowed[h->id];
    }
  return n;
}

static gboolean
under_cpu (HerdManager *m, const HerdCluster *c, const HerdHost *h,
           gconstpointer data)
{
  double high = params_of (m, c)->high_utilization;
  return herd_host_load_mpct (h) < mpct (MIN (0.8 * high, high - 10));
}

static gboolean
over_cpu (HerdManager *m, const HerdHost *h, const HerdCluster *c)
{
  return h->cpu_over_since != HERD_TIME_NEVER
         && herd_manager_now (m) - h->cpu_over_since
                >= params_of (m, c)->cpu_overcommit_duration;
}

/* Sources of c (usable hosts for which key() is not G_MAXINT64), sorted by
 * key then id. */
static GArray *
sources (HerdManager *m, const HerdCluster *c,
         gint64 (*key) (HerdManager *, const HerdCluster *, const HerdHost *))
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (Ranked));
  for (guint i = 0; i < c->hosts->len; i++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (c->hosts, HerdId, i));
      if (!usable (m, h))
        continue;
      Ranked r = { h->id, key (m, c, h) };
      if (r.key != G_MAXINT64)
        g_array_append_val (out, r);
    }
  g_array_sort (out, compare_ranked);
  return out;
}

/* Sources: the busiest overloaded host first. */
static gint64
cpu_source_key (HerdManager *m, const HerdCluster *c, const HerdHost *h)
{
  return over_cpu (m, h, c) ? -herd_host_load_mpct (h) : G_MAXINT64;
}

/* The CPU pass.  *stuck is set when overloaded hosts found nowhere to go. */
static gboolean
cpu_pass (HerdManager *m, const HerdCluster *c, gboolean *stuck)
{
  g_autoptr (GArray) src = sources (m, c, cpu_source_key);
  if (src->len == 0)
    return FALSE;
  if (mark_allowed (m, c, under_cpu, NULL) > 0
      && move_one (m, g_array_index (src, Ranked, 0).host,
                   HERD_MIGRATION_REASON_LOAD_BALANCING))
    return TRUE;
  *stuck = TRUE;
  return FALSE;
}

static gint64
memory_source_key (HerdManager *m, const HerdCluster *c, const HerdHost *h)
{
  gint64 max_free = params_of (m, c)->max_free_memory_for_over_utilized_mib;
  return h->mem_free_mib < max_free ? h->mem_free_mib : G_MAXINT64;
}

static gboolean
roomy (HerdManager *m, const HerdCluster *c, const HerdHost *h,
       gconstpointer data)
{
  const HerdPolicyParams *p = params_of (m, c);
  gint64 floor = p->min_free_memory_for_under_utilized_mib != HERD_PARAM_UNSET
                     ? p->min_free_memory_for_under_utilized_mib
                     : p->max_free_memory_for_over_utilized_mib;
  return h->mem_free_mib > floor;
}

static gboolean
memory_pass (HerdManager *m, const HerdCluster *c)
{
  if (params_of (m, c)->max_free_memory_for_over_utilized_mib
      == HERD_PARAM_UNSET)
    return FALSE;
  g_autoptr (GArray) src = sources (m, c, memory_source_key);
  if (src->len == 0 || mark_allowed (m, c, roomy, NULL) == 0)
    return FALSE;
  return move_one (m, g_array_index (src, Ranked, 0).host,
                   HERD_MIGRATION_REASON_LOAD_BALANCING);
}

/* Power saving ----------------------------------------------------------- */

static gint64
idle_source_key (HerdManager *m, const HerdCluster *c, const HerdHost *h)
{
  gint64 load = herd_host_load_mpct (h);
  return h->vm_count > 0 && load < mpct (params_of (m, c)->low_utilization)
             ? load
             : G_MAXINT64;
}

/* Destinations for emptying source: hosts that could take all of its
 * load and stay under High, and that are fuller than it (more load; at
 * equal load more VMs; then the higher id), so VMs only ever move towards
 * fuller hosts and consolidation cannot undo the CPU pass or go round in
 * circles. */
static gboolean
fuller (HerdManager *m, const HerdCluster *c, const HerdHost *h,
        gconstpointer data)
{
  const HerdHost *source = data;
  gint64 load = herd_host_load_mpct (h), src = herd_host_load_mpct (source);
  gint64 moved = source->cpu_used_mc * 100000 / ((gint64) h->cores * 1000);
  if (h->id == source->id
      || load + moved >= mpct (params_of (m, c)->high_utilization))
    return FALSE;
  if (load != src)
    return load > src;
  if (h->vm_count != source->vm_count)
    return h->vm_count > source->vm_count;
  return h->id > source->id;
}

static gboolean
consolidate (HerdManager *m, const HerdCluster *c)
{
  g_autoptr (GArray) src = sources (m, c, idle_source_key);
  if (src->len == 0)
    return FALSE;
  const HerdHost *s
      = herd_model_host (m->model, g_array_index (src, Ranked, 0).host);
  return mark_allowed (m, c, fuller, s) > 0
         && move_one (m, s->id, HERD_MIGRATION_REASON_LOAD_BALANCING);
}

/* An empty Up host that power saving may switch off (never the SPM). */
static gboolean
empty (HerdManager *m, const HerdHost *h)
{
  if (!herd_monitor_host_ok (m, h->id))
    return FALSE; /* failing to answer: the monitor's, not ours */
  HerdId dc = herd_model_cluster (m->model, h->cluster)->datacenter;
  return h->status == HERD_HOST_UP && h->vm_count == 0 && h->pending_vms == 0
         && !herd_manager_host_busy (m, h->id) && m->powering[h->id] == 0
         && herd_model_datacenter (m->model, dc)->spm_host != h->id;
}

/* An Up host to run a fence action through: same cluster, then data center
 * (behaviour.md §5); lowest id first. */
static HerdId
fence_proxy (HerdManager *m, const HerdHost *target)
{
  HerdId dc = herd_model_cluster (m->model, target->cluster)->datacenter;
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < m->model->hosts->len; i++)
      {
        const HerdHost *h = herd_model_host (m->model, i);
        if (h->id == target->id || h->status != HERD_HOST_UP)
          continue;
        const HerdCluster *c = herd_model_cluster (m->model, h->cluster);
        if (pass == 0 ? h->cluster == target->cluster : c->datacenter == dc)
          return h->id;
      }
  return HERD_ID_NONE;
}

static void
power (HerdManager *m, HerdHost *h, HerdFenceAction action)
{
  HerdId proxy = fence_proxy (m, h);
  if (proxy == HERD_ID_NONE)
    return;
  HerdTime now = herd_manager_now (m);
  if (action == HERD_FENCE_OFF)
    {
      herd_audit_emit (m->audit, now, HERD_AUDIT_PM_POLICY_UP_TO_MAINTENANCE,
                       h->name, "%s", "");
      herd_manager_host_set_status (m, h, HERD_HOST_MAINTENANCE);
    }
  else
    herd_audit_emit (m->audit, now, HERD_AUDIT_PM_POLICY_TO_UP, h->name,
                     "%s", "");
  m->powering[h->id] = action == HERD_FENCE_ON ? 1 : 2;
  if (!herd_driver_fence (m->driver, proxy, h->id, 0, action, NULL))
    m->powering[h->id] = 0;
}

/* Powers one empty host down beyond the reserve, or one host on when the
 * reserve is short or capacity is needed. */
static void
manage_power (HerdManager *m, const HerdCluster *c, gboolean need_host)
{
  guint n_empty = 0;
  HerdHost *last_empty = NULL, *first_down = NULL;
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdHost *h
          = herd_model_host (m->model, g_array_index (c->hosts, HerdId, i));
      n_empty += m->powering[h->id] == 1; /* booting: the reserve to be */
      if (!h->power_management || m->powering[h->id] != 0)
        continue;
      if (empty (m, h))
        {
          n_empty++;
          last_empty = h;
        }
      else if (h->status == HERD_HOST_DOWN && first_down == NULL
               && !herd_monitor_handling (m, h->id))
        first_down = h; /* (not one fencing is starting again) */
    }
  guint reserve = (guint) params_of (m, c)->hosts_in_reserve;
  if ((need_host || n_empty < reserve) && first_down != NULL)
    power (m, first_down, HERD_FENCE_ON);
  else if (!need_host && n_empty > reserve && last_empty != NULL)
    power (m, last_empty, HERD_FENCE_OFF);
}

void
herd_balancer_need_host (HerdManager *m, HerdId cluster)
{
  if (herd_model_cluster (m->model, cluster)->policy
      == HERD_POLICY_POWER_SAVING)
    m->needs_host[cluster] = TRUE;
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
      /* The agent failed: a host that could not be switched off still
       * runs, so it goes back to Up (and power saving may try again). */
      m->powering[host_id] = 0;
      herd_audit_emit (m->audit, herd_manager_now (m),
                       HERD_AUDIT_FENCE_OPERATION_FAILED, h->name,
                       "action=%s reason=power_saving",
                       action == HERD_FENCE_OFF ? "off" : "on");
      if (action == HERD_FENCE_OFF && h->status == HERD_HOST_MAINTENANCE)
        herd_manager_host_activate (m, host_id, NULL);
      return;
    }
  if (action == HERD_FENCE_OFF)
    {
      m->powering[host_id] = 0;
      m->stats.hosts_powered_off++;
      herd_manager_host_set_status (m, h, HERD_HOST_DOWN);
      herd_audit_emit (m->audit, herd_manager_now (m),
                       HERD_AUDIT_PM_POLICY_MAINTENANCE_TO_DOWN, h->name,
                       "%s", "");
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

/* vm_evenly_distributed --------------------------------------------------- */

static gint64
vm_load (HerdManager *m, const HerdCluster *c, const HerdHost *h)
{
  gint64 n = h->vm_count;
  if (h->id == herd_model_datacenter (m->model, c->datacenter)->spm_host)
    n += params_of (m, c)->spm_vm_grace;
  return n;
}

static gboolean
fewer_vms (HerdManager *m, const HerdCluster *c, const HerdHost *h,
           gconstpointer data)
{
  const gint64 *limit = data;
  return vm_load (m, c, h) <= *limit;
}

static gboolean
vm_count_pass (HerdManager *m, const HerdCluster *c)
{
  const HerdPolicyParams *p = params_of (m, c);
  const HerdHost *source = NULL;
  gint64 most = -1;
  for (guint i = 0; i < c->hosts->len; i++)
    {
      const HerdHost *h
          = herd_model_host (m->model, g_array_index (c->hosts, HerdId, i));
      if (usable (m, h) && vm_load (m, c, h) > most)
        {
          most = vm_load (m, c, h);
          source = h;
        }
    }
  if (source == NULL || most < p->high_vm_count)
    return FALSE;
  gint64 limit = most - p->migration_threshold;
  if (mark_allowed (m, c, fewer_vms, &limit) == 0)
    return FALSE;
  /* "Move to the host with the lowest CPU": keep only the least loaded of
   * the allowed hosts that the filters accept, per VM. */
  g_autoptr (GArray) vms = herd_manager_host_vms_by_cpu (m, source->id);
  m->allowed[source->id] = 0;
  for (guint i = 0; i < vms->len; i++)
    {
      HerdId vm = g_array_index (vms, HerdId, i);
      HerdId best = HERD_ID_NONE;
      gint64 best_load = G_MAXINT64;
      for (guint k = 0; k < c->hosts->len; k++)
        {
          HerdId id = g_array_index (c->hosts, HerdId, k);
          if (!m->allowed[id])
            continue;
          gint64 load = herd_host_load_mpct (herd_model_host (m->model, id));
          if (load < best_load
              && herd_scheduler_check_host (m->scheduler, vm, source->id, id)
                     == HERD_FILTER_NONE)
            {
              best = id;
              best_load = load;
            }
        }
      if (best != HERD_ID_NONE
          && herd_manager_vm_migrate (m, vm, best,
                                      HERD_MIGRATION_REASON_LOAD_BALANCING,
                                      NULL))
        {
          m->stats.balancing_migrations++;
          return TRUE;
        }
    }
  return FALSE;
}

/* HA reservation ---------------------------------------------------------- */

static gint64
room (const HerdCluster *c, const HerdHost *h)
{
  return h->memory_mib * (gint64) c->memory_overcommit_percent / 100
         - h->reserved_mib - h->committed_mem_mib - h->pending_mem_mib;
}

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
      Ranked r = { h->id, -room (c, h) };
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
      gint64 need = herd_scheduler_vm_memory_need (m->model, vm);
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
  gboolean stuck = FALSE;
  switch (c->policy)
    {
    case HERD_POLICY_EVENLY_DISTRIBUTED:
      if (!cpu_pass (m, c, &stuck))
        memory_pass (m, c);
      break;
    case HERD_POLICY_POWER_SAVING:
      if (!cpu_pass (m, c, &stuck) && !memory_pass (m, c) && !stuck
          && !consolidate (m, c))
        manage_power (m, c, m->needs_host[c->id]);
      else if (stuck || m->needs_host[c->id])
        manage_power (m, c, TRUE);
      m->needs_host[c->id] = FALSE;
      break;
    case HERD_POLICY_VM_EVENLY_DISTRIBUTED:
      vm_count_pass (m, c);
      break;
    case HERD_POLICY_NONE:
    case HERD_POLICY_CLUSTER_MAINTENANCE:
    case HERD_POLICY_LAST:
      break;
    }
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

/* Affinity enforcement ---------------------------------------------------- */

static gboolean
movable (HerdManager *m, const HerdVm *vm)
{
  return vm->status == HERD_VM_UP && vm->migratable
         && m->migrations[vm->id] == NULL;
}

static gboolean
repair (HerdManager *m, const HerdAffinityGroup *g, const HerdVm *vm,
        HerdId to, const char *rule)
{
  if (!herd_manager_vm_migrate (m, vm->id, to, HERD_MIGRATION_REASON_AFFINITY,
                                NULL))
    return FALSE;
  m->stats.affinity_repairs++;
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_VM_AFFINITY_REPAIR, vm->name,
                   "group=%s rule=%s", g->name, rule);
  return TRUE;
}

/* One migration repairing the first broken hard rule of c's groups (in
 * group id order), if any can. */
static gboolean
repair_cluster (HerdManager *m, const HerdCluster *c)
{
  for (guint gi = 0; gi < m->model->affinity_groups->len; gi++)
    {
      const HerdAffinityGroup *g = herd_model_affinity_group (m->model, gi);
      if (g->cluster != c->id)
        continue;
      if (g->vm_enforcing && g->vm_rule != HERD_AFFINITY_NONE)
        {
          /* Hosts of the running members, and the one with most. */
          g_autoptr (GHashTable) count
              = g_hash_table_new (g_direct_hash, g_direct_equal);
          HerdId best = HERD_ID_NONE;
          guint best_n = 0;
          gboolean crowded = FALSE;
          for (guint32 k = 0; k < g->vms.n; k++)
            {
              const HerdVm *vm = herd_model_vm (m->model, g->vms.ids[k]);
              if (!vm->committed)
                continue;
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (
                            count, GUINT_TO_POINTER (vm->host + 1)))
                        + 1;
              g_hash_table_insert (count, GUINT_TO_POINTER (vm->host + 1),
                                   GUINT_TO_POINTER (n));
              crowded |= n > 1;
              if (n > best_n || (n == best_n && vm->host < best))
                {
                  best = vm->host;
                  best_n = n;
                }
            }
          for (guint32 k = 0; k < g->vms.n; k++)
            {
              const HerdVm *vm = herd_model_vm (m->model, g->vms.ids[k]);
              if (!vm->committed || !movable (m, vm))
                continue;
              if (g->vm_rule == HERD_AFFINITY_POSITIVE && vm->host != best
                  && repair (m, g, vm, best, "vm_positive"))
                return TRUE;
              if (g->vm_rule == HERD_AFFINITY_NEGATIVE && crowded
                  && GPOINTER_TO_UINT (g_hash_table_lookup (
                         count, GUINT_TO_POINTER (vm->host + 1)))
                         > 1
                  && repair (m, g, vm, HERD_ID_NONE, "vm_negative"))
                return TRUE;
            }
        }
      if (g->host_enforcing && g->host_rule != HERD_AFFINITY_NONE)
        for (guint32 k = 0; k < g->vms.n; k++)
          {
            const HerdVm *vm = herd_model_vm (m->model, g->vms.ids[k]);
            if (!vm->committed || !movable (m, vm))
              continue;
            gboolean listed = herd_id_list_contains (&g->hosts, vm->host);
            if (listed != (g->host_rule == HERD_AFFINITY_POSITIVE)
                && repair (m, g, vm, HERD_ID_NONE, "host"))
              return TRUE;
          }
    }
  return FALSE;
}

static void
affinity_fires (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  herd_scheduler_set_now (m->scheduler, herd_manager_now (m));
  if (m->model->affinity_groups->len > 0)
    for (guint i = 0; i < m->model->clusters->len; i++)
      repair_cluster (m, herd_model_cluster (m->model, i));
  herd_driver_timer_add (m->driver,
                         herd_manager_now (m)
                             + m->model->params.affinity_enforcement_interval,
                         affinity_fires, m, 0);
}
