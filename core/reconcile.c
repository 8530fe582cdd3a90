/* reconcile.c: the manager's view brought back in line with what a host
 * reports, and VMs lost (see reconcile.h). */
#include "core/manager-private.h"
#include "core/reconcile.h"

#include "core/ha.h"
#include "core/manager-books.h"
#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/migration.h"

/* Whether host reports vm among its VMs (a host that does not answer
 * reports nothing; asked even before the manager heard from it, as at a
 * restart, when the hosts answer one after another). */
static gboolean
runs_vm (HerdManager *m, HerdId host, HerdId vm)
{
  g_autoptr (GArray) running = herd_driver_vm_list (m->driver, host, NULL);
  for (guint k = 0; running != NULL && k < running->len; k++)
    if (g_array_index (running, HerdId, k) == vm)
      return TRUE;
  return FALSE;
}

/* Whether the manager believes vm's QEMU runs on its host. */
static gboolean
believed_running (const HerdVm *vm)
{
  switch (vm->status)
    {
    case HERD_VM_POWERING_UP:
    case HERD_VM_UP:
    case HERD_VM_MIGRATING_FROM:
    case HERD_VM_PAUSED:
    case HERD_VM_UNKNOWN:
    case HERD_VM_NOT_RESPONDING:
      return TRUE;
    default:
      return FALSE;
    }
}

void
herd_manager_reconcile_vms (HerdManager *m, HerdId host)
{
  g_autoptr (GArray) running = herd_driver_vm_list (m->driver, host, NULL);
  if (running == NULL)
    return;
  HerdTime now = herd_manager_now (m);
  for (guint i = 0; i < m->model->vms->len; i++)
    {
      HerdVm *vm = herd_model_vm (m->model, i);
      if (vm->host != host || !believed_running (vm))
        continue;
      gboolean there = FALSE;
      for (guint k = 0; k < running->len; k++)
        there |= g_array_index (running, HerdId, k) == vm->id;
      /* A migration that ended while nobody watched: it runs elsewhere. */
      HerdId found = there ? host : HERD_ID_NONE;
      for (guint h = 0; h < m->model->hosts->len && found == HERD_ID_NONE;
           h++)
        if (h != host && runs_vm (m, h, vm->id))
          found = h;
      /* Gone while the host did not answer (or rebooted in between): the
       * host's own list is the proof. */
      if (found == HERD_ID_NONE)
        {
          herd_manager_vm_lost (m, vm, HERD_AUDIT_VM_DOWN);
          continue;
        }
      if (vm->status != HERD_VM_UNKNOWN)
        continue;
      if (found != host)
        {
          herd_manager_uncommit_vm (m, vm);
          herd_manager_commit_vm (m, vm, found);
        }
      herd_manager_vm_set_status (m, vm, HERD_VM_UP);
      herd_audit_emit (m->audit, now, HERD_AUDIT_VM_BACK_WITH_HOST, vm->name,
                       "host=%s", herd_model_host (m->model, found)->name);
    }
  /* VMs it runs that the manager believes down (after a restore, a start
   * it never heard the end of; at a first start, VMs someone else
   * started): adopted. */
  for (guint k = 0; k < running->len; k++)
    {
      HerdVm *vm = herd_model_vm (m->model, g_array_index (running, HerdId, k));
      if (vm->status != HERD_VM_DOWN || vm->pending_host != HERD_ID_NONE)
        continue;
      herd_ha_forget (m, vm->id);
      herd_manager_commit_vm (m, vm, host);
      herd_manager_vm_set_status (m, vm, HERD_VM_UP);
      herd_audit_emit (m->audit, now, HERD_AUDIT_VM_BACK_WITH_HOST, vm->name,
                       "host=%s adopted=yes",
                       herd_model_host (m->model, host)->name);
    }
}

void
herd_manager_vm_lost (HerdManager *m, HerdVm *vm, HerdAuditType why)
{
  HerdId was_on = vm->host != HERD_ID_NONE ? vm->host : vm->pending_host;
  herd_migration_abort (m, vm->id, "the VM is down");
  herd_manager_uncommit_vm (m, vm);
  herd_manager_release_pending (m, vm);
  herd_audit_emit (m->audit, herd_manager_now (m), why, vm->name, "host=%s",
                   was_on != HERD_ID_NONE
                       ? herd_model_host (m->model, was_on)->name
                       : "none");
  vm->host = HERD_ID_NONE;
  vm->cpu_used_mc = -1;
  herd_manager_vm_set_status (m, vm, HERD_VM_DOWN);
  herd_ha_enqueue (m, vm->id);
}
