/* monitor.c: host monitoring, soft fencing and fencing (behaviour.md §5).
 *
 * Hosts are polled every VdsRefreshRate, each on its own phase (from when
 * it was connected).  The manager does not keep a timer per poll: when
 * the driver says a host stopped answering (a lost connection, as the
 * libvirt keepalive reports it), the first poll at or after that instant
 * is the one that fails, and the host goes to Connecting then.
 *
 * Grace = max(TimeoutToResetVds + DelayResetPerVm x running VMs
 * (+ DelayResetForSpm for the SPM), VdsRecoveryAttempts x VdsRefreshRate,
 * MinimalGraceTime), from the failed poll.  Then soft fencing: the agent
 * is restarted over SSH and the manager waits SoftFencingWait for it.
 * Still unreachable: NonResponsive, its VMs Unknown, and fencing when the
 * host has power management, the cluster fences, and no fencing policy
 * says no (DisableFenceAtStartup after a manager start; many hosts of the
 * cluster unreachable; the host's storage lease LIVE), rechecked every
 * FenceProxyRetryInterval while a policy says no.
 *
 * Fencing runs through a proxy (an Up or Maintenance host, of the cluster
 * first, then of the data center; FenceProxyTries tries,
 * FenceProxyRetryInterval apart): stop, confirm off (status polled up to
 * FenceStatusPolls times, FenceStatusInterval apart), start, confirm on.
 * Agents of the same order act together (stop must succeed on all, start
 * on any); otherwise one after another, the next when one fails.  Once
 * off is confirmed the host's VMs are Down, its HA VMs restart elsewhere
 * and it stops being the SPM; it rejoins Up when it answers again.
 *
 * A NonResponsive host that is not fenced keeps its VMs Unknown; HA VMs
 * with a VM lease restart once the host's hold on their lease has expired
 * (checked every SpmStatusInterval; a lease that is free but was never
 * the host's proves nothing). */
#include "core/manager-private.h"
#include "core/monitor.h"

#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/migration.h"
#include "core/reconcile.h"
#include "core/spm.h"

#include <string.h>

/* Where a host stands between reachable and fenced. */
typedef enum
{
  WATCH_OK,            /* answering (or not monitored) */
  WATCH_POLL,          /* stopped answering; the next poll will fail */
  WATCH_CONNECTING,    /* in its grace period */
  WATCH_SOFT_FENCING,  /* agent restarted over SSH, waiting for it */
  WATCH_NON_RESPONSIVE,
  WATCH_FENCING,
  WATCH_REBOOTING,     /* fenced and powered on: waiting for it */
} WatchState;

typedef enum
{
  FENCE_STOP,
  FENCE_CONFIRM_OFF,
  FENCE_START,
  FENCE_CONFIRM_ON,
} FenceStep;

struct _HostWatch
{
  WatchState state;
  gboolean reachable;    /* as the driver last said */
  gboolean known;        /* answered, or restored from the state
                            database, since the manager started */
  gboolean fenced;       /* confirmed off since it became NonResponsive */
  HerdHostStatus before; /* its status when it stopped answering */
  HerdTime phase;        /* polls at phase + k x VdsRefreshRate */
  HerdTimerId timer;
  HerdTimerId lease_timer; /* VM-lease watch while NonResponsive */
  FenceStep step;
  guint32 agent;         /* agent in use (one after another) */
  guint32 outstanding;   /* actions not answered (together) */
  guint32 answered_ok;
  guint32 polls;
  guint32 proxy_tries;
  char *agent_output;    /* what the agent said to the last stop or start */
  int user_power;        /* -1, or the HerdPowerAction a user asked for */
  gboolean to_maintenance; /* after that restart or start: Maintenance */
  HerdTime user_power_at[HERD_POWER_LAST]; /* each action's last request */
};

static void poll_fails (gpointer ctx, guint64 arg);
static void grace_over (gpointer ctx, guint64 arg);
static void soft_fence_over (gpointer ctx, guint64 arg);
static void try_fence (gpointer ctx, guint64 arg);
static void fence_status_poll (gpointer ctx, guint64 arg);
static void lease_watch (gpointer ctx, guint64 arg);

void
herd_monitor_init (HerdManager *m)
{
  m->watch = g_new0 (HostWatch, herd_model_host_slots (m->model));
  for (guint i = 0; i < herd_model_host_slots (m->model); i++)
    {
      m->watch[i].user_power = -1;
      for (guint a = 0; a < HERD_POWER_LAST; a++)
        m->watch[i].user_power_at[a] = HERD_TIME_NEVER;
    }
}

