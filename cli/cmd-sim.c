/* cmd-sim.c: `herd sim SCENARIO`: run a scenario on the simulated cluster
 * and print its summary, as a table or (--json) as one JSON object. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include <json-glib/json-glib.h>

#include "cli/commands.h"
#include "core/units.h"
#include "results/results.h"
#include "run/run.h"

typedef struct
{
  HerdTime until;
  gint64 last_wall; /* microseconds, last redraw */
  gboolean drawn;
} Progress;

/* Redraws the progress bar on stderr at most ten times a second. */
static void
progress_draw (HerdTime now, gpointer user_data)
{
  Progress *p = user_data;
  gint64 wall = g_get_monotonic_time ();
  if (p->drawn && wall - p->last_wall < 100000)
    return;
  p->last_wall = wall;
  p->drawn = TRUE;
  double frac = p->until > 0 ? (double) now / (double) p->until : 1.0;
  frac = CLAMP (frac, 0.0, 1.0);
  char bar[41];
  int fill = (int) (frac * 40);
  memset (bar, '#', fill);
  memset (bar + fill, ' ', 40 - fill);
  bar[40] = '\0';
  fprintf (stderr, "\r[%s] %5.1f%%  day %.2f of %.2f", bar, 100 * frac,
           herd_time_to_seconds (now) / 86400,
           herd_time_to_seconds (p->until) / 86400);
  fflush (stderr);
}

/* --explain: the decisions about one VM, rendered as they are made. */
typedef struct
{
  HerdModel *model;
  HerdId vm;
  GString *text;
  JsonBuilder *json;
  guint count;
} Explain;

static gboolean
explain_wants (HerdId vm, gpointer user_data)
{
  return vm == ((Explain *) user_data)->vm;
}

static const char *
name_or_none (HerdModel *model, HerdId host)
{
  return host != HERD_ID_NONE ? herd_model_host (model, host)->name : "none";
}

static void
explain_decision (const HerdDecision *d, gpointer user_data)
{
  Explain *e = user_data;
  const HerdPlacementTrace *t = d->trace;
  char when[HERD_TIME_BUF];
  g_autoptr (GString) w = g_string_new (NULL);
  e->count++;
  g_string_append_printf (e->text, "\n%s s  %s of %s%s%s: chosen %s\n",
                          herd_time_format (d->time, when), d->kind,
                          herd_model_vm (e->model, d->vm)->name,
                          d->source != HERD_ID_NONE ? " from " : "",
                          d->source != HERD_ID_NONE
                              ? name_or_none (e->model, d->source)
                              : "",
                          name_or_none (e->model, t->chosen));
  g_string_append_printf (e->text, "  %-16s %-20s %6s  %s\n", "host",
                          "removed by filter", "total",
                          "weight=score/rank (factor x rank adds up)");
  json_builder_begin_object (e->json);
  json_builder_set_member_name (e->json, "time");
  json_builder_add_double_value (e->json, herd_time_to_seconds (d->time));
  json_builder_set_member_name (e->json, "kind");
  json_builder_add_string_value (e->json, d->kind);
  json_builder_set_member_name (e->json, "chosen");
  json_builder_add_string_value (e->json, name_or_none (e->model, t->chosen));
  json_builder_set_member_name (e->json, "hosts");
  json_builder_begin_array (e->json);
  for (guint i = 0; i < t->hosts->len; i++)
    {
      const HerdPlacementHost *ph
          = &g_array_index (t->hosts, HerdPlacementHost, i);
      const char *name = name_or_none (e->model, ph->host);
      json_builder_begin_object (e->json);
      json_builder_set_member_name (e->json, "host");
      json_builder_add_string_value (e->json, name);
      if (ph->rejected_by != HERD_FILTER_NONE)
        {
          g_string_append_printf (e->text, "  %-16s %-20s\n", name,
                                  herd_filter_name (ph->rejected_by));
          json_builder_set_member_name (e->json, "filter");
          json_builder_add_string_value (e->json,
                                         herd_filter_name (ph->rejected_by));
        }
      else
        {
          herd_results_format_weights (t, ph, w);
          g_string_append_printf (e->text, "%s %-16s %-20s %6" G_GUINT64_FORMAT
                                  "  %s\n",
                                  ph->host == t->chosen ? "*" : " ", name,
                                  "-", ph->total, w->str);
          json_builder_set_member_name (e->json, "total");
          json_builder_add_int_value (e->json, (gint64) ph->total);
          json_builder_set_member_name (e->json, "weights");
          json_builder_add_string_value (e->json, w->str);
        }
      json_builder_end_object (e->json);
    }
  json_builder_end_array (e->json);
  json_builder_end_object (e->json);
}

