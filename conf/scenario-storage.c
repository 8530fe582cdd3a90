/* scenario-storage.c: the scenario loader's [storage NAME] and
 * [network NAME] groups (see scenario.c).
 *
 * Phase 3 reads a domain's type, role, capacity, thresholds and master key
 * and a network's flags; then checks at most one master per datacenter
 * (herd_sl_masters picks each datacenter's master domain: the one marked,
 * else its first data domain), at most HERD_MAX_NETWORKS_PER_DC networks
 * per datacenter, and that the networks a [hosts] or [vms] group lists are
 * (VM) networks of its datacenter.  Phase 4 adds the domains, with what
 * the templates' images take of them, and the networks to the model. */

#include <string.h>

#include "conf/scenario-private.h"

/* Storage domain roles, in HerdDomainRole order. */
static const char *const herd_sl_role_names[HERD_DOMAIN_ROLE_LAST] = {
  "data", "iso", "export",
};

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

void
herd_sl_parse_storage (HerdSlLoader *l, HerdSlGroup *g)
{
  int v;
  const char *types[HERD_STORAGE_TYPE_LAST];
  for (int t = 0; t < HERD_STORAGE_TYPE_LAST; t++)
    types[t] = herd_storage_type_name ((HerdStorageType) t);
  herd_sl_read_choice (l, g, "type", types, HERD_STORAGE_TYPE_LAST, 0, &v);
  g->storage_type = (HerdStorageType) v;
  gboolean role_ok = herd_sl_read_choice (l, g, "role", herd_sl_role_names,
                                          HERD_DOMAIN_ROLE_LAST,
                                          HERD_DOMAIN_DATA, &v);
  g->role = (HerdDomainRole) v;
  herd_sl_read_size (l, g, "capacity", 0, TRUE, &g->capacity_mib);
  herd_sl_read_fraction (l, g, "warning_low_space", 0.10, &g->warning_free);
  herd_sl_read_fraction (l, g, "critical_space", 0.05, &g->critical_free);
  if (herd_sl_read_boolean (l, g, "master", FALSE, &g->master) && role_ok
      && g->master && g->role != HERD_DOMAIN_DATA)
    {
      g_autofree char *value = herd_sl_value (l, g, "master");
      g_autofree char *expected = g_strdup_printf (
          "false for an %s domain (only a data domain can be master)",
          herd_sl_role_names[g->role]);
      herd_sl_fail_expected (l, g, "master", expected, value);
    }
}

void
herd_sl_parse_network (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_boolean (l, g, "required", TRUE, &g->required);
  herd_sl_read_boolean (l, g, "vm_network", TRUE, &g->vm_network);
}

/* ------------------------------------------------------------------ */
/* Phase 3: references and checks                                      */

/* At most one master = true per datacenter (checked in file order). */
void
herd_sl_check_masters (HerdSlLoader *l)
{
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  guint n_dc = l->by_kind[HERD_SL_DATACENTER]->len;
  g_autofree HerdSlGroup **master = g_new0 (HerdSlGroup *, n_dc);
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      if (!g->ok || !g->master)
        continue;
      if (master[g->ref] == NULL)
        {
          master[g->ref] = g;
          continue;
        }
      HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, g->ref);
      g_autofree char *expected = g_strdup_printf (
          "at most one master domain in datacenter %s (%s at line %u is "
          "master already)",
          dc->name, master[g->ref]->name,
          herd_sl_key_line (master[g->ref], "master"));
      g_autofree char *value = herd_sl_value (l, g, "master");
      herd_sl_fail_expected (l, g, "master", expected, value);
    }
}

/* The master domain of each datacenter (index among storage groups, or
 * HERD_ID_NONE): the one marked master, else the first data domain. */
