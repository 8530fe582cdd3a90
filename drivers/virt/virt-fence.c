/* virt-fence.c: fence agents run as programs, in the fence-agents calling
 * convention: the options as name=value lines on standard input (action=
 * first, then the host's fence_options), exit status 0 for success; for
 * status, 0 means on and 2 off.
 *
 * The agent runs through the proxy host the core picked when the host has
 * a proxy_command (an argv prefix, "{proxy}" replaced by the proxy's name,
 * e.g. ssh root@{proxy}); otherwise where herd runs.  It runs
 * asynchronously (GSubprocess); its answer comes back as fence_done with
 * "on" or "off" for status, else the exit status and the agent's output,
 * which the core puts in its audit events (with the values of the host's
 * secrets, read from herd run's secrets file and given on standard input
 * after its fence_options, blanked out).  An agent that does not answer
 * in AGENT_TIMEOUT_S is killed and the action failed.  The process itself
 * is run by fence-agent.c (no libvirt there: tests/test-fence-agent.c).
 *
 * Soft fencing runs the same way: [manager] soft_fencing_command (the
 * host agent's restart, `systemctl restart libvirtd` by default) through
 * the host's ssh_command; a failure comes back as soft_fence_failed. */
#include "drivers/virt/virt-private.h"

#include "drivers/virt/fence-agent.h"

static const char *const action_names[HERD_FENCE_ACTION_LAST] = {
  "status", "on", "off", "reboot",
};

/* An agent that has not answered after this long is killed: the action
 * failed. */
#define AGENT_TIMEOUT_S 120

typedef struct
{
  VirtDriver *v;
  HerdId target;
  HerdFenceAction action;
  char *label;  /* "h1 off through h2", for the log */
} FenceCall;

/* output with every value of the host's secrets (fence_secrets, from the
 * secrets file) replaced by "***": an agent that echoes its options (or a
 * proxy's shell tracing them) must not put a password in the log or the
 * audit events, which go to the state database. */
static char *
without_secrets (const HerdVirtHost *host, const char *output)
{
  g_autoptr (GString) text = g_string_new (output);
  for (char **p = host->fence_secrets; p != NULL && *p != NULL; p++)
    {
      const char *value = strchr (*p, '=') + 1;
      if (*value != '\0')
        g_string_replace (text, value, "***", 0);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A program's output on one line: control characters escaped; the output
 * is valid UTF-8 (fence-agent.c), and its non-ASCII bytes are kept. */
static char *
one_line (const char *output)
{
  static char non_ascii[129];
  if (non_ascii[0] == '\0')
    for (int i = 0; i < 128; i++)
      non_ascii[i] = (char) (0x80 + i);
  return g_strescape (output, non_ascii);
}

static void
agent_done (int status, const char *raw_output, gpointer data)
{
  FenceCall *call = data;
  g_autofree char *output = without_secrets (
      &call->v->config->hosts[call->target], raw_output);
  g_autofree char *text = one_line (output);
  g_autofree char *answer = NULL;
  gboolean ok;
  if (call->action == HERD_FENCE_STATUS && (status == 0 || status == 2))
    {
      ok = TRUE;
      answer = g_strdup (status == 0 ? "on" : "off");
    }
  else
    {
      ok = call->action != HERD_FENCE_STATUS && status == 0;
      answer = g_strdup_printf ("exit=%d output=%s", status, text);
    }
  g_message ("fence agent %s: exit %d: %s", call->label, status, text);
  herd_driver_emit_fence_done (call->v->drv, call->target, call->action, ok,
                               answer);
  g_free (call->label);
  g_free (call);
}

static gboolean
virt_fence (HerdDriver *drv, HerdId proxy, HerdId target, guint agent,
            HerdFenceAction action, GError **error)
{
  VirtDriver *v = virt_of (drv);
  const HerdVirtHost *t = &v->config->hosts[target];
  const char *target_name = herd_model_host (drv->model, target)->name;
  const char *proxy_name = herd_model_host (drv->model, proxy)->name;
  if (t->fence_command == NULL || agent > 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                   "host %s has no fence agent %u", target_name, agent);
      return FALSE;
    }
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  for (char **p = t->proxy_command; p != NULL && *p != NULL; p++)
    {
      g_auto (GStrv) parts = g_strsplit (*p, "{proxy}", -1);
      g_ptr_array_add (argv, g_strjoinv (proxy_name, parts));
    }
  for (char **p = t->fence_command; *p != NULL; p++)
    g_ptr_array_add (argv, g_strdup (*p));
  g_ptr_array_add (argv, NULL);

  g_autoptr (GString) input = g_string_new (NULL);
  g_string_append_printf (input, "action=%s\n", action_names[action]);
  for (char **p = t->fence_options; p != NULL && *p != NULL; p++)
    g_string_append_printf (input, "%s\n", *p);
  for (char **p = t->fence_secrets; p != NULL && *p != NULL; p++)
    g_string_append_printf (input, "%s\n", *p);

  FenceCall *call = g_new0 (FenceCall, 1);
  *call = (FenceCall){ v, target, action,
                       g_strdup_printf ("%s %s through %s", target_name,
                                        action_names[action], proxy_name) };
  if (!herd_fence_agent_run ((const char *const *) argv->pdata, input->str,
                             AGENT_TIMEOUT_S, agent_done, call, error))
    {
      g_prefix_error (error, "fence agent of %s: ", target_name);
      g_free (call->label);
      g_free (call);
      return FALSE;
    }
  return TRUE;
}

/* The restart through SSH has not answered after this long: killed, it
 * failed (the core waits SoftFencingWait for the host anyway). */
#define SOFT_FENCE_TIMEOUT_S 60

typedef struct
{
  VirtDriver *v;
  HerdId host;
} SoftFence;

static void
soft_fence_done (int status, const char *output, gpointer data)
{
  SoftFence *sf = data;
  const char *name = herd_model_host (sf->v->drv->model, sf->host)->name;
  g_autofree char *text = one_line (output);
  if (status == 0)
    g_message ("soft fencing %s: its agent was restarted: %s", name, text);
  else
    {
      g_autofree char *why = g_strdup_printf ("exit=%d output=%s", status,
                                              text);
      g_warning ("soft fencing %s: %s", name, why);
      herd_driver_emit_soft_fence_failed (sf->v->drv, sf->host, why);
    }
  g_free (sf);
}

gboolean
herd_virt_soft_fence (HerdDriver *drv, HerdId host, GError **error)
{
  VirtDriver *v = virt_of (drv);
  const HerdVirtHost *h = &v->config->hosts[host];
  const char *name = herd_model_host (drv->model, host)->name;
  if (h->ssh_command == NULL)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_UNSUPPORTED,
                   "host %s has no ssh_command", name);
      return FALSE;
    }
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  g_strv_builder_addv (argv, (const char **) h->ssh_command);
  g_strv_builder_addv (argv, (const char **) v->config->soft_fencing_command);
  g_auto (GStrv) words = g_strv_builder_end (argv);
  SoftFence *sf = g_new (SoftFence, 1);
  *sf = (SoftFence){ v, host };
  if (!herd_fence_agent_run ((const char *const *) words, "",
                             SOFT_FENCE_TIMEOUT_S, soft_fence_done, sf,
                             error))
    {
      g_prefix_error (error, "soft fencing %s: ", name);
      g_free (sf);
      return FALSE;
    }
  return TRUE;
}

const HerdFenceOps herd_virt_fencing = {
  .fence = virt_fence,
};
