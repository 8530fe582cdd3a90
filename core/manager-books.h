/* manager-books.h: the manager's books, a service at the bottom of the
 * manager: which host counts which VM's memory and CPU.
 *
 * A VM placed on a host (started there, or migrating there) has its memory
 * and expected CPU reserved as pending until the host reports it running;
 * then its memory is committed there (counted with the host's VMs, vCPUs
 * and HA VMs, and listed in the host's VMs) until it is down or has moved.
 * The scheduler and the balancer read these counts on the model's hosts.
 * vm-start.c and migration.c reserve; manager.c, reconcile.c, migration.c
 * and vm-start.c release; manager.c, reconcile.c, migration.c and adopt.c
 * commit and uncommit.  It calls nothing of the manager: only the
 * scheduler's sizes of a VM. */
#pragma once

#include "core/manager.h"

/* Reserves the VM's memory and expected CPU on host until it runs there. */
void herd_manager_reserve_pending (HerdManager *m, HerdVm *vm, HerdId host);
void herd_manager_release_pending (HerdManager *m, HerdVm *vm);
/* Counts vm's memory on host (committed) if not yet counted. */
void herd_manager_commit_vm (HerdManager *m, HerdVm *vm, HerdId host);
/* Stops counting it where it was counted. */
void herd_manager_uncommit_vm (HerdManager *m, HerdVm *vm);
