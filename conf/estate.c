/* estate.c: the inventory `herd import` reads, and the scenario text it
 * writes (see estate.h).
 *
 * The writer keeps the source's order, gives every object a scenario name
 * (noting each change), and leaves out, with a note, what the scenario
 * cannot hold as it is, so that the text always passes `herd check`:
 * VMs that are down (the simulation would start them), hosts and VMs
 * without a size, VMs of clusters without hosts, VMs no host of their
 * cluster could ever hold, and placed VMs beyond what their host's memory
 * and swap hold (those start where the scheduler puts them). */
#include "conf/estate.h"
#include "conf/import.h"

#include "core/params.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (herd-import-error-quark, herd_import_error)

HerdEstate *
herd_estate_new (const char *source)
{
  HerdEstate *e = g_new0 (HerdEstate, 1);
  e->source = g_strdup (source);
  e->datacenters = g_ptr_array_new ();
  e->clusters = g_ptr_array_new ();
  e->hosts = g_ptr_array_new ();
  e->vms = g_ptr_array_new ();
  e->domains = g_ptr_array_new ();
  e->networks = g_ptr_array_new ();
  e->affinity = g_ptr_array_new ();
  e->notes = g_ptr_array_new_with_free_func (g_free);
  return e;
}

void
herd_estate_free (HerdEstate *e)
{
  if (e == NULL)
    return;
  for (guint i = 0; i < e->datacenters->len; i++)
    {
      HerdEstateDatacenter *d = g_ptr_array_index (e->datacenters, i);
      g_free (d->name);
      g_free (d);
    }
  for (guint i = 0; i < e->clusters->len; i++)
    {
      HerdEstateCluster *c = g_ptr_array_index (e->clusters, i);
      g_free (c->name);
      g_free (c->datacenter);
      g_free (c->policy);
      g_free (c->migration_policy);
      g_ptr_array_unref (c->policy_params);
      g_free (c);
    }
  for (guint i = 0; i < e->hosts->len; i++)
    {
      HerdEstateHost *h = g_ptr_array_index (e->hosts, i);
      g_free (h->name);
      g_free (h->cluster);
      g_free (h->fence_agents);
      g_free (h->status);
      g_free (h);
    }
  for (guint i = 0; i < e->vms->len; i++)
    {
      HerdEstateVm *v = g_ptr_array_index (e->vms, i);
      g_free (v->name);
      g_free (v->cluster);
      g_free (v->host);
      g_free (v->status);
      g_free (v->priority);
      g_free (v->pinned_to);
      g_free (v->resume);
      g_ptr_array_unref (v->disks);
      g_free (v);
    }
  for (guint i = 0; i < e->domains->len; i++)
    {
      HerdEstateDomain *d = g_ptr_array_index (e->domains, i);
      g_free (d->name);
      g_free (d->datacenter);
      g_free (d->type);
      g_free (d->role);
      g_free (d);
    }
  for (guint i = 0; i < e->networks->len; i++)
    {
      HerdEstateNetwork *n = g_ptr_array_index (e->networks, i);
      g_free (n->name);
      g_free (n->datacenter);
      g_free (n);
    }
  for (guint i = 0; i < e->affinity->len; i++)
    {
      HerdEstateAffinity *a = g_ptr_array_index (e->affinity, i);
      g_free (a->name);
      g_free (a->cluster);
      g_free (a->vms);
      g_free (a->hosts);
      g_free (a->vm_rule);
      g_free (a->host_rule);
      g_free (a);
    }
  g_ptr_array_unref (e->datacenters);
  g_ptr_array_unref (e->clusters);
  g_ptr_array_unref (e->hosts);
  g_ptr_array_unref (e->vms);
  g_ptr_array_unref (e->domains);
  g_ptr_array_unref (e->networks);
  g_ptr_array_unref (e->affinity);
  g_ptr_array_unref (e->notes);
  g_free (e->source);
  g_free (e->profile);
  g_free (e);
}

HerdEstateDatacenter *
herd_estate_add_datacenter (HerdEstate *e, const char *name)
{
  HerdEstateDatacenter *d = g_new0 (HerdEstateDatacenter, 1);
  d->name = g_strdup (name);
  g_ptr_array_add (e->datacenters, d);
  return d;
}

