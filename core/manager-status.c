/* manager-status.c: status changes of hosts and VMs and who hears of them
 * (see manager-status.h). */
#include "core/manager-private.h"
#include "core/manager-status.h"

#include "core/ha.h"
#include "core/manager-time.h"
#include "core/spm.h"

void
herd_manager_host_set_status (HerdManager *m, HerdHost *host,
                              HerdHostStatus status)
{
  if (host->status == status)
    return;
  host->status = status;
  if (status == HERD_HOST_UP)
    host->pm_policy = TRUE; /* oVirt's InitVdsOnUp */
  herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_VDS_DETECTED,
                   host->name, "status=%s", herd_host_status_name (status));
  herd_spm_host_status_changed (m, host->id);
}

void
herd_manager_vm_set_status (HerdManager *m, HerdVm *vm, HerdVmStatus status)
{
  vm->status = status;
  vm->status_since = herd_manager_now (m);
  if (status == HERD_VM_UP || status == HERD_VM_DOWN)
    herd_ha_settled (m, vm->id);
}
