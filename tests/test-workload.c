/* test-workload.c: unit tests for the workload models and time
 * distributions (sim/workload.h).
 *
 * Checks that the parsers accept every documented form (with and without
 * "%", with spaces, arguments in any order) and reject everything else
 * with a message naming the accepted forms; that the canonical text reads
 * back as the same spec; the values of constant and diurnal at known
 * times (peak at peak_at, trough 12 hours later, clamped to [0, 100]);
 * that a walk stays within its bounds over 100,000 steps and repeats
 * exactly for a seeded generator; and that the distributions' sample
 * means are about right (a Weibull's is scale x Gamma(1 + 1/shape)). */
#include "sim/workload.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>

#include "core/units.h"
#include "tests/test-util.h"

static gsl_rng *
seeded_rng (unsigned long seed)
{
  gsl_set_error_handler_off ();
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  return rng;
}

static void
test_parse_constant (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE (herd_workload_parse ("constant(30%)", &spec, NULL));
  CU_ASSERT_EQUAL (spec.kind, HERD_WORKLOAD_CONSTANT);
  CU_ASSERT_DOUBLE_EQUAL (spec.mean, 30, 1e-12);
  CU_ASSERT_TRUE (herd_workload_parse ("  constant( 12.5 ) ", &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (spec.mean, 12.5, 1e-12);
  CU_ASSERT_TRUE (herd_workload_parse ("constant(0)", &spec, NULL));
  CU_ASSERT_TRUE (herd_workload_parse ("constant(100%)", &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (spec.mean, 100, 1e-12);
}

static void
test_parse_diurnal (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE (herd_workload_parse ("diurnal(mean=30%, peak=80%)", &spec,
                                       NULL));
  CU_ASSERT_EQUAL (spec.kind, HERD_WORKLOAD_DIURNAL);
  CU_ASSERT_DOUBLE_EQUAL (spec.mean, 30, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (spec.peak, 80, 1e-12);
  CU_ASSERT_EQUAL (spec.peak_at, HERD_HOUR (14));

  CU_ASSERT_TRUE (herd_workload_parse (
      "diurnal( peak_at = 9h30m , peak=60 ,mean=20 )", &spec, NULL) == FALSE);
  CU_ASSERT_TRUE (herd_workload_parse (
      "diurnal( peak_at = 570m , peak=60 ,mean=20 )", &spec, NULL));
  CU_ASSERT_EQUAL (spec.peak_at, HERD_MIN (570));
  CU_ASSERT_DOUBLE_EQUAL (spec.mean, 20, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (spec.peak, 60, 1e-12);
}

static void
test_parse_walk (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE (herd_workload_parse ("walk(mean=50%, low=20%, high=90%)",
                                       &spec, NULL));
  CU_ASSERT_EQUAL (spec.kind, HERD_WORKLOAD_WALK);
  CU_ASSERT_DOUBLE_EQUAL (spec.mean, 50, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (spec.low, 20, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (spec.high, 90, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (spec.step, 5, 1e-12);
  CU_ASSERT_TRUE (herd_workload_parse (
      "walk(step=2, high=90, low=20, mean=20)", &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (spec.step, 2, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (spec.mean, 20, 1e-12);
}

/* Each bad text fails with a message that lists the forms and quotes it. */
static void
test_parse_bad (void)
{
  static const char *const bad[] = {
    "",
    "30%",
    "constant",
    "constant()",
    "constant(30%",
    "constant 30%)",
    "constant(30%, 40%)",
    "constant(x=30%)",
    "constant(150%)",
    "constant(-5%)",
    "constant(30 %)",
    "constant(thirty)",
    "Constant(30%)",
    "diurnal(mean=30%)",
    "diurnal(peak=80%)",
    "diurnal(mean=30%, peak=80%, foo=1)",
    "diurnal(mean=30%, peak=80%, mean=40%)",
    "diurnal(mean=30%, peak=20%)",
    "diurnal(mean=30%, peak=80%, peak_at=24h)",
    "diurnal(mean=30%, peak=80%, peak_at=14)",
    "diurnal(mean=30%, peak=80%,)",
    "diurnal(=30%, peak=80%)",
    "walk(mean=50%, low=20%)",
    "walk(mean=10%, low=20%, high=90%)",
    "walk(mean=95%, low=20%, high=90%)",
    "walk(mean=50%, low=20%, high=90%, step=200%)",
    "random(30%)",
    "trace:bitbrains:vm1.csv",
    "constant((30%))",
    NULL,
  };
  for (const char *const *t = bad; *t != NULL; t++)
    {
      HerdWorkloadSpec spec;
      g_autoptr (GError) error = NULL;
      gboolean ok = herd_workload_parse (*t, &spec, &error);
      CU_ASSERT_FALSE (ok);
      if (ok)
        {
          g_printerr ("accepted bad workload \"%s\"\n", *t);
          continue;
        }
      CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "expected constant(X)"));
      CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "walk(mean=X"));
      g_autofree char *quoted = g_strdup_printf ("got \"%s\"", *t);
      CU_ASSERT_PTR_NOT_NULL (strstr (error->message, quoted));
    }
}

static void
test_to_string (void)
{
  static const struct
  {
    const char *text;
    const char *canonical;
  } cases[] = {
    { "constant(30)", "constant(30%)" },
    { "constant( 12.5% )", "constant(12.5%)" },
    { "diurnal(mean=30%, peak=80%)",
      "diurnal(mean=30%, peak=80%, peak_at=14h)" },
    { "diurnal(peak=80,mean=30.25,peak_at=570m)",
      "diurnal(mean=30.25%, peak=80%, peak_at=570m)" },
    { "diurnal(mean=30%, peak=80%, peak_at=90s)",
      "diurnal(mean=30%, peak=80%, peak_at=90s)" },
    { "diurnal(mean=30%, peak=80%, peak_at=0)",
      "diurnal(mean=30%, peak=80%, peak_at=0)" },
    { "walk(mean=50%, low=20%, high=90%)",
      "walk(mean=50%, low=20%, high=90%, step=5%)" },
    { "walk(high=90, low=0.1, mean=0.3, step=0.5)",
      "walk(mean=0.3%, low=0.1%, high=90%, step=0.5%)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HerdWorkloadSpec spec, again;
      CU_ASSERT_TRUE_FATAL (herd_workload_parse (cases[i].text, &spec, NULL));
      g_autofree char *text = herd_workload_to_string (&spec);
      CU_ASSERT_STRING_EQUAL (text, cases[i].canonical);
      /* The canonical text reads back as the same spec. */
      CU_ASSERT_TRUE_FATAL (herd_workload_parse (text, &again, NULL));
      CU_ASSERT_EQUAL (memcmp (&spec, &again, sizeof spec), 0);
    }
}

static void
test_constant_value (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE_FATAL (herd_workload_parse ("constant(42%)", &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, 0), 42, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, HERD_DAY (3) + 17), 42,
                          1e-12);
}

static void
test_diurnal_value (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE_FATAL (herd_workload_parse ("diurnal(mean=30%, peak=80%)",
                                             &spec, NULL));
  /* Peak at 14:00 every day, trough at 02:00, mean at 08:00 and 20:00. */
  for (int day = 0; day < 3; day++)
    {
      HerdTime d = HERD_DAY (day);
      CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, d + HERD_HOUR (14)),
                              80, 1e-9);
      CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, d + HERD_HOUR (2)),
                              0, 1e-9); /* 30 - 50 = -20, clamped */
      CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, d + HERD_HOUR (8)),
                              30, 1e-9);
      CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, d + HERD_HOUR (20)),
                              30, 1e-9);
    }

  CU_ASSERT_TRUE_FATAL (herd_workload_parse (
      "diurnal(mean=50%, peak=70%, peak_at=6h)", &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, HERD_HOUR (6)), 70,
                          1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, HERD_HOUR (18)), 30,
                          1e-9);
  /* Before the start, the same curve (the phase wraps). */
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, -HERD_HOUR (6)), 30,
                          1e-9);
  /* In between, never out of [trough, peak]. */
  for (HerdTime t = 0; t < HERD_DAY (1); t += HERD_MIN (7))
    {
      double v = herd_workload_value (&spec, t);
      CU_ASSERT_TRUE (v >= 30 - 1e-9 && v <= 70 + 1e-9);
    }

  /* Clamped at 100 too. */
  CU_ASSERT_TRUE_FATAL (herd_workload_parse ("diurnal(mean=90, peak=100)",
                                             &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, HERD_HOUR (14)), 100,
                          1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, HERD_HOUR (2)), 80,
                          1e-9);
}

