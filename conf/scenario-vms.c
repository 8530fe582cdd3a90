/* scenario-vms.c: the scenario loader's [vms NAME] and [template NAME]
 * groups, and their disks (see scenario.c).
 *
 * Phase 3 reads a VM group's values (count, vCPUs, memory sizes, workload,
 * disks or template, HA, priority, CPU, boot, arrival and lifetime,
 * networks, hosts it may run on, lease, host placed on, labels) and a
 * template's disks; then checks them against other groups: each disk's
 * storage domain (a data domain of its datacenter, the master by default)
 * and format, a template's disks given to its VMs, a lease's data domain,
 * pinned, preferred and placement hosts of the VMs' cluster.  Phase 4 adds
 * the VMs NAME-1 .. NAME-count and their disks to the model, and keeps a
 * HerdVmGroup of what only the simulator and herd run need. */

#include <string.h>

#include "conf/scenario-private.h"
#include "core/units.h"

#define HERD_SL_DEFAULT_VM_BOOT HERD_SEC (10)
#define HERD_SL_DEFAULT_CPU "constant(10%)"

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

static void
herd_sl_disk_clear (gpointer p)
{
  HerdSlDisk *disk = p;
  g_free (disk->domain);
}

#define HERD_SL_DISK_FORMS                                                  \
  "a comma-separated list of SIZE [thin|preallocated] [raw|qcow2] "         \
  "[data=SIZE] [DOMAIN] such as 100G thin data=30G, 20G preallocated sd1"

/* One disk of disk = ...: its words into *disk (domain and base_mib
 * included: a thin disk's data=, else left -1); NULL, or why it is not a
 * disk (i counts from 0). */
static char *
herd_sl_parse_disk (char **words, guint i, HerdSlDisk *disk)
{
  const char *word[6] = { NULL };
  guint n = 0;
  for (guint w = 0; words[w] != NULL; w++)
    if (*words[w] != '\0')
      {
        if (n < G_N_ELEMENTS (word))
          word[n] = words[w];
        n++;
      }
  g_autoptr (GError) local = NULL;
  if (n == 0)
    return g_strdup_printf ("disk %u is empty", i + 1);
  if (n > 5)
    return g_strdup_printf ("disk %u has more than five words", i + 1);
  if (!herd_units_parse_size_mib (word[0], &disk->size_mib, &local))
    return g_strdup_printf ("disk %u: %s", i + 1, local->message);
  if (disk->size_mib <= 0)
    return g_strdup_printf ("disk %u: its size must be more than 0", i + 1);
  if (disk->size_mib > HERD_SL_MAX_SIZE_MIB)
    return g_strdup_printf ("disk %u: its size must be at most "
                            HERD_SL_MAX_SIZE_TEXT, i + 1);
  /* The allocation and format words, in either order, then data=. */
  guint next = 1;
  gboolean alloc_seen = FALSE;
  for (; next < n && next < 3; next++)
    {
      gboolean alloc = strcmp (word[next], "thin") == 0
                       || strcmp (word[next], "preallocated") == 0;
      gboolean format = strcmp (word[next], "raw") == 0
                        || strcmp (word[next], "qcow2") == 0;
      if (alloc && !alloc_seen)
        {
          disk->thin = strcmp (word[next], "thin") == 0;
          alloc_seen = TRUE;
        }
      else if (format && disk->format == HERD_DISK_FORMAT_DEFAULT)
        disk->format = strcmp (word[next], "raw") == 0 ? HERD_DISK_RAW
                                                       : HERD_DISK_QCOW2;
      else
        break;
    }
  if (next < n && g_str_has_prefix (word[next], "data="))
    {
      if (!herd_units_parse_size_mib (word[next] + 5, &disk->base_mib,
                                      &local))
        return g_strdup_printf ("disk %u: data=: %s", i + 1, local->message);
      if (!disk->thin)
        return g_strdup_printf ("disk %u: data= is for a thin disk (a "
                                "preallocated one takes its whole size)",
                                i + 1);
      if (disk->base_mib < 0 || disk->base_mib > disk->size_mib)
        return g_strdup_printf ("disk %u: data= must lie in 0..its size",
                                i + 1);
      next++;
    }
  if (n > next + 1)
    return g_strdup_printf ("disk %u: \"%s\" is none of thin, "
                            "preallocated, raw, qcow2 and data=SIZE, and is "
                            "not last",
                            i + 1, word[next]);
  if (n == next + 1 && !herd_scenario_is_name (word[next]))
    return g_strdup_printf ("disk %u: \"%s\" is not a storage domain name",
                            i + 1, word[next]);
  if (n == next + 1)
    disk->domain = g_strdup (word[next]);
  return NULL;
}

