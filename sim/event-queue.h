/* event-queue.h: the simulator's pending-event set.
 *
 * A binary min-heap keyed on (time, insertion sequence): events at the same
 * time fire in the order they were pushed, on every machine.  Cancelling is
 * lazy: a cancelled event stays in the heap, marked dead, and is skipped
 * when it reaches the top.  An event carries a callback, a context pointer
 * and a 64-bit argument, so that per-object events need no allocation. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"

typedef struct _HerdEventQueue HerdEventQueue;

/* Identifies one pushed event; 0 is never a valid id.  Ids of fired or
 * cancelled events may be passed to cancel safely (it answers FALSE). */
typedef guint64 HerdEventId;

typedef void (*HerdEventFunc) (gpointer ctx, guint64 arg);

HerdEventQueue *herd_event_queue_new (void);
void herd_event_queue_free (HerdEventQueue *queue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdEventQueue, herd_event_queue_free)

/* Schedules fn(ctx, arg) at time at.  Never fails (aborts on OOM). */
HerdEventId herd_event_queue_push (HerdEventQueue *queue, HerdTime at,
                                   HerdEventFunc fn, gpointer ctx,
                                   guint64 arg);

/* Cancels a pending event.  TRUE if it was pending and is now cancelled. */
gboolean herd_event_queue_cancel (HerdEventQueue *queue, HerdEventId id);

/* Removes the earliest live event and returns it through the out
 * parameters; FALSE when no live event is left. */
gboolean herd_event_queue_pop (HerdEventQueue *queue, HerdTime *at,
                               HerdEventFunc *fn, gpointer *ctx,
                               guint64 *arg);

/* Time of the earliest live event, HERD_TIME_NEVER when empty. */
HerdTime herd_event_queue_peek_time (HerdEventQueue *queue);

/* Number of live (pushed, neither fired nor cancelled) events. */
gsize herd_event_queue_length (HerdEventQueue *queue);
