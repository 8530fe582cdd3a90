/* cmd-plan.c: `herd plan`, capacity answers with the manager's own
 * scheduler (plan/plan.h): how many more VMs of a size fit with N+1 kept,
 * tiers of shrinking sizes, resources used, free and stranded, per-host
 * headroom, and how many host failures the cluster tolerates now.
 *
 * The cluster comes from a scenario (its VMs placed as the scheduler
 * places them), a Ganeti htools text file, or hspace's --simulate
 * specification; the options and the machine-readable output follow
 * hspace's, with HERD_ in place of HTS_. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli/commands.h"
#include "conf/ganeti.h"
#include "conf/scenario.h"
#include "core/scheduler.h"
#include "core/units.h"
#include "plan/plan.h"

typedef struct
{
  const char *scenario_path;
  const char *ganeti_path;
  const char *simulate;
  const char *cluster_name;
  guint failures;
} Source;

/* A cluster ready to plan on: the input read afresh (each allocation
 * starts from the same state). */
typedef struct
{
  HerdScenario *scenario;
  HerdGanetiCluster ganeti;
  HerdModel *model;  /* borrowed from one of the above */
  HerdPlan *plan;
  HerdId cluster;
  guint placed;      /* VMs of the input placed; */
  guint unplaced;    /* and not */
} Input;

static void
input_clear (Input *in)
{
  herd_plan_free (in->plan);
  if (in->scenario != NULL)
    herd_scenario_free (in->scenario);
  herd_ganeti_clear (&in->ganeti);
  memset (in, 0, sizeof *in);
}

/* Free space of the master domain of a scenario's data center once its
 * volumes are made: new VMs' disks are preallocated there (0 when the
 * data center has no storage). */
static gint64
scenario_pool (const HerdModel *model, HerdId dc)
{
  HerdId master = herd_model_datacenter (model, dc)->master_domain;
  if (master == HERD_ID_NONE)
    return 0;
  g_autofree gint64 *used = herd_plan_domains_used (model);
  return MAX (herd_model_domain (model, master)->capacity_mib - used[master],
              0);
}

static gboolean
input_load (const Source *src, Input *in, GError **error)
{
  memset (in, 0, sizeof *in);
  if (src->scenario_path != NULL)
    {
      in->scenario = herd_scenario_load (src->scenario_path, error);
      if (in->scenario == NULL)
        return FALSE;
      in->model = in->scenario->model;
    }
  else if (src->ganeti_path != NULL
               ? !herd_ganeti_load (src->ganeti_path, &in->ganeti, error)
               : !herd_ganeti_simulate (src->simulate, &in->ganeti, error))
    return FALSE;
  else
    in->model = in->ganeti.model;

  in->cluster = HERD_ID_NONE;
  for (guint i = 0; i < in->model->clusters->len; i++)
    {
      const HerdCluster *c = herd_model_cluster (in->model, i);
      if (src->cluster_name != NULL ? strcmp (c->name, src->cluster_name) == 0
                                    : c->hosts->len > 0)
        {
          in->cluster = i;
          break;
        }
    }
  if (in->cluster == HERD_ID_NONE)
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
                   src->cluster_name != NULL
                       ? "--cluster: no cluster (node group) is called %s"
                       : "no cluster has hosts%s",
                   src->cluster_name != NULL ? src->cluster_name : "");
      input_clear (in);
      return FALSE;
    }
  if (in->scenario != NULL)
    {
      /* A scenario's hosts report all their memory free but the
       * reserve and their committed_memory: no VM runs yet. */
      for (guint i = 0; i < in->model->hosts->len; i++)
        {
          HerdHost *h = herd_model_host (in->model, i);
          h->mem_free_mib = h->memory_mib - h->reserved_mib
                            - h->committed_mem_mib;
        }
      HerdId dc = herd_model_cluster (in->model, in->cluster)->datacenter;
      in->plan = herd_plan_new (in->model, NULL,
                                scenario_pool (in->model, dc));
      /* The scenario's VMs, in file order: on their group's host, or
       * placed as the scheduler places them. */
      guint n = in->model->vms->len;
      for (HerdId v = 0; v < n; v++)
        {
          const HerdVmGroup *group = g_ptr_array_index (
              in->scenario->vm_groups,
              g_array_index (in->scenario->vm_group_of, guint32, v));
          gboolean placed = TRUE;
          herd_plan_set_vm_memory (in->plan, v, group->memory_used_mib,
                                   herd_scenario_vm_memory_peak (in->scenario,
                                                                 v));
          if (group->host != HERD_ID_NONE)
            herd_plan_commit (in->plan, v, group->host, 0);
          else
            placed = herd_plan_place (in->plan, v, 0);
          if (herd_model_vm (in->model, v)->cluster != in->cluster)
            continue;
          if (placed)
            in->placed++;
          else
            in->unplaced++;
        }
    }
  else
    {
      in->plan = herd_plan_new (in->model, in->ganeti.disk_mib, 0);
      for (guint i = 0; i < in->ganeti.instances->len; i++)
        {
          const HerdGanetiInstance *inst = &g_array_index (
              in->ganeti.instances, HerdGanetiInstance, i);
          herd_plan_commit (in->plan, inst->vm, inst->host, inst->disk_mib);
          in->placed += herd_model_vm (in->model, inst->vm)->cluster
                        == in->cluster;
        }
    }
  herd_plan_set_failures (in->plan, src->failures);
  return TRUE;
}

