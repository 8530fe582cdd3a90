/* scenario-affinity.c: the scenario loader's [affinity NAME] groups and
 * the labels they select by (see scenario.c).
 *
 * Phase 3 reads a group's rules (VM to VM and VM to host, each with its
 * enforcing key) and priority, then resolves its members: the VMs and
 * hosts it lists plus those of its cluster whose [vms] or [hosts] group
 * carries one of its labels, enough of each for its rules.  Phase 4 adds
 * the groups to the model after every VM. */

#include "conf/scenario-private.h"
#include "core/units.h"

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

/* A rule key (vm_rule, host_rule) and its enforcing key; enforcing is
 * only for a rule other than none. */
static gboolean
herd_sl_read_rule (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                   const char *enforcing_key, HerdAffinityRule *rule,
                   gboolean *enforcing)
{
  const char *names[HERD_AFFINITY_LAST];
  for (int r = 0; r < HERD_AFFINITY_LAST; r++)
    names[r] = herd_affinity_rule_name ((HerdAffinityRule) r);
  int v;
  gboolean ok = herd_sl_read_choice (l, g, key, names, HERD_AFFINITY_LAST,
                                     HERD_AFFINITY_NONE, &v);
  *rule = (HerdAffinityRule) v;
  if (!herd_sl_read_boolean (l, g, enforcing_key, FALSE, enforcing))
    return FALSE;
  g_autofree char *value = herd_sl_value (l, g, enforcing_key);
  if (ok && *rule == HERD_AFFINITY_NONE && value != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no %s with %s = none (it says whether that rule is hard)",
          enforcing_key, key);
      herd_sl_fail_expected (l, g, enforcing_key, expected, value);
      return FALSE;
    }
  return ok;
}

/* An affinity group's priority: a positive number, 1 by default. */
static void
herd_sl_read_priority (HerdSlLoader *l, HerdSlGroup *g)
{
  g_autofree char *value = herd_sl_value (l, g, "priority");
  g_autoptr (GError) local = NULL;
  g->affinity_priority = 1.0;
  if (value == NULL)
    return;
  if (!herd_units_parse_number (value, 0, HERD_SL_MAX_AFFINITY_PRIORITY,
                                &g->affinity_priority, &local))
    herd_sl_fail_units (l, g, "priority", local);
  else if (g->affinity_priority <= 0)
    herd_sl_fail_expected (l, g, "priority",
                           "a number more than 0 such as 1 or 2.5", value);
}

/* [affinity]: the rules here; the members resolve in
 * herd_sl_check_affinity. */
void
herd_sl_parse_affinity (HerdSlLoader *l, HerdSlGroup *g)
{
  gboolean vm_ok = herd_sl_read_rule (l, g, "vm_rule", "vm_enforcing",
                                      &g->vm_rule, &g->vm_enforcing);
  gboolean host_ok = herd_sl_read_rule (l, g, "host_rule",
                                        "host_enforcing", &g->host_rule,
                                        &g->host_enforcing);
  herd_sl_read_priority (l, g);
  herd_sl_read_names (l, g, "vms", HERD_SL_VM_REFS, &g->vm_names);
  herd_sl_read_names (l, g, "vm_labels", HERD_SL_LABELS, &g->vm_labels);
  gboolean hosts_ok = herd_sl_read_names (l, g, "hosts", HERD_SL_HOST_REFS,
                                          &g->host_names)
                      && herd_sl_read_names (l, g, "host_labels",
                                             HERD_SL_LABELS, &g->host_labels);
  if (!vm_ok || !host_ok)
    return;
  if (g->vm_rule == HERD_AFFINITY_NONE && g->host_rule == HERD_AFFINITY_NONE)
    {
      herd_sl_fail_group (l, g,
                          "expected vm_rule or host_rule (or both) to be "
                          "positive or negative, got none for both (a group "
                          "without a rule has no effect)");
      return;
    }
  if (!hosts_ok)
    return;
  const char *host_rule = herd_affinity_rule_name (g->host_rule);
  if (g->host_rule == HERD_AFFINITY_NONE)
    {
      const char *key = g->host_names != NULL    ? "hosts"
                        : g->host_labels != NULL ? "host_labels"
                                                 : NULL;
      if (key == NULL)
        return;
      g_autofree char *value = herd_sl_value (l, g, key);
      g_autofree char *expected = g_strdup_printf (
          "no %s with host_rule = none (hosts are only for a VM-to-host rule)",
          key);
      herd_sl_fail_expected (l, g, key, expected, value);
    }
  else if (g->host_names == NULL && g->host_labels == NULL)
    herd_sl_fail_group (l, g,
                        "missing key \"hosts\" or \"host_labels\" "
                        "(required with host_rule = %s)", host_rule);
}

