/* generate.c: random but valid scenarios for swarm testing.
 *
 * Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012) runs many
 * small random test cases, each of which switches on only a random subset
 * of the features: a scenario with every feature at once spreads its
 * faults so thinly that rare interactions (a partition of a migration's
 * destination while the manager restarts, a thin disk filling a block
 * master that goes down with the SPM's host) hardly ever meet, while
 * scenarios that leave most features out give the few they keep room.
 * herd_generate_scenario () writes one such scenario, as INI text, from a
 * generator seed; `herd swarm` loads and runs thousands with every
 * invariant checked (run/check.h) and keeps the ones that break one, and
 * tests/test-swarm.c checks that the generator is deterministic, that
 * what it writes always loads, and that its corpus covers the whole
 * scenario vocabulary (docs/scenarios.md, docs/testing.md).
 *
 * Every scenario is valid by construction: VMs fit the smallest host of
 * their cluster, storage domains hold what their disks take at once (near
 * full, with the NEAR_FULL feature, so that thin disks fill them), every
 * reference names something of the right data center or cluster, and
 * times lie within the run.  A load error is therefore a generator bug.
 * The generator draws from its own GSL mt19937, seeded from the generator
 * seed through herd_rng_seed_for (seed, "generate") as the simulator's
 * streams are (sim/rng.c); it never reads the clock, so one seed always
 * gives the same text. */
#include "swarm/generate.h"

#include <string.h>

#include <gsl/gsl_rng.h>

#include "sim/rng.h"

static const char *const feature_names[HERD_GEN_FEATURE_LAST] = {
  [HERD_GEN_MULTI_DC] = "multi-dc",
  [HERD_GEN_MULTI_CLUSTER] = "multi-cluster",
  [HERD_GEN_MIXED_HOSTS] = "mixed-hosts",
  [HERD_GEN_POLICY_PARAMS] = "policy-params",
  [HERD_GEN_POWER_MANAGEMENT] = "power-management",
  [HERD_GEN_FENCE_TROUBLE] = "fence-trouble",
  [HERD_GEN_FENCING_POLICY] = "fencing-policy",
  [HERD_GEN_NETWORKS] = "networks",
  [HERD_GEN_DISKS] = "disks",
  [HERD_GEN_NEAR_FULL] = "near-full",
  [HERD_GEN_TEMPLATES] = "templates",
  [HERD_GEN_POOLS] = "pools",
  [HERD_GEN_SNAPSHOTS] = "snapshots",
  [HERD_GEN_HA] = "ha",
  [HERD_GEN_LEASES] = "leases",
  [HERD_GEN_AFFINITY] = "affinity",
  [HERD_GEN_PINNING] = "pinning",
  [HERD_GEN_CHURN] = "churn",
  [HERD_GEN_MIGRATION_LOAD] = "migration-load",
  [HERD_GEN_ACTIONS] = "actions",
  [HERD_GEN_MAINTENANCE] = "maintenance",
  [HERD_GEN_FAULTS] = "faults",
  [HERD_GEN_PARTITIONS] = "partitions",
  [HERD_GEN_STORAGE_FAULTS] = "storage-faults",
  [HERD_GEN_MANAGER_RESTART] = "manager-restart",
  [HERD_GEN_RANDOM_FAULTS] = "random-faults",
  [HERD_GEN_DEFAULTS] = "defaults",
};

const char *
herd_generate_feature_name (HerdGenFeature feature)
{
  g_return_val_if_fail (feature < HERD_GEN_FEATURE_LAST, NULL);
  return feature_names[feature];
}

/* Limits that keep a run in milliseconds. */
#define GEN_MAX_DCS 2
#define GEN_MAX_CLUSTERS 3
#define GEN_MAX_HOSTS 12
#define GEN_MAX_VMS 60
#define GEN_MAX_STORAGE 8
#define GEN_MAX_NETWORKS 8
#define GEN_MAX_TEMPLATES 4
#define GEN_MAX_HOST_GROUPS 12
#define GEN_MAX_VM_GROUPS 12

typedef struct
{
  int dc;
  char name[8];
} GenCluster;

typedef struct
{
  int cluster;
  char name[8];
  int count;
  int first; /* index in Gen.hosts */
  int cores;
  int memory_g;
  gboolean pm;
  guint64 networks; /* bit per network index of the data center */
} GenHostGroup;

typedef struct
{
  int group;
  char name[16];
} GenHost;

typedef struct
{
  int dc;
  char name[8];
  const char *type;
  gboolean block;
  gboolean data;
  gint64 need_mib; /* what its disks take at once */
} GenStorage;

typedef struct
{
  int dc;
  char name[12];
  gboolean required, vm_network;
} GenNetwork;

typedef struct
{
  int dc;
  char name[8];
  int disks;
  int domain[2];
  gint64 size_g[2];
  gboolean thin[2];
  gint64 data_g; /* 0: each disk's whole size */
} GenTemplate;

typedef struct
{
  int cluster;
  char name[8];
  int count;
  int first; /* index in Gen.vms */
  gboolean disks; /* has disks (its own or a template's) */
  gboolean stateless;
} GenVmGroup;

typedef struct
{
  int group;
  char name[16];
} GenVm;

typedef struct
{
  gsl_rng *r;
  guint64 seed;
  gboolean f[HERD_GEN_FEATURE_LAST];
  gint64 duration; /* seconds */
  int n_dcs, n_clusters, n_groups, n_hosts, n_storage, n_networks;
  int n_templates, n_vm_groups, n_vms;
  int master[GEN_MAX_DCS]; /* storage index of each data center's master */
  GenCluster clusters[GEN_MAX_CLUSTERS];
  GenHostGroup groups[GEN_MAX_HOST_GROUPS];
  GenHost hosts[GEN_MAX_HOSTS];
  GenStorage storage[GEN_MAX_STORAGE];
  GenNetwork networks[GEN_MAX_NETWORKS];
  GenTemplate templates[GEN_MAX_TEMPLATES];
  GenVmGroup vm_groups[GEN_MAX_VM_GROUPS];
  GenVm vms[GEN_MAX_VMS];
  int n_actions, n_faults, n_affinity, n_snapshots;
  GString *out_defaults, *out_networks, *out_templates, *out_clusters,
      *out_hosts, *out_vms, *out_affinity, *out_actions, *out_faults,
      *out_random;
} Gen;

/* A whole number in lo..hi. */
static int
rnd (Gen *g, int lo, int hi)
{
  g_assert (lo <= hi);
  return lo + (int) gsl_rng_uniform_int (g->r, (unsigned long) (hi - lo + 1));
}

static gboolean
chance (Gen *g, double p)
{
  return gsl_rng_uniform (g->r) < p;
}

#define PICK(g, array) ((array)[rnd ((g), 0, G_N_ELEMENTS (array) - 1)])

/* A duration in seconds as the loader reads it: 2h, 90m, 45s, 0. */
static const char *
fmt_time (char buf[32], gint64 s)
{
  if (s == 0)
    g_strlcpy (buf, "0", 32);
  else if (s % 3600 == 0)
    g_snprintf (buf, 32, "%" G_GINT64_FORMAT "h", s / 3600);
  else if (s % 60 == 0)
    g_snprintf (buf, 32, "%" G_GINT64_FORMAT "m", s / 60);
  else
    g_snprintf (buf, 32, "%" G_GINT64_FORMAT "s", s);
  return buf;
}

/* A time in the run, away from its very end. */
static gint64
some_time (Gen *g)
{
  if (chance (g, 0.05))
    return rnd (g, 0, 120);
  return rnd (g, 60, (int) (g->duration - 600));
}

/* lo..hi seconds after t, but within the run. */
static gint64
later (Gen *g, gint64 t, int lo, int hi)
{
  gint64 at = t + rnd (g, lo, hi);
  return MIN (at, g->duration);
}

/* ---- the cluster ---- */

static void
gen_datacenters (Gen *g)
{
  g->n_dcs = g->f[HERD_GEN_MULTI_DC] ? 2 : 1;
  for (int d = 0; d < g->n_dcs; d++)
    {
      int per = g->f[HERD_GEN_MULTI_CLUSTER] ? rnd (g, 1, 2) : 1;
      if (g->n_dcs == 1 && g->f[HERD_GEN_MULTI_CLUSTER])
        per = rnd (g, 2, 3);
      for (int i = 0; i < per && g->n_clusters < GEN_MAX_CLUSTERS; i++)
        {
          GenCluster *c = &g->clusters[g->n_clusters];
          c->dc = d;
          g_snprintf (c->name, sizeof c->name, "c%d", g->n_clusters + 1);
          g->n_clusters++;
        }
    }
}

