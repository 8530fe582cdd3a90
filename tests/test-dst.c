/* test-dst.c: deterministic simulation testing.  scenarios/faults.ini
 * (random host crashes, hangs, partitions, broken fence agents, storage,
 * network and manager failures) runs over seeds 1..200 with every
 * invariant checked (run/check.h); any violation fails the test with its
 * report.  A run under faults replays byte for byte from its seed.
 * HERD_DST_SEEDS=N runs N seeds instead. */
#include <stdio.h>
#include <string.h>

#include "run/run.h"
#include "sim/world.h"
#include "tests/test-util.h"

static char *
run_seed (const char *path, guint64 seed, gboolean with_trace,
          GError **error)
{
  g_autoptr (HerdScenario) sc = herd_scenario_load (path, error);
  if (sc == NULL)
    return NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *trace = with_trace ? open_memstream (&buf, &len) : NULL;
  HerdRunOptions options;
  herd_run_options_init (&options);
  options.seed_set = TRUE;
  options.seed = seed;
  options.trace = trace;
  options.check_invariants = TRUE;
  HerdRunSummary summary;
  gboolean ok = herd_run_simulation (sc, &options, &summary, error);
  if (trace != NULL)
    fclose (trace);
  if (!ok)
    {
      g_free (buf);
      return NULL;
    }
  return with_trace ? buf : g_strdup ("");
}

static void
test_seeds_hold_invariants (void)
{
  g_autofree char *path = herd_test_source_path ("scenarios/faults.ini");
  const char *env = g_getenv ("HERD_DST_SEEDS");
  guint64 n = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 200;
  guint violations = 0;
  for (guint64 seed = 1; seed <= n; seed++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *out = run_seed (path, seed, FALSE, &error);
      if (out == NULL)
        {
          violations++;
          g_printerr ("\nseed %" G_GUINT64_FORMAT ": %s\n", seed,
                      error->message);
        }
    }
  g_print ("\n  %" G_GUINT64_FORMAT " seeds, %u violations", n, violations);
  CU_ASSERT_EQUAL (violations, 0);
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Scenarios that once broke an invariant, or crashed, as herd swarm
 * kept them (the .ini files of tests/dst, each saying what it found):
 * seeds 1..4. */
static void
test_found_scenarios_hold (void)
{
  g_autofree char *dir_path = herd_test_source_path ("tests/dst");
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (dir);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".ini"))
      g_ptr_array_add (names, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  CU_ASSERT_TRUE (names->len > 0);
  for (guint i = 0; i < names->len; i++)
    for (guint64 seed = 1; seed <= 4; seed++)
      {
        const char *path = g_ptr_array_index (names, i);
        g_autoptr (GError) error = NULL;
        g_autofree char *out = run_seed (path, seed, FALSE, &error);
        if (out == NULL)
          g_printerr ("\n%s, seed %" G_GUINT64_FORMAT ": %s\n", path, seed,
                      error->message);
        CU_ASSERT_PTR_NOT_NULL (out);
      }
}

static void
test_faulty_run_replays (void)
{
  g_autofree char *path = herd_test_source_path ("scenarios/faults.ini");
  g_autoptr (GError) error = NULL;
  g_autofree char *a = run_seed (path, 36, TRUE, &error);
  g_autofree char *b = run_seed (path, 36, TRUE, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (a);
  CU_ASSERT_PTR_NOT_NULL_FATAL (b);
  CU_ASSERT_TRUE (strstr (a, "FENCE_OPERATION_SUCCEEDED") != NULL);
  CU_ASSERT_STRING_EQUAL (a, b);
}

static void
count_violation (const char *what, gpointer data)
{
  g_ptr_array_add (data, g_strdup (what));
}

/* The checks themselves: a world driven by hand into what the manager
 * must never do reports it. */
static void
test_checks_fire (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (
      "[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 2\ncores = 8\nmemory = 8G\n"
      "[vms v]\ncount = 2\nvcpus = 1\nmemory = 5G\n",
      "checks.ini", &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  g_autoptr (HerdEngine) engine = herd_engine_new (1);
  g_autoptr (HerdWorld) world = herd_world_new (sc, engine, 64);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  herd_world_set_violation_hook (world, count_violation, seen);
  herd_world_host_connect (world, 0, NULL);
  herd_world_host_connect (world, 1, NULL);
  CU_ASSERT_TRUE (herd_world_vm_start (world, 0, 0, NULL));
  CU_ASSERT_EQUAL (seen->len, 0);
  /* Started again elsewhere while it runs: split brain. */
  CU_ASSERT_FALSE (herd_world_vm_start (world, 1, 0, NULL));
  CU_ASSERT_EQUAL_FATAL (seen->len, 1);
  CU_ASSERT_STRING_EQUAL (g_ptr_array_index (seen, 0),
                          "VM v-1 started on h-2 while it runs on h-1");
  /* Two VMs of 5 GiB on a host of 8 GiB. */
  CU_ASSERT_TRUE (herd_world_vm_start (world, 0, 1, NULL));
  CU_ASSERT_EQUAL_FATAL (seen->len, 2);
  CU_ASSERT_TRUE (g_str_has_prefix (g_ptr_array_index (seen, 1),
                                    "host h-1 uses 10368 MiB of 8192 MiB"));
}

static const HerdTestCase cases[] = {
  { "the checks report violations", test_checks_fire },
  { "faults.ini over many seeds: no violation", test_seeds_hold_invariants },
  { "scenarios swarm testing kept: no violation",
    test_found_scenarios_hold },
  { "a run under faults replays exactly", test_faulty_run_replays },
  { NULL, NULL },
};

int
main (void)
{
  const HerdTestSuite suites[] = {
    { "deterministic simulation testing", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
