/* cmd-bench.c: `herd bench`, policy benchmarking: the Cartesian product
 * of policies x parameter values x seeds, run in worker processes, every
 * run into one results database, and a comparison with 95% confidence
 * intervals and paired differences against a baseline.
 *
 * Each run is a child process (fork) that loads the scenario with its
 * configuration's settings and writes the run into a database of its
 * own; the parent merges finished runs into the main database in the
 * order of the sweep (configuration, then seed), so run ids do not depend
 * on which worker finished first, and records them in bench_runs.  Runs
 * already recorded are not redone: an interrupted sweep resumes where it
 * stopped and ends with the same runs and ids.
 *
 * Provenance: a configuration is its label, the SHA-256 of its applied
 * scenario text and herd's version.  Runs of a label recorded from
 * another text or herd (or not done) are never reused: the sweep is
 * refused (exit 2) unless --redo, which deletes them and runs them again.
 * The workers' databases go in DB.work/ beside the database (a marker
 * file inside, locked while a sweep runs), removed at the end; files a
 * killed sweep left there are removed by the next one. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli/commands.h"
#include "core/units.h"
#include "results/results.h"
#include "run/run.h"
#include "sweep/sweep.h"

/* A sweep's seeds, at most: each run is a process and a database. */
#define HERD_BENCH_MAX_SEEDS 100000

/* Set by SIGINT or SIGTERM: stop the runs going and leave; what was
 * merged stays, and the next invocation resumes. */
static volatile sig_atomic_t interrupted;

static void
on_signal (int sig)
{
  (void) sig;
  interrupted = 1;
}

/* SIGCHLD only wakes the parent from sigsuspend. */
static void
on_child (int sig)
{
  (void) sig;
}

/* Removes a worker's database and its WAL files. */
static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strdup_printf ("%s-wal", path);
  g_autofree char *shm = g_strdup_printf ("%s-shm", path);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/* The work directory DB.work/: the workers' databases.  Marked as
 * herd bench's by WORK_MARKER inside, which a sweep keeps locked (flock),
 * so that a directory herd did not make is never emptied, nor one another
 * sweep is using. */
#define WORK_MARKER "herd-bench-work"

typedef struct
{
  char *dir;
  int lock; /* the marker, open and locked; -1 */
} WorkDir;

/* Removes the run-* files a sweep leaves in dir; how many. */
static guint
clear_work (const char *dir)
{
  guint n = 0;
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "run-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        if (g_unlink (path) == 0)
          n++;
      }
  return n;
}

/* Makes (or takes back, emptied) db's work directory.  FALSE with a
 * message: it is not herd's, or another sweep holds it. */
