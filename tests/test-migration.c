/* test-migration.c: live migration end to end through the sim driver and
 * the manager: the pre-copy model against analytic results and against
 * the three migrations measured on real QEMU (shared/real-hosts.md), the
 * convergence schedules and their ends, the rhv-4.1 timeouts, post-copy,
 * NIC sharing, the outgoing and incoming limits, host crashes during a
 * migration, and maintenance evacuation order. */
#include <math.h>
#include <string.h>

#include "run/run.h"
#include "tests/test-util.h"

typedef struct
{
  GArray *records; /* HerdMigrationRecord (why not kept) */
  GPtrArray *whys;
  HerdRunSummary summary;
  char *trace;
  HerdModel *model; /* kept for state checks; owned by the scenario */
  HerdScenario *scenario;
} Outcome;

static void
keep_record (const HerdMigrationRecord *rec, gpointer user_data)
{
  Outcome *o = user_data;
  g_array_append_val (o->records, *rec);
  g_ptr_array_add (o->whys, g_strdup (rec->why));
}

static void
outcome_clear (Outcome *o)
{
  g_array_unref (o->records);
  g_ptr_array_unref (o->whys);
  g_free (o->trace);
  herd_scenario_free (o->scenario);
}

/* Runs text (a scenario) and keeps every migration record. */
static void
run_text (const char *text, Outcome *o)
{
  g_autoptr (GError) error = NULL;
  memset (o, 0, sizeof *o);
  o->records = g_array_new (FALSE, FALSE, sizeof (HerdMigrationRecord));
  o->whys = g_ptr_array_new_with_free_func (g_free);
  o->scenario = herd_scenario_load_data (text, "test.ini", &error);
  if (o->scenario == NULL)
    g_printerr ("%s\n", error->message);
  CU_ASSERT_PTR_NOT_NULL_FATAL (o->scenario);
  o->model = o->scenario->model;
  size_t len;
  FILE *trace = open_memstream (&o->trace, &len);
  HerdRunOptions options;
  herd_run_options_init (&options);
  options.trace = trace;
  options.check_invariants = TRUE;
  options.migration_sink = keep_record;
  options.migration_sink_data = o;
  CU_ASSERT_TRUE_FATAL (
      herd_run_simulation (o->scenario, &options, &o->summary, &error));
  fclose (trace);
}

static const HerdMigrationRecord *
rec (Outcome *o, guint i)
{
  CU_ASSERT_FATAL (i < o->records->len);
  return &g_array_index (o->records, HerdMigrationRecord, i);
}

static double
seconds (const HerdMigrationRecord *r)
{
  return herd_time_to_seconds (r->ended - r->started);
}

static const double MIB = 1024.0 * 1024.0;

/* One VM migrated at 1m from h-1 to h-2.  %s: extra [scenario] keys,
 * [defaults] keys, [cluster] keys, [vms] keys. */
static char *
one_vm (const char *defaults, const char *cluster, const char *vm)
{
  return g_strdup_printf (
      "[scenario]\nduration = 2h\n"
      "[defaults]\n%s\n"
      "[datacenter dc]\n"
      "[cluster c]\n%s\n"
      "[hosts h]\ncount = 2\ncores = 8\nmemory = 64G\n"
      "[vms v]\nvcpus = 1\ncpu = constant(50%%)\n%s\n"
      "[action m]\nat = 1m\nkind = migrate\ntarget = v-1\nhost = h-2\n",
      defaults, cluster, vm);
}

static void
test_idle_is_memory_over_bandwidth (void)
{
  /* No dirtying: one pass of the touched memory after the setup cost;
   * the remainder (0) fits the first budget: downtime 0. */
  g_autofree char *text = one_vm ("", "migration_bandwidth = 32MiB/s",
                                  "memory = 512M\nmemory_used = 326M");
  Outcome o;
  run_text (text, &o);
  CU_ASSERT_EQUAL (o.records->len, 1);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_DONE);
  CU_ASSERT_DOUBLE_EQUAL (seconds (r), 0.4 + 326.0 / 32.0, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL ((double) r->bytes_sent, 326 * MIB, 1.0);
  CU_ASSERT_EQUAL (r->rounds, 1);
  CU_ASSERT_TRUE (r->downtime_ms <= 101);
  /* The VM now runs on h-2 in the manager's view. */
  const HerdVm *vm = herd_model_vm (o.model, 0);
  CU_ASSERT_EQUAL (vm->host, 1);
  CU_ASSERT_EQUAL (vm->status, HERD_VM_UP);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 0)->committed_mem_mib, 0);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 1)->committed_mem_mib, 512 + 64);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 1)->pending_mem_mib, 0);
  outcome_clear (&o);
}

