/* test-rng.c: unit tests for the named random streams (sim/rng.h).
 *
 * Checks the determinism contract: the same (scenario seed, component)
 * gives the same numbers in every run and on every machine (pinned
 * against values computed independently of this code), different
 * components or seeds give different numbers, the seed is never 0, a
 * stream's numbers do not depend on which other streams exist or in which
 * order they were created, and GSL's aborting error handler is off. */
#include "sim/rng.h"

#include <string.h>

#include "tests/test-util.h"

#define DRAWS 1000

static void
draw (gsl_rng *r, unsigned long *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = gsl_rng_get (r);
}

static gboolean
same_draws (const unsigned long *a, const unsigned long *b, gsize n)
{
  return memcmp (a, b, n * sizeof *a) == 0;
}

static void
test_reproducible (void)
{
  g_autoptr (HerdRngSet) one = herd_rng_set_new (42);
  g_autoptr (HerdRngSet) two = herd_rng_set_new (42);
  unsigned long a[DRAWS], b[DRAWS];
  draw (herd_rng_set_stream (one, "workload.web"), a, DRAWS);
  draw (herd_rng_set_stream (two, "workload.web"), b, DRAWS);
  CU_ASSERT_TRUE (same_draws (a, b, DRAWS));
}

static void
test_same_stream_object (void)
{
  g_autoptr (HerdRngSet) set = herd_rng_set_new (7);
  gsl_rng *r = herd_rng_set_stream (set, "core.spm");
  CU_ASSERT_PTR_NOT_NULL (r);
  CU_ASSERT_PTR_EQUAL (herd_rng_set_stream (set, "core.spm"), r);
  /* A name built at run time finds the same stream. */
  g_autofree char *name = g_strdup_printf ("core.%s", "spm");
  CU_ASSERT_PTR_EQUAL (herd_rng_set_stream (set, name), r);
  CU_ASSERT_PTR_NOT_EQUAL (herd_rng_set_stream (set, "core.sp"), r);
  CU_ASSERT_STRING_EQUAL (gsl_rng_name (r), "mt19937");
}

/* The stream is a plain mt19937 seeded with herd_rng_seed_for. */
static void
test_stream_matches_seed (void)
{
  g_autoptr (HerdRngSet) set = herd_rng_set_new (1234567);
  gsl_rng *ref = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (ref, herd_rng_seed_for (1234567, "failures.h-3"));
  unsigned long a[DRAWS], b[DRAWS];
  draw (herd_rng_set_stream (set, "failures.h-3"), a, DRAWS);
  draw (ref, b, DRAWS);
  CU_ASSERT_TRUE (same_draws (a, b, DRAWS));
  gsl_rng_free (ref);
}

/* Values computed independently (FNV-1a 64, splitmix64 and the reference
 * mt19937 genrand_int32, in Python): the seed mix must never change, or
 * every stored trace changes. */
static void
test_pinned_values (void)
{
  CU_ASSERT_EQUAL (herd_rng_seed_for (42, "core.spm"), 1750799984u);
  CU_ASSERT_EQUAL (herd_rng_seed_for (42, "workload.web"), 2500081005u);
  CU_ASSERT_EQUAL (herd_rng_seed_for (1, "core.spm"), 3162068952u);
  CU_ASSERT_EQUAL (herd_rng_seed_for (0, ""), 2706769859u);

  g_autoptr (HerdRngSet) set = herd_rng_set_new (42);
  gsl_rng *r = herd_rng_set_stream (set, "core.spm");
  CU_ASSERT_EQUAL (gsl_rng_get (r), 3647287711ul);
  CU_ASSERT_EQUAL (gsl_rng_get (r), 1738359978ul);
  CU_ASSERT_EQUAL (gsl_rng_get (r), 3788590982ul);
}

static void
test_independent_components (void)
{
  static const char *const names[] = {
    "workload.web", "workload.db", "core.spm", "failures", "failures.h-1",
    "failures.h-2", "migration", "", "a", "b",
  };
  g_autoptr (HerdRngSet) set = herd_rng_set_new (42);
  unsigned long draws[G_N_ELEMENTS (names)][16];
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    draw (herd_rng_set_stream (set, names[i]), draws[i], 16);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    for (gsize j = i + 1; j < G_N_ELEMENTS (names); j++)
      {
        CU_ASSERT_NOT_EQUAL (herd_rng_seed_for (42, names[i]),
                             herd_rng_seed_for (42, names[j]));
        CU_ASSERT_FALSE (same_draws (draws[i], draws[j], 16));
      }
}

