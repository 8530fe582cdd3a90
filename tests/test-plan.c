/* test-plan.c: capacity planning (plan/plan.h, conf/ganeti.h) against
 * analytic answers: identical hosts taking c VMs each hold (H - K) x c
 * with N+K kept, which hosts are full and which are kept for N+K; the
 * closed form gives the same VMs on the same hosts as the placement
 * loop; tiers shrink the resource that failed; HA admission control in
 * its three forms and the VMs a failure would leave down; the htools
 * text reader's errors name the file and line. */
#include <string.h>

#include <unistd.h>

#include <glib/gstdio.h>

#include "conf/ganeti.h"
#include "plan/plan.h"
#include "tests/test-util.h"

/* A simulated cluster (hspace --simulate) with its plan. */
static HerdPlan *
simulate (const char *spec, HerdGanetiCluster *g)
{
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE_FATAL (herd_ganeti_simulate (spec, g, &error));
  return herd_plan_new (g->model, g->disk_mib, 0);
}

/* 40 nodes of 2 TiB disk, 256 GiB and 64 CPUs; 100 GiB, 8 GiB, 4 vCPU
 * VMs: the disk holds 20 per node (an instance must leave some free), the
 * memory 31 ((262144 - 1024 reserved) / (8192 + 64 overhead)), so 800 in
 * all and 780 with a node's 20 kept for N+1: 20 nodes full (FailDisk), 20
 * with 19 and room kept (FailN1), as hspace answers. */
static void
test_standard_closed_form (void)
{
  HerdGanetiCluster g;
  g_autoptr (HerdPlan) plan = simulate ("p,40,2097152,262144,64", &g);
  HerdPlanResult r;
  herd_plan_allocate (plan, 0, (HerdPlanSpec) { 102400, 8192, 4 }, FALSE,
                      &r);
  CU_ASSERT_TRUE (herd_plan_used_closed_form (plan));
  CU_ASSERT_EQUAL (r.count, 780);
  CU_ASSERT_EQUAL (r.fail[HERD_PLAN_FAIL_DISK], 20);
  CU_ASSERT_EQUAL (r.fail[HERD_PLAN_FAIL_N1], 20);
  CU_ASSERT_EQUAL (r.reason, HERD_PLAN_FAIL_DISK);
  CU_ASSERT_TRUE (herd_plan_n1_ok (plan, 0));
  herd_plan_result_clear (&r);
  herd_plan_free (g_steal_pointer (&plan));
  herd_ganeti_clear (&g);
}

/* The closed form and the placement loop put the same VMs on the same
 * hosts, for N+0, N+1 and N+2 (6 nodes taking 5 each: 30, 25, 20), with
 * memory binding (5 x 12352 MiB of 64512) rather than disk. */
static void
test_closed_form_matches_loop (void)
{
  for (guint k = 0; k <= 2; k++)
    {
      HerdGanetiCluster a, b;
      g_autoptr (HerdPlan) fast = simulate ("p,6,1048576,65536,16", &a);
      g_autoptr (HerdPlan) slow = simulate ("p,6,1048576,65536,16", &b);
      herd_plan_set_failures (fast, k);
      herd_plan_set_failures (slow, k);
      herd_plan_set_closed_form (slow, FALSE);
      HerdPlanSpec spec = { 10240, 12288, 2 };
      HerdPlanResult rf, rs;
      herd_plan_allocate (fast, 0, spec, FALSE, &rf);
      herd_plan_allocate (slow, 0, spec, FALSE, &rs);
      CU_ASSERT_TRUE (herd_plan_used_closed_form (fast));
      CU_ASSERT_FALSE (herd_plan_used_closed_form (slow));
      CU_ASSERT_EQUAL (rf.count, (6 - k) * 5);
      CU_ASSERT_EQUAL (rs.count, rf.count);
      for (int f = 0; f < HERD_PLAN_FAIL_LAST; f++)
        CU_ASSERT_EQUAL (rs.fail[f], rf.fail[f]);
      CU_ASSERT_EQUAL (rf.fail[HERD_PLAN_FAIL_MEM] + rf.fail[HERD_PLAN_FAIL_N1],
                       6);
      for (guint h = 0; h < 6; h++)
        CU_ASSERT_EQUAL (herd_model_host (a.model, h)->vm_count,
                         herd_model_host (b.model, h)->vm_count);
      herd_plan_result_clear (&rf);
      herd_plan_result_clear (&rs);
      herd_plan_free (g_steal_pointer (&fast));
      herd_plan_free (g_steal_pointer (&slow));
      herd_ganeti_clear (&a);
      herd_ganeti_clear (&b);
    }
}

