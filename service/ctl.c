/* ctl.c: herd run's control socket (see ctl.h).
 *
 * Connections are served on the main context.  Who connects is read off
 * the socket (access.c) before anything else: a peer without a role gets
 * one error line and is closed, and so is one beyond max_connections.
 * Requests are read into a buffer of at most MAX_REQUEST bytes plus one
 * read, so that a line without its newline costs no more than that; each
 * is parsed strictly and checked completely (json-strict.c, then command,
 * argument names and types, the caller's role, the objects named) before
 * the manager is asked to act.  Requests above the viewer's role are
 * recorded, with who asked and the outcome, in the log and the state
 * database.  The socket file is created 0660 whatever the umask, and
 * replaces only a stale socket: any other file at its path is kept. */
#include "service/ctl.h"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "service/json-strict.h"

struct _HerdCtl
{
  GSocketService *service;
  char *path;       /* the socket file, or NULL: none of ours */
  dev_t dev;        /* which file we created there */
  ino_t ino;
  HerdManager *manager;
  HerdModel *model;
  HerdDriver *driver;
  HerdState *state;
  HerdAccess *access;
  HerdChanges *changes;      /* NULL: run-time changes are refused */
  const HerdCaller *caller;  /* who asks, while a command runs */
  GList *clients;   /* Client *, the connections served */
  guint n_clients;
  guint over;       /* connections refused as too many (for the log) */
};

/* Requests longer than this are refused (their answer says so). */
#define MAX_REQUEST 65536
/* What one read asks for. */
#define CHUNK 4096

/* One connection: requests are answered one at a time, each answer
 * written asynchronously, so that a client that does not read stalls only
 * itself. */
typedef struct
{
  HerdCtl *ctl;       /* NULL once the HerdCtl is gone */
  GSocketConnection *connection;
  GCancellable *cancel;
  HerdCaller caller;
  GByteArray *buffer; /* read and not yet answered: at most MAX_REQUEST +
                         CHUNK bytes */
  gsize scanned;      /* bytes of buffer known to hold no newline */
  guint8 chunk[CHUNK];
  char *pending;      /* the answer being written */
  gboolean last;      /* close once pending is written */
  gboolean eof;       /* the client has sent everything */
} Client;

