/* test-swarm.c: swarm testing (swarm/generate.h, docs/testing.md).
 *
 * The generator is deterministic (same seed, same text; another seed,
 * another text); 1,000 generated scenarios all load (a load error is a
 * generator bug); over those 1,000 the corpus covers the vocabulary: every
 * fault and action kind, every policy, leases, each kind of affinity rule,
 * thin and preallocated disks on block and file domains, templates,
 * clones, pools, several data centers, flaky and hanging fence agents, a
 * partition of a migration's destination, two partitions at once, the
 * master domain down, Weibull random faults ... each at least once.
 * Finally the swarm itself: HERD_SWARM_COUNT (default 500) generated
 * scenarios, each over run seeds 1..HERD_SWARM_SEEDS (default 2), with
 * every invariant checked; a violation fails the test, prints its report
 * and keeps the scenario as HERD_BINARY_DIR/swarm-failures/swarm-S.ini
 * with the herd sim command that replays it. */
#include <stdio.h>
#include <string.h>

#include "run/run.h"
#include "swarm/generate.h"
#include "tests/test-util.h"

#define LOAD_COUNT 1000

static guint64
env_count (const char *name, guint64 fallback)
{
  const char *env = g_getenv (name);
  guint64 n = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 0;
  return n > 0 ? n : fallback;
}

static HerdScenario *
load_generated (guint64 seed, char **text_out, GError **error)
{
  g_autofree char *text = herd_generate_scenario (seed);
  g_autofree char *path = g_strdup_printf ("swarm-%" G_GUINT64_FORMAT ".ini",
                                           seed);
  HerdScenario *sc = herd_scenario_load_data (text, path, error);
  if (text_out != NULL)
    *text_out = g_steal_pointer (&text);
  return sc;
}

static void
test_deterministic (void)
{
  for (guint64 seed = 0; seed < 50; seed++)
    {
      g_autofree char *a = herd_generate_scenario (seed);
      g_autofree char *b = herd_generate_scenario (seed);
      g_autofree char *c = herd_generate_scenario (seed + 1);
      CU_ASSERT_STRING_EQUAL (a, b);
      CU_ASSERT_STRING_NOT_EQUAL (a, c);
    }
  /* Pinned: the generator's stream is seeded as the simulator's are, so
   * the text of a seed never changes by accident (a deliberate change of
   * the generator updates these). */
  g_autofree char *one = herd_generate_scenario (1);
  CU_ASSERT_TRUE (g_str_has_prefix (one, "; swarm scenario of generator "
                                         "seed 1 (herd generate --seed 1)\n"
                                         "; features:"));
  CU_ASSERT_PTR_NOT_NULL (strstr (one, "\nname = swarm-1\n"));
}

static void
test_all_load (void)
{
  guint errors = 0;
  for (guint64 seed = 1; seed <= LOAD_COUNT; seed++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_autoptr (HerdScenario) sc = load_generated (seed, &text, &error);
      if (sc == NULL)
        {
          if (errors++ < 5)
            g_printerr ("\ngenerator bug: seed %" G_GUINT64_FORMAT
                        " does not load: %s\n%s\n",
                        seed, error->message, text);
        }
    }
  g_print ("\n  %d generated scenarios, %u load errors", LOAD_COUNT, errors);
  CU_ASSERT_EQUAL (errors, 0);
}

