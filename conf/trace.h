/* trace.h: recorded CPU workloads, for `cpu = trace:FORMAT:PATH` in a
 * [vms] group.
 *
 * Three formats are read:
 *   bitbrains  the Bitbrains GWA-T-12 per-VM files: the .csv files of
 *              DIR, one per VM
 *              (in name order), rows "timestamp; CPU cores; CPU capacity
 *              provisioned [MHZ]; CPU usage [MHZ]; CPU usage [%]; memory
 *              capacity [KB]; memory usage [KB]; disk read [KB/s]; disk
 *              write [KB/s]; network received [KB/s]; network
 *              transmitted [KB/s]", semicolons between fields (tabs and
 *              spaces around them allowed), timestamps in seconds, a
 *              header line allowed;
 *   azure      the Azure public VM dataset 2019: DIR/vmtable.csv ("vmid,
 *              subscriptionid, deploymentid, vmcreated, vmdeleted, maxcpu,
 *              avgcpu, p95maxcpu, vmcategory, vmcorecountbucket,
 *              vmmemorybucket"; its order is the VMs' order) and
 *              DIR/vm_cpu_readings-*.csv ("timestamp,vmid,mincpu,maxcpu,
 *              avgcpu", timestamps in seconds), the average CPU used;
 *   samples    one CSV file (PATH) with a header line naming its columns,
 *              one row per VM and time, in time order per VM: a time
 *              ("time", seconds since 1970, or "history_datetime", a date
 *              and time such as "2024-05-01 10:01:00+00", UTC when no zone
 *              is given), a VM ("vm", "vm_name" or "vm_id": each VM one
 *              series, in order of first appearance) and
 *              "cpu_usage_percent" (or, for memory, "memory_usage_percent";
 *              empty: not measured, skipped); other
 *              columns are ignored.  herd run's recorded history as
 *              `herd import` writes it, and oVirt data warehouse's
 *              v4_vm_samples_history and v4_vm_hourly_history exported as
 *              CSV, are such files.
 * A malformed row fails the load with its file and line.  Each series
 * starts at time 0 of the run (its first timestamp) and repeats when the
 * run is longer; a VM of the group plays series (its index in the group)
 * modulo the number of series. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"

typedef struct
{
  HerdTime at;     /* from the series' start */
  double percent;  /* CPU busy, 0..100 */
} HerdTracePoint;

typedef struct
{
  char *name;      /* the file or VM id it came from */
  GArray *points;  /* HerdTracePoint, time order */
  double start;    /* its first reading's timestamp, seconds (the
                      points' times are from there) */
  HerdTime period; /* it repeats after this long */
} HerdTraceSeries;

typedef struct
{
  char *format;    /* "bitbrains", "azure" or "samples" */
  GPtrArray *series; /* HerdTraceSeries * */
} HerdTraceSet;

/* text is "trace:FORMAT:PATH" (PATH relative to base_dir). */
HerdTraceSet *herd_trace_load (const char *text, const char *base_dir,
                               GError **error);
/* Memory used in percent of the VM's memory, for `memory_used =
 * trace:samples:FILE`: the samples format's memory_usage_percent column
 * (as oVirt's data warehouse names it). */
HerdTraceSet *herd_trace_load_memory (const char *text, const char *base_dir,
                                      GError **error);
void herd_trace_set_free (HerdTraceSet *set);

/* A time as the samples format writes it: seconds since 1970, or an ISO
 * 8601 date and time (a space for the T, a +HH zone, as PostgreSQL's CSV
 * has them; UTC when no zone), into seconds since 1970. */
gboolean herd_trace_parse_time (const char *text, double *seconds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdTraceSet, herd_trace_set_free)
