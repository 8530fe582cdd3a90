/* test-sim.c: whole simulation runs through the sim driver and the core:
 * the determinism contract (same scenario and seed -> identical trace
 * bytes; another seed -> another trace), placement and its failures end to
 * end, lifetimes, the results database, and the golden traces of
 * tests/golden/NAME.ini -> NAME.trace (HERD_REGENERATE=1 rewrites them). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "results/results.h"
#include "run/run.h"
#include "tests/test-util.h"

/* Runs sc (with seed if seed_set) until until (HERD_TIME_NEVER: its
 * duration), checking the invariants, and returns its trace. */
static char *
run_loaded (HerdScenario *sc, gboolean seed_set, guint64 seed,
            HerdTime until, HerdRunSummary *summary_out)
{
  g_autoptr (GError) error = NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *trace = open_memstream (&buf, &len);
  HerdRunOptions options;
  herd_run_options_init (&options);
  options.seed_set = seed_set;
  options.seed = seed;
  options.trace = trace;
  options.check_invariants = TRUE;
  options.until = until;
  HerdRunSummary summary;
  gboolean ok = herd_run_simulation (sc, &options, &summary, &error);
  fclose (trace);
  CU_ASSERT_TRUE (ok);
  if (!ok)
    g_printerr ("%s\n", error->message);
  if (summary_out != NULL)
    *summary_out = summary;
  return buf;
}

/* Runs the scenario at path (or text) and returns its trace. */
static char *
run_trace (const char *path, const char *text, gboolean seed_set,
           guint64 seed, HerdRunSummary *summary_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc
      = text != NULL ? herd_scenario_load_data (text, path, &error)
                     : herd_scenario_load (path, &error);
  if (sc == NULL)
    {
      g_printerr ("%s\n", error->message);
      return NULL;
    }
  return run_loaded (sc, seed_set, seed, HERD_TIME_NEVER, summary_out);
}

static char *
small_path (void)
{
  return herd_test_source_path ("scenarios/small.ini");
}

