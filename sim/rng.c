/* rng.c: named random streams (see rng.h).
 *
 * Each component gets its own GSL mt19937 generator, created on first use
 * and kept in a hash table used for lookup by name only (nothing iterates
 * it).  A stream's seed depends only on the scenario seed and the
 * component's name, through a fixed integer mix: FNV-1a 64 of the name,
 * XORed with splitmix64 of the scenario seed, passed through splitmix64
 * again, folded to 32 bits (mt19937 uses 32 bits of seed) and moved away
 * from 0, which GSL would silently replace by its default seed.  The mix
 * uses only 64-bit integer arithmetic, so every machine gets the same
 * seeds, and creating streams in any order gives every stream the same
 * numbers. */
#include "sim/rng.h"

#include <gsl/gsl_errno.h>

/* What a folded seed of 0 becomes. */
#define HERD_RNG_ZERO_SEED_REPLACEMENT ((guint32) 0x9e3779b9u)

struct _HerdRngSet
{
  guint64 scenario_seed;
  GHashTable *streams; /* component name -> gsl_rng *, lookup only */
};

static guint64
herd_rng_fnv1a64 (const char *text)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return h;
}

/* The splitmix64 output function (Steele, Lea, Flood 2014) applied to
 * x + golden gamma: a bijective, well-avalanched 64-bit mix. */
static guint64
herd_rng_splitmix64 (guint64 x)
{
  guint64 z = x + G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

guint32
herd_rng_seed_for (guint64 scenario_seed, const char *component)
{
  g_assert (component != NULL);
  guint64 mixed = herd_rng_splitmix64 (herd_rng_fnv1a64 (component)
                                       ^ herd_rng_splitmix64 (scenario_seed));
  guint32 seed = (guint32) (mixed >> 32) ^ (guint32) mixed;
  return seed != 0 ? seed : HERD_RNG_ZERO_SEED_REPLACEMENT;
}

/* GSL's default error handler aborts the process; herd checks results
 * instead.  Process-wide, done once. */
static void
herd_rng_init_gsl (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      gsl_set_error_handler_off ();
      g_once_init_leave (&done, 1);
    }
}

static void
herd_rng_stream_free (gpointer stream)
{
  gsl_rng_free (stream);
}

HerdRngSet *
herd_rng_set_new (guint64 scenario_seed)
{
  herd_rng_init_gsl ();
  HerdRngSet *set = g_new0 (HerdRngSet, 1);
  set->scenario_seed = scenario_seed;
  set->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        herd_rng_stream_free);
  return set;
}

void
herd_rng_set_free (HerdRngSet *set)
{
  if (set == NULL)
    return;
  g_hash_table_unref (set->streams);
  g_free (set);
}

gsl_rng *
herd_rng_set_stream (HerdRngSet *set, const char *component)
{
  g_assert (set != NULL);
  g_assert (component != NULL);
  gsl_rng *stream = g_hash_table_lookup (set->streams, component);
  if (stream != NULL)
    return stream;
  stream = gsl_rng_alloc (gsl_rng_mt19937);
  if (stream == NULL)
    g_error ("out of memory allocating the random stream \"%s\"", component);
  gsl_rng_set (stream, herd_rng_seed_for (set->scenario_seed, component));
  g_hash_table_insert (set->streams, g_strdup (component), stream);
  return stream;
}
