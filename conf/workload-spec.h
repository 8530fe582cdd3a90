/* workload-spec.h: the workload vocabulary of a scenario: per-VM CPU
 * demand models, write-rate models and time distributions, as written and
 * parsed (their values over time are sim/workload.h).
 *
 * A workload model says how busy a VM's vCPUs are over time, in percent of
 * its vCPUs:
 *   constant(X)                      always X
 *   diurnal(mean=X, peak=Y[, peak_at=T])
 *                                    X + (Y - X) cos(2 pi (t - T) / 1 day),
 *                                    clamped to [0, 100]; T defaults to 14h
 *   walk(mean=X, low=Y, high=Z[, step=S])
 *                                    a bounded random walk that starts at X
 *                                    and moves by a uniform step in [-S, S]
 *                                    per minute of simulated time (scaled by
 *                                    the square root of the interval),
 *                                    reflected at Y and Z; S defaults to 5%
 * A write-rate model says how fast a VM's guest writes to each of its
 * disks, in bytes per second (rates as core/units.h reads them, "4MiB/s"):
 *   RATE or constant(RATE)           always RATE
 *   diurnal(mean=R, peak=P[, peak_at=T])
 *                                    R + (P - R) cos(2 pi (t - T) / 1 day),
 *                                    never below 0; T defaults to 14h
 *   bursts(base=R, peak=P, every=D, length=L[, start=S])
 *                                    P for L at S, S + D, S + 2D, ...
 *                                    (S defaults to 0), R otherwise
 *   trace:FILE                       piecewise constant from a file of
 *                                    "TIME,RATE" lines ("2h,8MiB/s"),
 *                                    times increasing from 0, the last
 *                                    rate held; '#' starts a comment;
 *                                    FILE is relative to the scenario
 * A distribution of times (VM arrival, lifetime) is one of:
 *   DURATION                         fixed ("0", "2h")
 *   uniform(min=A, max=B)            uniform in [A, B)
 *   exponential(mean=M)              exponential with mean M
 *   weibull(shape=K, scale=L)        Weibull with shape K (a number) and
 *                                    scale L (a duration)
 * Parsers reject anything else with a message naming the accepted forms. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"

typedef enum
{
  HERD_WORKLOAD_CONSTANT,
  HERD_WORKLOAD_DIURNAL,
  HERD_WORKLOAD_WALK,
  HERD_WORKLOAD_TRACE,   /* per VM from recorded series (conf/trace.h) */
  HERD_WORKLOAD_KIND_LAST
} HerdWorkloadKind;

typedef struct
{
  HerdWorkloadKind kind;
  double mean;      /* percent; constant's value */
  double peak;      /* diurnal */
  HerdTime peak_at; /* diurnal: time of day of the peak */
  double low, high; /* walk bounds, percent */
  double step;      /* walk: percent per minute */
} HerdWorkloadSpec;

typedef enum
{
  HERD_RATE_CONSTANT,
  HERD_RATE_DIURNAL,
  HERD_RATE_BURSTS,
  HERD_RATE_TRACE,
  HERD_RATE_KIND_LAST
} HerdRateKind;

typedef struct
{
  HerdTime at;
  double rate; /* bytes/s from at */
} HerdRatePoint;

typedef struct
{
  HerdRateKind kind;
  double mean;     /* bytes/s: constant's value, diurnal mean, burst base */
  double peak;     /* bytes/s: diurnal peak, burst rate */
  HerdTime peak_at; /* diurnal: time of day of the peak */
  HerdTime every, length, start; /* bursts */
  GArray *trace;   /* trace: HerdRatePoint in time order; else NULL */
} HerdRateModel;

typedef enum
{
  HERD_DISTRIBUTION_FIXED,
  HERD_DISTRIBUTION_UNIFORM,
  HERD_DISTRIBUTION_EXPONENTIAL,
  HERD_DISTRIBUTION_WEIBULL,
  HERD_DISTRIBUTION_KIND_LAST
} HerdDistributionKind;

typedef struct
{
  HerdDistributionKind kind;
  HerdTime a; /* fixed value, uniform min, exponential mean, Weibull scale */
  HerdTime b; /* uniform max */
  double shape; /* Weibull shape */
} HerdDistribution;

gboolean herd_workload_parse (const char *text, HerdWorkloadSpec *out,
                              GError **error);
/* cos (2 pi (t - peak_at) / 1 day), the diurnal models' swing. */
double herd_workload_diurnal_cos (HerdTime t, HerdTime peak_at);
/* A CPU (or memory) model's value at time 0, percent: its mean, or for a
 * diurnal model mean + (peak - mean) cos(2 pi (0 - peak_at) / 1 day)
 * (sim/workload.c computes the same over time). */
double herd_workload_spec_at_start (const HerdWorkloadSpec *spec);
/* Canonical text of a spec ("diurnal(mean=30%, peak=80%, peak_at=14h)"). */
char *herd_workload_to_string (const HerdWorkloadSpec *spec);

/* base_dir: where a trace file's relative path starts. */
gboolean herd_rate_model_parse (const char *text, const char *base_dir,
                                HerdRateModel *out, GError **error);
void herd_rate_model_clear (HerdRateModel *model);
/* Whether the rate never changes. */
gboolean herd_rate_model_is_constant (const HerdRateModel *model);

gboolean herd_distribution_parse (const char *text, HerdDistribution *out,
                                  GError **error);
