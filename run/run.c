/* run.c: a simulation run (see run.h). */
#include "run/run.h"

#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "drivers/registry.h"
#include "results/failover.h"
#include "results/results.h"
#include "run/check.h"
#include "sim/workload.h"
#include "sim/world.h"

typedef struct
{
  HerdScenario *scenario;
  HerdModel *model;
  HerdEngine *engine;
  HerdWorld *world;
  HerdManager *manager;
  HerdResults *results;
  HerdSamples samples;
  HerdTime *stop_at;       /* per VM: end of its lifetime, or NEVER */
  const HerdRunOptions *options;
  guint64 migration_outcomes[HERD_MIGRATION_OUTCOME_LAST];
  GArray *migration_s;     /* double: durations of migrations done */
  GArray *downtime_ms;     /* double: their downtimes */
  HerdFailovers *failovers;
} Run;

G_DEFINE_QUARK (herd-run-error-quark, herd_run_error)

void
herd_run_options_init (HerdRunOptions *options)
{
  memset (options, 0, sizeof *options);
  options->until = HERD_TIME_NEVER;
  options->samples = HERD_SAMPLES_ALL;
}

void
herd_run_trace_sink (const HerdAuditEvent *event, gpointer user_data)
{
  char t[HERD_TIME_BUF];
  const HerdAuditInfo *info = herd_audit_info (event->type);
  fprintf (user_data, "%s %d %s %s%s%s\n", herd_time_format (event->time, t),
           info->code, info->name, event->object,
           event->details[0] != '\0' ? " " : "", event->details);
}

static void
vm_lifetime_ends (gpointer ctx, guint64 arg)
{
  Run *run = ctx;
  herd_manager_vm_stop (run->manager, (HerdId) arg, NULL);
}

/* A VM's arrival: the user asks the manager to run it.  A start that no
 * host can take is recorded by the manager; the user does not retry. */
static void
vm_arrives (gpointer ctx, guint64 arg)
{
  Run *run = ctx;
  HerdId vm = (HerdId) arg;
  if (herd_manager_vm_run (run->manager, vm, NULL)
      && run->stop_at[vm] != HERD_TIME_NEVER)
    herd_engine_at (run->engine, run->stop_at[vm], vm_lifetime_ends, ctx,
                    arg);
}

/* An operator's action.  One the manager refuses (a stop of a VM that
 * is not running, ...) is logged and changes nothing, as in the manager. */
static void
action_runs (gpointer ctx, guint64 arg)
{
  Run *run = ctx;
  const HerdAction *action = g_ptr_array_index (run->scenario->actions, arg);
  HerdId vm = herd_model_find_vm (run->model, action->target);
  HerdId host = herd_model_find_host (run->model, action->target);
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE;

  switch (action->kind)
    {
    case HERD_ACTION_START:
      ok = herd_manager_vm_run (run->manager, vm, &error);
      break;
    case HERD_ACTION_STOP:
      ok = herd_manager_vm_stop (run->manager, vm, &error);
      break;
    case HERD_ACTION_MIGRATE:
      ok = herd_manager_vm_migrate (
          run->manager, vm,
          action->host != NULL ? herd_model_find_host (run->model,
                                                       action->host)
                               : HERD_ID_NONE,
          HERD_MIGRATION_REASON_USER, &error);
      break;
    case HERD_ACTION_MAINTENANCE:
      ok = herd_manager_host_maintenance (run->manager, host, &error);
      break;
    case HERD_ACTION_ACTIVATE:
      ok = herd_manager_host_activate (run->manager, host, &error);
      break;
    case HERD_ACTION_ADD_LUN:
    case HERD_ACTION_GROW_STORAGE:
      herd_world_grow_storage (run->world,
                          herd_model_find_domain (run->model, action->target),
                          action->size_mib);
      ok = TRUE;
      break;
    case HERD_ACTION_SNAPSHOT:
    case HERD_ACTION_PREVIEW_SNAPSHOT:
    case HERD_ACTION_COMMIT_SNAPSHOT:
    case HERD_ACTION_UNDO_SNAPSHOT:
    case HERD_ACTION_DELETE_SNAPSHOT:
      ok = herd_manager_vm_snapshot (
          run->manager, vm,
          HERD_SNAPSHOT_CREATE + (action->kind - HERD_ACTION_SNAPSHOT),
          action->snapshot, action->memory, &error);
      break;
    case HERD_ACTION_KIND_LAST:
      g_assert_not_reached ();
    }
  if (!ok)
    g_debug ("action %s: %s", action->name, error->message);
}

