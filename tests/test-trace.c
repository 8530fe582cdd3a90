/* test-trace.c: recorded CPU traces (conf/trace.h): the shipped Bitbrains
 * and Azure samples read as written (4 VMs, 288 readings each, the first
 * reading of each file), values looked up through the day and after it
 * (the series repeats), and malformed rows named by file and line;
 * timestamps whose nanoseconds would overflow (issue 14) are errors, not
 * a period of 0 or less; samples files (history) read by column name. */
#include <string.h>

#include <glib/gstdio.h>

#include "conf/trace.h"
#include "sim/workload.h"
#include "tests/test-util.h"

static HerdTraceSet *
load (const char *spec)
{
  g_autofree char *dir = herd_test_source_path ("scenarios");
  g_autoptr (GError) error = NULL;
  HerdTraceSet *set = herd_trace_load (spec, dir, &error);
  if (set == NULL)
    g_printerr ("%s\n", error->message);
  return set;
}

static void
test_bitbrains (void)
{
  g_autoptr (HerdTraceSet) set = load ("trace:bitbrains:traces/bitbrains");
  CU_ASSERT_PTR_NOT_NULL_FATAL (set);
  CU_ASSERT_EQUAL_FATAL (set->series->len, 4);
  const HerdTraceSeries *s = g_ptr_array_index (set->series, 0);
  CU_ASSERT_STRING_EQUAL (s->name, "1.csv");
  CU_ASSERT_EQUAL (s->points->len, 288);
  CU_ASSERT_EQUAL (s->period, HERD_DAY (1));
  /* 1.csv's first reading: 5.710224 % at its first timestamp. */
  guint cursor = 0;
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (s, 0, &cursor), 5.710224, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (s, HERD_SEC (299), &cursor),
                          5.710224, 1e-9);
  double noon = herd_trace_value (s, HERD_HOUR (12), &cursor);
  CU_ASSERT (noon > 25 && noon < 45); /* busy hours: 35 +- 5 */
  /* A day later it repeats (the cursor goes back to the start). */
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (s, HERD_DAY (1), &cursor),
                          5.710224, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (s, HERD_DAY (1) + HERD_HOUR (12),
                                            &cursor),
                          noon, 1e-9);
}

static void
test_azure (void)
{
  g_autoptr (HerdTraceSet) set = load ("trace:azure:traces/azure");
  CU_ASSERT_PTR_NOT_NULL_FATAL (set);
  CU_ASSERT_EQUAL_FATAL (set->series->len, 4);
  const HerdTraceSeries *s = g_ptr_array_index (set->series, 1);
  CU_ASSERT_STRING_EQUAL (s->name, "synthetic-vm-2");
  CU_ASSERT_EQUAL (s->points->len, 288);
  guint cursor = 0;
  /* The readings' first row for synthetic-vm-2: avgcpu 5.178. */
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (s, 0, &cursor), 5.178, 1e-9);
}

static void
test_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-trace-XXXXXX", NULL);
  g_autofree char *bb = g_build_filename (dir, "bb", NULL);
  g_autofree char *az = g_build_filename (dir, "az", NULL);
  g_mkdir (bb, 0700);
  g_mkdir (az, 0700);
  g_autofree char *f1 = g_build_filename (bb, "1.csv", NULL);
  g_file_set_contents (f1, "1;2;3;4;5;6;7;8;9;10;11\n2;2;3;4;five;6;7;8;9;"
                       "10;11\n", -1, NULL);
  g_autofree char *vt = g_build_filename (az, "vmtable.csv", NULL);
  g_autofree char *rd = g_build_filename (az, "vm_cpu_readings-1.csv", NULL);
  g_file_set_contents (vt, "a,s,d,0,1,1,1,1,c,1,1\n", -1, NULL);
  g_file_set_contents (rd, "0,a,1,2,3\n300,b,1,2,3\n", -1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdTraceSet) a = herd_trace_load ("trace:bitbrains:bb", dir,
                                                &error);
  CU_ASSERT_PTR_NULL (a);
  CU_ASSERT_PTR_NOT_NULL (error != NULL ? strstr (error->message, "1.csv:2: "
                                                                  "expected 11")
                                        : NULL);
  g_clear_error (&error);
  g_autoptr (HerdTraceSet) b = herd_trace_load ("trace:azure:az", dir,
                                                &error);
  CU_ASSERT_PTR_NULL (b);
  CU_ASSERT_PTR_NOT_NULL (
      error != NULL ? strstr (error->message,
                              "vm_cpu_readings-1.csv:2: VM b is not in")
                    : NULL);
  g_clear_error (&error);
  g_autoptr (HerdTraceSet) c = herd_trace_load ("trace:alibaba:x", dir,
                                                &error);
  CU_ASSERT_PTR_NULL (c);
  g_remove (f1);
  g_remove (vt);
  g_remove (rd);
  g_rmdir (bb);
  g_rmdir (az);
  g_rmdir (dir);
}

