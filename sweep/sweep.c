/* bench.c: herd bench's configurations and statistics (see bench.h). */
#include "sweep/sweep.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "conf/scenario.h"

void
herd_bench_config_free (gpointer p)
{
  HerdBenchConfig *c = p;
  g_ptr_array_unref (c->settings);
  g_free (c->label);
  g_free (c);
}

/* Adds key=value to a copy of each configuration so far, per value. */
static GPtrArray *
cross (GPtrArray *configs, const char *key, GStrv values)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (herd_bench_config_free);
  for (guint i = 0; i < configs->len; i++)
    for (guint v = 0; values[v] != NULL; v++)
      {
        const HerdBenchConfig *c = g_ptr_array_index (configs, i);
        HerdBenchConfig *n = g_new0 (HerdBenchConfig, 1);
        n->settings = g_ptr_array_new_with_free_func (g_free);
        for (guint k = 0; k < c->settings->len; k++)
          g_ptr_array_add (n->settings,
                           g_strdup (g_ptr_array_index (c->settings, k)));
        g_autofree char *value = g_strstrip (g_strdup (values[v]));
        g_ptr_array_add (n->settings,
                         g_strdup_printf ("%s=%s", key, value));
        g_ptr_array_add (out, n);
      }
  return out;
}

gboolean
herd_bench_configs (GStrv policies, GStrv sets, GPtrArray **out,
                    GError **error)
{
  GPtrArray *configs = g_ptr_array_new_with_free_func (
      herd_bench_config_free);
  HerdBenchConfig *first = g_new0 (HerdBenchConfig, 1);
  first->settings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (configs, first);
  if (policies != NULL && policies[0] != NULL)
    {
      GPtrArray *next = cross (configs, "policy", policies);
      g_ptr_array_unref (configs);
      configs = next;
    }
  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      const char *eq = strchr (sets[i], '=');
      if (eq == NULL || eq == sets[i] || eq[1] == '\0')
        {
          g_set_error (error, HERD_SCENARIO_ERROR,
                       HERD_SCENARIO_ERROR_INVALID,
                       "--set: expected KEY=V1,V2,... such as "
                       "cluster.c1.policy.HighUtilization=70,80, got \"%s\"",
                       sets[i]);
          g_ptr_array_unref (configs);
          return FALSE;
        }
      g_autofree char *key = g_strndup (sets[i], eq - sets[i]);
      g_auto (GStrv) values = g_strsplit (eq + 1, ",", -1);
      GPtrArray *next = cross (configs, key, values);
      g_ptr_array_unref (configs);
      configs = next;
    }
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < configs->len; i++)
    {
      HerdBenchConfig *c = g_ptr_array_index (configs, i);
      g_ptr_array_add (c->settings, NULL);
      c->label = c->settings->len > 1
                     ? g_strjoinv (" ", (char **) c->settings->pdata)
                     : g_strdup ("baseline");
      g_ptr_array_remove_index (c->settings, c->settings->len - 1);
      if (!g_hash_table_add (seen, c->label))
        {
          g_set_error (error, HERD_SCENARIO_ERROR,
                       HERD_SCENARIO_ERROR_INVALID,
                       "the configuration %s comes twice: a value is "
                       "repeated in --policies or --set",
                       c->label);
          g_ptr_array_unref (configs);
          return FALSE;
        }
    }
  *out = configs;
  return TRUE;
}

/* The group a line opens ("cluster c1" for "[cluster  c1] ; comment"),
 * or NULL. */
