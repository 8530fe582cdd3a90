/* manager.c: the top of the manager (see manager.h): its life (new,
 * start, finish, a restart, a restore from herd run's database), the
 * driver's events (a host that answers or not, its statistics, a VM's
 * state, a fence agent's answer) handed to the parts that handle them,
 * and an operator's run and stop of a VM.  Nothing else in the core calls
 * it; the parts it uses sit below it (core/manager-private.h draws the
 * layers): starts in vm-start.c, maintenance in maintenance.c and
 * activate.c, live migrations in migration.c, what hosts report against
 * what the manager believes in reconcile.c. */
#include "core/manager-private.h"

#include "core/balancer.h"
#include "core/ha.h"
#include "core/maintenance.h"
#include "core/manager-books.h"
#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/migration.h"
#include "core/monitor.h"
#include "core/reconcile.h"
#include "core/snapshot.h"
#include "core/spm.h"
#include "core/storage.h"
#include "core/storage-space.h"
#include "core/vm-start.h"

G_DEFINE_QUARK (herd-manager-error-quark, herd_manager_error)

static void on_host_reachable (gpointer core, HerdId host);
static void on_host_unreachable (gpointer core, HerdId host);
static void on_host_stats (gpointer core, HerdId host,
                           const HerdHostStats *stats);
static void on_vm_state (gpointer core, HerdId vm, HerdId host,
                         HerdVmStatus status, HerdPauseReason reason);

static void on_fence_done (gpointer core, HerdId host, HerdFenceAction action,
                           gboolean ok, const char *output);
static void on_soft_fence_failed (gpointer core, HerdId host,
                                  const char *why);
static void auto_recovery (gpointer ctx, guint64 arg);

static const HerdDriverEvents manager_events = {
  .host_reachable = on_host_reachable,
  .host_unreachable = on_host_unreachable,
  .host_stats = on_host_stats,
  .vm_state = on_vm_state,
  .vm_start_failed = herd_vm_start_failed,
  .migration_progress = herd_migration_on_progress,
  .migration_done = herd_migration_on_done,
  .migration_failed = herd_migration_on_failed,
  .fence_done = on_fence_done,
  .soft_fence_failed = on_soft_fence_failed,
};

HerdManager *
herd_manager_new (HerdModel *model, HerdDriver *driver, HerdAudit *audit)
{
  HerdManager *m = g_new0 (HerdManager, 1);
  m->model = model;
  m->driver = driver;
  m->audit = audit;
  m->scheduler = herd_scheduler_new (model);
  guint hosts = herd_model_host_slots (model);
  m->maintenance_retry = g_new0 (HerdTimerId, hosts);
  m->host_vms = g_new (GArray *, hosts);
  for (guint i = 0; i < hosts; i++)
    m->host_vms[i] = g_array_new (FALSE, FALSE, sizeof (HerdId));
  herd_migration_init (m);
  herd_balancer_init (m);
  herd_monitor_init (m);
  herd_spm_init (m);
  herd_ha_init (m);
  herd_storage_init (m);
  herd_storage_space_init (m);
  herd_snapshot_init (m);
  herd_driver_set_events (driver, &manager_events, m);
  return m;
}

void
herd_manager_free (HerdManager *manager)
{
  if (manager == NULL)
    return;
  herd_driver_set_events (manager->driver, NULL, NULL);
  herd_migration_clear (manager);
  herd_balancer_clear (manager);
  herd_monitor_clear (manager);
  herd_spm_clear (manager);
  herd_ha_clear (manager);
  herd_storage_clear (manager);
  herd_storage_space_clear (manager);
  herd_snapshot_clear (manager);
  herd_vm_start_clear (manager);
  g_free (manager->maintenance_retry);
  for (guint i = 0; i < herd_model_host_slots (manager->model); i++)
    g_array_unref (manager->host_vms[i]);
  g_free (manager->host_vms);
  herd_scheduler_free (manager->scheduler);
  g_free (manager);
}

void
herd_manager_set_migration_sink (HerdManager *manager,
                                 HerdMigrationSinkFunc func,
                                 gpointer user_data)
{
  manager->migration_sink = func;
  manager->migration_sink_data = user_data;
}

const HerdManagerStats *
herd_manager_stats (HerdManager *manager)
{
  return &manager->stats;
}

HerdScheduler *
herd_manager_scheduler (HerdManager *manager)
{
  return manager->scheduler;
}

