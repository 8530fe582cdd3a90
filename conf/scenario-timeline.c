/* scenario-timeline.c: what a scenario makes happen during the run: the
 * [action NAME], [fault NAME], [faults random] and [growth NAME] groups
 * (see scenario.c).
 *
 * Phase 3 reads an action's or a fault's kind and the keys each kind
 * takes, the random faults' kind, distributions and hosts, and a growth's
 * shape; then checks what they name: times within the duration, action
 * targets (a VM, a host, a block or file storage domain), a migration's
 * destination in its VM's cluster, fault targets, a nic_down's network
 * attached to its host, a storage_down's host in its domain's datacenter,
 * a growth's data domain.  Phase 4 keeps the growth, the actions and the
 * faults sorted by time (equal times in file order) and the random faults.
 * The kinds' names (herd_action_kind_name, herd_fault_kind_name) are
 * here. */

#include <string.h>

#include "conf/scenario-private.h"

/* Action kinds: the supported ones in HerdActionKind order, then the
 * design's other kinds, recognised but not supported yet. */
static const char *const herd_sl_action_names[HERD_ACTION_KIND_LAST] = {
  [HERD_ACTION_START] = "start",
  [HERD_ACTION_STOP] = "stop",
  [HERD_ACTION_MIGRATE] = "migrate",
  [HERD_ACTION_MAINTENANCE] = "maintenance",
  [HERD_ACTION_ACTIVATE] = "activate",
  [HERD_ACTION_ADD_LUN] = "add_lun",
  [HERD_ACTION_GROW_STORAGE] = "grow_storage",
  [HERD_ACTION_SNAPSHOT] = "snapshot",
  [HERD_ACTION_PREVIEW_SNAPSHOT] = "preview_snapshot",
  [HERD_ACTION_COMMIT_SNAPSHOT] = "commit_snapshot",
  [HERD_ACTION_UNDO_SNAPSHOT] = "undo_snapshot",
  [HERD_ACTION_DELETE_SNAPSHOT] = "delete_snapshot",
};
static const char *const herd_sl_future_actions[] = { NULL };

/* Fault kinds, in HerdFaultKind order: all are supported. */
const char *const herd_sl_fault_names[HERD_FAULT_KIND_LAST] = {
  [HERD_FAULT_HOST_CRASH] = "host_crash",
  [HERD_FAULT_AGENT_HANG] = "agent_hang",
  [HERD_FAULT_PARTITION] = "partition",
  [HERD_FAULT_NIC_DOWN] = "nic_down",
  [HERD_FAULT_STORAGE_DOWN] = "storage_down",
  [HERD_FAULT_FENCE_FAIL] = "fence_fail",
  [HERD_FAULT_MANAGER_RESTART] = "manager_restart",
};
static const char *const herd_sl_future_faults[] = { NULL };
/* The kinds [faults random] may draw: those that strike one host and
 * heal (a repair), in HerdFaultKind order. */
static const HerdFaultKind herd_sl_random_kinds[] = {
  HERD_FAULT_HOST_CRASH, HERD_FAULT_AGENT_HANG, HERD_FAULT_PARTITION,
};

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

/* [growth NAME]: VMs of one shape added every period, or a storage
 * domain's use growing by an amount every period (herd plan). */
void
herd_sl_parse_growth (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_integer (l, g, "vms", 0, HERD_SL_MAX_VMS_PER_GROUP, 0,
                        &g->growth_vms);
  herd_sl_read_duration (l, g, "every", HERD_DAY (1), TRUE, &g->every);
  herd_sl_read_integer (l, g, "vcpus", 1, HERD_SL_MAX_CORES, 1, &g->vcpus);
  herd_sl_read_size (l, g, "memory", 0, FALSE, &g->memory_mib);
  herd_sl_read_size (l, g, "disk", 0, FALSE, &g->growth_disk_mib);
  herd_sl_read_size (l, g, "grows", 0, FALSE, &g->grows_mib);
  g->storage_name = herd_sl_value (l, g, "storage");
  gboolean vms = g->growth_vms > 0;
  gboolean storage = g->storage_name != NULL || g->grows_mib > 0;
  if (vms == storage)
    herd_sl_fail_group (l, g, "expected either vms = N (with memory, and "
                              "optionally cluster, vcpus and disk) or "
                              "storage = DOMAIN with grows = SIZE");
  else if (vms && g->memory_mib <= 0)
    herd_sl_fail_group (l, g, "missing key \"memory\" (the new VMs' "
                              "memory, such as 4G)");
  else if (storage && (g->storage_name == NULL || g->grows_mib <= 0))
    herd_sl_fail_group (l, g, "storage growth needs both storage = DOMAIN "
                              "and grows = SIZE (more than 0)");
}

