/* cmd-swarm.c: `herd swarm`: swarm testing.  Generates scenarios from
 * generator seeds (swarm/generate.h), loads each and runs it over run seeds
 * 1..K with every invariant checked; keeps each scenario that breaks one
 * (or crashes, or does not load: a generator bug) as DIR/swarm-S.ini and
 * prints the violation and the command that replays it.  Each scenario
 * runs in a child process, so that a crash (an assertion) is reported
 * like a violation and the swarm goes on.  `herd generate --seed S` (or
 * `herd swarm --print S`) prints one generated scenario.
 * docs/testing.md. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "cli/commands.h"
#include "run/run.h"
#include "swarm/generate.h"

/* A run that crashes still leaves its scenario and the command that
 * replays it: the signal handler writes what the run in progress set
 * here, with async-signal-safe calls only. */
static struct
{
  const char *text;    /* the scenario's text */
  const char *path;    /* where it goes */
  char *message;       /* what to print */
} crash_info;

static void
crash_handler (int sig)
{
  if (crash_info.text != NULL && crash_info.path != NULL)
    {
      int fd = open (crash_info.path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0)
        {
          size_t len = strlen (crash_info.text);
          if (write (fd, crash_info.text, len) < 0)
            len = 0;
          close (fd);
        }
    }
  if (crash_info.message != NULL
      && write (STDERR_FILENO, crash_info.message,
                strlen (crash_info.message))
             < 0)
    crash_info.message = NULL;
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
crash_handlers_install (void)
{
  static const int signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    signal (signals[i], crash_handler);
}

typedef struct
{
  guint64 scenarios, runs, violations, crashes, generator_errors;
  guint64 failing_scenarios;
  JsonBuilder *json;   /* the array of failures, with --json */
  int report_fd;       /* a child's pipe to its parent, or -1 */
} SwarmTotals;

static char *
scenario_path (const char *dir, guint64 seed)
{
  g_autofree char *base = g_strdup_printf ("swarm-%" G_GUINT64_FORMAT ".ini",
                                           seed);
  return g_build_filename (dir, base, NULL);
}

static void
keep_scenario (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;
  if (!g_file_set_contents (path, text, -1, &error))
    herd_cli_error ("swarm", "cannot keep the scenario: %s", error->message);
}

static void
json_failure (JsonBuilder *json, const char *kind, guint64 seed, guint64 run,
              const char *path, const char *message)
{
  if (json == NULL)
    return;
  g_autofree char *first = g_strndup (message, strcspn (message, "\n"));
  json_builder_begin_object (json);
  json_builder_set_member_name (json, "kind");
  json_builder_add_string_value (json, kind);
  json_builder_set_member_name (json, "generator_seed");
  json_builder_add_int_value (json, (gint64) seed);
  if (run > 0)
    {
      json_builder_set_member_name (json, "run_seed");
      json_builder_add_int_value (json, (gint64) run);
    }
  json_builder_set_member_name (json, "file");
  json_builder_add_string_value (json, path);
  json_builder_set_member_name (json, "message");
  json_builder_add_string_value (json, first);
  json_builder_set_member_name (json, "report");
  json_builder_add_string_value (json, message);
  json_builder_end_object (json);
}

static void
report_line (const SwarmTotals *t, const char *format, ...)
    G_GNUC_PRINTF (2, 3);

/* Tells the parent process (if any) a line of progress. */
static void
report_line (const SwarmTotals *t, const char *format, ...)
{
  if (t->report_fd < 0)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *line = g_strdup_vprintf (format, args);
  va_end (args);
  size_t len = strlen (line), done = 0;
  while (done < len)
    {
      ssize_t n = write (t->report_fd, line + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (size_t) n;
    }
}

/* One generated scenario over run seeds first..runs.  FALSE on a failure
 * that is not the scenario's (the results database, ...). */
static gboolean
swarm_one (guint64 seed, guint64 first, guint64 runs, const char *dir,
           SwarmTotals *t)
{
  g_autofree char *text = herd_generate_scenario (seed);
  g_autofree char *path = scenario_path (dir, seed);
  gboolean kept = FALSE, failed = FALSE;
  t->scenarios++;
  for (guint64 run = first; run <= runs; run++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc
          = herd_scenario_load_data (text, path, &error);
      if (sc == NULL)
        {
          keep_scenario (path, text);
          t->generator_errors++;
          if (t->json == NULL)
            printf ("\ngenerator bug: seed %" G_GUINT64_FORMAT " wrote a "
                    "scenario that does not load (kept as %s):\n  %s\n",
                    seed, path, error->message);
          json_failure (t->json, "generator", seed, 0, path, error->message);
          t->failing_scenarios++;
          return TRUE;
        }
      HerdRunOptions options;
      herd_run_options_init (&options);
      options.seed_set = TRUE;
      options.seed = run;
      options.check_invariants = TRUE;
      HerdRunSummary summary;
      t->runs++;
      report_line (t, "run %" G_GUINT64_FORMAT "\n", run);
      g_free (crash_info.message);
      crash_info.message = g_strdup_printf (
          "\nherd swarm: generator seed %" G_GUINT64_FORMAT ", run seed %"
          G_GUINT64_FORMAT " crashed; the scenario is kept as %s\n"
          "reproduce: herd sim %s --seed %" G_GUINT64_FORMAT "\n",
          seed, run, path, path, run);
      crash_info.text = text;
      crash_info.path = path;
      gboolean ok = herd_run_simulation (sc, &options, &summary, &error);
      crash_info.text = crash_info.path = NULL;
      if (ok)
        continue;
      if (!g_error_matches (error, HERD_RUN_ERROR, HERD_RUN_ERROR_INVARIANT))
        {
          herd_cli_error ("swarm", "generator seed %" G_GUINT64_FORMAT
                          ", run seed %" G_GUINT64_FORMAT ": %s",
                          seed, run, error->message);
          return FALSE;
        }
      if (!kept)
        keep_scenario (path, text);
      kept = TRUE;
      t->violations++;
      failed = TRUE;
      if (t->json == NULL)
        printf ("\ngenerator seed %" G_GUINT64_FORMAT ", run seed %"
                G_GUINT64_FORMAT ": %s"
                "reproduce: herd sim %s --seed %" G_GUINT64_FORMAT
                " --check-invariants\n",
                seed, run, error->message, path, run);
      json_failure (t->json, "invariant", seed, run, path, error->message);
    }
  if (failed)
    t->failing_scenarios++;
  return TRUE;
}

/* The child of swarm_runs_isolated: swarm_one, telling its parent on fd
 * how it went; exits 0, or 3 on a failure not the scenario's. */
static G_GNUC_NORETURN void
swarm_child (guint64 seed, guint64 first, guint64 runs, const char *dir,
             gboolean json, int fd)
{
  SwarmTotals child = { .report_fd = fd };
  if (json)
    {
      child.json = json_builder_new ();
      json_builder_begin_array (child.json);
    }
  gboolean ok = swarm_one (seed, first, runs, dir, &child);
  report_line (&child, "done %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                       "\n",
               child.violations, child.generator_errors);
  if (child.json != NULL)
    {
      json_builder_end_array (child.json);
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = json_builder_get_root (child.json);
      json_generator_set_root (gen, root);
      g_autofree char *data = json_generator_to_data (gen, NULL);
      report_line (&child, "json %s\n", data);
    }
  fflush (stdout);
  fflush (stderr);
  _exit (ok ? 0 : 3);
}

/* Everything the child wrote on fd, until it closes it. */
static GString *
read_all (int fd)
{
  GString *got = g_string_new (NULL);
  char buf[4096];
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (got, buf, n);
    }
  return got;
}

/* Reads the child's report: counts its runs into t and adds its
 * failures to t->json; *last_run is the last run it began, *violations
 * and *generator_errors its totals; TRUE when it got to the end. */
static gboolean
read_child_report (const char *report, SwarmTotals *t, guint64 *last_run,
                   guint64 *violations, guint64 *generator_errors)
{
  gboolean done = FALSE;
  g_auto (GStrv) lines = g_strsplit (report, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      if (g_str_has_prefix (line, "run "))
        {
          *last_run = g_ascii_strtoull (line + 4, NULL, 10);
          t->runs++;
        }
      else if (g_str_has_prefix (line, "done ")
               && sscanf (line + 5, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                          violations, generator_errors)
                      == 2)
        done = TRUE;
      else if (g_str_has_prefix (line, "json ") && t->json != NULL)
        {
          g_autoptr (JsonParser) parser = json_parser_new ();
          if (json_parser_load_from_data (parser, line + 5, -1, NULL))
            {
              JsonArray *a = json_node_get_array (
                  json_parser_get_root (parser));
              for (guint k = 0; k < json_array_get_length (a); k++)
                json_builder_add_value (
                    t->json, json_node_copy (json_array_get_element (a, k)));
            }
        }
    }
  return done;
}

/* A child that crashed (wait status) at run seed last_run: counted and
 * reported, *crashed set. */
static void
report_crash (guint64 seed, guint64 first, guint64 last_run, int status,
              const char *dir, SwarmTotals *t, guint64 *crashed)
{
  g_autofree char *path = scenario_path (dir, seed);
  g_autofree char *what = g_strdup_printf (
      "the run crashed (%s)",
      WIFSIGNALED (status) ? g_strsignal (WTERMSIG (status))
                           : "it exited without its results");
  t->crashes++;
  *crashed = MAX (last_run, first);
  if (t->json == NULL)
    printf ("\ngenerator seed %" G_GUINT64_FORMAT ", run seed %"
            G_GUINT64_FORMAT ": %s\nreproduce: herd sim %s --seed %"
            G_GUINT64_FORMAT "\n",
            seed, last_run, what, path, last_run);
  json_failure (t->json, "crash", seed, last_run, path, what);
}

/* swarm_one (run seeds first..runs) in a child process, whose crash is
 * a failure like any other; *crashed is the run seed that crashed, or 0.
 * The child tells its parent "run R" before each run and, at the end,
 * "done VIOLATIONS GENERATOR_ERRORS" and (with --json) its failures. */
static gboolean
swarm_runs_isolated (guint64 seed, guint64 first, guint64 runs,
                     const char *dir, SwarmTotals *t, guint64 *crashed)
{
  *crashed = 0;
  int fds[2];
  if (pipe (fds) != 0)
    {
      herd_cli_error ("swarm", "pipe: %s", g_strerror (errno));
      return FALSE;
    }
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    {
      herd_cli_error ("swarm", "fork: %s", g_strerror (errno));
      close (fds[0]);
      close (fds[1]);
      return FALSE;
    }
  if (pid == 0)
    {
      close (fds[0]);
      swarm_child (seed, first, runs, dir, t->json != NULL, fds[1]);
    }
  close (fds[1]);
  g_autoptr (GString) got = read_all (fds[0]);
  close (fds[0]);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  guint64 last_run = 0, violations = 0, generator_errors = 0;
  gboolean done = read_child_report (got->str, t, &last_run, &violations,
                                     &generator_errors);
  t->violations += violations;
  t->generator_errors += generator_errors;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0 && done)
    return TRUE;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 3)
    return FALSE;
  /* A crash: the child's handler kept the scenario and said so. */
  report_crash (seed, first, last_run, status, dir, t, crashed);
  return TRUE;
}