static void
print_table (const HerdScenario *sc, const HerdRunSummary *s)
{
  double eps = s->wall_seconds > 0 ? (double) s->events / s->wall_seconds
                                   : 0;
  double unserved_pct = s->cpu_demand_core_hours > 0
                            ? 100 * s->unserved_core_hours
                                  / s->cpu_demand_core_hours
                            : 0;
  printf ("herd sim: %s (%s), seed %" G_GUINT64_FORMAT "\n", sc->name,
          sc->path, s->seed);
  printf ("  %-22s %.3f s (%.2f days)\n", "simulated time",
          herd_time_to_seconds (s->sim_time),
          herd_time_to_seconds (s->sim_time) / 86400);
  printf ("  %-22s %" G_GUINT64_FORMAT "\n", "events processed", s->events);
  printf ("  %-22s %.3f s\n", "wall time", s->wall_seconds);
  printf ("  %-22s %.0f\n", "events per second", eps);
  printf ("  %-22s %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT "\n",
          "hosts / VMs", s->hosts, s->vms);
  printf ("  %-22s %" G_GUINT64_FORMAT "\n", "VMs placed", s->placements);
  printf ("  %-22s %" G_GUINT64_FORMAT "\n", "VMs not placed",
          s->placement_failures);
  printf ("  %-22s %" G_GUINT64_FORMAT "\n", "VMs running at end",
          s->vms_running);
  printf ("  %-22s %.2f %%\n", "mean host CPU", s->mean_host_cpu);
  printf ("  %-22s %.2f %%\n", "max host CPU", s->max_host_cpu);
  printf ("  %-22s %.2f core-hours\n", "CPU demand",
          s->cpu_demand_core_hours);
  printf ("  %-22s %.2f core-hours (%.3f %% of demand)\n", "unserved CPU",
          s->unserved_core_hours, unserved_pct);
  printf ("  %-22s %.2f kWh\n", "energy", s->energy_kwh);
  printf ("  %-22s %.2f host-hours over physical memory, %.2f GiB-hours "
          "held back by balloons, %.2f GiB-hours saved by KSM\n",
          "memory", s->memory_over_host_hours, s->memory_squeezed_gib_hours,
          s->ksm_saved_gib_hours);
  printf ("  %-22s %" G_GUINT64_FORMAT " (done %" G_GUINT64_FORMAT
          ", aborted %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT ")\n",
          "migrations", s->migrations, s->migrations_done,
          s->migrations_aborted, s->migrations_failed);
  if (s->migrations_done > 0)
    {
      printf ("  %-22s mean %.2f s, p95 %.2f s\n", "migration time",
              s->migration_mean_s, s->migration_p95_s);
      printf ("  %-22s mean %.1f ms, p95 %.1f ms\n", "migration downtime",
              s->downtime_mean_ms, s->downtime_p95_ms);
    }
  printf ("  %-22s %" G_GUINT64_FORMAT " (affinity repairs %" G_GUINT64_FORMAT
          ")\n",
          "balancing migrations", s->balancing_migrations,
          s->affinity_repairs);
  if (s->ha_checks > 0)
    printf ("  %-22s %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
            " checks failed, %.0f s not HA-safe\n",
            "HA reservation", s->ha_checks_failed, s->ha_checks,
            s->ha_unsafe_seconds);
  if (s->hosts_powered_off + s->hosts_powered_on > 0)
    printf ("  %-22s %" G_GUINT64_FORMAT " off, %" G_GUINT64_FORMAT
            " on, %.2f host-hours powered off\n",
            "power saving", s->hosts_powered_off, s->hosts_powered_on,
            s->powered_off_host_hours);
  if (s->hosts_non_responsive + s->soft_fences + s->fences > 0)
    {
      printf ("  %-22s %" G_GUINT64_FORMAT " non responsive, soft fencing %"
              G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " worked), fencing %"
              G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " confirmed, %"
              G_GUINT64_FORMAT " skipped)\n",
              "host failures", s->hosts_non_responsive, s->soft_fences,
              s->soft_fences_ok, s->fences, s->fences_ok, s->fences_skipped);
      printf ("  %-22s %" G_GUINT64_FORMAT " VMs back (%" G_GUINT64_FORMAT
              " not), mean %.1f s, max %.1f s; %.1f VM-minutes down\n",
              "recovery", s->vms_recovered, s->vms_lost, s->recovery_mean_s,
              s->recovery_max_s, s->vm_downtime_minutes);
    }
  if (s->volume_extensions + s->enospc_pauses > 0)
    printf ("  %-22s %" G_GUINT64_FORMAT " extensions (mean %.1f s, max "
            "%.1f s), %" G_GUINT64_FORMAT " ENOSPC pauses, %.1f VM-minutes "
            "paused, least free %.1f GiB (%.0f s low, %.0f s critical)\n",
            "thin storage", s->volume_extensions, s->extension_mean_s,
            s->extension_max_s, s->enospc_pauses, s->enospc_paused_minutes,
            s->storage_min_free_gib, s->storage_low_seconds,
            s->storage_critical_seconds);
  if (s->spm_elections > 0)
    printf ("  %-22s %" G_GUINT64_FORMAT " elections, %.0f s without an "
            "SPM\n",
            "SPM", s->spm_elections, s->spm_unavailable_seconds);
  if (s->run_id >= 0)
    printf ("  %-22s %" G_GINT64_FORMAT "\n", "results run id", s->run_id);
  /* The name column fits the longest name shown (at least 28). */
  int width = 28;
  for (int t = 0; t < HERD_AUDIT_LAST; t++)
    if (s->audit_counts[t] > 0)
      width = MAX (width,
                   (int) strlen (herd_audit_info ((HerdAuditType) t)->name));
  printf ("\naudit events:\n  %6s  %-*s %10s\n", "code", width, "name",
          "count");
  for (int t = 0; t < HERD_AUDIT_LAST; t++)
    if (s->audit_counts[t] > 0)
      {
        const HerdAuditInfo *info = herd_audit_info ((HerdAuditType) t);
        printf ("  %6d  %-*s %10" G_GUINT64_FORMAT "\n", info->code, width,
                info->name, s->audit_counts[t]);
      }
}

