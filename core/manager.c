/* manager.c: the manager's reactions to requests and driver events
 * (see manager.h). */
#include "core/manager.h"

G_DEFINE_QUARK (herd-manager-error-quark, herd_manager_error)

struct _HerdManager
{
  HerdModel *model;
  HerdDriver *driver;
  HerdAudit *audit;
  HerdScheduler *scheduler;
  HerdManagerStats stats;
};

static void on_host_reachable (gpointer core, HerdId host);
static void on_host_stats (gpointer core, HerdId host,
                           const HerdHostStats *stats);
static void on_vm_state (gpointer core, HerdId vm, HerdId host,
                         HerdVmStatus status, HerdPauseReason reason);

static const HerdDriverEvents manager_events = {
  .host_reachable = on_host_reachable,
  .host_stats = on_host_stats,
  .vm_state = on_vm_state,
};

HerdManager *
herd_manager_new (HerdModel *model, HerdDriver *driver, HerdAudit *audit)
{
  HerdManager *m = g_new0 (HerdManager, 1);
  m->model = model;
  m->driver = driver;
  m->audit = audit;
  m->scheduler = herd_scheduler_new (model);
  herd_driver_set_events (driver, &manager_events, m);
  return m;
}

void
herd_manager_free (HerdManager *manager)
{
  if (manager == NULL)
    return;
  herd_driver_set_events (manager->driver, NULL, NULL);
  herd_scheduler_free (manager->scheduler);
  g_free (manager);
}

HerdTime
herd_manager_now (HerdManager *manager)
{
  return herd_driver_now (manager->driver);
}

const HerdManagerStats *
herd_manager_stats (HerdManager *manager)
{
  return &manager->stats;
}

HerdScheduler *
herd_manager_scheduler (HerdManager *manager)
{
  return manager->scheduler;
}

static void
host_set_status (HerdManager *m, HerdHost *host, HerdHostStatus status)
{
  if (host->status == status)
    return;
  host->status = status;
  herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_VDS_DETECTED,
                   host->name, "status=%s", herd_host_status_name (status));
}

gboolean
herd_manager_start (HerdManager *manager, GError **error)
{
  for (guint i = 0; i < manager->model->hosts->len; i++)
    {
      HerdHost *host = herd_model_host (manager->model, i);
      if (!herd_driver_host_connect (manager->driver, host->id, error))
        {
          g_prefix_error (error, "connecting host %s: ", host->name);
          return FALSE;
        }
    }
  return TRUE;
}

static void
on_host_reachable (gpointer core, HerdId host_id)
{
  HerdManager *m = core;
  HerdHost *host = herd_model_host (m->model, host_id);
  HerdHostStats stats;
  g_autoptr (GError) error = NULL;

  if (herd_driver_host_poll_stats (m->driver, host_id, &stats, &error))
    on_host_stats (m, host_id, &stats);
  host_set_status (m, host, HERD_HOST_UP);
}

static void
on_host_stats (gpointer core, HerdId host_id, const HerdHostStats *stats)
{
  HerdManager *m = core;
  HerdHost *host = herd_model_host (m->model, host_id);
  host->cpu_used_mc = stats->cpu_used_mc;
  host->mem_free_mib = stats->mem_free_mib;
}

/* Drops the VM's pending reservation, if it holds one. */
static void
release_pending (HerdManager *m, HerdVm *vm)
{
  if (vm->pending_host == HERD_ID_NONE)
    return;
  HerdHost *host = herd_model_host (m->model, vm->pending_host);
  host->pending_mem_mib -= herd_scheduler_vm_memory_need (m->model, vm);
  host->pending_cpu_mc -= herd_scheduler_vm_cpu_estimate (m->model, vm);
  vm->pending_host = HERD_ID_NONE;
}

static void
vm_set_status (HerdManager *m, HerdVm *vm, HerdVmStatus status)
{
  vm->status = status;
  vm->status_since = herd_manager_now (m);
}

/* Formats the filters that removed hosts, e.g. "Memory:3,CPU:1". */
static void
format_rejections (const guint32 *rejected, GString *out)
{
  g_string_truncate (out, 0);
  for (guint f = 0; f < HERD_FILTER_LAST; f++)
    if (rejected[f] > 0)
      g_string_append_printf (out, "%s%s:%u", out->len > 0 ? "," : "",
                              herd_filter_name ((HerdFilterKind) f),
                              rejected[f]);
  if (out->len == 0)
    g_string_append (out, "none");
}

