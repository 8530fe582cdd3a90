/* spm.c: the storage pool manager of each data center and its lease
 * (behaviour.md §7).
 *
 * Hosts join their data center's lockspace (on its master storage domain)
 * when they come Up, with the lowest host id from 1 not given yet.  Every
 * SpmStatusInterval the manager checks each data center's SPM: an SPM that
 * is Up (or preparing for maintenance, or NonOperational) stays; one that
 * is Connecting or NonResponsive and not fenced keeps the role: no new SPM
 * until it is fenced (SPM_WAITS_FOR_FENCING, once); one fenced, Down or in
 * Maintenance gives it up.  Without an SPM a selection runs: among Up
 * hosts with SPM priority >= 0, highest priority first, random among
 * equals (the "spm" stream), skipping hosts that failed in this selection
 * (the failed list is cleared for each new one); the chosen host acquires
 * the SPM lease (SDM), which sanlock refuses while the previous holder's
 * host-id lease is not DEAD.  Time without a working SPM (no SPM, or
 * its host not answering) is summed for the summary. */
#include "core/manager-private.h"
#include "core/spm.h"

#include "core/manager-time.h"
#include "core/storage-space.h"

static void spm_check (gpointer ctx, guint64 arg);

void
herd_spm_init (HerdManager *m)
{
  guint dcs = MAX (m->model->datacenters->len, 1);
  m->spm_lost_since = g_new (HerdTime, dcs);
  m->spm_waiting_said = g_new0 (gboolean, dcs);
  m->spm_preferred = g_new (HerdId, dcs);
  m->next_sanlock_id = g_new (guint32, dcs);
  for (guint d = 0; d < dcs; d++)
    {
      m->next_sanlock_id[d] = 1;
      m->spm_preferred[d] = HERD_ID_NONE;
    }
}

void
herd_spm_clear (HerdManager *m)
{
  g_free (m->spm_lost_since);
  g_free (m->spm_waiting_said);
  g_free (m->spm_preferred);
  g_free (m->next_sanlock_id);
}

static HerdId
dc_of (HerdManager *m, HerdId host)
{
  return herd_model_cluster (m->model,
                             herd_model_host (m->model, host)->cluster)
      ->datacenter;
}

HerdId
herd_spm_master_domain (HerdManager *m, HerdId host)
{
  return herd_model_datacenter (m->model, dc_of (m, host))->master_domain;
}

void
herd_spm_start (HerdManager *m)
{
  HerdTime now = herd_manager_now (m);
  for (guint d = 0; d < m->model->datacenters->len; d++)
    m->spm_lost_since[d]
        = herd_model_datacenter (m->model, d)->spm_host == HERD_ID_NONE
              ? now
              : HERD_TIME_NEVER;
  herd_driver_timer_add (m->driver, now + m->model->params.spm_status_interval,
                         spm_check, m, 0);
}

void
herd_spm_finish (HerdManager *m)
{
  HerdTime now = herd_manager_now (m);
  for (guint d = 0; d < m->model->datacenters->len; d++)
    if (herd_model_datacenter (m->model, d)->master_domain != HERD_ID_NONE
        && m->spm_lost_since[d] != HERD_TIME_NEVER)
      {
        m->stats.spm_unavailable_time += now - m->spm_lost_since[d];
        m->spm_lost_since[d] = now;
      }
}

void
herd_spm_restore (HerdManager *m, HerdId host_id)
{
  HerdHost *h = herd_model_host (m->model, host_id);
  guint32 *next = &m->next_sanlock_id[dc_of (m, host_id)];
  *next = MAX (*next, h->sanlock_id + 1);
}

void
herd_spm_host_up (HerdManager *m, HerdId host_id)
{
  HerdHost *h = herd_model_host (m->model, host_id);
  HerdId domain = herd_spm_master_domain (m, host_id);
  if (domain == HERD_ID_NONE)
    return;
  /* The lowest id not given yet (a host keeps its id for good, as the
   * manager's id map does). */
  if (h->sanlock_id == 0)
    h->sanlock_id = m->next_sanlock_id[dc_of (m, host_id)]++;
  herd_driver_lease_add_lockspace (m->driver, host_id, domain, h->sanlock_id,
                                   NULL);
}

static void
lose (HerdManager *m, HerdDatacenter *dc)
{
  dc->spm_host = HERD_ID_NONE;
  if (m->spm_lost_since[dc->id] == HERD_TIME_NEVER)
    m->spm_lost_since[dc->id] = herd_manager_now (m);
  m->spm_waiting_said[dc->id] = FALSE;
}

/* The SPM is unavailable from the moment its host stops answering (until
 * it answers again or another host takes the role). */