static void
test_independent_seeds (void)
{
  static const guint64 seeds[] = {
    0, 1, 2, 3, 42, 43, G_MAXUINT32, (guint64) G_MAXUINT32 + 1,
    G_GUINT64_CONSTANT (1) << 63, G_MAXUINT64,
  };
  unsigned long draws[G_N_ELEMENTS (seeds)][16];
  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autoptr (HerdRngSet) set = herd_rng_set_new (seeds[i]);
      draw (herd_rng_set_stream (set, "workload.web"), draws[i], 16);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    for (gsize j = i + 1; j < G_N_ELEMENTS (seeds); j++)
      {
        CU_ASSERT_NOT_EQUAL (herd_rng_seed_for (seeds[i], "workload.web"),
                             herd_rng_seed_for (seeds[j], "workload.web"));
        CU_ASSERT_FALSE (same_draws (draws[i], draws[j], 16));
      }
}

/* Seeds 0 .. 19999 times a few component names: never 0, and (a sanity
 * check of the mix) almost no collisions in a 32-bit space. */
static void
test_seed_never_zero (void)
{
  static const char *const names[] = { "", "core.spm", "workload.web",
                                       "x" };
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash,
                                                  g_direct_equal);
  guint zeros = 0, total = 0;
  for (guint64 s = 0; s < 20000; s++)
    for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
      {
        guint32 seed = herd_rng_seed_for (s, names[i]);
        if (seed == 0)
          zeros++;
        g_hash_table_add (seen, GUINT_TO_POINTER (seed));
        total++;
      }
  CU_ASSERT_EQUAL (zeros, 0);
  /* 80,000 draws from 2^32: about 0.75 collisions expected. */
  CU_ASSERT_TRUE (g_hash_table_size (seen) >= total - 5);
}

/* A stream's numbers do not depend on other streams: created alone,
 * interleaved with a new one, or after it. */
static void
test_new_stream_does_not_shift (void)
{
  unsigned long alone[40], mixed[40], after[40], other[20];

  g_autoptr (HerdRngSet) s1 = herd_rng_set_new (99);
  draw (herd_rng_set_stream (s1, "workload.web"), alone, 40);

  g_autoptr (HerdRngSet) s2 = herd_rng_set_new (99);
  draw (herd_rng_set_stream (s2, "workload.web"), mixed, 20);
  draw (herd_rng_set_stream (s2, "workload.new"), other, 20);
  draw (herd_rng_set_stream (s2, "workload.web"), mixed + 20, 20);

  g_autoptr (HerdRngSet) s3 = herd_rng_set_new (99);
  for (int i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("extra.%d", i);
      gsl_rng_get (herd_rng_set_stream (s3, name));
    }
  draw (herd_rng_set_stream (s3, "workload.web"), after, 40);

  CU_ASSERT_TRUE (same_draws (alone, mixed, 40));
  CU_ASSERT_TRUE (same_draws (alone, after, 40));
  CU_ASSERT_FALSE (same_draws (alone, other, 20));
}

/* With the handler off, a GSL domain error returns instead of aborting. */
static void
test_gsl_handler_off (void)
{
  g_autoptr (HerdRngSet) set = herd_rng_set_new (1);
  gsl_rng *r = herd_rng_set_stream (set, "core.spm");
  CU_ASSERT_EQUAL (gsl_rng_uniform_int (r, 0), 0);
}

static const HerdTestCase rng_cases[] = {
  { "reproducible", test_reproducible },
  { "same stream object", test_same_stream_object },
  { "stream is mt19937 with the seed", test_stream_matches_seed },
  { "pinned values", test_pinned_values },
  { "independent components", test_independent_components },
  { "independent seeds", test_independent_seeds },
  { "seed never zero", test_seed_never_zero },
  { "new stream does not shift others", test_new_stream_does_not_shift },
  { "gsl error handler off", test_gsl_handler_off },
  { NULL, NULL },
};

static const HerdTestSuite suites[] = {
  { "rng", rng_cases },
  { NULL, NULL },
};

int
main (void)
{
  return herd_test_main (suites);
}
