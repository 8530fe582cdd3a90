/* model.c: the manager's object arrays and name lookups (see model.h). */
#include "core/model.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

static void
named_free (gpointer p)
{
  if (p == NULL)
    return;
  /* Every model object starts with HerdId id; char *name (or no name). */
  struct
  {
    HerdId id;
    char *name;
  } *named = p;
  g_free (named->name);
  g_free (p);
}

static void
vm_free (gpointer p)
{
  HerdVm *vm = p;
  if (vm == NULL)
    return;
  herd_id_list_clear (&vm->pinned_to);
  herd_id_list_clear (&vm->preferred_hosts);
  herd_id_list_clear (&vm->affinity_groups);
  named_free (p);
}

static void
affinity_group_free (gpointer p)
{
  HerdAffinityGroup *g = p;
  herd_id_list_clear (&g->vms);
  herd_id_list_clear (&g->hosts);
  named_free (p);
}

static void
cluster_free (gpointer p)
{
  HerdCluster *cluster = p;
  g_array_unref (cluster->hosts);
  named_free (p);
}

HerdModel *
herd_model_new (void)
{
  HerdModel *model = g_new0 (HerdModel, 1);
  herd_params_init (&model->params, HERD_PROFILE_RHV_4_1);
  model->datacenters = g_ptr_array_new_with_free_func (named_free);
  model->clusters = g_ptr_array_new_with_free_func (cluster_free);
  model->hosts = g_ptr_array_new_with_free_func (named_free);
  model->vms = g_ptr_array_new_with_free_func (vm_free);
  model->domains = g_ptr_array_new_with_free_func (named_free);
  model->networks = g_ptr_array_new_with_free_func (named_free);
  model->disks = g_ptr_array_new_with_free_func (g_free);
  model->affinity_groups
      = g_ptr_array_new_with_free_func (affinity_group_free);
  model->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return model;
}

void
herd_model_free (HerdModel *model)
{
  if (model == NULL)
    return;
  g_ptr_array_unref (model->affinity_groups);
  g_ptr_array_unref (model->disks);
  g_ptr_array_unref (model->networks);
  g_ptr_array_unref (model->domains);
  g_ptr_array_unref (model->vms);
  g_ptr_array_unref (model->hosts);
  g_ptr_array_unref (model->clusters);
  g_ptr_array_unref (model->datacenters);
  g_hash_table_unref (model->names);
  g_free (model);
}

/* Allocates array for n pointers without changing its length. */
static void
reserve (GPtrArray *array, guint n)
{
  guint len = array->len;
  if (n <= len)
    return;
  g_ptr_array_set_size (array, n);
  g_ptr_array_set_size (array, len); /* keeps the allocation */
}

void
herd_model_reserve (HerdModel *model, guint32 hosts, guint32 vms,
                    guint32 disks, guint32 domains)
{
  model->host_room = MAX (hosts, model->hosts->len);
  model->vm_room = MAX (vms, model->vms->len);
  model->disk_room = MAX (disks, model->disks->len);
  model->domain_room = MAX (domains, model->domains->len);
  reserve (model->hosts, model->host_room);
  reserve (model->vms, model->vm_room);
  reserve (model->disks, model->disk_room);
  reserve (model->domains, model->domain_room);
}

static HerdId
lookup (HerdModel *model, char kind, const char *name)
{
  char key[256];
  if (g_snprintf (key, sizeof key, "%c:%s", kind, name) >= (int) sizeof key)
    {
      g_autofree char *long_key = g_strdup_printf ("%c:%s", kind, name);
      gpointer v = g_hash_table_lookup (model->names, long_key);
      return v != NULL ? (HerdId) (GPOINTER_TO_UINT (v) - 1) : HERD_ID_NONE;
    }
  gpointer v = g_hash_table_lookup (model->names, key);
  return v != NULL ? (HerdId) (GPOINTER_TO_UINT (v) - 1) : HERD_ID_NONE;
}

/* Appends obj (of size bytes, zero-filled, starting with id and name) to
 * array and registers its name under kind. */