void
herd_monitor_clear (HerdManager *m)
{
  for (guint i = 0; i < m->model->hosts->len; i++)
    g_free (m->watch[i].agent_output);
  g_free (m->watch);
}

static HerdHost *
host_at (HerdManager *m, HerdId id)
{
  return herd_model_host (m->model, id);
}

static void
set_timer (HerdManager *m, HerdTimerId *timer, HerdTime at,
           HerdTimerFunc fn, HerdId host)
{
  herd_driver_timer_cancel (m->driver, *timer);
  *timer = herd_driver_timer_add (m->driver, at, fn, m, host);
}

static void
cancel (HerdManager *m, HerdTimerId *timer)
{
  herd_driver_timer_cancel (m->driver, *timer);
  *timer = 0;
}

void
herd_monitor_host_connected (HerdManager *m, HerdId host)
{
  HostWatch *w = &m->watch[host];
  w->reachable = TRUE;
  w->known = TRUE;
  w->phase = herd_manager_now (m);
}

/* Hosts the manager watches for failures: those that work, and one of
 * the configuration that has not answered since the manager started
 * (still Down, as every host is until it first answers), which oVirt
 * shows Connecting, then NonResponsive, rather than Down. */
static gboolean
monitored (const HostWatch *w, const HerdHost *h)
{
  return h->status == HERD_HOST_UP
         || h->status == HERD_HOST_PREPARING_FOR_MAINTENANCE
         || h->status == HERD_HOST_NON_OPERATIONAL
         || (!w->known && h->status == HERD_HOST_DOWN);
}

void
herd_monitor_on_unreachable (HerdManager *m, HerdId host)
{
  HostWatch *w = &m->watch[host];
  HerdTime now = herd_manager_now (m);
  w->reachable = FALSE;
  if (w->state != WATCH_OK || !monitored (w, host_at (m, host)))
    return;
  /* The first poll at or after now fails. */
  HerdTime rate = m->model->params.vds_refresh_rate;
  HerdTime since = now - w->phase;
  HerdTime tick = rate > 0 ? w->phase + (since + rate - 1) / rate * rate
                           : now;
  w->state = WATCH_POLL;
  set_timer (m, &w->timer, tick, poll_fails, host);
}

void
herd_monitor_host_activated (HerdManager *m, HerdId host)
{
  if (!m->watch[host].reachable)
    herd_monitor_on_unreachable (m, host);
}

HerdHostStatus
herd_monitor_status_back (HerdManager *m, HerdId host)
{
  HerdHostStatus s = m->watch[host].before;
  m->watch[host].before = HERD_HOST_UP;
  /* Unwatched in Maintenance (it may have rebooted there): it stays. */
  if (host_at (m, host)->status == HERD_HOST_MAINTENANCE)
    return HERD_HOST_MAINTENANCE;
  return s == HERD_HOST_PREPARING_FOR_MAINTENANCE
                 || s == HERD_HOST_NON_OPERATIONAL
                 || s == HERD_HOST_MAINTENANCE
             ? s
             : HERD_HOST_UP;
}

gboolean
herd_monitor_handling (HerdManager *m, HerdId host)
{
  return m->watch[host].state != WATCH_OK;
}

gboolean
herd_monitor_host_ok (HerdManager *m, HerdId host)
{
  return m->watch[host].state == WATCH_OK && m->watch[host].reachable;
}

gboolean
herd_monitor_known (HerdManager *m, HerdId host)
{
  return m->watch[host].known;
}

gboolean
herd_monitor_reachable (HerdManager *m, HerdId host)
{
  return m->watch[host].reachable;
}

static HerdTime
grace_of (HerdManager *m, const HerdHost *h)
{
  const HerdParams *p = &m->model->params;
  HerdTime grace = p->timeout_to_reset_vds
                   + p->delay_reset_per_vm * (HerdTime) h->vm_count;
  HerdId dc = herd_model_cluster (m->model, h->cluster)->datacenter;
  if (herd_model_datacenter (m->model, dc)->spm_host == h->id)
    grace += p->delay_reset_for_spm;
  grace = MAX (grace, p->grace_attempts * p->vds_refresh_rate);
  return MAX (grace, p->min_grace);
}

static void
poll_fails (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HostWatch *w = &m->watch[arg];
  HerdHost *h = host_at (m, (HerdId) arg);
  w->timer = 0;
  /* Back, or no longer watched (switched to maintenance meanwhile, such as
   * a host power saving is switching off). */
  if (w->reachable || !monitored (w, h))
    {
      w->state = WATCH_OK;
      return;
    }
  HerdTime grace = grace_of (m, h);
  w->state = WATCH_CONNECTING;
  w->before = h->status;
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_VDS_HOST_NOT_RESPONDING_CONNECTING, h->name,
                   "grace_ms=%" G_GINT64_FORMAT, grace / HERD_MSEC (1));
  herd_manager_host_set_status (m, h, HERD_HOST_CONNECTING);
  set_timer (m, &w->timer, herd_manager_now (m) + grace, grace_over,
             (HerdId) arg);
}

