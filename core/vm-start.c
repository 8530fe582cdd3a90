/* vm-start.c: starting a Down VM, for an operator or for an HA restart
 * (see vm-start.h). */
#include "core/manager-private.h"
#include "core/vm-start.h"

#include "core/manager-books.h"
#include "core/manager-place.h"
#include "core/manager-status.h"
#include "core/manager-time.h"

#include <string.h>

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

/* Starts a Down VM: an operator's start, or (system) the manager's own
 * restart of an HA VM. */
gboolean
herd_start_vm (HerdManager *m, HerdId vm_id, gboolean system,
               GError **error)
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
  if (!system)
    herd_audit_emit (m->audit, now, HERD_AUDIT_USER_INITIATED_RUN_VM,
                     vm->name, "%s", "");

  /* A host that fails to run the VM is left out and the next one tried,
   * as the manager's run command reruns (USER_INITIATED_RUN_VM_FAILED). */
  g_autofree guint8 *allowed = NULL;
  for (;;)
    {
      guint32 rejected[HERD_FILTER_LAST];
      HerdId host_id = herd_manager_place (m, vm_id, HERD_ID_NONE, allowed,
                                           rejected,
                                           system ? "ha_restart" : "start");
      for (guint f = 0; f < HERD_FILTER_LAST; f++)
        m->stats.rejected[f] += rejected[f];
      if (host_id == HERD_ID_NONE)
        {
          g_autoptr (GString) why = g_string_new (NULL);
          format_rejections (rejected, why);
          if (!system)
            {
              m->stats.placement_failures++;
              herd_audit_emit (m->audit, now, HERD_AUDIT_USER_FAILED_RUN_VM,
                               vm->name, "reason=no_host filtered=%s",
                               why->str);
            }
          g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_NO_HOST,
                       "no host can run VM %s (filtered: %s)", vm->name,
                       why->str);
          return FALSE;
        }

      HerdHost *host = herd_model_host (m->model, host_id);
      herd_manager_reserve_pending (m, vm, host_id);
      vm->host = host_id;
      herd_manager_vm_set_status (m, vm, HERD_VM_WAIT_FOR_LAUNCH);
      if (system)
        herd_audit_emit (m->audit, now, HERD_AUDIT_VDS_INITIATED_RUN_VM,
                         vm->name, "host=%s", host->name);

      g_autoptr (GError) local = NULL;
      if (herd_driver_vm_start (m->driver, host_id, vm_id, &local))
        break;
      herd_manager_release_pending (m, vm);
      vm->host = HERD_ID_NONE;
      herd_manager_vm_set_status (m, vm, HERD_VM_DOWN);
      herd_audit_emit (m->audit, now, HERD_AUDIT_USER_INITIATED_RUN_VM_FAILED,
                       vm->name, "host=%s error=\"%s\"", host->name,
                       local->message);
      if (allowed == NULL)
        {
          allowed = g_malloc (MAX (m->model->hosts->len, 1));
          memset (allowed, 1, m->model->hosts->len);
        }
      allowed[host_id] = 0;
    }
  if (!system)
    m->stats.placements++;
  return TRUE;
}

gboolean
herd_manager_vm_restart (HerdManager *m, HerdId vm_id, GError **error)
{
  return herd_start_vm (m, vm_id, TRUE, error);
}