/* ------------------------------------------------------------------ */
/* Phase 3: references and checks                                      */

#define HERD_SL_SAME_CLUSTER_AFFINITY                                       \
  "an affinity group is within one cluster"

/* "a, b" of the labels the groups of kind carry, each once, at most
 * HERD_SL_MAX_LISTED, or "none". */
static char *
herd_sl_list_labels (HerdSlLoader *l, HerdSlKind kind)
{
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  GPtrArray *all = l->by_kind[kind];
  for (guint i = 0; i < all->len; i++)
    {
      HerdSlGroup *o = g_ptr_array_index (all, i);
      for (guint k = 0; o->labels != NULL && o->labels[k] != NULL; k++)
        if (!g_ptr_array_find_with_equal_func (seen, o->labels[k],
                                               g_str_equal, NULL))
          g_ptr_array_add (seen, o->labels[k]);
    }
  if (seen->len == 0)
    return g_strdup ("none");
  gboolean more = seen->len > HERD_SL_MAX_LISTED;
  g_ptr_array_set_size (seen, MIN (seen->len, HERD_SL_MAX_LISTED));
  g_ptr_array_add (seen, NULL);
  g_autofree char *names = g_strjoinv (", ", (char **) seen->pdata);
  return g_strconcat (names, more ? ", ..." : "", NULL);
}

/* The hosts or VMs (kind) of affinity group g: those names (names_key)
 * lists, plus those of its cluster whose [hosts] or [vms] group carries
 * one of labels (labels_key; every label must be carried by some group,
 * of any cluster); ascending, without repeats.  NULL after reporting a
 * bad name or label, or when a group it needs has failed. */
static GArray *
herd_sl_affinity_members (HerdSlLoader *l, HerdSlGroup *g, HerdSlKind kind,
                          const char *names_key, char **names,
                          const char *labels_key, char **labels)
{
  g_autoptr (GArray) ids
      = names != NULL
            ? herd_sl_resolve_members (l, g, names_key, names, kind, g->ref,
                                       HERD_SL_SAME_CLUSTER_AFFINITY)
            : g_array_new (FALSE, FALSE, sizeof (HerdId));
  if (ids == NULL || labels == NULL)
    return g_steal_pointer (&ids);
  GPtrArray *all = l->by_kind[kind];
  for (guint k = 0; labels[k] != NULL; k++)
    {
      gboolean carried = FALSE;
      for (guint i = 0; i < all->len; i++)
        {
          HerdSlGroup *o = g_ptr_array_index (all, i);
          if (o->labels == NULL
              || !herd_sl_in_list ((const char *const *) o->labels,
                                   labels[k]))
            continue;
          carried = TRUE;
          if (!o->ok)
            return NULL; /* its own error is reported */
          if (o->ref == g->ref)
            herd_sl_append_members (l, o, ids);
        }
      if (carried)
        continue;
      g_autofree char *known = herd_sl_list_labels (l, kind);
      g_autofree char *expected = g_strdup_printf (
          "labels that [%s NAME] groups carry (%s)", herd_sl_kinds[kind].name,
          known);
      g_autofree char *value = herd_sl_value (l, g, labels_key);
      g_autofree char *quoted = g_strescape (labels[k], NULL);
      g_autofree char *qvalue = g_strescape (value, NULL);
      herd_sl_fail_key (l, g, labels_key,
                        "expected %s, got \"%s\" (no group carries \"%s\")",
                        expected, qvalue, quoted);
      return NULL;
    }
  herd_sl_sort_unique (ids);
  return g_steal_pointer (&ids);
}