/* One scenario, isolated: after a crash, its remaining run seeds run in
 * a new child. */
static gboolean
swarm_one_isolated (guint64 seed, guint64 runs, const char *dir,
                    SwarmTotals *t)
{
  guint64 before = t->violations + t->crashes + t->generator_errors;
  guint64 first = 1, crashed = 0;
  t->scenarios++;
  while (first <= runs)
    {
      if (!swarm_runs_isolated (seed, first, runs, dir, t, &crashed))
        return FALSE;
      if (crashed == 0)
        break;
      first = crashed + 1;
    }
  if (t->violations + t->crashes + t->generator_errors > before)
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
                   G_GUINT64_FORMAT " failures, %.0f s, ETA %.0f s ",
           bar, done, count, t->runs,
           t->violations + t->crashes + t->generator_errors, elapsed, eta);
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

/* Generator seeds from..from+count-1, each over run seeds 1..seeds
 * (isolated in a child process unless no_fork), redrawing the progress
 * bar if asked; HERD_EXIT_FAILURE when a failure not a scenario's stopped
 * the swarm. */
static int
swarm_all (gint64 from, gint64 count, gint64 seeds, const char *dir,
           gboolean no_fork, gboolean progress, gint64 start,
           SwarmTotals *totals)
{
  gint64 last_draw = 0;
  int status = HERD_EXIT_OK;
  for (gint64 i = 0; i < count; i++)
    {
      guint64 before = totals->violations + totals->crashes
                       + totals->generator_errors;
      guint64 seed = (guint64) (from + i);
      gboolean ok = no_fork ? swarm_one (seed, 1, (guint64) seeds, dir,
                                         totals)
                            : swarm_one_isolated (seed, (guint64) seeds, dir,
                                                  totals);
      if (!ok)
        {
          status = HERD_EXIT_FAILURE;
          break;
        }
      gint64 now = g_get_monotonic_time ();
      if (progress
          && (now - last_draw >= 100000 || i + 1 == count
              || totals->violations + totals->crashes
                         + totals->generator_errors
                     != before))
        {
          last_draw = now;
          progress_draw ((guint64) i + 1, (guint64) count, totals,
                         (now - start) / 1e6);
        }
    }
  return status;
}

