/* test-balancer.c: what the manager does on its own every cycle, driven
 * step by step on the simulated cluster: hard affinity rules repaired
 * once a group is made enforcing (as after an operator edits it), one
 * migration per cycle; the HA reservation check and its audit events as
 * the cluster loses and regains room; and a start that a host accepted
 * and then failed (a real host's vm_start_failed) rerun elsewhere. */
#include <stdio.h>
#include <string.h>

#include "core/driver.h"
#include "core/manager.h"
#include "drivers/registry.h"
#include "run/run.h"
#include "sim/world.h"
#include "tests/test-util.h"

typedef struct
{
  HerdScenario *sc;
  HerdEngine *engine;
  HerdAudit *audit;
  HerdWorld *world;
  HerdDriver *driver;
  HerdManager *manager;
  char *trace;
  size_t trace_len;
  FILE *trace_file;
} Sim;

/* Builds and starts everything for text; every VM is started at 1 s. */
static void
sim_open (Sim *s, const char *text)
{
  g_autoptr (GError) error = NULL;
  memset (s, 0, sizeof *s);
  s->sc = herd_scenario_load_data (text, "test.ini", &error);
  if (s->sc == NULL)
    g_printerr ("%s\n", error->message);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->sc);
  s->engine = herd_engine_new (1);
  s->audit = herd_audit_new ();
  s->trace_file = open_memstream (&s->trace, &s->trace_len);
  herd_audit_add_sink (s->audit, herd_run_trace_sink, s->trace_file);
  s->world = herd_world_new (s->sc, s->engine,
                             s->sc->model->params.vm_memory_overhead_mib);
  s->driver = herd_driver_open ("sim", s->sc->model, s->world, &error);
  s->manager = herd_manager_new (s->sc->model, s->driver, s->audit);
  CU_ASSERT_TRUE_FATAL (herd_manager_start (s->manager, &error));
  herd_world_start (s->world);
  herd_engine_run (s->engine, HERD_SEC (1), NULL, NULL);
  for (HerdId vm = 0; vm < s->sc->model->vms->len; vm++)
    CU_ASSERT_TRUE (herd_manager_vm_run (s->manager, vm, NULL));
}

static void
sim_run_until (Sim *s, HerdTime t)
{
  herd_engine_run (s->engine, t, NULL, NULL);
  fflush (s->trace_file);
}

static void
sim_close (Sim *s)
{
  herd_manager_free (s->manager);
  herd_driver_free (s->driver);
  herd_world_free (s->world);
  herd_audit_free (s->audit);
  herd_engine_free (s->engine);
  herd_scenario_free (s->sc);
  fclose (s->trace_file);
  g_free (s->trace);
}

static HerdId
host_of (Sim *s, const char *vm)
{
  return herd_model_vm (s->sc->model, herd_model_find_vm (s->sc->model, vm))
      ->host;
}

/* Three VMs in a group whose soft negative rule spreads them over three
 * hosts; then the group becomes positive and enforcing. */
static const char spread[]
    = "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 3\ncores = 16\nmemory = 64G\n"
      "[vms v]\ncount = 3\nvcpus = 2\nmemory = 2G\n"
      "[affinity g]\nvms = v\nvm_rule = negative\n";

static void
test_repair_positive (void)
{
  Sim s;
  sim_open (&s, spread);
  sim_run_until (&s, HERD_MIN (5));
  CU_ASSERT_NOT_EQUAL (host_of (&s, "v-1"), host_of (&s, "v-2"));
  CU_ASSERT_NOT_EQUAL (host_of (&s, "v-2"), host_of (&s, "v-3"));
  HerdAffinityGroup *g = herd_model_affinity_group (s.sc->model, 0);
  g->vm_rule = HERD_AFFINITY_POSITIVE;
  g->vm_enforcing = TRUE;
  /* Enforcement at 6 min: one repair (oVirt's order: the members of the
   * host with fewest members first, ties in host id order: v-1, moved
   * where the scheduler puts it among the hosts running members); at
   * 7 min the second. */
  sim_run_until (&s, HERD_MIN (6) + HERD_SEC (1));
  CU_ASSERT_EQUAL (herd_manager_stats (s.manager)->affinity_repairs, 1);
  sim_run_until (&s, HERD_MIN (10));
  CU_ASSERT_EQUAL (herd_manager_stats (s.manager)->affinity_repairs, 2);
  CU_ASSERT_EQUAL (host_of (&s, "v-1"), host_of (&s, "v-2"));
  CU_ASSERT_EQUAL (host_of (&s, "v-2"), host_of (&s, "v-3"));
  CU_ASSERT_PTR_NOT_NULL (
      strstr (s.trace, "360.000 100003 VM_AFFINITY_REPAIR v-1 group=g "
                       "rule=vm_positive"));
  /* Repaired: nothing more to do. */
  sim_run_until (&s, HERD_MIN (30));
  CU_ASSERT_EQUAL (herd_manager_stats (s.manager)->affinity_repairs, 2);
  sim_close (&s);
}