/* disk = SIZE [thin|preallocated] [raw|qcow2] [data=SIZE] [DOMAIN], ...
 * into g->disks. */
static void
herd_sl_parse_disks (HerdSlLoader *l, HerdSlGroup *g)
{
  g->disks = g_array_new (FALSE, TRUE, sizeof (HerdSlDisk));
  g_array_set_clear_func (g->disks, herd_sl_disk_clear);
  g_autofree char *value = herd_sl_value (l, g, "disk");
  if (value == NULL || *value == '\0')
    return;
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit_set (g_strstrip (items[i]), " \t",
                                             -1);
      HerdSlDisk disk
          = { .thin = FALSE, .domain_id = HERD_ID_NONE, .base_mib = -1 };
      g_autofree char *why = herd_sl_parse_disk (words, i, &disk);
      if (why != NULL)
        {
          g_free (disk.domain);
          g_autofree char *quoted = g_strescape (value, NULL);
          herd_sl_fail_key (l, g, "disk", "expected %s, got \"%s\" (%s)",
                            HERD_SL_DISK_FORMS, quoted, why);
          g_array_set_size (g->disks, 0);
          return;
        }
      g_array_append_val (g->disks, disk);
    }
}

/* [template NAME]: a read-only base image (its disks), holding data of
 * each disk (all of it by default). */
void
herd_sl_parse_template (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_parse_disks (l, g);
  herd_sl_read_size (l, g, "data", -1, FALSE, &g->data_mib);
  for (guint i = 0; i < g->disks->len; i++)
    {
      HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk, i);
      if (g->data_mib > disk->size_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "data");
          g_autofree char *size = herd_sl_format_size (disk->size_mib);
          g_autofree char *expected = g_strdup_printf (
              "a size of at most disk %u's (%s)", i + 1, size);
          herd_sl_fail_expected (l, g, "data", expected, value);
          return;
        }
      /* the data key for every disk, else a disk's own data=, else all */
      if (g->data_mib >= 0)
        disk->base_mib = g->data_mib;
      else if (disk->base_mib < 0)
        disk->base_mib = disk->size_mib;
    }
}

/* memory_used as a model: constant, diurnal or walk in percent of the
 * VM's memory, or trace:samples:FILE (memory_usage_percent). */
static gboolean
herd_sl_parse_vm_memory_model (HerdSlLoader *l, HerdSlGroup *g,
                               const char *text, const char *base_dir)
{
  g_autoptr (GError) local = NULL;
  g->memory_varies = TRUE;
  if (g_str_has_prefix (text, "trace:"))
    {
      g->memory_model = (HerdWorkloadSpec){ .kind = HERD_WORKLOAD_TRACE };
      g->memory_trace = herd_trace_load_memory (text, base_dir, &local);
      if (g->memory_trace != NULL)
        return TRUE;
    }
  else if (herd_workload_parse (text, &g->memory_model, &local))
    return TRUE;
  herd_sl_fail_key (l, g, "memory_used",
                    "%s (or a size such as 6G: the memory_used of the "
                    "guest, always)",
                    local->message);
  g->memory_varies = FALSE;
  return FALSE;
}

/* [vms] memory sizes: memory, then guaranteed_memory and memory_used (at
 * most memory; or a model of it over time) and working_set (at most
 * memory_used), each defaulting to the size it is bounded by. */
