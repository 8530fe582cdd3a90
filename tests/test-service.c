/* test-service.c: herd run's control protocol and state database,
 * driven on the simulated cluster (the real hosts' side is the integration
 * suite's, tests/integration/).
 *
 * The protocol: every malformed or refused request gets an error naming
 * what was wrong and changes nothing; good requests act.  Strict JSON (no
 * \u0000, integers in range, no trailing data or repeated members), the
 * roles (a request above the caller's role refused and recorded), and on
 * the socket itself: a line without a newline refused at 64 KiB, and
 * connections beyond max_connections refused.  The state database: what
 * one manager saved, a new manager restores (hosts, their sanlock ids,
 * VMs Unknown on their hosts until reported, the SPM); an older database
 * gains the requests table; the files are owner-only whatever the
 * umask. */
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "core/driver.h"
#include "conf/run-config.h"
#include "core/manager.h"
#include "drivers/registry.h"
#include "run/run.h"
#include "service/changes.h"
#include "service/ctl.h"
#include "service/history.h"
#include "service/state.h"
#include "sim/world.h"
#include "tests/service-fixture.h"
#include "tests/test-util.h"

/* The answer to request must contain want. */
static void
expect (Service *s, const char *request, const char *want)
{
  g_autofree char *answer = herd_ctl_answer (s->ctl, request);
  if (strstr (answer, want) == NULL)
    g_printerr ("\n%s\n  got: %s\n want: ...%s...\n", request, answer, want);
  CU_ASSERT_PTR_NOT_NULL (strstr (answer, want));
}

static gint64 count_rows (const char *dir, const char *sql);

static HerdVm *
vm_named (Service *s, const char *name)
{
  return herd_model_vm (s->sc->model, herd_model_find_vm (s->sc->model, name));
}

/* A start no host can take says why in words, filter by filter. */
static void
test_start_refused_in_words (void)
{
  Service s;
  service_open (&s, NULL);
  expect (&s, "{\"command\": \"maintenance\", \"host\": \"h-1\"}",
          "\"ok\":true");
  expect (&s, "{\"command\": \"maintenance\", \"host\": \"h-2\"}",
          "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}",
          "\"ok\":false,\"error\":\"no host can run VM v-1: 2 hosts not "
          "Up (Status)\"");
  service_close (&s, TRUE);
}

/* v-1 runs on h-1 before the manager first hears from h-1 (started by
 * someone else). */
static void
start_v1_behind_its_back (Service *s)
{
  CU_ASSERT_TRUE (herd_world_vm_start (s->world, 0, 0, NULL));
}

/* A first start without a database on hosts that already run VMs of the
 * configuration: they are taken where they run (VM_BACK_WITH_HOST
 * adopted=yes), not left Down to be started a second time. */
static void
test_first_start_adopts (void)
{
  Service s;
  service_open_with (&s, NULL, start_v1_behind_its_back);
  herd_engine_run (s.engine, HERD_MIN (2), NULL, NULL);
  HerdModel *m = s.sc->model;
  const HerdVm *v1 = herd_model_vm (m, 0);
  CU_ASSERT_EQUAL (v1->status, HERD_VM_UP);
  CU_ASSERT_EQUAL (v1->host, 0);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}",
          "VM v-1 is Up, not Down");
  g_autofree char *events = herd_ctl_answer (
      s.ctl, "{\"command\": \"events\", \"count\": 50}");
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "VM_BACK_WITH_HOST"));
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "adopted=yes"));
  service_close (&s, TRUE);
}

/* The SPM of the fixture's data center, or NULL. */
static const char *
spm_name (Service *s)
{
  HerdId h = herd_model_datacenter (s->sc->model, 0)->spm_host;
  return h != HERD_ID_NONE ? herd_model_host (s->sc->model, h)->name : NULL;
}

/* "Select as SPM": refused for the SPM itself and for a host that is not
 * Up; another Up host takes the role at once. */
static void
test_select_spm (void)
{
  Service s;
  service_open (&s, NULL);
  herd_engine_run (s.engine, HERD_MIN (2), NULL, NULL);
  const char *spm = spm_name (&s);
  CU_ASSERT_PTR_NOT_NULL_FATAL (spm);
  const char *other = strcmp (spm, "h-1") == 0 ? "h-2" : "h-1";
  g_autofree char *same = g_strdup_printf (
      "{\"command\": \"select_spm\", \"host\": \"%s\"}", spm);
  g_autofree char *refused = g_strdup_printf (
      "cannot select %s as SPM of dc: it is the SPM already", spm);
  expect (&s, same, refused);
  g_autofree char *select = g_strdup_printf (
      "{\"command\": \"select_spm\", \"host\": \"%s\"}", other);
  expect (&s, select, "\"ok\":true");
  CU_ASSERT_STRING_EQUAL (spm_name (&s), other);
  g_autofree char *back = g_strdup_printf (
      "{\"command\": \"maintenance\", \"host\": \"%s\"}", spm);
  expect (&s, back, "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (5), NULL, NULL);
  g_autofree char *down = g_strdup_printf (
      "{\"command\": \"select_spm\", \"host\": \"%s\"}", spm);
  g_autofree char *not_up = g_strdup_printf (
      "cannot select %s as SPM of dc: it is not Up", spm);
  expect (&s, down, not_up);
  CU_ASSERT_STRING_EQUAL (spm_name (&s), other);
  g_autofree char *events = herd_ctl_answer (
      s.ctl, "{\"command\": \"events\", \"count\": 200}");
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "USER_FORCE_SELECTED_SPM"));
  service_close (&s, TRUE);
}

/* "Confirm host has been rebooted": refused for an Up host; for a
 * crashed host without power management (NonResponsive for good, its HA
 * VM Unknown, the SPM role held), its VMs go Down and the HA VM restarts
 * on the other host, and a new SPM is elected. */
static void
test_confirm_rebooted (void)
{
  Service s;
  service_open (&s, NULL);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}",
          "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  HerdModel *m = s.sc->model;
  HerdVm *v1 = herd_model_vm (m, herd_model_find_vm (m, "v-1"));
  CU_ASSERT_EQUAL_FATAL (v1->status, HERD_VM_UP);
  HerdId victim = v1->host;
  const char *name = herd_model_host (m, victim)->name;
  g_autofree char *confirm = g_strdup_printf (
      "{\"command\": \"confirm_reboot\", \"host\": \"%s\"}", name);
  g_autofree char *up = g_strdup_printf (
      "host %s is Up: a reboot is confirmed only for a host that is not Up",
      name);
  expect (&s, confirm, up);
  CU_ASSERT_EQUAL (v1->status, HERD_VM_UP);
  /* its SPM role too, to see it handed over */
  if (g_strcmp0 (spm_name (&s), name) != 0)
    {
      g_autofree char *select = g_strdup_printf (
          "{\"command\": \"select_spm\", \"host\": \"%s\"}", name);
      expect (&s, select, "\"ok\":true");
    }
  CU_ASSERT_STRING_EQUAL (spm_name (&s), name);
  herd_world_host_crash (s.world, victim);
  herd_engine_run (s.engine, HERD_MIN (20), NULL, NULL); /* (times are
                                                            absolute) */
  /* the fixture's hosts have no fence agent: nothing more happens */
  CU_ASSERT_EQUAL (herd_model_host (m, victim)->status,
                   HERD_HOST_NON_RESPONSIVE);
  CU_ASSERT_EQUAL (v1->status, HERD_VM_UNKNOWN);
  CU_ASSERT_STRING_EQUAL (spm_name (&s), name);
  expect (&s, confirm, "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (25), NULL, NULL);
  CU_ASSERT_EQUAL (v1->status, HERD_VM_UP);
  CU_ASSERT_NOT_EQUAL (v1->host, victim);
  CU_ASSERT_PTR_NOT_NULL_FATAL (spm_name (&s));
  CU_ASSERT_STRING_NOT_EQUAL (spm_name (&s), name);
  g_autofree char *events = herd_ctl_answer (
      s.ctl, "{\"command\": \"events\", \"count\": 500}");
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "VDS_MANUAL_FENCE_STATUS"));
  CU_ASSERT_PTR_NOT_NULL (
      strstr (events, "VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE"));
  service_close (&s, TRUE);
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
                    "start, stop, migrate, cancel_migration, "
                    "maintenance, activate, "
                    "confirm_reboot, select_spm, power, spm, events, "
                    "add_host, add_vm, add_storage, edit_vm, remove_host, "
                    "remove_vm, reinstall)");
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
    { "{\"command\": \"hosts\"}\0x", 22, "a NUL byte at byte 21" },
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
  CU_ASSERT_STRING_EQUAL (error->message,
                          "request too long: more than 65536 bytes");
  g_clear_error (&error);
  const char *good = "{\"command\": \"migrate\", \"vm\": \"v-1\", "
                     "\"host\": \"h-2\"}";
  g_autoptr (JsonObject) ok = herd_ctl_parse (good, strlen (good), &error);
  CU_ASSERT_PTR_NOT_NULL (ok);
  CU_ASSERT_PTR_NULL (error);
  g_log_set_always_fatal (was);
}

