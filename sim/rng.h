/* rng.h: named random streams.
 *
 * Every random choice in a run draws from a named stream: one GSL mt19937
 * generator per component ("workload.web", "core.spm", ...), seeded from the
 * scenario seed and the component's name through a fixed hash, so that adding
 * a component never shifts another one's numbers.  The seed given to GSL is
 * never 0 (GSL maps 0 to its default seed).  GSL's aborting error handler is
 * switched off on first use. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

typedef struct _HerdRngSet HerdRngSet;

HerdRngSet *herd_rng_set_new (guint64 scenario_seed);
void herd_rng_set_free (HerdRngSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdRngSet, herd_rng_set_free)

/* The stream for a component, created on first use.  Owned by the set. */
gsl_rng *herd_rng_set_stream (HerdRngSet *set, const char *component);

/* The 32-bit seed that a (scenario seed, component) pair maps to; exposed
 * for tests and documentation.  Never 0. */
guint32 herd_rng_seed_for (guint64 scenario_seed, const char *component);
