/* changes.c: run-time changes to the cluster's definition (see changes.h).
 *
 * Every change is checked by loading a scenario: the configuration's text,
 * then each object added at run time as [host NAME] / [vm NAME] with its
 * keys, then the new object (or, for a VM's edit, a probe VM with the
 * VM's settings after the edit).  The loaded copy's object is then copied
 * into the live model by name (ids may differ: the live model keeps the
 * hosts removed, the text does not).  Loading takes tens of milliseconds
 * for thousands of hosts (docs/real-hosts.md), on the main loop, once per
 * change. */
#include "service/changes.h"

#include <string.h>

G_DEFINE_QUARK (herd-changes-error-quark, herd_changes_error)

struct _HerdChanges
{
  char *config_path;
  char *config_text;
  guint config_lines;
  GPtrArray *records;      /* HerdStateChange: as in the database */
  HerdScenario *scenario;  /* the live one (its model is the manager's) */
  HerdVirtConfig *config;  /* the virt driver's configuration */
  HerdManager *manager;
  HerdState *state;
};

/* As the scenario's groups and the changes table name them. */
static const char *const kind_names[HERD_CHANGE_KIND_LAST] = { "host", "vm",
                                                               "storage" };

/* The keys a run-time definition may give (docs/real-hosts.md): those of
 * the configuration's [host] and [vm] groups that mean something on real
 * hosts, without count, placement at time 0 and simulation-only keys. */
static const char *const host_keys[] = {
  "cluster", "cores", "threads", "memory", "swap", "reserved_memory", "nic",
  "spm_priority", "fence_agent", "fence_concurrent", "networks", "uri",
  "sanlock_dir", "migration_uri", "fence_command", "fence_options",
  "proxy_command", "ssh_command", "nics", NULL,
};
static const char *const vm_keys[] = {
  "cluster", "vcpus", "memory", "guaranteed_memory", "disk", "ha",
  "priority", "networks", "pinned_to", "migratable", "preferred_hosts",
  "lease", "resume", "migration_policy", "template", "clone", "kernel",
  "initrd", "cmdline", NULL,
};
/* A domain is not added as master: its data center has one. */
static const char *const storage_keys[] = {
  "datacenter", "type", "role", "capacity", "warning_low_space",
  "critical_space", "path", NULL,
};
static const char *const *const kind_keys[HERD_CHANGE_KIND_LAST]
    = { host_keys, vm_keys, storage_keys };
/* A VM added at run time and removed stays in the scenario under this
 * prefix (its record "gone"), so that the VMs added after it keep their
 * ids at the next start: a VM's sanlock lease slot is at its id. */
#define TOMB_PREFIX "herd.removed."

/* What an edit may change; the first six only while the VM is Down. */
static const char *const edit_keys[] = {
  "vcpus", "memory", "guaranteed_memory", "lease", "disk", "networks", "ha",
  "priority", "resume", "migration_policy", "migratable", "pinned_to",
  "preferred_hosts", NULL,
};
#define RUNNING_CONFIG_KEYS 6

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HERD_CHANGES_ERROR, HERD_CHANGES_ERROR_INVALID,
                       message);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Scenario text                                                        */

static HerdStateChange *
find_record (HerdChanges *c, const char *kind, const char *name)
{
  for (guint i = 0; i < c->records->len; i++)
    {
      HerdStateChange *r = g_ptr_array_index (c->records, i);
      if (strcmp (r->kind, kind) == 0 && strcmp (r->name, name) == 0)
        return r;
    }
  return NULL;
}

/* The configuration, each object added (and each tomb), then extra (a
 * group, or NULL). */
static char *
scenario_text (HerdChanges *c, const char *extra)
{
  GString *text = g_string_new (c->config_text);
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  for (guint i = 0; i < c->records->len; i++)
    {
      HerdStateChange *r = g_ptr_array_index (c->records, i);
      if (strcmp (r->op, "add") != 0 && strcmp (r->op, "gone") != 0)
        continue;
      g_string_append_printf (text, "[%s %s]\n%s", r->kind, r->name,
                              r->text);
    }
  if (extra != NULL)
    g_string_append (text, extra);
  return g_string_free (text, FALSE);
}

