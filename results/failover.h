/* failover.h: recovery timelines of host failures, read off the audit
 * events of a run.
 *
 * Each host fault the scenario injects (host_crash, agent_hang,
 * partition, scheduled or random) opens a record for its host: when it
 * struck, when the manager saw the host stop answering (Connecting), soft
 * fencing, NonResponsive, fencing started and confirmed, the host Up
 * again, a new SPM in its data center, and each of its VMs set down and
 * back Up (for HA VMs: recovered).  A record closes when the host answers
 * again (Up, or back in Maintenance, PreparingForMaintenance or
 * NonOperational; host_up is then) (its VMs count when they come back,
 * even later); records still
 * open at the end keep what they have. */
#pragma once

#include "core/audit.h"
#include "core/model.h"


typedef struct
{
  HerdId host;
  const char *fault;    /* kind */
  HerdTime fault_at;
  HerdTime detected, soft_fence, soft_recovered, non_responsive;
  HerdTime fence_start, fence_confirmed, host_up, spm_elected;
  guint32 vms_down;     /* VMs set down with the host */
  guint32 vms_back;     /* of them, Up again */
  HerdTime recovery_max; /* fault to the last VM back, NEVER if none */
} HerdFailover;

typedef struct _HerdFailovers HerdFailovers;
typedef struct _HerdResults HerdResults;

HerdFailovers *herd_failovers_new (HerdModel *model);
void herd_failovers_free (HerdFailovers *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdFailovers, herd_failovers_free)

/* A fault of kind strikes host at at. */
void herd_failovers_fault (HerdFailovers *f, HerdId host, const char *kind,
                           HerdTime at);
/* The fault on host healed: a record the manager never noticed (a short
 * hang, a crash of a host in maintenance) closes, so that a later fault
 * opens its own. */
void herd_failovers_heal (HerdFailovers *f, HerdId host);
/* An audit sink (user_data = the HerdFailovers). */
void herd_failovers_audit_sink (const HerdAuditEvent *event,
                                gpointer user_data);

/* Figures for the summary, at time end. */
typedef struct
{
  guint64 failovers;
  guint64 vms_recovered;     /* VMs set down with a host, Up again */
  guint64 vms_lost;          /* ... not Up again by the end */
  double recovery_mean_s;    /* fault to VM Up, over recovered VMs */
  double recovery_max_s;
  double vm_downtime_minutes; /* fault to Up (or to the end), summed */
} HerdFailoverSummary;

void herd_failovers_summarise (HerdFailovers *f, HerdTime end,
                               HerdFailoverSummary *out);
/* The record host's failure keeps open, or NULL: detected or not. */
const HerdFailover *herd_failovers_open (HerdFailovers *f, HerdId host);
/* Writes the records (failovers, failover_vms) into results. */
void herd_failovers_write (HerdFailovers *f, HerdResults *results);