/* DISK,MEM,CPU of option; an error message and FALSE when it is not. */
static gboolean
parse_spec (const char *option, const char *text, HerdPlanSpec *out)
{
  g_auto (GStrv) f = g_strsplit (text, ",", -1);
  gint64 v[3];
  static const char *const names[] = { "DISK", "MEM", "CPU" };
  if (g_strv_length (f) != 3)
    {
      herd_cli_error ("plan", "--%s: expected DISK,MEM,CPU (MiB, MiB, "
                              "vCPUs; memory and CPUs above 0), got \"%s\"",
                      option, text);
      return FALSE;
    }
  for (guint i = 0; i < 3; i++)
    if (!herd_units_parse_integer (f[i], i == 0 ? 0 : 1, G_MAXINT32, &v[i],
                                   NULL))
      {
        herd_cli_error ("plan", "--%s: field %u (%s): expected a whole "
                                "number between %d and %d, got \"%s\"",
                        option, i + 1, names[i], i == 0 ? 0 : 1, G_MAXINT32,
                        f[i]);
        return FALSE;
      }
  *out = (HerdPlanSpec) { v[0], v[1], (guint32) v[2] };
  return TRUE;
}

/* Resources of the cluster's Up hosts after an allocation. */
typedef struct
{
  gint64 total, used, free, stranded;
} Resource;

enum
{
  RES_MEM,
  RES_DSK,
  RES_CPU,
  RES_LAST
};
static const char *const res_keys[RES_LAST] = { "MEM", "DSK", "CPU" };
static const char *const res_names[RES_LAST] = { "memory (MiB)", "disk (MiB)",
                                                 "vCPUs / cores" };

/* Per resource: total, used, free, and free on hosts that cannot take one
 * more VM of the spec for want of some resource (N+1 headroom is not
 * stranded: it is kept on purpose). */
static void
resources (Input *in, HerdPlanSpec spec, Resource res[RES_LAST])
{
  memset (res, 0, sizeof (Resource) * RES_LAST);
  const HerdModel *model = in->model;
  const HerdCluster *c = herd_model_cluster (model, in->cluster);
  HerdVm probe = { .vcpus = spec.vcpus, .memory_mib = spec.mem_mib };
  gint64 need = herd_scheduler_vm_memory_need (model, &probe);
  gboolean pool = in->scenario != NULL;
  /* Per host: vCPUs and disk of the VMs committed there (one pass). */
  guint n_hosts = MAX (model->hosts->len, 1);
  g_autofree gint64 *host_vcpus = g_new0 (gint64, n_hosts);
  g_autofree gint64 *host_disk = g_new0 (gint64, n_hosts);
  for (guint v = 0; v < model->vms->len; v++)
    {
      const HerdVm *vm = herd_model_vm (model, v);
      if (!vm->committed)
        continue;
      host_vcpus[vm->host] += vm->vcpus;
      host_disk[vm->host] += herd_plan_vm_disk (in->plan, v);
    }
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      const HerdHost *h = herd_model_host (model, id);
      if (h->status != HERD_HOST_UP)
        continue;
      gint64 cap = herd_host_memory_ceiling (c, h);
      gint64 mem_free = MAX (MIN (cap - h->committed_mem_mib,
                                  h->mem_free_mib),
                             0);
      gint64 dsk_free = herd_plan_disk_free (in->plan, id);
      gint64 vcpus = host_vcpus[id];
      res[RES_DSK].used += host_disk[id];
      gboolean full = mem_free < need || h->cores < spec.vcpus
                      || (!pool && dsk_free - spec.disk_mib <= 0);
      res[RES_MEM].total += cap;
      res[RES_MEM].used += h->committed_mem_mib;
      res[RES_MEM].free += mem_free;
      res[RES_CPU].total += h->cores;
      res[RES_CPU].used += vcpus;
      res[RES_CPU].free += MAX (h->cores - vcpus, 0);
      if (!pool)
        {
          res[RES_DSK].free += dsk_free;
          if (full)
            res[RES_DSK].stranded += dsk_free;
        }
      if (full)
        {
          res[RES_MEM].stranded += mem_free;
          res[RES_CPU].stranded += MAX (h->cores - vcpus, 0);
        }
    }
  res[RES_DSK].total = res[RES_DSK].used + res[RES_DSK].free;
  if (pool)
    {
      /* Shared storage: the master domain new disks go to. */
      HerdId master = herd_model_datacenter (model, c->datacenter)
                          ->master_domain;
      res[RES_DSK].total = master != HERD_ID_NONE
                               ? herd_model_domain (model, master)
                                     ->capacity_mib
                               : 0;
      res[RES_DSK].free = herd_plan_disk_free (in->plan, 0);
      res[RES_DSK].used = res[RES_DSK].total - res[RES_DSK].free;
    }
}

