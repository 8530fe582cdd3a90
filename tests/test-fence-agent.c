/* test-fence-agent.c: the fence agent runner of the virt driver
 * (drivers/virt/fence-agent.h) with fake agents, no hosts: the options
 * reach the agent's standard input, its exit status comes back with its
 * output even when that output is not UTF-8 (issue 14: a successful fence
 * was recorded as exit -1, so HA VMs were not restarted), the output
 * handed on is valid UTF-8, and an agent that does not answer is killed. */
#include <string.h>

#include <glib/gstdio.h>

#include "drivers/virt/fence-agent.h"
#include "tests/test-util.h"

typedef struct
{
  gboolean done;
  int status;
  char *output;
} Answer;

static void
on_done (int status, const char *output, gpointer data)
{
  Answer *a = data;
  a->done = TRUE;
  a->status = status;
  a->output = g_strdup (output);
}

/* Runs the shell script body as an agent given input; waits for its
 * answer (at most 30 s). */
static Answer
run_agent (const char *body, const char *input, guint timeout_s)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-fence-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fence_fake", NULL);
  g_autofree char *script = g_strconcat ("#!/bin/sh\n", body, NULL);
  CU_ASSERT_TRUE (g_file_set_contents (path, script, -1, NULL));
  CU_ASSERT_EQUAL (g_chmod (path, 0700), 0);
  Answer a = { FALSE, -2, NULL };
  const char *argv[] = { path, NULL };
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE (herd_fence_agent_run (argv, input, timeout_s, on_done, &a,
                                        &error));
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!a.done && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  CU_ASSERT_TRUE (a.done);
  g_remove (path);
  g_rmdir (dir);
  return a;
}

static void
test_non_utf8_success (void)
{
  /* \377 and \376 are never UTF-8; \303 starts a sequence it does not
   * finish. */
  Answer a = run_agent ("cat > /dev/null\n"
                        "printf 'Success: Powered OFF \\377\\376 \\303\\n'\n"
                        "exit 0\n",
                        "action=off\n", 60);
  CU_ASSERT_EQUAL (a.status, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL (a.output);
  CU_ASSERT_TRUE (g_utf8_validate (a.output, -1, NULL));
  CU_ASSERT_TRUE (g_str_has_prefix (a.output, "Success: Powered OFF "));
  if (a.status != 0)
    g_printerr ("\nexit %d: %s\n", a.status, a.output);
  g_free (a.output);
}

static void
test_non_utf8_failure_and_status (void)
{
  Answer a = run_agent ("cat > /dev/null\nprintf 'Failed: \\377\\n'\n"
                        "exit 1\n",
                        "action=off\n", 60);
  CU_ASSERT_EQUAL (a.status, 1);
  CU_ASSERT_TRUE (a.output != NULL && g_utf8_validate (a.output, -1, NULL));
  g_free (a.output);
  /* status: 2 is "off", with whatever the agent printed. */
  Answer b = run_agent ("cat > /dev/null\nprintf 'Status: OFF \\200\\n'\n"
                        "exit 2\n",
                        "action=status\n", 60);
  CU_ASSERT_EQUAL (b.status, 2);
  CU_ASSERT_TRUE (b.output != NULL && g_utf8_validate (b.output, -1, NULL));
  g_free (b.output);
}

static void
test_input_reaches_agent (void)
{
  Answer a = run_agent ("while IFS= read -r line; do echo \"got $line\"; "
                        "done\nexit 0\n",
                        "action=reboot\nport=3\n", 60);
  CU_ASSERT_EQUAL (a.status, 0);
  CU_ASSERT_STRING_EQUAL (a.output, "got action=reboot\ngot port=3");
  g_free (a.output);
}

static void
test_timeout (void)
{
  Answer a = run_agent ("exec sleep 20\n", "action=off\n", 1);
  CU_ASSERT_EQUAL (a.status, -1);
  CU_ASSERT_STRING_EQUAL (a.output, "no answer in 1 s");
  g_free (a.output);
}

int
main (void)
{
  static const HerdTestCase cases[] = {
    { "non-UTF-8 output, exit 0: success", test_non_utf8_success },
    { "non-UTF-8 output: failures and status keep their exit status",
      test_non_utf8_failure_and_status },
    { "options on standard input", test_input_reaches_agent },
    { "an agent that does not answer is killed", test_timeout },
    { NULL, NULL },
  };
  static const HerdTestSuite suites[] = {
    { "fence-agent", cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