/* Strict JSON: what json-glib alone would read as another request. */
static void
test_parse_strict (void)
{
  static const struct
  {
    const char *line;
    const char *want; /* NULL: accepted */
  } cases[] = {
    /* json-glib reads "v-1\u0000evil" as "v-1" */
    { "{\"command\": \"start\", \"vm\": \"v-1\\u0000evil\"}",
      "\\u0000 (NUL)" },
    { "{\"command\": \"start\", \"vm\": \"v-1\\u0000\"}", "\\u0000 (NUL)" },
    { "{\"command\": \"start\\u0000\"}", "\\u0000 (NUL)" },
    /* ... 1e30 as a double, 2^70 as -1, -2^63-1 as 2^63-1 */
    { "{\"command\": \"events\", \"count\": 1e30}",
      "a fraction or an exponent" },
    { "{\"command\": \"events\", \"count\": 2.0}",
      "a fraction or an exponent" },
    { "{\"command\": \"events\", \"count\": 1180591620717411303424}",
      "an integer out of range" },
    { "{\"command\": \"events\", \"count\": -9223372036854775809}",
      "an integer out of range" },
    { "{\"command\": \"events\", \"count\": 9223372036854775808}",
      "an integer out of range" },
    { "{\"command\": \"events\", \"count\": 012}", "a leading zero" },
    /* ... the first object of two, or of one with more after it */
    { "{\"command\": \"hosts\"} x", "trailing data after the JSON value" },
    { "{\"command\": \"hosts\"}{\"command\": \"vms\"}",
      "trailing data after the JSON value (one request per line) at byte "
      "21" },
    { "{\"command\": \"hosts\"} 1", "trailing data" },
    /* ... the last of repeated members, however they are spelled */
    { "{\"command\": \"start\", \"vm\": \"v-1\", \"vm\": \"v-2\"}",
      "the member \"vm\" is given twice" },
    { "{\"command\": \"start\", \"vm\": \"v-1\", \"\\u0076m\": \"v-2\"}",
      "the member \"vm\" is given twice" },
    { "{\"command\": \"hosts\", \"command\": \"stop\"}", "given twice" },
    /* syntax json-glib might be lenient with, and surrogates */
    { "{\"command\": \"start\", \"vm\": \"\\udc00\"}", "unpaired surrogate" },
    { "{\"command\": \"start\", \"vm\": \"\\ud800x\"}", "unpaired surrogate" },
    { "{\"command\": \"start\", \"vm\": \"a\\qb\"}", "unknown escape" },
    { "{\"command\": \"start\", \"vm\": \"a\tb\"}", "control character" },
    { "{\"command\": \"hosts\",}", "expected a JSON object on one line" },
    { "{'command': 'hosts'}", "expected a JSON object on one line" },
    { "{\"command\": \"hosts\", \"x\": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}",
      "nested deeper than 16 levels" },
    /* accepted: escapes that decode to text, blanks around, big counts
     * (the command checks the range) */
    { "{\"command\": \"start\", \"vm\": \"v\\u002d1\"}", NULL },
    { "{\"command\": \"start\", \"vm\": \"\\ud83d\\ude00\"}", NULL },
    { " \t{\"command\" : \"events\" , \"count\" : 9223372036854775807 } \r",
      NULL },
    { "{\"command\": \"events\", \"count\": -0}", NULL },
  };
  GLogLevelFlags was = g_log_set_always_fatal (
      G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonObject) req = herd_ctl_parse (
          cases[i].line, strlen (cases[i].line), &error);
      gboolean ok = cases[i].want == NULL
                        ? req != NULL && error == NULL
                        : req == NULL && error != NULL
                              && strstr (error->message, cases[i].want)
                                     != NULL;
      if (!ok)
        g_printerr ("\ncase %u: %s\n  got: %s\n want: %s\n", i,
                    cases[i].line, error != NULL ? error->message : "accepted",
                    cases[i].want != NULL ? cases[i].want : "accepted");
      CU_ASSERT_TRUE (ok);
    }
  g_log_set_always_fatal (was);

  /* Through the manager: the NUL request changes nothing. */
  Service s;
  service_open (&s, NULL);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\\u0000evil\"}",
          "\"ok\":false");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  CU_ASSERT_EQUAL (vm_named (&s, "v-1")->status, HERD_VM_DOWN);
  service_close (&s, TRUE);
}

/* A caller with role, as the socket would make one. */
static HerdCaller
caller_of (const char *user, HerdRole role)
{
  HerdCaller c = { 4242, 4242, 1, (char *) user, role };
  return c;
}

static void
expect_as (Service *s, HerdRole role, const char *request, const char *want)
{
  HerdCaller c = caller_of ("alice", role);
  g_autofree char *answer = herd_ctl_answer_as (s->ctl, &c, request);
  if (strstr (answer, want) == NULL)
    g_printerr ("\n%s as %s\n  got: %s\n want: ...%s...\n", request,
                herd_role_name (role), answer, want);
  CU_ASSERT_PTR_NOT_NULL (strstr (answer, want));
}

static GPtrArray *logged; /* messages kept by keep_message */

static void
keep_message (const char *domain, GLogLevelFlags level, const char *message,
              gpointer data)
{
  g_ptr_array_add (logged, g_strdup (message));
}

/* Viewers read; operators start, stop and migrate; administrators do the
 * rest; nobody else does anything.  What is refused changes nothing and
 * is recorded with who asked. */
static void
test_roles (void)
{
  Service s;
  service_open (&s, NULL);
  const char *start = "{\"command\": \"start\", \"vm\": \"v-1\"}";
  expect_as (&s, HERD_ROLE_VIEWER, "{\"command\": \"vms\"}", "\"ok\":true");
  expect_as (&s, HERD_ROLE_VIEWER, "{\"command\": \"hosts\"}", "\"ok\":true");
  expect_as (&s, HERD_ROLE_VIEWER, "{\"command\": \"spm\"}", "\"ok\":true");
  expect_as (&s, HERD_ROLE_VIEWER, "{\"command\": \"events\"}",
             "\"ok\":true");
  expect_as (&s, HERD_ROLE_VIEWER, start,
             "start needs the operator role; user alice (uid 4242) has the "
             "viewer role");
  expect_as (&s, HERD_ROLE_NONE, "{\"command\": \"vms\"}",
             "vms needs the viewer role; user alice (uid 4242) has the none "
             "role");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  CU_ASSERT_EQUAL (vm_named (&s, "v-1")->status, HERD_VM_DOWN);
  expect_as (&s, HERD_ROLE_OPERATOR, "{\"command\": \"maintenance\", "
                                     "\"host\": \"h-1\"}",
             "maintenance needs the administrator role");
  expect_as (&s, HERD_ROLE_OPERATOR, "{\"command\": \"activate\", "
                                     "\"host\": \"h-1\"}",
             "activate needs the administrator role");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  CU_ASSERT_EQUAL (herd_model_host (s.sc->model, 0)->status, HERD_HOST_UP);
  expect_as (&s, HERD_ROLE_OPERATOR, start, "\"done\":true");
  CU_ASSERT_NOT_EQUAL (vm_named (&s, "v-1")->status, HERD_VM_DOWN);
  expect_as (&s, HERD_ROLE_ADMINISTRATOR, "{\"command\": \"stop\", "
                                          "\"vm\": \"v-1\"}",
             "\"done\":true");
  /* A name that holds a newline stays on its log line. */
  logged = g_ptr_array_new_with_free_func (g_free);
  GLogFunc was = g_log_set_default_handler (keep_message, NULL);
  expect_as (&s, HERD_ROLE_ADMINISTRATOR,
             "{\"command\": \"stop\", \"vm\": \"x\\n2026 audit FAKE\"}",
             "no VM called \\\"x\\n2026 audit FAKE\\\"");
  g_log_set_default_handler (was, NULL);
  CU_ASSERT_EQUAL_FATAL (logged->len, 1);
  const char *line = g_ptr_array_index (logged, 0);
  CU_ASSERT_PTR_NULL (strchr (line, '\n'));
  CU_ASSERT_PTR_NOT_NULL (strstr (line, "request={\"command\":\"stop\","
                                        "\"vm\":\"x\\n2026 audit FAKE\"} "
                                        "outcome=failed: no VM called "
                                        "\\\"x\\n2026"));
  g_clear_pointer (&logged, g_ptr_array_unref);
  /* Recorded: the requests above a viewer's, whatever came of them. */
  g_autofree char *db = g_build_filename (s.dir, "state.db", NULL);
  sqlite3 *sql = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (db, &sql), SQLITE_OK);
  sqlite3_stmt *st = NULL;
  CU_ASSERT_EQUAL_FATAL (
      sqlite3_prepare_v2 (sql,
                          "SELECT uid, user, role, request, outcome FROM "
                          "requests ORDER BY id",
                          -1, &st, NULL),
      SQLITE_OK);
  static const char *const want[][3] = {
    { "viewer", "{\"command\":\"start\",\"vm\":\"v-1\"}",
      "refused: start needs the operator role" },
    { "operator", "{\"command\":\"maintenance\",\"host\":\"h-1\"}",
      "refused: maintenance needs the administrator role" },
    { "operator", "{\"command\":\"activate\",\"host\":\"h-1\"}",
      "refused: activate" },
    { "operator", "{\"command\":\"start\",\"vm\":\"v-1\"}", "done" },
    { "administrator", "{\"command\":\"stop\",\"vm\":\"v-1\"}", "done" },
  };
  guint rows = 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      if (rows < G_N_ELEMENTS (want))
        {
          CU_ASSERT_EQUAL (sqlite3_column_int64 (st, 0), 4242);
          CU_ASSERT_STRING_EQUAL (sqlite3_column_text (st, 1), "alice");
          CU_ASSERT_STRING_EQUAL (sqlite3_column_text (st, 2),
                                  want[rows][0]);
          CU_ASSERT_STRING_EQUAL (sqlite3_column_text (st, 3),
                                  want[rows][1]);
          CU_ASSERT_TRUE (g_str_has_prefix (
              (const char *) sqlite3_column_text (st, 4), want[rows][2]));
        }
      rows++;
    }
  CU_ASSERT_EQUAL (rows, G_N_ELEMENTS (want) + 1); /* reads are not */
  sqlite3_finalize (st);
  sqlite3_close (sql);
  service_close (&s, TRUE);
}