static void
test_same_seed_same_bytes (void)
{
  g_autofree char *path = small_path ();
  g_autofree char *a = run_trace (path, NULL, TRUE, 7, NULL);
  g_autofree char *b = run_trace (path, NULL, TRUE, 7, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (a);
  CU_ASSERT_PTR_NOT_NULL_FATAL (b);
  CU_ASSERT_TRUE (strlen (a) > 1000);
  CU_ASSERT_STRING_EQUAL (a, b);
}

static void
test_other_seed_other_trace (void)
{
  g_autofree char *path = small_path ();
  g_autofree char *a = run_trace (path, NULL, TRUE, 7, NULL);
  g_autofree char *b = run_trace (path, NULL, TRUE, 8, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (a);
  CU_ASSERT_PTR_NOT_NULL_FATAL (b);
  CU_ASSERT_STRING_NOT_EQUAL (a, b);
}

static void
test_small_places_everything (void)
{
  g_autofree char *path = small_path ();
  HerdRunSummary s;
  g_autofree char *t = run_trace (path, NULL, FALSE, 0, &s);
  CU_ASSERT_EQUAL (s.hosts, 4);
  CU_ASSERT_EQUAL (s.vms, 20);
  CU_ASSERT_EQUAL (s.placements, 20);
  CU_ASSERT_EQUAL (s.placement_failures, 0);
  CU_ASSERT_EQUAL (s.audit_counts[HERD_AUDIT_USER_RUN_VM], 20);
  CU_ASSERT_EQUAL (s.audit_counts[HERD_AUDIT_VDS_DETECTED], 4);
  CU_ASSERT_EQUAL (s.sim_time, HERD_DAY (1));
  CU_ASSERT_TRUE (s.mean_host_cpu > 1.0 && s.mean_host_cpu < 100.0);
  CU_ASSERT_TRUE (s.max_host_cpu >= s.mean_host_cpu);
  CU_ASSERT_TRUE (s.energy_kwh > 0);
}

/* One host of 16 GiB (1 GiB reserved) takes one 8 GiB VM (+64 MiB
 * overhead); the second and third starts find no host. */
static const char overfull[]
    = "[scenario]\nduration = 1h\n"
      "[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncores = 8\nmemory = 16G\n"
      "[vms v]\ncount = 3\nvcpus = 2\nmemory = 8G\ncpu = constant(50%)\n";

static void
test_placement_failures (void)
{
  HerdRunSummary s;
  g_autofree char *t = run_trace ("overfull.ini", overfull, FALSE, 0, &s);
  CU_ASSERT_PTR_NOT_NULL_FATAL (t);
  CU_ASSERT_EQUAL (s.placements, 1);
  CU_ASSERT_EQUAL (s.placement_failures, 2);
  CU_ASSERT_EQUAL (s.audit_counts[HERD_AUDIT_USER_FAILED_RUN_VM], 2);
  CU_ASSERT_PTR_NOT_NULL (
      strstr (t, "0.000 54 USER_FAILED_RUN_VM v-2 reason=no_host "
                 "filtered=Memory:1\n"));
  /* 2 vCPUs at 50% = 1 core of 8 for the hour. */
  CU_ASSERT_DOUBLE_EQUAL (s.mean_host_cpu, 12.5, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (s.cpu_demand_core_hours, 1.0, 1e-9);
}

/* Demand above capacity is unserved: 3 VMs of 4 vCPUs at 100% on 8 cores
 * leave 4 cores unserved, and the host is over HighUtilization all along. */
static const char contended[]
    = "[scenario]\nduration = 2h\n"
      "[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncores = 8\nmemory = 64G\n"
      "[vms v]\ncount = 3\nvcpus = 4\nmemory = 4G\ncpu = constant(100%)\n"
      "boot_time = 0s\n";

static void
test_contention (void)
{
  HerdRunSummary s;
  g_autofree char *t = run_trace ("contended.ini", contended, FALSE, 0, &s);
  CU_ASSERT_PTR_NOT_NULL_FATAL (t);
  CU_ASSERT_DOUBLE_EQUAL (s.mean_host_cpu, 100.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (s.cpu_demand_core_hours, 24.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (s.unserved_core_hours, 8.0, 1e-9);
  /* Served at 100%, over HighUtilization (80%) at every step: 2 h. */
  CU_ASSERT_DOUBLE_EQUAL (s.high_util_host_hours, 2.0, 1e-9);
}

static const char lifetimes[]
    = "[scenario]\nduration = 3h\n"
      "[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncores = 8\nmemory = 64G\n"
      "[vms v]\ncount = 2\nvcpus = 1\nmemory = 1G\nlifetime = 1h\n"
      "arrival = 30m\n"
      "[action again]\nat = 2h\nkind = start\ntarget = v-1\n";

static void
test_lifetime_and_actions (void)
{
  HerdRunSummary s;
  g_autofree char *t = run_trace ("life.ini", lifetimes, FALSE, 0, &s);
  CU_ASSERT_PTR_NOT_NULL_FATAL (t);
  CU_ASSERT_PTR_NOT_NULL (strstr (t, "1800.000 150 USER_INITIATED_RUN_VM v-1"));
  CU_ASSERT_PTR_NOT_NULL (strstr (t, "5400.000 33 USER_STOP_VM v-1 host=h-1"));
  CU_ASSERT_PTR_NOT_NULL (strstr (t, "5400.000 61 VM_DOWN v-2 host=h-1"));
  CU_ASSERT_PTR_NOT_NULL (strstr (t, "7200.000 150 USER_INITIATED_RUN_VM v-1"));
  CU_ASSERT_EQUAL (s.placements, 3);
  CU_ASSERT_EQUAL (s.vms_running, 1);
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  gint64 v = -1;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

/* Removes a test database (and its WAL files) and its directory. */
static void
remove_db (const char *dir, const char *db_path)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (db_path);
  g_rmdir (dir);
}

static void
test_results_database (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-test-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "runs.db", NULL);
  g_autofree char *path = small_path ();
  HerdRunSummary first;
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc = herd_scenario_load (path, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
      HerdRunOptions options;
      herd_run_options_init (&options);
      options.db_path = db_path;
      options.until = HERD_HOUR (2);
      /* Another seed: the same scenario and seed again is refused
       * (test_results_rerun). */
      options.seed_set = i == 1;
      options.seed = 1000;
      HerdRunSummary s;
      CU_ASSERT_TRUE_FATAL (herd_run_simulation (sc, &options, &s, &error));
      CU_ASSERT_EQUAL (s.run_id, i + 1);
      if (i == 0)
        first = s;
    }
  /* The first 12 VMs start at once; the 8 others arrive over 6 hours. */
  CU_ASSERT_TRUE (first.placements >= 12 && first.placements < 20);
  sqlite3 *db = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (db_path, &db), SQLITE_OK);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM runs"
                                  " WHERE status = 'done'"),
                   2);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM events WHERE"
                                  " run_id = 1 AND name = 'USER_RUN_VM'"),
                   (gint64) first.audit_counts[HERD_AUDIT_USER_RUN_VM]);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM events WHERE"
                                  " run_id = 1"),
                   query_int (db, "SELECT sum(value) FROM summary WHERE"
                                  " run_id = 1 AND metric LIKE 'audit.%'"));
  /* Samples at 0, 5m, ..., 2h: 25 per host and per VM. */
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM host_samples"
                                  " WHERE run_id = 2"),
                   4 * 25);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM vm_samples"
                                  " WHERE run_id = 2"),
                   20 * 25);
  /* Each storage domain with the host samples, and its totals once; the
   * last sample is what the totals say. */
  g_autoptr (HerdScenario) loaded = herd_scenario_load (path, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (loaded);
  gint64 domains = (gint64) loaded->model->domains->len;
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM storage_samples"
                                  " WHERE run_id = 2"),
                   domains * 25);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM storage_totals"
                                  " WHERE run_id = 2"),
                   domains);
  CU_ASSERT_EQUAL (query_int (db, "SELECT sum(used_mib) FROM storage_samples"
                                  " WHERE run_id = 2 AND time_ns = 7200"
                                  "000000000"),
                   query_int (db, "SELECT sum(used_mib) FROM storage_totals"
                                  " WHERE run_id = 2"));
  CU_ASSERT_EQUAL (query_int (db, "SELECT value FROM summary WHERE"
                                  " run_id = 1 AND metric = 'placements'"),
                   (gint64) first.placements);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM hosts"), 8);
  sqlite3_close (db);
  remove_db (dir, db_path);
}

