/* bench-event-queue.c: throughput of the simulator's event queue.
 *
 * The "hold" model of a discrete-event simulation: the queue is filled
 * with 100,000 pending events, then each step pops the earliest event,
 * calls it, and pushes a new one at (its time + a delay in [0, 1 s)), so
 * the pending count stays constant.  The delays come from a xorshift64
 * generator with a fixed seed, so every run does the same work.  A second
 * mode also cancels a random pending event in 10% of the steps and pushes
 * a replacement for it (timers being re-armed).  Each mode prints events
 * per second, where one event is one pop plus one push, measured with the
 * monotonic wall clock on one thread.  The callbacks fold every popped
 * time and argument into a checksum that is printed, so the work cannot
 * be optimized away.
 *
 * Usage: bench-event-queue [STEPS]   (default 20,000,000 per mode) */
#include "sim/event-queue.h"

#include <stdio.h>
#include <stdlib.h>

#define BENCH_PENDING 100000
#define BENCH_DEFAULT_STEPS G_GUINT64_CONSTANT (20000000)

typedef struct
{
  guint64 calls;
  guint64 checksum;
} BenchSink;

static void
bench_event (gpointer ctx, guint64 arg)
{
  BenchSink *sink = ctx;
  sink->calls++;
  sink->checksum = sink->checksum * G_GUINT64_CONSTANT (0x100000001b3) ^ arg;
}

static inline guint64
bench_xorshift64 (guint64 *state)
{
  guint64 x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

/* A delay in [0, 1 s): the high 32 bits scaled by 10^9 / 2^32. */
static inline HerdTime
bench_delay (guint64 r)
{
  return (HerdTime) (((r >> 32) * G_GUINT64_CONSTANT (1000000000)) >> 32);
}

/* Runs one mode; cancel_per_mille of the steps also cancel and re-push a
 * random pending event. */
static void
bench_run (const char *name, guint64 steps, guint cancel_per_mille)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  g_autofree HerdEventId *ids = g_new (HerdEventId, BENCH_PENDING);
  BenchSink sink = { 0, 0 };
  guint64 rng = G_GUINT64_CONSTANT (0x2545f4914f6cdd1d);
  guint64 cancels = 0, failed_cancels = 0;
  HerdTime now = 0;

  /* Event i is always the one whose id is ids[i]: its arg is i. */
  for (guint64 i = 0; i < BENCH_PENDING; i++)
    ids[i] = herd_event_queue_push (q, bench_delay (bench_xorshift64 (&rng)),
                                    bench_event, &sink, i);

  gint64 start = g_get_monotonic_time ();
  for (guint64 step = 0; step < steps; step++)
    {
      HerdTime at;
      HerdEventFunc fn;
      gpointer ctx;
      guint64 arg;
      if (G_UNLIKELY (!herd_event_queue_pop (q, &at, &fn, &ctx, &arg)))
        g_error ("the queue ran dry at step %" G_GUINT64_FORMAT, step);
      fn (ctx, arg ^ (guint64) at);
      now = at;
      guint64 r = bench_xorshift64 (&rng);
      ids[arg] = herd_event_queue_push (q, now + bench_delay (r), fn, ctx,
                                        arg);
      if (cancel_per_mille > 0 && (r & 0xffff) % 1000 < cancel_per_mille)
        {
          guint64 j = ((r >> 16) & 0xffff) * BENCH_PENDING >> 16;
          if (herd_event_queue_cancel (q, ids[j]))
            cancels++;
          else
            failed_cancels++;
          ids[j] = herd_event_queue_push (q, now + bench_delay (r << 7),
                                          bench_event, &sink, j);
        }
    }
  gint64 elapsed_us = g_get_monotonic_time () - start;
  double seconds = (double) MAX (elapsed_us, 1) / 1e6;

  printf ("%-12s %" G_GUINT64_FORMAT " events in %.3f s: %.2f M events/s",
          name, steps, seconds, (double) steps / seconds / 1e6);
  if (cancel_per_mille > 0)
    printf (" (%" G_GUINT64_FORMAT " cancels, %" G_GUINT64_FORMAT
            " refused)",
            cancels, failed_cancels);
  printf ("\n             pending %zu, simulated %.3f s, calls %"
          G_GUINT64_FORMAT ", checksum %016" G_GINT64_MODIFIER "x\n",
          herd_event_queue_length (q), herd_time_to_seconds (now),
          sink.calls, sink.checksum);
}

int
main (int argc, char **argv)
{
  guint64 steps = BENCH_DEFAULT_STEPS;
  if (argc > 2)
    {
      fprintf (stderr, "usage: %s [STEPS]\n", argv[0]);
      return 2;
    }
  if (argc == 2)
    {
      g_autoptr (GError) error = NULL;
      if (!g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXUINT64, &steps,
                                       &error))
        {
          fprintf (stderr, "%s: STEPS: %s\n", argv[0], error->message);
          return 2;
        }
    }
  printf ("event queue: %d pending events, %" G_GUINT64_FORMAT
          " pop+push steps per mode (one event = one pop + one push)\n",
          BENCH_PENDING, steps);
  bench_run ("hold", steps, 0);
  bench_run ("hold+cancel", steps, 100);
  return 0;
}