static void
print_json (const HerdScenario *sc, const HerdRunSummary *s,
            const Explain *explain)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
#define INT(k, v)                                                           \
  json_builder_set_member_name (b, k);                                      \
  json_builder_add_int_value (b, (gint64) (v))
#define DBL(k, v)                                                           \
  json_builder_set_member_name (b, k);                                      \
  json_builder_add_double_value (b, v)
#define STR(k, v)                                                           \
  json_builder_set_member_name (b, k);                                      \
  json_builder_add_string_value (b, v)
  STR ("scenario", sc->name);
  STR ("path", sc->path);
  INT ("seed", s->seed);
  DBL ("sim_seconds", herd_time_to_seconds (s->sim_time));
  INT ("events", s->events);
  DBL ("wall_seconds", s->wall_seconds);
  DBL ("events_per_second",
       s->wall_seconds > 0 ? (double) s->events / s->wall_seconds : 0);
  INT ("hosts", s->hosts);
  INT ("vms", s->vms);
  INT ("vms_placed", s->placements);
  INT ("vms_not_placed", s->placement_failures);
  INT ("vms_running_at_end", s->vms_running);
  DBL ("mean_host_cpu_percent", s->mean_host_cpu);
  DBL ("max_host_cpu_percent", s->max_host_cpu);
  DBL ("high_util_host_hours", s->high_util_host_hours);
  DBL ("migration_downtime_seconds", s->migration_downtime_s);
  DBL ("cpu_demand_core_hours", s->cpu_demand_core_hours);
  DBL ("unserved_cpu_core_hours", s->unserved_core_hours);
  DBL ("energy_kwh", s->energy_kwh);
  DBL ("memory_over_host_hours", s->memory_over_host_hours);
  DBL ("memory_squeezed_gib_hours", s->memory_squeezed_gib_hours);
  DBL ("ksm_saved_gib_hours", s->ksm_saved_gib_hours);
  INT ("migrations", s->migrations);
  INT ("migrations_done", s->migrations_done);
  INT ("migrations_aborted", s->migrations_aborted);
  INT ("migrations_failed", s->migrations_failed);
  DBL ("migration_mean_seconds", s->migration_mean_s);
  DBL ("migration_p95_seconds", s->migration_p95_s);
  DBL ("downtime_mean_ms", s->downtime_mean_ms);
  DBL ("downtime_p95_ms", s->downtime_p95_ms);
  INT ("balancing_migrations", s->balancing_migrations);
  INT ("affinity_repairs", s->affinity_repairs);
  INT ("ha_checks", s->ha_checks);
  INT ("ha_checks_failed", s->ha_checks_failed);
  DBL ("ha_unsafe_seconds", s->ha_unsafe_seconds);
  INT ("hosts_powered_off", s->hosts_powered_off);
  INT ("hosts_powered_on", s->hosts_powered_on);
  DBL ("powered_off_host_hours", s->powered_off_host_hours);
  INT ("hosts_non_responsive", s->hosts_non_responsive);
  INT ("soft_fences", s->soft_fences);
  INT ("soft_fences_ok", s->soft_fences_ok);
  INT ("fences", s->fences);
  INT ("fences_ok", s->fences_ok);
  INT ("fences_skipped", s->fences_skipped);
  INT ("ha_restarts", s->ha_restarts);
  INT ("spm_elections", s->spm_elections);
  DBL ("spm_unavailable_seconds", s->spm_unavailable_seconds);
  INT ("failovers", s->failovers);
  INT ("failover_vms_recovered", s->vms_recovered);
  INT ("failover_vms_lost", s->vms_lost);
  DBL ("ha_recovery_mean_seconds", s->recovery_mean_s);
  DBL ("ha_recovery_max_seconds", s->recovery_max_s);
  DBL ("vm_downtime_minutes", s->vm_downtime_minutes);
  INT ("volume_extensions", s->volume_extensions);
  DBL ("extension_mean_seconds", s->extension_mean_s);
  DBL ("extension_max_seconds", s->extension_max_s);
  INT ("enospc_pauses", s->enospc_pauses);
  DBL ("enospc_paused_vm_minutes", s->enospc_paused_minutes);
  DBL ("storage_min_free_gib", s->storage_min_free_gib);
  DBL ("storage_end_free_gib", s->storage_end_free_gib);
  DBL ("storage_low_seconds", s->storage_low_seconds);
  DBL ("storage_critical_seconds", s->storage_critical_seconds);
  if (s->run_id >= 0)
    {
      INT ("run_id", s->run_id);
    }
  json_builder_set_member_name (b, "audit");
  json_builder_begin_object (b);
  for (int t = 0; t < HERD_AUDIT_LAST; t++)
    {
      INT (herd_audit_info ((HerdAuditType) t)->name, s->audit_counts[t]);
    }
  json_builder_end_object (b);
  if (explain != NULL)
    {
      json_builder_set_member_name (b, "decisions");
      json_builder_add_value (b, json_builder_get_root (explain->json));
    }
  json_builder_end_object (b);