/* Users and @groups to roles: root and this process's user are
 * administrators; the highest listed role wins; unknown names are
 * configuration errors. */
static void
test_access_rules (void)
{
  g_autoptr (GError) error = NULL;
  gid_t gid = getegid ();
  struct group *gr = getgrgid (gid);
  CU_ASSERT_PTR_NOT_NULL_FATAL (gr);
  g_autofree char *at_group = g_strconcat ("@", gr->gr_name, NULL);
  char *viewers[] = { at_group, NULL };
  char *operators[] = { (char *) "root", NULL };
  HerdRunSettings run = { 0 };
  run.viewers = viewers;
  run.operators = operators;
  run.max_connections = 3;
  g_autoptr (HerdAccess) access = herd_access_new (&run, "c.ini", &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (access);
  CU_ASSERT_EQUAL (herd_access_max_connections (access), 3);
  CU_ASSERT_EQUAL (herd_access_socket_group (access), gid);
  CU_ASSERT_EQUAL (herd_access_role (access, 0, 12345, NULL, 0),
                   HERD_ROLE_ADMINISTRATOR);
  CU_ASSERT_EQUAL (herd_access_role (access, geteuid (), 12345, NULL, 0),
                   HERD_ROLE_ADMINISTRATOR);
  uid_t other = geteuid () == 54321 ? 54322 : 54321;
  gid_t groups[] = { 777777, gid };
  CU_ASSERT_EQUAL (herd_access_role (access, other, gid, NULL, 0),
                   HERD_ROLE_VIEWER);
  CU_ASSERT_EQUAL (herd_access_role (access, other, 12345, groups, 2),
                   HERD_ROLE_VIEWER);
  CU_ASSERT_EQUAL (herd_access_role (access, other, 12345, groups, 1),
                   HERD_ROLE_NONE);
  CU_ASSERT_EQUAL (herd_access_role (access, other, 12345, NULL, 0),
                   HERD_ROLE_NONE);

  char *unknown[] = { (char *) "root", (char *) "no-such-user-herd", NULL };
  run.administrators = unknown;
  CU_ASSERT_PTR_NULL (herd_access_new (&run, "c.ini", &error));
  CU_ASSERT_STRING_EQUAL (error != NULL ? error->message : "",
                          "c.ini: [manager] administrators: no user "
                          "\"no-such-user-herd\" on this machine");
  g_clear_error (&error);
  run.administrators = NULL;
  run.socket_group = (char *) "no-such-group-herd";
  CU_ASSERT_PTR_NULL (herd_access_new (&run, "c.ini", &error));
  CU_ASSERT_STRING_EQUAL (error != NULL ? error->message : "",
                          "c.ini: [manager] socket_group: no group "
                          "\"no-such-group-herd\" on this machine");
}

/* A socket client for the tests below: connects to path, sends data (as
 * the server takes it) while the main context runs, and gathers what
 * comes back until a newline (or, with to_end, until the server closes),
 * for at most 10 s. */
static char *
exchange (GSocket *socket, const char *data, gsize length, gboolean to_end,
          gboolean *closed)
{
  g_autoptr (GString) got = g_string_new (NULL);
  gsize sent = 0;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  *closed = FALSE;
  while (g_get_monotonic_time () < deadline)
    {
      if (sent < length)
        {
          gssize n = g_socket_send (socket, data + sent, length - sent, NULL,
                                    NULL);
          if (n > 0)
            sent += (gsize) n;
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
      char buf[4096];
      g_autoptr (GError) error = NULL;
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      if (n > 0)
        g_string_append_len (got, buf, n);
      else if (n == 0
               || !g_error_matches (error, G_IO_ERROR,
                                    G_IO_ERROR_WOULD_BLOCK))
        {
          *closed = TRUE;
          break;
        }
      if (!to_end && strchr (got->str, '\n') != NULL)
        break;
      g_usleep (1000);
    }
  return g_string_free (g_steal_pointer (&got), FALSE);
}

static GSocket *
connect_to (const char *path)
{
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (path);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_DEFAULT, NULL);
  CU_ASSERT_TRUE (g_socket_connect (socket, address, NULL, NULL));
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

/* On the socket: requests one per line (two in one write answered in
 * order), a line that reaches 64 KiB without a newline answered with an
 * error and closed, and connections beyond max_connections refused. */
static void
test_socket_limits (void)
{
  Service s;
  service_open (&s, NULL);
  g_autofree char *path = g_build_filename (s.dir, "ctl.sock", NULL);
  gboolean closed;

  g_autoptr (GSocket) a = connect_to (path);
  const char *two = "{\"command\": \"spm\"}\n{\"command\": \"hosts\"}\n";
  g_autofree char *first = exchange (a, two, strlen (two), FALSE, &closed);
  CU_ASSERT_TRUE (g_str_has_prefix (first, "{\"ok\":true,\"result\":[{"
                                           "\"datacenter\""));
  g_autofree char *second = strchr (first, '\n')[1] != '\0'
                                ? g_strdup (strchr (first, '\n') + 1)
                                : exchange (a, "", 0, FALSE, &closed);
  CU_ASSERT_TRUE (g_str_has_prefix (second, "{\"ok\":true,\"result\":[{"
                                            "\"name\":\"h-1\""));
  CU_ASSERT_FALSE (closed);

  /* 64 KiB and more without a newline: refused, closed */
  gsize big = 3 * 65536;
  g_autofree char *junk = g_strnfill (big, 'x');
  g_autoptr (GSocket) b = connect_to (path);
  g_autofree char *refused = exchange (b, junk, big, TRUE, &closed);
  CU_ASSERT_TRUE (closed);
  CU_ASSERT_TRUE (g_str_has_prefix (
      refused, "{\"ok\":false,\"error\":\"request too long: more than "
               "65536 bytes without a newline"));
  /* a line of exactly 64 KiB is read (and refused as not JSON) */
  g_autofree char *edge = g_strnfill (65537, ' ');
  edge[0] = 'x';
  edge[65536] = '\n';
  g_autoptr (GSocket) c = connect_to (path);
  g_autofree char *long_line = exchange (c, edge, 65537, FALSE, &closed);
  CU_ASSERT_PTR_NOT_NULL (strstr (long_line,
                                  "expected a JSON object on one line"));
  CU_ASSERT_FALSE (closed);
  service_close (&s, TRUE);
}

/* Connections beyond [manager] max_connections get an error and are
 * closed; the ones served go on. */
static void
test_max_connections (void)
{
  Service s;
  service_open (&s, NULL);
  herd_ctl_free (s.ctl);
  g_autoptr (GError) error = NULL;
  HerdRunSettings run = { 0 };
  run.max_connections = 2;
  g_autofree char *path = g_build_filename (s.dir, "ctl.sock", NULL);
  s.ctl = herd_ctl_new (path, s.manager, s.sc->model, s.driver, s.state,
                        herd_access_new (&run, "c.ini", NULL), &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s.ctl);
  gboolean closed;
  const char *vms = "{\"command\": \"vms\"}\n";
  GSocket *held[2];
  for (int i = 0; i < 2; i++)
    {
      held[i] = connect_to (path);
      g_autofree char *ok = exchange (held[i], vms, strlen (vms), FALSE,
                                      &closed);
      CU_ASSERT_TRUE (g_str_has_prefix (ok, "{\"ok\":true"));
    }
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (GSocket) extra = connect_to (path);
      g_autofree char *no = exchange (extra, vms, strlen (vms), TRUE,
                                      &closed);
      CU_ASSERT_TRUE (closed);
      CU_ASSERT_TRUE (g_str_has_prefix (
          no, "{\"ok\":false,\"error\":\"too many connections: herd run "
              "serves 2 at once"));
    }
  g_autofree char *still = exchange (held[1], vms, strlen (vms), FALSE,
                                     &closed);
  CU_ASSERT_TRUE (g_str_has_prefix (still, "{\"ok\":true"));
  /* one closes: a new one is served */
  g_object_unref (held[0]);
  g_autoptr (GSocket) again = NULL;
  g_autofree char *after = NULL;
  for (int tries = 0; tries < 100; tries++)
    {
      g_clear_object (&again);
      g_clear_pointer (&after, g_free);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      again = connect_to (path);
      after = exchange (again, vms, strlen (vms), FALSE, &closed);
      if (g_str_has_prefix (after, "{\"ok\":true"))
        break;
    }
  CU_ASSERT_TRUE (g_str_has_prefix (after, "{\"ok\":true"));
  g_object_unref (held[1]);
  service_close (&s, TRUE);
}

/* The socket's path may hold only a stale socket: anything else is kept
 * and refused. */
static void
test_socket_path (void)
{
  Service s;
  service_open (&s, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_build_filename (s.dir, "state.db", NULL);
  g_autofree char *dir = g_build_filename (s.dir, "a-dir", NULL);
  g_autofree char *link = g_build_filename (s.dir, "a-link", NULL);
  g_mkdir (dir, 0700);
  CU_ASSERT_EQUAL (symlink ("nowhere", link), 0);
  struct stat before, after;
  CU_ASSERT_EQUAL (g_stat (file, &before), 0);
  const char *const paths[] = { file, dir, link };
  const char *const kinds[] = { "a regular file", "a directory",
                                "a symbolic link" };
  for (guint i = 0; i < 3; i++)
    {
      HerdCtl *other = herd_ctl_new (paths[i], s.manager, s.sc->model,
                                     s.driver, s.state, NULL, &error);
      CU_ASSERT_PTR_NULL (other);
      g_autofree char *want = g_strdup_printf (
          "control socket %s: the path holds %s, not a socket: refused",
          paths[i], kinds[i]);
      CU_ASSERT_TRUE (error != NULL
                      && g_str_has_prefix (error->message, want));
      g_clear_error (&error);
    }
  CU_ASSERT_EQUAL (g_stat (file, &after), 0);
  CU_ASSERT_EQUAL (before.st_ino, after.st_ino);
  CU_ASSERT_EQUAL (before.st_size, after.st_size);
  CU_ASSERT_TRUE (g_file_test (dir, G_FILE_TEST_IS_DIR));
  CU_ASSERT_TRUE (g_file_test (link, G_FILE_TEST_IS_SYMLINK));

  /* A stale socket (nobody listens) is replaced. */
  g_autofree char *stale = g_build_filename (s.dir, "stale.sock", NULL);
  {
    g_autoptr (GSocket) dead = g_socket_new (G_SOCKET_FAMILY_UNIX,
                                             G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_DEFAULT, NULL);
    g_autoptr (GSocketAddress) address = g_unix_socket_address_new (stale);
    CU_ASSERT_TRUE (g_socket_bind (dead, address, FALSE, NULL));
  }
  HerdCtl *fresh = herd_ctl_new (stale, s.manager, s.sc->model, s.driver,
                                 s.state, NULL, &error);
  CU_ASSERT_PTR_NOT_NULL (fresh);
  herd_ctl_free (fresh);
  CU_ASSERT_FALSE (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_remove (link);
  g_rmdir (dir);
  service_close (&s, TRUE);
}

/* The recorded history: a row per host and running VM per sample, with
 * what the driver measured; each ended hour aggregated (count, mean,
 * maximum); samples past their retention deleted, hourly rows past
 * theirs too; and at most HERD_HISTORY_QUEUE batches waiting for the
 * writer: while the database is locked the rest are dropped, not
 * queued. */
static void
test_history (void)
{
  Service s;
  service_open (&s, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_build_filename (s.dir, "state.db", NULL);
  HerdHistorySettings settings = { HERD_MIN (1), HERD_HOUR (2),
                                   HERD_HOUR (25), HERD_DAY (3) };
  HerdHistory *history = herd_history_open (db, s.sc->model, &settings,
                                            &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (history);
  /* Both VMs started (the even-distribution weights put them together:
   * the first one's CPU is not yet reported when the second is placed). */
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-2\"}", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (6), NULL, NULL);
  HerdVmUsage usage;
  CU_ASSERT_TRUE_FATAL (herd_driver_vm_usage (s.driver, 0, &usage, NULL));
  const gint64 base = G_GINT64_CONSTANT (3600) * 480000; /* an hour */
  /* Three hours and one sample, a minute apart, then 30 hours later. */
  for (gint64 t = base; t <= base + 3 * 3600; t += 60)
    {
      /* up to 29 s late or early, as a busy main loop may fire */
      gint64 jitter = (t / 60 % 3 - 1) * 29 * G_USEC_PER_SEC;
      CU_ASSERT_TRUE (herd_history_sample (history, s.driver,
                                           t * G_USEC_PER_SEC + jitter));
      herd_history_flush (history); /* as a minute apart */
    }
  /* Hours base, base+1h, base+2h aggregated; samples before base+1h
   * (2 h retention from base+3h) deleted. */
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM host_samples"),
                   2 * 121);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM vm_samples"),
                   2 * 121);
  g_autofree char *oldest = g_strdup_printf (
      "SELECT min(time) = %" G_GINT64_FORMAT " FROM vm_samples",
      base + 3600);
  CU_ASSERT_EQUAL (count_rows (s.dir, oldest), 1);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM host_hourly"), 6);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM vm_hourly"), 6);
  CU_ASSERT_EQUAL (
      count_rows (s.dir, "SELECT min(samples) FROM host_hourly"), 60);
  /* What the driver measured, in the samples and the hourly means. */
  g_autofree char *cpu = g_strdup_printf (
      "SELECT count(*) FROM vm_samples WHERE vm = 'v-1' AND cpu_mc = "
      "%" G_GINT64_FORMAT " AND memory_used_mib = %" G_GINT64_FORMAT
      " AND disk_write_bytes_per_second = 1048576 AND status = 'Up'",
      usage.cpu_mc, usage.mem_used_mib);
  CU_ASSERT_EQUAL (count_rows (s.dir, cpu), 121);
  /* Its disk: the 2G it held at the start and what it wrote since it
   * started (at most 6 minutes of 1 MiB/s), a row per sample. */
  CU_ASSERT_EQUAL (usage.n_disks, 1);
  CU_ASSERT (usage.disk_mib[0] > 2048 && usage.disk_mib[0] <= 2048 + 360);
  g_autofree char *held = g_strdup_printf (
      "SELECT count(*) FROM vm_disk_samples WHERE vm = 'v-1' AND disk = 0 "
      "AND actual_size_mib = %" G_GINT64_FORMAT,
      usage.disk_mib[0]);
  CU_ASSERT_EQUAL (count_rows (s.dir, held), 121);
  g_autofree char *held_hourly = g_strdup_printf (
      "SELECT count(*) FROM vm_disk_hourly WHERE vm = 'v-1' AND disk = 0 "
      "AND samples = 60 AND actual_size_mib = %" G_GINT64_FORMAT
      " AND max_actual_size_mib = %" G_GINT64_FORMAT,
      usage.disk_mib[0], usage.disk_mib[0]);
  CU_ASSERT_EQUAL (count_rows (s.dir, held_hourly), 3);
  g_autofree char *mean = g_strdup_printf (
      "SELECT count(*) FROM vm_hourly WHERE vm = 'v-1' AND cpu_mc = "
      "%" G_GINT64_FORMAT " AND max_memory_used_mib = %" G_GINT64_FORMAT,
      usage.cpu_mc, usage.mem_used_mib);
  CU_ASSERT_EQUAL (count_rows (s.dir, mean), 3);
  const HerdHost *busy = herd_model_host (
      s.sc->model, herd_model_vm (s.sc->model, 0)->host);
  CU_ASSERT_TRUE (busy->cpu_used_mc > 0);
  g_autofree char *host_cpu = g_strdup_printf (
      "SELECT count(*) FROM host_samples WHERE host = '%s' AND cpu_mc = "
      "%" G_GINT64_FORMAT " AND abs(cpu_usage_percent - %f) < 1e-9 AND "
      "vms = %u AND memory_mib = 32768 AND status = 'Up'",
      busy->name, busy->cpu_used_mc, busy->cpu_used_mc / 80.0,
      busy->vm_count);
  CU_ASSERT_EQUAL (count_rows (s.dir, host_cpu), 121);

  /* 24 hours on: the hours since aggregated (only those with samples
   * have rows: base+3h), hourly rows older than 25 h deleted (base and
   * base+1h), samples older than 2 h too. */
  CU_ASSERT_TRUE (herd_history_sample (history, s.driver,
                                       (base + 27 * 3600) * G_USEC_PER_SEC));
  herd_history_flush (history);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM host_hourly"), 4);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT min(hour) - max(hour) FROM "
                                  "vm_hourly"),
                   -3600);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM host_samples"), 2);
  CU_ASSERT_EQUAL (
      count_rows (s.dir, "SELECT count(*) FROM vm_disk_samples"), 2);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM vm_disk_hourly"),
                   2 * 2);
  /* The first day ended: its samples (three hours and one) as daily
   * rows, from its hours before they were deleted. */
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM host_daily"), 2);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT min(samples) FROM vm_daily"),
                   181);
  g_autofree char *daily = g_strdup_printf (
      "SELECT count(*) FROM vm_daily WHERE vm = 'v-1' AND day = %"
      G_GINT64_FORMAT " AND cpu_mc = %" G_GINT64_FORMAT
      " AND max_memory_used_mib = %" G_GINT64_FORMAT,
      base, usage.cpu_mc, usage.mem_used_mib);
  CU_ASSERT_EQUAL (count_rows (s.dir, daily), 1);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT min(samples) FROM "
                                      "vm_disk_daily"),
                   181);

  /* Bounded: with the database locked, HERD_HISTORY_QUEUE batches wait
   * and the rest are dropped; unlocked, the waiting ones are written. */
  sqlite3 *locker = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (db, &locker), SQLITE_OK);
  CU_ASSERT_EQUAL (sqlite3_exec (locker, "BEGIN IMMEDIATE", NULL, NULL,
                                 NULL),
                   SQLITE_OK);
  guint handed = 0;
  for (gint64 i = 1; i <= HERD_HISTORY_QUEUE + 3; i++)
    handed += herd_history_sample (
        history, s.driver, (base + 27 * 3600 + 60 * i) * G_USEC_PER_SEC);
  CU_ASSERT_EQUAL (handed, HERD_HISTORY_QUEUE);
  CU_ASSERT_EQUAL (sqlite3_exec (locker, "COMMIT", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close (locker);
  herd_history_flush (history);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(DISTINCT time) FROM "
                                  "host_samples"),
                   1 + HERD_HISTORY_QUEUE);
  herd_history_free (history);
  service_close (&s, TRUE);
}