static gboolean
work_open (const char *db, WorkDir *work)
{
  work->dir = g_strdup_printf ("%s.work", db);
  work->lock = -1;
  g_autofree char *marker = g_build_filename (work->dir, WORK_MARKER, NULL);
  gboolean existed = g_file_test (work->dir, G_FILE_TEST_EXISTS);
  if (existed && !g_file_test (marker, G_FILE_TEST_IS_REGULAR))
    {
      herd_cli_error ("bench", "%s exists and is not a herd bench work "
                               "directory (no %s inside): move it away, or "
                               "use another --db",
                      work->dir, WORK_MARKER);
      return FALSE;
    }
  if (!existed && g_mkdir (work->dir, 0700) != 0)
    {
      herd_cli_error ("bench", "cannot make %s: %s", work->dir,
                      g_strerror (errno));
      return FALSE;
    }
  work->lock = open (marker, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (work->lock < 0)
    {
      herd_cli_error ("bench", "%s: %s", marker, g_strerror (errno));
      return FALSE;
    }
  if (flock (work->lock, LOCK_EX | LOCK_NB) != 0)
    {
      herd_cli_error ("bench", "another herd bench is running into %s (it "
                               "holds %s)",
                      db, work->dir);
      close (work->lock);
      work->lock = -1;
      return FALSE;
    }
  g_autofree char *note = g_strdup_printf (
      "herd bench work directory of %s (process %d); herd removes it\n", db,
      (int) getpid ());
  /* The note is for people; the lock is what counts. */
  if (ftruncate (work->lock, 0) == 0)
    (void) !write (work->lock, note, strlen (note));
  guint stale = existed ? clear_work (work->dir) : 0;
  if (stale > 0)
    fprintf (stderr, "herd bench: removed %u files an interrupted sweep "
                     "left in %s (their runs are redone)\n",
             stale, work->dir);
  return TRUE;
}

/* Removes the work directory (only its run-* files and the marker). */
static void
work_close (WorkDir *work)
{
  if (work->lock >= 0)
    {
      clear_work (work->dir);
      g_autofree char *marker = g_build_filename (work->dir, WORK_MARKER,
                                                  NULL);
      g_unlink (marker);
      g_rmdir (work->dir);
      close (work->lock);
      work->lock = -1;
    }
  g_clear_pointer (&work->dir, g_free);
}

/* Why a configuration's recorded runs are stale, for people. */
static void
describe_stale (GString *out, const char *label, GArray *stale,
                const char *digest)
{
  const HerdBenchStale *st = &g_array_index (stale, HerdBenchStale, 0);
  g_string_append_printf (out, "  '%s': %u run%s (seed%s", label, stale->len,
                          stale->len == 1 ? "" : "s",
                          stale->len == 1 ? "" : "s");
  for (guint i = 0; i < stale->len && i < 8; i++)
    g_string_append_printf (
        out, "%s%" G_GUINT64_FORMAT, i > 0 ? "," : " ",
        g_array_index (stale, HerdBenchStale, i).seed);
  g_string_append (out, stale->len > 8 ? ",...) " : ") ");
  if (st->status == NULL)
    g_string_append (out, "named in bench_runs but missing from runs");
  else if (strcmp (st->status, "done") != 0)
    g_string_append_printf (out, "marked %s, not done%s", st->status,
                            strcmp (st->status, "running") == 0
                                ? " (a killed herd left it)"
                                : "");
  else if (g_strcmp0 (st->digest, digest) != 0)
    g_string_append_printf (out,
                            "from another scenario text: sha256 %.12s..., "
                            "now %.12s...",
                            st->digest != NULL ? st->digest : "unknown",
                            digest);
  else
    g_string_append_printf (out, "by herd %s, this is herd %s", st->version,
                            HERD_VERSION);
  g_string_append_c (out, '\n');
}

/* One run of the sweep in this (child) process. */
static int
run_child (const char *path, const char *text, const HerdBenchConfig *config,
           guint64 seed, const char *db)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *applied = herd_bench_apply (text, config, &error);
  g_autoptr (HerdScenario) scenario
      = applied != NULL ? herd_scenario_load_data (applied, path, &error)
                        : NULL;
  if (scenario == NULL)
    {
      fprintf (stderr, "herd bench: %s: %s\n", config->label,
               error->message);
      return HERD_EXIT_USAGE;
    }
  HerdRunOptions options;
  herd_run_options_init (&options);
  options.seed_set = TRUE;
  options.seed = seed;
  options.db_path = db;
  options.samples = HERD_SAMPLES_HOSTS;
  HerdRunSummary summary;
  if (!herd_run_simulation (scenario, &options, &summary, &error))
    {
      fprintf (stderr, "herd bench: %s seed %" G_GUINT64_FORMAT ": %s\n",
               config->label, seed, error->message);
      return HERD_EXIT_FAILURE;
    }
  return HERD_EXIT_OK;
}

static void
progress (guint done, guint total, gboolean tty)
{
  if (!tty)
    return;
  int width = 40, filled = total > 0 ? (int) (width * done / total) : width;
  fprintf (stderr, "\r[%.*s%*s] %u/%u runs", filled,
           "########################################", width - filled, "",
           done, total);
  if (done == total)
    fprintf (stderr, "\n");
}

