/* vm-start.c: starting a Down VM, for an operator or for an HA restart
 * (see vm-start.h). */
#include "core/manager-private.h"
#include "core/vm-start.h"

#include "core/ha.h"
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

/* Says in words why the filters removed every host, for the operator
 * who asked: "2 hosts not Up (Status); 1 host with too little free
 * memory for it ... (Memory)". */
static char *
explain_rejections (const guint32 *rejected)
{
  static const char *const why[HERD_FILTER_LAST] = {
    [HERD_FILTER_STATUS] = "not Up",
    [HERD_FILTER_CPU] = "with too few cores for its vCPUs",
    [HERD_FILTER_CPU_OVERLOADED] = "with its CPU over HighUtilization",
    [HERD_FILTER_MEMORY] = "with too little free memory for it (or "
                           "no room under the cluster's overcommit)",
    [HERD_FILTER_PIN_TO_HOST] = "not among the hosts it is pinned to",
    [HERD_FILTER_VM_LEASES_READY] = "without a live lockspace for its VM lease",
    [HERD_FILTER_VM_AFFINITY] = "against a hard VM affinity rule",
    [HERD_FILTER_HOST_AFFINITY] = "against a hard host affinity rule",
    [HERD_FILTER_NETWORK] = "with a required network or one of its "
                            "vNICs' down or missing",
    [HERD_FILTER_MIGRATION] = "that it runs on already",
    [HERD_FILTER_CLUSTER_MAINTENANCE] = "in a cluster in maintenance, "
                                        "where only HA VMs start",
    [HERD_FILTER_ALLOWED] = "already tried, or left out by the caller",
  };
  GString *out = g_string_new (NULL);
  for (guint f = 0; f < HERD_FILTER_LAST; f++)
    if (rejected[f] > 0)
      g_string_append_printf (out, "%s%u host%s %s (%s)",
                              out->len > 0 ? "; " : "", rejected[f],
                              rejected[f] == 1 ? "" : "s", why[f],
                              herd_filter_name ((HerdFilterKind) f));
  if (out->len == 0)
    g_string_append (out, "the cluster has no host");
  return g_string_free (out, FALSE);
}

/* The VM failed to run on host: Down again, its resources released,
 * USER_INITIATED_RUN_VM_FAILED; host is left out of *allowed (all hosts
 * allowed when NULL). */
static void
start_failed_on (HerdManager *m, HerdVm *vm, HerdId host_id,
                 const char *message, guint8 **allowed)
{
  herd_manager_release_pending (m, vm);
  vm->host = HERD_ID_NONE;
  herd_manager_vm_set_status (m, vm, HERD_VM_DOWN);
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_USER_INITIATED_RUN_VM_FAILED, vm->name,
                   "host=%s error=\"%s\"",
                   herd_model_host (m->model, host_id)->name, message);
  if (*allowed == NULL)
    {
      *allowed = g_malloc (herd_model_host_slots (m->model));
      memset (*allowed, 1, herd_model_host_slots (m->model));
    }
  (*allowed)[host_id] = 0;
}

/* Places the Down VM and asks the host to run it; a host that refuses is
 * left out and the next one tried, as the manager's run command reruns
 * (USER_INITIATED_RUN_VM_FAILED).  allowed: the hosts still allowed (NULL:
 * all); owned. */
static gboolean
run_on_some_host (HerdManager *m, HerdVm *vm, gboolean system,
                  guint8 *allowed_hosts, GError **error)
{
  HerdId vm_id = vm->id;
  HerdTime now = herd_manager_now (m);
  g_autofree guint8 *allowed = allowed_hosts;
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
          g_autofree char *words = explain_rejections (rejected);
          g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_NO_HOST,
                       "no host can run VM %s: %s", vm->name, words);
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
      start_failed_on (m, vm, host_id, local->message, &allowed);
    }
  if (!system)
    m->stats.placements++;
  return TRUE;
}

gboolean
herd_start_vm (HerdManager *m, HerdId vm_id, gboolean system,
               GError **error)
{
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  if (vm->status != HERD_VM_DOWN)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is %s, not Down", vm->name,
                   herd_vm_status_name (vm->status));
      return FALSE;
    }
  if (!system)
    herd_audit_emit (m->audit, herd_manager_now (m),
                     HERD_AUDIT_USER_INITIATED_RUN_VM, vm->name, "%s", "");
  if (m->start_reruns != NULL)
    g_hash_table_remove (m->start_reruns, GUINT_TO_POINTER (vm_id));
  return run_on_some_host (m, vm, system, NULL, error);
}

/* A VM whose start a host failed after accepting it, across its reruns
 * (a fresh start forgets it): whether it is the manager's own restart,
 * and the hosts still allowed (1), by host id. */
typedef struct
{
  gboolean system;
  guint8 allowed[];
} Rerun;

void
herd_vm_start_failed (gpointer core, HerdId vm_id, HerdId host_id,
                      const char *message)
{
  HerdManager *m = core;
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  if (vm->host != host_id || vm->status != HERD_VM_WAIT_FOR_LAUNCH)
    return; /* about an earlier start: the VM has moved on */
  guint n = herd_model_host_slots (m->model);
  if (m->start_reruns == NULL)
    m->start_reruns = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  Rerun *rerun = g_hash_table_lookup (m->start_reruns,
                                      GUINT_TO_POINTER (vm_id));
  if (rerun == NULL)
    {
      rerun = g_malloc (sizeof (Rerun) + n);
      rerun->system = herd_ha_restarting (m, vm_id);
      memset (rerun->allowed, 1, n);
      g_hash_table_insert (m->start_reruns, GUINT_TO_POINTER (vm_id), rerun);
    }
  guint8 *allowed = NULL;
  start_failed_on (m, vm, host_id, message, &allowed);
  rerun->allowed[host_id] = 0;
  memcpy (allowed, rerun->allowed, n);
  g_autoptr (GError) error = NULL;
  if (!run_on_some_host (m, vm, rerun->system, allowed, &error)
      && rerun->system)
    herd_ha_restart_failed (m, vm_id);
}

void
herd_vm_start_clear (HerdManager *m)
{
  g_clear_pointer (&m->start_reruns, g_hash_table_unref);
}

gboolean
herd_manager_vm_restart (HerdManager *m, HerdId vm_id, GError **error)
{
  return herd_start_vm (m, vm_id, TRUE, error);
}
