/* hosts.c: the life of a simulated host: power (through its fence
 * agents), crashes and repairs, agent hangs, network partitions, soft
 * fencing, and its sanlock leases (see world.h).
 *
 * What the manager can reach: a host is reachable while it is up, its
 * agent answers and no partition cuts it off.  Every change of that is
 * reported at once (host_unreachable / host_reachable); the manager turns
 * it into polls and grace periods.
 *
 * sanlock is modelled analytically, without an event per renewal: a
 * joined host renews its host-id lease at joined + k x 2 io_timeout while
 * it runs; when it stops, its last renewal is the last such instant
 * before.  Liveness follows from the age of the last renewal: LIVE below
 * 8 io, FAIL below 8 io + 60 s, DEAD after.  The SPM lease and VM leases
 * are held by a host and free once its host-id lease is DEAD. */
#include "sim/world-private.h"

/* Restarting the agent over SSH takes this long. */
#define SOFT_FENCE_RESTART HERD_SEC (5)

gboolean
herd_world_host_reachable (HerdWorld *world, HerdId host)
{
  const HerdSimHost *h = herd_world_host_at (world, host);
  return h->up && !h->agent_hung && !h->partitioned;
}

/* Reports a change of reachability to the manager. */
static void
update_reachability (HerdWorld *w, HerdId host)
{
  HerdSimHost *h = herd_world_host_at (w, host);
  gboolean now = herd_world_host_reachable (w, host);
  if (now == h->was_reachable)
    return;
  h->was_reachable = now;
  if (now)
    host_reachable_event (w, host);
  else if (w->observer != NULL && w->observer->host_unreachable != NULL)
    w->observer->host_unreachable (w->observer_ctx, host);
}

static void forget_leases (HerdWorld *w, HerdId host);

/* The host stops: its lease stops renewing, migrations through it fail,
 * its VMs die (their leases stay with it until they expire). */
static void
host_stops (HerdWorld *world, HerdId host)
{
  HerdSimHost *h = herd_world_host_at (world, host);
  HerdTime now = world->engine->now;
  herd_world_host_integrate (h, now);
  h->up = FALSE;
  h->booting = FALSE;
  if (h->lease_id != 0 && h->lease_stopped == HERD_TIME_NEVER)
    h->lease_stopped = now;
  update_reachability (world, host);
  herd_world_migrations_host_crashed (world, host);
  for (guint i = 0; i < world->vms->len; i++)
    {
      HerdSimVm *v = herd_world_vm_at (world, i);
      if (v->host != host)
        continue;
      if (v->boot_event != 0)
        herd_engine_cancel (world->engine, v->boot_event);
      v->boot_event = 0;
      v->host = HERD_ID_NONE;
      v->last_host = host;
      v->state = HERD_VM_DOWN;
      herd_thin_vm_changed (world, i);
    }
  h->demand_mc = 0;
  h->mem_used_mib = 0;
  h->vm_count = 0;
}

void
herd_world_host_crash (HerdWorld *world, HerdId host)
{
  if (herd_world_host_at (world, host)->up)
    host_stops (world, host);
}

static void
booted (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdSimHost *h = herd_world_host_at (w, (HerdId) arg);
  if (!h->booting)
    return;
  herd_world_host_integrate (h, w->engine->now);
  h->booting = FALSE;
  herd_world_host_comes_up (h);
  h->agent_hung = FALSE; /* a fresh agent */
  h->lease_id = 0;       /* it joins the lockspace again when activated */
  h->lease_stopped = HERD_TIME_NEVER;
  /* What its previous life held is gone (long expired by now). */
  forget_leases (w, (HerdId) arg);
  update_reachability (w, (HerdId) arg);
}

static void
boot (HerdWorld *w, HerdId host)
{
  HerdSimHost *h = herd_world_host_at (w, host);
  if (h->up || h->booting)
    return;
  herd_world_host_integrate (h, w->engine->now);
  h->booting = TRUE;
  herd_engine_at (w->engine, w->engine->now + h->boot_time, booted, w, host);
}

