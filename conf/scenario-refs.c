/* scenario-refs.c: the scenario loader's values with units and its
 * references (see scenario.c for the phases).
 *
 * The readers of phase 3 turn one key's value into a size, duration,
 * rate, integer, boolean, power, percentage, choice or list of names,
 * strictly (core/units.h), leaving the default when the key is absent and
 * reporting a bad value at its line.  The resolvers turn names into what
 * they name: a datacenter or cluster name into its index (herd_sl_resolve),
 * host and VM names (h-3) and [hosts] or [vms] group names into ids,
 * ascending (herd_sl_resolve_members), with messages listing what
 * exists. */

#include <string.h>

#include "conf/scenario-private.h"
#include "core/units.h"

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

void
herd_sl_read_count (HerdSlLoader *l, HerdSlGroup *g, const char *what,
                    gint64 max)
{
  g_autofree char *count = g->single ? herd_sl_value (l, g, "count") : NULL;
  if (count != NULL)
    herd_sl_fail_key (l, g, "count",
                      "expected no count: this group is the one %s %s "
                      "(%s-1 .. %s-N are [%s %s] with count = N)",
                      what, g->name, g->name, g->name,
                      herd_sl_kinds[g->kind].name, g->name);
  herd_sl_read_integer (l, g, "count", 1, max, 1, &g->count);
}

/* The value of key in g (newly allocated), or NULL when it is absent. */
char *
herd_sl_value (HerdSlLoader *l, HerdSlGroup *g, const char *key)
{
  return g_key_file_get_value (l->keys, g->label, key, NULL);
}

/* The readers below leave dflt in *out when the key is absent and report
 * (returning FALSE, with dflt in *out) when its value is bad. */

/* Reports local (a core/units.h error, which says what was expected and
 * what was given) against key. */
gboolean
herd_sl_fail_units (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    GError *local)
{
  herd_sl_fail_key (l, g, key, "%s", local->message);
  return FALSE;
}

