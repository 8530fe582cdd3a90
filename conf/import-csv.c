/* import-csv.c: a CSV inventory (for estates exported from anything but
 * oVirt) into a HerdEstate; the columns are documented in docs/import.md.
 *
 * RFC 4180 CSV: a header line of column names, then one line per object;
 * fields may be quoted ("..." with "" for a quote) and hold commas and
 * line breaks; CRLF or LF.  The kind column says what a line is:
 * datacenter, cluster, host, vm, storage or network; each kind uses its
 * own columns and an empty field means "not given" (the scenario's
 * default).  Sizes take units (64G, 512M; bare numbers are MiB), as in a
 * scenario.  A cluster a line names without a cluster line of its own is
 * made in data center "dc", and a data center the same way (noted).  An
 * unknown column is reported (a note), a bad value is an error naming the
 * file, line and column. */
#include "conf/import.h"

#include "conf/csv.h"
#include "core/units.h"

#include <string.h>

static const char *const columns[]
    = { "kind", "name", "datacenter", "cluster", "host", "status", "cores",
        "threads", "memory", "vcpus", "guaranteed_memory", "ha", "priority",
        "lease", "pinned_to", "migratable", "disks", "type", "role",
        "capacity", "used", "master", "policy", "memory_overcommit",
        "required", "vm_network", "spm_priority", "fence_agent", NULL };

typedef struct
{
  const char *path;
  HerdEstate *e;
  GPtrArray *header;   /* column names */
  GPtrArray *record;   /* the current line's fields */
  guint line;
  GError **error;
  gboolean failed;
} Csv;

/* The field of column name on the current line, or NULL when empty. */
static const char *
field (Csv *c, const char *name)
{
  for (guint i = 0; i < c->header->len && i < c->record->len; i++)
    if (strcmp (g_ptr_array_index (c->header, i), name) == 0)
      {
        const char *value = g_ptr_array_index (c->record, i);
        return *value != '\0' ? value : NULL;
      }
  return NULL;
}

static void
fail (Csv *c, const char *column, const char *value, const char *expected)
{
  if (c->failed)
    return;
  c->failed = TRUE;
  g_autofree char *quoted = g_strescape (value, NULL);
  g_set_error (c->error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
               "%s:%u: %s: expected %s, got \"%s\"", c->path, c->line, column,
               expected, quoted);
}

static char *
text (Csv *c, const char *name)
{
  return g_strdup (field (c, name));
}

static gint64
whole (Csv *c, const char *name, gint64 min, gint64 max)
{
  const char *value = field (c, name);
  gint64 out;
  if (value == NULL)
    return -1;
  if (!herd_units_parse_integer (value, min, max, &out, NULL))
    {
      g_autofree char *expected = g_strdup_printf (
          "a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
          min, max);
      fail (c, name, value, expected);
      return -1;
    }
  return out;
}

static gint64
size (Csv *c, const char *name)
{
  const char *value = field (c, name);
  gint64 mib;
  if (value == NULL)
    return -1;
  if (!herd_units_parse_size_mib (value, &mib, NULL))
    {
      fail (c, name, value, "a size such as 64G or 512M");
      return -1;
    }
  return mib;
}

static gint
boolean (Csv *c, const char *name)
{
  const char *value = field (c, name);
  if (value == NULL)
    return -1;
  if (g_ascii_strcasecmp (value, "true") == 0
      || g_ascii_strcasecmp (value, "yes") == 0 || strcmp (value, "1") == 0)
    return 1;
  if (g_ascii_strcasecmp (value, "false") == 0
      || g_ascii_strcasecmp (value, "no") == 0 || strcmp (value, "0") == 0)
    return 0;
  fail (c, name, value, "true or false");
  return -1;
}

/* A value that must be one of choices (or empty). */
static char *
one_of (Csv *c, const char *name, const char *const *choices,
        const char *expected)
{
  const char *value = field (c, name);
  if (value != NULL && !g_strv_contains (choices, value))
    {
      fail (c, name, value, expected);
      return NULL;
    }
  return g_strdup (value);
}

/* "a; b" as "a, b". */
static char *
list (Csv *c, const char *name)
{
  const char *value = field (c, name);
  if (value == NULL)
    return NULL;
  g_auto (GStrv) items = g_strsplit (value, ";", -1);
  for (guint i = 0; items[i] != NULL; i++)
    g_strstrip (items[i]);
  return g_strjoinv (", ", items);
}

#define CSV_DISK_FORMS                                                     \
  "disks as SIZE [thin|preallocated] [raw|qcow2] [data=SIZE] DOMAIN, "      \
  "separated by ';'"