void
herd_world_host_repair (HerdWorld *world, HerdId host)
{
  boot (world, host);
}

/* Whether an action of agent works: not when it is the first agent and
 * broken, else with probability 1 - fence_failure (stream
 * "fence.HOST"). */
static gboolean
agent_works (HerdWorld *w, HerdId host, guint agent)
{
  HerdSimHost *h = herd_world_host_at (w, host);
  if (agent == 0 && h->fence_broken)
    return FALSE;
  if (h->fence_failure <= 0)
    return TRUE;
  g_autofree char *stream = g_strdup_printf (
      "fence.%s", herd_model_host (w->scenario->model, host)->name);
  return gsl_rng_uniform (herd_rng_set_stream (w->engine->rng, stream))
         >= h->fence_failure;
}

/* A fence action ends: arg packs the host, the agent and "on". */
static void
fence_action_ends (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdId host = (HerdId) (arg >> 16);
  guint agent = (guint) ((arg >> 1) & 0x7fff);
  gboolean on = arg & 1;
  HerdSimHost *h = herd_world_host_at (w, host);
  gboolean ok = agent_works (w, host, agent);
  if (ok)
    {
      if (on)
        boot (w, host);
      else if (h->up || h->booting)
        host_stops (w, host);
    }
  if (w->observer != NULL && w->observer->power_done != NULL)
    w->observer->power_done (w->observer_ctx, host, on, ok);
}

gboolean
herd_world_host_power (HerdWorld *world, HerdId host, guint agent,
                       gboolean on, GError **error)
{
  HerdSimHost *h = herd_world_host_at (world, host);
  if (!h->has_fence_agent)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "host %u has no fence agent", host);
      return FALSE;
    }
  herd_engine_at (world->engine, world->engine->now + h->fence_latency,
                  fence_action_ends, world,
                  (guint64) host << 16 | (guint64) (agent & 0x7fff) << 1
                      | (on != 0));
  return TRUE;
}

gboolean
herd_world_host_powered (HerdWorld *world, HerdId host)
{
  const HerdSimHost *h = herd_world_host_at (world, host);
  return h->up || h->booting;
}

gboolean
herd_world_fence_status (HerdWorld *world, HerdId host, guint agent,
                         gboolean *on)
{
  const HerdSimHost *h = herd_world_host_at (world, host);
  *on = h->up || h->booting;
  return h->has_fence_agent && agent_works (world, host, agent);
}

void
herd_world_agent_hang (HerdWorld *world, HerdId host, gboolean hung)
{
  herd_world_host_at (world, host)->agent_hung = hung;
  update_reachability (world, host);
}

void
herd_world_partition (HerdWorld *world, HerdId host, gboolean cut)
{
  herd_world_host_at (world, host)->partitioned = cut;
  update_reachability (world, host);
}

void
herd_world_network (HerdWorld *world, HerdId host, guint bit, gboolean down)
{
  HerdSimHost *h = herd_world_host_at (world, host);
  if (down)
    h->networks_down |= G_GUINT64_CONSTANT (1) << bit;
  else
    h->networks_down &= ~(G_GUINT64_CONSTANT (1) << bit);
  if (h->up)
    herd_world_report_host (world, host);
}

void
herd_world_fence_broken (HerdWorld *world, HerdId host, gboolean broken)
{
  herd_world_host_at (world, host)->fence_broken = broken;
}

static void
agent_restarted (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdSimHost *h = herd_world_host_at (w, (HerdId) arg);
  if (h->up)
    h->agent_hung = FALSE;
  update_reachability (w, (HerdId) arg);
}

gboolean
herd_world_soft_fence (HerdWorld *world, HerdId host)
{
  const HerdSimHost *h = herd_world_host_at (world, host);
  if (!h->up || h->partitioned)
    return FALSE;
  herd_engine_at (world->engine, world->engine->now + SOFT_FENCE_RESTART,
                  agent_restarted, world, host);
  return TRUE;
}

/* sanlock ----------------------------------------------------------------- */