/* The kind key of an [action] or [fault]: one of the n supported names
 * (*out is its index), or a future one (rejected as not supported yet), or
 * anything else.  kind is a required key, so it is present. */
static gboolean
herd_sl_read_kind (HerdSlLoader *l, HerdSlGroup *g, const char *const *names,
                   gsize n, const char *const *future, int *out)
{
  g_autofree char *kind = herd_sl_value (l, g, "kind");
  *out = 0;
  for (gsize k = 0; k < n; k++)
    if (strcmp (kind, names[k]) == 0)
      {
        *out = (int) k;
        return TRUE;
      }
  if (herd_sl_in_list (future, kind))
    {
      GString *list = g_string_new (NULL);
      for (gsize k = 0; k < n; k++)
        g_string_append_printf (list, "%s%s", k > 0 ? ", " : "", names[k]);
      herd_sl_fail_key (l, g, "kind",
                        "\"%s\" is not supported yet (supported: %s)", kind,
                        list->str);
      g_string_free (list, TRUE);
      return FALSE;
    }
  gsize n_future = g_strv_length ((char **) future);
  g_autofree char *supported = herd_sl_join_or (names, n);
  if (n_future == 0)
    {
      herd_sl_fail_expected (l, g, "kind", supported, kind);
      return FALSE;
    }
  g_autofree char *later = herd_sl_join_or (future, n_future);
  g_autofree char *expected = g_strdup_printf (
      "%s (%s %s not supported yet)", supported, later,
      n_future == 1 ? "is" : "are");
  herd_sl_fail_expected (l, g, "kind", expected, kind);
  return FALSE;
}