/* Loads text; an error on a line past the configuration's is about the
 * run-time definitions: its "CONFIG:LINE: " goes. */
static HerdScenario *
load_text (HerdChanges *c, const char *text, GError **error)
{
  g_autoptr (GError) local = NULL;
  HerdScenario *s = herd_scenario_load_data (text, c->config_path, &local);
  if (s != NULL)
    return s;
  const char *message = local->message;
  gsize n = strlen (c->config_path);
  if (strncmp (message, c->config_path, n) == 0 && message[n] == ':')
    {
      char *end = NULL;
      guint64 line = g_ascii_strtoull (message + n + 1, &end, 10);
      if (line > c->config_lines && end != NULL && strncmp (end, ": ", 2) == 0)
        message = end + 2;
    }
  g_set_error_literal (error, HERD_CHANGES_ERROR, HERD_CHANGES_ERROR_INVALID,
                       message);
  return NULL;
}

/* The key = value lines of settings, each key one of allowed (NULL: any
 * of edit_keys); *running set when a running-configuration key is
 * among them. */
static char *
settings_lines (JsonObject *settings, const char *const *allowed,
                const char *what, gboolean *running, GError **error)
{
  g_autoptr (GString) lines = g_string_new (NULL);
  g_autoptr (GList) members = json_object_get_members (settings);
  if (running != NULL)
    *running = FALSE;
  for (GList *m = members; m != NULL; m = m->next)
    {
      const char *key = m->data;
      JsonNode *node = json_object_get_member (settings, key);
      gboolean known = FALSE;
      for (guint i = 0; allowed[i] != NULL && !known; i++)
        {
          known = strcmp (allowed[i], key) == 0;
          if (known && running != NULL && allowed == edit_keys)
            *running |= i < RUNNING_CONFIG_KEYS;
        }
      if (!known)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) allowed);
          invalid (error, "%s: key \"%s\" cannot be given here (expected "
                   "one of %s)", what, key, list);
          return NULL;
        }
      const char *value = JSON_NODE_HOLDS_VALUE (node)
                                  && json_node_get_value_type (node)
                                         == G_TYPE_STRING
                              ? json_node_get_string (node)
                              : NULL;
      if (value == NULL || strpbrk (value, "\n\r") != NULL
          || !g_utf8_validate (value, -1, NULL))
        {
          invalid (error, "%s: %s: expected a one-line string", what, key);
          return NULL;
        }
      g_string_append_printf (lines, "%s = %s\n", key, value);
    }
  return g_string_free (g_steal_pointer (&lines), FALSE);
}

/* lines with the keys of update replaced or appended (both "key = value"
 * lines). */