static gboolean master_reachable (HerdWorld *w, HerdId host);
static HerdSimLiveness host_liveness (HerdWorld *w, const HerdSimHost *h);
static void report_if_up (gpointer ctx, guint64 arg);
static void renewal_failed (gpointer ctx, guint64 arg);

/* host's lockspace membership ended (it rebooted, or sanlock failed it
 * after its renewals stopped): it joins again with a new generation,
 * which owns none of the resource leases the old one held. */
static void
forget_leases (HerdWorld *w, HerdId host)
{
  HerdSimHost *h = herd_world_host_at (w, host);
  if (w->spm_holder[h->datacenter] == host)
    {
      w->spm_holder[h->datacenter] = HERD_ID_NONE;
      w->spm_running[h->datacenter] = FALSE;
    }
  for (guint i = 0; i < w->vms->len; i++)
    {
      HerdSimVm *v = herd_world_vm_at (w, i);
      if (v->lease_host == host)
        v->lease_host = HERD_ID_NONE;
    }
}

void
herd_world_lease_join (HerdWorld *world, HerdId host, guint32 host_id,
                       HerdId domain)
{
  HerdSimHost *h = herd_world_host_at (world, host);
  HerdId dc = h->datacenter;
  if (world->lockspace_domain[dc] != domain)
    {
      /* A new lockspace (a new master): its leases volume is fresh. */
      world->lockspace_domain[dc] = domain;
      world->spm_holder[dc] = HERD_ID_NONE;
      world->spm_running[dc] = FALSE;
      for (guint i = 0; i < world->vms->len; i++)
        {
          HerdSimVm *v = herd_world_vm_at (world, i);
          if (v->lease_host != HERD_ID_NONE
              && herd_world_host_at (world, v->lease_host)->datacenter == dc
              && v->host == HERD_ID_NONE)
            v->lease_host = HERD_ID_NONE;
        }
    }
  /* Not running, or joined there already (sanlock answers EEXIST). */
  if (!h->up || (h->lease_id == host_id && h->lease_domain == domain))
    return;
  h->lease_id = host_id;
  h->lease_domain = domain;
  h->lease_joined = world->engine->now;
  h->lease_stopped = HERD_TIME_NEVER;
  /* A master it cannot reach: it never renews there, and what holds
   * leases on it is killed 8 io_timeout later (its leased VMs, whose
   * leases are in this lockspace now). */
  if (!master_reachable (world, host))
    {
      h->lease_stopped = world->engine->now;
      herd_engine_at (world->engine,
                      world->engine->now + 8 * world->scenario->io_timeout,
                      renewal_failed, world, host);
    }
  /* The host reports its lockspace joined with its next stats. */
  herd_engine_at (world->engine, world->engine->now, report_if_up, world,
                  host);
}

gboolean
herd_world_lease_live (HerdWorld *w, HerdId host)
{
  const HerdSimHost *h = herd_world_host_at (w, host);
  return h->up && host_liveness (w, h) == HERD_SIM_LEASE_LIVE
         && h->lease_stopped == HERD_TIME_NEVER;
}

static HerdSimLiveness
host_liveness (HerdWorld *w, const HerdSimHost *h)
{
  if (h->lease_id == 0)
    return HERD_SIM_LEASE_FREE;
  HerdTime io = w->scenario->io_timeout;
  HerdTime now = w->engine->now;
  HerdTime until = h->lease_stopped != HERD_TIME_NEVER ? h->lease_stopped
                                                       : now;
  HerdTime last = h->lease_joined
                  + (until - h->lease_joined) / (2 * io) * (2 * io);
  HerdTime age = now - last;
  if (age < 8 * io)
    return HERD_SIM_LEASE_LIVE;
  if (age < 8 * io + HERD_SEC (60))
    return HERD_SIM_LEASE_FAIL;
  return HERD_SIM_LEASE_DEAD;
}