void
herd_sl_parse_action (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_duration (l, g, "at", 0, FALSE, &g->at);
  g->target = herd_sl_value (l, g, "target");
  g->host = herd_sl_value (l, g, "host");

  int v;
  gboolean kind_ok = herd_sl_read_kind (l, g, herd_sl_action_names,
                                        HERD_ACTION_KIND_LAST,
                                        herd_sl_future_actions, &v);
  g->action = (HerdActionKind) v;
  if (!kind_ok)
    return;

  g_autofree char *size = herd_sl_value (l, g, "size");
  gboolean grows = g->action == HERD_ACTION_ADD_LUN
                   || g->action == HERD_ACTION_GROW_STORAGE;
  if (grows)
    {
      if (size == NULL)
        herd_sl_fail_key (l, g, "kind",
                          "%s needs size = SIZE (the capacity added, such "
                          "as 1T)",
                          herd_sl_action_names[g->action]);
      else
        herd_sl_read_size (l, g, "size", 0, TRUE, &g->size_mib);
    }
  else if (size != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no size for kind = %s (size is only for add_lun and "
          "grow_storage)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "size", expected, size);
    }
  if (g->host != NULL && g->action != HERD_ACTION_MIGRATE)
    {
      g_autofree char *expected = g_strdup_printf (
          "no host for kind = %s (host is only for migrate)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "host", expected, g->host);
    }

  /* snapshot, preview_snapshot and delete_snapshot name their snapshot;
   * commit and undo act on the one in preview; memory is for snapshot. */
  g->snapshot = herd_sl_value (l, g, "snapshot");
  gboolean named = g->action == HERD_ACTION_SNAPSHOT
                   || g->action == HERD_ACTION_PREVIEW_SNAPSHOT
                   || g->action == HERD_ACTION_DELETE_SNAPSHOT;
  if (named && g->snapshot == NULL)
    herd_sl_fail_key (l, g, "kind",
                      "%s needs snapshot = NAME (the snapshot's name)",
                      herd_sl_action_names[g->action]);
  else if (!named && g->snapshot != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no snapshot for kind = %s (snapshot is only for snapshot, "
          "preview_snapshot and delete_snapshot)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "snapshot", expected, g->snapshot);
    }
  g_autofree char *memory = herd_sl_value (l, g, "memory");
  if (memory != NULL && g->action != HERD_ACTION_SNAPSHOT)
    {
      g_autofree char *expected = g_strdup_printf (
          "no memory for kind = %s (memory is only for snapshot)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "memory", expected, memory);
    }
  else
    herd_sl_read_boolean (l, g, "memory", FALSE, &g->memory);
}

/* A fault's kind and the keys each kind takes: target (every kind but
 * manager_restart), duration (every kind but manager_restart), network
 * (nic_down, required) and host (storage_down, optional).  What they name
 * resolves in herd_sl_check_fault. */
void
herd_sl_parse_fault (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_duration (l, g, "at", 0, FALSE, &g->at);
  herd_sl_read_duration (l, g, "duration", 0, TRUE, &g->duration);
  g->target = herd_sl_value (l, g, "target");
  g->host = herd_sl_value (l, g, "host");
  g->network = herd_sl_value (l, g, "network");

  int v;
  gboolean kind_ok = herd_sl_read_kind (l, g, herd_sl_fault_names,
                                        HERD_FAULT_KIND_LAST,
                                        herd_sl_future_faults, &v);
  g->fault = (HerdFaultKind) v;
  if (!kind_ok)
    return;

  const char *kind = herd_sl_fault_names[g->fault];
  if (g->fault == HERD_FAULT_MANAGER_RESTART)
    {
      g_autofree char *duration = herd_sl_value (l, g, "duration");
      if (g->target != NULL)
        herd_sl_fail_expected (l, g, "target",
                               "no target for kind = manager_restart (it "
                               "restarts the manager, not a host or a "
                               "storage domain)",
                               g->target);
      if (duration != NULL)
        herd_sl_fail_expected (l, g, "duration",
                               "no duration for kind = manager_restart (the "
                               "manager comes back by itself once it has "
                               "restarted)",
                               duration);
    }
  if (g->host != NULL && g->fault != HERD_FAULT_STORAGE_DOWN)
    {
      g_autofree char *expected = g_strdup_printf (
          "no host for kind = %s (host is only for storage_down)", kind);
      herd_sl_fail_expected (l, g, "host", expected, g->host);
    }
  if (g->network != NULL && g->fault != HERD_FAULT_NIC_DOWN)
    {
      g_autofree char *expected = g_strdup_printf (
          "no network for kind = %s (network is only for nic_down)", kind);
      herd_sl_fail_expected (l, g, "network", expected, g->network);
    }
  if (g->network == NULL && g->fault == HERD_FAULT_NIC_DOWN)
    herd_sl_fail_group (l, g,
                        "missing key \"network\" (required for kind = "
                        "nic_down: the network that goes down)");
}

/* A distribution of times (required), which must not always be 0: a time
 * between faults of 0 would strike again at once. */
static void
herd_sl_read_positive_distribution (HerdSlLoader *l, HerdSlGroup *g,
                                    const char *key, HerdDistribution *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = (HerdDistribution) { .kind = HERD_DISTRIBUTION_FIXED };
  if (!herd_distribution_parse (value, out, &local))
    {
      herd_sl_fail_key (l, g, key, "%s", local->message);
      return;
    }
  gboolean zero = (out->kind == HERD_DISTRIBUTION_FIXED && out->a == 0)
                  || (out->kind == HERD_DISTRIBUTION_UNIFORM && out->b == 0);
  if (zero)
    herd_sl_fail_expected (l, g, key,
                           "a distribution of times that are not all 0, such "
                           "as exponential(mean=30d) or 4h",
                           value);
}

/* [faults random]: the kind it draws, its distributions and the names of
 * its hosts, resolved in herd_sl_check_random_faults. */
void
herd_sl_parse_random_faults (HerdSlLoader *l, HerdSlGroup *g)
{
  const gsize n = G_N_ELEMENTS (herd_sl_random_kinds);
  const char *names[G_N_ELEMENTS (herd_sl_random_kinds)];
  for (gsize k = 0; k < n; k++)
    names[k] = herd_sl_fault_names[herd_sl_random_kinds[k]];
  g->fault = HERD_FAULT_HOST_CRASH;
  g_autofree char *kind = herd_sl_value (l, g, "kind");
  if (kind != NULL)
    {
      gsize k = 0;
      while (k < n && strcmp (names[k], kind) != 0)
        k++;
      if (k < n)
        g->fault = herd_sl_random_kinds[k];
      else
        {
          g_autofree char *supported = herd_sl_join_or (names, n);
          gboolean other = FALSE;
          for (int f = 0; f < HERD_FAULT_KIND_LAST; f++)
            other = other || strcmp (herd_sl_fault_names[f], kind) == 0;
          g_autofree char *expected
              = other ? g_strdup_printf ("%s (random faults strike hosts and "
                                         "are repaired; schedule %s with a "
                                         "[fault NAME] group)",
                                         supported, kind)
                      : g_strdup (supported);
          herd_sl_fail_expected (l, g, "kind", expected, kind);
        }
    }
  herd_sl_read_positive_distribution (l, g, "mtbf", &g->mtbf);
  herd_sl_read_positive_distribution (l, g, "mttr", &g->mttr);
  herd_sl_read_names (l, g, "hosts", HERD_SL_HOST_REFS, &g->host_names);
}

/* ------------------------------------------------------------------ */
/* Phase 3: references and checks                                      */

/* at must not be after the end of the run (duration as written in
 * duration_text). */
static void
herd_sl_check_at (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                  const char *duration_text)
{
  if (g->at <= duration)
    return;
  g_autofree char *value = herd_sl_value (l, g, "at");
  g_autofree char *expected = g_strdup_printf (
      "a time within the scenario's duration (%s)", duration_text);
  herd_sl_fail_expected (l, g, "at", expected, value);
}

/* An add_lun's target is a block storage domain (iscsi or fcp), a
 * grow_storage's a file one: file domains grow on their server, block
 * ones by LUNs. */
static void
herd_sl_check_grow (HerdSlLoader *l, HerdSlGroup *g)
{
  gboolean want_block = g->action == HERD_ACTION_ADD_LUN;
  g_autofree char *label = g_strdup_printf ("storage %s", g->target);
  HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
  if (sd != NULL
      && (!sd->ok
          || herd_storage_type_is_block (sd->storage_type) == want_block))
    return;
  g_autoptr (GString) names = g_string_new (NULL);
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *s = g_ptr_array_index (storage, i);
      if (herd_storage_type_is_block (s->storage_type) == want_block)
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                                s->name);
    }
  g_autofree char *quoted = g_strescape (g->target, NULL);
  herd_sl_fail_key (l, g, "target",
                    "expected the name of a %s storage domain (%s), got "
                    "\"%s\"%s%s%s",
                    want_block ? "block (iscsi or fcp)"
                               : "file (nfs, posix or glusterfs)",
                    names->len > 0 ? names->str : "none defined", quoted,
                    sd != NULL ? " (an " : "",
                    sd != NULL ? herd_storage_type_name (sd->storage_type) : "",
                    sd == NULL  ? ""
                    : want_block ? " domain grows on its server, not by LUNs: "
                                   "use grow_storage)"
                                 : " domain grows by LUNs: use add_lun)");
}

/* start, stop and migrate act on a VM, maintenance and activate on a host;
 * a migration's destination must be a host of its VM's cluster. */
void
herd_sl_check_action (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                      const char *duration_text)
{
  herd_sl_check_at (l, g, duration, duration_text);
  if (g->action == HERD_ACTION_ADD_LUN
      || g->action == HERD_ACTION_GROW_STORAGE)
    {
      herd_sl_check_grow (l, g);
      return;
    }
  if (g->action == HERD_ACTION_MAINTENANCE
      || g->action == HERD_ACTION_ACTIVATE)
    {
      herd_sl_check_member (l, g, "target", g->target, HERD_SL_HOSTS);
      return;
    }
  HerdSlGroup *vms = herd_sl_check_member (l, g, "target", g->target,
                                           HERD_SL_VMS);
  if (vms == NULL || g->host == NULL)
    return;
  HerdSlGroup *hosts = herd_sl_check_member (l, g, "host", g->host,
                                             HERD_SL_HOSTS);
  if (hosts == NULL || hosts->ref == vms->ref)
    return;
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, vms->ref);
  HerdSlGroup *other = herd_sl_group_of (l, HERD_SL_CLUSTER, hosts->ref);
  g_autofree char *names = herd_sl_list_members (l, HERD_SL_HOSTS, vms->ref);
  g_autofree char *quoted = g_strescape (g->host, NULL);
  herd_sl_fail_key (l, g, "host",
                    "expected a host of cluster %s, where %s runs (%s), got "
                    "\"%s\" of cluster %s (a VM migrates only within its "
                    "cluster)",
                    cluster->name, g->target, names, quoted, other->name);
}

/* A nic_down's network must be attached to its host (hosts, the group of
 * its target): a network of the host's datacenter that the group's
 * networks key lists (every one when the key is absent). */
static void
herd_sl_check_nic_down (HerdSlLoader *l, HerdSlGroup *g, HerdSlGroup *hosts)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, hosts->ref);
  if (!cluster->ok)
    return;
  HerdId dc = cluster->ref;
  g_autofree char *label = g_strdup_printf ("network %s", g->network);
  HerdSlGroup *net = g_hash_table_lookup (l->by_label, label);
  if (net != NULL && !net->ok)
    return;
  gboolean listed = hosts->network_names == NULL
                    || herd_sl_in_list ((const char *const *)
                                            hosts->network_names,
                                        g->network);
  if (net != NULL && net->ref == dc && listed)
    return;

  g_autofree char *known = NULL;
  if (hosts->network_names == NULL)
    known = herd_sl_list_networks (l, dc, FALSE);
  else if (hosts->network_names[0] == NULL)
    known = g_strdup ("none");
  else
    known = g_strjoinv (", ", hosts->network_names);
  g_autofree char *quoted = g_strescape (g->network, NULL);
  g_autofree char *detail
      = net == NULL ? g_strdup (" (no [network NAME] group has that name)")
        : net->ref != dc
            ? g_strdup_printf (" of datacenter %s (%s is in datacenter %s)",
                               herd_sl_group_of (l, HERD_SL_DATACENTER,
                                                 net->ref)->name,
                               g->target,
                               herd_sl_group_of (l, HERD_SL_DATACENTER, dc)
                                   ->name)
            : g_strdup_printf (" (the networks key of [%s], line %u, does "
                               "not list it)",
                               hosts->label,
                               herd_sl_key_line (hosts, "networks"));
  herd_sl_fail_key (l, g, "network",
                    "expected a network attached to %s (%s), got \"%s\"%s",
                    g->target, known, quoted, detail);
}