static char *
merge_lines (const char *lines, const char *update)
{
  g_auto (GStrv) old = g_strsplit (lines, "\n", -1);
  g_auto (GStrv) new = g_strsplit (update, "\n", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; old[i] != NULL; i++)
    {
      if (*old[i] == '\0')
        continue;
      gsize key = strcspn (old[i], " =");
      gboolean replaced = FALSE;
      for (guint k = 0; new[k] != NULL && !replaced; k++)
        replaced = strncmp (new[k], old[i], key) == 0
                   && strchr (" =", new[k][key]) != NULL && new[k][key] != 0;
      if (!replaced)
        g_string_append_printf (out, "%s\n", old[i]);
    }
  g_string_append (out, update);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Copies from a loaded scenario into the live model                    */

/* The host of fresh's id in live (by name), HERD_ID_NONE if gone. */
static HerdId
live_host (HerdModel *live, HerdModel *fresh, HerdId id)
{
  return herd_model_find_host (live, herd_model_host (fresh, id)->name);
}

static void
remap_hosts (HerdIdList *list, HerdModel *live, HerdModel *fresh)
{
  g_autofree HerdId *ids = g_new (HerdId, MAX (list->n, 1));
  guint32 n = 0;
  for (guint32 i = 0; i < list->n; i++)
    if ((ids[n] = live_host (live, fresh, list->ids[i])) != HERD_ID_NONE)
      n++;
  herd_id_list_set (list, ids, n);
}

static HerdId
copy_host (HerdModel *live, HerdModel *fresh, HerdId fid)
{
  const HerdHost *src = herd_model_host (fresh, fid);
  HerdHost *dst = herd_model_add_host (live, src->name, src->cluster);
  HerdId id = dst->id;
  char *name = dst->name;
  *dst = *src;
  dst->id = id;
  dst->name = name;
  return id;
}

/* The disk of model m's VM vm numbered i (from 0). */
static const HerdDisk *
vm_disk (HerdModel *m, const HerdVm *vm, guint i)
{
  return g_ptr_array_index (m->disks, vm->first_disk + i);
}

/* The editable settings of VM src (of model from) set on dst (of model
 * to): the host lists by name; the disks src has beyond dst's are added
 * (dst's disks, theirs first, take new ids at the end: a VM's disks have
 * consecutive ids). */
static void
copy_vm_settings (HerdModel *to, HerdVm *dst, HerdModel *from,
                  const HerdVm *src)
{
  if (src->n_disks > dst->n_disks)
    {
      HerdVm kept = *dst;
      dst->n_disks = 0;
      for (guint i = 0; i < src->n_disks; i++)
        {
          const HerdDisk *d = i < kept.n_disks ? vm_disk (to, &kept, i)
                                               : vm_disk (from, src, i);
          HerdDisk *disk = herd_model_add_disk (to, dst->id);
          HerdId id = disk->id;
          *disk = *d;
          disk->id = id;
          disk->vm = dst->id;
        }
    }
  dst->networks = src->networks;
  dst->vcpus = src->vcpus;
  dst->memory_mib = src->memory_mib;
  dst->guaranteed_mib = src->guaranteed_mib;
  dst->ha = src->ha;
  dst->priority = src->priority;
  dst->lease = src->lease;
  dst->resume_policy = src->resume_policy;
  dst->migration_policy = src->migration_policy;
  dst->migratable = src->migratable;
  herd_id_list_set (&dst->pinned_to, src->pinned_to.ids, src->pinned_to.n);
  remap_hosts (&dst->pinned_to, to, from);
  herd_id_list_set (&dst->preferred_hosts, src->preferred_hosts.ids,
                    src->preferred_hosts.n);
  remap_hosts (&dst->preferred_hosts, to, from);
}

static HerdId
copy_vm (HerdModel *live, HerdModel *fresh, HerdId fid)
{
  const HerdVm *src = herd_model_vm (fresh, fid);
  HerdVm *dst = herd_model_add_vm (live, src->name, src->cluster);
  copy_vm_settings (live, dst, fresh, src);
  return dst->id;
}

/* "KEY = h-1, h-2\n" for the hosts of list that are not removed; "" when
 * there are none. */
static char *
host_list_line (HerdModel *model, const char *key, const HerdIdList *list)
{
  GString *out = g_string_new (NULL);
  for (guint32 i = 0; i < list->n; i++)
    {
      const HerdHost *h = herd_model_host (model, list->ids[i]);
      if (!h->removed)
        g_string_append_printf (out, "%s%s", out->len ? ", " : "", h->name);
    }
  if (out->len > 0)
    {
      g_string_prepend (out, " = ");
      g_string_prepend (out, key);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* "disk = ...\n" for the VM's disks as the configuration writes them
 * ("" without disks), and "networks = ...\n" for its networks. */
static char *
disk_line (HerdModel *model, const HerdVm *vm)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < vm->n_disks; i++)
    {
      const HerdDisk *d = vm_disk (model, vm, i);
      g_string_append_printf (out, "%s%" G_GINT64_FORMAT "M %s %s",
                              i > 0 ? ", " : "disk = ", d->virtual_mib,
                              d->thin ? "thin" : "preallocated",
                              d->format == HERD_DISK_QCOW2 ? "qcow2" : "raw");
      if (d->thin && d->base_mib > 0)
        g_string_append_printf (out, " data=%" G_GINT64_FORMAT "M",
                                d->base_mib);
      if (d->domain != HERD_ID_NONE)
        g_string_append_printf (out, " %s",
                                herd_model_domain (model, d->domain)->name);
    }
  if (out->len > 0)
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

static char *
networks_line (HerdModel *model, const HerdVm *vm)
{
  HerdId dc = herd_model_cluster (model, vm->cluster)->datacenter;
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < model->networks->len; i++)
    {
      const HerdNetwork *n = herd_model_network (model, i);
      if (n->datacenter == dc && (vm->networks >> n->bit) & 1)
        g_string_append_printf (out, "%s%s", out->len ? ", " : "networks = ",
                                n->name);
    }
  if (out->len > 0)
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* The settings an edit may change, as the VM has them now. */
static char *
vm_settings (HerdModel *model, const HerdVm *vm)
{
  g_autofree char *pinned = host_list_line (model, "pinned_to",
                                            &vm->pinned_to);
  g_autofree char *preferred = host_list_line (model, "preferred_hosts",
                                               &vm->preferred_hosts);
  g_autofree char *disks = disk_line (model, vm);
  g_autofree char *networks = networks_line (model, vm);
  g_autofree char *policy
      = vm->migration_policy != HERD_MIGRATION_POLICY_LAST
            ? g_strdup_printf ("migration_policy = %s\n",
                               herd_migration_policy_name (
                                   vm->migration_policy))
            : g_strdup ("");
  return g_strdup_printf (
      "vcpus = %u\nmemory = %" G_GINT64_FORMAT "M\nguaranteed_memory = "
      "%" G_GINT64_FORMAT "M\nlease = %s\nha = %s\npriority = %s\nresume = "
      "%s\nmigratable = %s\n%s%s%s%s%s",
      vm->vcpus, vm->memory_mib, vm->guaranteed_mib,
      vm->lease ? "true" : "false", vm->ha ? "true" : "false",
      herd_priority_name (vm->priority),
      herd_resume_policy_name (vm->resume_policy),
      vm->migratable ? "true" : "false", policy, pinned, preferred, disks,
      networks);
}

/* Whether the VM's disks are the first of the probe's: an edit adds
 * disks after those it has, and changes none. */
static gboolean
disks_kept (HerdModel *model, const HerdVm *vm, HerdModel *fresh,
            const HerdVm *probe)
{
  if (probe->n_disks < vm->n_disks)
    return FALSE;
  for (guint i = 0; i < vm->n_disks; i++)
    {
      const HerdDisk *a = vm_disk (model, vm, i);
      const HerdDisk *b = vm_disk (fresh, probe, i);
      if (a->virtual_mib != b->virtual_mib || a->thin != b->thin
          || a->format != b->format || a->base_mib != b->base_mib
          || a->domain != b->domain)
        return FALSE;
    }
  return TRUE;
}

/* Checks settings merged over the VM's own by loading them as a probe VM
 * of its cluster: the scenario loaded, with the probe's id in *probe_id,
 * or NULL with the loader's error, as the VM's.  *merged: the VM's
 * settings after the change. */
static HerdScenario *
check_vm_settings (HerdChanges *c, HerdModel *model, const HerdVm *vm,
                   const char *settings, HerdId *probe_id, char **merged,
                   GError **error)
{
  g_autofree char *probe = NULL;
  for (guint i = 1; probe == NULL || herd_model_find_vm (model, probe)
                                         != HERD_ID_NONE;
       i++)
    {
      g_free (probe);
      probe = g_strdup_printf ("%s-edit-%u", vm->name, i);
    }
  g_autofree char *now = vm_settings (model, vm);
  *merged = merge_lines (now, settings);
  g_autofree char *group = g_strdup_printf (
      "[vm %s]\ncluster = %s\n%s", probe,
      herd_model_cluster (model, vm->cluster)->name, *merged);
  g_autofree char *text = scenario_text (c, group);
  g_autoptr (GError) local = NULL;
  HerdScenario *fresh = load_text (c, text, &local);
  if (fresh == NULL)
    {
      /* Its errors are the VM's. */
      g_autofree char *from = g_strdup_printf ("[vm %s]", probe);
      g_autofree char *to = g_strdup_printf ("[vm %s]", vm->name);
      g_auto (GStrv) parts = g_strsplit (local->message, from, -1);
      g_autofree char *message = g_strjoinv (to, parts);
      g_clear_pointer (merged, g_free);
      invalid (error, "%s", message);
      return NULL;
    }
  *probe_id = herd_model_find_vm (fresh->model, probe);
  if (!disks_kept (model, vm, fresh->model,
                   herd_model_vm (fresh->model, *probe_id)))
    {
      g_autofree char *disks = disk_line (model, vm);
      invalid (error, "[vm %s] disk: the %u disks it has stay as they are, "
               "first (%s); an edit adds disks after them",
               vm->name, vm->n_disks, g_strstrip (disks));
      g_clear_pointer (merged, g_free);
      herd_scenario_free (fresh);
      return NULL;
    }
  return fresh;
}

/* check_vm_settings, then the settings set on vm. */
static gboolean
apply_vm_settings (HerdChanges *c, HerdModel *model, HerdVm *vm,
                   const char *settings, GError **error)
{
  HerdId probe;
  g_autofree char *merged = NULL;
  g_autoptr (HerdScenario) fresh = check_vm_settings (c, model, vm, settings,
                                                      &probe, &merged, error);
  if (fresh == NULL)
    return FALSE;
  copy_vm_settings (model, vm, fresh->model,
                    herd_model_vm (fresh->model, probe));
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* At start                                                             */

void
herd_changes_free (HerdChanges *c)
{
  if (c == NULL)
    return;
  g_free (c->config_path);
  g_free (c->config_text);
  g_ptr_array_unref (c->records);
  g_free (c);
}

/* The edits and removals of objects of the configuration, recorded. */
static gboolean
apply_recorded (HerdChanges *c, HerdModel *model, GError **error)
{
  for (guint i = 0; i < c->records->len; i++)
    {
      HerdStateChange *r = g_ptr_array_index (c->records, i);
      gboolean host = strcmp (r->kind, "host") == 0;
      HerdId id = host ? herd_model_find_host (model, r->name)
                       : herd_model_find_vm (model, r->name);
      if (strcmp (r->op, "add") == 0)
        continue;
      if (strcmp (r->op, "gone") == 0 && id != HERD_ID_NONE)
        {
          herd_model_remove_vm (model, id);
          continue;
        }
      if (id == HERD_ID_NONE)
        {
          g_message ("state database: %s %s, %s at run time, is no longer "
                     "in the configuration",
                     r->kind, r->name,
                     strcmp (r->op, "edit") == 0 ? "edited" : "removed");
          continue;
        }
      if (strcmp (r->op, "remove") == 0 && host)
        herd_model_remove_host (model, id);
      else if (strcmp (r->op, "remove") == 0)
        herd_model_remove_vm (model, id);
      else if (!host && strcmp (r->op, "edit") == 0
               && !apply_vm_settings (c, model, herd_model_vm (model, id),
                                      r->text, error))
        {
          g_prefix_error (error, "the edit of VM %s recorded in the state "
                          "database: ", r->name);
          return FALSE;
        }
    }
  return TRUE;
}

HerdChanges *
herd_changes_load (const char *config_path, const char *db_path,
                   HerdScenario **scenario, GError **error)
{
  *scenario = NULL;
  g_autoptr (HerdChanges) c = g_new0 (HerdChanges, 1);
  c->config_path = g_strdup (config_path);
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (config_path, &c->config_text, NULL, &local))
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                   "%s", local->message);
      return NULL;
    }
  /* its last line's number (scenario_text ends it with a newline) */
  for (const char *p = c->config_text; *p != '\0'; p++)
    c->config_lines += *p == '\n';
  if (*c->config_text != '\0' && !g_str_has_suffix (c->config_text, "\n"))
    c->config_lines++;
  c->records = herd_state_read_changes (db_path, error);
  if (c->records == NULL)
    return NULL;
  g_autofree char *text = scenario_text (c, NULL);
  g_autoptr (HerdScenario) s = NULL;
  if (c->records->len == 0)
    s = herd_scenario_load_data (text, config_path, error);
  else if ((s = load_text (c, text, &local)) == NULL)
    g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
                 "%s with the hosts and VMs added at run time (state "
                 "database %s): %s",
                 config_path, db_path, local->message);
  if (s == NULL || !apply_recorded (c, s->model, error))
    return NULL;
  HerdModel *m = s->model;
  guint32 vm_room = 2 * m->vms->len + 64;
  /* (a host reports trouble with at most 64 domains: HerdHost) */
  herd_model_reserve (m, 2 * m->hosts->len + 16, vm_room,
                      2 * m->disks->len + 8 * (vm_room - m->vms->len),
                      MAX (m->domains->len, MIN (m->domains->len + 8, 64)));
  c->scenario = s;
  *scenario = g_steal_pointer (&s);
  return g_steal_pointer (&c);
}