#undef INT
#undef DBL
#undef STR
  herd_cli_print_json (b);
}

/* The results database refused the run: it holds one of the same
 * identity (no --redo), or was written by a newer herd.  Exit 2. */
static gboolean
db_refused (const GError *error)
{
  return g_error_matches (error, HERD_RESULTS_ERROR,
                          HERD_RESULTS_ERROR_EXISTS)
         || g_error_matches (error, HERD_RESULTS_ERROR,
                             HERD_RESULTS_ERROR_SCHEMA);
}

/* --seeds: one run per seed, each from a fresh load of the scenario; a
 * line per violation, a count at the end.  Exit 1 on any violation. */
static int
run_seeds (const char *path, guint64 first, guint64 last,
           const HerdRunOptions *base, gboolean show_progress)
{
  guint64 runs = 0, violations = 0;
  double wall = 0;
  for (guint64 seed = first; seed <= last; seed++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc = herd_scenario_load (path, &error);
      if (sc == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return HERD_EXIT_USAGE;
        }
      HerdRunOptions options = *base;
      options.seed_set = TRUE;
      options.seed = seed;
      HerdRunSummary summary;
      runs++;
      if (!herd_run_simulation (sc, &options, &summary, &error))
        {
          if (!g_error_matches (error, HERD_RUN_ERROR,
                                HERD_RUN_ERROR_INVARIANT))
            {
              herd_cli_error ("sim", "seed %" G_GUINT64_FORMAT ": %s", seed,
                              error->message);
              return db_refused (error) ? HERD_EXIT_USAGE
                                        : HERD_EXIT_FAILURE;
            }
          violations++;
          printf ("seed %" G_GUINT64_FORMAT ": %s\n", seed, error->message);
          continue;
        }
      wall += summary.wall_seconds;
      if (show_progress)
        fprintf (stderr, "\rseed %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                         ", %" G_GUINT64_FORMAT " violations",
                 seed, last, violations);
    }
  if (show_progress)
    fprintf (stderr, "\r%60s\r", "");
  printf ("%" G_GUINT64_FORMAT " runs (seeds %" G_GUINT64_FORMAT "..%"
          G_GUINT64_FORMAT "), %" G_GUINT64_FORMAT " invariant violations, "
          "%.2f s simulating\n",
          runs, first, last, violations, wall);
  return violations == 0 ? HERD_EXIT_OK : HERD_EXIT_FAILURE;
}