/* A storage_down's target is a storage domain, and its host (if any) a
 * host of the domain's datacenter. */
static void
herd_sl_check_storage_down (HerdSlLoader *l, HerdSlGroup *g)
{
  g_autofree char *label = g_strdup_printf ("storage %s", g->target);
  HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
  if (sd != NULL && !sd->ok)
    return;
  if (sd == NULL)
    {
      g_autofree char *names = herd_sl_list_names (l, HERD_SL_STORAGE);
      g_autofree char *expected = g_strdup_printf (
          "the name of a storage domain defined by a [storage NAME] group "
          "(%s)",
          names);
      herd_sl_fail_expected (l, g, "target", expected, g->target);
      return;
    }
  if (g->host == NULL)
    return;
  HerdSlGroup *hosts = herd_sl_check_member (l, g, "host", g->host,
                                             HERD_SL_HOSTS);
  if (hosts == NULL)
    return;
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, hosts->ref);
  if (!cluster->ok || cluster->ref == sd->ref)
    return;
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, sd->ref);
  HerdSlGroup *other = herd_sl_group_of (l, HERD_SL_DATACENTER, cluster->ref);
  g_autofree char *names = herd_sl_list_members_in (l, HERD_SL_HOSTS,
                                                    HERD_ID_NONE, sd->ref);
  g_autofree char *quoted = g_strescape (g->host, NULL);
  herd_sl_fail_key (l, g, "host",
                    "expected a host of datacenter %s, where %s is (%s), got "
                    "\"%s\" of datacenter %s (a host reaches only the "
                    "storage of its datacenter)",
                    dc->name, g->target, names, quoted, other->name);
}

