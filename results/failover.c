/* failover.c: recovery timelines from audit events (see failover.h). */
#include "results/failover.h"

#include "results/results.h"

#include <string.h>

typedef struct
{
  HerdId vm;
  guint32 failover;  /* index of its record */
  HerdTime down, up; /* up: NEVER while down */
} VmRecovery;

struct _HerdFailovers
{
  HerdModel *model;
  GArray *records;   /* HerdFailover */
  gint32 *open;      /* per host id: index of its open record, or -1 */
  GArray *vms;       /* VmRecovery */
};

HerdFailovers *
herd_failovers_new (HerdModel *model)
{
  HerdFailovers *f = g_new0 (HerdFailovers, 1);
  f->model = model;
  f->records = g_array_new (FALSE, FALSE, sizeof (HerdFailover));
  f->open = g_new (gint32, MAX (model->hosts->len, 1));
  for (guint i = 0; i < model->hosts->len; i++)
    f->open[i] = -1;
  f->vms = g_array_new (FALSE, FALSE, sizeof (VmRecovery));
  return f;
}

void
herd_failovers_free (HerdFailovers *f)
{
  if (f == NULL)
    return;
  g_array_unref (f->records);
  g_array_unref (f->vms);
  g_free (f->open);
  g_free (f);
}

void
herd_failovers_fault (HerdFailovers *f, HerdId host, const char *kind,
                      HerdTime at)
{
  if (f->open[host] >= 0)
    return; /* already failing: the first fault explains it */
  HerdFailover r = { .host = host, .fault = kind, .fault_at = at };
  r.detected = r.soft_fence = r.soft_recovered = r.non_responsive
      = r.fence_start = r.fence_confirmed = r.host_up = r.spm_elected
      = r.recovery_max = HERD_TIME_NEVER;
  f->open[host] = (gint32) f->records->len;
  g_array_append_val (f->records, r);
}

void
herd_failovers_heal (HerdFailovers *f, HerdId host)
{
  if (f->open[host] >= 0
      && g_array_index (f->records, HerdFailover, f->open[host]).detected
             == HERD_TIME_NEVER)
    f->open[host] = -1;
}

static HerdFailover *
open_record (HerdFailovers *f, HerdId host)
{
  if (host == HERD_ID_NONE || f->open[host] < 0)
    return NULL;
  return &g_array_index (f->records, HerdFailover, f->open[host]);
}

const HerdFailover *
herd_failovers_open (HerdFailovers *f, HerdId host)
{
  return open_record (f, host);
}

static void
set_once (HerdTime *field, HerdTime t)
{
  if (*field == HERD_TIME_NEVER)
    *field = t;
}

/* Closes the host's record once it answers again (its VMs still count
 * when they come back later). */
static void
maybe_close (HerdFailovers *f, HerdId host)
{
  HerdFailover *r = open_record (f, host);
  if (r != NULL && r->host_up != HERD_TIME_NEVER)
    f->open[host] = -1;
}