static gboolean
parse_samples (const char *text, HerdSamples *out)
{
  static const char *const names[HERD_SAMPLES_LAST] = { "all", "hosts",
                                                         "none" };
  for (int i = 0; i < HERD_SAMPLES_LAST; i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *out = (HerdSamples) i;
        return TRUE;
      }
  return FALSE;
}

/* herd sim's options, as given. */
typedef struct
{
  gint64 seed; /* -1: not given */
  char *until_text, *db_path, *trace_path, *samples_text, *explain_vm;
  char *seeds_text;
  gboolean json, quiet, decisions, check, redo;
} SimOptions;

static void
sim_options_clear (SimOptions *opt)
{
  g_free (opt->until_text);
  g_free (opt->db_path);
  g_free (opt->trace_path);
  g_free (opt->samples_text);
  g_free (opt->explain_vm);
  g_free (opt->seeds_text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SimOptions, sim_options_clear)

/* The command line into opt; FALSE when it does not parse (or --help). */
static gboolean
sim_parse (int *argc, char ***argv, SimOptions *opt)
{
  const GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opt->seed,
      "Seed of the run's random streams (default: the scenario's)", "N" },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &opt->seeds_text,
      "Run once per seed of A..B (each from a fresh load; with --db, all "
      "into one database); print each invariant violation and a count",
      "A..B" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &opt->until_text,
      "Stop at this simulated time (default: the scenario's duration)",
      "TIME" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt->db_path,
      "Write the run into this SQLite results database: recorded as "
      "running at once, committed in chunks, marked done (or failed) at "
      "the end; a run of the same scenario text, seed, duration and herd "
      "version already in FILE is refused (exit 2) unless --redo",
      "FILE" },
    { "redo", 0, 0, G_OPTION_ARG_NONE, &opt->redo,
      "With --db: delete a run of the same scenario text, seed, duration "
      "and herd version (done, failed or left running by a killed herd) "
      "and run it again",
      NULL },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &opt->samples_text,
      "What --db samples every sample_interval: all (default), hosts, none",
      "WHAT" },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &opt->trace_path,
      "Write one line per audit event to FILE ('-' for stdout)", "FILE" },
    { "explain", 0, 0, G_OPTION_ARG_STRING, &opt->explain_vm,
      "Print every placement decision about VM: per host the filter that "
      "removed it, or its scores, ranks and total",
      "VM" },
    { "decisions", 0, 0, G_OPTION_ARG_NONE, &opt->decisions,
      "With --db: record every placement decision (tables decisions and "
      "decision_hosts; large on big scenarios)",
      NULL },
    { "check-invariants", 0, 0, G_OPTION_ARG_NONE, &opt->check,
      "Check the invariants all along; stop at the first violation with a "
      "report (exit status 1)",
      NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt->json,
      "Print the summary as JSON", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt->quiet,
      "No progress bar", NULL },
    { NULL },
  };
  return herd_cli_parse (argc, argv, "sim", "SCENARIO",
                         "Runs SCENARIO on the simulated cluster and prints "
                         "a summary.",
                         "The same scenario and seed always give the same "
                         "trace, byte for byte.\nExit status: 0 done, 1 the "
                         "run failed, 2 bad usage or bad scenario, or --db "
                         "already holds the run (see --redo) or is newer "
                         "than this herd.",
                         entries);
}