/* What a fault's target, network and host name must exist (and fit
 * together); manager_restart names nothing. */
void
herd_sl_check_fault (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                     const char *duration_text)
{
  herd_sl_check_at (l, g, duration, duration_text);
  if (g->fault == HERD_FAULT_MANAGER_RESTART)
    return;
  if (g->fault == HERD_FAULT_STORAGE_DOWN)
    {
      herd_sl_check_storage_down (l, g);
      return;
    }
  HerdSlGroup *hosts = herd_sl_check_member (l, g, "target", g->target,
                                             HERD_SL_HOSTS);
  if (hosts != NULL && g->fault == HERD_FAULT_NIC_DOWN)
    herd_sl_check_nic_down (l, g, hosts);
}

/* [faults random] hosts: host references of any cluster, at least one
 * when given; absent, every host (of which there must be one). */
void
herd_sl_check_random_faults (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->host_names == NULL)
    {
      if (l->by_kind[HERD_SL_HOSTS]->len == 0)
        herd_sl_fail_group (l, g,
                            "no hosts for random faults to strike (no "
                            "[hosts NAME] group)");
      return;
    }
  if (g->host_names[0] == NULL)
    {
      g_autofree char *value = herd_sl_value (l, g, "hosts");
      herd_sl_fail_expected (l, g, "hosts",
                             "at least one host or [hosts NAME] group (leave "
                             "hosts out for every host)",
                             value);
      return;
    }
  g->host_ids = herd_sl_resolve_members (l, g, "hosts", g->host_names,
                                         HERD_SL_HOSTS, HERD_ID_NONE, NULL);
}

