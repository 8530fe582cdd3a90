/* bench.h: herd bench's sweep: configurations (policies x parameter values)
 * applied to a scenario's text, and the statistics that compare them.
 *
 * A setting is KEY=VALUE with KEY naming a scenario key by its group:
 * KIND.NAME.KEY for named groups ("cluster.c1.policy.HighUtilization",
 * "cluster.c1.migration_policy", "storage.sd1.capacity") and KIND.KEY for
 * [scenario] and [defaults] ("scenario.duration",
 * "defaults.VolumeExtendChunk").  The policy of every cluster is set with
 * "policy=NAME".  Settings are applied to the scenario's text (the line
 * that sets the key is replaced, or one is added after the group's
 * header), which the strict loader then reads as usual. */
#pragma once

#include <glib.h>

/* One configuration: its settings ("KEY=VALUE", in order) and a label. */
typedef struct
{
  GPtrArray *settings; /* char * */
  char *label;         /* the settings joined by spaces ("baseline" when
                          there is none) */
} HerdBenchConfig;

/* The Cartesian product of policies (NULL or empty: the scenario's) and
 * each option's values ("KEY=V1,V2,..."), first varying slowest.
 * FALSE with error on a malformed option. */
gboolean herd_bench_configs (GStrv policies, GStrv sets, GPtrArray **out,
                             GError **error);
void herd_bench_config_free (gpointer config);

/* The scenario text with config's settings applied; NULL with error when
 * a setting names no group of the scenario. */
char *herd_bench_apply (const char *text, const HerdBenchConfig *config,
                        GError **error);

/* Mean and half-width of the 95% confidence interval (Student's t) of n
 * values; the half-width is 0 for n < 2. */
void herd_bench_interval (const double *values, gsize n, double *mean,
                          double *half_width);
