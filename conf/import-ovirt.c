/* import-ovirt.c: an oVirt estate from its REST API (v4) responses, saved
 * as files, into a HerdEstate (see import.h; docs/import.md maps every
 * field).
 *
 * A directory holds one file per collection, as `curl` saves them from
 * /ovirt-engine/api: datacenters, clusters (?follow=affinity_groups,
 * scheduling_policy), hosts, vms (?follow=disk_attachments), disks,
 * storagedomains and networks, each NAME.json or NAME.xml;
 * schedulingpolicies is read when present (clusters then need no
 * follow).  oVirt's JSON renders every primitive as a string and a list
 * as an array under the singular name ({"vm": [...]}); its XML
 * (<vms><vm id="..."><name>...) is read into the same tree (attributes
 * and child elements as members, text as strings, a repeated element as
 * an array), so one mapping serves both.
 *
 * Every member of an object that the mapping neither uses nor lists as
 * bookkeeping (href, id, link, actions, comment, ...) is counted per
 * collection and reported as a note: nothing is dropped silently. */
#include "conf/import.h"

#include "conf/csv.h"
#include "conf/trace.h"
#include "core/params.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* XML into the JSON tree                                              */

typedef struct
{
  GPtrArray *objects; /* JsonObject * of the open elements */
  GPtrArray *texts;   /* GString *: their character data */
  JsonObject *root;
} XmlTree;

/* Adds value as member name of obj; a repeated name becomes an array. */
static void
add_member (JsonObject *obj, const char *name, JsonNode *value)
{
  JsonNode *have = json_object_get_member (obj, name);
  if (have == NULL)
    json_object_set_member (obj, name, value);
  else if (JSON_NODE_HOLDS_ARRAY (have))
    json_array_add_element (json_node_get_array (have), value);
  else
    {
      JsonArray *list = json_array_new ();
      json_array_add_element (list, json_node_copy (have));
      json_array_add_element (list, value);
      json_object_set_array_member (obj, name, list);
    }
}

static void
xml_start (GMarkupParseContext *context, const char *element,
           const char **attr_names, const char **attr_values,
           gpointer data, GError **error)
{
  XmlTree *t = data;
  JsonObject *obj = json_object_new ();
  for (guint i = 0; attr_names[i] != NULL; i++)
    json_object_set_string_member (obj, attr_names[i], attr_values[i]);
  g_ptr_array_add (t->objects, obj);
  g_ptr_array_add (t->texts, g_string_new (NULL));
}

static void
xml_end (GMarkupParseContext *context, const char *element, gpointer data,
         GError **error)
{
  XmlTree *t = data;
  JsonObject *obj = g_ptr_array_steal_index (t->objects,
                                             t->objects->len - 1);
  GString *text = g_ptr_array_steal_index (t->texts, t->texts->len - 1);
  JsonNode *value;
  if (json_object_get_size (obj) == 0)
    {
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (value, g_strstrip (text->str));
      json_object_unref (obj);
    }
  else
    {
      value = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (value, obj);
    }
  g_string_free (text, TRUE);
  if (t->objects->len > 0)
    add_member (g_ptr_array_index (t->objects, t->objects->len - 1), element,
                value);
  else
    {
      if (t->root != NULL) /* a second top element: the last one counts */
        json_object_unref (t->root);
      t->root = JSON_NODE_HOLDS_OBJECT (value)
                    ? json_object_ref (json_node_get_object (value))
                    : json_object_new (); /* an empty collection: <vms/> */
    }
  if (t->objects->len == 0)
    json_node_unref (value);
}

static void
xml_text (GMarkupParseContext *context, const char *text, gsize len,
          gpointer data, GError **error)
{
  XmlTree *t = data;
  if (t->texts->len > 0)
    g_string_append_len (g_ptr_array_index (t->texts, t->texts->len - 1),
                         text, (gssize) len);
}

static JsonObject *
parse_xml (const char *text, gsize len, GError **error)
{
  static const GMarkupParser parser = { xml_start, xml_end, xml_text, NULL,
                                        NULL };
  XmlTree t = { g_ptr_array_new_with_free_func (
                    (GDestroyNotify) json_object_unref),
                g_ptr_array_new (), NULL };
  GMarkupParseContext *context = g_markup_parse_context_new (
      &parser, G_MARKUP_PREFIX_ERROR_POSITION, &t, NULL);
  gboolean ok = g_markup_parse_context_parse (context, text, (gssize) len,
                                              error)
                && g_markup_parse_context_end_parse (context, error);
  g_markup_parse_context_free (context);
  /* what remains open after an error */
  while (t.texts->len > 0)
    g_string_free (g_ptr_array_steal_index (t.texts, t.texts->len - 1),
                   TRUE);
  g_ptr_array_unref (t.texts);
  g_ptr_array_unref (t.objects);
  if (!ok && t.root != NULL)
    g_clear_pointer (&t.root, json_object_unref);
  return t.root;
}

/* ------------------------------------------------------------------ */
/* Reading the tree                                                    */

/* The member at path ("a.b.c") of obj, or NULL. */
static JsonNode *
at (JsonObject *obj, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = NULL;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (obj == NULL || !json_object_has_member (obj, parts[i]))
        return NULL;
      node = json_object_get_member (obj, parts[i]);
      obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                          : NULL;
    }
  return node;
}

/* The value at path as text (oVirt's JSON gives strings; numbers and
 * booleans are taken too), or NULL. */
static const char *
text_at (JsonObject *obj, const char *path, char buffer[64])
{
  JsonNode *node = at (obj, path);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return json_node_get_string (node);
    case G_TYPE_INT64:
      g_snprintf (buffer, 64, "%" G_GINT64_FORMAT, json_node_get_int (node));
      return buffer;
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? "true" : "false";
    case G_TYPE_DOUBLE:
      g_ascii_dtostr (buffer, 64, json_node_get_double (node));
      return buffer;
    default:
      return NULL;
    }
}

static char *
str (JsonObject *obj, const char *path)
{
  char buffer[64];
  return g_strdup (text_at (obj, path, buffer));
}

/* A whole number at path, else dflt. */
static gint64
num (JsonObject *obj, const char *path, gint64 dflt)
{
  char buffer[64];
  const char *text = text_at (obj, path, buffer);
  gint64 value;
  if (text == NULL
      || !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value,
                                    NULL))
    return dflt;
  return value;
}