/* Owner-only files whatever the umask: the database, its WAL and -shm and
 * its lock 0600, the socket 0660; an older database's files narrowed. */
static void
test_file_modes (void)
{
  mode_t was = umask (0);
  g_autofree char *dir = g_dir_make_tmp ("herd-test-modes-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "state.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  /* An older herd run's database: no requests table, mode 0666. */
  sqlite3 *old = NULL;
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (db, &old), SQLITE_OK);
  CU_ASSERT_EQUAL (
      sqlite3_exec (old,
                    "PRAGMA journal_mode=WAL;"
                    "CREATE TABLE hosts (name TEXT PRIMARY KEY, status TEXT "
                    "NOT NULL, sanlock_id INTEGER NOT NULL);"
                    "CREATE TABLE vms (name TEXT PRIMARY KEY, status TEXT "
                    "NOT NULL, host TEXT);"
                    "CREATE TABLE spm (datacenter TEXT PRIMARY KEY, host "
                    "TEXT);"
                    "CREATE TABLE audit (id INTEGER PRIMARY KEY, time_ns "
                    "INTEGER NOT NULL, code INTEGER NOT NULL, name TEXT NOT "
                    "NULL, severity TEXT NOT NULL, object TEXT NOT NULL, "
                    "details TEXT NOT NULL);"
                    "INSERT INTO hosts VALUES ('h-1', 'Up', 1);",
                    NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close (old);
  struct stat st;
  CU_ASSERT_EQUAL (g_stat (db, &st), 0);
  CU_ASSERT_EQUAL (st.st_mode & 0777, 0644); /* SQLite's default */
  chmod (db, 0666);

  Service s;
  service_open (&s, dir);
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE (herd_state_save (s.state, &error));
  CU_ASSERT_TRUE (herd_state_add_request (s.state, 1, 2, "u", "operator",
                                          "{}", "done", &error));
  g_autofree char *lock = g_strconcat (db, ".lock", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autofree char *sock = g_build_filename (dir, "ctl.sock", NULL);
  const char *const files[] = { db, wal, shm, lock, sock };
  const guint modes[] = { 0600, 0600, 0600, 0600, 0660 };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      CU_ASSERT_EQUAL (g_lstat (files[i], &st), 0);
      if ((st.st_mode & 0777) != modes[i])
        g_printerr ("\n%s: mode %04o, want %04o\n", files[i],
                    st.st_mode & 0777, modes[i]);
      CU_ASSERT_EQUAL (st.st_mode & 0777, modes[i]);
    }
  CU_ASSERT_EQUAL (st.st_gid, getegid ());
  umask (was);
  service_close (&s, FALSE);
  CU_ASSERT_EQUAL (count_rows (dir, "SELECT count(*) FROM requests"), 1);
  CU_ASSERT_EQUAL (count_rows (dir, "SELECT count(*) FROM hosts"), 2);
  g_remove (lock);
  g_remove (db);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

/* herd run's configuration: the [manager] access keys checked with their
 * line, no credential in fence_options or fence_command, and the secrets
 * file read into each host's fence_secrets, refused when others may read
 * it, its errors giving the line and never a value. */
static const char run_text[]
    = "[datacenter dc]\n"
      "[cluster c]\ndatacenter = dc\n"
      "[hosts h]\ncluster = c\ncount = 2\ncores = 8\nmemory = 32G\n"
      "uri = test:///default\nfence_agent = ipmilan\n"
      "fence_command = fence_ipmilan\nfence_options = ip=10.0.0.{n}\n"
      "[hosts k]\ncluster = c\ncores = 8\nmemory = 32G\n"
      "uri = test:///default\n"
      "[storage sd]\ndatacenter = dc\ntype = nfs\ncapacity = 1T\n"
      "master = true\npath = /srv\n"
      "[manager]\n";

static HerdVirtConfig *
run_config_with (const char *manager_keys, const char *secrets,
                 guint mode, HerdScenario **sc, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-test-secrets-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "secrets", NULL);
  CU_ASSERT_TRUE (g_file_set_contents (path, secrets, -1, NULL));
  chmod (path, mode);
  g_autofree char *text = g_strdup_printf ("%s%s\nsecrets = %s\n", run_text,
                                           manager_keys, path);
  *sc = herd_scenario_load_data (text, "run.ini", error);
  HerdVirtConfig *config = *sc != NULL ? herd_run_config (*sc, error) : NULL;
  g_remove (path);
  g_rmdir (dir);
  return config;
}

static void
test_run_keys_and_secrets (void)
{
  static const struct
  {
    const char *from, *to, *want;
  } bad[] = {
    { "[manager]\n", "[manager]\nviewers = alice, bad name\n",
      "run.ini:25: [manager] viewers: expected a comma-separated list of "
      "user names and @group names, such as alice, @herd-ops; name 2 "
      "\"bad name\" is not one" },
    { "[manager]\n", "[manager]\noperators = @\n", "name 1 \"@\" is not one" },
    { "[manager]\n", "[manager]\nmax_connections = 0\n",
      "run.ini:25: [manager] max_connections: expected a whole number "
      "between 1 and 4096" },
    { "[manager]\n", "[manager]\nmax_connections = 1e30\n",
      "[manager] max_connections: expected a whole number" },
    { "[manager]\n", "[manager]\napi_max_connections = 5000\n",
      "run.ini:25: [manager] api_max_connections: expected a whole number "
      "between 1 and 4096" },
    { "[manager]\n", "[manager]\nsocket_group = @herd\n",
      "run.ini:25: [manager] socket_group: expected a group name" },
    { "[manager]\n", "[manager]\nsanlock_wait = 0s\n",
      "run.ini:25: [manager] sanlock_wait: expected a duration more than 0" },
    { "[manager]\n", "[manager]\nsample_interval = 1500ms\n",
      "run.ini:25: [manager] sample_interval: expected whole seconds such "
      "as 60s or 1m (0: none), got \"1500ms\"" },
    { "[manager]\n", "[manager]\nsample_retention = 0\n",
      "run.ini:25: [manager] sample_retention: expected a duration more "
      "than 0" },
    { "[manager]\n", "[manager]\nhourly_retention = -1h\n",
      "run.ini:25: [manager] hourly_retention:" },
    { "[manager]\n", "[manager]\nsockets = x\n",
      "run.ini:25: [manager] sockets: unknown key" },
    { "ip=10.0.0.{n}", "ip=10.0.0.{n} passwd=hunter2",
      "run.ini:12: [hosts h] fence_options: passwd is a credential: the "
      "configuration may not hold one; give it in herd run's secrets file" },
    { "ip=10.0.0.{n}", "ip=10.0.0.{n} SNMP_PRIV_PASSWD=hunter2",
      "fence_options: SNMP_PRIV_PASSWD is a credential" },
    { "fence_command = fence_ipmilan",
      "fence_command = fence_ipmilan --password=hunter2",
      "run.ini:11: [hosts h] fence_command: --password is a credential" },
    { "fence_command = fence_ipmilan", "fence_command = fence_ipmilan -p x",
      "fence_command: -p is a credential" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GString) text = g_string_new (run_text);
      g_string_replace (text, bad[i].from, bad[i].to, 1);
      g_autoptr (HerdScenario) sc = herd_scenario_load_data (text->str,
                                                             "run.ini",
                                                             &error);
      gboolean ok = sc == NULL && error != NULL
                    && strstr (error->message, bad[i].want) != NULL
                    && strstr (error->message, "hunter2") == NULL;
      if (!ok)
        g_printerr ("\ncase %u: got %s\n want %s\n", i,
                    error != NULL ? error->message : "loaded", bad[i].want);
      CU_ASSERT_TRUE (ok);
    }
  /* A *_script option names a program, not a password: it may stay. */
  {
    g_autoptr (GString) text = g_string_new (run_text);
    g_string_replace (text, "ip=10.0.0.{n}", "ip=1 passwd_script=/bin/pw", 1);
    g_autoptr (HerdScenario) sc = herd_scenario_load_data (text->str,
                                                           "run.ini", NULL);
    CU_ASSERT_PTR_NOT_NULL (sc);
  }

  /* The secrets file. */
  HerdScenario *sc = NULL;
  g_autoptr (GError) error = NULL;
  HerdVirtConfig *config = run_config_with (
      "max_connections = 5\nviewers = alice, @ops",
      "# the fence agents\n[hosts h]\nusername = admin\n"
      "password = s3cret # with a hash\n\n; host h-2 its own\n"
      "[host h-2]\npassword = other\n",
      0600, &sc, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (config);
  CU_ASSERT_EQUAL (sc->run.max_connections, 5);
  CU_ASSERT_STRING_EQUAL (sc->run.viewers[1], "@ops");
  CU_ASSERT_EQUAL (g_strv_length (config->hosts[0].fence_secrets), 2);
  CU_ASSERT_STRING_EQUAL (config->hosts[0].fence_secrets[0],
                          "username=admin");
  CU_ASSERT_STRING_EQUAL (config->hosts[0].fence_secrets[1],
                          "password=s3cret # with a hash");
  CU_ASSERT_EQUAL (g_strv_length (config->hosts[1].fence_secrets), 2);
  CU_ASSERT_STRING_EQUAL (config->hosts[1].fence_secrets[0],
                          "password=other");
  CU_ASSERT_STRING_EQUAL (config->hosts[1].fence_secrets[1],
                          "username=admin");
  CU_ASSERT_PTR_NULL (config->hosts[2].fence_secrets); /* k-1 */
  CU_ASSERT_STRING_EQUAL (config->hosts[0].fence_options[0], "ip=10.0.0.1");
  herd_virt_config_free (config, sc->model);
  herd_scenario_free (sc);

  static const struct
  {
    const char *text;
    guint mode;
    const char *want;
  } refused[] = {
    { "[hosts h]\npassword = s3cret\n", 0644,
      "mode 0644 lets its group or others at it: refused" },
    { "[hosts h]\npassword = s3cret\n", 0640, "mode 0640" },
    { "[hosts h]\npassword = s3cret\n", 0604, "mode 0604" },
    { "password = s3cret\n", 0600,
      ":1: password outside a [hosts GROUP] or [host NAME] group" },
    { "[hosts h]\ns3cret\n", 0600, ":2: expected name = value" },
    { "[hosts h]\n= s3cret\n", 0600, ":2: expected an option name" },
    { "[hosts nosuch]\npassword = s3cret\n", 0600,
      ":1: [hosts]: no host group \"nosuch\" in run.ini" },
    { "[host h-9]\npassword = s3cret\n", 0600,
      ":1: [host]: no host \"h-9\" in run.ini" },
    { "[vms v]\npassword = s3cret\n", 0600,
      ":1: expected a [hosts GROUP] or [host NAME] header" },
    { "[hosts h]\npassword = s3cret\npassword = s3cret\n", 0600,
      ":3: password given twice in [hosts h]" },
    { "[hosts h]\n[hosts h]\n", 0600, ":2: [hosts h] given twice" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_clear_error (&error);
      sc = NULL;
      config = run_config_with ("", refused[i].text, refused[i].mode, &sc,
                                &error);
      gboolean ok = config == NULL && error != NULL
                    && g_str_has_prefix (error->message, "secrets file ")
                    && strstr (error->message, refused[i].want) != NULL
                    && strstr (error->message, "s3cret") == NULL;
      if (!ok)
        g_printerr ("\ncase %u: got %s\n want %s\n", i,
                    error != NULL ? error->message : "accepted",
                    refused[i].want);
      CU_ASSERT_TRUE (ok);
      herd_scenario_free (sc);
    }
}

static void
test_down_elsewhere_ignored (void)
{
  /* A QEMU gone on a host where the VM neither runs nor migrates to (the
   * destination's, after an aborted migration: the integration suite's
   * canceled migration set the running VM Down) changes nothing; one gone
   * on its own host is its end. */
  Service s;
  service_open (&s, NULL);
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}",
          "\"done\":true");
  herd_engine_run (s.engine, HERD_MIN (3), NULL, NULL);
  HerdVm *vm = vm_named (&s, "v-1");
  CU_ASSERT_EQUAL_FATAL (vm->status, HERD_VM_UP);
  HerdId host = vm->host, other = host == 0 ? 1 : 0;
  herd_driver_emit_vm_state (s.driver, vm->id, other, HERD_VM_DOWN,
                             HERD_PAUSE_NONE);
  herd_engine_run (s.engine, HERD_MIN (4), NULL, NULL);
  CU_ASSERT_EQUAL (vm->status, HERD_VM_UP);
  CU_ASSERT_EQUAL (vm->host, host);
  herd_driver_emit_vm_state (s.driver, vm->id, host, HERD_VM_DOWN,
                             HERD_PAUSE_NONE);
  CU_ASSERT_EQUAL (vm->status, HERD_VM_DOWN);
  service_close (&s, TRUE);
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
  /* Canceled at once (oVirt's CancelMigrateVm): it stays on its source,
   * Up; a VM that is not migrating has nothing to cancel. */
  expect (&s, "{\"command\": \"cancel_migration\", \"vm\": \"v-1\"}",
          "VM v-1 is not migrating");
  expect (&s, migrate, "\"done\":true");
  CU_ASSERT_EQUAL (vm_named (&s, "v-1")->status, HERD_VM_MIGRATING_FROM);
  expect (&s, "{\"command\": \"cancel_migration\", \"vm\": \"v-1\"}",
          "\"done\":true");
  CU_ASSERT_EQUAL (vm_named (&s, "v-1")->status, HERD_VM_UP);
  CU_ASSERT_EQUAL (vm_named (&s, "v-1")->host, from);
  expect (&s, "{\"command\": \"events\", \"count\": 2}",
          "\"name\":\"VM_CANCEL_MIGRATION\"");
  herd_engine_run (s.engine, HERD_MIN (1), NULL, NULL);
  CU_ASSERT_EQUAL (vm_named (&s, "v-1")->host, from);
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
  CU_ASSERT_TRUE (herd_state_save (s.state, &error));
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
  t.sc = herd_scenario_load_data (herd_service_scenario_text, "service.ini",
                                  &error);
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
  CU_ASSERT_TRUE (herd_state_save (t.state, &error));
  CU_ASSERT_EQUAL (count_rows (dir, "SELECT count(*) FROM vms WHERE "
                                    "status = 'Unknown'"),
                   2);
  CU_ASSERT_EQUAL (count_rows (dir, "SELECT count(*) FROM audit"),
                   audit_rows);
  service_close (&t, TRUE);
}

/* Audit events are written in batches: none until a commit, which comes
 * HERD_STATE_BATCH_MS after the batch's first event on the main context,
 * or at once with a request's record (events first, then the request),
 * or when events are read; every event once, in order. */
static void
test_audit_batches (void)
{
  Service s;
  service_open (&s, NULL);
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE (herd_state_save (s.state, &error));
  gint64 before = count_rows (s.dir, "SELECT count(*) FROM audit");
  CU_ASSERT_TRUE (before > 0);
  for (guint i = 0; i < 1000; i++)
    herd_audit_emit (s.audit, HERD_SEC (100 + i), HERD_AUDIT_VM_DOWN, "v-1",
                     "n=%u", i);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM audit"), before);
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (count_rows (s.dir, "SELECT count(*) FROM audit") == before
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM audit"),
                   before + 1000);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM audit WHERE "
                                      "details = 'n=' || (id - (SELECT "
                                      "min(id) FROM audit WHERE details = "
                                      "'n=0'))"),
                   1000);
  /* a request's record commits the events before it */
  herd_audit_emit (s.audit, HERD_SEC (2000), HERD_AUDIT_VM_DOWN, "v-2",
                   "last");
  CU_ASSERT_TRUE (herd_state_add_request (s.state, 1, 2, "u", "operator",
                                          "{}", "done", &error));
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM audit WHERE "
                                      "details = 'last'"),
                   1);
  CU_ASSERT_EQUAL (count_rows (s.dir, "SELECT count(*) FROM requests"), 1);
  /* reading the events reads the batch too */
  herd_audit_emit (s.audit, HERD_SEC (2001), HERD_AUDIT_VM_DOWN, "v-2",
                   "unread");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  CU_ASSERT_TRUE (herd_state_events (s.state, 1, b, &error));
  json_builder_end_array (b);
  g_autoptr (JsonNode) events = json_builder_get_root (b);
  JsonObject *last = json_array_get_object_element (
      json_node_get_array (events), 0);
  CU_ASSERT_STRING_EQUAL (json_object_get_string_member (last, "details"),
                          "unread");
  service_close (&s, TRUE);
}