/* dir/name holds text; the load of spec (relative to dir) must fail with
 * want in its message. */
static void
expect_error (const char *dir, const char *sub, const char *name,
              const char *text, const char *spec, const char *want)
{
  g_autofree char *d = g_build_filename (dir, sub, NULL);
  g_mkdir (d, 0700);
  g_autofree char *f = g_build_filename (d, name, NULL);
  CU_ASSERT_TRUE (g_file_set_contents (f, text, -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdTraceSet) set = herd_trace_load (spec, dir, &error);
  CU_ASSERT_PTR_NULL (set);
  if (set != NULL)
    {
      g_printerr ("\n%s: loaded; expected \"%s\"\n", spec, want);
      const HerdTraceSeries *s = g_ptr_array_index (set->series, 0);
      g_printerr ("period %" G_GINT64_FORMAT "\n", s->period);
    }
  else if (strstr (error->message, want) == NULL)
    g_printerr ("\n%s: \"%s\", expected \"%s\"\n", spec, error->message,
                want);
  CU_ASSERT_TRUE (error != NULL && strstr (error->message, want) != NULL);
  g_remove (f);
}

/* Samples (herd run's history, oVirt's data warehouse): columns found by
 * name, a series per VM in order of first appearance from its first
 * reading (start kept), empty CPU skipped, PostgreSQL's date and time
 * read with its zone; a missing column, a bad time and time going back
 * named by file and line. */
static void
test_samples (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-trace-XXXXXX", NULL);
  g_autofree char *f = g_build_filename (dir, "s.csv", NULL);
  g_file_set_contents (
      f,
      "history_id,history_datetime,vm_id,cpu_usage_percent,other\r\n"
      "1,2024-05-01 10:00:00+00,b,10,x\r\n"
      "2,2024-05-01 12:00:30+02,a,20,\"y,z\"\r\n"
      "3,2024-05-01 10:01:00+00,b,,x\r\n"
      "4,2024-05-01T10:02:00Z,b,130,x\r\n",
      -1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdTraceSet) set = herd_trace_load ("trace:samples:s.csv", dir,
                                                  &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (set);
  CU_ASSERT_EQUAL_FATAL (set->series->len, 2);
  const HerdTraceSeries *b = g_ptr_array_index (set->series, 0);
  const HerdTraceSeries *a = g_ptr_array_index (set->series, 1);
  CU_ASSERT_STRING_EQUAL (b->name, "b");
  CU_ASSERT_STRING_EQUAL (a->name, "a");
  CU_ASSERT_DOUBLE_EQUAL (b->start, 1714557600, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL (a->start, 1714557630, 1e-6);
  CU_ASSERT_EQUAL (b->points->len, 2);
  CU_ASSERT_EQUAL (b->period, HERD_MIN (4));
  guint cursor = 0;
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (b, HERD_MIN (1), &cursor), 10,
                          1e-9);
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (b, HERD_MIN (2), &cursor), 100,
                          1e-9);
  static const struct
  {
    const char *text, *want;
  } bad[] = {
    { "time,vm\n1,a\n", "s.csv:1: expected a header line naming the "
                         "columns time (or history_datetime), vm (or "
                         "vm_name, vm_id) and cpu_usage_percent" },
    { "time,vm,cpu_usage_percent\n1,a,2\nyesterday,a,3\n",
      "s.csv:3: expected a time (seconds, or a date and time such as "
      "2024-05-01 10:01:00+00), a VM and a cpu_usage_percent number, got "
      "\"yesterday\", \"a\", \"3\"" },
    { "time,vm,cpu_usage_percent\n60,a,2\n\n0,a,3\n",
      "s.csv:4: timestamps must increase" },
    { "time,vm,cpu_usage_percent\n60,a\n", "s.csv:2: expected 3 fields" },
    { "time,vm,cpu_usage_percent\n60,a,\n", "s.csv: no samples" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_clear_error (&error);
      g_file_set_contents (f, bad[i].text, -1, NULL);
      g_autoptr (HerdTraceSet) no = herd_trace_load ("trace:samples:s.csv",
                                                     dir, &error);
      CU_ASSERT_PTR_NULL (no);
      if (error == NULL || strstr (error->message, bad[i].want) == NULL)
        g_printerr ("\n%s: %s\n", bad[i].want,
                    error ? error->message : "loaded");
      CU_ASSERT_TRUE (error != NULL
                      && strstr (error->message, bad[i].want) != NULL);
    }
  g_remove (f);
  g_rmdir (dir);
}

static void
test_timestamp_range (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-trace-XXXXXX", NULL);
  const char *row = ";1;1;1;5;1;1;1;1;1;1\n";
  g_autofree char *huge = g_strconcat ("-1e300", row, NULL);
  expect_error (dir, "bb1", "1.csv", huge, "trace:bitbrains:bb1",
                "1.csv:1: field 1 (timestamp): expected seconds between 0 "
                "and 4000000000, got \"-1e300\"");
  /* Each within int64 nanoseconds, but the span plus a step is not. */
  g_autofree char *span = g_strconcat ("0", row, "4611686018.427388", row,
                                       NULL);
  expect_error (dir, "bb2", "1.csv", span, "trace:bitbrains:bb2",
                "1.csv:2: field 1 (timestamp): expected seconds between 0 "
                "and 4000000000, got \"4611686018.427388\"");
  g_autofree char *az = g_build_filename (dir, "az", NULL);
  g_mkdir (az, 0700);
  g_autofree char *vt = g_build_filename (az, "vmtable.csv", NULL);
  g_file_set_contents (vt, "a,s,d,0,1,1,1,1,c,1,1\n", -1, NULL);
  expect_error (dir, "az", "vm_cpu_readings-1.csv",
                "0,a,1,2,3\n9.3e9,a,1,2,3\n", "trace:azure:az",
                "vm_cpu_readings-1.csv:2: field 1 (timestamp): expected "
                "seconds between 0 and 4000000000, got \"9.3e9\"");
  /* The largest accepted: a period that still fits. */
  g_autofree char *bb3 = g_build_filename (dir, "bb3", NULL);
  g_mkdir (bb3, 0700);
  g_autofree char *f3 = g_build_filename (bb3, "1.csv", NULL);
  g_autofree char *edge = g_strconcat ("0", row, "4000000000", row, NULL);
  g_file_set_contents (f3, edge, -1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdTraceSet) ok = herd_trace_load ("trace:bitbrains:bb3", dir,
                                                 &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (ok);
  const HerdTraceSeries *s = g_ptr_array_index (ok->series, 0);
  CU_ASSERT_EQUAL (s->period, 2 * HERD_SEC (G_GINT64_CONSTANT (4000000000)));
  guint cursor = 0;
  CU_ASSERT_DOUBLE_EQUAL (herd_trace_value (s, G_MAXINT64, &cursor), 5,
                          1e-9);
  g_remove (f3);
  g_remove (vt);
  for (guint i = 0; i < 4; i++)
    {
      static const char *const subs[] = { "bb1", "bb2", "bb3", "az" };
      g_autofree char *d = g_build_filename (dir, subs[i], NULL);
      g_rmdir (d);
    }
  g_rmdir (dir);
}

int
main (void)
{
  static const HerdTestCase cases[] = {
    { "Bitbrains GWA-T-12", test_bitbrains },
    { "Azure 2019", test_azure },
    { "malformed rows", test_errors },
    { "timestamps out of range", test_timestamp_range },
    { "samples: herd run's history and oVirt's data warehouse",
      test_samples },
    { NULL, NULL },
  };
  static const HerdTestSuite suites[] = {
    { "trace", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
