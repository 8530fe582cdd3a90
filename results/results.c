/* results.c: writing runs into the SQLite results database
 * (see results.h and docs/results.md). */
#include "results/results.h"

#include <stdarg.h>
#include <string.h>

#include <sqlite3.h>

G_DEFINE_QUARK (herd-results-error-quark, herd_results_error)

enum
{
  STMT_EVENT,
  STMT_HOST,
  STMT_VM,
  STMT_HOST_SAMPLE,
  STMT_VM_SAMPLE,
  STMT_SUMMARY,
  STMT_MIGRATION,
  STMT_HOST_TOTALS,
  STMT_DECISION,
  STMT_DECISION_HOST,
  STMT_FAILOVER,
  STMT_FAILOVER_VM,
  STMT_EXTENSION,
  STMT_PAUSE,
  STMT_STORAGE_TOTALS,
  STMT_STORAGE_SAMPLE,
  STMT_VOLUME_SAMPLE,
  STMT_LAST
};

static const char *const statements[STMT_LAST] = {
  [STMT_EVENT] = "INSERT INTO events (run_id, time_ns, code, name, severity,"
                 " object, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_HOST] = "INSERT INTO hosts (run_id, host_id, name, cluster, cores,"
                " memory_mib) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_VM] = "INSERT INTO vms (run_id, vm_id, name, cluster, vcpus,"
              " memory_mib) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_HOST_SAMPLE]
  = "INSERT INTO host_samples (run_id, time_ns, host_id, status,"
    " cpu_percent, demand_percent, mem_used_mib, vm_count)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_VM_SAMPLE] = "INSERT INTO vm_samples (run_id, time_ns, vm_id,"
                     " host_id, status, cpu_percent)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_SUMMARY] = "INSERT OR REPLACE INTO summary (run_id, metric, value)"
                   " VALUES (?1, ?2, ?3)",
  [STMT_MIGRATION]
  = "INSERT INTO migrations (run_id, vm, source, destination, reason,"
    " requested_ns, start_ns, end_ns, retries, rounds, bytes_sent,"
    " downtime_ms, max_downtime_ms, post_copy, post_copy_ns, outcome,"
    " why) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
    " ?14, ?15, ?16, ?17)",
  [STMT_HOST_TOTALS]
  = "INSERT INTO host_totals (run_id, host_id, energy_kwh, up_seconds,"
    " off_seconds, served_core_hours, unserved_core_hours)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_DECISION] = "INSERT INTO decisions (run_id, decision_id, time_ns, vm,"
                    " kind, source, chosen) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                    " ?7)",
  [STMT_DECISION_HOST]
  = "INSERT INTO decision_hosts (run_id, decision_id, host, filter, total,"
    " weights) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_FAILOVER]
  = "INSERT INTO failovers (run_id, host, fault, fault_ns, detected_ns,"
    " soft_fence_ns, soft_recovered_ns, non_responsive_ns, fence_start_ns,"
    " fence_confirmed_ns, host_up_ns, spm_elected_ns, vms_down, vms_back,"
    " recovery_max_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12, ?13, ?14, ?15)",
  [STMT_FAILOVER_VM]
  = "INSERT INTO failover_vms (run_id, host, vm, down_ns, up_ns)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_EXTENSION]
  = "INSERT INTO volume_extensions (run_id, disk_id, vm, domain,"
    " requested_ns, extended_ns, done_ns, lv_mib)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_PAUSE] = "INSERT INTO pauses (run_id, vm, reason, start_ns, end_ns)"
                 " VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_STORAGE_SAMPLE]
  = "INSERT INTO storage_samples (run_id, time_ns, domain, capacity_mib,"
    " used_mib) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_VOLUME_SAMPLE]
  = "INSERT INTO volume_samples (run_id, time_ns, vm, disk_id, volume,"
    " active, size_mib, data_mib) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_STORAGE_TOTALS]
  = "INSERT INTO storage_totals (run_id, domain, capacity_mib, used_mib,"
    " min_free_mib, low_seconds, critical_seconds)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

static const char schema[]
    = "CREATE TABLE IF NOT EXISTS runs ("
      " run_id INTEGER PRIMARY KEY,"
      " scenario TEXT NOT NULL, scenario_path TEXT, scenario_text TEXT,"
      " seed INTEGER NOT NULL, duration_ns INTEGER NOT NULL,"
      " herd_version TEXT NOT NULL, status TEXT NOT NULL,"
      " scenario_sha256 TEXT);"
      "CREATE TABLE IF NOT EXISTS events ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " time_ns INTEGER NOT NULL, code INTEGER NOT NULL, name TEXT NOT NULL,"
      " severity TEXT NOT NULL, object TEXT NOT NULL, details TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS hosts ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " host_id INTEGER NOT NULL, name TEXT NOT NULL, cluster TEXT NOT NULL,"
      " cores INTEGER NOT NULL, memory_mib INTEGER NOT NULL,"
      " PRIMARY KEY (run_id, host_id));"
      "CREATE TABLE IF NOT EXISTS vms ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " vm_id INTEGER NOT NULL, name TEXT NOT NULL, cluster TEXT NOT NULL,"
      " vcpus INTEGER NOT NULL, memory_mib INTEGER NOT NULL,"
      " PRIMARY KEY (run_id, vm_id));"
      "CREATE TABLE IF NOT EXISTS host_samples ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " time_ns INTEGER NOT NULL, host_id INTEGER NOT NULL,"
      " status TEXT NOT NULL, cpu_percent REAL NOT NULL,"
      " demand_percent REAL NOT NULL, mem_used_mib INTEGER NOT NULL,"
      " vm_count INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS vm_samples ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " time_ns INTEGER NOT NULL, vm_id INTEGER NOT NULL, host_id INTEGER,"
      " status TEXT NOT NULL, cpu_percent REAL NOT NULL);"
      "CREATE TABLE IF NOT EXISTS summary ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " metric TEXT NOT NULL, value REAL NOT NULL,"
      " PRIMARY KEY (run_id, metric));"
      "CREATE TABLE IF NOT EXISTS migrations ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " vm TEXT NOT NULL, source TEXT NOT NULL, destination TEXT NOT NULL,"
      " reason TEXT NOT NULL, requested_ns INTEGER NOT NULL,"
      " start_ns INTEGER, end_ns INTEGER NOT NULL,"
      " retries INTEGER NOT NULL, rounds INTEGER NOT NULL,"
      " bytes_sent INTEGER NOT NULL, downtime_ms INTEGER NOT NULL,"
      " max_downtime_ms INTEGER NOT NULL, post_copy INTEGER NOT NULL,"
      " post_copy_ns INTEGER NOT NULL, outcome TEXT NOT NULL,"
      " why TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS host_totals ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " host_id INTEGER NOT NULL, energy_kwh REAL NOT NULL,"
      " up_seconds REAL NOT NULL, off_seconds REAL NOT NULL,"
      " served_core_hours REAL NOT NULL, unserved_core_hours REAL NOT NULL,"
      " PRIMARY KEY (run_id, host_id));"
      "CREATE TABLE IF NOT EXISTS decisions ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " decision_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,"
      " vm TEXT NOT NULL, kind TEXT NOT NULL, source TEXT, chosen TEXT,"
      " PRIMARY KEY (run_id, decision_id));"
      "CREATE TABLE IF NOT EXISTS decision_hosts ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " decision_id INTEGER NOT NULL, host TEXT NOT NULL, filter TEXT,"
      " total INTEGER, weights TEXT);"
      "CREATE TABLE IF NOT EXISTS failovers ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " host TEXT NOT NULL, fault TEXT NOT NULL, fault_ns INTEGER NOT NULL,"
      " detected_ns INTEGER, soft_fence_ns INTEGER, soft_recovered_ns"
      " INTEGER, non_responsive_ns INTEGER, fence_start_ns INTEGER,"
      " fence_confirmed_ns INTEGER, host_up_ns INTEGER, spm_elected_ns"
      " INTEGER, vms_down INTEGER NOT NULL, vms_back INTEGER NOT NULL,"
      " recovery_max_ns INTEGER);"
      "CREATE TABLE IF NOT EXISTS volume_extensions ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " disk_id INTEGER NOT NULL, vm TEXT NOT NULL, domain TEXT NOT NULL,"
      " requested_ns INTEGER NOT NULL, extended_ns INTEGER NOT NULL,"
      " done_ns INTEGER, lv_mib INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS pauses ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " vm TEXT NOT NULL, reason TEXT NOT NULL, start_ns INTEGER NOT NULL,"
      " end_ns INTEGER);"
      "CREATE TABLE IF NOT EXISTS storage_samples ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " time_ns INTEGER NOT NULL, domain TEXT NOT NULL,"
      " capacity_mib INTEGER NOT NULL, used_mib INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS volume_samples ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " time_ns INTEGER NOT NULL, vm TEXT NOT NULL,"
      " disk_id INTEGER NOT NULL, volume INTEGER NOT NULL,"
      " active INTEGER NOT NULL, size_mib INTEGER NOT NULL,"
      " data_mib REAL NOT NULL);"
      "CREATE TABLE IF NOT EXISTS storage_totals ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " domain TEXT NOT NULL, capacity_mib INTEGER NOT NULL,"
      " used_mib INTEGER NOT NULL, min_free_mib INTEGER NOT NULL,"
      " low_seconds REAL NOT NULL, critical_seconds REAL NOT NULL);"
      "CREATE TABLE IF NOT EXISTS failover_vms ("
      " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " host TEXT NOT NULL, vm TEXT NOT NULL, down_ns INTEGER NOT NULL,"
      " up_ns INTEGER);"
      "CREATE INDEX IF NOT EXISTS events_run ON events (run_id, time_ns);"
      "CREATE INDEX IF NOT EXISTS host_samples_run"
      " ON host_samples (run_id, host_id, time_ns);"
      "CREATE INDEX IF NOT EXISTS vm_samples_run"
      " ON vm_samples (run_id, vm_id, time_ns);"
      "CREATE INDEX IF NOT EXISTS runs_identity"
      " ON runs (scenario_sha256, seed);";

struct _HerdResults
{
  sqlite3 *db;
  char *path;
  sqlite3_stmt *stmt[STMT_LAST];
  gint64 run_id;
  gint64 decisions;       /* decisions recorded in this run */
  int first_error;        /* first failed step of the run, SQLITE_OK if none */
  char *first_error_text;
  guint chunk_rows;       /* rows per transaction while a run goes */
  guint pending;          /* rows written since the last commit */
};

char *
herd_results_digest (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                        text != NULL ? text : "", -1);
}

/* SQL herd_sha256(text): the digest, for migrating older files and
 * merging them. */
static void
sql_sha256 (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  (void) argc;
  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  g_autofree char *digest
      = herd_results_digest ((const char *) sqlite3_value_text (argv[0]));
  sqlite3_result_text (ctx, digest, -1, SQLITE_TRANSIENT);
}

static gboolean
sql_fail (HerdResults *r, GError **error, const char *what)
{
  g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_SQL,
               "%s: %s: %s", r->path, what, sqlite3_errmsg (r->db));
  return FALSE;
}

static gboolean
exec (HerdResults *r, const char *sql, GError **error)
{
  char *msg = NULL;
  if (sqlite3_exec (r->db, sql, NULL, NULL, &msg) == SQLITE_OK)
    return TRUE;
  g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_SQL, "%s: %s",
               r->path, msg != NULL ? msg : "error");
  sqlite3_free (msg);
  return FALSE;
}

/* A single integer answer of sql (-1 on failure). */
static gint64
query_int (HerdResults *r, const char *sql)
{
  sqlite3_stmt *s = NULL;
  gint64 v = -1;
  if (sqlite3_prepare_v2 (r->db, sql, -1, &s, NULL) == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW)
    v = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return v;
}

/* Brings a file of an older schema to HERD_RESULTS_SCHEMA, and refuses
 * one of a newer.  Version 1 (user_version 0: before versioning) had no
 * runs.scenario_sha256: it is computed from runs.scenario_text, which
 * every run kept (the applied text, for herd bench's runs). */
static gboolean
migrate (HerdResults *r, GError **error)
{
  gint64 version = query_int (r, "PRAGMA user_version");
  if (version > HERD_RESULTS_SCHEMA)
    {
      g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_SCHEMA,
                   "%s: results schema version %" G_GINT64_FORMAT
                   " was written by a newer herd (this herd %s reads up to "
                   "version %d): use that herd, or another database",
                   r->path, version, HERD_VERSION, HERD_RESULTS_SCHEMA);
      return FALSE;
    }
  if (version == HERD_RESULTS_SCHEMA
      || query_int (r, "SELECT COUNT (*) FROM sqlite_master WHERE type = "
                       "'table' AND name = 'runs'")
             != 1)
    return TRUE;
  gboolean has_digest
      = query_int (r, "SELECT COUNT (*) FROM pragma_table_info('runs') "
                      "WHERE name = 'scenario_sha256'")
        == 1;
  if (!exec (r, "BEGIN IMMEDIATE", error))
    return FALSE;
  gboolean ok
      = (has_digest
         || exec (r, "ALTER TABLE runs ADD COLUMN scenario_sha256 TEXT",
                  error))
        && exec (r,
                 "UPDATE runs SET scenario_sha256 = herd_sha256 "
                 "(scenario_text) WHERE scenario_sha256 IS NULL",
                 error)
        && exec (r,
                 "PRAGMA user_version = " G_STRINGIFY (HERD_RESULTS_SCHEMA),
                 error)
        && exec (r, "COMMIT", error);
  if (!ok)
    sqlite3_exec (r->db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

HerdResults *
herd_results_open (const char *path, GError **error)
{
  g_autoptr (HerdResults) r = g_new0 (HerdResults, 1);
  r->path = g_strdup (path);
  r->run_id = -1;
  if (sqlite3_open (path, &r->db) != SQLITE_OK)
    {
      sql_fail (r, error, "cannot open");
      return NULL;
    }
  sqlite3_busy_timeout (r->db, 10000);
  r->chunk_rows = HERD_RESULTS_CHUNK_ROWS;
  sqlite3_create_function (r->db, "herd_sha256", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           sql_sha256, NULL, NULL);
  /* The WAL is checkpointed every 1000 pages and cut back to 64 MiB
   * after a checkpoint: with a run committed in chunks it stays small. */
  if (!exec (r,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
             " PRAGMA wal_autocheckpoint=1000;"
             " PRAGMA journal_size_limit=67108864;",
             error)
      || !migrate (r, error) || !exec (r, schema, error))
    return NULL;
  if (query_int (r, "PRAGMA user_version") != HERD_RESULTS_SCHEMA
      && !exec (r,
                "PRAGMA user_version = " G_STRINGIFY (HERD_RESULTS_SCHEMA),
                error))
    return NULL;
  for (int i = 0; i < STMT_LAST; i++)
    if (sqlite3_prepare_v2 (r->db, statements[i], -1, &r->stmt[i], NULL)
        != SQLITE_OK)
      {
        sql_fail (r, error, "cannot prepare");
        return NULL;
      }
  return g_steal_pointer (&r);
}

/* A run that did not end well: the rows not yet committed go, and the
 * run is marked failed (its committed rows stay; readers take only runs
 * marked done). */
static void
mark_failed (HerdResults *r)
{
  sqlite3_exec (r->db, "ROLLBACK", NULL, NULL, NULL);
  g_autofree char *sql = g_strdup_printf (
      "UPDATE runs SET status = 'failed' WHERE run_id = %" G_GINT64_FORMAT,
      r->run_id);
  sqlite3_exec (r->db, sql, NULL, NULL, NULL);
  r->run_id = -1;
}

void
herd_results_set_chunk_rows (HerdResults *r, guint rows)
{
  r->chunk_rows = MAX (rows, 1);
}

void
herd_results_close (HerdResults *results)
{
  if (results == NULL)
    return;
  if (results->run_id >= 0)
    mark_failed (results);
  for (int i = 0; i < STMT_LAST; i++)
    sqlite3_finalize (results->stmt[i]);
  sqlite3_close (results->db);
  g_free (results->first_error_text);
  g_free (results->path);
  g_free (results);
}

/* The tables of main with a run_id column, runs last. */
static GPtrArray *
run_tables (HerdResults *r, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (
          r->db,
          "SELECT m.name FROM main.sqlite_master AS m WHERE m.type = 'table'"
          " AND EXISTS (SELECT 1 FROM pragma_table_info (m.name) AS c WHERE"
          " c.name = 'run_id') ORDER BY m.name = 'runs', m.name",
          -1, &s, NULL)
      != SQLITE_OK)
    {
      sql_fail (r, error, "cannot list the tables");
      return NULL;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (s) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (s,
                                                                          0)));
  sqlite3_finalize (s);
  return names;
}