gboolean
herd_manager_start (HerdManager *manager, GError **error)
{
  manager->started_at = herd_manager_now (manager);
  for (guint i = 0; i < manager->model->hosts->len; i++)
    {
      HerdHost *host = herd_model_host (manager->model, i);
      if (host->removed)
        continue;
      if (!herd_driver_host_connect (manager->driver, host->id, error))
        {
          g_prefix_error (error, "connecting host %s: ", host->name);
          return FALSE;
        }
    }
  herd_balancer_start (manager);
  herd_spm_start (manager);
  herd_driver_timer_add (manager->driver,
                         manager->started_at
                             + manager->model->params.auto_recovery_interval,
                         auto_recovery, manager, 0);
  return TRUE;
}

void
herd_manager_finish (HerdManager *manager)
{
  herd_balancer_finish (manager);
  herd_spm_finish (manager);
}

/* What a reachable host reports: its statistics, and the VMs it runs.
 * A VM the manager believed running there that the host does not run is
 * down (an HA VM restarts). */
static void
reconcile_host (HerdManager *m, HerdHost *host)
{
  HerdHostStats stats;
  if (herd_driver_host_poll_stats (m->driver, host->id, &stats, NULL))
    on_host_stats (m, host->id, &stats);
  g_autoptr (GArray) running = herd_driver_vm_list (m->driver, host->id, NULL);
  if (running == NULL)
    return;
  g_autoptr (GArray) believed = g_array_copy (m->host_vms[host->id]);
  for (guint i = 0; i < believed->len; i++)
    {
      HerdVm *vm = herd_model_vm (m->model,
                                  g_array_index (believed, HerdId, i));
      gboolean there = FALSE;
      for (guint k = 0; k < running->len && !there; k++)
        there = g_array_index (running, HerdId, k) == vm->id;
      if (!there && m->migrations[vm->id] == NULL)
        herd_manager_vm_lost (m, vm, HERD_AUDIT_VM_DOWN);
    }
}

void
herd_manager_restart (HerdManager *manager)
{
  manager->started_at = herd_manager_now (manager);
  herd_audit_emit (manager->audit, manager->started_at,
                   HERD_AUDIT_MANAGER_RESTARTED, "manager", "%s", "");
  herd_monitor_restart (manager);
  for (guint i = 0; i < manager->model->hosts->len; i++)
    {
      HerdHost *h = herd_model_host (manager->model, i);
      if (h->status == HERD_HOST_UP && herd_monitor_reachable (manager, i))
        reconcile_host (manager, h);
    }
}

void
herd_manager_restore_host (HerdManager *manager, HerdId host,
                           HerdHostStatus status, guint32 sanlock_id)
{
  manager->restored = TRUE;
  HerdHost *h = herd_model_host (manager->model, host);
  h->status = status;
  h->pm_policy = status == HERD_HOST_UP;
  h->sanlock_id = sanlock_id;
  herd_monitor_restore (manager, host, status);
  if (sanlock_id != 0)
    herd_spm_restore (manager, host);
}

void
herd_manager_restore_vm (HerdManager *manager, HerdId vm, HerdId host)
{
  manager->restored = TRUE;
  HerdVm *v = herd_model_vm (manager->model, vm);
  herd_manager_commit_vm (manager, v, host);
  herd_manager_vm_set_status (manager, v, HERD_VM_UNKNOWN);
}

void
herd_manager_restore_spm (HerdManager *manager, HerdId datacenter,
                          HerdId host)
{
  manager->restored = TRUE;
  herd_model_datacenter (manager->model, datacenter)->spm_host = host;
}

/* A host answers: at first connection, after a failure, after a boot. */
static void
on_host_reachable (gpointer core, HerdId host_id)
{
  HerdManager *m = core;
  HerdHost *host = herd_model_host (m->model, host_id);
  if (host->removed)
    return; /* an answer that crossed its removal */
  gboolean first = !herd_monitor_known (m, host_id);
  if (herd_monitor_on_reachable (m, host_id))
    return;
  /* After a restore, every host's first answer is reconciled (the monitor
   * reconciles hosts that come back from a failure); at a first start,
   * what the host already runs is taken as it is (oVirt's VmAnalyzer
   * takes a VM reported running where the engine had it down). */
  if (m->restored || first)
    herd_manager_reconcile_vms (m, host_id);
  HerdHostStats stats;
  if (herd_driver_host_poll_stats (m->driver, host_id, &stats, NULL))
    on_host_stats (m, host_id, &stats);
  herd_monitor_host_connected (m, host_id);
  HerdHostStatus back = herd_monitor_status_back (m, host_id);
  herd_manager_host_set_status (m, host, back);
  herd_balancer_host_up (m, host_id);
  herd_spm_host_up (m, host_id);
  if (back == HERD_HOST_PREPARING_FOR_MAINTENANCE)
    herd_manager_maintenance_pass (m, host_id); /* the evacuation goes on */
}