/* A boolean at path: 1, 0, or -1 when absent. */
static gint
flag (JsonObject *obj, const char *path)
{
  char buffer[64];
  const char *text = text_at (obj, path, buffer);
  return text == NULL ? -1 : strcmp (text, "true") == 0;
}

static gint64
mib_of_bytes (gint64 bytes)
{
  return bytes < 0 ? -1 : bytes / (1024 * 1024);
}

/* The objects of the list at path (an array, or one object as XML gives a
 * list of one), borrowed. */
static GPtrArray *
list_at (JsonObject *obj, const char *path)
{
  GPtrArray *out = g_ptr_array_new ();
  JsonNode *node = obj != NULL ? at (obj, path) : NULL;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    g_ptr_array_add (out, json_node_get_object (node));
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_OBJECT (item))
            g_ptr_array_add (out, json_node_get_object (item));
        }
    }
  return out;
}

/* ------------------------------------------------------------------ */
/* The collections                                                     */

typedef struct
{
  HerdEstate *e;
  const char *dir;
  GPtrArray *roots;        /* JsonObject *: the files' trees */
  GHashTable *names;       /* "kind:id" -> name (owned) */
  GHashTable *disk_of;     /* disk id -> HerdEstateDisk * of the VM that
                              has it attached */
} Reader;

/* A disk of disks.json, until a VM attaches it; size_mib 0: left out. */
typedef struct
{
  gint64 size_mib, actual_mib;
  gboolean thin, qcow2;
  char *domain;
} SourceDisk;

static void
source_disk_free (gpointer p)
{
  SourceDisk *d = p;
  g_free (d->domain);
  g_free (d);
}

/* The objects of collection file (datacenters, ...) listed under
 * singular; an absent file is an error when required, else empty. */
static GPtrArray *
collection (Reader *r, const char *file, const char *singular,
            gboolean required, GError **error)
{
  g_autofree char *json = g_strdup_printf ("%s/%s.json", r->dir, file);
  g_autofree char *xml = g_strdup_printf ("%s/%s.xml", r->dir, file);
  JsonObject *root = NULL;
  if (g_file_test (json, G_FILE_TEST_EXISTS))
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) local = NULL;
      if (!json_parser_load_from_file (parser, json, &local))
        {
          g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                       "%s: not JSON: %s", json, local->message);
          return NULL;
        }
      JsonNode *top = json_parser_get_root (parser);
      if (top == NULL || !JSON_NODE_HOLDS_OBJECT (top))
        {
          g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                       "%s: expected an object such as {\"%s\": [...]}",
                       json, singular);
          return NULL;
        }
      root = json_object_ref (json_node_get_object (top));
    }
  else if (g_file_test (xml, G_FILE_TEST_EXISTS))
    {
      g_autofree char *text = NULL;
      gsize len;
      g_autoptr (GError) local = NULL;
      if (!g_file_get_contents (xml, &text, &len, &local)
          || (root = parse_xml (text, len, &local)) == NULL)
        {
          g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                       "%s: %s", xml, local ? local->message : "no element");
          return NULL;
        }
    }
  else if (required)
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                   "%s: no %s.json or %s.xml (save it from "
                   "/ovirt-engine/api/%s, docs/import.md)",
                   r->dir, file, file, file);
      return NULL;
    }
  else
    return g_ptr_array_new ();
  g_ptr_array_add (r->roots, root);
  return list_at (root, singular);
}

/* Remembers kind/id's name, for references. */
static void
name_id (Reader *r, const char *kind, JsonObject *obj)
{
  char buffer[64];
  const char *id = text_at (obj, "id", buffer);
  if (id != NULL)
    g_hash_table_insert (r->names, g_strdup_printf ("%s:%s", kind, id),
                         str (obj, "name"));
}

/* The name of the kind object a reference (target: {"id": ...}, or one
 * with an embedded name) points to. */
static char *
ref_name (Reader *r, const char *kind, JsonObject *target)
{
  char buffer[64];
  const char *id = text_at (target, "id", buffer);
  if (id != NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s:%s", kind, id);
      const char *name = g_hash_table_lookup (r->names, key);
      if (name != NULL)
        return g_strdup (name);
    }
  return str (target, "name");
}

/* The name of the kind object obj's member path refers to. */
static char *
ref (Reader *r, const char *kind, JsonObject *obj, const char *path)
{
  JsonNode *node = at (obj, path);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return ref_name (r, kind, json_node_get_object (node));
}

/* The names of a list of references ("a, b"), NULL if none. */
static char *
refs (Reader *r, const char *kind, JsonObject *obj, const char *path,
      const char *singular)
{
  g_autofree char *full = g_strdup_printf ("%s.%s", path, singular);
  g_autoptr (GPtrArray) items = list_at (obj, full);
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *name = ref_name (r, kind,
                                        g_ptr_array_index (items, i));
      if (name != NULL)
        g_string_append_printf (out, "%s%s", out->len ? ", " : "", name);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* Counts obj's members not in used (and not bookkeeping) under collection
 * in unknown (member -> count). */
static void
tally (GHashTable *unknown, JsonObject *obj, const char *const *used)
{
  static const char *const bookkeeping[]
      = { "href", "id", "link", "actions", "comment", "description",
          "creation_time", "follow", NULL };
  g_autoptr (GList) members = json_object_get_members (obj);
  for (GList *m = members; m != NULL; m = m->next)
    {
      const char *name = m->data;
      if (g_strv_contains (bookkeeping, name) || g_strv_contains (used, name))
        continue;
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (unknown, name));
      g_hash_table_insert (unknown, g_strdup (name), GUINT_TO_POINTER (n + 1));
    }
}

/* One note per unknown member, in name order. */
static void
report_unknown (HerdEstate *e, const char *collection, GHashTable *unknown)
{
  g_autoptr (GList) names = g_hash_table_get_keys (unknown);
  names = g_list_sort (names, (GCompareFunc) strcmp);
  for (GList *n = names; n != NULL; n = n->next)
    herd_estate_note (e, "%s: field \"%s\" (%u objects): not used by the "
                      "simulation",
                      collection, (const char *) n->data,
                      GPOINTER_TO_UINT (g_hash_table_lookup (unknown,
                                                             n->data)));
}