/* Deletes a run's rows from every table, in the caller's transaction. */
static gboolean
delete_run (HerdResults *r, gint64 run_id, GError **error)
{
  g_autoptr (GPtrArray) tables = run_tables (r, error);
  if (tables == NULL)
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *sql = g_strdup_printf (
          "DELETE FROM main.\"%s\" WHERE run_id = %" G_GINT64_FORMAT,
          (const char *) g_ptr_array_index (tables, i), run_id);
      if (!exec (r, sql, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
herd_results_delete_run (HerdResults *r, gint64 run_id, GError **error)
{
  g_assert (r->run_id < 0);
  if (!exec (r, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (delete_run (r, run_id, error) && exec (r, "COMMIT", error))
    return TRUE;
  sqlite3_exec (r->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* The ids of the runs of info's identity (scenario text digest, seed,
 * duration, herd version), oldest first, and the status of the first
 * (*status, NULL without); NULL when the query cannot be prepared. */
static GArray *
runs_of_identity (HerdResults *r, const HerdRunInfo *info,
                  const char *digest, char **status, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (r->db,
                          "SELECT run_id, status FROM runs WHERE"
                          " scenario_sha256 = ?1 AND seed = ?2 AND"
                          " duration_ns = ?3 AND herd_version = ?4"
                          " ORDER BY run_id",
                          -1, &s, NULL)
      != SQLITE_OK)
    {
      sql_fail (r, error, "cannot prepare");
      return NULL;
    }
  sqlite3_bind_text (s, 1, digest, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, (sqlite3_int64) info->seed);
  sqlite3_bind_int64 (s, 3, info->duration);
  sqlite3_bind_text (s, 4, HERD_VERSION, -1, SQLITE_STATIC);
  GArray *same = g_array_new (FALSE, FALSE, sizeof (gint64));
  while (sqlite3_step (s) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (s, 0);
      g_array_append_val (same, id);
      if (*status == NULL)
        *status = g_strdup ((const char *) sqlite3_column_text (s, 1));
    }
  sqlite3_finalize (s);
  return same;
}

/* Inserts the runs row of info, marked running, as run *id. */
static gboolean
insert_run (HerdResults *r, const HerdRunInfo *info, const char *digest,
            gint64 *id, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (r->db,
                          "INSERT INTO runs (scenario, scenario_path,"
                          " scenario_text, seed, duration_ns, herd_version,"
                          " status, scenario_sha256) VALUES (?1, ?2, ?3, ?4,"
                          " ?5, ?6, 'running', ?7)",
                          -1, &s, NULL)
      != SQLITE_OK)
    {
      sql_fail (r, error, "cannot prepare");
      return FALSE;
    }
  sqlite3_bind_text (s, 1, info->scenario_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 2, info->scenario_path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, info->scenario_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 4, (sqlite3_int64) info->seed);
  sqlite3_bind_int64 (s, 5, info->duration);
  sqlite3_bind_text (s, 6, HERD_VERSION, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, digest, -1, SQLITE_STATIC);
  int rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    {
      sql_fail (r, error, "cannot insert the run");
      return FALSE;
    }
  *id = sqlite3_last_insert_rowid (r->db);
  return TRUE;
}

gint64
herd_results_begin_run (HerdResults *r, const HerdRunInfo *info,
                        GError **error)
{
  g_assert (r->run_id < 0);
  if (!exec (r, "BEGIN IMMEDIATE", error))
    return -1;
  g_autofree char *digest = herd_results_digest (info->scenario_text);
  /* A run of the same identity: refused, or replaced with redo. */
  g_autofree char *same_status = NULL;
  g_autoptr (GArray) same = runs_of_identity (r, info, digest, &same_status,
                                              error);
  if (same == NULL)
    {
      exec (r, "ROLLBACK", NULL);
      return -1;
    }
  if (same->len > 0 && !info->redo)
    {
      gint64 first = g_array_index (same, gint64, 0);
      g_set_error (
          error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_EXISTS,
          "%s already holds run %" G_GINT64_FORMAT " of this scenario text "
          "(sha256 %.12s...), seed %" G_GUINT64_FORMAT " and duration by "
          "herd %s (status %s%s): run again with --redo to delete it and "
          "redo it, or use another database",
          r->path, first, digest, info->seed, HERD_VERSION, same_status,
          g_strcmp0 (same_status, "running") == 0
              ? ": killed, or still being written by another herd"
              : "");
      exec (r, "ROLLBACK", NULL);
      return -1;
    }
  for (guint i = 0; i < same->len; i++)
    if (!delete_run (r, g_array_index (same, gint64, i), error))
      {
        exec (r, "ROLLBACK", NULL);
        return -1;
      }
  gint64 id = -1;
  if (!insert_run (r, info, digest, &id, error))
    {
      exec (r, "ROLLBACK", NULL);
      return -1;
    }
  /* The run is seen as running from now on; its rows follow in chunks. */
  if (!exec (r, "COMMIT", error))
    {
      exec (r, "ROLLBACK", NULL);
      return -1;
    }
  if (!exec (r, "BEGIN IMMEDIATE", error))
    {
      r->run_id = id;
      mark_failed (r);
      return -1;
    }
  r->run_id = id;
  r->pending = 0;
  r->decisions = 0;
  r->first_error = SQLITE_OK;
  g_clear_pointer (&r->first_error_text, g_free);
  return r->run_id;
}

/* Runs a bound statement; remembers the first failure for end_run. */
static void
step (HerdResults *r, sqlite3_stmt *s)
{
  int rc = sqlite3_step (s);
  if (rc != SQLITE_DONE && r->first_error == SQLITE_OK)
    {
      r->first_error = rc;
      r->first_error_text = g_strdup (sqlite3_errmsg (r->db));
    }
  sqlite3_reset (s);
  /* Bounded transactions: the WAL holds at most a chunk (and is
   * checkpointed as it goes), whatever the size of the run. */
  if (++r->pending >= r->chunk_rows && r->first_error == SQLITE_OK)
    {
      r->pending = 0;
      char *msg = NULL;
      if (sqlite3_exec (r->db, "COMMIT; BEGIN IMMEDIATE", NULL, NULL, &msg)
          != SQLITE_OK)
        {
          r->first_error = SQLITE_ERROR;
          r->first_error_text = g_strdup (msg != NULL ? msg : "commit");
        }
      sqlite3_free (msg);
    }
}

void
herd_results_add_host (HerdResults *r, guint32 id, const char *name,
                       const char *cluster, guint32 cores, gint64 memory_mib)
{
  sqlite3_stmt *s = r->stmt[STMT_HOST];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, id);
  sqlite3_bind_text (s, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, cluster, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 5, cores);
  sqlite3_bind_int64 (s, 6, memory_mib);
  step (r, s);
}

void
herd_results_add_vm (HerdResults *r, guint32 id, const char *name,
                     const char *cluster, guint32 vcpus, gint64 memory_mib)
{
  sqlite3_stmt *s = r->stmt[STMT_VM];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, id);
  sqlite3_bind_text (s, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, cluster, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 5, vcpus);
  sqlite3_bind_int64 (s, 6, memory_mib);
  step (r, s);
}

void
herd_results_audit_sink (const HerdAuditEvent *event, gpointer user_data)
{
  HerdResults *r = user_data;
  const HerdAuditInfo *info = herd_audit_info (event->type);
  sqlite3_stmt *s = r->stmt[STMT_EVENT];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, event->time);
  sqlite3_bind_int (s, 3, info->code);
  sqlite3_bind_text (s, 4, info->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, herd_severity_name (info->severity), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (s, 6, event->object, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, event->details, -1, SQLITE_STATIC);
  step (r, s);
}

void
herd_results_add_host_sample (HerdResults *r, HerdTime t, guint32 host,
                              const char *status, double cpu_percent,
                              double demand_percent, gint64 mem_used_mib,
                              guint32 vm_count)
{
  sqlite3_stmt *s = r->stmt[STMT_HOST_SAMPLE];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, t);
  sqlite3_bind_int64 (s, 3, host);
  sqlite3_bind_text (s, 4, status, -1, SQLITE_STATIC);
  sqlite3_bind_double (s, 5, cpu_percent);
  sqlite3_bind_double (s, 6, demand_percent);
  sqlite3_bind_int64 (s, 7, mem_used_mib);
  sqlite3_bind_int64 (s, 8, vm_count);
  step (r, s);
}

void
herd_results_add_vm_sample (HerdResults *r, HerdTime t, guint32 vm,
                            guint32 host, const char *status,
                            double cpu_percent)
{
  sqlite3_stmt *s = r->stmt[STMT_VM_SAMPLE];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, t);
  sqlite3_bind_int64 (s, 3, vm);
  if (host == G_MAXUINT32)
    sqlite3_bind_null (s, 4);
  else
    sqlite3_bind_int64 (s, 4, host);
  sqlite3_bind_text (s, 5, status, -1, SQLITE_STATIC);
  sqlite3_bind_double (s, 6, cpu_percent);
  step (r, s);
}