static void
herd_sl_parse_vm_memory (HerdSlLoader *l, HerdSlGroup *g,
                         const char *base_dir)
{
  gboolean memory_ok = herd_sl_read_size (l, g, "memory", 0, TRUE,
                                          &g->memory_mib);
  g_autofree char *memory = herd_sl_value (l, g, "memory");

  /* Sizes bounded by memory (or memory_used) default to it. */
  if (herd_sl_read_size (l, g, "guaranteed_memory", -1, FALSE,
                         &g->guaranteed_mib)
      && memory_ok)
    {
      if (g->guaranteed_mib < 0)
        g->guaranteed_mib = g->memory_mib;
      else if (g->guaranteed_mib > g->memory_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "guaranteed_memory");
          g_autofree char *expected = g_strdup_printf (
              "a size of at most memory (%s)", memory);
          herd_sl_fail_expected (l, g, "guaranteed_memory", expected, value);
        }
    }
  g_autofree char *used_text = herd_sl_value (l, g, "memory_used");
  gboolean used_ok;
  if (used_text != NULL
      && (g_str_has_prefix (used_text, "trace:") || strchr (used_text, '(')))
    used_ok = herd_sl_parse_vm_memory_model (l, g, used_text, base_dir)
              && memory_ok;
  else
    used_ok = herd_sl_read_size (l, g, "memory_used", -1, FALSE,
                                 &g->memory_used_mib);
  if (g->memory_varies && used_ok)
    {
      /* its value at time 0: what placement and migrations start from */
      const HerdTraceSeries *first
          = g->memory_trace != NULL
                ? g_ptr_array_index (g->memory_trace->series, 0)
                : NULL;
      double percent = first != NULL
                           ? g_array_index (first->points, HerdTracePoint, 0)
                                 .percent
                           : herd_workload_spec_at_start (&g->memory_model);
      g->memory_used_mib = MAX ((gint64) (g->memory_mib * percent / 100.0), 1);
    }
  else if (used_ok && memory_ok)
    {
      if (g->memory_used_mib < 0)
        g->memory_used_mib = g->memory_mib;
      else if (g->memory_used_mib > g->memory_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "memory_used");
          g_autofree char *expected = g_strdup_printf (
              "a size of at most memory (%s)", memory);
          herd_sl_fail_expected (l, g, "memory_used", expected, value);
          used_ok = FALSE;
        }
    }
  if (herd_sl_read_size (l, g, "working_set", -1, FALSE,
                         &g->working_set_mib)
      && used_ok && memory_ok)
    {
      if (g->working_set_mib < 0)
        g->working_set_mib = g->memory_used_mib;
      else if (g->working_set_mib > g->memory_used_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "working_set");
          g_autofree char *used = herd_sl_format_size (g->memory_used_mib);
          g_autofree char *expected = g_strdup_printf (
              "a size of at most memory_used (%s)", used);
          herd_sl_fail_expected (l, g, "working_set", expected, value);
        }
    }
}

/* [vms]: where the VMs may run and what keeps them running: networks,
 * pinned_to, migratable, preferred_hosts, lease, resume, migration_policy,
 * host, labels.
 * arrival is the arrival key's value (or NULL): a group placed by host
 * takes none. */