/* The closed form against the loop over a grid of identical clusters:
 * 2, 3 or 5 nodes, two memory and two disk sizes, two VM sizes, N+0 to
 * N+2: the same count and the same VMs per host every time. */
static void
test_closed_form_grid (void)
{
  static const guint nodes[] = { 2, 3, 5 };
  static const gint64 mems[] = { 65536, 100000 };
  static const gint64 disks[] = { 300000, 2097152 };
  static const HerdPlanSpec specs[] = { { 102400, 8192, 4 },
                                        { 51200, 30000, 2 } };
  guint cases = 0;
  for (guint a = 0; a < G_N_ELEMENTS (nodes); a++)
    for (guint b = 0; b < G_N_ELEMENTS (mems); b++)
      for (guint c = 0; c < G_N_ELEMENTS (disks); c++)
        for (guint d = 0; d < G_N_ELEMENTS (specs); d++)
          for (guint k = 0; k <= 2; k++)
            {
              g_autofree char *sim = g_strdup_printf (
                  "p,%u,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",16",
                  nodes[a], disks[c], mems[b]);
              HerdGanetiCluster ga, gb;
              g_autoptr (HerdPlan) fast = simulate (sim, &ga);
              g_autoptr (HerdPlan) slow = simulate (sim, &gb);
              herd_plan_set_failures (fast, k);
              herd_plan_set_failures (slow, k);
              herd_plan_set_closed_form (slow, FALSE);
              HerdPlanResult rf, rs;
              herd_plan_allocate (fast, 0, specs[d], FALSE, &rf);
              herd_plan_allocate (slow, 0, specs[d], FALSE, &rs);
              gboolean same = rf.count == rs.count;
              for (guint h = 0; h < nodes[a]; h++)
                same &= herd_model_host (ga.model, h)->vm_count
                        == herd_model_host (gb.model, h)->vm_count;
              if (!same)
                g_printerr ("\n%s spec %u K=%u: closed form %" G_GUINT64_FORMAT
                            ", loop %" G_GUINT64_FORMAT,
                            sim, d, k, rf.count, rs.count);
              CU_ASSERT_TRUE (same);
              cases++;
              herd_plan_result_clear (&rf);
              herd_plan_result_clear (&rs);
              herd_plan_free (g_steal_pointer (&fast));
              herd_plan_free (g_steal_pointer (&slow));
              herd_ganeti_clear (&ga);
              herd_ganeti_clear (&gb);
            }
  CU_ASSERT_EQUAL (cases, 72);
}

/* Tiers: 4 nodes of 2 TiB and 1 TiB VMs: one per node (a second would
 * leave no free disk), 3 with N+1; the nodes that failed on disk have
 * 1048576 MiB free, so the next tier is 1048320 (256 MiB steps, some
 * left free), of which 3 more fit: on the empty node, then on two full
 * ones, every failed node's VMs still restarting elsewhere (the larger
 * first, as the HA logic restarts them).  hspace stops at one of the
 * second tier: its restarts go to the node its score prefers. */
static void
test_tiered (void)
{
  HerdGanetiCluster g;
  g_autoptr (HerdPlan) plan = simulate ("p,4,2097152,262144,64", &g);
  HerdPlanResult r;
  herd_plan_allocate (plan, 0, (HerdPlanSpec) { 1048576, 32768, 8 }, TRUE,
                      &r);
  CU_ASSERT_EQUAL_FATAL (r.tiers->len, 2);
  HerdPlanTier *t0 = &g_array_index (r.tiers, HerdPlanTier, 0);
  HerdPlanTier *t1 = &g_array_index (r.tiers, HerdPlanTier, 1);
  CU_ASSERT_EQUAL (t0->count, 3);
  CU_ASSERT_EQUAL (t1->spec.disk_mib, 1048320);
  CU_ASSERT_EQUAL (t1->spec.mem_mib, 32768);
  CU_ASSERT_EQUAL (t1->count, 3);
  CU_ASSERT_EQUAL (r.count, 6);
  CU_ASSERT_TRUE (herd_plan_n1_ok (plan, 0));
  herd_plan_result_clear (&r);
  herd_plan_free (g_steal_pointer (&plan));
  herd_ganeti_clear (&g);
}