static GHashTable *
unknown_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ------------------------------------------------------------------ */
/* The mapping                                                         */

/* oVirt's scheduling policy property -> herd's policy parameter with its
 * value as herd writes it ("" when not a policy parameter of herd's). */
static char *
policy_param (const char *name, const char *value)
{
  if (strcmp (name, "CpuOverCommitDurationMinutes") == 0)
    return g_strdup_printf ("CpuOverCommitDuration=%sm", value);
  if (strcmp (name, "MaxFreeMemoryForOverUtilized") == 0
      || strcmp (name, "MinFreeMemoryForUnderUtilized") == 0)
    return g_strdup_printf ("%s=%sM", name, value);
  if (strcmp (name, "ScaleDown") == 0)
    return g_strdup_printf ("ScaleDownForHaReservation=%s", value);
  return g_strdup_printf ("%s=%s", name, value);
}

static void
read_policy (Reader *r, HerdEstateCluster *c, JsonObject *obj,
             GHashTable *policies)
{
  g_autofree char *policy = str (obj, "scheduling_policy.name");
  char buffer[64];
  const char *id = text_at (obj, "scheduling_policy.id", buffer);
  if (policy == NULL && id != NULL)
    policy = g_strdup (g_hash_table_lookup (policies, id));
  if (policy != NULL)
    {
      static const char *const known[]
          = { "none", "evenly_distributed", "power_saving",
              "vm_evenly_distributed", "cluster_maintenance", NULL };
      if (g_strv_contains (known, policy))
        c->policy = g_steal_pointer (&policy);
      else
        herd_estate_note (r->e, "cluster \"%s\": scheduling policy \"%s\" "
                          "is not one of herd's (none, evenly_distributed, "
                          "power_saving, vm_evenly_distributed, "
                          "cluster_maintenance): none",
                          c->name, policy);
    }
  else
    herd_estate_note (r->e, "cluster \"%s\": its scheduling policy is not "
                      "known (save clusters with ?follow=scheduling_policy "
                      "or schedulingpolicies): none", c->name);
  /* The cluster's own values of the policy's properties. */
  g_autoptr (GPtrArray) props = list_at (
      obj, "custom_scheduling_policy_properties.property");
  HerdPolicyParams scratch;
  herd_policy_params_init (&scratch, HERD_PROFILE_RHV_4_1);
  for (guint i = 0; i < props->len; i++)
    {
      JsonObject *p = g_ptr_array_index (props, i);
      g_autofree char *name = str (p, "name");
      g_autofree char *value = str (p, "value");
      if (name == NULL || value == NULL)
        continue;
      g_autofree char *param = policy_param (name, value);
      char *eq = strchr (param, '=');
      *eq = '\0';
      g_autoptr (GError) error = NULL;
      if (herd_policy_params_set (&scratch, param, eq + 1, &error))
        {
          *eq = '=';
          g_ptr_array_add (c->policy_params, g_steal_pointer (&param));
        }
      else
        herd_estate_note (r->e, "cluster \"%s\": scheduling property %s = "
                          "%s: %s: left out",
                          c->name, name, value, error->message);
    }
}

