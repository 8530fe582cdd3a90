/* cmd-swarm.c: `herd swarm`: swarm testing.  Generates scenarios from
 * generator seeds (sim/generate.h), loads each and runs it over run seeds
 * 1..K with every invariant checked; keeps each scenario that breaks one
 * as DIR/swarm-S.ini and prints the violation and the command that
 * replays it.  `herd generate --seed S` (or `herd swarm --print S`) prints
 * one generated scenario.  docs/testing.md. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include <json-glib/json-glib.h>

#include "cli/commands.h"
#include "sim/generate.h"
#include "sim/run.h"

typedef struct
{
  guint64 scenarios, runs, violations, generator_errors, failing_scenarios;
  JsonBuilder *json; /* the array of failures, with --json */
} SwarmTotals;

/* Writes text to DIR/swarm-S.ini once; returns its path. */
static char *
keep_scenario (const char *dir, guint64 seed, const char *text,
               gboolean *written)
{
  g_autofree char *base = g_strdup_printf ("swarm-%" G_GUINT64_FORMAT ".ini",
                                           seed);
  char *path = g_build_filename (dir, base, NULL);
  if (!*written)
    {
      g_autoptr (GError) error = NULL;
      if (g_mkdir_with_parents (dir, 0755) != 0
          || !g_file_set_contents (path, text, -1, &error))
        herd_cli_error ("swarm", "cannot write %s: %s", path,
                        error != NULL ? error->message : g_strerror (errno));
      *written = TRUE;
    }
  return path;
}

static void
json_failure (SwarmTotals *t, const char *kind, guint64 seed, guint64 run,
              const char *path, const char *message)
{
  if (t->json == NULL)
    return;
  g_autofree char *first = g_strndup (message, strcspn (message, "\n"));
  json_builder_begin_object (t->json);
  json_builder_set_member_name (t->json, "kind");
  json_builder_add_string_value (t->json, kind);
  json_builder_set_member_name (t->json, "generator_seed");
  json_builder_add_int_value (t->json, (gint64) seed);
  if (run > 0)
    {
      json_builder_set_member_name (t->json, "run_seed");
      json_builder_add_int_value (t->json, (gint64) run);
    }
  json_builder_set_member_name (t->json, "file");
  json_builder_add_string_value (t->json, path);
  json_builder_set_member_name (t->json, "message");
  json_builder_add_string_value (t->json, first);
  json_builder_set_member_name (t->json, "report");
  json_builder_add_string_value (t->json, message);
  json_builder_end_object (t->json);
}

/* One generated scenario over run seeds 1..runs.  FALSE on a failure
 * that is not the scenario's (the results database, ...). */
static gboolean
swarm_one (guint64 seed, guint64 runs, const char *dir, SwarmTotals *t)
{
  g_autofree char *text = herd_generate_scenario (seed);
  g_autofree char *base = g_strdup_printf ("swarm-%" G_GUINT64_FORMAT ".ini",
                                           seed);
  g_autofree char *virtual_path = g_build_filename (dir, base, NULL);
  gboolean written = FALSE, failed = FALSE;
  t->scenarios++;
  for (guint64 run = 1; run <= runs; run++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc
          = herd_scenario_load_data (text, virtual_path, &error);
      if (sc == NULL)
        {
          g_autofree char *path = keep_scenario (dir, seed, text, &written);
          t->generator_errors++;
          if (t->json == NULL)
            printf ("generator bug: seed %" G_GUINT64_FORMAT " wrote a "
                    "scenario that does not load (kept as %s):\n  %s\n",
                    seed, path, error->message);
          json_failure (t, "generator", seed, 0, path, error->message);
          return TRUE;
        }
      HerdRunOptions options;
      herd_run_options_init (&options);
      options.seed_set = TRUE;
      options.seed = run;
      options.check_invariants = TRUE;
      HerdRunSummary summary;
      t->runs++;
      if (herd_run_simulation (sc, &options, &summary, &error))
        continue;
      if (!g_error_matches (error, HERD_RUN_ERROR, HERD_RUN_ERROR_INVARIANT))
        {
          herd_cli_error ("swarm", "generator seed %" G_GUINT64_FORMAT
                          ", run seed %" G_GUINT64_FORMAT ": %s",
                          seed, run, error->message);
          return FALSE;
        }
      g_autofree char *path = keep_scenario (dir, seed, text, &written);
      t->violations++;
      failed = TRUE;
      if (t->json == NULL)
        printf ("\ngenerator seed %" G_GUINT64_FORMAT ", run seed %"
                G_GUINT64_FORMAT ": %s"
                "reproduce: herd sim %s --seed %" G_GUINT64_FORMAT
                " --check-invariants\n",
                seed, run, error->message, path, run);
      json_failure (t, "invariant", seed, run, path, error->message);
    }
  if (failed)
    t->failing_scenarios++;
  return TRUE;
}

