/* scenario-checks.c: the scenario loader's checks across kinds of groups
 * (see scenario.c).
 *
 * herd_sl_check_totals holds the whole scenario to its caps on hosts, VMs
 * and disks before anything costs per object; herd_sl_check_references
 * runs phase 3's references and cross-group checks in their order (each
 * kind's own checks live in its file).  The capacity checks are here: a VM
 * group must fit some host of its cluster, the VMs placed on a host must
 * fit in its memory and swap, and each storage domain must hold what its
 * disks take at once, within a block domain's volume and LUN limits. */

#include "conf/scenario-private.h"

/* Whether total (what, including g's) is within cap; else g fails on
 * key, detail saying how g counts. */
static gboolean
herd_sl_within_cap (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    gint64 total, gint64 cap, const char *what,
                    const char *detail)
{
  if (total <= cap)
    return TRUE;
  herd_sl_fail_key (l, g, key,
                    "the scenario's %s come to %" G_GINT64_FORMAT
                    " with this group's%s; a scenario has at most %"
                    G_GINT64_FORMAT " %s in all",
                    what, total, detail, cap, what);
  return FALSE;
}

/* The scenario's hosts, VMs and disks in all, against the caps: the
 * group that takes a total past its cap fails on its count key (or on
 * disk when its disks do it).  FALSE when one does: nothing that costs
 * per object may run. */
gboolean
herd_sl_check_totals (HerdSlLoader *l)
{
  gint64 hosts = 0, vms = 0, disks = 0;
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (g->kind == HERD_SL_HOSTS
          && !herd_sl_within_cap (l, g, "count", hosts += g->count,
                                  HERD_SL_MAX_HOSTS, "hosts", ""))
        return FALSE;
      if (g->kind != HERD_SL_VMS)
        continue;
      if (!herd_sl_within_cap (l, g, "count", vms += g->count,
                               HERD_SL_MAX_VMS, "VMs", ""))
        return FALSE;
      gint64 per_vm = g->disks != NULL ? g->disks->len : 0;
      if (g->template_name != NULL)
        {
          g_autofree char *label = g_strdup_printf ("template %s",
                                                    g->template_name);
          HerdSlGroup *t = g_hash_table_lookup (l->by_label, label);
          if (t != NULL && t->disks != NULL)
            per_vm += t->disks->len;
        }
      g_autofree char *detail = g_strdup_printf (
          " (%" G_GINT64_FORMAT " VMs of %" G_GINT64_FORMAT ")", g->count,
          per_vm);
      const char *key = g->template_name != NULL
                                && (g->disks == NULL || g->disks->len == 0)
                            ? "template"
                            : "disk";
      if (!herd_sl_within_cap (l, g, key, disks += per_vm * g->count,
                               HERD_SL_MAX_DISKS, "VM disks", detail))
        return FALSE;
    }
  return TRUE;
}

/* Every VM of g must fit some host of its cluster (vCPUs within cores;
 * memory plus overhead within physical memory), and the cluster must have
 * hosts.  VMs placed by host are running already, whatever their size, as
 * oVirt lets them (herd_sl_check_placed_memory checks what their host can
 * hold). */
static void
herd_sl_check_fit (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  GPtrArray *hosts = l->by_kind[HERD_SL_HOSTS];
  gint64 max_cores = 0, max_memory = 0;
  guint n = 0;
  for (guint i = 0; i < hosts->len; i++)
    {
      HerdSlGroup *h = g_ptr_array_index (hosts, i);
      if (h->ref != g->ref)
        continue;
      if (!h->ok)
        return; /* its own error is reported */
      max_cores = MAX (max_cores, h->cores);
      max_memory = MAX (max_memory, h->memory_mib);
      n++;
    }
  if (n == 0)
    {
      if (g_key_file_has_key (l->keys, g->label, "cluster", NULL))
        herd_sl_fail_key (l, g, "cluster",
                          "cluster %s has no hosts (no [hosts NAME] group "
                          "names it)", cluster->name);
      else
        herd_sl_fail_group (l, g,
                            "cluster %s has no hosts (no [hosts NAME] group "
                            "names it)", cluster->name);
      return;
    }
  if (g->host != NULL)
    return;
  if (g->vcpus > max_cores)
    herd_sl_fail_key (l, g, "vcpus",
                      "%" G_GINT64_FORMAT " is more than any host of cluster "
                      "%s has (largest: %" G_GINT64_FORMAT " cores)",
                      g->vcpus, cluster->name, max_cores);
  gint64 overhead = l->scenario->model->params.vm_memory_overhead_mib;
  if (l->params_ok && g->memory_mib + overhead > max_memory)
    {
      g_autofree char *memory = herd_sl_value (l, g, "memory");
      g_autofree char *extra = herd_sl_format_size (overhead);
      g_autofree char *largest = herd_sl_format_size (max_memory);
      herd_sl_fail_key (l, g, "memory",
                        "%s (+%s overhead) is more than any host of cluster "
                        "%s has (largest: %s)",
                        memory, extra, cluster->name, largest);
    }
}

