/* bench-placement.c: the cost of scheduling decisions at scale.
 *
 *   bench-placement [HOSTS] [VMS]        (default 2,000 hosts, 10,000 VMs)
 *
 * placement: VMS VMs placed one by one into one cluster of HOSTS hosts
 * with every filter and weight on: hosts carry networks; VMs have vNICs,
 * a tenth are HA in a cluster with HA reservation, a tenth have preferred
 * hosts, a fifth are in affinity groups (hard and soft, VM and host rules);
 * the SPM is in the cluster.  After each decision the chosen host's
 * bookkeeping is updated as if the VM ran there, so later decisions see a
 * filling cluster.  Prints the median, 90th and 99th percentile and the
 * mean time per decision.
 *
 * balancing: the manager's own balancing cycle (herd_manager_balance) on
 * the simulated cluster: HOSTS hosts in an evenly_distributed cluster and
 * 4 x VMS VMs; a tenth of the hosts run VMs pinned to them that keep them
 * over HighUtilization with nowhere to go, so every cycle does all of its
 * work and finds nothing to move.  Prints the median and maximum time per
 * cycle over 200 cycles. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/manager.h"
#include "core/scheduler.h"
#include "drivers/registry.h"
#include "sim/world.h"

static gint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
compare_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static void
report (const char *what, gint64 *t, guint n)
{
  qsort (t, n, sizeof *t, compare_i64);
  double sum = 0;
  for (guint i = 0; i < n; i++)
    sum += (double) t[i];
  printf ("%-10s n=%u  median %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us"
          "  mean %.1f us\n",
          what, n, t[n / 2] / 1e3, t[n * 9 / 10] / 1e3, t[n * 99 / 100] / 1e3,
          t[n - 1] / 1e3, sum / n / 1e3);
}

/* One cluster of hosts with networks, the SPM among them. */
static HerdModel *
make_cluster (guint hosts, guint vms)
{
  HerdModel *m = herd_model_new ();
  HerdDatacenter *dc = herd_model_add_datacenter (m, "dc");
  herd_model_add_network (m, "ovirtmgmt", 0)->required = TRUE;
  herd_model_add_network (m, "guests", 0);
  HerdCluster *c = herd_model_add_cluster (m, "c", 0);
  c->required_networks = 1;
  c->ha_reservation = TRUE;
  for (guint i = 0; i < hosts; i++)
    {
      g_autofree char *name = g_strdup_printf ("h-%u", i + 1);
      HerdHost *h = herd_model_add_host (m, name, 0);
      h->cores = 64;
      h->threads = 128;
      h->memory_mib = 512 * 1024;
      h->mem_free_mib = h->memory_mib;
      h->status = HERD_HOST_UP;
      h->networks = 3;
      h->cpu_used_mc = (gint64) (i * 7919 % 32000);
    }
  dc->spm_host = 0;
  for (guint i = 0; i < vms; i++)
    {
      g_autofree char *name = g_strdup_printf ("v-%u", i + 1);
      HerdVm *vm = herd_model_add_vm (m, name, 0);
      vm->vcpus = 1 + i % 8;
      vm->memory_mib = 1024 * (1 + i % 16);
      vm->networks = i % 3 == 0 ? 2 : 0;
      vm->ha = i % 10 == 0;
      if (i % 10 == 1)
        {
          HerdId pref[] = { (HerdId) (i % hosts), (HerdId) ((i * 7) % hosts) };
          herd_id_list_set (&vm->preferred_hosts, pref, 2);
        }
    }
  /* Groups of 4 consecutive VMs: hard negative, soft positive, hard
   * VM-to-host, soft VM-to-host, for a fifth of the VMs. */
  for (guint g = 0; g * 20 + 3 < vms; g++)
    {
      HerdId members[4];
      for (guint k = 0; k < 4; k++)
        members[k] = g * 20 + k;
      HerdId host_list[8];
      for (guint k = 0; k < 8; k++)
        host_list[k] = (g * 13 + k * 251) % hosts;
      g_autofree char *name = g_strdup_printf ("g-%u", g);
      HerdAffinityGroup *ag = herd_model_add_affinity_group (
          m, name, 0, members, 4, host_list, 8);
      ag->vm_rule = g % 2 ? HERD_AFFINITY_NEGATIVE : HERD_AFFINITY_POSITIVE;
      ag->vm_enforcing = g % 4 < 2;
      ag->host_rule = g % 3 == 0 ? HERD_AFFINITY_NEGATIVE
                                 : HERD_AFFINITY_POSITIVE;
      ag->host_enforcing = g % 5 == 0;
    }
  return m;
}

