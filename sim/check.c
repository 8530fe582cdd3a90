/* check.c: invariants checked while a simulation runs (see check.h). */
#include "sim/check.h"

#include "sim/run.h"

#define TRAIL 50

struct _HerdCheck
{
  HerdEngine *engine;
  HerdWorld *world;
  HerdManager *manager;
  HerdModel *model;
  guint64 seed;
  gboolean enforce;       /* checks on (else only the trail is kept) */
  char *trail[TRAIL];     /* last trace lines, a ring */
  guint next;
  char *violation;
};

static void world_violation (const char *what, gpointer data);

HerdCheck *
herd_check_new (HerdEngine *engine, HerdWorld *world, HerdManager *manager,
                HerdModel *model, guint64 seed, gboolean enforce)
{
  HerdCheck *c = g_new0 (HerdCheck, 1);
  c->engine = engine;
  c->world = world;
  c->manager = manager;
  c->model = model;
  c->seed = seed;
  c->enforce = enforce;
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
check_spm (HerdCheck *c)
{
  for (HerdId d = 0; d < c->model->datacenters->len; d++)
    {
      const HerdDatacenter *dc = herd_model_datacenter (c->model, d);
      if (dc->spm_host == HERD_ID_NONE)
        continue;
      guint32 holder;
      guint64 version;
      herd_world_spm_inquire (c->world, d, &holder, &version);
      /* holder: the SPM that runs (0 when none does). */
      guint32 mine = herd_model_host (c->model, dc->spm_host)->sanlock_id;
      if (holder != 0 && holder != mine)
        {
          g_autofree char *what = g_strdup_printf (
              "two SPMs in %s: the manager's %s (host id %u) and the lease "
              "holder (host id %u)",
              dc->name, herd_model_host (c->model, dc->spm_host)->name, mine,
              holder);
          violated (c, what);
        }
    }
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
        continue;
      HerdId host = herd_scheduler_place (s, v, HERD_ID_NONE, NULL, NULL,
                                          NULL);
      if (host != HERD_ID_NONE)
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
}

static void
periodic (gpointer ctx, guint64 arg)
{
  HerdCheck *c = ctx;
  check_spm (c);
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
  if (c->enforce && event->type == HERD_AUDIT_IRS_HOSTED_ON_VDS)
    check_spm (c);
}
