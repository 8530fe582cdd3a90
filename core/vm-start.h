/* vm-start.h: starting a Down VM.
 *
 * The scheduler places the VM (manager-place.h), its memory and CPU are
 * reserved on the host (manager-books.h), it is WaitForLaunch and the
 * host is asked to run it; a host that refuses is left out and the next
 * one tried.  An operator's start (herd_manager_vm_run, manager.c) is
 * USER_INITIATED_RUN_VM and counted in the placement statistics; the
 * manager's own restart of an HA VM (ha.c) is VDS_INITIATED_RUN_VM.  It
 * sits under manager.c and ha.c; through the status of the VM it starts
 * (manager-status.c tells ha.c) it is in a loop with ha.c (see
 * core/manager-private.h). */
#pragma once

#include "core/manager.h"

/* Starts a Down VM: an operator's start, or (system) the manager's own
 * restart of an HA VM. */
gboolean herd_start_vm (HerdManager *m, HerdId vm, gboolean system,
                        GError **error);
/* Starts a VM on behalf of the manager (HA restart): like vm_run, logged
 * as VDS_INITIATED_RUN_VM. */
gboolean herd_manager_vm_restart (HerdManager *m, HerdId vm, GError **error);
/* The driver's vm_start_failed: a start host accepted failed before the VM
 * ran.  As oVirt's run command reruns, the VM is Down again
 * (USER_INITIATED_RUN_VM_FAILED) and started again without the hosts that
 * failed it since its last fresh start; an HA restart that no other host
 * takes goes back to the HA queue as a failed attempt. */
void herd_vm_start_failed (gpointer core, HerdId vm, HerdId host,
                           const char *message);
void herd_vm_start_clear (HerdManager *m);
