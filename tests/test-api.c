/* test-api.c: herd run's REST API (service/api.c) on the simulated
 * cluster, through a real HTTPS client (libsoup) on its self-signed
 * certificate: authentication (Basic against the password file, bearer
 * tokens from the SSO endpoint), each role doing what it may and being
 * refused the rest with nothing changed, oVirt's member names and ids,
 * actions that start and migrate a VM, events paged with from, and bad
 * requests (malformed bodies, unknown objects and paths, oversized bodies)
 * answered with a fault that changes nothing. */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "service/api.h"
#include "service/json-out.h"
#include "service/users.h"
#include "tests/service-fixture.h"
#include "tests/test-util.h"

typedef struct
{
  Service s;
  HerdApi *api;
  SoupSession *session;
  char *base;          /* https://127.0.0.1:PORT */
  char *users;         /* the password file */
} Fixture;

static void fixture_open_with (Fixture *f, HerdTime token_lifetime,
                               guint max_connections);

static void
fixture_open (Fixture *f)
{
  fixture_open_with (f, HERD_HOUR (1), 256);
}

/* The fixture with bearer tokens that last token_lifetime, taking
 * max_connections at once. */
static void
fixture_open_with (Fixture *f, HerdTime token_lifetime,
                   guint max_connections)
{
  g_autoptr (GError) error = NULL;
  memset (f, 0, sizeof *f);
  service_open (&f->s, NULL);
  f->users = g_build_filename (f->s.dir, "api-users", NULL);
  CU_ASSERT_TRUE_FATAL (herd_users_set (f->users, "ada", "ada's secret",
                                        HERD_ROLE_ADMINISTRATOR, &error));
  CU_ASSERT_TRUE_FATAL (herd_users_set (f->users, "olga", "olga's secret",
                                        HERD_ROLE_OPERATOR, &error));
  CU_ASSERT_TRUE_FATAL (herd_users_set (f->users, "vic", "vic's secret",
                                        HERD_ROLE_VIEWER, &error));
  g_autofree char *cert = g_build_filename (f->s.dir, "api.crt", NULL);
  g_autofree char *key = g_build_filename (f->s.dir, "api.key", NULL);
  CU_ASSERT_TRUE_FATAL (herd_api_make_certificate (cert, key, &error));
  struct stat st;
  CU_ASSERT_EQUAL (g_stat (key, &st), 0);
  CU_ASSERT_EQUAL (st.st_mode & 0777, 0600);
  HerdUsers *users = herd_users_load (f->users, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (users);
  HerdApiSettings settings = { "127.0.0.1:0", cert, key, token_lifetime,
                               max_connections };
  f->api = herd_api_new (&settings, f->s.ctl, f->s.sc->model, f->s.state,
                         users, &error);
  if (f->api == NULL)
    g_printerr ("%s\n", error->message);
  CU_ASSERT_PTR_NOT_NULL_FATAL (f->api);
  f->base = g_strdup_printf ("https://127.0.0.1:%u", herd_api_port (f->api));
  f->session = soup_session_new ();
}

static void
fixture_close (Fixture *f)
{
  g_object_unref (f->session);
  herd_api_free (f->api);
  g_autofree char *cert = g_build_filename (f->s.dir, "api.crt", NULL);
  g_autofree char *key = g_build_filename (f->s.dir, "api.key", NULL);
  g_remove (cert);
  g_remove (key);
  g_remove (f->users);
  g_free (f->users);
  g_free (f->base);
  service_close (&f->s, TRUE);
}

/* The self-signed certificate is the one the test made. */
static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *cert,
            GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

typedef struct
{
  GBytes *body;
  gboolean done;
} Reply;

static void
replied (GObject *source, GAsyncResult *res, gpointer data)
{
  Reply *r = data;
  g_autoptr (GError) error = NULL;
  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), res,
                                               &error);
  if (r->body == NULL)
    g_printerr ("request failed: %s\n", error->message);
  r->done = TRUE;
}

/* method path with authorization (NULL: none) and body (NULL: none, of
 * type); the answer's status in *status and its JSON (NULL if none). */