typedef struct
{
  gboolean machine, json;
  JsonBuilder *b;
} Out;

static void
out_int (Out *o, const char *key, gint64 v)
{
  if (o->machine)
    printf ("HERD_%s=%" G_GINT64_FORMAT "\n", key, v);
  if (o->json)
    {
      g_autofree char *lower = g_ascii_strdown (key, -1);
      json_builder_set_member_name (o->b, lower);
      json_builder_add_int_value (o->b, v);
    }
}

static void
out_str (Out *o, const char *key, const char *v)
{
  if (o->machine)
    {
      /* Single-quoted for a shell: a quote inside is '\''. */
      g_autofree char *q = g_shell_quote (v);
      printf ("HERD_%s=%s\n", key, q);
    }
  if (o->json)
    {
      g_autofree char *lower = g_ascii_strdown (key, -1);
      json_builder_set_member_name (o->b, lower);
      json_builder_add_string_value (o->b, v);
    }
}

static char *
spec_text (HerdPlanSpec s)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u",
                          s.disk_mib, s.mem_mib, s.vcpus);
}

/* The allocation's HERD_ keys (--machine-readable) or its object's
 * members (--json), its "hosts" left to list_hosts. */
static void
output_allocation (Out *o, gboolean tiered, const HerdPlanResult *r,
                   const Resource res[RES_LAST])
{
  const char *prefix = tiered ? "TIERED_" : "";
  g_autofree char *key_count = g_strdup_printf ("%sALLOC_COUNT", prefix);
  g_autofree char *key_reason = g_strdup_printf ("%sFAIL_REASON", prefix);
  g_autoptr (GString) tspec = g_string_new (NULL);
  for (guint t = 0; t < r->tiers->len; t++)
    {
      const HerdPlanTier *tier = &g_array_index (r->tiers, HerdPlanTier, t);
      g_autofree char *st = spec_text (tier->spec);
      g_string_append_printf (tspec, "%s%s=%" G_GUINT64_FORMAT,
                              tspec->len > 0 ? " " : "", st, tier->count);
    }
  if (o->json)
    {
      json_builder_set_member_name (o->b, tiered ? "tiered" : "standard");
      json_builder_begin_object (o->b);
    }
  out_int (o, key_count, (gint64) r->count);
  out_str (o, key_reason, herd_plan_fail_name (r->reason));
  for (int f = 0; f < HERD_PLAN_FAIL_LAST; f++)
    {
      g_autofree char *upper = g_ascii_strup (herd_plan_fail_name (f), -1);
      g_autofree char *key = g_strdup_printf ("%sALLOC_%s_CNT", prefix,
                                              upper);
      out_int (o, key, r->fail[f]);
    }
  if (tiered)
    out_str (o, "TSPEC", tspec->str);
  for (int k = 0; k < RES_LAST; k++)
    {
      static const char *const parts[] = { "TOTAL", "USED", "FREE",
                                           "STRANDED" };
      const gint64 v[] = { res[k].total, res[k].used, res[k].free,
                           res[k].stranded };
      for (int i = 0; i < 4; i++)
        {
          g_autofree char *key = g_strdup_printf ("%s%s_%s", prefix,
                                                  res_keys[k], parts[i]);
          out_int (o, key, v[i]);
        }
    }
}

/* The allocation for people: the tiers, the count, why hosts are full
 * and the resources; with --hosts, the head of the hosts' table. */