static void
gen_networks (Gen *g)
{
  for (int d = 0; d < g->n_dcs; d++)
    {
      int extra = g->f[HERD_GEN_NETWORKS] ? rnd (g, 1, 3) : 0;
      for (int i = 0; i <= extra; i++)
        {
          GenNetwork *n = &g->networks[g->n_networks++];
          n->dc = d;
          if (i == 0)
            {
              g_snprintf (n->name, sizeof n->name, "mgmt%d", d + 1);
              n->required = TRUE;
              n->vm_network = TRUE;
            }
          else
            {
              g_snprintf (n->name, sizeof n->name, "net%d%c", d + 1,
                          'a' + i - 1);
              n->required = chance (g, 0.3);
              n->vm_network = chance (g, 0.8);
            }
          g_string_append_printf (g->out_networks,
                                  "\n[network %s]\ndatacenter = dc%d\n",
                                  n->name, d + 1);
          if (i > 0 || chance (g, 0.3))
            g_string_append_printf (g->out_networks,
                                    "required = %s\nvm_network = %s\n",
                                    n->required ? "true" : "false",
                                    n->vm_network ? "true" : "false");
        }
    }
}

/* The bit of network index i within its data center. */
static guint64
network_bit (Gen *g, int i)
{
  int k = 0;
  for (int j = 0; j < i; j++)
    if (g->networks[j].dc == g->networks[i].dc)
      k++;
  return G_GUINT64_CONSTANT (1) << k;
}

static void
gen_storage (Gen *g)
{
  static const char *const types[] = { "iscsi", "fcp", "nfs", "posix",
                                       "glusterfs" };
  for (int d = 0; d < g->n_dcs; d++)
    {
      int n = g->f[HERD_GEN_DISKS] ? rnd (g, 1, 3) : 1;
      int first = g->n_storage;
      for (int i = 0; i < n; i++)
        {
          GenStorage *s = &g->storage[g->n_storage];
          s->dc = d;
          g_snprintf (s->name, sizeof s->name, "sd%d", g->n_storage + 1);
          s->type = PICK (g, types);
          s->block = g_str_equal (s->type, "iscsi")
                     || g_str_equal (s->type, "fcp");
          s->data = TRUE;
          g->n_storage++;
        }
      /* Without master = true the first data domain is the master. */
      g->master[d] = first + rnd (g, 0, n - 1);
      if (chance (g, 0.3))
        g->master[d] = first;
      if (chance (g, 0.15))
        {
          GenStorage *s = &g->storage[g->n_storage];
          s->dc = d;
          g_snprintf (s->name, sizeof s->name, "iso%d", d + 1);
          s->type = "nfs";
          s->data = FALSE;
          g->n_storage++;
        }
    }
}

/* Data domains of data center d, one at random. */
static int
data_domain (Gen *g, int d)
{
  int cand[GEN_MAX_STORAGE], n = 0;
  for (int i = 0; i < g->n_storage; i++)
    if (g->storage[i].dc == d && g->storage[i].data)
      cand[n++] = i;
  g_assert (n > 0);
  return cand[rnd (g, 0, n - 1)];
}

/* One to three policy parameters of a cluster; a parameter drawn twice
 * repeats its key (drop_repeated_keys keeps the first). */
static void
append_policy_params (Gen *g, GString *o)
{
  int k = rnd (g, 1, 3);
  for (int i = 0; i < k; i++)
    switch (rnd (g, 0, 11))
      {
      case 0:
        g_string_append_printf (o, "policy.HighUtilization = %d\n",
                                rnd (g, 40, 90));
        break;
      case 1:
        g_string_append_printf (o, "policy.LowUtilization = %d%%\n",
                                rnd (g, 0, 35));
        break;
      case 2:
        g_string_append_printf (o, "policy.CpuOverCommitDuration ="
                                   " %dm\n",
                                rnd (g, 1, 5));
        break;
      case 3:
        g_string_append_printf (o, "policy.HostsInReserve = %d\n",
                                rnd (g, 0, 2));
        break;
      case 4:
        g_string_append_printf (o, "policy.HighVmCount = %d\n",
                                rnd (g, 1, 10));
        break;
      case 5:
        g_string_append_printf (o, "policy.MigrationThreshold = %d\n",
                                rnd (g, 1, 5));
        break;
      case 6:
        g_string_append_printf (o, "policy.SpmVmGrace = %d\n",
                                rnd (g, 0, 5));
        break;
      case 7:
        g_string_append_printf (o, "policy.MaxFreeMemoryFor"
                                   "OverUtilized = %dG\n",
                                rnd (g, 2, 16));
        break;
      case 9:
        g_string_append_printf (o, "policy.VCpuToPhysicalCpuRatio ="
                                   " %d.%d\n",
                                rnd (g, 0, 2), rnd (g, 0, 9));
        break;
      case 10:
        g_string_append_printf (o, "policy.EnableAutomaticHost"
                                   "PowerManagement = %s\n",
                                chance (g, 0.5) ? "true" : "false");
        break;
      case 11:
        g_string_append_printf (o, "policy.ScaleDownFor"
                                   "HaReservation = %d\n",
                                rnd (g, 1, 10));
        break;
      default:
        g_string_append_printf (o, "policy.MinFreeMemoryFor"
                                   "UnderUtilized = %dG\n",
                                rnd (g, 16, 96));
        break;
      }
}

/* The fencing policy of a cluster (HERD_GEN_FENCING_POLICY). */
static void
append_fencing_policy (Gen *g, GString *o)
{
  if (chance (g, 0.6))
    g_string_append (o, "fencing_skip_if_lease_live = true\n");
  if (chance (g, 0.5))
    {
      g_string_append (o, "fencing_skip_if_connectivity_broken ="
                          " true\n");
      if (chance (g, 0.5))
        g_string_append_printf (o, "fencing_connectivity_threshold"
                                   " = %d%%\n",
                                rnd (g, 20, 80));
    }
}

static void
gen_clusters (Gen *g)
{
  static const char *const policies[] = {
    "none", "none", "evenly_distributed", "evenly_distributed",
    "vm_evenly_distributed", "vm_evenly_distributed", "power_saving",
    "power_saving", "cluster_maintenance"
  };
  static const char *const migration_policies[] = {
    "legacy", "minimal_downtime", "suspend_workload", "post_copy"
  };
  static const char *const bandwidths[] = { "16MiB/s", "52MiB/s",
                                            "200MiB/s", "1GiB/s" };
  for (int c = 0; c < g->n_clusters; c++)
    {
      GString *o = g->out_clusters;
      g_string_append_printf (o, "\n[cluster %s]\ndatacenter = dc%d\n",
                              g->clusters[c].name, g->clusters[c].dc + 1);
      const char *policy = PICK (g, policies);
      if (!g_str_equal (policy, "none") || chance (g, 0.5))
        g_string_append_printf (o, "policy = %s\n", policy);
      if (g->f[HERD_GEN_POLICY_PARAMS])
        append_policy_params (g, o);
      if (chance (g, 0.4))
        g_string_append_printf (o, "memory_overcommit = %d%%\n",
                                PICK (g, ((const int[]) { 100, 150, 200 })));
      if (chance (g, 0.5))
        g_string_append_printf (o, "migration_policy = %s\n",
                                PICK (g, migration_policies));
      if (g->f[HERD_GEN_MIGRATION_LOAD] && chance (g, 0.6))
        g_string_append_printf (o, "migration_bandwidth = %s\n",
                                PICK (g, bandwidths));
      if (chance (g, 0.3))
        g_string_append (o, "ha_reservation = true\n");
      if (chance (g, 0.1))
        g_string_append (o, "fencing = false\n");
      if (g->f[HERD_GEN_FENCING_POLICY])
        append_fencing_policy (g, o);
    }
}

/* Removes repeated keys of a group's text (policy parameters drawn
 * twice), keeping the first. */
