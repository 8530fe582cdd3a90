/* test-trace.c: recorded CPU traces (sim/trace.h): the shipped Bitbrains
 * and Azure samples read as written (4 VMs, 288 readings each, the first
 * reading of each file), values looked up through the day and after it
 * (the series repeats), and malformed rows named by file and line. */
#include <string.h>

#include <glib/gstdio.h>

#include "sim/trace.h"
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

int
main (void)
{
  static const HerdTestCase cases[] = {
    { "Bitbrains GWA-T-12", test_bitbrains },
    { "Azure 2019", test_azure },
    { "malformed rows", test_errors },
    { NULL, NULL },
  };
  static const HerdTestSuite suites[] = {
    { "trace", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
