/* world.c: the simulated cluster (see world.h). */
#include "sim/world-private.h"

#include <math.h>
#include <stdarg.h>

G_DEFINE_QUARK (herd-world-error-quark, herd_world_error)

/* What cpus busy percent of the time ask for, in millicores: cpus x 1000
 * x percent / 100. */
static gint64
cpu_mc (guint32 cpus, double percent)
{
  return (gint64) ((double) cpus * percent * 10.0);
}

HerdWorld *
herd_world_new (const HerdScenario *scenario, HerdEngine *engine,
                gint64 overhead_mib)
{
  HerdWorld *w = g_new0 (HerdWorld, 1);
  HerdModel *model = scenario->model;
  w->scenario = scenario;
  w->engine = engine;
  w->overhead_mib = overhead_mib;

  w->hosts = g_array_sized_new (FALSE, TRUE, sizeof (HerdSimHost),
                                model->hosts->len);
  g_array_set_size (w->hosts, model->hosts->len);
  for (guint i = 0; i < model->hosts->len; i++)
    {
      const HerdHost *def = herd_model_host (model, i);
      const HerdHostGroup *group = g_ptr_array_index (
          scenario->host_groups,
          g_array_index (scenario->host_group_of, guint32, i));
      HerdSimHost *h = &g_array_index (w->hosts, HerdSimHost, i);
      h->cores = def->cores;
      h->capacity_mc = (gint64) def->cores * 1000;
      h->memory_mib = def->memory_mib + def->swap_mib;
      h->own_mc = cpu_mc (def->cores, group->cpu_load);
      h->own_mem_mib = group->committed_mib;
      h->power_idle_w = group->power_idle_w;
      h->power_max_w = group->power_max_w;
      h->nic_bandwidth = def->nic_bandwidth;
      h->boot_time = group->boot_time;
      h->has_fence_agent = group->fence_agents[0] != NULL;
      h->fence_latency = group->fence_latency;
      h->fence_failure = group->fence_failure;
      h->lease_stopped = HERD_TIME_NEVER;
      h->datacenter = herd_model_cluster (model, def->cluster)->datacenter;
    }
  w->migrations = g_ptr_array_new ();
  w->outages = g_array_new (FALSE, FALSE, sizeof (StorageOutage));
  guint n_dc = MAX (model->datacenters->len, 1);
  w->spm_holder = g_new (HerdId, n_dc);
  w->spm_version = g_new0 (guint64, n_dc);
  w->lockspace_domain = g_new (HerdId, n_dc);
  w->spm_running = g_new0 (gboolean, n_dc);
  for (guint d = 0; d < n_dc; d++)
    {
      w->spm_holder[d] = HERD_ID_NONE;
      w->lockspace_domain[d] = HERD_ID_NONE;
    }

  guint n_groups = scenario->vm_groups->len;
  w->group_value = g_new0 (double, n_groups);
  w->group_rng = g_new0 (gsl_rng *, n_groups);
  w->trace_cursor = g_new0 (guint, MAX (model->vms->len, 1));
  for (guint g = 0; g < n_groups; g++)
    {
      const HerdVmGroup *group = g_ptr_array_index (scenario->vm_groups, g);
      if (group->cpu.kind == HERD_WORKLOAD_WALK)
        {
          g_autofree char *stream = g_strdup_printf ("workload.%s",
                                                     group->name);
          w->group_rng[g] = herd_rng_set_stream (engine->rng, stream);
        }
    }

  w->vms = g_array_sized_new (FALSE, TRUE, sizeof (HerdSimVm),
                              model->vms->len);
  g_array_set_size (w->vms, model->vms->len);
  for (guint i = 0; i < model->vms->len; i++)
    {
      const HerdVm *def = herd_model_vm (model, i);
      guint32 g = g_array_index (scenario->vm_group_of, guint32, i);
      const HerdVmGroup *group = g_ptr_array_index (scenario->vm_groups, g);
      HerdSimVm *v = &g_array_index (w->vms, HerdSimVm, i);
      v->host = HERD_ID_NONE;
      v->state = HERD_VM_DOWN;
      v->group = g;
      v->vcpus = def->vcpus;
      v->mem_mib = group->memory_used_mib + overhead_mib;
      v->util = group->cpu.mean;
      v->lease_host = HERD_ID_NONE;
      v->last_host = HERD_ID_NONE;
    }
  herd_memory_init (w);
  herd_thin_init (w);
  return w;
}