/* A user's stop, start and restart through the fence agents (oVirt's
 * StopVds, StartVds, RestartVds): refused in the quiet time after the
 * manager starts, for a stop of a host not in Maintenance, a start of an
 * Up host, the same action again within FenceQuietTimeBetweenOperations
 * and an unknown action; a restart kills the host's VMs (HA ones start
 * elsewhere) and brings it back Up; a host stopped from Maintenance stays
 * Down, not fenced as NonResponsive, until a start brings it back Up. */
static const char power_text[]
    = "[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncluster = c\ncount = 3\ncores = 8\nmemory = 32G\n"
      "fence_agent = ipmilan\n"
      "[storage sd]\ndatacenter = dc\ntype = nfs\ncapacity = 1T\n"
      "master = true\n"
      "[vms v]\ncluster = c\ncount = 2\nvcpus = 1\nmemory = 1G\nha = true\n";

static void
power (Service *s, const char *host, const char *action, const char *want)
{
  g_autofree char *request = g_strdup_printf (
      "{\"command\": \"power\", \"host\": \"%s\", \"action\": \"%s\"}", host,
      action);
  expect (s, request, want);
}

static HerdHostStatus
host_status (Service *s, const char *name)
{
  HerdModel *m = s->sc->model;
  return herd_model_host (m, herd_model_find_host (m, name))->status;
}

