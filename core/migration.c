/* migration.c: live migrations as the manager runs them (behaviour.md §4).
 *
 * A migration is asked for (by an operator, maintenance, the balancer),
 * gets a destination from the scheduler (or checks the one it was given),
 * reserves the VM's resources there as pending, and waits for an outgoing
 * slot on its source: at most min(cores, MaxOutgoingMigrations) run out of
 * a host at once, one under the suspend_workload policy.  A destination
 * already receiving MaxIncomingMigrations answers "limit" and the source
 * retries after MigrationRetryInterval, keeping its slot.
 *
 * While it runs, the backend reports each pre-copy pass.  The manager
 * applies its migration policy's downtime schedule as iterations are
 * reported (iteration 0 is the first pass, k the k-th resend pass; the
 * budget for iteration k is set when iteration k-1 ends, before the
 * backend checks whether the remainder fits), aborts when the schedule
 * ends (legacy after iteration 42, minimal_downtime and suspend_workload
 * after their last step) or switches to post-copy (post_copy after
 * iteration 2).  Under rhv-4.1 it also aborts after MigrationTimeoutPerGiB
 * of VM memory and when the data left to send has not shrunk for
 * MigrationProgressTimeout (measured at pass ends: the simulator reports
 * no finer progress); ovirt-4.5 sets both to 0 (off). */
#include "core/manager-private.h"
#include "core/migration.h"

#include "core/maintenance.h"
#include "core/manager-books.h"
#include "core/manager-place.h"
#include "core/manager-status.h"
#include "core/manager-time.h"

#include <string.h>

typedef enum
{
  STATE_QUEUED,   /* waiting for an outgoing slot on the source */
  STATE_WAITING,  /* the destination answered "limit": retry timer set */
  STATE_RUNNING,
} State;

struct _Migration
{
  HerdMigrationRecord record;
  State state;
  HerdTimerId timer;        /* retry (WAITING) or timeout (RUNNING) */
  guint32 iteration;        /* last iteration the backend reported */
  gint64 lowmark;           /* least data left seen at a pass end */
  HerdTime last_progress;   /* when lowmark last went down */
  guint32 downtime_ms;      /* budget in force */
  gboolean post_copy;
};

typedef struct
{
  guint32 iteration;
  guint32 downtime_ms;
} Step;

typedef struct
{
  const Step *steps;        /* ascending iterations; the first is 0 */
  guint n_steps;
  guint32 end_iteration;    /* when this iteration is reported: end */
  gboolean end_post_copy;   /* switch to post-copy instead of aborting */
  guint32 max_migrations;   /* the policy's maxMigrations: an extra cap on
                               outgoing and incoming migrations, 0: none */
} Schedule;

static const Step legacy_steps[] = {
  { 0, 101 }, { 1, 104 }, { 2, 120 }, { 3, 189 }, { 4, 500 },
};
static const Step minimal_steps[] = {
  { 0, 100 }, { 1, 150 }, { 2, 200 }, { 3, 300 }, { 4, 400 }, { 6, 500 },
};
static const Step suspend_steps[] = {
  { 0, 100 }, { 1, 150 }, { 2, 200 }, { 3, 300 },
  { 4, 400 }, { 6, 500 }, { 7, 5000 },
};
static const Step post_copy_steps[] = {
  { 0, 100 }, { 1, 150 }, { 2, 200 },
};

static const Schedule schedules[HERD_MIGRATION_POLICY_LAST] = {
  [HERD_MIGRATION_LEGACY] = { legacy_steps, G_N_ELEMENTS (legacy_steps), 43,
                              FALSE, 0 },
  [HERD_MIGRATION_MINIMAL_DOWNTIME] = { minimal_steps,
                                        G_N_ELEMENTS (minimal_steps), 7,
                                        FALSE, 0 },
  [HERD_MIGRATION_SUSPEND_WORKLOAD] = { suspend_steps,
                                        G_N_ELEMENTS (suspend_steps), 8,
                                        FALSE, 1 },
  [HERD_MIGRATION_POST_COPY] = { post_copy_steps,
                                 G_N_ELEMENTS (post_copy_steps), 3, TRUE,
                                 0 },
};