/* Applies (heal = FALSE) or heals a fault of kind on host. */
static void
apply_fault (Run *run, HerdFaultKind kind, HerdId host, gboolean heal)
{
  if (!heal && host != HERD_ID_NONE
      && (kind == HERD_FAULT_HOST_CRASH || kind == HERD_FAULT_AGENT_HANG
          || kind == HERD_FAULT_PARTITION))
    herd_failovers_fault (run->failovers, host, herd_fault_kind_name (kind),
                          run->engine->now);
  if (heal && host != HERD_ID_NONE)
    herd_failovers_heal (run->failovers, host);
  switch (kind)
    {
    case HERD_FAULT_HOST_CRASH:
      if (heal)
        herd_world_host_repair (run->world, host);
      else
        herd_world_host_crash (run->world, host);
      break;
    case HERD_FAULT_AGENT_HANG:
      herd_world_agent_hang (run->world, host, !heal);
      break;
    case HERD_FAULT_PARTITION:
      herd_world_partition (run->world, host, !heal);
      break;
    case HERD_FAULT_FENCE_FAIL:
      herd_world_fence_broken (run->world, host, !heal);
      break;
    case HERD_FAULT_MANAGER_RESTART:
      if (!heal)
        herd_manager_restart (run->manager);
      break;
    case HERD_FAULT_NIC_DOWN:
    case HERD_FAULT_STORAGE_DOWN:
    case HERD_FAULT_KIND_LAST:
      g_assert_not_reached ();
    }
}

/* Faults that name more than a host. */
static void
apply_scheduled (Run *run, const HerdFault *fault, gboolean heal)
{
  if (fault->kind == HERD_FAULT_STORAGE_DOWN)
    {
      herd_world_storage (run->world,
                          herd_model_find_domain (run->model, fault->target),
                          fault->host != NULL
                              ? herd_model_find_host (run->model, fault->host)
                              : HERD_ID_NONE,
                          !heal);
      return;
    }
  if (fault->kind == HERD_FAULT_NIC_DOWN)
    {
      HerdId net = herd_model_find_network (run->model, fault->network);
      herd_world_network (run->world,
                          herd_model_find_host (run->model, fault->target),
                          herd_model_network (run->model, net)->bit, !heal);
      return;
    }
  apply_fault (run, fault->kind,
               fault->target != NULL
                   ? herd_model_find_host (run->model, fault->target)
                   : HERD_ID_NONE,
               heal);
}

/* arg: the fault's index, with bit 63 set for its healing. */
static void
fault_event (gpointer ctx, guint64 arg)
{
  Run *run = ctx;
  gboolean heal = (arg >> 63) != 0;
  const HerdFault *fault = g_ptr_array_index (run->scenario->faults,
                                              arg & ~(G_GUINT64_CONSTANT (1)
                                                      << 63));
  apply_scheduled (run, fault, heal);
  if (!heal && fault->duration > 0)
    herd_engine_at (run->engine, run->engine->now + fault->duration,
                    fault_event, run, arg | G_GUINT64_CONSTANT (1) << 63);
}

/* Random faults: each host draws its time to failure from the rule's
 * mtbf and, once struck, its time to repair from mttr, from the stream
 * "faults.RULE.HOST".  arg packs the rule (bits 32-62), the host (low 32
 * bits) and, in bit 63, whether this event heals the fault. */
static gsl_rng *
random_stream (Run *run, guint rule, HerdId host)
{
  g_autofree char *name = g_strdup_printf (
      "faults.%u.%s", rule, herd_model_host (run->model, host)->name);
  return herd_rng_set_stream (run->engine->rng, name);
}

static void
random_fault_event (gpointer ctx, guint64 arg)
{
  Run *run = ctx;
  const guint64 heal_bit = G_GUINT64_CONSTANT (1) << 63;
  gboolean heal = (arg & heal_bit) != 0;
  guint rule = (guint) ((arg & ~heal_bit) >> 32);
  HerdId host = (HerdId) (arg & 0xffffffff);
  const HerdRandomFaults *rf = g_ptr_array_index (run->scenario->random_faults,
                                                  rule);
  apply_fault (run, rf->kind, host, heal);
  HerdTime next = herd_distribution_sample (heal ? &rf->mtbf : &rf->mttr,
                                            random_stream (run, rule, host));
  herd_engine_at (run->engine, run->engine->now + next, random_fault_event,
                  run, arg ^ heal_bit);
}