HerdEstateCluster *
herd_estate_add_cluster (HerdEstate *e, const char *name)
{
  HerdEstateCluster *c = g_new0 (HerdEstateCluster, 1);
  c->name = g_strdup (name);
  c->policy_params = g_ptr_array_new_with_free_func (g_free);
  c->memory_overcommit = -1;
  c->migration_bandwidth = -1;
  c->fencing = c->skip_if_connectivity_broken = c->skip_if_lease_live = -1;
  c->ha_reservation = -1;
  c->connectivity_threshold = -1;
  g_ptr_array_add (e->clusters, c);
  return c;
}

HerdEstateHost *
herd_estate_add_host (HerdEstate *e, const char *name)
{
  HerdEstateHost *h = g_new0 (HerdEstateHost, 1);
  h->name = g_strdup (name);
  h->cores = h->threads = h->memory_mib = -1;
  h->spm_priority = G_MININT;
  g_ptr_array_add (e->hosts, h);
  return h;
}

HerdEstateVm *
herd_estate_add_vm (HerdEstate *e, const char *name)
{
  HerdEstateVm *v = g_new0 (HerdEstateVm, 1);
  v->name = g_strdup (name);
  v->vcpus = v->memory_mib = v->guaranteed_mib = v->memory_used_mib = -1;
  v->cpu_percent = -1;
  v->migratable = -1;
  v->disks = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (e->vms, v);
  return v;
}

HerdEstateDomain *
herd_estate_add_domain (HerdEstate *e, const char *name)
{
  HerdEstateDomain *d = g_new0 (HerdEstateDomain, 1);
  d->name = g_strdup (name);
  d->capacity_mib = d->used_mib = -1;
  g_ptr_array_add (e->domains, d);
  return d;
}

HerdEstateNetwork *
herd_estate_add_network (HerdEstate *e, const char *name)
{
  HerdEstateNetwork *n = g_new0 (HerdEstateNetwork, 1);
  n->name = g_strdup (name);
  n->required = TRUE;
  n->vm_network = TRUE;
  g_ptr_array_add (e->networks, n);
  return n;
}

HerdEstateAffinity *
herd_estate_add_affinity (HerdEstate *e, const char *name)
{
  HerdEstateAffinity *a = g_new0 (HerdEstateAffinity, 1);
  a->name = g_strdup (name);
  a->vm_enforcing = a->host_enforcing = -1;
  g_ptr_array_add (e->affinity, a);
  return a;
}

void
herd_estate_note (HerdEstate *e, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_ptr_array_add (e->notes, g_strdup_vprintf (format, ap));
  va_end (ap);
}

/* ------------------------------------------------------------------ */
/* Names                                                               */

/* Scenario names of one kind: source name -> scenario name, unique. */
typedef struct
{
  HerdEstate *e;
  const char *kind;
  GHashTable *to;     /* source name -> scenario name */
  GHashTable *taken;  /* scenario names given */
} Names;