static void
read_vm_disks (Csv *c, HerdEstateVm *v)
{
  const char *value = field (c, "disks");
  if (value == NULL)
    return;
  g_auto (GStrv) disks = g_strsplit (value, ";", -1);
  for (guint i = 0; disks[i] != NULL; i++)
    {
      g_auto (GStrv) w = g_strsplit_set (g_strstrip (disks[i]), " \t", -1);
      const char *size_text = NULL, *format = NULL, *domain = NULL,
                 *data_text = NULL;
      gboolean thin = FALSE;
      for (guint k = 0; w[k] != NULL; k++)
        {
          if (*w[k] == '\0')
            continue;
          if (size_text == NULL)
            size_text = w[k];
          else if (strcmp (w[k], "thin") == 0
                   || strcmp (w[k], "preallocated") == 0)
            thin = strcmp (w[k], "thin") == 0;
          else if (strcmp (w[k], "raw") == 0 || strcmp (w[k], "qcow2") == 0)
            format = w[k];
          else if (g_str_has_prefix (w[k], "data=") && data_text == NULL)
            data_text = w[k] + 5;
          else if (domain == NULL)
            domain = w[k];
          else
            {
              fail (c, "disks", value, CSV_DISK_FORMS);
              return;
            }
        }
      gint64 mib, data = -1;
      if (size_text == NULL)
        continue;
      if (!herd_units_parse_size_mib (size_text, &mib, NULL) || mib <= 0
          || domain == NULL
          || (data_text != NULL
              && (!thin
                  || !herd_units_parse_size_mib (data_text, &data, NULL)
                  || data < 0)))
        {
          fail (c, "disks", value, CSV_DISK_FORMS);
          return;
        }
      HerdEstateDisk *d = herd_estate_add_disk (
          v, mib, thin, format ? strcmp (format, "qcow2") == 0 : thin,
          domain);
      d->data_mib = data;
    }
}

/* Makes the clusters and data centers lines name without lines of their
 * own (in data center "dc"). */
static void
complete (HerdEstate *e)
{
  g_autoptr (GHashTable) dcs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) clusters = g_hash_table_new (g_str_hash,
                                                      g_str_equal);
  for (guint i = 0; i < e->datacenters->len; i++)
    g_hash_table_add (dcs, ((HerdEstateDatacenter *) g_ptr_array_index (
                               e->datacenters, i))->name);
  for (guint i = 0; i < e->clusters->len; i++)
    g_hash_table_add (clusters, ((HerdEstateCluster *) g_ptr_array_index (
                                    e->clusters, i))->name);
  const char *fallback = e->datacenters->len > 0
                             ? ((HerdEstateDatacenter *) g_ptr_array_index (
                                    e->datacenters, 0))->name
                             : "dc";
  GPtrArray *named[2] = { e->hosts, e->vms };
  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < named[k]->len; i++)
      {
        char *cluster = k == 0 ? ((HerdEstateHost *) g_ptr_array_index (
                                      named[k], i))->cluster
                               : ((HerdEstateVm *) g_ptr_array_index (
                                      named[k], i))->cluster;
        if (cluster == NULL || g_hash_table_contains (clusters, cluster))
          continue;
        HerdEstateCluster *c = herd_estate_add_cluster (e, cluster);
        c->datacenter = g_strdup (fallback);
        g_hash_table_add (clusters, c->name);
        herd_estate_note (e, "cluster \"%s\": no cluster line: made in data "
                          "center %s", cluster, fallback);
      }
  for (guint i = 0; i < e->clusters->len; i++)
    {
      HerdEstateCluster *c = g_ptr_array_index (e->clusters, i);
      if (c->datacenter == NULL)
        c->datacenter = g_strdup (fallback);
      if (!g_hash_table_contains (dcs, c->datacenter))
        {
          HerdEstateDatacenter *d = herd_estate_add_datacenter (
              e, c->datacenter);
          g_hash_table_add (dcs, d->name);
          herd_estate_note (e, "datacenter \"%s\": no datacenter line: "
                            "made", d->name);
        }
    }
}