static gpointer
add_named (HerdModel *model, GPtrArray *array, char kind, gsize size,
           const char *name)
{
  g_assert (name != NULL && lookup (model, kind, name) == HERD_ID_NONE);
  struct
  {
    HerdId id;
    char *name;
  } *obj = g_malloc0 (size);
  obj->id = array->len;
  obj->name = g_strdup (name);
  g_ptr_array_add (array, obj);
  g_hash_table_insert (model->names, g_strdup_printf ("%c:%s", kind, name),
                       GUINT_TO_POINTER (obj->id + 1));
  return obj;
}

static void
forget_name (HerdModel *model, char kind, const char *name)
{
  g_autofree char *key = g_strdup_printf ("%c:%s", kind, name);
  g_hash_table_remove (model->names, key);
}

void
herd_model_remove_host (HerdModel *model, HerdId id)
{
  HerdHost *host = herd_model_host (model, id);
  GArray *hosts = herd_model_cluster (model, host->cluster)->hosts;
  for (guint i = 0; i < hosts->len; i++)
    if (g_array_index (hosts, HerdId, i) == id)
      g_array_remove_index (hosts, i);
  forget_name (model, 'h', host->name);
  host->removed = TRUE;
}

void
herd_model_remove_vm (HerdModel *model, HerdId id)
{
  HerdVm *vm = herd_model_vm (model, id);
  for (guint k = 0; k < vm->affinity_groups.n; k++)
    {
      HerdIdList *vms
          = &herd_model_affinity_group (model, vm->affinity_groups.ids[k])
                 ->vms;
      guint32 n = 0;
      for (guint32 i = 0; i < vms->n; i++)
        if (vms->ids[i] != id)
          vms->ids[n++] = vms->ids[i];
      vms->n = n;
    }
  herd_id_list_clear (&vm->affinity_groups);
  forget_name (model, 'v', vm->name);
  vm->removed = TRUE;
}

HerdDatacenter *
herd_model_add_datacenter (HerdModel *model, const char *name)
{
  HerdDatacenter *dc = add_named (model, model->datacenters, 'd',
                                  sizeof *dc, name);
  dc->spm_host = HERD_ID_NONE;
  dc->master_domain = HERD_ID_NONE;
  return dc;
}

HerdCluster *
herd_model_add_cluster (HerdModel *model, const char *name, HerdId datacenter)
{
  HerdCluster *cluster = add_named (model, model->clusters, 'c',
                                    sizeof *cluster, name);
  cluster->datacenter = datacenter;
  herd_policy_params_init (&cluster->policy_params, HERD_PROFILE_RHV_4_1);
  cluster->memory_overcommit_percent = 100;
  cluster->hosts = g_array_new (FALSE, FALSE, sizeof (HerdId));
  return cluster;
}

HerdHost *
herd_model_add_host (HerdModel *model, const char *name, HerdId cluster)
{
  HerdHost *host = add_named (model, model->hosts, 'h', sizeof *host, name);
  host->cluster = cluster;
  host->status = HERD_HOST_DOWN;
  host->spm_priority = 5;
  host->reserved_mib = model->params.host_reserved_mib;
  host->cpu_over_since = HERD_TIME_NEVER;
  g_array_append_val (herd_model_cluster (model, cluster)->hosts, host->id);
  return host;
}

HerdVm *
herd_model_add_vm (HerdModel *model, const char *name, HerdId cluster)
{
  HerdVm *vm = add_named (model, model->vms, 'v', sizeof *vm, name);
  vm->cluster = cluster;
  vm->status = HERD_VM_DOWN;
  vm->host = HERD_ID_NONE;
  vm->pending_host = HERD_ID_NONE;
  vm->migrating_to = HERD_ID_NONE;
  vm->cpu_used_mc = -1;
  vm->migratable = TRUE;
  vm->migration_policy = HERD_MIGRATION_POLICY_LAST;
  return vm;
}

HerdStorageDomain *
herd_model_add_domain (HerdModel *model, const char *name, HerdId datacenter)
{
  HerdStorageDomain *sd = add_named (model, model->domains, 's', sizeof *sd,
                                     name);
  sd->datacenter = datacenter;
  sd->status = HERD_DOMAIN_ACTIVE;
  return sd;
}

HerdNetwork *
herd_model_add_network (HerdModel *model, const char *name, HerdId datacenter)
{
  guint bit = 0;
  for (guint i = 0; i < model->networks->len; i++)
    bit += herd_model_network (model, i)->datacenter == datacenter;
  g_assert (bit < HERD_MAX_NETWORKS_PER_DC);
  HerdNetwork *net = add_named (model, model->networks, 'n', sizeof *net,
                                name);
  net->datacenter = datacenter;
  net->bit = bit;
  return net;
}