static void
names_init (Names *n, HerdEstate *e, const char *kind)
{
  n->e = e;
  n->kind = kind;
  n->to = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  n->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
names_clear (Names *n)
{
  g_hash_table_unref (n->to);
  g_hash_table_unref (n->taken);
}

/* Gives source name its scenario name (letters, digits, '-', '_', '.',
 * starting with a letter or digit; '_' for anything else), unique within
 * the kind; FALSE when the source gave the name twice. */
static gboolean
names_give (Names *n, const char *name)
{
  if (g_hash_table_contains (n->to, name))
    return FALSE;
  GString *s = g_string_new (NULL);
  for (const char *p = name; *p != '\0'; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '_'
                                  || *p == '.'
                              ? *p
                              : '_');
  if (s->len == 0 || !g_ascii_isalnum (s->str[0]))
    g_string_prepend_c (s, 'x');
  g_autofree char *base = g_strdup (s->str);
  for (guint k = 2; g_hash_table_contains (n->taken, s->str); k++)
    g_string_printf (s, "%s_%u", base, k);
  if (strcmp (s->str, name) != 0)
    herd_estate_note (n->e, "%s \"%s\": named %s in the scenario", n->kind,
                      name, s->str);
  g_hash_table_add (n->taken, g_strdup (s->str));
  g_hash_table_insert (n->to, g_strdup (name), g_string_free (s, FALSE));
  return TRUE;
}

static const char *
names_of (Names *n, const char *name)
{
  return name != NULL ? g_hash_table_lookup (n->to, name) : NULL;
}

/* "a, b" of a list of source names, each mapped; the names not known are
 * noted (what: "affinity group x: vms") and left out; NULL if none is. */
static char *
names_list (Names *n, const char *list, const char *what)
{
  if (list == NULL)
    return NULL;
  g_auto (GStrv) items = g_strsplit (list, ",", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      if (*item == '\0')
        continue;
      const char *to = names_of (n, item);
      if (to == NULL)
        {
          herd_estate_note (n->e, "%s: %s \"%s\" is not imported: left out",
                            what, n->kind, item);
          continue;
        }
      g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", to);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* The scenario                                                        */

/* mib as a scenario size: in G when whole, else in M. */
static char *
size_text (gint64 mib)
{
  return mib % 1024 == 0 ? g_strdup_printf ("%" G_GINT64_FORMAT "G", mib / 1024)
                         : g_strdup_printf ("%" G_GINT64_FORMAT "M", mib);
}

static void
size_value (GString *out, const char *key, gint64 mib)
{
  g_autofree char *size = size_text (mib);
  g_string_append_printf (out, "%s = %s\n", key, size);
}

/* Running: a status other than down, or a host without a status. */
static gboolean
running (const HerdEstateVm *v)
{
  return v->status != NULL ? strcmp (v->status, "down") != 0
                           : v->host != NULL;
}

/* Where each imported VM's group of the scenario runs, after the capacity
 * checks herd check makes: the host's scenario name or NULL. */
static const char *
check_vm (HerdEstate *e, HerdEstateVm *v, Names *clusters, Names *hosts,
          GHashTable *host_of, GHashTable *used, gint64 overhead,
          gboolean *keep)
{
  *keep = FALSE;
  if (v->vcpus <= 0 || v->memory_mib <= 0)
    {
      herd_estate_note (e, "vm \"%s\": no vCPUs or memory: not imported",
                        v->name);
      return NULL;
    }
  if (names_of (clusters, v->cluster) == NULL)
    {
      herd_estate_note (e, "vm \"%s\": its cluster \"%s\" is not imported: "
                        "not imported", v->name, v->cluster ? v->cluster : "");
      return NULL;
    }
  if (!running (v))
    {
      herd_estate_note (e, "vm \"%s\": %s: not imported (a down VM would be "
                        "started by the simulation)",
                        v->name, v->status ? v->status : "down");
      return NULL;
    }
  /* The cluster's largest host, for a VM the scheduler places. */
  gint64 max_cores = 0, max_memory = 0;
  for (guint i = 0; i < e->hosts->len; i++)
    {
      HerdEstateHost *h = g_ptr_array_index (e->hosts, i);
      if (g_strcmp0 (h->cluster, v->cluster) == 0
          && names_of (hosts, h->name) != NULL)
        {
          max_cores = MAX (max_cores, h->cores);
          max_memory = MAX (max_memory, h->memory_mib);
        }
    }
  if (max_cores == 0)
    {
      herd_estate_note (e, "vm \"%s\": cluster \"%s\" has no host imported: "
                        "not imported", v->name, v->cluster);
      return NULL;
    }
  gboolean fits = v->vcpus <= max_cores && v->memory_mib + overhead <= max_memory;
  HerdEstateHost *h = v->host != NULL ? g_hash_table_lookup (host_of, v->host)
                                       : NULL;
  const char *why = NULL; /* why it is not placed where it runs */
  g_autofree char *because = NULL;
  if (v->host == NULL)
    why = because = g_strdup_printf ("%s without a host", v->status);
  else if (h == NULL)
    why = because = g_strdup_printf ("its host \"%s\" is not imported",
                                     v->host);
  else if (g_strcmp0 (h->cluster, v->cluster) != 0)
    why = because = g_strdup_printf ("runs on host \"%s\" of another "
                                     "cluster", v->host);
  else if (g_strcmp0 (h->status, "maintenance") == 0)
    why = because = g_strdup_printf ("runs on host \"%s\", in maintenance",
                                     v->host);
  else
    {
      gint64 *on = g_hash_table_lookup (used, h->name);
      gint64 takes = (v->memory_used_mib >= 0
                          ? MIN (v->memory_used_mib, v->memory_mib)
                          : v->memory_mib)
                     + overhead;
      if (*on + takes <= h->memory_mib)
        {
          *on += takes;
          *keep = TRUE;
          return names_of (hosts, h->name);
        }
      why = because = g_strdup_printf (
          "its memory does not fit what host \"%s\" has left (memory "
          "overcommitted there)", h->name);
    }
  if (!fits)
    {
      herd_estate_note (e, "vm \"%s\": %s, and no host of cluster \"%s\" "
                        "could run it (%" G_GINT64_FORMAT " vCPUs, %"
                        G_GINT64_FORMAT " MiB): not imported",
                        v->name, why, v->cluster, v->vcpus, v->memory_mib);
      return NULL;
    }
  herd_estate_note (e, "vm \"%s\": %s: placed by the scheduler", v->name,
                    why);
  *keep = TRUE;
  return NULL;
}

static void
write_cluster (GString *out, HerdEstateCluster *c, Names *dcs, Names *clusters)
{
  g_string_append_printf (out, "\n[cluster %s]\n", names_of (clusters, c->name));
  if (names_of (dcs, c->datacenter) != NULL)
    g_string_append_printf (out, "datacenter = %s\n",
                            names_of (dcs, c->datacenter));
  if (c->policy != NULL)
    g_string_append_printf (out, "policy = %s\n", c->policy);
  for (guint k = 0; k < c->policy_params->len; k++)
    {
      const char *p = g_ptr_array_index (c->policy_params, k);
      const char *eq = strchr (p, '=');
      g_string_append_printf (out, "policy.%.*s = %s\n", (int) (eq - p), p,
                              eq + 1);
    }
  if (c->memory_overcommit > 0)
    g_string_append_printf (out, "memory_overcommit = %d%%\n",
                            c->memory_overcommit);
  if (c->migration_policy != NULL)
    g_string_append_printf (out, "migration_policy = %s\n",
                            c->migration_policy);
  if (c->ha_reservation >= 0)
    g_string_append_printf (out, "ha_reservation = %s\n",
                            c->ha_reservation ? "true" : "false");
  if (c->migration_bandwidth > 0 && c->migration_bandwidth % 125000 == 0)
    g_string_append_printf (out, "migration_bandwidth = %" G_GINT64_FORMAT
                            "Mbit/s\n", c->migration_bandwidth / 125000);
  else if (c->migration_bandwidth > 0)
    g_string_append_printf (out, "migration_bandwidth = %" G_GINT64_FORMAT
                            "KiB/s\n",
                            MAX ((c->migration_bandwidth + 512) / 1024, 1));
  if (c->fencing >= 0)
    g_string_append_printf (out, "fencing = %s\n",
                            c->fencing ? "true" : "false");
  if (c->skip_if_lease_live >= 0)
    g_string_append_printf (out, "fencing_skip_if_lease_live = %s\n",
                            c->skip_if_lease_live ? "true" : "false");
  if (c->skip_if_connectivity_broken >= 0)
    g_string_append_printf (out, "fencing_skip_if_connectivity_broken = %s\n",
                            c->skip_if_connectivity_broken ? "true"
                                                           : "false");
  if (c->connectivity_threshold >= 0)
    g_string_append_printf (out, "fencing_connectivity_threshold = %d%%\n",
                            c->connectivity_threshold);
}

static void
write_host (GString *out, HerdEstateHost *h, Names *clusters, Names *hosts)
{
  g_string_append_printf (out, "\n[host %s]\ncluster = %s\n",
                          names_of (hosts, h->name),
                          names_of (clusters, h->cluster));
  g_string_append_printf (out, "cores = %" G_GINT64_FORMAT "\n", h->cores);
  if (h->threads > h->cores)
    g_string_append_printf (out, "threads = %" G_GINT64_FORMAT "\n",
                            h->threads);
  size_value (out, "memory", h->memory_mib);
  if (h->spm_priority != G_MININT)
    g_string_append_printf (out, "spm_priority = %d\n",
                            CLAMP (h->spm_priority, -1, 10));
  if (h->fence_agents != NULL)
    g_string_append_printf (out, "fence_agent = %s\n", h->fence_agents);
}

static void
write_vm (GString *out, HerdEstateVm *v, const char *host, Names *clusters,
          Names *hosts, Names *vms, Names *domains, HerdEstate *e)
{
  g_string_append_printf (out, "\n[vm %s]\ncluster = %s\n",
                          names_of (vms, v->name),
                          names_of (clusters, v->cluster));
  g_string_append_printf (out, "vcpus = %" G_GINT64_FORMAT "\n", v->vcpus);
  size_value (out, "memory", v->memory_mib);
  if (v->guaranteed_mib >= 0 && v->guaranteed_mib < v->memory_mib)
    size_value (out, "guaranteed_memory", v->guaranteed_mib);
  if (v->memory_used_mib >= 0 && v->memory_used_mib < v->memory_mib)
    size_value (out, "memory_used", v->memory_used_mib);
  if (v->cpu_percent >= 0)
    g_string_append_printf (out, "cpu = constant(%.1f%%)\n",
                            MIN (v->cpu_percent, 100.0));
  if (v->ha)
    g_string_append (out, "ha = true\n");
  if (v->priority != NULL && strcmp (v->priority, "low") != 0)
    g_string_append_printf (out, "priority = %s\n", v->priority);
  if (v->lease)
    g_string_append (out, "lease = true\n");
  if (v->stateless)
    g_string_append (out, "stateless = true\n");
  if (v->resume != NULL && strcmp (v->resume, "auto_resume") != 0)
    g_string_append_printf (out, "resume = %s\n", v->resume);
  g_autofree char *what = g_strdup_printf ("vm \"%s\": pinned hosts",
                                           v->name);
  g_autofree char *pinned = names_list (hosts, v->pinned_to, what);
  if (pinned != NULL)
    g_string_append_printf (out, "pinned_to = %s\n", pinned);
  if (v->migratable == 0)
    g_string_append (out, "migratable = false\n");
  GString *disks = g_string_new (NULL);
  for (guint k = 0; k < v->disks->len; k++)
    {
      /* SIZE KIND FORMAT DOMAIN, the domain by its scenario name */
      g_auto (GStrv) w = g_strsplit (g_ptr_array_index (v->disks, k), " ",
                                     4);
      const char *domain = w[3] != NULL ? names_of (domains, w[3]) : NULL;
      if (w[3] != NULL && domain == NULL)
        {
          herd_estate_note (e, "vm \"%s\": disk %u is on storage domain "
                            "\"%s\", which is not imported: left out",
                            v->name, k + 1, w[3]);
          continue;
        }
      g_autofree char *size = size_text (g_ascii_strtoll (w[0], NULL, 10));
      g_string_append_printf (disks, "%s%s %s %s%s%s", disks->len ? ", " : "",
                              size, w[1], w[2], domain ? " " : "",
                              domain ? domain : "");
    }
  if (disks->len > 0)
    g_string_append_printf (out, "disk = %s\n", disks->str);
  g_string_free (disks, TRUE);
  if (host != NULL)
    g_string_append_printf (out, "host = %s\n", host);
}

char *
herd_estate_write_scenario (HerdEstate *e, const char *name)
{
  Names dcs, clusters, hosts, vms, domains, networks, groups;
  names_init (&dcs, e, "datacenter");
  names_init (&clusters, e, "cluster");
  names_init (&hosts, e, "host");
  names_init (&vms, e, "vm");
  names_init (&domains, e, "storage domain");
  names_init (&networks, e, "network");
  names_init (&groups, e, "affinity group");
  GString *body = g_string_new (NULL);
  HerdParams params;
  HerdProfile profile = HERD_PROFILE_RHV_4_1;
  if (e->profile != NULL)
    g_assert (herd_profile_from_string (e->profile, &profile));
  herd_params_init (&params, profile);
  gint64 overhead = params.vm_memory_overhead_mib;

  for (guint i = 0; i < e->datacenters->len; i++)
    {
      HerdEstateDatacenter *d = g_ptr_array_index (e->datacenters, i);
      if (names_give (&dcs, d->name))
        g_string_append_printf (body, "\n[datacenter %s]\n",
                                names_of (&dcs, d->name));
    }
  for (guint i = 0; i < e->domains->len; i++)
    {
      HerdEstateDomain *d = g_ptr_array_index (e->domains, i);
      if (names_of (&dcs, d->datacenter) == NULL || d->capacity_mib <= 0
          || d->type == NULL || !names_give (&domains, d->name))
        {
          herd_estate_note (e, "storage domain \"%s\": no data center, type "
                            "or size known, or named twice: not imported",
                            d->name);
          continue;
        }
      /* oVirt's POSIX-compliant and local file domains are herd's posix */
      const char *type = d->type;
      if (strcmp (type, "posixfs") == 0 || strcmp (type, "localfs") == 0)
        {
          if (strcmp (type, "localfs") == 0)
            herd_estate_note (e, "storage domain \"%s\": localfs is "
                              "imported as a posix file domain", d->name);
          type = "posix";
        }
      g_string_append_printf (body, "\n[storage %s]\ndatacenter = %s\n"
                              "type = %s\n",
                              names_of (&domains, d->name),
                              names_of (&dcs, d->datacenter), type);
      if (d->role != NULL && strcmp (d->role, "data") != 0)
        g_string_append_printf (body, "role = %s\n", d->role);
      size_value (body, "capacity", d->capacity_mib);
      if (d->master)
        g_string_append (body, "master = true\n");
      if (d->used_mib > 0)
        herd_estate_note (e, "storage domain \"%s\": %" G_GINT64_FORMAT
                          " MiB used in the source: the simulation starts "
                          "with what the imported disks take (thin disks "
                          "empty)", d->name, d->used_mib);
    }
  for (guint i = 0; i < e->networks->len; i++)
    {
      HerdEstateNetwork *n = g_ptr_array_index (e->networks, i);
      if (names_of (&dcs, n->datacenter) == NULL
          || !names_give (&networks, n->name))
        {
          herd_estate_note (e, "network \"%s\": no data center known, or "
                            "named twice: not imported", n->name);
          continue;
        }
      g_string_append_printf (body, "\n[network %s]\ndatacenter = %s\n",
                              names_of (&networks, n->name),
                              names_of (&dcs, n->datacenter));
      if (!n->required)
        g_string_append (body, "required = false\n");
      if (!n->vm_network)
        g_string_append (body, "vm_network = false\n");
    }
  for (guint i = 0; i < e->clusters->len; i++)
    {
      HerdEstateCluster *c = g_ptr_array_index (e->clusters, i);
      if (names_of (&dcs, c->datacenter) == NULL
          || !names_give (&clusters, c->name))
        {
          herd_estate_note (e, "cluster \"%s\": no data center known, or "
                            "named twice: not imported", c->name);
          continue;
        }
      write_cluster (body, c, &dcs, &clusters);
    }

  g_autoptr (GHashTable) host_of = g_hash_table_new (g_str_hash,
                                                     g_str_equal);
  g_autoptr (GPtrArray) maintenance = g_ptr_array_new ();
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash,
                                                       g_str_equal, NULL,
                                                       g_free);
  for (guint i = 0; i < e->hosts->len; i++)
    {
      HerdEstateHost *h = g_ptr_array_index (e->hosts, i);
      if (h->cores <= 0 || h->memory_mib <= 0)
        {
          herd_estate_note (e, "host \"%s\": no cores or memory known: not "
                            "imported", h->name);
          continue;
        }
      if (names_of (&clusters, h->cluster) == NULL
          || !names_give (&hosts, h->name))
        {
          herd_estate_note (e, "host \"%s\": its cluster is not imported, "
                            "or it is named twice: not imported", h->name);
          continue;
        }
      if (g_strcmp0 (h->status, "maintenance") == 0)
        g_ptr_array_add (maintenance, h->name);
      else if (h->status != NULL && strcmp (h->status, "up") != 0)
        herd_estate_note (e, "host \"%s\": %s in the source: up in the "
                          "scenario", h->name, h->status);
      g_hash_table_insert (host_of, h->name, h);
      g_hash_table_insert (used, h->name, g_new0 (gint64, 1));
      write_host (body, h, &clusters, &hosts);
    }
  guint placed = 0, unplaced = 0;
  for (guint i = 0; i < e->vms->len; i++)
    {
      HerdEstateVm *v = g_ptr_array_index (e->vms, i);
      gboolean keep;
      const char *host = check_vm (e, v, &clusters, &hosts, host_of, used,
                                   overhead, &keep);
      if (!keep)
        continue;
      if (!names_give (&vms, v->name))
        {
          herd_estate_note (e, "vm \"%s\": named twice: the second is not "
                            "imported", v->name);
          continue;
        }
      write_vm (body, v, host, &clusters, &hosts, &vms, &domains, e);
      if (host != NULL)
        placed++;
      else
        unplaced++;
    }
  for (guint i = 0; i < e->affinity->len; i++)
    {
      HerdEstateAffinity *a = g_ptr_array_index (e->affinity, i);
      g_autofree char *what = g_strdup_printf ("affinity group \"%s\"",
                                               a->name);
      g_autofree char *members = names_list (&vms, a->vms, what);
      g_autofree char *on = names_list (&hosts, a->hosts, what);
      gboolean vm_rule = a->vm_rule != NULL && members != NULL;
      gboolean host_rule = a->host_rule != NULL && members != NULL
                           && on != NULL;
      if (names_of (&clusters, a->cluster) == NULL
          || (!vm_rule && !host_rule) || !names_give (&groups, a->name))
        {
          herd_estate_note (e, "affinity group \"%s\": no rule with members "
                            "that are imported: not imported", a->name);
          continue;
        }
      g_string_append_printf (body, "\n[affinity %s]\ncluster = %s\n"
                              "vms = %s\n",
                              names_of (&groups, a->name),
                              names_of (&clusters, a->cluster), members);
      if (vm_rule)
        g_string_append_printf (body, "vm_rule = %s\n", a->vm_rule);
      if (vm_rule && a->vm_enforcing >= 0)
        g_string_append_printf (body, "vm_enforcing = %s\n",
                                a->vm_enforcing ? "true" : "false");
      if (host_rule)
        g_string_append_printf (body, "hosts = %s\nhost_rule = %s\n", on,
                                a->host_rule);
      if (host_rule && a->host_enforcing >= 0)
        g_string_append_printf (body, "host_enforcing = %s\n",
                                a->host_enforcing ? "true" : "false");
    }

  for (guint i = 0; i < maintenance->len; i++)
    g_string_append_printf (body, "\n[action maintenance-%u]\n"
                            "at = 0s\nkind = maintenance\ntarget = %s\n",
                            i + 1, names_of (&hosts,
                                             g_ptr_array_index (maintenance,
                                                                i)));
  GString *out = g_string_new (NULL);
  g_string_append_printf (out,
                          "; %s: written by herd import from %s.\n"
                          "; %u hosts; %u VMs running where they run "
                          "(host =), %u placed by the scheduler at time 0;\n"
                          "; %u notes on what was changed or left out "
                          "(herd import prints them).\n"
                          "[scenario]\nname = %s\n",
                          name, e->source, g_hash_table_size (host_of),
                          placed, unplaced, e->notes->len, name);
  if (e->profile != NULL)
    g_string_append_printf (out, "profile = %s\n", e->profile);
  g_string_append (out, body->str);
  g_string_free (body, TRUE);
  names_clear (&dcs);
  names_clear (&clusters);
  names_clear (&hosts);
  names_clear (&vms);
  names_clear (&domains);
  names_clear (&networks);
  names_clear (&groups);
  return g_string_free (out, FALSE);
}