static const char *const reason_names[HERD_MIGRATION_REASON_LAST] = {
  "user", "maintenance", "load_balancing", "affinity", "network",
  "storage",
};
static const char *const outcome_names[HERD_MIGRATION_OUTCOME_LAST] = {
  "done", "aborted", "failed",
};

const char *
herd_migration_reason_name (HerdMigrationReason reason)
{
  g_return_val_if_fail (reason < HERD_MIGRATION_REASON_LAST, "?");
  return reason_names[reason];
}

const char *
herd_migration_outcome_name (HerdMigrationOutcome outcome)
{
  g_return_val_if_fail (outcome < HERD_MIGRATION_OUTCOME_LAST, "?");
  return outcome_names[outcome];
}

void
herd_migration_init (HerdManager *m)
{
  guint hosts = herd_model_host_slots (m->model);
  m->migrations = g_new0 (Migration *, herd_model_vm_slots (m->model));
  m->outgoing = g_new0 (guint32, hosts);
  m->incoming = g_new0 (guint32, hosts);
  m->queued = g_new0 (GQueue *, hosts);
}

void
herd_migration_clear (HerdManager *m)
{
  for (guint i = 0; i < m->model->vms->len; i++)
    g_free (m->migrations[i]);
  for (guint i = 0; i < m->model->hosts->len; i++)
    if (m->queued[i] != NULL)
      g_queue_free (m->queued[i]);
  g_free (m->migrations);
  g_free (m->outgoing);
  g_free (m->incoming);
  g_free (m->queued);
}

/* The VM's own migration policy, else its cluster's (oVirt's
 * MigrateVmCommand: the VM's policy overrides the cluster's). */
static const Schedule *
schedule_of (HerdManager *m, const HerdVm *vm)
{
  return &schedules[vm->migration_policy != HERD_MIGRATION_POLICY_LAST
                        ? vm->migration_policy
                        : herd_model_cluster (m->model, vm->cluster)
                              ->migration_policy];
}

static guint32
outgoing_limit (HerdManager *m, const HerdVm *vm, HerdId source)
{
  const HerdHost *host = herd_model_host (m->model, source);
  guint32 limit = (guint32) MIN ((gint64) host->cores,
                                 m->model->params.max_outgoing_migrations);
  guint32 cap = schedule_of (m, vm)->max_migrations;
  return MAX (cap != 0 ? MIN (limit, cap) : limit, 1);
}

/* The destination's limit for this VM's migration: MaxIncomingMigrations,
 * or the policy's maxMigrations when lower (the engine sends it as
 * maxIncomingMigrations and VDSM bounds the destination's incoming
 * migrations with it). */
static guint32
incoming_limit (HerdManager *m, const HerdVm *vm)
{
  guint32 limit = (guint32) m->model->params.max_incoming_migrations;
  guint32 cap = schedule_of (m, vm)->max_migrations;
  return cap != 0 ? MIN (limit, cap) : limit;
}

static const char *
host_name (HerdManager *m, HerdId id)
{
  return id != HERD_ID_NONE ? herd_model_host (m->model, id)->name : "none";
}

static void try_start (HerdManager *m, HerdId vm_id);

/* Starts the next migrations waiting on source's outgoing slots. */
static void
start_queued (HerdManager *m, HerdId source)
{
  GQueue *q = m->queued[source];
  while (q != NULL && !g_queue_is_empty (q))
    {
      HerdId vm_id = GPOINTER_TO_UINT (g_queue_peek_head (q));
      HerdVm *vm = herd_model_vm (m->model, vm_id);
      if (m->outgoing[source] >= outgoing_limit (m, vm, source))
        return;
      g_queue_pop_head (q);
      try_start (m, vm_id);
    }
}

/* Ends a migration: the VM is on its destination (done) or stays on its
 * source (aborted, failed); the record goes to the sink. */