static const char *
migration_policy_of (const char *id)
{
  static const struct
  {
    const char *id, *policy;
  } policies[] = {
    { "00000000-0000-0000-0000-000000000000", "legacy" },
    { "80554327-0569-496b-bdeb-fcbbf52b827b", "minimal_downtime" },
    { "80554327-0569-496b-bdeb-fcbbf52b827c", "suspend_workload" },
    { "a7aeedb2-8d66-4e51-bb22-32595027ce71", "post_copy" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    if (strcmp (policies[i].id, id) == 0)
      return policies[i].policy;
  return NULL;
}

static void
read_cluster (Reader *r, JsonObject *obj, GHashTable *policies,
              GHashTable *unknown)
{
  static const char *const used[]
      = { "name", "data_center", "scheduling_policy",
          "custom_scheduling_policy_properties", "memory_policy",
          "migration", "fencing_policy", "ha_reservation", "affinity_groups",
          "ksm", "ballooning_enabled", NULL };
  tally (unknown, obj, used);
  g_autofree char *name = str (obj, "name");
  HerdEstateCluster *c = herd_estate_add_cluster (r->e, name ? name : "?");
  c->ksm = flag (obj, "ksm.enabled");
  c->ballooning = flag (obj, "ballooning_enabled");
  c->datacenter = ref (r, "datacenter", obj, "data_center");
  read_policy (r, c, obj, policies);
  gint64 over = num (obj, "memory_policy.over_commit.percent", -1);
  if (over > 0)
    c->memory_overcommit = (gint) over;
  g_autofree char *method = str (obj, "migration.bandwidth.assignment_method");
  gint64 mbps = num (obj, "migration.bandwidth.custom_value", -1);
  if (g_strcmp0 (method, "custom") == 0 && mbps > 0)
    c->migration_bandwidth = mbps * 1000 * 1000 / 8;
  else if (method != NULL && strcmp (method, "custom") != 0)
    herd_estate_note (r->e, "cluster \"%s\": migration bandwidth %s: "
                      "herd's default (52MiB/s) instead", c->name, method);
  char buffer[64];
  const char *policy_id = text_at (obj, "migration.policy.id", buffer);
  if (policy_id != NULL)
    {
      const char *policy = migration_policy_of (policy_id);
      if (policy != NULL)
        c->migration_policy = g_strdup (policy);
      else
        herd_estate_note (r->e, "cluster \"%s\": migration policy %s is "
                          "not one herd has: legacy", c->name, policy_id);
    }
  c->fencing = flag (obj, "fencing_policy.enabled");
  c->skip_if_connectivity_broken
      = flag (obj, "fencing_policy.skip_if_connectivity_broken.enabled");
  gint64 threshold
      = num (obj, "fencing_policy.skip_if_connectivity_broken.threshold", -1);
  if (threshold >= 0 && threshold <= 100)
    c->connectivity_threshold = (gint) threshold;
  /* oVirt's "skip fencing if host has live lease on storage" */
  c->skip_if_lease_live = flag (obj, "fencing_policy.skip_if_sd_active.enabled");
  c->ha_reservation = flag (obj, "ha_reservation");

  g_autoptr (GPtrArray) groups = list_at (obj, "affinity_groups.affinity_group");
  for (guint i = 0; i < groups->len; i++)
    {
      JsonObject *g = g_ptr_array_index (groups, i);
      g_autofree char *gname = str (g, "name");
      HerdEstateAffinity *a = herd_estate_add_affinity (r->e,
                                                        gname ? gname : "?");
      a->cluster = g_strdup (c->name);
      a->vms = refs (r, "vm", g, "vms", "vm");
      a->hosts = refs (r, "host", g, "hosts", "host");
      /* 4.4+: vms_rule and hosts_rule; before: positive and enforcing,
       * about the VMs */
      gint vm_on = flag (g, "vms_rule.enabled");
      gint vm_positive = flag (g, "vms_rule.positive");
      if (vm_on < 0 && flag (g, "positive") >= 0)
        {
          vm_on = 1;
          vm_positive = flag (g, "positive");
          a->vm_enforcing = flag (g, "enforcing");
        }
      else
        a->vm_enforcing = flag (g, "vms_rule.enforcing");
      if (vm_on == 1 && vm_positive >= 0)
        a->vm_rule = g_strdup (vm_positive ? "positive" : "negative");
      if (flag (g, "hosts_rule.enabled") == 1
          && flag (g, "hosts_rule.positive") >= 0)
        {
          a->host_rule = g_strdup (flag (g, "hosts_rule.positive")
                                       ? "positive"
                                       : "negative");
          a->host_enforcing = flag (g, "hosts_rule.enforcing");
        }
      g_autoptr (GPtrArray) host_labels = list_at (
          g, "host_labels.affinity_label");
      g_autoptr (GPtrArray) vm_labels = list_at (g,
                                                 "vm_labels.affinity_label");
      if (host_labels->len > 0 || vm_labels->len > 0)
        herd_estate_note (r->e, "affinity group \"%s\": its labels are not "
                          "imported (only its VMs and hosts)", a->name);
    }
}

/* Fence agents in their "order" (1 first). */
static gint
compare_order (gconstpointer a, gconstpointer b)
{
  gint64 x = num (*(JsonObject *const *) a, "order", 0);
  gint64 y = num (*(JsonObject *const *) b, "order", 0);
  return (x > y) - (x < y);
}

/* A host's power management agents' types as herd's fence_agent kinds,
 * in their order: /hosts/{id}/fenceagents saved as fenceagents-NAME (the
 * host list never holds them), else ipmilan with a note. */
static char *
fence_agents (Reader *r, const char *host, GError **error)
{
  g_autofree char *file = g_strdup_printf ("fenceagents-%s", host);
  g_autoptr (GPtrArray) agents = collection (r, file, "agent", FALSE, error);
  if (agents == NULL)
    return NULL;
  g_ptr_array_sort (agents, compare_order);
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < agents->len; i++)
    {
      g_autofree char *type = str (g_ptr_array_index (agents, i), "type");
      if (type != NULL)
        g_string_append_printf (out, "%s%s", out->len ? ", " : "", type);
    }
  if (out->len == 0)
    {
      herd_estate_note (r->e, "host \"%s\": power management is enabled but "
                        "%s.json (or .xml) lists no agent: fence_agent = "
                        "ipmilan", host, file);
      g_string_append (out, "ipmilan");
    }
  return g_string_free (out, FALSE);
}

static gboolean
read_host (Reader *r, JsonObject *obj, GHashTable *unknown, GError **error)
{
  static const char *const used[]
      = { "name", "cluster", "cpu", "memory", "spm", "power_management",
          "status", "agents", NULL };
  tally (unknown, obj, used);
  g_autofree char *name = str (obj, "name");
  HerdEstateHost *h = herd_estate_add_host (r->e, name ? name : "?");
  h->cluster = ref (r, "cluster", obj, "cluster");
  gint64 sockets = num (obj, "cpu.topology.sockets", 1);
  gint64 cores = num (obj, "cpu.topology.cores", -1);
  gint64 threads = num (obj, "cpu.topology.threads", 1);
  if (cores > 0 && sockets > 0)
    {
      h->cores = sockets * cores;
      h->threads = h->cores * MAX (threads, 1);
    }
  h->memory_mib = mib_of_bytes (num (obj, "memory", -1));
  gint64 priority = num (obj, "spm.priority", G_MININT64);
  if (priority != G_MININT64)
    h->spm_priority = (gint) CLAMP (priority, -1, 10);
  if (flag (obj, "power_management.enabled") == 1
      && (h->fence_agents = fence_agents (r, h->name, error)) == NULL)
    return FALSE;
  h->status = str (obj, "status");
  return TRUE;
}

/* oVirt's HA priority (1 low, 50 medium, 100 high; any integer) as herd's
 * low, medium, high. */
static const char *
priority_of (gint64 priority)
{
  return priority >= 75 ? "high" : priority >= 25 ? "medium" : "low";
}

static void
read_vm (Reader *r, JsonObject *obj, GHashTable *disks, GHashTable *unknown)
{
  static const char *const used[]
      = { "name", "cluster", "host", "status", "cpu", "memory",
          "memory_policy", "high_availability", "lease", "placement_policy",
          "stateless", "disk_attachments", "storage_error_resume_behaviour",
          NULL };
  tally (unknown, obj, used);
  g_autofree char *name = str (obj, "name");
  HerdEstateVm *v = herd_estate_add_vm (r->e, name ? name : "?");
  v->cluster = ref (r, "cluster", obj, "cluster");
  v->status = str (obj, "status");
  v->host = ref (r, "host", obj, "host");
  gint64 vcpus = num (obj, "cpu.topology.sockets", 1)
                 * num (obj, "cpu.topology.cores", 1)
                 * num (obj, "cpu.topology.threads", 1);
  v->vcpus = at (obj, "cpu.topology") != NULL ? vcpus : -1;
  v->memory_mib = mib_of_bytes (num (obj, "memory", -1));
  v->guaranteed_mib = mib_of_bytes (num (obj, "memory_policy.guaranteed", -1));
  v->ha = flag (obj, "high_availability.enabled") == 1;
  if (v->ha)
    v->priority = g_strdup (priority_of (num (obj,
                                              "high_availability.priority",
                                              1)));
  v->lease = at (obj, "lease.storage_domain") != NULL;
  v->stateless = flag (obj, "stateless") == 1;
  g_autofree char *resume = str (obj, "storage_error_resume_behaviour");
  static const char *const resumes[] = { "auto_resume", "leave_paused", "kill",
                                         NULL };
  if (resume != NULL && g_strv_contains (resumes, resume))
    v->resume = g_steal_pointer (&resume);
  g_autofree char *affinity = str (obj, "placement_policy.affinity");
  g_autofree char *hosts = refs (r, "host", obj, "placement_policy.hosts",
                                 "host");
  if (g_strcmp0 (affinity, "pinned") == 0)
    {
      /* Runs only on its hosts and never migrates (PINNED_TO_HOST). */
      v->migratable = 0;
      v->pinned_to = g_steal_pointer (&hosts);
    }
  else if (g_strcmp0 (affinity, "user_migratable") == 0)
    {
      /* Manual migration only: herd's balancer, maintenance and HA would
       * all move it; the nearest is pinned to its hosts. */
      herd_estate_note (r->e, "vm \"%s\": placement user_migratable "
                        "(manual migration only) is imported as "
                        "migratable", v->name);
      v->migratable = 1;
    }
  if (hosts != NULL && g_strcmp0 (affinity, "pinned") != 0)
    herd_estate_note (r->e, "vm \"%s\": its dedicated hosts (%s) are a "
                      "preference in oVirt for a migratable VM: not "
                      "imported", v->name, hosts);

  g_autoptr (GPtrArray) attachments = list_at (obj,
                                               "disk_attachments.disk_attachment");
  for (guint i = 0; i < attachments->len; i++)
    {
      JsonObject *a = g_ptr_array_index (attachments, i);
      char buffer[64];
      const char *id = text_at (a, "disk.id", buffer);
      const SourceDisk *disk = id != NULL ? g_hash_table_lookup (disks, id)
                                          : NULL;
      if (disk == NULL)
        {
          herd_estate_note (r->e, "vm \"%s\": disk attachment %u: its disk "
                            "is not in disks: left out", v->name, i + 1);
          continue;
        }
      /* whose disk it is, for the warehouse's disk statistics */
      g_hash_table_insert (r->names, g_strdup_printf ("diskvm:%s", id),
                           g_strdup (v->name));
      if (disk->size_mib <= 0)
        continue;
      HerdEstateDisk *d = herd_estate_add_disk (v, disk->size_mib,
                                                disk->thin, disk->qcow2,
                                                disk->domain);
      d->data_mib = disk->actual_mib;
      g_hash_table_insert (r->disk_of, g_strdup (id), d);
    }
  if (at (obj, "disk_attachments") == NULL)
    herd_estate_note (r->e, "vm \"%s\": no disk attachments (save vms with "
                      "?follow=disk_attachments): no disks", v->name);
}

/* disk id -> its SourceDisk (size 0: left out, noted).  actual_size is
 * what its volume takes: on a block domain a thin disk's LV, a little
 * more than its data. */
static void
read_disk (Reader *r, JsonObject *obj, GHashTable *disks, GHashTable *unknown)
{
  static const char *const used[]
      = { "name", "provisioned_size", "actual_size", "total_size", "format",
          "sparse", "storage_domains", "storage_type", "status",
          "content_type", NULL };
  tally (unknown, obj, used);
  char buffer[64];
  const char *id = text_at (obj, "id", buffer);
  if (id == NULL)
    return;
  g_autofree char *id_copy = g_strdup (id);
  g_autofree char *name = str (obj, "name");
  g_autofree char *type = str (obj, "storage_type");
  gint64 size = mib_of_bytes (num (obj, "provisioned_size", -1));
  g_autoptr (GPtrArray) domains = list_at (obj, "storage_domains.storage_domain");
  g_autofree char *domain = NULL;
  if (domains->len > 0)
    domain = ref_name (r, "storagedomain", g_ptr_array_index (domains, 0));
  if ((type != NULL && strcmp (type, "image") != 0) || size <= 0
      || domain == NULL)
    {
      herd_estate_note (r->e, "disk \"%s\": %s: left out", name ? name : id,
                        type != NULL && strcmp (type, "image") != 0
                            ? "not an image disk (a LUN or managed block)"
                            : "no size or storage domain known");
      g_hash_table_insert (disks, g_steal_pointer (&id_copy),
                           g_new0 (SourceDisk, 1));
      return;
    }
  g_autofree char *format = str (obj, "format");
  SourceDisk *d = g_new0 (SourceDisk, 1);
  d->size_mib = MAX (size, 1);
  d->thin = flag (obj, "sparse") == 1;
  d->qcow2 = g_strcmp0 (format, "cow") == 0;
  d->domain = g_steal_pointer (&domain);
  gint64 actual = num (obj, "actual_size", -1);
  d->actual_mib = actual >= 0 ? mib_of_bytes (actual) : -1;
  g_hash_table_insert (disks, g_steal_pointer (&id_copy), d);
}

static void
read_domain (Reader *r, JsonObject *obj, GHashTable *unknown)
{
  static const char *const used[]
      = { "name", "type", "storage", "master", "available", "used",
          "committed", "data_centers", "data_center", "status",
          "external_status", NULL };
  tally (unknown, obj, used);
  g_autofree char *name = str (obj, "name");
  g_autofree char *role = str (obj, "type");
  g_autofree char *type = str (obj, "storage.type");
  static const char *const roles[] = { "data", "iso", "export", NULL };
  static const char *const types[]
      = { "nfs", "iscsi", "fcp", "glusterfs", "posixfs", "localfs", NULL };
  if (role == NULL || !g_strv_contains (roles, role) || type == NULL
      || !g_strv_contains (types, type))
    {
      herd_estate_note (r->e, "storage domain \"%s\": %s %s: not a kind herd "
                        "models (data, iso or export on nfs, iscsi, fcp, "
                        "glusterfs, posixfs, localfs): not imported",
                        name ? name : "?", role ? role : "?",
                        type ? type : "?");
      return;
    }
  HerdEstateDomain *d = herd_estate_add_domain (r->e, name ? name : "?");
  d->datacenter = refs (r, "datacenter", obj, "data_centers", "data_center");
  if (d->datacenter == NULL)
    d->datacenter = ref (r, "datacenter", obj, "data_center");
  if (d->datacenter != NULL && strchr (d->datacenter, ',') != NULL)
    {
      herd_estate_note (r->e, "storage domain \"%s\": attached to several "
                        "data centers (%s): imported in the first",
                        d->name, d->datacenter);
      *strchr (d->datacenter, ',') = '\0';
    }
  d->type = g_strdup (type);
  d->role = g_strdup (role);
  gint64 available = num (obj, "available", -1);
  gint64 used_bytes = num (obj, "used", -1);
  if (available >= 0 && used_bytes >= 0)
    {
      d->capacity_mib = mib_of_bytes (available + used_bytes);
      d->used_mib = mib_of_bytes (used_bytes);
    }
  d->master = flag (obj, "master") == 1;
}

/* Whether network name is required: oVirt says it per cluster
 * (/clusters/{id}/networks saved as cluster-networks-CLUSTER), herd per
 * data center: required where every cluster that lists it requires it. */
static gboolean
network_required (Reader *r, const char *name, GPtrArray *clusters,
                  GError **error, gboolean *ok)
{
  guint listed = 0, required = 0, files = 0;
  GString *where = g_string_new (NULL);
  for (guint i = 0; i < clusters->len; i++)
    {
      g_autofree char *cluster = str (g_ptr_array_index (clusters, i),
                                      "name");
      g_autofree char *file = g_strdup_printf ("cluster-networks-%s",
                                               cluster ? cluster : "");
      g_autoptr (GPtrArray) nets = collection (r, file, "network", FALSE,
                                               error);
      if (nets == NULL)
        {
          *ok = FALSE;
          g_string_free (where, TRUE);
          return FALSE;
        }
      files += nets->len > 0;
      for (guint k = 0; k < nets->len; k++)
        {
          g_autofree char *net = str (g_ptr_array_index (nets, k), "name");
          if (g_strcmp0 (net, name) != 0)
            continue;
          listed++;
          if (flag (g_ptr_array_index (nets, k), "required") == 1)
            {
              required++;
              g_string_append_printf (where, "%s%s", where->len ? ", " : "",
                                      cluster);
            }
        }
    }
  if (files == 0)
    herd_estate_note (r->e, "network \"%s\": required (herd's default: no "
                      "cluster-networks-CLUSTER file says)", name);
  else if (required > 0 && required < listed)
    herd_estate_note (r->e, "network \"%s\": required in %s only: not "
                      "required (herd's required networks are per data "
                      "center)", name, where->str);
  g_string_free (where, TRUE);
  return files == 0 || (listed > 0 && required == listed);
}

static void
read_network (Reader *r, JsonObject *obj, GHashTable *unknown)
{
  static const char *const used[]
      = { "name", "data_center", "required", "usages", NULL };
  tally (unknown, obj, used);
  g_autofree char *name = str (obj, "name");
  HerdEstateNetwork *n = herd_estate_add_network (r->e, name ? name : "?");
  n->datacenter = ref (r, "datacenter", obj, "data_center");
  n->required = TRUE; /* set from the clusters' lists (read_all) */
  JsonNode *usages = at (obj, "usages.usage");
  n->vm_network = FALSE;
  if (usages != NULL && JSON_NODE_HOLDS_ARRAY (usages))
    {
      JsonArray *a = json_node_get_array (usages);
      for (guint i = 0; i < json_array_get_length (a); i++)
        n->vm_network |= g_strcmp0 (json_array_get_string_element (a, i),
                                    "vm")
                         == 0;
    }
  else if (usages != NULL && JSON_NODE_HOLDS_VALUE (usages))
    n->vm_network = g_strcmp0 (json_node_get_string (usages), "vm") == 0;
}

/* ------------------------------------------------------------------ */

/* The file of dir whose name ends with suffix (its first in name order),
 * or NULL. */
static char *
file_ending (const char *dir, const char *suffix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  char *found = NULL;
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, suffix)
        && (found == NULL || strcmp (name, found) < 0))
      {
        g_free (found);
        found = g_strdup (name);
      }
  return found;
}

