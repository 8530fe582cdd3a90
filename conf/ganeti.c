/* ganeti.c: htools text files and hspace --simulate specifications read
 * into a herd model (see ganeti.h). */
#include "conf/ganeti.h"

#include <string.h>

#include "conf/scenario.h"
#include "core/units.h"

typedef struct
{
  const char *path;
  guint line;
  GError **error;
  gboolean failed;
} Reader;

static gboolean
fail (Reader *r, const char *what, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Reader *r, const char *what, ...)
{
  if (r->failed)
    return FALSE;
  va_list args;
  va_start (args, what);
  g_autofree char *message = g_strdup_vprintf (what, args);
  va_end (args);
  g_set_error (r->error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
               "%s:%u: %s", r->path, r->line, message);
  r->failed = TRUE;
  return FALSE;
}

/* Field n (from 1) of a line, a whole number in 0..max. */
static gboolean
number (Reader *r, GStrv f, guint n, const char *name, gint64 max,
        gint64 *out)
{
  if (!herd_units_parse_integer (f[n - 1], 0, max, out, NULL))
    return fail (r, "field %u (%s): expected a whole number between 0 and "
                 "%" G_GINT64_FORMAT ", got \"%s\"", n, name, max, f[n - 1]);
  return TRUE;
}

static void
cluster_init (HerdGanetiCluster *out)
{
  memset (out, 0, sizeof *out);
  out->model = herd_model_new ();
  out->instances = g_array_new (FALSE, FALSE, sizeof (HerdGanetiInstance));
  herd_model_add_datacenter (out->model, "ganeti");
}

void
herd_ganeti_clear (HerdGanetiCluster *c)
{
  if (c->model != NULL)
    herd_model_free (c->model);
  g_free (c->disk_mib);
  if (c->instances != NULL)
    g_array_unref (c->instances);
  memset (c, 0, sizeof *c);
}

static HerdId
add_group (HerdGanetiCluster *out, const char *name)
{
  HerdCluster *c = herd_model_add_cluster (out->model, name, 0);
  c->policy = HERD_POLICY_NONE;
  c->memory_overcommit_percent = 100;
  return c->id;
}

static void
add_node (HerdGanetiCluster *out, GArray *disks, const char *name,
          HerdId cluster, gint64 mem_total, gint64 mem_node, gint64 mem_free,
          gint64 disk_free, gint64 cpus, gboolean offline)
{
  HerdHost *h = herd_model_add_host (out->model, name, cluster);
  h->memory_mib = mem_total;
  if (mem_node > 0)
    h->reserved_mib = mem_node;
  h->mem_free_mib = mem_free;
  h->cores = h->threads = (guint32) cpus;
  h->status = offline ? HERD_HOST_MAINTENANCE : HERD_HOST_UP;
  g_array_append_val (disks, disk_free);
}

/* Memory a VM takes on its host as the manager books it. */
static gint64
booked (const HerdModel *model, gint64 mem)
{
  return mem + model->params.vm_memory_overhead_mib;
}

gboolean
herd_ganeti_load (const char *path, HerdGanetiCluster *out, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                   "%s: cannot read the file (%s)", path, local->message);
      return FALSE;
    }
  return herd_ganeti_load_data (text, path, out, error);
}

/* A line of the first section: a node group, name|uuid|alloc_policy|... */
static void
read_group (Reader *r, HerdGanetiCluster *out, GHashTable *groups, GStrv f,
            guint n)
{
  if (n < 3)
    fail (r, "a node group line has name|uuid|alloc_policy|..., got %u "
          "fields", n);
  else if (g_hash_table_contains (groups, f[1]))
    fail (r, "node group uuid %s given twice", f[1]);
  else if (herd_model_find_cluster (out->model, f[0]) != HERD_ID_NONE)
    fail (r, "field 1 (name): node group %s given twice", f[0]);
  else
    g_hash_table_insert (groups, g_strdup (f[1]),
                         GUINT_TO_POINTER (add_group (out, f[0]) + 1));
}

