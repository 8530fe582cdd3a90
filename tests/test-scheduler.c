/* test-scheduler.c: the placement pipeline: the rank selector on the
 * worked example of behaviour.md §2, ties, the filters' boundaries and the
 * radix ranking against a naive count. */
#include <string.h>

#include "core/model.h"
#include "core/scheduler.h"
#include "tests/test-util.h"

static void
test_worked_example (void)
{
  /* behaviour.md §2: CPU (x2) A=30 B=50 C=30; memory (x1) A=20 B=10 C=40. */
  const gint64 scores[] = { 30, 50, 30, 20, 10, 40 };
  const guint factors[] = { 2, 1 };
  guint32 ranks[6];
  guint64 totals[3];
  guint best = herd_rank_select (3, 2, scores, factors, ranks, totals);
  /* oVirt's ranks: (n - 1) - hosts strictly better. */
  CU_ASSERT_EQUAL (ranks[0], 2);
  CU_ASSERT_EQUAL (ranks[1], 0);
  CU_ASSERT_EQUAL (ranks[2], 2);
  CU_ASSERT_EQUAL (ranks[3], 1);
  CU_ASSERT_EQUAL (ranks[4], 2);
  CU_ASSERT_EQUAL (ranks[5], 0);
  CU_ASSERT_EQUAL (totals[0], 5);
  CU_ASSERT_EQUAL (totals[1], 2);
  CU_ASSERT_EQUAL (totals[2], 4);
  CU_ASSERT_EQUAL (best, 0);
}

static void
test_tie_lowest_index (void)
{
  /* A and C tie on the total: the lower index (host id) wins. */
  const gint64 scores[] = { 10, 20, 10 };
  const guint factors[] = { 1 };
  guint32 ranks[3];
  guint64 totals[3];
  CU_ASSERT_EQUAL (herd_rank_select (3, 1, scores, factors, ranks, totals),
                   0);
  CU_ASSERT_EQUAL (totals[0], totals[2]);
  const gint64 reversed[] = { 20, 10, 10 };
  CU_ASSERT_EQUAL (herd_rank_select (3, 1, reversed, factors, ranks, totals),
                   1);
}

static void
test_ranks_match_naive (void)
{
  /* Many hosts, wide and negative scores, many ties. */
  for (guint n = 1; n <= 3000; n = n * 3 + 1)
    {
      g_autofree gint64 *scores = g_new (gint64, 2 * n);
      guint32 seed = 12345 + n;
      for (guint i = 0; i < 2 * n; i++)
        {
          seed = seed * 1103515245u + 12345u;
          scores[i] = i < n ? (gint64) (seed % 50) - 25
                            : (gint64) (seed % 2000003) * -1000;
        }
      const guint factors[] = { 2, 1 };
      g_autofree guint32 *ranks = g_new (guint32, 2 * n);
      g_autofree guint64 *totals = g_new (guint64, n);
      guint best = herd_rank_select (n, 2, scores, factors, ranks, totals);
      guint naive_best = 0;
      guint64 naive_best_total = 0;
      for (guint i = 0; i < n; i++)
        {
          guint64 total = 0;
          for (guint w = 0; w < 2; w++)
            {
              guint32 r = 0; /* (n - 1) - strictly better */
              for (guint j = 0; j < n; j++)
                r += scores[w * n + j] >= scores[w * n + i];
              r -= 1;
              CU_ASSERT_EQUAL_FATAL (ranks[w * n + i], r);
              total += factors[w] * r;
            }
          CU_ASSERT_EQUAL (totals[i], total);
          if (total > naive_best_total)
            {
              naive_best_total = total;
              naive_best = i;
            }
        }
      CU_ASSERT_EQUAL (best, naive_best);
    }
}

/* A model with one cluster of n Up hosts of 16 cores and 64 GiB, all empty,
 * and one VM of 4 vCPUs and 8 GiB. */