static void
herd_sl_parse_vm_placement (HerdSlLoader *l, HerdSlGroup *g,
                            const char *arrival)
{
  int v;
  herd_sl_read_names (l, g, "networks", HERD_SL_NETWORK_NAMES,
                      &g->network_names);
  herd_sl_read_names (l, g, "pinned_to", HERD_SL_HOST_REFS,
                      &g->pinned_names);
  herd_sl_read_boolean (l, g, "migratable", TRUE, &g->migratable);
  herd_sl_read_names (l, g, "preferred_hosts", HERD_SL_HOST_REFS,
                      &g->preferred_names);

  herd_sl_read_boolean (l, g, "lease", FALSE, &g->lease);
  const char *resume[HERD_RESUME_LAST];
  for (int r = 0; r < HERD_RESUME_LAST; r++)
    resume[r] = herd_resume_policy_name ((HerdResumePolicy) r);
  herd_sl_read_choice (l, g, "resume", resume, HERD_RESUME_LAST,
                       HERD_RESUME_AUTO, &v);
  g->resume = (HerdResumePolicy) v;
  const char *migration[HERD_MIGRATION_POLICY_LAST];
  for (int p = 0; p < HERD_MIGRATION_POLICY_LAST; p++)
    migration[p] = herd_migration_policy_name ((HerdMigrationPolicy) p);
  herd_sl_read_choice (l, g, "migration_policy", migration,
                       HERD_MIGRATION_POLICY_LAST, HERD_MIGRATION_POLICY_LAST,
                       &v);
  g->migration_policy = (HerdMigrationPolicy) v;

  /* host: running there at time 0 (resolved in herd_sl_check_placed), so
   * never started: no arrival. */
  g->host = herd_sl_value (l, g, "host");
  g->host_id = HERD_ID_NONE;
  if (g->host != NULL && arrival != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no arrival with host = %s (the VMs run there from time 0)",
          g->host);
      herd_sl_fail_expected (l, g, "arrival", expected, arrival);
    }
  herd_sl_read_names (l, g, "labels", HERD_SL_LABELS, &g->labels);
}

/* [vms NAME]: count and vCPUs, the memory sizes, what the guest writes,
 * disks or template, HA, priority, CPU workload, boot time, arrival and
 * lifetime, then where the VMs run. */
void
herd_sl_parse_vms (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_count (l, g, "VM", HERD_SL_MAX_VMS_PER_GROUP);
  herd_sl_read_integer (l, g, "vcpus", 1, HERD_SL_MAX_CORES, 1, &g->vcpus);
  g_autofree char *base_dir = g_path_get_dirname (l->path);
  herd_sl_parse_vm_memory (l, g, base_dir);
  herd_sl_read_rate (l, g, "dirty_rate", "0M/s", FALSE, &g->dirty_rate);
  g_autofree char *write_rate = herd_sl_value (l, g, "write_rate");
  g_autoptr (GError) rate_error = NULL;
  if (write_rate != NULL
      && !herd_rate_model_parse (write_rate, base_dir, &g->write_rate,
                                 &rate_error))
    herd_sl_fail_key (l, g, "write_rate", "%s", rate_error->message);
  herd_sl_read_fraction (l, g, "new_writes", 1.0, &g->new_writes);
  herd_sl_read_boolean (l, g, "stateless", FALSE, &g->stateless);
  herd_sl_parse_disks (l, g);
  for (guint i = 0; i < g->disks->len; i++)
    {
      HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk, i);
      disk->base_mib = MAX (disk->base_mib, 0); /* a new disk: empty */
    }
  g->template_name = herd_sl_value (l, g, "template");
  herd_sl_read_boolean (l, g, "clone", FALSE, &g->clone);
  if (g->template_name != NULL && g->disks->len > 0)
    herd_sl_fail_key (l, g, "template",
                      "a VM made from a template has the template's disks: "
                      "remove the disk key, or the template key");
  herd_sl_read_boolean (l, g, "ha", FALSE, &g->ha);

  int v;
  const char *priorities[HERD_PRIORITY_LAST];
  for (int p = 0; p < HERD_PRIORITY_LAST; p++)
    priorities[p] = herd_priority_name ((HerdPriority) p);
  herd_sl_read_choice (l, g, "priority", priorities, HERD_PRIORITY_LAST,
                       HERD_PRIORITY_LOW, &v);
  g->priority = (HerdPriority) v;

  g_autofree char *cpu = herd_sl_value (l, g, "cpu");
  g_autoptr (GError) local = NULL;
  if (cpu != NULL && g_str_has_prefix (cpu, "trace:"))
    {
      g->cpu = (HerdWorkloadSpec) { .kind = HERD_WORKLOAD_TRACE };
      g->cpu_trace = herd_trace_load (cpu, base_dir, &local);
      if (g->cpu_trace == NULL)
        herd_sl_fail_key (l, g, "cpu", "%s", local->message);
    }
  else if (!herd_workload_parse (cpu != NULL ? cpu : HERD_SL_DEFAULT_CPU,
                                 &g->cpu, &local))
    herd_sl_fail_key (l, g, "cpu", "%s", local->message);
  g_clear_error (&local);

  herd_sl_read_duration (l, g, "boot_time", HERD_SL_DEFAULT_VM_BOOT, FALSE,
                         &g->boot_time);
  g_autofree char *arrival = herd_sl_value (l, g, "arrival");
  g->arrival = (HerdDistribution) { .kind = HERD_DISTRIBUTION_FIXED };
  if (arrival != NULL
      && !herd_distribution_parse (arrival, &g->arrival, &local))
    herd_sl_fail_key (l, g, "arrival", "%s", local->message);
  g_clear_error (&local);
  g_autofree char *lifetime = herd_sl_value (l, g, "lifetime");
  if (lifetime != NULL)
    {
      if (herd_distribution_parse (lifetime, &g->lifetime, &local))
        g->has_lifetime = TRUE;
      else
        herd_sl_fail_key (l, g, "lifetime", "%s", local->message);
    }

  herd_sl_parse_vm_placement (l, g, arrival);
}