static void
test_power_actions (void)
{
  Service s;
  service_open_scenario (&s, NULL, power_text, NULL);
  HerdModel *m = s.sc->model;
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}", "\"ok\":true");
  power (&s, "h-1", "restart", "in the first 300 s after the manager starts");
  herd_engine_run (s.engine, HERD_MIN (6), NULL, NULL);
  HerdVm *v1 = herd_model_vm (m, herd_model_find_vm (m, "v-1"));
  CU_ASSERT_EQUAL_FATAL (v1->status, HERD_VM_UP);
  const char *victim = herd_model_host (m, v1->host)->name;
  power (&s, victim, "stop", "it is Up: only a host in Maintenance");
  power (&s, victim, "start", "it is Up: only a host that is Down");
  power (&s, victim, "reboot", "expected stop, start or restart");
  power (&s, victim, "restart", "\"ok\":true");
  power (&s, victim, "restart", "the last restart was 0 s ago; wait 180 s");
  herd_engine_run (s.engine, HERD_MIN (16), NULL, NULL);
  CU_ASSERT_EQUAL (v1->status, HERD_VM_UP);
  CU_ASSERT_STRING_NOT_EQUAL (herd_model_host (m, v1->host)->name, victim);
  CU_ASSERT_EQUAL (host_status (&s, victim), HERD_HOST_UP);
  g_autofree char *events = herd_ctl_answer (
      s.ctl, "{\"command\": \"events\", \"count\": 500}");
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "USER_VDS_RESTART"));
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "action=off"));
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "action=on"));
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "VM_WAS_SET_DOWN_DUE_TO_HOST"));

  /* stopped from Maintenance: Down for good, then started: Up */
  const char *other = g_strcmp0 (victim, "h-3") == 0 ? "h-2" : "h-3";
  g_autofree char *maintenance = g_strdup_printf (
      "{\"command\": \"maintenance\", \"host\": \"%s\"}", other);
  expect (&s, maintenance, "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (20), NULL, NULL);
  CU_ASSERT_EQUAL_FATAL (host_status (&s, other), HERD_HOST_MAINTENANCE);
  power (&s, other, "stop", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (25), NULL, NULL);
  CU_ASSERT_EQUAL (host_status (&s, other), HERD_HOST_DOWN);
  herd_engine_run (s.engine, HERD_MIN (45), NULL, NULL);
  CU_ASSERT_EQUAL (host_status (&s, other), HERD_HOST_DOWN);
  power (&s, other, "start", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (55), NULL, NULL);
  CU_ASSERT_EQUAL (host_status (&s, other), HERD_HOST_UP);
  /* restarted from Maintenance: back in Maintenance */
  expect (&s, maintenance, "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (60), NULL, NULL);
  CU_ASSERT_EQUAL_FATAL (host_status (&s, other), HERD_HOST_MAINTENANCE);
  power (&s, other, "restart", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (62), NULL, NULL);
  CU_ASSERT_NOT_EQUAL (host_status (&s, other), HERD_HOST_MAINTENANCE);
  herd_engine_run (s.engine, HERD_MIN (75), NULL, NULL);
  CU_ASSERT_EQUAL (host_status (&s, other), HERD_HOST_MAINTENANCE);
  /* started while in Maintenance (on, answering): it stays there */
  herd_engine_run (s.engine, HERD_MIN (79), NULL, NULL);
  power (&s, other, "start", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (85), NULL, NULL);
  CU_ASSERT_EQUAL (host_status (&s, other), HERD_HOST_MAINTENANCE);
  g_autofree char *later = herd_ctl_answer (
      s.ctl, "{\"command\": \"events\", \"count\": 500}");
  CU_ASSERT_PTR_NOT_NULL (strstr (later, "USER_VDS_STOP"));
  CU_ASSERT_PTR_NOT_NULL (strstr (later, "USER_VDS_START"));
  CU_ASSERT_PTR_NULL (strstr (later, "VDS_HOST_NOT_RESPONDING_CONNECTING"));
  service_close (&s, TRUE);
}

/* A user's restart whose agent fails: the alert, and nothing else
 * changes (the host stays Up with its VM, monitored as before). */
static void
test_power_action_fails (void)
{
  Service s;
  service_open_scenario (&s, NULL, power_text, NULL);
  HerdModel *m = s.sc->model;
  expect (&s, "{\"command\": \"start\", \"vm\": \"v-1\"}", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (6), NULL, NULL);
  HerdVm *v1 = herd_model_vm (m, herd_model_find_vm (m, "v-1"));
  CU_ASSERT_EQUAL_FATAL (v1->status, HERD_VM_UP);
  if (g_strcmp0 (herd_model_host (m, v1->host)->name, "h-1") != 0)
    expect (&s, "{\"command\": \"migrate\", \"vm\": \"v-1\", \"host\": "
                "\"h-1\"}",
            "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (8), NULL, NULL);
  CU_ASSERT_STRING_EQUAL_FATAL (herd_model_host (m, v1->host)->name, "h-1");
  herd_world_fence_broken (s.world, herd_model_find_host (m, "h-1"), TRUE);
  power (&s, "h-1", "restart", "\"ok\":true");
  herd_engine_run (s.engine, HERD_MIN (20), NULL, NULL);
  CU_ASSERT_EQUAL (host_status (&s, "h-1"), HERD_HOST_UP);
  CU_ASSERT_EQUAL (v1->status, HERD_VM_UP);
  CU_ASSERT_STRING_EQUAL (herd_model_host (m, v1->host)->name, "h-1");
  g_autofree char *events = herd_ctl_answer (
      s.ctl, "{\"command\": \"events\", \"count\": 500}");
  CU_ASSERT_PTR_NOT_NULL (strstr (events, "VDS_ALERT_FENCE_OPERATION_FAILED"));
  CU_ASSERT_PTR_NULL (strstr (events, "VM_WAS_SET_DOWN"));
  /* monitored as before: a crash is still noticed */
  herd_world_host_crash (s.world, herd_model_find_host (m, "h-1"));
  herd_engine_run (s.engine, HERD_MIN (25), NULL, NULL);
  CU_ASSERT_EQUAL (host_status (&s, "h-1"), HERD_HOST_NON_RESPONSIVE);
  service_close (&s, TRUE);
}

/* A soft fence that the backend answered, then reported failed (SSH did
 * not reach the host: the virt driver's asynchronous restart): the host
 * is NonResponsive at once rather than after SoftFencingWait; a report
 * after the host answered again changes nothing. */
static void
test_soft_fence_failed (void)
{
  Service s;
  service_open (&s, NULL);
  HerdModel *m = s.sc->model;
  HerdId h1 = herd_model_find_host (m, "h-1");
  herd_engine_run (s.engine, HERD_MIN (1), NULL, NULL);
  herd_world_agent_hang (s.world, h1, TRUE);
  /* until the manager restarts the agent over SSH */
  HerdTime now = HERD_MIN (1);
  while (herd_audit_count (s.audit, HERD_AUDIT_SYSTEM_SSH_HOST_RESTART) == 0
         && now < HERD_MIN (10))
    herd_engine_run (s.engine, now += HERD_MSEC (100), NULL, NULL);
  CU_ASSERT_EQUAL_FATAL (host_status (&s, "h-1"), HERD_HOST_CONNECTING);
  herd_driver_emit_soft_fence_failed (s.driver, h1, "exit=255 output=no "
                                                    "route to host");
  CU_ASSERT_EQUAL (host_status (&s, "h-1"), HERD_HOST_NON_RESPONSIVE);
  CU_ASSERT_EQUAL (herd_audit_count (s.audit,
                                     HERD_AUDIT_SYSTEM_FAILED_SSH_HOST_RESTART),
                   1);
  /* once it is back, a late report is ignored */
  herd_world_agent_hang (s.world, h1, FALSE);
  herd_engine_run (s.engine, now + HERD_MIN (10), NULL, NULL);
  CU_ASSERT_EQUAL_FATAL (host_status (&s, "h-1"), HERD_HOST_UP);
  herd_driver_emit_soft_fence_failed (s.driver, h1, "late");
  CU_ASSERT_EQUAL (host_status (&s, "h-1"), HERD_HOST_UP);
  CU_ASSERT_EQUAL (herd_audit_count (s.audit,
                                     HERD_AUDIT_SYSTEM_FAILED_SSH_HOST_RESTART),
                   1);
  service_close (&s, TRUE);
}

/* The room reserved for run-time additions: adding within it moves none
 * of the model's arrays; removal keeps the id, frees the name and takes
 * the object out of its cluster and its affinity groups. */
static void
test_model_room (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (
      "[datacenter dc]\n[cluster c]\n[hosts h]\ncount = 2\ncores = 4\n"
      "memory = 8G\n[vms v]\ncount = 2\nvcpus = 1\nmemory = 1G\n"
      "[affinity g]\nvms = v\nvm_rule = positive\n",
      "room.ini", &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
  HerdModel *m = sc->model;
  CU_ASSERT_EQUAL (herd_model_host_slots (m), 2);
  herd_model_reserve (m, 10, 12, 20, 0);
  CU_ASSERT_EQUAL (herd_model_host_slots (m), 10);
  CU_ASSERT_EQUAL (herd_model_vm_slots (m), 12);
  CU_ASSERT_EQUAL (herd_model_disk_slots (m), 20);
  gpointer hosts = m->hosts->pdata, vms = m->vms->pdata;
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("x-%u", i);
      herd_model_add_host (m, name, 0);
    }
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("w-%u", i);
      herd_model_add_vm (m, name, 0);
    }
  CU_ASSERT_PTR_EQUAL (m->hosts->pdata, hosts);
  CU_ASSERT_PTR_EQUAL (m->vms->pdata, vms);
  /* a removed host: out of its cluster, its name free, its id kept */
  herd_model_remove_host (m, 1);
  CU_ASSERT_TRUE (herd_model_host (m, 1)->removed);
  CU_ASSERT_EQUAL (herd_model_find_host (m, "h-2"), HERD_ID_NONE);
  GArray *members = herd_model_cluster (m, 0)->hosts;
  CU_ASSERT_EQUAL (members->len, 9);
  for (guint i = 0; i < members->len; i++)
    CU_ASSERT_NOT_EQUAL (g_array_index (members, HerdId, i), 1);
  CU_ASSERT_EQUAL (herd_model_add_host (m, "h-2", 0)->id, 10);
  /* a removed VM leaves its affinity group */
  CU_ASSERT_EQUAL (herd_model_affinity_group (m, 0)->vms.n, 2);
  herd_model_remove_vm (m, 0);
  CU_ASSERT_EQUAL (herd_model_affinity_group (m, 0)->vms.n, 1);
  CU_ASSERT_EQUAL (herd_model_affinity_group (m, 0)->vms.ids[0], 1);
  CU_ASSERT_EQUAL (herd_model_vm (m, 0)->affinity_groups.n, 0);
  CU_ASSERT_EQUAL (herd_model_find_vm (m, "v-1"), HERD_ID_NONE);
}

static const char changes_config[]
    = "[datacenter dc]\n[storage sd]\ntype = nfs\ncapacity = 1T\n"
      "master = true\npath = /nonexistent/sd\n[cluster c]\n[hosts h]\n"
      "count = 2\ncores = 4\nmemory = 8G\nuri = test:///default\n"
      "[vms v]\ncount = 2\nvcpus = 1\nmemory = 1G\n";

/* A state database with changes recorded (kind, name, op, text: NULL-ended
 * quadruples) for changes_config, written in dir; its path. */
static char *
record_changes (const char *dir, const char *const *rows)
{
  g_autofree char *config = g_build_filename (dir, "c.ini", NULL);
  g_autofree char *db = g_build_filename (dir, "c.db", NULL);
  g_unlink (db);
  CU_ASSERT_TRUE (g_file_set_contents (config, changes_config, -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load (config, &error);
  g_autoptr (HerdState) state = herd_state_open (db, sc->model, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (state);
  CU_ASSERT_TRUE (herd_state_save (state, &error)); /* every row */
  for (guint i = 0; rows[i] != NULL; i += 4)
    CU_ASSERT_TRUE (herd_state_put_change (state, rows[i], rows[i + 1],
                                           rows[i + 2], rows[i + 3],
                                           &error));
  return g_steal_pointer (&config);
}

/* herd run's start with run-time changes recorded: the objects added are
 * there, edits and removals applied, room reserved; a configuration that
 * now clashes with them, or an edit it now refuses, is an error naming
 * the database. */
static void
test_changes_loaded (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-changes-XXXXXX", NULL);
  static const char *const rows[] = {
    "host", "h-9", "add", "cluster = c\ncores = 4\nmemory = 8G\n"
    "uri = test:///default\n",
    /* a VM added, then removed: kept so that w keeps its id */
    "vm", "herd.removed.1", "gone", "cluster = c\nvcpus = 1\nmemory = 1G\n",
    "vm", "w", "add", "cluster = c\nvcpus = 2\nmemory = 2G\n"
    "disk = 1G thin, 2G\npinned_to = h-9\n",
    "vm", "v-1", "edit", "vcpus = 3\nmemory = 3G\nha = true\n"
    "disk = 2G thin\n",
    "storage", "sd2", "add", "type = nfs\ncapacity = 1T\n"
    "path = /nonexistent/sd2\n",
    "host", "h-2", "remove", "",
    "vm", "v-2", "remove", "",
    NULL,
  };
  g_autofree char *config = record_changes (dir, rows);
  g_autofree char *db = g_build_filename (dir, "c.db", NULL);
  g_autoptr (GError) error = NULL;
  HerdScenario *sc = NULL;
  g_autoptr (HerdChanges) changes = herd_changes_load (config, db, &sc,
                                                       &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (changes);
  g_autoptr (HerdScenario) owned = sc;
  HerdModel *m = sc->model;
  HerdId h9 = herd_model_find_host (m, "h-9");
  CU_ASSERT_EQUAL (h9, 2);
  HerdId w = herd_model_find_vm (m, "w");
  CU_ASSERT_EQUAL_FATAL (w, 3);
  CU_ASSERT_TRUE (herd_model_vm (m, 2)->removed);
  CU_ASSERT_EQUAL (herd_model_find_vm (m, "herd.removed.1"), HERD_ID_NONE);
  CU_ASSERT_EQUAL (herd_model_vm (m, w)->n_disks, 2);
  CU_ASSERT_EQUAL (herd_model_vm (m, w)->pinned_to.n, 1);
  CU_ASSERT_EQUAL (herd_model_vm (m, w)->pinned_to.ids[0], h9);
  const HerdVm *v1 = herd_model_vm (m, herd_model_find_vm (m, "v-1"));
  CU_ASSERT_EQUAL (v1->vcpus, 3);
  CU_ASSERT_EQUAL (v1->memory_mib, 3072);
  CU_ASSERT_TRUE (v1->ha);
  CU_ASSERT_EQUAL_FATAL (v1->n_disks, 1);
  const HerdDisk *d1 = g_ptr_array_index (m->disks, v1->first_disk);
  CU_ASSERT_EQUAL (d1->vm, v1->id);
  CU_ASSERT_EQUAL (d1->virtual_mib, 2048);
  CU_ASSERT_TRUE (d1->thin);
  CU_ASSERT_TRUE (herd_model_host (m, 1)->removed);
  CU_ASSERT_EQUAL (herd_model_find_host (m, "h-2"), HERD_ID_NONE);
  CU_ASSERT_EQUAL (herd_model_find_vm (m, "v-2"), HERD_ID_NONE);
  CU_ASSERT_EQUAL (herd_model_cluster (m, 0)->hosts->len, 2);
  HerdId sd2 = herd_model_find_domain (m, "sd2");
  CU_ASSERT_EQUAL (sd2, 1);
  CU_ASSERT_FALSE (herd_model_domain (m, sd2)->master);
  /* twice the hosts and VMs, and more; 8 more domains */
  CU_ASSERT_EQUAL (herd_model_domain_slots (m), 2 + 8);
  CU_ASSERT_EQUAL (herd_model_host_slots (m), 2 * 3 + 16);
  CU_ASSERT_EQUAL (herd_model_vm_slots (m), 2 * 4 + 64);
  /* the state database forgets the removed host's row at its next save */
  g_autoptr (HerdState) state = herd_state_open (db, m, &error);
  CU_ASSERT_TRUE (herd_state_save (state, &error));
  sqlite3 *raw = NULL;
  sqlite3_stmt *st = NULL;
  sqlite3_open (db, &raw);
  sqlite3_prepare_v2 (raw,
                      "SELECT group_concat(name) FROM (SELECT name FROM hosts "
                      "ORDER BY name)",
                      -1, &st, NULL);
  CU_ASSERT_EQUAL (sqlite3_step (st), SQLITE_ROW);
  CU_ASSERT_STRING_EQUAL (sqlite3_column_text (st, 0), "h-1,h-9");
  sqlite3_finalize (st);
  sqlite3_close (raw);
  g_clear_pointer (&state, herd_state_free);

  /* a configuration that defines a host added at run time */
  static const char *const clash[] = {
    "host", "h-1", "add", "cluster = c\ncores = 4\nmemory = 8G\n", NULL,
  };
  g_free (record_changes (dir, clash));
  HerdScenario *none = NULL;
  g_clear_error (&error);
  CU_ASSERT_PTR_NULL (herd_changes_load (config, db, &none, &error));
  CU_ASSERT_PTR_NULL (none);
  CU_ASSERT_PTR_NOT_NULL_FATAL (error);
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "with the hosts and VMs "
                                                  "added at run time"));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "[host h-1]"));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, db));
  /* an edit the configuration now refuses (its hosts have 4 cores) */
  static const char *const edit[] = { "vm", "v-1", "edit", "vcpus = 8\n",
                                      NULL };
  g_free (record_changes (dir, edit));
  g_clear_error (&error);
  CU_ASSERT_PTR_NULL (herd_changes_load (config, db, &none, &error));
  CU_ASSERT_PTR_NOT_NULL_FATAL (error);
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "the edit of VM v-1 "
                                                  "recorded in the state "
                                                  "database: [vm v-1] vcpus"));
  /* no database: the configuration alone */
  g_autofree char *nowhere = g_build_filename (dir, "none.db", NULL);
  g_clear_error (&error);
  g_autoptr (HerdChanges) plain = herd_changes_load (config, nowhere, &none,
                                                     &error);
  CU_ASSERT_PTR_NOT_NULL (plain);
  CU_ASSERT_EQUAL (none->model->hosts->len, 2);
  herd_scenario_free (none);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *f; (f = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, f, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
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
                                 s.state, NULL, &error);
  CU_ASSERT_PTR_NULL (other);
  CU_ASSERT_PTR_NOT_NULL (error != NULL
                              ? strstr (error->message,
                                        "another herd run listens there")
                              : NULL);
  /* The refused one left the live socket in place. */
  CU_ASSERT_TRUE (g_file_test (sock, G_FILE_TEST_EXISTS));
  service_close (&s, TRUE);
}