/* The host of data center dc joined with host_id, or NULL. */
static const HerdSimHost *
lease_owner (HerdWorld *w, HerdId dc, guint32 host_id)
{
  for (guint i = 0; i < w->hosts->len && host_id != 0; i++)
    {
      const HerdSimHost *h = herd_world_host_at (w, i);
      if (h->datacenter == dc && h->lease_id == host_id)
        return h;
    }
  return NULL;
}

HerdSimLiveness
herd_world_lease_liveness (HerdWorld *world, HerdId dc, guint32 host_id)
{
  const HerdSimHost *h = lease_owner (world, dc, host_id);
  return h != NULL ? host_liveness (world, h) : HERD_SIM_LEASE_FREE;
}

/* A lease held by holder is still held while its host-id lease is not
 * DEAD. */
static gboolean
still_held (HerdWorld *w, HerdId holder)
{
  if (holder == HERD_ID_NONE)
    return FALSE;
  const HerdSimHost *h = herd_world_host_at (w, holder);
  HerdSimLiveness l = host_liveness (w, h);
  return l == HERD_SIM_LEASE_LIVE || l == HERD_SIM_LEASE_FAIL;
}

gboolean
herd_world_spm_acquire (HerdWorld *world, HerdId dc, HerdId host,
                        GError **error)
{
  HerdId holder = world->spm_holder[dc];
  if (!herd_world_lease_live (world, host))
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "%s holds no live host-id lease",
                   herd_model_host (world->scenario->model, host)->name);
      return FALSE;
    }
  if (holder != host && still_held (world, holder))
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "the SPM lease is held by host id %u",
                   herd_world_host_at (world, holder)->lease_id);
      return FALSE;
    }
  world->spm_holder[dc] = host;
  world->spm_running[dc] = TRUE;
  world->spm_version[dc]++;
  herd_thin_spm_may_serve (world, dc);
  return TRUE;
}

void
herd_world_spm_release (HerdWorld *world, HerdId dc, HerdId host)
{
  if (world->spm_holder[dc] == host && herd_world_lease_live (world, host))
    {
      world->spm_holder[dc] = HERD_ID_NONE;
      world->spm_running[dc] = FALSE;
    }
}

void
herd_world_spm_inquire (HerdWorld *world, HerdId dc, guint32 *holder,
                        guint64 *version)
{
  HerdId h = world->spm_holder[dc];
  *holder = world->spm_running[dc] && still_held (world, h)
                ? herd_world_host_at (world, h)->lease_id
                : 0;
  *version = world->spm_version[dc];
}

guint32
herd_world_vm_lease_holder (HerdWorld *world, HerdId vm, guint32 *recorded)
{
  HerdSimVm *v = herd_world_vm_at (world, vm);
  guint32 id = v->lease_host != HERD_ID_NONE
                   ? herd_world_host_at (world, v->lease_host)->lease_id
                   : 0;
  if (recorded != NULL)
    *recorded = id;
  return still_held (world, v->lease_host) ? id : 0;
}

gboolean
herd_world_vm_lease_check (HerdWorld *world, HerdId vm, HerdId host,
                           GError **error)
{
  const HerdModel *model = world->scenario->model;
  const HerdSimVm *v = herd_world_vm_at (world, vm);
  if (!herd_model_vm (model, vm)->lease)
    return TRUE;
  if (!herd_world_lease_live (world, host))
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "no lease for VM %s: %s holds no live host-id lease",
                   herd_model_vm (model, vm)->name,
                   herd_model_host (model, host)->name);
      return FALSE;
    }
  /* Held elsewhere: by another host than this one and than the VM's own
   * (a migration's source hands its lease over). */
  if (v->lease_host != HERD_ID_NONE && v->lease_host != host
      && v->lease_host != v->host && still_held (world, v->lease_host))
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "the lease of VM %s is held by %s",
                   herd_model_vm (model, vm)->name,
                   herd_model_host (model, v->lease_host)->name);
      return FALSE;
    }
  return TRUE;
}

/* Storage ----------------------------------------------------------------- */