static char *
header_of (const char *line)
{
  const char *p = line;
  while (g_ascii_isspace (*p))
    p++;
  const char *end = *p == '[' ? strchr (p, ']') : NULL;
  if (end == NULL)
    return NULL;
  g_autofree char *inner = g_strndup (p + 1, end - p - 1);
  g_auto (GStrv) words = g_strsplit_set (g_strstrip (inner), " \t", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", words[i]);
  return g_string_free (out, FALSE);
}

/* Whether line sets key. */
static gboolean
sets_key (const char *line, const char *key)
{
  const char *eq = strchr (line, '=');
  if (eq == NULL)
    return FALSE;
  g_autofree char *k = g_strstrip (g_strndup (line, eq - line));
  return strcmp (k, key) == 0;
}

/* Sets key = value in group of lines (a GPtrArray of char *): replaces
 * the line that sets it, or adds one after the group's header; a
 * [scenario] or [defaults] group that is missing is added.  FALSE when
 * the group is not there. */
static gboolean
set_line (GPtrArray *lines, const char *group, const char *key,
          const char *value, gboolean may_add_group)
{
  gint header = -1;
  for (guint i = 0; i < lines->len; i++)
    {
      g_autofree char *h = header_of (g_ptr_array_index (lines, i));
      if (h != NULL)
        {
          if (header >= 0)
            break; /* the next group: key not in ours */
          if (strcmp (h, group) == 0)
            header = (gint) i;
          continue;
        }
      if (header >= 0 && sets_key (g_ptr_array_index (lines, i), key))
        {
          g_free (g_ptr_array_index (lines, i));
          g_ptr_array_index (lines, i) = g_strdup_printf ("%s = %s", key,
                                                          value);
          return TRUE;
        }
    }
  if (header < 0 && !may_add_group)
    return FALSE;
  if (header < 0)
    {
      g_ptr_array_add (lines, g_strdup_printf ("[%s]", group));
      header = (gint) lines->len - 1;
    }
  g_ptr_array_insert (lines, header + 1,
                      g_strdup_printf ("%s = %s", key, value));
  return TRUE;
}

/* Applies one setting (see bench.h) to lines. */
static gboolean
apply_one (GPtrArray *lines, const char *setting, GError **error)
{
  const char *eq = strchr (setting, '=');
  g_autofree char *path = g_strndup (setting, eq - setting);
  const char *value = eq + 1;
  if (strcmp (path, "policy") == 0)
    {
      g_autoptr (GPtrArray) clusters = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < lines->len; i++)
        {
          char *h = header_of (g_ptr_array_index (lines, i));
          if (h != NULL && g_str_has_prefix (h, "cluster "))
            g_ptr_array_add (clusters, h);
          else
            g_free (h);
        }
      for (guint i = 0; i < clusters->len; i++)
        set_line (lines, g_ptr_array_index (clusters, i), "policy", value,
                  FALSE);
      return TRUE;
    }
  g_auto (GStrv) parts = g_strsplit (path, ".", 3);
  guint n = g_strv_length (parts);
  gboolean unnamed = n >= 2
                     && (strcmp (parts[0], "scenario") == 0
                         || strcmp (parts[0], "defaults") == 0);
  g_autofree char *group = NULL;
  g_autofree char *key = NULL;
  if (unnamed)
    {
      group = g_strdup (parts[0]);
      key = g_strdup (path + strlen (parts[0]) + 1);
    }
  else if (n == 3)
    {
      group = g_strdup_printf ("%s %s", parts[0], parts[1]);
      key = g_strdup (parts[2]);
    }
  if (group == NULL || !set_line (lines, group, key, value, unnamed))
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
                   "--set %s: expected KIND.NAME.KEY naming a group of the "
                   "scenario (such as cluster.c1.policy.HighUtilization), "
                   "or scenario.KEY or defaults.KEY%s%s%s",
                   setting, group != NULL ? "; there is no [" : "",
                   group != NULL ? group : "", group != NULL ? "]" : "");
      return FALSE;
    }
  return TRUE;
}

char *
herd_bench_apply (const char *text, const HerdBenchConfig *config,
                  GError **error)
{
  g_auto (GStrv) split = g_strsplit (text, "\n", -1);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; split[i] != NULL; i++)
    g_ptr_array_add (lines, g_strdup (split[i]));
  for (guint i = 0; i < config->settings->len; i++)
    if (!apply_one (lines, g_ptr_array_index (config->settings, i), error))
      return NULL;
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