static void
drop_repeated_keys (GString *text)
{
  g_auto (GStrv) lines = g_strsplit (text->str, "\n", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
                                                       g_str_equal, g_free,
                                                       NULL);
  g_string_truncate (text, 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      if (line[0] == '[')
        g_hash_table_remove_all (seen);
      const char *eq = strchr (line, '=');
      if (line[0] != '[' && eq != NULL)
        {
          char *key = g_strstrip (g_strndup (line, eq - line));
          if (g_hash_table_contains (seen, key))
            {
              g_free (key);
              continue;
            }
          g_hash_table_add (seen, key);
        }
      g_string_append (text, line);
      if (lines[i + 1] != NULL)
        g_string_append_c (text, '\n');
    }
}

/* How many hosts each cluster gets (per[] starts at 0). */
static void
hosts_per_cluster (Gen *g, int per[GEN_MAX_CLUSTERS])
{
  int total = rnd (g, MAX (2, g->n_clusters), GEN_MAX_HOSTS);
  /* Every cluster gets at least one host, most at least two. */
  for (int c = 0; c < g->n_clusters; c++)
    per[c] = 1;
  for (int left = total - g->n_clusters; left > 0; left--)
    per[rnd (g, 0, g->n_clusters - 1)]++;
}

/* A host group's optional hardware and behaviour keys, threads to
 * boot_time. */
static void
append_host_details (Gen *g, GString *o, const GenHostGroup *hg)
{
  static const char *const nics[] = { "1Gbit", "10Gbit", "10Gbit",
                                      "25Gbit" };
  if (chance (g, 0.3))
    g_string_append_printf (o, "threads = %d\n", hg->cores * 2);
  if (chance (g, 0.2))
    g_string_append_printf (o, "reserved_memory = %dG\n",
                            rnd (g, 1, 4));
  if (chance (g, 0.15))
    g_string_append_printf (o, "swap = %dG\n", rnd (g, 1, 16));
  if (chance (g, 0.4))
    g_string_append_printf (o, "nic = %s\n", PICK (g, nics));
  if (g->f[HERD_GEN_POLICY_PARAMS] && chance (g, 0.2))
    g_string_append_printf (o, "cpu_load = %d%%\n", rnd (g, 0, 30));
  if (g->f[HERD_GEN_POLICY_PARAMS] && chance (g, 0.2))
    g_string_append_printf (o, "cpu_threshold_for = %dm\n",
                            rnd (g, 1, 10));
  if (chance (g, 0.05))
    g_string_append (o, "spm_priority = -1\n");
  else if (chance (g, 0.3))
    g_string_append_printf (o, "spm_priority = %d\n",
                            rnd (g, 0, 10));
  if (chance (g, 0.3))
    {
      int idle = rnd (g, 80, 200);
      g_string_append_printf (o, "power_idle = %dW\npower_max = "
                                 "%dW\n",
                              idle, idle + rnd (g, 0, 300));
    }
  if (chance (g, 0.6))
    g_string_append_printf (o, "boot_time = %s\n",
                            PICK (g, ((const char *const[]) {
                                         "30s", "1m", "2m", "4m",
                                         "5m" })));
}

/* A host group's fence agent and how it misbehaves (power management),
 * or sometimes fence_agent = none without. */
static void
append_host_fencing (Gen *g, GString *o, const GenHostGroup *hg)
{
  static const char *const agents[] = { "ipmilan", "ilo4", "drac5",
                                        "ipmilan, apc", "ilo4, apc" };
  static const char *const hangs[] = { "1m", "2m", "3m", "5m", "10m" };
  static const char *const latencies[] = { "0", "1s", "5s", "10s", "20s" };
  if (hg->pm)
    {
      const char *agent = PICK (g, agents);
      g_string_append_printf (o, "fence_agent = %s\n", agent);
      if (strchr (agent, ',') != NULL && chance (g, 0.5))
        g_string_append_printf (o, "fence_concurrent = %s\n",
                                chance (g, 0.5) ? "true" : "false");
      if (g->f[HERD_GEN_FENCE_TROUBLE])
        {
          if (chance (g, 0.6))
            g_string_append_printf (o, "fence_failure = %d%%\n",
                                    PICK (g, ((const int[]) {
                                                 5, 10, 30, 50, 90,
                                                 100 })));
          /* A hanging agent: its actions take minutes. */
          if (chance (g, 0.4))
            g_string_append_printf (o, "fence_latency = %s\n",
                                    PICK (g, hangs));
        }
      else if (chance (g, 0.3))
        g_string_append_printf (o, "fence_latency = %s\n",
                                PICK (g, latencies));
    }
  else if (chance (g, 0.3))
    g_string_append (o, "fence_agent = none\n");
}

/* A host group's networks (hg->networks) of data center d: every one of
 * the data center, or the required ones and some optional ones (rarely
 * not even every required one: such a host takes no VMs). */
static void
host_group_networks (Gen *g, GString *o, GenHostGroup *hg, int d)
{
  hg->networks = 0;
  gboolean listed = g->f[HERD_GEN_NETWORKS] && chance (g, 0.5);
  GString *nets = g_string_new (NULL);
  for (int i = 0; i < g->n_networks; i++)
    {
      if (g->networks[i].dc != d)
        continue;
      gboolean keep = !listed
                      || (g->networks[i].required
                              ? !chance (g, 0.05)
                              : chance (g, 0.5));
      if (!keep)
        continue;
      hg->networks |= network_bit (g, i);
      g_string_append_printf (nets, "%s%s", nets->len ? ", " : "",
                              g->networks[i].name);
    }
  if (listed)
    g_string_append_printf (o, "networks = %s\n", nets->str);
  g_string_free (nets, TRUE);
}

/* Host group k of the n_groups of cluster c, with its share of the
 * *left hosts still to place (all of them for the last group). */
static void
gen_host_group (Gen *g, int c, int k, int n_groups, int *left)
{
  static const int cores[] = { 8, 16, 24, 32, 48, 64 };
  static const int memory[] = { 32, 48, 64, 96, 128, 192, 256 };
  int d = g->clusters[c].dc;
  GenHostGroup *hg = &g->groups[g->n_groups];
  hg->cluster = c;
  g_snprintf (hg->name, sizeof hg->name, "%s%c", g->clusters[c].name,
              'a' + k);
  hg->count = k == n_groups - 1 ? *left
                                : rnd (g, 1, *left - (n_groups - k - 1));
  *left -= hg->count;
  hg->first = g->n_hosts;
  hg->cores = PICK (g, cores);
  hg->memory_g = PICK (g, memory);
  hg->pm = g->f[HERD_GEN_POWER_MANAGEMENT] && chance (g, 0.85);
  GString *o = g->out_hosts;
  g_string_append_printf (o, "\n[hosts %s]\ncluster = %s\n",
                          hg->name, g->clusters[c].name);
  if (hg->count > 1 || chance (g, 0.5))
    g_string_append_printf (o, "count = %d\n", hg->count);
  g_string_append_printf (o, "cores = %d\nmemory = %dG\n", hg->cores,
                          hg->memory_g);
  append_host_details (g, o, hg);
  append_host_fencing (g, o, hg);
  host_group_networks (g, o, hg, d);
  for (int i = 0; i < hg->count; i++)
    {
      GenHost *h = &g->hosts[g->n_hosts++];
      h->group = g->n_groups;
      g_snprintf (h->name, sizeof h->name, "%s-%d", hg->name, i + 1);
    }
  g->n_groups++;
}

static void
gen_hosts (Gen *g)
{
  int per[GEN_MAX_CLUSTERS] = { 0 };
  hosts_per_cluster (g, per);
  for (int c = 0; c < g->n_clusters; c++)
    {
      int n_groups = g->f[HERD_GEN_MIXED_HOSTS] ? rnd (g, 1, MIN (3, per[c]))
                                                : 1;
      int left = per[c];
      for (int k = 0; k < n_groups; k++)
        gen_host_group (g, c, k, n_groups, &left);
    }
}

static int
host_cluster (Gen *g, int h)
{
  return g->groups[g->hosts[h].group].cluster;
}

