/* test-event-queue.c: unit tests for the simulator's event queue
 * (sim/event-queue.h).
 *
 * Covers ordering by time, FIFO order among equal times, every cancel case
 * (pending, fired, stale id after the slot is reused, twice, ids that were
 * never issued), length and peek accounting, the compaction that follows
 * mass cancels, an assertion on misuse, and a randomized run of 100,000
 * operations compared step by step against a sorted reference (a
 * GSequence ordered by time, then push order). */
#include "sim/event-queue.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/test-util.h"

static void
record_arg (gpointer ctx, guint64 arg)
{
  g_array_append_val ((GArray *) ctx, arg);
}

static void
other_fn (gpointer ctx, guint64 arg)
{
}

/* Pops everything, calling each event; returns the args in firing order
 * and checks that times never decrease. */
static GArray *
drain (HerdEventQueue *q)
{
  GArray *fired = g_array_new (FALSE, FALSE, sizeof (guint64));
  HerdTime at, last = G_MININT64;
  HerdEventFunc fn;
  gpointer ctx;
  guint64 arg;
  while (herd_event_queue_pop (q, &at, &fn, &ctx, &arg))
    {
      CU_ASSERT_TRUE (at >= last);
      last = at;
      CU_ASSERT_PTR_EQUAL (fn, record_arg);
      record_arg (fired, arg);
    }
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 0);
  CU_ASSERT_EQUAL (herd_event_queue_peek_time (q), HERD_TIME_NEVER);
  return fired;
}

static void
test_empty (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  HerdTime at = 123;
  HerdEventFunc fn = other_fn;
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 0);
  CU_ASSERT_EQUAL (herd_event_queue_peek_time (q), HERD_TIME_NEVER);
  CU_ASSERT_FALSE (herd_event_queue_pop (q, &at, &fn, NULL, NULL));
  /* Out parameters are left alone when nothing is popped. */
  CU_ASSERT_EQUAL (at, 123);
  CU_ASSERT_PTR_EQUAL (fn, other_fn);
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, 0));
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, 1));
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, G_MAXUINT64));
  herd_event_queue_free (NULL);
}

static void
test_pop_returns_event (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  int object;
  HerdEventId id = herd_event_queue_push (q, HERD_SEC (5), other_fn, &object,
                                          G_MAXUINT64);
  CU_ASSERT_NOT_EQUAL (id, 0);
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 1);
  CU_ASSERT_EQUAL (herd_event_queue_peek_time (q), HERD_SEC (5));
  HerdTime at = 0;
  HerdEventFunc fn = NULL;
  gpointer ctx = NULL;
  guint64 arg = 0;
  CU_ASSERT_TRUE (herd_event_queue_pop (q, &at, &fn, &ctx, &arg));
  CU_ASSERT_EQUAL (at, HERD_SEC (5));
  CU_ASSERT_PTR_EQUAL (fn, other_fn);
  CU_ASSERT_PTR_EQUAL (ctx, &object);
  CU_ASSERT_EQUAL (arg, G_MAXUINT64);
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 0);
}

static void
test_order_by_time (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  /* 1000 distinct times in a scrambled order (7919 is prime, so i*7919
   * mod 1000 is a permutation); negative and extreme times included. */
  for (guint64 i = 0; i < 1000; i++)
    {
      guint64 t = (i * 7919) % 1000;
      herd_event_queue_push (q, (HerdTime) t * 10 - 5000, record_arg, NULL,
                             t);
    }
  herd_event_queue_push (q, G_MININT64, record_arg, NULL, 10000);
  herd_event_queue_push (q, HERD_TIME_NEVER, record_arg, NULL, 10001);
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 1002);
  CU_ASSERT_EQUAL (herd_event_queue_peek_time (q), G_MININT64);

  HerdTime at;
  guint64 arg;
  gsize n = 0;
  while (herd_event_queue_pop (q, &at, NULL, NULL, &arg))
    {
      if (n == 0)
        {
          CU_ASSERT_EQUAL (arg, 10000);
        }
      else if (n == 1001)
        {
          CU_ASSERT_EQUAL (arg, 10001);
        }
      else
        {
          CU_ASSERT_EQUAL (arg, n - 1);
          CU_ASSERT_EQUAL (at, (HerdTime) (n - 1) * 10 - 5000);
        }
      n++;
    }
  CU_ASSERT_EQUAL (n, 1002);
}