void
herd_spm_host_status_changed (HerdManager *m, HerdId host)
{
  HerdDatacenter *dc = herd_model_datacenter (m->model, dc_of (m, host));
  if (dc->spm_host != host)
    return;
  HerdHostStatus s = herd_model_host (m->model, host)->status;
  HerdTime now = herd_manager_now (m);
  if (s == HERD_HOST_CONNECTING || s == HERD_HOST_NON_RESPONSIVE)
    {
      if (m->spm_lost_since[dc->id] == HERD_TIME_NEVER)
        m->spm_lost_since[dc->id] = now;
    }
  else if (s == HERD_HOST_UP && m->spm_lost_since[dc->id] != HERD_TIME_NEVER)
    {
      m->stats.spm_unavailable_time += now - m->spm_lost_since[dc->id];
      m->spm_lost_since[dc->id] = HERD_TIME_NEVER;
    }
}

void
herd_spm_host_gone (HerdManager *m, HerdId host)
{
  HerdDatacenter *dc = herd_model_datacenter (m->model, dc_of (m, host));
  if (dc->spm_host == host)
    lose (m, dc);
}

/* host acquires dc's SPM lease: the SPM then (TRUE), or marked in failed
 * (by host id). */
static gboolean
try_spm (HerdManager *m, HerdDatacenter *dc, HerdId chosen, guint8 *failed)
{
  HerdTime now = herd_manager_now (m);
  HerdHost *h = herd_model_host (m->model, chosen);
  g_autoptr (GError) error = NULL;
  if (herd_driver_lease_acquire (m->driver, chosen, dc->master_domain, "SDM",
                                 &error))
    {
      HerdLeaseState lease;
      herd_driver_lease_inquire (m->driver, dc->master_domain, "SDM", &lease,
                                 NULL);
      dc->spm_host = chosen;
      m->stats.spm_elections++;
      m->stats.spm_unavailable_time += now - m->spm_lost_since[dc->id];
      m->spm_lost_since[dc->id] = HERD_TIME_NEVER;
      herd_audit_emit (m->audit, now, HERD_AUDIT_IRS_HOSTED_ON_VDS, h->name,
                       "datacenter=%s lease_version=%" G_GUINT64_FORMAT,
                       dc->name, lease.version);
      return TRUE;
    }
  herd_audit_emit (m->audit, now, HERD_AUDIT_SPM_START_FAILED, h->name,
                   "datacenter=%s error=\"%s\"", dc->name, error->message);
  failed[chosen] = TRUE;
  return FALSE;
}

/* Chooses and starts an SPM for dc; FALSE when no host could take it. */
static gboolean
elect (HerdManager *m, HerdDatacenter *dc)
{
  /* by host id: O(hosts) a try even when every host fails */
  g_autofree guint8 *failed = g_new0 (guint8, m->model->hosts->len);
  /* The host an operator chose first, if it can still take the role. */
  HerdId preferred = m->spm_preferred[dc->id];
  m->spm_preferred[dc->id] = HERD_ID_NONE;
  if (preferred != HERD_ID_NONE
      && herd_model_host (m->model, preferred)->status == HERD_HOST_UP
      && try_spm (m, dc, preferred, failed))
    return TRUE;
  for (;;)
    {
      /* Up hosts of the DC, priority >= 0, not failed: the best priority
       * and how many share it. */
      gint32 best = -1;
      guint n_best = 0;
      for (guint i = 0; i < m->model->hosts->len; i++)
        {
          const HerdHost *h = herd_model_host (m->model, i);
          gboolean skip = h->status != HERD_HOST_UP || h->spm_priority < 0
                          || h->sanlock_id == 0 || dc_of (m, i) != dc->id
                          || failed[h->id];
          if (skip)
            continue;
          if (h->spm_priority > best)
            {
              best = h->spm_priority;
              n_best = 0;
            }
          n_best += h->spm_priority == best;
        }
      if (n_best == 0)
        return FALSE;
      guint pick = herd_driver_random_uniform (m->driver, "spm", n_best);
      HerdId chosen = HERD_ID_NONE;
      for (guint i = 0; i < m->model->hosts->len && chosen == HERD_ID_NONE;
           i++)
        {
          const HerdHost *h = herd_model_host (m->model, i);
          gboolean skip = h->status != HERD_HOST_UP
                          || h->spm_priority != best || h->sanlock_id == 0
                          || dc_of (m, i) != dc->id || failed[h->id];
          if (!skip && pick-- == 0)
            chosen = h->id;
        }
      if (try_spm (m, dc, chosen, failed))
        return TRUE;
    }
}