static HerdModel *
make_model (guint n, guint overcommit)
{
  HerdModel *m = herd_model_new ();
  herd_model_add_datacenter (m, "dc");
  HerdCluster *c = herd_model_add_cluster (m, "c", 0);
  c->memory_overcommit_percent = overcommit;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("h-%u", i + 1);
      HerdHost *h = herd_model_add_host (m, name, 0);
      h->cores = 16;
      h->threads = 16;
      h->memory_mib = 65536;
      h->mem_free_mib = 65536;
      h->status = HERD_HOST_UP;
    }
  HerdVm *vm = herd_model_add_vm (m, "vm", 0);
  vm->vcpus = 4;
  vm->memory_mib = 8192;
  return m;
}

static void
test_memory_physical_boundary (void)
{
  g_autoptr (HerdModel) m = make_model (2, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  const HerdVm *vm = herd_model_vm (m, 0);
  gint64 need = herd_scheduler_vm_memory_need (m, vm);
  CU_ASSERT_EQUAL (need, 8192 + 64);

  /* h-1 has exactly what the VM needs once pending is subtracted: fits.
   * h-2 is one MiB short. */
  HerdHost *h1 = herd_model_host (m, 0), *h2 = herd_model_host (m, 1);
  h1->mem_free_mib = need + 1000;
  h1->pending_mem_mib = 1000;
  h2->mem_free_mib = need - 1;
  guint32 rejected[HERD_FILTER_LAST];
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, rejected, NULL),
                   0);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_MEMORY], 1);
  h1->pending_mem_mib = 1001;
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, rejected, NULL),
                   HERD_ID_NONE);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_MEMORY], 2);
}

static void
test_memory_overcommit (void)
{
  /* Ceiling = 65536 * pct / 100 - 1024 reserved. */
  for (guint pct = 100; pct <= 200; pct += 50)
    {
      g_autoptr (HerdModel) m = make_model (1, pct);
      g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
      HerdHost *h = herd_model_host (m, 0);
      gint64 need = herd_scheduler_vm_memory_need (m, herd_model_vm (m, 0));
      gint64 ceiling = 65536 * (gint64) pct / 100 - 1024;
      h->committed_mem_mib = ceiling - need;
      CU_ASSERT_EQUAL (
          herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, NULL, NULL), 0);
      h->committed_mem_mib = ceiling - need + 1;
      CU_ASSERT_EQUAL (
          herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, NULL, NULL),
          HERD_ID_NONE);
      /* Pending counts like committed. */
      h->committed_mem_mib = ceiling - need - 10;
      h->pending_mem_mib = 11;
      CU_ASSERT_EQUAL (
          herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, NULL, NULL),
          HERD_ID_NONE);
    }
}

static void
test_cpu_and_status_filters (void)
{
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  herd_model_host (m, 0)->cores = 2;                /* too few cores */
  herd_model_host (m, 1)->status = HERD_HOST_MAINTENANCE;
  guint32 rejected[HERD_FILTER_LAST];
  HerdPlacementTrace trace;
  herd_placement_trace_init (&trace);
  CU_ASSERT_EQUAL (
      herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, rejected, &trace), 2);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_CPU], 1);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_STATUS], 1);
  CU_ASSERT_EQUAL (trace.hosts->len, 3);
  CU_ASSERT_EQUAL (
      g_array_index (trace.hosts, HerdPlacementHost, 0).rejected_by,
      HERD_FILTER_CPU);
  CU_ASSERT_EQUAL (
      g_array_index (trace.hosts, HerdPlacementHost, 1).rejected_by,
      HERD_FILTER_STATUS);
  CU_ASSERT_EQUAL (
      g_array_index (trace.hosts, HerdPlacementHost, 2).rejected_by,
      HERD_FILTER_NONE);
  CU_ASSERT_EQUAL (trace.chosen, 2);
  /* A migration never lands on its source. */
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, 2, NULL, rejected, NULL),
                   HERD_ID_NONE);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_MIGRATION], 1);
  herd_placement_trace_clear (&trace);
}

/* A VM with a lease starts or migrates only on a host whose host-id
 * lease is live (issue 14, defect 2; oVirt's VmLeasesReady filter); a VM
 * without one does not care. */
