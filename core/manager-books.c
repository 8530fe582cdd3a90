/* manager-books.c: pending and committed resources of VMs on hosts (see
 * manager-books.h). */
#include "core/manager-private.h"
#include "core/manager-books.h"

void
herd_manager_reserve_pending (HerdManager *m, HerdVm *vm, HerdId host_id)
{
  g_assert (vm->pending_host == HERD_ID_NONE);
  HerdHost *host = herd_model_host (m->model, host_id);
  vm->pending_cpu_mc = herd_scheduler_vm_cpu_estimate (m->model, vm);
  host->pending_mem_mib += herd_scheduler_vm_memory_need (m->model, vm);
  host->pending_cpu_mc += vm->pending_cpu_mc;
  host->pending_vms++;
  host->pending_vcpus += vm->vcpus;
  vm->pending_host = host_id;
}

void
herd_manager_release_pending (HerdManager *m, HerdVm *vm)
{
  if (vm->pending_host == HERD_ID_NONE)
    return;
  HerdHost *host = herd_model_host (m->model, vm->pending_host);
  host->pending_mem_mib -= herd_scheduler_vm_memory_need (m->model, vm);
  host->pending_cpu_mc -= vm->pending_cpu_mc;
  host->pending_vms--;
  host->pending_vcpus -= vm->vcpus;
  vm->pending_cpu_mc = 0;
  vm->pending_host = HERD_ID_NONE;
}

void
herd_manager_commit_vm (HerdManager *m, HerdVm *vm, HerdId host_id)
{
  if (vm->committed)
    return;
  HerdHost *host = herd_model_host (m->model, host_id);
  host->committed_mem_mib += herd_scheduler_vm_memory_need (m->model, vm);
  host->vm_count++;
  host->vm_vcpus += vm->vcpus;
  host->ha_vm_count += vm->ha;
  vm->host = host_id;
  vm->committed = TRUE;
  g_array_append_val (m->host_vms[host_id], vm->id);
}

void
herd_manager_uncommit_vm (HerdManager *m, HerdVm *vm)
{
  if (!vm->committed)
    return;
  HerdHost *host = herd_model_host (m->model, vm->host);
  host->committed_mem_mib -= herd_scheduler_vm_memory_need (m->model, vm);
  host->vm_count--;
  host->vm_vcpus -= vm->vcpus;
  host->ha_vm_count -= vm->ha;
  vm->committed = FALSE;
  GArray *list = m->host_vms[vm->host];
  for (guint i = 0; i < list->len; i++)
    if (g_array_index (list, HerdId, i) == vm->id)
      {
        g_array_remove_index_fast (list, i);
        break;
      }
}