static void
print_allocation (const Input *in, HerdPlanSpec spec, gboolean tiered,
                  const HerdPlanResult *r, const Resource res[RES_LAST],
                  gboolean show_hosts)
{
  g_autofree char *st = spec_text (spec);
  printf ("\n%s allocation of disk,memory,vCPUs %s%s:\n",
          tiered ? "Tiered" : "Standard", st,
          herd_plan_used_closed_form (in->plan)
              ? " (identical empty hosts: closed form)"
              : "");
  if (tiered)
    for (guint t = 0; t < r->tiers->len; t++)
      {
        const HerdPlanTier *tier = &g_array_index (r->tiers, HerdPlanTier, t);
        g_autofree char *tt = spec_text (tier->spec);
        printf ("  %8" G_GUINT64_FORMAT " VMs of %s\n", tier->count, tt);
      }
  printf ("  %8" G_GUINT64_FORMAT " VMs placed; most likely failure "
          "reason: %s\n",
          r->count, herd_plan_fail_name (r->reason));
  printf ("  hosts that cannot take one more:");
  for (int f = 0; f < HERD_PLAN_FAIL_LAST; f++)
    if (r->fail[f] > 0)
      printf (" %s %u", herd_plan_fail_name (f), r->fail[f]);
  printf ("\n\n  %-16s %14s %14s %14s %14s\n", "resource", "total",
          "used", "free", "stranded");
  for (int k = 0; k < RES_LAST; k++)
    printf ("  %-16s %14" G_GINT64_FORMAT " %14" G_GINT64_FORMAT
            " %14" G_GINT64_FORMAT " %14" G_GINT64_FORMAT "\n",
            res_names[k], res[k].total, res[k].used, res[k].free,
            res[k].stranded);
  if (show_hosts)
    printf ("\n  %-20s %6s %14s %14s\n", "host", "VMs", "free memory",
            "free disk");
}

/* Every host's VMs and headroom after the allocation: rows of the
 * table (--hosts) or objects of the JSON array. */
static void
list_hosts (const Input *in, gboolean show_hosts, Out *o)
{
  const HerdCluster *c = herd_model_cluster (in->model, in->cluster);
  for (guint i = 0; i < c->hosts->len && (show_hosts || o->json); i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      const HerdHost *h = herd_model_host (in->model, id);
      gint64 cap = herd_host_memory_ceiling (c, h);
      gint64 free_mem = MAX (cap - h->committed_mem_mib, 0);
      gint64 free_dsk = herd_plan_disk_free (in->plan, id);
      if (o->json)
        {
          json_builder_begin_object (o->b);
          json_builder_set_member_name (o->b, "name");
          json_builder_add_string_value (o->b, h->name);
          json_builder_set_member_name (o->b, "vms");
          json_builder_add_int_value (o->b, h->vm_count);
          json_builder_set_member_name (o->b, "free_mem_mib");
          json_builder_add_int_value (o->b, free_mem);
          json_builder_set_member_name (o->b, "free_disk_mib");
          json_builder_add_int_value (o->b, free_dsk);
          json_builder_end_object (o->b);
        }
      else if (!o->machine)
        printf ("  %-20s %6u %14" G_GINT64_FORMAT " %14" G_GINT64_FORMAT
                "\n",
                h->name, h->vm_count, free_mem, free_dsk);
    }
}

/* The cluster with every VM at its peak memory use (herd_plan_memory_peak):
 * keys with prefix, a line of the table after indent. */
static void
output_memory_peak (const Input *in, const char *prefix, Out *o)
{
  HerdPlanMemory mem;
  herd_plan_memory_peak (in->plan, in->cluster, &mem);
  if (mem.worst == HERD_ID_NONE)
    return;
  const char *worst = herd_model_host (in->model, mem.worst)->name;
  const char *const keys[] = { "MEM_PEAK_WORST_HOST", "MEM_PEAK_WORST_PERCENT",
                               "MEM_PEAK_HOSTS_OVER",
                               "MEM_PEAK_HOSTS_SWAPPING",
                               "MEM_PEAK_BALLOON_MIB", "MEM_PEAK_KSM_MIB" };
  g_autofree char *k0 = g_strconcat (prefix, keys[0], NULL);
  out_str (o, k0, worst);
  const gint64 values[] = { (gint64) llround (mem.worst_percent), mem.over,
                            mem.swapping, mem.balloon_mib, mem.ksm_mib };
  for (guint i = 1; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *key = g_strconcat (prefix, keys[i], NULL);
      out_int (o, key, values[i - 1]);
    }
  if (o->machine || o->json)
    return;
  printf ("  memory at peak (every guest at its most at once): the fullest "
          "host %s at %.1f%% of its memory",
          worst, mem.worst_percent);
  if (mem.ksm_mib > 0)
    printf (" (KSM merging %.1f GiB on the cluster)", mem.ksm_mib / 1024.0);
  if (mem.over == 0)
    printf ("; no host over its memory\n");
  else
    printf ("; %u of %u hosts over: %u swap, %u relieved by ballooning "
            "(holding back %.1f GiB of guest memory)\n",
            mem.over, mem.hosts, mem.swapping, mem.over - mem.swapping,
            mem.balloon_mib / 1024.0);
}

