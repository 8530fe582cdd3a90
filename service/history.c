/* history.c: herd run's recorded history (see history.h).
 *
 * The main loop fills a Batch (names and statuses point into the model,
 * which outlives the history) and pushes it on the writer's queue; the
 * writer inserts it in one transaction, then, once per hour that has
 * ended, aggregates that hour and deletes what is past its retention.
 * The aggregation is read first and written after, rows are written
 * 2,000 per transaction and deleted 10,000 per transaction, so the writer
 * never holds the database's write lock for long: the main loop's own
 * writes (service/state.c) wait for it at most a few milliseconds. */
#include "service/history.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "service/state.h"

typedef struct
{
  const char *host, *status;
  gboolean up;             /* measured: CPU and memory known */
  double cpu_percent;
  gint64 cpu_mc, mem_used_mib, memory_mib;
  guint32 vms;
} HostRow;

typedef struct
{
  const char *vm, *host, *status;
  gboolean measured;       /* usage known */
  HerdVmUsage usage;
  double cpu_percent;      /* of its vCPUs */
} VmRow;

typedef struct
{
  gint64 time;             /* unix seconds; G_MININT64: the writer ends */
  GArray *hosts, *vms;
} Batch;

struct _HerdHistory
{
  HerdModel *model;
  HerdHistorySettings settings;
  sqlite3 *db;             /* the writer's connection */
  sqlite3_stmt *put_host, *put_vm, *put_disk;
  gint64 aggregated_until; /* hours before this are in the hourly tables
                              (0: none yet) */
  GThread *writer;
  GAsyncQueue *queue;      /* Batch * */
  GMutex lock;
  GCond written_cond;
  guint64 handed, written; /* batches handed over and written (lock) */
  gboolean dropping;       /* a drop was warned about (main loop) */
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS host_samples (time INTEGER NOT NULL, host "
    "TEXT NOT NULL, status TEXT NOT NULL, cpu_usage_percent REAL, cpu_mc "
    "INTEGER, memory_used_mib INTEGER, memory_mib INTEGER NOT NULL, vms "
    "INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS host_samples_time ON host_samples (time);"
    "CREATE TABLE IF NOT EXISTS vm_samples (time INTEGER NOT NULL, vm TEXT "
    "NOT NULL, host TEXT NOT NULL, status TEXT NOT NULL, cpu_usage_percent "
    "REAL, cpu_mc INTEGER, memory_used_mib INTEGER, "
    "disk_write_bytes_per_second REAL, network_bytes_per_second REAL);"
    "CREATE INDEX IF NOT EXISTS vm_samples_time ON vm_samples (time);"
    "CREATE TABLE IF NOT EXISTS host_hourly (hour INTEGER NOT NULL, host "
    "TEXT NOT NULL, samples INTEGER NOT NULL, cpu_usage_percent REAL, "
    "max_cpu_usage_percent REAL, memory_used_mib REAL, max_memory_used_mib "
    "INTEGER, PRIMARY KEY (hour, host));"
    "CREATE TABLE IF NOT EXISTS vm_hourly (hour INTEGER NOT NULL, vm TEXT "
    "NOT NULL, samples INTEGER NOT NULL, cpu_usage_percent REAL, "
    "max_cpu_usage_percent REAL, cpu_mc REAL, max_cpu_mc INTEGER, "
    "memory_used_mib REAL, max_memory_used_mib INTEGER, "
    "disk_write_bytes_per_second REAL, max_disk_write_bytes_per_second "
    "REAL, network_bytes_per_second REAL, max_network_bytes_per_second "
    "REAL, PRIMARY KEY (hour, vm));"
    "CREATE TABLE IF NOT EXISTS host_daily (day INTEGER NOT NULL, host TEXT "
    "NOT NULL, samples INTEGER NOT NULL, cpu_usage_percent REAL, "
    "max_cpu_usage_percent REAL, memory_used_mib REAL, max_memory_used_mib "
    "INTEGER, PRIMARY KEY (day, host));"
    "CREATE TABLE IF NOT EXISTS vm_daily (day INTEGER NOT NULL, vm TEXT NOT "
    "NULL, samples INTEGER NOT NULL, cpu_usage_percent REAL, "
    "max_cpu_usage_percent REAL, cpu_mc REAL, max_cpu_mc INTEGER, "
    "memory_used_mib REAL, max_memory_used_mib INTEGER, "
    "disk_write_bytes_per_second REAL, max_disk_write_bytes_per_second "
    "REAL, network_bytes_per_second REAL, max_network_bytes_per_second "
    "REAL, PRIMARY KEY (day, vm));"
    "CREATE TABLE IF NOT EXISTS vm_disk_samples (time INTEGER NOT NULL, vm "
    "TEXT NOT NULL, disk INTEGER NOT NULL, actual_size_mib INTEGER NOT "
    "NULL);"
    "CREATE INDEX IF NOT EXISTS vm_disk_samples_time ON vm_disk_samples "
    "(time);"
    "CREATE TABLE IF NOT EXISTS vm_disk_hourly (hour INTEGER NOT NULL, vm "
    "TEXT NOT NULL, disk INTEGER NOT NULL, samples INTEGER NOT NULL, "
    "actual_size_mib REAL, max_actual_size_mib INTEGER, PRIMARY KEY (hour, "
    "vm, disk));"
    "CREATE TABLE IF NOT EXISTS vm_disk_daily (day INTEGER NOT NULL, vm "
    "TEXT NOT NULL, disk INTEGER NOT NULL, samples INTEGER NOT NULL, "
    "actual_size_mib REAL, max_actual_size_mib INTEGER, PRIMARY KEY (day, "
    "vm, disk));"
    "CREATE TABLE IF NOT EXISTS history_meta (key TEXT PRIMARY KEY, value "
    "INTEGER NOT NULL);";

/* Each ended hour of samples, as its hourly rows (?1 <= time < ?2). */
static const char host_hours[] =
    "SELECT time / 3600 * 3600, host, count(*), avg(cpu_usage_percent), "
    "max(cpu_usage_percent), avg(memory_used_mib), max(memory_used_mib) "
    "FROM host_samples WHERE time >= ?1 AND time < ?2 GROUP BY 1, 2";
static const char vm_hours[] =
    "SELECT time / 3600 * 3600, vm, count(*), avg(cpu_usage_percent), "
    "max(cpu_usage_percent), avg(cpu_mc), max(cpu_mc), avg(memory_used_mib), "
    "max(memory_used_mib), avg(disk_write_bytes_per_second), "
    "max(disk_write_bytes_per_second), avg(network_bytes_per_second), "
    "max(network_bytes_per_second) FROM vm_samples WHERE time >= ?1 AND "
    "time < ?2 GROUP BY 1, 2";
static const char disk_hours[] =
    "SELECT time / 3600 * 3600, vm, disk, count(*), avg(actual_size_mib), "
    "max(actual_size_mib) FROM vm_disk_samples WHERE time >= ?1 AND time < "
    "?2 GROUP BY 1, 2, 3";

/* Each ended day of hourly rows, as its daily rows (?1 <= hour < ?2):
 * means weighted by each hour's samples, maxima of the maxima. */
#define WEIGHTED(x) \
  "sum(" x " * samples) / sum(CASE WHEN " x " IS NOT NULL THEN samples END)"
static const char host_days[]
    = "SELECT hour / 86400 * 86400, host, sum(samples), "
      WEIGHTED ("cpu_usage_percent") ", max(max_cpu_usage_percent), "
      WEIGHTED ("memory_used_mib") ", max(max_memory_used_mib) FROM "
      "host_hourly WHERE hour >= ?1 AND hour < ?2 GROUP BY 1, 2";
static const char vm_days[]
    = "SELECT hour / 86400 * 86400, vm, sum(samples), "
      WEIGHTED ("cpu_usage_percent") ", max(max_cpu_usage_percent), "
      WEIGHTED ("cpu_mc") ", max(max_cpu_mc), " WEIGHTED ("memory_used_mib")
      ", max(max_memory_used_mib), " WEIGHTED ("disk_write_bytes_per_second")
      ", max(max_disk_write_bytes_per_second), "
      WEIGHTED ("network_bytes_per_second")
      ", max(max_network_bytes_per_second) FROM vm_hourly WHERE hour >= ?1 "
      "AND hour < ?2 GROUP BY 1, 2";
static const char disk_days[]
    = "SELECT hour / 86400 * 86400, vm, disk, sum(samples), "
      WEIGHTED ("actual_size_mib") ", max(max_actual_size_mib) FROM "
      "vm_disk_hourly WHERE hour >= ?1 AND hour < ?2 GROUP BY 1, 2, 3";

#define DELETE_CHUNK 10000
/* Rows written per transaction (about 4 ms: bench/bench-history.c), so
 * that the manager's own writes never wait long for the lock. */
#define WRITE_CHUNK 2000

static gboolean
db_failed (sqlite3 *db, GError **error, const char *what)
{
  g_set_error (error, HERD_STATE_ERROR, HERD_STATE_ERROR_DB,
               "history: %s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
exec (sqlite3 *db, const char *sql, GError **error)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK
         || db_failed (db, error, sql);
}

static void
batch_free (Batch *b)
{
  g_array_unref (b->hosts);
  g_array_unref (b->vms);
  g_free (b);
}

/* Binds a double, or NULL when it is negative (not measured). */
static void
bind_measure (sqlite3_stmt *st, int i, gboolean known, double value)
{
  if (known && value >= 0)
    sqlite3_bind_double (st, i, value);
  else
    sqlite3_bind_null (st, i);
}

static void
bind_count (sqlite3_stmt *st, int i, gboolean known, gint64 value)
{
  if (known && value >= 0)
    sqlite3_bind_int64 (st, i, value);
  else
    sqlite3_bind_null (st, i);
}

static gboolean
step_reset (sqlite3 *db, sqlite3_stmt *st, GError **error)
{
  gboolean ok = sqlite3_step (st) == SQLITE_DONE
                || db_failed (db, error, "insert");
  sqlite3_reset (st);
  return ok;
}

/* Ends the transaction begun: COMMIT when ok, else ROLLBACK (FALSE). */
static gboolean
end_transaction (HerdHistory *h, gboolean ok, GError **error)
{
  if (ok)
    return exec (h->db, "COMMIT", error);
  exec (h->db, "ROLLBACK", NULL);
  return FALSE;
}

/* After a row written in a transaction: every WRITE_CHUNK rows, the
 * transaction is committed and a new one begun. */
static gboolean
row_written (HerdHistory *h, guint *rows, GError **error)
{
  if (++*rows % WRITE_CHUNK != 0)
    return TRUE;
  return exec (h->db, "COMMIT", error)
         && exec (h->db, "BEGIN IMMEDIATE", error);
}

static gboolean
insert_batch (HerdHistory *h, const Batch *b, GError **error)
{
  if (!exec (h->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  gboolean ok = TRUE;
  guint rows = 0;
  for (guint i = 0; ok && i < b->hosts->len; i++)
    {
      const HostRow *r = &g_array_index (b->hosts, HostRow, i);
      sqlite3_stmt *st = h->put_host;
      sqlite3_bind_int64 (st, 1, b->time);
      sqlite3_bind_text (st, 2, r->host, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, r->status, -1, SQLITE_STATIC);
      bind_measure (st, 4, r->up, r->cpu_percent);
      bind_count (st, 5, r->up, r->cpu_mc);
      bind_count (st, 6, r->up, r->mem_used_mib);
      sqlite3_bind_int64 (st, 7, r->memory_mib);
      sqlite3_bind_int64 (st, 8, r->vms);
      ok = step_reset (h->db, st, error) && row_written (h, &rows, error);
    }
  for (guint i = 0; ok && i < b->vms->len; i++)
    {
      const VmRow *r = &g_array_index (b->vms, VmRow, i);
      sqlite3_stmt *st = h->put_vm;
      sqlite3_bind_int64 (st, 1, b->time);
      sqlite3_bind_text (st, 2, r->vm, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, r->host, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, r->status, -1, SQLITE_STATIC);
      bind_measure (st, 5, r->measured, r->cpu_percent);
      bind_count (st, 6, r->measured, r->usage.cpu_mc);
      bind_count (st, 7, r->measured, r->usage.mem_used_mib);
      bind_measure (st, 8, r->measured, r->usage.disk_write_bps);
      bind_measure (st, 9, r->measured, r->usage.net_bps);
      ok = step_reset (h->db, st, error) && row_written (h, &rows, error);
      for (guint k = 0; ok && r->measured && k < r->usage.n_disks; k++)
        if (r->usage.disk_mib[k] >= 0)
          {
            st = h->put_disk;
            sqlite3_bind_int64 (st, 1, b->time);
            sqlite3_bind_text (st, 2, r->vm, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (st, 3, k);
            sqlite3_bind_int64 (st, 4, r->usage.disk_mib[k]);
            ok = step_reset (h->db, st, error)
                 && row_written (h, &rows, error);
          }
    }
  return end_transaction (h, ok, error);
}

/* Runs select (bound to [from, to)) and writes each of its rows with
 * "INSERT OR REPLACE INTO table": read completely first, so the write
 * lock is held only while writing (WRITE_CHUNK rows at a time). */
static gboolean
copy_rows (HerdHistory *h, const char *select, const char *table,
           gint64 from, gint64 to, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (h->db, select, -1, &st, NULL) != SQLITE_OK)
    return db_failed (h->db, error, select);
  sqlite3_bind_int64 (st, 1, from);
  sqlite3_bind_int64 (st, 2, to);
  int columns = sqlite3_column_count (st);
  g_autoptr (GPtrArray) values
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sqlite3_value_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    for (int c = 0; c < columns; c++)
      g_ptr_array_add (values, sqlite3_value_dup (sqlite3_column_value (st,
                                                                        c)));
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return db_failed (h->db, error, select);
  if (values->len == 0)
    return TRUE;
  GString *insert = g_string_new ("INSERT OR REPLACE INTO ");
  g_string_append_printf (insert, "%s VALUES (?", table);
  for (int c = 1; c < columns; c++)
    g_string_append (insert, ", ?");
  g_string_append (insert, ")");
  g_autofree char *sql = g_string_free (insert, FALSE);
  if (sqlite3_prepare_v2 (h->db, sql, -1, &st, NULL) != SQLITE_OK)
    return db_failed (h->db, error, sql);
  gboolean ok = exec (h->db, "BEGIN IMMEDIATE", error);
  guint rows = 0;
  for (guint i = 0; ok && i < values->len; i += (guint) columns)
    {
      for (int c = 0; c < columns; c++)
        sqlite3_bind_value (st, c + 1, g_ptr_array_index (values, i + c));
      ok = step_reset (h->db, st, error) && row_written (h, &rows, error);
    }
  sqlite3_finalize (st);
  return end_transaction (h, ok, error);
}

/* Deletes table's rows with column < before, DELETE_CHUNK rows per
 * transaction. */
static gboolean
delete_before (HerdHistory *h, const char *table, const char *column,
               gint64 before, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "DELETE FROM %s WHERE rowid IN (SELECT rowid FROM %s WHERE %s < ?1 "
      "LIMIT %d)",
      table, table, column, DELETE_CHUNK);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (h->db, sql, -1, &st, NULL) != SQLITE_OK)
    return db_failed (h->db, error, sql);
  sqlite3_bind_int64 (st, 1, before);
  gboolean ok;
  do
    ok = step_reset (h->db, st, error);
  while (ok && sqlite3_changes (h->db) == DELETE_CHUNK);
  sqlite3_finalize (st);
  return ok;
}

/* Deletes the rows before before of the host_, vm_ and vm_disk_ tables
 * of kind (samples, hourly, daily; column: their time). */
static gboolean
delete_kind (HerdHistory *h, const char *kind, const char *column,
             gint64 before, GError **error)
{
  static const char *const prefixes[] = { "host_", "vm_", "vm_disk_" };
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *table = g_strconcat (prefixes[i], kind, NULL);
      if (!delete_before (h, table, column, before, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
remember_aggregated (HerdHistory *h, gint64 until, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "INSERT OR REPLACE INTO history_meta VALUES ('aggregated_until', "
      "%" G_GINT64_FORMAT ")",
      until);
  if (!exec (h->db, sql, error))
    return FALSE;
  h->aggregated_until = until;
  return TRUE;
}

/* After a batch at time: the hours that ended since the last pass into
 * the hourly tables, then what is past its retention deleted. */
static gboolean
hourly_pass (HerdHistory *h, gint64 time, GError **error)
{
  gint64 hour = time - time % 3600;
  if (h->aggregated_until == 0)
    return remember_aggregated (h, hour, error);
  if (hour <= h->aggregated_until)
    return TRUE;
  gint64 from = h->aggregated_until;
  /* The days that ended too, from their hours (once the hours are in). */
  gint64 from_day = from - from % 86400, to_day = hour - hour % 86400;
  gint64 keep_days = herd_time_to_seconds (h->settings.daily_retention);
  return copy_rows (h, host_hours, "host_hourly", from, hour, error)
         && copy_rows (h, vm_hours, "vm_hourly", from, hour, error)
         && copy_rows (h, disk_hours, "vm_disk_hourly", from, hour, error)
         && (to_day <= from_day
             || (copy_rows (h, host_days, "host_daily", from_day, to_day,
                            error)
                 && copy_rows (h, vm_days, "vm_daily", from_day, to_day,
                               error)
                 && copy_rows (h, disk_days, "vm_disk_daily", from_day,
                               to_day, error)))
         && remember_aggregated (h, hour, error)
         && delete_kind (h, "daily", "day", time - keep_days, error)
         && delete_kind (h, "samples", "time",
                         time - herd_time_to_seconds (h->settings.retention),
                         error)
         && delete_kind (h, "hourly", "hour",
                         time - herd_time_to_seconds (
                             h->settings.hourly_retention),
                         error);
}

static gpointer
writer_thread (gpointer data)
{
  HerdHistory *h = data;
  for (;;)
    {
      Batch *b = g_async_queue_pop (h->queue);
      gboolean quit = b->time == G_MININT64;
      g_autoptr (GError) error = NULL;
      if (!quit
          && (!insert_batch (h, b, &error)
              || !hourly_pass (h, b->time, &error)))
        g_warning ("%s", error->message);
      batch_free (b);
      g_mutex_lock (&h->lock);
      h->written++;
      g_cond_broadcast (&h->written_cond);
      g_mutex_unlock (&h->lock);
      if (quit)
        return NULL;
    }
}

static Batch *
batch_new (gint64 time)
{
  Batch *b = g_new0 (Batch, 1);
  b->time = time;
  b->hosts = g_array_new (FALSE, FALSE, sizeof (HostRow));
  b->vms = g_array_new (FALSE, FALSE, sizeof (VmRow));
  return b;
}

/* Hands b to the writer unless HERD_HISTORY_QUEUE batches wait already
 * (always when force). */
static gboolean
hand_over (HerdHistory *h, Batch *b, gboolean force)
{
  g_mutex_lock (&h->lock);
  gboolean room = force || h->handed - h->written < HERD_HISTORY_QUEUE;
  if (room)
    h->handed++;
  g_mutex_unlock (&h->lock);
  if (room)
    g_async_queue_push (h->queue, b);
  else
    batch_free (b);
  return room;
}

void
herd_history_flush (HerdHistory *h)
{
  g_mutex_lock (&h->lock);
  while (h->written < h->handed)
    g_cond_wait (&h->written_cond, &h->lock);
  g_mutex_unlock (&h->lock);
}

void
herd_history_free (HerdHistory *h)
{
  if (h == NULL)
    return;
  if (h->writer != NULL)
    {
      hand_over (h, batch_new (G_MININT64), TRUE);
      g_thread_join (h->writer);
    }
  if (h->queue != NULL)
    g_async_queue_unref (h->queue);
  sqlite3_finalize (h->put_host);
  sqlite3_finalize (h->put_vm);
  sqlite3_finalize (h->put_disk);
  sqlite3_close (h->db);
  g_mutex_clear (&h->lock);
  g_cond_clear (&h->written_cond);
  g_free (h);
}

static gboolean
prepare (HerdHistory *h, const char *sql, sqlite3_stmt **out, GError **error)
{
  return sqlite3_prepare_v2 (h->db, sql, -1, out, NULL) == SQLITE_OK
         || db_failed (h->db, error, sql);
}

static gboolean
read_aggregated (HerdHistory *h, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (!prepare (h,
                "SELECT value FROM history_meta WHERE key = "
                "'aggregated_until'",
                &st, error))
    return FALSE;
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    h->aggregated_until = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE
         || db_failed (h->db, error, "history_meta");
}

HerdHistory *
herd_history_open (const char *path, HerdModel *model,
                   const HerdHistorySettings *settings, GError **error)
{
  g_return_val_if_fail (settings->interval > 0, NULL);
  g_autoptr (HerdHistory) h = g_new0 (HerdHistory, 1);
  h->model = model;
  h->settings = *settings;
  g_mutex_init (&h->lock);
  g_cond_init (&h->written_cond);
  if (sqlite3_open_v2 (path, &h->db, SQLITE_OPEN_READWRITE, NULL)
      != SQLITE_OK)
    {
      db_failed (h->db, error, path);
      return NULL;
    }
  sqlite3_busy_timeout (h->db, 10000);
  /* WAL with NORMAL: a power loss may cost the last samples, never the
   * database (the state's own rows stay FULL). */
  if (!exec (h->db, "PRAGMA synchronous=NORMAL", error)
      || !exec (h->db, schema, error) || !read_aggregated (h, error)
      || !prepare (h,
                   "INSERT INTO host_samples VALUES (?1, ?2, ?3, ?4, ?5, "
                   "?6, ?7, ?8)",
                   &h->put_host, error)
      || !prepare (h,
                   "INSERT INTO vm_samples VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                   "?7, ?8, ?9)",
                   &h->put_vm, error)
      || !prepare (h, "INSERT INTO vm_disk_samples VALUES (?1, ?2, ?3, ?4)",
                   &h->put_disk, error))
    return NULL;
  h->queue = g_async_queue_new ();
  h->writer = g_thread_new ("herd-history", writer_thread, h);
  return g_steal_pointer (&h);
}

static gboolean
host_measured (const HerdHost *host)
{
  return host->status == HERD_HOST_UP || host->status == HERD_HOST_MAINTENANCE
         || host->status == HERD_HOST_PREPARING_FOR_MAINTENANCE
         || host->status == HERD_HOST_NON_OPERATIONAL;
}

gboolean
herd_history_sample (HerdHistory *h, HerdDriver *driver, gint64 now_us)
{
  HerdModel *model = h->model;
  gint64 interval_us = h->settings.interval / 1000;
  Batch *b = batch_new ((now_us + interval_us / 2) / interval_us * interval_us
                        / G_USEC_PER_SEC);
  for (guint i = 0; i < model->hosts->len; i++)
    {
      const HerdHost *host = herd_model_host (model, i);
      if (host->removed)
        continue;
      HostRow r = {
        .host = host->name,
        .status = herd_host_status_name (host->status),
        .up = host_measured (host),
        .cpu_mc = host->cpu_used_mc,
        .cpu_percent = host->cores > 0 ? (double) host->cpu_used_mc
                                             / (host->cores * 10.0)
                                       : 0,
        .mem_used_mib = MAX (host->memory_mib - host->mem_free_mib, 0),
        .memory_mib = host->memory_mib,
        .vms = host->vm_count,
      };
      g_array_append_val (b->hosts, r);
    }
  for (guint i = 0; i < model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (model, i);
      if (vm->host == HERD_ID_NONE || vm->status == HERD_VM_DOWN)
        continue;
      VmRow r = {
        .vm = vm->name,
        .host = herd_model_host (model, vm->host)->name,
        .status = herd_vm_status_name (vm->status),
      };
      r.measured = herd_driver_vm_usage (driver, i, &r.usage, NULL);
      r.cpu_percent = vm->vcpus > 0 ? (double) r.usage.cpu_mc
                                          / (vm->vcpus * 10.0)
                                    : 0;
      g_array_append_val (b->vms, r);
    }
  gboolean handed = hand_over (h, b, FALSE);
  if (!handed && !h->dropping)
    g_warning ("history: the writer is %d samples behind: samples are "
               "dropped until it catches up",
               HERD_HISTORY_QUEUE);
  h->dropping = !handed;
  return handed;
}

/* Whether the database has table (an older one, or one without history,
 * has none). */
static gboolean
has_table (sqlite3 *db, const char *table)
{
  sqlite3_stmt *st = NULL;
  gboolean found
      = sqlite3_prepare_v2 (db,
                            "SELECT 1 FROM sqlite_master WHERE type = "
                            "'table' AND name = ?1",
                            -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK
        && sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  return found;
}

typedef struct
{
  HerdHistoryFunc vm_fn;
  HerdHistoryDiskFunc disk_fn;
  gpointer data;
} Reading;

/* A row of vm_samples or vm_hourly to its callback. */
static void
vm_row (sqlite3_stmt *st, const Reading *r)
{
  r->vm_fn ((const char *) sqlite3_column_text (st, 0),
            sqlite3_column_int64 (st, 1), sqlite3_column_double (st, 2),
            sqlite3_column_type (st, 3) == SQLITE_NULL
                ? -1
                : (gint64) llround (sqlite3_column_double (st, 3)),
            sqlite3_column_type (st, 4) == SQLITE_NULL
                ? -1
                : sqlite3_column_double (st, 4),
            r->data);
}

/* A row of vm_disk_samples or vm_disk_hourly to its callback. */
static void
disk_row (sqlite3_stmt *st, const Reading *r)
{
  r->disk_fn ((const char *) sqlite3_column_text (st, 0),
              (guint) sqlite3_column_int64 (st, 1),
              sqlite3_column_int64 (st, 2),
              (gint64) llround (sqlite3_column_double (st, 3)), r->data);
}

/* Each row of sql on table to row: how many (0 when the table is not
 * there), -1 on an error. */
static gint64
read_rows (sqlite3 *db, const char *table, const char *sql,
           void (*row) (sqlite3_stmt *st, const Reading *r),
           const Reading *r, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (!has_table (db, table))
    return 0;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    {
      db_failed (db, error, sql);
      return -1;
    }
  gint64 rows = 0;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      row (st, r);
      rows++;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      db_failed (db, error, sql);
      return -1;
    }
  return rows;
}

gboolean
herd_history_read (const char *path, HerdHistoryFunc vm_fn,
                   HerdHistoryDiskFunc disk_fn, gpointer data,
                   GError **error)
{
  sqlite3 *db = NULL;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      db_failed (db, error, path);
      sqlite3_close (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, 5000);
  Reading r = { vm_fn, disk_fn, data };
  gint64 rows = read_rows (db, "vm_samples",
                           "SELECT vm, time, cpu_usage_percent, "
                           "memory_used_mib, disk_write_bytes_per_second "
                           "FROM vm_samples WHERE "
                           "cpu_usage_percent IS NOT NULL ORDER BY time, vm",
                           vm_row, &r, error);
  gboolean hourly = rows == 0;
  if (hourly)
    rows = read_rows (db, "vm_hourly",
                      "SELECT vm, hour, cpu_usage_percent, memory_used_mib, "
                      "disk_write_bytes_per_second FROM vm_hourly "
                      "WHERE cpu_usage_percent IS NOT NULL "
                      "ORDER BY hour, vm",
                      vm_row, &r, error);
  if (rows >= 0 && !hourly)
    rows = read_rows (db, "vm_disk_samples",
                      "SELECT vm, disk, time, actual_size_mib FROM "
                      "vm_disk_samples ORDER BY time, vm, disk",
                      disk_row, &r, error);
  else if (rows >= 0)
    rows = read_rows (db, "vm_disk_hourly",
                      "SELECT vm, disk, hour, actual_size_mib FROM "
                      "vm_disk_hourly ORDER BY hour, vm, disk",
                      disk_row, &r, error);
  sqlite3_close (db);
  return rows >= 0;
}