gboolean
herd_manager_vm_run (HerdManager *m, HerdId vm_id, GError **error)
{
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdTime now = herd_manager_now (m);

  if (vm->status != HERD_VM_DOWN)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is %s, not Down", vm->name,
                   herd_vm_status_name (vm->status));
      return FALSE;
    }
  herd_audit_emit (m->audit, now, HERD_AUDIT_USER_INITIATED_RUN_VM, vm->name,
                   "%s", "");

  guint32 rejected[HERD_FILTER_LAST];
  HerdId host_id = herd_scheduler_place (m->scheduler, vm_id, HERD_ID_NONE,
                                         rejected, NULL);
  for (guint f = 0; f < HERD_FILTER_LAST; f++)
    m->stats.rejected[f] += rejected[f];
  if (host_id == HERD_ID_NONE)
    {
      g_autoptr (GString) why = g_string_new (NULL);
      format_rejections (rejected, why);
      m->stats.placement_failures++;
      herd_audit_emit (m->audit, now, HERD_AUDIT_USER_FAILED_RUN_VM,
                       vm->name, "reason=no_host filtered=%s", why->str);
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_NO_HOST,
                   "no host can run VM %s (filtered: %s)", vm->name,
                   why->str);
      return FALSE;
    }

  HerdHost *host = herd_model_host (m->model, host_id);
  host->pending_mem_mib += herd_scheduler_vm_memory_need (m->model, vm);
  host->pending_cpu_mc += herd_scheduler_vm_cpu_estimate (m->model, vm);
  vm->pending_host = host_id;
  vm->host = host_id;
  vm_set_status (m, vm, HERD_VM_WAIT_FOR_LAUNCH);

  g_autoptr (GError) local = NULL;
  if (!herd_driver_vm_start (m->driver, host_id, vm_id, &local))
    {
      release_pending (m, vm);
      vm->host = HERD_ID_NONE;
      vm_set_status (m, vm, HERD_VM_DOWN);
      m->stats.placement_failures++;
      herd_audit_emit (m->audit, now, HERD_AUDIT_USER_FAILED_RUN_VM,
                       vm->name, "reason=driver host=%s", host->name);
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_DRIVER,
                   "starting VM %s on %s: %s", vm->name, host->name,
                   local->message);
      return FALSE;
    }
  m->stats.placements++;
  return TRUE;
}

gboolean
herd_manager_vm_stop (HerdManager *m, HerdId vm_id, GError **error)
{
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  if (vm->host == HERD_ID_NONE || vm->status == HERD_VM_DOWN
      || vm->status == HERD_VM_POWERING_DOWN)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is %s, not running", vm->name,
                   herd_vm_status_name (vm->status));
      return FALSE;
    }
  HerdHost *host = herd_model_host (m->model, vm->host);
  herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_USER_STOP_VM,
                   vm->name, "host=%s", host->name);
  g_autoptr (GError) local = NULL;
  if (!herd_driver_vm_stop (m->driver, vm->host, vm_id, &local))
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_DRIVER,
                   "stopping VM %s on %s: %s", vm->name, host->name,
                   local->message);
      return FALSE;
    }
  vm_set_status (m, vm, HERD_VM_POWERING_DOWN);
  return TRUE;
}

/* The manager's bookkeeping follows what the host reports: a VM's
 * reservation turns into committed memory once the host reports its QEMU
 * running (PoweringUp or Up), and is given back when it reports it Down. */
static void
on_vm_state (gpointer core, HerdId vm_id, HerdId host_id, HerdVmStatus status,
             HerdPauseReason reason)
{
  HerdManager *m = core;
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdTime now = herd_manager_now (m);

  if ((status == HERD_VM_POWERING_UP || status == HERD_VM_UP)
      && vm->pending_host != HERD_ID_NONE)
    {
      release_pending (m, vm);
      HerdHost *host = herd_model_host (m->model, host_id);
      host->committed_mem_mib += herd_scheduler_vm_memory_need (m->model, vm);
      host->vm_count++;
      vm->host = host_id;
    }

  switch (status)
    {
    case HERD_VM_UP:
      vm->pause_reason = HERD_PAUSE_NONE;
      vm_set_status (m, vm, HERD_VM_UP);
      herd_audit_emit (m->audit, now, HERD_AUDIT_USER_RUN_VM, vm->name,
                       "host=%s", herd_model_host (m->model, host_id)->name);
      break;
    case HERD_VM_DOWN:
      {
        const char *host_name = "none";
        if (vm->host != HERD_ID_NONE)
          {
            HerdHost *host = herd_model_host (m->model, vm->host);
            host_name = host->name;
            if (vm->pending_host == HERD_ID_NONE)
              {
                host->committed_mem_mib
                    -= herd_scheduler_vm_memory_need (m->model, vm);
                host->vm_count--;
              }
          }
        release_pending (m, vm);
        herd_audit_emit (m->audit, now, HERD_AUDIT_VM_DOWN, vm->name,
                         "host=%s", host_name);
        vm->host = HERD_ID_NONE;
        vm->cpu_used_mc = -1;
        vm_set_status (m, vm, HERD_VM_DOWN);
      }
      break;
    case HERD_VM_PAUSED:
      vm->pause_reason = reason;
      vm_set_status (m, vm, status);
      break;
    default:
      vm_set_status (m, vm, status);
      break;
    }
}
