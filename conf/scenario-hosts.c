/* scenario-hosts.c: the scenario loader's [hosts NAME] groups (see
 * scenario.c).
 *
 * Phase 3 reads a group's values: count, cores and threads, memory, swap
 * and reserved memory, NIC, SPM priority, power, boot time, fence agents
 * and how they act, networks (checked in scenario-storage.c), CPU load,
 * committed memory, labels.  Phase 4 adds its hosts NAME-1 .. NAME-count to
 * the model with consecutive ids, and keeps a HerdHostGroup of what only
 * the simulator and herd run need. */

#include <string.h>

#include "conf/scenario-private.h"

/* Time a fence agent takes per action (status, on, off). */
#define HERD_SL_DEFAULT_FENCE_LATENCY HERD_SEC (5)
#define HERD_SL_DEFAULT_NIC "10Gbit"
#define HERD_SL_DEFAULT_SPM_PRIORITY 5
#define HERD_SL_DEFAULT_HOST_BOOT HERD_MIN (5)

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

#define HERD_SL_FENCE_AGENTS                                                \
  "fence agent kinds such as ipmilan, ilo4 (or none alone)"

/* fence_agent = KIND, ... (or none: no power management) into
 * g->fence_agents, and the keys that say how the agents act, which need
 * an agent. */
static void
herd_sl_parse_fencing (HerdSlLoader *l, HerdSlGroup *g)
{
  static const char *const agent_keys[] = { "fence_concurrent",
                                            "fence_latency", "fence_failure",
                                            NULL };
  herd_sl_read_boolean (l, g, "fence_concurrent", FALSE,
                        &g->fence_concurrent);
  herd_sl_read_duration (l, g, "fence_latency", HERD_SL_DEFAULT_FENCE_LATENCY,
                         FALSE, &g->fence_latency);
  herd_sl_read_fraction (l, g, "fence_failure", 0, &g->fence_failure);

  g_auto (GStrv) agents = NULL;
  if (!herd_sl_read_names (l, g, "fence_agent", HERD_SL_FENCE_AGENTS,
                           &agents))
    return;
  g_autofree char *value = herd_sl_value (l, g, "fence_agent");
  if (agents != NULL && agents[0] == NULL)
    {
      herd_sl_fail_expected (l, g, "fence_agent",
                             "a comma-separated list of " HERD_SL_FENCE_AGENTS,
                             value);
      return;
    }
  gboolean none = agents == NULL || herd_sl_in_list ((const char *const *)
                                                     agents, "none");
  if (none && agents != NULL && agents[1] != NULL)
    {
      herd_sl_fail_expected (l, g, "fence_agent",
                             "none alone (no power management) or a list of "
                             "fence agent kinds without none",
                             value);
      return;
    }
  if (!none)
    {
      g->fence_agents = g_steal_pointer (&agents);
      return;
    }
  g->fence_agents = g_new0 (char *, 1);
  for (const char *const *k = agent_keys; *k != NULL; k++)
    {
      g_autofree char *given = herd_sl_value (l, g, *k);
      if (given == NULL)
        continue;
      g_autofree char *expected = g_strdup_printf (
          "no %s with fence_agent = none (it says how the agents act, and "
          "the hosts have none)",
          *k);
      herd_sl_fail_expected (l, g, *k, expected, given);
    }
}

/* Whether a fence agent option's name (before '=', or a long option's
 * after "--") names a credential: passwords, passphrases, secrets and
 * SNMP communities.  A *_script option names a program that prints one,
 * which may stay. */
static gboolean
herd_sl_is_credential (const char *word)
{
  g_autofree char *name = g_ascii_strdown (word, strcspn (word, "="));
  if (g_str_has_suffix (name, "_script")
      || g_str_has_suffix (name, "-script"))
    return FALSE;
  return strstr (name, "passw") != NULL
         || strstr (name, "passphrase") != NULL
         || strstr (name, "secret") != NULL
         || strstr (name, "community") != NULL;
}

/* No credentials in the configuration (which anyone who may read it
 * reads): fence_options name=value words, and the fence agent's command
 * line (-p, --password..., which every process may read), point to the
 * secrets file instead.  The value is never quoted in the message. */
static void
herd_sl_check_no_credentials (HerdSlLoader *l, HerdSlGroup *g)
{
  static const char *const keys[] = { "fence_options", "fence_command" };
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autofree char *value = herd_sl_value (l, g, keys[k]);
      g_auto (GStrv) words = NULL;
      if (value == NULL || !g_shell_parse_argv (value, NULL, &words, NULL))
        continue; /* a value that does not split is run-config.c's error */
      for (guint i = 0; words[i] != NULL; i++)
        {
          const char *w = words[i];
          gboolean option = k == 1 && g_str_has_prefix (w, "-");
          if (option ? (strcmp (w, "-p") == 0
                        || (g_str_has_prefix (w, "--")
                            && herd_sl_is_credential (w + 2)))
                     : (k == 0 && herd_sl_is_credential (w)))
            {
              g_autofree char *name = g_strndup (w, strcspn (w, "="));
              herd_sl_fail_key (
                  l, g, keys[k],
                  "%s is a credential: the configuration may not hold one; "
                  "give it in herd run's secrets file ([manager] secrets, "
                  "a [hosts %s] group there with a name=value line for "
                  "the agent; docs/real-hosts.md)",
                  name, g->name);
              return;
            }
        }
    }
}

