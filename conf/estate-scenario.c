/* estate-scenario.c: a loaded scenario as an estate (see estate.h), for
 * `herd import --from run`: herd run's configuration, whose groups
 * ([hosts h] count = 3) become one [host NAME] and [vm NAME] each, so that
 * every VM can be placed where herd run's state database says it runs.
 *
 * Sizes, HA, leases, pinning, disks, storage, networks, affinity groups,
 * the clusters' policies and the parameters ([defaults] and each
 * cluster's policy.NAME, copied as written) carry over; what the estate
 * has no field for is noted: workload models (cpu, memory_used, write
 * rates) and herd run's connection keys. */
#include "conf/estate-scenario.h"

#include <string.h>

static char *
id_names (HerdModel *m, const HerdIdList *ids, gboolean hosts)
{
  if (ids->n == 0)
    return NULL;
  GString *out = g_string_new (NULL);
  for (guint32 i = 0; i < ids->n; i++)
    {
      /* hosts removed at run time are gone (herd run) */
      if (hosts && herd_model_host (m, ids->ids[i])->removed)
        continue;
      g_string_append_printf (out, "%s%s", out->len ? ", " : "",
                              hosts ? herd_model_host (m, ids->ids[i])->name
                                    : herd_model_vm (m, ids->ids[i])->name);
    }
  return g_string_free (out, out->len == 0);
}

static const char *
role_name (HerdDomainRole role)
{
  return role == HERD_DOMAIN_ISO      ? "iso"
         : role == HERD_DOMAIN_EXPORT ? "export"
                                      : "data";
}

/* The value of key in group of the scenario's text, its inline comment
 * (a ';' or '#' after whitespace) cut off. */
static char *
value_of (GKeyFile *keys, const char *group, const char *key)
{
  char *value = g_key_file_get_value (keys, group, key, NULL);
  for (char *p = value; p != NULL && *p != '\0'; p++)
    if ((*p == ';' || *p == '#') && p > value && g_ascii_isspace (p[-1]))
      {
        *p = '\0';
        break;
      }
  return value != NULL ? g_strstrip (value) : NULL;
}

/* group's keys starting with prefix (without it) as "Name=value" into
 * out, in file order. */
static void
copy_keys (GKeyFile *keys, const char *group, const char *prefix,
           GPtrArray *out)
{
  g_auto (GStrv) names = g_key_file_get_keys (keys, group, NULL, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      if (!g_str_has_prefix (names[i], prefix)
          || strcmp (names[i], "profile") == 0)
        continue;
      g_autofree char *value = value_of (keys, group, names[i]);
      g_ptr_array_add (out, g_strdup_printf ("%s=%s",
                                             names[i] + strlen (prefix),
                                             value));
    }
}

static void
add_clusters (HerdEstate *e, const HerdScenario *s, GKeyFile *keys)
{
  HerdModel *m = s->model;
  for (guint i = 0; i < m->clusters->len; i++)
    {
      const HerdCluster *mc = herd_model_cluster (m, i);
      HerdEstateCluster *c = herd_estate_add_cluster (e, mc->name);
      c->datacenter = g_strdup (herd_model_datacenter (m, mc->datacenter)
                                    ->name);
      c->policy = g_strdup (herd_policy_name (mc->policy));
      c->memory_overcommit = (gint) mc->memory_overcommit_percent;
      c->migration_bandwidth = mc->migration_bandwidth;
      c->migration_policy = g_strdup (herd_migration_policy_name (
          mc->migration_policy));
      c->ha_reservation = mc->ha_reservation;
      c->fencing = mc->fencing;
      c->skip_if_lease_live = mc->skip_fencing_if_lease_live;
      c->skip_if_connectivity_broken = mc->skip_fencing_if_connectivity_broken;
      c->connectivity_threshold = (gint) (mc->connectivity_threshold * 100
                                          + 0.5);
      g_autofree char *group = g_strdup_printf ("cluster %s", mc->name);
      copy_keys (keys, group, "policy.", c->policy_params);
    }
}

static void
add_hosts (HerdEstate *e, const HerdScenario *s)
{
  HerdModel *m = s->model;
  for (guint i = 0; i < m->hosts->len; i++)
    {
      const HerdHost *mh = herd_model_host (m, i);
      if (mh->removed)
        continue; /* removed at run time (herd run) */
      const HerdHostGroup *group = g_ptr_array_index (
          s->host_groups, g_array_index (s->host_group_of, guint32, i));
      HerdEstateHost *h = herd_estate_add_host (e, mh->name);
      h->cluster = g_strdup (herd_model_cluster (m, mh->cluster)->name);
      h->cores = mh->cores;
      h->threads = mh->threads;
      h->memory_mib = mh->memory_mib;
      h->spm_priority = mh->spm_priority;
      if (group->fence_agents != NULL && group->fence_agents[0] != NULL)
        h->fence_agents = g_strjoinv (", ", group->fence_agents);
      h->status = g_strdup ("up");
    }
}