gboolean
herd_sl_read_size (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                   gint64 dflt, gboolean positive, gint64 *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  gint64 v;
  if (!herd_units_parse_size_mib (value, &v, &local))
    return herd_sl_fail_units (l, g, key, local);
  if (positive && v <= 0)
    {
      herd_sl_fail_expected (l, g, key,
                             "a size more than 0 such as 16G, 512M or 2T",
                             value);
      return FALSE;
    }
  if (v > HERD_SL_MAX_SIZE_MIB)
    {
      herd_sl_fail_expected (l, g, key,
                             "a size of at most " HERD_SL_MAX_SIZE_TEXT,
                             value);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
herd_sl_read_duration (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       HerdTime dflt, gboolean positive, HerdTime *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  HerdTime v;
  if (!herd_units_parse_duration (value, &v, &local))
    return herd_sl_fail_units (l, g, key, local);
  if (positive && v <= 0)
    {
      herd_sl_fail_expected (l, g, key,
                             "a duration more than 0 such as 90s, 5m or 7d",
                             value);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
herd_sl_read_rate (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                   const char *dflt, gboolean positive, gint64 *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  if (!herd_units_parse_rate (dflt, out, NULL))
    g_assert_not_reached ();
  if (value == NULL)
    return TRUE;
  gint64 v;
  if (!herd_units_parse_rate (value, &v, &local))
    return herd_sl_fail_units (l, g, key, local);
  if (positive && v <= 0)
    {
      herd_sl_fail_expected (l, g, key,
                             "a rate more than 0 such as 52MiB/s or 10Gbit",
                             value);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
herd_sl_read_integer (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      gint64 min, gint64 max, gint64 dflt, gint64 *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_integer (value, min, max, out, &local))
    {
      *out = dflt;
      return herd_sl_fail_units (l, g, key, local);
    }
  return TRUE;
}

gboolean
herd_sl_read_boolean (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      gboolean dflt, gboolean *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_boolean (value, out, &local))
    {
      *out = dflt;
      return herd_sl_fail_units (l, g, key, local);
    }
  return TRUE;
}

gboolean
herd_sl_read_power (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    double dflt, double *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_power (value, out, &local))
    {
      *out = dflt;
      return herd_sl_fail_units (l, g, key, local);
    }
  return TRUE;
}

/* A percentage in 0..100. */
gboolean
herd_sl_read_percent (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      double dflt, double *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_percent (value, 0, 100, out, &local))
    return herd_sl_fail_units (l, g, key, local);
  return TRUE;
}

/* A percentage in 0..100, as a fraction in 0..1. */
gboolean
herd_sl_read_fraction (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       double dflt, double *out)
{
  double percent;
  *out = dflt;
  if (!herd_sl_read_percent (l, g, key, -1, &percent))
    return FALSE;
  if (percent >= 0)
    *out = percent / 100;
  return TRUE;
}

/* One of the n names; *out is its index. */
gboolean
herd_sl_read_choice (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                     const char *const *names, gsize n, int dflt, int *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  *out = dflt;
  if (value == NULL)
    return TRUE;
  for (gsize i = 0; i < n; i++)
    if (strcmp (names[i], value) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  g_autofree char *choices = herd_sl_join_or (names, n);
  g_autofree char *expected = g_strdup_printf ("%s%s", n > 2 ? "one of " : "",
                                               choices);
  herd_sl_fail_expected (l, g, key, expected, value);
  return FALSE;
}

/* key = NAME, NAME, ... into *out, each name stripped: NULL when the key
 * is absent, an empty list when its value is empty.  what says what the
 * names are, for the message. */
gboolean
herd_sl_read_names (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    const char *what, char ***out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  *out = NULL;
  if (value == NULL)
    return TRUE;
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      g_autofree char *why = NULL;
      if (*item == '\0')
        why = g_strdup_printf ("name %u is empty", i + 1);
      else if (!herd_scenario_is_name (item))
        {
          g_autofree char *qitem = g_strescape (item, NULL);
          why = g_strdup_printf ("\"%s\" is not a name", qitem);
        }
      if (why != NULL)
        {
          g_autofree char *quoted = g_strescape (value, NULL);
          herd_sl_fail_key (l, g, key,
                            "expected a comma-separated list of %s, got "
                            "\"%s\" (%s)", what, quoted, why);
          return FALSE;
        }
    }
  *out = g_steal_pointer (&items);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Phase 3: references                                                 */

/* Resolves g's key (a datacenter or cluster name) into g->ref.  The key
 * may be left out when exactly one group of that kind exists. */
void
herd_sl_resolve (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                 HerdSlKind kind)
{
  GPtrArray *targets = l->by_kind[kind];
  const char *kind_name = herd_sl_kinds[kind].name;
  g_autofree char *value = herd_sl_value (l, g, key);
  if (value == NULL)
    {
      if (targets->len == 1)
        {
          g->ref = 0;
          return;
        }
      g_autofree char *names = herd_sl_list_names (l, kind);
      herd_sl_fail_group (l, g,
                          "missing key \"%s\" (required when there is more "
                          "than one %s: %s)",
                          key, kind_name, names);
      return;
    }
  g_autofree char *label = g_strdup_printf ("%s %s", kind_name, value);
  HerdSlGroup *target = g_hash_table_lookup (l->by_label, label);
  if (target == NULL)
    {
      g_autofree char *names = herd_sl_list_names (l, kind);
      g_autofree char *expected = g_strdup_printf (
          "the name of a %s defined by a [%s NAME] group (%s)", kind_name,
          kind_name, names);
      herd_sl_fail_expected (l, g, key, expected, value);
      return;
    }
  g->ref = target->index;
}

HerdSlGroup *
herd_sl_group_of (HerdSlLoader *l, HerdSlKind kind, guint index)
{
  return g_ptr_array_index (l->by_kind[kind], index);
}

/* The [hosts NAME] or [vms NAME] group (kind) of which name is member
 * NAME-I, with I in 1..count, or NULL.  *skip says that the group exists
 * but its own values failed, so that no error should be added. */
static HerdSlGroup *
herd_sl_find_numbered (HerdSlLoader *l, HerdSlKind kind, const char *name,
                       gboolean *skip)
{
  const char *dash = strrchr (name, '-');
  *skip = FALSE;
  if (dash == NULL || dash[1] < '1' || dash[1] > '9')
    return NULL;
  g_autofree char *group = g_strndup (name, dash - name);
  g_autofree char *label = g_strdup_printf ("%s %s", herd_sl_kinds[kind].name,
                                            group);
  HerdSlGroup *g = g_hash_table_lookup (l->by_label, label);
  if (g == NULL)
    return NULL;
  if (!g->ok)
    {
      *skip = TRUE;
      return NULL;
    }
  gint64 number;
  if (!herd_units_parse_integer (dash + 1, 1, g->count, &number, NULL))
    return NULL;
  return g;
}

/* The [host NAME] or [vm NAME] group of the one host or VM name (kind
 * HOSTS or VMS), or NULL; skip as herd_sl_find_numbered's. */
static HerdSlGroup *
herd_sl_find_single (HerdSlLoader *l, HerdSlKind kind, const char *name,
                     gboolean *skip)
{
  *skip = FALSE;
  if (kind != HERD_SL_HOSTS && kind != HERD_SL_VMS)
    return NULL;
  g_autofree char *label = g_strdup_printf (
      "%s %s", kind == HERD_SL_HOSTS ? "host" : "vm", name);
  HerdSlGroup *g = g_hash_table_lookup (l->by_label, label);
  if (g != NULL && !g->ok)
    {
      *skip = TRUE;
      return NULL;
    }
  return g;
}

/* The group of the host or VM name: a [host NAME] or [vm NAME] group, or
 * the [hosts]/[vms] group whose member it is. */
static HerdSlGroup *
herd_sl_find_member (HerdSlLoader *l, HerdSlKind kind, const char *name,
                     gboolean *skip)
{
  HerdSlGroup *g = herd_sl_find_single (l, kind, name, skip);
  return g != NULL || *skip ? g : herd_sl_find_numbered (l, kind, name, skip);
}

void
herd_sl_check_single_names (HerdSlLoader *l, HerdSlGroup *g)
{
  gboolean skip;
  HerdSlGroup *other = herd_sl_find_numbered (l, g->kind, g->name, &skip);
  if (other == NULL)
    return;
  herd_sl_fail_group (l, g,
                      "%s is also a %s of [%s] (line %u): rename one of the "
                      "groups",
                      g->name, g->kind == HERD_SL_HOSTS ? "host" : "VM",
                      other->label, other->line);
}

/* What exists, for messages: "web-1 .. web-12, db-1 .. db-8" for the
 * groups of kind (hosts or VMs) in cluster and in datacenter dc (either
 * any when HERD_ID_NONE), at most HERD_SL_MAX_LISTED groups, or "none is
 * defined". */
char *
herd_sl_list_members_in (HerdSlLoader *l, HerdSlKind kind, HerdId cluster,
                         HerdId dc)
{
  GPtrArray *all = l->by_kind[kind];
  GString *names = g_string_new (NULL);
  guint n = 0;
  for (guint i = 0; i < all->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (all, i);
      if (cluster != HERD_ID_NONE && g->ref != cluster)
        continue;
      if (dc != HERD_ID_NONE
          && (g->ref == HERD_ID_NONE
              || herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref)->ref != dc))
        continue;
      if (n == HERD_SL_MAX_LISTED)
        {
          g_string_append (names, ", ...");
          break;
        }
      if (g->single)
        g_string_append_printf (names, "%s%s", n > 0 ? ", " : "", g->name);
      else
        g_string_append_printf (names, "%s%s-1", n > 0 ? ", " : "",
                                g->name);
      if (g->count > 1)
        g_string_append_printf (names, " .. %s-%" G_GINT64_FORMAT, g->name,
                                g->count);
      n++;
    }
  if (n == 0)
    g_string_append (names, "none is defined");
  return g_string_free (names, FALSE);
}

char *
herd_sl_list_members (HerdSlLoader *l, HerdSlKind kind, HerdId cluster)
{
  return herd_sl_list_members_in (l, kind, cluster, HERD_ID_NONE);
}

/* The member of kind named by key of g, or NULL after reporting it
 * (or when its group's own error is reported). */
HerdSlGroup *
herd_sl_check_member (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      const char *name, HerdSlKind kind)
{
  gboolean skip;
  HerdSlGroup *member = herd_sl_find_member (l, kind, name, &skip);
  if (member != NULL || skip)
    return member;
  const char *what = kind == HERD_SL_HOSTS ? "host" : "VM";
  g_autofree char *names = herd_sl_list_members (l, kind, HERD_ID_NONE);
  g_autofree char *expected = g_strdup_printf (
      "the name of a %s of a [%s NAME] group (%s)", what,
      herd_sl_kinds[kind].name, names);
  herd_sl_fail_expected (l, g, key, expected, name);
  return NULL;
}

/* Id of the first host or VM of g, a [hosts] or [vms] group: groups get
 * consecutive ids in file order, as herd_sl_build makes them. */
static HerdId
herd_sl_first_id (HerdSlLoader *l, HerdSlGroup *g)
{
  GPtrArray *all = l->by_kind[g->kind];
  HerdId first = 0;
  for (guint i = 0; i < g->index; i++)
    first += (HerdId) ((HerdSlGroup *) g_ptr_array_index (all, i))->count;
  return first;
}

static gint
herd_sl_compare_ids (gconstpointer a, gconstpointer b)
{
  HerdId x = *(const HerdId *) a, y = *(const HerdId *) b;
  return (x > y) - (x < y);
}

/* Sorts ids (HerdId) ascending and drops repeats. */
void
herd_sl_sort_unique (GArray *ids)
{
  g_array_sort (ids, herd_sl_compare_ids);
  guint n = 0;
  HerdId *id = (HerdId *) ids->data;
  for (guint i = 0; i < ids->len; i++)
    if (n == 0 || id[n - 1] != id[i])
      id[n++] = id[i];
  g_array_set_size (ids, n);
}

/* Appends the ids of the hosts or VMs of g, a [hosts] or [vms] group. */
void
herd_sl_append_members (HerdSlLoader *l, HerdSlGroup *g, GArray *ids)
{
  HerdId first = herd_sl_first_id (l, g);
  for (gint64 m = 0; m < g->count; m++)
    {
      HerdId id = first + (HerdId) m;
      g_array_append_val (ids, id);
    }
}

/* Reports name in g's key: no host or VM (kind) or group of them (of
 * cluster, unless it is HERD_ID_NONE) when of is NULL, else of (the group
 * it names or is a member of) is in another cluster than cluster, which
 * why explains. */
static void
herd_sl_fail_member (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                     const char *name, HerdSlKind kind, HerdId cluster,
                     HerdSlGroup *of, const char *why)
{
  const char *what = kind == HERD_SL_HOSTS ? "host" : "VM";
  g_autofree char *where
      = cluster == HERD_ID_NONE
            ? g_strdup ("")
            : g_strdup_printf (" of cluster %s",
                               herd_sl_group_of (l, HERD_SL_CLUSTER, cluster)
                                   ->name);
  g_autofree char *names = herd_sl_list_members (l, kind, cluster);
  g_autofree char *quoted = g_strescape (name, NULL);
  g_autofree char *expected = g_strdup_printf (
      "expected a %s or a [%s NAME] group%s (%s), got \"%s\"", what,
      herd_sl_kinds[kind].name, where, names, quoted);
  if (of == NULL)
    {
      herd_sl_fail_key (l, g, key, "%s", expected);
      return;
    }
  HerdSlGroup *other = herd_sl_group_of (l, HERD_SL_CLUSTER, of->ref);
  herd_sl_fail_key (l, g, key, "%s of cluster %s (%s)", expected,
                    other->name, why);
}

/* Resolves names of g's key, each a host or VM (kind) NAME-I or a whole
 * [hosts NAME] or [vms NAME] group, all of which must be in cluster
 * (unless it is HERD_ID_NONE), into their ids, ascending and without
 * duplicates.  why says why they must be in the cluster.  NULL after
 * reporting a bad name, or when a group named has failed (its own error
 * is reported). */
GArray *
herd_sl_resolve_members (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                         char **names, HerdSlKind kind, HerdId cluster,
                         const char *why)
{
  const char *kind_name = herd_sl_kinds[kind].name;
  const char *what = kind == HERD_SL_HOSTS ? "host" : "VM";
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];
      gboolean skip;
      HerdSlGroup *member = herd_sl_find_member (l, kind, name, &skip);
      g_autofree char *label = g_strdup_printf ("%s %s", kind_name, name);
      HerdSlGroup *whole = g_hash_table_lookup (l->by_label, label);
      if ((member != NULL || skip) && whole != NULL)
        {
          g_autofree char *prefix = member != NULL && member->single
                                        ? g_strdup (member->label)
                                        : g_strdup_printf (
                                            "%s %.*s", kind_name,
                                            (int) (strrchr (name, '-')
                                                   - name),
                                            name);
          herd_sl_fail_key (l, g, key,
                            "\"%s\" names both a %s of [%s] and the "
                            "group [%s] (rename one of the groups)",
                            name, what, prefix, label);
          return NULL;
        }
      if (skip || (whole != NULL && !whole->ok))
        return NULL;
      HerdSlGroup *of = member != NULL ? member : whole;
      if (of == NULL || (cluster != HERD_ID_NONE && of->ref != cluster))
        {
          herd_sl_fail_member (l, g, key, name, kind, cluster, of, why);
          return NULL;
        }
      if (member != NULL)
        {
          HerdId id = herd_sl_first_id (l, of);
          if (!member->single)
            id += (HerdId) g_ascii_strtoull (strrchr (name, '-') + 1, NULL,
                                             10)
                  - 1;
          g_array_append_val (ids, id);
        }
      else
        herd_sl_append_members (l, of, ids);
    }
  herd_sl_sort_unique (ids);
  return g_steal_pointer (&ids);
}