void
herd_world_free (HerdWorld *world)
{
  if (world == NULL)
    return;
  herd_world_migrations_free (world);
  herd_thin_free (world);
  g_free (world->spm_holder);
  g_array_unref (world->outages);
  g_free (world->spm_version);
  g_free (world->lockspace_domain);
  g_free (world->spm_running);
  g_array_unref (world->hosts);
  g_array_unref (world->vms);
  g_free (world->group_value);
  g_free (world->group_rng);
  g_free (world->trace_cursor);
  g_free (world->memory_cursor);
  g_free (world);
}

void
herd_world_set_violation_hook (HerdWorld *world, HerdWorldViolationFunc fn,
                               gpointer data)
{
  world->violation = fn;
  world->violation_data = data;
}

void
herd_world_violation (HerdWorld *w, const char *format, ...)
{
  if (w->violation == NULL)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  w->violation (what, w->violation_data);
}

void
herd_world_check_memory (HerdWorld *w, HerdId host)
{
  const HerdSimHost *h = herd_world_host_at (w, host);
  /* Memory that moves may take a host over: measured, not a defect. */
  if (!w->memory_moves && h->mem_used_mib > h->memory_mib)
    herd_world_violation (
        w, "host %s uses %" G_GINT64_FORMAT " MiB of %" G_GINT64_FORMAT
           " MiB of memory",
        herd_model_host (w->scenario->model, host)->name, h->mem_used_mib,
        h->memory_mib);
}

void
herd_world_set_observer (HerdWorld *world, const HerdWorldObserver *observer,
                         gpointer ctx)
{
  world->observer = observer;
  world->observer_ctx = ctx;
}

HerdEngine *
herd_world_engine (HerdWorld *world)
{
  return world->engine;
}

const HerdScenario *
herd_world_scenario (HerdWorld *world)
{
  return world->scenario;
}

guint
herd_world_n_hosts (HerdWorld *world)
{
  return world->hosts->len;
}

guint
herd_world_n_vms (HerdWorld *world)
{
  return world->vms->len;
}

HerdSimHost *
herd_world_host_at (HerdWorld *w, HerdId id)
{
  return &g_array_index (w->hosts, HerdSimHost, id);
}

HerdSimVm *
herd_world_vm_at (HerdWorld *w, HerdId id)
{
  return &g_array_index (w->vms, HerdSimVm, id);
}

const HerdSimHost *
herd_world_host (HerdWorld *world, HerdId host)
{
  return herd_world_host_at (world, host);
}

const HerdSimVm *
herd_world_vm (HerdWorld *world, HerdId vm)
{
  return herd_world_vm_at (world, vm);
}

/* Adds the constant piece [h->since, now) to the host's integrals. */
void
herd_world_host_integrate (HerdSimHost *h, HerdTime now)
{
  if (h->booting && now > h->since)
    h->energy_j += h->power_max_w * herd_time_to_seconds (now - h->since);
  else if (!h->up && now > h->since)
    h->off_ns += now - h->since;
  if (h->up && now > h->since)
    {
      HerdTime dt = now - h->since;
      double seconds = herd_time_to_seconds (dt);
      gint64 served = MIN (h->demand_mc, h->capacity_mc);
      double load = (double) served / (double) h->capacity_mc;
      h->up_ns += dt;
      h->served_mc_s += (double) served * seconds;
      h->demand_mc_s += (double) h->demand_mc * seconds;
      h->unserved_mc_s += (double) (h->demand_mc - served) * seconds;
      h->energy_j += (h->power_idle_w
                      + (h->power_max_w - h->power_idle_w) * load)
                     * seconds;
    }
  h->since = now;
}

void
herd_world_report_host (HerdWorld *w, HerdId id)
{
  if (w->observer != NULL && w->observer->host_stats != NULL)
    w->observer->host_stats (w->observer_ctx, id);
}

void
herd_world_report_vm (HerdWorld *w, HerdId id, HerdId host,
                      HerdVmStatus status, HerdPauseReason reason)
{
  if (w->observer != NULL && w->observer->vm_state != NULL)
    w->observer->vm_state (w->observer_ctx, id, host, status, reason);
  herd_thin_vm_changed (w, id);
}