static void
schedule_faults (Run *run)
{
  for (guint i = 0; i < run->scenario->faults->len; i++)
    {
      const HerdFault *fault = g_ptr_array_index (run->scenario->faults, i);
      herd_engine_at (run->engine, fault->at, fault_event, run, i);
    }
  for (guint r = 0; r < run->scenario->random_faults->len; r++)
    {
      const HerdRandomFaults *rf
          = g_ptr_array_index (run->scenario->random_faults, r);
      for (guint32 k = 0; k < rf->hosts.n; k++)
        {
          HerdId host = rf->hosts.ids[k];
          HerdTime at = herd_distribution_sample (
              &rf->mtbf, random_stream (run, r, host));
          herd_engine_at (run->engine, at, random_fault_event, run,
                          (guint64) r << 32 | host);
        }
    }
}

/* Every migration that ends: into the database, and its figures kept for
 * the summary. */
static void
migration_ended (const HerdMigrationRecord *rec, gpointer user_data)
{
  Run *run = user_data;
  run->migration_outcomes[rec->outcome]++;
  if (run->options->migration_sink != NULL)
    run->options->migration_sink (rec, run->options->migration_sink_data);
  if (rec->outcome == HERD_MIGRATION_OUTCOME_DONE)
    {
      double seconds = herd_time_to_seconds (rec->ended - rec->started);
      double downtime = rec->downtime_ms;
      g_array_append_val (run->migration_s, seconds);
      g_array_append_val (run->downtime_ms, downtime);
    }
  if (run->results != NULL)
    {
      HerdModel *m = run->model;
      herd_results_add_migration (
          run->results, rec, herd_model_vm (m, rec->vm)->name,
          herd_model_host (m, rec->source)->name,
          herd_model_host (m, rec->destination)->name);
    }
}

/* Mean and 95th percentile (GSL, linear interpolation) of values. */
static void
mean_p95 (GArray *values, double *mean, double *p95)
{
  *mean = *p95 = 0;
  if (values->len == 0)
    return;
  double *v = (double *) values->data;
  gsl_sort (v, 1, values->len);
  *mean = gsl_stats_mean (v, 1, values->len);
  *p95 = gsl_stats_quantile_from_sorted_data (v, 1, values->len, 0.95);
}

/* The VMs of groups with a host run there from time 0, Up: the world
 * runs them and the manager adopts them, before anything else happens. */
static gboolean
adopt_placed (Run *run, GError **error)
{
  const GPtrArray *groups = run->scenario->vm_groups;
  for (guint g = 0; g < groups->len; g++)
    {
      const HerdVmGroup *group = g_ptr_array_index (groups, g);
      for (guint i = 0; group->host != HERD_ID_NONE && i < group->count; i++)
        if (!herd_world_vm_adopt (run->world, group->host, group->first + i,
                                  error)
            || !herd_manager_adopt_vm (run->manager, group->first + i,
                                       group->host, error))
          return FALSE;
    }
  return TRUE;
}

/* Draws every VM's arrival and lifetime, in VM id order, from the streams
 * "arrival.GROUP" and "lifetime.GROUP", and schedules the arrivals (a VM
 * placed by its group's host runs already: only its lifetime's end). */
static void
schedule_users (Run *run)
{
  const GPtrArray *groups = run->scenario->vm_groups;
  run->stop_at = g_new (HerdTime, run->model->vms->len);
  for (guint g = 0; g < groups->len; g++)
    {
      const HerdVmGroup *group = g_ptr_array_index (groups, g);
      g_autofree char *a_name = g_strdup_printf ("arrival.%s", group->name);
      g_autofree char *l_name = g_strdup_printf ("lifetime.%s", group->name);
      gsl_rng *a_rng = herd_rng_set_stream (run->engine->rng, a_name);
      gsl_rng *l_rng = herd_rng_set_stream (run->engine->rng, l_name);
      for (guint i = 0; i < group->count; i++)
        {
          HerdId vm = group->first + i;
          HerdTime at = herd_distribution_sample (&group->arrival, a_rng);
          run->stop_at[vm] = HERD_TIME_NEVER;
          if (group->has_lifetime)
            run->stop_at[vm]
                = at + herd_distribution_sample (&group->lifetime, l_rng);
          if (group->host == HERD_ID_NONE)
            herd_engine_at (run->engine, at, vm_arrives, run, vm);
          else if (run->stop_at[vm] != HERD_TIME_NEVER)
            herd_engine_at (run->engine, run->stop_at[vm], vm_lifetime_ends,
                            run, vm);
        }
    }
  for (guint i = 0; i < run->scenario->actions->len; i++)
    {
      const HerdAction *action = g_ptr_array_index (run->scenario->actions, i);
      herd_engine_at (run->engine, action->at, action_runs, run, i);
    }
}

