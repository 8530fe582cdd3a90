/* state.c: the state database of herd run (see state.h).
 *
 * Tables: hosts (name, status, sanlock_id), vms (name, status, host), spm
 * (datacenter, host), audit (id, time_ns, code, name, severity, object,
 * details), requests (id, time_ns, uid, user, role, request, outcome:
 * the control socket's requests that change something, added when a
 * database of an earlier herd run lacks it), changes (kind, name, op,
 * text: the run-time changes to the cluster's definition, one row per
 * object, service/changes.c).  A host or VM removed at run time loses its
 * row.  The last values written are
 * kept in memory, so that a save compares every host and VM (O(hosts +
 * VMs)) but writes only the rows that changed.
 *
 * The database, its WAL and shared memory file and its lock are its
 * user's only (0600) whatever the umask: created so, and an older one
 * found with more is narrowed (SQLite gives the WAL and -shm files the
 * database file's mode). */
#include "service/state.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (herd-state-error-quark, herd_state_error)

typedef struct
{
  HerdHostStatus status;
  guint32 sanlock_id;
} SavedHost;

typedef struct
{
  HerdVmStatus status;
  HerdId host;
} SavedVm;

/* An audit event waiting for its batch's commit (copied: the emitter's
 * strings live only during the emission). */
typedef struct
{
  HerdTime time;
  HerdAuditType type;
  char *object, *details;
} PendingEvent;

static void
pending_event_clear (gpointer data)
{
  PendingEvent *e = data;
  g_free (e->object);
  g_free (e->details);
}

