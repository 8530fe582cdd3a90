/* adopt.c: VMs found running when the manager starts, placed by someone
 * else (an imported cluster, a scenario's [vms] host): the manager takes
 * them as they are (see manager.h). */
#include "core/manager-private.h"

#include "core/manager-books.h"
#include "core/manager-status.h"

gboolean
herd_manager_adopt_vm (HerdManager *manager, HerdId vm, HerdId host,
                       GError **error)
{
  HerdVm *v = herd_model_vm (manager->model, vm);
  const HerdHost *h = herd_model_host (manager->model, host);
  if (v->status != HERD_VM_DOWN || v->pending_host != HERD_ID_NONE)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is %s, not Down", v->name,
                   herd_vm_status_name (v->status));
      return FALSE;
    }
  if (h->cluster != v->cluster)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "host %s is not in the cluster of VM %s", h->name,
                   v->name);
      return FALSE;
    }
  /* What a VM reported Up does to the manager's books, without the
   * scheduler and without an audit event: nobody started it. */
  herd_manager_commit_vm (manager, v, host);
  herd_manager_vm_set_status (manager, v, HERD_VM_UP);
  return TRUE;
}