/* The summary and the failures, with --json. */
static void
print_summary_json (gint64 from, gint64 seeds, SwarmTotals *totals,
                    double elapsed)
{
  json_builder_end_array (totals->json);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
#define INT(k, v)                                                           \
  json_builder_set_member_name (b, k);                                      \
  json_builder_add_int_value (b, (gint64) (v))
  INT ("from", from);
  INT ("scenarios", totals->scenarios);
  INT ("runs", totals->runs);
  INT ("run_seeds", seeds);
  INT ("violations", totals->violations);
  INT ("crashes", totals->crashes);
  INT ("generator_errors", totals->generator_errors);
  INT ("failing_scenarios", totals->failing_scenarios);
#undef INT
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, elapsed);
  json_builder_set_member_name (b, "failures");
  json_builder_add_value (b, json_builder_get_root (totals->json));
  json_builder_end_object (b);
  herd_cli_print_json (b);
  g_object_unref (totals->json);
}

/* The summary line, without --json. */
static void
print_summary_text (gint64 from, gint64 seeds, const SwarmTotals *totals,
                    double elapsed)
{
  printf ("%" G_GUINT64_FORMAT " scenarios (generator seeds %" G_GINT64_FORMAT
          "..%" G_GINT64_FORMAT "), %" G_GUINT64_FORMAT " runs (run seeds "
          "1..%" G_GINT64_FORMAT "), %" G_GUINT64_FORMAT
          " invariant violations, %" G_GUINT64_FORMAT " crashes, %"
          G_GUINT64_FORMAT " generator errors (%" G_GUINT64_FORMAT
          " scenarios failing), %.2f s\n",
          totals->scenarios, from, from + (gint64) totals->scenarios - 1,
          totals->runs, seeds, totals->violations, totals->crashes,
          totals->generator_errors, totals->failing_scenarios, elapsed);
}