static gboolean
outage_hits (HerdWorld *w, const StorageOutage *o, HerdId host)
{
  const HerdSimHost *h = herd_world_host_at (w, host);
  return (o->host == HERD_ID_NONE || o->host == host)
         && herd_model_domain (w->scenario->model, o->domain)->datacenter
                == h->datacenter;
}

gboolean
herd_world_domain_reachable (HerdWorld *w, HerdId host, HerdId domain)
{
  for (guint i = 0; i < w->outages->len; i++)
    {
      const StorageOutage *o = &g_array_index (w->outages, StorageOutage, i);
      if (o->domain == domain && outage_hits (w, o, host))
        return FALSE;
    }
  return TRUE;
}

/* Whether host can reach the master domain of its data center. */
static gboolean
master_reachable (HerdWorld *w, HerdId host)
{
  HerdId dc = herd_world_host_at (w, host)->datacenter;
  return herd_world_domain_reachable (
      w, host, herd_model_datacenter (w->scenario->model, dc)->master_domain);
}

guint64
herd_world_domains_trouble (HerdWorld *world, HerdId host)
{
  guint64 mask = 0;
  HerdTime now = world->engine->now;
  for (guint i = 0; i < world->outages->len; i++)
    {
      const StorageOutage *o
          = &g_array_index (world->outages, StorageOutage, i);
      if (o->domain < 64 && outage_hits (world, o, host)
          && now - o->since >= world->scenario->model->params
                                    .domain_check_timeout)
        mask |= G_GUINT64_CONSTANT (1) << o->domain;
    }
  return mask;
}

static void
report_if_up (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  if (herd_world_host_at (w, (HerdId) arg)->up)
    herd_world_report_host (w, (HerdId) arg);
}

/* Renewal failure: 8 x io after the last renewal, sanlock kills what
 * holds leases on the host (it stays up: the kill works). */
static void
renewal_failed (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdId host = (HerdId) arg;
  HerdSimHost *h = herd_world_host_at (w, host);
  /* Renewals stopped and the last one is 8 io_timeout old: not when they
   * resumed since, or stopped again later (this event is then stale). */
  if (!h->up || h->lease_stopped == HERD_TIME_NEVER
      || host_liveness (w, h) == HERD_SIM_LEASE_LIVE)
    return;
  /* The SPM process is killed; its lease stays on disk (the host cannot
   * write the release) until the host-id lease is DEAD. */
  if (w->spm_holder[h->datacenter] == host)
    w->spm_running[h->datacenter] = FALSE;
  for (guint i = 0; i < w->vms->len; i++)
    {
      HerdSimVm *v = herd_world_vm_at (w, i);
      if (v->host != host || v->lease_host != host)
        continue;
      /* Its QEMU is killed: the VM goes down on this host (its lease,
       * like the SPM's, stays on disk until the host-id lease dies). */
      herd_world_vm_gone (w, i, FALSE);
    }
}

static void
update_lease (HerdWorld *w, HerdId host)
{
  HerdSimHost *h = herd_world_host_at (w, host);
  if (!h->up || h->lease_id == 0)
    return;
  HerdTime now = w->engine->now;
  gboolean reach = master_reachable (w, host);
  if (!reach && h->lease_stopped == HERD_TIME_NEVER)
    {
      HerdTime io = w->scenario->io_timeout;
      h->lease_stopped = now;
      HerdTime last = h->lease_joined
                      + (now - h->lease_joined) / (2 * io) * (2 * io);
      herd_engine_at (w->engine, MAX (now, last + 8 * io), renewal_failed, w,
                      host);
    }
  else if (reach && h->lease_stopped != HERD_TIME_NEVER)
    {
      /* Renewals resume; once they had failed (8 io_timeout without one)
       * sanlock had dropped the lockspace: a new generation. */
      if (host_liveness (w, h) != HERD_SIM_LEASE_LIVE)
        forget_leases (w, host);
      h->lease_joined = now;
      h->lease_stopped = HERD_TIME_NEVER;
    }
}

/* How long a VM whose resume policy is kill may stay paused on an I/O
 * error: VDSM's vm_kill_paused_time, which oVirt 4.5 derives from
 * sanlock's io_timeout (8 x io_timeout, 80 s by default: when sanlock
 * would kill a leased VM). */