static void
finish (HerdManager *m, HerdId vm_id, HerdMigrationOutcome outcome,
        const char *why)
{
  Migration *mig = m->migrations[vm_id];
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdMigrationRecord *rec = &mig->record;
  HerdTime now = herd_manager_now (m);
  HerdId source = rec->source, dest = rec->destination;

  herd_driver_timer_cancel (m->driver, mig->timer);
  if (mig->state == STATE_RUNNING)
    {
      m->outgoing[source]--;
      m->incoming[dest]--;
    }
  else if (mig->state == STATE_WAITING)
    m->outgoing[source]--;
  else if (m->queued[source] != NULL)
    g_queue_remove (m->queued[source], GUINT_TO_POINTER (vm_id));

  rec->ended = now;
  rec->outcome = outcome;
  rec->why = why != NULL ? why : "";
  vm->migrating_to = HERD_ID_NONE;
  if (outcome == HERD_MIGRATION_OUTCOME_DONE)
    {
      herd_manager_release_pending (m, vm);
      herd_manager_uncommit_vm (m, vm);
      herd_manager_commit_vm (m, vm, dest);
      /* A guest paused during its migration (ENOSPC) stays paused. */
      if (vm->status == HERD_VM_MIGRATING_FROM)
        herd_manager_vm_set_status (m, vm, HERD_VM_UP);
      m->stats.migrations_done++;
      herd_audit_emit (m->audit, now, HERD_AUDIT_VM_MIGRATION_DONE, vm->name,
                       "source=%s destination=%s duration_ms=%" G_GINT64_FORMAT
                       " downtime_ms=%u rounds=%u",
                       host_name (m, source), host_name (m, dest),
                       (rec->ended - rec->started) / HERD_MSEC (1),
                       rec->downtime_ms, rec->rounds);
    }
  else
    {
      herd_manager_release_pending (m, vm);
      /* It stays on its source: Up there if the source still answers
       * (NonOperational hosts do), else Unknown for the monitor to settle.
       * A status reported meanwhile (Paused, say) stands. */
      HerdHostStatus s = herd_model_host (m->model, source)->status;
      gboolean source_alive = s == HERD_HOST_UP
                              || s == HERD_HOST_PREPARING_FOR_MAINTENANCE
                              || s == HERD_HOST_NON_OPERATIONAL;
      if (vm->status == HERD_VM_MIGRATING_FROM)
        herd_manager_vm_set_status (m, vm, source_alive ? HERD_VM_UP
                                                        : HERD_VM_UNKNOWN);
      m->stats.migrations_failed++;
      herd_audit_emit (m->audit, now,
                       outcome == HERD_MIGRATION_OUTCOME_ABORTED
                           ? HERD_AUDIT_VM_MIGRATION_ABORT
                           : HERD_AUDIT_VM_MIGRATION_FAILED,
                       vm->name, "source=%s destination=%s reason=\"%s\"",
                       host_name (m, source), host_name (m, dest), rec->why);
    }
  if (m->migration_sink != NULL)
    m->migration_sink (rec, m->migration_sink_data);
  g_free (mig);
  m->migrations[vm_id] = NULL;

  start_queued (m, source);
  if (herd_model_host (m->model, source)->status
      == HERD_HOST_PREPARING_FOR_MAINTENANCE)
    {
      if (outcome != HERD_MIGRATION_OUTCOME_DONE)
        herd_manager_maintenance_failed (m, source, vm->name);
      herd_manager_maintenance_check (m, source);
    }
  /* A VM that arrived on a host gone into maintenance meanwhile moves on
   * at the next maintenance pass. */
  if (outcome == HERD_MIGRATION_OUTCOME_DONE
      && herd_model_host (m->model, dest)->status
             == HERD_HOST_PREPARING_FOR_MAINTENANCE)
    herd_manager_maintenance_failed (m, dest, vm->name);
  else
    herd_manager_maintenance_check (m, dest); /* its pending is gone */
}

static gboolean abort_migration (HerdManager *m, HerdId vm_id,
                                 const char *reason, gboolean force);

static void
timeout_fires (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  Migration *mig = m->migrations[arg];
  mig->timer = 0;
  abort_migration (m, (HerdId) arg, "timeout", FALSE);
}

