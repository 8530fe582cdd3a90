/* plan.h: capacity planning with the manager's own scheduler (herd plan).
 *
 * A HerdPlan holds a model whose hosts are Up and whose VMs are placed
 * (committed on their hosts as the manager would commit them), plus what
 * the model does not have: each host's local disk (as Ganeti nodes have
 * it) or, for scenario clusters, the free space of the data center's
 * master storage domain.  It answers "how many more VMs of this size
 * fit": the cluster's real filters and weights choose each host, a host
 * whose disk is too small is skipped, and with N+K kept (K = failures, 1
 * by default) a placement stands only if the VMs of any K failed hosts
 * could still be restarted elsewhere as the HA logic restarts them (in
 * priority order, each placed by the scheduler).
 *
 * For a cluster of identical hosts with no VM yet and a policy that
 * spreads (none, evenly_distributed, vm_evenly_distributed), placing
 * identical VMs fills the hosts in turns (ties go to the lowest host id),
 * and N+K holds exactly while the VMs placed leave K hosts' worth of free
 * slots: the answer is then computed in closed form, the same as the
 * placement loop gives (tests/test-plan.c checks both). */
#pragma once

#include <glib.h>

#include "conf/scenario.h"
#include "core/model.h"

/* A VM size, as hspace writes it: disk, memory (MiB) and vCPUs. */
typedef struct
{
  gint64 disk_mib;
  gint64 mem_mib;
  guint32 vcpus;
} HerdPlanSpec;

/* Why a host cannot take one more VM of the spec. */
typedef enum
{
  HERD_PLAN_FAIL_MEM,
  HERD_PLAN_FAIL_CPU,
  HERD_PLAN_FAIL_DISK,
  HERD_PLAN_FAIL_N1,     /* it fits, but N+K would break */
  HERD_PLAN_FAIL_OTHER,  /* another filter (status, affinity, ...) */
  HERD_PLAN_FAIL_LAST
} HerdPlanFail;

typedef struct
{
  HerdPlanSpec spec;
  guint64 count;
} HerdPlanTier;

typedef struct
{
  GArray *tiers;              /* HerdPlanTier: one for a standard
                                 allocation, several for a tiered one */
  guint64 count;              /* VMs placed, all tiers */
  guint32 fail[HERD_PLAN_FAIL_LAST]; /* per reason, hosts that could not
                                        take the last VM tried */
  HerdPlanFail reason;        /* the most common of them */
} HerdPlanResult;

typedef struct _HerdPlan HerdPlan;

/* model is borrowed and changed (VMs are added and committed); its hosts
 * are Up (but those in maintenance) with the free memory they report
 * (mem_free_mib).  disk_mib: per host id, its free local disk, or NULL
 * for shared storage (the master domain of the cluster's data center,
 * pool_mib free). */
HerdPlan *herd_plan_new (HerdModel *model, const gint64 *disk_mib,
                         gint64 pool_mib);
void herd_plan_free (HerdPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdPlan, herd_plan_free)

/* Failed hosts to keep room for (0: none). */
void herd_plan_set_failures (HerdPlan *plan, guint failures);
/* Commits a VM of the model on host (an existing instance), with the
 * disk it uses there. */
void herd_plan_commit (HerdPlan *plan, HerdId vm, HerdId host,
                       gint64 disk_mib);
/* Places a VM of the model with the scheduler (no N+K check): FALSE if
 * no host takes it. */
gboolean herd_plan_place (HerdPlan *plan, HerdId vm, gint64 disk_mib);
/* Adds VMs of spec to cluster while they fit; tiered: then shrinks the
 * resource that failed most and goes on (disk and memory in 256 MiB
 * steps to what the hosts that failed on it have free, vCPUs by one)
 * until the reason is N+K or nothing fits.  Fills out (free with
 * herd_plan_result_clear). */
void herd_plan_allocate (HerdPlan *plan, HerdId cluster, HerdPlanSpec spec,
                         gboolean tiered, HerdPlanResult *out);
void herd_plan_result_clear (HerdPlanResult *result);
/* Whether the VMs of any `failures` failed hosts of cluster (every
 * cluster, each on its own: HERD_ID_NONE) could restart now. */
gboolean herd_plan_n1_ok (HerdPlan *plan, HerdId cluster);
/* Per storage domain id, what its volumes take before the plan adds any:
 * what it holds before any disk (internal volumes, templates) and each
 * disk's first allocation (g_free it). */