static void
print_table (GPtrArray *configs, const HerdBenchStat *stats, guint baseline)
{
  /* Columns are numbered: labels can be long and alike. */
  printf ("\nconfigurations:\n");
  for (guint c = 0; c < configs->len; c++)
    printf ("  #%u  %s%s\n", c + 1,
            ((HerdBenchConfig *) g_ptr_array_index (configs, c))->label,
            c == baseline ? " (baseline)" : "");
  printf ("\n%-24s", "metric (mean +- 95% CI)");
  for (guint c = 0; c < configs->len; c++)
    {
      g_autofree char *head = g_strdup_printf ("#%u", c + 1);
      printf ("  %-22s", head);
    }
  printf ("\n");
  for (gsize m = 0; m < HERD_BENCH_N_METRICS; m++)
    {
      guint best = herd_bench_best (stats, configs->len, m);
      printf ("%-24s", herd_bench_metrics[m].title);
      for (guint c = 0; c < configs->len; c++)
        {
          const HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
          g_autofree char *cell
              = st->n == 0 ? g_strdup ("n/a")
                           : g_strdup_printf ("%.4g +- %.2g%s", st->mean,
                                              st->half,
                                              c == best && configs->len > 1
                                                  ? " *"
                                                  : "");
          printf ("  %-22s", cell);
        }
      printf ("\n");
    }
  printf ("\npaired difference with #%u (same seeds):\n", baseline + 1);
  for (gsize m = 0; m < HERD_BENCH_N_METRICS; m++)
    {
      printf ("%-24s", herd_bench_metrics[m].title);
      for (guint c = 0; c < configs->len; c++)
        {
          const HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
          g_autofree char *cell
              = c == baseline     ? g_strdup ("-")
                : st->n_pairs == 0 ? g_strdup ("n/a")
                                   : g_strdup_printf ("%+.4g +- %.2g",
                                                      st->diff_mean,
                                                      st->diff_half);
          printf ("  %-22s", cell);
        }
      printf ("\n");
    }
  printf ("\n* the best mean of its row (the lowest; for hosts off, the "
          "highest); n/a: no run has the metric\n");
}

static void
print_json (GPtrArray *configs, const HerdBenchStat *stats, guint baseline,
            guint64 first, guint64 last)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seeds");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, (gint64) first);
  json_builder_add_int_value (b, (gint64) last);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "baseline");
  json_builder_add_string_value (
      b, ((HerdBenchConfig *) g_ptr_array_index (configs, baseline))->label);
  json_builder_set_member_name (b, "configurations");
  json_builder_begin_array (b);
  for (guint c = 0; c < configs->len; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (
          b, ((HerdBenchConfig *) g_ptr_array_index (configs, c))->label);
      json_builder_set_member_name (b, "metrics");
      json_builder_begin_object (b);
      for (gsize m = 0; m < HERD_BENCH_N_METRICS; m++)
        {
          const HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
          json_builder_set_member_name (b, herd_bench_metrics[m].key);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "n");
          json_builder_add_int_value (b, (gint64) st->n);
          json_builder_set_member_name (b, "mean");
          json_builder_add_double_value (b, st->mean);
          json_builder_set_member_name (b, "ci95");
          json_builder_add_double_value (b, st->half);
          json_builder_set_member_name (b, "diff_mean");
          json_builder_add_double_value (b, st->diff_mean);
          json_builder_set_member_name (b, "diff_ci95");
          json_builder_add_double_value (b, st->diff_half);
          json_builder_set_member_name (b, "best");
          json_builder_add_boolean_value (b,
                                          herd_bench_best (stats, configs->len, m)
                                              == c);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  herd_cli_print_json (b);
}