static void
test_migration_filter_lease (void)
{
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  herd_model_host (m, 1)->lockspace_down = TRUE;
  guint32 rejected[HERD_FILTER_LAST];
  CU_ASSERT_NOT_EQUAL (herd_scheduler_place (s, 0, 0, NULL, rejected, NULL),
                       HERD_ID_NONE);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_MIGRATION], 1); /* only its source */
  herd_model_vm (m, 0)->lease = TRUE;
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, 0, NULL, rejected, NULL), 2);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_MIGRATION], 1);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_VM_LEASES_READY], 1);
  herd_model_host (m, 2)->lockspace_down = TRUE;
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, 0, NULL, rejected, NULL),
                   HERD_ID_NONE);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_VM_LEASES_READY], 2);
  /* A start too (oVirt's VmLeasesReady is a filter of every decision):
   * only h-1, whose lockspace is live, may take the leased VM. */
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, rejected,
                                         NULL),
                   0);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_VM_LEASES_READY], 2);
}

static void
test_even_weights (void)
{
  /* h-1 busier in CPU, h-2 shorter in scheduling memory (committed), h-3
   * in between on both: ranks CPU (x2): h-1 0, h-2 2, h-3 1; memory (x1):
   * h-1 2, h-2 0, h-3 1 -> totals 2, 4, 3: h-2 wins. */
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  herd_model_host (m, 0)->cpu_used_mc = 8000;
  herd_model_host (m, 1)->committed_mem_mib = 45536;
  herd_model_host (m, 2)->cpu_used_mc = 4000;
  herd_model_host (m, 2)->committed_mem_mib = 25536;
  HerdPlacementTrace trace;
  herd_placement_trace_init (&trace);
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, NULL, &trace),
                   1);
  HerdPlacementHost *p = (HerdPlacementHost *) trace.hosts->data;
  CU_ASSERT_EQUAL (p[0].rank[HERD_WEIGHT_EVEN_CPU], 0);
  CU_ASSERT_EQUAL (p[1].rank[HERD_WEIGHT_EVEN_CPU], 2);
  CU_ASSERT_EQUAL (p[2].rank[HERD_WEIGHT_EVEN_CPU], 1);
  CU_ASSERT_EQUAL (p[0].rank[HERD_WEIGHT_EVEN_MEMORY], 2);
  CU_ASSERT_EQUAL (p[1].rank[HERD_WEIGHT_EVEN_MEMORY], 0);
  CU_ASSERT_EQUAL (p[2].rank[HERD_WEIGHT_EVEN_MEMORY], 1);
  CU_ASSERT_EQUAL (p[0].total, 2);
  CU_ASSERT_EQUAL (p[1].total, 4);
  CU_ASSERT_EQUAL (p[2].total, 3);
  /* The CPU score: load with the VM (an unmeasured VM counts
   * VcpuConsumptionPercentage, 10%, per vCPU), rounded as Java's
   * Math.round, then stretched to 1..1000: h-1 (800 + 40) / 16 = 52.5 ->
   * 53, h-2 40 / 16 = 2.5 -> 3, h-3 (400 + 40) / 16 = 27.5 -> 28; so 1000,
   * 1 and round (1 + 25 / 50 x 999) = 501. */
  CU_ASSERT_EQUAL (p[0].score[HERD_WEIGHT_EVEN_CPU], 1000);
  CU_ASSERT_EQUAL (p[1].score[HERD_WEIGHT_EVEN_CPU], 1);
  CU_ASSERT_EQUAL (p[2].score[HERD_WEIGHT_EVEN_CPU], 501);
  /* The memory score: 1000 - round ((left - 1) x 999 / (most - 1)) with
   * most = 64512 (h-1's max scheduling memory: 64 GiB less 1 GiB
   * reserved) and left = 64512 - 8256 (the VM and its overhead): 1000 -
   * round (871.1) = 129. */
  CU_ASSERT_EQUAL (p[0].score[HERD_WEIGHT_EVEN_MEMORY], 129);
  herd_placement_trace_clear (&trace);
}

/* Rejection of host h (0-based) for VM vm by the full pipeline. */
static HerdFilterKind
rejected_by (HerdModel *m, HerdScheduler *s, HerdId vm, HerdId source,
             guint h)
{
  HerdPlacementTrace trace;
  herd_placement_trace_init (&trace);
  herd_scheduler_place (s, vm, source, NULL, NULL, &trace);
  HerdFilterKind f
      = g_array_index (trace.hosts, HerdPlacementHost, h).rejected_by;
  herd_placement_trace_clear (&trace);
  return f;
}