/* --seed, --until, --samples, --db and --redo into options; FALSE with a
 * message at the first that is wrong. */
static gboolean
sim_run_options (const SimOptions *opt, HerdRunOptions *options)
{
  g_autoptr (GError) error = NULL;
  if (opt->seed != -1)
    {
      if (opt->seed < 0)
        {
          herd_cli_error ("sim", "--seed: expected a whole number >= 0");
          return FALSE;
        }
      options->seed_set = TRUE;
      options->seed = (guint64) opt->seed;
    }
  if (opt->until_text != NULL
      && !herd_units_parse_duration (opt->until_text, &options->until,
                                     &error))
    {
      herd_cli_error ("sim", "--until: %s", error->message);
      return FALSE;
    }
  if (opt->samples_text != NULL
      && !parse_samples (opt->samples_text, &options->samples))
    {
      herd_cli_error ("sim", "--samples: expected all, hosts or none, got "
                             "\"%s\"",
                      opt->samples_text);
      return FALSE;
    }
  options->db_path = opt->db_path;
  if (opt->redo && opt->db_path == NULL)
    {
      herd_cli_error ("sim", "--redo needs --db FILE");
      return FALSE;
    }
  options->redo = opt->redo;
  return TRUE;
}

/* --explain VM: the decisions about it rendered into explain as the run
 * makes them; FALSE with a message when the scenario has no such VM. */
static gboolean
explain_setup (const char *vm_name, const char *path,
               const HerdScenario *scenario, Explain *explain,
               HerdRunOptions *options)
{
  explain->vm = herd_model_find_vm (scenario->model, vm_name);
  if (explain->vm == HERD_ID_NONE)
    {
      herd_cli_error ("sim", "--explain: no VM called \"%s\" in %s",
                      vm_name, path);
      return FALSE;
    }
  explain->text = g_string_new (NULL);
  explain->json = json_builder_new ();
  json_builder_begin_array (explain->json);
  options->decision_wants = explain_wants;
  options->decision_sink = explain_decision;
  options->decision_data = explain;
  return TRUE;
}

/* --seeds A..B: checked against the options it does not go with, then
 * run_seeds. */
static int
sim_seeds (const SimOptions *opt, const char *path,
           const HerdRunOptions *options)
{
  guint64 first, last;
  if (!herd_cli_parse_seed_range (opt->seeds_text, &first, &last))
    {
      herd_cli_error ("sim", "--seeds: expected A..B with A <= B, got "
                             "\"%s\"",
                      opt->seeds_text);
      return HERD_EXIT_USAGE;
    }
  if (opt->trace_path != NULL || opt->explain_vm != NULL || opt->json
      || opt->seed != -1)
    {
      herd_cli_error ("sim", "--seeds runs many seeds: it goes with "
                             "neither --seed, --trace, --explain nor "
                             "--json");
      return HERD_EXIT_USAGE;
    }
  return run_seeds (path, first, last, options,
                    !opt->quiet && isatty (STDERR_FILENO));
}