#define KILL_PAUSED_AFTER(w) (8 * (w)->scenario->io_timeout)

/* Whether vm has a disk on a domain host cannot reach now. */
gboolean
herd_world_disk_lost (HerdWorld *w, HerdId vm, HerdId host)
{
  const GPtrArray *disks = w->scenario->model->disks;
  if (w->outages->len == 0)
    return FALSE;
  const HerdVm *v = herd_model_vm (w->scenario->model, vm);
  for (guint k = 0; k < v->n_disks; k++)
    {
      const HerdDisk *d = g_ptr_array_index (disks, v->first_disk + k);
      for (guint i = 0; i < w->outages->len; i++)
        {
          const StorageOutage *o
              = &g_array_index (w->outages, StorageOutage, i);
          if (o->domain == d->domain && outage_hits (w, o, host))
            return TRUE;
        }
    }
  return FALSE;
}

/* QEMU of a VM paused too long is killed (resume policy kill); the time
 * counts from its last pause (a VM resumed and paused again since waits
 * for that pause's event). */
static void
kill_paused (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdSimVm *v = herd_world_vm_at (w, (HerdId) arg);
  if (v->state != HERD_VM_PAUSED
      || w->engine->now - v->eio_paused_at < KILL_PAUSED_AFTER (w))
    return;
  herd_world_vm_gone (w, (HerdId) arg, TRUE);
}

/* I/O errors on host: VMs with a disk out of reach pause; paused ones
 * whose disks are all back resume when their policy says so: auto_resume,
 * and kill (killed only once paused too long; VDSM resumes it like
 * auto_resume before). */
static void
update_io (HerdWorld *w, HerdId host)
{
  const HerdModel *model = w->scenario->model;
  for (guint i = 0; i < w->vms->len; i++)
    {
      HerdSimVm *v = herd_world_vm_at (w, i);
      if (v->host != host)
        continue;
      gboolean lost = herd_world_disk_lost (w, i, host);
      if (lost && (v->state == HERD_VM_UP || v->state == HERD_VM_POWERING_UP)
          && v->migration == NULL)
        {
          herd_world_pause_vm (w, i, HERD_PAUSE_EIO);
          v->eio_paused_at = w->engine->now;
          if (herd_model_vm (model, i)->resume_policy == HERD_RESUME_KILL)
            herd_engine_at (w->engine,
                            w->engine->now + KILL_PAUSED_AFTER (w),
                            kill_paused, w, i);
        }
      else if (!lost && v->state == HERD_VM_PAUSED
               && herd_model_vm (model, i)->resume_policy
                      != HERD_RESUME_LEAVE_PAUSED)
        herd_world_resume_vm (w, i);
    }
}

void
herd_world_storage (HerdWorld *world, HerdId domain, HerdId host,
                    gboolean down)
{
  HerdTime now = world->engine->now;
  if (down)
    {
      StorageOutage o = { domain, host, now };
      g_array_append_val (world->outages, o);
    }
  else
    for (guint i = 0; i < world->outages->len; i++)
      {
        StorageOutage *o = &g_array_index (world->outages, StorageOutage, i);
        if (o->domain == domain && o->host == host)
          {
            g_array_remove_index (world->outages, i);
            break;
          }
      }
  for (guint i = 0; i < world->hosts->len; i++)
    {
      StorageOutage probe = { domain, host, now };
      if (!outage_hits (world, &probe, i))
        continue;
      update_lease (world, i);
      if (herd_world_host_at (world, i)->up)
        update_io (world, i);
      if (down)
        herd_engine_at (world->engine,
                        now + world->scenario->model->params
                                  .domain_check_timeout,
                        report_if_up, world, i);
      else
        report_if_up (world, i);
    }
  /* Extension requests the SPM could not serve may go now. */
  if (!down)
    herd_thin_spm_may_serve (
        world, herd_model_domain (world->scenario->model, domain)->datacenter);
}