/* shared/real-hosts.md: 512 MiB guest, 256 MiB written (its working set),
 * 326 MiB touched, 32 MiB/s cap, over loopback between two libvirtd
 * hosts.  Measured: idle 10.4 s and 326 MiB; 8 MiB/s 14.1 s and 443 MiB;
 * 24 MiB/s 40.7 s and 1.27 GiB.  The model must be within 10% of each.
 * (The rhv-4.1 timeout of 64 s/GiB would abort the last one at 32 s: the
 * real runs had no such limit, so it is off here.) */
static void
test_real_qemu_fidelity (void)
{
  const struct
  {
    const char *dirty;
    double seconds, mib;
  } measured[] = {
    { "0MiB/s", 10.4, 326 },
    { "8MiB/s", 14.1, 443 },
    { "24MiB/s", 40.7, 1.27 * 1024 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (measured); i++)
    {
      g_autofree char *vm = g_strdup_printf (
          "memory = 512M\nmemory_used = 326M\nworking_set = 256M\n"
          "dirty_rate = %s",
          measured[i].dirty);
      g_autofree char *text = one_vm ("MigrationTimeoutPerGiB = 0",
                                      "migration_bandwidth = 32MiB/s", vm);
      Outcome o;
      run_text (text, &o);
      const HerdMigrationRecord *r = rec (&o, 0);
      CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_DONE);
      double s = seconds (r), mib = (double) r->bytes_sent / MIB;
      g_print ("\n  real QEMU %s: model %.2f s %.0f MiB, measured %.1f s "
               "%.0f MiB",
               measured[i].dirty, s, mib, measured[i].seconds,
               measured[i].mib);
      CU_ASSERT_TRUE (fabs (s - measured[i].seconds) / measured[i].seconds
                      <= 0.10);
      CU_ASSERT_TRUE (fabs (mib - measured[i].mib) / measured[i].mib
                      <= 0.10);
      outcome_clear (&o);
    }
}

/* 4 GiB touched at 52 MiB/s, dirtying 100 MiB/s over a 1 GiB working
 * set: every resend pass is the whole working set; it never converges. */
#define HOT_VM                                                              \
  "memory = 4G\nmemory_used = 4G\nworking_set = 1G\n"                        \
  "dirty_rate = 100MiB/s"

static void
test_legacy_aborts_after_iteration_42 (void)
{
  /* ovirt-4.5: no timeout, no stall abort: only the schedule ends it. */
  g_autofree char *text = one_vm ("profile = ovirt-4.5", "", HOT_VM);
  Outcome o;
  run_text (text, &o);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_ABORTED);
  CU_ASSERT_STRING_EQUAL (g_ptr_array_index (o.whys, 0),
                          "not converged after iteration 42");
  CU_ASSERT_EQUAL (r->rounds, 43);
  CU_ASSERT_EQUAL (r->max_downtime_ms, 500);
  /* 0.4 s setup, 4096/52 s first pass, 42 passes of 1024/52 s. */
  CU_ASSERT_DOUBLE_EQUAL (seconds (r), 0.4 + (4096.0 + 42 * 1024.0) / 52.0,
                          1e-3);
  /* The VM stays on its source, Up. */
  CU_ASSERT_EQUAL (herd_model_vm (o.model, 0)->host, 0);
  CU_ASSERT_EQUAL (herd_model_vm (o.model, 0)->status, HERD_VM_UP);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 1)->pending_mem_mib, 0);
  outcome_clear (&o);
}

