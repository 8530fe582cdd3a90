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

#include "results/results.h"

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

/* The metrics compared: summary keys of each run (docs/results.md). */
typedef struct
{
  const char *key;
  const char *title;
  gboolean higher_better; /* else a cost: lower is better */
} HerdBenchMetric;

#define HERD_BENCH_N_METRICS 13
extern const HerdBenchMetric herd_bench_metrics[HERD_BENCH_N_METRICS];

/* Per configuration and metric: the values over the seeds, and the
 * paired differences with the baseline's over the same seeds. */
typedef struct
{
  double mean, half;           /* mean, 95% CI half-width */
  double diff_mean, diff_half; /* of config - baseline */
  gsize n, n_pairs;
} HerdBenchStat;

/* Fills stats[c * HERD_BENCH_N_METRICS + m] from the runs recorded in
 * bench_runs for configurations config_ids and seeds first..last. */
void herd_bench_compare (HerdResults *db, const gint64 *config_ids,
                         guint n_configs, guint64 first, guint64 last,
                         guint baseline, HerdBenchStat *stats);
/* The configuration with the best mean of metric m (the first on a tie),
 * among those with data; G_MAXUINT when none has. */
guint herd_bench_best (const HerdBenchStat *stats, guint n_configs,
                       gsize m);