/* A command: its name, the arguments it takes and which are required. */
typedef struct
{
  const char *name;
  const char *args[3];     /* allowed arguments besides "command" */
  const char *required[3];
  /* "count" is an integer, "settings" an object of strings, the rest
   * strings */
  gboolean (*run) (HerdCtl *ctl, JsonObject *req, JsonBuilder *out,
                   GError **error);
  HerdRole role;           /* the least role that may ask; HERD_ROLE_NONE
                              (left out): administrator */
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
      if (h->removed)
        continue;
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
      if (vm->removed)
        continue;
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
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "no %s called \"%s\"", g_str_equal (key, "vm") ? "VM" : "host",
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
cmd_cancel_migration (HerdCtl *ctl, JsonObject *req, JsonBuilder *b,
                      GError **error)
{
  HerdId vm = find (ctl, req, "vm", error);
  return vm != HERD_ID_NONE
         && done (b, herd_manager_vm_cancel_migration (ctl->manager, vm,
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

static gboolean
cmd_confirm_reboot (HerdCtl *ctl, JsonObject *req, JsonBuilder *b,
                    GError **error)
{
  HerdId host = find (ctl, req, "host", error);
  return host != HERD_ID_NONE
         && done (b, herd_manager_host_confirm_rebooted (ctl->manager, host,
                                                         error));
}

static gboolean
cmd_select_spm (HerdCtl *ctl, JsonObject *req, JsonBuilder *b,
                GError **error)
{
  HerdId host = find (ctl, req, "host", error);
  return host != HERD_ID_NONE
         && done (b, herd_manager_host_select_spm (ctl->manager, host,
                                                   error));
}

/* A power management action through the host's fence agents: "stop",
 * "start" or "restart". */
static gboolean
cmd_power (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  HerdId host = find (ctl, req, "host", error);
  if (host == HERD_ID_NONE)
    return FALSE;
  const char *name = json_object_get_string_member (req, "action");
  for (guint a = 0; a < HERD_POWER_LAST; a++)
    if (g_str_equal (name, herd_power_action_name (a)))
      return done (b, herd_manager_host_power (ctl->manager, host, a, error));
  fail (error, "action \"%s\": expected stop, start or restart", name);
  return FALSE;
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

/* Run-time changes (changes.h): only herd run takes them. */
static gboolean
changes_taken (HerdCtl *ctl, GError **error)
{
  if (herd_changes_attached (ctl->changes))
    return TRUE;
  fail (error, "this manager takes no run-time changes (herd run does)");
  return FALSE;
}

static gboolean
cmd_add (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, HerdChangeKind kind,
         GError **error)
{
  return changes_taken (ctl, error)
         && done (b, herd_changes_add (
                         ctl->changes, kind,
                         json_object_get_string_member (req, "name"),
                         json_object_get_object_member (req, "settings"),
                         ctl->caller->user, error));
}

static gboolean
cmd_add_host (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  return cmd_add (ctl, req, b, HERD_CHANGE_HOST, error);
}

static gboolean
cmd_add_vm (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  return cmd_add (ctl, req, b, HERD_CHANGE_VM, error);
}

static gboolean
cmd_add_storage (HerdCtl *ctl, JsonObject *req, JsonBuilder *b,
                 GError **error)
{
  return cmd_add (ctl, req, b, HERD_CHANGE_DOMAIN, error);
}

static gboolean
cmd_edit_vm (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  if (!changes_taken (ctl, error))
    return FALSE;
  HerdId vm = find (ctl, req, "vm", error);
  return vm != HERD_ID_NONE
         && done (b, herd_changes_edit_vm (
                         ctl->changes, vm,
                         json_object_get_object_member (req, "settings"),
                         ctl->caller->user, error));
}

static gboolean
cmd_remove_host (HerdCtl *ctl, JsonObject *req, JsonBuilder *b,
                 GError **error)
{
  if (!changes_taken (ctl, error))
    return FALSE;
  HerdId host = find (ctl, req, "host", error);
  return host != HERD_ID_NONE
         && done (b, herd_changes_remove (ctl->changes, HERD_CHANGE_HOST,
                                          host, ctl->caller->user, error));
}

static gboolean
cmd_remove_vm (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  if (!changes_taken (ctl, error))
    return FALSE;
  HerdId vm = find (ctl, req, "vm", error);
  return vm != HERD_ID_NONE
         && done (b, herd_changes_remove (ctl->changes, HERD_CHANGE_VM, vm,
                                          ctl->caller->user, error));
}

static gboolean
cmd_reinstall (HerdCtl *ctl, JsonObject *req, JsonBuilder *b, GError **error)
{
  if (!changes_taken (ctl, error))
    return FALSE;
  HerdId host = find (ctl, req, "host", error);
  return host != HERD_ID_NONE
         && done (b, herd_changes_reinstall (ctl->changes, host,
                                             ctl->caller->user, error));
}

/* The roles (access.h).  A command on hosts, fencing, the SPM or the
 * configuration is an administrator's; one whose role is left out counts
 * as an administrator's too (needed_role). */
static const Command commands[] = {
  { "hosts", { NULL }, { NULL }, cmd_hosts, HERD_ROLE_VIEWER },
  { "vms", { NULL }, { NULL }, cmd_vms, HERD_ROLE_VIEWER },
  { "start", { "vm" }, { "vm" }, cmd_start, HERD_ROLE_OPERATOR },
  { "stop", { "vm" }, { "vm" }, cmd_stop, HERD_ROLE_OPERATOR },
  { "migrate", { "vm", "host" }, { "vm" }, cmd_migrate, HERD_ROLE_OPERATOR },
  { "cancel_migration", { "vm" }, { "vm" }, cmd_cancel_migration,
    HERD_ROLE_OPERATOR },
  { "maintenance", { "host" }, { "host" }, cmd_maintenance,
    HERD_ROLE_ADMINISTRATOR },
  { "activate", { "host" }, { "host" }, cmd_activate,
    HERD_ROLE_ADMINISTRATOR },
  { "confirm_reboot", { "host" }, { "host" }, cmd_confirm_reboot,
    HERD_ROLE_ADMINISTRATOR },
  { "select_spm", { "host" }, { "host" }, cmd_select_spm,
    HERD_ROLE_ADMINISTRATOR },
  { "power", { "host", "action" }, { "host", "action" }, cmd_power,
    HERD_ROLE_ADMINISTRATOR },
  { "spm", { NULL }, { NULL }, cmd_spm, HERD_ROLE_VIEWER },
  { "events", { "count" }, { NULL }, cmd_events, HERD_ROLE_VIEWER },
  { "add_host", { "name", "settings" }, { "name", "settings" }, cmd_add_host,
    HERD_ROLE_ADMINISTRATOR },
  { "add_vm", { "name", "settings" }, { "name", "settings" }, cmd_add_vm,
    HERD_ROLE_ADMINISTRATOR },
  { "add_storage", { "name", "settings" }, { "name", "settings" },
    cmd_add_storage, HERD_ROLE_ADMINISTRATOR },
  { "edit_vm", { "vm", "settings" }, { "vm", "settings" }, cmd_edit_vm,
    HERD_ROLE_ADMINISTRATOR },
  { "remove_host", { "host" }, { "host" }, cmd_remove_host,
    HERD_ROLE_ADMINISTRATOR },
  { "remove_vm", { "vm" }, { "vm" }, cmd_remove_vm, HERD_ROLE_ADMINISTRATOR },
  { "reinstall", { "host" }, { "host" }, cmd_reinstall,
    HERD_ROLE_ADMINISTRATOR },
};

static HerdRole
needed_role (const Command *c)
{
  return c->role != HERD_ROLE_NONE ? c->role : HERD_ROLE_ADMINISTRATOR;
}

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
      if (g_str_equal (arg, "settings"))
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              fail (error, "%s: argument \"settings\" must be an object of "
                    "scenario keys", name);
              return NULL;
            }
          continue;
        }
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

/* {"ok": true, "result": result} or {"ok": false, "error": message};
 * takes result. */
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
      fail (error, "request too long: more than %d bytes", MAX_REQUEST);
      return NULL;
    }
  const char *nul = memchr (line, '\0', length);
  if (nul != NULL)
    {
      fail (error, "a NUL byte at byte %" G_GSIZE_FORMAT ": requests are "
                   "text",
            (gsize) (nul - line) + 1);
      return NULL;
    }
  if (!g_utf8_validate (line, (gssize) length, NULL))
    {
      fail (error, "expected UTF-8 text");
      return NULL;
    }
  if (!herd_json_strict_check (line, length, error))
    return NULL;
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

/* text on one log line: control characters escaped (an error message
 * may quote a name from the request, which may hold a newline), other
 * UTF-8 kept. */
static char *
one_line (const char *text)
{
  static char non_ascii[129];
  if (non_ascii[0] == '\0')
    for (int i = 0; i < 128; i++)
      non_ascii[i] = (char) (0x80 + i);
  return g_strescape (text, non_ascii);
}

/* Records a request above the viewer's role: in the log and the state
 * database, with who asked and what came of it.  The request is logged
 * as JSON, which escapes control characters. */
static void
record (HerdCtl *ctl, const HerdCaller *caller, JsonObject *req,
        const char *outcome)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (),
                                                     req);
  g_autofree char *request = json_to_string (node, FALSE);
  g_autofree char *logged = one_line (outcome);
  g_autofree char *uid = caller->uid != (uid_t) -1
                             ? g_strdup_printf ("%u", (guint) caller->uid)
                             : g_strdup ("none");
  g_message ("control request: uid=%s user=%s role=%s request=%s "
             "outcome=%s",
             uid, caller->user, herd_role_name (caller->role), request,
             logged);
  g_autoptr (GError) error = NULL;
  if (ctl->state != NULL
      && !herd_state_add_request (ctl->state, g_get_real_time () * 1000,
                                  (guint) caller->uid, caller->user,
                                  herd_role_name (caller->role), request,
                                  outcome, &error))
    g_warning ("state database: %s", error->message);
}

