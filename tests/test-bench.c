/* test-bench.c: herd bench's sweep (sweep/sweep.h): the Cartesian product
 * of policies and --set values in order, settings applied to a
 * scenario's text (replacing the key's line or adding one after the
 * group's header, comments kept), errors for groups that are not there,
 * and Student's t confidence intervals against values worked by hand;
 * result provenance (issue 14, defect 6): runs recorded from another
 * scenario text or left running are never reused, --redo forgets them,
 * herd merge refuses a run not done and counts what it merged, and the
 * results schema is versioned (older migrated, newer refused). */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sweep/sweep.h"
#include "tests/test-util.h"

static void
test_configs (void)
{
  char *policies[] = { "none", "power_saving", NULL };
  char *sets[] = { "cluster.c1.policy.HighUtilization=70, 80", NULL };
  g_autoptr (GPtrArray) configs = NULL;
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE_FATAL (herd_bench_configs (policies, sets, &configs,
                                            &error));
  CU_ASSERT_EQUAL_FATAL (configs->len, 4);
  static const char *const labels[] = {
    "policy=none cluster.c1.policy.HighUtilization=70",
    "policy=none cluster.c1.policy.HighUtilization=80",
    "policy=power_saving cluster.c1.policy.HighUtilization=70",
    "policy=power_saving cluster.c1.policy.HighUtilization=80",
  };
  for (guint i = 0; i < 4; i++)
    CU_ASSERT_STRING_EQUAL (
        ((HerdBenchConfig *) g_ptr_array_index (configs, i))->label,
        labels[i]);
  g_autoptr (GPtrArray) plain = NULL;
  CU_ASSERT_TRUE (herd_bench_configs (NULL, NULL, &plain, &error));
  CU_ASSERT_EQUAL (plain->len, 1);
  CU_ASSERT_STRING_EQUAL (
      ((HerdBenchConfig *) g_ptr_array_index (plain, 0))->label, "baseline");
  char *bad[] = { "cluster.c1.policy.HighUtilization", NULL };
  g_autoptr (GPtrArray) none = NULL;
  CU_ASSERT_FALSE (herd_bench_configs (NULL, bad, &none, &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "expected KEY=V1,V2"));
}

static void
test_apply (void)
{
  static const char *text = "; a comment\n[scenario]\nduration = 1d\n"
                            "[cluster  c1]   ; the first\n"
                            "policy = none\n[cluster c2]\n";
  char *sets[] = { "scenario.duration=2d",
                   "cluster.c1.policy.HighUtilization=70",
                   "defaults.VolumeExtendChunk=2G", NULL };
  char *policies[] = { "power_saving", NULL };
  g_autoptr (GPtrArray) configs = NULL;
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE_FATAL (herd_bench_configs (policies, sets, &configs,
                                            &error));
  g_autofree char *out = herd_bench_apply (
      text, g_ptr_array_index (configs, 0), &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (out);
  CU_ASSERT_STRING_EQUAL (out,
                          "; a comment\n[scenario]\nduration = 2d\n"
                          "[cluster  c1]   ; the first\n"
                          "policy.HighUtilization = 70\n"
                          "policy = power_saving\n[cluster c2]\n"
                          "policy = power_saving\n\n[defaults]\n"
                          "VolumeExtendChunk = 2G");
  char *missing[] = { "cluster.c9.policy=none", NULL };
  g_autoptr (GPtrArray) bad = NULL;
  CU_ASSERT_TRUE_FATAL (herd_bench_configs (NULL, missing, &bad, &error));
  g_autofree char *none = herd_bench_apply (text, g_ptr_array_index (bad, 0),
                                            &error);
  CU_ASSERT_PTR_NULL (none);
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "there is no [cluster "
                                                  "c9]"));
}

/* 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.7764451: half-width
 * 2.7764451 x 1.5811388 / sqrt(5) = 1.9632432. */