static void
grace_over (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HostWatch *w = &m->watch[arg];
  HerdHost *h = host_at (m, (HerdId) arg);
  HerdTime now = herd_manager_now (m);
  g_autoptr (GError) error = NULL;
  w->timer = 0;
  m->stats.soft_fences++;
  herd_audit_emit (m->audit, now, HERD_AUDIT_SYSTEM_SSH_HOST_RESTART,
                   h->name, "%s", "");
  w->state = WATCH_SOFT_FENCING;
  if (herd_driver_host_soft_fence (m->driver, h->id, &error))
    {
      set_timer (m, &w->timer, now + m->model->params.soft_fence_wait,
                 soft_fence_over, h->id);
      return;
    }
  herd_audit_emit (m->audit, now, HERD_AUDIT_SYSTEM_FAILED_SSH_HOST_RESTART,
                   h->name, "error=\"%s\"", error->message);
  soft_fence_over (m, h->id);
}

void
herd_monitor_on_soft_fence_failed (HerdManager *m, HerdId host,
                                   const char *why)
{
  HostWatch *w = &m->watch[host];
  if (w->state != WATCH_SOFT_FENCING)
    return; /* over already, or the host answered */
  cancel (m, &w->timer);
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_SYSTEM_FAILED_SSH_HOST_RESTART,
                   host_at (m, host)->name, "error=\"%s\"", why);
  soft_fence_over (m, host);
}

/* Every VM the manager believes on host becomes Unknown; migrations
 * towards it are abandoned (those VMs stay where they run). */
static void
vms_unknown (HerdManager *m, HerdId host)
{
  for (guint i = 0; i < m->model->vms->len; i++)
    {
      HerdVm *vm = herd_model_vm (m->model, i);
      /* (One in post-copy runs on the destination already.) */
      if (vm->migrating_to == host)
        herd_migration_abort (m, vm->id,
                              "the destination host is non responsive");
      if (vm->host != host || vm->status == HERD_VM_DOWN
          || vm->status == HERD_VM_UNKNOWN)
        continue;
      herd_migration_abort (m, vm->id, "the VM's host is non responsive");
      if (vm->host != host)
        continue; /* in post-copy: it runs on the destination */
      herd_manager_vm_set_status (m, vm, HERD_VM_UNKNOWN);
      herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_VM_UNKNOWN,
                       vm->name, "host=%s", host_at (m, host)->name);
    }
}

static void
soft_fence_over (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HostWatch *w = &m->watch[arg];
  HerdHost *h = host_at (m, (HerdId) arg);
  w->timer = 0;
  w->state = WATCH_NON_RESPONSIVE;
  w->fenced = FALSE;
  m->stats.hosts_non_responsive++;
  herd_audit_emit (m->audit, herd_manager_now (m), HERD_AUDIT_VDS_FAILURE,
                   h->name, "vms=%u", h->vm_count);
  herd_manager_host_set_status (m, h, HERD_HOST_NON_RESPONSIVE);
  vms_unknown (m, h->id);
  set_timer (m, &w->lease_timer,
             herd_manager_now (m) + m->model->params.spm_status_interval,
             lease_watch, h->id);
  try_fence (m, h->id);
}

/* A VM lease proves its VM down on host only when host held it and holds
 * it no more (sanlock killed the VM when host's host-id lease expired, or
 * the watchdog reset host).  A lease merely free proves nothing: written
 * by another host, or never taken, the VM may run on host without it. */
static gboolean
lease_proves_down (const HerdHost *host, const HerdLeaseState *lease)
{
  return lease->owner_host_id == 0 && host->sanlock_id != 0
         && lease->recorded_host_id == host->sanlock_id;
}

/* HA VMs with a VM lease on a NonResponsive host that is not fenced may
 * restart once the host's hold on their lease has expired: nothing can
 * run them any more. */