JsonNode *
herd_ctl_run_as (HerdCtl *ctl, const HerdCaller *caller, JsonObject *req,
                 GError **error)
{
  g_autoptr (JsonBuilder) result = json_builder_new ();
  const Command *c = check (req, error);
  if (c == NULL)
    return NULL;
  HerdRole needed = needed_role (c);
  gboolean ok;
  g_autofree char *outcome = NULL;
  if (caller->role < needed)
    {
      /* the API's users are no UNIX user: no uid */
      g_autofree char *uid = caller->uid != (uid_t) -1
                                 ? g_strdup_printf (" (uid %u)",
                                                    (guint) caller->uid)
                                 : g_strdup ("");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s needs the %s role; user %s%s has the %s role",
                   c->name, herd_role_name (needed), caller->user, uid,
                   herd_role_name (caller->role));
      ok = FALSE;
      outcome = g_strconcat ("refused: ", (*error)->message, NULL);
    }
  else
    {
      ctl->caller = caller;
      ok = c->run (ctl, req, result, error);
      ctl->caller = NULL;
      outcome = ok ? g_strdup ("done")
                   : g_strconcat ("failed: ", (*error)->message, NULL);
    }
  if (needed > HERD_ROLE_VIEWER)
    record (ctl, caller, req, outcome);
  return ok ? json_builder_get_root (result) : NULL;
}

