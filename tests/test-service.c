/* test-service.c: herd run's control protocol and state database,
 * driven on the simulated cluster (the real hosts' side is the integration
 * suite's, tests/integration/).
 *
 * The protocol: every malformed or refused request gets an error naming
 * what was wrong and changes nothing; good requests act.  The state
 * database: what one manager saved, a new manager restores (hosts, their
 * sanlock ids, VMs Unknown on their hosts until reported, the SPM). */
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "core/driver.h"
#include "core/manager.h"
#include "drivers/registry.h"
#include "run/run.h"
#include "service/ctl.h"
#include "service/state.h"
#include "sim/world.h"
#include "tests/test-util.h"

static const char scenario_text[]
    = "[scenario]\nduration = 1h\n"
      "[datacenter dc]\n"
      "[cluster c]\ndatacenter = dc\n"
      "[hosts h]\ncluster = c\ncount = 2\ncores = 8\nmemory = 32G\n"
      "[storage sd]\ndatacenter = dc\ntype = nfs\ncapacity = 1T\n"
      "master = true\n"
      "[vms v]\ncluster = c\ncount = 2\nvcpus = 1\nmemory = 1G\nha = true\n";

typedef struct
{
  HerdScenario *sc;
  HerdEngine *engine;
  HerdAudit *audit;
  HerdWorld *world;
  HerdDriver *driver;
  HerdManager *manager;
  HerdState *state;
  HerdCtl *ctl;
  char *dir;
} Service;

static void
save_sink (const HerdAuditEvent *event, gpointer data)
{
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE (herd_state_save (data, event, &error));
}

/* A manager on the simulated cluster with a state database and a control
 * socket in a new directory (or dir, to open an existing database). */
static void
service_open (Service *s, const char *dir)
{
  g_autoptr (GError) error = NULL;
  memset (s, 0, sizeof *s);
  s->dir = dir != NULL ? g_strdup (dir)
                       : g_dir_make_tmp ("herd-test-service-XXXXXX", NULL);
  s->sc = herd_scenario_load_data (scenario_text, "service.ini", &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->sc);
  s->engine = herd_engine_new (1);
  s->audit = herd_audit_new ();
  s->world = herd_world_new (s->sc, s->engine,
                             s->sc->model->params.vm_memory_overhead_mib);
  s->driver = herd_driver_open ("sim", s->sc->model, s->world, &error);
  s->manager = herd_manager_new (s->sc->model, s->driver, s->audit);
  g_autofree char *db = g_build_filename (s->dir, "state.db", NULL);
  s->state = herd_state_open (db, s->sc->model, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->state);
  if (herd_state_has_rows (s->state))
    CU_ASSERT_TRUE (herd_state_restore (s->state, s->manager, &error));
  herd_audit_add_sink (s->audit, save_sink, s->state);
  CU_ASSERT_TRUE_FATAL (herd_manager_start (s->manager, &error));
  herd_world_start (s->world);
  herd_engine_run (s->engine, HERD_MIN (1), NULL, NULL);
  g_autofree char *sock = g_build_filename (s->dir, "ctl.sock", NULL);
  s->ctl = herd_ctl_new (sock, s->manager, s->sc->model, s->driver,
                         s->state, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->ctl);
}

static void
service_close (Service *s, gboolean delete_files)
{
  herd_ctl_free (s->ctl);
  herd_state_free (s->state);
  herd_manager_free (s->manager);
  herd_driver_free (s->driver);
  herd_world_free (s->world);
  herd_audit_free (s->audit);
  herd_engine_free (s->engine);
  herd_scenario_free (s->sc);
  if (delete_files)
    {
      g_autofree char *db = g_build_filename (s->dir, "state.db", NULL);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);
      g_autofree char *lock = g_strconcat (db, ".lock", NULL);
      g_remove (lock);
      g_remove (db);
      g_remove (wal);
      g_remove (shm);
      g_rmdir (s->dir);
    }
  g_free (s->dir);
}