/* A line of the second section: a node, added as a host of its group. */
static void
read_node (Reader *r, HerdGanetiCluster *out, GHashTable *groups,
           GArray *disks, GStrv f, guint n)
{
  gint64 v[6];
  if (n < 9)
    {
      fail (r, "a node line has at least 9 fields "
            "(name|mem_total|mem_node|mem_free|disk_total|"
            "disk_free|cpus|offline|group_uuid), got %u", n);
      return;
    }
  static const char *const names[] = { "mem_total", "mem_node",
                                        "mem_free",  "disk_total",
                                        "disk_free", "cpus" };
  for (guint k = 0; k < 6; k++)
    if (!number (r, f, k + 2, names[k],
                 k == 5 ? HERD_GANETI_MAX_CPUS : HERD_GANETI_MAX_MIB, &v[k]))
      break;
  if (r->failed)
    return;
  gpointer group = g_hash_table_lookup (groups, f[8]);
  if (group == NULL)
    fail (r, "field 9 (group_uuid): no node group has uuid %s", f[8]);
  else if (strcmp (f[7], "Y") != 0 && strcmp (f[7], "N") != 0
           && strcmp (f[7], "M") != 0)
    fail (r, "field 8 (offline): expected Y, N or M, got \"%s\"", f[7]);
  else if (v[5] == 0)
    fail (r, "field 7 (cpus): a node has at least one CPU");
  else if (herd_model_find_host (out->model, f[0]) != HERD_ID_NONE)
    fail (r, "node %s given twice", f[0]);
  else if (out->model->hosts->len >= HERD_GANETI_MAX_NODES)
    fail (r, "more than %d nodes", HERD_GANETI_MAX_NODES);
  else
    add_node (out, disks, f[0], GPOINTER_TO_UINT (group) - 1, v[0], v[1],
              v[2], v[4], v[5], strcmp (f[7], "Y") == 0);
}

/* A line of the third section: an instance, a VM committed on its
 * primary node. */
static void
read_instance (Reader *r, HerdGanetiCluster *out, GArray *disks, GStrv f,
               guint n)
{
  gint64 v[3];
  if (n < 9)
    {
      fail (r, "an instance line has at least 9 fields "
            "(name|mem|disk|vcpus|status|auto_balance|pnode|"
            "snode|disk_template), got %u", n);
      return;
    }
  if (!number (r, f, 2, "mem", HERD_GANETI_MAX_MIB, &v[0])
      || !number (r, f, 3, "disk", HERD_GANETI_MAX_MIB, &v[1])
      || !number (r, f, 4, "vcpus", HERD_GANETI_MAX_VCPUS, &v[2]))
    return;
  HerdId host = herd_model_find_host (out->model, f[6]);
  if (host == HERD_ID_NONE)
    {
      fail (r, "field 7 (pnode): no node is called %s", f[6]);
      return;
    }
  if (herd_model_find_vm (out->model, f[0]) != HERD_ID_NONE)
    {
      fail (r, "instance %s given twice", f[0]);
      return;
    }
  if (out->instances->len >= HERD_GANETI_MAX_INSTANCES)
    {
      fail (r, "more than %d instances", HERD_GANETI_MAX_INSTANCES);
      return;
    }
  HerdHost *h = herd_model_host (out->model, host);
  HerdVm *vm = herd_model_add_vm (out->model, f[0], h->cluster);
  vm->memory_mib = vm->guaranteed_mib = v[0];
  vm->vcpus = (guint32) MAX (v[2], 1);
  HerdGanetiInstance inst = { vm->id, host, v[1] };
  g_array_append_val (out->instances, inst);
  /* The node's free memory and disk already exclude it. */
  h->mem_free_mib += booked (out->model, v[0]);
  g_array_index (disks, gint64, host) += v[1];
}