static void
test_cpu_overloaded (void)
{
  /* Over HighUtilization (80%) since t=100 s; CpuOverCommitDuration 5m:
   * still allowed at 399 s, removed from 400 s. */
  g_autoptr (HerdModel) m = make_model (2, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  HerdHost *h = herd_model_host (m, 0);
  h->cpu_used_mc = 14000; /* 87.5% of 16 cores */
  h->cpu_over_since = HERD_SEC (100);
  herd_scheduler_set_now (s, HERD_SEC (399));
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0), HERD_FILTER_NONE);
  herd_scheduler_set_now (s, HERD_SEC (400));
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_CPU_OVERLOADED);
  /* ovirt-4.5's 2 minutes, as a cluster parameter. */
  herd_model_cluster (m, 0)->policy_params.cpu_overcommit_duration
      = HERD_MIN (2);
  herd_scheduler_set_now (s, HERD_SEC (220));
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_CPU_OVERLOADED);
}

static void
test_pin_to_host (void)
{
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  const HerdId pins[] = { 2, 1 };
  herd_id_list_set (&herd_model_vm (m, 0)->pinned_to, pins, 2);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_PIN_TO_HOST);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 1), HERD_FILTER_NONE);
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, NULL,
                                         NULL),
                   1);
}

/* Adds VM name (running on host, or not running) and returns its id. */
static HerdId
add_vm (HerdModel *m, const char *name, HerdId host)
{
  HerdVm *vm = herd_model_add_vm (m, name, 0);
  vm->vcpus = 1;
  vm->memory_mib = 1024;
  if (host != HERD_ID_NONE)
    {
      vm->host = host;
      vm->status = HERD_VM_UP;
      vm->committed = TRUE;
      herd_model_host (m, host)->vm_count++;
    }
  return vm->id;
}

static void
add_group (HerdModel *m, const char *name, const HerdId *vms, guint n_vms,
           HerdAffinityRule vm_rule, gboolean vm_enforcing,
           const HerdId *hosts, guint n_hosts, HerdAffinityRule host_rule,
           gboolean host_enforcing)
{
  HerdAffinityGroup *g = herd_model_add_affinity_group (m, name, 0, vms,
                                                        n_vms, hosts, n_hosts);
  g->vm_rule = vm_rule;
  g->vm_enforcing = vm_enforcing;
  g->host_rule = host_rule;
  g->host_enforcing = host_enforcing;
}

static void
test_hard_vm_affinity (void)
{
  /* Positive: the new member must join the running one on h-2. */
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  HerdId a = add_vm (m, "a", 1);
  HerdId pos[] = { 0, a };
  add_group (m, "together", pos, 2, HERD_AFFINITY_POSITIVE, TRUE, NULL, 0,
             HERD_AFFINITY_NONE, FALSE);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_VM_AFFINITY);
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, NULL,
                                         NULL),
                   1);

  /* Negative: never with a member; b on h-1, c on h-3: only h-2 left. */
  g_autoptr (HerdModel) n = make_model (3, 100);
  g_autoptr (HerdScheduler) t = herd_scheduler_new (n);
  HerdId b = add_vm (n, "b", 0), c = add_vm (n, "c", 2);
  HerdId neg[] = { 0, b, c };
  add_group (n, "apart", neg, 3, HERD_AFFINITY_NEGATIVE, TRUE, NULL, 0,
             HERD_AFFINITY_NONE, FALSE);
  CU_ASSERT_EQUAL (rejected_by (n, t, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_VM_AFFINITY);
  CU_ASSERT_EQUAL (rejected_by (n, t, 0, HERD_ID_NONE, 2),
                   HERD_FILTER_VM_AFFINITY);
  CU_ASSERT_EQUAL (herd_scheduler_place (t, 0, HERD_ID_NONE, NULL, NULL,
                                         NULL),
                   1);
  /* A member that is down does not count. */
  herd_model_vm (n, b)->status = HERD_VM_DOWN;
  CU_ASSERT_EQUAL (rejected_by (n, t, 0, HERD_ID_NONE, 0), HERD_FILTER_NONE);
}