void
herd_failovers_audit_sink (const HerdAuditEvent *e, gpointer user_data)
{
  HerdFailovers *f = user_data;
  HerdId host = herd_model_find_host (f->model, e->object);
  HerdFailover *r = open_record (f, host);
  switch (e->type)
    {
    case HERD_AUDIT_VDS_HOST_NOT_RESPONDING_CONNECTING:
      if (r != NULL)
        set_once (&r->detected, e->time);
      break;
    case HERD_AUDIT_SYSTEM_SSH_HOST_RESTART:
      if (r != NULL)
        set_once (&r->soft_fence, e->time);
      break;
    case HERD_AUDIT_VDS_SOFT_RECOVER:
      if (r != NULL)
        set_once (&r->soft_recovered, e->time);
      break;
    case HERD_AUDIT_VDS_FAILURE:
      if (r != NULL)
        set_once (&r->non_responsive, e->time);
      break;
    case HERD_AUDIT_FENCE_OPERATION_STARTED:
    case HERD_AUDIT_FENCE_OPERATION_SUCCEEDED:
      if (r != NULL)
        {
          g_autofree char *action = herd_audit_detail (e->details, "action");
          if (g_strcmp0 (action, "off") == 0)
            set_once (e->type == HERD_AUDIT_FENCE_OPERATION_STARTED
                          ? &r->fence_start
                          : &r->fence_confirmed,
                      e->time);
        }
      break;
    case HERD_AUDIT_VDS_DETECTED:
      {
        /* Answering again: Up, or back in the status it failed in. */
        g_autofree char *status = herd_audit_detail (e->details, "status");
        static const char *const answering[] = {
          "Up", "Maintenance", "PreparingForMaintenance", "NonOperational",
          NULL,
        };
        if (r != NULL && status != NULL
            && g_strv_contains (answering, status)
            && r->detected != HERD_TIME_NEVER)
          {
            set_once (&r->host_up, e->time);
            maybe_close (f, host);
          }
      }
      break;
    case HERD_AUDIT_IRS_HOSTED_ON_VDS:
      {
        /* A new SPM: every open failure of the data center sees it. */
        HerdId dc = herd_model_cluster (
                        f->model, herd_model_host (f->model, host)->cluster)
                        ->datacenter;
        for (guint i = 0; i < f->model->hosts->len; i++)
          {
            HerdFailover *o = open_record (f, i);
            if (o != NULL
                && herd_model_cluster (
                       f->model, herd_model_host (f->model, i)->cluster)
                           ->datacenter
                       == dc)
              set_once (&o->spm_elected, e->time);
          }
      }
      break;
    case HERD_AUDIT_VM_SET_DOWN_HOST_FENCED:
    case HERD_AUDIT_VM_DOWN:
      {
        g_autofree char *where = herd_audit_detail (e->details, "host");
        HerdId h = where != NULL ? herd_model_find_host (f->model, where)
                                 : HERD_ID_NONE;
        HerdFailover *o = open_record (f, h);
        if (o == NULL)
          break;
        VmRecovery v = { herd_model_find_vm (f->model, e->object),
                         (guint32) f->open[h], e->time, HERD_TIME_NEVER };
        g_array_append_val (f->vms, v);
        o->vms_down++;
      }
      break;
    case HERD_AUDIT_USER_RUN_VM:
      {
        HerdId vm = herd_model_find_vm (f->model, e->object);
        for (guint i = 0; i < f->vms->len; i++)
          {
            VmRecovery *v = &g_array_index (f->vms, VmRecovery, i);
            if (v->vm != vm || v->up != HERD_TIME_NEVER)
              continue;
            v->up = e->time;
            HerdFailover *o = &g_array_index (f->records, HerdFailover,
                                              v->failover);
            o->vms_back++;
            HerdTime took = e->time - o->fault_at;
            o->recovery_max = o->recovery_max == HERD_TIME_NEVER
                                  ? took
                                  : MAX (o->recovery_max, took);
          }
      }
      break;
    default:
      break;
    }
}

void
herd_failovers_summarise (HerdFailovers *f, HerdTime end,
                          HerdFailoverSummary *out)
{
  memset (out, 0, sizeof *out);
  out->failovers = f->records->len;
  double sum = 0, max = 0, down = 0;
  for (guint i = 0; i < f->vms->len; i++)
    {
      const VmRecovery *v = &g_array_index (f->vms, VmRecovery, i);
      const HerdFailover *o = &g_array_index (f->records, HerdFailover,
                                              v->failover);
      if (v->up != HERD_TIME_NEVER)
        {
          double s = herd_time_to_seconds (v->up - o->fault_at);
          out->vms_recovered++;
          sum += s;
          max = MAX (max, s);
          down += s;
        }
      else
        {
          out->vms_lost++;
          down += herd_time_to_seconds (end - o->fault_at);
        }
    }
  out->recovery_mean_s = out->vms_recovered > 0 ? sum / out->vms_recovered
                                                : 0;
  out->recovery_max_s = max;
  out->vm_downtime_minutes = down / 60.0;
}

void
herd_failovers_write (HerdFailovers *f, HerdResults *results)
{
  for (guint i = 0; i < f->records->len; i++)
    herd_results_add_failover (
        results, &g_array_index (f->records, HerdFailover, i),
        herd_model_host (f->model,
                         g_array_index (f->records, HerdFailover, i).host)
            ->name);
  for (guint i = 0; i < f->vms->len; i++)
    {
      const VmRecovery *v = &g_array_index (f->vms, VmRecovery, i);
      const HerdFailover *o = &g_array_index (f->records, HerdFailover,
                                              v->failover);
      herd_results_add_failover_vm (results,
                                    herd_model_host (f->model, o->host)->name,
                                    herd_model_vm (f->model, v->vm)->name,
                                    v->down, v->up);
    }
}