/* A random host of cluster c, or of any cluster with c < 0. */
static int
some_host (Gen *g, int c)
{
  int cand[GEN_MAX_HOSTS], n = 0;
  for (int h = 0; h < g->n_hosts; h++)
    if (c < 0 || host_cluster (g, h) == c)
      cand[n++] = h;
  g_assert (n > 0);
  return cand[rnd (g, 0, n - 1)];
}

static int
hosts_in_cluster (Gen *g, int c)
{
  int n = 0;
  for (int h = 0; h < g->n_hosts; h++)
    n += host_cluster (g, h) == c;
  return n;
}

/* Host references of cluster c: host names or host group names, 1..max
 * of them (repeats are harmless). */
static void
host_refs (Gen *g, GString *o, int c, int max)
{
  int n = rnd (g, 1, max);
  for (int i = 0; i < n; i++)
    {
      int h = some_host (g, c);
      const char *name = chance (g, 0.25) ? g->groups[g->hosts[h].group].name
                                          : g->hosts[h].name;
      g_string_append_printf (o, "%s%s", i ? ", " : "", name);
    }
}

/* ---- storage contents ---- */

static gint64
thin_lv_mib (gint64 data_mib)
{
  /* An LV of 1.1 x the data (VDSM's QCOW_OVERHEAD_FACTOR, core/model.h
   * herd_volume_first_mib), at least 1 GiB, with a GiB of slack. */
  return MAX ((data_mib * 11 + 9) / 10, 1024) + 1024;
}

static void
gen_templates (Gen *g)
{
  static const int sizes[] = { 10, 20, 40, 60 };
  if (!g->f[HERD_GEN_DISKS] || !g->f[HERD_GEN_TEMPLATES])
    return;
  for (int d = 0; d < g->n_dcs; d++)
    {
      int n = rnd (g, 1, 2);
      for (int i = 0; i < n; i++)
        {
          GenTemplate *t = &g->templates[g->n_templates];
          t->dc = d;
          g_snprintf (t->name, sizeof t->name, "t%d", g->n_templates + 1);
          t->disks = rnd (g, 1, 2);
          gint64 smallest = G_MAXINT64;
          GString *disks = g_string_new (NULL);
          for (int k = 0; k < t->disks; k++)
            {
              t->domain[k] = data_domain (g, d);
              t->size_g[k] = PICK (g, sizes);
              t->thin[k] = chance (g, 0.7);
              smallest = MIN (smallest, t->size_g[k]);
              g_string_append_printf (disks, "%s%" G_GINT64_FORMAT "G %s %s",
                                      k ? ", " : "", t->size_g[k],
                                      t->thin[k] ? "thin" : "preallocated",
                                      g->storage[t->domain[k]].name);
            }
          t->data_g = chance (g, 0.6) ? rnd (g, 1, (int) smallest / 2) : 0;
          for (int k = 0; k < t->disks; k++)
            {
              GenStorage *s = &g->storage[t->domain[k]];
              gint64 data = (t->data_g ? t->data_g : t->size_g[k]) * 1024;
              if (!t->thin[k])
                s->need_mib += t->size_g[k] * 1024;
              else
                s->need_mib += s->block ? thin_lv_mib (data) : data;
            }
          g_string_append_printf (g->out_templates,
                                  "\n[template %s]\ndatacenter = dc%d\n"
                                  "disk = %s\n",
                                  t->name, d + 1, disks->str);
          if (t->data_g)
            g_string_append_printf (g->out_templates,
                                    "data = %" G_GINT64_FORMAT "G\n",
                                    t->data_g);
          g_string_free (disks, TRUE);
          g->n_templates++;
        }
    }
}

/* ---- VMs ---- */

static void
append_cpu (Gen *g, GString *o)
{
  switch (rnd (g, 0, 3))
    {
    case 0:
      break; /* the default, constant(10%) */
    case 1:
      g_string_append_printf (o, "cpu = constant(%d%%)\n", rnd (g, 0, 100));
      break;
    case 2:
      {
        int mean = rnd (g, 5, 60);
        g_string_append_printf (o, "cpu = diurnal(mean=%d%%, peak=%d%%",
                                mean, rnd (g, mean, 100));
        if (chance (g, 0.5))
          g_string_append_printf (o, ", peak_at=%dh", rnd (g, 0, 23));
        g_string_append (o, ")\n");
        break;
      }
    default:
      {
        int low = rnd (g, 0, 50), high = rnd (g, low, 100);
        g_string_append_printf (o, "cpu = walk(mean=%d%%, low=%d%%, "
                                   "high=%d%%",
                                rnd (g, low, high), low, high);
        if (chance (g, 0.5))
          g_string_append_printf (o, ", step=%d%%", rnd (g, 1, 20));
        g_string_append (o, ")\n");
        break;
      }
    }
}

static const char *
rate (Gen *g)
{
  static const char *const rates[] = { "256KiB/s", "1MiB/s", "4MiB/s",
                                       "16MiB/s", "64MiB/s", "150MiB/s" };
  return PICK (g, rates);
}

static void
append_write_rate (Gen *g, GString *o)
{
  switch (rnd (g, 0, 3))
    {
    case 0:
      g_string_append_printf (o, "write_rate = %s\n", rate (g));
      break;
    case 1:
      g_string_append_printf (o, "write_rate = constant(%dMiB/s)\n",
                              rnd (g, 1, 32));
      break;
    case 2:
      {
        int mean = rnd (g, 0, 16);
        g_string_append_printf (o, "write_rate = diurnal(mean=%dMiB/s, "
                                   "peak=%dMiB/s)\n",
                                mean, mean + rnd (g, 0, 64));
        break;
      }
    default:
      {
        int every = rnd (g, 20, 120), length = rnd (g, 1, every - 1);
        g_string_append_printf (o, "write_rate = bursts(base=%dKiB/s, "
                                   "peak=%dMiB/s, every=%dm, length=%dm",
                                rnd (g, 0, 1024), rnd (g, 8, 200), every,
                                length);
        if (chance (g, 0.5))
          g_string_append_printf (o, ", start=%dm", rnd (g, 0, 120));
        g_string_append (o, ")\n");
        break;
      }
    }
}

/* A distribution of times (arrival, lifetime, mtbf, mttr), in minutes
 * between lo and hi. */
static void
append_distribution (Gen *g, GString *o, const char *key, int lo, int hi)
{
  switch (rnd (g, 0, 3))
    {
    case 0:
      g_string_append_printf (o, "%s = %dm\n", key, rnd (g, lo, hi));
      break;
    case 1:
      {
        int a = rnd (g, lo, hi);
        g_string_append_printf (o, "%s = uniform(min=%dm, max=%dm)\n", key,
                                a, rnd (g, a, hi));
        break;
      }
    case 2:
      g_string_append_printf (o, "%s = exponential(mean=%dm)\n", key,
                              rnd (g, MAX (lo, 1), hi));
      break;
    default:
      {
        int k = rnd (g, 5, 35); /* shape 0.5 .. 3.5 */
        g_string_append_printf (o, "%s = weibull(shape=%d.%d, scale=%dm)\n",
                                key, k / 10, k % 10, rnd (g, MAX (lo, 1), hi));
        break;
      }
    }
}

/* One disk of a VM group, and what count of them take at once. */
static void
append_disk (Gen *g, GString *disks, int d, int count)
{
  static const int sizes[] = { 5, 10, 20, 40, 100 };
  int dom = data_domain (g, d);
  GenStorage *s = &g->storage[dom];
  gboolean explicit_domain = dom != g->master[d] || chance (g, 0.7);
  gint64 size = PICK (g, sizes);
  gboolean thin = chance (g, 0.6);
  g_string_append_printf (disks, "%s%" G_GINT64_FORMAT "G %s",
                          disks->len ? ", " : "", size,
                          thin ? "thin" : "preallocated");
  if (thin && !s->block && chance (g, 0.3))
    g_string_append (disks, chance (g, 0.5) ? " raw" : " qcow2");
  else if (thin && s->block && chance (g, 0.2))
    g_string_append (disks, " qcow2");
  else if (!thin && chance (g, 0.2))
    g_string_append (disks, " raw");
  if (explicit_domain)
    g_string_append_printf (disks, " %s", s->name);
  s->need_mib += count * (thin ? (s->block ? 1024 : 0) : size * 1024);
}