static void
read_line (Csv *c)
{
  static const char *const kinds[] = { "datacenter", "cluster", "host", "vm",
                                       "storage", "network", NULL };
  const char *kind = field (c, "kind");
  const char *name = field (c, "name");
  if (kind == NULL || !g_strv_contains (kinds, kind))
    {
      fail (c, "kind", kind ? kind : "",
            "datacenter, cluster, host, vm, storage or network");
      return;
    }
  if (name == NULL)
    {
      fail (c, "name", "", "a name");
      return;
    }
  HerdEstate *e = c->e;
  if (strcmp (kind, "datacenter") == 0)
    herd_estate_add_datacenter (e, name);
  else if (strcmp (kind, "cluster") == 0)
    {
      static const char *const policies[]
          = { "none", "evenly_distributed", "power_saving",
              "vm_evenly_distributed", "cluster_maintenance", NULL };
      HerdEstateCluster *cl = herd_estate_add_cluster (e, name);
      cl->datacenter = text (c, "datacenter");
      cl->policy = one_of (c, "policy", policies,
                           "none, evenly_distributed, power_saving, "
                           "vm_evenly_distributed or cluster_maintenance");
      cl->memory_overcommit = (gint) whole (c, "memory_overcommit", 1, 1000);
    }
  else if (strcmp (kind, "host") == 0)
    {
      HerdEstateHost *h = herd_estate_add_host (e, name);
      h->cluster = text (c, "cluster");
      h->cores = whole (c, "cores", 1, 4096);
      h->threads = whole (c, "threads", 1, 65536);
      if (h->threads < 0)
        h->threads = h->cores;
      h->memory_mib = size (c, "memory");
      gint64 spm = whole (c, "spm_priority", -1, 10);
      if (field (c, "spm_priority") != NULL)
        h->spm_priority = (gint) spm;
      h->fence_agents = list (c, "fence_agent");
      h->status = text (c, "status");
    }
  else if (strcmp (kind, "vm") == 0)
    {
      static const char *const priorities[] = { "low", "medium", "high",
                                                NULL };
      HerdEstateVm *v = herd_estate_add_vm (e, name);
      v->cluster = text (c, "cluster");
      v->host = text (c, "host");
      v->status = text (c, "status");
      if (v->status == NULL && v->host != NULL)
        v->status = g_strdup ("up");
      v->vcpus = whole (c, "vcpus", 1, 4096);
      v->memory_mib = size (c, "memory");
      v->guaranteed_mib = size (c, "guaranteed_memory");
      v->ha = boolean (c, "ha") == 1;
      v->priority = one_of (c, "priority", priorities,
                            "low, medium or high");
      v->lease = boolean (c, "lease") == 1;
      v->pinned_to = list (c, "pinned_to");
      v->migratable = boolean (c, "migratable");
      read_vm_disks (c, v);
    }
  else if (strcmp (kind, "storage") == 0)
    {
      static const char *const types[]
          = { "nfs", "iscsi", "fcp", "glusterfs", "posix", "posixfs",
              "localfs", NULL };
      static const char *const roles[] = { "data", "iso", "export", NULL };
      HerdEstateDomain *d = herd_estate_add_domain (e, name);
      d->datacenter = text (c, "datacenter");
      d->type = one_of (c, "type", types,
                        "nfs, iscsi, fcp, glusterfs, posix, posixfs or "
                        "localfs");
      d->role = one_of (c, "role", roles, "data, iso or export");
      d->capacity_mib = size (c, "capacity");
      d->used_mib = size (c, "used");
      d->master = boolean (c, "master") == 1;
    }
  else
    {
      HerdEstateNetwork *n = herd_estate_add_network (e, name);
      n->datacenter = text (c, "datacenter");
      n->required = boolean (c, "required") != 0;
      n->vm_network = boolean (c, "vm_network") != 0;
    }
}

gboolean
herd_import_csv (const char *path, HerdEstate *e, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_READ, "%s",
                   local->message);
      return FALSE;
    }
  return herd_import_csv_data (contents, path, e, error);
}

gboolean
herd_import_csv_data (const char *contents, const char *path, HerdEstate *e,
                      GError **error)
{
  const char *bad;
  /* A spreadsheet's UTF-8 export starts with a byte order mark. */
  if (g_str_has_prefix (contents, "\xef\xbb\xbf"))
    contents += 3;
  if (!g_utf8_validate (contents, -1, &bad))
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                   "%s: expected UTF-8 text, got invalid bytes", path);
      return FALSE;
    }
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  guint bad_line;
  if (!herd_csv_parse (contents, records, lines, &bad_line))
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                   "%s:%u: a quoted field is not closed", path, bad_line);
      return FALSE;
    }
  if (records->len == 0)
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                   "%s: empty: expected a header line of columns (kind, "
                   "name, ...; docs/import.md)", path);
      return FALSE;
    }
  Csv c = { path, e, g_ptr_array_index (records, 0), NULL, 1, error, FALSE };
  gboolean has_kind = FALSE, has_name = FALSE;
  for (guint i = 0; i < c.header->len; i++)
    {
      char *name = g_strstrip ((char *) g_ptr_array_index (c.header, i));
      has_kind |= strcmp (name, "kind") == 0;
      has_name |= strcmp (name, "name") == 0;
      if (!g_strv_contains (columns, name))
        herd_estate_note (e, "%s: column \"%s\": not a column herd reads "
                          "(docs/import.md): ignored", path, name);
    }
  if (!has_kind || !has_name)
    {
      /* A spreadsheet set to another locale separates with ';'. */
      gboolean semicolons = c.header->len == 1
                            && strchr (g_ptr_array_index (c.header, 0), ';')
                                   != NULL;
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                   "%s:1: expected a header line with the columns kind and "
                   "name (and others of docs/import.md)%s",
                   path,
                   semicolons ? "; its fields are separated by ';': herd "
                                "reads ',' (RFC 4180)"
                              : "");
      return FALSE;
    }
  for (guint r = 1; r < records->len && !c.failed; r++)
    {
      c.record = g_ptr_array_index (records, r);
      c.line = g_array_index (lines, guint, r);
      if (c.record->len > c.header->len)
        {
          g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                       "%s:%u: %u fields, but the header has %u columns",
                       path, c.line, c.record->len, c.header->len);
          return FALSE;
        }
      read_line (&c);
    }
  if (c.failed)
    return FALSE;
  complete (e);
  return TRUE;
}
