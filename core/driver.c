/* driver.c: the wrappers around the driver tables (see driver.h).
 *
 * Each wrapper checks its ids against the model, answers
 * HERD_DRIVER_ERROR_UNSUPPORTED when the backend left the slot empty,
 * counts the call and, when the driver's log_calls is set, logs it with
 * g_debug (G_MESSAGES_DEBUG=herd-driver shows them). */
#include "core/driver.h"

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "herd-driver"

G_DEFINE_QUARK (herd-driver-error-quark, herd_driver_error)

HerdDriver *
herd_driver_new (const HerdDriverClass *klass, HerdModel *model,
                 gpointer priv)
{
  g_assert (klass != NULL && klass->clock != NULL && model != NULL);
  HerdDriver *drv = g_new0 (HerdDriver, 1);
  drv->klass = klass;
  drv->model = model;
  drv->priv = priv;
  return drv;
}

void
herd_driver_free (HerdDriver *drv)
{
  if (drv == NULL)
    return;
  if (drv->klass->destroy != NULL)
    drv->klass->destroy (drv);
  g_free (drv);
}

void
herd_driver_set_events (HerdDriver *drv, const HerdDriverEvents *events,
                        gpointer core)
{
  drv->events = events;
  drv->events_ctx = core;
}

/* Counts and optionally logs a call; FALSE (with error set) when the slot
 * is empty. */
static gboolean
enter (HerdDriver *drv, gconstpointer table, gconstpointer slot,
       const char *method, GError **error)
{
  drv->calls++;
  if (G_UNLIKELY (drv->log_calls))
    g_debug ("%s: %s", drv->klass->name, method);
  if (table == NULL || slot == NULL)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_UNSUPPORTED,
                   "the %s driver does not support %s", drv->klass->name,
                   method);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_id (HerdId id, GPtrArray *array, const char *what, GError **error)
{
  if (id < array->len)
    return TRUE;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
               "no %s with id %u", what, id);
  return FALSE;
}

#define HOST_OK(id) check_id ((id), drv->model->hosts, "host", error)
#define VM_OK(id) check_id ((id), drv->model->vms, "VM", error)
#define DOMAIN_OK(id) \
  check_id ((id), drv->model->domains, "storage domain", error)
