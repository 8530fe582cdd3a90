/* test-bench.c: herd bench's sweep (sim/bench.h): the Cartesian product
 * of policies and --set values in order, settings applied to a
 * scenario's text (replacing the key's line or adding one after the
 * group's header, comments kept), errors for groups that are not there,
 * and Student's t confidence intervals against values worked by hand. */
#include <string.h>

#include "sim/bench.h"
#include "tests/test-util.h"

static void
test_configs (void)
{
  char *policies[] = { "none", "power_saving", NULL };
  char *sets[] = { "cluster.c1.policy.HighUtilization=70, 80", NULL };
  g_autoptr (GPtrArray) configs = NULL;
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE_FATAL (herd_bench_configs (policies, sets, &configs,
                                            &error));
  CU_ASSERT_EQUAL_FATAL (configs->len, 4);
  static const char *const labels[] = {
    "policy=none cluster.c1.policy.HighUtilization=70",
    "policy=none cluster.c1.policy.HighUtilization=80",
    "policy=power_saving cluster.c1.policy.HighUtilization=70",
    "policy=power_saving cluster.c1.policy.HighUtilization=80",
  };
  for (guint i = 0; i < 4; i++)
    CU_ASSERT_STRING_EQUAL (
        ((HerdBenchConfig *) g_ptr_array_index (configs, i))->label,
        labels[i]);
  g_autoptr (GPtrArray) plain = NULL;
  CU_ASSERT_TRUE (herd_bench_configs (NULL, NULL, &plain, &error));
  CU_ASSERT_EQUAL (plain->len, 1);
  CU_ASSERT_STRING_EQUAL (
      ((HerdBenchConfig *) g_ptr_array_index (plain, 0))->label, "baseline");
  char *bad[] = { "cluster.c1.policy.HighUtilization", NULL };
  g_autoptr (GPtrArray) none = NULL;
  CU_ASSERT_FALSE (herd_bench_configs (NULL, bad, &none, &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "expected KEY=V1,V2"));
}

static void
test_apply (void)
{
  static const char *text = "; a comment\n[scenario]\nduration = 1d\n"
                            "[cluster  c1]   ; the first\n"
                            "policy = none\n[cluster c2]\n";
  char *sets[] = { "scenario.duration=2d",
                   "cluster.c1.policy.HighUtilization=70",
                   "defaults.VolumeExtendChunk=2G", NULL };
  char *policies[] = { "power_saving", NULL };
  g_autoptr (GPtrArray) configs = NULL;
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE_FATAL (herd_bench_configs (policies, sets, &configs,
                                            &error));
  g_autofree char *out = herd_bench_apply (
      text, g_ptr_array_index (configs, 0), &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (out);
  CU_ASSERT_STRING_EQUAL (out,
                          "; a comment\n[scenario]\nduration = 2d\n"
                          "[cluster  c1]   ; the first\n"
                          "policy.HighUtilization = 70\n"
                          "policy = power_saving\n[cluster c2]\n"
                          "policy = power_saving\n\n[defaults]\n"
                          "VolumeExtendChunk = 2G");
  char *missing[] = { "cluster.c9.policy=none", NULL };
  g_autoptr (GPtrArray) bad = NULL;
  CU_ASSERT_TRUE_FATAL (herd_bench_configs (NULL, missing, &bad, &error));
  g_autofree char *none = herd_bench_apply (text, g_ptr_array_index (bad, 0),
                                            &error);
  CU_ASSERT_PTR_NULL (none);
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "there is no [cluster "
                                                  "c9]"));
}

/* 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.7764451: half-width
 * 2.7764451 x 1.5811388 / sqrt(5) = 1.9632432. */
static void
test_interval (void)
{
  const double v[] = { 1, 2, 3, 4, 5 };
  double mean, half;
  herd_bench_interval (v, 5, &mean, &half);
  CU_ASSERT_DOUBLE_EQUAL (mean, 3, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (half, 1.9632432, 1e-6);
  herd_bench_interval (v, 1, &mean, &half);
  CU_ASSERT_DOUBLE_EQUAL (mean, 1, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (half, 0, 1e-12);
}

int
main (void)
{
  static const HerdTestCase cases[] = {
    { "configurations", test_configs },
    { "settings applied to a scenario", test_apply },
    { "confidence intervals", test_interval },
    { NULL, NULL },
  };
  static const HerdTestSuite suites[] = {
    { "bench", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