/* Writes text to a temporary htools file and reads it. */
static gboolean
load_text (const char *text, HerdGanetiCluster *g, GError **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("herd-plan-XXXXXX.txt", &path, NULL);
  CU_ASSERT_FATAL (fd >= 0);
  close (fd);
  g_file_set_contents (path, text, -1, NULL);
  gboolean ok = herd_ganeti_load (path, g, error);
  g_remove (path);
  return ok;
}

/* An htools cluster with its instances committed. */
static HerdPlan *
load_committed (const char *text, HerdGanetiCluster *g)
{
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE_FATAL (load_text (text, g, &error));
  HerdPlan *plan = herd_plan_new (g->model, g->disk_mib, 0);
  for (guint i = 0; i < g->instances->len; i++)
    {
      HerdGanetiInstance *inst = &g_array_index (g->instances,
                                                 HerdGanetiInstance, i);
      herd_plan_commit (plan, inst->vm, inst->host, inst->disk_mib);
    }
  return plan;
}

/* HA admission on 3 nodes of 64 GiB (64512 MiB for VMs) running four
 * 20 GiB VMs (20544 MiB booked each: 2, 1, 1): any one node may fail (its
 * two VMs fit the next), not two; slots of 20544 MiB, 3 per node, hold
 * the 4 VMs with one node gone (6) but not two (3); the free memory
 * (193536 - 82176 MiB) covers one node's 64512 but not two. */
static void
test_ha_admission (void)
{
  static const char *text
      = "g|u|preferred||\n\n"
        "n1|65536|0|65536|1048576|1048576|16|N|u\n"
        "n2|65536|0|65536|1048576|1048576|16|N|u\n"
        "n3|65536|0|65536|1048576|1048576|16|N|u\n\n"
        "a|20480|1024|2|running|Y|n1||plain\n"
        "b|20480|1024|2|running|Y|n2||plain\n"
        "c|20480|1024|2|running|Y|n3||plain\n"
        "d|20480|1024|2|running|Y|n1||plain\n\n\n";
  HerdGanetiCluster g;
  g_autoptr (HerdPlan) plan = load_committed (text, &g);
  HerdPlanHa ha;
  herd_plan_ha (plan, 0, &ha);
  CU_ASSERT_EQUAL (ha.any, 1);
  CU_ASSERT_EQUAL (ha.slot_mem_mib, 20544);
  CU_ASSERT_EQUAL (ha.total_slots, 9);
  CU_ASSERT_EQUAL (ha.slots, 1);
  CU_ASSERT_EQUAL (ha.percent, 1);
  CU_ASSERT_EQUAL (ha.lost->len, 0);
  herd_plan_ha_clear (&ha);
  herd_plan_free (g_steal_pointer (&plan));
  herd_ganeti_clear (&g);
}

/* Two nodes taking two 30 GiB VMs each, running three: if n1 (two VMs)
 * fails, n2 takes one back; the other (the later one, same priority and
 * size) is lost; no failure is tolerated. */
static void
test_worst_failure (void)
{
  static const char *text
      = "g|u|preferred||\n\n"
        "n1|65536|0|65536|1048576|1048576|16|N|u\n"
        "n2|65536|0|65536|1048576|1048576|16|N|u\n\n"
        "a|30720|1024|2|running|Y|n1||plain\n"
        "b|30720|1024|2|running|Y|n1||plain\n"
        "c|30720|1024|2|running|Y|n2||plain\n\n\n";
  HerdGanetiCluster g;
  g_autoptr (HerdPlan) plan = load_committed (text, &g);
  CU_ASSERT_FALSE (herd_plan_n1_ok (plan, 0));
  HerdPlanHa ha;
  herd_plan_ha (plan, 0, &ha);
  CU_ASSERT_EQUAL (ha.any, 0);
  CU_ASSERT_EQUAL (ha.worst_host, herd_model_find_host (g.model, "n1"));
  CU_ASSERT_EQUAL_FATAL (ha.lost->len, 1);
  CU_ASSERT_STRING_EQUAL (
      herd_model_vm (g.model, g_array_index (ha.lost, HerdId, 0))->name, "b");
  herd_plan_ha_clear (&ha);
  herd_plan_free (g_steal_pointer (&plan));
  herd_ganeti_clear (&g);
}

/* A scenario's shared storage: new VMs' disks come from the master
 * domain's free space (1000G of NFS: 10 disks of 100G), and restarting a
 * failed host's VMs needs no new disk space: the closed form and the
 * placement loop agree on 10 (N+1 would allow 12 of 4 x 4). */