/* The answer line to a request of length bytes from caller. */
static char *
answer (HerdCtl *ctl, const HerdCaller *caller, const char *line,
        gsize length)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) req = herd_ctl_parse (line, length, &error);
  JsonNode *result = req != NULL ? herd_ctl_run_as (ctl, caller, req, &error)
                                 : NULL;
  /* answer_line takes result */
  return answer_line (result, result != NULL ? NULL : error->message);
}

char *
herd_ctl_answer (HerdCtl *ctl, const char *request)
{
  HerdCaller self;
  herd_access_self (&self);
  char *text = answer (ctl, &self, request, strlen (request));
  herd_caller_clear (&self);
  return text;
}

char *
herd_ctl_answer_as (HerdCtl *ctl, const HerdCaller *caller,
                    const char *request)
{
  return answer (ctl, caller, request, strlen (request));
}

/* ------------------------------------------------------------------ */
/* Connections                                                          */

static void client_next (Client *client);

static void
client_free (Client *client)
{
  if (client->ctl != NULL)
    {
      client->ctl->clients = g_list_remove (client->ctl->clients, client);
      client->ctl->n_clients--;
    }
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_free (client->pending);
  g_byte_array_unref (client->buffer);
  herd_caller_clear (&client->caller);
  g_object_unref (client->cancel);
  g_object_unref (client->connection);
  g_free (client);
}

static void
answer_written (GObject *source, GAsyncResult *res, gpointer data)
{
  Client *client = data;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL,
                                         NULL)
      || client->ctl == NULL || client->last)
    {
      client_free (client);
      return;
    }
  g_clear_pointer (&client->pending, g_free);
  client_next (client); /* one answer in flight: the next request now */
}

/* Writes text and a newline; last: then closes. */
static void
client_write (Client *client, char *text, gboolean last)
{
  client->pending = g_strconcat (text, "\n", NULL);
  client->last = last;
  g_free (text);
  g_output_stream_write_all_async (
      g_io_stream_get_output_stream (G_IO_STREAM (client->connection)),
      client->pending, strlen (client->pending), G_PRIORITY_DEFAULT,
      client->cancel, answer_written, client);
}

static void
chunk_read (GObject *source, GAsyncResult *res, gpointer data)
{
  Client *client = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, NULL);
  if (n < 0 || client->ctl == NULL)
    {
      client_free (client); /* an error, or herd_ctl_free */
      return;
    }
  if (n == 0)
    client->eof = TRUE;
  else
    g_byte_array_append (client->buffer, client->chunk, (guint) n);
  client_next (client);
}

/* Answers the next complete line in the buffer, or refuses a line grown
 * past MAX_REQUEST, or reads more. */
