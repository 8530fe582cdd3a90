/* workload.h: what a scenario's workload models (conf/workload-spec.h)
 * do over time: CPU utilisation, walks stepped with their own random
 * stream, write rates, time distributions sampled, recorded CPU series
 * (conf/trace.h) played. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "conf/trace.h"
#include "conf/workload-spec.h"
#include "core/herd-time.h"

/* Utilisation in percent at time t for the time-only models (constant,
 * diurnal).  Walks keep per-VM state: see herd_workload_walk_step. */
double herd_workload_value (const HerdWorkloadSpec *spec, HerdTime t);
/* Advances a walk from value by dt using rng; returns the new value. */
double herd_workload_walk_step (const HerdWorkloadSpec *spec, double value,
                                HerdTime dt, gsl_rng *rng);

/* Bytes/s at time t. */
double herd_rate_model_value (const HerdRateModel *model, HerdTime t);

HerdTime herd_distribution_sample (const HerdDistribution *dist,
                                   gsl_rng *rng);

/* The series' value at time t; *cursor (start at 0) remembers where the
 * last lookup was, so stepping forward costs O(1) amortised. */
double herd_trace_value (const HerdTraceSeries *series, HerdTime t,
                         guint *cursor);