static void
test_hard_host_affinity (void)
{
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  HerdId other = add_vm (m, "x", HERD_ID_NONE);
  HerdId vms[] = { 0, other };
  HerdId hosts[] = { 0 };
  add_group (m, "not-h1", vms, 2, HERD_AFFINITY_NONE, FALSE, hosts, 1,
             HERD_AFFINITY_NEGATIVE, TRUE);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_HOST_AFFINITY);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 1), HERD_FILTER_NONE);
  herd_model_affinity_group (m, 0)->host_rule = HERD_AFFINITY_POSITIVE;
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0), HERD_FILTER_NONE);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 1),
                   HERD_FILTER_HOST_AFFINITY);
}

static void
test_network (void)
{
  /* Required network (bit 0) down on h-1; the VM's vNIC network (bit 1)
   * missing on h-2; h-3 has both. */
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  herd_model_cluster (m, 0)->required_networks = 1;
  herd_model_vm (m, 0)->networks = 2;
  for (guint i = 0; i < 3; i++)
    herd_model_host (m, i)->networks = 3;
  herd_model_host (m, 0)->networks_down = 1;
  herd_model_host (m, 1)->networks = 1;
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_NETWORK);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 1),
                   HERD_FILTER_NETWORK);
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 2), HERD_FILTER_NONE);
}

static void
test_cluster_maintenance (void)
{
  g_autoptr (HerdModel) m = make_model (1, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  herd_model_cluster (m, 0)->policy = HERD_POLICY_CLUSTER_MAINTENANCE;
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0),
                   HERD_FILTER_CLUSTER_MAINTENANCE);
  herd_model_vm (m, 0)->ha = TRUE;
  CU_ASSERT_EQUAL (rejected_by (m, s, 0, HERD_ID_NONE, 0), HERD_FILTER_NONE);
}

static void
test_allowed_set (void)
{
  g_autoptr (HerdModel) m = make_model (3, 100);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  const guint8 allowed[] = { 0, 0, 1 };
  guint32 rejected[HERD_FILTER_LAST];
  CU_ASSERT_EQUAL (herd_scheduler_place (s, 0, HERD_ID_NONE, allowed,
                                         rejected, NULL),
                   2);
  CU_ASSERT_EQUAL (rejected[HERD_FILTER_ALLOWED], 2);
}

/* The winner among 3 identical hosts after tweaking one weight's input. */
static HerdId
winner (HerdModel *m)
{
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  return herd_scheduler_place (s, 0, HERD_ID_NONE, NULL, NULL, NULL);
}

static void
test_preferred_hosts_outweigh (void)
{
  /* x99 beats even CPU and memory together: h-3 is busy and full but
   * preferred. */
  g_autoptr (HerdModel) m = make_model (3, 100);
  herd_model_host (m, 2)->cpu_used_mc = 12000;
  herd_model_host (m, 2)->mem_free_mib = 20000;
  const HerdId pref[] = { 2 };
  herd_id_list_set (&herd_model_vm (m, 0)->preferred_hosts, pref, 1);
  CU_ASSERT_EQUAL (winner (m), 2);
}

static void
test_ha_reservation_weight (void)
{
  g_autoptr (HerdModel) m = make_model (3, 100);
  herd_model_vm (m, 0)->ha = TRUE;
  herd_model_host (m, 0)->ha_vm_count = 2;
  herd_model_host (m, 1)->ha_vm_count = 1;
  herd_model_host (m, 2)->ha_vm_count = 2;
  /* Without the cluster switch the weight does not apply: h-1 (tie). */
  CU_ASSERT_EQUAL (winner (m), 0);
  herd_model_cluster (m, 0)->ha_reservation = TRUE;
  CU_ASSERT_EQUAL (winner (m), 1);
}