static void
retry_fires (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  Migration *mig = m->migrations[arg];
  mig->timer = 0;
  m->outgoing[mig->record.source]--;
  try_start (m, (HerdId) arg);
}

/* Asks the backend to start, or waits: for an outgoing slot (queue) or,
 * when the destination is busy, for the retry timer. */
/* VDSM's migration_max_time: MigrationTimeoutPerGiB x the VM's memory in
 * GiB, in whole seconds rounded up ((per_gib x MiB + 1023) // 1024). */
static HerdTime
migration_max_time (HerdTime per_gib, gint64 memory_mib)
{
  gint64 per_gib_s = per_gib / HERD_SEC (1);
  if (per_gib_s * HERD_SEC (1) != per_gib)
    return per_gib * memory_mib / 1024; /* sub-second settings: exact */
  return HERD_SEC ((per_gib_s * memory_mib + 1023) / 1024);
}

static void
try_start (HerdManager *m, HerdId vm_id)
{
  Migration *mig = m->migrations[vm_id];
  HerdMigrationRecord *rec = &mig->record;
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdTime now = herd_manager_now (m);

  /* A migration that waited (queued, or for the destination's incoming
   * limit) checks again that it can still go. */
  const HerdHost *dest = herd_model_host (m->model, rec->destination);
  if (dest->status != HERD_HOST_UP || vm->status != HERD_VM_MIGRATING_FROM)
    {
      g_autofree char *why
          = dest->status != HERD_HOST_UP
                ? g_strdup_printf ("the destination host is %s",
                                   herd_host_status_name (dest->status))
                : g_strdup_printf ("the VM is %s",
                                   herd_vm_status_name (vm->status));
      finish (m, vm_id, HERD_MIGRATION_OUTCOME_FAILED, why);
      return;
    }
  if (m->outgoing[rec->source] >= outgoing_limit (m, vm, rec->source))
    {
      if (m->queued[rec->source] == NULL)
        m->queued[rec->source] = g_queue_new ();
      g_queue_push_tail (m->queued[rec->source], GUINT_TO_POINTER (vm_id));
      mig->state = STATE_QUEUED;
      return;
    }
  m->outgoing[rec->source]++;
  if (m->incoming[rec->destination] >= incoming_limit (m, vm))
    {
      mig->state = STATE_WAITING;
      rec->retries++;
      herd_audit_emit (m->audit, now, HERD_AUDIT_VM_MIGRATION_LIMIT_RETRY,
                       vm->name, "destination=%s retry_in_ms=%" G_GINT64_FORMAT,
                       host_name (m, rec->destination),
                       m->model->params.migration_retry_interval
                           / HERD_MSEC (1));
      mig->timer = herd_driver_timer_add (
          m->driver, now + m->model->params.migration_retry_interval,
          retry_fires, m, vm_id);
      return;
    }

  const HerdCluster *cluster = herd_model_cluster (m->model, vm->cluster);
  const Schedule *schedule = schedule_of (m, vm);
  HerdMigrationParams params = {
    .bandwidth = cluster->migration_bandwidth,
    .max_downtime_ms = schedule->steps[0].downtime_ms,
    .allow_post_copy = schedule->end_post_copy,
  };
  g_autoptr (GError) error = NULL;
  m->incoming[rec->destination]++;
  mig->state = STATE_RUNNING;
  rec->started = now;
  mig->downtime_ms = params.max_downtime_ms;
  rec->max_downtime_ms = params.max_downtime_ms;
  mig->lowmark = G_MAXINT64;
  mig->last_progress = now;
  if (!herd_driver_migration_start (m->driver, vm_id, rec->source,
                                    rec->destination, &params, &error))
    {
      finish (m, vm_id, HERD_MIGRATION_OUTCOME_FAILED, error->message);
      return;
    }
  HerdTime per_gib = m->model->params.migration_timeout_per_gib;
  if (per_gib > 0)
    mig->timer = herd_driver_timer_add (
        m->driver, now + migration_max_time (per_gib, vm->memory_mib),
        timeout_fires, m,
        vm_id);
}

