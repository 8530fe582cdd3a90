/* ctl.c: herd run's control socket (see ctl.h).
 *
 * Connections are served on the main context, one line at a time: a
 * request is parsed and checked completely (command, argument names and
 * types, the objects named) before the manager is asked to act.  The
 * socket file is replaced only when nobody answers on it. */
#include "service/ctl.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

struct _HerdCtl
{
  GSocketService *service;
  char *path;
  HerdManager *manager;
  HerdModel *model;
  HerdDriver *driver;
  HerdState *state;
};

/* Requests longer than this are refused (their answer says so). */
#define MAX_REQUEST 65536

/* One connection: answers are written asynchronously, one at a time, so
 * that a client that does not read stalls only itself. */
typedef struct
{
  HerdCtl *ctl;
  GSocketConnection *connection;
  GDataInputStream *in;
  char *pending; /* the answer being written */
} Client;

/* A command: its name, the arguments it takes and which are required. */
typedef struct
{
  const char *name;
  const char *args[3];     /* allowed arguments besides "command" */
  const char *required[3];
  gboolean (*run) (HerdCtl *ctl, JsonObject *req, JsonBuilder *out,
                   GError **error);
} Command;

static void
fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
fail (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       message);
}

static void
member (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static const char *
host_name (HerdCtl *ctl, HerdId host)
{
  return host != HERD_ID_NONE ? herd_model_host (ctl->model, host)->name
                              : NULL;
}

static gboolean
is_spm (HerdCtl *ctl, HerdId host)
{
  HerdId dc = herd_model_cluster (ctl->model,
                                  herd_model_host (ctl->model, host)->cluster)
                  ->datacenter;
  return herd_model_datacenter (ctl->model, dc)->spm_host == host;
}

static gboolean
cmd_hosts (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < ctl->model->hosts->len; i++)
    {
      const HerdHost *h = herd_model_host (ctl->model, i);
      json_builder_begin_object (b);
      member (b, "name", h->name);
      member (b, "status", herd_host_status_name (h->status));
      json_builder_set_member_name (b, "spm");
      json_builder_add_boolean_value (b, is_spm (ctl, i));
      member_int (b, "sanlock_id", h->sanlock_id);
      member_int (b, "vms", h->vm_count);
      member_int (b, "cpu_used_mc", h->cpu_used_mc);
      member_int (b, "mem_free_mib", h->mem_free_mib);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

static gboolean
cmd_vms (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < ctl->model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (ctl->model, i);
      json_builder_begin_object (b);
      member (b, "name", vm->name);
      member (b, "status", herd_vm_status_name (vm->status));
      member (b, "host", vm->status != HERD_VM_DOWN
                             ? host_name (ctl, vm->host)
                             : NULL);
      member (b, "migrating_to", host_name (ctl, vm->migrating_to));
      json_builder_set_member_name (b, "ha");
      json_builder_add_boolean_value (b, vm->ha);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

static HerdId
find (HerdCtl *ctl, JsonObject *req, const char *key, GError **error)
{
  const char *name = json_object_get_string_member (req, key);
  HerdId id = g_str_equal (key, "vm") ? herd_model_find_vm (ctl->model, name)
                                      : herd_model_find_host (ctl->model,
                                                              name);
  if (id == HERD_ID_NONE)
    fail (error, "no %s called \"%s\"", g_str_equal (key, "vm") ? "VM" : "host",
          name);
  return id;
}

/* An action's result: {"done": true}. */
static gboolean
done (JsonBuilder *b, gboolean ok)
{
  if (!ok)
    return FALSE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "done");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  return TRUE;
}

static gboolean
cmd_start (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  HerdId vm = find (ctl, req, "vm", error);
  if (vm == HERD_ID_NONE)
    return FALSE;
  if (herd_model_vm (ctl->model, vm)->status != HERD_VM_DOWN)
    {
      fail (error, "VM %s is %s, not Down", herd_model_vm (ctl->model, vm)->name,
            herd_vm_status_name (herd_model_vm (ctl->model, vm)->status));
      return FALSE;
    }
  return done (b, herd_manager_vm_run (ctl->manager, vm, error));
}

static gboolean
cmd_stop (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  HerdId vm = find (ctl, req, "vm", error);
  return vm != HERD_ID_NONE
         && done (b, herd_manager_vm_stop (ctl->manager, vm, error));
}

static gboolean
cmd_migrate (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  HerdId vm = find (ctl, req, "vm", error);
  HerdId to = HERD_ID_NONE;
  if (vm == HERD_ID_NONE
      || (json_object_has_member (req, "host")
          && (to = find (ctl, req, "host", error)) == HERD_ID_NONE))
    return FALSE;
  const HerdVm *v = herd_model_vm (ctl->model, vm);
  if (v->status != HERD_VM_UP)
    {
      fail (error, "VM %s is %s, not Up", v->name,
            herd_vm_status_name (v->status));
      return FALSE;
    }
  if (to == v->host)
    {
      fail (error, "VM %s already runs on %s", v->name, host_name (ctl, to));
      return FALSE;
    }
  return done (b, herd_manager_vm_migrate (ctl->manager, vm, to,
                                           HERD_MIGRATION_REASON_USER,
                                           error));
}

static gboolean
cmd_maintenance (HerdCtl *ctl, JsonObject *req, JsonBuilder *b,
                 GError **error)
{
  HerdId host = find (ctl, req, "host", error);
  return host != HERD_ID_NONE
         && done (b, herd_manager_host_maintenance (ctl->manager, host,
                                                    error));
}

static gboolean
cmd_activate (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  HerdId host = find (ctl, req, "host", error);
  return host != HERD_ID_NONE
         && done (b, herd_manager_host_activate (ctl->manager, host, error));
}

/* The manager's SPM, and the SPM lease's holder as sanlock reports it. */
static gboolean
cmd_spm (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  json_builder_begin_array (b);
  for (guint d = 0; d < ctl->model->datacenters->len; d++)
    {
      const HerdDatacenter *dc = herd_model_datacenter (ctl->model, d);
      json_builder_begin_object (b);
      member (b, "datacenter", dc->name);
      member (b, "spm", host_name (ctl, dc->spm_host));
      HerdLeaseState lease = { 0 };
      g_autoptr (GError) local = NULL;
      HerdId holder = HERD_ID_NONE;
      if (dc->master_domain != HERD_ID_NONE)
        herd_driver_lease_inquire (ctl->driver, dc->master_domain, "SDM",
                                   &lease, &local);
      for (guint i = 0; i < ctl->model->hosts->len; i++)
        if (lease.owner_host_id != 0
            && herd_model_host (ctl->model, i)->sanlock_id
                   == lease.owner_host_id
            && herd_model_cluster (ctl->model,
                                   herd_model_host (ctl->model, i)->cluster)
                       ->datacenter
                   == d)
          holder = i;
      member (b, "lease_holder", host_name (ctl, holder));
      member_int (b, "lease_holder_id", lease.owner_host_id);
      member_int (b, "lease_version", (gint64) lease.version);
      if (local != NULL)
        member (b, "lease_error", local->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

static gboolean
cmd_events (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  gint64 count = json_object_has_member (req, "count")
                     ? json_object_get_int_member (req, "count")
                     : 20;
  if (count < 1 || count > 10000)
    {
      fail (error, "count: expected 1 to 10000, got %" G_GINT64_FORMAT,
            count);
      return FALSE;
    }
  json_builder_begin_array (b);
  gboolean ok = herd_state_events (ctl->state, (guint) count, b, error);
  json_builder_end_array (b);
  return ok;
}

static const Command commands[] = {
  { "hosts", { NULL }, { NULL }, cmd_hosts },
  { "vms", { NULL }, { NULL }, cmd_vms },
  { "start", { "vm" }, { "vm" }, cmd_start },
  { "stop", { "vm" }, { "vm" }, cmd_stop },
  { "migrate", { "vm", "host" }, { "vm" }, cmd_migrate },
  { "maintenance", { "host" }, { "host" }, cmd_maintenance },
  { "activate", { "host" }, { "host" }, cmd_activate },
  { "spm", { NULL }, { NULL }, cmd_spm },
  { "events", { "count" }, { NULL }, cmd_events },
};

static gboolean
in_list (const char *const *list, const char *name)
{
  for (guint i = 0; i < 3 && list[i] != NULL; i++)
    if (g_str_equal (list[i], name))
      return TRUE;
  return FALSE;
}

static const Command *
lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* Checks req against its command's arguments; the command or NULL. */
static const Command *
check (JsonObject *req, GError **error)
{
  JsonNode *name_node = json_object_get_member (req, "command");
  g_autoptr (GString) names = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                            commands[i].name);
  if (name_node == NULL || !JSON_NODE_HOLDS_VALUE (name_node)
      || json_node_get_value_type (name_node) != G_TYPE_STRING)
    {
      fail (error, "expected a \"command\" string (one of %s)", names->str);
      return NULL;
    }
  const char *name = json_node_get_string (name_node);
  const Command *c = lookup (name);
  if (c == NULL)
    {
      fail (error, "unknown command \"%s\" (one of %s)", name, names->str);
      return NULL;
    }
  g_autoptr (GList) members = json_object_get_members (req);
  for (GList *m = members; m != NULL; m = m->next)
    {
      const char *arg = m->data;
      if (g_str_equal (arg, "command"))
        continue;
      if (!in_list (c->args, arg))
        {
          fail (error, "%s: unknown argument \"%s\"", name, arg);
          return NULL;
        }
      JsonNode *node = json_object_get_member (req, arg);
      GType want = g_str_equal (arg, "count") ? G_TYPE_INT64 : G_TYPE_STRING;
      if (!JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != want)
        {
          fail (error, "%s: argument \"%s\" must be %s", name, arg,
                want == G_TYPE_STRING ? "a string" : "an integer");
          return NULL;
        }
    }
  for (guint i = 0; i < 3 && c->required[i] != NULL; i++)
    if (!json_object_has_member (req, c->required[i]))
      {
        fail (error, "%s: missing argument \"%s\"", name, c->required[i]);
        return NULL;
      }
  return c;
}

/* {"ok": true, "result": result} or {"ok": false, "error": message}. */
static char *
answer_line (JsonNode *result, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, result != NULL);
  if (result != NULL)
    {
      json_builder_set_member_name (b, "result");
      json_builder_add_value (b, result);
    }
  else
    member (b, "error", message);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

JsonObject *
herd_ctl_parse (const char *line, gsize length, GError **error)
{
  if (length > MAX_REQUEST)
    {
      fail (error, "request too long");
      return NULL;
    }
  if (!g_utf8_validate (line, (gssize) length, NULL))
    {
      fail (error, "expected UTF-8 text");
      return NULL;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, line, (gssize) length, error))
    {
      g_prefix_error (error, "expected a JSON object on one line: ");
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser); /* NULL for a blank line */
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, "expected a JSON object, such as {\"command\": "
                   "\"hosts\"}");
      return NULL;
    }
  JsonObject *req = json_node_get_object (root);
  return check (req, error) != NULL ? json_object_ref (req) : NULL;
}

/* The answer line to a request of length bytes. */
static char *
answer (HerdCtl *ctl, const char *line, gsize length)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) result = json_builder_new ();
  g_autoptr (JsonObject) req = herd_ctl_parse (line, length, &error);
  gboolean ok = req != NULL
                && lookup (json_object_get_string_member (req, "command"))
                       ->run (ctl, req, result, &error);
  return answer_line (ok ? json_builder_get_root (result) : NULL,
                      ok ? NULL : error->message);
}