/* The [hosts] group of host id. */
static HerdSlGroup *
herd_sl_host_group_of (HerdSlLoader *l, HerdId id)
{
  GPtrArray *hosts = l->by_kind[HERD_SL_HOSTS];
  for (guint i = 0;; i++)
    {
      HerdSlGroup *h = g_ptr_array_index (hosts, i);
      if (id < h->count)
        return h;
      id -= (HerdId) h->count;
    }
}

/* What the VMs placed by host use (memory_used + VmMemoryOverhead each),
 * with their host's committed_memory, must fit the host's memory and
 * swap: the simulated host holds no more.  The group that goes over is
 * the error, in file order. */
static void
herd_sl_check_placed_memory (HerdSlLoader *l)
{
  if (!l->params_ok)
    return;
  gint64 overhead = l->scenario->model->params.vm_memory_overhead_mib;
  HerdId n_hosts = 0;
  for (guint i = 0; i < l->by_kind[HERD_SL_HOSTS]->len; i++)
    n_hosts += ((HerdSlGroup *) g_ptr_array_index (l->by_kind[HERD_SL_HOSTS],
                                                   i))->count;
  g_autofree gint64 *used = g_new0 (gint64, MAX (n_hosts, 1));
  GPtrArray *vms = l->by_kind[HERD_SL_VMS];
  for (guint i = 0; i < vms->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (vms, i);
      if (!g->ok || g->host_id == HERD_ID_NONE)
        continue;
      HerdSlGroup *h = herd_sl_host_group_of (l, g->host_id);
      used[g->host_id] += g->count * (g->memory_used_mib + overhead);
      gint64 total = h->committed_mib + used[g->host_id];
      if (total <= h->memory_mib + h->swap_mib)
        continue;
      g_autofree char *need = herd_sl_format_size (total);
      g_autofree char *has = herd_sl_format_size (h->memory_mib
                                                  + h->swap_mib);
      herd_sl_fail_key (l, g, "host",
                        "the VMs placed on %s would use %s with this group's "
                        "(each its memory_used + VmMemoryOverhead, and the "
                        "host's committed_memory), more than its memory and "
                        "swap (%s)",
                        g->host, need, has);
    }
}

/* A domain holds what its volumes take at once (a block domain's
 * internal volumes, templates' images, preallocated disks, clones' data,
 * the first LV of thin disks on block storage); a block domain holds at
 * most MaxVolumesPerBlockDomain disk volumes (one per disk and template
 * disk) and is made of at most MaxLunsPerBlockDomain LUNs (its first and
 * one per add_lun): the group that goes over a limit is the error, in
 * file order. */
static void
herd_sl_check_storage_limits (HerdSlLoader *l)
{
  const HerdParams *p = &l->scenario->model->params;
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  if (!l->params_ok || storage->len == 0)
    return;
  g_autofree gint64 *volumes = g_new0 (gint64, storage->len);
  g_autofree gint64 *luns = g_new0 (gint64, storage->len);
  g_autofree gint64 *allocated = g_new0 (gint64, storage->len);
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *sd = g_ptr_array_index (storage, i);
      if (!sd->ok || !herd_storage_type_is_block (sd->storage_type))
        continue;
      allocated[i] = p->block_internal_mib;
      if (allocated[i] <= sd->capacity_mib)
        continue;
      g_autofree char *value = herd_sl_value (l, sd, "capacity");
      g_autofree char *internal = herd_sl_format_size (allocated[i]);
      g_autofree char *expected = g_strdup_printf (
          "a capacity of at least the %s its internal volumes take "
          "(BlockDomainInternalSize)", internal);
      herd_sl_fail_expected (l, sd, "capacity", expected, value);
    }
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (!g->ok)
        continue;
      if (g->kind == HERD_SL_VMS || g->kind == HERD_SL_TEMPLATE)
        for (guint k = 0; k < g->disks->len; k++)
          {
            const HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk,
                                                     k);
            HerdId d = disk->domain_id;
            if (d == HERD_ID_NONE)
              continue;
            HerdSlGroup *sd = g_ptr_array_index (storage, d);
            gboolean block = herd_storage_type_is_block (sd->storage_type);
            gint64 n = g->kind == HERD_SL_VMS ? g->count : 1;
            const char *key = g->template_name != NULL ? "template" : "disk";
            gint64 first = herd_volume_first_mib (disk->thin, block,
                                                  disk->size_mib,
                                                  disk->base_mib,
                                                  p->thin_initial_mib);
            allocated[d] += first * n;
            if (allocated[d] > sd->capacity_mib
                && allocated[d] - first * n <= sd->capacity_mib)
              {
                g_autofree char *cap = herd_sl_format_size (sd->capacity_mib);
                g_autofree char *need = herd_sl_format_size (allocated[d]);
                g_autofree char *lv = herd_sl_format_size (p->thin_initial_mib);
                herd_sl_fail_key (
                    l, g, key,
                    "storage %s (%s) cannot hold the disks created so far: "
                    "they take %s at once (a preallocated disk its whole "
                    "size, a thin one on block storage its first %s LV, a "
                    "thin one holding data (data=, a template's, a "
                    "clone's) that data, on block storage 1.1 x it%s)",
                    sd->name, cap, need, lv,
                    block ? ", and the domain's internal volumes" : "");
              }
            volumes[d] += n;
            if (!block || volumes[d] - n > p->max_block_volumes
                || volumes[d] <= p->max_block_volumes)
              continue;
            herd_sl_fail_key (
                l, g, key,
                "storage %s would hold %" G_GINT64_FORMAT " volumes (this "
                "group adds %" G_GINT64_FORMAT "); a block domain holds at "
                "most %" G_GINT64_FORMAT " (MaxVolumesPerBlockDomain, one "
                "logical volume per disk)",
                sd->name, volumes[d], n, p->max_block_volumes);
          }
      else if (g->kind == HERD_SL_ACTION && g->action == HERD_ACTION_ADD_LUN)
        {
          g_autofree char *label = g_strdup_printf ("storage %s", g->target);
          HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
          if (sd == NULL || ++luns[sd->index] + 1 <= p->max_block_luns)
            continue;
          herd_sl_fail_key (l, g, "target",
                            "storage %s would be made of %" G_GINT64_FORMAT
                            " LUNs; a block domain has at most "
                            "%" G_GINT64_FORMAT " (MaxLunsPerBlockDomain)",
                            sd->name, luns[sd->index] + 1,
                            p->max_block_luns);
        }
    }
}