/* The run's summary on stdout (none when the trace went there): JSON, or
 * the table and the decisions --explain gathered. */
static void
print_summary (const SimOptions *opt, FILE *trace,
               const HerdScenario *scenario, const HerdRunSummary *summary,
               Explain *explain)
{
  if (trace == stdout)
    ;
  else if (opt->json)
    {
      if (explain->json != NULL)
        json_builder_end_array (explain->json);
      print_json (scenario, summary, explain->json != NULL ? explain : NULL);
    }
  else
    {
      print_table (scenario, summary);
      if (explain->text != NULL)
        printf ("\ndecisions about %s: %u\n%s", opt->explain_vm,
                explain->count, explain->text->str);
    }
}

/* One run of scenario, with its progress bar and --trace file; its
 * summary printed.  The exit status. */
static int
sim_run (const SimOptions *opt, HerdScenario *scenario,
         HerdRunOptions *options, Explain *explain)
{
  g_autoptr (GError) error = NULL;
  /* Opened once every option is known good, so that bad usage leaves no
   * file behind. */
  FILE *trace = NULL;
  if (opt->trace_path != NULL)
    {
      trace = strcmp (opt->trace_path, "-") == 0
                  ? stdout
                  : fopen (opt->trace_path, "w");
      if (trace == NULL)
        {
          herd_cli_error ("sim", "--trace: cannot write %s: %s",
                          opt->trace_path, g_strerror (errno));
          return HERD_EXIT_FAILURE;
        }
      options->trace = trace;
    }

  Progress progress = {
    .until = options->until != HERD_TIME_NEVER ? options->until
                                               : scenario->duration,
  };
  if (!opt->quiet && isatty (STDERR_FILENO))
    {
      options->progress = progress_draw;
      options->progress_data = &progress;
    }

  HerdRunSummary summary;
  gboolean ok = herd_run_simulation (scenario, options, &summary, &error);
  if (progress.drawn)
    fprintf (stderr, "\r%60s\r", "");
  if (trace != NULL && trace != stdout && fclose (trace) != 0)
    {
      herd_cli_error ("sim", "--trace: writing %s failed", opt->trace_path);
      return HERD_EXIT_FAILURE;
    }
  if (!ok)
    {
      if (g_error_matches (error, HERD_RUN_ERROR, HERD_RUN_ERROR_INVARIANT))
        fprintf (stderr, "herd sim: %s", error->message);
      else
        herd_cli_error ("sim", "%s", error->message);
      return db_refused (error) ? HERD_EXIT_USAGE : HERD_EXIT_FAILURE;
    }
  print_summary (opt, trace, scenario, &summary, explain);
  return HERD_EXIT_OK;
}

int
herd_cmd_sim (int argc, char **argv)
{
  g_auto (SimOptions) opt = { .seed = -1 };
  if (!sim_parse (&argc, &argv, &opt))
    return HERD_EXIT_USAGE;
  if (argc != 2)
    {
      herd_cli_error ("sim", "expected one SCENARIO file (see 'herd sim "
                             "--help')");
      return HERD_EXIT_USAGE;
    }

  HerdRunOptions options;
  herd_run_options_init (&options);
  if (!sim_run_options (&opt, &options))
    return HERD_EXIT_USAGE;

  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) scenario = herd_scenario_load (argv[1], &error);
  if (scenario == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return HERD_EXIT_USAGE;
    }

  Explain explain = { .model = scenario->model };
  if (opt.explain_vm != NULL
      && !explain_setup (opt.explain_vm, argv[1], scenario, &explain,
                         &options))
    return HERD_EXIT_USAGE;
  if (opt.decisions && opt.db_path == NULL)
    {
      herd_cli_error ("sim", "--decisions needs --db FILE");
      return HERD_EXIT_USAGE;
    }
  options.record_decisions = opt.decisions;
  options.check_invariants = opt.check;

  if (opt.seeds_text != NULL)
    return sim_seeds (&opt, argv[1], &options);

  int status = sim_run (&opt, scenario, &options, &explain);
  if (explain.text != NULL)
    {
      g_string_free (explain.text, TRUE);
      g_object_unref (explain.json);
    }
  return status;
}