static void
client_next (Client *client)
{
  GByteArray *b = client->buffer;
  const guint8 *newline = b->len > client->scanned
                              ? memchr (b->data + client->scanned, '\n',
                                        b->len - client->scanned)
                              : NULL;
  if (newline != NULL)
    {
      gsize length = (gsize) (newline - b->data);
      char *text = answer (client->ctl, &client->caller,
                           (const char *) b->data, length);
      g_byte_array_remove_range (b, 0, (guint) length + 1);
      client->scanned = 0;
      client_write (client, text, FALSE);
      return;
    }
  client->scanned = b->len;
  if (b->len > MAX_REQUEST)
    {
      g_message ("control socket: user %s (uid %u) sent more than %d bytes "
                 "without a newline: refused and closed",
                 client->caller.user, (guint) client->caller.uid,
                 MAX_REQUEST);
      g_autofree char *message = g_strdup_printf (
          "request too long: more than %d bytes without a newline "
          "(one JSON request per line); closing",
          MAX_REQUEST);
      client_write (client, answer_line (NULL, message), TRUE);
      return;
    }
  if (client->eof)
    {
      if (b->len == 0)
        {
          client_free (client);
          return;
        }
      /* the last line, without its newline */
      char *text = answer (client->ctl, &client->caller,
                           (const char *) b->data, b->len);
      g_byte_array_set_size (b, 0);
      client_write (client, text, TRUE);
      return;
    }
  g_input_stream_read_async (
      g_io_stream_get_input_stream (G_IO_STREAM (client->connection)),
      client->chunk, sizeof client->chunk, G_PRIORITY_DEFAULT, client->cancel,
      chunk_read, client);
}

/* Answers a connection that is not served with one error line, and closes
 * it.  The line fits in an empty socket buffer: it is sent at once, and
 * never waits for the peer. */
static void
refuse (GSocketConnection *connection, const char *message)
{
  g_autofree char *line = answer_line (NULL, message);
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_socket_set_blocking (socket, FALSE);
  g_socket_send (socket, text, strlen (text), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gboolean
incoming (GSocketService *service, GSocketConnection *connection,
          GObject *source, gpointer data)
{
  HerdCtl *ctl = data;
  HerdCaller caller;
  g_autoptr (GError) error = NULL;
  if (!herd_access_peer (ctl->access, g_socket_connection_get_socket (
                                          connection),
                         &caller, &error))
    {
      g_message ("control socket: a connection refused: %s", error->message);
      refuse (connection, "who you are is not known: refused");
      return TRUE;
    }
  if (caller.role == HERD_ROLE_NONE)
    {
      g_autofree char *message = g_strdup_printf (
          "user %s (uid %u) may not use herd run's control socket: it "
          "needs the viewer role at least ([manager] viewers, operators or "
          "administrators)",
          caller.user, (guint) caller.uid);
      g_message ("control socket: refused user %s (uid %u, pid %d): no role",
                 caller.user, (guint) caller.uid, (int) caller.pid);
      refuse (connection, message);
      herd_caller_clear (&caller);
      return TRUE;
    }
  guint max = herd_access_max_connections (ctl->access);
  if (ctl->n_clients >= max)
    {
      g_autofree char *message = g_strdup_printf (
          "too many connections: herd run serves %u at once "
          "([manager] max_connections); try again later",
          max);
      /* the first and every 1000th, not each one */
      if (ctl->over++ % 1000 == 0)
        g_message ("control socket: %u connections open: refusing more "
                   "(user %s, uid %u; %u refused so far)",
                   max, caller.user, (guint) caller.uid, ctl->over);
      refuse (connection, message);
      herd_caller_clear (&caller);
      return TRUE;
    }
  Client *client = g_new0 (Client, 1);
  client->ctl = ctl;
  client->connection = g_object_ref (connection);
  client->cancel = g_cancellable_new ();
  client->caller = caller;
  client->buffer = g_byte_array_sized_new (CHUNK);
  ctl->clients = g_list_prepend (ctl->clients, client);
  ctl->n_clients++;
  client_next (client);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The socket file                                                     */

static const char *
file_kind (mode_t mode)
{
  return S_ISREG (mode)    ? "a regular file"
         : S_ISDIR (mode)  ? "a directory"
         : S_ISLNK (mode)  ? "a symbolic link"
         : S_ISFIFO (mode) ? "a FIFO"
         : S_ISCHR (mode)  ? "a character device"
         : S_ISBLK (mode)  ? "a block device"
                           : "a file of an unknown kind";
}

/* Makes way for the socket at path: nothing there, or a stale socket
 * (which is removed).  Anything else is kept and refused. */
static gboolean
make_way (const char *path, GError **error)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof sa.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   "control socket %s: longer than %d bytes, the most a "
                   "UNIX socket's path may have",
                   path, (int) sizeof sa.sun_path - 1);
      return FALSE;
    }
  struct stat st;
  if (lstat (path, &st) < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "control socket %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISSOCK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "control socket %s: the path holds %s, not a socket: "
                   "refused, and the file kept (give another --socket or "
                   "[manager] socket)",
                   path, file_kind (st.st_mode));
      return FALSE;
    }
  strcpy (sa.sun_path, path);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int rc = fd >= 0 ? connect (fd, (struct sockaddr *) &sa, sizeof sa) : -1;
  int saved = errno;
  if (fd >= 0)
    close (fd);
  if (rc == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   "control socket %s: another herd run listens there",
                   path);
      return FALSE;
    }
  if (saved != ECONNREFUSED)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "control socket %s: cannot tell whether a herd run "
                   "listens there: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  if (unlink (path) < 0 && errno != ENOENT) /* a stale socket */
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "control socket %s: cannot remove the stale socket: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Listens on path: created owner-only (the umask cannot widen it), then
 * given to the socket group and opened to it (0660). */