void
herd_bench_interval (const double *values, gsize n, double *mean,
                     double *half_width)
{
  *mean = n > 0 ? gsl_stats_mean (values, 1, n) : 0;
  *half_width = 0;
  if (n < 2)
    return;
  double sd = gsl_stats_sd_m (values, 1, n, *mean);
  *half_width = gsl_cdf_tdist_Pinv (0.975, (double) (n - 1)) * sd
                / sqrt ((double) n);
}

const HerdBenchMetric herd_bench_metrics[HERD_BENCH_N_METRICS] = {
  { "unserved_cpu_core_hours", "unserved CPU (core-h)", FALSE },
  { "high_util_host_hours", "over HighUtil (host-h)", FALSE },
  { "migrations", "migrations", FALSE },
  { "migration_downtime_seconds", "migration downtime (s)", FALSE },
  { "vm_downtime_minutes", "VM downtime (min)", FALSE },
  { "energy_kwh", "energy (kWh)", FALSE },
  { "powered_off_host_hours", "hosts off (host-h)", TRUE },
  { "ha_recovery_mean_seconds", "HA recovery (s)", FALSE },
  { "spm_unavailable_seconds", "no SPM (s)", FALSE },
  { "enospc_paused_vm_minutes", "ENOSPC paused (VM-min)", FALSE },
  { "placement_failures", "failed placements", FALSE },
  { "memory_over_host_hours", "over memory (host-h)", FALSE },
  { "memory_squeezed_gib_hours", "ballooned (GiB-h)", FALSE },
};

void
herd_bench_compare (HerdResults *db, const gint64 *config_ids,
                    guint n_configs, guint64 first, guint64 last,
                    guint baseline, HerdBenchStat *stats)
{
  gsize seeds = (gsize) (last - first + 1);
  g_autofree double *values = g_new (double, seeds);
  g_autofree double *base = g_new (double, seeds);
  g_autofree gboolean *have_base = g_new0 (gboolean, seeds);
  g_autofree double *diffs = g_new (double, seeds);
  for (gsize m = 0; m < HERD_BENCH_N_METRICS; m++)
    {
      const char *key = herd_bench_metrics[m].key;
      for (gsize s = 0; s < seeds; s++)
        {
          gint64 run = herd_results_bench_run (db, config_ids[baseline],
                                               first + s);
          have_base[s] = run >= 0
                         && herd_results_summary_value (db, run, key,
                                                        &base[s]);
        }
      for (guint c = 0; c < n_configs; c++)
        {
          HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
          gsize n = 0, pairs = 0;
          for (gsize s = 0; s < seeds; s++)
            {
              gint64 run = herd_results_bench_run (db, config_ids[c],
                                                   first + s);
              double v;
              if (run < 0 || !herd_results_summary_value (db, run, key, &v))
                continue;
              values[n++] = v;
              if (have_base[s])
                diffs[pairs++] = v - base[s];
            }
          herd_bench_interval (values, n, &st->mean, &st->half);
          herd_bench_interval (diffs, pairs, &st->diff_mean, &st->diff_half);
          st->n = n;
          st->n_pairs = pairs;
        }
    }
}

guint
herd_bench_best (const HerdBenchStat *stats, guint n_configs, gsize m)
{
  guint best = G_MAXUINT;
  for (guint c = 0; c < n_configs; c++)
    {
      if (stats[c * HERD_BENCH_N_METRICS + m].n == 0)
        continue; /* no data: never best */
      double x = stats[c * HERD_BENCH_N_METRICS + m].mean;
      if (best == G_MAXUINT
          || (herd_bench_metrics[m].higher_better
                  ? x > stats[best * HERD_BENCH_N_METRICS + m].mean
                  : x < stats[best * HERD_BENCH_N_METRICS + m].mean))
        best = c;
    }
  return best;
}