void
herd_world_pause_vm (HerdWorld *w, HerdId vm, HerdPauseReason reason)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  HerdSimHost *h = herd_world_host_at (w, v->host);
  herd_world_host_integrate (h, w->engine->now);
  h->demand_mc -= v->demand_mc;
  v->demand_mc = 0;
  if (v->boot_event != 0)
    herd_engine_cancel (w->engine, v->boot_event);
  v->boot_event = 0;
  v->state = HERD_VM_PAUSED;
  herd_thin_vm_paused (w, vm, reason);
  herd_world_report_vm (w, vm, v->host, HERD_VM_PAUSED, reason);
}

void
herd_world_resume_vm (HerdWorld *w, HerdId vm)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  if (v->state != HERD_VM_PAUSED || herd_thin_vm_blocked (w, vm)
      || herd_world_disk_lost (w, vm, v->host))
    return;
  HerdSimHost *h = herd_world_host_at (w, v->host);
  herd_world_host_integrate (h, w->engine->now);
  v->state = HERD_VM_UP;
  v->demand_mc = herd_world_vm_demand (v);
  h->demand_mc += v->demand_mc;
  herd_world_report_vm (w, vm, v->host, HERD_VM_UP, HERD_PAUSE_NONE);
}

static void
report_vm (HerdWorld *w, HerdId id, HerdId host, HerdVmStatus status)
{
  herd_world_report_vm (w, id, host, status, HERD_PAUSE_NONE);
}

gint64
herd_world_vm_demand (const HerdSimVm *v)
{
  return cpu_mc (v->vcpus, v->util);
}

void
herd_world_host_comes_up (HerdSimHost *h)
{
  if (h->up)
    return;
  h->up = TRUE;
  h->demand_mc += h->own_mc;
  h->mem_used_mib += h->own_mem_mib;
}

/* One workload step at now: new utilisations for every VM, new demand on
 * every host, statistics reported to the manager. */
static void
world_step (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdTime now = w->engine->now;
  HerdTime dt = now - w->last_step;
  const GPtrArray *groups = w->scenario->vm_groups;

  for (guint i = 0; i < w->hosts->len; i++)
    {
      HerdSimHost *h = herd_world_host_at (w, i);
      herd_world_host_integrate (h, now);
      h->demand_mc = h->up ? h->own_mc : 0;
    }
  for (guint g = 0; g < groups->len; g++)
    {
      const HerdVmGroup *group = g_ptr_array_index (groups, g);
      if (group->cpu.kind != HERD_WORKLOAD_WALK)
        w->group_value[g] = herd_workload_value (&group->cpu, now);
    }
  for (guint i = 0; i < w->vms->len; i++)
    {
      HerdSimVm *v = herd_world_vm_at (w, i);
      gsl_rng *rng = w->group_rng[v->group];
      if (rng != NULL)
        {
          if (dt > 0)
            v->util = herd_workload_walk_step (
                &((const HerdVmGroup *) g_ptr_array_index (groups, v->group))
                     ->cpu,
                v->util, dt, rng);
        }
      else if (((const HerdVmGroup *) g_ptr_array_index (groups, v->group))
                   ->cpu_trace
               != NULL)
        {
          /* VM k of the group plays series k modulo their number. */
          const HerdVmGroup *group = g_ptr_array_index (groups, v->group);
          const GPtrArray *series = group->cpu_trace->series;
          v->util = herd_trace_value (
              g_ptr_array_index (series, (i - group->first) % series->len),
              now, &w->trace_cursor[i]);
        }
      else
        v->util = w->group_value[v->group];
      v->demand_mc = v->state == HERD_VM_PAUSED ? 0
                                                : herd_world_vm_demand (v);
      if (v->host != HERD_ID_NONE)
        herd_world_host_at (w, v->host)->demand_mc += v->demand_mc;
    }
  /* The memory the VMs hold now, before the hosts report it. */
  herd_memory_step (w, now, dt);
  for (guint i = 0; i < w->hosts->len; i++)
    {
      HerdSimHost *h = herd_world_host_at (w, i);
      if (!h->up)
        continue;
      double load = (double) MIN (h->demand_mc, h->capacity_mc)
                    / (double) h->capacity_mc;
      h->load_max = MAX (h->load_max, load);
      /* The load holds until the next step. */
      const HerdCluster *c = herd_model_cluster (
          w->scenario->model,
          herd_model_host (w->scenario->model, i)->cluster);
      if (100 * load > c->policy_params.high_utilization)
        h->over_high_ns += w->scenario->stats_interval;
      herd_world_report_host (w, i);
    }
  herd_thin_step (w);
  w->last_step = now;
  herd_engine_at (w->engine, now + w->scenario->stats_interval, world_step,
                  w, 0);
}