static const HerdTestCase service_tests[] = {
  { "one manager per database and socket", test_one_manager },
  { "the model's room for run-time additions; removal", test_model_room },
  { "a soft fence reported failed later: NonResponsive at once",
    test_soft_fence_failed },
  { "run-time changes recorded are made again at start",
    test_changes_loaded },
  { "bad requests are refused and change nothing", test_bad_requests },
  { "a start no host can take says why in words",
    test_start_refused_in_words },
  { "select as SPM", test_select_spm },
  { "a first start adopts what the hosts run", test_first_start_adopts },
  { "confirm host has been rebooted", test_confirm_rebooted },
  { "stop, start and restart through the fence agents",
    test_power_actions },
  { "a restart whose agent fails changes nothing", test_power_action_fails },
  { "the request parser refuses blank and malformed lines", test_parse },
  { "requests act on the manager", test_requests_act },
  { "a VM gone on a host it does not run on stays Up",
    test_down_elsewhere_ignored },
  { "a new manager restores the saved state", test_state_restored },
  { "audit events written in batches", test_audit_batches },
  { "strict JSON: no NUL, integers in range, no trailing data or repeats",
    test_parse_strict },
  { "roles: a request above the caller's role is refused and recorded",
    test_roles },
  { "users and groups to roles", test_access_rules },
  { "on the socket: one line at a time, at most 64 KiB",
    test_socket_limits },
  { "connections beyond max_connections are refused", test_max_connections },
  { "recorded history: samples, hourly aggregates, retention, bounded",
    test_history },
  { "the socket replaces only a stale socket", test_socket_path },
  { "files owner-only whatever the umask; an older database upgraded",
    test_file_modes },
  { "[manager] access keys, no credentials in the configuration, the "
    "secrets file",
    test_run_keys_and_secrets },
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
