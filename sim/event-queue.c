/* event-queue.c: the simulator's pending-event set (see event-queue.h).
 *
 * A binary min-heap of 16-byte entries in one flat array: the event's time
 * (ns) and a 64-bit key that packs the insertion sequence in its high 40
 * bits and a slot index in its low 24 bits.  Comparing (time, key) thus
 * orders by time, then by insertion sequence, which is what makes events
 * at equal times fire in push order on every machine.  The callback,
 * context, argument, a generation counter and a live flag sit in a second
 * flat array of slots, reused through a free list, so pushing and popping
 * allocate nothing once the arrays have grown.  An id is
 * (generation << 32 | slot + 1): the generation is bumped whenever a slot
 * is released, so an id kept after its event fired or was cancelled never
 * cancels a later event that reuses the slot.
 *
 * Cancelling is lazy: the slot is marked dead and its heap entry is dropped
 * when it reaches the top.  If dead entries ever outnumber live ones (a
 * large batch of cancelled far-future timers) the heap is compacted and
 * rebuilt, so memory stays proportional to the live events.
 *
 * Limits (programming errors, asserted): at most 2^24 entries (live or
 * dead) in the heap at once and 2^40 pushes over the queue's life.  A
 * stale id could only hit a later event after 2^32 reuses of its slot. */
#include "sim/event-queue.h"

#include <string.h>

#define HERD_EQ_SLOT_BITS 24
#define HERD_EQ_SLOT_MASK ((G_GUINT64_CONSTANT (1) << HERD_EQ_SLOT_BITS) - 1)
#define HERD_EQ_MAX_SLOTS ((guint32) 1 << HERD_EQ_SLOT_BITS)
#define HERD_EQ_MAX_SEQUENCE \
  (G_GUINT64_CONSTANT (1) << (64 - HERD_EQ_SLOT_BITS))
#define HERD_EQ_INITIAL_CAPACITY 64
/* Compaction is not worth it below this many dead entries. */
#define HERD_EQ_COMPACT_MIN_DEAD 1024

typedef struct
{
  HerdTime time; /* ns */
  guint64 key;   /* insertion sequence << 24 | slot index */
} HerdEqEntry;

G_STATIC_ASSERT (sizeof (HerdEqEntry) == 16);

typedef struct
{
  HerdEventFunc fn;
  gpointer ctx;
  guint64 arg;
  guint32 generation; /* bumped each time the slot is released */
  guint32 live;       /* 1 while pushed and neither fired nor cancelled */
} HerdEqSlot;

struct _HerdEventQueue
{
  HerdEqEntry *heap;
  gsize heap_len; /* entries, live and dead */
  gsize heap_cap;

  HerdEqSlot *slots;
  guint32 n_slots; /* slots ever handed out */
  guint32 slots_cap;
  guint32 *free_slots; /* stack of released slot indices; slots_cap long */
  guint32 n_free;

  guint64 next_sequence;
  gsize n_live;
  gsize n_dead; /* cancelled entries still in the heap */
};

static inline gboolean
herd_eq_entry_less (const HerdEqEntry *a, const HerdEqEntry *b)
{
  return a->time < b->time || (a->time == b->time && a->key < b->key);
}

/* Fills the hole at index i with e, moving e up past larger parents. */
static inline void
herd_eq_sift_up (HerdEqEntry *heap, gsize i, HerdEqEntry e)
{
  while (i > 0)
    {
      gsize parent = (i - 1) / 2;
      if (!herd_eq_entry_less (&e, &heap[parent]))
        break;
      heap[i] = heap[parent];
      i = parent;
    }
  heap[i] = e;
}

/* Fills the hole at index i with e, moving e down past smaller children. */
static inline void
herd_eq_sift_down (HerdEqEntry *heap, gsize len, gsize i, HerdEqEntry e)
{
  for (;;)
    {
      gsize child = 2 * i + 1;
      if (child >= len)
        break;
      if (child + 1 < len
          && herd_eq_entry_less (&heap[child + 1], &heap[child]))
        child++;
      if (!herd_eq_entry_less (&heap[child], &e))
        break;
      heap[i] = heap[child];
      i = child;
    }
  heap[i] = e;
}

/* Removes heap[0].  Floyd's method: the hole left at the root walks down
 * to a leaf along the smaller children (one comparison per level), then
 * the last entry, which is usually large, fills it from below. */
static inline void
herd_eq_remove_top (HerdEventQueue *queue)
{
  HerdEqEntry *heap = queue->heap;
  gsize len = --queue->heap_len;
  if (len == 0)
    return;
  HerdEqEntry last = heap[len];
  gsize i = 0;
  for (;;)
    {
      gsize child = 2 * i + 1;
      if (child + 1 < len)
        {
          if (herd_eq_entry_less (&heap[child + 1], &heap[child]))
            child++;
        }
      else if (child >= len)
        break;
      heap[i] = heap[child];
      i = child;
    }
  herd_eq_sift_up (heap, i, last);
}

static inline void
herd_eq_release_slot (HerdEventQueue *queue, guint32 slot)
{
  HerdEqSlot *s = &queue->slots[slot];
  s->live = 0;
  s->generation++;
  s->fn = NULL;
  s->ctx = NULL;
  queue->free_slots[queue->n_free++] = slot;
}