void
herd_world_start (HerdWorld *world)
{
  world->last_step = world->engine->now;
  herd_engine_at (world->engine, world->engine->now, world_step, world, 0);
}

void
herd_world_finish (HerdWorld *world)
{
  for (guint i = 0; i < world->hosts->len; i++)
    herd_world_host_integrate (herd_world_host_at (world, i), world->engine->now);
  herd_memory_finish (world, world->engine->now - world->last_step);
}

void
host_reachable_event (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  if (w->observer != NULL && w->observer->host_reachable != NULL)
    w->observer->host_reachable (w->observer_ctx, (HerdId) arg);
}

gboolean
herd_world_host_connect (HerdWorld *world, HerdId host, GError **error)
{
  HerdSimHost *h = herd_world_host_at (world, host);
  herd_world_host_integrate (h, world->engine->now);
  herd_world_host_comes_up (h);
  h->was_reachable = TRUE;
  herd_engine_at (world->engine, world->engine->now, host_reachable_event,
                  world, host);
  return TRUE;
}

/* Reports that the VM's QEMU runs: the host's statistics first, so the
 * manager sees the memory in use when it drops the VM's reservation. */
static void
vm_powering_up (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdSimVm *v = herd_world_vm_at (w, (HerdId) arg);
  if (v->state != HERD_VM_POWERING_UP)
    return;
  herd_world_report_host (w, v->host);
  report_vm (w, (HerdId) arg, v->host, HERD_VM_POWERING_UP);
}

static void
vm_up (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdSimVm *v = herd_world_vm_at (w, (HerdId) arg);
  v->boot_event = 0;
  v->state = HERD_VM_UP;
  report_vm (w, (HerdId) arg, v->host, HERD_VM_UP);
}

gboolean
herd_world_vm_startable (HerdWorld *world, HerdId host, HerdId vm,
                         GError **error)
{
  const HerdModel *model = world->scenario->model;
  if (!herd_world_host_at (world, host)->up)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "host %u is down", host);
      return FALSE;
    }
  /* Its disks must be reachable from the host (the agent prepares the
   * images before QEMU starts). */
  if (herd_world_disk_lost (world, vm, host))
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "cannot prepare the disks of VM %s: a storage domain is "
                   "out of reach of %s",
                   herd_model_vm (model, vm)->name,
                   herd_model_host (model, host)->name);
      return FALSE;
    }
  /* A VM lease needs a live lockspace on the host, and sanlock refuses
   * one another host still holds. */
  return herd_world_vm_lease_check (world, vm, host, error);
}

/* vm's QEMU runs on host from now (in state): it takes its lease, and
 * uses CPU and memory there. */
static void
vm_runs (HerdWorld *world, HerdId host, HerdId vm, HerdVmStatus state)
{
  HerdSimHost *h = herd_world_host_at (world, host);
  HerdSimVm *v = herd_world_vm_at (world, vm);
  herd_world_host_integrate (h, world->engine->now);
  v->host = host;
  v->state = state;
  if (herd_model_vm (world->scenario->model, vm)->lease)
    v->lease_host = host;
  v->demand_mc = herd_world_vm_demand (v);
  h->demand_mc += v->demand_mc;
  herd_memory_vm_starts (world, vm);
  h->mem_used_mib += v->mem_mib;
  h->vm_count++;
  herd_world_check_memory (world, host);
}

gboolean
herd_world_vm_adopt (HerdWorld *world, HerdId host, HerdId vm,
                     GError **error)
{
  if (!herd_world_host_at (world, host)->up
      || herd_world_vm_at (world, vm)->state != HERD_VM_DOWN)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "VM %u cannot run on host %u: the host is down or the VM "
                   "runs already", vm, host);
      return FALSE;
    }
  vm_runs (world, host, vm, HERD_VM_UP);
  herd_thin_vm_changed (world, vm);
  return TRUE;
}