/* What a cluster's VM groups are sized from. */
typedef struct
{
  int min_cores, min_mem; /* of its smallest host group */
  gint64 total_mem_mib, total_cores;
  int n;         /* VM groups */
  int per_group; /* about so many VMs each */
  double fill;   /* the share of its memory and cores they ask for */
} GenVmLoad;

/* The smallest host and the memory and cores of cluster c. */
static void
cluster_capacity (Gen *g, int c, GenVmLoad *load)
{
  load->min_cores = G_MAXINT;
  load->min_mem = G_MAXINT;
  for (int k = 0; k < g->n_groups; k++)
    if (g->groups[k].cluster == c)
      {
        load->min_cores = MIN (load->min_cores, g->groups[k].cores);
        load->min_mem = MIN (load->min_mem, g->groups[k].memory_g);
      }
  /* Load: the cluster's VMs ask for a share of its memory and cores
   * (up to more than it has), spread over n groups of about
   * per_group VMs. */
  load->total_mem_mib = 0;
  load->total_cores = 0;
  for (int k = 0; k < g->n_groups; k++)
    if (g->groups[k].cluster == c)
      {
        load->total_mem_mib += (gint64) g->groups[k].count
                               * g->groups[k].memory_g * 1024;
        load->total_cores += (gint64) g->groups[k].count
                             * g->groups[k].cores;
      }
}

/* A VM group's vcpus and memory; returns its memory in MiB. */
static int
append_vm_size (Gen *g, GString *o, const GenVmLoad *load)
{
  /* About fill x the cluster's memory and cores over every VM,
   * each between half and one and a half of that; it fits the
   * smallest host (with its overhead). */
  double vms_total = (double) load->n * load->per_group;
  double share = load->fill * rnd (g, 50, 150) / 100.0 / vms_total;
  int vcpus = CLAMP ((int) (share * load->total_cores), 1, load->min_cores);
  gint64 mem = (gint64) (share * load->total_mem_mib) / 256 * 256;
  int mem_mib = (int) CLAMP (mem, 512,
                             (gint64) load->min_mem * 1024 - 1024);
  if (chance (g, 0.2))
    mem_mib = rnd (g, 1, 8) * 512;
  g_string_append_printf (o, "vcpus = %d\nmemory = %dM\n", vcpus,
                          mem_mib);
  if (chance (g, 0.2))
    g_string_append_printf (o, "guaranteed_memory = %dM\n",
                            mem_mib / 2);
  return mem_mib;
}

/* The memory a VM group of mem_mib uses and dirties while it migrates
 * (HERD_GEN_MIGRATION_LOAD). */
static void
append_migration_load (Gen *g, GString *o, int mem_mib)
{
  int used = mem_mib;
  if (chance (g, 0.5))
    {
      used = rnd (g, 1, mem_mib / 256) * 256;
      g_string_append_printf (o, "memory_used = %dM\n", used);
    }
  if (chance (g, 0.8))
    g_string_append_printf (o, "dirty_rate = %dMiB/s\n",
                            PICK (g, ((const int[]) {
                                         1, 10, 50, 100, 200,
                                         500 })));
  if (chance (g, 0.4))
    g_string_append_printf (o, "working_set = %dM\n",
                            rnd (g, 1, MAX (1, used / 256))
                                * 256);
}

/* A VM group's disks from template t (cloned or thin on it), and what
 * they take of its domains. */
static void
append_template_disks (Gen *g, GString *o, const GenVmGroup *vg,
                       const GenTemplate *t)
{
  gboolean clone = chance (g, 0.4);
  g_string_append_printf (o, "template = %s\n", t->name);
  if (clone)
    g_string_append (o, "clone = true\n");
  else if (chance (g, 0.2))
    g_string_append (o, "clone = false\n");
  for (int k = 0; k < t->disks; k++)
    {
      GenStorage *s = &g->storage[t->domain[k]];
      gint64 data = (t->data_g ? t->data_g : t->size_g[k])
                    * 1024;
      gint64 each;
      if (!clone)
        each = s->block ? 1024 : 0;
      else if (!t->thin[k])
        each = t->size_g[k] * 1024;
      else
        each = s->block ? thin_lv_mib (data) : data;
      s->need_mib += vg->count * each;
    }
}

/* A VM group's disks (HERD_GEN_DISKS): its own, or a template's of data
 * center d; and how it writes to them, and whether it is stateless. */
static void
append_vm_disks (Gen *g, GString *o, GenVmGroup *vg, int d)
{
  int tmpl = -1;
  int cand[GEN_MAX_TEMPLATES], nt = 0;
  for (int t = 0; t < g->n_templates; t++)
    if (g->templates[t].dc == d)
      cand[nt++] = t;
  if (nt > 0 && chance (g, 0.5))
    tmpl = cand[rnd (g, 0, nt - 1)];
  vg->disks = TRUE;
  if (tmpl >= 0)
    append_template_disks (g, o, vg, &g->templates[tmpl]);
  else
    {
      GString *disks = g_string_new (NULL);
      int nd = rnd (g, 1, 2);
      for (int k = 0; k < nd; k++)
        append_disk (g, disks, d, vg->count);
      g_string_append_printf (o, "disk = %s\n", disks->str);
      g_string_free (disks, TRUE);
    }
  if (chance (g, 0.85))
    append_write_rate (g, o);
  if (chance (g, 0.3))
    g_string_append_printf (o, "new_writes = %d%%\n",
                            rnd (g, 0, 100));
  if (g->f[HERD_GEN_POOLS] && chance (g, 0.5))
    {
      vg->stateless = TRUE;
      g_string_append (o, "stateless = true\n");
    }
}

/* Some of the VM networks of data center d for a VM group, or none. */
static void
append_vm_networks (Gen *g, GString *o, int d)
{
  GString *nets = g_string_new (NULL);
  for (int k = 0; k < g->n_networks; k++)
    if (g->networks[k].dc == d && g->networks[k].vm_network
        && chance (g, 0.5))
      g_string_append_printf (nets, "%s%s",
                              nets->len ? ", " : "",
                              g->networks[k].name);
  if (nets->len > 0)
    g_string_append_printf (o, "networks = %s\n", nets->str);
  g_string_free (nets, TRUE);
}

/* Where a VM group of cluster c may or would rather run
 * (HERD_GEN_PINNING). */
static void
append_pinning (Gen *g, GString *o, int c)
{
  if (chance (g, 0.3))
    {
      g_string_append (o, "pinned_to = ");
      host_refs (g, o, c, 2);
      g_string_append_c (o, '\n');
    }
  if (chance (g, 0.25))
    g_string_append (o, "migratable = false\n");
  if (chance (g, 0.3))
    {
      g_string_append (o, "preferred_hosts = ");
      host_refs (g, o, c, 2);
      g_string_append_c (o, '\n');
    }
}

/* A VM group of cluster c, of at most room VMs. */
static void
gen_vm_group (Gen *g, int c, const GenVmLoad *load, int room)
{
  static const char *const priorities[] = { "low", "medium", "high" };
  static const char *const resume[] = { "auto_resume", "leave_paused",
                                        "kill" };
  int d = g->clusters[c].dc;
  GenVmGroup *vg = &g->vm_groups[g->n_vm_groups];
  vg->cluster = c;
  g_snprintf (vg->name, sizeof vg->name, "v%d", g->n_vm_groups + 1);
  vg->count = rnd (g, 1, 2 * load->per_group);
  vg->count = MIN (room, vg->count);
  vg->first = g->n_vms;
  GString *o = g->out_vms;
  g_string_append_printf (o, "\n[vms %s]\ncluster = %s\n", vg->name,
                          g->clusters[c].name);
  if (vg->count > 1 || chance (g, 0.5))
    g_string_append_printf (o, "count = %d\n", vg->count);
  int mem_mib = append_vm_size (g, o, load);
  gboolean ha = g->f[HERD_GEN_HA] && chance (g, 0.6);
  if (ha)
    g_string_append (o, "ha = true\n");
  if (ha || chance (g, 0.2))
    g_string_append_printf (o, "priority = %s\n",
                            PICK (g, priorities));
  if (g->f[HERD_GEN_LEASES] && chance (g, ha ? 0.6 : 0.15))
    g_string_append (o, "lease = true\n");
  append_cpu (g, o);
  if (g->f[HERD_GEN_MIGRATION_LOAD])
    append_migration_load (g, o, mem_mib);
  /* Disks: its own, or a template's. */
  if (g->f[HERD_GEN_DISKS] && chance (g, 0.75))
    append_vm_disks (g, o, vg, d);
  if (chance (g, 0.3))
    g_string_append_printf (o, "boot_time = %s\n",
                            PICK (g, ((const char *const[]) {
                                         "5s", "10s", "30s",
                                         "1m" })));
  if (g->f[HERD_GEN_CHURN])
    {
      int half = (int) (g->duration / 120);
      if (chance (g, 0.6))
        append_distribution (g, o, "arrival", 0, half);
      if (chance (g, 0.5))
        append_distribution (g, o, "lifetime", 10, 2 * half);
    }
  if (g->f[HERD_GEN_NETWORKS] && chance (g, 0.5))
    append_vm_networks (g, o, d);
  if (g->f[HERD_GEN_PINNING])
    append_pinning (g, o, c);
  if (chance (g, 0.4))
    g_string_append_printf (o, "resume = %s\n", PICK (g, resume));
  for (int k = 0; k < vg->count; k++)
    {
      GenVm *v = &g->vms[g->n_vms++];
      v->group = g->n_vm_groups;
      g_snprintf (v->name, sizeof v->name, "%s-%d", vg->name, k + 1);
    }
  g->n_vm_groups++;
}