/* A [growth]'s storage: the data domain it names. */
void
herd_sl_resolve_storage (HerdSlLoader *l, HerdSlGroup *g)
{
  g_autofree char *label = g_strdup_printf ("storage %s", g->storage_name);
  HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
  g->storage_id = HERD_ID_NONE;
  if (sd != NULL && sd->role == HERD_DOMAIN_DATA)
    {
      g->storage_id = sd->index;
      return;
    }
  g_autofree char *names = herd_sl_list_names (l, HERD_SL_STORAGE);
  g_autofree char *expected = g_strdup_printf (
      "the name of a data storage domain (%s)", names);
  herd_sl_fail_expected (l, g, "storage", expected, g->storage_name);
}

/* ------------------------------------------------------------------ */
/* Phase 4: build                                                      */

static gint
herd_action_compare (gconstpointer a, gconstpointer b)
{
  const HerdAction *x = *(HerdAction *const *) a;
  const HerdAction *y = *(HerdAction *const *) b;
  return x->at < y->at ? -1 : x->at > y->at ? 1 : 0;
}

static gint
herd_fault_compare (gconstpointer a, gconstpointer b)
{
  const HerdFault *x = *(HerdFault *const *) a;
  const HerdFault *y = *(HerdFault *const *) b;
  return x->at < y->at ? -1 : x->at > y->at ? 1 : 0;
}

