/* results.h: the results database ("history database") of simulation runs.
 *
 * One SQLite file holds any number of runs, keyed by run id: the scenario
 * text and seed, the audit events, periodic host and VM samples and a
 * summary (metric, value) per run.  The schema is documented in
 * docs/results.md; it only ever gains tables and columns.  Rows of a run are
 * written inside one transaction, committed when the run ends, so a
 * failed or interrupted run leaves no partial rows behind. */
#pragma once

#include <glib.h>

#include "core/audit.h"
#include "core/manager.h"
#include "sim/failover.h"
#include "sim/world.h"
#include "core/herd-time.h"

#define HERD_RESULTS_ERROR (herd_results_error_quark ())
GQuark herd_results_error_quark (void);

typedef enum
{
  HERD_RESULTS_ERROR_SQL,
  HERD_RESULTS_ERROR_LAST
} HerdResultsError;

typedef struct _HerdResults HerdResults;

/* Opens (creating if needed) the database at path. */
HerdResults *herd_results_open (const char *path, GError **error);
void herd_results_close (HerdResults *results);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdResults, herd_results_close)

typedef struct
{
  const char *scenario_name;
  const char *scenario_path;
  const char *scenario_text;
  guint64 seed;
  HerdTime duration;
} HerdRunInfo;

/* Starts a run's transaction and row; returns the run id or -1. */
gint64 herd_results_begin_run (HerdResults *results, const HerdRunInfo *info,
                               GError **error);
void herd_results_add_host (HerdResults *results, guint32 id,
                            const char *name, const char *cluster,
                            guint32 cores, gint64 memory_mib);
void herd_results_add_vm (HerdResults *results, guint32 id, const char *name,
                          const char *cluster, guint32 vcpus,
                          gint64 memory_mib);
/* An audit sink (user_data = the HerdResults). */
void herd_results_audit_sink (const HerdAuditEvent *event,
                              gpointer user_data);
void herd_results_add_host_sample (HerdResults *results, HerdTime t,
                                   guint32 host, const char *status,
                                   double cpu_percent, double demand_percent,
                                   gint64 mem_used_mib, guint32 vm_count);
void herd_results_add_vm_sample (HerdResults *results, HerdTime t,
                                 guint32 vm, guint32 host, const char *status,
                                 double cpu_percent);
void herd_results_add_migration (HerdResults *results,
                                 const HerdMigrationRecord *record,
                                 const char *vm, const char *source,
                                 const char *destination);
void herd_results_add_host_totals (HerdResults *results, guint32 host,
                                   double energy_kwh, double up_seconds,
                                   double off_seconds,
                                   double served_core_hours,
                                   double unserved_core_hours);
/* A placement decision: one row, and one per host of the cluster. */
void herd_results_add_decision (HerdResults *results, const HerdModel *model,
                                const HerdDecision *decision);
/* "EvenCpu=2500/3 EvenMemory=-56000/2": score/rank of each weight that
 * applied to the decision (shared with the --explain table). */
void herd_results_format_weights (const HerdPlacementTrace *trace,
                                  const HerdPlacementHost *host,
                                  GString *out);
void herd_results_add_failover (HerdResults *results,
                                const HerdFailover *failover,
                                const char *host);
void herd_results_add_failover_vm (HerdResults *results, const char *host,
                                   const char *vm, HerdTime down,
                                   HerdTime up);
/* Thin provisioning: a volume extension, an ENOSPC pause, and a storage
 * domain's space at the end of the run. */
void herd_results_add_extension (HerdResults *results,
                                 const HerdThinExtension *extension,
                                 const char *vm, const char *domain);
void herd_results_add_pause (HerdResults *results, const HerdThinPause *pause,
                             const char *vm);
void herd_results_add_storage_sample (HerdResults *results, HerdTime time,
                                      const char *domain,
                                      const HerdThinDomain *space);
/* One volume of a disk's chain (volume 0 is the oldest; active: the one
 * the guest writes to) and what it takes and holds. */
void herd_results_add_volume_sample (HerdResults *results, HerdTime time,
                                     const char *vm, guint32 disk,
                                     guint volume, gboolean active,
                                     gint64 size_mib, double data_mib);
void herd_results_add_storage_totals (HerdResults *results,
                                      const char *domain,
                                      const HerdThinDomain *space);
/* A run's place in a herd bench sweep. */
typedef struct
{
  gint64 config_id;
  guint64 seed;
} HerdBenchTag;

/* Copies every run of the database at src (all its tables) into results
 * in one transaction, with new run ids in src's order, appended to
 * new_ids (gint64) when not NULL; src's herd bench runs are matched by
 * configuration label, and those main has already (same configuration
 * and seed) are left out, so merging twice adds nothing; tag, when not
 * NULL, records src's runs in bench_runs (a worker's database).  On
 * failure nothing is copied. */
gboolean herd_results_merge (HerdResults *results, const char *src,
                             const HerdBenchTag *tag, GArray *new_ids,
                             GError **error);
/* herd bench's bookkeeping: its tables made, a configuration's id (made
 * on first use), the run of a configuration and seed (-1: not yet). */
gboolean herd_results_bench_init (HerdResults *results, GError **error);
gint64 herd_results_bench_config (HerdResults *results, const char *label,
                                  GError **error);
gint64 herd_results_bench_run (HerdResults *results, gint64 config,
                               guint64 seed);
/* Runs sql and calls fn for each row with its columns as numbers and
 * texts (NULL for SQL NULL): for reports. */
typedef void (*HerdResultsRowFunc) (guint n_columns, const double *values,
                                    const char *const *texts, gpointer data);
gboolean herd_results_query (HerdResults *results, const char *sql,
                             HerdResultsRowFunc fn, gpointer data,
                             GError **error);
/* A summary metric of a run. */
gboolean herd_results_summary_value (HerdResults *results, gint64 run_id,
                                     const char *metric, double *value);
void herd_results_add_summary (HerdResults *results, const char *metric,
                               double value);
/* Commits the run (FALSE + error if any row failed to be written). */
gboolean herd_results_end_run (HerdResults *results, GError **error);