HerdId *
herd_sl_masters (HerdSlLoader *l)
{
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  guint n_dc = l->by_kind[HERD_SL_DATACENTER]->len;
  HerdId *master = g_new (HerdId, n_dc);
  for (guint d = 0; d < n_dc; d++)
    master[d] = HERD_ID_NONE;
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      if (g->ok && g->master)
        master[g->ref] = g->index;
    }
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      if (g->ok && g->role == HERD_DOMAIN_DATA
          && master[g->ref] == HERD_ID_NONE)
        master[g->ref] = g->index;
    }
  return master;
}

/* "a, b" of the networks of datacenter dc (only VM networks when vm_only),
 * at most HERD_SL_MAX_LISTED, or "none". */
char *
herd_sl_list_networks (HerdSlLoader *l, HerdId dc, gboolean vm_only)
{
  GPtrArray *networks = l->by_kind[HERD_SL_NETWORK];
  GString *out = g_string_new (NULL);
  guint n = 0;
  for (guint i = 0; i < networks->len; i++)
    {
      HerdSlGroup *net = g_ptr_array_index (networks, i);
      if (net->ref != dc || (vm_only && !net->vm_network))
        continue;
      if (n == HERD_SL_MAX_LISTED)
        {
          g_string_append (out, ", ...");
          break;
        }
      g_string_append_printf (out, "%s%s", n > 0 ? ", " : "", net->name);
      n++;
    }
  if (n == 0)
    g_string_append (out, "none");
  return g_string_free (out, FALSE);
}

/* Every datacenter has at most HERD_MAX_NETWORKS_PER_DC networks: each
 * takes one bit of a HerdNetworkSet.  The first one too many is
 * reported. */
void
herd_sl_check_network_count (HerdSlLoader *l)
{
  GPtrArray *networks = l->by_kind[HERD_SL_NETWORK];
  guint n_dc = l->by_kind[HERD_SL_DATACENTER]->len;
  g_autofree guint *n = g_new0 (guint, n_dc);
  for (guint i = 0; i < networks->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (networks, i);
      if (g->ref == HERD_ID_NONE
          || ++n[g->ref] != HERD_MAX_NETWORKS_PER_DC + 1)
        continue;
      HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, g->ref);
      herd_sl_fail_group (l, g,
                          "datacenter %s has more than %d networks (a "
                          "datacenter takes at most %d [network] groups)",
                          dc->name, HERD_MAX_NETWORKS_PER_DC,
                          HERD_MAX_NETWORKS_PER_DC);
    }
}

/* The networks of g, a [hosts] or [vms] group, must be networks of its
 * cluster's datacenter, and a VM's must be VM networks: into
 * g->network_ids.  Absent, they stay NULL (a host: every network of its
 * datacenter; a VM: none). */
void
herd_sl_check_networks (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  if (g->network_names == NULL || !cluster->ok)
    return;
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, cluster->ref);
  gboolean vm = g->kind == HERD_SL_VMS;
  const char *what = vm ? "a VM network" : "a network";
  g->network_ids = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (guint i = 0; g->network_names[i] != NULL; i++)
    {
      const char *name = g->network_names[i];
      g_autofree char *label = g_strdup_printf ("network %s", name);
      HerdSlGroup *net = g_hash_table_lookup (l->by_label, label);
      if (net != NULL && !net->ok)
        return;
      if (net != NULL && net->ref == cluster->ref && (!vm || net->vm_network))
        {
          g_array_append_val (g->network_ids, net->index);
          continue;
        }
      g_autofree char *known = herd_sl_list_networks (l, cluster->ref, vm);
      g_autofree char *quoted = g_strescape (name, NULL);
      g_autofree char *detail
          = net == NULL ? g_strdup ("")
            : net->ref != cluster->ref
                ? g_strdup_printf (" of datacenter %s (cluster %s is in "
                                   "datacenter %s)",
                                   herd_sl_group_of (l, HERD_SL_DATACENTER,
                                                     net->ref)->name,
                                   cluster->name, dc->name)
                : g_strdup_printf (", which is not a VM network (vm_network "
                                   "= false at line %u)",
                                   herd_sl_key_line (net, "vm_network"));
      herd_sl_fail_key (l, g, "networks",
                        "expected %s of datacenter %s (%s), got \"%s\"%s",
                        what, dc->name, known, quoted, detail);
      return;
    }
}