/* A host stopped answering: the host monitor's work (monitor.c). */
static void
on_host_unreachable (gpointer core, HerdId host_id)
{
  HerdManager *m = core;
  if (!herd_model_host (m->model, host_id)->removed)
    herd_monitor_on_unreachable (m, host_id);
}

static void
on_fence_done (gpointer core, HerdId host, HerdFenceAction action,
               gboolean ok, const char *output)
{
  if (herd_model_host (((HerdManager *) core)->model, host)->removed)
    return;
  if (!herd_monitor_on_fence_done (core, host, action, ok, output))
    herd_balancer_on_fence_done (core, host, action, ok, output);
}

static void
on_soft_fence_failed (gpointer core, HerdId host, const char *why)
{
  if (!herd_model_host (((HerdManager *) core)->model, host)->removed)
    herd_monitor_on_soft_fence_failed (core, host, why);
}

/* A required network down on an Up host makes it NonOperational and
 * its VMs move away (behaviour.md §10); optional networks move nothing.
 * Autorecovery brings it back once the network is up. */
static void
check_networks (HerdManager *m, HerdHost *host)
{
  const HerdCluster *c = herd_model_cluster (m->model, host->cluster);
  HerdNetworkSet lost = host->networks_down & c->required_networks;
  if (lost == 0 || host->status != HERD_HOST_UP)
    return;
  GString *names = g_string_new (NULL);
  for (guint i = 0; i < m->model->networks->len; i++)
    {
      const HerdNetwork *n = herd_model_network (m->model, i);
      if (n->datacenter == c->datacenter && (lost >> n->bit) & 1)
        g_string_append_printf (names, "%s%s", names->len ? "," : "",
                                n->name);
    }
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_VDS_SET_NONOPERATIONAL_IFACE_DOWN, host->name,
                   "networks=%s", names->str);
  g_string_free (names, TRUE);
  herd_manager_host_set_status (m, host, HERD_HOST_NON_OPERATIONAL);
  g_autoptr (GArray) vms = herd_manager_host_vms_by_cpu (m, host->id);
  for (guint i = 0; i < vms->len; i++)
    herd_manager_vm_migrate (m, g_array_index (vms, HerdId, i), HERD_ID_NONE,
                             HERD_MIGRATION_REASON_NETWORK, NULL);
}

static void
auto_recovery (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  herd_storage_recover (m);
  for (guint i = 0; i < m->model->hosts->len; i++)
    {
      HerdHost *h = herd_model_host (m->model, i);
      const HerdCluster *c = herd_model_cluster (m->model, h->cluster);
      if (h->status == HERD_HOST_NON_OPERATIONAL
          && (h->networks_down & c->required_networks) == 0
          && h->domains_trouble == 0)
        {
          herd_audit_emit (m->audit, herd_manager_now (m),
                           HERD_AUDIT_VDS_ACTIVATE_ASYNC, h->name, "%s", "");
          herd_manager_host_set_status (m, h, HERD_HOST_UP);
        }
    }
  herd_driver_timer_add (m->driver,
                         herd_manager_now (m)
                             + m->model->params.auto_recovery_interval,
                         auto_recovery, m, 0);
}

static void
on_host_stats (gpointer core, HerdId host_id, const HerdHostStats *stats)
{
  HerdManager *m = core;
  HerdHost *host = herd_model_host (m->model, host_id);
  if (host->removed)
    return;
  host->cpu_used_mc = stats->cpu_used_mc;
  host->mem_free_mib = stats->mem_free_mib;
  host->lockspace_down = stats->lockspace_down;
  host->networks_down = stats->networks_down & host->networks;
  check_networks (m, host);
  herd_storage_on_report (m, host, stats->domains_trouble);
  /* Out of the thresholds since when (oVirt's cpuOverCommitTimestamp,
   * SchedulingManager.updateHostSchedulingStats): at or over
   * HighUtilization, or at or under the low threshold (LowUtilization for
   * power_saving, else 0 as oVirt's LowUtilizationForEvenlyDistribute);
   * reset only in between.  The CPU-overloaded filter and the balancer
   * measure durations from here. */
  const HerdCluster *c = herd_model_cluster (m->model, host->cluster);
  gint64 load = herd_host_cpu_load (m->model, host);
  gint64 low = c->policy == HERD_POLICY_POWER_SAVING
                   ? (gint64) c->policy_params.low_utilization
                   : 0;
  gboolean out = load >= (gint64) c->policy_params.high_utilization
                 || load <= low;
  if (!out)
    host->cpu_over_since = HERD_TIME_NEVER;
  else if (host->cpu_over_since == HERD_TIME_NEVER)
    host->cpu_over_since = herd_manager_now (m);
}

gboolean
herd_manager_vm_run (HerdManager *m, HerdId vm_id, GError **error)
{
  herd_ha_forget (m, vm_id);
  return herd_start_vm (m, vm_id, FALSE, error);
}