static void
test_rhv_timeout (void)
{
  /* rhv-4.1: 64 s per GiB of memory: 256 s after the start. */
  g_autofree char *text = one_vm ("", "", HOT_VM);
  Outcome o;
  run_text (text, &o);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_ABORTED);
  CU_ASSERT_STRING_EQUAL (g_ptr_array_index (o.whys, 0), "timeout");
  CU_ASSERT_DOUBLE_EQUAL (seconds (r), 256.0, 1e-9);
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "316.000 64 VM_MIGRATION_ABORT "
                                           "v-1 source=h-1 destination=h-2 "
                                           "reason=\"timeout\""));
  outcome_clear (&o);
}

static void
test_rhv_stall (void)
{
  /* With the timeout far away, the 240 s progress timeout ends it: the
   * remainder stops shrinking after the first pass; it is checked at the
   * end of each pass (1024/52 s each). */
  g_autofree char *text = one_vm ("MigrationTimeoutPerGiB = 1h", "", HOT_VM);
  Outcome o;
  run_text (text, &o);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_ABORTED);
  CU_ASSERT_TRUE (g_str_has_prefix (g_ptr_array_index (o.whys, 0),
                                    "no progress for "));
  double pass = 1024.0 / 52.0, first = 0.4 + 4096.0 / 52.0;
  guint passes = (guint) ceil (240.0 / pass);
  CU_ASSERT_DOUBLE_EQUAL (seconds (r), first + passes * pass, 1e-3);
  outcome_clear (&o);
}

static void
test_rhv_converging_completes (void)
{
  /* 16 GiB dirtied at 30 MiB/s over 52 MiB/s: each pass leaves 30/52 of
   * the one before, so the remainder shrinks at every pass end and the
   * 240 s progress timeout never fires, although the migration lasts far
   * longer than 240 s after its first pass (per-GiB timeout off). */
  g_autofree char *text = one_vm ("MigrationTimeoutPerGiB = 0", "",
                                  "memory = 16G\ndirty_rate = 30MiB/s");
  Outcome o;
  run_text (text, &o);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_DONE);
  double first = 0.4 + 16384.0 / 52.0;
  CU_ASSERT (seconds (r) > first + 240.0);
  CU_ASSERT (r->rounds > 5);
  outcome_clear (&o);
}

static void
test_post_copy_completes (void)
{
  /* After iteration 2 the manager switches to post-copy: the VM runs on
   * the destination after a short pause while the rest is pulled. */
  g_autofree char *text = one_vm ("", "migration_policy = post_copy",
                                  HOT_VM);
  Outcome o;
  run_text (text, &o);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_DONE);
  CU_ASSERT_TRUE (r->post_copy);
  CU_ASSERT_EQUAL (r->rounds, 3);
  CU_ASSERT_EQUAL (r->downtime_ms, 50);
  /* The summary adds the downtimes of the migrations done: this one. */
  CU_ASSERT_DOUBLE_EQUAL (o.summary.migration_downtime_s, 0.050, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_time_to_seconds (r->post_copy_time),
                          1024.0 / 52.0, 1e-3);
  CU_ASSERT_EQUAL (herd_model_vm (o.model, 0)->host, 1);
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "VM_MIGRATION_POST_COPY v-1"));
  outcome_clear (&o);
}

static void
test_vm_policy_overrides_cluster (void)
{
  /* The VM's own migration_policy (oVirt's VM migration policy) wins over
   * its cluster's: post-copy in a legacy cluster, legacy in a post-copy
   * one. */
  g_autofree char *vm_post = g_strdup_printf (
      "%s\nmigration_policy = post_copy", HOT_VM);
  g_autofree char *text = one_vm ("", "migration_policy = legacy", vm_post);
  Outcome o;
  run_text (text, &o);
  CU_ASSERT_EQUAL (rec (&o, 0)->outcome, HERD_MIGRATION_OUTCOME_DONE);
  CU_ASSERT_TRUE (rec (&o, 0)->post_copy);
  CU_ASSERT_EQUAL (rec (&o, 0)->rounds, 3);
  outcome_clear (&o);

  g_autofree char *vm_legacy = g_strdup_printf (
      "%s\nmigration_policy = legacy", HOT_VM);
  g_autofree char *text2 = one_vm ("", "migration_policy = post_copy",
                                   vm_legacy);
  run_text (text2, &o);
  CU_ASSERT_FALSE (rec (&o, 0)->post_copy);
  CU_ASSERT_PTR_NULL (strstr (o.trace, "VM_MIGRATION_POST_COPY"));
  outcome_clear (&o);
}