/* What the corpus must hold at least once. */
typedef enum
{
  COV_MULTI_DC,
  COV_MULTI_CLUSTER,
  COV_MIXED_HOSTS,
  COV_POLICY_NONE,
  COV_POLICY_EVEN,
  COV_POLICY_POWER_SAVING,
  COV_POLICY_VM_EVEN,
  COV_POLICY_MAINTENANCE,
  COV_POLICY_PARAMS,
  COV_HA_RESERVATION,
  COV_FENCING_OFF,
  COV_FENCING_SKIPS,
  COV_FENCE_TWO_AGENTS,
  COV_FENCE_CONCURRENT,
  COV_FENCE_FLAKY,
  COV_FENCE_HANGING,
  COV_NO_POWER_MANAGEMENT,
  COV_OPTIONAL_NETWORK,
  COV_HA_PRIORITIES,
  COV_LEASE,
  COV_AFFINITY_POSITIVE,
  COV_AFFINITY_NEGATIVE,
  COV_AFFINITY_HARD,
  COV_AFFINITY_SOFT,
  COV_AFFINITY_HOST_HARD,
  COV_AFFINITY_HOST_SOFT,
  COV_PINNED,
  COV_NOT_MIGRATABLE,
  COV_PREFERRED,
  COV_RESUME_POLICIES,
  COV_THIN_BLOCK,
  COV_THIN_FILE,
  COV_PREALLOCATED_BLOCK,
  COV_PREALLOCATED_FILE,
  COV_NEAR_FULL,
  COV_TEMPLATE,
  COV_CLONE,
  COV_POOL,
  COV_CHURN,
  COV_MIGRATION_LOAD,
  COV_MIGRATION_POLICIES, /* each migration policy (first of 4) */
  COV_FAULT_KINDS = COV_MIGRATION_POLICIES + HERD_MIGRATION_POLICY_LAST,
                     /* each scheduled fault kind (first of 7) */
  COV_RANDOM_FAULTS = COV_FAULT_KINDS + HERD_FAULT_KIND_LAST,
  COV_RANDOM_CRASH,
  COV_RANDOM_HANG,
  COV_RANDOM_PARTITION,
  COV_WEIBULL,
  COV_PARTITION_DESTINATION,
  COV_TWO_PARTITIONS,
  COV_MASTER_DOWN,
  COV_STORAGE_DOWN_ONE_HOST,
  COV_DEFAULTS,
  COV_ACTION_KINDS, /* every action kind (first of 12) */
  COV_LAST = COV_ACTION_KINDS + HERD_ACTION_KIND_LAST
} Coverage;

static const char *
coverage_name (int i)
{
  static const char *const names[] = {
    "several data centers", "several clusters in one", "mixed host sizes",
    "policy none", "policy evenly_distributed", "policy power_saving",
    "policy vm_evenly_distributed", "policy cluster_maintenance",
    "policy parameters", "HA reservation",
    "fencing off", "fencing skip policies", "two fence agents",
    "concurrent fence agents", "flaky fence agents (fence_failure)",
    "hanging fence agents (latency >= 1m)", "hosts without power management",
    "optional networks", "every HA priority", "VM leases",
    "affinity positive", "affinity negative", "affinity hard",
    "affinity soft", "VM-to-host hard", "VM-to-host soft", "pinned_to",
    "migratable = false", "preferred_hosts", "every resume policy",
    "thin disks on block", "thin disks on file", "preallocated on block",
    "preallocated on file", "storage near full", "templates", "clones",
    "pools (stateless)", "arrivals and lifetimes",
    "dirty rates (migration load)",
  };
  if (i < COV_MIGRATION_POLICIES)
    return names[i];
  static char buf[64];
  if (i < COV_FAULT_KINDS)
    {
      g_snprintf (buf, sizeof buf, "migration_policy %s",
                  herd_migration_policy_name (
                      (HerdMigrationPolicy) (i - COV_MIGRATION_POLICIES)));
      return buf;
    }
  if (i < COV_RANDOM_FAULTS)
    {
      g_snprintf (buf, sizeof buf, "fault %s",
                  herd_fault_kind_name ((HerdFaultKind) (i - COV_FAULT_KINDS)));
      return buf;
    }
  static const char *const more[] = {
    "random faults", "random host_crash", "random agent_hang",
    "random partition", "Weibull mtbf", "partition of a migration's "
    "destination", "two partitions at once", "master domain down (all hosts)",
    "storage down for one host", "[defaults] overrides",
  };
  if (i < COV_ACTION_KINDS)
    return more[i - COV_RANDOM_FAULTS];
  g_snprintf (buf, sizeof buf, "action %s",
              herd_action_kind_name ((HerdActionKind) (i - COV_ACTION_KINDS)));
  return buf;
}

