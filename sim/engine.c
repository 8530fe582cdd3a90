/* engine.c: the event loop (see engine.h). */
#include "sim/engine.h"

HerdEngine *
herd_engine_new (guint64 seed)
{
  HerdEngine *e = g_new0 (HerdEngine, 1);
  e->queue = herd_event_queue_new ();
  e->rng = herd_rng_set_new (seed);
  return e;
}

void
herd_engine_free (HerdEngine *engine)
{
  if (engine == NULL)
    return;
  herd_event_queue_free (engine->queue);
  herd_rng_set_free (engine->rng);
  g_free (engine);
}

HerdEventId
herd_engine_at (HerdEngine *engine, HerdTime at, HerdEventFunc fn,
                gpointer ctx, guint64 arg)
{
  g_assert (at >= engine->now);
  return herd_event_queue_push (engine->queue, at, fn, ctx, arg);
}

gboolean
herd_engine_cancel (HerdEngine *engine, HerdEventId id)
{
  return herd_event_queue_cancel (engine->queue, id);
}

void
herd_engine_run (HerdEngine *engine, HerdTime until,
                 HerdEngineProgressFunc progress, gpointer user_data)
{
  engine->stop = FALSE;
  while (!engine->stop
         && herd_event_queue_peek_time (engine->queue) <= until)
    {
      HerdTime at;
      HerdEventFunc fn;
      gpointer ctx;
      guint64 arg;
      herd_event_queue_pop (engine->queue, &at, &fn, &ctx, &arg);
      engine->now = at;
      engine->events++;
      fn (ctx, arg);
      if (progress != NULL && (engine->events & 0xffff) == 0)
        progress (engine->now, user_data);
    }
  if (!engine->stop)
    engine->now = MAX (engine->now, until);
}