struct _HerdState
{
  sqlite3 *db;
  int lock_fd;        /* PATH.lock, locked while open (one manager) */
  HerdModel *model;
  SavedHost *hosts;   /* by host id: as last written */
  SavedVm *vms;       /* by VM id */
  HerdId *spm;        /* by data center id */
  gboolean had_rows;
  GArray *batch;       /* PendingEvent: events not written yet */
  guint commit_source; /* writes the batch HERD_STATE_BATCH_MS later */
  sqlite3_stmt *put_host, *put_vm, *put_spm, *put_audit, *put_request;
  sqlite3_stmt *put_change, *drop_change, *retire_change, *drop_host,
      *drop_vm;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS hosts (name TEXT PRIMARY KEY, status TEXT "
    "NOT NULL, sanlock_id INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS vms (name TEXT PRIMARY KEY, status TEXT NOT "
    "NULL, host TEXT);"
    "CREATE TABLE IF NOT EXISTS spm (datacenter TEXT PRIMARY KEY, host "
    "TEXT);"
    "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, time_ns "
    "INTEGER NOT NULL, code INTEGER NOT NULL, name TEXT NOT NULL, severity "
    "TEXT NOT NULL, object TEXT NOT NULL, details TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, time_ns "
    "INTEGER NOT NULL, uid INTEGER NOT NULL, user TEXT NOT NULL, role TEXT "
    "NOT NULL, request TEXT NOT NULL, outcome TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS changes (id INTEGER PRIMARY KEY, kind TEXT "
    "NOT NULL, name TEXT NOT NULL, op TEXT NOT NULL, text TEXT NOT NULL, "
    "UNIQUE (kind, name));";

static gboolean
db_failed (HerdState *state, GError **error, const char *what)
{
  g_set_error (error, HERD_STATE_ERROR, HERD_STATE_ERROR_DB, "%s: %s", what,
               sqlite3_errmsg (state->db));
  return FALSE;
}

static gboolean
exec (HerdState *state, const char *sql, GError **error)
{
  return sqlite3_exec (state->db, sql, NULL, NULL, NULL) == SQLITE_OK
         || db_failed (state, error, sql);
}

static gboolean
prepare (HerdState *state, const char *sql, sqlite3_stmt **out,
         GError **error)
{
  return sqlite3_prepare_v2 (state->db, sql, -1, out, NULL) == SQLITE_OK
         || db_failed (state, error, sql);
}

void
herd_state_free (HerdState *state)
{
  if (state == NULL)
    return;
  if (state->commit_source != 0)
    g_source_remove (state->commit_source);
  if (state->batch != NULL && state->batch->len > 0)
    g_warning ("state database: %u audit events not written",
               state->batch->len);
  g_clear_pointer (&state->batch, g_array_unref);
  sqlite3_finalize (state->put_host);
  sqlite3_finalize (state->put_vm);
  sqlite3_finalize (state->put_spm);
  sqlite3_finalize (state->put_audit);
  sqlite3_finalize (state->put_request);
  sqlite3_finalize (state->put_change);
  sqlite3_finalize (state->drop_change);
  sqlite3_finalize (state->retire_change);
  sqlite3_finalize (state->drop_host);
  sqlite3_finalize (state->drop_vm);
  sqlite3_close (state->db);
  if (state->lock_fd >= 0)
    close (state->lock_fd);
  g_free (state->hosts);
  g_free (state->vms);
  g_free (state->spm);
  g_free (state);
}

static gboolean
count_rows (HerdState *state, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (!prepare (state,
                "SELECT (SELECT count(*) FROM hosts) + (SELECT count(*) "
                "FROM vms)",
                &st, error))
    return FALSE;
  state->had_rows = sqlite3_step (st) == SQLITE_ROW
                    && sqlite3_column_int64 (st, 0) > 0;
  sqlite3_finalize (st);
  return TRUE;
}

/* Impossible values (all bits set): the next save writes every row. */
static void
forget_saved (HerdState *state)
{
  HerdModel *model = state->model;
  memset (state->hosts, 0xff,
          sizeof *state->hosts * herd_model_host_slots (model));
  memset (state->vms, 0xff, sizeof *state->vms * herd_model_vm_slots (model));
  memset (state->spm, 0xfe, sizeof *state->spm * model->datacenters->len);
}

/* Makes the regular file fd owner-only (0600) if it is more open. */
static gboolean
owner_only (int fd)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return FALSE;
  return !S_ISREG (st.st_mode) || (st.st_mode & 077) == 0
         || fchmod (fd, 0600) == 0;
}

/* Creates path 0600 if it is not there, or narrows it to 0600 (with
 * create FALSE: only if it is there). */
static gboolean
private_file (const char *path, gboolean create, GError **error)
{
  int fd = open (path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK
                           | (create ? O_CREAT : 0),
                 0600);
  if (fd < 0 && !create && errno == ENOENT)
    return TRUE;
  gboolean ok = fd >= 0 && owner_only (fd);
  int saved = errno;
  if (fd >= 0)
    close (fd);
  if (!ok)
    g_set_error (error, HERD_STATE_ERROR, HERD_STATE_ERROR_DB,
                 "state database %s: cannot make it owner-only (0600): %s",
                 path, g_strerror (saved));
  return ok;
}

HerdState *
herd_state_open (const char *path, HerdModel *model, GError **error)
{
  g_autoptr (HerdState) state = g_new0 (HerdState, 1);
  state->model = model;
  state->batch = g_array_new (FALSE, FALSE, sizeof (PendingEvent));
  g_array_set_clear_func (state->batch, pending_event_clear);
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  state->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (state->lock_fd < 0 || flock (state->lock_fd, LOCK_EX | LOCK_NB) < 0)
    {
      g_set_error (error, HERD_STATE_ERROR, HERD_STATE_ERROR_DB,
                   "state database %s: %s", path,
                   errno == EWOULDBLOCK ? "another herd run uses it"
                                        : g_strerror (errno));
      return NULL;
    }
  owner_only (state->lock_fd);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  if (!private_file (path, TRUE, error) || !private_file (wal, FALSE, error)
      || !private_file (shm, FALSE, error))
    return NULL;
  if (sqlite3_open (path, &state->db) != SQLITE_OK)
    {
      db_failed (state, error, path);
      g_prefix_error (error, "opening the state database ");
      return NULL;
    }
  sqlite3_busy_timeout (state->db, 5000);
  if (!exec (state, schema, error) || !count_rows (state, error)
      || !prepare (state,
                   "INSERT OR REPLACE INTO hosts VALUES (?1, ?2, ?3)",
                   &state->put_host, error)
      || !prepare (state, "INSERT OR REPLACE INTO vms VALUES (?1, ?2, ?3)",
                   &state->put_vm, error)
      || !prepare (state, "INSERT OR REPLACE INTO spm VALUES (?1, ?2)",
                   &state->put_spm, error)
      || !prepare (state,
                   "INSERT INTO audit (time_ns, code, name, severity, "
                   "object, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   &state->put_audit, error)
      || !prepare (state,
                   "INSERT INTO requests (time_ns, uid, user, role, "
                   "request, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   &state->put_request, error)
      || !prepare (state,
                   "INSERT INTO changes (kind, name, op, text) VALUES (?1, "
                   "?2, ?3, ?4) ON CONFLICT (kind, name) DO UPDATE SET "
                   "op = excluded.op, text = excluded.text",
                   &state->put_change, error)
      || !prepare (state, "DELETE FROM changes WHERE kind = ?1 AND name = ?2",
                   &state->drop_change, error)
      || !prepare (state,
                   "UPDATE changes SET name = ?3, op = 'gone', text = ?4 "
                   "WHERE kind = ?1 AND name = ?2",
                   &state->retire_change, error)
      || !prepare (state, "DELETE FROM hosts WHERE name = ?1",
                   &state->drop_host, error)
      || !prepare (state, "DELETE FROM vms WHERE name = ?1", &state->drop_vm,
                   error))
    return NULL;
  state->hosts = g_new (SavedHost, herd_model_host_slots (model));
  state->vms = g_new (SavedVm, herd_model_vm_slots (model));
  state->spm = g_new (HerdId, MAX (model->datacenters->len, 1));
  forget_saved (state);
  return g_steal_pointer (&state);
}

gboolean
herd_state_leave_checkpoints (HerdState *state, GError **error)
{
  return exec (state, "PRAGMA wal_autocheckpoint=0", error);
}

gboolean
herd_state_has_rows (HerdState *state)
{
  return state->had_rows;
}

static int
host_status_from_name (const char *name)
{
  for (int s = 0; s < HERD_HOST_STATUS_LAST; s++)
    if (g_strcmp0 (herd_host_status_name ((HerdHostStatus) s), name) == 0)
      return s;
  return -1;
}

static int
vm_status_from_name (const char *name)
{
  for (int s = 0; s < HERD_VM_STATUS_LAST; s++)
    if (g_strcmp0 (herd_vm_status_name ((HerdVmStatus) s), name) == 0)
      return s;
  return -1;
}

static const char *
text_at (sqlite3_stmt *st, int column)
{
  return (const char *) sqlite3_column_text (st, column);
}

gboolean
herd_state_read (const char *path, GHashTable *hosts, GHashTable *vm_status,
                 GHashTable *vm_host, GError **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gboolean ok = FALSE;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HERD_STATE_ERROR, HERD_STATE_ERROR_DB,
                   "state database %s: no such file", path);
      return FALSE;
    }
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    goto out;
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, "SELECT name, status FROM hosts", -1, &st,
                          NULL)
      != SQLITE_OK)
    goto out;
  while (sqlite3_step (st) == SQLITE_ROW)
    g_hash_table_insert (hosts,
                         g_strdup ((const char *) sqlite3_column_text (st, 0)),
                         g_strdup ((const char *) sqlite3_column_text (st, 1)));
  sqlite3_finalize (st);
  st = NULL;
  if (sqlite3_prepare_v2 (db, "SELECT name, status, host FROM vms", -1, &st,
                          NULL)
      != SQLITE_OK)
    goto out;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (st, 0);
      g_hash_table_insert (vm_status, g_strdup (name),
                           g_strdup ((const char *) sqlite3_column_text (st,
                                                                       1)));
      if (sqlite3_column_text (st, 2) != NULL)
        g_hash_table_insert (
            vm_host, g_strdup (name),
            g_strdup ((const char *) sqlite3_column_text (st, 2)));
    }
  ok = TRUE;
