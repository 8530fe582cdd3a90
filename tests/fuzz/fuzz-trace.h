/* fuzz-trace.h: the trace harnesses' common step: load the files
 * written into the harness's directory and check what was loaded. */
#pragma once

#include "tests/fuzz/fuzz-util.h"

#include "conf/trace.h"
#include "sim/workload.h"

/* What a load gave (set, or error): one or the other, and a set whose
 * series are sound and looked up within 0..100. */
static inline void
herd_fuzz_trace_check_loaded (HerdTraceSet *set, GError *error)
{
  if ((set == NULL) == (error == NULL))
    abort ();
  if (set == NULL)
    return;
  if (set->series->len == 0)
    abort ();
  for (guint s = 0; s < set->series->len; s++)
    {
      const HerdTraceSeries *series = g_ptr_array_index (set->series, s);
      const GArray *p = series->points;
      if (p->len == 0 || series->period <= 0
          || g_array_index (p, HerdTracePoint, 0).at != 0
          || g_array_index (p, HerdTracePoint, p->len - 1).at
                 >= series->period)
        abort ();
      /* Forward over two periods in up to 64 steps, then back at 0. */
      HerdTime step = MAX (series->period / 32, 1);
      guint cursor = 0;
      for (HerdTime t = 0, n = 0; n < 64; t += step, n++)
        {
          if (t > G_MAXINT64 - step)
            break;
          double v = herd_trace_value (series, t, &cursor);
          if (!(v >= 0.0 && v <= 100.0))
            abort ();
        }
      double first = herd_trace_value (series, 0, &cursor);
      if (first != g_array_index (p, HerdTracePoint, 0).percent)
        abort ();
    }
}

static inline void
herd_fuzz_trace_check (const char *format)
{
  g_autofree char *spec = g_strdup_printf ("trace:%s:%s", format,
                                           herd_fuzz_dir_path);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdTraceSet) set = herd_trace_load (spec, "/nonexistent",
                                                  &error);
  herd_fuzz_trace_check_loaded (set, error);
}