/* ------------------------------------------------------------------ */
/* Phase 3: references and checks                                      */

/* A raw sparse disk needs a file domain: on block storage a thin disk is
 * qcow2 on a growing LV.  Unset formats follow oVirt's defaults: raw when
 * preallocated or on a file domain, qcow2 for thin on block. */
static void
herd_sl_check_formats (HerdSlLoader *l, HerdSlGroup *g)
{
  for (guint i = 0; i < g->disks->len; i++)
    {
      HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk, i);
      if (disk->domain_id == HERD_ID_NONE)
        continue;
      HerdSlGroup *sd = g_ptr_array_index (l->by_kind[HERD_SL_STORAGE],
                                           disk->domain_id);
      gboolean block = herd_storage_type_is_block (sd->storage_type);
      if (disk->thin && block && disk->format == HERD_DISK_RAW)
        {
          herd_sl_fail_key (l, g, "disk",
                            "disk %u: a thin raw (sparse) disk is only for "
                            "file domains; storage %s is %s, where a thin "
                            "disk is qcow2",
                            i + 1, sd->name,
                            herd_storage_type_name (sd->storage_type));
          return;
        }
      if (disk->format == HERD_DISK_FORMAT_DEFAULT)
        disk->format = disk->thin && block ? HERD_DISK_QCOW2 : HERD_DISK_RAW;
    }
}

/* Every disk's domain must be a data domain of the datacenter (of the
 * VMs' cluster, or the template's); a disk without one goes to the
 * datacenter's master. */
void
herd_sl_check_disks (HerdSlLoader *l, HerdSlGroup *g, const HerdId *masters)
{
  guint dc_ref = g->ref;
  g_autofree char *where = g_strdup ("");
  if (g->kind == HERD_SL_VMS)
    {
      HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
      if (!cluster->ok)
        return;
      dc_ref = cluster->ref;
      g_free (where);
      where = g_strdup_printf (" of cluster %s", cluster->name);
    }
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, dc_ref);
  for (guint i = 0; i < g->disks->len; i++)
    {
      HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk, i);
      if (disk->domain == NULL)
        {
          disk->domain_id = masters[dc_ref];
          if (disk->domain_id == HERD_ID_NONE)
            {
              herd_sl_fail_key (l, g, "disk",
                                "datacenter %s%s has no data storage domain "
                                "for disk %u",
                                dc->name, where, i + 1);
              return;
            }
          continue;
        }
      g_autofree char *label = g_strdup_printf ("storage %s", disk->domain);
      HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
      if (sd != NULL && !sd->ok)
        return;
      if (sd == NULL || sd->ref != dc_ref || sd->role != HERD_DOMAIN_DATA)
        {
          GString *names = g_string_new (NULL);
          GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
          for (guint s = 0; s < storage->len; s++)
            {
              HerdSlGroup *o = g_ptr_array_index (storage, s);
              if (o->ref == dc_ref && o->role == HERD_DOMAIN_DATA)
                g_string_append_printf (names, "%s%s",
                                        names->len > 0 ? ", " : "", o->name);
            }
          if (names->len == 0)
            g_string_append (names, "none");
          g_autofree char *expected = g_strdup_printf (
              "a data storage domain of datacenter %s (%s) for disk %u",
              dc->name, names->str, i + 1);
          g_string_free (names, TRUE);
          herd_sl_fail_expected (l, g, "disk", expected, disk->domain);
          return;
        }
      disk->domain_id = sd->index;
    }
  herd_sl_check_formats (l, g);
}

