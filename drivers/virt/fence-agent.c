/* fence-agent.c: one run of a fence agent program (see fence-agent.h). */
#include "drivers/virt/fence-agent.h"

#include <string.h>

typedef struct
{
  GSubprocess *proc;
  guint timeout_s;
  guint timeout_source;
  gboolean timed_out;
  HerdFenceAgentDone done;
  gpointer data;
} AgentRun;

static gboolean
agent_timeout (gpointer data)
{
  AgentRun *run = data;
  run->timeout_source = 0;
  run->timed_out = TRUE;
  g_subprocess_force_exit (run->proc);
  return G_SOURCE_REMOVE;
}

static void
agent_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AgentRun *run = data;
  GSubprocess *proc = G_SUBPROCESS (source);
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  /* Bytes, not text: an agent's output is whatever it prints (a BMC's
   * banner, a locale's), and reading it as UTF-8 failed on the first
   * other byte, losing the exit status of an agent that succeeded. */
  gboolean ran = g_subprocess_communicate_finish (proc, result, &out, NULL,
                                                  &error);
  int status = ran && g_subprocess_get_if_exited (proc)
                   ? g_subprocess_get_exit_status (proc)
                   : -1;
  if (run->timeout_source != 0)
    g_source_remove (run->timeout_source);
  g_autofree char *text = NULL;
  if (run->timed_out)
    text = g_strdup_printf ("no answer in %u s", run->timeout_s);
  else if (!ran)
    text = g_strdup (error->message);
  else
    {
      gsize len = 0;
      const char *bytes = out != NULL ? g_bytes_get_data (out, &len) : NULL;
      /* Valid UTF-8 for the log and the audit line: each bad byte is
       * U+FFFD. */
      text = g_strstrip (g_utf8_make_valid (bytes != NULL ? bytes : "",
                                            (gssize) len));
    }
  run->done (status, text, run->data);
  g_free (run);
  g_object_unref (proc);
}

gboolean
herd_fence_agent_run (const char *const *argv, const char *input,
                      guint timeout_s, HerdFenceAgentDone done,
                      gpointer data, GError **error)
{
  GSubprocess *proc = g_subprocess_newv (
      argv,
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
          | G_SUBPROCESS_FLAGS_STDERR_MERGE,
      error);
  if (proc == NULL)
    return FALSE;
  AgentRun *run = g_new0 (AgentRun, 1);
  *run = (AgentRun){ proc, timeout_s, 0, FALSE, done, data };
  run->timeout_source = g_timeout_add_seconds (timeout_s, agent_timeout,
                                               run);
  g_autoptr (GBytes) stdin_bytes = g_bytes_new (input, strlen (input));
  g_subprocess_communicate_async (proc, stdin_bytes, NULL, agent_done, run);
  return TRUE;
}