void
herd_results_add_migration (HerdResults *r, const HerdMigrationRecord *rec,
                            const char *vm, const char *source,
                            const char *destination)
{
  sqlite3_stmt *s = r->stmt[STMT_MIGRATION];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_text (s, 2, vm, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, source, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, destination, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, herd_migration_reason_name (rec->reason), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (s, 6, rec->requested);
  if (rec->started == HERD_TIME_NEVER)
    sqlite3_bind_null (s, 7);
  else
    sqlite3_bind_int64 (s, 7, rec->started);
  sqlite3_bind_int64 (s, 8, rec->ended);
  sqlite3_bind_int64 (s, 9, rec->retries);
  sqlite3_bind_int64 (s, 10, rec->rounds);
  sqlite3_bind_int64 (s, 11, rec->bytes_sent);
  sqlite3_bind_int64 (s, 12, rec->downtime_ms);
  sqlite3_bind_int64 (s, 13, rec->max_downtime_ms);
  sqlite3_bind_int (s, 14, rec->post_copy);
  sqlite3_bind_int64 (s, 15, rec->post_copy_time);
  sqlite3_bind_text (s, 16, herd_migration_outcome_name (rec->outcome), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (s, 17, rec->why, -1, SQLITE_TRANSIENT);
  step (r, s);
}

void
herd_results_add_host_totals (HerdResults *r, guint32 host, double energy_kwh,
                              double up_seconds, double off_seconds,
                              double served_core_hours,
                              double unserved_core_hours)
{
  sqlite3_stmt *s = r->stmt[STMT_HOST_TOTALS];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, host);
  sqlite3_bind_double (s, 3, energy_kwh);
  sqlite3_bind_double (s, 4, up_seconds);
  sqlite3_bind_double (s, 5, off_seconds);
  sqlite3_bind_double (s, 6, served_core_hours);
  sqlite3_bind_double (s, 7, unserved_core_hours);
  step (r, s);
}

void
herd_results_format_weights (const HerdPlacementTrace *trace,
                             const HerdPlacementHost *host, GString *out)
{
  g_string_truncate (out, 0);
  for (guint w = 0; w < HERD_WEIGHT_LAST; w++)
    if (trace->applied & (1u << w))
      g_string_append_printf (out, "%s%s=%" G_GINT64_FORMAT "/%u",
                              out->len > 0 ? " " : "",
                              herd_weight_name ((HerdWeightKind) w),
                              host->score[w], host->rank[w]);
}

static void
bind_host_name (sqlite3_stmt *s, int col, const HerdModel *model, HerdId id)
{
  if (id == HERD_ID_NONE)
    sqlite3_bind_null (s, col);
  else
    sqlite3_bind_text (s, col, herd_model_host (model, id)->name, -1,
                       SQLITE_STATIC);
}

void
herd_results_add_decision (HerdResults *r, const HerdModel *model,
                           const HerdDecision *d)
{
  gint64 id = ++r->decisions;
  sqlite3_stmt *s = r->stmt[STMT_DECISION];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, id);
  sqlite3_bind_int64 (s, 3, d->time);
  sqlite3_bind_text (s, 4, herd_model_vm (model, d->vm)->name, -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (s, 5, d->kind, -1, SQLITE_STATIC);
  bind_host_name (s, 6, model, d->source);
  bind_host_name (s, 7, model, d->trace->chosen);
  step (r, s);

  g_autoptr (GString) w = g_string_new (NULL);
  s = r->stmt[STMT_DECISION_HOST];
  for (guint i = 0; i < d->trace->hosts->len; i++)
    {
      const HerdPlacementHost *ph
          = &g_array_index (d->trace->hosts, HerdPlacementHost, i);
      sqlite3_bind_int64 (s, 1, r->run_id);
      sqlite3_bind_int64 (s, 2, id);
      bind_host_name (s, 3, model, ph->host);
      if (ph->rejected_by != HERD_FILTER_NONE)
        {
          sqlite3_bind_text (s, 4, herd_filter_name (ph->rejected_by), -1,
                             SQLITE_STATIC);
          sqlite3_bind_null (s, 5);
          sqlite3_bind_null (s, 6);
        }
      else
        {
          herd_results_format_weights (d->trace, ph, w);
          sqlite3_bind_null (s, 4);
          sqlite3_bind_int64 (s, 5, (sqlite3_int64) ph->total);
          sqlite3_bind_text (s, 6, w->str, -1, SQLITE_TRANSIENT);
        }
      step (r, s);
    }
}

static void
bind_time (sqlite3_stmt *s, int col, HerdTime t)
{
  if (t == HERD_TIME_NEVER)
    sqlite3_bind_null (s, col);
  else
    sqlite3_bind_int64 (s, col, t);
}

void
herd_results_add_failover (HerdResults *r, const HerdFailover *f,
                           const char *host)
{
  sqlite3_stmt *s = r->stmt[STMT_FAILOVER];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_text (s, 2, host, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, f->fault, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, f->fault_at);
  bind_time (s, 5, f->detected);
  bind_time (s, 6, f->soft_fence);
  bind_time (s, 7, f->soft_recovered);
  bind_time (s, 8, f->non_responsive);
  bind_time (s, 9, f->fence_start);
  bind_time (s, 10, f->fence_confirmed);
  bind_time (s, 11, f->host_up);
  bind_time (s, 12, f->spm_elected);
  sqlite3_bind_int64 (s, 13, f->vms_down);
  sqlite3_bind_int64 (s, 14, f->vms_back);
  bind_time (s, 15, f->recovery_max);
  step (r, s);
}

void
herd_results_add_failover_vm (HerdResults *r, const char *host,
                              const char *vm, HerdTime down, HerdTime up)
{
  sqlite3_stmt *s = r->stmt[STMT_FAILOVER_VM];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_text (s, 2, host, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, vm, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, down);
  bind_time (s, 5, up);
  step (r, s);
}

void
herd_results_add_extension (HerdResults *r, const HerdThinExtension *e,
                            const char *vm, const char *domain)
{
  sqlite3_stmt *s = r->stmt[STMT_EXTENSION];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, e->disk);
  sqlite3_bind_text (s, 3, vm, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, domain, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 5, e->requested);
  sqlite3_bind_int64 (s, 6, e->extended);
  bind_time (s, 7, e->done);
  sqlite3_bind_int64 (s, 8, e->lv_mib);
  step (r, s);
}