/* A CSV field (RFC 4180): quoted, quotes doubled. */
static char *
csv_field (const char *text)
{
  GString *out = g_string_new ("\"");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static gboolean
write_csv (const char *path, GPtrArray *configs, const HerdBenchStat *stats,
           GError **error)
{
  GString *out = g_string_new ("configuration,metric,n,mean,ci95,"
                               "diff_mean,diff_ci95,best\n");
  for (guint c = 0; c < configs->len; c++)
    for (gsize m = 0; m < HERD_BENCH_N_METRICS; m++)
      {
        const HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
        g_autofree char *label = csv_field (
            ((HerdBenchConfig *) g_ptr_array_index (configs, c))->label);
        g_string_append_printf (out, "%s,%s,%zu,%.17g,%.17g,%.17g,%.17g,%d\n",
                                label, herd_bench_metrics[m].key, st->n, st->mean,
                                st->half, st->diff_mean, st->diff_half,
                                herd_bench_best (stats, configs->len, m) == c);
      }
  gboolean ok = g_file_set_contents (path, out->str, (gssize) out->len,
                                     error);
  g_string_free (out, TRUE);
  return ok;
}

/* --emit-jobs: one command per run, for GNU parallel or a job array. */
static int
emit_jobs (const char *herd, const char *scenario, GPtrArray *configs,
           guint64 first, guint64 last, const char *db)
{
  g_autofree char *abs_scenario = g_canonicalize_filename (scenario, NULL);
  g_autofree char *abs_db = g_canonicalize_filename (db, NULL);
  g_autofree char *q_herd = g_shell_quote (herd);
  g_autofree char *q_scenario = g_shell_quote (abs_scenario);
  guint n = 0;
  /* Numbers padded so that FILE-*.db lists the runs in sweep order. */
  g_autofree char *count = g_strdup_printf (
      "%" G_GUINT64_FORMAT, configs->len * (last - first + 1));
  int width = (int) strlen (count);
  for (guint c = 0; c < configs->len; c++)
    for (guint64 seed = first; seed <= last; seed++)
      {
        const HerdBenchConfig *config = g_ptr_array_index (configs, c);
        GString *cmd = g_string_new (NULL);
        g_string_append_printf (cmd, "%s bench %s", q_herd, q_scenario);
        for (guint k = 0; k < config->settings->len; k++)
          {
            const char *setting = g_ptr_array_index (config->settings, k);
            g_autofree char *q = NULL;
            if (g_str_has_prefix (setting, "policy="))
              {
                q = g_shell_quote (setting + strlen ("policy="));
                g_string_append_printf (cmd, " --policies %s", q);
              }
            else
              {
                q = g_shell_quote (setting);
                g_string_append_printf (cmd, " --set %s", q);
              }
          }
        g_autofree char *out = g_strdup_printf ("%s-%0*u.db", abs_db, width,
                                                ++n);
        g_autofree char *q_out = g_shell_quote (out);
        g_string_append_printf (cmd,
                                " --seeds %" G_GUINT64_FORMAT "..%"
                                G_GUINT64_FORMAT " --jobs 1 --quiet --db %s"
                                " > /dev/null",
                                seed, seed, q_out);
        printf ("%s\n", cmd->str);
        g_string_free (cmd, TRUE);
      }
  return HERD_EXIT_OK;
}

/* herd bench's options, as given and then as parsed. */
typedef struct
{
  char *policies_text, *seeds_text, *db_path, *csv_path;
  GStrv sets;
  gint jobs, baseline;
  gboolean json, quiet, emit, redo;
  guint64 first, last; /* of seeds_text */
} BenchOptions;

static void
bench_options_clear (BenchOptions *opt)
{
  g_free (opt->policies_text);
  g_free (opt->seeds_text);
  g_free (opt->db_path);
  g_free (opt->csv_path);
  g_strfreev (opt->sets);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BenchOptions, bench_options_clear)

/* The command line into opt; FALSE when it does not parse (or --help). */
static gboolean
bench_parse (int *argc, char ***argv, BenchOptions *opt)
{
  const GOptionEntry entries[] = {
    { "policies", 0, 0, G_OPTION_ARG_STRING, &opt->policies_text,
      "Scheduling policies to compare, set on every cluster (none, "
      "evenly_distributed, power_saving, vm_evenly_distributed, ...)",
      "P1,P2,..." },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt->sets,
      "Values of a scenario key to compare, KIND.NAME.KEY (or "
      "scenario.KEY, defaults.KEY); repeat for more keys",
      "KEY=V1,V2,..." },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &opt->seeds_text,
      "Seeds of each configuration (required)", "A..B" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt->jobs,
      "Runs at once, each in its own process (default: the number of "
      "cores)",
      "J" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt->db_path,
      "The results database: every run, keyed by run id (required; runs "
      "already in it from the same scenario text and herd version are not "
      "redone; others make the sweep stop, exit 2, unless --redo); the "
      "runs going are worked on in FILE.work/",
      "FILE" },
    { "redo", 0, 0, G_OPTION_ARG_NONE, &opt->redo,
      "Delete the runs --db holds of these configurations that were made "
      "from another scenario text or by another herd version (or never "
      "finished), and run them again",
      NULL },
    { "baseline", 0, 0, G_OPTION_ARG_INT, &opt->baseline,
      "The configuration the others are compared with, by its number in "
      "the sweep (default 1, the first)",
      "N" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &opt->csv_path,
      "Also write the comparison to FILE as CSV", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt->json,
      "Print the comparison as JSON", NULL },
    { "emit-jobs", 0, 0, G_OPTION_ARG_NONE, &opt->emit,
      "Run nothing: print one self-contained command per run, each writing "
      "its own database (FILE-N.db); 'herd merge FILE FILE-*.db' then "
      "gathers them",
      NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt->quiet, "No progress bar",
      NULL },
    { NULL },
  };
  return herd_cli_parse (argc, argv, "bench", "SCENARIO",
                         "Runs SCENARIO for every configuration (policies x "
                         "--set values) and seed, in parallel, and compares "
                         "the configurations.",
                         "Every run goes into the --db database; an "
                         "interrupted sweep resumes from it.\nA "
                         "configuration is its settings, the SHA-256 of its "
                         "scenario text with them applied, and herd's "
                         "version: runs of it recorded otherwise are "
                         "refused (see --redo).\nThe comparison gives per "
                         "configuration the mean and 95% confidence "
                         "interval of each metric, the paired difference "
                         "with the baseline over the same seeds, and marks "
                         "the lowest mean.\nExit status: 0 done, 1 a run "
                         "failed, 2 bad usage, bad scenario, --db holds "
                         "stale runs (see --redo) or is newer than this "
                         "herd, or another sweep is using it.",
                         entries);
}