static void
take_samples (gpointer ctx, guint64 arg)
{
  Run *run = ctx;
  HerdTime now = run->engine->now;

  for (HerdId id = 0; id < run->model->hosts->len; id++)
    {
      const HerdHost *host = herd_model_host (run->model, id);
      const HerdSimHost *h = herd_world_host (run->world, id);
      double cap = (double) h->capacity_mc;
      herd_results_add_host_sample (
          run->results, now, id, herd_host_status_name (host->status),
          100.0 * (double) MIN (h->demand_mc, h->capacity_mc) / cap,
          100.0 * (double) h->demand_mc / cap, h->mem_used_mib,
          h->vm_count);
    }
  for (HerdId d = 0; d < run->model->domains->len; d++)
    {
      HerdThinDomain space = herd_world_domain_space (run->world, d);
      herd_results_add_storage_sample (run->results, now,
                                       herd_model_domain (run->model, d)->name,
                                       &space);
    }
  if (run->samples == HERD_SAMPLES_ALL)
    for (HerdId id = 0; id < run->model->vms->len; id++)
      {
        const HerdVm *vm = herd_model_vm (run->model, id);
        const HerdSimVm *v = herd_world_vm (run->world, id);
        double used = (double) herd_world_vm_cpu_used (run->world, id);
        herd_results_add_vm_sample (run->results, now, id, v->host,
                                    herd_vm_status_name (vm->status),
                                    100.0 * used / (v->vcpus * 1000.0));
        for (guint k = 0; k < vm->n_disks; k++)
          {
            HerdId disk = vm->first_disk + k;
            guint n = herd_world_disk_volumes (run->world, disk);
            for (guint i = 0; i < n; i++)
              {
                gint64 size;
                double data;
                herd_world_disk_volume (run->world, disk, i, &size, &data);
                herd_results_add_volume_sample (run->results, now, vm->name,
                                                disk, i, i + 1 == n, size,
                                                data);
              }
          }
      }
  herd_engine_at (run->engine, now + run->scenario->sample_interval,
                  take_samples, run, 0);
}

/* Extensions done and their latency, ENOSPC pauses (open ones end now),
 * and the least free space of any data domain. */
static void
summarise_thin (Run *run, HerdRunSummary *sum)
{
  const GArray *ext = herd_world_extensions (run->world);
  double total = 0, max = 0;
  for (guint i = 0; i < ext->len; i++)
    {
      const HerdThinExtension *e = &g_array_index (ext, HerdThinExtension, i);
      if (e->done == HERD_TIME_NEVER)
        continue;
      double s = herd_time_to_seconds (e->done - e->requested);
      sum->volume_extensions++;
      total += s;
      max = MAX (max, s);
    }
  sum->extension_mean_s
      = sum->volume_extensions > 0 ? total / sum->volume_extensions : 0;
  sum->extension_max_s = max;
  const GArray *pauses = herd_world_pauses (run->world);
  HerdTime paused = 0;
  for (guint i = 0; i < pauses->len; i++)
    {
      const HerdThinPause *p = &g_array_index (pauses, HerdThinPause, i);
      if (p->reason != HERD_PAUSE_ENOSPC)
        continue;
      sum->enospc_pauses++;
      paused += (p->end == HERD_TIME_NEVER ? run->engine->now : p->end)
                - p->start;
    }
  sum->enospc_paused_minutes = herd_time_to_seconds (paused) / 60.0;
  gint64 min_free = -1, end_free = -1;
  for (HerdId d = 0; d < run->model->domains->len; d++)
    if (herd_model_domain (run->model, d)->role == HERD_DOMAIN_DATA)
      {
        HerdThinDomain space = herd_world_domain_space (run->world, d);
        min_free = min_free < 0 ? space.min_free_mib
                                : MIN (min_free, space.min_free_mib);
        gint64 free_now = space.capacity_mib - space.used_mib;
        end_free = end_free < 0 ? free_now : MIN (end_free, free_now);
        sum->storage_low_seconds = MAX (sum->storage_low_seconds,
                                        herd_time_to_seconds (space.low_ns));
        sum->storage_critical_seconds
            = MAX (sum->storage_critical_seconds,
                   herd_time_to_seconds (space.critical_ns));
      }
  sum->storage_min_free_gib = MAX (min_free, 0) / 1024.0;
  sum->storage_end_free_gib = MAX (end_free, 0) / 1024.0;
}