static void
gen_vms (Gen *g)
{
  for (int c = 0; c < g->n_clusters; c++)
    {
      GenVmLoad load;
      cluster_capacity (g, c, &load);
      load.n = rnd (g, 1, 4);
      load.per_group = rnd (g, 2, 10);
      load.fill = rnd (g, 20, 130) / 100.0;
      for (int i = 0; i < load.n && g->n_vm_groups < GEN_MAX_VM_GROUPS; i++)
        {
          int room = GEN_MAX_VMS - g->n_vms;
          if (room <= 0)
            break;
          gen_vm_group (g, c, &load, room);
        }
    }
}

static int
vm_cluster (Gen *g, int v)
{
  return g->vm_groups[g->vms[v].group].cluster;
}

/* A random VM of cluster c (any with c < 0), one with disks if asked,
 * or -1. */
static int
some_vm (Gen *g, int c, gboolean with_disks)
{
  int cand[GEN_MAX_VMS], n = 0;
  for (int v = 0; v < g->n_vms; v++)
    if ((c < 0 || vm_cluster (g, v) == c)
        && (!with_disks || g->vm_groups[g->vms[v].group].disks))
      cand[n++] = v;
  return n > 0 ? cand[rnd (g, 0, n - 1)] : -1;
}

static void
gen_affinity (Gen *g)
{
  static const char *const rules[] = { "positive", "negative", "none" };
  if (!g->f[HERD_GEN_AFFINITY])
    return;
  for (int c = 0; c < g->n_clusters; c++)
    {
      int vms_here = 0;
      for (int v = 0; v < g->n_vms; v++)
        vms_here += vm_cluster (g, v) == c;
      if (vms_here == 0)
        continue;
      int n = rnd (g, 1, 3);
      for (int i = 0; i < n; i++)
        {
          GString *o = g->out_affinity;
          const char *vm_rule = vms_here >= 2 ? PICK (g, rules) : "none";
          const char *host_rule = PICK (g, rules);
          if (g_str_equal (vm_rule, "none") && g_str_equal (host_rule, "none"))
            host_rule = chance (g, 0.5) ? "positive" : "negative";
          g_string_append_printf (o, "\n[affinity aff%d]\ncluster = %s\n"
                                     "vms = ",
                                  ++g->n_affinity, g->clusters[c].name);
          /* VM references: distinct VMs (at least 2 with a VM rule), or
           * sometimes a whole group. */
          int want = rnd (g, g_str_equal (vm_rule, "none") ? 1 : 2,
                          MIN (vms_here, 4));
          int v0 = some_vm (g, c, FALSE);
          GenVmGroup *vg = &g->vm_groups[g->vms[v0].group];
          if (vg->count >= want && chance (g, 0.25))
            g_string_append (o, vg->name);
          else
            {
              int picked[4], np = 0;
              while (np < want)
                {
                  int v = some_vm (g, c, FALSE);
                  gboolean dup = FALSE;
                  for (int k = 0; k < np; k++)
                    dup |= picked[k] == v;
                  if (dup)
                    continue;
                  picked[np] = v;
                  g_string_append_printf (o, "%s%s", np ? ", " : "",
                                          g->vms[v].name);
                  np++;
                }
            }
          g_string_append_c (o, '\n');
          if (!g_str_equal (vm_rule, "none") || chance (g, 0.2))
            g_string_append_printf (o, "vm_rule = %s\n", vm_rule);
          if (!g_str_equal (vm_rule, "none") && chance (g, 0.5))
            g_string_append (o, "vm_enforcing = true\n");
          if (chance (g, 0.3))
            g_string_append_printf (o, "priority = %d.%d\n", rnd (g, 1, 5),
                                    rnd (g, 0, 9));
          if (!g_str_equal (host_rule, "none"))
            {
              g_string_append (o, "hosts = ");
              host_refs (g, o, c, 2);
              g_string_append_printf (o, "\nhost_rule = %s\n", host_rule);
              if (chance (g, 0.5))
                g_string_append (o, "host_enforcing = true\n");
            }
        }
    }
}

/* ---- actions and faults ---- */

static void
action (Gen *g, gint64 at, const char *kind, const char *target)
{
  char t[32];
  g_string_append_printf (g->out_actions,
                          "\n[action a%d]\nat = %s\nkind = %s\ntarget = %s\n",
                          ++g->n_actions, fmt_time (t, at), kind, target);
}

static void
fault (Gen *g, gint64 at, const char *kind, const char *target)
{
  char t[32];
  g_string_append_printf (g->out_faults, "\n[fault f%d]\nat = %s\nkind = %s\n",
                          ++g->n_faults, fmt_time (t, at), kind);
  if (target != NULL)
    g_string_append_printf (g->out_faults, "target = %s\n", target);
}

/* A fault's duration, or none (it does not heal) with probability
 * 1 - p. */
static void
fault_duration (Gen *g, double p, int lo_s, int hi_s)
{
  char t[32];
  if (chance (g, p))
    g_string_append_printf (g->out_faults, "duration = %s\n",
                            fmt_time (t, rnd (g, lo_s, hi_s)));
}

static int
block_or_file_domain (Gen *g, gboolean block)
{
  int cand[GEN_MAX_STORAGE], n = 0;
  for (int i = 0; i < g->n_storage; i++)
    if (g->storage[i].data && g->storage[i].block == block)
      cand[n++] = i;
  return n > 0 ? cand[rnd (g, 0, n - 1)] : -1;
}

static void
gen_migrate (Gen *g, gint64 at, int v, int dest)
{
  action (g, at, "migrate", g->vms[v].name);
  if (dest >= 0)
    g_string_append_printf (g->out_actions, "host = %s\n",
                            g->hosts[dest].name);
}

static void
gen_snapshot_story (Gen *g)
{
  int v = some_vm (g, -1, !chance (g, 0.1));
  if (v < 0)
    return;
  const char *vm = g->vms[v].name;
  char snap[16];
  g_snprintf (snap, sizeof snap, "s%d", ++g->n_snapshots);
  gint64 t = some_time (g);
  action (g, t, "snapshot", vm);
  g_string_append_printf (g->out_actions, "snapshot = %s\n", snap);
  if (chance (g, 0.4))
    g_string_append (g->out_actions, "memory = true\n");
  switch (rnd (g, 0, 2))
    {
    case 0: /* merged back later */
      action (g, later (g, t, 60, 7200), "delete_snapshot", vm);
      g_string_append_printf (g->out_actions, "snapshot = %s\n", snap);
      break;
    case 1: /* stop, preview, commit or undo, start */
      {
        gint64 s = later (g, t, 60, 3600);
        action (g, s, "stop", vm);
        action (g, later (g, s, 30, 300), "preview_snapshot", vm);
        g_string_append_printf (g->out_actions, "snapshot = %s\n", snap);
        action (g, later (g, s, 300, 900),
                chance (g, 0.5) ? "commit_snapshot" : "undo_snapshot", vm);
        if (chance (g, 0.7))
          action (g, later (g, s, 900, 1800), "start", vm);
        break;
      }
    default: /* kept */
      break;
    }
}