/* One allocation (standard or tiered) from a fresh input, reported. */
static int
allocate (const Source *src, HerdPlanSpec spec, gboolean tiered,
          gboolean show_hosts, Out *o)
{
  Input in;
  g_autoptr (GError) error = NULL;
  if (!input_load (src, &in, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return HERD_EXIT_USAGE;
    }
  HerdPlanResult r;
  herd_plan_allocate (in.plan, in.cluster, spec, tiered, &r);
  Resource res[RES_LAST];
  /* Stranded: what the last size tried cannot use. */
  resources (&in,
             g_array_index (r.tiers, HerdPlanTier, r.tiers->len - 1).spec,
             res);
  output_allocation (o, tiered, &r, res);
  if (o->json)
    {
      json_builder_set_member_name (o->b, "hosts");
      json_builder_begin_array (o->b);
    }
  if (!o->machine && !o->json)
    print_allocation (&in, spec, tiered, &r, res, show_hosts);
  output_memory_peak (&in, tiered ? "TIERED_ALLOC_" : "ALLOC_", o);
  list_hosts (&in, show_hosts, o);
  if (o->json)
    {
      json_builder_end_array (o->b);
      json_builder_end_object (o->b);
    }
  herd_plan_result_clear (&r);
  input_clear (&in);
  return HERD_EXIT_OK;
}

/* The cluster as it is: hosts, VMs, N+K now, and HA admission. */
static int
report_state (const Source *src, Out *o)
{
  Input in;
  g_autoptr (GError) error = NULL;
  if (!input_load (src, &in, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return HERD_EXIT_USAGE;
    }
  const HerdCluster *c = herd_model_cluster (in.model, in.cluster);
  guint up = 0;
  for (guint i = 0; i < c->hosts->len; i++)
    up += herd_model_host (in.model, g_array_index (c->hosts, HerdId, i))
              ->status
          == HERD_HOST_UP;
  gboolean n1 = herd_plan_n1_ok (in.plan, in.cluster);
  HerdPlanHa ha;
  herd_plan_ha (in.plan, in.cluster, &ha);
  out_str (o, "CLUSTER", c->name);
  out_int (o, "HOSTS", c->hosts->len);
  out_int (o, "HOSTS_UP", up);
  out_int (o, "VMS", in.placed);
  out_int (o, "VMS_UNPLACED", in.unplaced);
  out_int (o, "FAILURES", src->failures);
  out_int (o, "N1_OK", n1);
  out_int (o, "FAILURES_TOLERATED", ha.any);
  out_int (o, "FAILURES_TOLERATED_SLOTS", ha.slots);
  out_int (o, "FAILURES_TOLERATED_PERCENT", ha.percent);
  out_int (o, "WORST_FAILURE_LOST_VMS", ha.lost->len);
  if (o->json)
    {
      json_builder_set_member_name (o->b, "worst_failure_host");
      if (ha.worst_host == HERD_ID_NONE)
        json_builder_add_null_value (o->b);
      else
        json_builder_add_string_value (
            o->b, herd_model_host (in.model, ha.worst_host)->name);
      json_builder_set_member_name (o->b, "worst_failure_lost");
      json_builder_begin_array (o->b);
      for (guint i = 0; i < ha.lost->len; i++)
        json_builder_add_string_value (
            o->b,
            herd_model_vm (in.model, g_array_index (ha.lost, HerdId, i))
                ->name);
      json_builder_end_array (o->b);
    }
  if (!o->machine && !o->json)
    {
      printf ("herd plan: cluster %s, %u hosts (%u up), %u VMs placed",
              c->name, c->hosts->len, up, in.placed);
      if (in.unplaced > 0)
        printf (", %u that no host takes", in.unplaced);
      printf ("\n  N+%u now: %s\n", src->failures,
              src->failures == 0 ? "not kept (--no-n1)"
              : n1               ? "kept"
                                 : "broken (a failure would leave VMs down)");
      printf ("  host failures tolerated: %u (any hosts, the most loaded "
              "first), %u (slots of %" G_GINT64_FORMAT " MiB and %u vCPUs; "
              "%" G_GINT64_FORMAT " slots), %u (free memory %.1f%% of the "
              "cluster's)\n",
              ha.any, ha.slots, ha.slot_mem_mib, ha.slot_vcpus,
              ha.total_slots, ha.percent, ha.free_percent);
      if (ha.worst_host != HERD_ID_NONE)
        {
          printf ("  worst single failure: %s, %u VMs would not restart",
                  herd_model_host (in.model, ha.worst_host)->name,
                  ha.lost->len);
          for (guint i = 0; i < ha.lost->len && i < 10; i++)
            printf ("%s%s", i == 0 ? ": " : ", ",
                    herd_model_vm (in.model,
                                   g_array_index (ha.lost, HerdId, i))
                        ->name);
          printf ("%s\n", ha.lost->len > 10 ? ", ..." : "");
        }
    }
  output_memory_peak (&in, "", o);
  herd_plan_ha_clear (&ha);
  input_clear (&in);
  return HERD_EXIT_OK;
}

/* "day N" or, from a start date, "YYYY-MM-DD (day N)", with the hour
 * when known (hours >= 0); "not within N days" for -1.  Day N runs from
 * N - 1 to N days after the start: its date is start + N - 1. */
static char *
day_text (gint day, double hours, const GDate *start, guint days)
{
  if (day < 0)
    return g_strdup_printf ("not within %u days", days);
  g_autofree char *at = hours >= 0 ? g_strdup_printf (", %.1f h", hours)
                                   : g_strdup ("");
  if (start == NULL || !g_date_valid (start))
    return g_strdup_printf ("day %d%s", day, at);
  GDate d = *start;
  g_date_add_days (&d, (guint) day - 1);
  char buf[16];
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &d);
  return g_strdup_printf ("%s (day %d%s)", buf, day, at);
}

static void
out_day (Out *o, const char *key, gint day, const GDate *start)
{
  out_int (o, key, day);
  if (day >= 0 && start != NULL && g_date_valid (start) && (o->machine
                                                            || o->json))
    {
      GDate d = *start;
      g_date_add_days (&d, (guint) day - 1);
      char buf[16];
      g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &d);
      g_autofree char *k = g_strdup_printf ("%s_DATE", key);
      out_str (o, k, buf);
    }
}