static JsonNode *
request_full (Fixture *f, const char *method, const char *path,
              const char *authorization, const char *type, const char *body,
              gsize length, guint *status)
{
  g_autofree char *uri = g_strconcat (f->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any),
                    NULL);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Authorization", authorization);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, length);
      soup_message_set_request_body_from_bytes (msg, type, bytes);
    }
  Reply r = { NULL, FALSE };
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT,
                                    NULL, replied, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  *status = soup_message_get_status (msg);
  JsonNode *root = NULL;
  if (r.body != NULL && g_bytes_get_size (r.body) > 0)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      gsize n;
      const char *data = g_bytes_get_data (r.body, &n);
      if (json_parser_load_from_data (parser, data, (gssize) n, NULL))
        root = json_node_copy (json_parser_get_root (parser));
    }
  if (r.body != NULL)
    g_bytes_unref (r.body);
  return root;
}

static char *
basic (const char *user, const char *password)
{
  g_autofree char *pair = g_strdup_printf ("%s:%s", user, password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair,
                                              strlen (pair));
  return g_strconcat ("Basic ", encoded, NULL);
}

static JsonNode *
request (Fixture *f, const char *method, const char *path, const char *user,
         const char *password, const char *body, guint *status)
{
  g_autofree char *auth = user != NULL ? basic (user, password) : NULL;
  return request_full (f, method, path, auth, "application/json", body,
                       body != NULL ? strlen (body) : 0, status);
}

/* The string at a JSON path ($.a.b) of root, or "". */
static const char *
string_at (JsonNode *root, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) found = json_path_query (path, root, &error);
  JsonArray *a = found != NULL ? json_node_get_array (found) : NULL;
  if (a == NULL || json_array_get_length (a) == 0)
    return "";
  JsonNode *n = json_array_get_element (a, 0);
  return JSON_NODE_HOLDS_VALUE (n)
                 && json_node_get_value_type (n) == G_TYPE_STRING
             ? json_node_get_string (n)
             : "";
}

static gint64
int_at (JsonNode *root, const char *path)
{
  g_autoptr (JsonNode) found = json_path_query (path, root, NULL);
  JsonArray *a = found != NULL ? json_node_get_array (found) : NULL;
  if (a == NULL || json_array_get_length (a) == 0)
    return -1;
  return json_node_get_int (json_array_get_element (a, 0));
}

static guint
length_at (JsonNode *root, const char *path)
{
  g_autoptr (JsonNode) found = json_path_query (path, root, NULL);
  JsonArray *a = found != NULL ? json_node_get_array (found) : NULL;
  return a != NULL ? json_array_get_length (a) : 0;
}

static HerdVm *
vm_named (Fixture *f, const char *name)
{
  HerdModel *m = f->s.sc->model;
  return herd_model_vm (m, herd_model_find_vm (m, name));
}

/* Who may ask: nobody unauthenticated, a wrong password is refused, each
 * user's role comes from the file. */