/* An affinity group's VMs (at least two for a VM-to-VM rule, else at
 * least one) and hosts (at least one for a VM-to-host rule), all of its
 * cluster: those listed and those carrying its labels.  A short count is
 * reported on vms (hosts) when given, else on vm_labels (host_labels). */
void
herd_sl_check_affinity (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  g->vm_ids = herd_sl_affinity_members (l, g, HERD_SL_VMS, "vms",
                                        g->vm_names, "vm_labels",
                                        g->vm_labels);
  const char *vm_key = g->vm_names != NULL ? "vms" : "vm_labels";
  const char *by_labels = g->vm_names != NULL ? "" : " with these labels";
  g_autofree char *vms = herd_sl_value (l, g, vm_key);
  g_autofree char *quoted = g_strescape (vms, NULL);
  if (g->vm_ids != NULL && g->vm_rule != HERD_AFFINITY_NONE
      && g->vm_ids->len < 2)
    herd_sl_fail_key (l, g, vm_key,
                      "expected at least 2 VMs%s for vm_rule = %s, got "
                      "\"%s\" (%u VM%s)",
                      by_labels, herd_affinity_rule_name (g->vm_rule), quoted,
                      g->vm_ids->len, g->vm_ids->len == 1 ? "" : "s");
  else if (g->vm_ids != NULL && g->vm_ids->len == 0)
    {
      g_autofree char *expected
          = g->vm_names != NULL
                ? g_strdup ("at least one VM or [vms NAME] group")
                : g_strdup_printf ("at least one VM of cluster %s with these "
                                   "labels", cluster->name);
      herd_sl_fail_expected (l, g, vm_key, expected, vms);
    }
  if (g->host_names == NULL && g->host_labels == NULL)
    return;
  g->host_ids = herd_sl_affinity_members (l, g, HERD_SL_HOSTS, "hosts",
                                          g->host_names, "host_labels",
                                          g->host_labels);
  if (g->host_ids != NULL && g->host_ids->len == 0)
    {
      const char *key = g->host_names != NULL ? "hosts" : "host_labels";
      g_autofree char *value = herd_sl_value (l, g, key);
      g_autofree char *which
          = g->host_names != NULL
                ? g_strdup ("at least one host or [hosts NAME] group")
                : g_strdup_printf ("labels of at least one host of cluster "
                                   "%s", cluster->name);
      g_autofree char *expected = g_strdup_printf (
          "%s for host_rule = %s", which,
          herd_affinity_rule_name (g->host_rule));
      herd_sl_fail_expected (l, g, key, expected, value);
    }
}

/* ------------------------------------------------------------------ */
/* Phase 4: build                                                      */

/* Phase 4: the affinity groups in file order, once every VM is in the
 * model (adding a group records it in its VMs). */
void
herd_sl_build_affinity (HerdSlLoader *l)
{
  HerdModel *model = l->scenario->model;

  GPtrArray *affinity = l->by_kind[HERD_SL_AFFINITY];
  for (guint i = 0; i < affinity->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (affinity, i);
      GArray *hosts_of = g->host_ids;
      HerdAffinityGroup *group = herd_model_add_affinity_group (
          model, g->name, g->ref, (HerdId *) g->vm_ids->data,
          g->vm_ids->len, hosts_of != NULL ? (HerdId *) hosts_of->data : NULL,
          hosts_of != NULL ? hosts_of->len : 0);
      group->vm_rule = g->vm_rule;
      group->vm_enforcing = g->vm_enforcing;
      group->host_rule = g->host_rule;
      group->host_enforcing = g->host_enforcing;
      group->priority = g->affinity_priority;
    }
}