void
herd_results_add_pause (HerdResults *r, const HerdThinPause *p,
                        const char *vm)
{
  sqlite3_stmt *s = r->stmt[STMT_PAUSE];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_text (s, 2, vm, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, herd_pause_reason_name (p->reason), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, p->start);
  bind_time (s, 5, p->end);
  step (r, s);
}

void
herd_results_add_storage_sample (HerdResults *r, HerdTime time,
                                 const char *domain,
                                 const HerdThinDomain *space)
{
  sqlite3_stmt *s = r->stmt[STMT_STORAGE_SAMPLE];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, time);
  sqlite3_bind_text (s, 3, domain, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, space->capacity_mib);
  sqlite3_bind_int64 (s, 5, space->used_mib);
  step (r, s);
}

void
herd_results_add_volume_sample (HerdResults *r, HerdTime time,
                                const char *vm, guint32 disk, guint volume,
                                gboolean active, gint64 size_mib,
                                double data_mib)
{
  sqlite3_stmt *s = r->stmt[STMT_VOLUME_SAMPLE];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_int64 (s, 2, time);
  sqlite3_bind_text (s, 3, vm, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, disk);
  sqlite3_bind_int64 (s, 5, volume);
  sqlite3_bind_int (s, 6, active);
  sqlite3_bind_int64 (s, 7, size_mib);
  sqlite3_bind_double (s, 8, data_mib);
  step (r, s);
}