#define WALK_STEPS 100000

static void
test_walk_bounds (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE_FATAL (herd_workload_parse (
      "walk(mean=50%, low=20%, high=90%)", &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_value (&spec, HERD_HOUR (5)), 50,
                          1e-12);
  gsl_rng *rng = seeded_rng (7);
  double v = spec.mean, lowest = 100, highest = 0;
  for (int i = 0; i < WALK_STEPS; i++)
    {
      v = herd_workload_walk_step (&spec, v, HERD_SEC (15), rng);
      CU_ASSERT_TRUE_FATAL (v >= 20 && v <= 90);
      lowest = MIN (lowest, v);
      highest = MAX (highest, v);
    }
  /* It does wander over most of its range. */
  CU_ASSERT_TRUE (lowest < 30);
  CU_ASSERT_TRUE (highest > 80);

  /* Huge steps are folded back inside too. */
  CU_ASSERT_TRUE_FATAL (herd_workload_parse (
      "walk(mean=50%, low=45%, high=55%, step=100%)", &spec, NULL));
  for (int i = 0; i < WALK_STEPS; i++)
    {
      v = herd_workload_walk_step (&spec, spec.mean, HERD_HOUR (1), rng);
      CU_ASSERT_TRUE_FATAL (v >= 45 && v <= 55);
    }

  /* No time, no move; a zero-width walk stays put. */
  CU_ASSERT_DOUBLE_EQUAL (herd_workload_walk_step (&spec, 47, 0, rng), 47,
                          0);
  CU_ASSERT_TRUE_FATAL (herd_workload_parse (
      "walk(mean=50%, low=50%, high=50%)", &spec, NULL));
  CU_ASSERT_DOUBLE_EQUAL (
      herd_workload_walk_step (&spec, 50, HERD_MIN (1), rng), 50, 0);
  gsl_rng_free (rng);
}

static void
test_walk_reproducible (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE_FATAL (herd_workload_parse (
      "walk(mean=50%, low=20%, high=90%, step=3%)", &spec, NULL));
  gsl_rng *a = seeded_rng (12345);
  gsl_rng *b = seeded_rng (12345);
  gsl_rng *c = seeded_rng (54321);
  double va = spec.mean, vb = spec.mean, vc = spec.mean;
  gboolean same = TRUE, differs = FALSE;
  for (int i = 0; i < WALK_STEPS; i++)
    {
      va = herd_workload_walk_step (&spec, va, HERD_SEC (15), a);
      vb = herd_workload_walk_step (&spec, vb, HERD_SEC (15), b);
      vc = herd_workload_walk_step (&spec, vc, HERD_SEC (15), c);
      same = same && va == vb;
      differs = differs || va != vc;
    }
  CU_ASSERT_TRUE (same);
  CU_ASSERT_TRUE (differs);
  gsl_rng_free (a);
  gsl_rng_free (b);
  gsl_rng_free (c);
}

/* The step scales with sqrt(dt): one 4-minute step moves at most 2 S. */
static void
test_walk_step_scale (void)
{
  HerdWorkloadSpec spec;
  CU_ASSERT_TRUE_FATAL (herd_workload_parse (
      "walk(mean=50%, low=0%, high=100%, step=5%)", &spec, NULL));
  gsl_rng *rng = seeded_rng (99);
  double largest = 0;
  for (int i = 0; i < 10000; i++)
    {
      double v = herd_workload_walk_step (&spec, 50, HERD_MIN (4), rng);
      largest = MAX (largest, fabs (v - 50));
    }
  CU_ASSERT_TRUE (largest <= 10 + 1e-9);
  CU_ASSERT_TRUE (largest > 9.5);
  gsl_rng_free (rng);
}

static void
test_distribution_parse (void)
{
  HerdDistribution d;
  CU_ASSERT_TRUE (herd_distribution_parse ("0", &d, NULL));
  CU_ASSERT_EQUAL (d.kind, HERD_DISTRIBUTION_FIXED);
  CU_ASSERT_EQUAL (d.a, 0);
  CU_ASSERT_TRUE (herd_distribution_parse ("2h", &d, NULL));
  CU_ASSERT_EQUAL (d.kind, HERD_DISTRIBUTION_FIXED);
  CU_ASSERT_EQUAL (d.a, HERD_HOUR (2));
  CU_ASSERT_TRUE (herd_distribution_parse ("uniform(min=1h, max=1d)", &d,
                                           NULL));
  CU_ASSERT_EQUAL (d.kind, HERD_DISTRIBUTION_UNIFORM);
  CU_ASSERT_EQUAL (d.a, HERD_HOUR (1));
  CU_ASSERT_EQUAL (d.b, HERD_DAY (1));
  CU_ASSERT_TRUE (herd_distribution_parse (" uniform( max=2h , min=0 ) ", &d,
                                           NULL));
  CU_ASSERT_EQUAL (d.a, 0);
  CU_ASSERT_EQUAL (d.b, HERD_HOUR (2));
  CU_ASSERT_TRUE (herd_distribution_parse ("exponential(mean=30m)", &d,
                                           NULL));
  CU_ASSERT_EQUAL (d.kind, HERD_DISTRIBUTION_EXPONENTIAL);
  CU_ASSERT_EQUAL (d.a, HERD_MIN (30));
  CU_ASSERT_TRUE (herd_distribution_parse ("weibull(shape=1.5, scale=30d)",
                                           &d, NULL));
  CU_ASSERT_EQUAL (d.kind, HERD_DISTRIBUTION_WEIBULL);
  CU_ASSERT_DOUBLE_EQUAL (d.shape, 1.5, 1e-12);
  CU_ASSERT_EQUAL (d.a, HERD_DAY (30));
  CU_ASSERT_TRUE (herd_distribution_parse (
      " weibull( scale=2.5h , shape=0.7 ) ", &d, NULL));
  CU_ASSERT_EQUAL (d.kind, HERD_DISTRIBUTION_WEIBULL);
  CU_ASSERT_DOUBLE_EQUAL (d.shape, 0.7, 1e-12);
  CU_ASSERT_EQUAL (d.a, HERD_MIN (150));
  CU_ASSERT_TRUE (herd_distribution_parse ("weibull(shape=3, scale=90s)", &d,
                                           NULL));
  CU_ASSERT_DOUBLE_EQUAL (d.shape, 3, 1e-12);
  CU_ASSERT_EQUAL (d.a, HERD_SEC (90));

  static const char *const bad[] = {
    "", "2", "-1h", "soon", "uniform(min=3h, max=1h)", "uniform(min=1h)",
    "uniform(1h, 2h)", "uniform(min=1h, max=2h, mode=1h)",
    "exponential(mean=0)", "exponential(mean=30)", "exponential(30m)",
    "normal(mean=1h)", "uniform(min=1h, max=2h", "weibull(shape=0, scale=1h)",
    "weibull(shape=0.0, scale=1h)", "weibull(shape=-1, scale=1h)",
    "weibull(shape=1.5)", "weibull(scale=1h)", "weibull(shape=1.5, scale=0)",
    "weibull(shape=1.5, scale=30)", "weibull(shape=1e3, scale=1h)",
    "weibull(shape=1.5%, scale=1h)", "weibull(shape=., scale=1h)",
    "weibull(shape=2., scale=1h)", "weibull(shape=1h, scale=1h)",
    "weibull(shape=1.5, scale=1h, loc=0)", "weibull(1.5, 1h)",
    "weibull(shape=1.5, shape=2, scale=1h)", NULL,
  };
  for (const char *const *t = bad; *t != NULL; t++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = herd_distribution_parse (*t, &d, &error);
      CU_ASSERT_FALSE (ok);
      if (ok)
        {
          g_printerr ("accepted bad distribution \"%s\"\n", *t);
          continue;
        }
      CU_ASSERT_PTR_NOT_NULL (
          strstr (error->message, "uniform(min=A, max=B)"));
      CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "exponential(mean=M)"));
      CU_ASSERT_PTR_NOT_NULL (
          strstr (error->message, "weibull(shape=K, scale=L)"));
      g_autofree char *quoted = g_strdup_printf ("got \"%s\"", *t);
      CU_ASSERT_PTR_NOT_NULL (strstr (error->message, quoted));
    }
}