/* The growth's first placement failure and N+K break, for people. */
static void
print_growth (const HerdPlanGrowth *g, const GDate *start, guint failures)
{
  g_autofree char *fail = day_text (g->first_fail_day, -1, start, g->days);
  g_autofree char *n1 = day_text (g->n1_break_day, -1, start, g->days);
  printf ("\nGrowth ([growth] groups, %u days simulated, %" G_GUINT64_FORMAT
          " VMs added):\n",
          g->days, g->vms_added);
  printf ("  first placement fails: %s", fail);
  if (g->first_fail_day >= 0)
    printf (" (a VM of growth %s: %s)", g->first_fail_group,
            herd_plan_fail_name (g->first_fail_reason));
  g_autofree char *n1_before = g->n1_break_day < 0
                                   && g->first_fail_day >= 0
                               ? g_strdup_printf (
                                     "not before the first placement "
                                     "failed (day %d)",
                                     g->first_fail_day)
                               : NULL;
  printf ("\n  N+%u breaks:            %s\n", failures,
          failures == 0 ? "not kept"
          : n1_before != NULL ? n1_before
                              : n1);
}

/* Data domain i's days (under warning, under critical, full): an object
 * of the JSON array, HERD_DOMAIN_i_ keys or a line for people. */
static void
output_domain_days (const Input *in, const HerdPlanGrowth *g, guint i,
                    const GDate *start, Out *o)
{
  const HerdPlanDomainDays *d = &g_array_index (g->domains,
                                                HerdPlanDomainDays, i);
  const char *name = herd_model_domain (in->model, d->domain)->name;
  if (o->json)
    json_builder_begin_object (o->b);
  g_autofree char *k_name = g_strdup_printf ("DOMAIN_%u_NAME", i);
  g_autofree char *k_w = g_strdup_printf ("DOMAIN_%u_WARNING_DAY", i);
  g_autofree char *k_c = g_strdup_printf ("DOMAIN_%u_CRITICAL_DAY", i);
  g_autofree char *k_f = g_strdup_printf ("DOMAIN_%u_FULL_DAY", i);
  if (o->json)
    {
      out_str (o, "NAME", name);
      out_day (o, "WARNING_DAY", d->warning_day, start);
      out_day (o, "CRITICAL_DAY", d->critical_day, start);
      out_day (o, "FULL_DAY", d->full_day, start);
      json_builder_set_member_name (o->b, "full_hours");
      json_builder_add_double_value (o->b, d->full_hours);
      json_builder_end_object (o->b);
    }
  else if (o->machine)
    {
      out_str (o, k_name, name);
      out_day (o, k_w, d->warning_day, start);
      out_day (o, k_c, d->critical_day, start);
      out_day (o, k_f, d->full_day, start);
      g_autofree char *k_fh = g_strdup_printf ("DOMAIN_%u_FULL_HOURS", i);
      out_int (o, k_fh, (gint64) floor (d->full_hours));
    }
  else
    {
      g_autofree char *w = day_text (d->warning_day, d->warning_hours,
                                     start, g->days);
      g_autofree char *c = day_text (d->critical_day, d->critical_hours,
                                     start, g->days);
      g_autofree char *f = day_text (d->full_day, d->full_hours, start,
                                     g->days);
      printf ("  storage %s: under warning %s; under critical %s; full "
              "%s\n",
              name, w, c, f);
    }
}