/* The SCENARIO argument, --seeds (parsed into first and last), --db and
 * --jobs; FALSE with a message at the first that is wrong. */
static gboolean
bench_check (int argc, BenchOptions *opt)
{
  if (argc != 2)
    {
      herd_cli_error ("bench", "expected one SCENARIO file (see 'herd bench "
                               "--help')");
      return FALSE;
    }
  if (opt->seeds_text == NULL
      || !herd_cli_parse_seed_range (opt->seeds_text, &opt->first,
                                     &opt->last)
      || opt->last - opt->first >= HERD_BENCH_MAX_SEEDS)
    {
      herd_cli_error ("bench", "--seeds: expected A..B with A <= B and at "
                               "most %d seeds, such as 1..10",
                      HERD_BENCH_MAX_SEEDS);
      return FALSE;
    }
  if (opt->db_path == NULL)
    {
      herd_cli_error ("bench", "--db FILE is required: every run goes "
                               "there");
      return FALSE;
    }
  if (opt->jobs < 1)
    {
      herd_cli_error ("bench", "--jobs: expected a whole number >= 1");
      return FALSE;
    }
  return TRUE;
}

/* Every configuration must load before any run starts; its identity is
 * the digest of the text it loads, added to digests.  FALSE with a
 * message at the first that does not load. */