void
herd_results_add_storage_totals (HerdResults *r, const char *domain,
                                 const HerdThinDomain *space)
{
  sqlite3_stmt *s = r->stmt[STMT_STORAGE_TOTALS];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_text (s, 2, domain, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, space->capacity_mib);
  sqlite3_bind_int64 (s, 4, space->used_mib);
  sqlite3_bind_int64 (s, 5, space->min_free_mib);
  sqlite3_bind_double (s, 6, herd_time_to_seconds (space->low_ns));
  sqlite3_bind_double (s, 7, herd_time_to_seconds (space->critical_ns));
  step (r, s);
}

void
herd_results_add_summary (HerdResults *r, const char *metric, double value)
{
  sqlite3_stmt *s = r->stmt[STMT_SUMMARY];
  sqlite3_bind_int64 (s, 1, r->run_id);
  sqlite3_bind_text (s, 2, metric, -1, SQLITE_STATIC);
  sqlite3_bind_double (s, 3, value);
  step (r, s);
}

gboolean
herd_results_end_run (HerdResults *r, GError **error)
{
  g_assert (r->run_id >= 0);
  if (r->first_error != SQLITE_OK)
    {
      g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_SQL,
                   "%s: writing run %" G_GINT64_FORMAT ": %s", r->path,
                   r->run_id, r->first_error_text);
      mark_failed (r);
      return FALSE;
    }
  g_autofree char *done = g_strdup_printf (
      "UPDATE runs SET status = 'done' WHERE run_id = %" G_GINT64_FORMAT,
      r->run_id);
  gboolean ok = exec (r, done, error) && exec (r, "COMMIT", error);
  if (!ok)
    mark_failed (r);
  r->run_id = -1;
  return ok;
}

/* ------------------------------------------------------------------ */
/* Merging databases and herd bench's bookkeeping                       */

static const char bench_schema[]
    = "CREATE TABLE IF NOT EXISTS bench_configs ("
      " config_id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE);"
      "CREATE TABLE IF NOT EXISTS bench_runs ("
      " config_id INTEGER NOT NULL REFERENCES bench_configs(config_id),"
      " seed INTEGER NOT NULL, run_id INTEGER NOT NULL REFERENCES runs(run_id),"
      " PRIMARY KEY (config_id, seed));";

/* The columns of table in schema db ("main" or "src") but run_id, as a
 * comma-separated list; NULL when the table has no run_id. */
static char *
other_columns (HerdResults *r, const char *db, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s.table_info(%s)", db,
                                          table);
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (r->db, sql, -1, &s, NULL) != SQLITE_OK)
    return NULL;
  GString *cols = g_string_new (NULL);
  gboolean has_run = FALSE;
  while (sqlite3_step (s) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (s, 1);
      if (strcmp (name, "run_id") == 0)
        has_run = TRUE;
      else
        g_string_append_printf (cols, "%s\"%s\"", cols->len > 0 ? ", " : "",
                                name);
    }
  sqlite3_finalize (s);
  if (!has_run)
    {
      g_string_free (cols, TRUE);
      return NULL;
    }
  return g_string_free (cols, FALSE);
}

/* Prepares sql, setting error on failure. */
static sqlite3_stmt *
prepare (HerdResults *r, const char *sql, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (r->db, sql, -1, &s, NULL) != SQLITE_OK)
    {
      sql_fail (r, error, "cannot read");
      sqlite3_finalize (s);
      return NULL;
    }
  return s;
}

/* Whether src (attached) is a herd results database with bench tables. */
static gboolean
src_has_table (HerdResults *r, const char *table)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT 1 FROM src.sqlite_master WHERE type = 'table' AND name = "
      "'%s'",
      table);
  sqlite3_stmt *s = NULL;
  gboolean found = sqlite3_prepare_v2 (r->db, sql, -1, &s, NULL) == SQLITE_OK
                   && sqlite3_step (s) == SQLITE_ROW;
  sqlite3_finalize (s);
  return found;
}

/* For copying table from src to main: main's columns but run_id
 * (*insert) and, for each, src's column of that name or, when src (an
 * older file) has none, what stands for it (*select).  FALSE when main's
 * table has no run_id. */