gboolean
herd_ganeti_load_data (const char *text, const char *path,
                       HerdGanetiCluster *out, GError **error)
{
  cluster_init (out);
  Reader r = { path, 0, error, FALSE };
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash,
                                                         g_str_equal, g_free,
                                                         NULL);
  g_autoptr (GArray) disks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint section = 0;
  for (guint i = 0; lines[i] != NULL && !r.failed; i++)
    {
      r.line = i + 1;
      char *line = lines[i];
      g_strchomp (line);
      if (*line == '\0')
        {
          section++; /* two in a row: an empty section */
          continue;
        }
      g_auto (GStrv) f = g_strsplit (line, "|", -1);
      guint n = g_strv_length (f);
      switch (section)
        {
        case 0: /* node groups */
          read_group (&r, out, groups, f, n);
          break;
        case 1: /* nodes */
          read_node (&r, out, groups, disks, f, n);
          break;
        case 2: /* instances */
          read_instance (&r, out, disks, f, n);
          break;
        case 3: /* cluster tags */
        case 4: /* instance policies */
          /* Read past: herd's limits are the manager's (docs/plan.md). */
          break;
        default:
          fail (&r, "more than five sections (node groups, nodes, "
                "instances, cluster tags, policies, each ended by an "
                "empty line)");
        }
    }
  if (!r.failed && out->model->hosts->len == 0)
    {
      r.line = 0;
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
                   "%s: no node (the second section lists them)", path);
      r.failed = TRUE;
    }
  if (r.failed)
    {
      herd_ganeti_clear (out);
      return FALSE;
    }
  out->disk_mib = (gint64 *) g_array_free (g_steal_pointer (&disks), FALSE);
  return TRUE;
}

gboolean
herd_ganeti_simulate (const char *text, HerdGanetiCluster *out,
                      GError **error)
{
  g_auto (GStrv) f = g_strsplit (text, ",", -1);
  gint64 v[4];
  static const char *const policies[] = { "p", "a", "u", "preferred",
                                          "last_resort", "unallocable" };
  static const char *const names[] = { "NODES", "DISK", "MEM", "CPU" };
  static const gint64 max[] = { HERD_GANETI_MAX_NODES, HERD_GANETI_MAX_MIB,
                                HERD_GANETI_MAX_MIB, HERD_GANETI_MAX_CPUS };
  gboolean policy_ok = FALSE;
  for (guint i = 0; f[0] != NULL && i < G_N_ELEMENTS (policies); i++)
    policy_ok |= strcmp (f[0], policies[i]) == 0;
  gboolean ok = g_strv_length (f) == 5 && policy_ok;
  if (!ok)
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
                   "--simulate: expected POLICY,NODES,DISK,MEM,CPU with "
                   "POLICY p, a or u and the rest whole numbers above 0 "
                   "(sizes in MiB), as hspace takes it, got \"%s\"", text);
      return FALSE;
    }
  for (guint i = 0; i < 4; i++)
    if (!herd_units_parse_integer (f[i + 1], 1, max[i], &v[i], NULL))
      {
        g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
                     "--simulate: field %u (%s): expected a whole number "
                     "between 1 and %" G_GINT64_FORMAT ", got \"%s\"",
                     i + 2, names[i], max[i], f[i + 1]);
        return FALSE;
      }
  cluster_init (out);
  HerdId group = add_group (out, "group-01");
  g_autoptr (GArray) disks = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gint64 i = 1; i <= v[0]; i++)
    {
      g_autofree char *name = g_strdup_printf ("node-01-%03" G_GINT64_FORMAT,
                                               i);
      add_node (out, disks, name, group, v[2], 0, v[2], v[1], v[3], FALSE);
    }
  out->disk_mib = (gint64 *) g_array_free (g_steal_pointer (&disks), FALSE);
  return TRUE;
}