void
herd_changes_attach (HerdChanges *c, HerdVirtConfig *config,
                     HerdManager *manager, HerdState *state)
{
  c->config = config;
  c->manager = manager;
  c->state = state;
}

gboolean
herd_changes_attached (const HerdChanges *c)
{
  return c != NULL && c->manager != NULL;
}

/* ------------------------------------------------------------------ */
/* Changes                                                              */

static gboolean
has_room (HerdModel *m, HerdChangeKind kind, guint disks, GError **error)
{
  gboolean ok = kind == HERD_CHANGE_HOST ? m->hosts->len < m->host_room
                : kind == HERD_CHANGE_VM
                    ? m->vms->len < m->vm_room
                          && m->disks->len + disks <= m->disk_room
                    : m->domains->len < m->domain_room;
  if (!ok)
    g_set_error (error, HERD_CHANGES_ERROR, HERD_CHANGES_ERROR_ROOM,
                 "no room for another %s: herd run took room for %u hosts, "
                 "%u VMs, %u disks and %u storage domains at start (twice "
                 "what it had, and more); restart it to take more",
                 kind_names[kind], m->host_room, m->vm_room, m->disk_room,
                 m->domain_room);
  return ok;
}

static HerdId
find_object (HerdModel *m, HerdChangeKind kind, const char *name)
{
  return kind == HERD_CHANGE_HOST ? herd_model_find_host (m, name)
         : kind == HERD_CHANGE_VM ? herd_model_find_vm (m, name)
                                  : herd_model_find_domain (m, name);
}