static void
summarise (Run *run, HerdRunSummary *sum)
{
  double served = 0, capacity = 0, demand = 0, unserved = 0, energy = 0;
  double max_load = 0;
  HerdTime over_high = 0;
  for (HerdId id = 0; id < herd_world_n_hosts (run->world); id++)
    {
      const HerdSimHost *h = herd_world_host (run->world, id);
      over_high += h->over_high_ns;
      served += h->served_mc_s;
      capacity += (double) h->capacity_mc * herd_time_to_seconds (h->up_ns);
      demand += h->demand_mc_s;
      unserved += h->unserved_mc_s;
      energy += h->energy_j;
      max_load = MAX (max_load, h->load_max);
      sum->memory_over_host_hours += herd_time_to_seconds (h->mem_over_ns)
                                     / 3600.0;
      sum->memory_squeezed_gib_hours += h->squeezed_mib_s / 1024.0 / 3600.0;
      sum->ksm_saved_gib_hours += h->ksm_saved_mib_s / 1024.0 / 3600.0;
    }
  const HerdManagerStats *stats = herd_manager_stats (run->manager);
  sum->sim_time = run->engine->now;
  sum->events = run->engine->events;
  sum->hosts = run->model->hosts->len;
  sum->vms = run->model->vms->len;
  sum->placements = stats->placements;
  sum->placement_failures = stats->placement_failures;
  sum->vms_running = 0;
  for (HerdId id = 0; id < run->model->vms->len; id++)
    sum->vms_running += herd_model_vm (run->model, id)->status != HERD_VM_DOWN;
  sum->mean_host_cpu = capacity > 0 ? 100.0 * served / capacity : 0;
  sum->max_host_cpu = 100.0 * max_load;
  sum->high_util_host_hours = herd_time_to_seconds (over_high) / 3600.0;
  sum->cpu_demand_core_hours = demand / 1000.0 / 3600.0;
  sum->unserved_core_hours = unserved / 1000.0 / 3600.0;
  sum->energy_kwh = energy / 3.6e6;
  sum->migrations_done = run->migration_outcomes[HERD_MIGRATION_OUTCOME_DONE];
  sum->migrations_aborted
      = run->migration_outcomes[HERD_MIGRATION_OUTCOME_ABORTED];
  sum->migrations_failed
      = run->migration_outcomes[HERD_MIGRATION_OUTCOME_FAILED];
  sum->migrations = sum->migrations_done + sum->migrations_aborted
                    + sum->migrations_failed;
  mean_p95 (run->migration_s, &sum->migration_mean_s, &sum->migration_p95_s);
  mean_p95 (run->downtime_ms, &sum->downtime_mean_ms, &sum->downtime_p95_ms);
  sum->migration_downtime_s = 0;
  for (guint i = 0; i < run->downtime_ms->len; i++)
    sum->migration_downtime_s += g_array_index (run->downtime_ms, double, i)
                                 / 1000.0;
  sum->balancing_migrations = stats->balancing_migrations;
  sum->affinity_repairs = stats->affinity_repairs;
  sum->ha_checks = stats->ha_checks;
  sum->ha_checks_failed = stats->ha_checks_failed;
  sum->ha_unsafe_seconds = herd_time_to_seconds (stats->ha_unsafe_time);
  sum->hosts_powered_off = stats->hosts_powered_off;
  sum->hosts_powered_on = stats->hosts_powered_on;
  HerdTime off = 0;
  for (HerdId id = 0; id < herd_world_n_hosts (run->world); id++)
    off += herd_world_host (run->world, id)->off_ns;
  sum->powered_off_host_hours = herd_time_to_seconds (off) / 3600.0;
  sum->hosts_non_responsive = stats->hosts_non_responsive;
  sum->soft_fences = stats->soft_fences;
  sum->soft_fences_ok = stats->soft_fences_ok;
  sum->fences = stats->fences;
  sum->fences_ok = stats->fences_ok;
  sum->fences_skipped = stats->fences_skipped;
  sum->ha_restarts = stats->ha_restarts;
  sum->spm_elections = stats->spm_elections;
  sum->spm_unavailable_seconds
      = herd_time_to_seconds (stats->spm_unavailable_time);
  HerdFailoverSummary fs;
  herd_failovers_summarise (run->failovers, run->engine->now, &fs);
  sum->failovers = fs.failovers;
  sum->vms_recovered = fs.vms_recovered;
  sum->vms_lost = fs.vms_lost;
  sum->recovery_mean_s = fs.recovery_mean_s;
  sum->recovery_max_s = fs.recovery_max_s;
  sum->vm_downtime_minutes = fs.vm_downtime_minutes;
  summarise_thin (run, sum);
}