static gboolean
load_configs (const char *path, const char *text, GPtrArray *configs,
              GPtrArray *digests)
{
  g_autoptr (GError) error = NULL;
  for (guint c = 0; c < configs->len; c++)
    {
      const HerdBenchConfig *config = g_ptr_array_index (configs, c);
      g_autofree char *applied = herd_bench_apply (text, config, &error);
      g_ptr_array_add (digests, applied != NULL
                                    ? herd_results_digest (applied)
                                    : NULL);
      g_autoptr (HerdScenario) s
          = applied != NULL ? herd_scenario_load_data (applied, path, &error)
                            : NULL;
      if (s == NULL)
        {
          fprintf (stderr, "herd bench: %s: %s\n", config->label,
                   error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* The configurations' ids in db's bench_configs (added when new), or
 * NULL with a message. */
static gint64 *
config_ids_of (HerdResults *db, GPtrArray *configs)
{
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *config_ids = g_new (gint64, configs->len);
  for (guint c = 0; c < configs->len; c++)
    {
      config_ids[c] = herd_results_bench_config (
          db, ((HerdBenchConfig *) g_ptr_array_index (configs, c))->label,
          &error);
      if (config_ids[c] < 0)
        {
          herd_cli_error ("bench", "%s", error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&config_ids);
}

/* Provenance: the runs db holds of these configurations from another
 * scenario text or herd version, or not done, which are never reused;
 * how many, and why in why. */
static guint
find_stale (HerdResults *db, GPtrArray *configs, const gint64 *config_ids,
            GPtrArray *digests, GString *why)
{
  g_autoptr (GArray) stale = g_array_new (FALSE, FALSE,
                                          sizeof (HerdBenchStale));
  guint n_stale = 0;
  for (guint c = 0; c < configs->len; c++)
    {
      if (herd_results_bench_stale (db, config_ids[c],
                                    g_ptr_array_index (digests, c), stale)
          > 0)
        {
          describe_stale (
              why, ((HerdBenchConfig *) g_ptr_array_index (configs, c))->label,
              stale, g_ptr_array_index (digests, c));
          n_stale += stale->len;
        }
      herd_results_bench_stale_clear (stale);
    }
  return n_stale;
}

/* --redo: deletes the stale runs from db, so that they run again; FALSE
 * with a message when it cannot. */
static gboolean
forget_stale (HerdResults *db, const char *db_path, GPtrArray *configs,
              const gint64 *config_ids, GPtrArray *digests, const GString *why)
{
  g_autoptr (GError) error = NULL;
  gint64 forgotten = 0;
  for (guint c = 0; c < configs->len && forgotten >= 0; c++)
    {
      gint64 n = herd_results_bench_forget (
          db, config_ids[c], g_ptr_array_index (digests, c), &error);
      forgotten = n < 0 ? -1 : forgotten + n;
    }
  if (forgotten < 0)
    {
      herd_cli_error ("bench", "--redo: %s", error->message);
      return FALSE;
    }
  fprintf (stderr, "herd bench: --redo: deleted %" G_GINT64_FORMAT
                   " stale runs from %s; they run again\n%s",
           forgotten, db_path, why->str);
  return TRUE;
}

/* The sweep's runs, in sweep order (configuration, then seed): started
 * in order, merged in order. */
typedef struct
{
  HerdResults *db;
  const char *path;          /* the scenario */
  const char *text;          /* its text */
  GPtrArray *configs;
  const gint64 *config_ids;
  guint64 first, seeds;
  guint total;
  int *state;                /* 0 to do, 1 running, 2 finished, 3 merged */
  char **dbs;                /* the workers' databases */
  pid_t *pids;
  guint done, next, merged_upto, running;
  gboolean tty;              /* the progress bar is drawn */
  sigset_t unblocked;        /* the signal mask outside the sweep */
} Runs;

/* The runs of the sweep, those db already has marked merged. */
static void
runs_init (Runs *r)
{
  r->total = (guint) (r->configs->len * r->seeds);
  r->state = g_new0 (int, r->total);
  r->dbs = g_new0 (char *, r->total);
  r->pids = g_new0 (pid_t, r->total);
  r->done = 0;
  for (guint i = 0; i < r->total; i++)
    if (herd_results_bench_run (r->db, r->config_ids[i / r->seeds],
                                r->first + i % r->seeds)
        >= 0)
      {
        r->state[i] = 3;
        r->done++;
      }
}

/* SIGINT, SIGTERM and SIGHUP stop the sweep, SIGCHLD wakes it; all four
 * blocked but while waiting.  The mask before, in *unblocked. */
static void
catch_signals (sigset_t *unblocked)
{
  interrupted = 0;
  struct sigaction sa = { .sa_handler = on_signal };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  struct sigaction child = { .sa_handler = on_child };
  sigemptyset (&child.sa_mask);
  sigaction (SIGCHLD, &child, NULL);
  sigset_t blocked;
  sigemptyset (&blocked);
  sigaddset (&blocked, SIGINT);
  sigaddset (&blocked, SIGTERM);
  sigaddset (&blocked, SIGHUP);
  sigaddset (&blocked, SIGCHLD);
  sigprocmask (SIG_BLOCK, &blocked, unblocked);
}

/* Starts runs while there are free workers, each in a child process
 * writing into its database in tmpdir. */
static int
start_runs (Runs *r, guint jobs, const char *tmpdir)
{
  while (r->running < jobs && r->next < r->total)
    {
      guint next = r->next;
      if (r->state[next] == 3)
        {
          r->next++;
          continue;
        }
      r->dbs[next] = g_strdup_printf ("%s/run-%u.db", tmpdir, next);
      fflush (NULL);
      pid_t pid = fork ();
      if (pid == 0)
        {
          /* The child dies with the parent, whatever kills it. */
          prctl (PR_SET_PDEATHSIG, SIGTERM);
          signal (SIGINT, SIG_DFL);
          signal (SIGTERM, SIG_DFL);
          signal (SIGHUP, SIG_DFL);
          signal (SIGCHLD, SIG_DFL);
          sigprocmask (SIG_SETMASK, &r->unblocked, NULL);
          _exit (run_child (r->path, r->text,
                            g_ptr_array_index (r->configs, next / r->seeds),
                            r->first + next % r->seeds, r->dbs[next]));
        }
      if (pid < 0)
        {
          herd_cli_error ("bench", "fork: %s", g_strerror (errno));
          return HERD_EXIT_FAILURE;
        }
      r->pids[next] = pid;
      r->state[next] = 1;
      r->running++;
      r->next++;
    }
  return HERD_EXIT_OK;
}

/* Merges what finished into db, in sweep order: each run and its
 * bench_runs row in one transaction. */
static int
merge_finished (Runs *r)
{
  g_autoptr (GError) error = NULL;
  while (r->merged_upto < r->total
         && (r->state[r->merged_upto] == 3 || r->state[r->merged_upto] == 2))
    {
      guint i = r->merged_upto++;
      if (r->state[i] == 3)
        continue;
      HerdBenchTag tag = { r->config_ids[i / r->seeds],
                           r->first + i % r->seeds };
      g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (!herd_results_merge (r->db, r->dbs[i], &tag, ids, NULL, &error)
          || ids->len != 1)
        {
          herd_cli_error ("bench", "merging run %u: %s", i,
                          error != NULL ? error->message : "no run");
          return HERD_EXIT_FAILURE;
        }
      remove_db (r->dbs[i]);
      r->state[i] = 3;
      progress (++r->done, r->total, r->tty);
    }
  return HERD_EXIT_OK;
}

/* Waits for a child or a signal: they are blocked but here, so one that
 * comes while merging or forking is not missed.  The child's run marked
 * finished; its exit status when it failed, else 0. */
static int
wait_child (Runs *r)
{
  int wstatus;
  pid_t pid;
  while ((pid = waitpid (-1, &wstatus, WNOHANG)) == 0 && !interrupted)
    sigsuspend (&r->unblocked);
  if (pid <= 0)
    return HERD_EXIT_OK;
  r->running--;
  for (guint i = 0; i < r->total; i++)
    if (r->state[i] == 1 && r->pids[i] == pid)
      r->state[i] = 2;
  if (!WIFEXITED (wstatus) || WEXITSTATUS (wstatus) != HERD_EXIT_OK)
    return WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : HERD_EXIT_FAILURE;
  return HERD_EXIT_OK;
}

/* On a failure, the runs still going are stopped (and redone on the
 * next invocation); the workers' databases not merged are removed. */
static void
runs_clear (Runs *r)
{
  for (guint i = 0; i < r->total; i++)
    if (r->state[i] == 1)
      {
        kill (r->pids[i], SIGTERM);
        waitpid (r->pids[i], NULL, 0);
      }
  for (guint i = 0; i < r->total; i++)
    {
      if (r->dbs[i] != NULL && r->state[i] != 3)
        remove_db (r->dbs[i]);
      g_free (r->dbs[i]);
    }
  g_free (r->state);
  g_free (r->dbs);
  g_free (r->pids);
}

/* Runs what r has not merged yet, jobs at once, until every run is
 * merged, one fails or a signal stops the sweep.  The exit status. */
static int
run_sweep (Runs *r, guint jobs, const char *tmpdir, const char *db_path,
           gboolean quiet)
{
  catch_signals (&r->unblocked);
  r->tty = !quiet && isatty (STDERR_FILENO);
  progress (r->done, r->total, r->tty);
  r->next = r->merged_upto = r->running = 0;
  int status = HERD_EXIT_OK;
  while (r->merged_upto < r->total && status == HERD_EXIT_OK)
    {
      if (interrupted)
        {
          fprintf (stderr, "\nherd bench: interrupted; %u of %u runs are in "
                           "%s, the next invocation resumes\n",
                   r->done, r->total, db_path);
          status = HERD_EXIT_FAILURE;
          break;
        }
      status = start_runs (r, jobs, tmpdir);
      if (merge_finished (r) != HERD_EXIT_OK)
        status = HERD_EXIT_FAILURE;
      if (r->merged_upto >= r->total || status != HERD_EXIT_OK
          || r->running == 0)
        continue;
      status = wait_child (r);
    }
  runs_clear (r);
  sigprocmask (SIG_SETMASK, &r->unblocked, NULL);
  return status;
}

/* The comparison of the configurations over the seeds: a table or JSON
 * on stdout, and with --csv a file. */
static int
print_comparison (const BenchOptions *opt, const char *path,
                  HerdResults *db, GPtrArray *configs,
                  const gint64 *config_ids)
{
  g_autoptr (GError) error = NULL;
  guint64 seeds = opt->last - opt->first + 1;
  g_autofree HerdBenchStat *stats
      = g_new0 (HerdBenchStat, configs->len * HERD_BENCH_N_METRICS);
  herd_bench_compare (db, config_ids, configs->len, opt->first, opt->last,
                      (guint) opt->baseline - 1, stats);
  if (opt->json)
    print_json (configs, stats, (guint) opt->baseline - 1, opt->first,
                opt->last);
  else
    {
      printf ("herd bench: %s, %u configurations x %" G_GUINT64_FORMAT
              " seeds (%" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT "), "
              "results in %s\n",
              path, configs->len, seeds, opt->first, opt->last,
              opt->db_path);
      print_table (configs, stats, (guint) opt->baseline - 1);
    }
  if (opt->csv_path != NULL
      && !write_csv (opt->csv_path, configs, stats, &error))
    {
      herd_cli_error ("bench", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  return HERD_EXIT_OK;
}

int
herd_cmd_bench (int argc, char **argv)
{
  g_auto (BenchOptions) opt = {
    .jobs = (gint) g_get_num_processors (),
    .baseline = 1,
  };
  if (!bench_parse (&argc, &argv, &opt) || !bench_check (argc, &opt))
    return HERD_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  if (!g_file_get_contents (argv[1], &text, NULL, &error))
    {
      herd_cli_error ("bench", "%s: %s", argv[1], error->message);
      return HERD_EXIT_USAGE;
    }
  g_auto (GStrv) policies = opt.policies_text != NULL
                                ? g_strsplit (opt.policies_text, ",", -1)
                                : NULL;
  g_autoptr (GPtrArray) configs = NULL;
  if (!herd_bench_configs (policies, opt.sets, &configs, &error))
    {
      herd_cli_error ("bench", "%s", error->message);
      return HERD_EXIT_USAGE;
    }
  if (opt.baseline < 1 || (guint) opt.baseline > configs->len)
    {
      herd_cli_error ("bench", "--baseline: expected 1..%u", configs->len);
      return HERD_EXIT_USAGE;
    }
  if (opt.emit)
    {
      /* The commands name this very binary, by its absolute path. */
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      return emit_jobs (self != NULL ? self : "herd", argv[1], configs,
                        opt.first, opt.last, opt.db_path);
    }
  g_autoptr (GPtrArray) digests = g_ptr_array_new_with_free_func (g_free);
  if (!load_configs (argv[1], text, configs, digests))
    return HERD_EXIT_USAGE;

  g_autoptr (HerdResults) db = herd_results_open (opt.db_path, &error);
  if (db == NULL)
    {
      herd_cli_error ("bench", "%s", error->message);
      return g_error_matches (error, HERD_RESULTS_ERROR,
                              HERD_RESULTS_ERROR_SCHEMA)
                 ? HERD_EXIT_USAGE
                 : HERD_EXIT_FAILURE;
    }
  g_autofree gint64 *config_ids = config_ids_of (db, configs);
  if (config_ids == NULL)
    return HERD_EXIT_FAILURE;

  g_autoptr (GString) why = g_string_new (NULL);
  guint n_stale = find_stale (db, configs, config_ids, digests, why);
  if (n_stale > 0 && !opt.redo)
    {
      fprintf (stderr,
               "herd bench: %s holds %u runs of these configurations that "
               "were not made from %s as it is now (scenario text with the "
               "settings applied, herd %s):\n%s"
               "Their results would be reused as if they were. Run again "
               "with --redo to delete them and run them again, or use "
               "another --db.\n",
               opt.db_path, n_stale, argv[1], HERD_VERSION, why->str);
      return HERD_EXIT_USAGE;
    }

  WorkDir work = { NULL, -1 };
  if (!work_open (opt.db_path, &work))
    {
      work_close (&work);
      return HERD_EXIT_USAGE;
    }
  if (n_stale > 0
      && !forget_stale (db, opt.db_path, configs, config_ids, digests, why))
    {
      work_close (&work);
      return HERD_EXIT_FAILURE;
    }

  Runs runs = { .db = db, .path = argv[1], .text = text, .configs = configs,
                .config_ids = config_ids, .first = opt.first,
                .seeds = opt.last - opt.first + 1 };
  runs_init (&runs);
  int status = run_sweep (&runs, (guint) opt.jobs, work.dir, opt.db_path,
                          opt.quiet);
  work_close (&work);
  if (status != HERD_EXIT_OK)
    return status;
  return print_comparison (&opt, argv[1], db, configs, config_ids);
}