/* Reading k of series, in seconds since 1970. */
static gint64
point_time (const HerdTraceSeries *series, guint k)
{
  return (gint64) llround (
      series->start
      + (double) g_array_index (series->points, HerdTracePoint, k).at / 1e9);
}

/* oVirt's data warehouse VM history exported as CSV, when the directory
 * has it: the view v4_N_statistics_vms_resources_usage_samples (a sample
 * a minute, kept 24 h), or else ..._hourly (hourly means, kept 60 days),
 * as "\copy (SELECT * FROM VIEW) TO 'VIEW.csv' CSV HEADER" saves it; each
 * VM's CPU (vm_id: its id in vms) becomes the estate's samples. */
static gboolean
read_history (Reader *r, GError **error)
{
  g_autofree char *file
      = file_ending (r->dir, "statistics_vms_resources_usage_samples.csv");
  g_autofree char *hourly
      = file_ending (r->dir, "statistics_vms_resources_usage_hourly.csv");
  if (file != NULL && hourly != NULL)
    herd_estate_note (r->e, "%s: not read: the samples of %s are", hourly,
                      file);
  if (file == NULL)
    file = g_steal_pointer (&hourly);
  if (file == NULL)
    return TRUE;
  g_autofree char *spec = g_strconcat ("trace:samples:", file, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (HerdTraceSet) set = herd_trace_load (spec, r->dir, &local);
  if (set == NULL)
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID, "%s",
                   local->message);
      return FALSE;
    }
  /* memory_usage_percent beside it, where the export has it */
  g_autoptr (HerdTraceSet) memory = herd_trace_load_memory (spec, r->dir,
                                                            NULL);
  g_autoptr (GHashTable) memory_of = g_hash_table_new (g_str_hash,
                                                       g_str_equal);
  for (guint i = 0; memory != NULL && i < memory->series->len; i++)
    {
      HerdTraceSeries *series = g_ptr_array_index (memory->series, i);
      g_hash_table_insert (memory_of, series->name, series);
    }
  guint unknown = 0;
  for (guint i = 0; i < set->series->len; i++)
    {
      const HerdTraceSeries *series = g_ptr_array_index (set->series, i);
      g_autofree char *key = g_strdup_printf ("vm:%s", series->name);
      const char *vm = g_hash_table_lookup (r->names, key);
      if (vm == NULL)
        {
          unknown++;
          continue;
        }
      const HerdTraceSeries *mem = g_hash_table_lookup (memory_of,
                                                        series->name);
      guint m = 0;
      for (guint k = 0; k < series->points->len; k++)
        {
          gint64 at = point_time (series, k);
          /* the memory reading of the same row, if any (both in time
           * order) */
          while (mem != NULL && m < mem->points->len
                 && point_time (mem, m) < at)
            m++;
          double memory_percent
              = mem != NULL && m < mem->points->len && point_time (mem, m) == at
                    ? g_array_index (mem->points, HerdTracePoint, m).percent
                    : -1;
          herd_estate_add_sample (
              r->e, vm, at,
              g_array_index (series->points, HerdTracePoint, k).percent,
              memory_percent, -1);
        }
    }
  if (unknown > 0)
    herd_estate_note (r->e, "%s: %u VMs whose vm_id is not in vms: left out",
                      file, unknown);
  return TRUE;
}