static int
compare_ids (const void *a, const void *b)
{
  HerdId x = *(const HerdId *) a, y = *(const HerdId *) b;
  return (x > y) - (x < y);
}

void
herd_id_list_set (HerdIdList *list, const HerdId *ids, guint32 n)
{
  herd_id_list_clear (list);
  if (n == 0)
    return;
  list->ids = g_memdup2 (ids, n * sizeof *ids);
  qsort (list->ids, n, sizeof *ids, compare_ids);
  guint32 k = 0;
  for (guint32 i = 0; i < n; i++)
    if (k == 0 || list->ids[k - 1] != list->ids[i])
      list->ids[k++] = list->ids[i];
  list->n = k;
}

void
herd_id_list_clear (HerdIdList *list)
{
  g_clear_pointer (&list->ids, g_free);
  list->n = 0;
}

gboolean
herd_id_list_contains (const HerdIdList *list, HerdId id)
{
  guint32 lo = 0, hi = list->n;
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (list->ids[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < list->n && list->ids[lo] == id;
}

HerdAffinityGroup *
herd_model_add_affinity_group (HerdModel *model, const char *name,
                               HerdId cluster, const HerdId *vms,
                               guint32 n_vms, const HerdId *hosts,
                               guint32 n_hosts)
{
  HerdAffinityGroup *g = add_named (model, model->affinity_groups, 'a',
                                    sizeof *g, name);
  g->cluster = cluster;
  g->priority = 1.0;
  herd_id_list_set (&g->vms, vms, n_vms);
  herd_id_list_set (&g->hosts, hosts, n_hosts);
  for (guint32 i = 0; i < g->vms.n; i++)
    {
      HerdVm *vm = herd_model_vm (model, g->vms.ids[i]);
      HerdIdList *l = &vm->affinity_groups;
      l->ids = g_renew (HerdId, l->ids, l->n + 1);
      l->ids[l->n++] = g->id; /* groups are added in id order */
    }
  return g;
}

HerdDisk *
herd_model_add_disk (HerdModel *model, HerdId vm)
{
  HerdDisk *disk = g_new0 (HerdDisk, 1);
  disk->id = model->disks->len;
  disk->vm = vm;
  disk->domain = HERD_ID_NONE;
  HerdVm *owner = herd_model_vm (model, vm);
  if (owner->n_disks == 0)
    owner->first_disk = disk->id;
  g_assert (owner->first_disk + owner->n_disks == disk->id);
  owner->n_disks++;
  g_ptr_array_add (model->disks, disk);
  return disk;
}

HerdId
herd_model_find_datacenter (HerdModel *model, const char *name)
{
  return lookup (model, 'd', name);
}

HerdId
herd_model_find_cluster (HerdModel *model, const char *name)
{
  return lookup (model, 'c', name);
}

HerdId
herd_model_find_host (HerdModel *model, const char *name)
{
  return lookup (model, 'h', name);
}

HerdId
herd_model_find_vm (HerdModel *model, const char *name)
{
  return lookup (model, 'v', name);
}

HerdId
herd_model_find_domain (HerdModel *model, const char *name)
{
  return lookup (model, 's', name);
}

HerdId
herd_model_find_network (HerdModel *model, const char *name)
{
  return lookup (model, 'n', name);
}

static const char *const host_status_names[HERD_HOST_STATUS_LAST] = {
  "Up", "Connecting", "NonResponsive", "Maintenance",
  "PreparingForMaintenance", "NonOperational", "Reboot", "Down",
  "Installing", "InstallFailed", "Initializing", "Kdumping",
};

static const char *const vm_status_names[HERD_VM_STATUS_LAST] = {
  "Down", "WaitForLaunch", "PoweringUp", "Up", "MigratingFrom",
  "MigratingTo", "Paused", "Unknown", "NotResponding", "PoweringDown",
  "RebootInProgress", "ImageLocked",
};

static const char *const pause_reason_names[HERD_PAUSE_LAST] = {
  "none", "user", "ENOSPC", "EIO", "migration",
};

static const char *const priority_names[HERD_PRIORITY_LAST] = {
  "low", "medium", "high",
};

static const char *const storage_type_names[HERD_STORAGE_TYPE_LAST] = {
  "nfs", "posix", "glusterfs", "iscsi", "fcp",
};

static const char *const policy_names[HERD_POLICY_LAST] = {
  "none", "evenly_distributed", "power_saving", "vm_evenly_distributed",
  "cluster_maintenance",
};

static const char *const resume_policy_names[HERD_RESUME_LAST] = {
  "auto_resume", "leave_paused", "kill",
};

static const char *const affinity_rule_names[HERD_AFFINITY_LAST] = {
  "none", "positive", "negative",
};

static const char *const migration_policy_names[HERD_MIGRATION_POLICY_LAST]
    = {
        "legacy", "minimal_downtime", "suspend_workload", "post_copy",
      };

/* Name of an enum value from its table; "?" (and a warning) when out of
 * range. */
#define NAME_OF(fn, type, names, last)                                      \
  const char *fn (type value)                                               \
  {                                                                         \
    g_return_val_if_fail ((guint) value < (guint) (last), "?");             \
    return names[value];                                                    \
  }

NAME_OF (herd_host_status_name, HerdHostStatus, host_status_names,
         HERD_HOST_STATUS_LAST)
NAME_OF (herd_vm_status_name, HerdVmStatus, vm_status_names,
         HERD_VM_STATUS_LAST)
NAME_OF (herd_pause_reason_name, HerdPauseReason, pause_reason_names,
         HERD_PAUSE_LAST)
NAME_OF (herd_priority_name, HerdPriority, priority_names, HERD_PRIORITY_LAST)
NAME_OF (herd_storage_type_name, HerdStorageType, storage_type_names,
         HERD_STORAGE_TYPE_LAST)
NAME_OF (herd_policy_name, HerdPolicyKind, policy_names, HERD_POLICY_LAST)
NAME_OF (herd_migration_policy_name, HerdMigrationPolicy,
         migration_policy_names, HERD_MIGRATION_POLICY_LAST)
NAME_OF (herd_affinity_rule_name, HerdAffinityRule, affinity_rule_names,
         HERD_AFFINITY_LAST)
NAME_OF (herd_resume_policy_name, HerdResumePolicy, resume_policy_names,
         HERD_RESUME_LAST)

/* Index of text in names[0..n), or -1. */
static int
name_index (const char *const *names, int n, const char *text)
{
  for (int i = 0; i < n; i++)
    if (g_strcmp0 (names[i], text) == 0)
      return i;
  return -1;
}

#define FROM_STRING(fn, type, names, last)                                  \
  gboolean fn (const char *text, type *out)                                 \
  {                                                                         \
    int i = name_index (names, last, text);                                 \
    if (i < 0)                                                              \
      return FALSE;                                                         \
    *out = (type) i;                                                        \
    return TRUE;                                                            \
  }

FROM_STRING (herd_priority_from_string, HerdPriority, priority_names,
             HERD_PRIORITY_LAST)
FROM_STRING (herd_storage_type_from_string, HerdStorageType,
             storage_type_names, HERD_STORAGE_TYPE_LAST)
FROM_STRING (herd_policy_from_string, HerdPolicyKind, policy_names,
             HERD_POLICY_LAST)
FROM_STRING (herd_migration_policy_from_string, HerdMigrationPolicy,
             migration_policy_names, HERD_MIGRATION_POLICY_LAST)
FROM_STRING (herd_affinity_rule_from_string, HerdAffinityRule,
             affinity_rule_names, HERD_AFFINITY_LAST)
FROM_STRING (herd_resume_policy_from_string, HerdResumePolicy,
             resume_policy_names, HERD_RESUME_LAST)

gboolean
herd_storage_type_is_block (HerdStorageType type)
{
  return type == HERD_STORAGE_ISCSI || type == HERD_STORAGE_FCP;
}

gint64
herd_volume_max_lv_mib (gint64 virtual_mib)
{
  return (gint64) ceil (1.1 * (double) virtual_mib);
}

gint64
herd_volume_first_mib (gboolean thin, gboolean block, gint64 virtual_mib,
                       gint64 base_mib, gint64 initial_mib)
{
  if (!thin)
    return virtual_mib;
  if (!block)
    return base_mib;
  return base_mib > 0 ? (gint64) ceil (1.1 * (double) base_mib)
                      : initial_mib;
}