static void
test_fifo_equal_times (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  /* Three times, pushed interleaved; 3000 events grow the arrays several
   * times over.  Within a time, args must come out in push order. */
  static const HerdTime times[] = { HERD_SEC (2), HERD_SEC (1),
                                    HERD_SEC (3) };
  for (guint64 i = 0; i < 3000; i++)
    herd_event_queue_push (q, times[i % 3], record_arg, NULL, i);
  g_autoptr (GArray) fired = drain (q);
  CU_ASSERT_EQUAL (fired->len, 3000);
  for (guint i = 0; i < fired->len; i++)
    {
      /* Time 1s holds args 1, 4, 7, ...; then 2s: 0, 3, ...; then 3s. */
      guint group = i / 1000, k = i % 1000;
      guint64 expected = (group == 0 ? 1 : group == 1 ? 0 : 2) + 3 * k;
      CU_ASSERT_EQUAL (g_array_index (fired, guint64, i), expected);
    }
}

/* Equal times pushed while others are being popped still fire in push
 * order. */
static void
test_fifo_interleaved (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  g_autoptr (GArray) fired = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 next = 0;
  for (int round = 0; round < 100; round++)
    {
      for (int k = 0; k < 7; k++)
        herd_event_queue_push (q, HERD_SEC (1), record_arg, fired, next++);
      HerdEventFunc fn;
      gpointer ctx;
      guint64 arg;
      for (int k = 0; k < 3; k++)
        {
          CU_ASSERT_TRUE (herd_event_queue_pop (q, NULL, &fn, &ctx, &arg));
          fn (ctx, arg);
        }
    }
  g_autoptr (GArray) rest = drain (q);
  g_array_append_vals (fired, rest->data, rest->len);
  CU_ASSERT_EQUAL (fired->len, 700);
  for (guint i = 0; i < fired->len; i++)
    CU_ASSERT_EQUAL (g_array_index (fired, guint64, i), i);
}

static void
test_cancel_pending (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  HerdEventId ids[10];
  for (guint64 i = 0; i < 10; i++)
    ids[i] = herd_event_queue_push (q, HERD_SEC (i), record_arg, NULL, i);
  for (int i = 0; i < 10; i++)
    for (int j = i + 1; j < 10; j++)
      CU_ASSERT_NOT_EQUAL (ids[i], ids[j]);

  CU_ASSERT_TRUE (herd_event_queue_cancel (q, ids[0])); /* the top */
  CU_ASSERT_TRUE (herd_event_queue_cancel (q, ids[5]));
  CU_ASSERT_TRUE (herd_event_queue_cancel (q, ids[9])); /* the last */
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 7);
  /* peek skips the cancelled top. */
  CU_ASSERT_EQUAL (herd_event_queue_peek_time (q), HERD_SEC (1));
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 7);

  g_autoptr (GArray) fired = drain (q);
  static const guint64 expected[] = { 1, 2, 3, 4, 6, 7, 8 };
  CU_ASSERT_EQUAL (fired->len, G_N_ELEMENTS (expected));
  for (guint i = 0; i < MIN (fired->len, G_N_ELEMENTS (expected)); i++)
    CU_ASSERT_EQUAL (g_array_index (fired, guint64, i), expected[i]);
}

static void
test_cancel_fired_and_twice (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  HerdEventId a = herd_event_queue_push (q, 10, record_arg, NULL, 1);
  HerdEventId b = herd_event_queue_push (q, 20, record_arg, NULL, 2);

  CU_ASSERT_TRUE (herd_event_queue_cancel (q, b));
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, b)); /* twice */
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 1);

  guint64 arg = 0;
  CU_ASSERT_TRUE (herd_event_queue_pop (q, NULL, NULL, NULL, &arg));
  CU_ASSERT_EQUAL (arg, 1);
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, a)); /* already fired */
  CU_ASSERT_FALSE (herd_event_queue_pop (q, NULL, NULL, NULL, NULL));
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, b)); /* and drained */
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 0);
}

/* An old id must not cancel the event that now lives in its slot. */
static void
test_cancel_stale_id (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();

  /* Slot freed by firing. */
  HerdEventId a = herd_event_queue_push (q, 10, record_arg, NULL, 1);
  CU_ASSERT_TRUE (herd_event_queue_pop (q, NULL, NULL, NULL, NULL));
  HerdEventId b = herd_event_queue_push (q, 20, record_arg, NULL, 2);
  /* The same slot (low 32 bits) was reused, under a new generation. */
  CU_ASSERT_EQUAL (a & G_MAXUINT32, b & G_MAXUINT32);
  CU_ASSERT_NOT_EQUAL (a, b);
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, a));
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 1);

  /* Slot freed by cancelling, then draining the dead entry. */
  CU_ASSERT_TRUE (herd_event_queue_cancel (q, b));
  CU_ASSERT_EQUAL (herd_event_queue_peek_time (q), HERD_TIME_NEVER);
  HerdEventId c = herd_event_queue_push (q, 30, record_arg, NULL, 3);
  CU_ASSERT_EQUAL (b & G_MAXUINT32, c & G_MAXUINT32);
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, a));
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, b));
  CU_ASSERT_EQUAL (herd_event_queue_length (q), 1);
  guint64 arg = 0;
  CU_ASSERT_TRUE (herd_event_queue_pop (q, NULL, NULL, NULL, &arg));
  CU_ASSERT_EQUAL (arg, 3);

  /* An id whose slot index was never handed out. */
  CU_ASSERT_FALSE (herd_event_queue_cancel (q, (c & ~(guint64) G_MAXUINT32)
                                                   | 1000));
}

