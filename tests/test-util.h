/* test-util.h: the small harness every CUnit test binary shares.
 *
 * A test binary lists its suites in a HerdTestSuite array and calls
 * herd_test_main(); the binary exits 0 only when every assertion passed,
 * so CTest sees failures.  HERD_SOURCE_DIR (set by CTest) locates the
 * source tree for tests that read scenarios or golden files. */
#pragma once

#include <CUnit/Basic.h>
#include <glib.h>

typedef struct
{
  const char *name;
  void (*func) (void);
} HerdTestCase;

typedef struct
{
  const char *name;
  const HerdTestCase *cases; /* terminated by { NULL, NULL } */
} HerdTestSuite;

/* Runs the suites (terminated by { NULL, NULL }); returns the exit code. */
int herd_test_main (const HerdTestSuite *suites);

/* Path of a file in the source tree: HERD_SOURCE_DIR/relative. */
char *herd_test_source_path (const char *relative);