/* Phase 4: the [growth] groups, in file order (herd plan). */
void
herd_sl_build_growth (HerdSlLoader *l)
{
  GPtrArray *growth = l->by_kind[HERD_SL_GROWTH];
  for (guint i = 0; i < growth->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (growth, i);
      HerdGrowth *gr = g_new0 (HerdGrowth, 1);
      gr->name = g_strdup (g->name);
      gr->every = g->every;
      gr->vms = (guint32) g->growth_vms;
      gr->cluster = g->growth_vms > 0 ? g->ref : HERD_ID_NONE;
      gr->vcpus = (guint32) g->vcpus;
      gr->memory_mib = g->memory_mib;
      gr->disk_mib = g->growth_disk_mib;
      gr->domain = g->growth_vms > 0 ? HERD_ID_NONE : g->storage_id;
      gr->grows_mib = g->grows_mib;
      g_ptr_array_add (l->scenario->growth, gr);
    }
}

/* Phase 4: the actions, by time; GLib's sort is stable, so equal times
 * keep file order. */
void
herd_sl_build_actions (HerdSlLoader *l)
{
  HerdScenario *scenario = l->scenario;

  GPtrArray *actions = l->by_kind[HERD_SL_ACTION];
  for (guint i = 0; i < actions->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (actions, i);
      HerdAction *action = g_new0 (HerdAction, 1);
      action->name = g_strdup (g->name);
      action->at = g->at;
      action->kind = g->action;
      action->target = g_strdup (g->target);
      action->host = g_strdup (g->host);
      action->size_mib = g->size_mib;
      action->snapshot = g_strdup (g->snapshot);
      action->memory = g->memory;
      g_ptr_array_add (scenario->actions, action);
    }
  g_ptr_array_sort (scenario->actions, herd_action_compare);
}

/* Phase 4: the faults, by time (equal times in file order, as the
 * actions). */
void
herd_sl_build_faults (HerdSlLoader *l)
{
  HerdScenario *scenario = l->scenario;

  GPtrArray *faults = l->by_kind[HERD_SL_FAULT];
  for (guint i = 0; i < faults->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (faults, i);
      HerdFault *fault = g_new0 (HerdFault, 1);
      fault->name = g_strdup (g->name);
      fault->at = g->at;
      fault->kind = g->fault;
      fault->target = g_strdup (g->target);
      fault->host = g_strdup (g->host);
      fault->network = g_strdup (g->network);
      fault->duration = g->duration;
      g_ptr_array_add (scenario->faults, fault);
    }
  g_ptr_array_sort (scenario->faults, herd_fault_compare);
}

/* Phase 4: the [faults random] groups in file order, each over its hosts
 * (every host when it names none). */
void
herd_sl_build_random_faults (HerdSlLoader *l)
{
  HerdScenario *scenario = l->scenario;
  HerdModel *model = scenario->model;

  GPtrArray *random = l->by_kind[HERD_SL_FAULTS];
  for (guint i = 0; i < random->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (random, i);
      HerdRandomFaults *faults_of = g_new0 (HerdRandomFaults, 1);
      faults_of->kind = g->fault;
      faults_of->mtbf = g->mtbf;
      faults_of->mttr = g->mttr;
      if (g->host_ids != NULL)
        herd_id_list_set (&faults_of->hosts, (HerdId *) g->host_ids->data,
                          g->host_ids->len);
      else
        {
          g_autofree HerdId *all = g_new (HerdId, model->hosts->len);
          for (guint h = 0; h < model->hosts->len; h++)
            all[h] = h;
          herd_id_list_set (&faults_of->hosts, all, model->hosts->len);
        }
      g_ptr_array_add (scenario->random_faults, faults_of);
    }
}

const char *
herd_action_kind_name (HerdActionKind kind)
{
  g_return_val_if_fail (kind < HERD_ACTION_KIND_LAST, "?");
  return herd_sl_action_names[kind];
}

const char *
herd_fault_kind_name (HerdFaultKind kind)
{
  g_return_val_if_fail (kind < HERD_FAULT_KIND_LAST, "?");
  return herd_sl_fault_names[kind];
}