/* Cancelling most of a large queue triggers compaction; what is left must
 * still come out in order, and the compacted ids stay dead. */
static void
test_mass_cancel (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  enum { N = 20000 };
  g_autofree HerdEventId *ids = g_new (HerdEventId, N);
  for (guint64 i = 0; i < N; i++)
    /* Times descend so that the survivors are deep in the heap. */
    ids[i] = herd_event_queue_push (q, (HerdTime) (N - i), record_arg, NULL,
                                    i);
  gsize live = N;
  for (guint64 i = 0; i < N; i++)
    if (i % 10 != 0)
      {
        CU_ASSERT_TRUE (herd_event_queue_cancel (q, ids[i]));
        live--;
        CU_ASSERT_EQUAL (herd_event_queue_length (q), live);
      }
  for (guint64 i = 0; i < N; i++)
    if (i % 10 != 0)
      CU_ASSERT_FALSE (herd_event_queue_cancel (q, ids[i]));
  /* New events reuse released slots without reviving old ids. */
  for (guint64 i = 0; i < 100; i++)
    herd_event_queue_push (q, HERD_TIME_NEVER - 1, record_arg, NULL, N + i);
  for (guint64 i = 0; i < N; i++)
    if (i % 10 != 0)
      CU_ASSERT_FALSE (herd_event_queue_cancel (q, ids[i]));
  CU_ASSERT_EQUAL (herd_event_queue_length (q), N / 10 + 100);
  CU_ASSERT_EQUAL (herd_event_queue_peek_time (q), 10);

  g_autoptr (GArray) fired = drain (q);
  CU_ASSERT_EQUAL (fired->len, N / 10 + 100);
  for (guint k = 0; k < N / 10; k++)
    CU_ASSERT_EQUAL (g_array_index (fired, guint64, k), N - 10 - 10 * k);
  for (guint k = 0; k < 100; k++)
    CU_ASSERT_EQUAL (g_array_index (fired, guint64, N / 10 + k), N + k);
}

/* A NULL callback is a programming error: the process aborts.  Run in a
 * child so the test binary survives. */
static void
test_null_fn_asserts (void)
{
  fflush (NULL);
  pid_t pid = fork ();
  CU_ASSERT_FATAL (pid >= 0);
  if (pid == 0)
    {
      /* Keep the expected assertion message out of the test output. */
      if (freopen ("/dev/null", "w", stderr) == NULL)
        _exit (3);
      HerdEventQueue *q = herd_event_queue_new ();
      herd_event_queue_push (q, 0, NULL, NULL, 0);
      _exit (0);
    }
  int status = 0;
  CU_ASSERT_EQUAL (waitpid (pid, &status, 0), pid);
  CU_ASSERT_TRUE (WIFSIGNALED (status));
}

/* The randomized comparison. */

typedef struct
{
  HerdTime time;
  guint64 seq;
  guint64 arg;
  HerdEventId id;
} RefEvent;

static gint
ref_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const RefEvent *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : 0;
}