/* The warehouse's disk statistics exported as CSV, when the directory has
 * them (v4_N_statistics_vms_disks_resources_usage_samples, else
 * ..._hourly): each VM's disks' write_rate_bytes_per_second summed at
 * each time becomes the disk writes of its sample of that time, and each
 * disk's vm_disk_actual_size_mb (when the export has it) what it held
 * then. */
static gboolean
read_disk_history (Reader *r, GError **error)
{
  g_autofree char *file = file_ending (
      r->dir, "statistics_vms_disks_resources_usage_samples.csv");
  if (file == NULL)
    file = file_ending (r->dir,
                        "statistics_vms_disks_resources_usage_hourly.csv");
  if (file == NULL)
    return TRUE;
  g_autofree char *path = g_build_filename (r->dir, file, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_READ,
                   "%s: cannot read it", path);
      return FALSE;
    }
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  guint bad = 0;
  if (!herd_csv_parse (text, records, lines, &bad))
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                   "%s:%u: a quoted field is not closed", path, bad);
      return FALSE;
    }
  int tc = -1, dc = -1, wc = -1, ac = -1;
  GPtrArray *header = records->len > 0 ? g_ptr_array_index (records, 0)
                                       : NULL;
  for (guint i = 0; header != NULL && i < header->len; i++)
    {
      const char *c = g_ptr_array_index (header, i);
      tc = strcmp (c, "history_datetime") == 0 ? (int) i : tc;
      dc = strcmp (c, "vm_disk_id") == 0 ? (int) i : dc;
      wc = strcmp (c, "write_rate_bytes_per_second") == 0 ? (int) i : wc;
      ac = strcmp (c, "vm_disk_actual_size_mb") == 0 ? (int) i : ac;
    }
  if (tc < 0 || dc < 0 || wc < 0)
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                   "%s:1: expected a header naming history_datetime, "
                   "vm_disk_id and write_rate_bytes_per_second", path);
      return FALSE;
    }
  /* "VM\ttime" -> bytes/s, summed over the VM's disks */
  g_autoptr (GHashTable) writes = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, g_free);
  guint unknown = 0;
  for (guint k = 1; k < records->len; k++)
    {
      GPtrArray *f = g_ptr_array_index (records, k);
      guint line = g_array_index (lines, guint, k);
      double seconds, rate;
      char *end = NULL;
      const char *rate_text = f->len == header->len
                                  ? g_ptr_array_index (f, wc)
                                  : "";
      if (f->len != header->len
          || !herd_trace_parse_time (g_ptr_array_index (f, tc), &seconds))
        {
          g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                       "%s:%u: expected %u fields with a history_datetime",
                       path, line, header->len);
          return FALSE;
        }
      const char *disk_id = g_ptr_array_index (f, dc);
      const char *actual = ac >= 0 ? g_ptr_array_index (f, ac) : "";
      HerdEstateDisk *disk = g_hash_table_lookup (r->disk_of, disk_id);
      if (*actual != '\0' && disk != NULL)
        {
          gint64 mib = g_ascii_strtoll (actual, &end, 10);
          if (*end != '\0' || mib < 0)
            {
              g_set_error (error, HERD_IMPORT_ERROR,
                           HERD_IMPORT_ERROR_INVALID,
                           "%s:%u: vm_disk_actual_size_mb: expected a "
                           "whole number of 0 or more, got \"%s\"",
                           path, line, actual);
              return FALSE;
            }
          herd_estate_disk_held (disk, (gint64) llround (seconds), mib);
        }
      if (*rate_text == '\0')
        continue; /* not measured */
      rate = g_ascii_strtod (rate_text, &end);
      if (*end != '\0' || !isfinite (rate) || rate < 0)
        {
          g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                       "%s:%u: write_rate_bytes_per_second: expected a "
                       "number of 0 or more, got \"%s\"",
                       path, line, rate_text);
          return FALSE;
        }
      g_autofree char *key = g_strdup_printf ("diskvm:%s", disk_id);
      const char *vm = g_hash_table_lookup (r->names, key);
      if (vm == NULL)
        {
          unknown++;
          continue;
        }
      char *at = g_strdup_printf ("%s\t%" G_GINT64_FORMAT, vm,
                                  (gint64) llround (seconds));
      double *sum = g_hash_table_lookup (writes, at);
      if (sum == NULL)
        g_hash_table_insert (writes, at, sum = g_new0 (double, 1));
      else
        g_free (at);
      *sum += rate;
    }
  /* onto the VMs' samples of the same times */
  GHashTableIter it;
  gpointer name, value;
  g_hash_table_iter_init (&it, r->e->history);
  while (g_hash_table_iter_next (&it, &name, &value))
    {
      GArray *samples = value;
      for (guint i = 0; i < samples->len; i++)
        {
          HerdEstateSample *x = &g_array_index (samples, HerdEstateSample, i);
          g_autofree char *at = g_strdup_printf ("%s\t%" G_GINT64_FORMAT,
                                                 (const char *) name,
                                                 x->time);
          const double *sum = g_hash_table_lookup (writes, at);
          if (sum != NULL)
            x->write_bps = *sum;
        }
    }
  if (unknown > 0)
    herd_estate_note (r->e, "%s: %u readings of disks no VM of vms has "
                      "attached: left out", file, unknown);
  return TRUE;
}