static void
check_dc (HerdManager *m, HerdDatacenter *dc)
{
  if (dc->master_domain == HERD_ID_NONE)
    {
      /* No master domain left (none active to move it to): no lockspace,
       * no SPM lease, so no SPM until a master is back. */
      if (dc->spm_host != HERD_ID_NONE)
        {
          herd_audit_emit (m->audit, herd_manager_now (m),
                           HERD_AUDIT_SPM_LEASE_LOST,
                           herd_model_host (m->model, dc->spm_host)->name,
                           "datacenter=%s reason=no_master_domain",
                           dc->name);
          lose (m, dc);
        }
      return;
    }
  if (dc->spm_host != HERD_ID_NONE)
    {
      HerdHost *h = herd_model_host (m->model, dc->spm_host);
      switch (h->status)
        {
        case HERD_HOST_UP:
        case HERD_HOST_PREPARING_FOR_MAINTENANCE:
          {
            /* Ask the SPM for its status: it must still hold the lease
             * (sanlock takes it away when the host loses the master
             * domain; a host that rebooted holds nothing). */
            HerdLeaseState lease;
            if (!herd_driver_lease_inquire (m->driver, dc->master_domain,
                                            "SDM", &lease, NULL)
                || lease.owner_host_id == h->sanlock_id)
              return;
            herd_audit_emit (m->audit, herd_manager_now (m),
                             HERD_AUDIT_SPM_LEASE_LOST, h->name,
                             "datacenter=%s", dc->name);
            lose (m, dc);
          }
          break;
        case HERD_HOST_CONNECTING:
          return;
        case HERD_HOST_NON_RESPONSIVE:
          if (!m->spm_waiting_said[dc->id])
            {
              m->spm_waiting_said[dc->id] = TRUE;
              herd_audit_emit (m->audit, herd_manager_now (m),
                               HERD_AUDIT_SPM_WAITS_FOR_FENCING, h->name,
                               "datacenter=%s", dc->name);
            }
          return;
        default:
          /* NonOperational (behaviour.md §7 keeps only an Up SPM; this one
           * may not even reach the storage), Maintenance, Down, Reboot:
           * the role is free. */
          herd_driver_lease_release (m->driver, h->id, dc->master_domain,
                                     "SDM", NULL);
          lose (m, dc);
          break;
        }
    }
  elect (m, dc);
}

gboolean
herd_manager_host_select_spm (HerdManager *m, HerdId host, GError **error)
{
  const HerdHost *h = herd_model_host (m->model, host);
  HerdDatacenter *dc = herd_model_datacenter (m->model, dc_of (m, host));
  const char *why = NULL;
  /* ForceSelectSPMCommand's checks, in its order */
  if (h->status != HERD_HOST_UP)
    why = "it is not Up";
  else if (dc->spm_host == host)
    why = "it is the SPM already";
  else if (h->spm_priority < 0)
    why = "its SPM priority is -1 (never SPM)";
  else if (dc->spm_host == HERD_ID_NONE || dc->master_domain == HERD_ID_NONE)
    why = "its data center has no SPM now (one is being elected)";
  else if (h->sanlock_id == 0)
    why = "it has not joined its data center's lockspace yet";
  if (why != NULL)
    {
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "cannot select %s as SPM of %s: %s", h->name, dc->name,
                   why);
      return FALSE;
    }
  /* The SPM stops (SpmStopOnIrs), and the next selection, now, starts
   * with the chosen host. */
  HerdHost *old = herd_model_host (m->model, dc->spm_host);
  herd_driver_lease_release (m->driver, old->id, dc->master_domain, "SDM",
                             NULL);
  lose (m, dc);
  herd_audit_emit (m->audit, herd_manager_now (m),
                   HERD_AUDIT_USER_FORCE_SELECTED_SPM, h->name,
                   "datacenter=%s previous=%s", dc->name, old->name);
  m->spm_preferred[dc->id] = host;
  elect (m, dc);
  return TRUE;
}

static void
spm_check (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  for (guint d = 0; d < m->model->datacenters->len; d++)
    {
      HerdDatacenter *dc = herd_model_datacenter (m->model, d);
      check_dc (m, dc);
      /* Domain statistics come from an SPM that answers. */
      if (dc->spm_host != HERD_ID_NONE)
        {
          HerdHostStatus s = herd_model_host (m->model, dc->spm_host)->status;
          if (s == HERD_HOST_UP || s == HERD_HOST_PREPARING_FOR_MAINTENANCE)
            herd_storage_check_space (m, d);
        }
    }
  herd_driver_timer_add (m->driver,
                         herd_manager_now (m)
                             + m->model->params.spm_status_interval,
                         spm_check, m, 0);
}