/* VMs made from a template get its disks, on its domains: a thin COW
 * layer over each of its images, or (clone = true) a copy of each, as
 * the image is (preallocated or thin) and holding its data. */
void
herd_sl_apply_template (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->template_name == NULL)
    return;
  g_autofree char *label = g_strdup_printf ("template %s",
                                            g->template_name);
  HerdSlGroup *t = g_hash_table_lookup (l->by_label, label);
  if (t == NULL)
    {
      g_autofree char *names = herd_sl_list_names (l, HERD_SL_TEMPLATE);
      g_autofree char *expected = g_strdup_printf (
          "the name of a [template] group (%s)", names);
      herd_sl_fail_expected (l, g, "template", expected, g->template_name);
      return;
    }
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  if (!t->ok || !cluster->ok)
    return;
  if (t->ref != cluster->ref)
    {
      HerdSlGroup *tdc = herd_sl_group_of (l, HERD_SL_DATACENTER, t->ref);
      HerdSlGroup *cdc = herd_sl_group_of (l, HERD_SL_DATACENTER,
                                           cluster->ref);
      herd_sl_fail_key (l, g, "template",
                        "template %s is in datacenter %s, cluster %s in "
                        "datacenter %s",
                        t->name, tdc->name, cluster->name, cdc->name);
      return;
    }
  for (guint i = 0; i < t->disks->len; i++)
    {
      const HerdSlDisk *image = &g_array_index (t->disks, HerdSlDisk, i);
      HerdSlDisk disk = {
        .size_mib = image->size_mib,
        .thin = g->clone ? image->thin : TRUE,
        .domain = g_strdup (image->domain),
        .domain_id = image->domain_id,
        .base_mib = g->clone ? image->base_mib : 0,
        /* A COW layer over the image is qcow2; a clone keeps its format. */
        .format = g->clone ? image->format : HERD_DISK_QCOW2,
      };
      g_array_append_val (g->disks, disk);
    }
}

/* A VM lease lives on a data domain of the VM's datacenter, so that
 * datacenter needs one. */
void
herd_sl_check_lease (HerdSlLoader *l, HerdSlGroup *g, const HerdId *masters)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  if (!g->lease || !cluster->ok || masters[cluster->ref] != HERD_ID_NONE)
    return;
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, cluster->ref);
  herd_sl_fail_key (l, g, "lease",
                    "datacenter %s of cluster %s has no data storage domain "
                    "to hold the VM lease",
                    dc->name, cluster->name);
}

#define HERD_SL_SAME_CLUSTER_VM "a VM runs only on hosts of its cluster"

/* A VM group's pinned and preferred hosts. */
void
herd_sl_check_vm_hosts (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->pinned_names != NULL)
    g->pinned_ids = herd_sl_resolve_members (l, g, "pinned_to",
                                             g->pinned_names, HERD_SL_HOSTS,
                                             g->ref, HERD_SL_SAME_CLUSTER_VM);
  if (g->preferred_names != NULL)
    g->preferred_ids = herd_sl_resolve_members (
        l, g, "preferred_hosts", g->preferred_names, HERD_SL_HOSTS, g->ref,
        HERD_SL_SAME_CLUSTER_VM);
}