char *
herd_ctl_answer (HerdCtl *ctl, const char *request)
{
  return answer (ctl, request, strlen (request));
}

static void client_read (Client *client);

static void
client_free (Client *client)
{
  g_free (client->pending);
  g_object_unref (client->in);
  g_object_unref (client->connection);
  g_free (client);
}

static void
answer_written (GObject *source, GAsyncResult *res, gpointer data)
{
  Client *client = data;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL,
                                         NULL))
    {
      client_free (client);
      return;
    }
  g_clear_pointer (&client->pending, g_free);
  client_read (client); /* one answer in flight: the next request now */
}

static void
line_read (GObject *source, GAsyncResult *res, gpointer data)
{
  Client *client = data;
  gsize length;
  g_autofree char *line = g_data_input_stream_read_line_finish (
      G_DATA_INPUT_STREAM (source), res, &length, NULL);
  if (line == NULL)
    {
      client_free (client); /* end of input, or an error */
      return;
    }
  g_autofree char *text = answer (client->ctl, line, length);
  client->pending = g_strconcat (text, "\n", NULL);
  g_output_stream_write_all_async (
      g_io_stream_get_output_stream (G_IO_STREAM (client->connection)),
      client->pending, strlen (client->pending), G_PRIORITY_DEFAULT, NULL,
      answer_written, client);
}