static void
test_authentication (void)
{
  Fixture f;
  fixture_open (&f);
  guint status;
  g_autoptr (JsonNode) none = request (&f, "GET", "/ovirt-engine/api/vms",
                                       NULL, NULL, NULL, &status);
  CU_ASSERT_EQUAL (status, 401);
  CU_ASSERT_STRING_EQUAL (string_at (none, "$.reason"), "Unauthorized");
  g_autoptr (JsonNode) wrong = request (&f, "GET", "/ovirt-engine/api/vms",
                                        "vic", "guess", NULL, &status);
  CU_ASSERT_EQUAL (status, 401);
  g_autoptr (JsonNode) nobody = request (&f, "GET", "/ovirt-engine/api/vms",
                                         "mallory", "x", NULL, &status);
  CU_ASSERT_EQUAL (status, 401);
  g_autoptr (JsonNode) ok = request (&f, "GET", "/ovirt-engine/api/vms",
                                     "vic@internal", "vic's secret", NULL,
                                     &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_EQUAL (length_at (ok, "$.vm[*]"), 2);
  /* A bearer token from the SSO endpoint, as oVirt's SDKs get one. */
  const char form[] = "grant_type=password&scope=ovirt-app-api&"
                      "username=olga%40internal&password=olga%27s+secret";
  g_autoptr (JsonNode) token = request_full (
      &f, "POST", "/ovirt-engine/sso/oauth/token", NULL,
      "application/x-www-form-urlencoded", form, strlen (form), &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_STRING_EQUAL (string_at (token, "$.token_type"), "bearer");
  g_autofree char *bearer = g_strconcat (
      "Bearer ", string_at (token, "$.access_token"), NULL);
  CU_ASSERT (strlen (bearer) > 40);
  g_autoptr (JsonNode) with_token = request_full (
      &f, "GET", "/api/hosts", bearer, NULL, NULL, 0, &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_EQUAL (length_at (with_token, "$.host[*]"), 2);
  g_autoptr (JsonNode) started = request_full (
      &f, "POST", "/api/vms/v-2/start", bearer, NULL, NULL, 0, &status);
  CU_ASSERT_EQUAL (status, 200); /* olga is an operator */
  g_autoptr (JsonNode) bad_token = request_full (
      &f, "GET", "/api/hosts", "Bearer not-a-token", NULL, NULL, 0, &status);
  CU_ASSERT_EQUAL (status, 401);
  const char bad_form[] = "grant_type=password&username=olga&password=no";
  g_autoptr (JsonNode) refused = request_full (
      &f, "POST", "/ovirt-engine/sso/oauth/token", NULL,
      "application/x-www-form-urlencoded", bad_form, strlen (bad_form),
      &status);
  CU_ASSERT_EQUAL (status, 401);
  fixture_close (&f);
}

/* Objects with oVirt's member names, found by id or by name. */
static void
test_objects (void)
{
  Fixture f;
  fixture_open (&f);
  guint status;
  g_autoptr (JsonNode) hosts = request (&f, "GET", "/ovirt-engine/api/hosts",
                                        "vic", "vic's secret", NULL,
                                        &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_STRING_EQUAL (string_at (hosts, "$.host[0].name"), "h-1");
  CU_ASSERT_STRING_EQUAL (string_at (hosts, "$.host[0].status"), "up");
  CU_ASSERT_EQUAL (int_at (hosts, "$.host[0].cpu.topology.cores"), 8);
  CU_ASSERT_EQUAL (int_at (hosts, "$.host[0].memory"),
                   G_GINT64_CONSTANT (32) << 30);
  g_autofree char *id = herd_api_object_id ("vm", "v-1");
  CU_ASSERT_EQUAL (strlen (id), 36);
  CU_ASSERT_EQUAL (id[14], '5'); /* version 5 */
  g_autofree char *by_id_path = g_strconcat ("/ovirt-engine/api/vms/", id,
                                             NULL);
  g_autoptr (JsonNode) by_id = request (&f, "GET", by_id_path, "vic",
                                        "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  g_autoptr (JsonNode) by_name = request (&f, "GET",
                                          "/ovirt-engine/api/vms/v-1/",
                                          "vic", "vic's secret", NULL,
                                          &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_STRING_EQUAL (string_at (by_id, "$.id"), id);
  CU_ASSERT_STRING_EQUAL (string_at (by_name, "$.id"), id);
  CU_ASSERT_STRING_EQUAL (string_at (by_name, "$.status"), "down");
  CU_ASSERT_EQUAL (int_at (by_name, "$.memory"), G_GINT64_CONSTANT (1) << 30);
  CU_ASSERT_EQUAL (int_at (by_name, "$.high_availability.priority"), 1);
  const char *const collections[]
      = { "datacenters", "clusters", "storagedomains", "networks" };
  const char *const members[]
      = { "$.data_center[0].name", "$.cluster[0].name",
          "$.storage_domain[0].name", "$.network[*]" };
  const char *const names[] = { "dc", "c", "sd", NULL };
  for (guint i = 0; i < G_N_ELEMENTS (collections); i++)
    {
      g_autofree char *path = g_strconcat ("/api/", collections[i], NULL);
      g_autoptr (JsonNode) list = request (&f, "GET", path, "vic",
                                           "vic's secret", NULL, &status);
      CU_ASSERT_EQUAL (status, 200);
      if (names[i] != NULL)
        CU_ASSERT_STRING_EQUAL (string_at (list, members[i]), names[i]);
    }
  g_autoptr (JsonNode) root = request (&f, "GET", "/ovirt-engine/api",
                                       "vic", "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_STRING_EQUAL (string_at (root, "$.product_info.name"), "herd");
  fixture_close (&f);
}

/* Each role does what it may; a refusal is a fault and changes nothing;
 * actions act. */
static void
test_actions (void)
{
  Fixture f;
  fixture_open (&f);
  guint status;
  g_autoptr (JsonNode) viewer = request (&f, "POST",
                                         "/ovirt-engine/api/vms/v-1/start",
                                         "vic", "vic's secret", "{}",
                                         &status);
  CU_ASSERT_EQUAL (status, 403);
  CU_ASSERT_STRING_EQUAL (string_at (viewer, "$.reason"), "Forbidden");
  CU_ASSERT_PTR_NOT_NULL (strstr (string_at (viewer, "$.detail"),
                                  "start needs the operator role"));
  CU_ASSERT_EQUAL (vm_named (&f, "v-1")->status, HERD_VM_DOWN);
  g_autoptr (JsonNode) start = request (&f, "POST",
                                        "/ovirt-engine/api/vms/v-1/start",
                                        "olga", "olga's secret", "{}",
                                        &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_STRING_EQUAL (string_at (start, "$.status"), "complete");
  herd_engine_run (f.s.engine, HERD_MIN (3), NULL, NULL);
  CU_ASSERT_EQUAL (vm_named (&f, "v-1")->status, HERD_VM_UP);
  g_autoptr (JsonNode) again = request (&f, "POST", "/api/vms/v-1/start",
                                        "olga", "olga's secret", NULL,
                                        &status);
  CU_ASSERT_EQUAL (status, 409);
  CU_ASSERT_PTR_NOT_NULL (strstr (string_at (again, "$.detail"),
                                  "is Up, not Down"));
  HerdModel *m = f.s.sc->model;
  HerdId from = vm_named (&f, "v-1")->host;
  const char *to = herd_model_host (m, from == 0 ? 1 : 0)->name;
  /* bad bodies and hosts change nothing */
  g_autoptr (JsonNode) not_json = request (&f, "POST", "/api/vms/v-1/migrate",
                                           "olga", "olga's secret",
                                           "{\"host\":", &status);
  CU_ASSERT_EQUAL (status, 400);
  g_autoptr (JsonNode) no_host = request (
      &f, "POST", "/api/vms/v-1/migrate", "olga", "olga's secret",
      "{\"host\": {\"name\": \"h-9\"}}", &status);
  CU_ASSERT_EQUAL (status, 404);
  g_autoptr (JsonNode) bad_host = request (&f, "POST", "/api/vms/v-1/migrate",
                                           "olga", "olga's secret",
                                           "{\"host\": 3}", &status);
  CU_ASSERT_EQUAL (status, 400);
  CU_ASSERT_EQUAL (vm_named (&f, "v-1")->host, from);
  CU_ASSERT_EQUAL (vm_named (&f, "v-1")->status, HERD_VM_UP);
  g_autofree char *to_id = herd_api_object_id ("host", to);
  g_autofree char *body = g_strdup_printf (
      "{\"action\": {\"host\": {\"id\": \"%s\"}}}", to_id);
  g_autoptr (JsonNode) migrate = request (&f, "POST", "/api/vms/v-1/migrate",
                                          "olga", "olga's secret", body,
                                          &status);
  CU_ASSERT_EQUAL (status, 200);
  herd_engine_run (f.s.engine, HERD_MIN (6), NULL, NULL);
  CU_ASSERT_EQUAL (herd_model_host (m, vm_named (&f, "v-1")->host)->name,
                   to);
  /* fencing: the manual confirmation, never of an Up host */
  g_autoptr (JsonNode) no_type = request (&f, "POST", "/api/hosts/h-1/fence",
                                          "ada", "ada's secret", "{}",
                                          &status);
  CU_ASSERT_EQUAL (status, 400);
  g_autoptr (JsonNode) manual = request (
      &f, "POST", "/api/hosts/h-1/fence", "ada", "ada's secret",
      "{\"fence_type\": \"manual\"}", &status);
  CU_ASSERT_EQUAL (status, 409);
  CU_ASSERT_PTR_NOT_NULL (strstr (string_at (manual, "$.detail"),
                                  "host h-1 is Up"));
  /* through the agents: the fixture's hosts have none; status is not
   * there; an operator may not */
  g_autoptr (JsonNode) restart = request (
      &f, "POST", "/api/hosts/h-1/fence", "ada", "ada's secret",
      "{\"fence_type\": \"restart\"}", &status);
  CU_ASSERT_EQUAL (status, 409);
  CU_ASSERT_PTR_NOT_NULL (strstr (string_at (restart, "$.detail"),
                                  "cannot restart host h-1: it has no power "
                                  "management"));
  g_autoptr (JsonNode) power_status = request (
      &f, "POST", "/api/hosts/h-1/fence", "ada", "ada's secret",
      "{\"fence_type\": \"status\"}", &status);
  CU_ASSERT_EQUAL (status, 400);
  g_autoptr (JsonNode) operator_stop = request (
      &f, "POST", "/api/hosts/h-1/fence", "olga", "olga's secret",
      "{\"fence_type\": \"stop\"}", &status);
  CU_ASSERT_EQUAL (status, 403);
  /* select as SPM: the host that is not the SPM takes the role */
  HerdId spm = herd_model_datacenter (m, 0)->spm_host;
  CU_ASSERT_NOT_EQUAL_FATAL (spm, HERD_ID_NONE);
  g_autofree char *select = g_strdup_printf (
      "/api/hosts/%s/forceselectspm",
      herd_model_host (m, spm == 0 ? 1 : 0)->name);
  g_autoptr (JsonNode) operator_spm = request (&f, "POST", select, "olga",
                                               "olga's secret", NULL,
                                               &status);
  CU_ASSERT_EQUAL (status, 403);
  CU_ASSERT_EQUAL (herd_model_datacenter (m, 0)->spm_host, spm);
  g_autoptr (JsonNode) admin_spm = request (&f, "POST", select, "ada",
                                            "ada's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_EQUAL (herd_model_datacenter (m, 0)->spm_host, spm == 0 ? 1 : 0);
  CU_ASSERT_STRING_EQUAL (string_at (admin_spm, "$.host.spm.status"), "spm");
  /* hosts are an administrator's */
  g_autoptr (JsonNode) operator = request (&f, "POST",
                                           "/api/hosts/h-1/deactivate",
                                           "olga", "olga's secret", NULL,
                                           &status);
  CU_ASSERT_EQUAL (status, 403);
  g_autoptr (JsonNode) admin = request (&f, "POST",
                                        "/api/hosts/h-1/deactivate", "ada",
                                        "ada's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  herd_engine_run (f.s.engine, HERD_MIN (12), NULL, NULL);
  g_autoptr (JsonNode) h1 = request (&f, "GET", "/api/hosts/h-1", "vic",
                                     "vic's secret", NULL, &status);
  CU_ASSERT_STRING_EQUAL (string_at (h1, "$.status"), "maintenance");
  g_autoptr (JsonNode) unknown = request (&f, "POST", "/api/vms/v-1/reboot",
                                          "ada", "ada's secret", NULL,
                                          &status);
  CU_ASSERT_EQUAL (status, 404);
  fixture_close (&f);
}

/* Events newest first, paged with from; bad paths, methods and bodies. */
static void
test_events_and_faults (void)
{
  Fixture f;
  fixture_open (&f);
  guint status;
  g_autoptr (JsonNode) start = request (&f, "POST", "/api/vms/v-1/start",
                                        "olga", "olga's secret", NULL,
                                        &status);
  herd_engine_run (f.s.engine, HERD_MIN (3), NULL, NULL);
  g_autoptr (JsonNode) events = request (&f, "GET", "/api/events?max=3",
                                         "vic", "vic's secret", NULL,
                                         &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_EQUAL (length_at (events, "$.event[*]"), 3);
  gint64 newest = g_ascii_strtoll (string_at (events, "$.event[0].id"), NULL,
                                   10);
  gint64 next = g_ascii_strtoll (string_at (events, "$.event[1].id"), NULL,
                                 10);
  CU_ASSERT (newest > next && next > 0);
  CU_ASSERT (int_at (events, "$.event[0].time") > 0);
  g_autofree char *from = g_strdup_printf ("/api/events?from=%" G_GINT64_FORMAT,
                                           next);
  g_autoptr (JsonNode) after = request (&f, "GET", from, "vic",
                                        "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (length_at (after, "$.event[*]"), 1);
  CU_ASSERT_EQUAL (g_ascii_strtoll (string_at (after, "$.event[0].id"), NULL,
                                    10),
                   newest);
  g_autoptr (JsonNode) bad_from = request (&f, "GET", "/api/events?from=x",
                                           "vic", "vic's secret", NULL,
                                           &status);
  CU_ASSERT_EQUAL (status, 400);
  g_autoptr (JsonNode) nowhere = request (&f, "GET", "/api/templates", "vic",
                                          "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 404);
  CU_ASSERT_STRING_EQUAL (string_at (nowhere, "$.reason"), "Not Found");
  g_autoptr (JsonNode) outside = request (&f, "GET", "/etc/passwd", "vic",
                                          "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 404);
  g_autoptr (JsonNode) put = request (&f, "PUT", "/api/clusters/c", "ada",
                                      "ada's secret", "{}", &status);
  CU_ASSERT_EQUAL (status, 405);
  /* run-time changes need herd run's changes (not on this fixture) */
  g_autoptr (JsonNode) edit = request (&f, "PUT", "/api/vms/v-1", "ada",
                                       "ada's secret", "{\"memory\": 2147483648}",
                                       &status);
  CU_ASSERT_EQUAL (status, 409);
  CU_ASSERT_PTR_NOT_NULL (strstr (string_at (edit, "$.detail"),
                                  "takes no run-time changes"));
  CU_ASSERT_EQUAL (vm_named (&f, "v-1")->memory_mib, 1024);
  /* a body over the bound is refused before it is read */
  g_autofree char *big = g_strnfill (HERD_API_MAX_BODY + 1, ' ');
  g_autoptr (JsonNode) too_big = request (&f, "POST", "/api/vms/v-2/start",
                                          "ada", "ada's secret", big,
                                          &status);
  CU_ASSERT_EQUAL (status, 413);
  CU_ASSERT_EQUAL (vm_named (&f, "v-2")->status, HERD_VM_DOWN);
  fixture_close (&f);
}

typedef struct
{
  GInputStream *in;
  GString *got;
  char buffer[4096];
  gboolean reading, failed;
} StreamReader;

static void
stream_read (GObject *source, GAsyncResult *res, gpointer data)
{
  StreamReader *r = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, NULL);
  r->reading = FALSE;
  if (n <= 0)
    r->failed = TRUE;
  else
    g_string_append_len (r->got, r->buffer, n);
}

static void
stream_sent (GObject *source, GAsyncResult *res, gpointer data)
{
  StreamReader *r = data;
  r->in = soup_session_send_finish (SOUP_SESSION (source), res, NULL);
  r->failed = r->in == NULL;
}

/* Reads the stream until it holds want, at most seconds. */
static gboolean
stream_until (StreamReader *r, const char *want, int seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (strstr (r->got->str, want) == NULL && !r->failed
         && g_get_monotonic_time () < end)
    {
      if (r->in != NULL && !r->reading)
        {
          r->reading = TRUE;
          g_input_stream_read_async (r->in, r->buffer, sizeof r->buffer,
                                     G_PRIORITY_DEFAULT, NULL, stream_read,
                                     r);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return strstr (r->got->str, want) != NULL;
}

/* Events as a live stream: what came after from at once, then a new event
 * within the second. */
static void
test_event_stream (void)
{
  Fixture f;
  fixture_open (&f);
  g_autofree char *uri = g_strconcat (f.base, "/ovirt-engine/api/events?from=1",
                                      NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  g_autofree char *auth = basic ("vic", "vic's secret");
  SoupMessageHeaders *h = soup_message_get_request_headers (msg);
  soup_message_headers_replace (h, "Authorization", auth);
  soup_message_headers_replace (h, "Accept", "text/event-stream");
  StreamReader r = { NULL, g_string_new (NULL), { 0 }, FALSE, FALSE };
  soup_session_send_async (f.session, msg, G_PRIORITY_DEFAULT, NULL,
                           stream_sent, &r);
  while (r.in == NULL && !r.failed)
    g_main_context_iteration (NULL, TRUE);
  CU_ASSERT_EQUAL (soup_message_get_status (msg), 200);
  CU_ASSERT_STRING_EQUAL (
      soup_message_headers_get_content_type (
          soup_message_get_response_headers (msg), NULL),
      "text/event-stream");
  /* the events after id 1: the fixture's start (hosts detected, SPM) */
  CU_ASSERT_TRUE (stream_until (&r, "id: 2\nevent: event\ndata: {", 5));
  CU_ASSERT_PTR_NULL (strstr (r.got->str, "id: 1\n"));
  guint status;
  g_autoptr (JsonNode) start = request (&f, "POST", "/api/vms/v-1/start",
                                        "olga", "olga's secret", NULL,
                                        &status);
  CU_ASSERT_EQUAL (status, 200);
  CU_ASSERT_TRUE (stream_until (&r, "USER_INITIATED_RUN_VM", 5));
  if (r.in != NULL)
    g_object_unref (r.in);
  g_string_free (r.got, TRUE);
  fixture_close (&f);
}

/* A token from the SSO endpoint, as an Authorization header value. */
static char *
bearer_for (Fixture *f, const char *form)
{
  guint status;
  g_autoptr (JsonNode) token = request_full (
      f, "POST", "/ovirt-engine/sso/oauth/token", NULL,
      "application/x-www-form-urlencoded", form, strlen (form), &status);
  CU_ASSERT_EQUAL (status, 200);
  return g_strconcat ("Bearer ", string_at (token, "$.access_token"), NULL);
}

/* A token stops working once its lifetime is over. */
static void
test_token_expires (void)
{
  Fixture f;
  fixture_open_with (&f, HERD_MSEC (300), 256);
  const char form[] = "grant_type=password&username=vic&"
                      "password=vic%27s+secret";
  g_autofree char *bearer = bearer_for (&f, form);
  guint status;
  g_autoptr (JsonNode) fresh = request_full (&f, "GET", "/api/hosts", bearer,
                                             NULL, NULL, 0, &status);
  CU_ASSERT_EQUAL (status, 200);
  g_usleep (400 * 1000);
  g_autoptr (JsonNode) stale = request_full (&f, "GET", "/api/hosts", bearer,
                                             NULL, NULL, 0, &status);
  CU_ASSERT_EQUAL (status, 401);
  /* a new grant sweeps the expired ones; the new token works */
  g_autofree char *again = bearer_for (&f, form);
  g_autoptr (JsonNode) renewed = request_full (&f, "GET", "/api/hosts",
                                               again, NULL, NULL, 0, &status);
  CU_ASSERT_EQUAL (status, 200);
  fixture_close (&f);
}

static guint
open_descriptors (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;
  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* At most api_max_connections connections make requests at once: a
 * request on one more is answered 503 and its connection closed; once a
 * client goes, a new one is served. */
static void
test_connection_limit (void)
{
  Fixture f;
  fixture_open_with (&f, HERD_HOUR (1), 2);
  guint status;
  SoupSession *first = f.session;
  SoupSession *second = soup_session_new ();
  SoupSession *third = soup_session_new ();
  g_autoptr (JsonNode) a = request (&f, "GET", "/api/hosts", "vic",
                                    "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  f.session = second;
  g_autoptr (JsonNode) b = request (&f, "GET", "/api/hosts", "vic",
                                    "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  f.session = third;
  g_autoptr (JsonNode) c = request (&f, "GET", "/api/hosts", "vic",
                                    "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 503);
  CU_ASSERT_PTR_NOT_NULL (strstr (string_at (c, "$.detail"),
                                  "2 connections are open"));
  /* the first two keep theirs */
  f.session = first;
  g_autoptr (JsonNode) again = request (&f, "GET", "/api/vms", "vic",
                                        "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  /* the second client goes: the third is served */
  soup_session_abort (second);
  g_object_unref (second);
  f.session = third;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  do
    {
      g_autoptr (JsonNode) d = request (&f, "GET", "/api/hosts", "vic",
                                        "vic's secret", NULL, &status);
      for (int i = 0; i < 10; i++)
        g_main_context_iteration (NULL, FALSE);
    }
  while (status != 200 && g_get_monotonic_time () < end);
  CU_ASSERT_EQUAL (status, 200);
  /* and no descriptor stays behind: the server closes its end of a
   * connection its client closed (libsoup 3.2 kept it in CLOSE_WAIT) */
  soup_session_abort (third);
  g_object_unref (third);
  soup_session_abort (first);
  guint before = open_descriptors ();
  f.session = soup_session_new ();
  g_autoptr (JsonNode) last = request (&f, "GET", "/api/hosts", "vic",
                                       "vic's secret", NULL, &status);
  CU_ASSERT_EQUAL (status, 200);
  soup_session_abort (f.session);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (open_descriptors () > before && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  CU_ASSERT (open_descriptors () <= before);
  g_object_unref (first);
  fixture_close (&f);
}

/* The answers' JSON writer: what it writes, json-glib reads back as
 * written (nesting, commas, escapes of quotes, backslashes, control
 * characters and UTF-8 kept). */
static void
test_json_out (void)
{
  const char *odd = "q\"b\\n\nt\tc\001 \xc3\xa9\x7f";
  g_auto (HerdJsonOut) out = herd_json_out_new ();
  herd_json_begin_object (&out);
  herd_json_member (&out, "empty");
  herd_json_begin_array (&out);
  herd_json_end_array (&out);
  herd_json_member (&out, odd);
  herd_json_string (&out, odd);
  herd_json_member (&out, "list");
  herd_json_begin_array (&out);
  herd_json_int (&out, G_MININT64);
  herd_json_bool (&out, TRUE);
  herd_json_begin_object (&out);
  herd_json_end_object (&out);
  herd_json_bool (&out, FALSE);
  herd_json_end_array (&out);
  herd_json_end_object (&out);
  gsize length;
  g_autofree char *text = herd_json_out_finish (&out, &length);
  CU_ASSERT_EQUAL (length, strlen (text));
  CU_ASSERT_STRING_EQUAL (
      text, "{\"empty\":[],\"q\\\"b\\\\n\\nt\\tc\\u0001 \xc3\xa9\x7f\":"
            "\"q\\\"b\\\\n\\nt\\tc\\u0001 \xc3\xa9\x7f\",\"list\":"
            "[-9223372036854775808,true,{},false]}");
  g_autoptr (JsonParser) parser = json_parser_new ();
  CU_ASSERT_TRUE_FATAL (json_parser_load_from_data (parser, text, -1, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  CU_ASSERT_STRING_EQUAL (json_object_get_string_member (root, odd), odd);
  JsonArray *list = json_object_get_array_member (root, "list");
  CU_ASSERT_EQUAL (json_array_get_length (list), 4);
  CU_ASSERT_EQUAL (json_array_get_int_element (list, 0), G_MININT64);
  CU_ASSERT_EQUAL (json_array_get_length (
                       json_object_get_array_member (root, "empty")),
                   0);
}

int
main (void)
{
  static const HerdTestCase cases[]
      = { { "authentication: Basic, tokens, roles", test_authentication },
          { "objects: oVirt's names, ids and names", test_objects },
          { "actions: each role, refusals change nothing", test_actions },
          { "events paged; faults for bad requests",
            test_events_and_faults },
          { "events as a live stream", test_event_stream },
          { "a bearer token expires", test_token_expires },
          { "the answers' JSON writer", test_json_out },
          { "at most api_max_connections connections",
            test_connection_limit },
          { NULL, NULL } };
  static const HerdTestSuite suites[] = { { "api", cases }, { NULL, NULL } };
  return herd_test_main (suites);
}