/* A free slot, growing the slot arrays when none is left. */
static inline guint32
herd_eq_take_slot (HerdEventQueue *queue)
{
  if (G_LIKELY (queue->n_free > 0))
    return queue->free_slots[--queue->n_free];
  if (queue->n_slots == queue->slots_cap)
    {
      g_assert (queue->slots_cap < HERD_EQ_MAX_SLOTS);
      guint32 cap = MIN (queue->slots_cap * 2, HERD_EQ_MAX_SLOTS);
      queue->slots = g_renew (HerdEqSlot, queue->slots, cap);
      memset (queue->slots + queue->slots_cap, 0,
              (cap - queue->slots_cap) * sizeof (HerdEqSlot));
      queue->free_slots = g_renew (guint32, queue->free_slots, cap);
      queue->slots_cap = cap;
    }
  return queue->n_slots++;
}

/* Drops every dead entry and rebuilds the heap bottom-up.  The order of
 * the live entries is unchanged because their keys are all distinct. */
static void
herd_eq_compact (HerdEventQueue *queue)
{
  HerdEqEntry *heap = queue->heap;
  gsize kept = 0;
  for (gsize i = 0; i < queue->heap_len; i++)
    {
      guint32 slot = (guint32) (heap[i].key & HERD_EQ_SLOT_MASK);
      if (queue->slots[slot].live)
        heap[kept++] = heap[i];
      else
        herd_eq_release_slot (queue, slot);
    }
  queue->heap_len = kept;
  queue->n_dead = 0;
  for (gsize i = kept / 2; i-- > 0;)
    herd_eq_sift_down (heap, kept, i, heap[i]);
}

/* Pops dead entries off the top until a live one (or nothing) is there. */
static inline void
herd_eq_drop_dead_top (HerdEventQueue *queue)
{
  while (queue->heap_len > 0)
    {
      guint32 slot = (guint32) (queue->heap[0].key & HERD_EQ_SLOT_MASK);
      if (queue->slots[slot].live)
        return;
      herd_eq_remove_top (queue);
      queue->n_dead--;
      herd_eq_release_slot (queue, slot);
    }
}

HerdEventQueue *
herd_event_queue_new (void)
{
  HerdEventQueue *queue = g_new0 (HerdEventQueue, 1);
  queue->heap_cap = HERD_EQ_INITIAL_CAPACITY;
  queue->heap = g_new (HerdEqEntry, queue->heap_cap);
  queue->slots_cap = HERD_EQ_INITIAL_CAPACITY;
  queue->slots = g_new0 (HerdEqSlot, queue->slots_cap);
  queue->free_slots = g_new (guint32, queue->slots_cap);
  return queue;
}

void
herd_event_queue_free (HerdEventQueue *queue)
{
  if (queue == NULL)
    return;
  g_free (queue->heap);
  g_free (queue->slots);
  g_free (queue->free_slots);
  g_free (queue);
}

HerdEventId
herd_event_queue_push (HerdEventQueue *queue, HerdTime at, HerdEventFunc fn,
                       gpointer ctx, guint64 arg)
{
  g_assert (queue != NULL);
  g_assert (fn != NULL);
  g_assert (queue->next_sequence < HERD_EQ_MAX_SEQUENCE);

  guint32 slot = herd_eq_take_slot (queue);
  HerdEqSlot *s = &queue->slots[slot];
  s->fn = fn;
  s->ctx = ctx;
  s->arg = arg;
  s->live = 1;

  if (G_UNLIKELY (queue->heap_len == queue->heap_cap))
    {
      queue->heap_cap *= 2;
      queue->heap = g_renew (HerdEqEntry, queue->heap, queue->heap_cap);
    }
  HerdEqEntry e = {
    .time = at,
    .key = (queue->next_sequence++ << HERD_EQ_SLOT_BITS) | slot,
  };
  herd_eq_sift_up (queue->heap, queue->heap_len++, e);
  queue->n_live++;
  return ((guint64) s->generation << 32) | ((guint64) slot + 1);
}

gboolean
herd_event_queue_cancel (HerdEventQueue *queue, HerdEventId id)
{
  g_assert (queue != NULL);
  guint32 index = (guint32) (id & G_MAXUINT32);
  if (index == 0 || index > queue->n_slots)
    return FALSE;
  HerdEqSlot *s = &queue->slots[index - 1];
  if (!s->live || s->generation != (guint32) (id >> 32))
    return FALSE;
  s->live = 0;
  queue->n_live--;
  queue->n_dead++;
  if (queue->n_dead >= HERD_EQ_COMPACT_MIN_DEAD
      && queue->n_dead > queue->n_live)
    herd_eq_compact (queue);
  return TRUE;
}

gboolean
herd_event_queue_pop (HerdEventQueue *queue, HerdTime *at, HerdEventFunc *fn,
                      gpointer *ctx, guint64 *arg)
{
  g_assert (queue != NULL);
  while (queue->heap_len > 0)
    {
      HerdEqEntry top = queue->heap[0];
      guint32 slot = (guint32) (top.key & HERD_EQ_SLOT_MASK);
      HerdEqSlot *s = &queue->slots[slot];
      herd_eq_remove_top (queue);
      if (G_LIKELY (s->live))
        {
          if (at != NULL)
            *at = top.time;
          if (fn != NULL)
            *fn = s->fn;
          if (ctx != NULL)
            *ctx = s->ctx;
          if (arg != NULL)
            *arg = s->arg;
          queue->n_live--;
          herd_eq_release_slot (queue, slot);
          return TRUE;
        }
      queue->n_dead--;
      herd_eq_release_slot (queue, slot);
    }
  return FALSE;
}

HerdTime
herd_event_queue_peek_time (HerdEventQueue *queue)
{
  g_assert (queue != NULL);
  herd_eq_drop_dead_top (queue);
  return queue->heap_len > 0 ? queue->heap[0].time : HERD_TIME_NEVER;
}

gsize
herd_event_queue_length (HerdEventQueue *queue)
{
  g_assert (queue != NULL);
  return queue->n_live;
}