out:
  if (!ok)
    g_set_error (error, HERD_STATE_ERROR, HERD_STATE_ERROR_DB,
                 "state database %s: %s", path,
                 db != NULL ? sqlite3_errmsg (db) : "cannot open it");
  sqlite3_finalize (st);
  sqlite3_close (db);
  return ok;
}

gboolean
herd_state_restore (HerdState *state, HerdManager *manager, GError **error)
{
  HerdModel *model = state->model;
  sqlite3_stmt *st = NULL;
  if (!prepare (state, "SELECT name, status, sanlock_id FROM hosts", &st,
                error))
    return FALSE;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      HerdId host = herd_model_find_host (model, text_at (st, 0));
      int status = host_status_from_name (text_at (st, 1));
      if (host == HERD_ID_NONE || status < 0)
        {
          g_warning ("state database: host %s (%s) is not in the "
                     "configuration: skipped",
                     text_at (st, 0), text_at (st, 1));
          continue;
        }
      herd_manager_restore_host (manager, host, (HerdHostStatus) status,
                                 (guint32) sqlite3_column_int64 (st, 2));
    }
  sqlite3_finalize (st);
  if (!prepare (state, "SELECT name, status, host FROM vms", &st, error))
    return FALSE;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      HerdId vm = herd_model_find_vm (model, text_at (st, 0));
      int status = vm_status_from_name (text_at (st, 1));
      const char *host_name = text_at (st, 2);
      HerdId host = host_name != NULL ? herd_model_find_host (model,
                                                              host_name)
                                      : HERD_ID_NONE;
      if (vm == HERD_ID_NONE || status < 0)
        {
          g_warning ("state database: VM %s is not in the configuration: "
                     "skipped",
                     text_at (st, 0));
          continue;
        }
      if (status != HERD_VM_DOWN && host != HERD_ID_NONE)
        herd_manager_restore_vm (manager, vm, host);
    }
  sqlite3_finalize (st);
  if (!prepare (state, "SELECT datacenter, host FROM spm", &st, error))
    return FALSE;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      HerdId dc = herd_model_find_datacenter (model, text_at (st, 0));
      HerdId host = text_at (st, 1) != NULL
                        ? herd_model_find_host (model, text_at (st, 1))
                        : HERD_ID_NONE;
      if (dc != HERD_ID_NONE && host != HERD_ID_NONE)
        herd_manager_restore_spm (manager, dc, host);
    }
  sqlite3_finalize (st);
  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *st, int i, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (st, i, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (st, i);
}