void
herd_sl_check_references (HerdSlLoader *l)
{
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      switch (g->kind)
        {
        case HERD_SL_CLUSTER:
        case HERD_SL_STORAGE:
        case HERD_SL_TEMPLATE:
        case HERD_SL_NETWORK:
          herd_sl_resolve (l, g, "datacenter", HERD_SL_DATACENTER);
          break;
        case HERD_SL_HOSTS:
        case HERD_SL_VMS:
          if (g->single)
            herd_sl_check_single_names (l, g);
          herd_sl_resolve (l, g, "cluster", HERD_SL_CLUSTER);
          break;
        case HERD_SL_AFFINITY:
          herd_sl_resolve (l, g, "cluster", HERD_SL_CLUSTER);
          break;
        case HERD_SL_GROWTH:
          if (g->ok && g->growth_vms > 0)
            herd_sl_resolve (l, g, "cluster", HERD_SL_CLUSTER);
          else if (g->ok)
            herd_sl_resolve_storage (l, g);
          break;
        default:
          break;
        }
    }

  herd_sl_check_masters (l);
  herd_sl_check_network_count (l);
  g_autofree HerdId *masters = herd_sl_masters (l);
  /* A bad duration is reported; then no time is after the end. */
  GPtrArray *sg = l->by_kind[HERD_SL_SCENARIO];
  HerdSlGroup *sgroup = sg->len > 0 ? g_ptr_array_index (sg, 0) : NULL;
  HerdTime duration = sgroup == NULL || sgroup->ok ? l->scenario->duration
                                                   : HERD_TIME_NEVER;
  g_autofree char *duration_text = sgroup != NULL
                                       ? herd_sl_value (l, sgroup, "duration")
                                       : NULL;
  if (duration_text == NULL)
    duration_text = g_strdup ("1d, the default");
  /* Templates first: VMs get their disks. */
  GPtrArray *templates = l->by_kind[HERD_SL_TEMPLATE];
  for (guint i = 0; i < templates->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (templates, i);
      if (g->ok)
        herd_sl_check_disks (l, g, masters);
    }
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (!g->ok)
        continue;
      if (g->kind == HERD_SL_HOSTS)
        herd_sl_check_networks (l, g);
      else if (g->kind == HERD_SL_VMS)
        {
          herd_sl_check_fit (l, g);
          herd_sl_check_disks (l, g, masters);
          herd_sl_apply_template (l, g);
          herd_sl_check_lease (l, g, masters);
          herd_sl_check_networks (l, g);
          herd_sl_check_vm_hosts (l, g);
          herd_sl_check_placed (l, g);
        }
      else if (g->kind == HERD_SL_AFFINITY)
        herd_sl_check_affinity (l, g);
      else if (g->kind == HERD_SL_ACTION)
        herd_sl_check_action (l, g, duration, duration_text);
    }
  herd_sl_check_storage_limits (l);
  herd_sl_check_placed_memory (l);
  /* Faults after every group's own checks, so that a nic_down sees its
   * hosts' networks checked whatever the order of the file. */
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (!g->ok)
        continue;
      if (g->kind == HERD_SL_FAULT)
        herd_sl_check_fault (l, g, duration, duration_text);
      else if (g->kind == HERD_SL_FAULTS)
        herd_sl_check_random_faults (l, g);
    }
}