static gboolean
listen_on (HerdCtl *ctl, const char *path, GError **error)
{
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (path);
  GSocketListener *listener = G_SOCKET_LISTENER (ctl->service);
  g_socket_listener_set_backlog (listener, 128);
  mode_t umask_was = umask (0177);
  gboolean ok = g_socket_listener_add_address (
      listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
      NULL, NULL, error);
  umask (umask_was);
  if (!ok)
    {
      g_prefix_error (error, "control socket %s: ", path);
      return FALSE;
    }
  struct stat st;
  gid_t group = herd_access_socket_group (ctl->access);
  const char *step = "reading it";
  ok = lstat (path, &st) == 0;
  if (ok && st.st_gid != group)
    {
      step = "giving it to its group";
      ok = chown (path, (uid_t) -1, group) == 0;
    }
  if (ok)
    {
      step = "making it 0660";
      ok = chmod (path, 0660) == 0;
    }
  if (!ok)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "control socket %s: %s (group %s): %s", path, step,
                   herd_access_socket_group_name (ctl->access),
                   g_strerror (saved));
      unlink (path);
      return FALSE;
    }
  ctl->path = g_strdup (path);
  ctl->dev = st.st_dev;
  ctl->ino = st.st_ino;
  return TRUE;
}

HerdCtl *
herd_ctl_new (const char *socket_path, HerdManager *manager,
              HerdModel *model, HerdDriver *driver, HerdState *state,
              HerdAccess *access, GError **error)
{
  g_autoptr (HerdCtl) ctl = g_new0 (HerdCtl, 1);
  ctl->service = g_socket_service_new ();
  ctl->manager = manager;
  ctl->model = model;
  ctl->driver = driver;
  ctl->state = state;
  ctl->access = access;
  if (ctl->access == NULL
      && (ctl->access = herd_access_new (NULL, NULL, error)) == NULL)
    return NULL;
  if (!make_way (socket_path, error) || !listen_on (ctl, socket_path, error))
    return NULL;
  g_signal_connect (ctl->service, "incoming", G_CALLBACK (incoming), ctl);
  g_socket_service_start (ctl->service);
  return g_steal_pointer (&ctl);
}

void
herd_ctl_set_changes (HerdCtl *ctl, HerdChanges *changes)
{
  ctl->changes = changes;
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
  /* Connections still open end at their next callback. */
  for (GList *l = ctl->clients; l != NULL; l = l->next)
    {
      Client *client = l->data;
      client->ctl = NULL;
      g_cancellable_cancel (client->cancel);
    }
  g_list_free (ctl->clients);
  /* The socket file, if it is still the one we made. */
  struct stat st;
  if (ctl->path != NULL && lstat (ctl->path, &st) == 0
      && S_ISSOCK (st.st_mode) && st.st_dev == ctl->dev
      && st.st_ino == ctl->ino)
    g_unlink (ctl->path);
  g_free (ctl->path);
  herd_access_free (ctl->access);
  g_free (ctl);
}