/* Keeps host h-2 in maintenance while the VMs start (at 1 s), so that
 * they all start on h-1; h-2 is back at 30 s.  (Pinning VMs to hosts comes
 * with the full set of filters.) */
#define HOLD_H2                                                             \
  "[action hold]\nat = 0s\nkind = maintenance\ntarget = h-2\n"              \
  "[action back]\nat = 30s\nkind = activate\ntarget = h-2\n"

/* n VMs of 1 GiB (all touched, idle) on h-1, each migrated at 1m. */
static char *
many_vms (guint n, const char *host_keys, const char *actions)
{
  return g_strdup_printf (
      "[scenario]\nduration = 2h\n"
      "[datacenter dc]\n[cluster c]\nmigration_bandwidth = 100MiB/s\n"
      "[hosts h]\ncount = 2\ncores = 8\nmemory = 64G\n%s\n"
      "[vms v]\ncount = %u\nvcpus = 1\nmemory = 1G\nboot_time = 0s\n"
      "arrival = 1s\n" HOLD_H2 "%s",
      host_keys, n, actions);
}

static char *
migrate_actions (guint n, const char *to)
{
  GString *s = g_string_new (NULL);
  for (guint i = 1; i <= n; i++)
    g_string_append_printf (s,
                            "[action m%u]\nat = 1m\nkind = migrate\n"
                            "target = v-%u\n%s\n",
                            i, i, to);
  return g_string_free (s, FALSE);
}

static void
test_nic_shared (void)
{
  /* One VM over a 100 MiB/s NIC with a 100 MiB/s cap: 10.24 s + setup.
   * Two at once out of the same NIC: 50 MiB/s each, twice as long. */
  g_autofree char *acts1 = migrate_actions (1, "host = h-2");
  g_autofree char *one = many_vms (1, "nic = 100MiB/s", acts1);
  g_autofree char *acts2 = migrate_actions (2, "host = h-2");
  g_autofree char *two = many_vms (2, "nic = 100MiB/s", acts2);
  Outcome a, b;
  run_text (one, &a);
  run_text (two, &b);
  double t1 = seconds (rec (&a, 0)) - 0.4;
  CU_ASSERT_DOUBLE_EQUAL (t1, 1024.0 / 100.0, 1e-6);
  CU_ASSERT_EQUAL (b.records->len, 2);
  for (guint i = 0; i < 2; i++)
    CU_ASSERT_DOUBLE_EQUAL (seconds (rec (&b, i)) - 0.4, 2 * t1, 1e-6);
  outcome_clear (&a);
  outcome_clear (&b);
}

static void
test_third_outgoing_waits (void)
{
  /* min(cores, 2) = 2 outgoing: the third starts when one ends. */
  g_autofree char *acts = migrate_actions (3, "host = h-2");
  g_autofree char *text = many_vms (3, "", acts);
  Outcome o;
  run_text (text, &o);
  CU_ASSERT_EQUAL_FATAL (o.records->len, 3);
  const HerdMigrationRecord *first = rec (&o, 0), *third = rec (&o, 2);
  CU_ASSERT_EQUAL (first->started, HERD_MIN (1));
  CU_ASSERT_EQUAL (rec (&o, 1)->started, HERD_MIN (1));
  CU_ASSERT_EQUAL (third->vm, 2);
  CU_ASSERT_EQUAL (third->requested, HERD_MIN (1));
  CU_ASSERT_EQUAL (third->started, first->ended);
  CU_ASSERT_EQUAL (third->outcome, HERD_MIGRATION_OUTCOME_DONE);
  outcome_clear (&o);
}

static void
test_one_core_one_outgoing (void)
{
  g_autofree char *acts = migrate_actions (2, "host = h-2");
  g_autofree char *text = g_strdup_printf (
      "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 2\ncores = 1\nmemory = 64G\n"
      "[vms v]\ncount = 2\nvcpus = 1\nmemory = 1G\nboot_time = 0s\n"
      "arrival = 1s\n" HOLD_H2 "%s",
      acts);
  Outcome o;
  run_text (text, &o);
  CU_ASSERT_EQUAL_FATAL (o.records->len, 2);
  CU_ASSERT_EQUAL (rec (&o, 1)->started, rec (&o, 0)->ended);
  outcome_clear (&o);
}