gboolean
herd_changes_add (HerdChanges *c, HerdChangeKind kind, const char *name,
                  JsonObject *settings, const char *by, GError **error)
{
  HerdModel *live = c->scenario->model;
  const char *what = kind_names[kind];
  if (!herd_scenario_is_name (name) || g_str_has_prefix (name, TOMB_PREFIX))
    return invalid (error, "%s name \"%s\": expected letters, digits, '-', "
                    "'_' and '.', starting with a letter or digit (and not "
                    "with " TOMB_PREFIX ")",
                    what, name);
  HerdId existing = find_object (live, kind, name);
  HerdStateChange *removed = find_record (c, what, name);
  if (existing != HERD_ID_NONE || removed != NULL)
    {
      g_set_error (error, HERD_CHANGES_ERROR, HERD_CHANGES_ERROR_EXISTS,
                   existing != HERD_ID_NONE
                       ? "a %s called %s exists"
                       : "the %s %s of the configuration was removed at run "
                         "time: its name stays taken while the "
                         "configuration defines it",
                   what, name);
      return FALSE;
    }
  g_autofree char *label = g_strdup_printf ("[%s %s]", what, name);
  g_autofree char *lines = settings_lines (settings, kind_keys[kind], label,
                                           NULL, error);
  if (lines == NULL || !has_room (live, kind, 0, error))
    return FALSE;
  g_autofree char *group = g_strdup_printf ("%s\n%s", label, lines);
  g_autofree char *text = scenario_text (c, group);
  g_autoptr (HerdScenario) fresh = load_text (c, text, error);
  if (fresh == NULL)
    return FALSE;
  HerdId fid = find_object (fresh->model, kind, name);
  if (kind == HERD_CHANGE_VM
      && !has_room (live, kind, herd_model_vm (fresh->model, fid)->n_disks,
                    error))
    return FALSE;
  if (kind == HERD_CHANGE_DOMAIN
      && herd_model_domain (fresh->model, fid)->master)
    return invalid (error, "%s: its data center has no master domain: the "
                    "first one comes from the configuration", label);
  /* The driver's settings for it (a host's connection and agent secrets,
   * a VM's kernel), as herd run reads them at start. */
  HerdVirtConfig *vc = herd_run_config (fresh, error);
  if (vc == NULL
      || !herd_state_put_change (c->state, what, name, "add", lines, error))
    {
      herd_virt_config_free (vc, fresh->model);
      return FALSE;
    }
  g_ptr_array_add (c->records,
                   herd_state_change_new (what, name, "add", lines));
  if (kind == HERD_CHANGE_HOST)
    {
      HerdId id = copy_host (live, fresh->model, fid);
      c->config->hosts[id] = vc->hosts[fid];
      memset (&vc->hosts[fid], 0, sizeof vc->hosts[fid]);
      herd_virt_config_free (vc, fresh->model);
      herd_manager_host_added (c->manager, id, by);
    }
  else if (kind == HERD_CHANGE_VM)
    {
      HerdId id = copy_vm (live, fresh->model, fid);
      c->config->vms[id] = vc->vms[fid];
      memset (&vc->vms[fid], 0, sizeof vc->vms[fid]);
      herd_virt_config_free (vc, fresh->model);
      herd_manager_vm_added (c->manager, id, by);
    }
  else
    {
      const HerdStorageDomain *src = herd_model_domain (fresh->model, fid);
      HerdStorageDomain *dst = herd_model_add_domain (live, name,
                                                      src->datacenter);
      HerdId id = dst->id;
      char *own_name = dst->name;
      *dst = *src;
      dst->id = id;
      dst->name = own_name;
      c->config->domains[id] = vc->domains[fid];
      memset (&vc->domains[fid], 0, sizeof vc->domains[fid]);
      herd_virt_config_free (vc, fresh->model);
      herd_manager_domain_added (c->manager, id, by);
    }
  return TRUE;
}