/* A VM group's host: one host of its cluster, into g->host_id. */
void
herd_sl_check_placed (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->host == NULL)
    return;
  char *names[] = { g->host, NULL };
  g_autoptr (GArray) ids = herd_sl_resolve_members (
      l, g, "host", names, HERD_SL_HOSTS, g->ref, HERD_SL_SAME_CLUSTER_VM);
  if (ids == NULL)
    return;
  if (ids->len == 1)
    {
      g->host_id = g_array_index (ids, HerdId, 0);
      return;
    }
  g_autofree char *expected = g_strdup_printf (
      "one host such as %s-1, not a group of %u", g->host, ids->len);
  herd_sl_fail_expected (l, g, "host", expected, g->host);
}

/* ------------------------------------------------------------------ */
/* Phase 4: build                                                      */

void
herd_sl_build_vms (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdModel *model = l->scenario->model;
  HerdVmGroup *group = g_new0 (HerdVmGroup, 1);
  group->kernel = herd_sl_value (l, g, "kernel");
  group->initrd = herd_sl_value (l, g, "initrd");
  group->cmdline = herd_sl_value (l, g, "cmdline");
  guint32 index = l->scenario->vm_groups->len;
  group->name = g_strdup (g->name);
  group->first = model->vms->len;
  group->count = (guint32) g->count;
  group->cpu = g->cpu;
  group->memory_used_mib = g->memory_used_mib;
  group->memory_varies = g->memory_varies;
  group->memory = g->memory_model;
  group->memory_trace = g_steal_pointer (&g->memory_trace);
  group->dirty_rate = g->dirty_rate;
  group->working_set_mib = g->working_set_mib;
  group->write_rate = g->write_rate;
  g->write_rate.trace = NULL; /* the group owns it now */
  group->cpu_trace = g_steal_pointer (&g->cpu_trace);
  group->new_writes = g->new_writes;
  group->stateless = g->stateless;
  group->boot_time = g->boot_time;
  group->arrival = g->arrival;
  group->has_lifetime = g->has_lifetime;
  group->lifetime = g->lifetime;
  group->host = g->host_id;
  g_ptr_array_add (l->scenario->vm_groups, group);
  HerdNetworkSet networks = g->network_ids != NULL
                                ? herd_sl_network_set (model, g->network_ids)
                                : 0;
  for (gint64 i = 1; i <= g->count; i++)
    {
      g_autofree char *name = g->single ? g_strdup (g->name)
                                        : g_strdup_printf (
                                            "%s-%" G_GINT64_FORMAT, g->name,
                                            i);
      HerdVm *vm = herd_model_add_vm (model, name, g->ref);
      vm->vcpus = (guint32) g->vcpus;
      vm->memory_mib = g->memory_mib;
      vm->guaranteed_mib = g->guaranteed_mib;
      vm->ha = g->ha;
      vm->priority = g->priority;
      vm->networks = networks;
      vm->migratable = g->migratable;
      vm->lease = g->lease;
      vm->resume_policy = g->resume;
      vm->migration_policy = g->migration_policy;
      if (g->pinned_ids != NULL)
        herd_id_list_set (&vm->pinned_to, (HerdId *) g->pinned_ids->data,
                          g->pinned_ids->len);
      if (g->preferred_ids != NULL)
        herd_id_list_set (&vm->preferred_hosts,
                          (HerdId *) g->preferred_ids->data,
                          g->preferred_ids->len);
      for (guint d = 0; d < g->disks->len; d++)
        {
          HerdSlDisk *spec = &g_array_index (g->disks, HerdSlDisk, d);
          HerdDisk *disk = herd_model_add_disk (model, vm->id);
          disk->domain = spec->domain_id;
          disk->virtual_mib = spec->size_mib;
          disk->thin = spec->thin;
          disk->base_mib = spec->base_mib;
          disk->format = spec->format;
        }
      g_array_append_val (l->scenario->vm_group_of, index);
    }
}