static void
lease_watch (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HostWatch *w = &m->watch[arg];
  w->lease_timer = 0;
  if (w->state != WATCH_NON_RESPONSIVE && w->state != WATCH_FENCING)
    return;
  HerdId domain = herd_spm_master_domain (m, (HerdId) arg);
  gboolean waiting = FALSE;
  for (guint i = 0; i < m->model->vms->len && domain != HERD_ID_NONE; i++)
    {
      HerdVm *vm = herd_model_vm (m->model, i);
      if (vm->host != (HerdId) arg || !vm->ha || !vm->lease
          || vm->status != HERD_VM_UNKNOWN)
        continue;
      g_autofree char *resource = g_strdup_printf ("vm-%s", vm->name);
      HerdLeaseState lease;
      if (herd_driver_lease_inquire (m->driver, domain, resource, &lease,
                                     NULL)
          && lease_proves_down (host_at (m, (HerdId) arg), &lease))
        herd_manager_vm_lost (m, vm, HERD_AUDIT_VM_SET_DOWN_HOST_FENCED);
      else
        waiting = TRUE;
    }
  if (waiting)
    set_timer (m, &w->lease_timer,
               herd_manager_now (m) + m->model->params.spm_status_interval,
               lease_watch, (HerdId) arg);
}

static void
skip (HerdManager *m, HerdHost *h, const char *why)
{
  HostWatch *w = &m->watch[h->id];
  HerdTime now = herd_manager_now (m);
  m->stats.fences_skipped++;
  herd_audit_emit (m->audit, now, HERD_AUDIT_FENCE_SKIPPED, h->name,
                   "reason=%s", why);
  set_timer (m, &w->timer, now + m->model->params.fence_proxy_retry_interval,
             try_fence, h->id);
}

static gboolean
connectivity_broken (HerdManager *m, const HerdCluster *c)
{
  guint bad = 0;
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdHostStatus s = host_at (m, g_array_index (c->hosts, HerdId, i))
                             ->status;
      bad += s == HERD_HOST_CONNECTING || s == HERD_HOST_NON_RESPONSIVE;
    }
  return bad >= c->connectivity_threshold * c->hosts->len;
}

static gboolean
lease_live (HerdManager *m, const HerdHost *h)
{
  HerdId domain = herd_spm_master_domain (m, h->id);
  HerdLiveness live;
  return domain != HERD_ID_NONE && h->sanlock_id != 0
         && herd_driver_lease_host_liveness (m->driver, domain,
                                             h->sanlock_id, &live, NULL)
         && live == HERD_LIVENESS_LIVE;
}

/* oVirt's FenceProxyLocator: a host to fence target through, of the
 * cluster first, then of the data center (FenceProxyDefaultPreferences);
 * an Up host, else a NonOperational one (herd's NonOperational hosts still
 * reach the network: their reason is storage or a required NIC, never
 * oVirt's NETWORK_UNREACHABLE); never a host in Maintenance or not
 * answering; lowest id first. */
HerdId
herd_monitor_fence_proxy (HerdManager *m, const HerdHost *target)
{
  HerdId dc = herd_model_cluster (m->model, target->cluster)->datacenter;
  for (int source = 0; source < 2; source++)
    {
      HerdId other = HERD_ID_NONE;
      for (guint i = 0; i < m->model->hosts->len; i++)
        {
          const HerdHost *h = host_at (m, i);
          if (h->id == target->id
              || (source == 0
                      ? h->cluster != target->cluster
                      : herd_model_cluster (m->model, h->cluster)->datacenter
                            != dc))
            continue;
          if (h->status == HERD_HOST_UP)
            return h->id;
          if (h->status == HERD_HOST_NON_OPERATIONAL && other == HERD_ID_NONE)
            other = h->id;
        }
      if (other != HERD_ID_NONE)
        return other;
    }
  return HERD_ID_NONE;
}

static const char *const action_names[HERD_FENCE_ACTION_LAST] = {
  "status", "on", "off", "reboot",
};

/* Sends action to the current agent, or to all of them together. */
static void
fence_send (HerdManager *m, HerdHost *h, HerdFenceAction action)
{
  HostWatch *w = &m->watch[h->id];
  HerdId proxy = herd_monitor_fence_proxy (m, h);
  /* Status asks one agent (the next one after a failed answer). */
  gboolean together = h->fence_concurrent && action != HERD_FENCE_STATUS;
  guint first = together ? 0 : w->agent;
  guint last = together ? MAX (h->fence_agents, 1) : w->agent + 1;
  w->outstanding = last - first;
  w->answered_ok = 0;
  if (action != HERD_FENCE_STATUS)
    herd_audit_emit (m->audit, herd_manager_now (m),
                     HERD_AUDIT_FENCE_OPERATION_STARTED, h->name,
                     "action=%s proxy=%s agents=%u", action_names[action],
                     proxy != HERD_ID_NONE ? host_at (m, proxy)->name
                                           : "none",
                     w->outstanding);
  for (guint a = first; a < last; a++)
    if (proxy == HERD_ID_NONE
        || !herd_driver_fence (m->driver, proxy, h->id, a, action, NULL))
      herd_monitor_on_fence_done (m, h->id, action, FALSE, "error");
}

