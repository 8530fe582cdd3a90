/* manager-changes.c: hosts and VMs added, removed, reinstalled or changed,
 * and storage domains added, while the manager runs (herd run's run-time
 * changes, see manager.h).
 * The service layer (service/changes.c) validates and records a change
 * and grows the model; this file holds oVirt's rules on when a change is
 * allowed (RemoveVdsCommand, InstallVdsCommand, RemoveVmCommand) and what
 * the manager does about it: watch a new host, stop watching a removed
 * one, forget a removed VM, have a new domain prepared. */
#include "core/manager-private.h"

#include "core/ha.h"
#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/monitor.h"

static gboolean
refuse (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                       message);
  return FALSE;
}

/* Drops the connection and watches the host afresh: Installing until its
 * first answer (on_host_reachable sets it Up). */
static void
watch_afresh (HerdManager *m, HerdHost *host)
{
  herd_driver_host_disconnect (m->driver, host->id, NULL);
  herd_monitor_forget (m, host->id);
  herd_manager_host_set_status (m, host, HERD_HOST_INSTALLING);
  g_autoptr (GError) error = NULL;
  if (!herd_driver_host_connect (m->driver, host->id, &error))
    g_warning ("host %s: %s", host->name, error->message);
}

void
herd_manager_host_added (HerdManager *manager, HerdId host, const char *by)
{
  HerdHost *h = herd_model_host (manager->model, host);
  herd_audit_emit (manager->audit, herd_manager_now (manager),
                   HERD_AUDIT_USER_ADD_VDS, h->name, "by=%s", by);
  watch_afresh (manager, h);
}

gboolean
herd_manager_host_remove (HerdManager *manager, HerdId host, const char *by,
                          GError **error)
{
  HerdHost *h = herd_model_host (manager->model, host);
  switch (h->status)
    {
    case HERD_HOST_MAINTENANCE:
    case HERD_HOST_DOWN:
    case HERD_HOST_NON_RESPONSIVE:
    case HERD_HOST_NON_OPERATIONAL:
    case HERD_HOST_INSTALL_FAILED:
      break;
    default:
      return refuse (error,
                     "host %s is %s: move it to Maintenance first "
                     "(a host is removed in Maintenance, Down, "
                     "NonResponsive, NonOperational or InstallFailed)",
                     h->name, herd_host_status_name (h->status));
    }
  if (manager->host_vms[host]->len > 0 || h->pending_vms > 0)
    return refuse (error, "host %s: %u VMs still run on it", h->name,
                   manager->host_vms[host]->len + h->pending_vms);
  HerdId dc = herd_model_cluster (manager->model, h->cluster)->datacenter;
  if (herd_model_datacenter (manager->model, dc)->spm_host == host)
    return refuse (error, "host %s is its data center's SPM", h->name);
  for (guint i = 0; i < manager->model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (manager->model, i);
      if (!vm->removed
          && (herd_id_list_contains (&vm->pinned_to, host)
              || herd_id_list_contains (&vm->preferred_hosts, host)))
        return refuse (error,
                       "host %s: VM %s names it (pinned_to or "
                       "preferred_hosts): change the VM first",
                       h->name, vm->name);
    }
  herd_driver_host_disconnect (manager->driver, host, NULL);
  herd_monitor_forget (manager, host);
  herd_audit_emit (manager->audit, herd_manager_now (manager),
                   HERD_AUDIT_USER_REMOVE_VDS, h->name, "by=%s", by);
  h->status = HERD_HOST_DOWN; /* out of every pass over the hosts */
  h->sanlock_id = 0;
  herd_model_remove_host (manager->model, host);
  return TRUE;
}

gboolean
herd_manager_host_reinstall (HerdManager *manager, HerdId host,
                             const char *by, GError **error)
{
  HerdHost *h = herd_model_host (manager->model, host);
  if (h->status != HERD_HOST_MAINTENANCE
      && h->status != HERD_HOST_NON_OPERATIONAL
      && h->status != HERD_HOST_INSTALL_FAILED)
    return refuse (error,
                   "host %s is %s: move it to Maintenance first (a host is "
                   "reinstalled in Maintenance, NonOperational or "
                   "InstallFailed)",
                   h->name, herd_host_status_name (h->status));
  herd_audit_emit (manager->audit, herd_manager_now (manager),
                   HERD_AUDIT_VDS_INSTALL_IN_PROGRESS, h->name, "by=%s", by);
  watch_afresh (manager, h);
  return TRUE;
}

void
herd_manager_domain_added (HerdManager *manager, HerdId domain,
                           const char *by)
{
  const HerdStorageDomain *sd = herd_model_domain (manager->model, domain);
  HerdTime now = herd_manager_now (manager);
  herd_audit_emit (manager->audit, now, HERD_AUDIT_USER_ADD_STORAGE_DOMAIN,
                   sd->name, "by=%s type=%s", by,
                   herd_storage_type_name (sd->type));
  herd_audit_emit (manager->audit, now,
                   HERD_AUDIT_USER_ATTACH_STORAGE_DOMAIN_TO_POOL, sd->name,
                   "datacenter=%s",
                   herd_model_datacenter (manager->model, sd->datacenter)
                       ->name);
  g_autoptr (GError) error = NULL;
  if (!herd_driver_domain_added (manager->driver, domain, &error))
    g_warning ("storage domain %s: %s", sd->name, error->message);
}

void
herd_manager_vm_added (HerdManager *manager, HerdId vm, const char *by)
{
  herd_audit_emit (manager->audit, herd_manager_now (manager),
                   HERD_AUDIT_USER_ADD_VM,
                   herd_model_vm (manager->model, vm)->name, "by=%s", by);
}

gboolean
herd_manager_vm_may_change (HerdManager *manager, HerdId vm,
                            gboolean running_config, GError **error)
{
  const HerdVm *v = herd_model_vm (manager->model, vm);
  if (running_config && (v->status != HERD_VM_DOWN || v->host != HERD_ID_NONE))
    return refuse (error,
                   "VM %s is %s: its vCPUs, memory and lease change only "
                   "while it is Down (stop it first)",
                   v->name, herd_vm_status_name (v->status));
  return TRUE;
}

void
herd_manager_vm_updated (HerdManager *manager, HerdId vm, const char *by,
                         const char *what)
{
  if (!herd_model_vm (manager->model, vm)->ha)
    herd_ha_forget (manager, vm); /* no longer restarted */
  herd_audit_emit (manager->audit, herd_manager_now (manager),
                   HERD_AUDIT_USER_UPDATE_VM,
                   herd_model_vm (manager->model, vm)->name, "by=%s %s", by,
                   what);
}

gboolean
herd_manager_vm_remove (HerdManager *manager, HerdId vm, const char *by,
                        GError **error)
{
  HerdVm *v = herd_model_vm (manager->model, vm);
  if (v->status != HERD_VM_DOWN || v->host != HERD_ID_NONE
      || v->pending_host != HERD_ID_NONE)
    return refuse (error,
                   "VM %s is %s: a VM is removed only when it is Down "
                   "(stop it first)",
                   v->name, herd_vm_status_name (v->status));
  if (!herd_driver_vm_remove (manager->driver, vm, error))
    return FALSE;
  herd_ha_forget (manager, vm);
  herd_audit_emit (manager->audit, herd_manager_now (manager),
                   HERD_AUDIT_USER_REMOVE_VM_FINISHED, v->name, "by=%s", by);
  herd_model_remove_vm (manager->model, vm);
  return TRUE;
}
