/* check.c: invariants checked while a simulation runs (see check.h). */
#include "run/check.h"

#include "run/run.h"

#include <stdarg.h>

#define TRAIL 50

struct _HerdCheck
{
  HerdEngine *engine;
  HerdWorld *world;
  HerdManager *manager;
  HerdModel *model;
  HerdFailovers *failovers;
  guint64 seed;
  gboolean enforce;       /* checks on (else only the trail is kept) */
  char *trail[TRAIL];     /* last trace lines, a ring */
  guint next;
  char *violation;
  HerdTime *spm_unheld_since; /* per data center: the manager's SPM is Up
                                 without the SPM lease since, or NEVER */
  guint8 *startable;          /* per host: scratch of check_ha */
  gboolean *restarted;        /* per cluster: an HA restart was issued
                                 there since the last check */
  gboolean *placeable;        /* per VM: a waiting HA VM was placeable at
                                 the last check */
  gboolean *fenced_off;       /* per host: fenced off since it was last
                                 found failing */
  HerdTime *ghost_since;      /* per VM: believed running on an Up host
                                 while it runs nowhere, since, or NEVER */
};

static void world_violation (const char *what, gpointer data);

HerdCheck *
herd_check_new (HerdEngine *engine, HerdWorld *world, HerdManager *manager,
                HerdModel *model, HerdFailovers *failovers, guint64 seed,
                gboolean enforce)
{
  HerdCheck *c = g_new0 (HerdCheck, 1);
  c->failovers = failovers;
  c->engine = engine;
  c->world = world;
  c->manager = manager;
  c->model = model;
  c->seed = seed;
  c->enforce = enforce;
  c->spm_unheld_since = g_new (HerdTime, MAX (model->datacenters->len, 1));
  for (guint d = 0; d < model->datacenters->len; d++)
    c->spm_unheld_since[d] = HERD_TIME_NEVER;
  c->fenced_off = g_new0 (gboolean, MAX (model->hosts->len, 1));
  c->startable = g_new0 (guint8, MAX (model->hosts->len, 1));
  c->placeable = g_new0 (gboolean, MAX (model->vms->len, 1));
  c->restarted = g_new0 (gboolean, MAX (model->clusters->len, 1));
  c->ghost_since = g_new (HerdTime, MAX (model->vms->len, 1));
  for (guint v = 0; v < model->vms->len; v++)
    c->ghost_since[v] = HERD_TIME_NEVER;
  if (enforce)
    herd_world_set_violation_hook (world, world_violation, c);
  return c;
}

void
herd_check_free (HerdCheck *check)
{
  if (check == NULL)
    return;
  herd_world_set_violation_hook (check->world, NULL, NULL);
  for (guint i = 0; i < TRAIL; i++)
    g_free (check->trail[i]);
  g_free (check->violation);
  g_free (check->spm_unheld_since);
  g_free (check->ghost_since);
  g_free (check->fenced_off);
  g_free (check->startable);
  g_free (check->placeable);
  g_free (check->restarted);
  g_free (check);
}

const char *
herd_check_violation (HerdCheck *check)
{
  return check->violation;
}

/* Records the first violation with its context and stops the run. */
static void
violated (HerdCheck *c, const char *what)
{
  if (c->violation != NULL)
    return;
  char when[HERD_TIME_BUF];
  GString *r = g_string_new (NULL);
  g_string_append_printf (r, "invariant violated at %s s (seed %" G_GUINT64_FORMAT
                             "): %s\nlast trace lines:\n",
                          herd_time_format (c->engine->now, when), c->seed,
                          what);
  for (guint i = 0; i < TRAIL; i++)
    {
      const char *line = c->trail[(c->next + i) % TRAIL];
      if (line != NULL)
        g_string_append (r, line);
    }
  c->violation = g_string_free (r, FALSE);
  c->engine->stop = TRUE;
}