/* The answer to request must contain want. */
static void
expect (Service *s, const char *request, const char *want)
{
  g_autofree char *answer = herd_ctl_answer (s->ctl, request);
  if (strstr (answer, want) == NULL)
    g_printerr ("\n%s\n  got: %s\n want: ...%s...\n", request, answer, want);
  CU_ASSERT_PTR_NOT_NULL (strstr (answer, want));
}

static HerdVm *
vm_named (Service *s, const char *name)
{
  return herd_model_vm (s->sc->model, herd_model_find_vm (s->sc->model, name));
}

static void
test_bad_requests (void)
{
  Service s;
  service_open (&s, NULL);
  g_autofree char *before = herd_ctl_answer (s.ctl, "{\"command\":\"vms\"}");
  expect (&s, "not json", "\"ok\":false,\"error\":\"expected a JSON object "
                          "on one line");
  expect (&s, "[1, 2]", "expected a JSON object, such as");
  expect (&s, "{}", "expected a \\\"command\\\" string (one of hosts, vms, "
                    "start, stop, migrate, maintenance, activate, spm, "
                    "events)");
  expect (&s, "{\"command\": 3}", "expected a \\\"command\\\" string");
  expect (&s, "{\"command\": \"reboot\"}", "unknown command \\\"reboot\\\"");
  expect (&s, "{\"command\": \"start\"}", "start: missing argument "
                                          "\\\"vm\\\"");
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\", \"force\": true}",
          "start: unknown argument \\\"force\\\"");
  expect (&s, "{\"command\": \"start\", \"vm\": 1}",
          "start: argument \\\"vm\\\" must be a string");
  expect (&s, "{\"command\": \"start\", \"vm\": \"nosuch\"}",
          "no VM called \\\"nosuch\\\"");
  expect (&s, "{\"command\": \"stop\", \"vm\": \"v-1\"}",
          "VM v-1 is Down, not running");
  expect (&s, "{\"command\": \"migrate\", \"vm\": \"v-1\"}",
          "VM v-1 is Down, not Up");
  expect (&s, "{\"command\": \"maintenance\", \"host\": \"h-9\"}",
          "no host called \\\"h-9\\\"");
  expect (&s, "{\"command\": \"events\", \"count\": 0}",
          "count: expected 1 to 10000, got 0");
  expect (&s, "{\"command\": \"events\", \"count\": \"5\"}",
          "argument \\\"count\\\" must be an integer");
  g_autofree char *after = herd_ctl_answer (s.ctl, "{\"command\":\"vms\"}");
  CU_ASSERT_STRING_EQUAL (before, after);
  service_close (&s, TRUE);
}

/* The parser alone (what tests/fuzz/fuzz-ctl.c fuzzes): blank lines,
 * NULs, invalid UTF-8 and long lines are refused with an error, and never
 * with a GLib critical (fatal here). */
static void
test_parse (void)
{
  static const struct
  {
    const char *line;
    gsize length;
    const char *want;
  } cases[] = {
    { "", 0, "expected a JSON object, such as" },
    { " \t ", 3, "expected a JSON object, such as" },
    { "{\"command\": \"hosts\"}\0x", 22, "expected UTF-8 text" },
    { "{\"command\": \"\xff\"}", 16, "expected UTF-8 text" },
    { "{\"command\": \"hosts\"", 19, "expected a JSON object on one line" },
  };
  GLogLevelFlags was = g_log_set_always_fatal (
      G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonObject) req = herd_ctl_parse (cases[i].line,
                                                   cases[i].length, &error);
      CU_ASSERT_PTR_NULL (req);
      CU_ASSERT_PTR_NOT_NULL_FATAL (error);
      if (strstr (error->message, cases[i].want) == NULL)
        g_printerr ("\ncase %u: got %s\n", i, error->message);
      CU_ASSERT_PTR_NOT_NULL (strstr (error->message, cases[i].want));
    }
  g_autofree char *lng = g_strnfill (65537, ' ');
  g_autoptr (GError) error = NULL;
  CU_ASSERT_PTR_NULL (herd_ctl_parse (lng, 65537, &error));
  CU_ASSERT_STRING_EQUAL (error->message, "request too long");
  g_clear_error (&error);
  const char *good = "{\"command\": \"migrate\", \"vm\": \"v-1\", "
                     "\"host\": \"h-2\"}";
  g_autoptr (JsonObject) ok = herd_ctl_parse (good, strlen (good), &error);
  CU_ASSERT_PTR_NOT_NULL (ok);
  CU_ASSERT_PTR_NULL (error);
  g_log_set_always_fatal (was);
}