static void
progress_draw (guint64 done, guint64 count, const SwarmTotals *t,
               double elapsed)
{
  double frac = count > 0 ? (double) done / (double) count : 1.0;
  char bar[31];
  int fill = (int) (frac * 30);
  memset (bar, '#', fill);
  memset (bar + fill, ' ', 30 - fill);
  bar[30] = '\0';
  double eta = done > 0 ? elapsed / done * (count - done) : 0;
  fprintf (stderr, "\r[%s] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                   " scenarios, %" G_GUINT64_FORMAT " runs, %"
                   G_GUINT64_FORMAT " violations, %.0f s, ETA %.0f s ",
           bar, done, count, t->runs, t->violations + t->generator_errors,
           elapsed, eta);
  fflush (stderr);
}

static int
print_scenario (gint64 seed, const char *command)
{
  if (seed < 0)
    {
      herd_cli_error (command, "expected a generator seed >= 0");
      return HERD_EXIT_USAGE;
    }
  g_autofree char *text = herd_generate_scenario ((guint64) seed);
  fputs (text, stdout);
  return HERD_EXIT_OK;
}

int
herd_cmd_swarm (int argc, char **argv)
{
  gint64 count = 100, from = 1, seeds = 2, print = -1;
  g_autofree char *keep = NULL;
  gboolean json = FALSE, quiet = FALSE;
  const GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT64, &count,
      "Generate and run this many scenarios (default 100)", "N" },
    { "from", 0, 0, G_OPTION_ARG_INT64, &from,
      "First generator seed (default 1): seeds S .. S+N-1", "S" },
    { "seeds", 0, 0, G_OPTION_ARG_INT64, &seeds,
      "Run each scenario with run seeds 1..K (default 2)", "K" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep,
      "Write each failing scenario to DIR/swarm-S.ini (default: the "
      "current directory)",
      "DIR" },
    { "print", 0, 0, G_OPTION_ARG_INT64, &print,
      "Only print the scenario of generator seed S (as herd generate)",
      "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print the summary and the failures as JSON", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL },
    { NULL },
  };
  if (!herd_cli_parse (&argc, &argv, "swarm", NULL,
                       "Swarm testing: runs generated scenarios (each with "
                       "a random subset of the features) with every "
                       "invariant checked.",
                       "Each failing scenario is kept as DIR/swarm-S.ini "
                       "with the command that replays it.\n"
                       "Exit status: 0 no violation, 1 a violation (or a "
                       "generated scenario that does not load), 2 bad "
                       "usage.",
                       entries))
    return HERD_EXIT_USAGE;
  if (argc != 1)
    {
      herd_cli_error ("swarm", "takes no arguments (see 'herd swarm "
                               "--help')");
      return HERD_EXIT_USAGE;
    }
  if (print != -1)
    return print_scenario (print, "swarm");
  if (count < 1 || from < 0 || seeds < 1)
    {
      herd_cli_error ("swarm", "--count and --seeds take a whole number >= "
                               "1, --from one >= 0");
      return HERD_EXIT_USAGE;
    }
  const char *dir = keep != NULL ? keep : ".";
  SwarmTotals totals = { 0 };
  if (json)
    {
      totals.json = json_builder_new ();
      json_builder_begin_array (totals.json);
    }
  gboolean progress = !quiet && !json && isatty (STDERR_FILENO);
  gint64 start = g_get_monotonic_time (), last_draw = 0;
  int status = HERD_EXIT_OK;
  for (gint64 i = 0; i < count; i++)
    {
      guint64 before = totals.violations + totals.generator_errors;
      if (!swarm_one ((guint64) (from + i), (guint64) seeds, dir, &totals))
        {
          status = HERD_EXIT_FAILURE;
          break;
        }
      gint64 now = g_get_monotonic_time ();
      if (progress
          && (now - last_draw >= 100000 || i + 1 == count
              || totals.violations + totals.generator_errors != before))
        {
          last_draw = now;
          progress_draw ((guint64) i + 1, (guint64) count, &totals,
                         (now - start) / 1e6);
        }
    }
  double elapsed = (g_get_monotonic_time () - start) / 1e6;
  if (progress)
    fprintf (stderr, "\r%100s\r", "");
  if (json)
    {
      json_builder_end_array (totals.json);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "from");
      json_builder_add_int_value (b, from);
      json_builder_set_member_name (b, "scenarios");
      json_builder_add_int_value (b, (gint64) totals.scenarios);
      json_builder_set_member_name (b, "runs");
      json_builder_add_int_value (b, (gint64) totals.runs);
      json_builder_set_member_name (b, "violations");
      json_builder_add_int_value (b, (gint64) totals.violations);
      json_builder_set_member_name (b, "failing_scenarios");
      json_builder_add_int_value (b, (gint64) totals.failing_scenarios);
      json_builder_set_member_name (b, "generator_errors");
      json_builder_add_int_value (b, (gint64) totals.generator_errors);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, elapsed);
      json_builder_set_member_name (b, "failures");
      json_builder_add_value (b, json_builder_get_root (totals.json));
      json_builder_end_object (b);
      herd_cli_print_json (b);
      g_object_unref (totals.json);
    }
  else
    printf ("%" G_GUINT64_FORMAT " scenarios (generator seeds %" G_GINT64_FORMAT
            "..%" G_GINT64_FORMAT "), %" G_GUINT64_FORMAT " runs (run seeds "
            "1..%" G_GINT64_FORMAT "), %" G_GUINT64_FORMAT
            " invariant violations in %" G_GUINT64_FORMAT " scenarios, %"
            G_GUINT64_FORMAT " generator errors, %.2f s\n",
            totals.scenarios, from, from + (gint64) totals.scenarios - 1,
            totals.runs, seeds, totals.violations, totals.failing_scenarios,
            totals.generator_errors, elapsed);
  if (status == HERD_EXIT_OK
      && (totals.violations > 0 || totals.generator_errors > 0))
    status = HERD_EXIT_FAILURE;
  return status;
}

int
herd_cmd_generate (int argc, char **argv)
{
  gint64 seed = -1;
  const GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      "Generator seed (required)", "S" },
    { NULL },
  };
  if (!herd_cli_parse (&argc, &argv, "generate", NULL,
                       "Prints the scenario herd swarm generates from "
                       "generator seed S.",
                       "The same seed always gives the same text.\n"
                       "Exit status: 0 done, 2 bad usage.",
                       entries))
    return HERD_EXIT_USAGE;
  if (argc != 1 || seed < 0)
    {
      herd_cli_error ("generate", "expected --seed S with S >= 0 and no "
                                  "arguments (see 'herd generate --help')");
      return HERD_EXIT_USAGE;
    }
  return print_scenario (seed, "generate");
}