/* The volume_extensions, pauses and storage_totals tables. */
static void
record_thin (Run *run)
{
  HerdModel *m = run->model;
  const GArray *ext = herd_world_extensions (run->world);
  for (guint i = 0; i < ext->len; i++)
    {
      const HerdThinExtension *e = &g_array_index (ext, HerdThinExtension, i);
      const HerdDisk *disk = g_ptr_array_index (m->disks, e->disk);
      herd_results_add_extension (run->results, e,
                                  herd_model_vm (m, disk->vm)->name,
                                  herd_model_domain (m, disk->domain)->name);
    }
  const GArray *pauses = herd_world_pauses (run->world);
  for (guint i = 0; i < pauses->len; i++)
    {
      const HerdThinPause *p = &g_array_index (pauses, HerdThinPause, i);
      herd_results_add_pause (run->results, p, herd_model_vm (m, p->vm)->name);
    }
  for (HerdId d = 0; d < m->domains->len; d++)
    {
      HerdThinDomain space = herd_world_domain_space (run->world, d);
      herd_results_add_storage_totals (run->results,
                                       herd_model_domain (m, d)->name, &space);
    }
}

static void
write_summary (HerdResults *r, const HerdRunSummary *sum, HerdAudit *audit)
{
  herd_results_add_summary (r, "sim_seconds",
                            herd_time_to_seconds (sum->sim_time));
  herd_results_add_summary (r, "events", (double) sum->events);
  herd_results_add_summary (r, "wall_seconds", sum->wall_seconds);
  herd_results_add_summary (r, "hosts", (double) sum->hosts);
  herd_results_add_summary (r, "vms", (double) sum->vms);
  herd_results_add_summary (r, "placements", (double) sum->placements);
  herd_results_add_summary (r, "placement_failures",
                            (double) sum->placement_failures);
  herd_results_add_summary (r, "vms_running_at_end",
                            (double) sum->vms_running);
  herd_results_add_summary (r, "mean_host_cpu_percent", sum->mean_host_cpu);
  herd_results_add_summary (r, "max_host_cpu_percent", sum->max_host_cpu);
  herd_results_add_summary (r, "high_util_host_hours",
                            sum->high_util_host_hours);
  herd_results_add_summary (r, "cpu_demand_core_hours",
                            sum->cpu_demand_core_hours);
  herd_results_add_summary (r, "unserved_cpu_core_hours",
                            sum->unserved_core_hours);
  herd_results_add_summary (r, "energy_kwh", sum->energy_kwh);
  herd_results_add_summary (r, "memory_over_host_hours",
                            sum->memory_over_host_hours);
  herd_results_add_summary (r, "memory_squeezed_gib_hours",
                            sum->memory_squeezed_gib_hours);
  herd_results_add_summary (r, "ksm_saved_gib_hours",
                            sum->ksm_saved_gib_hours);
  herd_results_add_summary (r, "migrations", (double) sum->migrations);
  herd_results_add_summary (r, "migrations_done",
                            (double) sum->migrations_done);
  herd_results_add_summary (r, "migrations_aborted",
                            (double) sum->migrations_aborted);
  herd_results_add_summary (r, "migrations_failed",
                            (double) sum->migrations_failed);
  herd_results_add_summary (r, "migration_success_ratio",
                            sum->migrations > 0
                                ? (double) sum->migrations_done
                                      / (double) sum->migrations
                                : 0);
  herd_results_add_summary (r, "migration_mean_seconds",
                            sum->migration_mean_s);
  herd_results_add_summary (r, "migration_p95_seconds",
                            sum->migration_p95_s);
  herd_results_add_summary (r, "downtime_mean_ms", sum->downtime_mean_ms);
  herd_results_add_summary (r, "downtime_p95_ms", sum->downtime_p95_ms);
  herd_results_add_summary (r, "migration_downtime_seconds",
                            sum->migration_downtime_s);
  herd_results_add_summary (r, "balancing_migrations",
                            (double) sum->balancing_migrations);
  herd_results_add_summary (r, "affinity_repairs",
                            (double) sum->affinity_repairs);
  herd_results_add_summary (r, "ha_checks", (double) sum->ha_checks);
  herd_results_add_summary (r, "ha_checks_failed",
                            (double) sum->ha_checks_failed);
  herd_results_add_summary (r, "ha_unsafe_seconds", sum->ha_unsafe_seconds);
  herd_results_add_summary (r, "hosts_powered_off",
                            (double) sum->hosts_powered_off);
  herd_results_add_summary (r, "hosts_powered_on",
                            (double) sum->hosts_powered_on);
  herd_results_add_summary (r, "powered_off_host_hours",
                            sum->powered_off_host_hours);
  const struct
  {
    const char *key;
    double value;
  } more[] = {
    { "hosts_non_responsive", (double) sum->hosts_non_responsive },
    { "soft_fences", (double) sum->soft_fences },
    { "soft_fences_ok", (double) sum->soft_fences_ok },
    { "fences", (double) sum->fences },
    { "fences_ok", (double) sum->fences_ok },
    { "fences_skipped", (double) sum->fences_skipped },
    { "ha_restarts", (double) sum->ha_restarts },
    { "spm_elections", (double) sum->spm_elections },
    { "spm_unavailable_seconds", sum->spm_unavailable_seconds },
    { "failovers", (double) sum->failovers },
    { "failover_vms_recovered", (double) sum->vms_recovered },
    { "failover_vms_lost", (double) sum->vms_lost },
    { "ha_recovery_mean_seconds", sum->recovery_mean_s },
    { "ha_recovery_max_seconds", sum->recovery_max_s },
    { "vm_downtime_minutes", sum->vm_downtime_minutes },
    { "volume_extensions", (double) sum->volume_extensions },
    { "extension_mean_seconds", sum->extension_mean_s },
    { "extension_max_seconds", sum->extension_max_s },
    { "enospc_pauses", (double) sum->enospc_pauses },
    { "enospc_paused_vm_minutes", sum->enospc_paused_minutes },
    { "storage_min_free_gib", sum->storage_min_free_gib },
    { "storage_end_free_gib", sum->storage_end_free_gib },
    { "storage_low_seconds", sum->storage_low_seconds },
    { "storage_critical_seconds", sum->storage_critical_seconds },
  };
  for (guint i = 0; i < G_N_ELEMENTS (more); i++)
    herd_results_add_summary (r, more[i].key, more[i].value);
  for (int t = 0; t < HERD_AUDIT_LAST; t++)
    {
      g_autofree char *key = g_strdup_printf (
          "audit.%s", herd_audit_info ((HerdAuditType) t)->name);
      herd_results_add_summary (r, key, (double) sum->audit_counts[t]);
    }
}