/* A plan of a scenario's cluster as herd plan prepares one: the hosts'
 * memory free but their reserve, pool_mib of shared storage. */
static HerdPlan *
scenario_plan (HerdScenario *sc, gint64 pool_mib)
{
  for (guint i = 0; i < sc->model->hosts->len; i++)
    {
      HerdHost *h = herd_model_host (sc->model, i);
      h->mem_free_mib = h->memory_mib - h->reserved_mib;
    }
  return herd_plan_new (sc->model, NULL, pool_mib);
}

static void
test_shared_pool (void)
{
  static const char *text
      = "[scenario]\nduration = 1d\n[datacenter dc]\n"
        "[storage nfs]\ntype = nfs\ncapacity = 1000G\n"
        "[cluster c]\n[hosts h]\ncount = 4\ncores = 16\nmemory = 34G\n";
  for (int loop = 0; loop < 2; loop++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc = herd_scenario_load_data (text, "t.ini",
                                                             &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
      g_autoptr (HerdPlan) plan = scenario_plan (sc, 1000 * 1024);
      herd_plan_set_closed_form (plan, loop == 0);
      HerdPlanResult r;
      herd_plan_allocate (plan, 0, (HerdPlanSpec) { 102400, 8192, 2 }, FALSE,
                          &r);
      CU_ASSERT_EQUAL (herd_plan_used_closed_form (plan), loop == 0);
      CU_ASSERT_EQUAL (r.count, 10);
      CU_ASSERT_EQUAL (r.reason, HERD_PLAN_FAIL_DISK);
      herd_plan_result_clear (&r);
    }
}

/* Time to exhaustion with periods shorter than a day: 100G every 12h on
 * a 1000G domain: the 10th step, at 120 h (5 days: the start of day 6),
 * fills it; under 10% free (more than 900G used) at the same step, under
 * 5% too. */
static void
test_growth_half_days (void)
{
  static const char *text
      = "[scenario]\nduration = 1d\n[datacenter dc]\n"
        "[storage logs]\ntype = nfs\ncapacity = 1000G\n"
        "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
        "[growth logs]\nstorage = logs\ngrows = 100G\nevery = 12h\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (text, "t.ini",
                                                         &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  g_autoptr (HerdPlan) plan = herd_plan_new (sc->model, NULL, 0);
  HerdPlanGrowth g;
  herd_plan_grow (plan, sc, 30, &g);
  CU_ASSERT_EQUAL_FATAL (g.domains->len, 1);
  const HerdPlanDomainDays *d = &g_array_index (g.domains,
                                                HerdPlanDomainDays, 0);
  CU_ASSERT_EQUAL (d->full_day, 6);
  CU_ASSERT_DOUBLE_EQUAL (d->full_hours, 120, 1e-9);
  CU_ASSERT_EQUAL (d->warning_day, 6);
  CU_ASSERT_EQUAL (d->critical_day, 6);
  herd_plan_growth_clear (&g);
}

/* N+1 breaks only where it held at the start: a one-host cluster with a
 * VM never keeps it, and must not make another cluster's growth "break"
 * it on day 1 (an imported oVirt estate with an edge cluster did). */
static void
test_growth_n1_per_cluster (void)
{
  static const char *text
      = "[scenario]\nduration = 1d\n[datacenter dc]\n"
        "[cluster edge]\n[cluster main]\n"
        "[host e1]\ncluster = edge\ncores = 8\nmemory = 32G\n"
        "[hosts m]\ncluster = main\ncount = 3\ncores = 16\nmemory = 64G\n"
        "[vm cam]\ncluster = edge\nvcpus = 2\nmemory = 4G\nhost = e1\n"
        "[growth apps]\ncluster = main\nvms = 1\nvcpus = 1\n"
        "memory = 1G\nevery = 1d\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (text, "t.ini",
                                                         &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  g_autoptr (HerdPlan) plan = scenario_plan (sc, G_GINT64_CONSTANT (1) << 20);
  herd_plan_commit (plan, herd_model_find_vm (sc->model, "cam"),
                    herd_model_find_host (sc->model, "e1"), 0);
  CU_ASSERT_FALSE (herd_plan_n1_ok (plan, herd_model_find_cluster (sc->model,
                                                                   "edge")));
  HerdPlanGrowth g;
  herd_plan_grow (plan, sc, 10, &g);
  CU_ASSERT_EQUAL (g.vms_added, 9); /* at 1d .. 9d */
  CU_ASSERT_EQUAL (g.n1_break_day, -1); /* main keeps N+1 throughout */
  herd_plan_growth_clear (&g);
}

/* Bad htools files: the message names the file, the line and the field. */
static void
test_ganeti_errors (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "g|u|preferred||\n\nn1|lots|0|1|1|1|1|N|u\n",
      ":3: field 2 (mem_total): expected a whole number" },
    { "g|u|preferred||\n\nn1|1|0|1|1|1|1|N|nope\n",
      ":3: field 9 (group_uuid): no node group has uuid nope" },
    { "g|u|preferred||\n\nn1|1|0|1|1|1|1|X|u\n",
      ":3: field 8 (offline): expected Y, N or M" },
    { "g|u|preferred||\n\nn1|1|0|1|1|1|1|N|u\n\ni|1|1|1|running|Y|n9||plain\n",
      ":5: field 7 (pnode): no node is called n9" },
    { "g|u|preferred||\n\nn1|1|0|1\n", ":3: a node line has at least 9" },
    { "g|u|preferred||\n\n", ": no node" },
    /* Issue 14: these aborted, wrapped or overflowed. */
    { "a|1|preferred||\na|2|preferred||\n\nn1|1|0|1|1|1|1|N|1\n",
      ":2: field 1 (name): node group a given twice" },
    { "g|u|preferred||\n\nn1|1|0|1|1|1|4294967296|N|u\n",
      ":3: field 7 (cpus): expected a whole number between 0 and 65536, "
      "got \"4294967296\"" },
    { "g|u|preferred||\n\nn1|2305843009213693951|0|1|1|1|1|N|u\n",
      ":3: field 2 (mem_total): expected a whole number between 0 and "
      "1099511627776" },
    { "g|u|preferred||\n\nn1|1|0|1|1|1|1|N|u\n\n"
      "i|1099511627777|1|1|running|Y|n1||plain\n",
      ":5: field 2 (mem): expected a whole number between 0 and "
      "1099511627776" },
    { "g|u|preferred||\n\nn1|1|0|1|1|1|1|N|u\n\n"
      "i|1|1|4097|running|Y|n1||plain\n",
      ":5: field 4 (vcpus): expected a whole number between 0 and 4096" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HerdGanetiCluster g;
      g_autoptr (GError) error = NULL;
      CU_ASSERT_FALSE (load_text (cases[i].text, &g, &error));
      CU_ASSERT_PTR_NOT_NULL_FATAL (error);
      if (strstr (error->message, cases[i].message) == NULL)
        g_printerr ("\n got: %s\nwant: ...%s...\n", error->message,
                    cases[i].message);
      CU_ASSERT_PTR_NOT_NULL (strstr (error->message, cases[i].message));
    }
  HerdGanetiCluster g;
  g_autoptr (GError) error = NULL;
  CU_ASSERT_FALSE (herd_ganeti_simulate ("p,0,1,1,1", &g, &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "field 2 (NODES)"));
  g_clear_error (&error);
  CU_ASSERT_FALSE (herd_ganeti_simulate ("x,1,1,1,1", &g, &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "POLICY,NODES,DISK"));
  g_clear_error (&error);
  /* 2^62 nodes were taken, and made one by one. */
  CU_ASSERT_FALSE (herd_ganeti_simulate ("p,4611686018427387904,1,1,1", &g,
                                         &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message,
                                  "field 2 (NODES): expected a whole number "
                                  "between 1 and 100000"));
  g_clear_error (&error);
  CU_ASSERT_FALSE (herd_ganeti_simulate ("p,1,1,1,4294967296", &g, &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "field 5 (CPU)"));
}

int
main (void)
{
  static const HerdTestCase cases[] = {
    { "standard allocation, closed form", test_standard_closed_form },
    { "closed form = placement loop", test_closed_form_matches_loop },
    { "closed form = loop, a grid", test_closed_form_grid },
    { "tiered allocation", test_tiered },
    { "HA admission control", test_ha_admission },
    { "worst single failure", test_worst_failure },
    { "htools file errors", test_ganeti_errors },
    { "shared storage pool", test_shared_pool },
    { "growth in half days", test_growth_half_days },
    { "N+1 breaks per cluster", test_growth_n1_per_cluster },
    { NULL, NULL },
  };
  static const HerdTestSuite suites[] = {
    { "plan", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