/* ------------------------------------------------------------------ */
/* Phase 4: build                                                      */

/* The set of the networks with model ids ids. */
HerdNetworkSet
herd_sl_network_set (HerdModel *model, GArray *ids)
{
  HerdNetworkSet set = 0;
  for (guint i = 0; i < ids->len; i++)
    set |= G_GUINT64_CONSTANT (1)
           << herd_model_network (model, g_array_index (ids, HerdId, i))->bit;
  return set;
}

/* The set of the networks of datacenter dc (only the required ones when
 * required_only). */
HerdNetworkSet
herd_sl_datacenter_networks (HerdModel *model, HerdId dc,
                             gboolean required_only)
{
  HerdNetworkSet set = 0;
  for (guint i = 0; i < model->networks->len; i++)
    {
      HerdNetwork *net = herd_model_network (model, i);
      if (net->datacenter == dc && (net->required || !required_only))
        set |= G_GUINT64_CONSTANT (1) << net->bit;
    }
  return set;
}

/* Phase 4: the storage domains in file order, what the templates' images
 * take of them, and each datacenter's master domain. */
void
herd_sl_build_storage (HerdSlLoader *l)
{
  HerdModel *model = l->scenario->model;
  GPtrArray *dcs = l->by_kind[HERD_SL_DATACENTER];

  g_autofree HerdId *masters = herd_sl_masters (l);
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      HerdStorageDomain *sd = herd_model_add_domain (model, g->name, g->ref);
      g_ptr_array_add (l->scenario->domain_paths, herd_sl_value (l, g, "path"));
      sd->type = g->storage_type;
      sd->role = g->role;
      sd->capacity_mib = g->capacity_mib;
      sd->warning_free = g->warning_free;
      sd->critical_free = g->critical_free;
      sd->master = masters[g->ref] == sd->id;
      sd->used_mib = herd_storage_type_is_block (sd->type)
                         ? model->params.block_internal_mib
                         : 0;
    }
  GPtrArray *templates = l->by_kind[HERD_SL_TEMPLATE];
  for (guint i = 0; i < templates->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (templates, i);
      for (guint k = 0; k < g->disks->len; k++)
        {
          const HerdSlDisk *image = &g_array_index (g->disks, HerdSlDisk, k);
          HerdStorageDomain *sd = herd_model_domain (model, image->domain_id);
          sd->template_volumes++;
          sd->used_mib += herd_volume_first_mib (
              image->thin, herd_storage_type_is_block (sd->type),
              image->size_mib, image->base_mib,
              model->params.thin_initial_mib);
        }
    }
  for (guint d = 0; d < dcs->len; d++)
    herd_model_datacenter (model, d)->master_domain = masters[d];
}

/* Phase 4: the networks in file order, then each cluster's required
 * networks (those of its datacenter). */
void
herd_sl_build_networks (HerdSlLoader *l)
{
  HerdModel *model = l->scenario->model;
  GPtrArray *clusters = l->by_kind[HERD_SL_CLUSTER];

  GPtrArray *networks = l->by_kind[HERD_SL_NETWORK];
  for (guint i = 0; i < networks->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (networks, i);
      HerdNetwork *net = herd_model_add_network (model, g->name, g->ref);
      g_ptr_array_add (l->scenario->network_bridges,
                       herd_sl_value (l, g, "bridge"));
      net->required = g->required;
      net->vm_network = g->vm_network;
    }
  for (guint i = 0; i < clusters->len; i++)
    {
      HerdCluster *c = herd_model_cluster (model, i);
      c->required_networks = herd_sl_datacenter_networks (model,
                                                          c->datacenter,
                                                          TRUE);
    }
}