gboolean
herd_changes_edit_vm (HerdChanges *c, HerdId id, JsonObject *settings,
                      const char *by, GError **error)
{
  HerdModel *live = c->scenario->model;
  HerdVm *vm = herd_model_vm (live, id);
  g_autofree char *label = g_strdup_printf ("[vm %s]", vm->name);
  gboolean running = FALSE;
  g_autofree char *lines = settings_lines (settings, edit_keys, label,
                                           &running, error);
  if (lines == NULL
      || !herd_manager_vm_may_change (c->manager, id, running, error))
    return FALSE;
  /* Checked first: the live VM changes once it is recorded. */
  HerdId probe;
  g_autofree char *merged = NULL;
  g_autoptr (HerdScenario) fresh = check_vm_settings (c, live, vm, lines,
                                                      &probe, &merged, error);
  if (fresh == NULL)
    return FALSE;
  /* disks added: the VM's disks all take new ids */
  guint disks = herd_model_vm (fresh->model, probe)->n_disks;
  if (disks > vm->n_disks && live->disks->len + disks > live->disk_room)
    {
      g_set_error (error, HERD_CHANGES_ERROR, HERD_CHANGES_ERROR_ROOM,
                   "no room for %u more disks: herd run took room for %u "
                   "disks at start; restart it to take more",
                   disks, live->disk_room);
      return FALSE;
    }
  HerdStateChange *added = find_record (c, "vm", vm->name);
  g_autofree char *record = NULL;
  const char *op = "edit";
  if (added != NULL && strcmp (added->op, "add") == 0)
    {
      record = merge_lines (added->text, lines);
      op = "add";
    }
  else
    record = g_steal_pointer (&merged);
  if (!herd_state_put_change (c->state, "vm", vm->name, op, record, error))
    return FALSE;
  if (added != NULL)
    {
      g_free (added->text);
      added->text = g_steal_pointer (&record);
    }
  else
    g_ptr_array_add (c->records,
                     herd_state_change_new ("vm", vm->name, op, record));
  copy_vm_settings (live, vm, fresh->model,
                    herd_model_vm (fresh->model, probe));
  g_autofree char *what = g_strdelimit (g_strstrip (g_strdup (lines)), "\n",
                                        ' ');
  herd_manager_vm_updated (c->manager, id, by, what);
  return TRUE;
}