static void
test_soft_affinity_weights (void)
{
  /* Soft positive VM affinity pulls toward the member's host (x1, which
   * still breaks the tie of equal hosts). */
  g_autoptr (HerdModel) m = make_model (3, 100);
  HerdId a = add_vm (m, "a", 2);
  HerdId vms[] = { 0, a };
  add_group (m, "soft", vms, 2, HERD_AFFINITY_POSITIVE, FALSE, NULL, 0,
             HERD_AFFINITY_NONE, FALSE);
  CU_ASSERT_EQUAL (winner (m), 2);

  /* Soft VM-to-host (x20) outweighs even CPU (x2) and memory (x1). */
  g_autoptr (HerdModel) n = make_model (3, 100);
  herd_model_host (n, 1)->cpu_used_mc = 12000;
  HerdId b = add_vm (n, "b", HERD_ID_NONE);
  HerdId vms2[] = { 0, b };
  HerdId hosts[] = { 1 };
  add_group (n, "prefer-h2", vms2, 2, HERD_AFFINITY_NONE, FALSE, hosts, 1,
             HERD_AFFINITY_POSITIVE, FALSE);
  CU_ASSERT_EQUAL (winner (n), 1);
}

static void
test_policy_weights (void)
{
  /* power_saving packs onto the busiest host under High; vm_evenly
   * counts VMs; the SPM's own load counts. */
  g_autoptr (HerdModel) m = make_model (3, 100);
  herd_model_host (m, 0)->cpu_used_mc = 4000;
  herd_model_host (m, 1)->cpu_used_mc = 9000;
  herd_model_host (m, 2)->cpu_used_mc = 13000; /* would pass 80% */
  herd_model_cluster (m, 0)->policy = HERD_POLICY_POWER_SAVING;
  CU_ASSERT_EQUAL (winner (m), 1);
  herd_model_cluster (m, 0)->policy = HERD_POLICY_EVENLY_DISTRIBUTED;
  CU_ASSERT_EQUAL (winner (m), 0);

  g_autoptr (HerdModel) n = make_model (3, 100);
  herd_model_cluster (n, 0)->policy = HERD_POLICY_VM_EVENLY_DISTRIBUTED;
  herd_model_host (n, 0)->vm_count = 3;
  herd_model_host (n, 1)->vm_count = 1;
  herd_model_host (n, 2)->vm_count = 2;
  CU_ASSERT_EQUAL (winner (n), 1);
  /* The SPM counts SpmVmGrace (5) more. */
  herd_model_datacenter (n, 0)->spm_host = 1;
  CU_ASSERT_EQUAL (winner (n), 2);

  /* The SPM role costs its host SpmVCpuConsumption x
   * VcpuConsumptionPercentage (10 percent-cores): on 4 cores h-1 scores
   * (10 + 40) / 4 = 12.5 -> 13 against h-2's 10.  (oVirt has no separate
   * weight against the SPM.) */
  g_autoptr (HerdModel) o = make_model (2, 100);
  herd_model_host (o, 0)->cores = herd_model_host (o, 1)->cores = 4;
  herd_model_datacenter (o, 0)->spm_host = 0;
  CU_ASSERT_EQUAL (winner (o), 1);
}

static const HerdTestCase selector_cases[] = {
  { "worked example of behaviour.md", test_worked_example },
  { "ties go to the lowest host id", test_tie_lowest_index },
  { "radix ranks equal naive ranks", test_ranks_match_naive },
  { NULL, NULL },
};

static const HerdTestCase filter_cases[] = {
  { "memory: physical check boundary", test_memory_physical_boundary },
  { "memory: overcommit ceiling", test_memory_overcommit },
  { "cpu, status and migration filters", test_cpu_and_status_filters },
  { "migration filter: a leased VM needs a live lockspace",
    test_migration_filter_lease },
  { "even cpu and memory weights", test_even_weights },
  { "cpu-overloaded: HighUtilization for the duration", test_cpu_overloaded },
  { "pin to host", test_pin_to_host },
  { "hard VM affinity, positive and negative", test_hard_vm_affinity },
  { "hard VM-to-host affinity", test_hard_host_affinity },
  { "network: required and vNIC networks up", test_network },
  { "cluster maintenance: only HA VMs start", test_cluster_maintenance },
  { "allowed set (balancer destinations)", test_allowed_set },
  { "preferred hosts (x99)", test_preferred_hosts_outweigh },
  { "HA reservation weight", test_ha_reservation_weight },
  { "soft VM and VM-to-host affinity", test_soft_affinity_weights },
  { "policy weights: power saving, VM count, SPM", test_policy_weights },
  { NULL, NULL },
};

int
main (void)
{
  const HerdTestSuite suites[] = {
    { "rank selector", selector_cases },
    { "filters and weights", filter_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