static void
gen_actions (Gen *g)
{
  if (g->f[HERD_GEN_ACTIONS])
    {
      int n = rnd (g, 1, 8);
      for (int i = 0; i < n; i++)
        {
          gint64 at = some_time (g);
          switch (rnd (g, 0, 5))
            {
            case 0:
              action (g, at, "start", g->vms[some_vm (g, -1, FALSE)].name);
              break;
            case 1:
              {
                int v = some_vm (g, -1, FALSE);
                action (g, at, "stop", g->vms[v].name);
                if (chance (g, 0.5))
                  action (g, later (g, at, 10, 3600),
                          "start", g->vms[v].name);
                break;
              }
            case 2:
            case 3:
              {
                int v = some_vm (g, -1, FALSE);
                gen_migrate (g, at, v,
                             chance (g, 0.6) ? some_host (g, vm_cluster (g, v))
                                             : -1);
                break;
              }
            default:
              {
                int dom = block_or_file_domain (g, chance (g, 0.5));
                if (dom < 0)
                  break;
                action (g, at, g->storage[dom].block ? "add_lun"
                                                     : "grow_storage",
                        g->storage[dom].name);
                g_string_append_printf (g->out_actions, "size = %dG\n",
                                        PICK (g, ((const int[]) {
                                                     5, 20, 100, 500 })));
                break;
              }
            }
        }
      /* Storage near full is relieved now and then. */
      if (g->f[HERD_GEN_NEAR_FULL])
        for (int i = 0; i < 2; i++)
          {
            int dom = block_or_file_domain (g, i == 0);
            if (dom >= 0 && chance (g, 0.6))
              {
                action (g, some_time (g), i == 0 ? "add_lun" : "grow_storage",
                        g->storage[dom].name);
                g_string_append_printf (g->out_actions, "size = %dG\n",
                                        rnd (g, 10, 200));
              }
          }
    }
  if (g->f[HERD_GEN_MAINTENANCE])
    {
      int n = rnd (g, 1, 3);
      for (int i = 0; i < n; i++)
        {
          int h = some_host (g, -1);
          gint64 at = some_time (g);
          action (g, at, "maintenance", g->hosts[h].name);
          if (chance (g, 0.8))
            action (g, later (g, at, 60, 5400), "activate",
                    g->hosts[h].name);
        }
    }
  if (g->f[HERD_GEN_SNAPSHOTS])
    {
      int n = rnd (g, 1, 3);
      for (int i = 0; i < n; i++)
        gen_snapshot_story (g);
    }
}

/* The networks attached to host h, one at random. */
static const char *
host_network (Gen *g, int h)
{
  const GenHostGroup *hg = &g->groups[g->hosts[h].group];
  int d = g->clusters[hg->cluster].dc;
  int cand[GEN_MAX_NETWORKS], n = 0;
  for (int i = 0; i < g->n_networks; i++)
    if (g->networks[i].dc == d && (hg->networks & network_bit (g, i)))
      cand[n++] = i;
  return n > 0 ? g->networks[cand[rnd (g, 0, n - 1)]].name : NULL;
}

static int
host_dc (Gen *g, int h)
{
  return g->clusters[host_cluster (g, h)].dc;
}

/* A host of data center d, or -1. */
static int
host_of_dc (Gen *g, int d)
{
  int cand[GEN_MAX_HOSTS], n = 0;
  for (int h = 0; h < g->n_hosts; h++)
    if (host_dc (g, h) == d)
      cand[n++] = h;
  return n > 0 ? cand[rnd (g, 0, n - 1)] : -1;
}

static void
storage_down (Gen *g, gint64 at, int dom, gboolean one_host)
{
  fault (g, at, "storage_down", g->storage[dom].name);
  int h = one_host ? host_of_dc (g, g->storage[dom].dc) : -1;
  if (h >= 0)
    g_string_append_printf (g->out_faults, "host = %s\n", g->hosts[h].name);
  fault_duration (g, 0.85, 60, 3600);
}

/* One fault of a random host at a random time (HERD_GEN_FAULTS). */
static void
gen_host_fault (Gen *g)
{
  gint64 at = some_time (g);
  int h = some_host (g, -1);
  switch (rnd (g, 0, 6))
    {
    case 0:
    case 1:
      fault (g, at, "host_crash", g->hosts[h].name);
      fault_duration (g, 0.6, 300, 7200);
      break;
    case 2:
      fault (g, at, "agent_hang", g->hosts[h].name);
      fault_duration (g, 0.7, 30, 1800);
      break;
    case 3:
      fault (g, at, "partition", g->hosts[h].name);
      fault_duration (g, 0.8, 20, 3600);
      break;
    case 4:
      {
        const char *net = host_network (g, h);
        if (net == NULL)
          break;
        fault (g, at, "nic_down", g->hosts[h].name);
        g_string_append_printf (g->out_faults, "network = %s\n", net);
        fault_duration (g, 0.8, 60, 3600);
        break;
      }
    case 5:
      storage_down (g, at, data_domain (g, host_dc (g, h)),
                    chance (g, 0.5));
      break;
    default:
      fault (g, at, "fence_fail", g->hosts[h].name);
      fault_duration (g, 0.7, 300, 10800);
      /* A dead BMC found out by a crash. */
      if (chance (g, 0.5))
        {
          fault (g, later (g, at, 0, 600),
                 "host_crash", g->hosts[h].name);
          fault_duration (g, 0.5, 600, 7200);
        }
      break;
    }
}

/* A migration's destination cut off, and two partitions at once
 * (HERD_GEN_PARTITIONS). */
static void
gen_partitions (Gen *g)
{
  /* The destination of a migration cut off while it runs (or, now
   * and then, crashing or its agent hanging). */
  int v = some_vm (g, -1, FALSE);
  int c = vm_cluster (g, v);
  if (hosts_in_cluster (g, c) >= 2)
    {
      gint64 at = some_time (g);
      int dest = some_host (g, c);
      double p = gsl_rng_uniform (g->r);
      gen_migrate (g, at, v, dest);
      fault (g, at + rnd (g, 0, 40),
             p < 0.6    ? "partition"
             : p < 0.85 ? "host_crash"
                        : "agent_hang",
             g->hosts[dest].name);
      fault_duration (g, 0.8, 20, 1800);
    }
  /* Two partitions at once. */
  if (g->n_hosts >= 2 && chance (g, 0.7))
    {
      gint64 at = some_time (g);
      int a = some_host (g, -1), b;
      do
        b = some_host (g, -1);
      while (b == a);
      fault (g, at, "partition", g->hosts[a].name);
      fault_duration (g, 0.8, 20, 1800);
      fault (g, at + (chance (g, 0.5) ? 0 : rnd (g, 1, 60)), "partition",
             g->hosts[b].name);
      fault_duration (g, 0.8, 20, 1800);
    }
}

/* One or two manager restarts (HERD_GEN_MANAGER_RESTART). */
static void
gen_manager_restarts (Gen *g)
{
  int n = rnd (g, 1, 2);
  for (int i = 0; i < n; i++)
    {
      gint64 at = some_time (g);
      /* Sometimes while a crashed host is being fenced. */
      if (chance (g, 0.5))
        {
          fault (g, at, "host_crash", g->hosts[some_host (g, -1)].name);
          fault_duration (g, 0.5, 600, 7200);
          at = later (g, at, 30, 600);
        }
      fault (g, at, "manager_restart", NULL);
    }
}

/* The [faults random] section (HERD_GEN_RANDOM_FAULTS). */
static void
gen_random_faults (Gen *g)
{
  static const char *const kinds[] = { "host_crash", "agent_hang",
                                       "partition" };
  GString *o = g->out_random;
  int hours = (int) (g->duration / 3600);
  g_string_append (o, "\n[faults random]\n");
  if (chance (g, 0.8))
    g_string_append_printf (o, "kind = %s\n", PICK (g, kinds));
  append_distribution (g, o, "mtbf", 30, 60 * 3 * hours);
  append_distribution (g, o, "mttr", 1, 120);
  if (chance (g, 0.5))
    {
      g_string_append (o, "hosts = ");
      int n = rnd (g, 1, 3);
      for (int i = 0; i < n; i++)
        {
          int h = some_host (g, -1);
          g_string_append_printf (o, "%s%s", i ? ", " : "",
                                  chance (g, 0.3)
                                      ? g->groups[g->hosts[h].group].name
                                      : g->hosts[h].name);
        }
      g_string_append_c (o, '\n');
    }
}

