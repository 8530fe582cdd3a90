/* test-scenario.c: unit tests for scenario files (conf/scenario.h).
 *
 * Loads the shipped scenarios (scenarios/small.ini field by field; medium
 * and large for their sizes and for the promise that every VM fits), then
 * small inline texts for the defaults of every key, the profile applied
 * before overrides whatever the order, inline comments, references to
 * groups defined later in the file, the choice of master domain, disks,
 * every kind of action and fault and their order and fields, random
 * faults, networks (the masks of hosts, vNICs and required networks, and
 * the limit of 64 per data center), pinning, preferred hosts, "do not
 * migrate", power management and fencing, VM leases and resume policies,
 * and affinity groups.  Finally the golden error cases: every
 * tests/golden/err-NAME.ini, loaded as "tests/golden/err-NAME.ini" from the
 * source tree, must fail with exactly the message in err-NAME.err (one
 * line).  With HERD_REGENERATE=1 the .err files are rewritten instead; a
 * changed message is reviewed, not blindly accepted. */
#include "conf/scenario.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tests/test-util.h"

/* A minimal valid scenario: the defaults of everything not given. */
static const char minimal[] = "[datacenter dc1]\n"
                              "[cluster c1]\n"
                              "[hosts h]\n"
                              "cores = 8\n"
                              "memory = 64G\n"
                              "[vms v]\n"
                              "vcpus = 2\n"
                              "memory = 4G\n";

static HerdScenario *
load_text (const char *text)
{
  g_autoptr (GError) error = NULL;
  HerdScenario *s = herd_scenario_load_data (text, "dir/inline.ini", &error);
  if (s == NULL)
    g_printerr ("\nunexpected error: %s\n", error->message);
  return s;
}

/* The message of loading text, which must fail. */
static char *
load_error (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) s = herd_scenario_load_data (text, "t.ini",
                                                        &error);
  if (s != NULL)
    return g_strdup ("(loaded)");
  CU_ASSERT_TRUE (g_error_matches (error, HERD_SCENARIO_ERROR,
                                   HERD_SCENARIO_ERROR_INVALID)
                  || g_error_matches (error, HERD_SCENARIO_ERROR,
                                      HERD_SCENARIO_ERROR_READ));
  return g_strdup (error->message);
}