static guint64
xorshift64 (guint64 *state)
{
  guint64 x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

static void
test_random_against_reference (void)
{
  g_autoptr (HerdEventQueue) q = herd_event_queue_new ();
  g_autoptr (GSequence) ref = g_sequence_new (g_free);
  /* id -> GSequenceIter of the pending reference event. */
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash,
                                                   g_int64_equal);
  g_autoptr (GArray) issued = g_array_new (FALSE, FALSE,
                                           sizeof (HerdEventId));
  guint64 rng = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  guint64 seq = 0;
  HerdTime now = 0;
  guint mismatches = 0, pops = 0, cancels_ok = 0, cancels_refused = 0;

  for (int op = 0; op < 100000 && mismatches == 0; op++)
    {
      guint64 r = xorshift64 (&rng);
      guint choice = (guint) (r % 100);
      /* Phases: grow the queue for a while, then shrink it. */
      gboolean growing = (op / 20000) % 2 == 0;
      if (choice < (growing ? 55u : 35u))
        {
          RefEvent *e = g_new (RefEvent, 1);
          /* Few distinct times, so many ties. */
          e->time = now + (HerdTime) ((r >> 8) % 50);
          e->seq = seq++;
          e->arg = r;
          e->id = herd_event_queue_push (q, e->time, record_arg, e, e->arg);
          if (e->id == 0 || g_hash_table_contains (by_id, &e->id))
            mismatches++;
          GSequenceIter *it = g_sequence_insert_sorted (ref, e, ref_compare,
                                                        NULL);
          g_hash_table_insert (by_id, &e->id, it);
          g_array_append_val (issued, e->id);
        }
      else if (choice < 85)
        {
          HerdTime at;
          HerdEventFunc fn;
          gpointer ctx;
          guint64 arg;
          gboolean got = herd_event_queue_pop (q, &at, &fn, &ctx, &arg);
          GSequenceIter *first = g_sequence_get_begin_iter (ref);
          if (g_sequence_iter_is_end (first))
            {
              if (got)
                mismatches++;
              continue;
            }
          RefEvent *e = g_sequence_get (first);
          if (!got || at != e->time || arg != e->arg || ctx != e
              || fn != record_arg)
            mismatches++;
          now = e->time;
          pops++;
          g_hash_table_remove (by_id, &e->id);
          g_sequence_remove (first);
        }
      else if (choice < 97)
        {
          if (issued->len == 0)
            continue;
          /* Mostly recent ids (pending, fired or cancelled), sometimes
           * any id ever issued, sometimes garbage. */
          guint span = MIN (issued->len, (r & 0x100) ? issued->len : 500u);
          HerdEventId id = g_array_index (issued, HerdEventId,
                                          issued->len - 1
                                              - (guint) ((r >> 20) % span));
          if ((r & 0xff) == 0)
            id ^= G_GUINT64_CONSTANT (1) << 40;
          GSequenceIter *it = g_hash_table_lookup (by_id, &id);
          gboolean cancelled = herd_event_queue_cancel (q, id);
          if (cancelled != (it != NULL))
            mismatches++;
          if (it != NULL)
            {
              g_hash_table_remove (by_id, &id);
              g_sequence_remove (it);
              cancels_ok++;
            }
          else
            cancels_refused++;
        }
      else
        {
          GSequenceIter *first = g_sequence_get_begin_iter (ref);
          RefEvent *e = g_sequence_iter_is_end (first)
                            ? NULL
                            : g_sequence_get (first);
          HerdTime expected = e != NULL ? e->time : HERD_TIME_NEVER;
          if (herd_event_queue_peek_time (q) != expected)
            mismatches++;
        }
      if (herd_event_queue_length (q) != (gsize) g_sequence_get_length (ref))
        mismatches++;
    }
  CU_ASSERT_EQUAL (mismatches, 0);
  /* The run exercised what it meant to. */
  CU_ASSERT_TRUE (pops > 20000);
  CU_ASSERT_TRUE (cancels_ok > 1000);
  CU_ASSERT_TRUE (cancels_refused > 1000);

  /* Drain both and compare to the end. */
  HerdTime at;
  guint64 arg;
  while (herd_event_queue_pop (q, &at, NULL, NULL, &arg))
    {
      GSequenceIter *first = g_sequence_get_begin_iter (ref);
      CU_ASSERT_FATAL (!g_sequence_iter_is_end (first));
      RefEvent *e = g_sequence_get (first);
      CU_ASSERT_EQUAL (at, e->time);
      CU_ASSERT_EQUAL (arg, e->arg);
      g_hash_table_remove (by_id, &e->id);
      g_sequence_remove (first);
    }
  CU_ASSERT_EQUAL (g_sequence_get_length (ref), 0);
}

static const HerdTestCase queue_cases[] = {
  { "empty queue", test_empty },
  { "pop returns the event", test_pop_returns_event },
  { "order by time", test_order_by_time },
  { "FIFO among equal times", test_fifo_equal_times },
  { "FIFO while popping", test_fifo_interleaved },
  { "cancel pending", test_cancel_pending },
  { "cancel fired, cancel twice", test_cancel_fired_and_twice },
  { "stale id after slot reuse", test_cancel_stale_id },
  { "mass cancel and compaction", test_mass_cancel },
  { "NULL fn asserts", test_null_fn_asserts },
  { "random ops vs sorted reference", test_random_against_reference },
  { NULL, NULL },
};

static const HerdTestSuite suites[] = {
  { "event-queue", queue_cases },
  { NULL, NULL },
};

int
main (void)
{
  return herd_test_main (suites);
}