/* Fencing failed: a host not stopped stays NonResponsive with its VMs
 * Unknown, and is fenced again after FenceRetryInterval while it stays
 * so (its agents or proxies may work again; oVirt waits for a person). */
static void
fencing_failed (HerdManager *m, HerdHost *h, const char *why)
{
  HostWatch *w = &m->watch[h->id];
  HerdTime now = herd_manager_now (m);
  herd_audit_emit (m->audit, now, HERD_AUDIT_VDS_ALERT_FENCE_OPERATION_FAILED,
                   h->name, "reason=%s", why);
  if (w->user_power >= 0)
    {
      /* A user's stop, start or restart that failed ends there: a host
       * stopped and not started again waits for its boot, any other
       * goes back to being monitored as it is. */
      w->user_power = -1;
      w->state = w->fenced ? WATCH_REBOOTING : WATCH_OK;
      if (!w->reachable && w->state == WATCH_OK)
        herd_monitor_on_unreachable (m, h->id);
      return;
    }
  w->state = w->fenced ? WATCH_REBOOTING : WATCH_NON_RESPONSIVE;
  if (!w->fenced && m->model->params.fence_retry_interval > 0)
    set_timer (m, &w->timer, now + m->model->params.fence_retry_interval,
               try_fence, h->id);
}

static void
try_fence (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HostWatch *w = &m->watch[arg];
  HerdHost *h = host_at (m, (HerdId) arg);
  HerdTime now = herd_manager_now (m);
  const HerdParams *p = &m->model->params;
  const HerdCluster *c = herd_model_cluster (m->model, h->cluster);
  w->timer = 0;
  if (w->state != WATCH_NON_RESPONSIVE)
    return;
  if (!h->power_management || !c->fencing)
    {
      herd_audit_emit (m->audit, now, HERD_AUDIT_VDS_HOST_NOT_RESPONDING,
                       h->name, "power_management=%s",
                       h->power_management ? "yes" : "no");
      return;
    }
  if (now < m->started_at + p->fence_quiet_after_start)
    {
      m->stats.fences_skipped++;
      herd_audit_emit (m->audit, now, HERD_AUDIT_FENCE_SKIPPED, h->name,
                       "reason=manager_startup");
      set_timer (m, &w->timer, m->started_at + p->fence_quiet_after_start,
                 try_fence, h->id);
      return;
    }
  if (c->skip_fencing_if_connectivity_broken && connectivity_broken (m, c))
    {
      skip (m, h, "connectivity_broken");
      return;
    }
  if (c->skip_fencing_if_lease_live && lease_live (m, h))
    {
      skip (m, h, "lease_live");
      return;
    }
  if (herd_monitor_fence_proxy (m, h) == HERD_ID_NONE)
    {
      if (++w->proxy_tries < (guint32) p->fence_proxy_tries)
        set_timer (m, &w->timer, now + p->fence_proxy_retry_interval,
                   try_fence, h->id);
      else
        {
          w->proxy_tries = 0;
          fencing_failed (m, h, "no_proxy");
        }
      return;
    }
  w->proxy_tries = 0;
  w->state = WATCH_FENCING;
  w->step = FENCE_STOP;
  w->agent = 0;
  m->stats.fences++;
  fence_send (m, h, HERD_FENCE_OFF);
}

/* The host is off (fenced, or its reboot confirmed): a VM migrating to it
 * runs on its source, and only the migration ends (unless in post-copy:
 * it ran on the host); VMs on it, or starting on it, are down (why). */
static void
vms_down_with (HerdManager *m, HerdId host, HerdAuditType why)
{
  for (guint i = 0; i < m->model->vms->len; i++)
    {
      HerdVm *vm = herd_model_vm (m->model, i);
      if (vm->migrating_to == host)
        herd_migration_abort (m, vm->id, "the destination host was fenced");
      if ((vm->host == host || vm->pending_host == host)
          && vm->status != HERD_VM_DOWN)
        herd_manager_vm_lost (m, vm, why);
    }
}

/* Off is confirmed: the host's VMs are down, HA VMs restart elsewhere,
 * the SPM role is free; then the host is started again. */
static void
fenced (HerdManager *m, HerdHost *h)
{
  HostWatch *w = &m->watch[h->id];
  w->fenced = TRUE;
  m->stats.fences_ok++;
  cancel (m, &w->lease_timer);
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_FENCE_OPERATION_SUCCEEDED, h->name,
                   "action=off output=\"%s\"",
                   w->agent_output != NULL ? w->agent_output : "");
  vms_down_with (m, h->id, HERD_AUDIT_VM_SET_DOWN_HOST_FENCED);
  herd_spm_host_gone (m, h->id);
  herd_manager_host_set_status (m, h, HERD_HOST_DOWN);
  if (w->user_power == HERD_POWER_STOP)
    {
      /* Down it stays (unmonitored) until someone starts it. */
      w->user_power = -1;
      w->to_maintenance = FALSE;
      w->state = WATCH_OK;
      w->fenced = FALSE;
      return;
    }
  w->step = FENCE_START;
  w->agent = 0;
  fence_send (m, h, HERD_FENCE_ON);
}