/* The same scenario text and seed into the same database: refused
 * (HERD_RESULTS_ERROR_EXISTS, the run kept), or with redo the old run
 * deleted and the new one done. */
static void
test_results_rerun (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-test-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "runs.db", NULL);
  g_autofree char *path = small_path ();
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc = herd_scenario_load (path, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
      HerdRunOptions options;
      herd_run_options_init (&options);
      options.db_path = db_path;
      options.until = HERD_HOUR (1);
      options.redo = i == 2;
      HerdRunSummary s;
      gboolean ok = herd_run_simulation (sc, &options, &s, &error);
      if (i == 1)
        {
          CU_ASSERT_FALSE (ok);
          CU_ASSERT_TRUE (g_error_matches (error, HERD_RESULTS_ERROR,
                                           HERD_RESULTS_ERROR_EXISTS));
          CU_ASSERT_PTR_NOT_NULL (error != NULL
                                      ? strstr (error->message, "--redo")
                                      : NULL);
        }
      else
        CU_ASSERT_TRUE (ok);
    }
  sqlite3 *db = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (db_path, &db), SQLITE_OK);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM runs"), 1);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM runs WHERE status"
                                  " = 'done'"),
                   1);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(DISTINCT run_id) FROM"
                                  " host_samples"),
                   1);
  sqlite3_close (db);
  remove_db (dir, db_path);
}

/* A run's row is committed as running before its rows; rows are
 * committed in chunks (another connection sees them while the run
 * goes); closing without ending marks the run failed. */
static void
test_results_chunks (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-test-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  HerdResults *r = herd_results_open (db_path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  herd_results_set_chunk_rows (r, 10);
  HerdRunInfo info = { "t", "t.ini", "[scenario]\n", 1, HERD_HOUR (1),
                       FALSE };
  gint64 id = herd_results_begin_run (r, &info, &error);
  CU_ASSERT_EQUAL_FATAL (id, 1);
  sqlite3 *db = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (db_path, &db), SQLITE_OK);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM runs WHERE status"
                                  " = 'running'"),
                   1);
  for (int i = 0; i < 25; i++)
    herd_results_add_host_sample (r, i, 0, "Up", 1, 1, 1, 1);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM host_samples"), 20);
  herd_results_close (r);
  CU_ASSERT_EQUAL (query_int (db, "SELECT status = 'failed' FROM runs"), 1);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM host_samples"), 20);
  sqlite3_close (db);
  remove_db (dir, db_path);
}