static gboolean
step (HerdState *state, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return rc == SQLITE_DONE || db_failed (state, error, "writing state");
}

static gboolean
save_rows (HerdState *state, GError **error)
{
  HerdModel *model = state->model;
  for (guint i = 0; i < model->hosts->len; i++)
    {
      const HerdHost *h = herd_model_host (model, i);
      SavedHost now = { h->removed ? HERD_HOST_STATUS_LAST : h->status,
                        h->sanlock_id };
      if (memcmp (&now, &state->hosts[i], sizeof now) == 0)
        continue;
      if (h->removed)
        {
          sqlite3_bind_text (state->drop_host, 1, h->name, -1, SQLITE_STATIC);
          if (!step (state, state->drop_host, error))
            return FALSE;
          state->hosts[i] = now;
          continue;
        }
      sqlite3_bind_text (state->put_host, 1, h->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (state->put_host, 2, herd_host_status_name (h->status),
                         -1, SQLITE_STATIC);
      sqlite3_bind_int64 (state->put_host, 3, h->sanlock_id);
      if (!step (state, state->put_host, error))
        return FALSE;
      state->hosts[i] = now;
    }
  for (guint i = 0; i < model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (model, i);
      SavedVm now = { vm->removed ? HERD_VM_STATUS_LAST : vm->status,
                      vm->host };
      if (memcmp (&now, &state->vms[i], sizeof now) == 0)
        continue;
      if (vm->removed)
        {
          sqlite3_bind_text (state->drop_vm, 1, vm->name, -1, SQLITE_STATIC);
          if (!step (state, state->drop_vm, error))
            return FALSE;
          state->vms[i] = now;
          continue;
        }
      sqlite3_bind_text (state->put_vm, 1, vm->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (state->put_vm, 2, herd_vm_status_name (vm->status),
                         -1, SQLITE_STATIC);
      bind_text_or_null (state->put_vm, 3,
                         vm->host != HERD_ID_NONE
                             ? herd_model_host (model, vm->host)->name
                             : NULL);
      if (!step (state, state->put_vm, error))
        return FALSE;
      state->vms[i] = now;
    }
  for (guint i = 0; i < model->datacenters->len; i++)
    {
      const HerdDatacenter *dc = herd_model_datacenter (model, i);
      if (dc->spm_host == state->spm[i])
        continue;
      sqlite3_bind_text (state->put_spm, 1, dc->name, -1, SQLITE_STATIC);
      bind_text_or_null (state->put_spm, 2,
                         dc->spm_host != HERD_ID_NONE
                             ? herd_model_host (model, dc->spm_host)->name
                             : NULL);
      if (!step (state, state->put_spm, error))
        return FALSE;
      state->spm[i] = dc->spm_host;
    }
  return TRUE;
}

static gboolean
put_event (HerdState *state, const PendingEvent *event, GError **error)
{
  const HerdAuditInfo *info = herd_audit_info (event->type);
  sqlite3_stmt *st = state->put_audit;
  sqlite3_bind_int64 (st, 1, event->time);
  sqlite3_bind_int (st, 2, info->code);
  sqlite3_bind_text (st, 3, info->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, herd_severity_name (info->severity), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (st, 5, event->object, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 6, event->details, -1, SQLITE_STATIC);
  return step (state, st, error);
}

/* One transaction: the batch's events, then request (when not NULL: a
 * prepared statement with its values bound) and the rows that changed. */
static gboolean
commit (HerdState *state, sqlite3_stmt *request, GError **error)
{
  if (state->commit_source != 0)
    {
      g_source_remove (state->commit_source);
      state->commit_source = 0;
    }
  if (!exec (state, "BEGIN", error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; i < state->batch->len && ok; i++)
    ok = put_event (state, &g_array_index (state->batch, PendingEvent, i),
                    error);
  ok = ok && (request == NULL || step (state, request, error))
       && save_rows (state, error) && exec (state, "COMMIT", error);
  guint events = state->batch->len;
  g_array_set_size (state->batch, 0);
  if (!ok)
    {
      exec (state, "ROLLBACK", NULL);
      forget_saved (state); /* nothing was written: every row next time */
      if (events > 0)
        g_prefix_error (error, "%u audit events lost: ", events);
    }
  return ok;
}

/* Runs the bound statement st in one transaction with the rows changed so
 * far (a host removed loses its row with its change). */
static gboolean
change_step (HerdState *state, sqlite3_stmt *st, GError **error)
{
  if (!exec (state, "BEGIN", error))
    return FALSE;
  if (!step (state, st, error) || !save_rows (state, error)
      || !exec (state, "COMMIT", error))
    {
      exec (state, "ROLLBACK", NULL);
      forget_saved (state);
      return FALSE;
    }
  return TRUE;
}

gboolean
herd_state_put_change (HerdState *state, const char *kind, const char *name,
                       const char *op, const char *text, GError **error)
{
  sqlite3_stmt *st = op != NULL ? state->put_change : state->drop_change;
  sqlite3_bind_text (st, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, name, -1, SQLITE_STATIC);
  if (op != NULL)
    {
      sqlite3_bind_text (st, 3, op, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, text, -1, SQLITE_STATIC);
    }
  return change_step (state, st, error);
}

gboolean
herd_state_retire_change (HerdState *state, const char *kind,
                          const char *name, const char *tomb,
                          const char *text, GError **error)
{
  sqlite3_stmt *st = state->retire_change;
  sqlite3_bind_text (st, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, tomb, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, text, -1, SQLITE_STATIC);
  return change_step (state, st, error);
}

HerdStateChange *
herd_state_change_new (const char *kind, const char *name, const char *op,
                       const char *text)
{
  HerdStateChange *c = g_new (HerdStateChange, 1);
  *c = (HerdStateChange){ g_strdup (kind), g_strdup (name), g_strdup (op),
                          g_strdup (text) };
  return c;
}

void
herd_state_change_free (gpointer p)
{
  HerdStateChange *c = p;
  g_free (c->kind);
  g_free (c->name);
  g_free (c->op);
  g_free (c->text);
  g_free (c);
}

GPtrArray *
herd_state_read_changes (const char *path, GError **error)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func (
      herd_state_change_free);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return changes;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 5000);
      rc = sqlite3_prepare_v2 (db,
                               "SELECT kind, name, op, text FROM changes "
                               "ORDER BY id",
                               -1, &st, NULL);
      if (rc != SQLITE_OK && strstr (sqlite3_errmsg (db), "no such table"))
        rc = SQLITE_DONE; /* a database of an earlier herd run */
    }
  while (st != NULL && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_ptr_array_add (changes,
                       herd_state_change_new (text_at (st, 0),
                                              text_at (st, 1),
                                              text_at (st, 2),
                                              text_at (st, 3)));
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, HERD_STATE_ERROR, HERD_STATE_ERROR_DB,
                   "state database %s: reading its run-time changes: %s",
                   path, db != NULL ? sqlite3_errmsg (db) : "cannot open it");
      g_clear_pointer (&changes, g_ptr_array_unref);
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  return changes;
}

gboolean
herd_state_save (HerdState *state, GError **error)
{
  return commit (state, NULL, error);
}

static gboolean
commit_batch (gpointer data)
{
  HerdState *state = data;
  state->commit_source = 0;
  g_autoptr (GError) error = NULL;
  if (!herd_state_save (state, &error))
    g_warning ("state database: %s", error->message);
  return G_SOURCE_REMOVE;
}

void
herd_state_add_event (HerdState *state, const HerdAuditEvent *event)
{
  PendingEvent e = { event->time, event->type, g_strdup (event->object),
                     g_strdup (event->details) };
  g_array_append_val (state->batch, e);
  if (state->commit_source == 0)
    state->commit_source = g_timeout_add (HERD_STATE_BATCH_MS, commit_batch,
                                          state);
}

gboolean
herd_state_events (HerdState *state, guint count, JsonBuilder *builder,
                   GError **error)
{
  if (state->batch->len > 0 && !herd_state_save (state, error))
    return FALSE;
  sqlite3_stmt *st = NULL;
  if (!prepare (state,
                "SELECT time_ns, code, name, severity, object, details FROM "
                "(SELECT * FROM audit ORDER BY id DESC LIMIT ?1) ORDER BY id",
                &st, error))
    return FALSE;
  sqlite3_bind_int64 (st, 1, count);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      gint64 usec = sqlite3_column_int64 (st, 0) / 1000;
      g_autoptr (GDateTime) second = g_date_time_new_from_unix_utc (
          usec / G_USEC_PER_SEC);
      g_autoptr (GDateTime) at = g_date_time_add (second,
                                                  usec % G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format_iso8601 (at);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, when);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, sqlite3_column_int (st, 1));
      const char *const columns[] = { "name", "severity", "object",
                                      "details" };
      for (int c = 0; c < 4; c++)
        {
          json_builder_set_member_name (builder, columns[c]);
          json_builder_add_string_value (builder, text_at (st, 2 + c));
        }
      json_builder_end_object (builder);
    }
  sqlite3_finalize (st);
  return TRUE;
}