gboolean
herd_manager_host_confirm_rebooted (HerdManager *m, HerdId host,
                                    GError **error)
{
  HostWatch *w = &m->watch[host];
  HerdHost *h = host_at (m, host);
  /* FenceVdsManualyCommand's legal statuses: not Up, not on its way to
   * maintenance (herd has no Installing, Kdumping or InstallFailed
   * host). */
  if (h->status == HERD_HOST_UP
      || h->status == HERD_HOST_PREPARING_FOR_MAINTENANCE
      || h->status == HERD_HOST_INITIALIZING)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "host %s is %s: a reboot is confirmed only for a host "
                   "that is not Up (NonResponsive, Connecting, Down, "
                   "NonOperational, Maintenance, Reboot)",
                   h->name, herd_host_status_name (h->status));
      return FALSE;
    }
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_VDS_MANUAL_FENCE_STATUS, h->name, "status=%s",
                   herd_host_status_name (h->status));
  /* Nothing of what monitoring was doing goes on: the host is off. */
  if (w->state != WATCH_OK)
    {
      cancel (m, &w->timer);
      cancel (m, &w->lease_timer);
      w->state = WATCH_REBOOTING;
      w->fenced = TRUE;
    }
  herd_spm_host_gone (m, h->id);
  vms_down_with (m, h->id, HERD_AUDIT_VM_SET_DOWN_MANUAL_FENCE);
  return TRUE;
}

static const char *const power_names[HERD_POWER_LAST] = {
  "stop", "start", "restart",
};

const char *
herd_power_action_name (HerdPowerAction action)
{
  return action < HERD_POWER_LAST ? power_names[action] : "?";
}

/* Refuses a user's power action: FALSE with error. */
static gboolean
refuse (GError **error, const HerdHost *h, HerdPowerAction action,
        const char *why)
{
  g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
               "cannot %s host %s: %s", power_names[action], h->name, why);
  return FALSE;
}

gboolean
herd_manager_host_power (HerdManager *m, HerdId host, HerdPowerAction action,
                         GError **error)
{
  static const HerdAuditType audits[HERD_POWER_LAST] = {
    HERD_AUDIT_USER_VDS_STOP, HERD_AUDIT_USER_VDS_START,
    HERD_AUDIT_USER_VDS_RESTART,
  };
  HostWatch *w = &m->watch[host];
  HerdHost *h = host_at (m, host);
  const HerdParams *p = &m->model->params;
  HerdTime now = herd_manager_now (m);
  g_return_val_if_fail (action < HERD_POWER_LAST, FALSE);
  /* FenceVdsBaseCommand's and its subclasses' checks, in their order. */
  if (!h->power_management)
    return refuse (error, h, action, "it has no power management");
  if (now < m->started_at + p->fence_quiet_after_start)
    {
      g_autofree char *why = g_strdup_printf (
          "no power management action in the first %" G_GINT64_FORMAT
          " s after the manager starts (DisableFenceAtStartup; %" G_GINT64_FORMAT
          " s left)",
          p->fence_quiet_after_start / HERD_SEC (1),
          (m->started_at + p->fence_quiet_after_start - now + HERD_SEC (1)
           - 1)
              / HERD_SEC (1));
      return refuse (error, h, action, why);
    }
  HerdTime last = w->user_power_at[action];
  if (last != HERD_TIME_NEVER && now < last + p->fence_quiet_between_ops)
    {
      g_autofree char *why = g_strdup_printf (
          "the last %s was %" G_GINT64_FORMAT " s ago; wait %" G_GINT64_FORMAT
          " s more (FenceQuietTimeBetweenOperations)",
          power_names[action], (now - last) / HERD_SEC (1),
          (last + p->fence_quiet_between_ops - now + HERD_SEC (1) - 1)
              / HERD_SEC (1));
      return refuse (error, h, action, why);
    }
  if (herd_monitor_fence_proxy (m, h) == HERD_ID_NONE)
    return refuse (error, h, action,
                   "no host can act as its fence proxy (an Up or "
                   "NonOperational host of its cluster or data center)");
  if (action == HERD_POWER_STOP && h->status != HERD_HOST_MAINTENANCE)
    {
      g_autofree char *why = g_strdup_printf (
          "it is %s: only a host in Maintenance is stopped",
          herd_host_status_name (h->status));
      return refuse (error, h, action, why);
    }
  if (action == HERD_POWER_START && h->status != HERD_HOST_DOWN
      && h->status != HERD_HOST_NON_RESPONSIVE
      && h->status != HERD_HOST_REBOOT
      && h->status != HERD_HOST_MAINTENANCE)
    {
      g_autofree char *why = g_strdup_printf (
          "it is %s: only a host that is Down, NonResponsive, rebooting or "
          "in Maintenance is started",
          herd_host_status_name (h->status));
      return refuse (error, h, action, why);
    }
  if (w->state == WATCH_FENCING)
    return refuse (error, h, action, "it is being fenced");
  w->user_power_at[action] = now;
  herd_audit_emit (m->audit, now, audits[action], h->name, "status=%s",
                   herd_host_status_name (h->status));
  /* What monitoring was doing stops: the user's action decides. */
  cancel (m, &w->timer);
  w->to_maintenance = h->status == HERD_HOST_MAINTENANCE;
  w->user_power = (int) action;
  w->state = WATCH_FENCING;
  w->proxy_tries = 0;
  w->agent = 0;
  if (action == HERD_POWER_START)
    {
      w->fenced = TRUE; /* off already, as far as anyone will know */
      w->step = FENCE_START;
      fence_send (m, h, HERD_FENCE_ON);
      return TRUE;
    }
  w->fenced = FALSE;
  w->step = FENCE_STOP;
  m->stats.fences++;
  fence_send (m, h, HERD_FENCE_OFF);
  return TRUE;
}