#define DISK_OK(id) check_id ((id), drv->model->disks, "disk", error)
/* Enters the wrapper for drv->klass->TABLE->SLOT. */
#define ENTER(table, slot)                                                  \
  enter (drv, drv->klass->table,                                            \
         drv->klass->table != NULL ? (gconstpointer) drv->klass->table->slot \
                                   : NULL,                                  \
         #table "." #slot, error)

HerdTime
herd_driver_now (HerdDriver *drv)
{
  return drv->klass->clock->now (drv);
}

HerdTimerId
herd_driver_timer_add (HerdDriver *drv, HerdTime at, HerdTimerFunc fn,
                       gpointer ctx, guint64 arg)
{
  g_assert (fn != NULL);
  drv->calls++;
  return drv->klass->clock->timer_add (drv, at, fn, ctx, arg);
}

gboolean
herd_driver_timer_cancel (HerdDriver *drv, HerdTimerId id)
{
  drv->calls++;
  return id != 0 && drv->klass->clock->timer_cancel (drv, id);
}

guint32
herd_driver_random_uniform (HerdDriver *drv, const char *stream, guint32 n)
{
  g_assert (n > 0 && stream != NULL);
  drv->calls++;
  return drv->klass->clock->random_uniform (drv, stream, n);
}

gboolean
herd_driver_host_connect (HerdDriver *drv, HerdId host, GError **error)
{
  return HOST_OK (host) && ENTER (hosts, connect)
         && drv->klass->hosts->connect (drv, host, error);
}

gboolean
herd_driver_host_disconnect (HerdDriver *drv, HerdId host, GError **error)
{
  return HOST_OK (host) && ENTER (hosts, disconnect)
         && drv->klass->hosts->disconnect (drv, host, error);
}

gboolean
herd_driver_vm_remove (HerdDriver *drv, HerdId vm, GError **error)
{
  return VM_OK (vm) && ENTER (hosts, vm_remove)
         && drv->klass->hosts->vm_remove (drv, vm, error);
}

gboolean
herd_driver_domain_added (HerdDriver *drv, HerdId domain, GError **error)
{
  return DOMAIN_OK (domain) && ENTER (hosts, domain_added)
         && drv->klass->hosts->domain_added (drv, domain, error);
}

gboolean
herd_driver_host_poll_stats (HerdDriver *drv, HerdId host, HerdHostStats *out,
                             GError **error)
{
  return HOST_OK (host) && ENTER (hosts, poll_stats)
         && drv->klass->hosts->poll_stats (drv, host, out, error);
}

gboolean
herd_driver_vm_stats (HerdDriver *drv, HerdId vm, gint64 *cpu_used_mc,
                      GError **error)
{
  return VM_OK (vm) && ENTER (hosts, vm_stats)
         && drv->klass->hosts->vm_stats (drv, vm, cpu_used_mc, error);
}

gboolean
herd_driver_vm_usage (HerdDriver *drv, HerdId vm, HerdVmUsage *out,
                      GError **error)
{
  return VM_OK (vm) && ENTER (hosts, vm_usage)
         && drv->klass->hosts->vm_usage (drv, vm, out, error);
}

gboolean
herd_driver_vm_start (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  return HOST_OK (host) && VM_OK (vm) && ENTER (hosts, vm_start)
         && drv->klass->hosts->vm_start (drv, host, vm, error);
}

gboolean
herd_driver_vm_stop (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  return HOST_OK (host) && VM_OK (vm) && ENTER (hosts, vm_stop)
         && drv->klass->hosts->vm_stop (drv, host, vm, error);
}

gboolean
herd_driver_vm_pause (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  return HOST_OK (host) && VM_OK (vm) && ENTER (hosts, vm_pause)
         && drv->klass->hosts->vm_pause (drv, host, vm, error);
}

gboolean
herd_driver_vm_resume (HerdDriver *drv, HerdId host, HerdId vm,
                       GError **error)
{
  return HOST_OK (host) && VM_OK (vm) && ENTER (hosts, vm_resume)
         && drv->klass->hosts->vm_resume (drv, host, vm, error);
}

GArray *
herd_driver_vm_list (HerdDriver *drv, HerdId host, GError **error)
{
  if (!HOST_OK (host) || !ENTER (hosts, vm_list))
    return NULL;
  return drv->klass->hosts->vm_list (drv, host, error);
}

gboolean
herd_driver_host_soft_fence (HerdDriver *drv, HerdId host, GError **error)
{
  return HOST_OK (host) && ENTER (hosts, soft_fence)
         && drv->klass->hosts->soft_fence (drv, host, error);
}

gboolean
herd_driver_migration_start (HerdDriver *drv, HerdId vm, HerdId source,
                             HerdId destination,
                             const HerdMigrationParams *params,
                             GError **error)
{
  g_assert (params != NULL);
  return VM_OK (vm) && HOST_OK (source) && HOST_OK (destination)
         && ENTER (migration, start)
         && drv->klass->migration->start (drv, vm, source, destination,
                                          params, error);
}

gboolean
herd_driver_migration_set_downtime (HerdDriver *drv, HerdId vm, guint32 ms,
                                    GError **error)
{
  return VM_OK (vm) && ENTER (migration, set_downtime)
         && drv->klass->migration->set_downtime (drv, vm, ms, error);
}

gboolean
herd_driver_migration_post_copy (HerdDriver *drv, HerdId vm, GError **error)
{
  return VM_OK (vm) && ENTER (migration, post_copy)
         && drv->klass->migration->post_copy (drv, vm, error);
}

gboolean
herd_driver_migration_abort (HerdDriver *drv, HerdId vm, GError **error)
{
  return VM_OK (vm) && ENTER (migration, abort)
         && drv->klass->migration->abort (drv, vm, error);
}

gboolean
herd_driver_migration_job_stats (HerdDriver *drv, HerdId vm,
                                 HerdMigrationStats *out, GError **error)
{
  return VM_OK (vm) && ENTER (migration, job_stats)
         && drv->klass->migration->job_stats (drv, vm, out, error);
}

gboolean
herd_driver_lease_add_lockspace (HerdDriver *drv, HerdId host, HerdId domain,
                                 guint32 host_id, GError **error)
{
  return HOST_OK (host) && DOMAIN_OK (domain)
         && ENTER (leases, add_lockspace)
         && drv->klass->leases->add_lockspace (drv, host, domain, host_id,
                                               error);
}

gboolean
herd_driver_lease_acquire (HerdDriver *drv, HerdId host, HerdId domain,
                           const char *resource, GError **error)
{
  return HOST_OK (host) && DOMAIN_OK (domain) && ENTER (leases, acquire)
         && drv->klass->leases->acquire (drv, host, domain, resource, error);
}

gboolean
herd_driver_lease_release (HerdDriver *drv, HerdId host, HerdId domain,
                           const char *resource, GError **error)
{
  return HOST_OK (host) && DOMAIN_OK (domain) && ENTER (leases, release)
         && drv->klass->leases->release (drv, host, domain, resource, error);
}

gboolean
herd_driver_lease_inquire (HerdDriver *drv, HerdId domain,
                           const char *resource, HerdLeaseState *out,
                           GError **error)
{
  *out = (HerdLeaseState){ 0 };
  return DOMAIN_OK (domain) && ENTER (leases, inquire)
         && drv->klass->leases->inquire (drv, domain, resource, out, error);
}

gboolean
herd_driver_lease_host_liveness (HerdDriver *drv, HerdId domain,
                                 guint32 host_id, HerdLiveness *out,
                                 GError **error)
{
  return DOMAIN_OK (domain) && ENTER (leases, host_liveness)
         && drv->klass->leases->host_liveness (drv, domain, host_id, out,
                                               error);
}

gboolean
herd_driver_volume_create (HerdDriver *drv, HerdId disk, gint64 size_mib,
                           GError **error)
{
  return DISK_OK (disk) && ENTER (storage, volume_create)
         && drv->klass->storage->volume_create (drv, disk, size_mib, error);
}

gboolean
herd_driver_volume_extend (HerdDriver *drv, HerdId disk, gint64 size_mib,
                           GError **error)
{
  return DISK_OK (disk) && ENTER (storage, volume_extend)
         && drv->klass->storage->volume_extend (drv, disk, size_mib, error);
}

gboolean
herd_driver_volume_delete (HerdDriver *drv, HerdId disk, GError **error)
{
  return DISK_OK (disk) && ENTER (storage, volume_delete)
         && drv->klass->storage->volume_delete (drv, disk, error);
}

gboolean
herd_driver_domain_stats (HerdDriver *drv, HerdId domain,
                          gint64 *capacity_mib, gint64 *free_mib,
                          GError **error)
{
  return DOMAIN_OK (domain) && ENTER (storage, domain_stats)
         && drv->klass->storage->domain_stats (drv, domain, capacity_mib,
                                               free_mib, error);
}

gboolean
herd_driver_mailbox_request (HerdDriver *drv, HerdId host, HerdId disk,
                             gint64 size_mib, GError **error)
{
  return HOST_OK (host) && DISK_OK (disk) && ENTER (storage, mailbox_request)
         && drv->klass->storage->mailbox_request (drv, host, disk, size_mib,
                                                  error);
}

gboolean
herd_driver_snapshot (HerdDriver *drv, HerdId vm, HerdSnapshotOp op,
                      guint index, gboolean memory, GError **error)
{
  return VM_OK (vm) && ENTER (storage, snapshot)
         && drv->klass->storage->snapshot (drv, vm, op, index, memory,
                                           error);
}

gboolean
herd_driver_fence (HerdDriver *drv, HerdId proxy, HerdId target, guint agent,
                   HerdFenceAction action, GError **error)
{
  g_assert (action < HERD_FENCE_ACTION_LAST);
  return HOST_OK (proxy) && HOST_OK (target) && ENTER (fencing, fence)
         && drv->klass->fencing->fence (drv, proxy, target, agent, action,
                                        error);
}

/* Events.  Each is delivered only if the core registered a handler. */
#define EMIT(slot, ...)                                                     \
  G_STMT_START                                                              \
  {                                                                         \
    if (drv->events != NULL && drv->events->slot != NULL)                   \
      drv->events->slot (drv->events_ctx, __VA_ARGS__);                     \
  }                                                                         \
  G_STMT_END

void
herd_driver_emit_host_reachable (HerdDriver *drv, HerdId host)
{
  EMIT (host_reachable, host);
}

void
herd_driver_emit_host_unreachable (HerdDriver *drv, HerdId host)
{
  EMIT (host_unreachable, host);
}

void
herd_driver_emit_host_stats (HerdDriver *drv, HerdId host,
                             const HerdHostStats *stats)
{
  EMIT (host_stats, host, stats);
}

void
herd_driver_emit_vm_state (HerdDriver *drv, HerdId vm, HerdId host,
                           HerdVmStatus status, HerdPauseReason reason)
{
  EMIT (vm_state, vm, host, status, reason);
}

void
herd_driver_emit_vm_start_failed (HerdDriver *drv, HerdId vm, HerdId host,
                                  const char *message)
{
  EMIT (vm_start_failed, vm, host, message);
}

void
herd_driver_emit_migration_progress (HerdDriver *drv, HerdId vm,
                                     const HerdMigrationStats *stats)
{
  EMIT (migration_progress, vm, stats);
}

void
herd_driver_emit_migration_done (HerdDriver *drv, HerdId vm,
                                 const HerdMigrationStats *stats)
{
  EMIT (migration_done, vm, stats);
}

void
herd_driver_emit_migration_failed (HerdDriver *drv, HerdId vm,
                                   const char *reason)
{
  EMIT (migration_failed, vm, reason);
}

void
herd_driver_emit_fence_done (HerdDriver *drv, HerdId target,
                             HerdFenceAction action, gboolean ok,
                             const char *output)
{
  EMIT (fence_done, target, action, ok, output);
}

void
herd_driver_emit_soft_fence_failed (HerdDriver *drv, HerdId host,
                                    const char *why)
{
  EMIT (soft_fence_failed, host, why);
}