static void
placement (guint hosts, guint vms)
{
  g_autoptr (HerdModel) m = make_cluster (hosts, vms);
  g_autoptr (HerdScheduler) s = herd_scheduler_new (m);
  g_autofree gint64 *t = g_new (gint64, vms);
  guint placed = 0;
  for (HerdId v = 0; v < vms; v++)
    {
      gint64 t0 = now_ns ();
      HerdId h = herd_scheduler_place (s, v, HERD_ID_NONE, NULL, NULL, NULL);
      t[v] = now_ns () - t0;
      if (h == HERD_ID_NONE)
        continue;
      placed++;
      HerdVm *vm = herd_model_vm (m, v);
      HerdHost *host = herd_model_host (m, h);
      gint64 need = herd_scheduler_vm_memory_need (m, vm);
      vm->host = h;
      vm->status = HERD_VM_UP;
      vm->committed = TRUE;
      host->committed_mem_mib += need;
      host->mem_free_mib -= need;
      host->vm_count++;
      host->ha_vm_count += vm->ha;
      host->cpu_used_mc += herd_scheduler_vm_cpu_estimate (m, vm);
    }
  printf ("placement: %u VMs into %u hosts, %u placed, all filters and "
          "weights on\n",
          vms, hosts, placed);
  report ("decision", t, vms);
}

/* A cluster of hosts, a tenth of them with hot VMs pinned to the hot
 * hosts, so that they stay over HighUtilization with nowhere to go: every
 * cycle classifies all hosts, orders the VMs of every overloaded host by
 * CPU and tries to place each (the most work a cycle can do). */
static void
balancing (guint hosts, guint vms)
{
  guint hot_hosts = hosts / 10;
  guint hot_vms = hot_hosts * 12;
  g_autofree char *text = g_strdup_printf (
      "[scenario]\nduration = 1d\nstats_interval = 1h\n"
      "[datacenter dc]\n[cluster c]\npolicy = evenly_distributed\n"
      "[hosts hot]\ncount = %u\ncores = 64\nmemory = 512G\n"
      "[hosts cool]\ncount = %u\ncores = 64\nmemory = 512G\n"
      "[vms burn]\ncount = %u\nvcpus = 8\nmemory = 4G\n"
      "cpu = constant(60%%)\npinned_to = hot\n"
      "[vms idle]\ncount = %u\nvcpus = 2\nmemory = 4G\n"
      "cpu = constant(10%%)\n",
      hot_hosts, hosts - hot_hosts, hot_vms, vms - hot_vms);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (text, "bench",
                                                         &error);
  g_assert_no_error (error);
  g_autoptr (HerdEngine) engine = herd_engine_new (1);
  g_autoptr (HerdAudit) audit = herd_audit_new ();
  g_autoptr (HerdWorld) world = herd_world_new (
      sc, engine, sc->model->params.vm_memory_overhead_mib);
  HerdDriver *driver = herd_driver_open ("sim", sc->model, world, &error);
  HerdManager *manager = herd_manager_new (sc->model, driver, audit);
  herd_manager_start (manager, &error);
  herd_world_start (world);
  herd_engine_run (engine, 0, NULL, NULL);
  for (HerdId vm = 0; vm < sc->model->vms->len; vm++)
    herd_manager_vm_run (manager, vm, NULL);
  /* Past boot and CpuOverCommitDuration, stopped before a balancer run. */
  herd_engine_run (engine, HERD_MIN (10) - 1, NULL, NULL);
  guint over = 0;
  for (HerdId h = 0; h < sc->model->hosts->len; h++)
    over += herd_model_host (sc->model, h)->cpu_over_since
            != HERD_TIME_NEVER;

  enum { CYCLES = 200 };
  gint64 t[CYCLES];
  for (guint cycle = 0; cycle < CYCLES; cycle++)
    {
      gint64 t0 = now_ns ();
      herd_manager_balance (manager);
      t[cycle] = now_ns () - t0;
    }
  printf ("balancing: %u hosts (%u over HighUtilization), %u VMs, "
          "evenly_distributed, migrations started: %" G_GUINT64_FORMAT "\n",
          hosts, over, (guint) sc->model->vms->len,
          herd_manager_stats (manager)->balancing_migrations);
  report ("cycle", t, CYCLES);
  herd_manager_free (manager);
  herd_driver_free (driver);
}

int
main (int argc, char **argv)
{
  guint hosts = argc > 1 ? (guint) atoi (argv[1]) : 2000;
  guint vms = argc > 2 ? (guint) atoi (argv[2]) : 10000;
  placement (hosts, vms);
  balancing (hosts, 4 * vms);
  return 0;
}