static void
fence_status_poll (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HostWatch *w = &m->watch[arg];
  w->timer = 0;
  fence_send (m, host_at (m, (HerdId) arg), HERD_FENCE_STATUS);
}

/* Polls the power status through the agent that just acted (the next
 * one after a failed answer). */
static void
start_polls (HerdManager *m, HerdHost *h, FenceStep step)
{
  HostWatch *w = &m->watch[h->id];
  w->step = step;
  w->polls = 0;
  set_timer (m, &w->timer,
             herd_manager_now (m) + m->model->params.fence_status_interval,
             fence_status_poll, h->id);
}

gboolean
herd_monitor_on_fence_done (HerdManager *m, HerdId host,
                            HerdFenceAction action, gboolean ok,
                            const char *output)
{
  HostWatch *w = &m->watch[host];
  HerdHost *h = host_at (m, host);
  if (w->state != WATCH_FENCING)
    return FALSE;
  if (w->outstanding > 0)
    w->outstanding--;
  w->answered_ok += ok;
  if (action != HERD_FENCE_STATUS)
    {
      g_free (w->agent_output);
      w->agent_output = g_strdup (output != NULL ? output : "");
    }
  if (w->outstanding > 0)
    return TRUE; /* agents acting together: wait for all */
  gboolean together = h->fence_concurrent && action != HERD_FENCE_STATUS;
  guint agents = MAX (h->fence_agents, 1);
  /* Together: stop must succeed on all, start (and status) on any. */
  gboolean success = together && action == HERD_FENCE_OFF
                         ? w->answered_ok == agents
                         : w->answered_ok > 0;
  HerdTime now = herd_manager_now (m);

  switch (w->step)
    {
    case FENCE_STOP:
    case FENCE_START:
      if (!success)
        {
          herd_audit_emit (m->audit, now, HERD_AUDIT_FENCE_OPERATION_FAILED,
                           h->name, "action=%s agent=%u output=\"%s\"",
                           action_names[action], w->agent,
                           w->agent_output);
          if (!together && w->agent + 1 < agents)
            {
              w->agent++;
              fence_send (m, h, action);
            }
          else
            fencing_failed (m, h, action == HERD_FENCE_OFF ? "stop_failed"
                                                           : "start_failed");
          return TRUE;
        }
      start_polls (m, h, w->step == FENCE_STOP ? FENCE_CONFIRM_OFF
                                               : FENCE_CONFIRM_ON);
      return TRUE;
    case FENCE_CONFIRM_OFF:
    case FENCE_CONFIRM_ON:
      {
        const char *want = w->step == FENCE_CONFIRM_OFF ? "off" : "on";
        if (success && g_strcmp0 (output, want) == 0)
          {
            if (w->step == FENCE_CONFIRM_OFF)
              fenced (m, h);
            else if (w->user_power == HERD_POWER_START && w->reachable)
              {
                /* It was on and answering (a Maintenance host): nothing
                 * to wait for. */
                w->user_power = -1;
                w->state = WATCH_OK;
                w->fenced = FALSE;
                w->to_maintenance = FALSE;
              }
            else
              {
                herd_audit_emit (m->audit, now, HERD_AUDIT_SYSTEM_VDS_RESTART,
                                 h->name, "%s", "");
                herd_manager_host_set_status (m, h, HERD_HOST_REBOOT);
                w->state = WATCH_REBOOTING;
                w->user_power = -1;
              }
            return TRUE;
          }
        if (!success)
          w->agent = (w->agent + 1) % agents;
        if (++w->polls < (guint32) m->model->params.fence_status_polls)
          set_timer (m, &w->timer,
                     now + m->model->params.fence_status_interval,
                     fence_status_poll, host);
        else
          fencing_failed (m, h, w->step == FENCE_CONFIRM_OFF
                                    ? "not_confirmed_off"
                                    : "not_confirmed_on");
        return TRUE;
      }
    }
  return TRUE;
}