gboolean
herd_manager_vm_stop (HerdManager *m, HerdId vm_id, GError **error)
{
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  if (vm->host == HERD_ID_NONE || vm->status == HERD_VM_DOWN
      || vm->status == HERD_VM_POWERING_DOWN)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "VM %s is %s, not running", vm->name,
                   herd_vm_status_name (vm->status));
      return FALSE;
    }
  /* After the switch-over of its migration the VM runs on the
   * destination: it is stopped there and the migration completes. */
  HerdId where = herd_migration_try_abort (m, vm_id,
                                           "the VM is being powered off")
                     ? vm->host
                     : vm->migrating_to;
  herd_ha_forget (m, vm_id);
  HerdHost *host = herd_model_host (m->model, where);
  herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_USER_STOP_VM,
                   vm->name, "host=%s", host->name);
  g_autoptr (GError) local = NULL;
  if (!herd_driver_vm_stop (m->driver, where, vm_id, &local))
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_DRIVER,
                   "stopping VM %s on %s: %s", vm->name, host->name,
                   local->message);
      return FALSE;
    }
  herd_manager_vm_set_status (m, vm, HERD_VM_POWERING_DOWN);
  return TRUE;
}

/* The manager's bookkeeping follows what the host reports: a VM's
 * reservation turns into committed memory once the host reports its QEMU
 * running (PoweringUp or Up), and is given back when it reports it Down. */
static void
on_vm_state (gpointer core, HerdId vm_id, HerdId host_id, HerdVmStatus status,
             HerdPauseReason reason)
{
  HerdManager *m = core;
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  HerdTime now = herd_manager_now (m);
  if (vm->removed
      || (host_id != HERD_ID_NONE
          && herd_model_host (m->model, host_id)->removed))
    return;
  /* A QEMU gone on a host the VM neither runs on nor migrates to: the
   * destination's, after its migration was aborted (oVirt's monitoring
   * takes a VM's state from its own host and its migration's
   * destination only). */
  if (status == HERD_VM_DOWN && host_id != HERD_ID_NONE
      && vm->host != HERD_ID_NONE && host_id != vm->host
      && host_id != vm->migrating_to)
    return;

  if ((status == HERD_VM_POWERING_UP || status == HERD_VM_UP)
      && !vm->committed)
    {
      herd_manager_release_pending (m, vm);
      herd_manager_commit_vm (m, vm, host_id);
    }

  switch (status)
    {
    case HERD_VM_UP:
      {
        gboolean resumed = vm->status == HERD_VM_PAUSED;
        vm->pause_reason = HERD_PAUSE_NONE;
        herd_manager_vm_set_status (m, vm, HERD_VM_UP);
        herd_audit_emit (m->audit, now,
                         resumed ? HERD_AUDIT_VM_RECOVERED_FROM_PAUSE_ERROR
                                 : HERD_AUDIT_USER_RUN_VM,
                         vm->name, "host=%s",
                         herd_model_host (m->model, host_id)->name);
      }
      break;
    case HERD_VM_DOWN:
      {
        HerdId was_on = vm->host;
        /* Down without an operator's stop: an HA VM starts again. */
        gboolean unexpected = vm->status != HERD_VM_POWERING_DOWN;
        herd_manager_uncommit_vm (m, vm);
        herd_manager_release_pending (m, vm);
        herd_audit_emit (m->audit, now, HERD_AUDIT_VM_DOWN, vm->name,
                         "host=%s",
                         was_on != HERD_ID_NONE
                             ? herd_model_host (m->model, was_on)->name
                             : "none");
        vm->host = HERD_ID_NONE;
        vm->cpu_used_mc = -1;
        herd_manager_vm_set_status (m, vm, HERD_VM_DOWN);
        if (was_on != HERD_ID_NONE)
          herd_manager_maintenance_check (m, was_on);
        if (unexpected)
          herd_ha_enqueue (m, vm->id);
      }
      break;
    case HERD_VM_PAUSED:
      vm->pause_reason = reason;
      herd_manager_vm_set_status (m, vm, status);
      if (reason == HERD_PAUSE_EIO || reason == HERD_PAUSE_ENOSPC)
        herd_audit_emit (m->audit, now,
                         reason == HERD_PAUSE_EIO
                             ? HERD_AUDIT_VM_PAUSED_EIO
                             : HERD_AUDIT_VM_PAUSED_ENOSPC,
                         vm->name, "host=%s resume=%s",
                         herd_model_host (m->model, host_id)->name,
                         herd_resume_policy_name (vm->resume_policy));
      break;
    default:
      herd_manager_vm_set_status (m, vm, status);
      break;
    }
}