static void
cover (guint *counts, const HerdScenario *sc, const char *text)
{
  HerdModel *m = sc->model;
  gboolean seen[COV_LAST] = { FALSE };
  seen[COV_MULTI_DC] = m->datacenters->len >= 2;
  seen[COV_MULTI_CLUSTER] = m->clusters->len > m->datacenters->len;
  for (guint i = 0; i < m->clusters->len; i++)
    {
      const HerdCluster *c = g_ptr_array_index (m->clusters, i);
      seen[COV_POLICY_NONE + c->policy] = TRUE;
      seen[COV_HA_RESERVATION] |= c->ha_reservation;
      seen[COV_FENCING_OFF] |= !c->fencing;
      seen[COV_FENCING_SKIPS] |= c->skip_fencing_if_lease_live
                                 || c->skip_fencing_if_connectivity_broken;
      seen[COV_MIGRATION_POLICIES + c->migration_policy] = TRUE;
    }
  /* COV_POLICY_* follow HerdPolicyKind's order. */
  G_STATIC_ASSERT (COV_POLICY_EVEN - COV_POLICY_NONE
                   == HERD_POLICY_EVENLY_DISTRIBUTED);
  G_STATIC_ASSERT (COV_POLICY_MAINTENANCE - COV_POLICY_NONE
                   == HERD_POLICY_CLUSTER_MAINTENANCE);
  seen[COV_POLICY_PARAMS] = strstr (text, "\npolicy.") != NULL;
  guint priorities = 0, resume = 0;
  for (guint i = 0; i < m->vms->len; i++)
    {
      const HerdVm *v = g_ptr_array_index (m->vms, i);
      if (v->ha)
        priorities |= 1u << v->priority;
      resume |= 1u << v->resume_policy;
      seen[COV_LEASE] |= v->lease;
      seen[COV_PINNED] |= v->pinned_to.n > 0;
      seen[COV_NOT_MIGRATABLE] |= !v->migratable;
      seen[COV_PREFERRED] |= v->preferred_hosts.n > 0;
    }
  seen[COV_HA_PRIORITIES] = priorities == 0x7;
  seen[COV_RESUME_POLICIES] = resume == 0x7;
  for (guint i = 0; i < m->hosts->len; i++)
    {
      const HerdHost *h = g_ptr_array_index (m->hosts, i);
      seen[COV_FENCE_TWO_AGENTS] |= h->fence_agents >= 2;
      seen[COV_FENCE_CONCURRENT] |= h->fence_concurrent;
      seen[COV_NO_POWER_MANAGEMENT] |= !h->power_management;
    }
  for (guint i = 0; i < sc->host_groups->len; i++)
    {
      const HerdHostGroup *hg = g_ptr_array_index (sc->host_groups, i);
      gboolean pm = hg->fence_agents != NULL && hg->fence_agents[0] != NULL;
      seen[COV_FENCE_FLAKY] |= pm && hg->fence_failure > 0;
      seen[COV_FENCE_HANGING] |= pm && hg->fence_latency >= HERD_MIN (1);
    }
  for (guint c = 0; c < m->clusters->len; c++)
    {
      guint groups = 0;
      for (guint i = 0; i < sc->host_groups->len; i++)
        {
          const HerdHostGroup *hg = g_ptr_array_index (sc->host_groups, i);
          groups += herd_model_host (m, hg->first)->cluster == c;
        }
      seen[COV_MIXED_HOSTS] |= groups >= 2;
    }
  for (guint i = 0; i < m->networks->len; i++)
    seen[COV_OPTIONAL_NETWORK]
        |= !((const HerdNetwork *) g_ptr_array_index (m->networks, i))
                ->required;
  for (guint i = 0; i < m->affinity_groups->len; i++)
    {
      const HerdAffinityGroup *a = g_ptr_array_index (m->affinity_groups, i);
      if (a->vm_rule != HERD_AFFINITY_NONE)
        {
          seen[a->vm_rule == HERD_AFFINITY_POSITIVE ? COV_AFFINITY_POSITIVE
                                                    : COV_AFFINITY_NEGATIVE]
              = TRUE;
          seen[a->vm_enforcing ? COV_AFFINITY_HARD : COV_AFFINITY_SOFT]
              = TRUE;
        }
      if (a->host_rule != HERD_AFFINITY_NONE)
        seen[a->host_enforcing ? COV_AFFINITY_HOST_HARD
                               : COV_AFFINITY_HOST_SOFT]
            = TRUE;
    }
  for (guint i = 0; i < m->disks->len; i++)
    {
      const HerdDisk *d = g_ptr_array_index (m->disks, i);
      HerdId dom = d->domain;
      if (dom == HERD_ID_NONE)
        {
          const HerdVm *v = herd_model_vm (m, d->vm);
          const HerdCluster *c = herd_model_cluster (m, v->cluster);
          for (guint k = 0; k < m->domains->len; k++)
            {
              const HerdStorageDomain *s = g_ptr_array_index (m->domains, k);
              if (s->datacenter == c->datacenter && s->master)
                dom = s->id;
            }
        }
      if (dom == HERD_ID_NONE)
        continue;
      gboolean block = herd_storage_type_is_block (
          herd_model_domain (m, dom)->type);
      seen[d->thin ? (block ? COV_THIN_BLOCK : COV_THIN_FILE)
                   : (block ? COV_PREALLOCATED_BLOCK : COV_PREALLOCATED_FILE)]
          = TRUE;
    }
  seen[COV_NEAR_FULL] = strstr (text, " near-full") != NULL;
  seen[COV_TEMPLATE] = strstr (text, "\n[template ") != NULL;
  seen[COV_CLONE] = strstr (text, "\nclone = true\n") != NULL;
  for (guint i = 0; i < sc->vm_groups->len; i++)
    {
      const HerdVmGroup *vg = g_ptr_array_index (sc->vm_groups, i);
      seen[COV_POOL] |= vg->stateless;
      seen[COV_CHURN] |= vg->has_lifetime;
      seen[COV_MIGRATION_LOAD] |= vg->dirty_rate > 0;
    }
  for (guint i = 0; i < sc->faults->len; i++)
    {
      const HerdFault *f = g_ptr_array_index (sc->faults, i);
      seen[COV_FAULT_KINDS + f->kind] = TRUE;
      if (f->kind == HERD_FAULT_STORAGE_DOWN)
        {
          HerdId dom = herd_model_find_domain (m, f->target);
          if (f->host != NULL)
            seen[COV_STORAGE_DOWN_ONE_HOST] = TRUE;
          else if (dom != HERD_ID_NONE && herd_model_domain (m, dom)->master)
            seen[COV_MASTER_DOWN] = TRUE;
        }
      if (f->kind != HERD_FAULT_PARTITION)
        continue;
      for (guint k = 0; k < sc->faults->len; k++)
        {
          const HerdFault *o = g_ptr_array_index (sc->faults, k);
          seen[COV_TWO_PARTITIONS] |= k != i && o->kind == f->kind
                                      && o->at == f->at
                                      && g_strcmp0 (o->target, f->target)
                                             != 0;
        }
      for (guint k = 0; k < sc->actions->len; k++)
        {
          const HerdAction *a = g_ptr_array_index (sc->actions, k);
          seen[COV_PARTITION_DESTINATION]
              |= a->kind == HERD_ACTION_MIGRATE
                 && g_strcmp0 (a->host, f->target) == 0 && f->at >= a->at
                 && f->at - a->at <= HERD_SEC (40);
        }
    }
  for (guint i = 0; i < sc->random_faults->len; i++)
    {
      const HerdRandomFaults *r = g_ptr_array_index (sc->random_faults, i);
      seen[COV_RANDOM_FAULTS] = TRUE;
      seen[r->kind == HERD_FAULT_HOST_CRASH   ? COV_RANDOM_CRASH
           : r->kind == HERD_FAULT_AGENT_HANG ? COV_RANDOM_HANG
                                              : COV_RANDOM_PARTITION]
          = TRUE;
    }
  seen[COV_WEIBULL] = strstr (text, "\nmtbf = weibull(") != NULL;
  seen[COV_DEFAULTS] = strstr (text, "\n[defaults]\n") != NULL;
  for (guint i = 0; i < sc->actions->len; i++)
    {
      const HerdAction *a = g_ptr_array_index (sc->actions, i);
      seen[COV_ACTION_KINDS + a->kind] = TRUE;
    }
  for (int i = 0; i < COV_LAST; i++)
    counts[i] += seen[i];
}