static void
test_repair_negative (void)
{
  /* Together first (hard positive), then negative enforcing: members
   * leave one at a time until each has its own host.  (A soft positive
   * rule, x1, would not have kept them together against the even CPU
   * and memory weights.) */
  g_autofree char *text = g_strconcat (spread, "vm_enforcing = true\n", NULL);
  char *rule = strstr (text, "vm_rule = negative");
  memcpy (rule, "vm_rule = positive", strlen ("vm_rule = positive"));
  Sim s;
  sim_open (&s, text);
  sim_run_until (&s, HERD_MIN (5));
  CU_ASSERT_EQUAL (host_of (&s, "v-1"), host_of (&s, "v-3"));
  HerdAffinityGroup *g = herd_model_affinity_group (s.sc->model, 0);
  g->vm_rule = HERD_AFFINITY_NEGATIVE;
  g->vm_enforcing = TRUE;
  sim_run_until (&s, HERD_MIN (20));
  CU_ASSERT_EQUAL (herd_manager_stats (s.manager)->affinity_repairs, 2);
  CU_ASSERT_NOT_EQUAL (host_of (&s, "v-1"), host_of (&s, "v-2"));
  CU_ASSERT_NOT_EQUAL (host_of (&s, "v-1"), host_of (&s, "v-3"));
  CU_ASSERT_NOT_EQUAL (host_of (&s, "v-2"), host_of (&s, "v-3"));
  sim_close (&s);
}

/* Two hosts of 32 GiB (1 GiB reserved): 31 GiB of room each.  Four HA VMs
 * of 8 GiB (+64 MiB) fill 16 GiB per host: if either host fails, the
 * other has 15 GiB left for 16 GiB of HA VMs: not HA-safe.  Stopping one
 * VM makes it safe. */
static const char tight[]
    = "[scenario]\nduration = 1h\n[datacenter dc]\n"
      "[cluster c]\nha_reservation = true\n"
      "[hosts h]\ncount = 2\ncores = 16\nmemory = 32G\n"
      "[vms v]\ncount = 4\nvcpus = 1\nmemory = 8G\nha = true\n";

static void
test_ha_reservation_check (void)
{
  Sim s;
  sim_open (&s, tight);
  sim_run_until (&s, HERD_MIN (2));
  const HerdManagerStats *st = herd_manager_stats (s.manager);
  CU_ASSERT_EQUAL (st->ha_checks, 2);
  CU_ASSERT_EQUAL (st->ha_checks_failed, 2);
  CU_ASSERT_PTR_NOT_NULL (
      strstr (s.trace, "60.000 10300 CLUSTER_ALERT_HA_RESERVATION c "
                       "hosts=h-1,h-2"));
  CU_ASSERT_TRUE (herd_manager_vm_stop (s.manager, 0, NULL));
  sim_run_until (&s, HERD_MIN (3));
  CU_ASSERT_PTR_NOT_NULL (
      strstr (s.trace, "180.000 10301 CLUSTER_ALERT_HA_RESERVATION_DOWN c"));
  herd_manager_finish (s.manager);
  CU_ASSERT_EQUAL (st->ha_unsafe_time, HERD_MIN (2));
  sim_close (&s);
}

/* The same cluster with guests that use a quarter of their memory: oVirt's
 * HA reservation counts what a guest uses, at least its guaranteed memory
 * (HaReservationHandling).  With 2G guaranteed each failed host's two VMs
 * need 2 x 2 GiB of the other's 14.9 GiB: HA-safe.  With the default
 * guaranteed memory (all 8G) they need 16 GiB: not. */
