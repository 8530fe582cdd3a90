/* test-util.c: runs CUnit suites for one test binary (see test-util.h). */
#include "tests/test-util.h"

#include <stdlib.h>

int
herd_test_main (const HerdTestSuite *suites)
{
  if (CU_initialize_registry () != CUE_SUCCESS)
    return 1;
  for (const HerdTestSuite *s = suites; s->name != NULL; s++)
    {
      CU_pSuite suite = CU_add_suite (s->name, NULL, NULL);
      if (suite == NULL)
        return 1;
      for (const HerdTestCase *c = s->cases; c->name != NULL; c++)
        if (CU_add_test (suite, c->name, c->func) == NULL)
          return 1;
    }
  CU_basic_set_mode (CU_BRM_NORMAL);
  CU_basic_run_tests ();
  unsigned failed = CU_get_number_of_failures ()
                    + CU_get_number_of_tests_failed ();
  unsigned ran = CU_get_number_of_tests_run ();
  CU_cleanup_registry ();
  return (failed == 0 && ran > 0) ? 0 : 1;
}

char *
herd_test_source_path (const char *relative)
{
  const char *top = g_getenv ("HERD_SOURCE_DIR");
  return g_build_filename (top != NULL ? top : ".", relative, NULL);
}