/* Reads every collection of r->dir into r->e. */
static gboolean
read_all (Reader *r, GError **error)
{
  HerdEstate *e = r->e;
  g_autoptr (GHashTable) policies = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) disks = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, source_disk_free);
  g_autoptr (GPtrArray) dcs = NULL, clusters = NULL, hosts = NULL,
                        vms = NULL, disk_list = NULL, domains = NULL,
                        networks = NULL, scheduling = NULL;
  if ((dcs = collection (r, "datacenters", "data_center", TRUE, error))
          == NULL
      || (clusters = collection (r, "clusters", "cluster", TRUE, error))
             == NULL
      || (hosts = collection (r, "hosts", "host", TRUE, error)) == NULL
      || (vms = collection (r, "vms", "vm", TRUE, error)) == NULL
      || (disk_list = collection (r, "disks", "disk", FALSE, error)) == NULL
      || (domains = collection (r, "storagedomains", "storage_domain", FALSE,
                                error))
             == NULL
      || (networks = collection (r, "networks", "network", FALSE, error))
             == NULL
      || (scheduling = collection (r, "schedulingpolicies",
                                   "scheduling_policy", FALSE, error))
             == NULL)
    return FALSE;

  /* Names by id first: references may point forward. */
  for (guint i = 0; i < dcs->len; i++)
    name_id (r, "datacenter", g_ptr_array_index (dcs, i));
  for (guint i = 0; i < clusters->len; i++)
    name_id (r, "cluster", g_ptr_array_index (clusters, i));
  for (guint i = 0; i < hosts->len; i++)
    name_id (r, "host", g_ptr_array_index (hosts, i));
  for (guint i = 0; i < vms->len; i++)
    name_id (r, "vm", g_ptr_array_index (vms, i));
  for (guint i = 0; i < domains->len; i++)
    name_id (r, "storagedomain", g_ptr_array_index (domains, i));
  for (guint i = 0; i < scheduling->len; i++)
    {
      JsonObject *p = g_ptr_array_index (scheduling, i);
      char buffer[64];
      const char *id = text_at (p, "id", buffer);
      if (id != NULL)
        g_hash_table_insert (policies, g_strdup (id), str (p, "name"));
    }

  g_autoptr (GHashTable) unknown = unknown_new ();
  gint64 major = -1, minor = -1;
  for (guint i = 0; i < dcs->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (dcs, i);
      static const char *const used[] = { "name", "version", "local",
                                          "status", "storage_type", NULL };
      tally (unknown, obj, used);
      g_autofree char *name = str (obj, "name");
      herd_estate_add_datacenter (e, name ? name : "?");
      major = MAX (major, num (obj, "version.major", -1));
      minor = MAX (minor, num (obj, "version.minor", -1));
    }
  report_unknown (e, "datacenters", unknown);
  /* The profile of the manager's version: 4.5 and later as ovirt-4.5. */
  if (major > 4 || (major == 4 && minor >= 5))
    e->profile = g_strdup ("ovirt-4.5");

  g_hash_table_remove_all (unknown);
  for (guint i = 0; i < domains->len; i++)
    read_domain (r, g_ptr_array_index (domains, i), unknown);
  report_unknown (e, "storagedomains", unknown);
  g_hash_table_remove_all (unknown);
  for (guint i = 0; i < networks->len; i++)
    {
      read_network (r, g_ptr_array_index (networks, i), unknown);
      HerdEstateNetwork *n = g_ptr_array_index (e->networks,
                                                e->networks->len - 1);
      gboolean ok = TRUE;
      n->required = network_required (r, n->name, clusters, error, &ok);
      if (!ok)
        return FALSE;
    }
  report_unknown (e, "networks", unknown);
  /* Each domain's status in its data center (/datacenters/{id}/
   * storagedomains): herd's domains start active. */
  for (guint i = 0; i < dcs->len; i++)
    {
      g_autofree char *dc = str (g_ptr_array_index (dcs, i), "name");
      g_autofree char *file = g_strdup_printf ("datacenter-storagedomains%s%s",
                                               dcs->len > 1 ? "-" : "",
                                               dcs->len > 1 ? dc : "");
      g_autoptr (GPtrArray) attached = collection (r, file, "storage_domain",
                                                   FALSE, error);
      if (attached == NULL)
        return FALSE;
      for (guint k = 0; k < attached->len; k++)
        {
          JsonObject *d = g_ptr_array_index (attached, k);
          g_autofree char *name = str (d, "name");
          g_autofree char *status = str (d, "status");
          if (status != NULL && strcmp (status, "active") != 0)
            herd_estate_note (e, "storage domain \"%s\": %s in data center "
                              "%s: active in the scenario",
                              name ? name : "?", status, dc ? dc : "?");
        }
    }
  g_hash_table_remove_all (unknown);
  for (guint i = 0; i < clusters->len; i++)
    read_cluster (r, g_ptr_array_index (clusters, i), policies, unknown);
  report_unknown (e, "clusters", unknown);
  g_hash_table_remove_all (unknown);
  for (guint i = 0; i < hosts->len; i++)
    if (!read_host (r, g_ptr_array_index (hosts, i), unknown, error))
      return FALSE;
  report_unknown (e, "hosts", unknown);
  g_hash_table_remove_all (unknown);
  for (guint i = 0; i < disk_list->len; i++)
    read_disk (r, g_ptr_array_index (disk_list, i), disks, unknown);
  report_unknown (e, "disks", unknown);
  g_hash_table_remove_all (unknown);
  for (guint i = 0; i < vms->len; i++)
    read_vm (r, g_ptr_array_index (vms, i), disks, unknown);
  report_unknown (e, "vms", unknown);
  return read_history (r, error) && read_disk_history (r, error);
}

gboolean
herd_import_ovirt (const char *dir, HerdEstate *e, GError **error)
{
  Reader r = { e, dir,
               g_ptr_array_new_with_free_func (
                   (GDestroyNotify) json_object_unref),
               g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      g_free),
               g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      NULL) };
  gboolean ok = read_all (&r, error);
  g_ptr_array_unref (r.roots);
  g_hash_table_unref (r.names);
  g_hash_table_unref (r.disk_of);
  return ok;
}
