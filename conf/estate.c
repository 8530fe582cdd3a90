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
#include "conf/scenario.h"

#include "core/model.h"
#include "core/params.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (herd-import-error-quark, herd_import_error)

static void
file_free (gpointer p)
{
  HerdEstateFile *f = p;
  g_free (f->path);
  g_free (f->text);
  g_free (f);
}

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
  e->defaults = g_ptr_array_new_with_free_func (g_free);
  e->history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_array_unref);
  e->files = g_ptr_array_new_with_free_func (file_free);
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
      g_free (v->migration_policy);
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
  g_ptr_array_unref (e->defaults);
  g_hash_table_unref (e->history);
  g_free (e->history_dir);
  g_ptr_array_unref (e->files);
  g_free (e->source);
  g_free (e->profile);
  g_free (e);
}

void
herd_estate_add_sample (HerdEstate *e, const char *vm, gint64 time,
                        double cpu_percent, double memory_percent,
                        double write_bps)
{
  GArray *samples = g_hash_table_lookup (e->history, vm);
  if (samples == NULL)
    {
      samples = g_array_new (FALSE, FALSE, sizeof (HerdEstateSample));
      g_hash_table_insert (e->history, g_strdup (vm), samples);
    }
  HerdEstateSample s = { time, cpu_percent, memory_percent, write_bps };
  g_array_append_val (samples, s);
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
  c->ksm = c->ballooning = -1;
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

static void
disk_free (gpointer p)
{
  HerdEstateDisk *d = p;
  g_free (d->domain);
  if (d->held != NULL)
    g_array_unref (d->held);
  g_free (d);
}

HerdEstateVm *
herd_estate_add_vm (HerdEstate *e, const char *name)
{
  HerdEstateVm *v = g_new0 (HerdEstateVm, 1);
  v->name = g_strdup (name);
  v->vcpus = v->memory_mib = v->guaranteed_mib = v->memory_used_mib = -1;
  v->cpu_percent = -1;
  v->migratable = -1;
  v->disks = g_ptr_array_new_with_free_func (disk_free);
  g_ptr_array_add (e->vms, v);
  return v;
}

HerdEstateDisk *
herd_estate_add_disk (HerdEstateVm *v, gint64 size_mib, gboolean thin,
                      gboolean qcow2, const char *domain)
{
  HerdEstateDisk *d = g_new0 (HerdEstateDisk, 1);
  d->size_mib = size_mib;
  d->thin = thin;
  d->qcow2 = qcow2;
  d->domain = g_strdup (domain);
  d->data_mib = -1;
  g_ptr_array_add (v->disks, d);
  return d;
}

void
herd_estate_disk_held (HerdEstateDisk *d, gint64 time, gint64 mib)
{
  if (d->held == NULL)
    d->held = g_array_new (FALSE, FALSE, sizeof (HerdEstateHeld));
  HerdEstateHeld h = { time, mib };
  g_array_append_val (d->held, h);
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

/* "a, b" of a list of source names, each mapped; the names not known, or
 * (cluster_of not NULL) not in cluster, are noted (what: "affinity group
 * x") and left out; NULL if none is left. */
static char *
names_list (Names *n, const char *list, const char *what,
            GHashTable *cluster_of, const char *cluster)
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
      if (cluster_of != NULL
          && g_strcmp0 (g_hash_table_lookup (cluster_of, item), cluster) != 0)
        {
          herd_estate_note (n->e, "%s: %s \"%s\" is not in cluster \"%s\": "
                            "left out", what, n->kind, item, cluster);
          continue;
        }
      /* the same name twice is written once */
      g_auto (GStrv) have = g_strsplit (out->str, ", ", -1);
      if (out->len > 0 && g_strv_contains ((const char *const *) have, to))
        continue;
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


/* The fence agent kinds of list ("a, b") that are scenario words, "none"
 * never among several; the others noted and left out.  NULL if none. */
static char *
agent_kinds (HerdEstate *e, const char *host, const char *list)
{
  g_auto (GStrv) kinds = g_strsplit (list, ",", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; kinds[i] != NULL; i++)
    {
      const char *kind = g_strstrip (kinds[i]);
      if (*kind == '\0')
        continue;
      if (!herd_scenario_is_name (kind) || strcmp (kind, "none") == 0)
        {
          herd_estate_note (e, "host \"%s\": fence agent \"%s\" is not an "
                            "agent kind: left out", host, kind);
          continue;
        }
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", kind);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The largest size a scenario takes (1024P), and its CPU limits. */
#define MAX_MIB (G_GINT64_CONSTANT (1) << 40)
#define MAX_CORES 4096
#define MAX_THREADS 65536

/* A storage domain as the writer keeps track of it: what the disks
 * written so far take at once, as herd check counts it. */
typedef struct
{
  const char *datacenter; /* source name */
  gboolean data, block;
  gint64 capacity_mib, allocated_mib, volumes;
} Domain;

/* What the writer knows besides the estate. */
typedef struct
{
  HerdEstate *e;
  HerdParams params;
  Names dcs, clusters, hosts, vms, domains, networks, groups;
  GHashTable *dc_of;       /* source cluster -> source data center */
  GHashTable *cluster_of_host, *cluster_of_vm; /* source names */
  GHashTable *domain;      /* source domain name -> Domain (owned) */
  GHashTable *has_data;    /* source data centers with a data domain */
  GHashTable *has_master;  /* source data centers with a master */
  GHashTable *largest;     /* source cluster -> Largest of its imported
                              hosts (owned) */
  gint64 start, end, interval; /* the history replayed: its first and last
                                  sample (seconds since 1970) and its
                                  interval; interval 0: none */
  guint replayed;          /* VMs written with their history */
} Writer;

/* A cluster's most cores and memory of one imported host. */
typedef struct
{
  gint64 cores, memory_mib;
} Largest;

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
check_vm (Writer *w, HerdEstateVm *v, GHashTable *host_of, GHashTable *used,
          gboolean *keep)
{
  HerdEstate *e = w->e;
  Names *clusters = &w->clusters, *hosts = &w->hosts;
  gint64 overhead = w->params.vm_memory_overhead_mib;
  *keep = FALSE;
  if (v->vcpus <= 0 || v->memory_mib <= 0 || v->vcpus > MAX_CORES
      || v->memory_mib > MAX_MIB)
    {
      herd_estate_note (e, "vm \"%s\": no vCPUs or memory known, or more "
                        "than a scenario holds: not imported", v->name);
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
  const Largest *largest = g_hash_table_lookup (w->largest, v->cluster);
  gint64 max_cores = largest ? largest->cores : 0;
  gint64 max_memory = largest ? largest->memory_mib : 0;
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
write_cluster (GString *out, HerdEstate *e, HerdEstateCluster *c, Names *dcs,
               Names *clusters)
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
  if (c->memory_overcommit >= 1 && c->memory_overcommit <= 1000)
    g_string_append_printf (out, "memory_overcommit = %d%%\n",
                            c->memory_overcommit);
  /* oVirt refuses overcommit with neither: KSM stays on then. */
  if (c->ksm == 0 && c->ballooning != 1 && c->memory_overcommit > 100)
    herd_estate_note (e, "cluster \"%s\": overcommit %d%% with neither "
                      "KSM nor ballooning: KSM kept on", c->name,
                      c->memory_overcommit);
  else if (c->ksm == 0)
    g_string_append (out, "ksm = false\n");
  if (c->ballooning == 1)
    g_string_append (out, "ballooning = true\n");
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
write_host (GString *out, HerdEstateHost *h, Names *clusters, Names *hosts,
            HerdEstate *e)
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
  g_autofree char *agents = h->fence_agents != NULL
                               ? agent_kinds (e, h->name, h->fence_agents)
                               : NULL;
  if (agents != NULL)
    g_string_append_printf (out, "fence_agent = %s\n", agents);
}

/* What d held first and last in the history (*first_time, *last_time;
 * FALSE if nothing was recorded). */
static gboolean
held_span (const HerdEstateDisk *d, HerdEstateHeld *first,
           HerdEstateHeld *last)
{
  if (d->held == NULL || d->held->len == 0)
    return FALSE;
  *first = *last = g_array_index (d->held, HerdEstateHeld, 0);
  for (guint i = 1; i < d->held->len; i++)
    {
      const HerdEstateHeld *h = &g_array_index (d->held, HerdEstateHeld, i);
      if (h->time < first->time)
        *first = *h;
      if (h->time > last->time)
        *last = *h;
    }
  return TRUE;
}

/* What thin disk d holds at time 0: what it held at the start of the
 * history replayed, else the source's actual size, else nothing (at most
 * its size). */
static gint64
data_at_start (const Writer *w, const HerdEstateDisk *d)
{
  HerdEstateHeld first, last;
  gint64 data = w->interval > 0 && held_span (d, &first, &last) ? first.mib
                                                               : d->data_mib;
  return d->thin ? CLAMP (data, 0, d->size_mib) : 0;
}

/* vm's disks as the scenario's disk key: those on a data domain of its
 * data center that the domain can hold (noted otherwise), each added to
 * kept; NULL if none. */
static char *
vm_disks (Writer *w, HerdEstateVm *v, const char *dc, GPtrArray *kept)
{
  GString *disks = g_string_new (NULL);
  for (guint k = 0; k < v->disks->len; k++)
    {
      HerdEstateDisk *disk = g_ptr_array_index (v->disks, k);
      gint64 size = disk->size_mib;
      Domain *d = g_hash_table_lookup (w->domain, disk->domain);
      if (d == NULL || !d->data || g_strcmp0 (d->datacenter, dc) != 0)
        {
          herd_estate_note (w->e, "vm \"%s\": disk %u is on \"%s\", not an "
                            "imported data domain of its data center: left "
                            "out", v->name, k + 1, disk->domain);
          continue;
        }
      gint64 data = data_at_start (w, disk);
      gint64 first = size <= MAX_MIB
                         ? herd_volume_first_mib (disk->thin, d->block, size,
                                                  data,
                                                  w->params.thin_initial_mib)
                         : 0;
      if (size <= 0 || size > MAX_MIB
          || d->allocated_mib + first > d->capacity_mib
          || (d->block && d->volumes + 1 > w->params.max_block_volumes))
        {
          herd_estate_note (w->e, "vm \"%s\": disk %u (%" G_GINT64_FORMAT
                            " MiB) does not fit what storage domain \"%s\" "
                            "holds: left out", v->name, k + 1, size,
                            disk->domain);
          continue;
        }
      d->allocated_mib += first;
      d->volumes++;
      g_autofree char *text = size_text (size);
      g_string_append_printf (disks, "%s%s %s %s", disks->len ? ", " : "",
                              text, disk->thin ? "thin" : "preallocated",
                              (disk->thin && d->block) || disk->qcow2
                                  ? "qcow2"
                                  : "raw");
      if (data > 0)
        {
          g_autofree char *held = size_text (data);
          g_string_append_printf (disks, " data=%s", held);
        }
      g_string_append_printf (disks, " %s",
                              names_of (&w->domains, disk->domain));
      g_ptr_array_add (kept, disk);
    }
  if (disks->len == 0)
    {
      g_string_free (disks, TRUE);
      return NULL;
    }
  return g_string_free (disks, FALSE);
}

static gint
by_time (gconstpointer a, gconstpointer b)
{
  const HerdEstateSample *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->cpu_percent < y->cpu_percent ? -1
                                         : x->cpu_percent > y->cpu_percent;
}

/* The history's span and its interval (the most frequent step between
 * a VM's samples; the shorter of equals), or none (interval 0) when there
 * is none to replay. */
static void
history_span (Writer *w)
{
  HerdEstate *e = w->e;
  if (g_hash_table_size (e->history) == 0)
    return;
  if (e->history_dir == NULL)
    {
      herd_estate_note (e, "history: the samples of %u VMs are not "
                        "replayed: herd import writes them only beside a "
                        "scenario written to a file (-o FILE)",
                        g_hash_table_size (e->history));
      return;
    }
  g_autoptr (GHashTable) steps = g_hash_table_new_full (
      g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter it;
  gpointer value;
  w->start = G_MAXINT64;
  w->end = G_MININT64;
  g_hash_table_iter_init (&it, e->history);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      GArray *a = value;
      g_array_sort (a, by_time);
      w->start = MIN (w->start, g_array_index (a, HerdEstateSample, 0).time);
      w->end = MAX (w->end,
                    g_array_index (a, HerdEstateSample, a->len - 1).time);
      for (guint i = 1; i < a->len; i++)
        {
          gint64 step = g_array_index (a, HerdEstateSample, i).time
                        - g_array_index (a, HerdEstateSample, i - 1).time;
          if (step <= 0)
            continue;
          gpointer key = g_memdup2 (&step, sizeof step);
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (steps, key));
          g_hash_table_replace (steps, key, GUINT_TO_POINTER (count + 1));
        }
    }
  guint best = 0;
  gpointer key;
  g_hash_table_iter_init (&it, steps);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      gint64 step = *(gint64 *) key;
      guint count = GPOINTER_TO_UINT (value);
      if (count > best || (count == best && step < w->interval))
        {
          best = count;
          w->interval = step;
        }
    }
  if (w->interval == 0)
    w->interval = 60; /* one sample per VM: a minute, as oVirt's DWH */
}

/* A row of a VM's history file: its memory column empty when unknown
 * (memory < 0). */
static void
history_row (GString *text, gint64 time, const char *vm, double cpu_percent,
             double memory_percent)
{
  g_string_append_printf (text, "%" G_GINT64_FORMAT ",%s,%.3f,", time, vm,
                          cpu_percent);
  if (memory_percent >= 0)
    g_string_append_printf (text, "%.3f", memory_percent);
  g_string_append_c (text, '\n');
}

/* VM v's samples as a samples trace file (conf/trace.h) over the whole
 * history, CPU and (where known) memory: where it has no sample (it did
 * not run, or was not measured: before its first, after its last, and in
 * a gap of more than one and a half intervals) it is idle and holds no
 * memory, 0%.  Its path; *memory whether any memory was known. */
static char *
history_file (Writer *w, HerdEstateVm *v, GArray *a, gboolean *memory)
{
  const char *name = names_of (&w->vms, v->name);
  HerdEstateFile *f = g_new0 (HerdEstateFile, 1);
  f->path = g_strdup_printf ("%s/%s.csv", w->e->history_dir, name);
  GString *text = g_string_new ("time,vm,cpu_usage_percent,"
                                "memory_usage_percent\n");
  gint64 gap = w->interval + w->interval / 2;
  gint64 last = w->start - w->interval; /* the row before, as if idle */
  *memory = FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const HerdEstateSample *x = &g_array_index (a, HerdEstateSample, i);
      if (i > 0 && x->time == x[-1].time)
        continue; /* a repeated reading: the lowest is kept */
      if (x->time - last > gap)
        history_row (text, MAX (last + w->interval, w->start), name, 0, 0);
      history_row (text, x->time, name, x->cpu_percent, x->memory_percent);
      *memory |= x->memory_percent >= 0;
      last = x->time;
    }
  if (w->end - last >= w->interval)
    history_row (text, last + w->interval, name, 0, 0);
  f->text = g_string_free (text, FALSE);
  g_ptr_array_add (w->e->files, f);
  w->replayed++;
  return g_strdup (f->path);
}

static gint
by_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* The median of values (sorted here). */
static gint64
median (GArray *values)
{
  g_array_sort (values, by_int64);
  return g_array_index (values, gint64, values->len / 2);
}

/* The growth the history shows, for herd plan: in each cluster, the VMs
 * whose first sample comes a day or more after the history's start are
 * new; with D days from then to the history's end, one VM of their median
 * size arrives every D / (new VMs) (in whole hours).  Only a history of
 * two days or more says anything. */
static void
write_growth (GString *out, Writer *w)
{
  HerdEstate *e = w->e;
  if (w->replayed == 0 || w->end - w->start < 2 * 86400)
    return;
  double days = (double) (w->end - w->start - 86400) / 86400.0;
  for (guint c = 0; c < e->clusters->len; c++)
    {
      const HerdEstateCluster *cluster = g_ptr_array_index (e->clusters, c);
      const char *cname = names_of (&w->clusters, cluster->name);
      if (cname == NULL)
        continue;
      g_autoptr (GArray) memory = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr (GArray) vcpus = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; i < e->vms->len; i++)
        {
          const HerdEstateVm *v = g_ptr_array_index (e->vms, i);
          GArray *a = g_hash_table_lookup (e->history, v->name);
          if (a == NULL || g_strcmp0 (v->cluster, cluster->name) != 0
              || names_of (&w->vms, v->name) == NULL
              || g_array_index (a, HerdEstateSample, 0).time
                     < w->start + 86400)
            continue;
          g_array_append_val (memory, v->memory_mib);
          g_array_append_val (vcpus, v->vcpus);
        }
      if (memory->len == 0)
        continue;
      gint64 hours = MAX ((gint64) llround (days * 24 / memory->len), 1);
      g_autofree char *size = size_text (median (memory));
      g_string_append_printf (out,
                              "\n; %u VMs appeared over the %.1f days after "
                              "the history's first: herd plan adds one of "
                              "their median size every %" G_GINT64_FORMAT
                              "h\n[growth history-%s]\ncluster = %s\n"
                              "every = %" G_GINT64_FORMAT "h\nvms = 1\n"
                              "vcpus = %" G_GINT64_FORMAT "\nmemory = %s\n",
                              memory->len, days, hours, cname, cname, hours,
                              median (vcpus), size);
      herd_estate_note (e, "history: cluster \"%s\": %u new VMs in %.1f "
                        "days: [growth history-%s] for herd plan", cname,
                        memory->len, days, cname);
    }
}

/* VM v's disk writes as a write-rate trace (conf/workload-spec.h,
 * "TIME,RATE" from the history's start) per disk of its disks (the
 * guest's rate spread over them), idle where it has no reading; its path,
 * or NULL when no write was recorded. */
static char *
writes_file (Writer *w, HerdEstateVm *v, GArray *a, guint disks)
{
  gboolean any = FALSE;
  for (guint i = 0; i < a->len && !any; i++)
    any = g_array_index (a, HerdEstateSample, i).write_bps >= 0;
  if (!any || disks == 0)
    return NULL;
  const char *name = names_of (&w->vms, v->name);
  HerdEstateFile *f = g_new0 (HerdEstateFile, 1);
  f->path = g_strdup_printf ("%s/%s-writes.csv", w->e->history_dir, name);
  GString *text = g_string_new (NULL);
  gint64 gap = w->interval + w->interval / 2;
  gint64 last = w->start - w->interval;
  for (guint i = 0; i < a->len; i++)
    {
      const HerdEstateSample *x = &g_array_index (a, HerdEstateSample, i);
      if (i > 0 && x->time == x[-1].time)
        continue;
      if (x->time - last > gap)
        g_string_append_printf (text, "%" G_GINT64_FORMAT "s,0KiB/s\n",
                                MAX (last + w->interval, w->start)
                                    - w->start);
      g_string_append_printf (text, "%" G_GINT64_FORMAT "s,%.3fKiB/s\n",
                              x->time - w->start,
                              MAX (x->write_bps, 0) / 1024.0 / disks);
      last = x->time;
    }
  if (w->end - last >= w->interval)
    g_string_append_printf (text, "%" G_GINT64_FORMAT "s,0KiB/s\n",
                            last + w->interval - w->start);
  f->text = g_string_free (text, FALSE);
  g_ptr_array_add (w->e->files, f);
  return g_strdup (f->path);
}

/* The rate at time t of a disk's recorded growth (held only grows:
 * growth_file): between two samples, what it grew by over the time
 * between them; 0 outside its samples. */
static double
growth_at (const GArray *held, gint64 t)
{
  for (guint i = 1; i < held->len; i++)
    {
      const HerdEstateHeld *a = &g_array_index (held, HerdEstateHeld, i - 1);
      const HerdEstateHeld *b = &g_array_index (held, HerdEstateHeld, i);
      if (a->time <= t && t < b->time)
        return (double) (b->mib - a->mib) / (double) (b->time - a->time);
    }
  return 0;
}

static gint
by_held_time (gconstpointer a, gconstpointer b)
{
  const HerdEstateHeld *x = a, *y = b;
  return x->time < y->time ? -1 : x->time > y->time;
}

static gint
by_value (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* VM v's thin disks' recorded growth (what they held, sample by sample)
 * as its write rate (conf/workload-spec.h, "TIME,RATE" from the history's
 * start): the growth of all its thin disks of kept, spread over them, so
 * that the simulated disks grow as the real ones did (new_writes stays
 * 100%: rewrites of blocks already there are not in it).  NULL when no
 * thin disk has two samples. */
static char *
growth_file (Writer *w, HerdEstateVm *v, GPtrArray *kept)
{
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint thin = 0;
  for (guint k = 0; k < kept->len; k++)
    {
      HerdEstateDisk *d = g_ptr_array_index (kept, k);
      if (!d->thin || d->held == NULL || d->held->len < 2)
        continue;
      thin++;
      g_array_sort (d->held, by_held_time);
      /* What a disk held only grows: a reading below the one before is
       * its QEMU's restart (libvirt's allocation of a qcow2 volume on a
       * block device is the highest offset written since QEMU started),
       * not data gone; only a new high is growth. */
      for (guint i = 1; i < d->held->len; i++)
        {
          HerdEstateHeld *x = &g_array_index (d->held, HerdEstateHeld, i);
          x->mib = MAX (x->mib, x[-1].mib);
        }
      for (guint i = 0; i < d->held->len; i++)
        g_array_append_val (times, g_array_index (d->held, HerdEstateHeld,
                                                  i).time);
    }
  if (thin == 0)
    return NULL;
  g_array_sort (times, by_value);
  const char *name = names_of (&w->vms, v->name);
  HerdEstateFile *f = g_new0 (HerdEstateFile, 1);
  f->path = g_strdup_printf ("%s/%s-growth.csv", w->e->history_dir, name);
  GString *text = g_string_new (NULL);
  double last = -1;
  for (guint i = 0; i < times->len; i++)
    {
      gint64 t = g_array_index (times, gint64, i);
      if (t < w->start || (i > 0 && t == g_array_index (times, gint64, i - 1)))
        continue;
      double rate = 0;
      for (guint k = 0; k < kept->len; k++)
        {
          const HerdEstateDisk *d = g_ptr_array_index (kept, k);
          if (d->thin && d->held != NULL && d->held->len >= 2)
            rate += growth_at (d->held, t);
        }
      rate /= thin;
      if (rate == last)
        continue;
      if (last < 0 && t > w->start)
        g_string_append (text, "0s,0KiB/s\n");
      g_string_append_printf (text, "%" G_GINT64_FORMAT "s,%.3fKiB/s\n",
                              t - w->start, rate * 1024.0);
      last = rate;
    }
  f->text = g_string_free (text, FALSE);
  g_ptr_array_add (w->e->files, f);
  return g_strdup (f->path);
}

static void
write_vm (GString *out, Writer *w, HerdEstateVm *v, const char *host)
{
  const char *dc = g_hash_table_lookup (w->dc_of, v->cluster);
  g_string_append_printf (out, "\n[vm %s]\ncluster = %s\n",
                          names_of (&w->vms, v->name),
                          names_of (&w->clusters, v->cluster));
  g_string_append_printf (out, "vcpus = %" G_GINT64_FORMAT "\n", v->vcpus);
  size_value (out, "memory", v->memory_mib);
  if (v->guaranteed_mib >= 0 && v->guaranteed_mib < v->memory_mib)
    size_value (out, "guaranteed_memory", v->guaranteed_mib);
  GArray *history = w->interval > 0 ? g_hash_table_lookup (w->e->history,
                                                           v->name)
                                     : NULL;
  if (v->memory_used_mib >= 0 && v->memory_used_mib < v->memory_mib
      && history == NULL)
    size_value (out, "memory_used", v->memory_used_mib);
  if (history != NULL)
    {
      gboolean memory;
      g_autofree char *path = history_file (w, v, history, &memory);
      g_string_append_printf (out, "cpu = trace:samples:%s\n", path);
      if (memory)
        g_string_append_printf (out, "memory_used = trace:samples:%s\n",
                                path);
    }
  else if (v->cpu_percent >= 0)
    g_string_append_printf (out, "cpu = constant(%.1f%%)\n",
                            MIN (v->cpu_percent, 100.0));
  if (v->ha)
    g_string_append (out, "ha = true\n");
  if (v->priority != NULL && strcmp (v->priority, "low") != 0)
    g_string_append_printf (out, "priority = %s\n", v->priority);
  if (v->lease && g_hash_table_contains (w->has_data, dc))
    g_string_append (out, "lease = true\n");
  else if (v->lease)
    herd_estate_note (w->e, "vm \"%s\": its lease is left out (no data "
                      "domain of its data center is imported)", v->name);
  if (v->stateless)
    g_string_append (out, "stateless = true\n");
  if (v->resume != NULL && strcmp (v->resume, "auto_resume") != 0)
    g_string_append_printf (out, "resume = %s\n", v->resume);
  if (v->migration_policy != NULL)
    g_string_append_printf (out, "migration_policy = %s\n",
                            v->migration_policy);
  g_autofree char *what = g_strdup_printf ("vm \"%s\": pinned hosts",
                                           v->name);
  g_autofree char *pinned = names_list (&w->hosts, v->pinned_to, what,
                                        w->cluster_of_host, v->cluster);
  if (pinned != NULL)
    g_string_append_printf (out, "pinned_to = %s\n", pinned);
  if (v->migratable == 0)
    g_string_append (out, "migratable = false\n");
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  g_autofree char *disks = vm_disks (w, v, dc, kept);
  if (disks != NULL)
    {
      g_string_append_printf (out, "disk = %s\n", disks);
      /* what its thin disks grew by where that was recorded, else what
       * it wrote */
      g_autofree char *writes
          = history == NULL ? NULL : growth_file (w, v, kept);
      if (writes == NULL && history != NULL)
        writes = writes_file (w, v, history, kept->len);
      if (writes != NULL)
        g_string_append_printf (out, "write_rate = trace:%s\n", writes);
    }
  if (host != NULL)
    g_string_append_printf (out, "host = %s\n", host);
}

char *
herd_estate_write_scenario (HerdEstate *e, const char *name, GError **error)
{
  Writer w = { .e = e };
  names_init (&w.dcs, e, "datacenter");
  names_init (&w.clusters, e, "cluster");
  names_init (&w.hosts, e, "host");
  names_init (&w.vms, e, "vm");
  names_init (&w.domains, e, "storage domain");
  names_init (&w.networks, e, "network");
  names_init (&w.groups, e, "affinity group");
  w.dc_of = g_hash_table_new (g_str_hash, g_str_equal);
  w.cluster_of_host = g_hash_table_new (g_str_hash, g_str_equal);
  w.cluster_of_vm = g_hash_table_new (g_str_hash, g_str_equal);
  w.domain = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  w.has_data = g_hash_table_new (g_str_hash, g_str_equal);
  w.has_master = g_hash_table_new (g_str_hash, g_str_equal);
  w.largest = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  HerdProfile profile = HERD_PROFILE_RHV_4_1;
  if (e->profile != NULL)
    g_assert (herd_profile_from_string (e->profile, &profile));
  herd_params_init (&w.params, profile);
  /* The [defaults] written count in herd check's sums (a thin LV's first
   * size, a block domain's internal volumes). */
  for (guint i = 0; i < e->defaults->len; i++)
    {
      g_autofree char *p = g_strdup (g_ptr_array_index (e->defaults, i));
      char *eq = strchr (p, '=');
      *eq = '\0';
      herd_params_set (&w.params, p, eq + 1, NULL);
    }
  history_span (&w);
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < e->datacenters->len; i++)
    {
      HerdEstateDatacenter *d = g_ptr_array_index (e->datacenters, i);
      if (names_give (&w.dcs, d->name))
        g_string_append_printf (body, "\n[datacenter %s]\n",
                                names_of (&w.dcs, d->name));
    }
  for (guint i = 0; i < e->domains->len; i++)
    {
      HerdEstateDomain *d = g_ptr_array_index (e->domains, i);
      static const char *const types[]
          = { "nfs", "posix", "posixfs", "localfs", "glusterfs", "iscsi",
              "fcp", NULL };
      static const char *const roles[] = { "data", "iso", "export", NULL };
      gboolean block = g_strcmp0 (d->type, "iscsi") == 0
                       || g_strcmp0 (d->type, "fcp") == 0;
      if (names_of (&w.dcs, d->datacenter) == NULL || d->capacity_mib <= 0
          || d->capacity_mib > MAX_MIB || d->type == NULL
          || !g_strv_contains (types, d->type)
          || (d->role != NULL && !g_strv_contains (roles, d->role))
          || (block && d->capacity_mib < w.params.block_internal_mib)
          || !names_give (&w.domains, d->name))
        {
          herd_estate_note (e, "storage domain \"%s\": no data center, type "
                            "or size a scenario takes, or named twice: not "
                            "imported", d->name);
          continue;
        }
      gboolean data = d->role == NULL || strcmp (d->role, "data") == 0;
      Domain *info = g_new0 (Domain, 1);
      info->datacenter = d->datacenter;
      info->data = data;
      info->block = block;
      info->capacity_mib = d->capacity_mib;
      info->allocated_mib = block ? w.params.block_internal_mib : 0;
      g_hash_table_insert (w.domain, d->name, info);
      if (data)
        g_hash_table_add (w.has_data, d->datacenter);
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
                              names_of (&w.domains, d->name),
                              names_of (&w.dcs, d->datacenter), type);
      if (!data)
        g_string_append_printf (body, "role = %s\n", d->role);
      size_value (body, "capacity", d->capacity_mib);
      if (d->master && data
          && !g_hash_table_contains (w.has_master, d->datacenter))
        {
          g_hash_table_add (w.has_master, d->datacenter);
          g_string_append (body, "master = true\n");
        }
      else if (d->master)
        herd_estate_note (e, "storage domain \"%s\": master in the source, "
                          "not in the scenario (only one data domain per "
                          "data center is)", d->name);
      if (d->used_mib > 0)
        herd_estate_note (e, "storage domain \"%s\": %" G_GINT64_FORMAT
                          " MiB used in the source: the simulation starts "
                          "with what the imported disks take (thin ones "
                          "what they hold where the source says, else "
                          "nothing)", d->name, d->used_mib);
    }
  for (guint i = 0; i < e->networks->len; i++)
    {
      HerdEstateNetwork *n = g_ptr_array_index (e->networks, i);
      if (names_of (&w.dcs, n->datacenter) == NULL
          || !names_give (&w.networks, n->name))
        {
          herd_estate_note (e, "network \"%s\": no data center known, or "
                            "named twice: not imported", n->name);
          continue;
        }
      g_string_append_printf (body, "\n[network %s]\ndatacenter = %s\n",
                              names_of (&w.networks, n->name),
                              names_of (&w.dcs, n->datacenter));
      if (!n->required)
        g_string_append (body, "required = false\n");
      if (!n->vm_network)
        g_string_append (body, "vm_network = false\n");
    }
  for (guint i = 0; i < e->clusters->len; i++)
    {
      HerdEstateCluster *c = g_ptr_array_index (e->clusters, i);
      if (names_of (&w.dcs, c->datacenter) == NULL
          || !names_give (&w.clusters, c->name))
        {
          herd_estate_note (e, "cluster \"%s\": no data center known, or "
                            "named twice: not imported", c->name);
          continue;
        }
      g_hash_table_insert (w.dc_of, c->name, c->datacenter);
      write_cluster (body, e, c, &w.dcs, &w.clusters);
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
      if (h->cores <= 0 || h->memory_mib <= 0 || h->cores > MAX_CORES
          || h->threads > MAX_THREADS || h->memory_mib > MAX_MIB)
        {
          herd_estate_note (e, "host \"%s\": no cores or memory known, or "
                            "more than a scenario holds: not imported",
                            h->name);
          continue;
        }
      if (names_of (&w.clusters, h->cluster) == NULL
          || !names_give (&w.hosts, h->name))
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
      g_hash_table_insert (w.cluster_of_host, h->name, h->cluster);
      Largest *largest = g_hash_table_lookup (w.largest, h->cluster);
      if (largest == NULL)
        g_hash_table_insert (w.largest, h->cluster,
                             largest = g_new0 (Largest, 1));
      largest->cores = MAX (largest->cores, h->cores);
      largest->memory_mib = MAX (largest->memory_mib, h->memory_mib);
      g_hash_table_insert (used, h->name, g_new0 (gint64, 1));
      write_host (body, h, &w.clusters, &w.hosts, e);
    }
  guint placed = 0, unplaced = 0;
  for (guint i = 0; i < e->vms->len; i++)
    {
      HerdEstateVm *v = g_ptr_array_index (e->vms, i);
      gboolean keep;
      const char *host = check_vm (&w, v, host_of, used, &keep);
      if (!keep)
        continue;
      if (!names_give (&w.vms, v->name))
        {
          herd_estate_note (e, "vm \"%s\": named twice: the second is not "
                            "imported", v->name);
          continue;
        }
      g_hash_table_insert (w.cluster_of_vm, v->name, v->cluster);
      write_vm (body, &w, v, host);
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
      gboolean known = names_of (&w.clusters, a->cluster) != NULL;
      g_autofree char *members
          = known ? names_list (&w.vms, a->vms, what, w.cluster_of_vm,
                                a->cluster)
                  : NULL;
      g_autofree char *on
          = known ? names_list (&w.hosts, a->hosts, what, w.cluster_of_host,
                                a->cluster)
                  : NULL;
      static const char *const rules[] = { "positive", "negative", NULL };
      /* a VM-to-VM rule takes two VMs at least (herd check) */
      gboolean vm_rule = members != NULL && strchr (members, ',') != NULL
                         && a->vm_rule != NULL
                         && g_strv_contains (rules, a->vm_rule);
      gboolean host_rule = members != NULL && on != NULL
                           && a->host_rule != NULL
                           && g_strv_contains (rules, a->host_rule);
      if (!known || (!vm_rule && !host_rule)
          || !names_give (&w.groups, a->name))
        {
          herd_estate_note (e, "affinity group \"%s\": no rule with members "
                            "that are imported: not imported", a->name);
          continue;
        }
      g_string_append_printf (body, "\n[affinity %s]\ncluster = %s\n"
                              "vms = %s\n",
                              names_of (&w.groups, a->name),
                              names_of (&w.clusters, a->cluster), members);
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
  write_growth (body, &w);
  for (guint i = 0; i < maintenance->len; i++)
    g_string_append_printf (body, "\n[action maintenance-%u]\n"
                            "at = 0s\nkind = maintenance\ntarget = %s\n",
                            i + 1, names_of (&w.hosts,
                                             g_ptr_array_index (maintenance,
                                                                i)));
  if (w.interval > 0 && w.replayed < g_hash_table_size (e->history))
    herd_estate_note (e, "history: the samples of %u VMs that are not "
                      "imported are left out",
                      g_hash_table_size (e->history) - w.replayed);
  e->replayed = w.replayed;
  GString *out = NULL;
  if (g_hash_table_size (w.clusters.to) == 0)
    g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                 "%s: nothing to import: no cluster with its data center "
                 "(a scenario needs one)", e->source);
  else
    {
      out = g_string_new (NULL);
      g_string_append_printf (out,
                              "; %s: written by herd import from %s.\n"
                              "; %u hosts; %u VMs running where they run "
                              "(host =), %u placed by the scheduler at time "
                              "0;\n"
                              "; %u notes on what was changed or left out "
                              "(herd import prints them).\n"
                              "[scenario]\nname = %s\n",
                              name, e->source, g_hash_table_size (host_of),
                              placed, unplaced, e->notes->len, name);
      if (e->profile != NULL)
        g_string_append_printf (out, "profile = %s\n", e->profile);
      if (w.replayed > 0)
        g_string_append_printf (
            out,
            "; the recorded history, replayed (%u VMs; %s)\n"
            "duration = %" G_GINT64_FORMAT "s\nstats_interval = %"
            G_GINT64_FORMAT "s\nsample_interval = %" G_GINT64_FORMAT "s\n",
            w.replayed, e->history_dir, w.end - w.start + w.interval,
            w.interval, w.interval);
      if (e->defaults->len > 0)
        g_string_append (out, "\n[defaults]\n");
      for (guint i = 0; i < e->defaults->len; i++)
        {
          const char *p = g_ptr_array_index (e->defaults, i);
          const char *eq = strchr (p, '=');
          g_string_append_printf (out, "%.*s = %s\n", (int) (eq - p), p,
                                  eq + 1);
        }
      g_string_append (out, body->str);
    }
  g_string_free (body, TRUE);
  names_clear (&w.dcs);
  names_clear (&w.clusters);
  names_clear (&w.hosts);
  names_clear (&w.vms);
  names_clear (&w.domains);
  names_clear (&w.networks);
  names_clear (&w.groups);
  g_hash_table_unref (w.dc_of);
  g_hash_table_unref (w.cluster_of_host);
  g_hash_table_unref (w.cluster_of_vm);
  g_hash_table_unref (w.domain);
  g_hash_table_unref (w.has_data);
  g_hash_table_unref (w.has_master);
  g_hash_table_unref (w.largest);
  return out != NULL ? g_string_free (out, FALSE) : NULL;
}