static void
test_incoming_limit_retries (void)
{
  /* Three sources (one VM each) into h-4 at once: the destination takes
   * two; the third answers "limit" and retries every 10 s. */
  g_autofree char *text = g_strdup (
      "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
      "migration_bandwidth = 100MiB/s\n"
      "[hosts a]\ncores = 8\nmemory = 8G\n"
      "[hosts b]\ncores = 8\nmemory = 8G\n"
      "[hosts c]\ncores = 8\nmemory = 8G\n"
      "[hosts d]\ncores = 8\nmemory = 64G\n"
      "[vms v]\ncount = 3\nvcpus = 1\nmemory = 6G\nmemory_used = 1G\n"
      "boot_time = 0s\narrival = 1s\n"
      "[action hold]\nat = 0s\nkind = maintenance\ntarget = d-1\n"
      "[action back]\nat = 30s\nkind = activate\ntarget = d-1\n"
      "[action m1]\nat = 1m\nkind = migrate\ntarget = v-1\nhost = d-1\n"
      "[action m2]\nat = 1m\nkind = migrate\ntarget = v-2\nhost = d-1\n"
      "[action m3]\nat = 1m\nkind = migrate\ntarget = v-3\nhost = d-1\n");
  Outcome o;
  run_text (text, &o);
  CU_ASSERT_EQUAL_FATAL (o.records->len, 3);
  const HerdMigrationRecord *third = rec (&o, 2);
  /* Each takes 0.4 + 10.24 s: "limit" at 60 s and at the retry at 70 s;
   * the retry at 80 s finds a free slot. */
  CU_ASSERT_EQUAL (third->retries, 2);
  CU_ASSERT_EQUAL (third->started, HERD_SEC (80));
  CU_ASSERT_EQUAL (third->outcome, HERD_MIGRATION_OUTCOME_DONE);
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "60.000 100001 "
                                           "VM_MIGRATION_LIMIT_RETRY"));
  outcome_clear (&o);
}

static char *
crash_text (const char *crashed)
{
  return g_strdup_printf (
      "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 2\ncores = 8\nmemory = 64G\n"
      "[vms v]\nvcpus = 1\nmemory = 4G\nboot_time = 0s\n"
      "[action m]\nat = 1m\nkind = migrate\ntarget = v-1\nhost = h-2\n"
      "[fault f]\nat = 70s\nkind = host_crash\ntarget = %s\n",
      crashed);
}

static void
test_destination_crash_keeps_vm (void)
{
  g_autofree char *text = crash_text ("h-2");
  Outcome o;
  run_text (text, &o);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_FAILED);
  CU_ASSERT_EQUAL (r->ended, HERD_SEC (70));
  const HerdVm *vm = herd_model_vm (o.model, 0);
  CU_ASSERT_EQUAL (vm->host, 0);
  CU_ASSERT_EQUAL (vm->status, HERD_VM_UP);
  /* No power management: detected, then NonResponsive for good. */
  CU_ASSERT_EQUAL (herd_model_host (o.model, 1)->status,
                   HERD_HOST_NON_RESPONSIVE);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 1)->pending_mem_mib, 0);
  outcome_clear (&o);
}

static void
test_source_crash_loses_vm (void)
{
  g_autofree char *text = crash_text ("h-1");
  Outcome o;
  run_text (text, &o);
  const HerdMigrationRecord *r = rec (&o, 0);
  CU_ASSERT_EQUAL (r->outcome, HERD_MIGRATION_OUTCOME_FAILED);
  CU_ASSERT_STRING_EQUAL (g_ptr_array_index (o.whys, 0),
                          "the VM's host is unreachable");
  const HerdVm *vm = herd_model_vm (o.model, 0);
  CU_ASSERT_EQUAL (vm->status, HERD_VM_UNKNOWN);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 0)->status,
                   HERD_HOST_NON_RESPONSIVE);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 1)->pending_mem_mib, 0);
  outcome_clear (&o);
}