#define SAMPLES 200000

static void
test_distribution_sample (void)
{
  gsl_rng *rng = seeded_rng (2024);
  HerdDistribution d;

  CU_ASSERT_TRUE_FATAL (herd_distribution_parse ("90s", &d, NULL));
  CU_ASSERT_EQUAL (herd_distribution_sample (&d, rng), HERD_SEC (90));

  CU_ASSERT_TRUE_FATAL (herd_distribution_parse ("uniform(min=1h, max=3h)",
                                                 &d, NULL));
  double sum = 0;
  gboolean inside = TRUE;
  for (int i = 0; i < SAMPLES; i++)
    {
      HerdTime t = herd_distribution_sample (&d, rng);
      inside = inside && t >= HERD_HOUR (1) && t < HERD_HOUR (3);
      sum += (double) t;
    }
  CU_ASSERT_TRUE (inside);
  CU_ASSERT_DOUBLE_EQUAL (sum / SAMPLES / 3600e9, 2.0, 0.01);

  CU_ASSERT_TRUE_FATAL (herd_distribution_parse ("exponential(mean=30m)", &d,
                                                 NULL));
  sum = 0;
  gboolean positive = TRUE;
  for (int i = 0; i < SAMPLES; i++)
    {
      HerdTime t = herd_distribution_sample (&d, rng);
      positive = positive && t >= 0;
      sum += (double) t;
    }
  CU_ASSERT_TRUE (positive);
  CU_ASSERT_DOUBLE_EQUAL (sum / SAMPLES / 60e9, 30.0, 0.5);

  /* Weibull: mean scale x Gamma(1 + 1/shape), for a shape above 1 (wear
   * out), of 1 (an exponential) and below 1 (infant mortality). */
  static const struct
  {
    const char *text;
    double shape, scale_min;
  } weibulls[] = {
    { "weibull(shape=1.5, scale=30m)", 1.5, 30 },
    { "weibull(shape=1, scale=30m)", 1, 30 },
    { "weibull(shape=0.5, scale=10m)", 0.5, 10 },
  };
  for (gsize w = 0; w < G_N_ELEMENTS (weibulls); w++)
    {
      CU_ASSERT_TRUE_FATAL (herd_distribution_parse (weibulls[w].text, &d,
                                                     NULL));
      sum = 0;
      positive = TRUE;
      for (int i = 0; i < SAMPLES; i++)
        {
          HerdTime t = herd_distribution_sample (&d, rng);
          positive = positive && t >= 0;
          sum += (double) t;
        }
      double mean = weibulls[w].scale_min
                    * tgamma (1 + 1 / weibulls[w].shape);
      CU_ASSERT_TRUE (positive);
      CU_ASSERT_DOUBLE_EQUAL (sum / SAMPLES / 60e9, mean, mean * 0.02);
    }

  /* The same seed gives the same Weibull draws. */
  CU_ASSERT_TRUE_FATAL (herd_distribution_parse (
      "weibull(shape=2, scale=1d)", &d, NULL));
  gsl_rng *again = seeded_rng (7), *other = seeded_rng (7);
  for (int i = 0; i < 100; i++)
    CU_ASSERT_EQUAL (herd_distribution_sample (&d, again),
                     herd_distribution_sample (&d, other));
  gsl_rng_free (again);
  gsl_rng_free (other);

  /* Degenerate uniform: always its value. */
  CU_ASSERT_TRUE_FATAL (herd_distribution_parse ("uniform(min=5m, max=5m)",
                                                 &d, NULL));
  CU_ASSERT_EQUAL (herd_distribution_sample (&d, rng), HERD_MIN (5));
  gsl_rng_free (rng);
}