gboolean
herd_monitor_on_reachable (HerdManager *m, HerdId host)
{
  HostWatch *w = &m->watch[host];
  HerdHost *h = host_at (m, host);
  w->reachable = TRUE;
  w->known = TRUE;
  switch (w->state)
    {
    case WATCH_OK:
      return FALSE;
    case WATCH_POLL:
      /* Back before a poll failed: still Up, but it may have rebooted in
       * between (its VMs gone, out of the lockspace). */
      cancel (m, &w->timer);
      w->state = WATCH_OK;
      herd_manager_reconcile_vms (m, host);
      herd_spm_host_up (m, host);
      return TRUE;
    case WATCH_FENCING:
      if (!w->fenced)
        return TRUE; /* the stop will take it down */
      /* Off was confirmed and it booted before on was (a fast boot, or
       * a manager restart dropped the status polls): it is back. */
      herd_audit_emit (m->audit, herd_manager_now (m),
                       HERD_AUDIT_SYSTEM_VDS_RESTART, h->name, "%s", "");
      break;
    case WATCH_SOFT_FENCING:
      m->stats.soft_fences_ok++;
      herd_audit_emit (m->audit, herd_manager_now (m),
                       HERD_AUDIT_VDS_SOFT_RECOVER, h->name, "%s", "");
      break;
    case WATCH_CONNECTING:
    case WATCH_NON_RESPONSIVE:
    case WATCH_REBOOTING:
      break;
    }
  cancel (m, &w->timer);
  cancel (m, &w->lease_timer);
  if (w->fenced || w->state == WATCH_REBOOTING)
    {
      /* A restarted host starts afresh; one a user restarted or started
       * from Maintenance stays there (oVirt's
       * ChangeHostToMaintenanceOnStart). */
      w->before = w->to_maintenance ? HERD_HOST_MAINTENANCE : HERD_HOST_UP;
      w->to_maintenance = FALSE;
    }
  w->state = WATCH_OK;
  w->fenced = FALSE;
  w->phase = herd_manager_now (m);
  herd_manager_reconcile_vms (m, host);
  return FALSE; /* the manager sets it Up and joins the lockspace */
}

void
herd_monitor_restore (HerdManager *m, HerdId host, HerdHostStatus status)
{
  m->watch[host].before = status;
  /* Down with no sanlock host id: it never answered (a host gets its id
   * when it first comes Up), so it is watched as an unknown host is
   * (Connecting, then NonResponsive).  One Down after it ran (fenced,
   * stopped by a user) is left alone. */
  m->watch[host].known = status != HERD_HOST_DOWN
                         || host_at (m, host)->sanlock_id != 0;
}

void
herd_monitor_forget (HerdManager *m, HerdId host)
{
  HostWatch *w = &m->watch[host];
  cancel (m, &w->timer);
  cancel (m, &w->lease_timer);
  g_free (w->agent_output);
  HostWatch fresh = { .user_power = -1 };
  memcpy (fresh.user_power_at, w->user_power_at, sizeof w->user_power_at);
  *w = fresh;
}

void
herd_monitor_restart (HerdManager *m)
{
  for (guint i = 0; i < m->model->hosts->len; i++)
    {
      HostWatch *w = &m->watch[i];
      cancel (m, &w->timer);
      cancel (m, &w->lease_timer);
      HerdHost *h = host_at (m, i);
      if (w->state != WATCH_OK && !w->fenced)
        {
          /* Found unreachable at start: detection begins again. */
          w->state = WATCH_OK;
          if (h->status == HERD_HOST_CONNECTING
              || h->status == HERD_HOST_NON_RESPONSIVE)
            h->status = herd_monitor_status_back (m, i);
          if (!w->reachable)
            herd_monitor_on_unreachable (m, i);
        }
    }
}