static void
test_covers_vocabulary (void)
{
  guint counts[COV_LAST] = { 0 };
  for (guint64 seed = 1; seed <= LOAD_COUNT; seed++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_autoptr (HerdScenario) sc = load_generated (seed, &text, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
      cover (counts, sc, text);
    }
  g_print ("\n  scenarios (of %d) with:", LOAD_COUNT);
  for (int i = 0; i < COV_LAST; i++)
    {
      g_print ("%s%s %u", i % 4 == 0 ? "\n    " : "; ", coverage_name (i),
               counts[i]);
      if (counts[i] == 0)
        {
          g_printerr ("\nnever generated: %s\n", coverage_name (i));
          CU_FAIL ("a part of the vocabulary is never generated");
        }
    }
}

/* The swarm: every invariant checked over generated scenarios. */
static void
test_swarm_runs (void)
{
  guint64 count = env_count ("HERD_SWARM_COUNT", 500);
  guint64 seeds = env_count ("HERD_SWARM_SEEDS", 2);
  const char *bin = g_getenv ("HERD_BINARY_DIR");
  g_autofree char *dir = g_build_filename (bin != NULL ? bin : ".",
                                           "swarm-failures", NULL);
  guint64 runs = 0, violations = 0;
  gint64 start = g_get_monotonic_time ();
  for (guint64 seed = 1; seed <= count; seed++)
    {
      g_autofree char *text = herd_generate_scenario (seed);
      g_autofree char *base = g_strdup_printf ("swarm-%" G_GUINT64_FORMAT
                                               ".ini",
                                               seed);
      g_autofree char *path = g_build_filename (dir, base, NULL);
      for (guint64 run = 1; run <= seeds; run++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (HerdScenario) sc
              = herd_scenario_load_data (text, path, &error);
          CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
          HerdRunOptions options;
          herd_run_options_init (&options);
          options.seed_set = TRUE;
          options.seed = run;
          options.check_invariants = TRUE;
          HerdRunSummary summary;
          runs++;
          if (herd_run_simulation (sc, &options, &summary, &error))
            continue;
          violations++;
          g_mkdir_with_parents (dir, 0755);
          g_file_set_contents (path, text, -1, NULL);
          g_printerr ("\ngenerator seed %" G_GUINT64_FORMAT ", run seed %"
                      G_GUINT64_FORMAT ": %s"
                      "reproduce: herd sim %s --seed %" G_GUINT64_FORMAT
                      " --check-invariants\n",
                      seed, run, error->message, path, run);
        }
    }
  g_print ("\n  %" G_GUINT64_FORMAT " scenarios x %" G_GUINT64_FORMAT
           " seeds: %" G_GUINT64_FORMAT " runs, %" G_GUINT64_FORMAT
           " violations, %.2f s",
           count, seeds, runs, violations,
           (g_get_monotonic_time () - start) / 1e6);
  CU_ASSERT_EQUAL (violations, 0);
}

static const HerdTestCase generator_cases[] = {
  { "same seed, same text", test_deterministic },
  { "1,000 generated scenarios load", test_all_load },
  { "the corpus covers the vocabulary", test_covers_vocabulary },
  { NULL, NULL },
};

static const HerdTestCase swarm_cases[] = {
  { "generated scenarios hold every invariant", test_swarm_runs },
  { NULL, NULL },
};

int
main (void)
{
  static const HerdTestSuite suites[] = {
    { "generator", generator_cases },
    { "swarm", swarm_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