int
herd_cmd_swarm (int argc, char **argv)
{
  gint64 count = 100, from = 1, seeds = 2, print = -1;
  g_autofree char *keep = NULL;
  gboolean json = FALSE, quiet = FALSE, no_fork = FALSE;
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
    { "no-fork", 0, 0, G_OPTION_ARG_NONE, &no_fork,
      "Run every scenario in this process (for a debugger; a crash then "
      "ends the swarm)",
      NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print the summary and the failures as JSON", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL },
    { NULL },
  };
  if (!herd_cli_parse (&argc, &argv, "swarm", NULL,
                       "Swarm testing: runs generated scenarios (each with "
                       "a random subset of the features) with every "
                       "invariant checked.",
                       "Each failing scenario (a violation, a crash, or a "
                       "generated scenario that does not load) is kept as "
                       "DIR/swarm-S.ini, with the command that replays "
                       "it.\nExit status: 0 no failure, 1 a failure, 2 bad "
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
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      herd_cli_error ("swarm", "--keep: cannot create %s: %s", dir,
                      g_strerror (errno));
      return HERD_EXIT_USAGE;
    }
  crash_handlers_install ();
  SwarmTotals totals = { .report_fd = -1 };
  if (json)
    {
      totals.json = json_builder_new ();
      json_builder_begin_array (totals.json);
    }
  gboolean progress = !quiet && !json && isatty (STDERR_FILENO);
  gint64 start = g_get_monotonic_time ();
  int status = swarm_all (from, count, seeds, dir, no_fork, progress, start,
                          &totals);
  g_clear_pointer (&crash_info.message, g_free);
  double elapsed = (g_get_monotonic_time () - start) / 1e6;
  if (progress)
    fprintf (stderr, "\r%110s\r", "");
  if (json)
    print_summary_json (from, seeds, &totals, elapsed);
  else
    print_summary_text (from, seeds, &totals, elapsed);
  if (status == HERD_EXIT_OK
      && totals.violations + totals.crashes + totals.generator_errors > 0)
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