gboolean
herd_state_events_after (HerdState *state, gint64 after, guint max,
                         gboolean oldest_first, HerdStateEventFunc fn,
                         gpointer data, GError **error)
{
  if (state->batch->len > 0 && !herd_state_save (state, error))
    return FALSE;
  sqlite3_stmt *st = NULL;
  if (!prepare (state,
                oldest_first
                    ? "SELECT id, time_ns, code, name, severity, object, "
                      "details FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2"
                    : "SELECT id, time_ns, code, name, severity, object, "
                      "details FROM audit WHERE id > ?1 ORDER BY id DESC "
                      "LIMIT ?2",
                &st, error))
    return FALSE;
  sqlite3_bind_int64 (st, 1, after);
  sqlite3_bind_int64 (st, 2, max);
  while (sqlite3_step (st) == SQLITE_ROW)
    fn (sqlite3_column_int64 (st, 0), sqlite3_column_int64 (st, 1),
        sqlite3_column_int (st, 2), text_at (st, 3), text_at (st, 4),
        text_at (st, 5), text_at (st, 6), data);
  sqlite3_finalize (st);
  return TRUE;
}

gboolean
herd_state_add_request (HerdState *state, gint64 time_ns, guint uid,
                        const char *user, const char *role,
                        const char *request, const char *outcome,
                        GError **error)
{
  sqlite3_stmt *st = state->put_request;
  sqlite3_bind_int64 (st, 1, time_ns);
  sqlite3_bind_int64 (st, 2, uid);
  sqlite3_bind_text (st, 3, user, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, role, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, request, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 6, outcome, -1, SQLITE_STATIC);
  gboolean ok = commit (state, st, error);
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return ok;
}