gint64 *herd_plan_domains_used (const HerdModel *model);
/* The disk a committed VM took. */
gint64 herd_plan_vm_disk (const HerdPlan *plan, HerdId vm);
/* Free local disk of a host (or the shared pool's). */
gint64 herd_plan_disk_free (const HerdPlan *plan, HerdId host);
/* Whether the plan's closed form answered the last allocation. */
gboolean herd_plan_used_closed_form (const HerdPlan *plan);
/* Tests: never use the closed form. */
void herd_plan_set_closed_form (HerdPlan *plan, gboolean allowed);

/* HA admission control: how many host failures the cluster tolerates now,
 * in three forms, and what the worst single failure loses. */
typedef struct
{
  guint any;              /* the K hosts with the most memory booked may
                             fail together and every VM restarts */
  guint slots;            /* VMware-style: slots of the largest VM's memory
                             and vCPUs left by all but the K largest hosts
                             hold every VM */
  gint64 slot_mem_mib;
  guint32 slot_vcpus;
  gint64 total_slots;
  guint percent;          /* the free share of memory covers the K
                             largest hosts' */
  double free_percent;    /* free share of the cluster's memory */
  HerdId worst_host;      /* the single failure that loses most VMs, or
                             NONE (no VM) */
  GArray *lost;           /* HerdId: the VMs it leaves without a host */
} HerdPlanHa;

void herd_plan_ha (HerdPlan *plan, HerdId cluster, HerdPlanHa *out);
void herd_plan_ha_clear (HerdPlanHa *ha);

/* When a growing load runs out (herd plan): day by day, each [growth]
 * group's VMs are placed by the scheduler (their disks on the master
 * domain of their cluster's data center) and its storage growth added,
 * and the thin disks of the VMs placed grow by their group's mean write
 * rate x new_writes (at most to their virtual size); the first day a VM
 * finds no host (or no room for its disk), the first day N+K breaks, and
 * per data domain the first day it is under its warning and critical
 * levels and full.  Day d runs from d - 1 to d days; -1: not within the
 * days run. */
typedef struct
{
  HerdId domain;
  gint warning_day, critical_day, full_day;
  /* The same instants in hours from the start (< 0: not reached), found
   * within their day by interpolation of the thin disks' growth. */
  double warning_hours, critical_hours, full_hours;
} HerdPlanDomainDays;

typedef struct
{
  guint days;                 /* days simulated */
  gint first_fail_day;
  const char *first_fail_group; /* the [growth] group whose VM failed */
  HerdPlanFail first_fail_reason;
  gint n1_break_day;
  guint64 vms_added;
  gboolean growing;           /* something grows: [growth] groups or thin
                                 disks that are written to */
  GArray *domains;            /* HerdPlanDomainDays, data domains */
} HerdPlanGrowth;

void herd_plan_grow (HerdPlan *plan, const HerdScenario *scenario,
                     guint max_days, HerdPlanGrowth *out);
void herd_plan_growth_clear (HerdPlanGrowth *growth);

const char *herd_plan_fail_name (HerdPlanFail reason);

/* What vm's guest holds at the start and at most (MiB, its memory_used
 * and that model's peak: docs/plan.md "Memory at peak"); before it is
 * committed.  Unset: its defined memory, both. */
void herd_plan_set_vm_memory (HerdPlan *plan, HerdId vm, gint64 held_mib,
                              gint64 peak_mib);

/* The cluster's hosts with every VM at its peak memory use at once:
 * its own memory, the guests' peaks and their overhead, less what KSM
 * merges where MoM would run it; over its physical memory, a host either
 * swaps or, with ballooning and every guest held to its guaranteed
 * memory fitting, has its guests squeezed by the balloons. */
typedef struct
{
  guint32 hosts;
  HerdId worst;               /* the fullest host at peak */
  double worst_percent;       /* its peak, percent of its memory */
  guint32 over;               /* hosts over their memory at peak */
  guint32 swapping;           /* of those, not relieved by ballooning */
  gint64 balloon_mib;         /* guest memory balloons hold back at peak */
  gint64 ksm_mib;             /* memory KSM merges at peak */
} HerdPlanMemory;
void herd_plan_memory_peak (HerdPlan *plan, HerdId cluster,
                            HerdPlanMemory *out);