/* Every tests/golden/NAME.ini without an "err-" prefix runs with its own
 * seed; its trace must equal NAME.trace. */
static void
test_golden_traces (void)
{
  g_autofree char *dir_path = herd_test_source_path ("tests/golden");
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (dir);
  gboolean regenerate = g_getenv ("HERD_REGENERATE") != NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".ini") && !g_str_has_prefix (name, "err-"))
      g_ptr_array_add (names, g_strdup (name));
  CU_ASSERT_TRUE (names->len > 0);
  for (guint i = 0; i < names->len; i++)
    {
      const char *ini = g_ptr_array_index (names, i);
      g_autofree char *rel = g_build_filename ("tests/golden", ini, NULL);
      g_autofree char *ini_path = herd_test_source_path (rel);
      g_autofree char *stem = g_strndup (ini_path, strlen (ini_path) - 4);
      g_autofree char *trace_path = g_strconcat (stem, ".trace", NULL);
      g_autofree char *got = run_trace (ini_path, NULL, FALSE, 0, NULL);
      CU_ASSERT_PTR_NOT_NULL_FATAL (got);
      if (regenerate)
        {
          g_file_set_contents (trace_path, got, -1, NULL);
          continue;
        }
      g_autofree char *want = NULL;
      if (!g_file_get_contents (trace_path, &want, NULL, NULL))
        {
          g_printerr ("golden: %s has no .trace (HERD_REGENERATE=1)\n", ini);
          CU_FAIL ("missing golden trace");
          continue;
        }
      if (strcmp (got, want) != 0)
        g_printerr ("golden: %s: trace differs from %s\n", ini, trace_path);
      CU_ASSERT_STRING_EQUAL (got, want);
    }
}

/* fail-storage-eio.ini: three VMs pause on an I/O error at 1205 s, one
 * resumes (auto_resume), one stays paused (leave_paused), one is killed
 * (kill): the pauses table has the three, one still open. */
static void
test_pauses_table (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-test-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "runs.db", NULL);
  g_autofree char *path
      = herd_test_source_path ("tests/golden/fail-storage-eio.ini");
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  HerdRunOptions options;
  herd_run_options_init (&options);
  options.db_path = db_path;
  options.samples = HERD_SAMPLES_NONE;
  HerdRunSummary s;
  CU_ASSERT_TRUE_FATAL (herd_run_simulation (sc, &options, &s, &error));
  sqlite3 *db = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (db_path, &db), SQLITE_OK);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM pauses WHERE"
                                  " reason = 'EIO' AND start_ns = 1205"
                                  "000000000"),
                   3);
  CU_ASSERT_EQUAL (query_int (db, "SELECT count(*) FROM pauses WHERE"
                                  " end_ns IS NULL"),
                   1);
  CU_ASSERT_EQUAL (s.enospc_pauses, 0);
  sqlite3_close (db);
  remove_db (dir, db_path);
}

/* A 1 s agent hang nobody notices, then a crash of the same host: the
 * crash gets its own failover record, timed from the crash (fault at
 * 2000 s, HA VM back 91.5 s later), not from the hang. */
static const char unnoticed_then_crash[]
    = "[scenario]\nduration = 1h\n[datacenter dc]\n"
      "[storage sd1]\ntype = nfs\ncapacity = 2T\n[cluster c]\n"
      "[hosts h]\ncount = 3\ncores = 16\nmemory = 64G\n"
      "fence_agent = ipmilan\n"
      "[vms a]\ncount = 3\nvcpus = 2\nmemory = 4G\nha = true\n"
      "[fault hang]\nat = 100500ms\nkind = agent_hang\ntarget = h-2\n"
      "duration = 1s\n"
      "[fault crash]\nat = 2000s\nkind = host_crash\ntarget = h-2\n";

static void
test_unnoticed_fault_closes (void)
{
  HerdRunSummary s;
  g_autofree char *trace = run_trace ("unnoticed.ini", unnoticed_then_crash,
                                      FALSE, 0, &s);
  CU_ASSERT_PTR_NOT_NULL_FATAL (trace);
  CU_ASSERT_EQUAL (s.failovers, 2);
  CU_ASSERT_EQUAL (s.vms_recovered, 1);
  CU_ASSERT_DOUBLE_EQUAL (s.recovery_max_s, 91.5, 1e-9);
}