static void
record_host_totals (Run *run)
{
  for (HerdId id = 0; id < herd_world_n_hosts (run->world); id++)
    {
      const HerdSimHost *h = herd_world_host (run->world, id);
      herd_results_add_host_totals (
          run->results, id, h->energy_j / 3.6e6,
          herd_time_to_seconds (h->up_ns), herd_time_to_seconds (h->off_ns),
          h->served_mc_s / 3.6e6, h->unserved_mc_s / 3.6e6);
    }
}

static gboolean
decision_wanted (HerdId vm, gpointer user_data)
{
  Run *run = user_data;
  return run->options->record_decisions
         || (run->options->decision_wants != NULL
             && run->options->decision_wants (vm,
                                              run->options->decision_data));
}

static void
decision_made (const HerdDecision *d, gpointer user_data)
{
  Run *run = user_data;
  if (run->options->record_decisions && run->results != NULL)
    herd_results_add_decision (run->results, run->model, d);
  if (run->options->decision_wants != NULL
      && run->options->decision_wants (d->vm, run->options->decision_data))
    run->options->decision_sink (d, run->options->decision_data);
}

static void
record_definitions (Run *run)
{
  HerdModel *m = run->model;
  for (HerdId id = 0; id < m->hosts->len; id++)
    {
      const HerdHost *h = herd_model_host (m, id);
      herd_results_add_host (run->results, id, h->name,
                             herd_model_cluster (m, h->cluster)->name,
                             h->cores, h->memory_mib);
    }
  for (HerdId id = 0; id < m->vms->len; id++)
    {
      const HerdVm *v = herd_model_vm (m, id);
      herd_results_add_vm (run->results, id, v->name,
                           herd_model_cluster (m, v->cluster)->name,
                           v->vcpus, v->memory_mib);
    }
}