static void
add_vms (HerdEstate *e, const HerdScenario *s)
{
  HerdModel *m = s->model;
  for (guint i = 0; i < m->vms->len; i++)
    {
      const HerdVm *mv = herd_model_vm (m, i);
      if (mv->removed)
        continue;
      HerdEstateVm *v = herd_estate_add_vm (e, mv->name);
      v->cluster = g_strdup (herd_model_cluster (m, mv->cluster)->name);
      v->status = g_strdup ("down"); /* until the state says otherwise */
      v->vcpus = mv->vcpus;
      v->memory_mib = mv->memory_mib;
      v->guaranteed_mib = mv->guaranteed_mib;
      v->ha = mv->ha;
      v->priority = g_strdup (herd_priority_name (mv->priority));
      v->lease = mv->lease;
      v->pinned_to = id_names (m, &mv->pinned_to, TRUE);
      v->migratable = mv->migratable;
      v->resume = g_strdup (herd_resume_policy_name (mv->resume_policy));
      if (mv->migration_policy != HERD_MIGRATION_POLICY_LAST)
        v->migration_policy = g_strdup (
            herd_migration_policy_name (mv->migration_policy));
      const HerdVmGroup *group = g_ptr_array_index (
          s->vm_groups, g_array_index (s->vm_group_of, guint32, i));
      v->stateless = group->stateless;
      HerdId dc = herd_model_cluster (m, mv->cluster)->datacenter;
      for (guint32 k = 0; k < mv->n_disks; k++)
        {
          const HerdDisk *d = g_ptr_array_index (m->disks, mv->first_disk + k);
          HerdId domain = d->domain != HERD_ID_NONE
                              ? d->domain
                              : herd_model_datacenter (m, dc)->master_domain;
          if (domain == HERD_ID_NONE)
            continue;
          HerdEstateDisk *disk = herd_estate_add_disk (
              v, d->virtual_mib, d->thin, d->format == HERD_DISK_QCOW2,
              herd_model_domain (m, domain)->name);
          disk->data_mib = d->thin ? d->base_mib : -1;
        }
    }
  if (m->vms->len > 0)
    herd_estate_note (e, "the VMs' workload models (cpu, memory_used, "
                      "write rates) are not carried over: their recorded "
                      "history where there is one, else the scenario's "
                      "defaults");
}

void
herd_estate_add_scenario (HerdEstate *e, const HerdScenario *s)
{
  HerdModel *m = s->model;
  if (s->profile != HERD_PROFILE_RHV_4_1)
    e->profile = g_strdup (herd_profile_name (s->profile));
  /* The text loaded once already, whole-line comments (';' too, which
   * GKeyFile does not take) left out: the loader's rules are stricter than
   * GKeyFile's, so it parses. */
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_auto (GStrv) lines = g_strsplit (s->text, "\n", -1);
  GString *clean = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i] + strspn (lines[i], " \t");
      if (*line != ';' && *line != '#')
        g_string_append_printf (clean, "%s\n", line);
    }
  g_key_file_load_from_data (keys, clean->str, clean->len, G_KEY_FILE_NONE,
                             NULL);
  g_string_free (clean, TRUE);
  copy_keys (keys, "defaults", "", e->defaults);
  for (guint i = 0; i < m->datacenters->len; i++)
    herd_estate_add_datacenter (e, herd_model_datacenter (m, i)->name);
  for (guint i = 0; i < m->domains->len; i++)
    {
      const HerdStorageDomain *md = herd_model_domain (m, i);
      HerdEstateDomain *d = herd_estate_add_domain (e, md->name);
      d->datacenter = g_strdup (herd_model_datacenter (m, md->datacenter)
                                    ->name);
      d->type = g_strdup (herd_storage_type_name (md->type));
      d->role = g_strdup (role_name (md->role));
      d->capacity_mib = md->capacity_mib;
      d->master = md->master;
    }
  for (guint i = 0; i < m->networks->len; i++)
    {
      const HerdNetwork *mn = g_ptr_array_index (m->networks, i);
      HerdEstateNetwork *n = herd_estate_add_network (e, mn->name);
      n->datacenter = g_strdup (herd_model_datacenter (m, mn->datacenter)
                                    ->name);
      n->required = mn->required;
      n->vm_network = mn->vm_network;
    }
  add_clusters (e, s, keys);
  add_hosts (e, s);
  add_vms (e, s);
  for (guint i = 0; i < m->affinity_groups->len; i++)
    {
      const HerdAffinityGroup *ma = g_ptr_array_index (m->affinity_groups, i);
      HerdEstateAffinity *a = herd_estate_add_affinity (e, ma->name);
      a->cluster = g_strdup (herd_model_cluster (m, ma->cluster)->name);
      a->vms = id_names (m, &ma->vms, FALSE);
      a->hosts = id_names (m, &ma->hosts, TRUE);
      if (ma->vm_rule != HERD_AFFINITY_NONE)
        a->vm_rule = g_strdup (herd_affinity_rule_name (ma->vm_rule));
      a->vm_enforcing = ma->vm_enforcing;
      if (ma->host_rule != HERD_AFFINITY_NONE)
        a->host_rule = g_strdup (herd_affinity_rule_name (ma->host_rule));
      a->host_enforcing = ma->host_enforcing;
    }
  herd_estate_note (e, "herd run's keys (uri, sanlock_dir, fence_command, "
                    "[manager], ...) are not carried over: the scenario is "
                    "for the simulator");
}
