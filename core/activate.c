/* activate.c: a host out of maintenance, Up and watched again (see
 * activate.h). */
#include "core/manager-private.h"
#include "core/activate.h"

#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/monitor.h"

gboolean
herd_manager_host_activate (HerdManager *m, HerdId host_id, GError **error)
{
  HerdHost *host = herd_model_host (m->model, host_id);
  if (host->status != HERD_HOST_MAINTENANCE
      && host->status != HERD_HOST_PREPARING_FOR_MAINTENANCE)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "host %s is %s, not in maintenance", host->name,
                   herd_host_status_name (host->status));
      return FALSE;
    }
  if (m->powering[host_id] == 2)
    {
      /* Power saving is switching it off: the off would take down
       * whatever started there meanwhile. */
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "host %s is being powered off by power saving",
                   host->name);
      return FALSE;
    }
  herd_driver_timer_cancel (m->driver, m->maintenance_retry[host_id]);
  m->maintenance_retry[host_id] = 0;
  herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_VDS_ACTIVATE,
                   host->name, "%s", "");
  herd_manager_host_set_status (m, host, HERD_HOST_UP);
  /* Failures in maintenance go unwatched: one that is still there is
   * found by the first poll. */
  herd_monitor_host_activated (m, host_id);
  return TRUE;
}