static void
test_maintenance_lowest_cpu_first (void)
{
  /* 5 VMs with loads 50, 10, 40, 10, 30% on h-1; maintenance moves them
   * lowest first (ties by id): v-2, v-4, v-5, v-3, v-1. */
  const char *text
      = "[scenario]\nduration = 2h\n[datacenter dc]\n[cluster c]\n"
        "[hosts h]\ncount = 3\ncores = 8\nmemory = 64G\n"
        "[vms a]\nvcpus = 1\nmemory = 1G\ncpu = constant(50%)\n"
        "[vms b]\nvcpus = 1\nmemory = 1G\ncpu = constant(10%)\n"
        "[vms c]\nvcpus = 1\nmemory = 1G\ncpu = constant(40%)\n"
        "[vms d]\nvcpus = 1\nmemory = 1G\ncpu = constant(10%)\n"
        "[vms e]\nvcpus = 1\nmemory = 1G\ncpu = constant(30%)\n"
        "[action in]\nat = 1m\nkind = migrate\ntarget = b-1\nhost = h-1\n"
        "[action in2]\nat = 1m\nkind = migrate\ntarget = e-1\nhost = h-1\n"
        "[action in3]\nat = 1m\nkind = migrate\ntarget = c-1\nhost = h-1\n"
        "[action in4]\nat = 1m\nkind = migrate\ntarget = d-1\nhost = h-1\n"
        "[action mnt]\nat = 10m\nkind = maintenance\ntarget = h-1\n"
        "[action act]\nat = 90m\nkind = activate\ntarget = h-1\n";
  Outcome o;
  run_text (text, &o);
  /* First the moves onto h-1, then the evacuation. */
  GString *order = g_string_new (NULL);
  for (guint i = 0; i < o.records->len; i++)
    {
      const HerdMigrationRecord *r = rec (&o, i);
      if (r->reason == HERD_MIGRATION_REASON_MAINTENANCE)
        g_string_append_printf (order, "%s ",
                                herd_model_vm (o.model, r->vm)->name);
    }
  /* Started in order v-b, d, e, c, a; two at a time, so they end in the
   * same order (equal sizes). */
  CU_ASSERT_STRING_EQUAL (order->str, "b-1 d-1 e-1 c-1 a-1 ");
  g_string_free (order, TRUE);
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "VDS_MAINTENANCE h-1"));
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "5400.000 16 VDS_ACTIVATE h-1"));
  CU_ASSERT_EQUAL (herd_model_host (o.model, 0)->status, HERD_HOST_UP);
  CU_ASSERT_EQUAL (herd_model_host (o.model, 0)->vm_count, 0);
  outcome_clear (&o);
}

static const HerdTestCase model_cases[] = {
  { "no dirtying: memory / bandwidth", test_idle_is_memory_over_bandwidth },
  { "within 10% of real QEMU", test_real_qemu_fidelity },
  { "legacy aborts after iteration 42", test_legacy_aborts_after_iteration_42 },
  { "rhv-4.1 timeout per GiB", test_rhv_timeout },
  { "rhv-4.1 progress timeout", test_rhv_stall },
  { "rhv-4.1: a converging migration is not stalled",
    test_rhv_converging_completes },
  { "post-copy always completes", test_post_copy_completes },
  { "a VM's migration policy overrides its cluster's",
    test_vm_policy_overrides_cluster },
  { "two on one NIC take twice as long", test_nic_shared },
  { NULL, NULL },
};

static const HerdTestCase limit_cases[] = {
  { "the third outgoing migration waits", test_third_outgoing_waits },
  { "one core, one outgoing migration", test_one_core_one_outgoing },
  { "incoming limit: retry after 10 s", test_incoming_limit_retries },
  { "destination crash: VM stays", test_destination_crash_keeps_vm },
  { "source crash: VM lost", test_source_crash_loses_vm },
  { "maintenance: lowest CPU first", test_maintenance_lowest_cpu_first },
  { NULL, NULL },
};

int
main (void)
{
  const HerdTestSuite suites[] = {
    { "migration model", model_cases },
    { "limits and failures", limit_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