static gboolean
copy_columns (HerdResults *r, const char *table, char **insert,
              char **select)
{
  g_autofree char *cols = other_columns (r, "main", table);
  if (cols == NULL)
    return FALSE;
  g_auto (GStrv) names = g_strsplit (cols, ", ", -1);
  GString *sel = g_string_new (NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      /* names[i] is quoted: "name". */
      g_autofree char *bare = g_strndup (names[i] + 1, strlen (names[i]) - 2);
      g_autofree char *sql = g_strdup_printf (
          "SELECT COUNT (*) FROM pragma_table_info ('%s', 'src') WHERE "
          "name = '%s'",
          table, bare);
      gboolean in_src = query_int (r, sql) == 1;
      const char *expr = in_src ? names[i]
                         : strcmp (bare, "scenario_sha256") == 0
                             ? "herd_sha256 (\"scenario_text\")"
                             : "NULL";
      g_string_append_printf (sel, "%s%s", i > 0 ? ", " : "", expr);
    }
  *insert = g_steal_pointer (&cols);
  *select = g_string_free (sel, FALSE);
  return TRUE;
}

/* src is refused with a message naming what is wrong in it. */
static gboolean
inconsistent (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);
static gboolean
inconsistent (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_INCONSISTENT,
               "%s; nothing of it was merged", msg);
  return FALSE;
}

/* Refuses src unless it is a herd results database of a schema this
 * herd reads. */
static gboolean
check_src_schema (HerdResults *r, GError **error)
{
  if (!src_has_table (r, "runs"))
    {
      g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_SQL,
                   "not a herd results database (no runs table)");
      return FALSE;
    }
  gint64 version = query_int (r, "PRAGMA src.user_version");
  if (version > HERD_RESULTS_SCHEMA)
    {
      g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_SCHEMA,
                   "results schema version %" G_GINT64_FORMAT " was written "
                   "by a newer herd (this herd %s reads up to version %d)",
                   version, HERD_VERSION, HERD_RESULTS_SCHEMA);
      return FALSE;
    }
  return TRUE;
}

/* Only finished runs: one killed on the way is still marked running. */
static gboolean
refuse_unfinished_runs (HerdResults *r, GError **error)
{
  sqlite3_stmt *s = prepare (
      r,
      "SELECT run_id, status, scenario, seed FROM src.runs WHERE status IS "
      "NOT 'done' ORDER BY run_id LIMIT 1",
      error);
  if (s == NULL)
    return FALSE;
  if (sqlite3_step (s) == SQLITE_ROW)
    {
      g_autofree char *status
          = g_strdup ((const char *) sqlite3_column_text (s, 1));
      g_autofree char *scenario
          = g_strdup ((const char *) sqlite3_column_text (s, 2));
      gint64 id = sqlite3_column_int64 (s, 0), seed = sqlite3_column_int64 (s,
                                                                           3);
      sqlite3_finalize (s);
      return inconsistent (
          error,
          "run %" G_GINT64_FORMAT " (%s, seed %" G_GINT64_FORMAT ") is "
          "marked %s, not done (%s): run it again (herd sim --redo, or "
          "herd bench), or leave this file out",
          id, scenario != NULL ? scenario : "?", seed,
          status != NULL ? status : "NULL",
          g_strcmp0 (status, "running") == 0
              ? "killed, or still being written"
              : "it did not finish");
    }
  sqlite3_finalize (s);
  return TRUE;
}

/* Refuses src when its bench_runs or summary hold ids that point
 * nowhere. */
static gboolean
refuse_dangling_ids (HerdResults *r, gboolean bench, GError **error)
{
  if (bench)
    {
      gint64 bad = query_int (
          r, "SELECT run_id FROM src.bench_runs WHERE run_id NOT IN (SELECT "
             "run_id FROM src.runs) UNION ALL SELECT -2 FROM src.bench_runs "
             "WHERE config_id NOT IN (SELECT config_id FROM "
             "src.bench_configs) LIMIT 1");
      if (bad != -1)
        return bad == -2
                   ? inconsistent (error, "bench_runs names a configuration "
                                          "bench_configs does not have")
                   : inconsistent (error,
                                   "bench_runs names run %" G_GINT64_FORMAT
                                   ", which is not in its runs table",
                                   bad);
    }
  if (src_has_table (r, "summary"))
    {
      gint64 bad = query_int (r, "SELECT run_id FROM src.summary WHERE "
                                 "run_id NOT IN (SELECT run_id FROM "
                                 "src.runs) LIMIT 1");
      if (bad != -1)
        return inconsistent (error,
                             "its summary has rows of run %" G_GINT64_FORMAT
                             ", which is not in its runs table",
                             bad);
    }
  return TRUE;
}

/* temp.srcid, the identity of each of src's runs (its digest computed
 * where an older file has none), and temp.idmap, src's run ids to
 * main's, filled as the runs are copied. */
static gboolean
create_merge_tables (HerdResults *r, GError **error)
{
  g_autofree char *digest
      = query_int (r, "SELECT COUNT (*) FROM pragma_table_info ('runs', "
                      "'src') WHERE name = 'scenario_sha256'")
                == 1
            ? g_strdup ("COALESCE (scenario_sha256, herd_sha256 "
                        "(scenario_text))")
            : g_strdup ("herd_sha256 (scenario_text)");
  g_autofree char *ident = g_strdup_printf (
      "CREATE TEMP TABLE srcid AS SELECT run_id, %s AS digest, seed, "
      "duration_ns, herd_version FROM src.runs",
      digest);
  if (!exec (r, ident, error))
    return FALSE;
  if (!exec (r, "CREATE TEMP TABLE idmap (old INTEGER PRIMARY KEY, new "
                "INTEGER)",
             error))
    return FALSE;
  return TRUE;
}

/* A configuration and seed main has from another scenario text or
 * herd: the two cannot both be right. */
static gboolean
refuse_conflicting_bench_runs (HerdResults *r, GError **error)
{
  sqlite3_stmt *s = prepare (
      r,
      "SELECT sc.label, sr.seed, mr.run_id FROM src.bench_runs AS sr "
      "JOIN src.bench_configs AS sc ON sc.config_id = sr.config_id JOIN "
      "temp.srcid AS si ON si.run_id = sr.run_id JOIN main.bench_configs "
      "AS mc ON mc.label = sc.label JOIN main.bench_runs AS mr ON "
      "mr.config_id = mc.config_id AND mr.seed = sr.seed LEFT JOIN "
      "main.runs AS m ON m.run_id = mr.run_id WHERE m.status IS NOT "
      "'done' OR m.scenario_sha256 IS NOT si.digest OR m.herd_version "
      "IS NOT si.herd_version ORDER BY sr.config_id, sr.seed LIMIT 1",
      error);
  if (s == NULL)
    return FALSE;
  if (sqlite3_step (s) == SQLITE_ROW)
    {
      g_autofree char *label
          = g_strdup ((const char *) sqlite3_column_text (s, 0));
      gint64 seed = sqlite3_column_int64 (s, 1);
      gint64 main_run = sqlite3_column_int64 (s, 2);
      sqlite3_finalize (s);
      return inconsistent (
          error,
          "configuration '%s' seed %" G_GINT64_FORMAT " comes from "
          "another scenario text or herd version than run %"
          G_GINT64_FORMAT " of %s (or that run is not done): bring %s up "
          "to date with herd bench --redo first, or merge into another "
          "database",
          label, seed, main_run, r->path, r->path);
    }
  sqlite3_finalize (s);
  return TRUE;
}

/* The query of the runs to copy: all, but those main has already: the
 * same configuration and seed for herd bench's, the same identity (done)
 * for the others; so that merging twice adds nothing. */