static void
test_requests_act (void)
{
  Service s;
  service_open (&s, NULL);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}",
          "{\"ok\":true,\"result\":{\"done\":true}}");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  CU_ASSERT_EQUAL (vm_named (&s, "v-1")->status, HERD_VM_UP);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}",
          "VM v-1 is Up, not Down");
  HerdId from = vm_named (&s, "v-1")->host;
  const char *to = from == 0 ? "h-2" : "h-1";
  g_autofree char *migrate = g_strdup_printf (
      "{\"command\": \"migrate\", \"vm\": \"v-1\", \"host\": \"%s\"}", to);
  expect (&s, migrate, "\"done\":true");
  herd_engine_run (s.engine, HERD_MIN (5), NULL, NULL);
  CU_ASSERT_STRING_EQUAL (
      herd_model_host (s.sc->model, vm_named (&s, "v-1")->host)->name, to);
  g_autofree char *again = g_strdup_printf (
      "{\"command\": \"migrate\", \"vm\": \"v-1\", \"host\": \"%s\"}", to);
  expect (&s, again, "already runs on");
  expect (&s, "{\"command\": \"vms\"}",
          "{\"name\":\"v-1\",\"status\":\"Up\",\"host\":\"");
  expect (&s, "{\"command\": \"spm\"}", "\"datacenter\":\"dc\",\"spm\":\"h-");
  expect (&s, "{\"command\": \"events\", \"count\": 2}",
          "\"name\":\"VM_MIGRATION_DONE\"");
  g_autofree char *hosts = g_strdup_printf (
      "{\"command\": \"maintenance\", \"host\": \"%s\"}", to);
  expect (&s, hosts, "\"done\":true");
  herd_engine_run (s.engine, HERD_MIN (10), NULL, NULL);
  CU_ASSERT_NOT_EQUAL (
      g_strcmp0 (herd_model_host (s.sc->model, vm_named (&s, "v-1")->host)
                     ->name,
                 to),
      0);
  expect (&s, "{\"command\": \"hosts\"}", "\"status\":\"Maintenance\"");
  service_close (&s, TRUE);
}