void
herd_sl_parse_hosts (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_count (l, g, "host", HERD_SL_MAX_HOSTS_PER_GROUP);
  gboolean cores_ok = herd_sl_read_integer (l, g, "cores", 1,
                                            HERD_SL_MAX_CORES, 1, &g->cores);
  if (herd_sl_read_integer (l, g, "threads", 1, HERD_SL_MAX_THREADS, -1,
                            &g->threads)
      && cores_ok)
    {
      if (g->threads == -1)
        g->threads = g->cores;
      else if (g->threads < g->cores)
        {
          g_autofree char *value = herd_sl_value (l, g, "threads");
          g_autofree char *expected = g_strdup_printf (
              "at least as many threads as cores (%" G_GINT64_FORMAT ")",
              g->cores);
          herd_sl_fail_expected (l, g, "threads", expected, value);
        }
    }
  herd_sl_read_size (l, g, "memory", 0, TRUE, &g->memory_mib);
  herd_sl_read_size (l, g, "swap", 0, FALSE, &g->swap_mib);
  /* -1: the [defaults] HostReservedMemory, filled in when building. */
  herd_sl_read_size (l, g, "reserved_memory", -1, FALSE, &g->reserved_mib);
  herd_sl_read_rate (l, g, "nic", HERD_SL_DEFAULT_NIC, TRUE, &g->nic);
  herd_sl_read_integer (l, g, "spm_priority", -1, 10,
                        HERD_SL_DEFAULT_SPM_PRIORITY, &g->spm_priority);
  gboolean idle_ok = herd_sl_read_power (l, g, "power_idle", 0,
                                         &g->power_idle_w);
  if (herd_sl_read_power (l, g, "power_max", -1, &g->power_max_w) && idle_ok)
    {
      if (g->power_max_w < 0)
        g->power_max_w = g->power_idle_w;
      else if (g->power_max_w < g->power_idle_w)
        {
          g_autofree char *value = herd_sl_value (l, g, "power_max");
          g_autofree char *idle = herd_sl_value (l, g, "power_idle");
          g_autofree char *expected = g_strdup_printf (
              "a power of at least power_idle (%s)", idle);
          herd_sl_fail_expected (l, g, "power_max", expected, value);
        }
    }
  herd_sl_read_duration (l, g, "boot_time", HERD_SL_DEFAULT_HOST_BOOT, FALSE,
                         &g->boot_time);
  herd_sl_parse_fencing (l, g);
  herd_sl_check_no_credentials (l, g);
  herd_sl_read_names (l, g, "networks", HERD_SL_NETWORK_NAMES,
                      &g->network_names);
  herd_sl_read_percent (l, g, "cpu_load", 0, &g->cpu_load);
  if (herd_sl_read_size (l, g, "committed_memory", 0, FALSE,
                         &g->committed_mib)
      && g->ok && g->committed_mib > g->memory_mib + g->swap_mib)
    {
      g_autofree char *value = herd_sl_value (l, g, "committed_memory");
      g_autofree char *most = herd_sl_format_size (g->memory_mib
                                                   + g->swap_mib);
      g_autofree char *expected = g_strdup_printf (
          "a size of at most memory + swap (%s)", most);
      herd_sl_fail_expected (l, g, "committed_memory", expected, value);
    }
  herd_sl_read_duration (l, g, "cpu_threshold_for", 0, TRUE,
                         &g->threshold_for);
  herd_sl_read_names (l, g, "labels", HERD_SL_LABELS, &g->labels);
}

/* ------------------------------------------------------------------ */
/* Phase 4: build                                                      */

void
herd_sl_build_hosts (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdModel *model = l->scenario->model;
  HerdId dc = herd_model_cluster (model, g->ref)->datacenter;
  HerdNetworkSet networks = g->network_ids != NULL
                                ? herd_sl_network_set (model, g->network_ids)
                                : herd_sl_datacenter_networks (model, dc,
                                                               FALSE);
  HerdHostGroup *group = g_new0 (HerdHostGroup, 1);
  guint32 index = l->scenario->host_groups->len;
  group->name = g_strdup (g->name);
  group->first = model->hosts->len;
  group->count = (guint32) g->count;
  group->power_idle_w = g->power_idle_w;
  group->power_max_w = g->power_max_w;
  group->boot_time = g->boot_time;
  group->fence_agents = g_strdupv (g->fence_agents);
  group->fence_concurrent = g->fence_concurrent;
  group->fence_latency = g->fence_latency;
  group->fence_failure = g->fence_failure;
  group->cpu_load = g->cpu_load;
  group->committed_mib = g->committed_mib;
  for (int k = 0; k < HERD_CONNECT_KEY_LAST; k++)
    group->connect[k] = herd_sl_value (l, g, herd_connect_key_name (k));
  g_ptr_array_add (l->scenario->host_groups, group);
  for (gint64 i = 1; i <= g->count; i++)
    {
      g_autofree char *name = g->single ? g_strdup (g->name)
                                        : g_strdup_printf (
                                            "%s-%" G_GINT64_FORMAT, g->name,
                                            i);
      HerdHost *host = herd_model_add_host (model, name, g->ref);
      host->cores = (guint32) g->cores;
      host->threads = (guint32) g->threads;
      host->memory_mib = g->memory_mib;
      host->swap_mib = g->swap_mib;
      host->reserved_mib = g->reserved_mib >= 0
                               ? g->reserved_mib
                               : model->params.host_reserved_mib;
      host->nic_bandwidth = g->nic;
      host->spm_priority = (gint32) g->spm_priority;
      host->networks = networks;
      host->power_management = g->fence_agents[0] != NULL;
      host->fence_agents = g_strv_length (g->fence_agents);
      host->fence_concurrent = g->fence_concurrent;
      host->committed_mem_mib = g->committed_mib;
      if (g->threshold_for > 0)
        host->cpu_over_since = -g->threshold_for;
      g_array_append_val (l->scenario->host_group_of, index);
    }
}