static char *
runs_to_copy_sql (const HerdBenchTag *tag, gboolean bench)
{
  return g_strdup_printf (
      "SELECT si.run_id FROM temp.srcid AS si WHERE %s AND %s ORDER BY "
      "si.run_id",
      bench ? "NOT EXISTS (SELECT 1 FROM src.bench_runs AS sr JOIN "
              "src.bench_configs AS sc ON sc.config_id = sr.config_id JOIN "
              "main.bench_configs AS mc ON mc.label = sc.label JOIN "
              "main.bench_runs AS mr ON mr.config_id = mc.config_id AND "
              "mr.seed = sr.seed WHERE sr.run_id = si.run_id)"
            : "1",
      tag != NULL ? "1"
      : bench
          ? "(si.run_id IN (SELECT run_id FROM src.bench_runs) OR NOT EXISTS "
            "(SELECT 1 FROM main.runs AS m WHERE m.scenario_sha256 = "
            "si.digest AND m.seed = si.seed AND m.duration_ns = "
            "si.duration_ns AND m.herd_version = si.herd_version AND "
            "m.status = 'done'))"
          : "NOT EXISTS (SELECT 1 FROM main.runs AS m WHERE "
            "m.scenario_sha256 = si.digest AND m.seed = si.seed AND "
            "m.duration_ns = si.duration_ns AND m.herd_version = "
            "si.herd_version AND m.status = 'done')");
}

/* Copies the runs of ids_sql into main.runs, noting each new id in
 * temp.idmap (and new_ids). */
static gboolean
copy_runs (HerdResults *r, const char *ids_sql, GArray *new_ids,
           GError **error)
{
  g_autofree char *run_cols = NULL, *run_sel = NULL;
  sqlite3_stmt *ids = prepare (r, ids_sql, error);
  if (ids == NULL || !copy_columns (r, "runs", &run_cols, &run_sel))
    {
      sqlite3_finalize (ids);
      if (ids != NULL)
        g_set_error (error, HERD_RESULTS_ERROR, HERD_RESULTS_ERROR_SQL,
                     "%s: no runs table", r->path);
      return FALSE;
    }
  gboolean ok = TRUE;
  int rc;
  while (ok && (rc = sqlite3_step (ids)) == SQLITE_ROW)
    {
      gint64 old = sqlite3_column_int64 (ids, 0);
      g_autofree char *copy = g_strdup_printf (
          "INSERT INTO main.runs (%s) SELECT %s FROM src.runs WHERE run_id "
          "= %" G_GINT64_FORMAT,
          run_cols, run_sel, old);
      ok = exec (r, copy, error);
      gint64 id = sqlite3_last_insert_rowid (r->db);
      g_autofree char *map = g_strdup_printf (
          "INSERT INTO idmap VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
          ")",
          old, id);
      ok = ok && exec (r, map, error);
      if (ok && new_ids != NULL)
        g_array_append_val (new_ids, id);
    }
  if (ok && rc != SQLITE_DONE)
    ok = (sql_fail (r, error, "cannot read"), FALSE);
  sqlite3_finalize (ids);
  return ok;
}

/* Every other table with a run_id, rows renumbered through idmap. */
static gboolean
copy_run_rows (HerdResults *r, GError **error)
{
  int rc = SQLITE_DONE;
  sqlite3_stmt *tables = prepare (r,
                                  "SELECT name FROM main.sqlite_master WHERE "
                                  "type = 'table' AND name != 'runs' AND "
                                  "name NOT LIKE 'bench_%' AND name IN "
                                  "(SELECT name FROM src.sqlite_master WHERE "
                                  "type = 'table') ORDER BY name",
                                  error);
  gboolean ok = tables != NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  while (ok && (rc = sqlite3_step (tables)) == SQLITE_ROW)
    g_ptr_array_add (names,
                     g_strdup ((const char *) sqlite3_column_text (tables, 0)));
  if (ok && rc != SQLITE_DONE)
    ok = (sql_fail (r, error, "cannot read"), FALSE);
  sqlite3_finalize (tables);
  for (guint i = 0; ok && i < names->len; i++)
    {
      const char *t = g_ptr_array_index (names, i);
      g_autofree char *cols = NULL, *sel = NULL;
      if (!copy_columns (r, t, &cols, &sel))
        continue;
      g_autofree char *copy = g_strdup_printf (
          "INSERT INTO main.\"%s\" (run_id, %s) SELECT idmap.new, %s FROM "
          "src.\"%s\" AS s JOIN idmap ON idmap.old = s.run_id",
          t, cols, sel, t);
      ok = exec (r, copy, error);
    }
  return ok;
}

/* herd bench's bookkeeping: configurations matched by label; or the
 * caller's tag for a database of one run. */
static gboolean
copy_bench_runs (HerdResults *r, const HerdBenchTag *tag, gboolean bench,
                 GError **error)
{
  gboolean ok = TRUE;
  if (bench)
    ok = exec (r,
               "INSERT INTO main.bench_runs (config_id, seed, run_id) SELECT "
               "mc.config_id, sr.seed, idmap.new FROM src.bench_runs AS sr "
               "JOIN src.bench_configs AS sc ON sc.config_id = sr.config_id "
               "JOIN main.bench_configs AS mc ON mc.label = sc.label JOIN "
               "idmap ON idmap.old = sr.run_id ORDER BY sr.run_id",
               error);
  if (ok && tag != NULL)
    {
      g_autofree char *rec = g_strdup_printf (
          "INSERT INTO main.bench_runs (config_id, seed, run_id) SELECT %"
          G_GINT64_FORMAT ", %" G_GUINT64_FORMAT ", new FROM idmap",
          tag->config_id, tag->seed);
      ok = exec (r, rec, error);
    }
  return ok;
}

/* The body of herd_results_merge, in its transaction with src attached. */
static gboolean
merge_attached (HerdResults *r, const HerdBenchTag *tag, GArray *new_ids,
                guint *skipped, GError **error)
{
  if (!check_src_schema (r, error))
    return FALSE;
  gboolean bench = src_has_table (r, "bench_runs")
                   && src_has_table (r, "bench_configs");
  if (!refuse_unfinished_runs (r, error)
      || !refuse_dangling_ids (r, bench, error))
    return FALSE;
  if (tag != NULL
      && query_int (r, "SELECT COUNT (*) FROM src.runs") != 1)
    return inconsistent (error, "a worker's database holds one run, this "
                                "one does not");
  if (!create_merge_tables (r, error))
    return FALSE;
  if (bench && !exec (r,
                      "INSERT OR IGNORE INTO main.bench_configs (label) "
                      "SELECT label FROM src.bench_configs ORDER BY "
                      "config_id",
                      error))
    return FALSE;
  if (bench && !refuse_conflicting_bench_runs (r, error))
    return FALSE;
  g_autofree char *ids_sql = runs_to_copy_sql (tag, bench);
  gboolean ok = copy_runs (r, ids_sql, new_ids, error);
  if (ok && skipped != NULL)
    *skipped = (guint) (query_int (r, "SELECT COUNT (*) FROM temp.srcid")
                        - query_int (r, "SELECT COUNT (*) FROM temp.idmap"));
  ok = ok && copy_run_rows (r, error);
  return ok && copy_bench_runs (r, tag, bench, error);
}