/* Time to exhaustion under the scenario's [growth] groups. */
static int
report_growth (const Source *src, guint max_days, const GDate *start,
               Out *o)
{
  Input in;
  g_autoptr (GError) error = NULL;
  if (!input_load (src, &in, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return HERD_EXIT_USAGE;
    }
  HerdPlanGrowth g;
  herd_plan_grow (in.plan, in.scenario, max_days, &g);
  if (!g.growing)
    {
      herd_plan_growth_clear (&g);
      input_clear (&in);
      return HERD_EXIT_OK;
    }
  if (o->json)
    {
      json_builder_set_member_name (o->b, "growth");
      json_builder_begin_object (o->b);
    }
  out_int (o, "GROWTH_DAYS", g.days);
  out_int (o, "GROWTH_VMS_ADDED", (gint64) g.vms_added);
  out_day (o, "FIRST_FAIL_DAY", g.first_fail_day, start);
  if (g.first_fail_day >= 0)
    {
      out_str (o, "FIRST_FAIL_GROUP", g.first_fail_group);
      out_str (o, "FIRST_FAIL_REASON",
               herd_plan_fail_name (g.first_fail_reason));
    }
  out_day (o, "N1_BREAK_DAY", g.n1_break_day, start);
  if (o->json)
    {
      json_builder_set_member_name (o->b, "domains");
      json_builder_begin_array (o->b);
    }
  if (!o->machine && !o->json)
    print_growth (&g, start, src->failures);
  for (guint i = 0; i < g.domains->len; i++)
    output_domain_days (&in, &g, i, start, o);
  if (o->json)
    {
      json_builder_end_array (o->b);
      json_builder_end_object (o->b);
    }
  herd_plan_growth_clear (&g);
  input_clear (&in);
  return HERD_EXIT_OK;
}

/* --machine-readable[=yes|no]: 1 yes, 0 no (or not given). */
static int machine_choice;

static gboolean
machine_readable (const char *name, const char *value, gpointer data,
                  GError **error)
{
  if (value == NULL || strcmp (value, "yes") == 0)
    machine_choice = 1;
  else if (strcmp (value, "no") == 0)
    machine_choice = 0;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: expected yes or no, got \"%s\"", name, value);
      return FALSE;
    }
  return TRUE;
}

/* herd plan's options, as given and then as parsed. */
typedef struct
{
  char *ganeti, *simulate, *standard, *tiered, *cluster, *start_text;
  gint failures, days;
  gboolean no_n1, json, hosts, machine;
  HerdPlanSpec std_spec, tier_spec; /* of standard, tiered when given */
  GDate start;                      /* of start_text when given */
} PlanOptions;