gboolean
herd_manager_vm_migrate (HerdManager *m, HerdId vm_id, HerdId destination,
                         HerdMigrationReason reason, GError **error)
{
  return herd_manager_vm_migrate_among (m, vm_id, destination, NULL, reason,
                                        error);
}

gboolean
herd_manager_vm_migrate_among (HerdManager *m, HerdId vm_id,
                               HerdId destination, const guint8 *allowed,
                               HerdMigrationReason reason, GError **error)
{
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdTime now = herd_manager_now (m);

  if (vm->status != HERD_VM_UP || m->migrations[vm_id] != NULL)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is %s, not Up", vm->name,
                   m->migrations[vm_id] != NULL
                       ? "migrating"
                       : herd_vm_status_name (vm->status));
      return FALSE;
    }
  if (!vm->migratable || vm->pinned_to.n == 1)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is pinned to its host (do not migrate)", vm->name);
      return FALSE;
    }
  HerdId source = vm->host;
  gint64 cpu;
  if (herd_driver_vm_stats (m->driver, vm_id, &cpu, NULL))
    vm->cpu_used_mc = cpu;

  if (destination == HERD_ID_NONE)
    {
      destination = herd_manager_place (m, vm_id, source, allowed, NULL,
                                        herd_migration_reason_name (reason));
      if (destination == source)
        {
          /* The balancer offered the source, and it scored best: the VM
           * stays (oVirt's BalanceVm fails quietly and the balancer tries
           * its next VM). */
          g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_NO_HOST,
                       "VM %s is best where it runs", vm->name);
          return FALSE;
        }
    }
  else
    {
      herd_scheduler_set_now (m->scheduler, now);
      HerdFilterKind f = herd_scheduler_check_host (m->scheduler, vm_id,
                                                    source, destination);
      if (f != HERD_FILTER_NONE)
        {
          herd_audit_emit (m->audit, now,
                           HERD_AUDIT_VM_MIGRATION_NO_VDS_TO_MIGRATE_TO,
                           vm->name, "destination=%s filtered=%s",
                           host_name (m, destination), herd_filter_name (f));
          g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_NO_HOST,
                       "host %s cannot take VM %s (filter %s)",
                       host_name (m, destination), vm->name,
                       herd_filter_name (f));
          return FALSE;
        }
    }
  if (destination == HERD_ID_NONE)
    {
      herd_audit_emit (m->audit, now,
                       HERD_AUDIT_VM_MIGRATION_NO_VDS_TO_MIGRATE_TO, vm->name,
                       "source=%s", host_name (m, source));
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_NO_HOST,
                   "no host can take VM %s", vm->name);
      return FALSE;
    }

  Migration *mig = g_new0 (Migration, 1);
  m->migrations[vm_id] = mig;
  mig->record = (HerdMigrationRecord){
    .vm = vm_id,
    .source = source,
    .destination = destination,
    .reason = reason,
    .requested = now,
    .started = HERD_TIME_NEVER,
  };
  HerdHost *dest = herd_model_host (m->model, destination);
  herd_manager_reserve_pending (m, vm, destination);
  vm->migrating_to = destination;
  herd_manager_vm_set_status (m, vm, HERD_VM_MIGRATING_FROM);
  if (reason == HERD_MIGRATION_REASON_USER)
    herd_audit_emit (m->audit, now, HERD_AUDIT_VM_MIGRATION_START, vm->name,
                     "source=%s destination=%s", host_name (m, source),
                     dest->name);
  else
    herd_audit_emit (m->audit, now,
                     HERD_AUDIT_VM_MIGRATION_START_SYSTEM_INITIATED, vm->name,
                     "source=%s destination=%s reason=%s",
                     host_name (m, source), dest->name,
                     herd_migration_reason_name (reason));
  try_start (m, vm_id);
  return TRUE;
}

/* Asks the backend to abort mig's job, its statistics kept first: FALSE
 * when it refuses (the VM has switched over to the destination: the
 * migration can only complete now); *post_copy says whether it had. */
