/* maintenance.c: host maintenance, the evacuation of a host preparing
 * for it and its retries (see maintenance.h). */
#include "core/manager-private.h"
#include "core/maintenance.h"

#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/migration.h"

/* Migrates every VM of a host preparing for maintenance that may move and
 * is not moving yet, lowest CPU first.  Returns how many could not. */
static guint
evacuate (HerdManager *m, HerdId host_id)
{
  g_autoptr (GArray) vms = herd_manager_host_vms_by_cpu (m, host_id);
  for (guint i = 0; i < vms->len; i++)
    herd_manager_vm_migrate (m, g_array_index (vms, HerdId, i), HERD_ID_NONE,
                             HERD_MIGRATION_REASON_MAINTENANCE, NULL);
  /* What is still there without a migration: refused moves, and VMs that
   * could not be asked to move (booting, paused, not migratable). */
  guint failed = 0;
  for (guint i = 0; i < m->model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (m->model, i);
      failed += vm->host == host_id && vm->status != HERD_VM_DOWN
                && m->migrations[i] == NULL;
    }
  return failed;
}

static void maintenance_retry_fires (gpointer ctx, guint64 arg);

void
herd_manager_maintenance_failed (HerdManager *m, HerdId host_id,
                                 const char *vm_name)
{
  HerdHost *host = herd_model_host (m->model, host_id);
  HerdTime now = herd_manager_now (m);
  herd_audit_emit (m->audit, now,
                   HERD_AUDIT_USER_VDS_MAINTENANCE_MIGRATION_FAILED,
                   host->name, "vm=%s retry_in_s=%" G_GINT64_FORMAT, vm_name,
                   m->model->params.maintenance_retry_interval
                       / HERD_SEC (1));
  if (m->maintenance_retry[host_id] == 0)
    m->maintenance_retry[host_id] = herd_driver_timer_add (
        m->driver, now + m->model->params.maintenance_retry_interval,
        maintenance_retry_fires, m, host_id);
}

void
herd_manager_maintenance_pass (HerdManager *m, HerdId host_id)
{
  guint failed = evacuate (m, host_id);
  if (failed > 0)
    {
      g_autofree char *what = g_strdup_printf ("%u VMs", failed);
      herd_manager_maintenance_failed (m, host_id, what);
    }
  herd_manager_maintenance_check (m, host_id);
}

static void
maintenance_retry_fires (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  m->maintenance_retry[arg] = 0;
  if (herd_model_host (m->model, (HerdId) arg)->status
      == HERD_HOST_PREPARING_FOR_MAINTENANCE)
    herd_manager_maintenance_pass (m, (HerdId) arg);
}

void
herd_manager_maintenance_check (HerdManager *m, HerdId host_id)
{
  HerdHost *host = herd_model_host (m->model, host_id);
  if (host->status != HERD_HOST_PREPARING_FOR_MAINTENANCE
      || host->vm_count > 0 || host->pending_mem_mib > 0)
    return;
  herd_driver_timer_cancel (m->driver, m->maintenance_retry[host_id]);
  m->maintenance_retry[host_id] = 0;
  herd_manager_host_set_status (m, host, HERD_HOST_MAINTENANCE);
  herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_VDS_MAINTENANCE,
                   host->name, "%s", "");
}

gboolean
herd_manager_host_maintenance (HerdManager *m, HerdId host_id, GError **error)
{
  HerdHost *host = herd_model_host (m->model, host_id);
  if (host->status != HERD_HOST_UP
      && host->status != HERD_HOST_NON_OPERATIONAL)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "host %s is %s: only an Up or NonOperational host can go "
                   "to maintenance",
                   host->name, herd_host_status_name (host->status));
      return FALSE;
    }
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_USER_VDS_MAINTENANCE_WITHOUT_REASON, host->name,
                   "vms=%u", host->vm_count);
  host->pm_policy = FALSE; /* the operator's: power saving leaves it */
  herd_manager_host_set_status (m, host, HERD_HOST_PREPARING_FOR_MAINTENANCE);
  herd_manager_maintenance_pass (m, host_id);
  return TRUE;
}