static void
client_read (Client *client)
{
  g_data_input_stream_read_line_async (client->in, G_PRIORITY_DEFAULT, NULL,
                                       line_read, client);
}

static gboolean
incoming (GSocketService *service, GSocketConnection *connection,
          GObject *source, gpointer data)
{
  Client *client = g_new0 (Client, 1);
  client->ctl = data;
  client->connection = g_object_ref (connection);
  client->in = g_data_input_stream_new (
      g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  client_read (client);
  return TRUE;
}

HerdCtl *
herd_ctl_new (const char *socket_path, HerdManager *manager,
              HerdModel *model, HerdDriver *driver, HerdState *state,
              GError **error)
{
  g_autoptr (HerdCtl) ctl = g_new0 (HerdCtl, 1);
  *ctl = (HerdCtl){ g_socket_service_new (), g_strdup (socket_path), manager,
                    model, driver, state };
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (
      socket_path);
  g_autoptr (GSocketClient) probe = g_socket_client_new ();
  g_autoptr (GSocketConnection) other = g_socket_client_connect (
      probe, G_SOCKET_CONNECTABLE (address), NULL, NULL);
  if (other != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   "control socket %s: another herd run answers there",
                   socket_path);
      g_clear_pointer (&ctl->path, g_free); /* not ours to remove */
      return NULL;
    }
  g_unlink (socket_path); /* a stale socket nobody answers on */
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (ctl->service),
                                      address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
                                      error))
    {
      g_prefix_error (error, "control socket %s: ", socket_path);
      return NULL;
    }
  g_signal_connect (ctl->service, "incoming", G_CALLBACK (incoming), ctl);
  g_socket_service_start (ctl->service);
  return g_steal_pointer (&ctl);
}

void
herd_ctl_free (HerdCtl *ctl)
{
  if (ctl == NULL)
    return;
  if (ctl->service != NULL)
    {
      g_socket_service_stop (ctl->service);
      g_socket_listener_close (G_SOCKET_LISTENER (ctl->service));
      g_object_unref (ctl->service);
    }
  if (ctl->path != NULL)
    g_unlink (ctl->path);
  g_free (ctl->path);
  g_free (ctl);
}
