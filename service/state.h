/* state.h: the long-running manager's state database (herd run).
 *
 * A SQLite database in WAL mode holds what the manager must not lose when
 * its process dies: each host's status and sanlock host id, each VM's
 * status and host, each data center's SPM, and every audit event.  Audit
 * events are written in batches: a batch and the rows that changed are
 * one transaction, committed at most HERD_STATE_BATCH_MS after the
 * batch's first event (the rows alone once a second), so a `kill -9`
 * loses at most the last 50 ms; a control request's record commits its
 * batch at once, so a request answered is never lost.  At start it restores the rows into the manager
 * (herd_manager_restore_*), which then reconciles them with what the hosts
 * report.  The control socket's requests that change something are
 * recorded there too, with who asked.  The files are owner-only (0600). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "core/audit.h"
#include "core/manager.h"
#include "core/model.h"

#define HERD_STATE_ERROR (herd_state_error_quark ())
GQuark herd_state_error_quark (void);

typedef enum
{
  HERD_STATE_ERROR_DB,       /* SQLite failed */
  HERD_STATE_ERROR_MISMATCH, /* the database names objects the
                                configuration does not have */
  HERD_STATE_ERROR_LAST
} HerdStateError;

typedef struct _HerdState HerdState;

/* Opens (creating if needed) the database at path for model. */
HerdState *herd_state_open (const char *path, HerdModel *model,
                            GError **error);
void herd_state_free (HerdState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdState, herd_state_free)

/* Whether the database held state from an earlier run. */
gboolean herd_state_has_rows (HerdState *state);

/* Leaves the WAL's checkpoints to another connection (the recorded
 * history's writer thread, which commits every sample): this one, on the
 * main loop, then never copies the WAL into the database and syncs it
 * while committing. */
gboolean herd_state_leave_checkpoints (HerdState *state, GError **error);

/* Reads the database at path without opening it for herd run (read-only,
 * no lock: a herd run may be using it): each host's status (host name ->
 * status name, as herd ctl shows it) into hosts, each VM's status into
 * vm_status and its host, when it has one, into vm_host (copies: the
 * tables free keys and values with g_free). */
gboolean herd_state_read (const char *path, GHashTable *hosts,
                          GHashTable *vm_status, GHashTable *vm_host,
                          GError **error);

/* Run-time changes to the cluster's definition (service/changes.c), one
 * row per object: kind ("host", "vm"), its name, op ("add": text is its
 * definition; "edit": text is what changed of an object of the
 * configuration; "remove": an object of the configuration removed;
 * "gone": a VM added at run time and removed, kept under another name
 * (tomb) so that the VMs added after it keep their ids).
 * herd_state_put_change writes or replaces the object's row (op NULL:
 * deletes it), herd_state_retire_change makes it "gone", in its place,
 * each in one transaction with the rows changed so far. */
typedef struct
{
  char *kind, *name, *op, *text;
} HerdStateChange;
HerdStateChange *herd_state_change_new (const char *kind, const char *name,
                                        const char *op, const char *text);
void herd_state_change_free (gpointer change);
gboolean herd_state_put_change (HerdState *state, const char *kind,
                                const char *name, const char *op,
                                const char *text, GError **error);
/* The changes recorded in the database at path (HerdStateChange, in the
 * order they were first made), read before herd run opens it; empty when
 * there is no database or it has none. */
GPtrArray *herd_state_read_changes (const char *path, GError **error);
gboolean herd_state_retire_change (HerdState *state, const char *kind,
                                   const char *name, const char *tomb,
                                   const char *text, GError **error);

/* Restores hosts, VMs and SPMs into manager (before herd_manager_start);
 * rows naming objects the configuration lacks are skipped with a
 * warning. */
gboolean herd_state_restore (HerdState *state, HerdManager *manager,
                             GError **error);

/* Writes the rows that changed and the audit events added since the
 * last commit, in one transaction. */
gboolean herd_state_save (HerdState *state, GError **error);
/* How long an audit event may wait for its commit (ms). */
#define HERD_STATE_BATCH_MS 50
/* Adds event to the batch (a copy, in memory): written with the rows
 * that changed at the next herd_state_save, at the latest
 * HERD_STATE_BATCH_MS later (a timeout on the main context), or at the
 * next request recorded or events read.  One transaction, one fsync and
 * one comparison of every row per batch, not per event: a start that
 * adopts 20,000 VMs writes their 20,000 events in a handful of commits;
 * and nothing holds the database's write lock between commits (the
 * recorded history's writer thread never waits for the main loop). */
void herd_state_add_event (HerdState *state, const HerdAuditEvent *event);
/* Records a control request that changes something (or would have, had
 * it been allowed): when (ns since the epoch), who asked (uid, user name,
 * role), the request as JSON and its outcome ("done", "refused: ...",
 * "failed: ..."); committed at once with the batch it closes (the events
 * the request caused, written before it), so what a client was answered
 * is on disk. */
gboolean herd_state_add_request (HerdState *state, gint64 time_ns, guint uid,
                                 const char *user, const char *role,
                                 const char *request, const char *outcome,
                                 GError **error);

/* Adds the last count audit events, oldest first, to builder (inside an
 * array it has begun): objects with time (ISO 8601), code, name,
 * severity, object, details. */
gboolean herd_state_events (HerdState *state, guint count,
                            JsonBuilder *builder, GError **error);

/* Each audit event with an id above after, at most max, newest first
 * (or oldest first):
 * fn (id, time in ns since the epoch, code, name, severity, object,
 * details, data). */
typedef void (*HerdStateEventFunc) (gint64 id, gint64 time_ns, int code,
                                    const char *name, const char *severity,
                                    const char *object, const char *details,
                                    gpointer data);
gboolean herd_state_events_after (HerdState *state, gint64 after, guint max,
                                  gboolean oldest_first,
                                  HerdStateEventFunc fn, gpointer data,
                                  GError **error);