static void
test_interval (void)
{
  const double v[] = { 1, 2, 3, 4, 5 };
  double mean, half;
  herd_bench_interval (v, 5, &mean, &half);
  CU_ASSERT_DOUBLE_EQUAL (mean, 3, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (half, 1.9632432, 1e-6);
  herd_bench_interval (v, 1, &mean, &half);
  CU_ASSERT_DOUBLE_EQUAL (mean, 1, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (half, 0, 1e-12);
}

/* A scratch directory and the databases made in it. */
static char *
scratch (void)
{
  return g_dir_make_tmp ("herd-bench-test-XXXXXX", NULL);
}

static void
scratch_remove (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Writes one finished run of text and seed into results; its id. */
static gint64
write_run (HerdResults *db, const char *text, guint64 seed, double energy)
{
  g_autoptr (GError) error = NULL;
  HerdRunInfo info = { "t", "t.ini", text, seed, HERD_HOUR (1), FALSE };
  gint64 id = herd_results_begin_run (db, &info, &error);
  CU_ASSERT_TRUE_FATAL (id > 0);
  herd_results_add_summary (db, "energy_kwh", energy);
  CU_ASSERT_TRUE (herd_results_end_run (db, &error));
  return id;
}

static void
count_rows (guint n, const double *values, const char *const *texts,
            gpointer data)
{
  (void) texts;
  if (n > 0)
    *(double *) data = values[0];
}

static double
count (HerdResults *db, const char *sql)
{
  double v = -1;
  CU_ASSERT_TRUE (herd_results_query (db, sql, count_rows, &v, NULL));
  return v;
}

/* A run recorded from one scenario text is not reused for another: it is
 * stale (by digest, then by status), and forgetting it removes the run and
 * its rows. */
static void
test_stale_runs (void)
{
  g_autofree char *dir = scratch ();
  g_autofree char *path = g_build_filename (dir, "b.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdResults) db = herd_results_open (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (db);
  gint64 config = herd_results_bench_config (db, "policy=none", &error);
  CU_ASSERT_TRUE_FATAL (config > 0);
  const char *old_text = "[scenario]\nduration = 1d\n";
  const char *new_text = "[scenario]\nduration = 2d\n";
  g_autofree char *old_digest = herd_results_digest (old_text);
  g_autofree char *new_digest = herd_results_digest (new_text);
  CU_ASSERT_EQUAL (strlen (old_digest), 64);
  CU_ASSERT_STRING_NOT_EQUAL (old_digest, new_digest);
  gint64 run = write_run (db, old_text, 1, 156.2);
  CU_ASSERT_TRUE (herd_results_bench_record (db, config, 1, run, &error));
  CU_ASSERT_EQUAL (herd_results_bench_run (db, config, 1), run);
  CU_ASSERT_EQUAL (herd_results_bench_stale (db, config, old_digest, NULL),
                   0);
  g_autoptr (GArray) stale = g_array_new (FALSE, FALSE,
                                          sizeof (HerdBenchStale));
  CU_ASSERT_EQUAL_FATAL (herd_results_bench_stale (db, config, new_digest,
                                                   stale),
                         1);
  const HerdBenchStale *st = &g_array_index (stale, HerdBenchStale, 0);
  CU_ASSERT_EQUAL (st->run_id, run);
  CU_ASSERT_EQUAL (st->seed, 1);
  CU_ASSERT_STRING_EQUAL (st->status, "done");
  CU_ASSERT_STRING_EQUAL (st->digest, old_digest);
  CU_ASSERT_STRING_EQUAL (st->version, HERD_VERSION);
  herd_results_bench_stale_clear (stale);
  CU_ASSERT_EQUAL (herd_results_bench_forget (db, config, new_digest,
                                              &error),
                   1);
  CU_ASSERT_EQUAL (herd_results_bench_run (db, config, 1), -1);
  CU_ASSERT_EQUAL (count (db, "SELECT COUNT (*) FROM runs"), 0);
  CU_ASSERT_EQUAL (count (db, "SELECT COUNT (*) FROM summary"), 0);
  CU_ASSERT_EQUAL (count (db, "SELECT COUNT (*) FROM bench_runs"), 0);
  /* Another herd version is stale too. */
  run = write_run (db, new_text, 2, 305.2);
  CU_ASSERT_TRUE (herd_results_bench_record (db, config, 2, run, &error));
  CU_ASSERT_EQUAL (herd_results_bench_stale (db, config, new_digest, NULL),
                   0);
  CU_ASSERT_TRUE (herd_results_query (
      db, "UPDATE runs SET herd_version = '0.0.1'", count_rows, NULL,
      &error));
  CU_ASSERT_EQUAL (herd_results_bench_stale (db, config, new_digest, NULL),
                   1);
  herd_results_close (g_steal_pointer (&db));
  scratch_remove (dir);
}

/* A process killed in the middle of a run (here: one that ends without
 * closing the database) leaves the run marked running: herd bench does
 * not reuse it and herd merge refuses the file, by name. */
static void
test_killed_run (void)
{
  g_autofree char *dir = scratch ();
  g_autofree char *path = g_build_filename (dir, "k.db", NULL);
  const char *text = "[scenario]\nduration = 1d\n";
  fflush (NULL);
  pid_t pid = fork ();
  CU_ASSERT_TRUE_FATAL (pid >= 0);
  if (pid == 0)
    {
      HerdResults *db = herd_results_open (path, NULL);
      HerdRunInfo info = { "t", "t.ini", text, 3, HERD_HOUR (1), FALSE };
      if (db == NULL || herd_results_begin_run (db, &info, NULL) < 0)
        _exit (1);
      herd_results_add_summary (db, "energy_kwh", 1.0);
      _exit (0); /* as kill -9: no end_run, no close */
    }
  int status = -1;
  waitpid (pid, &status, 0);
  CU_ASSERT_TRUE_FATAL (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdResults) db = herd_results_open (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (db);
  CU_ASSERT_EQUAL (count (db, "SELECT COUNT (*) FROM runs WHERE status = "
                              "'running'"),
                   1);
  CU_ASSERT_EQUAL (count (db, "SELECT COUNT (*) FROM summary"), 0);
  gint64 config = herd_results_bench_config (db, "baseline", &error);
  CU_ASSERT_TRUE (herd_results_bench_record (db, config, 3, 1, &error));
  CU_ASSERT_EQUAL (herd_results_bench_run (db, config, 3), -1);
  g_autofree char *digest = herd_results_digest (text);
  g_autoptr (GArray) stale = g_array_new (FALSE, FALSE,
                                          sizeof (HerdBenchStale));
  CU_ASSERT_EQUAL_FATAL (herd_results_bench_stale (db, config, digest,
                                                   stale),
                         1);
  CU_ASSERT_STRING_EQUAL (g_array_index (stale, HerdBenchStale, 0).status,
                          "running");
  herd_results_bench_stale_clear (stale);
  herd_results_close (g_steal_pointer (&db));

  g_autofree char *out_path = g_build_filename (dir, "out.db", NULL);
  g_autoptr (HerdResults) out = herd_results_open (out_path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (out);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint skipped = 7;
  CU_ASSERT_FALSE (herd_results_merge (out, path, NULL, ids, &skipped,
                                       &error));
  CU_ASSERT_TRUE (g_error_matches (error, HERD_RESULTS_ERROR,
                                   HERD_RESULTS_ERROR_INCONSISTENT));
  CU_ASSERT_TRUE (g_str_has_prefix (error->message, path));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "marked running"));
  CU_ASSERT_EQUAL (ids->len, 0);
  CU_ASSERT_EQUAL (skipped, 0);
  CU_ASSERT_EQUAL (count (out, "SELECT COUNT (*) FROM runs"), 0);
  herd_results_close (g_steal_pointer (&out));
  scratch_remove (dir);
}

/* herd merge counts the runs it copied; merging twice copies none and
 * says they were left out; bench_runs naming a missing run is refused. */
static void
test_merge_counts (void)
{
  g_autofree char *dir = scratch ();
  g_autofree char *in_path = g_build_filename (dir, "in.db", NULL);
  g_autofree char *out_path = g_build_filename (dir, "out.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdResults) in = herd_results_open (in_path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (in);
  write_run (in, "[scenario]\n", 1, 1.0);
  write_run (in, "[scenario]\n", 2, 2.0);
  g_autoptr (HerdResults) out = herd_results_open (out_path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (out);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint skipped = 7;
  CU_ASSERT_TRUE (herd_results_merge (out, in_path, NULL, ids, &skipped,
                                      &error));
  CU_ASSERT_EQUAL (ids->len, 2);
  CU_ASSERT_EQUAL (skipped, 0);
  g_array_set_size (ids, 0);
  CU_ASSERT_TRUE (herd_results_merge (out, in_path, NULL, ids, &skipped,
                                      &error));
  CU_ASSERT_EQUAL (ids->len, 0);
  CU_ASSERT_EQUAL (skipped, 2);
  CU_ASSERT_EQUAL (count (out, "SELECT COUNT (*) FROM runs"), 2);
  /* An id pointing nowhere. */
  gint64 config = herd_results_bench_config (in, "baseline", &error);
  CU_ASSERT_TRUE (herd_results_bench_record (in, config, 9, 99, &error));
  CU_ASSERT_FALSE (herd_results_merge (out, in_path, NULL, ids, &skipped,
                                       &error));
  CU_ASSERT_PTR_NOT_NULL (error != NULL ? strstr (error->message, "run 99")
                                        : NULL);
  CU_ASSERT_TRUE (error != NULL && g_str_has_prefix (error->message,
                                                     in_path));
  herd_results_close (g_steal_pointer (&in));
  herd_results_close (g_steal_pointer (&out));
  scratch_remove (dir);
}

/* A file from before schema versioning is migrated (its runs' digests
 * computed from the text they kept); one from a newer herd is refused. */
static void
test_schema_version (void)
{
  g_autofree char *dir = scratch ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  sqlite3 *raw = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (path, &raw), SQLITE_OK);
  CU_ASSERT_EQUAL (
      sqlite3_exec (raw,
                    "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, scenario "
                    "TEXT NOT NULL, scenario_path TEXT, scenario_text TEXT, "
                    "seed INTEGER NOT NULL, duration_ns INTEGER NOT NULL, "
                    "herd_version TEXT NOT NULL, status TEXT NOT NULL);"
                    "INSERT INTO runs VALUES (1, 's', 's.ini', 'old text', 5,"
                    " 1, '0.1.0', 'done');",
                    NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close (raw);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdResults) db = herd_results_open (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (db);
  double version = 0;
  CU_ASSERT_TRUE (herd_results_query (db, "PRAGMA user_version", count_rows,
                                      &version, NULL));
  CU_ASSERT_EQUAL (version, HERD_RESULTS_SCHEMA);
  g_autofree char *digest = herd_results_digest ("old text");
  g_autofree char *sql = g_strdup_printf (
      "SELECT COUNT (*) FROM runs WHERE scenario_sha256 = '%s'", digest);
  CU_ASSERT_EQUAL (count (db, sql), 1);
  CU_ASSERT_TRUE (herd_results_query (db, "PRAGMA user_version = 99",
                                      count_rows, NULL, NULL));
  herd_results_close (g_steal_pointer (&db));
  HerdResults *newer = herd_results_open (path, &error);
  CU_ASSERT_PTR_NULL (newer);
  CU_ASSERT_TRUE (g_error_matches (error, HERD_RESULTS_ERROR,
                                   HERD_RESULTS_ERROR_SCHEMA));
  CU_ASSERT_PTR_NOT_NULL (error != NULL ? strstr (error->message,
                                                  "newer herd")
                                        : NULL);
  herd_results_close (newer);
  scratch_remove (dir);
}

int
main (void)
{
  static const HerdTestCase cases[] = {
    { "configurations", test_configs },
    { "settings applied to a scenario", test_apply },
    { "confidence intervals", test_interval },
    { "runs of another scenario text are stale", test_stale_runs },
    { "a killed run stays running and is not reused", test_killed_run },
    { "merge counts what it merged", test_merge_counts },
    { "schema version: older migrated, newer refused",
      test_schema_version },
    { NULL, NULL },
  };
  static const HerdTestSuite suites[] = {
    { "bench", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