/* Write-rate models: every form parses to the documented values; bad
 * ones (and bad trace files, named with their line) are refused. */
static void
test_rate_models (void)
{
  HerdRateModel m;
  const double MiB = 1024 * 1024;
  CU_ASSERT_TRUE (herd_rate_model_parse ("4MiB/s", ".", &m, NULL));
  CU_ASSERT_EQUAL (m.kind, HERD_RATE_CONSTANT);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_HOUR (5)), 4 * MiB,
                          1e-9);
  CU_ASSERT_TRUE (herd_rate_model_parse ("constant(2MiB/s)", ".", &m, NULL));
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, 0), 2 * MiB, 1e-9);
  CU_ASSERT_TRUE (herd_rate_model_parse (
      "diurnal(mean=2MiB/s, peak=6MiB/s, peak_at=10h)", ".", &m, NULL));
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_HOUR (10)),
                          6 * MiB, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_HOUR (22)), 0,
                          1e-6);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_HOUR (16)),
                          2 * MiB, 1e-6);
  CU_ASSERT_FALSE (herd_rate_model_is_constant (&m));
  CU_ASSERT_TRUE (herd_rate_model_parse (
      "bursts(base=1MiB/s, peak=50MiB/s, every=1h, length=10m, start=30m)",
      ".", &m, NULL));
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_MIN (29)), MiB,
                          1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_MIN (30)),
                          50 * MiB, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_MIN (40)), MiB,
                          1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_MIN (95)),
                          50 * MiB, 1e-9);

  g_autofree char *dir = g_dir_make_tmp ("herd-rate-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_file_set_contents (good, "# time,rate\n0,1MiB/s\n2h, 8MiB/s\n\n"
                       "3h,0M/s # quiet\n", -1, NULL);
  g_file_set_contents (bad, "0,1MiB/s\n2h,fast\n", -1, NULL);
  CU_ASSERT_TRUE_FATAL (herd_rate_model_parse ("trace:good.csv", dir, &m,
                                               NULL));
  CU_ASSERT_EQUAL (m.trace->len, 3);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_HOUR (1)), MiB,
                          1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_HOUR (2)),
                          8 * MiB, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_rate_model_value (&m, HERD_DAY (9)), 0, 1e-9);
  herd_rate_model_clear (&m);
  g_autoptr (GError) error = NULL;
  CU_ASSERT_FALSE (herd_rate_model_parse ("trace:bad.csv", dir, &m, &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "bad.csv:2: expected "
                                                  "TIME,RATE"));
  g_remove (good);
  g_remove (bad);
  g_rmdir (dir);

  static const char *const refused[] = {
    "4MiB", "constant(4%)", "diurnal(mean=4MiB/s)",
    "diurnal(mean=4MiB/s, peak=1MiB/s)",
    "bursts(base=0M/s, peak=9MiB/s, every=1h, length=1h)",
    "bursts(base=0M/s, peak=9MiB/s, every=1h)", "trace:missing.csv",
    "walk(mean=1MiB/s, low=0M/s, high=2MiB/s)", NULL,
  };
  for (const char *const *t = refused; *t != NULL; t++)
    {
      g_clear_error (&error);
      CU_ASSERT_FALSE (herd_rate_model_parse (*t, dir, &m, &error));
      CU_ASSERT_PTR_NOT_NULL (error != NULL
                                  ? strstr (error->message, "bursts(base=R")
                                  : NULL);
    }
}

static const HerdTestCase workload_cases[] = {
  { "parse constant", test_parse_constant },
  { "parse diurnal", test_parse_diurnal },
  { "parse walk", test_parse_walk },
  { "parse errors", test_parse_bad },
  { "canonical text", test_to_string },
  { "constant value", test_constant_value },
  { "diurnal value", test_diurnal_value },
  { "walk bounds", test_walk_bounds },
  { "walk reproducible", test_walk_reproducible },
  { "walk step scale", test_walk_step_scale },
  { NULL, NULL },
};

static const HerdTestCase rate_cases[] = {
  { "write-rate models", test_rate_models },
  { NULL, NULL },
};

static const HerdTestCase distribution_cases[] = {
  { "parse", test_distribution_parse },
  { "sample", test_distribution_sample },
  { NULL, NULL },
};

int
main (void)
{
  static const HerdTestSuite suites[] = {
    { "workload", workload_cases },
    { "distribution", distribution_cases },
    { "rate", rate_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