static gboolean
abort_job (HerdManager *m, Migration *mig, HerdId vm_id, gboolean *post_copy)
{
  HerdMigrationStats stats;
  *post_copy = FALSE;
  if (herd_driver_migration_job_stats (m->driver, vm_id, &stats, NULL))
    {
      mig->record.bytes_sent = stats.bytes_sent;
      mig->record.rounds = stats.iteration;
      *post_copy = stats.post_copy;
    }
  return herd_driver_migration_abort (m->driver, vm_id, NULL);
}

/* Aborts the migration; with force FALSE, not once the backend refuses
 * (the VM has switched over to the destination: the migration can only
 * complete now).  TRUE when it ended. */
static gboolean
abort_migration (HerdManager *m, HerdId vm_id, const char *reason,
                 gboolean force)
{
  Migration *mig = m->migrations[vm_id];
  if (mig == NULL)
    return TRUE;
  if (mig->state == STATE_RUNNING)
    {
      gboolean post_copy;
      if (!abort_job (m, mig, vm_id, &post_copy))
        {
          if (!force)
            return FALSE;
          /* In post-copy the VM runs on the destination: it cannot go
           * back; the manager follows it there. */
          if (post_copy)
            {
              finish (m, vm_id, HERD_MIGRATION_OUTCOME_DONE, reason);
              return TRUE;
            }
        }
    }
  finish (m, vm_id, HERD_MIGRATION_OUTCOME_ABORTED, reason);
  return TRUE;
}

gboolean
herd_manager_vm_cancel_migration (HerdManager *m, HerdId vm_id,
                                  GError **error)
{
  Migration *mig = m->migrations[vm_id];
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdTime now = herd_manager_now (m);
  gboolean post_copy = FALSE;
  if (mig == NULL || vm->status != HERD_VM_MIGRATING_FROM)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is not migrating", vm->name);
      return FALSE;
    }
  if (mig->post_copy
      || (mig->state == STATE_RUNNING
          && !abort_job (m, mig, vm_id, &post_copy)))
    {
      herd_audit_emit (m->audit, now, HERD_AUDIT_VM_CANCEL_MIGRATION_FAILED,
                       vm->name, "source=%s destination=%s",
                       host_name (m, mig->record.source),
                       host_name (m, mig->record.destination));
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "the migration of VM %s can no longer be canceled: it "
                   "has switched over to %s (post-copy)",
                   vm->name, host_name (m, mig->record.destination));
      return FALSE;
    }
  herd_audit_emit (m->audit, now, HERD_AUDIT_VM_CANCEL_MIGRATION, vm->name,
                   "source=%s destination=%s",
                   host_name (m, mig->record.source),
                   host_name (m, mig->record.destination));
  finish (m, vm_id, HERD_MIGRATION_OUTCOME_ABORTED, "canceled by the user");
  return TRUE;
}

void
herd_migration_abort (HerdManager *m, HerdId vm_id, const char *reason)
{
  abort_migration (m, vm_id, reason, TRUE);
}

gboolean
herd_migration_try_abort (HerdManager *m, HerdId vm_id, const char *reason)
{
  return abort_migration (m, vm_id, reason, FALSE);
}

static void
record_stats (Migration *mig, const HerdMigrationStats *stats)
{
  mig->record.rounds = stats->iteration;
  mig->record.bytes_sent = stats->bytes_sent;
  mig->record.downtime_ms = stats->downtime_ms;
  mig->record.post_copy = stats->post_copy;
  mig->record.post_copy_time = stats->post_copy_time;
}