/* A tomb's name: TOMB_PREFIX and a number no record has. */
static char *
tomb_name (HerdChanges *c)
{
  guint64 last = 0;
  for (guint i = 0; i < c->records->len; i++)
    {
      HerdStateChange *r = g_ptr_array_index (c->records, i);
      if (g_str_has_prefix (r->name, TOMB_PREFIX))
        last = MAX (last, g_ascii_strtoull (r->name + strlen (TOMB_PREFIX),
                                            NULL, 10));
    }
  return g_strdup_printf (TOMB_PREFIX "%" G_GUINT64_FORMAT, last + 1);
}

/* A tomb's keys: without the hosts it named (they may go). */
static char *
without_references (const char *lines)
{
  g_auto (GStrv) split = g_strsplit (lines, "\n", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i] != '\0' && !g_str_has_prefix (split[i], "pinned_to ")
        && !g_str_has_prefix (split[i], "preferred_hosts "))
      g_string_append_printf (out, "%s\n", split[i]);
  return g_string_free (out, FALSE);
}

gboolean
herd_changes_remove (HerdChanges *c, HerdChangeKind kind, HerdId id,
                     const char *by, GError **error)
{
  HerdModel *live = c->scenario->model;
  g_autofree char *name = g_strdup (
      kind == HERD_CHANGE_HOST ? herd_model_host (live, id)->name
                               : herd_model_vm (live, id)->name);
  const char *what = kind_names[kind];
  if (!(kind == HERD_CHANGE_HOST
            ? herd_manager_host_remove (c->manager, id, by, error)
            : herd_manager_vm_remove (c->manager, id, by, error)))
    return FALSE;
  /* A host added at run time loses its record, a VM's is kept as a
   * tomb; an object of the configuration is recorded removed. */
  HerdStateChange *r = find_record (c, what, name);
  gboolean added = r != NULL && strcmp (r->op, "add") == 0;
  gboolean ok;
  if (added && kind == HERD_CHANGE_VM)
    {
      g_autofree char *tomb = tomb_name (c);
      g_autofree char *text = without_references (r->text);
      ok = herd_state_retire_change (c->state, what, name, tomb, text, error);
      g_free (r->name);
      g_free (r->op);
      g_free (r->text);
      r->name = g_steal_pointer (&tomb);
      r->op = g_strdup ("gone");
      r->text = g_steal_pointer (&text);
    }
  else
    {
      if (r != NULL)
        g_ptr_array_remove (c->records, r);
      if (!added)
        g_ptr_array_add (c->records,
                         herd_state_change_new (what, name, "remove", ""));
      ok = herd_state_put_change (c->state, what, name,
                                  added ? NULL : "remove", "", error);
    }
  if (!ok)
    {
      g_prefix_error (error, "%s %s is removed, but the state database did "
                      "not record it (it comes back at the next start): ",
                      what, name);
      return FALSE;
    }
  return TRUE;
}

gboolean
herd_changes_reinstall (HerdChanges *c, HerdId host, const char *by,
                        GError **error)
{
  return herd_manager_host_reinstall (c->manager, host, by, error);
}