/* A cluster as oVirt's scheduler tests state it (issue 15): the VMs of a
 * group with host run there from time 0, Up without the scheduler and
 * committed in the manager; a host's cpu_load is in what it reports, in
 * the demand and in the energy; its committed_memory is in the manager's
 * committed memory and out of its free memory. */
static const char placed[]
    = "[scenario]\nduration = 10m\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 2\ncores = 4\nmemory = 16G\ncpu_load = 25%\n"
      "committed_memory = 2G\npower_idle = 100W\npower_max = 200W\n"
      "[vms run]\ncount = 2\nvcpus = 2\nmemory = 2G\nmemory_used = 1G\n"
      "cpu = constant(50%)\nha = true\nhost = h-1\nlifetime = 5m\n"
      "[vms new]\nvcpus = 1\nmemory = 1G\n";

static void
test_placed_vms_and_host_load (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (placed, "p.ini",
                                                         &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  HerdRunSummary s;
  g_autofree char *got = run_loaded (sc, FALSE, 0, HERD_MIN (4), &s);

  const HerdModel *m = sc->model;
  for (HerdId id = 0; id < 2; id++)
    {
      const HerdVm *vm = herd_model_vm (m, id);
      CU_ASSERT_EQUAL (vm->status, HERD_VM_UP);
      CU_ASSERT_EQUAL (vm->host, 0);
      CU_ASSERT_TRUE (vm->committed);
    }
  const HerdHost *h1 = herd_model_host (m, 0), *h2 = herd_model_host (m, 1);
  /* 2G + 2 x (2G + 64M overhead); new-1 on the idler h-2. */
  CU_ASSERT_EQUAL (h1->committed_mem_mib, 2048 + 2 * (2048 + 64));
  CU_ASSERT_EQUAL (h1->vm_count, 2);
  CU_ASSERT_EQUAL (h1->ha_vm_count, 2);
  CU_ASSERT_EQUAL (h2->committed_mem_mib, 2048 + 1024 + 64);
  CU_ASSERT_EQUAL (h2->vm_count, 1);
  /* Reported: 25% of 4 cores and the VMs (2 x 50% x 2, 10% x 1); free:
   * 16G less 2G and what the guests touched (memory_used + overhead). */
  CU_ASSERT_EQUAL (h1->cpu_used_mc, 1000 + 2000);
  CU_ASSERT_EQUAL (h2->cpu_used_mc, 1000 + 100);
  CU_ASSERT_EQUAL (h1->mem_free_mib, 16384 - 2048 - 2 * (1024 + 64));
  CU_ASSERT_EQUAL (h2->mem_free_mib, 16384 - 2048 - (1024 + 64));
  /* Demand and energy over 240 s: 2 x 1000 + 2000 + 100 millicores;
   * h-1 at 75% draws 175 W, h-2 at 27.5% 127.5 W. */
  CU_ASSERT_DOUBLE_EQUAL (s.cpu_demand_core_hours,
                          4100.0 * 240 / 1000 / 3600, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (s.energy_kwh, (175 + 127.5) * 240 / 3.6e6, 1e-9);
  CU_ASSERT_EQUAL (s.placements, 1);
  CU_ASSERT_PTR_NULL (strstr (got, "RUN_VM run-"));
  CU_ASSERT_PTR_NOT_NULL (strstr (got, "10.000 32 USER_RUN_VM new-1 "
                                       "host=h-2\n"));

  /* The lifetime of a placed VM runs from time 0. */
  g_autofree char *full = run_trace ("p.ini", placed, FALSE, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (full);
  CU_ASSERT_PTR_NOT_NULL (strstr (full, "300.000 33 USER_STOP_VM run-1 "
                                        "host=h-1\n"));
}

/* Memory that moves (sim/memory.c, docs/scenarios.md "Memory"): four VMs
 * of 6G using 50% on one 16G host.  KSM merges ksm_sharing of what the
 * guests hold once MoM runs it (their defined memory, 24G, with the 20%
 * threshold is over 16G): 25% of 4 x 3072 MiB = 3072 MiB, an hour long:
 * 3 GiB-hours, and the manager sees 16384 - (4 x (3072 + 64) - 3072) =
 * 6912 MiB free.  Without sharing, 16384 - 4 x 3136 = 3840. */
static const char ksm_text[]
    = "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
      "memory_overcommit = 200\nksm_sharing = 25%\n"
      "[hosts h]\ncount = 1\ncores = 8\nmemory = 16G\n"
      "[vms v]\ncount = 4\nvcpus = 1\nmemory = 6G\nmemory_used = constant(50%)\n"
      "host = h-1\n";

static HerdScenario *
load_text (const char *text)
{
  g_autoptr (GError) error = NULL;
  HerdScenario *sc = herd_scenario_load_data (text, "m.ini", &error);
  if (sc == NULL)
    g_printerr ("%s\n", error->message);
  return sc;
}

static void
test_memory_ksm (void)
{
  g_autoptr (HerdScenario) sc = load_text (ksm_text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  HerdRunSummary s;
  g_autofree char *trace = run_loaded (sc, FALSE, 0, HERD_TIME_NEVER, &s);
  CU_ASSERT_DOUBLE_EQUAL (s.ksm_saved_gib_hours, 3.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (s.memory_over_host_hours, 0, 1e-12);
  CU_ASSERT_EQUAL (herd_model_host (sc->model, 0)->mem_free_mib, 6912);

  g_autofree char *plain = g_strdup (ksm_text);
  g_autoptr (GString) no_sharing = g_string_new (ksm_text);
  g_string_replace (no_sharing, "ksm_sharing = 25%", "ksm_sharing = 0%", 1);
  g_autoptr (HerdScenario) sc0 = load_text (no_sharing->str);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc0);
  g_autofree char *trace0 = run_loaded (sc0, FALSE, 0, HERD_TIME_NEVER, &s);
  CU_ASSERT_DOUBLE_EQUAL (s.ksm_saved_gib_hours, 0, 1e-12);
  CU_ASSERT_EQUAL (herd_model_host (sc0->model, 0)->mem_free_mib, 3840);
}

/* A diurnal memory model: 8G at its peak (time 0), half of it six hours
 * later; the manager's free memory follows. */
static void
test_memory_diurnal (void)
{
  g_autoptr (HerdScenario) sc = load_text (
      "[scenario]\nduration = 1d\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 1\ncores = 8\nmemory = 16G\n"
      "[vms v]\nvcpus = 1\nmemory = 8G\n"
      "memory_used = diurnal(mean=50%, peak=100%, peak_at=0h)\n"
      "host = h-1\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  CU_ASSERT_EQUAL (((HerdVmGroup *) g_ptr_array_index (sc->vm_groups, 0))
                       ->memory_used_mib,
                   8192);
  g_autofree char *t0 = run_loaded (sc, FALSE, 0, HERD_SEC (1), NULL);
  CU_ASSERT_EQUAL (herd_model_host (sc->model, 0)->mem_free_mib,
                   16384 - 8192 - 64);
  g_autoptr (HerdScenario) sc6 = load_text (
      "[scenario]\nduration = 1d\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 1\ncores = 8\nmemory = 16G\n"
      "[vms v]\nvcpus = 1\nmemory = 8G\n"
      "memory_used = diurnal(mean=50%, peak=100%, peak_at=0h)\n"
      "host = h-1\n");
  g_autofree char *t6 = run_loaded (sc6, FALSE, 0,
                                    HERD_HOUR (6) + HERD_SEC (10), NULL);
  CU_ASSERT_EQUAL (herd_model_host (sc6->model, 0)->mem_free_mib,
                   16384 - 4096 - 64);
}

/* Ballooning: four VMs of 8G using 75% (6G) with 3G guaranteed on a 16G
 * host with 16G of swap: 24.25G held, over its memory.  Without
 * ballooning the host swaps the whole hour and nothing is held back;
 * with it, under critical pressure MoM shrinks each balloon 5% a step,
 * from the first step at time 0: after step n the balloon is 8192 x
 * 0.95^(n+1), and 4 x (balloon + 64) is under 16384 from n = 13
 * (0.95^14 x 8192 = 3997): over its memory for 13 steps of 15 s, guest
 * memory held back from then on. */
static void
test_memory_ballooning (void)
{
  static const char text[]
      = "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
        "memory_overcommit = 200\nBALLOON\n"
        "[hosts h]\ncount = 1\ncores = 8\nmemory = 16G\nswap = 16G\n"
        "[vms v]\ncount = 4\nvcpus = 1\nmemory = 8G\nguaranteed_memory = 3G\n"
        "memory_used = constant(75%)\nhost = h-1\n";
  g_autoptr (GString) off = g_string_new (text);
  g_string_replace (off, "BALLOON", "ballooning = false", 1);
  g_autoptr (GString) on = g_string_new (text);
  g_string_replace (on, "BALLOON", "ksm = false\nballooning = true", 1);
  g_autoptr (HerdScenario) sc_off = load_text (off->str);
  g_autoptr (HerdScenario) sc_on = load_text (on->str);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc_off);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc_on);
  HerdRunSummary a, b;
  g_autofree char *ta = run_loaded (sc_off, FALSE, 0, HERD_TIME_NEVER, &a);
  g_autofree char *tb = run_loaded (sc_on, FALSE, 0, HERD_TIME_NEVER, &b);
  CU_ASSERT_DOUBLE_EQUAL (a.memory_over_host_hours, 1.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (a.memory_squeezed_gib_hours, 0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (b.memory_over_host_hours, 13 * 15 / 3600.0, 1e-9);
  CU_ASSERT_TRUE (b.memory_squeezed_gib_hours > 4);
  /* At the end (the manager's free memory counts the 16G of swap) the
   * host is under its physical memory, with less than 20% of it free, and
   * no guest under its guaranteed 3G. */
  gint64 used = 32768 - herd_model_host (sc_on->model, 0)->mem_free_mib;
  CU_ASSERT_TRUE (used < 16384 && used > 0.8 * 16384);
  CU_ASSERT_TRUE (used >= 4 * (3072 + 64));
}

/* What memory_used takes, and oVirt's refusal of overcommit with neither
 * KSM nor ballooning. */
static void
test_memory_errors (void)
{
  static const struct
  {
    const char *from, *to, *want;
  } bad[] = {
    { "memory_used = constant(50%)", "memory_used = diurnal(mean=50%)",
      "[vms v] memory_used: expected" },
    { "memory_used = constant(50%)",
      "memory_used = trace:bitbrains:traces/bitbrains",
      "expected trace:samples:FILE, got \"trace:bitbrains:traces/" },
    { "memory_used = constant(50%)", "memory_used = 7G",
      "[vms v] memory_used: expected a size of at most memory (6G)" },
    { "ksm_sharing = 25%", "ksm = false", "[cluster c] memory_overcommit: "
      "overcommit (200%) needs ksm or ballooning" },
    { "ksm_sharing = 25%", "ksm_sharing = 120%", "[cluster c] ksm_sharing" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GString) text = g_string_new (ksm_text);
      g_string_replace (text, bad[i].from, bad[i].to, 1);
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc = herd_scenario_load_data (text->str,
                                                             "m.ini", &error);
      CU_ASSERT_PTR_NULL (sc);
      if (error == NULL || strstr (error->message, bad[i].want) == NULL)
        g_printerr ("\nwant %s, got %s\n", bad[i].want,
                    error ? error->message : "loaded");
      CU_ASSERT_TRUE (error != NULL
                      && strstr (error->message, bad[i].want) != NULL);
    }
}

static const HerdTestCase determinism_cases[] = {
  { "same seed, same bytes", test_same_seed_same_bytes },
  { "other seed, other trace", test_other_seed_other_trace },
  { NULL, NULL },
};

static const HerdTestCase run_cases[] = {
  { "small.ini places every VM", test_small_places_everything },
  { "placement failures", test_placement_failures },
  { "CPU contention is unserved demand", test_contention },
  { "lifetimes and actions", test_lifetime_and_actions },
  { "results database", test_results_database },
  { "a rerun into the same database: refused, or --redo",
    test_results_rerun },
  { "results committed in chunks; a run not ended is failed",
    test_results_chunks },
  { "pauses table", test_pauses_table },
  { "an unnoticed fault does not swallow the next",
    test_unnoticed_fault_closes },
  { "golden traces", test_golden_traces },
  { "memory: KSM merges ksm_sharing under pressure", test_memory_ksm },
  { "memory: a diurnal model, the manager's view follows",
    test_memory_diurnal },
  { "memory: MoM's ballooning relieves an overcommitted host",
    test_memory_ballooning },
  { "memory: what memory_used takes, overcommit needs KSM or ballooning",
    test_memory_errors },
  { "VMs placed at time 0, hosts' own load and memory",
    test_placed_vms_and_host_load },
  { NULL, NULL },
};

int
main (void)
{
  const HerdTestSuite suites[] = {
    { "determinism", determinism_cases },
    { "runs", run_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
