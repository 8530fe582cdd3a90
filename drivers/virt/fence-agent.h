/* fence-agent.h: one run of a fence agent program (virt-fence.c), apart
 * from libvirt so that it can be tested on its own: argv started with
 * input on its standard input, standard output and error read together,
 * an agent that has not answered in timeout_s seconds killed. */
#pragma once

#include <gio/gio.h>

/* status: the agent's exit status, -1 when it did not exit (killed,
 * timed out) or could not be read; output: its output read as bytes,
 * made valid UTF-8 (each invalid byte U+FFFD) and stripped, or why there
 * is none ("no answer in 120 s", the error). */
typedef void (*HerdFenceAgentDone) (int status, const char *output,
                                    gpointer data);

/* FALSE with error when argv cannot be started; else done runs once, from
 * the main context. */
gboolean herd_fence_agent_run (const char *const *argv, const char *input,
                               guint timeout_s, HerdFenceAgentDone done,
                               gpointer data, GError **error);