/* Rows in table (to see that saves write only what changed). */
static gint64
count_rows (const char *dir, const char *sql)
{
  g_autofree char *path = g_build_filename (dir, "state.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 n = -1;
  if (sqlite3_open (path, &db) == SQLITE_OK
      && sqlite3_prepare_v2 (db, sql, -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

static void
test_state_restored (void)
{
  Service s;
  service_open (&s, NULL);
  for (HerdId vm = 0; vm < 2; vm++)
    CU_ASSERT_TRUE (herd_manager_vm_run (s.manager, vm, NULL));
  herd_engine_run (s.engine, HERD_MIN (5), NULL, NULL);
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE (herd_state_save (s.state, NULL, &error));
  HerdId spm = herd_model_datacenter (s.sc->model, 0)->spm_host;
  CU_ASSERT_NOT_EQUAL (spm, HERD_ID_NONE);
  HerdId hosts_of[2] = { vm_named (&s, "v-1")->host,
                         vm_named (&s, "v-2")->host };
  guint32 ids[2] = { herd_model_host (s.sc->model, 0)->sanlock_id,
                     herd_model_host (s.sc->model, 1)->sanlock_id };
  g_autofree char *dir = g_strdup (s.dir);
  gint64 audit_rows = count_rows (dir, "SELECT count(*) FROM audit");
  CU_ASSERT_TRUE (audit_rows > 0);
  service_close (&s, FALSE);

  /* A new manager on the same database: restored before it starts. */
  Service t;
  memset (&t, 0, sizeof t);
  t.sc = herd_scenario_load_data (scenario_text, "service.ini", &error);
  t.engine = herd_engine_new (1);
  t.audit = herd_audit_new ();
  t.world = herd_world_new (t.sc, t.engine,
                            t.sc->model->params.vm_memory_overhead_mib);
  t.driver = herd_driver_open ("sim", t.sc->model, t.world, &error);
  t.manager = herd_manager_new (t.sc->model, t.driver, t.audit);
  g_autofree char *db = g_build_filename (dir, "state.db", NULL);
  t.state = herd_state_open (db, t.sc->model, &error);
  t.dir = g_strdup (dir);
  CU_ASSERT_TRUE (herd_state_has_rows (t.state));
  CU_ASSERT_TRUE (herd_state_restore (t.state, t.manager, &error));
  CU_ASSERT_EQUAL (herd_model_datacenter (t.sc->model, 0)->spm_host, spm);
  for (guint i = 0; i < 2; i++)
    {
      const HerdVm *vm = herd_model_vm (t.sc->model, i);
      CU_ASSERT_EQUAL (vm->status, HERD_VM_UNKNOWN);
      CU_ASSERT_EQUAL (vm->host, hosts_of[i]);
      CU_ASSERT_TRUE (vm->committed);
      CU_ASSERT_EQUAL (herd_model_host (t.sc->model, i)->sanlock_id, ids[i]);
      CU_ASSERT_EQUAL (herd_model_host (t.sc->model, i)->status, HERD_HOST_UP);
    }
  /* The restored VMs are Unknown until their hosts report them: saved so,
   * they are restored so again if this manager dies too. */
  CU_ASSERT_TRUE (herd_state_save (t.state, NULL, &error));
  CU_ASSERT_EQUAL (count_rows (dir, "SELECT count(*) FROM vms WHERE "
                                    "status = 'Unknown'"),
                   2);
  CU_ASSERT_EQUAL (count_rows (dir, "SELECT count(*) FROM audit"),
                   audit_rows);
  service_close (&t, TRUE);
}

/* One manager per database and per control socket. */
static void
test_one_manager (void)
{
  Service s;
  service_open (&s, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_build_filename (s.dir, "state.db", NULL);
  HerdState *second = herd_state_open (db, s.sc->model, &error);
  CU_ASSERT_PTR_NULL (second);
  CU_ASSERT_PTR_NOT_NULL (error != NULL
                              ? strstr (error->message,
                                        "another herd run uses it")
                              : NULL);
  g_clear_error (&error);
  g_autofree char *sock = g_build_filename (s.dir, "ctl.sock", NULL);
  HerdCtl *other = herd_ctl_new (sock, s.manager, s.sc->model, s.driver,
                                 s.state, &error);
  CU_ASSERT_PTR_NULL (other);
  CU_ASSERT_PTR_NOT_NULL (error != NULL
                              ? strstr (error->message,
                                        "another herd run answers there")
                              : NULL);
  /* The refused one left the live socket in place. */
  CU_ASSERT_TRUE (g_file_test (sock, G_FILE_TEST_EXISTS));
  service_close (&s, TRUE);
}

static const HerdTestCase service_tests[] = {
  { "one manager per database and socket", test_one_manager },
  { "bad requests are refused and change nothing", test_bad_requests },
  { "the request parser refuses blank and malformed lines", test_parse },
  { "requests act on the manager", test_requests_act },
  { "a new manager restores the saved state", test_state_restored },
  { NULL, NULL },
};

static const HerdTestSuite suites[] = {
  { "service", service_tests },
  { NULL },
};

int
main (void)
{
  return herd_test_main (suites);
}