gboolean
herd_run_simulation (HerdScenario *scenario, const HerdRunOptions *options,
                     HerdRunSummary *summary, GError **error)
{
  gint64 wall_start = g_get_monotonic_time ();
  guint64 seed = options->seed_set ? options->seed : scenario->seed;
  HerdTime until = options->until != HERD_TIME_NEVER ? options->until
                                                     : scenario->duration;
  Run run = { .scenario = scenario, .model = scenario->model,
              .options = options };
  g_autoptr (HerdEngine) engine = herd_engine_new (seed);
  g_autoptr (HerdAudit) audit = herd_audit_new ();
  g_autoptr (HerdResults) results = NULL;

  memset (summary, 0, sizeof *summary);
  summary->seed = seed;
  summary->run_id = -1;
  if (options->db_path != NULL)
    {
      results = herd_results_open (options->db_path, error);
      if (results == NULL)
        return FALSE;
      HerdRunInfo info = { scenario->name, scenario->path, scenario->text,
                           seed, until, options->redo };
      summary->run_id = herd_results_begin_run (results, &info, error);
      if (summary->run_id < 0)
        return FALSE;
      herd_audit_add_sink (audit, herd_results_audit_sink, results);
    }
  if (options->trace != NULL)
    herd_audit_add_sink (audit, herd_run_trace_sink, options->trace);

  g_autoptr (HerdWorld) world = herd_world_new (
      scenario, engine, scenario->model->params.vm_memory_overhead_mib);
  g_autoptr (HerdDriver) driver
      = herd_driver_open ("sim", scenario->model, world, error);
  if (driver == NULL)
    return FALSE;
  g_autoptr (HerdManager) manager
      = herd_manager_new (scenario->model, driver, audit);
  g_autoptr (HerdFailovers) failovers = herd_failovers_new (scenario->model);
  g_autoptr (HerdCheck) check
      = herd_check_new (engine, world, manager, scenario->model, failovers,
                        seed, options->check_invariants);
  herd_audit_add_sink (audit, herd_failovers_audit_sink, failovers);
  if (options->check_invariants)
    herd_audit_add_sink (audit, herd_check_audit_sink, check);
  run.failovers = failovers;
  run.engine = engine;
  run.world = world;
  run.manager = manager;
  run.results = results;
  run.samples = options->samples;
  run.migration_s = g_array_new (FALSE, FALSE, sizeof (double));
  run.downtime_ms = g_array_new (FALSE, FALSE, sizeof (double));
  herd_manager_set_migration_sink (manager, migration_ended, &run);
  if (options->decision_wants != NULL
      || (options->record_decisions && results != NULL))
    herd_manager_set_decision_sink (manager, decision_wanted, decision_made,
                                    &run);

  if (!herd_manager_start (manager, error) || !adopt_placed (&run, error))
    {
      g_array_unref (run.migration_s);
      g_array_unref (run.downtime_ms);
      return FALSE;
    }
  herd_world_start (world);
  schedule_users (&run);
  schedule_faults (&run);
  herd_check_start (check);
  if (results != NULL)
    {
      record_definitions (&run);
      if (run.samples != HERD_SAMPLES_NONE)
        herd_engine_at (engine, 0, take_samples, &run, 0);
    }

  herd_engine_run (engine, until, options->progress, options->progress_data);
  herd_manager_finish (manager);
  herd_world_finish (world);
  summarise (&run, summary);
  for (int t = 0; t < HERD_AUDIT_LAST; t++)
    summary->audit_counts[t] = herd_audit_count (audit, (HerdAuditType) t);
  summary->wall_seconds = (double) (g_get_monotonic_time () - wall_start)
                          / 1e6;
  g_free (run.stop_at);
  g_array_unref (run.migration_s);
  g_array_unref (run.downtime_ms);
  if (herd_check_violation (check) != NULL)
    {
      g_set_error (error, HERD_RUN_ERROR, HERD_RUN_ERROR_INVARIANT, "%s",
                   herd_check_violation (check));
      g_clear_pointer (&check, herd_check_free);
      g_clear_pointer (&manager, herd_manager_free);
      g_clear_pointer (&driver, herd_driver_free);
      return FALSE;
    }
  g_clear_pointer (&check, herd_check_free);

  /* The manager and driver go before the world they point into. */
  g_clear_pointer (&manager, herd_manager_free);
  g_clear_pointer (&driver, herd_driver_free);
  if (results != NULL)
    {
      record_host_totals (&run);
      record_thin (&run);
      herd_failovers_write (failovers, results);
      write_summary (results, summary, audit);
      if (!herd_results_end_run (results, error))
        return FALSE;
    }
  return TRUE;
}