/* A pre-copy pass ended: apply the schedule, watch for progress. */
void
herd_migration_on_progress (gpointer core, HerdId vm_id,
                            const HerdMigrationStats *stats)
{
  HerdManager *m = core;
  Migration *mig = m->migrations[vm_id];
  if (mig == NULL || mig->state != STATE_RUNNING)
    return;
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdTime now = herd_manager_now (m);
  const Schedule *schedule = schedule_of (m, vm);
  record_stats (mig, stats);
  mig->iteration = stats->iteration;

  if (stats->iteration >= schedule->end_iteration && !mig->post_copy)
    {
      if (schedule->end_post_copy)
        {
          mig->post_copy = TRUE;
          herd_audit_emit (m->audit, now, HERD_AUDIT_VM_MIGRATION_POST_COPY,
                           vm->name, "iteration=%u remaining_mib=%"
                           G_GINT64_FORMAT,
                           stats->iteration,
                           stats->bytes_remaining / (1024 * 1024));
          herd_driver_migration_post_copy (m->driver, vm_id, NULL);
          return;
        }
      g_autofree char *why = g_strdup_printf (
          "not converged after iteration %u", schedule->end_iteration - 1);
      abort_migration (m, vm_id, why, FALSE);
      return;
    }
  for (guint i = 0; i < schedule->n_steps; i++)
    if (schedule->steps[i].iteration == stats->iteration)
      {
        mig->downtime_ms = schedule->steps[i].downtime_ms;
        mig->record.max_downtime_ms = MAX (mig->record.max_downtime_ms,
                                           mig->downtime_ms);
        herd_driver_migration_set_downtime (m->driver, vm_id,
                                            mig->downtime_ms, NULL);
      }

  HerdTime stall = m->model->params.migration_progress_timeout;
  if (stats->bytes_remaining < mig->lowmark)
    {
      mig->lowmark = stats->bytes_remaining;
      mig->last_progress = now;
    }
  else if (stall > 0 && now - mig->last_progress >= stall)
    {
      g_autofree char *why = g_strdup_printf (
          "no progress for %" G_GINT64_FORMAT " s",
          (now - mig->last_progress) / HERD_SEC (1));
      abort_migration (m, vm_id, why, FALSE);
    }
}

void
herd_migration_on_done (gpointer core, HerdId vm_id,
                        const HerdMigrationStats *stats)
{
  HerdManager *m = core;
  Migration *mig = m->migrations[vm_id];
  if (mig == NULL)
    return;
  record_stats (mig, stats);
  finish (m, vm_id, HERD_MIGRATION_OUTCOME_DONE, NULL);
}

void
herd_migration_on_failed (gpointer core, HerdId vm_id, const char *reason)
{
  HerdManager *m = core;
  if (m->migrations[vm_id] == NULL)
    return;
  finish (m, vm_id, HERD_MIGRATION_OUTCOME_FAILED, reason);
}

/* What moves off a host, for maintenance, the balancer and storage ------- */

typedef struct
{
  HerdId vm;
  gint64 cpu_mc;
} Candidate;

static int
compare_candidates (const void *a, const void *b)
{
  const Candidate *x = a, *y = b;
  if (x->cpu_mc != y->cpu_mc)
    return x->cpu_mc < y->cpu_mc ? -1 : 1;
  return (x->vm > y->vm) - (x->vm < y->vm);
}

GArray *
herd_manager_host_vms_by_cpu (HerdManager *m, HerdId host_id)
{
  g_autoptr (GArray) list = g_array_new (FALSE, FALSE, sizeof (Candidate));
  const GArray *on_host = m->host_vms[host_id];
  for (guint i = 0; i < on_host->len; i++)
    {
      HerdVm *vm = herd_model_vm (m->model, g_array_index (on_host, HerdId, i));
      if (vm->status != HERD_VM_UP || !vm->migratable
          || m->migrations[vm->id] != NULL)
        continue;
      Candidate c = { vm->id, 0 };
      if (herd_driver_vm_stats (m->driver, vm->id, &c.cpu_mc, NULL))
        vm->cpu_used_mc = c.cpu_mc;
      else
        c.cpu_mc = herd_scheduler_vm_cpu_estimate (m->model, vm);
      g_array_append_val (list, c);
    }
  g_array_sort (list, compare_candidates);
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (HerdId), list->len);
  for (guint i = 0; i < list->len; i++)
    g_array_append_val (ids, g_array_index (list, Candidate, i).vm);
  return ids;
}

gboolean
herd_manager_host_busy (HerdManager *m, HerdId host)
{
  return m->outgoing[host] > 0 || m->incoming[host] > 0
         || (m->queued[host] != NULL && !g_queue_is_empty (m->queued[host]));
}
