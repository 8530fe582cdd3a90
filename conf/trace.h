/* trace.h: recorded CPU workloads, for `cpu = trace:FORMAT:DIR` in a
 * [vms] group.
 *
 * Two public formats are read:
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
 *              avgcpu", timestamps in seconds), the average CPU used.
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
  HerdTime period; /* it repeats after this long */
} HerdTraceSeries;

typedef struct
{
  char *format;    /* "bitbrains" or "azure" */
  GPtrArray *series; /* HerdTraceSeries * */
} HerdTraceSet;

/* text is "trace:FORMAT:DIR" (DIR relative to base_dir). */
HerdTraceSet *herd_trace_load (const char *text, const char *base_dir,
                               GError **error);
void herd_trace_set_free (HerdTraceSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdTraceSet, herd_trace_set_free)