gboolean
herd_results_merge (HerdResults *r, const char *src, const HerdBenchTag *tag,
                    GArray *new_ids, guint *skipped, GError **error)
{
  g_assert (r->run_id < 0);
  if (skipped != NULL)
    *skipped = 0;
  char *quoted = sqlite3_mprintf ("%Q", src);
  g_autofree char *attach = g_strdup_printf ("ATTACH DATABASE %s AS src",
                                             quoted);
  sqlite3_free (quoted);
  if (!exec (r, bench_schema, error) || !exec (r, attach, error))
    return FALSE;
  gboolean ok = exec (r, "BEGIN IMMEDIATE", error);
  if (ok && merge_attached (r, tag, new_ids, skipped, error))
    ok = exec (r, "DROP TABLE idmap; DROP TABLE srcid; COMMIT", error);
  else if (ok)
    {
      sqlite3_exec (r->db, "ROLLBACK", NULL, NULL, NULL);
      ok = FALSE;
    }
  sqlite3_exec (r->db, "DROP TABLE IF EXISTS temp.idmap", NULL, NULL, NULL);
  sqlite3_exec (r->db, "DROP TABLE IF EXISTS temp.srcid", NULL, NULL, NULL);
  sqlite3_exec (r->db, "DETACH DATABASE src", NULL, NULL, NULL);
  if (!ok)
    {
      /* The message names the file that could not be merged. */
      g_prefix_error (error, "%s: ", src);
      if (new_ids != NULL)
        g_array_set_size (new_ids, 0);
      if (skipped != NULL)
        *skipped = 0;
    }
  return ok;
}

gboolean
herd_results_bench_init (HerdResults *r, GError **error)
{
  return exec (r, bench_schema, error);
}

gint64
herd_results_bench_config (HerdResults *r, const char *label, GError **error)
{
  if (!herd_results_bench_init (r, error))
    return -1;
  sqlite3_stmt *s = NULL;
  sqlite3_prepare_v2 (r->db,
                      "INSERT OR IGNORE INTO bench_configs (label) VALUES "
                      "(?1)",
                      -1, &s, NULL);
  sqlite3_bind_text (s, 1, label, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (s);
  sqlite3_finalize (s);
  sqlite3_prepare_v2 (r->db,
                      "SELECT config_id FROM bench_configs WHERE label = ?1",
                      -1, &s, NULL);
  sqlite3_bind_text (s, 1, label, -1, SQLITE_TRANSIENT);
  gint64 id = rc == SQLITE_DONE && sqlite3_step (s) == SQLITE_ROW
                  ? sqlite3_column_int64 (s, 0)
                  : -1;
  sqlite3_finalize (s);
  if (id < 0)
    sql_fail (r, error, "cannot record a configuration");
  return id;
}

gint64
herd_results_bench_run (HerdResults *r, gint64 config, guint64 seed)
{
  sqlite3_stmt *s = NULL;
  sqlite3_prepare_v2 (r->db,
                      "SELECT b.run_id FROM bench_runs AS b JOIN runs AS r"
                      " USING (run_id) WHERE b.config_id = ?1 AND b.seed = ?2"
                      " AND r.status = 'done'",
                      -1, &s, NULL);
  sqlite3_bind_int64 (s, 1, config);
  sqlite3_bind_int64 (s, 2, (sqlite3_int64) seed);
  gint64 id = sqlite3_step (s) == SQLITE_ROW ? sqlite3_column_int64 (s, 0)
                                              : -1;
  sqlite3_finalize (s);
  return id;
}

gboolean
herd_results_summary_value (HerdResults *r, gint64 run_id, const char *metric,
                            double *value)
{
  sqlite3_stmt *s = NULL;
  sqlite3_prepare_v2 (r->db,
                      "SELECT value FROM summary WHERE run_id = ?1 AND metric "
                      "= ?2",
                      -1, &s, NULL);
  sqlite3_bind_int64 (s, 1, run_id);
  sqlite3_bind_text (s, 2, metric, -1, SQLITE_STATIC);
  gboolean found = sqlite3_step (s) == SQLITE_ROW;
  if (found)
    *value = sqlite3_column_double (s, 0);
  sqlite3_finalize (s);
  return found;
}

gboolean
herd_results_query (HerdResults *r, const char *sql, HerdResultsRowFunc fn,
                    gpointer data, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (r->db, sql, -1, &s, NULL) != SQLITE_OK)
    {
      sql_fail (r, error, "cannot prepare a query");
      return FALSE;
    }
  guint n = (guint) sqlite3_column_count (s);
  g_autofree double *values = g_new (double, MAX (n, 1));
  g_autofree const char **texts = g_new (const char *, MAX (n, 1));
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      for (guint i = 0; i < n; i++)
        {
          values[i] = sqlite3_column_double (s, (int) i);
          texts[i] = (const char *) sqlite3_column_text (s, (int) i);
        }
      fn (n, values, texts, data);
    }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    {
      sql_fail (r, error, "cannot run a query");
      return FALSE;
    }
  return TRUE;
}

/* The stale runs of a configuration (see herd_results_bench_stale). */
static const char stale_sql[]
    = "SELECT b.run_id, b.seed, r.status, r.scenario_sha256, r.herd_version"
      " FROM bench_runs AS b LEFT JOIN runs AS r USING (run_id)"
      " WHERE b.config_id = ?1 AND (r.run_id IS NULL OR r.status IS NOT"
      " 'done' OR r.scenario_sha256 IS NOT ?2 OR r.herd_version IS NOT ?3)"
      " ORDER BY b.seed";

guint
herd_results_bench_stale (HerdResults *r, gint64 config, const char *digest,
                          GArray *stale)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (r->db, stale_sql, -1, &s, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64 (s, 1, config);
  sqlite3_bind_text (s, 2, digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, HERD_VERSION, -1, SQLITE_STATIC);
  guint n = 0;
  while (sqlite3_step (s) == SQLITE_ROW)
    {
      HerdBenchStale st = {
        .run_id = sqlite3_column_int64 (s, 0),
        .seed = (guint64) sqlite3_column_int64 (s, 1),
        .status = g_strdup ((const char *) sqlite3_column_text (s, 2)),
        .digest = g_strdup ((const char *) sqlite3_column_text (s, 3)),
        .version = g_strdup ((const char *) sqlite3_column_text (s, 4)),
      };
      if (stale != NULL)
        g_array_append_val (stale, st);
      else
        {
          g_free (st.status);
          g_free (st.digest);
          g_free (st.version);
        }
      n++;
    }
  sqlite3_finalize (s);
  return n;
}

void
herd_results_bench_stale_clear (GArray *stale)
{
  for (guint i = 0; i < stale->len; i++)
    {
      HerdBenchStale *st = &g_array_index (stale, HerdBenchStale, i);
      g_free (st->status);
      g_free (st->digest);
      g_free (st->version);
    }
  g_array_set_size (stale, 0);
}

gint64
herd_results_bench_forget (HerdResults *r, gint64 config, const char *digest,
                           GError **error)
{
  g_assert (r->run_id < 0);
  g_autoptr (GArray) stale = g_array_new (FALSE, FALSE,
                                          sizeof (HerdBenchStale));
  if (!exec (r, "BEGIN IMMEDIATE", error))
    return -1;
  herd_results_bench_stale (r, config, digest, stale);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < stale->len; i++)
    {
      const HerdBenchStale *st = &g_array_index (stale, HerdBenchStale, i);
      /* bench_runs' row goes with the run (a row naming no run too). */
      g_autofree char *sql = g_strdup_printf (
          "DELETE FROM bench_runs WHERE config_id = %" G_GINT64_FORMAT
          " AND seed = %" G_GINT64_FORMAT,
          config, (gint64) st->seed);
      ok = exec (r, sql, error) && delete_run (r, st->run_id, error);
    }
  gint64 n = stale->len;
  herd_results_bench_stale_clear (stale);
  if (ok && exec (r, "COMMIT", error))
    return n;
  sqlite3_exec (r->db, "ROLLBACK", NULL, NULL, NULL);
  return -1;
}

gboolean
herd_results_bench_record (HerdResults *r, gint64 config, guint64 seed,
                           gint64 run_id, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO bench_runs (config_id, seed, run_id) VALUES (%"
      G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
      config, (gint64) seed, run_id);
  return herd_results_bench_init (r, error) && exec (r, sql, error);
}