gboolean
herd_world_vm_start (HerdWorld *world, HerdId host, HerdId vm, GError **error)
{
  HerdSimHost *h = herd_world_host_at (world, host);
  HerdSimVm *v = herd_world_vm_at (world, vm);
  const HerdModel *model = world->scenario->model;
  if (h->up && v->state != HERD_VM_DOWN)
    {
      herd_world_violation (world, "VM %s started on %s while it runs on %s",
                            herd_model_vm (model, vm)->name,
                            herd_model_host (model, host)->name,
                            herd_model_host (model, v->host)->name);
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "VM %u is already running", vm);
      return FALSE;
    }
  if (!herd_world_vm_startable (world, host, vm, error))
    return FALSE;
  const HerdVmGroup *group
      = g_ptr_array_index (world->scenario->vm_groups, v->group);
  HerdTime now = world->engine->now;
  /* QEMU starts at once: the VM uses memory and CPU from now on. */
  vm_runs (world, host, vm, HERD_VM_POWERING_UP);
  herd_engine_at (world->engine, now, vm_powering_up, world, vm);
  v->boot_event = herd_engine_at (world->engine, now + group->boot_time,
                                  vm_up, world, vm);
  return TRUE;
}

static void
vm_down (gpointer ctx, guint64 arg)
{
  herd_world_vm_gone (ctx, (HerdId) arg, TRUE);
}

void
herd_world_vm_gone (HerdWorld *w, HerdId vm, gboolean lease_released)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  HerdId host = v->host;
  if (host == HERD_ID_NONE)
    return; /* it died with its host first (a crash at the same instant) */
  if (v->boot_event != 0)
    herd_engine_cancel (w->engine, v->boot_event); /* killed booting */
  v->boot_event = 0;
  herd_world_migration_vm_gone (w, vm);
  if (lease_released)
    v->lease_host = HERD_ID_NONE;
  HerdSimHost *h = herd_world_host_at (w, host);
  herd_world_host_integrate (h, w->engine->now);
  h->demand_mc -= v->demand_mc;
  h->mem_used_mib -= v->mem_mib;
  h->vm_count--;
  v->demand_mc = 0;
  v->host = HERD_ID_NONE;
  v->last_host = host;
  v->state = HERD_VM_DOWN;
  herd_world_report_host (w, host);
  report_vm (w, vm, host, HERD_VM_DOWN);
}

gboolean
herd_world_vm_stop (HerdWorld *world, HerdId host, HerdId vm, GError **error)
{
  HerdSimVm *v = herd_world_vm_at (world, vm);
  if (v->host != host || v->state == HERD_VM_DOWN
      || v->state == HERD_VM_POWERING_DOWN)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "VM %u is not running on host %u", vm, host);
      return FALSE;
    }
  if (v->boot_event != 0)
    {
      herd_engine_cancel (world->engine, v->boot_event);
      v->boot_event = 0;
    }
  v->state = HERD_VM_POWERING_DOWN;
  /* Power off: QEMU is gone at once; the event keeps callbacks ordered. */
  herd_engine_at (world->engine, world->engine->now, vm_down, world, vm);
  return TRUE;
}

gint64
herd_world_vm_cpu_used (HerdWorld *world, HerdId vm)
{
  const HerdSimVm *v = herd_world_vm_at (world, vm);
  if (v->host == HERD_ID_NONE)
    return 0;
  const HerdSimHost *h = herd_world_host_at (world, v->host);
  if (h->demand_mc <= h->capacity_mc)
    return v->demand_mc;
  return v->demand_mc * h->capacity_mc / h->demand_mc;
}

void
herd_world_host_report (HerdWorld *world, HerdId host, gint64 *cpu_used_mc,
                        gint64 *mem_free_mib, guint32 *vm_count)
{
  const HerdSimHost *h = herd_world_host_at (world, host);
  *cpu_used_mc = MIN (h->demand_mc, h->capacity_mc);
  *mem_free_mib = MAX (h->memory_mib - h->mem_used_mib, 0);
  *vm_count = h->vm_count;
}