static void
test_small (void)
{
  g_autofree char *path = herd_test_source_path ("scenarios/small.ini");
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) s = herd_scenario_load (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;

  CU_ASSERT_STRING_EQUAL (s->name, "small");
  CU_ASSERT_STRING_EQUAL (s->path, path);
  CU_ASSERT_PTR_NOT_NULL (strstr (s->text, "[vms web]"));
  CU_ASSERT_EQUAL (s->duration, HERD_DAY (1));
  CU_ASSERT_EQUAL (s->seed, 42);
  CU_ASSERT_EQUAL (s->sample_interval, HERD_MIN (5));
  CU_ASSERT_EQUAL (s->stats_interval, HERD_SEC (15));
  CU_ASSERT_EQUAL (s->profile, HERD_PROFILE_RHV_4_1);

  CU_ASSERT_EQUAL_FATAL (m->datacenters->len, 1);
  CU_ASSERT_EQUAL_FATAL (m->clusters->len, 1);
  CU_ASSERT_EQUAL_FATAL (m->hosts->len, 4);
  CU_ASSERT_EQUAL_FATAL (m->vms->len, 20);
  CU_ASSERT_EQUAL_FATAL (m->domains->len, 2);
  CU_ASSERT_EQUAL_FATAL (m->networks->len, 1);
  CU_ASSERT_EQUAL_FATAL (m->disks->len, 20);
  CU_ASSERT_EQUAL (s->actions->len, 0);

  HerdCluster *c = herd_model_cluster (m, 0);
  CU_ASSERT_STRING_EQUAL (c->name, "c1");
  CU_ASSERT_EQUAL (c->datacenter, 0);
  CU_ASSERT_EQUAL (c->policy, HERD_POLICY_NONE);
  CU_ASSERT_EQUAL (c->memory_overcommit_percent, 100);
  CU_ASSERT_EQUAL (c->migration_policy, HERD_MIGRATION_LEGACY);
  CU_ASSERT_EQUAL (c->migration_bandwidth, 52 * 1024 * 1024);
  CU_ASSERT_FALSE (c->ha_reservation);
  CU_ASSERT_TRUE (c->fencing);
  CU_ASSERT_FALSE (c->skip_fencing_if_lease_live);
  CU_ASSERT_FALSE (c->skip_fencing_if_connectivity_broken);
  CU_ASSERT_DOUBLE_EQUAL (c->connectivity_threshold, 0.5, 1e-12);
  CU_ASSERT_EQUAL (c->hosts->len, 4);
  CU_ASSERT_EQUAL (c->required_networks, 1); /* ovirtmgmt */

  for (HerdId id = 0; id < 4; id++)
    {
      HerdHost *h = herd_model_host (m, id);
      g_autofree char *name = g_strdup_printf ("h-%u", id + 1);
      CU_ASSERT_STRING_EQUAL (h->name, name);
      CU_ASSERT_EQUAL (herd_model_find_host (m, name), id);
      CU_ASSERT_EQUAL (h->cluster, 0);
      CU_ASSERT_EQUAL (h->cores, 32);
      CU_ASSERT_EQUAL (h->threads, 32);
      CU_ASSERT_EQUAL (h->memory_mib, 256 * 1024);
      CU_ASSERT_EQUAL (h->swap_mib, 0);
      CU_ASSERT_EQUAL (h->reserved_mib, 1024);
      CU_ASSERT_EQUAL (h->nic_bandwidth, 1250000000);
      CU_ASSERT_EQUAL (h->spm_priority, 5);
      CU_ASSERT_EQUAL (h->networks, 1); /* every network of dc1 */
      CU_ASSERT_EQUAL (h->networks_down, 0);
      CU_ASSERT_TRUE (h->power_management); /* fence_agent = ipmilan */
      CU_ASSERT_EQUAL (g_array_index (s->host_group_of, guint32, id), 0);
    }
  CU_ASSERT_EQUAL_FATAL (s->host_groups->len, 1);
  HerdHostGroup *hg = g_ptr_array_index (s->host_groups, 0);
  CU_ASSERT_STRING_EQUAL (hg->name, "h");
  CU_ASSERT_EQUAL (hg->first, 0);
  CU_ASSERT_EQUAL (hg->count, 4);
  CU_ASSERT_DOUBLE_EQUAL (hg->power_idle_w, 150, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (hg->power_max_w, 400, 1e-9);
  CU_ASSERT_EQUAL (hg->boot_time, HERD_MIN (5));
  CU_ASSERT_EQUAL_FATAL (g_strv_length (hg->fence_agents), 1);
  CU_ASSERT_STRING_EQUAL (hg->fence_agents[0], "ipmilan");

  HerdStorageDomain *sd1 = herd_model_domain (m, 0);
  HerdStorageDomain *nfs1 = herd_model_domain (m, 1);
  CU_ASSERT_STRING_EQUAL (sd1->name, "sd1");
  CU_ASSERT_EQUAL (sd1->type, HERD_STORAGE_ISCSI);
  CU_ASSERT_EQUAL (sd1->role, HERD_DOMAIN_DATA);
  CU_ASSERT_EQUAL (sd1->capacity_mib, G_GINT64_CONSTANT (20) * 1024 * 1024);
  CU_ASSERT_TRUE (sd1->master);
  CU_ASSERT_DOUBLE_EQUAL (sd1->warning_free, 0.10, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (sd1->critical_free, 0.05, 1e-12);
  CU_ASSERT_STRING_EQUAL (nfs1->name, "nfs1");
  CU_ASSERT_EQUAL (nfs1->type, HERD_STORAGE_NFS);
  CU_ASSERT_FALSE (nfs1->master);
  CU_ASSERT_EQUAL (herd_model_datacenter (m, 0)->master_domain, 0);

  HerdNetwork *net = herd_model_network (m, 0);
  CU_ASSERT_STRING_EQUAL (net->name, "ovirtmgmt");
  CU_ASSERT_TRUE (net->required);
  CU_ASSERT_TRUE (net->vm_network);
  CU_ASSERT_EQUAL (net->bit, 0);
  CU_ASSERT_EQUAL (m->affinity_groups->len, 0);

  CU_ASSERT_EQUAL_FATAL (s->vm_groups->len, 2);
  HerdVmGroup *web = g_ptr_array_index (s->vm_groups, 0);
  HerdVmGroup *db = g_ptr_array_index (s->vm_groups, 1);
  CU_ASSERT_STRING_EQUAL (web->name, "web");
  CU_ASSERT_EQUAL (web->first, 0);
  CU_ASSERT_EQUAL (web->count, 12);
  CU_ASSERT_EQUAL (web->cpu.kind, HERD_WORKLOAD_DIURNAL);
  CU_ASSERT_DOUBLE_EQUAL (web->cpu.mean, 30, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (web->cpu.peak, 80, 1e-9);
  CU_ASSERT_EQUAL (web->memory_used_mib, 8 * 1024);
  CU_ASSERT_EQUAL (web->arrival.kind, HERD_DISTRIBUTION_FIXED);
  CU_ASSERT_EQUAL (web->arrival.a, 0);
  CU_ASSERT_FALSE (web->has_lifetime);
  CU_ASSERT_STRING_EQUAL (db->name, "db");
  CU_ASSERT_EQUAL (db->first, 12);
  CU_ASSERT_EQUAL (db->count, 8);
  CU_ASSERT_EQUAL (db->cpu.kind, HERD_WORKLOAD_WALK);
  CU_ASSERT_DOUBLE_EQUAL (db->cpu.low, 20, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (db->cpu.high, 90, 1e-9);

  for (HerdId id = 0; id < 20; id++)
    {
      HerdVm *vm = herd_model_vm (m, id);
      gboolean is_web = id < 12;
      g_autofree char *name = is_web ? g_strdup_printf ("web-%u", id + 1)
                                     : g_strdup_printf ("db-%u", id - 11);
      CU_ASSERT_STRING_EQUAL (vm->name, name);
      CU_ASSERT_EQUAL (herd_model_find_vm (m, name), id);
      CU_ASSERT_EQUAL (vm->cluster, 0);
      CU_ASSERT_EQUAL (vm->vcpus, is_web ? 4 : 8);
      CU_ASSERT_EQUAL (vm->memory_mib, is_web ? 8 * 1024 : 32 * 1024);
      CU_ASSERT_EQUAL (vm->guaranteed_mib, vm->memory_mib);
      CU_ASSERT_EQUAL (vm->ha, is_web);
      CU_ASSERT_EQUAL (vm->priority,
                       is_web ? HERD_PRIORITY_HIGH : HERD_PRIORITY_LOW);
      CU_ASSERT_EQUAL (vm->status, HERD_VM_DOWN);
      CU_ASSERT_EQUAL (g_array_index (s->vm_group_of, guint32, id),
                       is_web ? 0 : 1);
      HerdDisk *disk = g_ptr_array_index (m->disks, id);
      CU_ASSERT_EQUAL (disk->vm, id);
      CU_ASSERT_EQUAL (disk->domain, 0);
      CU_ASSERT_EQUAL (disk->virtual_mib, (is_web ? 100 : 200) * 1024);
      CU_ASSERT_EQUAL (disk->thin, is_web);
    }
}

/* Sum of memory + overhead of the VMs of each cluster, against the sum
 * of its hosts' memory less their reserve: the shipped scenarios promise
 * at most about 70%. */
static void
check_capacity (HerdScenario *s)
{
  HerdModel *m = s->model;
  for (guint c = 0; c < m->clusters->len; c++)
    {
      gint64 hosts = 0, vms = 0;
      for (guint i = 0; i < m->hosts->len; i++)
        {
          HerdHost *h = herd_model_host (m, i);
          if (h->cluster == c)
            hosts += h->memory_mib - h->reserved_mib;
        }
      for (guint i = 0; i < m->vms->len; i++)
        {
          HerdVm *vm = herd_model_vm (m, i);
          if (vm->cluster == c)
            vms += vm->memory_mib + m->params.vm_memory_overhead_mib;
        }
      CU_ASSERT_TRUE (hosts > 0);
      CU_ASSERT_TRUE (vms <= hosts * 7 / 10);
    }
}

static void
test_shipped (void)
{
  static const struct
  {
    const char *path;
    guint hosts, vms, clusters;
    HerdTime duration;
  } cases[] = {
    { "scenarios/small.ini", 4, 20, 1, HERD_DAY (1) },
    { "scenarios/medium.ini", 50, 1000, 1, HERD_DAY (7) },
    { "scenarios/large.ini", 2000, 40000, 2, HERD_DAY (30) },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = herd_test_source_path (cases[i].path);
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) s = herd_scenario_load (path, &error);
      if (s == NULL)
        g_printerr ("\n%s\n", error->message);
      CU_ASSERT_PTR_NOT_NULL_FATAL (s);
      CU_ASSERT_EQUAL (s->model->hosts->len, cases[i].hosts);
      CU_ASSERT_EQUAL (s->model->vms->len, cases[i].vms);
      CU_ASSERT_EQUAL (s->model->clusters->len, cases[i].clusters);
      CU_ASSERT_EQUAL (s->duration, cases[i].duration);
      CU_ASSERT_EQUAL (s->host_group_of->len, cases[i].hosts);
      CU_ASSERT_EQUAL (s->vm_group_of->len, cases[i].vms);
      check_capacity (s);
    }

  /* medium: batch VMs arrive over the first day and have lifetimes. */
  g_autofree char *path = herd_test_source_path ("scenarios/medium.ini");
  g_autoptr (HerdScenario) medium = herd_scenario_load (path, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (medium);
  CU_ASSERT_EQUAL (herd_model_cluster (medium->model, 0)->policy,
                   HERD_POLICY_EVENLY_DISTRIBUTED);
  gboolean uniform = FALSE, exponential = FALSE;
  for (guint i = 0; i < medium->vm_groups->len; i++)
    {
      HerdVmGroup *g = g_ptr_array_index (medium->vm_groups, i);
      uniform = uniform || g->arrival.kind == HERD_DISTRIBUTION_UNIFORM;
      exponential = exponential
                    || (g->has_lifetime
                        && g->lifetime.kind == HERD_DISTRIBUTION_EXPONENTIAL);
    }
  CU_ASSERT_TRUE (uniform);
  CU_ASSERT_TRUE (exponential);
}

static void
test_defaults (void)
{
  g_autoptr (HerdScenario) s = load_text (minimal);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_STRING_EQUAL (s->name, "inline");
  CU_ASSERT_STRING_EQUAL (s->path, "dir/inline.ini");
  CU_ASSERT_STRING_EQUAL (s->text, minimal);
  CU_ASSERT_EQUAL (s->duration, HERD_DAY (1));
  CU_ASSERT_EQUAL (s->seed, 1);
  CU_ASSERT_EQUAL (s->sample_interval, HERD_MIN (5));
  CU_ASSERT_EQUAL (s->stats_interval, HERD_SEC (15));
  CU_ASSERT_EQUAL (s->migration_setup, HERD_MSEC (400));
  CU_ASSERT_EQUAL (s->io_timeout, HERD_SEC (10));
  CU_ASSERT_EQUAL (s->profile, HERD_PROFILE_RHV_4_1);
  CU_ASSERT_EQUAL (s->actions->len, 0);
  CU_ASSERT_EQUAL (s->faults->len, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->random_faults);
  CU_ASSERT_EQUAL (s->random_faults->len, 0);
  CU_ASSERT_EQUAL (m->params.host_reserved_mib, 1024);
  CU_ASSERT_EQUAL (m->params.vm_memory_overhead_mib, 64);

  HerdCluster *c = herd_model_cluster (m, 0);
  CU_ASSERT_EQUAL (c->datacenter, 0);
  CU_ASSERT_EQUAL (c->policy, HERD_POLICY_NONE);
  CU_ASSERT_DOUBLE_EQUAL (c->policy_params.high_utilization, 80, 1e-9);
  CU_ASSERT_EQUAL (c->policy_params.cpu_overcommit_duration, HERD_MIN (5));
  CU_ASSERT_EQUAL (c->memory_overcommit_percent, 100);
  CU_ASSERT_EQUAL (c->migration_policy, HERD_MIGRATION_LEGACY);
  CU_ASSERT_EQUAL (c->migration_bandwidth, 52 * 1024 * 1024);
  CU_ASSERT_FALSE (c->ha_reservation);
  CU_ASSERT_TRUE (c->fencing);
  CU_ASSERT_EQUAL (c->required_networks, 0);

  CU_ASSERT_EQUAL_FATAL (m->hosts->len, 1);
  HerdHost *h = herd_model_host (m, 0);
  CU_ASSERT_STRING_EQUAL (h->name, "h-1");
  CU_ASSERT_EQUAL (h->cores, 8);
  CU_ASSERT_EQUAL (h->threads, 8);
  CU_ASSERT_EQUAL (h->memory_mib, 64 * 1024);
  CU_ASSERT_EQUAL (h->swap_mib, 0);
  CU_ASSERT_EQUAL (h->reserved_mib, 1024);
  CU_ASSERT_EQUAL (h->nic_bandwidth, 1250000000);
  CU_ASSERT_EQUAL (h->spm_priority, 5);
  CU_ASSERT_EQUAL (h->networks, 0); /* dc1 has no networks */
  CU_ASSERT_FALSE (h->power_management);
  HerdHostGroup *hg = g_ptr_array_index (s->host_groups, 0);
  CU_ASSERT_DOUBLE_EQUAL (hg->power_idle_w, 0, 0);
  CU_ASSERT_DOUBLE_EQUAL (hg->power_max_w, 0, 0);
  CU_ASSERT_EQUAL (hg->boot_time, HERD_MIN (5));
  CU_ASSERT_PTR_NOT_NULL_FATAL (hg->fence_agents);
  CU_ASSERT_PTR_NULL (hg->fence_agents[0]);
  CU_ASSERT_FALSE (hg->fence_concurrent);
  CU_ASSERT_EQUAL (hg->fence_latency, HERD_SEC (5));
  CU_ASSERT_DOUBLE_EQUAL (hg->fence_failure, 0, 0);

  CU_ASSERT_EQUAL_FATAL (m->vms->len, 1);
  HerdVm *vm = herd_model_vm (m, 0);
  CU_ASSERT_STRING_EQUAL (vm->name, "v-1");
  CU_ASSERT_EQUAL (vm->vcpus, 2);
  CU_ASSERT_EQUAL (vm->memory_mib, 4096);
  CU_ASSERT_EQUAL (vm->guaranteed_mib, 4096);
  CU_ASSERT_FALSE (vm->ha);
  CU_ASSERT_EQUAL (vm->priority, HERD_PRIORITY_LOW);
  CU_ASSERT_EQUAL (vm->networks, 0);
  CU_ASSERT_EQUAL (vm->pinned_to.n, 0);
  CU_ASSERT_TRUE (vm->migratable);
  CU_ASSERT_EQUAL (vm->preferred_hosts.n, 0);
  CU_ASSERT_EQUAL (vm->affinity_groups.n, 0);
  CU_ASSERT_FALSE (vm->lease);
  CU_ASSERT_EQUAL (vm->resume_policy, HERD_RESUME_AUTO);
  CU_ASSERT_EQUAL (m->affinity_groups->len, 0);
  CU_ASSERT_EQUAL (m->disks->len, 0);
  HerdVmGroup *vg = g_ptr_array_index (s->vm_groups, 0);
  CU_ASSERT_EQUAL (vg->cpu.kind, HERD_WORKLOAD_CONSTANT);
  CU_ASSERT_DOUBLE_EQUAL (vg->cpu.mean, 10, 1e-9);
  CU_ASSERT_EQUAL (vg->memory_used_mib, 4096);
  CU_ASSERT_EQUAL (vg->working_set_mib, 4096);
  CU_ASSERT_EQUAL (vg->dirty_rate, 0);
  CU_ASSERT_EQUAL (vg->write_rate.kind, HERD_RATE_CONSTANT);
  CU_ASSERT_EQUAL (vg->write_rate.mean, 0);
  CU_ASSERT_EQUAL (vg->boot_time, HERD_SEC (10));
  CU_ASSERT_EQUAL (vg->arrival.kind, HERD_DISTRIBUTION_FIXED);
  CU_ASSERT_EQUAL (vg->arrival.a, 0);
  CU_ASSERT_FALSE (vg->has_lifetime);
  CU_ASSERT_EQUAL (m->domains->len, 0);
  CU_ASSERT_EQUAL (herd_model_datacenter (m, 0)->master_domain, HERD_ID_NONE);
}

/* Every key given, to check each lands in its field. */
static void
test_all_keys (void)
{
  static const char text[]
      = "[scenario]\n"
        "name = everything\n"
        "duration = 2w\n"
        "seed = 0\n"
        "sample_interval = 1m\n"
        "stats_interval = 30s\n"
        "migration_setup = 0\n"
        "io_timeout = 5s\n"
        "[datacenter dc1]\n"
        "[cluster c1]\n"
        "datacenter = dc1\n"
        "policy = vm_evenly_distributed\n"
        "policy.HighVmCount = 20\n"
        "policy.MaxFreeMemoryForOverUtilized = 2G\n"
        "memory_overcommit = 150%\n"
        "migration_policy = post_copy\n"
        "migration_bandwidth = 1Gbit\n"
        "ha_reservation = yes\n"
        "fencing = off\n"
        "fencing_skip_if_lease_live = true\n"
        "fencing_skip_if_connectivity_broken = yes\n"
        "fencing_connectivity_threshold = 75%\n"
        "[hosts h]\n"
        "count = 3\n"
        "cores = 16\n"
        "threads = 32\n"
        "memory = 128G\n"
        "swap = 4G\n"
        "reserved_memory = 2G\n"
        "nic = 25Gbit\n"
        "spm_priority = -1\n"
        "power_idle = 1.2kW\n"
        "boot_time = 90s\n"
        "fence_agent = ilo4, apc ,apc\n"
        "fence_concurrent = yes\n"
        "fence_latency = 2500ms\n"
        "fence_failure = 12.5%\n"
        "[storage sd1]\n"
        "type = fcp\n"
        "role = data\n"
        "capacity = 5T\n"
        "warning_low_space = 20%\n"
        "critical_space = 2.5%\n"
        "[storage iso]\n"
        "type = nfs\n"
        "role = iso\n"
        "capacity = 100G\n"
        "[network n1]\n"
        "required = false\n"
        "vm_network = no\n"
        "[vms v]\n"
        "count = 2\n"
        "vcpus = 16\n"
        "memory = 16G\n"
        "guaranteed_memory = 8G\n"
        "disk = 10G, 20G thin, 30G preallocated qcow2 sd1, 40G sd1\n"
        "ha = 1\n"
        "priority = medium\n"
        "cpu = walk(mean=50, low=10, high=90, step=2)\n"
        "memory_used = 12G\n"
        "dirty_rate = 20MiB/s\n"
        "working_set = 2G\n"
        "write_rate = 1MiB/s\n"
        "boot_time = 45s\n"
        "arrival = uniform(min=1h, max=2h)\n"
        "lifetime = exponential(mean=3h)\n"
        "lease = true\n"
        "resume = leave_paused\n"
        "[action stop-it]\n"
        "at = 3h\n"
        "kind = stop\n"
        "target = v-2\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_STRING_EQUAL (s->name, "everything");
  CU_ASSERT_EQUAL (s->duration, HERD_DAY (14));
  CU_ASSERT_EQUAL (s->seed, 0);
  CU_ASSERT_EQUAL (s->sample_interval, HERD_MIN (1));
  CU_ASSERT_EQUAL (s->stats_interval, HERD_SEC (30));
  CU_ASSERT_EQUAL (s->migration_setup, 0);
  CU_ASSERT_EQUAL (s->io_timeout, HERD_SEC (5));

  HerdCluster *c = herd_model_cluster (m, 0);
  CU_ASSERT_EQUAL (c->policy, HERD_POLICY_VM_EVENLY_DISTRIBUTED);
  CU_ASSERT_EQUAL (c->policy_params.high_vm_count, 20);
  CU_ASSERT_EQUAL (c->policy_params.max_free_memory_for_over_utilized_mib,
                   2048);
  CU_ASSERT_EQUAL (c->policy_params.min_free_memory_for_under_utilized_mib,
                   HERD_PARAM_UNSET);
  CU_ASSERT_EQUAL (c->memory_overcommit_percent, 150);
  CU_ASSERT_EQUAL (c->migration_policy, HERD_MIGRATION_POST_COPY);
  CU_ASSERT_EQUAL (c->migration_bandwidth, 125000000);
  CU_ASSERT_TRUE (c->ha_reservation);
  CU_ASSERT_FALSE (c->fencing);
  CU_ASSERT_TRUE (c->skip_fencing_if_lease_live);
  CU_ASSERT_TRUE (c->skip_fencing_if_connectivity_broken);
  CU_ASSERT_DOUBLE_EQUAL (c->connectivity_threshold, 0.75, 1e-12);

  CU_ASSERT_EQUAL_FATAL (m->hosts->len, 3);
  HerdHost *h = herd_model_host (m, 2);
  CU_ASSERT_STRING_EQUAL (h->name, "h-3");
  CU_ASSERT_EQUAL (h->threads, 32);
  CU_ASSERT_EQUAL (h->swap_mib, 4096);
  CU_ASSERT_EQUAL (h->reserved_mib, 2048);
  CU_ASSERT_EQUAL (h->nic_bandwidth, 3125000000);
  CU_ASSERT_EQUAL (h->spm_priority, -1);
  HerdHostGroup *hg = g_ptr_array_index (s->host_groups, 0);
  CU_ASSERT_DOUBLE_EQUAL (hg->power_idle_w, 1200, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (hg->power_max_w, 1200, 1e-9);
  CU_ASSERT_EQUAL (hg->boot_time, HERD_SEC (90));
  CU_ASSERT_EQUAL_FATAL (g_strv_length (hg->fence_agents), 3);
  CU_ASSERT_STRING_EQUAL (hg->fence_agents[0], "ilo4");
  CU_ASSERT_STRING_EQUAL (hg->fence_agents[1], "apc");
  CU_ASSERT_STRING_EQUAL (hg->fence_agents[2], "apc");
  CU_ASSERT_TRUE (hg->fence_concurrent);
  CU_ASSERT_EQUAL (hg->fence_latency, HERD_MSEC (2500));
  CU_ASSERT_DOUBLE_EQUAL (hg->fence_failure, 0.125, 1e-12);
  CU_ASSERT_TRUE (h->power_management);

  /* No master marked: the first data domain is master, not the ISO. */
  CU_ASSERT_TRUE (herd_model_domain (m, 0)->master);
  CU_ASSERT_DOUBLE_EQUAL (herd_model_domain (m, 0)->warning_free, 0.20,
                          1e-12);
  CU_ASSERT_DOUBLE_EQUAL (herd_model_domain (m, 0)->critical_free, 0.025,
                          1e-12);
  CU_ASSERT_FALSE (herd_model_domain (m, 1)->master);
  CU_ASSERT_EQUAL (herd_model_domain (m, 1)->role, HERD_DOMAIN_ISO);
  CU_ASSERT_EQUAL (herd_model_datacenter (m, 0)->master_domain, 0);

  HerdNetwork *net = herd_model_network (m, 0);
  CU_ASSERT_FALSE (net->required);
  CU_ASSERT_FALSE (net->vm_network);

  CU_ASSERT_EQUAL_FATAL (m->vms->len, 2);
  HerdVm *vm = herd_model_vm (m, 1);
  CU_ASSERT_EQUAL (vm->guaranteed_mib, 8192);
  CU_ASSERT_TRUE (vm->ha);
  CU_ASSERT_EQUAL (vm->priority, HERD_PRIORITY_MEDIUM);
  CU_ASSERT_TRUE (vm->lease);
  CU_ASSERT_EQUAL (vm->resume_policy, HERD_RESUME_LEAVE_PAUSED);
  CU_ASSERT_EQUAL_FATAL (m->disks->len, 8);
  static const gint64 sizes[] = { 10, 20, 30, 40 };
  static const gboolean thin[] = { FALSE, TRUE, FALSE, FALSE };
  /* Formats as given, else raw when preallocated and qcow2 when thin (on
   * sd1, an FCP domain). */
  static const HerdDiskFormat formats[] = { HERD_DISK_RAW, HERD_DISK_QCOW2,
                                            HERD_DISK_QCOW2, HERD_DISK_RAW };
  for (guint i = 0; i < 8; i++)
    {
      HerdDisk *disk = g_ptr_array_index (m->disks, i);
      CU_ASSERT_EQUAL (disk->vm, i / 4);
      CU_ASSERT_EQUAL (disk->domain, 0);
      CU_ASSERT_EQUAL (disk->virtual_mib, sizes[i % 4] * 1024);
      CU_ASSERT_EQUAL (disk->thin, thin[i % 4]);
      CU_ASSERT_EQUAL (disk->format, formats[i % 4]);
    }
  HerdVmGroup *vg = g_ptr_array_index (s->vm_groups, 0);
  CU_ASSERT_EQUAL (vg->cpu.kind, HERD_WORKLOAD_WALK);
  CU_ASSERT_DOUBLE_EQUAL (vg->cpu.step, 2, 1e-9);
  CU_ASSERT_EQUAL (vg->memory_used_mib, 12 * 1024);
  CU_ASSERT_EQUAL (vg->dirty_rate, 20 * 1024 * 1024);
  CU_ASSERT_EQUAL (vg->working_set_mib, 2048);
  CU_ASSERT_EQUAL (vg->write_rate.mean, 1024 * 1024);
  CU_ASSERT_EQUAL (vg->boot_time, HERD_SEC (45));
  CU_ASSERT_EQUAL (vg->arrival.kind, HERD_DISTRIBUTION_UNIFORM);
  CU_ASSERT_EQUAL (vg->arrival.a, HERD_HOUR (1));
  CU_ASSERT_EQUAL (vg->arrival.b, HERD_HOUR (2));
  CU_ASSERT_TRUE (vg->has_lifetime);
  CU_ASSERT_EQUAL (vg->lifetime.kind, HERD_DISTRIBUTION_EXPONENTIAL);
  CU_ASSERT_EQUAL (vg->lifetime.a, HERD_HOUR (3));

  CU_ASSERT_EQUAL_FATAL (s->actions->len, 1);
  HerdAction *a = g_ptr_array_index (s->actions, 0);
  CU_ASSERT_STRING_EQUAL (a->name, "stop-it");
  CU_ASSERT_EQUAL (a->at, HERD_HOUR (3));
  CU_ASSERT_EQUAL (a->kind, HERD_ACTION_STOP);
  CU_ASSERT_STRING_EQUAL (a->target, "v-2");
  CU_ASSERT_PTR_NULL (a->host);
}

/* Every action and fault kind, with the fields each sets, in time order
 * (ties in file order) whatever the order of the file. */
static void
test_actions_faults (void)
{
  static const char text[]
      = "[scenario]\n"
        "duration = 2d\n"
        "migration_setup = 350ms\n"
        "[datacenter dc1]\n"
        "[cluster c1]\n"
        "[cluster c2]\n"
        "[hosts h]\n"
        "cluster = c1\n"
        "count = 3\n"
        "cores = 8\n"
        "memory = 64G\n"
        "[hosts g]\n"
        "cluster = c2\n"
        "count = 2\n"
        "cores = 8\n"
        "memory = 64G\n"
        "[vms web]\n"
        "cluster = c1\n"
        "count = 4\n"
        "vcpus = 2\n"
        "memory = 4G\n"
        "[vms db]\n"
        "cluster = c2\n"
        "vcpus = 2\n"
        "memory = 4G\n"
        "[fault link]\n" /* before its network and hosts are defined */
        "at = 9h\n"
        "kind = nic_down\n"
        "target = h-1\n"
        "network = display\n"
        "duration = 1h\n"
        "[storage sd1]\n"
        "type = nfs\n"
        "capacity = 1T\n"
        "[network ovirtmgmt]\n"
        "[network display]\n"
        "required = false\n"
        "[fault hang]\n"
        "at = 7h\n"
        "kind = agent_hang\n"
        "target = h-2\n"
        "duration = 20m\n"
        "[fault cut]\n"
        "at = 8h\n"
        "kind = partition\n"
        "target = g-1\n"
        "[fault san]\n"
        "at = 10h\n"
        "kind = storage_down\n"
        "target = sd1\n"
        "duration = 15m\n"
        "[fault san-one]\n"
        "at = 10h\n"
        "kind = storage_down\n"
        "target = sd1\n"
        "host = g-2\n"
        "[fault pdu]\n"
        "at = 11h\n"
        "kind = fence_fail\n"
        "target = h-3\n"
        "duration = 2h\n"
        "[fault engine]\n"
        "at = 12h\n"
        "kind = manager_restart\n"
        "[fault late-crash]\n"
        "at = 2d\n"
        "kind = host_crash\n"
        "target = g-2\n"
        "[action drain]\n"
        "at = 3h\n"
        "kind = maintenance\n"
        "target = h-2\n"
        "[action move]\n"
        "at = 1h\n"
        "kind = migrate\n"
        "target = web-3\n"
        "host = h-1\n"
        "[action move-anywhere]\n"
        "at = 1h\n"
        "kind = migrate\n"
        "target = db-1\n"
        "[action back]\n"
        "at = 5h\n"
        "kind = activate\n"
        "target = h-2\n"
        "[action begin]\n"
        "at = 0\n"
        "kind = start\n"
        "target = web-1\n"
        "[action end]\n"
        "at = 5h\n"
        "kind = stop\n"
        "target = web-1\n"
        "[fault crash]\n"
        "at = 6h\n"
        "kind = host_crash\n"
        "target = h-3\n"
        "duration = 90m\n"
        "[fault also-at-6h]\n"
        "at = 6h\n"
        "kind = host_crash\n"
        "target = g-1\n"
        "[fault first]\n"
        "at = 30m\n"
        "kind = host_crash\n"
        "target = h-1\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  CU_ASSERT_EQUAL (s->migration_setup, HERD_MSEC (350));

  static const struct
  {
    const char *name;
    HerdTime at;
    HerdActionKind kind;
    const char *target, *host;
  } actions[] = {
    { "begin", 0, HERD_ACTION_START, "web-1", NULL },
    { "move", HERD_HOUR (1), HERD_ACTION_MIGRATE, "web-3", "h-1" },
    { "move-anywhere", HERD_HOUR (1), HERD_ACTION_MIGRATE, "db-1", NULL },
    { "drain", HERD_HOUR (3), HERD_ACTION_MAINTENANCE, "h-2", NULL },
    { "back", HERD_HOUR (5), HERD_ACTION_ACTIVATE, "h-2", NULL },
    { "end", HERD_HOUR (5), HERD_ACTION_STOP, "web-1", NULL },
  };
  CU_ASSERT_EQUAL_FATAL (s->actions->len, G_N_ELEMENTS (actions));
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      HerdAction *a = g_ptr_array_index (s->actions, i);
      CU_ASSERT_STRING_EQUAL (a->name, actions[i].name);
      CU_ASSERT_EQUAL (a->at, actions[i].at);
      CU_ASSERT_EQUAL (a->kind, actions[i].kind);
      CU_ASSERT_STRING_EQUAL (a->target, actions[i].target);
      if (actions[i].host == NULL)
        {
          CU_ASSERT_PTR_NULL (a->host);
        }
      else
        {
          CU_ASSERT_STRING_EQUAL (a->host, actions[i].host);
        }
    }

  static const struct
  {
    const char *name;
    HerdTime at;
    HerdFaultKind kind;
    const char *target, *host, *network;
    HerdTime duration;
  } faults[] = {
    { "first", HERD_MIN (30), HERD_FAULT_HOST_CRASH, "h-1", NULL, NULL, 0 },
    { "crash", HERD_HOUR (6), HERD_FAULT_HOST_CRASH, "h-3", NULL, NULL,
      HERD_MIN (90) },
    { "also-at-6h", HERD_HOUR (6), HERD_FAULT_HOST_CRASH, "g-1", NULL, NULL,
      0 },
    { "hang", HERD_HOUR (7), HERD_FAULT_AGENT_HANG, "h-2", NULL, NULL,
      HERD_MIN (20) },
    { "cut", HERD_HOUR (8), HERD_FAULT_PARTITION, "g-1", NULL, NULL, 0 },
    { "link", HERD_HOUR (9), HERD_FAULT_NIC_DOWN, "h-1", NULL, "display",
      HERD_HOUR (1) },
    { "san", HERD_HOUR (10), HERD_FAULT_STORAGE_DOWN, "sd1", NULL, NULL,
      HERD_MIN (15) },
    { "san-one", HERD_HOUR (10), HERD_FAULT_STORAGE_DOWN, "sd1", "g-2", NULL,
      0 },
    { "pdu", HERD_HOUR (11), HERD_FAULT_FENCE_FAIL, "h-3", NULL, NULL,
      HERD_HOUR (2) },
    { "engine", HERD_HOUR (12), HERD_FAULT_MANAGER_RESTART, NULL, NULL, NULL,
      0 },
    { "late-crash", HERD_DAY (2), HERD_FAULT_HOST_CRASH, "g-2", NULL, NULL,
      0 },
  };
  CU_ASSERT_EQUAL_FATAL (s->faults->len, G_N_ELEMENTS (faults));
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      HerdFault *f = g_ptr_array_index (s->faults, i);
      CU_ASSERT_STRING_EQUAL (f->name, faults[i].name);
      CU_ASSERT_EQUAL (f->at, faults[i].at);
      CU_ASSERT_EQUAL (f->kind, faults[i].kind);
      CU_ASSERT_EQUAL (f->duration, faults[i].duration);
      if (faults[i].target == NULL)
        {
          CU_ASSERT_PTR_NULL (f->target);
        }
      else
        {
          CU_ASSERT_STRING_EQUAL (f->target, faults[i].target);
        }
      if (faults[i].host == NULL)
        {
          CU_ASSERT_PTR_NULL (f->host);
        }
      else
        {
          CU_ASSERT_STRING_EQUAL (f->host, faults[i].host);
        }
      if (faults[i].network == NULL)
        {
          CU_ASSERT_PTR_NULL (f->network);
        }
      else
        {
          CU_ASSERT_STRING_EQUAL (f->network, faults[i].network);
        }
    }
  CU_ASSERT_EQUAL (s->random_faults->len, 0);

  static const char *const action_names[HERD_ACTION_KIND_LAST] = {
    [HERD_ACTION_START] = "start",
    [HERD_ACTION_STOP] = "stop",
    [HERD_ACTION_MIGRATE] = "migrate",
    [HERD_ACTION_MAINTENANCE] = "maintenance",
    [HERD_ACTION_ACTIVATE] = "activate",
    [HERD_ACTION_ADD_LUN] = "add_lun",
    [HERD_ACTION_GROW_STORAGE] = "grow_storage",
    [HERD_ACTION_SNAPSHOT] = "snapshot",
    [HERD_ACTION_PREVIEW_SNAPSHOT] = "preview_snapshot",
    [HERD_ACTION_COMMIT_SNAPSHOT] = "commit_snapshot",
    [HERD_ACTION_UNDO_SNAPSHOT] = "undo_snapshot",
    [HERD_ACTION_DELETE_SNAPSHOT] = "delete_snapshot",
  };
  for (int k = 0; k < HERD_ACTION_KIND_LAST; k++)
    CU_ASSERT_STRING_EQUAL (herd_action_kind_name ((HerdActionKind) k),
                            action_names[k]);
  static const char *const fault_names[HERD_FAULT_KIND_LAST] = {
    [HERD_FAULT_HOST_CRASH] = "host_crash",
    [HERD_FAULT_AGENT_HANG] = "agent_hang",
    [HERD_FAULT_PARTITION] = "partition",
    [HERD_FAULT_NIC_DOWN] = "nic_down",
    [HERD_FAULT_STORAGE_DOWN] = "storage_down",
    [HERD_FAULT_FENCE_FAIL] = "fence_fail",
    [HERD_FAULT_MANAGER_RESTART] = "manager_restart",
  };
  for (int k = 0; k < HERD_FAULT_KIND_LAST; k++)
    CU_ASSERT_STRING_EQUAL (herd_fault_kind_name ((HerdFaultKind) k),
                            fault_names[k]);
}

/* [faults random]: its kind, distributions and hosts (host references of
 * any cluster, every host by default). */
static void
test_random_faults (void)
{
  static const char text[]
      = "[datacenter dc1]\n"
        "[cluster c1]\n"
        "[cluster c2]\n"
        "[faults random]\n" /* before the hosts it names */
        "kind = partition\n"
        "mtbf = weibull(shape=1.5, scale=30d)\n"
        "mttr = uniform(min=10m, max=2h)\n"
        "hosts = g, h-2, h-2\n"
        "[hosts h]\n"
        "cluster = c1\n"
        "count = 3\n"
        "cores = 8\n"
        "memory = 64G\n"
        "[hosts g]\n"
        "cluster = c2\n"
        "count = 2\n"
        "cores = 8\n"
        "memory = 64G\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  CU_ASSERT_EQUAL_FATAL (s->random_faults->len, 1);
  HerdRandomFaults *r = g_ptr_array_index (s->random_faults, 0);
  CU_ASSERT_EQUAL (r->kind, HERD_FAULT_PARTITION);
  CU_ASSERT_EQUAL (r->mtbf.kind, HERD_DISTRIBUTION_WEIBULL);
  CU_ASSERT_DOUBLE_EQUAL (r->mtbf.shape, 1.5, 1e-12);
  CU_ASSERT_EQUAL (r->mtbf.a, HERD_DAY (30));
  CU_ASSERT_EQUAL (r->mttr.kind, HERD_DISTRIBUTION_UNIFORM);
  CU_ASSERT_EQUAL (r->mttr.a, HERD_MIN (10));
  CU_ASSERT_EQUAL (r->mttr.b, HERD_HOUR (2));
  CU_ASSERT_EQUAL_FATAL (r->hosts.n, 3);
  CU_ASSERT_EQUAL (r->hosts.ids[0], 1); /* h-2 */
  CU_ASSERT_EQUAL (r->hosts.ids[1], 3); /* g-1 */
  CU_ASSERT_EQUAL (r->hosts.ids[2], 4); /* g-2 */
  CU_ASSERT_EQUAL (s->faults->len, 0);

  /* The defaults: host_crash on every host. */
  g_autoptr (HerdScenario) d = load_text ("[datacenter dc1]\n"
                                          "[cluster c1]\n"
                                          "[hosts h]\n"
                                          "count = 4\n"
                                          "cores = 8\n"
                                          "memory = 64G\n"
                                          "[faults random]\n"
                                          "mtbf = exponential(mean=10d)\n"
                                          "mttr = 2h\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL (d);
  CU_ASSERT_EQUAL_FATAL (d->random_faults->len, 1);
  r = g_ptr_array_index (d->random_faults, 0);
  CU_ASSERT_EQUAL (r->kind, HERD_FAULT_HOST_CRASH);
  CU_ASSERT_EQUAL (r->mtbf.kind, HERD_DISTRIBUTION_EXPONENTIAL);
  CU_ASSERT_EQUAL (r->mtbf.a, HERD_DAY (10));
  CU_ASSERT_EQUAL (r->mttr.kind, HERD_DISTRIBUTION_FIXED);
  CU_ASSERT_EQUAL (r->mttr.a, HERD_HOUR (2));
  CU_ASSERT_EQUAL_FATAL (r->hosts.n, 4);
  for (guint32 i = 0; i < 4; i++)
    CU_ASSERT_EQUAL (r->hosts.ids[i], i);

  /* agent_hang, and a host list of one group. */
  g_autoptr (HerdScenario) a = load_text ("[datacenter dc1]\n"
                                          "[cluster c1]\n"
                                          "[hosts h]\n"
                                          "count = 2\n"
                                          "cores = 8\n"
                                          "memory = 64G\n"
                                          "[hosts x]\n"
                                          "cores = 8\n"
                                          "memory = 64G\n"
                                          "[faults random]\n"
                                          "kind = agent_hang\n"
                                          "mtbf = 1d\n"
                                          "mttr = exponential(mean=5m)\n"
                                          "hosts = x\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL (a);
  r = g_ptr_array_index (a->random_faults, 0);
  CU_ASSERT_EQUAL (r->kind, HERD_FAULT_AGENT_HANG);
  CU_ASSERT_EQUAL_FATAL (r->hosts.n, 1);
  CU_ASSERT_EQUAL (r->hosts.ids[0], 2);
}

/* The profile is applied first and overrides after, whatever the order of
 * the lines and groups. */
static void
test_profile_order (void)
{
  static const char text[]
      = "[cluster c1]\n"
        "policy.HighUtilization = 70\n"
        "[cluster c2]\n"
        "datacenter = dc1\n"
        "policy.CpuOverCommitDuration = 7m\n"
        "[defaults]\n"
        "HostReservedMemory = 2G\n"
        "profile = ovirt-4.5\n"
        "[hosts h]\n"
        "cluster = c1\n"
        "cores = 8\n"
        "memory = 64G\n"
        "[datacenter dc1]\n"
        "[scenario]\n"
        "profile = ovirt-4.5\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_EQUAL (s->profile, HERD_PROFILE_OVIRT_4_5);
  CU_ASSERT_EQUAL (m->params.host_reserved_mib, 2048);
  CU_ASSERT_EQUAL (herd_model_host (m, 0)->reserved_mib, 2048);
  HerdCluster *c1 = herd_model_cluster (m, 0);
  HerdCluster *c2 = herd_model_cluster (m, 1);
  /* ovirt-4.5's 2 minutes where not overridden. */
  CU_ASSERT_EQUAL (c1->policy_params.cpu_overcommit_duration, HERD_MIN (2));
  CU_ASSERT_DOUBLE_EQUAL (c1->policy_params.high_utilization, 70, 1e-9);
  CU_ASSERT_EQUAL (c2->policy_params.cpu_overcommit_duration, HERD_MIN (7));
  CU_ASSERT_DOUBLE_EQUAL (c2->policy_params.high_utilization, 80, 1e-9);

  /* The profile from [defaults] alone works too. */
  g_autoptr (HerdScenario) d = load_text ("[defaults]\n"
                                          "VmMemoryOverhead = 128M\n"
                                          "profile = ovirt-4.5\n"
                                          "[datacenter dc1]\n"
                                          "[cluster c1]\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL (d);
  CU_ASSERT_EQUAL (d->profile, HERD_PROFILE_OVIRT_4_5);
  CU_ASSERT_EQUAL (d->model->params.vm_memory_overhead_mib, 128);
  CU_ASSERT_EQUAL (d->model->params.host_reserved_mib, 1024);
  CU_ASSERT_EQUAL (
      herd_model_cluster (d->model, 0)->policy_params.cpu_overcommit_duration,
      HERD_MIN (2));
}

static void
test_inline_comments (void)
{
  static const char text[]
      = "; a comment\n"
        "# another comment\n"
        "   ; an indented comment\n"
        "[scenario]   ; the scenario\n"
        "name = a;b#c  ; only the part after whitespace is a comment\n"
        "seed = 7\t# tab before the comment\n"
        "[datacenter dc1]\t; tab\n"
        "[cluster c1]\r\n"
        "policy = power_saving  ; pack\r\n"
        "[hosts h]\n"
        "count = 4   ; comment\n"
        "cores=8\n"
        "   memory   =   64G   \n"
        "fence_agent = ipmilan # comment\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  CU_ASSERT_STRING_EQUAL (s->name, "a;b#c");
  CU_ASSERT_EQUAL (s->seed, 7);
  CU_ASSERT_EQUAL (herd_model_cluster (s->model, 0)->policy,
                   HERD_POLICY_POWER_SAVING);
  CU_ASSERT_EQUAL (s->model->hosts->len, 4);
  CU_ASSERT_EQUAL (herd_model_host (s->model, 3)->cores, 8);
  CU_ASSERT_EQUAL (herd_model_host (s->model, 3)->memory_mib, 64 * 1024);
  HerdHostGroup *hg = g_ptr_array_index (s->host_groups, 0);
  CU_ASSERT_STRING_EQUAL (hg->fence_agents[0], "ipmilan");
  /* The text is kept as read, comments and all. */
  CU_ASSERT_STRING_EQUAL (s->text, text);
}

/* References resolve against groups anywhere in the file; objects still
 * get ids in file order within their kind. */
static void
test_forward_references (void)
{
  static const char text[]
      = "[action late]\n"
        "at = 5h\n"
        "kind = start\n"
        "target = b-1\n"
        "[action early]\n"
        "at = 1h\n"
        "kind = stop\n"
        "target = a-2\n"
        "[action also-early]\n"
        "at = 1h\n"
        "kind = start\n"
        "target = a-1\n"
        "[vms a]\n"
        "cluster = east\n"
        "count = 2\n"
        "vcpus = 4\n"
        "memory = 8G\n"
        "disk = 10G thin fast\n"
        "[vms b]\n"
        "cluster = west\n"
        "vcpus = 2\n"
        "memory = 60G\n"
        "[hosts w]\n"
        "cluster = west\n"
        "count = 2\n"
        "cores = 4\n"
        "memory = 64G\n"
        "[hosts e]\n"
        "cluster = east\n"
        "cores = 8\n"
        "memory = 32G\n"
        "[cluster west]\n"
        "datacenter = d2\n"
        "[cluster east]\n"
        "datacenter = d1\n"
        "[storage fast]\n"
        "datacenter = d1\n"
        "type = posix\n"
        "capacity = 1T\n"
        "[storage slow]\n"
        "datacenter = d1\n"
        "type = glusterfs\n"
        "capacity = 1T\n"
        "master = true\n"
        "[network ovirtmgmt]\n"
        "datacenter = d2\n"
        "[datacenter d1]\n"
        "[datacenter d2]\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_EQUAL (herd_model_find_datacenter (m, "d1"), 0);
  CU_ASSERT_EQUAL (herd_model_find_datacenter (m, "d2"), 1);
  CU_ASSERT_EQUAL (herd_model_find_cluster (m, "west"), 0);
  CU_ASSERT_EQUAL (herd_model_find_cluster (m, "east"), 1);
  CU_ASSERT_EQUAL (herd_model_cluster (m, 0)->datacenter, 1);
  CU_ASSERT_EQUAL (herd_model_cluster (m, 1)->datacenter, 0);
  /* Hosts in file order: w-1, w-2, e-1. */
  CU_ASSERT_EQUAL (m->hosts->len, 3);
  CU_ASSERT_STRING_EQUAL (herd_model_host (m, 0)->name, "w-1");
  CU_ASSERT_STRING_EQUAL (herd_model_host (m, 2)->name, "e-1");
  CU_ASSERT_EQUAL (herd_model_host (m, 2)->cluster, 1);
  CU_ASSERT_EQUAL (herd_model_cluster (m, 0)->hosts->len, 2);
  CU_ASSERT_EQUAL (g_array_index (s->host_group_of, guint32, 2), 1);
  CU_ASSERT_STRING_EQUAL (herd_model_vm (m, 2)->name, "b-1");
  CU_ASSERT_EQUAL (herd_model_vm (m, 2)->cluster, 0);
  /* The marked master wins over the first data domain. */
  CU_ASSERT_FALSE (herd_model_domain (m, 0)->master);
  CU_ASSERT_TRUE (herd_model_domain (m, 1)->master);
  CU_ASSERT_EQUAL (herd_model_datacenter (m, 0)->master_domain, 1);
  CU_ASSERT_EQUAL (herd_model_datacenter (m, 1)->master_domain,
                   HERD_ID_NONE);
  CU_ASSERT_EQUAL (((HerdDisk *) g_ptr_array_index (m->disks, 0))->domain, 0);
  CU_ASSERT_EQUAL (herd_model_network (m, 0)->datacenter, 1);
  /* Actions by time, ties in file order. */
  CU_ASSERT_EQUAL_FATAL (s->actions->len, 3);
  static const char *const order[] = { "early", "also-early", "late" };
  for (guint i = 0; i < 3; i++)
    CU_ASSERT_STRING_EQUAL (
        ((HerdAction *) g_ptr_array_index (s->actions, i))->name, order[i]);
}

/* The ids of a HerdIdList as "0 1 4", to compare in one assertion. */
static char *
id_list_text (const HerdIdList *list)
{
  GString *out = g_string_new (NULL);
  for (guint32 i = 0; i < list->n; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? " " : "", list->ids[i]);
  return g_string_free (out, FALSE);
}

#define CHECK_IDS(list, text)                                               \
  do                                                                        \
    {                                                                       \
      g_autofree char *ids_ = id_list_text (&(list));                       \
      CU_ASSERT_STRING_EQUAL (ids_, (text));                                \
      if (strcmp (ids_, (text)) != 0)                                       \
        g_printerr ("\n%s: got \"%s\", want \"%s\"\n", #list, ids_, (text)); \
    }                                                                       \
  while (0)

/* Networks (host and vNIC masks, required masks), pinning, "do not
 * migrate", preferred hosts, power management and affinity groups whose
 * members are given as VM groups and single VMs. */
static void
test_placement (void)
{
  static const char text[]
      = "[datacenter dc1]\n"
        "[datacenter dc2]\n"
        "[cluster c1]\n"
        "datacenter = dc1\n"
        "[cluster c2]\n"
        "datacenter = dc2\n"
        "[network ovirtmgmt]\n" /* dc1 bit 0, required */
        "datacenter = dc1\n"
        "[network wan]\n"       /* dc2 bit 0, required */
        "datacenter = dc2\n"
        "[network display]\n"   /* dc1 bit 1, optional */
        "datacenter = dc1\n"
        "required = false\n"
        "[network storage]\n"   /* dc1 bit 2, required, not for VMs */
        "datacenter = dc1\n"
        "vm_network = false\n"
        "[hosts h]\n"           /* hosts 0..2 */
        "cluster = c1\n"
        "count = 3\n"
        "cores = 16\n"
        "memory = 128G\n"
        "fence_agent = ipmilan\n"
        "[hosts g]\n"           /* hosts 3..4 */
        "cluster = c1\n"
        "count = 2\n"
        "cores = 16\n"
        "memory = 128G\n"
        "networks = storage, ovirtmgmt\n"
        "fence_agent = none\n"
        "[hosts k]\n"           /* host 5 */
        "cluster = c2\n"
        "cores = 16\n"
        "memory = 128G\n"
        "networks =\n"
        "[vms web]\n"           /* VMs 0..3 */
        "cluster = c1\n"
        "count = 4\n"
        "vcpus = 2\n"
        "memory = 4G\n"
        "networks = display, ovirtmgmt\n"
        "pinned_to = h\n"
        "preferred_hosts = g-2, h-1, h-1\n"
        "[vms db]\n"            /* VMs 4..5 */
        "cluster = c1\n"
        "count = 2\n"
        "vcpus = 2\n"
        "memory = 4G\n"
        "pinned_to = g-1, h-3\n"
        "migratable = false\n"
        "[vms solo]\n"          /* VM 6 */
        "cluster = c1\n"
        "vcpus = 2\n"
        "memory = 4G\n"
        "migratable = no\n"
        "[vms far]\n"           /* VMs 7..8 */
        "cluster = c2\n"
        "count = 2\n"
        "vcpus = 2\n"
        "memory = 4G\n"
        "networks = wan\n"
        "[affinity apart]\n"
        "cluster = c1\n"
        "vms = web, db-1, web-2\n"
        "vm_rule = negative\n"
        "vm_enforcing = true\n"
        "[affinity on-g]\n"
        "cluster = c1\n"
        "vms = db, web-2\n"
        "vm_rule = positive\n"
        "hosts = g, h-2\n"
        "host_rule = positive\n"
        "host_enforcing = yes\n"
        "[affinity off-k]\n"
        "cluster = c2\n"
        "vms = far-2\n"
        "hosts = k\n"
        "host_rule = negative\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;

  /* Networks are numbered per data center, in file order. */
  CU_ASSERT_EQUAL_FATAL (m->networks->len, 4);
  static const guint bits[] = { 0, 0, 1, 2 };
  for (guint i = 0; i < 4; i++)
    CU_ASSERT_EQUAL (herd_model_network (m, i)->bit, bits[i]);
  CU_ASSERT_EQUAL (herd_model_cluster (m, 0)->required_networks, 0x5);
  CU_ASSERT_EQUAL (herd_model_cluster (m, 1)->required_networks, 0x1);

  /* Hosts: every network of the data center by default, else the list;
   * power management with a fence agent. */
  CU_ASSERT_EQUAL_FATAL (m->hosts->len, 6);
  static const struct
  {
    HerdNetworkSet networks;
    gboolean power_management;
  } hosts[] = {
    { 0x7, TRUE }, { 0x7, TRUE }, { 0x7, TRUE },
    { 0x5, FALSE }, { 0x5, FALSE }, { 0x0, FALSE },
  };
  for (HerdId id = 0; id < 6; id++)
    {
      HerdHost *h = herd_model_host (m, id);
      CU_ASSERT_EQUAL (h->networks, hosts[id].networks);
      CU_ASSERT_EQUAL (h->networks_down, 0);
      CU_ASSERT_EQUAL (h->power_management, hosts[id].power_management);
    }

  CU_ASSERT_EQUAL_FATAL (m->vms->len, 9);
  static const struct
  {
    HerdNetworkSet networks;
    const char *pinned_to;
    gboolean migratable;
    const char *preferred_hosts, *affinity_groups;
  } vms[] = {
    { 0x3, "0 1 2", TRUE, "0 4", "0" },   /* web-1 */
    { 0x3, "0 1 2", TRUE, "0 4", "0 1" }, /* web-2 */
    { 0x3, "0 1 2", TRUE, "0 4", "0" },   /* web-3 */
    { 0x3, "0 1 2", TRUE, "0 4", "0" },   /* web-4 */
    { 0x0, "2 3", FALSE, "", "0 1" },     /* db-1 */
    { 0x0, "2 3", FALSE, "", "1" },       /* db-2 */
    { 0x0, "", FALSE, "", "" },           /* solo-1 */
    { 0x1, "", TRUE, "", "" },            /* far-1 */
    { 0x1, "", TRUE, "", "2" },           /* far-2 */
  };
  for (HerdId id = 0; id < 9; id++)
    {
      HerdVm *vm = herd_model_vm (m, id);
      CU_ASSERT_EQUAL (vm->networks, vms[id].networks);
      CHECK_IDS (vm->pinned_to, vms[id].pinned_to);
      CU_ASSERT_EQUAL (vm->migratable, vms[id].migratable);
      CHECK_IDS (vm->preferred_hosts, vms[id].preferred_hosts);
      CHECK_IDS (vm->affinity_groups, vms[id].affinity_groups);
    }

  CU_ASSERT_EQUAL_FATAL (m->affinity_groups->len, 3);
  HerdAffinityGroup *apart = herd_model_affinity_group (m, 0);
  CU_ASSERT_STRING_EQUAL (apart->name, "apart");
  CU_ASSERT_EQUAL (apart->id, 0);
  CU_ASSERT_EQUAL (apart->cluster, 0);
  CHECK_IDS (apart->vms, "0 1 2 3 4");
  CHECK_IDS (apart->hosts, "");
  CU_ASSERT_EQUAL (apart->vm_rule, HERD_AFFINITY_NEGATIVE);
  CU_ASSERT_TRUE (apart->vm_enforcing);
  CU_ASSERT_EQUAL (apart->host_rule, HERD_AFFINITY_NONE);
  CU_ASSERT_FALSE (apart->host_enforcing);
  HerdAffinityGroup *on_g = herd_model_affinity_group (m, 1);
  CU_ASSERT_STRING_EQUAL (on_g->name, "on-g");
  CU_ASSERT_EQUAL (on_g->cluster, 0);
  CHECK_IDS (on_g->vms, "1 4 5");
  CHECK_IDS (on_g->hosts, "1 3 4");
  CU_ASSERT_EQUAL (on_g->vm_rule, HERD_AFFINITY_POSITIVE);
  CU_ASSERT_FALSE (on_g->vm_enforcing);
  CU_ASSERT_EQUAL (on_g->host_rule, HERD_AFFINITY_POSITIVE);
  CU_ASSERT_TRUE (on_g->host_enforcing);
  HerdAffinityGroup *off_k = herd_model_affinity_group (m, 2);
  CU_ASSERT_STRING_EQUAL (off_k->name, "off-k");
  CU_ASSERT_EQUAL (off_k->cluster, 1);
  CHECK_IDS (off_k->vms, "8");
  CHECK_IDS (off_k->hosts, "5");
  CU_ASSERT_EQUAL (off_k->vm_rule, HERD_AFFINITY_NONE);
  CU_ASSERT_EQUAL (off_k->host_rule, HERD_AFFINITY_NEGATIVE);
  CU_ASSERT_FALSE (off_k->host_enforcing);

  /* Empty lists: any host, no preferred host. */
  g_autoptr (HerdScenario) e = load_text ("[datacenter dc1]\n"
                                          "[cluster c1]\n"
                                          "[hosts h]\n"
                                          "cores = 8\n"
                                          "memory = 64G\n"
                                          "[vms v]\n"
                                          "vcpus = 2\n"
                                          "memory = 4G\n"
                                          "pinned_to =\n"
                                          "preferred_hosts = \n"
                                          "networks =\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL (e);
  HerdVm *v = herd_model_vm (e->model, 0);
  CU_ASSERT_EQUAL (v->pinned_to.n, 0);
  CU_ASSERT_EQUAL (v->preferred_hosts.n, 0);
  CU_ASSERT_EQUAL (v->networks, 0);
}

/* A scenario with n networks in dc1, on which its host's networks and the
 * VM's vNICs are given. */
static char *
networks_text (guint n, const char *host_networks, const char *vm_networks)
{
  GString *text = g_string_new ("[datacenter dc1]\n[cluster c1]\n");
  for (guint i = 1; i <= n; i++)
    g_string_append_printf (text, "[network n%u]\nrequired = %s\n", i,
                            i % 2 == 0 ? "true" : "false");
  g_string_append (text, "[hosts h]\ncores = 8\nmemory = 64G\n");
  if (host_networks != NULL)
    g_string_append_printf (text, "networks = %s\n", host_networks);
  g_string_append (text, "[vms v]\nvcpus = 2\nmemory = 4G\n");
  if (vm_networks != NULL)
    g_string_append_printf (text, "networks = %s\n", vm_networks);
  return g_string_free (text, FALSE);
}

/* 64 networks per data center fit a HerdNetworkSet; a 65th is an
 * error. */
static void
test_network_limit (void)
{
  g_autofree char *full = networks_text (HERD_MAX_NETWORKS_PER_DC, NULL,
                                         "n64, n1");
  g_autoptr (HerdScenario) s = load_text (full);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_EQUAL (herd_model_network (m, 63)->bit, 63);
  CU_ASSERT_EQUAL (herd_model_host (m, 0)->networks, G_MAXUINT64);
  CU_ASSERT_EQUAL (herd_model_cluster (m, 0)->required_networks,
                   G_GUINT64_CONSTANT (0xAAAAAAAAAAAAAAAA));
  CU_ASSERT_EQUAL (herd_model_vm (m, 0)->networks,
                   G_GUINT64_CONSTANT (0x8000000000000001));

  g_autofree char *some = networks_text (3, "n3, n1", NULL);
  g_autoptr (HerdScenario) t = load_text (some);
  CU_ASSERT_PTR_NOT_NULL_FATAL (t);
  CU_ASSERT_EQUAL (herd_model_host (t->model, 0)->networks, 0x5);
  CU_ASSERT_EQUAL (herd_model_cluster (t->model, 0)->required_networks,
                   0x2);

  g_autofree char *over = networks_text (HERD_MAX_NETWORKS_PER_DC + 1, NULL,
                                         NULL);
  g_autofree char *message = load_error (over);
  /* [network n65] is on line 2 + 2 x 64 + 1. */
  CU_ASSERT_STRING_EQUAL (message,
                          "t.ini:131: [network n65]: datacenter dc1 has more "
                          "than 64 networks (a datacenter takes at most 64 "
                          "[network] groups)");
}

/* A few errors beyond the golden files: exact messages. */
/* What oVirt's scheduler unit tests state of a cluster (issue 15): a
 * host's own CPU load, memory committed besides its VMs and time already
 * out of the CPU thresholds; VMs running on a host at time 0 (whatever
 * their size); affinity priority and labels (members of the group's
 * cluster only); a pinned VM that may still migrate among its hosts. */
static void
test_ovirt_fixtures (void)
{
  static const char text[]
      = "[datacenter dc1]\n"
        "[cluster c1]\n"
        "datacenter = dc1\n"
        "[cluster c2]\n"
        "datacenter = dc1\n"
        "[hosts h]\n"          /* hosts 0..1 */
        "cluster = c1\n"
        "count = 2\n"
        "cores = 4\n"
        "memory = 16G\n"
        "swap = 1G\n"
        "cpu_load = 70%\n"
        "committed_memory = 3G\n"
        "cpu_threshold_for = 5m\n"
        "labels = gpu, ssd\n"
        "[hosts g]\n"          /* host 2 */
        "cluster = c1\n"
        "cores = 2\n"
        "memory = 8G\n"
        "labels = ssd\n"
        "[hosts k]\n"          /* host 3: the other cluster */
        "cluster = c2\n"
        "cores = 4\n"
        "memory = 8G\n"
        "labels = gpu\n"
        "[vms big]\n"          /* VMs 0..1: 8 vCPUs each on 4 cores */
        "cluster = c1\n"
        "count = 2\n"
        "vcpus = 8\n"
        "memory = 32G\n"       /* more than any host: running already */
        "memory_used = 2G\n"
        "host = h-2\n"
        "pinned_to = h\n"
        "labels = front\n"
        "lifetime = 1h\n"
        "[vms small]\n"        /* VM 2 */
        "cluster = c1\n"
        "vcpus = 1\n"
        "memory = 1G\n"
        "host = g\n"           /* a group of one host names that host */
        "labels = back, front\n"
        "[vms far]\n"          /* VM 3: the other cluster */
        "cluster = c2\n"
        "vcpus = 1\n"
        "memory = 1G\n"
        "labels = front\n"
        "[affinity fronts]\n"
        "cluster = c1\n"
        "vm_labels = front\n"
        "vm_rule = negative\n"
        "priority = 2.5\n"
        "[affinity mixed]\n"
        "cluster = c1\n"
        "vms = small-1\n"
        "vm_labels = back\n"
        "hosts = g-1\n"
        "host_labels = gpu\n"
        "host_rule = positive\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;

  CU_ASSERT_EQUAL_FATAL (s->host_groups->len, 3);
  const HerdHostGroup *h = g_ptr_array_index (s->host_groups, 0);
  const HerdHostGroup *g = g_ptr_array_index (s->host_groups, 1);
  CU_ASSERT_DOUBLE_EQUAL (h->cpu_load, 70, 0);
  CU_ASSERT_EQUAL (h->committed_mib, 3 * 1024);
  CU_ASSERT_DOUBLE_EQUAL (g->cpu_load, 0, 0);
  CU_ASSERT_EQUAL (g->committed_mib, 0);
  for (HerdId id = 0; id < 4; id++)
    {
      const HerdHost *host = herd_model_host (m, id);
      CU_ASSERT_EQUAL (host->committed_mem_mib, id < 2 ? 3 * 1024 : 0);
      CU_ASSERT_EQUAL (host->cpu_over_since,
                       id < 2 ? -HERD_MIN (5) : HERD_TIME_NEVER);
      CU_ASSERT_EQUAL (host->vm_count, 0); /* the manager adopts them */
    }

  CU_ASSERT_EQUAL_FATAL (s->vm_groups->len, 3);
  static const HerdId placed[] = { 1, 2, HERD_ID_NONE };
  for (guint i = 0; i < 3; i++)
    CU_ASSERT_EQUAL (((const HerdVmGroup *) g_ptr_array_index (s->vm_groups,
                                                                i))
                         ->host,
                     placed[i]);
  const HerdVm *big = herd_model_vm (m, 0);
  CU_ASSERT_EQUAL (big->vcpus, 8);
  CU_ASSERT_EQUAL (big->status, HERD_VM_DOWN);
  CHECK_IDS (big->pinned_to, "0 1");
  CU_ASSERT_TRUE (big->migratable); /* pinned, and may migrate */

  CU_ASSERT_EQUAL_FATAL (m->affinity_groups->len, 2);
  const HerdAffinityGroup *fronts = herd_model_affinity_group (m, 0);
  CHECK_IDS (fronts->vms, "0 1 2"); /* not far-1 of c2 */
  CHECK_IDS (fronts->hosts, "");
  CU_ASSERT_DOUBLE_EQUAL (fronts->priority, 2.5, 0);
  const HerdAffinityGroup *mixed = herd_model_affinity_group (m, 1);
  CHECK_IDS (mixed->vms, "2");
  CHECK_IDS (mixed->hosts, "0 1 2"); /* not k-1 of c2 */
  CU_ASSERT_DOUBLE_EQUAL (mixed->priority, 1, 0);
  CHECK_IDS (herd_model_vm (m, 2)->affinity_groups, "0 1");
  CHECK_IDS (herd_model_vm (m, 3)->affinity_groups, "");
}

/* The manager's parameters of oVirt's scheduling configuration, in
 * [defaults] and as a cluster's policy.NAME: set from a scenario, and a
 * bad value rejected with the parameter's own message. */
static void
test_scheduling_params (void)
{
  static const char text[]
      = "[defaults]\n"
        "VcpuConsumptionPercentage = 20\n"
        "SpmVCpuConsumption = 2\n"
        "UtilizationThresholdInPercent = 70\n"
        "MaxSchedulerWeight = 500\n"
        "[datacenter dc1]\n"
        "[cluster c1]\n"
        "policy.VCpuToPhysicalCpuRatio = 2.5\n"
        "policy.ScaleDownForHaReservation = 4\n"
        "policy.EnableAutomaticHostPowerManagement = false\n"
        "[hosts h]\ncores = 4\nmemory = 8G\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  const HerdParams *p = &s->model->params;
  CU_ASSERT_EQUAL (p->vcpu_consumption_percent, 20);
  CU_ASSERT_EQUAL (p->spm_vcpu_consumption, 2);
  CU_ASSERT_EQUAL (p->utilization_threshold_percent, 70);
  CU_ASSERT_EQUAL (p->max_scheduler_weight, 500);
  const HerdPolicyParams *pp = &herd_model_cluster (s->model, 0)
                                     ->policy_params;
  CU_ASSERT_DOUBLE_EQUAL (pp->vcpu_to_physical_cpu_ratio, 2.5, 0);
  CU_ASSERT_EQUAL (pp->scale_down_for_ha_reservation, 4);
  CU_ASSERT_FALSE (pp->automatic_power_management);

  static const struct
  {
    gboolean policy;
    const char *name, *bad;
  } bad[] = {
    { FALSE, "VcpuConsumptionPercentage", "101" },
    { FALSE, "SpmVCpuConsumption", "-1" },
    { FALSE, "UtilizationThresholdInPercent", "80%" },
    { FALSE, "MaxSchedulerWeight", "1" },
    { TRUE, "VCpuToPhysicalCpuRatio", "1e3" },
    { TRUE, "ScaleDownForHaReservation", "0" },
    { TRUE, "EnableAutomaticHostPowerManagement", "sometimes" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      /* Line 2: [defaults] NAME or [cluster c1] policy.NAME. */
      g_autofree char *line = g_strdup_printf ("%s%s = %s\n",
                                               bad[i].policy ? "policy."
                                                             : "",
                                               bad[i].name, bad[i].bad);
      g_autofree char *scenario = g_strdup_printf (
          "%s%s[datacenter dc1]\n%s[hosts h]\ncores = 4\nmemory = 8G\n",
          bad[i].policy ? "[cluster c1]\n" : "[defaults]\n",
          line, bad[i].policy ? "" : "[cluster c1]\n");
      g_autoptr (GError) why = NULL;
      HerdParams params;
      HerdPolicyParams policy;
      herd_params_init (&params, HERD_PROFILE_RHV_4_1);
      herd_policy_params_init (&policy, HERD_PROFILE_RHV_4_1);
      CU_ASSERT_FALSE (bad[i].policy
                           ? herd_policy_params_set (&policy, bad[i].name,
                                                     bad[i].bad, &why)
                           : herd_params_set (&params, bad[i].name,
                                              bad[i].bad, &why));
      g_autofree char *want = g_strdup_printf (
          "t.ini:2: [%s] %s%s: %s",
          bad[i].policy ? "cluster c1" : "defaults",
          bad[i].policy ? "policy." : "", bad[i].name, why->message);
      g_autofree char *got = load_error (scenario);
      CU_ASSERT_STRING_EQUAL (got, want);
      if (strcmp (got, want) != 0)
        g_printerr ("\n got: %s\nwant: %s\n", got, want);
    }
  /* Numbers as every other value: no exponent. */
  g_autofree char *ratio = load_error (
      "[datacenter dc1]\n[cluster c1]\npolicy.VCpuToPhysicalCpuRatio = 1e3\n"
      "[hosts h]\ncores = 4\nmemory = 8G\n");
  CU_ASSERT_STRING_EQUAL (ratio,
                          "t.ini:3: [cluster c1] "
                          "policy.VCpuToPhysicalCpuRatio: expected a number "
                          "between 0 and 1000 such as 1.5, got \"1e3\"");
}

/* Two clusters: h-1, h-2 in c1, k-1 in c2 (12 lines). */
#define TWO                                                                 \
  "[datacenter dc1]\n[cluster c1]\n[cluster c2]\n[hosts h]\ncluster = c1\n" \
  "count = 2\ncores = 4\nmemory = 8G\n[hosts k]\ncluster = c2\n"         \
  "cores = 4\nmemory = 8G\n"
#define AFF                                                                 \
  "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"  \
  "[vms v]\ncount = 3\nvcpus = 1\nmemory = 1G\n"
static void
test_inline_errors (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "key = 1\n",
      "t.ini:1: expected a [group] header before the first key, got "
      "\"key = 1\"" },
    { "[scenario]\nseed = -1\n[datacenter dc1]\n[cluster c1]\n",
      "t.ini:2: [scenario] seed: expected a whole number of at least 0, got "
      "\"-1\" (out of range)" },
    { "[scenario x]\n",
      "t.ini:1: [scenario x]: expected [scenario] with no name, got "
      "\"[scenario x]\"" },
    { "[hosts]\ncores = 1\n",
      "t.ini:1: [hosts]: expected a name after the kind, as in [hosts NAME], "
      "got \"[hosts]\"" },
    { "[datacenter dc1]\n",
      "t.ini: no [cluster NAME] group: at least one cluster is required" },
    { "[datacenter dc1]\n[datacenter dc2]\n[cluster c1]\n",
      "t.ini:3: [cluster c1]: missing key \"datacenter\" (required when "
      "there is more than one datacenter: dc1, dc2)" },
    { "[datacenter dc1]\n[cluster c1]\nmigration_bandwidth = 0M/s\n",
      "t.ini:3: [cluster c1] migration_bandwidth: expected a rate more than "
      "0 such as 52MiB/s or 10Gbit, got \"0M/s\"" },
    { "[datacenter dc1]\n[cluster c1]\n[storage s]\ntype = nfs\n"
      "capacity = 1T\nrole = iso\nmaster = true\n",
      "t.ini:7: [storage s] master: expected false for an iso domain (only a "
      "data domain can be master), got \"true\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\ndisk = 10G\n",
      "t.ini:9: [vms v] disk: datacenter dc1 of cluster c1 has no data "
      "storage domain for disk 1" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\ndisk = 10G thin sd1 extra\n",
      "t.ini:9: [vms v] disk: expected a comma-separated list of SIZE "
      "[thin|preallocated] [raw|qcow2] [data=SIZE] [DOMAIN] such as 100G "
      "thin data=30G, 20G preallocated sd1, got \"10G thin sd1 extra\" (disk 1: \"sd1\" is "
      "none of thin, preallocated, raw, qcow2 and data=SIZE, and is not "
      "last)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\ndisk = 10G preallocated data=2G\n",
      "t.ini:9: [vms v] disk: expected a comma-separated list of SIZE "
      "[thin|preallocated] [raw|qcow2] [data=SIZE] [DOMAIN] such as 100G "
      "thin data=30G, 20G preallocated sd1, got \"10G preallocated data=2G\" (disk 1: data= is for a thin disk (a "
      "preallocated one takes its whole size))" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\ndisk = 10G thin data=11G\n",
      "t.ini:9: [vms v] disk: expected a comma-separated list of SIZE "
      "[thin|preallocated] [raw|qcow2] [data=SIZE] [DOMAIN] such as 100G "
      "thin data=30G, 20G preallocated sd1, got \"10G thin data=11G\" (disk 1: data= must lie in 0..its size)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\ndisk = 10G thin data=lots\n",
      "t.ini:9: [vms v] disk: expected a comma-separated list of SIZE "
      "[thin|preallocated] [raw|qcow2] [data=SIZE] [DOMAIN] such as 100G "
      "thin data=30G, 20G preallocated sd1, got \"10G thin data=lots\" (disk 1: data=: expected a size such as "
      "16G, 512M or 2T, got \"lots\")" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\ndisk = 10G thin sd1 data=1G\n",
      "t.ini:9: [vms v] disk: expected a comma-separated list of SIZE "
      "[thin|preallocated] [raw|qcow2] [data=SIZE] [DOMAIN] such as 100G "
      "thin data=30G, 20G preallocated sd1, got \"10G thin sd1 data=1G\" (disk 1: \"sd1\" is none of thin, "
      "preallocated, raw, qcow2 and data=SIZE, and is not last)" },
    { "[datacenter dc1]\n[storage sd1]\ntype = iscsi\ncapacity = 1T\n"
      "[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\ndisk = 10G thin raw\n",
      "t.ini:12: [vms v] disk: disk 1: a thin raw (sparse) disk is only for "
      "file domains; storage sd1 is iscsi, where a thin disk is qcow2" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\n[action a]\nat = 2d\nkind = start\n"
      "target = v-1\n",
      "t.ini:10: [action a] at: expected a time within the scenario's "
      "duration (1d, the default), got \"2d\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\n[action a]\nat = 2h\nkind = reboot\n"
      "target = v-1\n",
      "t.ini:11: [action a] kind: expected start, stop, migrate, "
      "maintenance, activate, add_lun, grow_storage, snapshot, "
      "preview_snapshot, "
      "commit_snapshot, undo_snapshot or delete_snapshot, got \"reboot\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\n[action a]\nat = 2h\n"
      "kind = activate\ntarget = v-1\n",
      "t.ini:12: [action a] target: expected the name of a host of a "
      "[hosts NAME] group (h-1), got \"v-1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\n[action a]\nat = 2h\n"
      "kind = migrate\ntarget = h-1\n",
      "t.ini:12: [action a] target: expected the name of a VM of a "
      "[vms NAME] group (v-1), got \"h-1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[action a]\nat = 2h\nkind = add_lun\ntarget = h-1\n",
      "t.ini:8: [action a] kind: add_lun needs size = SIZE (the capacity "
      "added, such as 1T)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[action a]\nat = 2h\nkind = add_lun\ntarget = h-1\nsize = 1T\n",
      "t.ini:9: [action a] target: expected the name of a block (iscsi or "
      "fcp) storage domain (none defined), got \"h-1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[action a]\nat = 2h\nkind = start\ntarget = h-1\nsize = 1T\n",
      "t.ini:10: [action a] size: expected no size for kind = start (size is "
      "only for add_lun and grow_storage), got \"1T\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = meteor\ntarget = h-1\n",
      "t.ini:8: [fault f] kind: expected host_crash, agent_hang, partition, "
      "nic_down, storage_down, fence_fail or manager_restart, got "
      "\"meteor\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nkind = host_crash\ntarget = h-1\n",
      "t.ini:6: [fault f]: missing key \"at\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = host_crash\ntarget = h-1\nhost = h-1\n",
      "t.ini:10: [fault f] host: expected no host for kind = host_crash (host "
      "is only for storage_down), got \"h-1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = host_crash\ntarget = h-1\nsize = 1T\n",
      "t.ini:10: [fault f] size: unknown key (a [fault] group takes at, "
      "kind, target, duration, host, network)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = partition\ntarget = h-1\n"
      "duration = 0\n",
      "t.ini:10: [fault f] duration: expected a duration more than 0 such as "
      "90s, 5m or 7d, got \"0\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\n"
      "[fault f]\nat = 2h\nkind = agent_hang\ntarget = v-1\n",
      "t.ini:12: [fault f] target: expected the name of a host of a "
      "[hosts NAME] group (h-1), got \"v-1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = fence_fail\n",
      "t.ini:6: [fault f]: missing key \"target\" (every kind but "
      "manager_restart takes one)" },
    { "[datacenter dc1]\n[datacenter dc2]\n[cluster c1]\ndatacenter = dc1\n"
      "[network n1]\ndatacenter = dc1\n[network n2]\ndatacenter = dc2\n"
      "[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = nic_down\ntarget = h-1\nnetwork = n2\n",
      "t.ini:16: [fault f] network: expected a network attached to h-1 (n1), "
      "got \"n2\" of datacenter dc2 (h-1 is in datacenter dc1)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = nic_down\ntarget = h-1\nnetwork = n9\n",
      "t.ini:10: [fault f] network: expected a network attached to h-1 "
      "(none), got \"n9\" (no [network NAME] group has that name)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[storage s]\ntype = nfs\ncapacity = 1T\n"
      "[fault f]\nat = 2h\nkind = storage_down\ntarget = s\nhost = h-7\n",
      "t.ini:13: [fault f] host: expected the name of a host of a [hosts "
      "NAME] group (h-1), got \"h-7\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = storage_down\ntarget = h-1\n",
      "t.ini:9: [fault f] target: expected the name of a storage domain "
      "defined by a [storage NAME] group (none), got \"h-1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[fault f]\nat = 2h\nkind = manager_restart\nnetwork = n1\n",
      "t.ini:9: [fault f] network: expected no network for kind = "
      "manager_restart (network is only for nic_down), got \"n1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "fence_agent = none\nfence_latency = 3s\n",
      "t.ini:7: [hosts h] fence_latency: expected no fence_latency with "
      "fence_agent = none (it says how the agents act, and the hosts have "
      "none), got \"3s\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "fence_agent =\n",
      "t.ini:6: [hosts h] fence_agent: expected a comma-separated list of "
      "fence agent kinds such as ipmilan, ilo4 (or none alone), got \"\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "fence_agent = ipmilan, ilo 4\n",
      "t.ini:6: [hosts h] fence_agent: expected a comma-separated list of "
      "fence agent kinds such as ipmilan, ilo4 (or none alone), got "
      "\"ipmilan, ilo 4\" (\"ilo 4\" is not a name)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "fence_agent = apc\nfence_concurrent = both\n",
      "t.ini:7: [hosts h] fence_concurrent: expected true or false (or "
      "yes/no, on/off, 1/0), got \"both\"" },
    { "[scenario]\nio_timeout = 0\n[datacenter dc1]\n[cluster c1]\n",
      "t.ini:2: [scenario] io_timeout: expected a duration more than 0 such "
      "as 90s, 5m or 7d, got \"0\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[faults random]\nmtbf = 0\nmttr = 1h\n",
      "t.ini:7: [faults random] mtbf: expected a distribution of times that "
      "are not all 0, such as exponential(mean=30d) or 4h, got \"0\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[faults random]\nmtbf = 1d\nmttr = uniform(min=0, max=0)\n",
      "t.ini:8: [faults random] mttr: expected a distribution of times that "
      "are not all 0, such as exponential(mean=30d) or 4h, got "
      "\"uniform(min=0, max=0)\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[faults random]\nmtbf = 1d\nmttr = 1h\nhosts =\n",
      "t.ini:9: [faults random] hosts: expected at least one host or [hosts "
      "NAME] group (leave hosts out for every host), got \"\"" },
    { "[datacenter dc1]\n[cluster c1]\n"
      "[faults random]\nmtbf = 1d\nmttr = 1h\n",
      "t.ini:3: [faults random]: no hosts for random faults to strike (no "
      "[hosts NAME] group)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[faults random]\nmtbf = 1d\nmttr = 1h\n[faults random]\n",
      "t.ini:9: [faults random]: duplicate group (first defined at line 6)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[faults random]\nmtbf = 1d\nmttr = 1h\nkind = meteor\n",
      "t.ini:9: [faults random] kind: expected host_crash, agent_hang or "
      "partition, got \"meteor\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\nlease = maybe\n",
      "t.ini:9: [vms v] lease: expected true or false (or yes/no, on/off, "
      "1/0), got \"maybe\"" },
    { "[scenario]\nmigration_setup = 0.3\n[datacenter dc1]\n[cluster c1]\n",
      "t.ini:2: [scenario] migration_setup: expected a duration such as 90s, "
      "5m, 7d, 250ms or 0, got \"0.3\"" },
    { "[datacenter dc1]\n[cluster c1]\n[faults random]\nmtbf = 1d\n",
      "t.ini:3: [faults random]: missing key \"mttr\"" },
    { "[datacenter dc1]\n[cluster c1]\n[faults]\n",
      "t.ini:3: [faults]: expected [faults random], got \"[faults]\"" },
    { "[datacenter dc1]\n[cluster c1]\n[vms v]\nvcpus = 1\nmemory = 1G\n"
      "memory_used = 2G\n",
      "t.ini:6: [vms v] memory_used: expected a size of at most memory (1G), "
      "got \"2G\"" },
    { "[datacenter dc1]\n[datacenter dc2]\n[cluster c1]\ndatacenter = dc1\n"
      "[network n1]\ndatacenter = dc1\n[network n2]\ndatacenter = dc2\n"
      "[hosts h]\ncores = 4\nmemory = 8G\nnetworks = n1, n2\n",
      "t.ini:12: [hosts h] networks: expected a network of datacenter dc1 "
      "(n1), got \"n2\" of datacenter dc2 (cluster c1 is in datacenter "
      "dc1)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "networks = a,,b\n",
      "t.ini:6: [hosts h] networks: expected a comma-separated list of "
      "network names such as ovirtmgmt, display, got \"a,,b\" (name 2 is "
      "empty)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\nnetworks = n1\n",
      "t.ini:9: [vms v] networks: expected a VM network of datacenter dc1 "
      "(none), got \"n1\"" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\npreferred_hosts = h-1 h-2\n",
      "t.ini:9: [vms v] preferred_hosts: expected a comma-separated list of "
      "hosts (h-3) and [hosts NAME] groups (h: all of its hosts), got "
      "\"h-1 h-2\" (\"h-1 h-2\" is not a name)" },
    { "[datacenter dc1]\n[cluster c1]\n[cluster c2]\n[hosts h]\ncluster = c1\n"
      "cores = 4\nmemory = 8G\n[hosts g]\ncluster = c2\ncores = 4\n"
      "memory = 8G\n[vms v]\ncluster = c1\nvcpus = 1\nmemory = 1G\n"
      "preferred_hosts = g\n",
      "t.ini:16: [vms v] preferred_hosts: expected a host or a [hosts NAME] "
      "group of cluster c1 (h-1), got \"g\" of cluster c2 (a VM runs only "
      "on hosts of its cluster)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts x]\ncount = 2\ncores = 4\n"
      "memory = 8G\n[hosts x-1]\ncores = 4\nmemory = 8G\n[vms v]\n"
      "vcpus = 1\nmemory = 1G\npinned_to = x-1\n",
      "t.ini:13: [vms v] pinned_to: \"x-1\" names both a host of [hosts x] "
      "and the group [hosts x-1] (rename one of the groups)" },
    { "[datacenter dc1]\n[cluster c1]\n[hosts h]\ncores = 4\nmemory = 8G\n"
      "[vms v]\nvcpus = 1\nmemory = 1G\nmigratable = sometimes\n",
      "t.ini:9: [vms v] migratable: expected true or false (or yes/no, "
      "on/off, 1/0), got \"sometimes\"" },
    { AFF "[affinity a]\nvms = v\nvm_enforcing = true\nhost_rule = positive\n"
      "hosts = h\n",
      "t.ini:12: [affinity a] vm_enforcing: expected no vm_enforcing with "
      "vm_rule = none (it says whether that rule is hard), got \"true\"" },
    { AFF "[affinity a]\nvms = v\nvm_rule = negative\nhosts = h-1\n",
      "t.ini:13: [affinity a] hosts: expected no hosts with host_rule = none "
      "(hosts are only for a VM-to-host rule), got \"h-1\"" },
    { AFF "[affinity a]\nvms = v\nhost_rule = positive\nhosts =\n",
      "t.ini:13: [affinity a] hosts: expected at least one host or [hosts "
      "NAME] group for host_rule = positive, got \"\"" },
    { AFF "[affinity a]\nvms =\nhost_rule = positive\nhosts = h\n",
      "t.ini:11: [affinity a] vms: expected at least one VM or [vms NAME] "
      "group, got \"\"" },
    { AFF "[affinity a]\nvms = v-1, v-1\nvm_rule = positive\n",
      "t.ini:11: [affinity a] vms: expected at least 2 VMs for vm_rule = "
      "positive, got \"v-1, v-1\" (1 VM)" },
    { AFF "[affinity a]\nvm_rule = positive\n",
      "t.ini:10: [affinity a]: missing key \"vms\" or \"vm_labels\"" },
    { TWO "[hosts x]\ncluster = c1\ncores = 2\nmemory = 4G\n"
          "cpu_threshold_for = 0\n",
      "t.ini:17: [hosts x] cpu_threshold_for: expected a duration more than "
      "0 such as 90s, 5m or 7d, got \"0\"" },
    { TWO "[hosts x]\ncluster = c1\ncores = 2\nmemory = 4G\nlabels = a b\n",
      "t.ini:17: [hosts x] labels: expected a comma-separated list of labels "
      "such as gpu, ssd, got \"a b\" (\"a b\" is not a name)" },
    { TWO "[vms v]\ncluster = c1\nvcpus = 1\nmemory = 1G\nhost = h-3\n",
      "t.ini:17: [vms v] host: expected a host or a [hosts NAME] group of "
      "cluster c1 (h-1 .. h-2), got \"h-3\"" },
    { TWO "[vms v]\ncluster = c1\nvcpus = 1\nmemory = 1G\nhost = h\n",
      "t.ini:17: [vms v] host: expected one host such as h-1, not a group of "
      "2, got \"h\"" },
    { TWO "[vms v]\ncluster = c1\ncount = 2\nvcpus = 1\nmemory = 1G\n"
          "[affinity a]\ncluster = c1\nvms = v\nvm_rule = negative\n"
          "priority = 1e3\n",
      "t.ini:22: [affinity a] priority: expected a number between 0 and 1000 "
      "such as 1.5, got \"1e3\"" },
    { TWO "[vms v]\ncluster = c1\ncount = 2\nvcpus = 1\nmemory = 1G\n"
          "[affinity a]\ncluster = c1\nvms = v\nvm_rule = negative\n"
          "host_labels = gpu\n",
      "t.ini:22: [affinity a] host_labels: expected no host_labels with "
      "host_rule = none (hosts are only for a VM-to-host rule), got \"gpu\"" },
    { TWO "[vms v]\ncluster = c1\nvcpus = 1\nmemory = 1G\nlabels = web\n"
          "[affinity a]\ncluster = c1\nvm_labels = web\nvm_rule = negative\n",
      "t.ini:20: [affinity a] vm_labels: expected at least 2 VMs with these "
      "labels for vm_rule = negative, got \"web\" (1 VM)" },
    { TWO "[vms v]\ncluster = c2\nvcpus = 1\nmemory = 1G\nlabels = web\n"
          "[affinity a]\ncluster = c1\nvm_labels = web\nhost_rule = positive\n"
          "hosts = h\n",
      "t.ini:20: [affinity a] vm_labels: expected at least one VM of cluster "
      "c1 with these labels, got \"web\"" },
    { TWO "[hosts x]\ncluster = c2\ncores = 2\nmemory = 4G\nlabels = gpu\n"
          "[vms v]\ncluster = c1\nvcpus = 1\nmemory = 1G\n[affinity a]\n"
          "cluster = c1\nvms = v\nhost_labels = gpu\nhost_rule = positive\n",
      "t.ini:25: [affinity a] host_labels: expected labels of at least one "
      "host of cluster c1 for host_rule = positive, got \"gpu\"" },
    { AFF "[affinity a]\nvms = v\nvm_rule = positive\ncolour = red\n",
      "t.ini:13: [affinity a] colour: unknown key (a [affinity] group takes "
      "cluster, vms, vm_rule, vm_enforcing, hosts, host_rule, "
      "host_enforcing, priority, host_labels, vm_labels)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = load_error (cases[i].text);
      CU_ASSERT_STRING_EQUAL (message, cases[i].message);
      if (strcmp (message, cases[i].message) != 0)
        g_printerr ("\n got: %s\nwant: %s\n", message, cases[i].message);
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) s = herd_scenario_load ("no/such/file.ini",
                                                   &error);
  CU_ASSERT_PTR_NULL (s);
  CU_ASSERT_TRUE (g_error_matches (error, HERD_SCENARIO_ERROR,
                                   HERD_SCENARIO_ERROR_READ));
  CU_ASSERT_TRUE (g_str_has_prefix (error->message, "no/such/file.ini: "));
}

/* [host NAME] and [vm NAME]: one host or VM named exactly NAME (as an
 * imported cluster's are), referred to by that name, placed by host. */
static void
test_singles (void)
{
  static const char text[]
      = "[datacenter dc]\n[cluster c]\n"
        "[host big01]\ncores = 32\nmemory = 256G\n"
        "[hosts small]\ncount = 2\ncores = 8\nmemory = 64G\n"
        "[vm db01]\nvcpus = 8\nmemory = 64G\nhost = big01\nha = true\n"
        "[vm web.prod-1]\nvcpus = 2\nmemory = 4G\n"
        "pinned_to = small-2, big01\nhost = small-2\n"
        "[vms batch]\ncount = 3\nvcpus = 1\nmemory = 1G\n"
        "[affinity apart]\nvms = db01, web.prod-1\nvm_rule = negative\n"
        "[action a]\nat = 1h\nkind = migrate\ntarget = web.prod-1\n"
        "host = big01\n";
  g_autoptr (HerdScenario) s = load_text (text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_EQUAL (m->hosts->len, 3);
  CU_ASSERT_STRING_EQUAL (herd_model_host (m, 0)->name, "big01");
  CU_ASSERT_STRING_EQUAL (herd_model_host (m, 2)->name, "small-2");
  CU_ASSERT_EQUAL (m->vms->len, 5);
  HerdId db = herd_model_find_vm (m, "db01");
  HerdId web = herd_model_find_vm (m, "web.prod-1");
  CU_ASSERT_EQUAL (db, 0);
  CU_ASSERT_EQUAL (web, 1);
  CU_ASSERT_EQUAL (herd_model_find_vm (m, "batch-3"), 4);
  CU_ASSERT_TRUE (herd_model_vm (m, db)->ha);
  const HerdVmGroup *placed = g_ptr_array_index (s->vm_groups, 1);
  CU_ASSERT_EQUAL (placed->host, 2);
  const HerdVm *w = herd_model_vm (m, web);
  CU_ASSERT_EQUAL (w->pinned_to.n, 2);

  static const struct
  {
    const char *from, *to, *message;
  } bad[] = {
    { "[vm web.prod-1]", "[vm batch-2]",
      "t.ini:15: [vm batch-2]: batch-2 is also a VM of [vms batch] (line "
      "20): rename one of the groups" },
    { "[host big01]\n", "[host small-1]\n",
      "t.ini:3: [host small-1]: small-1 is also a host of [hosts small] "
      "(line 6): rename one of the groups" },
    { "[vm db01]\n", "[vm db01]\ncount = 2\n",
      "t.ini:11: [vm db01] count: expected no count: this group is the one "
      "VM db01 (db01-1 .. db01-N are [vms db01] with count = N)" },
    { "[hosts small]", "[hosts big01]",
      "t.ini:13: [vm db01] host: \"big01\" names both a host of [host "
      "big01] and the group [hosts big01] (rename one of the groups)" },
    { "target = web.prod-1", "target = web.prod",
      "t.ini:30: [action a] target: expected the name of a VM of a [vms "
      "NAME] group (db01, web.prod-1, batch-1 .. batch-3), got "
      "\"web.prod\"" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GString) t = g_string_new (text);
      CU_ASSERT_TRUE (g_string_replace (t, bad[i].from, bad[i].to, 1) == 1);
      g_autofree char *message = load_error (t->str);
      CU_ASSERT_STRING_EQUAL (message, bad[i].message);
      if (strcmp (message, bad[i].message) != 0)
        g_printerr ("\n got: %s\nwant: %s\n", message, bad[i].message);
    }
}

#define GOLDEN_MIN_CASES 20

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_golden_errors (void)
{
  const char *top = g_getenv ("HERD_SOURCE_DIR");
  CU_ASSERT_PTR_NOT_NULL_FATAL (top);
  g_autofree char *cwd = g_get_current_dir ();
  CU_ASSERT_EQUAL_FATAL (g_chdir (top), 0);
  gboolean regenerate = g_strcmp0 (g_getenv ("HERD_REGENERATE"), "1") == 0;

  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open ("tests/golden", 0, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (dir);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (entry, "err-") && g_str_has_suffix (entry, ".ini"))
      g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, compare_names);
  CU_ASSERT_TRUE (names->len >= GOLDEN_MIN_CASES);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *ini = g_build_filename ("tests/golden", name, NULL);
      g_autofree char *stem = g_strndup (ini, strlen (ini) - strlen (".ini"));
      g_autofree char *err = g_strconcat (stem, ".err", NULL);
      g_autoptr (GError) load_error = NULL;
      g_autoptr (HerdScenario) s = herd_scenario_load (ini, &load_error);
      CU_ASSERT_PTR_NULL (s);
      if (s != NULL)
        {
          g_printerr ("\n%s: loaded, but must be rejected\n", ini);
          continue;
        }
      CU_ASSERT_TRUE (load_error->domain == HERD_SCENARIO_ERROR);
      CU_ASSERT_TRUE (g_str_has_prefix (load_error->message, ini));
      if (regenerate)
        {
          g_autofree char *line = g_strconcat (load_error->message, "\n",
                                               NULL);
          CU_ASSERT_TRUE (g_file_set_contents (err, line, -1, NULL));
          continue;
        }
      g_autofree char *expected = NULL;
      CU_ASSERT_TRUE (g_file_get_contents (err, &expected, NULL, NULL));
      if (expected == NULL)
        {
          g_printerr ("\n%s: missing (run with HERD_REGENERATE=1)\n", err);
          continue;
        }
      g_strchomp (expected);
      CU_ASSERT_STRING_EQUAL (load_error->message, expected);
      if (strcmp (load_error->message, expected) != 0)
        g_printerr ("\n%s:\n got: %s\nwant: %s\n", ini, load_error->message,
                    expected);
    }
  CU_ASSERT_EQUAL (g_chdir (cwd), 0);
}

static const HerdTestCase load_cases[] = {
  { "small.ini", test_small },
  { "shipped scenarios", test_shipped },
  { "defaults", test_defaults },
  { "every key", test_all_keys },
  { "profile before overrides", test_profile_order },
  { "inline comments", test_inline_comments },
  { "forward references", test_forward_references },
  { "actions and faults", test_actions_faults },
  { "random faults", test_random_faults },
  { "networks, pinning and affinity", test_placement },
  { "networks per datacenter", test_network_limit },
  { "single hosts and VMs", test_singles },
  { "oVirt's scheduler fixtures", test_ovirt_fixtures },
  { "scheduling parameters", test_scheduling_params },
  { NULL, NULL },
};

static const HerdTestCase error_cases[] = {
  { "inline errors", test_inline_errors },
  { "golden errors", test_golden_errors },
  { NULL, NULL },
};

int
main (void)
{
  static const HerdTestSuite suites[] = {
    { "load", load_cases },
    { "errors", error_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
