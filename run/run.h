/* run.h: one simulation run, from a loaded scenario to its summary.
 *
 * This is where the simulator meets the core: a run builds the engine, the
 * simulated world, the sim driver and a manager on the scenario's model,
 * then plays the scenario's users (VM arrivals, lifetimes, [action]s) by
 * calling the manager's public API, exactly as an operator would.  It
 * writes the event trace and the results database when asked and computes
 * the summary.
 *
 * A scenario serves one run: the run changes its model (statuses, where
 * VMs run).  Load it again for another run. */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "conf/scenario.h"
#include "core/audit.h"
#include "core/manager.h"
#include "sim/engine.h"

typedef enum
{
  HERD_SAMPLES_ALL,   /* host and VM samples */
  HERD_SAMPLES_HOSTS, /* host samples only */
  HERD_SAMPLES_NONE,
  HERD_SAMPLES_LAST
} HerdSamples;

typedef struct
{
  gboolean seed_set;     /* use seed instead of the scenario's */
  guint64 seed;
  HerdTime until;        /* HERD_TIME_NEVER: the scenario's duration */
  FILE *trace;           /* one line per audit event, or NULL */
  const char *db_path;   /* results database, or NULL */
  gboolean redo;         /* replace a run of the same identity in db_path
                            (else refused: results.h) */
  HerdSamples samples;   /* what goes into the database */
  HerdEngineProgressFunc progress;
  gpointer progress_data;
  HerdMigrationSinkFunc migration_sink; /* also sees every migration */
  gpointer migration_sink_data;
  gboolean record_decisions;  /* every placement decision into the db */
  gboolean check_invariants;  /* stop at the first violation (check.h) */
  HerdDecisionWantsFunc decision_wants; /* decisions for the caller */
  HerdDecisionSinkFunc decision_sink;
  gpointer decision_data;
} HerdRunOptions;

typedef struct
{
  guint64 seed;
  HerdTime sim_time;           /* simulated time reached */
  guint64 events;              /* engine events run */
  double wall_seconds;
  guint64 hosts, vms;
  guint64 placements;          /* starts placed on a host */
  guint64 placement_failures;  /* starts no host could take */
  guint64 vms_running;         /* at the end */
  double mean_host_cpu;        /* percent, time-weighted over up hosts */
  double max_host_cpu;         /* percent, highest at any workload step */
  double high_util_host_hours; /* host time over HighUtilization */
  double cpu_demand_core_hours;
  double unserved_core_hours;  /* demand above capacity, not served */
  double energy_kwh;
  /* Memory that moves (sim/memory.c). */
  double memory_over_host_hours; /* hosts over their physical memory */
  double memory_squeezed_gib_hours; /* guest memory balloons held back */
  double ksm_saved_gib_hours;       /* memory KSM merged away */
  guint64 migrations;          /* migrations that ended */
  guint64 migrations_done;
  guint64 migrations_aborted;  /* by the manager */
  guint64 migrations_failed;   /* reported by the backend */
  double migration_mean_s, migration_p95_s;       /* of those done */
  double downtime_mean_ms, downtime_p95_ms;       /* of those done */
  double migration_downtime_s;                     /* their sum */
  guint64 balancing_migrations;
  guint64 affinity_repairs;
  guint64 ha_checks, ha_checks_failed;
  double ha_unsafe_seconds;
  guint64 hosts_powered_off, hosts_powered_on;
  double powered_off_host_hours;
  guint64 hosts_non_responsive, soft_fences, soft_fences_ok;
  guint64 fences, fences_ok, fences_skipped, ha_restarts, spm_elections;
  double spm_unavailable_seconds;
  guint64 failovers, vms_recovered, vms_lost;
  double recovery_mean_s, recovery_max_s, vm_downtime_minutes;
  /* Thin provisioning: extensions done, their latency (request to the
   * host seeing the bigger LV), ENOSPC pauses, and the least free space
   * any data domain had. */
  guint64 volume_extensions, enospc_pauses;
  double extension_mean_s, extension_max_s, enospc_paused_minutes;
  double storage_min_free_gib;
  double storage_end_free_gib; /* the least free space of a data domain
                                  at the end */
  double storage_low_seconds, storage_critical_seconds; /* longest of any
                                   data domain below its levels */
  guint64 audit_counts[HERD_AUDIT_LAST];
  gint64 run_id;               /* in the results database, or -1 */
} HerdRunSummary;

#define HERD_RUN_ERROR (herd_run_error_quark ())
GQuark herd_run_error_quark (void);

typedef enum
{
  HERD_RUN_ERROR_INVARIANT, /* the message is the violation report */
  HERD_RUN_ERROR_LAST
} HerdRunError;

void herd_run_options_init (HerdRunOptions *options);

/* Runs scenario as options say; fills summary.  FALSE + error when the
 * results database cannot be written (nothing is committed then), or
 * (HERD_RUN_ERROR_INVARIANT) when an invariant is violated with
 * check_invariants on. */
gboolean herd_run_simulation (HerdScenario *scenario,
                              const HerdRunOptions *options,
                              HerdRunSummary *summary, GError **error);

/* Writes one trace line for event to the FILE in user_data:
 * "TIME CODE NAME OBJECT DETAILS" with TIME in seconds.milliseconds. */
void herd_run_trace_sink (const HerdAuditEvent *event, gpointer user_data);
