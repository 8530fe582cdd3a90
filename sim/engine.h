/* engine.h: the discrete-event engine: virtual clock, event queue, random
 * streams.
 *
 * The engine owns simulated time.  Events run one at a time in (time,
 * insertion) order; an event may schedule others, at its own time or
 * later, never earlier.  Nothing here reads the wall clock: a run is a
 * function of its scenario and seed. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"
#include "sim/event-queue.h"
#include "sim/rng.h"

typedef struct
{
  HerdTime now;
  guint64 events;          /* events run so far */
  HerdEventQueue *queue;
  HerdRngSet *rng;
  gboolean stop;           /* set by an event to end the run early */
} HerdEngine;

/* Called every so many events with the current time (progress bars). */
typedef void (*HerdEngineProgressFunc) (HerdTime now, gpointer user_data);

HerdEngine *herd_engine_new (guint64 seed);
void herd_engine_free (HerdEngine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdEngine, herd_engine_free)

/* Schedules fn(ctx, arg) at time at (>= now, asserted). */
HerdEventId herd_engine_at (HerdEngine *engine, HerdTime at, HerdEventFunc fn,
                            gpointer ctx, guint64 arg);
gboolean herd_engine_cancel (HerdEngine *engine, HerdEventId id);

/* Runs events until none is left at or before until, or stop is set.
 * Leaves now at until (or at the stopping event's time). */
void herd_engine_run (HerdEngine *engine, HerdTime until,
                      HerdEngineProgressFunc progress, gpointer user_data);