static void
world_violation (const char *what, gpointer data)
{
  violated (data, what);
}

static void
violatedf (HerdCheck *c, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
violatedf (HerdCheck *c, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *what = g_strdup_vprintf (format, ap);
  va_end (ap);
  violated (c, what);
}

static const char *
host_name (HerdCheck *c, HerdId host)
{
  return herd_model_host (c->model, host)->name;
}

/* One SPM per data center: the manager's SPM and the running lease
 * holder, when both exist, are one host; and the manager's SPM, while
 * Up (it acts as SPM), holds the lease: a lost lease must be noticed
 * within two SpmStatusInterval. */
static void
check_spm (HerdCheck *c)
{
  HerdTime now = c->engine->now;
  for (HerdId d = 0; d < c->model->datacenters->len; d++)
    {
      const HerdDatacenter *dc = herd_model_datacenter (c->model, d);
      if (dc->spm_host == HERD_ID_NONE)
        {
          c->spm_unheld_since[d] = HERD_TIME_NEVER;
          continue;
        }
      guint32 holder;
      guint64 version;
      herd_world_spm_inquire (c->world, d, &holder, &version);
      /* holder: the SPM that runs (0 when none does). */
      const HerdHost *spm = herd_model_host (c->model, dc->spm_host);
      if (holder != 0 && holder != spm->sanlock_id)
        violatedf (c,
                   "two SPMs in %s: the manager's %s (host id %u) and the "
                   "lease holder (host id %u)",
                   dc->name, spm->name, spm->sanlock_id, holder);
      if (holder != 0 || spm->status != HERD_HOST_UP)
        c->spm_unheld_since[d] = HERD_TIME_NEVER;
      else if (c->spm_unheld_since[d] == HERD_TIME_NEVER)
        c->spm_unheld_since[d] = now;
      else if (now - c->spm_unheld_since[d]
               > 2 * c->model->params.spm_status_interval)
        violatedf (c,
                   "%s acts as the SPM of %s without the SPM lease since "
                   "%" G_GINT64_FORMAT " s",
                   spm->name, dc->name,
                   c->spm_unheld_since[d] / HERD_SEC (1));
    }
}

/* A VM with a lease runs only where its host holds the lease, on a live
 * (or failing: sanlock is killing it) host-id lease. */
static void
check_vm_leases (HerdCheck *c)
{
  for (HerdId i = 0; i < c->model->vms->len; i++)
    {
      const HerdSimVm *v = herd_world_vm (c->world, i);
      if (v->host == HERD_ID_NONE || !herd_model_vm (c->model, i)->lease)
        continue;
      const char *name = herd_model_vm (c->model, i)->name;
      if (v->lease_host != v->host)
        {
          violatedf (c, "VM %s runs on %s while its lease is %s%s", name,
                     host_name (c, v->host),
                     v->lease_host == HERD_ID_NONE ? "free" : "held by ",
                     v->lease_host == HERD_ID_NONE
                         ? ""
                         : host_name (c, v->lease_host));
          return;
        }
      const HerdSimHost *h = herd_world_host (c->world, v->host);
      HerdSimLiveness l
          = herd_world_lease_liveness (c->world, h->datacenter, h->lease_id);
      if (l != HERD_SIM_LEASE_LIVE && l != HERD_SIM_LEASE_FAIL)
        {
          violatedf (c,
                     "VM %s runs with its lease on %s, whose host-id lease "
                     "is %s",
                     name, host_name (c, v->host),
                     l == HERD_SIM_LEASE_DEAD ? "dead" : "not joined");
          return;
        }
    }
}

/* The manager's view catches up: a VM it believes Up or Paused on a host
 * that answers (Up) runs somewhere; one that died is noticed within a
 * few minutes (checked each minute; a manager restart shows a failing
 * host Up for a moment). */
static void
check_vm_views (HerdCheck *c)
{
  HerdTime now = c->engine->now;
  for (HerdId i = 0; i < c->model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (c->model, i);
      gboolean ghost
          = (vm->status == HERD_VM_UP || vm->status == HERD_VM_PAUSED)
            && vm->host != HERD_ID_NONE
            && herd_model_host (c->model, vm->host)->status == HERD_HOST_UP
            && herd_world_vm (c->world, i)->host == HERD_ID_NONE;
      if (!ghost)
        c->ghost_since[i] = HERD_TIME_NEVER;
      else if (c->ghost_since[i] == HERD_TIME_NEVER)
        c->ghost_since[i] = now;
      else if (now - c->ghost_since[i] >= HERD_MIN (2))
        {
          violatedf (c,
                     "the manager believes VM %s %s on %s since %" G_GINT64_FORMAT
                     " s; it runs nowhere",
                     vm->name, herd_vm_status_name (vm->status),
                     host_name (c, vm->host),
                     c->ghost_since[i] / HERD_SEC (1));
          return;
        }
    }
}

static void
check_failover_closed (HerdCheck *c, const HerdAuditEvent *event)
{
  HerdId host = herd_model_find_host (c->model, event->object);
  if (host == HERD_ID_NONE)
    return;
  const HerdFailover *r = herd_failovers_open (c->failovers, host);
  HerdHostStatus s = herd_model_host (c->model, host)->status;
  if (r != NULL && r->detected != HERD_TIME_NEVER
      && (s == HERD_HOST_UP || s == HERD_HOST_MAINTENANCE
          || s == HERD_HOST_PREPARING_FOR_MAINTENANCE
          || s == HERD_HOST_NON_OPERATIONAL))
    violatedf (c,
               "the failover record of %s (%s at %" G_GINT64_FORMAT
               " s) is still open while it is %s",
               host_name (c, host), r->fault, r->fault_at / HERD_SEC (1),
               herd_host_status_name (s));
}

/* A VM of an unreachable host is set Down (then an HA VM restarts) only
 * when no QEMU of it may still run there: the host's power-off was
 * confirmed by fencing, or the VM's lease names the host and is free
 * (sanlock killed the VM or the watchdog reset the host).  (A host that
 * answers reports its VMs itself: VM_DOWN.) */
static void
check_set_down (HerdCheck *c, const HerdAuditEvent *event)
{
  g_autofree char *where = herd_audit_detail (event->details, "host");
  HerdId vm = herd_model_find_vm (c->model, event->object);
  HerdId host = where != NULL ? herd_model_find_host (c->model, where)
                              : HERD_ID_NONE;
  if (vm == HERD_ID_NONE || host == HERD_ID_NONE || c->fenced_off[host])
    return;
  const HerdHost *h = herd_model_host (c->model, host);
  if (h->status != HERD_HOST_CONNECTING
      && h->status != HERD_HOST_NON_RESPONSIVE)
    return;
  guint32 recorded = 0;
  guint32 holder = herd_world_vm_lease_holder (c->world, vm, &recorded);
  if (herd_model_vm (c->model, vm)->lease && holder == 0 && recorded != 0
      && recorded == herd_world_host (c->world, host)->lease_id)
    return;
  violatedf (c,
             "VM %s set Down while it may still run on %s (%s, not fenced, "
             "its lease not proven expired there)",
             event->object, h->name, herd_host_status_name (h->status));
}

/* Tracks which hosts were fenced off since they last answered. */
static void
track_fencing (HerdCheck *c, const HerdAuditEvent *event)
{
  HerdId host = herd_model_find_host (c->model, event->object);
  if (host == HERD_ID_NONE)
    return;
  g_autofree char *what
      = herd_audit_detail (event->details,
                event->type == HERD_AUDIT_VDS_DETECTED ? "status" : "action");
  if (event->type == HERD_AUDIT_FENCE_OPERATION_SUCCEEDED)
    c->fenced_off[host] |= g_strcmp0 (what, "off") == 0;
  else if (g_strcmp0 (what, "Connecting") == 0)
    c->fenced_off[host] = FALSE;
}

static void
check_ha (HerdCheck *c)
{
  const HerdParams *p = &c->model->params;
  HerdScheduler *s = herd_manager_scheduler (c->manager);
  HerdTime now = c->engine->now;
  herd_scheduler_set_now (s, now);
  for (HerdId v = 0; v < c->model->vms->len; v++)
    {
      HerdTime since;
      guint32 attempts;
      if (!herd_manager_ha_waiting (c->manager, v, &since, &attempts)
          || attempts >= (guint32) p->ha_restart_tries
          || now - since <= p->ha_priority_wait + p->ha_restart_interval)
        {
          c->placeable[v] = FALSE;
          continue;
        }
      /* Where the scheduler would place it and the host would start it
       * (its disks in reach, its lease to be had). */
      for (HerdId h = 0; h < c->model->hosts->len; h++)
        c->startable[h] = herd_world_vm_startable (c->world, h, v, NULL);
      HerdId host = herd_scheduler_place (s, v, HERD_ID_NONE, c->startable,
                                          NULL, NULL);
      /* Placeable at two checks in a row (a minute, two quick retries):
       * a host that just came back is not yet a missed restart; nor is
       * room that restarts of other VMs of the cluster (higher in the
       * queue) took in between. */
      gboolean before = c->placeable[v]
                        && !c->restarted[herd_model_vm (c->model, v)->cluster];
      c->placeable[v] = host != HERD_ID_NONE;
      if (host != HERD_ID_NONE && before)
        {
          g_autofree char *what = g_strdup_printf (
              "HA VM %s down for %" G_GINT64_FORMAT " s while %s could take "
              "it",
              herd_model_vm (c->model, v)->name, (now - since) / HERD_SEC (1),
              herd_model_host (c->model, host)->name);
          violated (c, what);
          return;
        }
    }
  memset (c->restarted, 0, c->model->clusters->len * sizeof *c->restarted);
}

static void
periodic (gpointer ctx, guint64 arg)
{
  HerdCheck *c = ctx;
  check_spm (c);
  check_vm_leases (c);
  check_vm_views (c);
  check_ha (c);
  herd_engine_at (c->engine, c->engine->now + HERD_MIN (1), periodic, c, 0);
}

void
herd_check_start (HerdCheck *check)
{
  if (check->enforce)
    herd_engine_at (check->engine, check->engine->now + HERD_MIN (1),
                    periodic, check, 0);
}

void
herd_check_audit_sink (const HerdAuditEvent *event, gpointer data)
{
  HerdCheck *c = data;
  char *line = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&line, &len);
  herd_run_trace_sink (event, f);
  fclose (f);
  g_free (c->trail[c->next]);
  c->trail[c->next] = line;
  c->next = (c->next + 1) % TRAIL;
  if (!c->enforce)
    return;
  if (event->type == HERD_AUDIT_IRS_HOSTED_ON_VDS)
    check_spm (c);
  else if (event->type == HERD_AUDIT_VM_SET_DOWN_HOST_FENCED)
    check_set_down (c, event);
  else if (event->type == HERD_AUDIT_FENCE_OPERATION_SUCCEEDED)
    track_fencing (c, event);
  else if (event->type == HERD_AUDIT_VM_MIGRATION_DONE)
    check_vm_leases (c);
  else if (event->type == HERD_AUDIT_VDS_INITIATED_RUN_VM)
    {
      HerdId vm = herd_model_find_vm (c->model, event->object);
      if (vm != HERD_ID_NONE)
        c->restarted[herd_model_vm (c->model, vm)->cluster] = TRUE;
    }
  else if (event->type == HERD_AUDIT_VDS_DETECTED)
    {
      track_fencing (c, event);
      check_failover_closed (c, event);
    }
}
