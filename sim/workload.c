/* workload.c: what the workload models of a scenario do over time (the
 * vocabulary and its parsers are conf/workload-spec.c): CPU utilisation of
 * the constant and diurnal models, one step of a walk, write rates, time
 * distributions sampled, and recorded CPU series (conf/trace.h) played.
 *
 * Constant and diurnal are functions of time (the diurnal phase is
 * computed modulo one day in integers, so only the final cos() sees a
 * double), and a walk is advanced by the caller one step at a time with
 * its own random stream, so that every VM's walk is reproducible from the
 * scenario seed. */
#include "sim/workload.h"

#include <math.h>

#include <gsl/gsl_randist.h>

static double
herd_clamp_percent (double v)
{
  return v < 0 ? 0 : v > 100 ? 100 : v;
}

/* For a walk this is its starting value (the mean): the walk's later
 * values live with the VM and move through herd_workload_walk_step. */
double
herd_workload_value (const HerdWorkloadSpec *spec, HerdTime t)
{
  g_return_val_if_fail (spec != NULL, 0);
  switch (spec->kind)
    {
    case HERD_WORKLOAD_CONSTANT:
    case HERD_WORKLOAD_WALK:
    case HERD_WORKLOAD_TRACE: /* per VM: herd_trace_value */
      return herd_clamp_percent (spec->mean);
    case HERD_WORKLOAD_DIURNAL:
      return herd_clamp_percent (
          spec->mean
          + (spec->peak - spec->mean)
                * herd_workload_diurnal_cos (t, spec->peak_at));
    case HERD_WORKLOAD_KIND_LAST:
    default:
      g_assert_not_reached ();
    }
}

/* The step is uniform in [-S, S] * sqrt(dt / 1 minute), so that the
 * walk's variance grows with time the same way whatever the interval the
 * caller steps with.  The result is folded back into [low, high] by
 * reflection at both bounds (done in closed form, so a step many times the
 * width still lands inside). */
double
herd_workload_walk_step (const HerdWorkloadSpec *spec, double value,
                         HerdTime dt, gsl_rng *rng)
{
  g_return_val_if_fail (spec != NULL && rng != NULL, value);
  g_return_val_if_fail (spec->kind == HERD_WORKLOAD_WALK, value);
  double low = spec->low, high = spec->high;
  if (dt <= 0)
    return herd_clamp_percent (value);
  double u = gsl_rng_uniform (rng);
  double scale = sqrt ((double) dt / (double) HERD_MIN (1));
  double v = value + spec->step * scale * (2.0 * u - 1.0);
  double width = high - low;
  if (width <= 0)
    return herd_clamp_percent (low);
  double x = fmod (v - low, 2.0 * width);
  if (x < 0)
    x += 2.0 * width;
  if (x > width)
    x = 2.0 * width - x;
  return herd_clamp_percent (low + x);
}

double
herd_rate_model_value (const HerdRateModel *model, HerdTime t)
{
  switch (model->kind)
    {
    case HERD_RATE_CONSTANT:
      return model->mean;
    case HERD_RATE_DIURNAL:
      return MAX (0, model->mean
                         + (model->peak - model->mean)
                               * herd_workload_diurnal_cos (t, model->peak_at));
    case HERD_RATE_BURSTS:
      return t >= model->start
                     && (t - model->start) % model->every < model->length
                 ? model->peak
                 : model->mean;
    case HERD_RATE_TRACE:
      {
        /* The last point at or before t, by bisection. */
        const GArray *a = model->trace;
        guint lo = 0, hi = a->len;
        while (hi - lo > 1)
          {
            guint mid = (lo + hi) / 2;
            if (g_array_index (a, HerdRatePoint, mid).at <= t)
              lo = mid;
            else
              hi = mid;
          }
        return g_array_index (a, HerdRatePoint, lo).rate;
      }
    case HERD_RATE_KIND_LAST:
    default:
      g_assert_not_reached ();
    }
}

/* Samples are rounded to whole nanoseconds; an exponential or Weibull
 * draw too large for a HerdTime (astronomically unlikely, except for a
 * Weibull shape far below 1) is capped at a quarter of the range, far
 * beyond any scenario, so that adding it to a time cannot overflow.  Both
 * draw in nanoseconds: the mean or scale goes to GSL as a count of them. */
HerdTime
herd_distribution_sample (const HerdDistribution *dist, gsl_rng *rng)
{
  g_return_val_if_fail (dist != NULL, 0);
  const double cap = (double) (G_MAXINT64 / 4);
  switch (dist->kind)
    {
    case HERD_DISTRIBUTION_FIXED:
      return dist->a;
    case HERD_DISTRIBUTION_UNIFORM:
      {
        g_return_val_if_fail (rng != NULL, dist->a);
        double span = (double) (dist->b - dist->a);
        HerdTime offset = (HerdTime) (gsl_rng_uniform (rng) * span);
        if (offset >= dist->b - dist->a && dist->b > dist->a)
          offset = dist->b - dist->a - 1; /* keep the interval half-open */
        return dist->a + offset;
      }
    case HERD_DISTRIBUTION_EXPONENTIAL:
      {
        g_return_val_if_fail (rng != NULL, dist->a);
        double v = gsl_ran_exponential (rng, (double) dist->a);
        if (!(v < cap))
          return (HerdTime) (G_MAXINT64 / 4);
        return (HerdTime) llround (v);
      }
    case HERD_DISTRIBUTION_WEIBULL:
      {
        g_return_val_if_fail (rng != NULL, dist->a);
        double v = gsl_ran_weibull (rng, (double) dist->a, dist->shape);
        if (!(v < cap))
          return (HerdTime) (G_MAXINT64 / 4);
        return (HerdTime) llround (v);
      }
    case HERD_DISTRIBUTION_KIND_LAST:
    default:
      g_assert_not_reached ();
    }
}

double
herd_trace_value (const HerdTraceSeries *s, HerdTime t, guint *cursor)
{
  const GArray *p = s->points;
  HerdTime at = t % s->period;
  guint i = *cursor < p->len ? *cursor : 0;
  /* Back to the start after a wrap (or a lookup in the past). */
  if (g_array_index (p, HerdTracePoint, i).at > at)
    i = 0;
  while (i + 1 < p->len && g_array_index (p, HerdTracePoint, i + 1).at <= at)
    i++;
  *cursor = i;
  return g_array_index (p, HerdTracePoint, i).percent;
}
