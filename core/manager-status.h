/* manager-status.h: status changes of hosts and VMs, a service under
 * manager.c and the submodules.
 *
 * Every change of a host's or a VM's status in the manager's view goes
 * through here: a host's with its VDS_DETECTED audit event (and, Up, back
 * under power saving's control), a VM's with the time it changed.  Two
 * listeners hear of them: spm.c (an SPM host that stops or starts
 * answering opens or closes the time without SPM) and ha.c (a restarted
 * VM that is Up or Down no longer holds back lower priorities).  Used by
 * manager.c, monitor.c, balancer.c, storage.c, maintenance.c, activate.c
 * (hosts) and manager.c, vm-start.c, migration.c, reconcile.c, monitor.c,
 * adopt.c (VMs).  Through ha.c it is in a loop with vm-start.c (see
 * core/manager-private.h). */
#pragma once

#include "core/manager.h"

/* Sets a host's status, with the VDS_DETECTED audit event. */
void herd_manager_host_set_status (HerdManager *m, HerdHost *host,
                                   HerdHostStatus status);
void herd_manager_vm_set_status (HerdManager *m, HerdVm *vm,
                                 HerdVmStatus status);