static void
test_ha_reservation_guaranteed (void)
{
  g_autoptr (GString) light = g_string_new (tight);
  g_string_append (light, "memory_used = constant(25%)\n"
                          "guaranteed_memory = 2G\n");
  Sim s;
  sim_open (&s, light->str);
  sim_run_until (&s, HERD_MIN (2));
  const HerdManagerStats *st = herd_manager_stats (s.manager);
  CU_ASSERT_EQUAL (st->ha_checks, 2);
  CU_ASSERT_EQUAL (st->ha_checks_failed, 0);
  CU_ASSERT_PTR_NULL (strstr (s.trace, "CLUSTER_ALERT_HA_RESERVATION"));
  sim_close (&s);

  g_autoptr (GString) all = g_string_new (tight);
  g_string_append (all, "memory_used = constant(25%)\n");
  sim_open (&s, all->str);
  sim_run_until (&s, HERD_MIN (2));
  st = herd_manager_stats (s.manager);
  CU_ASSERT_EQUAL (st->ha_checks_failed, 2);
  sim_close (&s);
}

/* Three hosts; one VM started at 1 s (sim_open), which its host then
 * fails: rerun on another host, then the third, then no host is left.
 * The simulated hosts start VMs at once, so each failure is staged: the
 * world's QEMU is stopped unseen by the manager (events held back), then
 * the host reports the failure. */
static const char three[]
    = "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 3\ncores = 16\nmemory = 64G\n"
      "[vms v]\ncount = 1\nvcpus = 2\nmemory = 2G\n";

static void
fail_start (Sim *s, HerdId host, const char *why)
{
  const HerdDriverEvents *events = s->driver->events;
  s->driver->events = NULL;
  CU_ASSERT_TRUE (herd_world_vm_stop (s->world, host, 0, NULL));
  herd_engine_run (s->engine, s->engine->now, NULL, NULL);
  s->driver->events = events;
  herd_driver_emit_vm_start_failed (s->driver, 0, host, why);
}

static void
test_start_failed_rerun (void)
{
  Sim s;
  sim_open (&s, three);
  HerdVm *vm = herd_model_vm (s.sc->model, 0);
  HerdId first = vm->host;
  CU_ASSERT_EQUAL (vm->status, HERD_VM_WAIT_FOR_LAUNCH);
  /* News about another host is about an earlier start: ignored. */
  herd_driver_emit_vm_start_failed (s.driver, 0, (first + 1) % 3, "stale");
  CU_ASSERT_EQUAL (vm->host, first);
  fail_start (&s, first, "no QEMU");
  HerdId second = vm->host;
  CU_ASSERT_EQUAL (vm->status, HERD_VM_WAIT_FOR_LAUNCH);
  CU_ASSERT_NOT_EQUAL (second, HERD_ID_NONE);
  CU_ASSERT_NOT_EQUAL (second, first);
  fail_start (&s, second, "no lease");
  HerdId third = vm->host;
  CU_ASSERT_NOT_EQUAL (third, HERD_ID_NONE);
  CU_ASSERT_NOT_EQUAL (third, first);
  CU_ASSERT_NOT_EQUAL (third, second);
  fail_start (&s, third, "no disk");
  CU_ASSERT_EQUAL (vm->status, HERD_VM_DOWN);
  CU_ASSERT_EQUAL (vm->host, HERD_ID_NONE);
  fflush (s.trace_file);
  g_autofree char *failed = g_strdup_printf (
      "151 USER_INITIATED_RUN_VM_FAILED v-1 host=%s error=\"no QEMU\"",
      herd_model_host (s.sc->model, first)->name);
  CU_ASSERT_PTR_NOT_NULL (strstr (s.trace, failed));
  CU_ASSERT_PTR_NULL (strstr (s.trace, "stale"));
  CU_ASSERT_PTR_NOT_NULL (
      strstr (s.trace, "54 USER_FAILED_RUN_VM v-1 reason=no_host"));
  /* A fresh start forgets the hosts that failed it. */
  CU_ASSERT_TRUE (herd_manager_vm_run (s.manager, 0, NULL));
  CU_ASSERT_EQUAL (vm->status, HERD_VM_WAIT_FOR_LAUNCH);
  sim_close (&s);
}

static const HerdTestCase cases[] = {
  { "affinity repair: positive", test_repair_positive },
  { "affinity repair: negative", test_repair_negative },
  { "HA reservation check", test_ha_reservation_check },
  { "HA reservation counts guest use, at least guaranteed memory",
    test_ha_reservation_guaranteed },
  { "a start failed after it was accepted", test_start_failed_rerun },
  { NULL, NULL },
};

int
main (void)
{
  const HerdTestSuite suites[] = {
    { "balancer", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