static void
plan_options_clear (PlanOptions *opt)
{
  g_free (opt->ganeti);
  g_free (opt->simulate);
  g_free (opt->standard);
  g_free (opt->tiered);
  g_free (opt->cluster);
  g_free (opt->start_text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlanOptions, plan_options_clear)

/* The command line into opt; FALSE when it does not parse (or --help). */
static gboolean
plan_parse (int *argc, char ***argv, PlanOptions *opt)
{
  machine_choice = 0;
  const GOptionEntry entries[] = {
    { "ganeti", 't', 0, G_OPTION_ARG_FILENAME, &opt->ganeti,
      "Read the cluster from a Ganeti htools text file (as hspace -t)",
      "FILE" },
    { "simulate", 0, 0, G_OPTION_ARG_STRING, &opt->simulate,
      "An empty uniform cluster, as hspace --simulate: POLICY (p, a or u), "
      "number of nodes, disk, memory (MiB) and CPUs of each",
      "POLICY,NODES,DISK,MEM,CPU" },
    { "standard-alloc", 0, 0, G_OPTION_ARG_STRING, &opt->standard,
      "Place VMs of this size (MiB, MiB, vCPUs) until none fits",
      "DISK,MEM,CPU" },
    { "tiered-alloc", 0, 0, G_OPTION_ARG_STRING, &opt->tiered,
      "Start at this size; when none fits, shrink the resource that failed "
      "and go on; list the tiers",
      "DISK,MEM,CPU" },
    { "failures", 0, 0, G_OPTION_ARG_INT, &opt->failures,
      "Keep room to restart the VMs of this many failed hosts (N+K; "
      "default 1)",
      "K" },
    { "no-n1", 0, 0, G_OPTION_ARG_NONE, &opt->no_n1,
      "Keep no room for failures (same as --failures 0)", NULL },
    { "cluster", 0, 0, G_OPTION_ARG_STRING, &opt->cluster,
      "The cluster (Ganeti node group) to plan (default: the first with "
      "hosts)",
      "NAME" },
    { "days", 0, 0, G_OPTION_ARG_INT, &opt->days,
      "For a scenario that grows ([growth] groups, thin disks written to): "
      "run forward at most this many days (default 3650)",
      "N" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &opt->start_text,
      "The date the plan starts (day 1 begins then), to print dates beside "
      "day numbers",
      "YYYY-MM-DD" },
    { "hosts", 0, 0, G_OPTION_ARG_NONE, &opt->hosts,
      "List every host's VMs and headroom after each allocation", NULL },
    { "machine-readable", 0, G_OPTION_FLAG_OPTIONAL_ARG,
      G_OPTION_ARG_CALLBACK, (gpointer) machine_readable,
      "Print HERD_KEY=value lines a shell can source (yes or no; yes when "
      "given alone)",
      "yes|no" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt->json, "Print JSON", NULL },
    { NULL },
  };
  if (!herd_cli_parse (argc, argv, "plan", "[SCENARIO]",
                       "How many more VMs of a size fit a cluster, with N+1 "
                       "kept, and how many host failures it tolerates.",
                       "The cluster is a SCENARIO (its VMs placed as the "
                       "scheduler places them), a Ganeti htools text file "
                       "(--ganeti) or an empty simulated one (--simulate); "
                       "exactly one.  Sizes are in MiB, as hspace takes "
                       "them.\nExit status: 0 done, 2 bad usage or bad "
                       "input.",
                       entries))
    return FALSE;
  opt->machine = machine_choice == 1;
  return TRUE;
}

/* --start YYYY-MM-DD into *start; FALSE with a message when it is not a
 * date. */
static gboolean
parse_start (const char *text, GDate *start)
{
  gint64 y, m, d;
  g_auto (GStrv) parts = g_strsplit (text, "-", -1);
  if (g_strv_length (parts) != 3
      || !herd_units_parse_integer (parts[0], 1, 9999, &y, NULL)
      || !herd_units_parse_integer (parts[1], 1, 12, &m, NULL)
      || !herd_units_parse_integer (parts[2], 1, 31, &d, NULL)
      || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    {
      herd_cli_error ("plan", "--start: expected a date such as "
                              "2026-11-22, got \"%s\"",
                      text);
      return FALSE;
    }
  g_date_set_dmy (start, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

/* The options checked together, sizes and date parsed; FALSE with a
 * message at the first that is wrong. */
static gboolean
plan_check (int argc, PlanOptions *opt)
{
  int sources = (argc > 1) + (opt->ganeti != NULL) + (opt->simulate != NULL);
  if (argc > 2 || sources != 1)
    {
      herd_cli_error ("plan", "expected exactly one of SCENARIO, --ganeti "
                              "FILE and --simulate SPEC (see 'herd plan "
                              "--help')");
      return FALSE;
    }
  if (opt->failures < 0)
    {
      herd_cli_error ("plan", "--failures: expected a whole number >= 0");
      return FALSE;
    }
  if (opt->json && opt->machine)
    {
      herd_cli_error ("plan", "--json and --machine-readable do not go "
                              "together");
      return FALSE;
    }
  if ((opt->standard != NULL
       && !parse_spec ("standard-alloc", opt->standard, &opt->std_spec))
      || (opt->tiered != NULL
          && !parse_spec ("tiered-alloc", opt->tiered, &opt->tier_spec)))
    return FALSE;
  if (opt->days < 1)
    {
      herd_cli_error ("plan", "--days: expected a whole number >= 1");
      return FALSE;
    }
  g_date_clear (&opt->start, 1);
  if (opt->start_text != NULL && !parse_start (opt->start_text, &opt->start))
    return FALSE;
  return TRUE;
}

/* The reports, in order, as one JSON object with --json: the cluster now,
 * the tiered and standard allocations, the growth of a scenario. */
static int
plan_report (const Source *src, const PlanOptions *opt)
{
  Out o = { opt->machine, opt->json, opt->json ? json_builder_new () : NULL };
  if (opt->json)
    json_builder_begin_object (o.b);
  int status = report_state (src, &o);
  if (status == HERD_EXIT_OK && opt->tiered != NULL)
    status = allocate (src, opt->tier_spec, TRUE, opt->hosts, &o);
  if (status == HERD_EXIT_OK && opt->standard != NULL)
    status = allocate (src, opt->std_spec, FALSE, opt->hosts, &o);
  /* A scenario that grows ([growth] groups, thin disks written to): when
   * it runs out. */
  if (status == HERD_EXIT_OK && src->scenario_path != NULL)
    status = report_growth (src, (guint) opt->days,
                            opt->start_text != NULL ? &opt->start : NULL, &o);
  if (status == HERD_EXIT_OK && opt->machine)
    printf ("HERD_OK=1\n");
  if (opt->json)
    {
      json_builder_end_object (o.b);
      if (status == HERD_EXIT_OK)
        herd_cli_print_json (o.b);
      g_object_unref (o.b);
    }
  return status;
}

int
herd_cmd_plan (int argc, char **argv)
{
  g_auto (PlanOptions) opt = { .failures = 1, .days = 3650 };
  if (!plan_parse (&argc, &argv, &opt))
    return HERD_EXIT_USAGE;
  Source src = { argc > 1 ? argv[1] : NULL, opt.ganeti, opt.simulate,
                 opt.cluster, opt.no_n1 ? 0 : (guint) MAX (opt.failures, 0) };
  if (!plan_check (argc, &opt))
    return HERD_EXIT_USAGE;
  return plan_report (&src, &opt);
}