static void
gen_faults (Gen *g)
{
  if (g->f[HERD_GEN_FAULTS])
    {
      int n = rnd (g, 1, 5);
      for (int i = 0; i < n; i++)
        gen_host_fault (g);
    }
  if (g->f[HERD_GEN_PARTITIONS])
    gen_partitions (g);
  if (g->f[HERD_GEN_STORAGE_FAULTS])
    {
      /* The master domain down for every host of its data center. */
      int d = rnd (g, 0, g->n_dcs - 1);
      storage_down (g, some_time (g), g->master[d], FALSE);
      if (chance (g, 0.5))
        storage_down (g, some_time (g), data_domain (g, rnd (g, 0, g->n_dcs - 1)),
                      TRUE);
    }
  if (g->f[HERD_GEN_MANAGER_RESTART])
    gen_manager_restarts (g);
  if (g->f[HERD_GEN_RANDOM_FAULTS])
    gen_random_faults (g);
}

static void
gen_defaults (Gen *g)
{
  static const char *const overrides[] = {
    "FenceRetryInterval = 0", "FenceRetryInterval = 2m",
    "DisableFenceAtStartup = 60s", "HaRestartInterval = 10s",
    "HaRestartTries = 3", "MaxIncomingMigrations = 1",
    "MaxOutgoingMigrations = 1", "MaxIncomingMigrations = 4",
    "MigrationTimeoutPerGiB = 16s", "MigrationProgressTimeout = 60s",
    "TimeoutToResetVds = 30s", "SoftFencingWait = 30s",
    "StorageDomainFailureTime = 2m", "AutoRecoveryInterval = 1m",
    "HaPriorityWait = 300s", "SpmStatusInterval = 5s",
    "LoadBalancingInterval = 30s", "VolumeExtendChunk = 2048M",
    "HostReservedMemory = 2G", "MaintenanceRetryInterval = 30s",
  };
  if (!g->f[HERD_GEN_DEFAULTS])
    return;
  int n = rnd (g, 1, 3);
  for (int i = 0; i < n; i++)
    g_string_append_printf (g->out_defaults, "%s\n", PICK (g, overrides));
}

/* ---- the text ---- */

/* The swarm: each feature on or off, a few more often on. */
static void
gen_features (Gen *g)
{
  for (int i = 0; i < HERD_GEN_FEATURE_LAST; i++)
    g->f[i] = chance (g, 0.5);
  g->f[HERD_GEN_FAULTS] |= chance (g, 0.4);
  g->f[HERD_GEN_HA] |= chance (g, 0.4);
  if (!g->f[HERD_GEN_DISKS])
    g->f[HERD_GEN_TEMPLATES] = g->f[HERD_GEN_POOLS] = FALSE;
}

/* The opening comment (seed, features) and the [scenario] section. */
static void
append_scenario_section (Gen *g, GString *o, guint64 seed,
                         const char *profile, const char *stats)
{
  char t[32];
  g_string_append_printf (o, "; swarm scenario of generator seed %"
                             G_GUINT64_FORMAT
                             " (herd generate --seed %" G_GUINT64_FORMAT
                             ")\n; features:",
                          seed, seed);
  for (int i = 0; i < HERD_GEN_FEATURE_LAST; i++)
    if (g->f[i])
      g_string_append_printf (o, " %s", feature_names[i]);
  g_string_append_printf (o, "\n[scenario]\nname = swarm-%" G_GUINT64_FORMAT
                             "\nduration = %s\nseed = 1\n"
                             "stats_interval = %s\nsample_interval = 10m\n"
                             "profile = %s\n",
                          seed, fmt_time (t, g->duration), stats, profile);
  if (chance (g, 0.2))
    g_string_append_printf (o, "io_timeout = %s\n",
                            chance (g, 0.5) ? "5s" : "20s");
  if (chance (g, 0.2))
    g_string_append_printf (o, "migration_setup = %dms\n", rnd (g, 0, 800));
}

/* The [storage] section of domain i: its capacity holds what its disks
 * take at once, with room to spare or (HERD_GEN_NEAR_FULL) hardly any. */
static void
append_storage_section (Gen *g, GString *o, int i)
{
  GenStorage *s = &g->storage[i];
  g_string_append_printf (o, "\n[storage %s]\ndatacenter = dc%d\n"
                             "type = %s\n",
                          s->name, s->dc + 1, s->type);
  gint64 cap_mib;
  if (!s->data)
    {
      g_string_append (o, "role = iso\n");
      cap_mib = 100 * 1024;
    }
  else
    {
      gint64 need = s->need_mib + (s->block ? 4992 : 0);
      gint64 slack = g->f[HERD_GEN_NEAR_FULL]
                         ? rnd (g, 1, 20) * 1024
                               + need / 100 * rnd (g, 0, 10)
                         : need + rnd (g, 50, 500) * 1024;
      cap_mib = need + slack;
    }
  g_string_append_printf (o, "capacity = %" G_GINT64_FORMAT "G\n",
                          (cap_mib + 1023) / 1024);
  if (s->data && i == g->master[s->dc])
    g_string_append (o, "master = true\n");
  if (s->data && chance (g, 0.2))
    g_string_append_printf (o, "warning_low_space = %d%%\n"
                               "critical_space = %d%%\n",
                            rnd (g, 10, 25), rnd (g, 0, 9));
}

char *
herd_generate_scenario (guint64 seed)
{
  Gen *g = g_new0 (Gen, 1);
  g->seed = seed;
  g->r = gsl_rng_alloc (gsl_rng_mt19937);
  if (g->r == NULL)
    g_error ("out of memory allocating the generator's random stream");
  gsl_rng_set (g->r, herd_rng_seed_for (seed, "generate"));
  GString **outs[] = { &g->out_defaults, &g->out_networks,
                       &g->out_templates, &g->out_clusters, &g->out_hosts,
                       &g->out_vms, &g->out_affinity, &g->out_actions,
                       &g->out_faults, &g->out_random };
  for (guint i = 0; i < G_N_ELEMENTS (outs); i++)
    *outs[i] = g_string_new (NULL);

  gen_features (g);

  static const int hours[] = { 2, 3, 4, 6, 8, 12 };
  g->duration = 3600 * PICK (g, hours);
  const char *profile = chance (g, 0.5) ? "rhv-4.1" : "ovirt-4.5";
  const char *stats = PICK (g, ((const char *const[]) { "15s", "30s", "1m",
                                                        "1m" }));

  gen_datacenters (g);
  gen_networks (g);
  gen_storage (g);
  gen_clusters (g);
  drop_repeated_keys (g->out_clusters);
  gen_hosts (g);
  gen_templates (g);
  gen_vms (g);
  gen_affinity (g);
  gen_actions (g);
  gen_faults (g);
  gen_defaults (g);
  drop_repeated_keys (g->out_defaults);

  GString *o = g_string_new (NULL);
  append_scenario_section (g, o, seed, profile, stats);
  if (g->out_defaults->len > 0)
    g_string_append_printf (o, "\n[defaults]\n%s", g->out_defaults->str);
  for (int d = 0; d < g->n_dcs; d++)
    g_string_append_printf (o, "\n[datacenter dc%d]\n", d + 1);
  for (int i = 0; i < g->n_storage; i++)
    append_storage_section (g, o, i);
  g_string_append (o, g->out_networks->str);
  g_string_append (o, g->out_templates->str);
  g_string_append (o, g->out_clusters->str);
  g_string_append (o, g->out_hosts->str);
  g_string_append (o, g->out_vms->str);
  g_string_append (o, g->out_affinity->str);
  g_string_append (o, g->out_actions->str);
  g_string_append (o, g->out_faults->str);
  g_string_append (o, g->out_random->str);

  for (guint i = 0; i < G_N_ELEMENTS (outs); i++)
    g_string_free (*outs[i], TRUE);
  gsl_rng_free (g->r);
  g_free (g);
  return g_string_free (o, FALSE);
}
