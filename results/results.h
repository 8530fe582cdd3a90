/* results.h: the results database ("history database") of simulation runs.
 *
 * One SQLite file holds any number of runs, keyed by run id: the scenario
 * text and seed, the audit events, periodic host and VM samples and a
 * summary (metric, value) per run.  The schema is documented in
 * docs/results.md; it only ever gains tables and columns, and its version
 * is SQLite's user_version (HERD_RESULTS_SCHEMA): an older file is
 * migrated when opened, a newer one refused.  A run's row is committed
 * first with status "running"; its rows follow in transactions of at most
 * HERD_RESULTS_CHUNK_ROWS rows (the WAL stays small), and the run is
 * marked "done" at the end, or "failed".  A run killed on the way stays
 * "running": every reader takes only "done" runs. */
#pragma once

#include <glib.h>

#include "core/audit.h"
#include "core/herd-time.h"
#include "core/manager.h"
#include "results/failover.h"
#include "sim/world.h"

#define HERD_RESULTS_ERROR (herd_results_error_quark ())
GQuark herd_results_error_quark (void);

typedef enum
{
  HERD_RESULTS_ERROR_SQL,
  HERD_RESULTS_ERROR_SCHEMA,     /* written by a newer herd */
  HERD_RESULTS_ERROR_EXISTS,     /* the run is already there (no redo) */
  HERD_RESULTS_ERROR_INCONSISTENT, /* a run not done, ids that do not match */
  HERD_RESULTS_ERROR_LAST
} HerdResultsError;

/* The schema version this herd writes (PRAGMA user_version; files from
 * before versioning read 0 and are version 1). */
#define HERD_RESULTS_SCHEMA 2
/* Rows written per transaction while a run goes. */
#define HERD_RESULTS_CHUNK_ROWS 50000

/* The SHA-256 of text as 64 lowercase hex digits: a run's scenario
 * identity (runs.scenario_sha256). */
char *herd_results_digest (const char *text);

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
  gboolean redo; /* replace runs of the same identity instead of refusing */
} HerdRunInfo;

/* Records the run (status "running", committed at once) and starts its
 * rows' transaction; returns the run id or -1.  A run's identity is its
 * scenario text's digest, seed, duration and herd version: when the
 * database already holds one of the same identity (whatever its status),
 * -1 with HERD_RESULTS_ERROR_EXISTS, unless info->redo, which deletes it
 * first. */
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
 * and seed, same scenario digest and herd version) are left out, as are
 * other runs whose identity (digest, seed, duration, version) main has,
 * so merging twice adds nothing; *skipped (when not NULL) counts them.
 * tag, when not NULL, records src's runs in bench_runs (a worker's
 * database).  src is refused (HERD_RESULTS_ERROR_INCONSISTENT, the
 * message naming src) when a run of it is not done, when its bench ids do
 * not match its runs, or when main holds the same configuration and seed
 * from another scenario text or herd version.  On failure nothing is
 * copied. */
gboolean herd_results_merge (HerdResults *results, const char *src,
                             const HerdBenchTag *tag, GArray *new_ids,
                             guint *skipped, GError **error);
/* Deletes a run and its rows from every table. */
gboolean herd_results_delete_run (HerdResults *results, gint64 run_id,
                                  GError **error);
/* herd bench's provenance: the runs recorded for a configuration that are
 * not done, or whose scenario digest or herd version is not digest /
 * HERD_VERSION (stale: they were run from another scenario text or by
 * another herd).  Fills stale (HerdBenchStale) and returns how many. */
typedef struct
{
  gint64 run_id;
  guint64 seed;
  char *status;  /* NULL when bench_runs names a run that is not there */
  char *digest;  /* NULL when unknown */
  char *version;
} HerdBenchStale;
guint herd_results_bench_stale (HerdResults *results, gint64 config,
                                const char *digest, GArray *stale);
void herd_results_bench_stale_clear (GArray *stale);
/* Deletes the stale runs of a configuration (as herd_results_bench_stale
 * finds them) with their bench_runs rows; the number deleted, or -1. */
gint64 herd_results_bench_forget (HerdResults *results, gint64 config,
                                  const char *digest, GError **error);
/* Records run_id as the run of config and seed (tests). */
gboolean herd_results_bench_record (HerdResults *results, gint64 config,
                                    guint64 seed, gint64 run_id,
                                    GError **error);
/* herd bench's bookkeeping: its tables made, a configuration's id (made
 * on first use), the done run of a configuration and seed (-1: none). */
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
/* Rows per transaction (tests; default HERD_RESULTS_CHUNK_ROWS). */
void herd_results_set_chunk_rows (HerdResults *results, guint rows);
/* Commits the run and marks it done (FALSE + error if any row failed to
 * be written: the run is then marked failed).  Closing the database in
 * the middle of a run marks it failed. */
gboolean herd_results_end_run (HerdResults *results, GError **error);
