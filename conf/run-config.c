/* run-config.c: herd run's configuration into the virt driver's
 * (run-config.h). */
#include "conf/run-config.h"

#include <string.h>

static char *
expand (const char *text, guint n, const char *name)
{
  g_autofree char *number = g_strdup_printf ("%u", n);
  g_auto (GStrv) by_n = g_strsplit (text, "{n}", -1);
  g_autofree char *with_n = g_strjoinv (number, by_n);
  g_auto (GStrv) by_name = g_strsplit (with_n, "{name}", -1);
  return g_strjoinv (name, by_name);
}

static void
set_invalid (GError **error, const HerdScenario *s, const char *group_kind,
             const char *group, const char *key, const char *expected)
{
  g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
               "%s: [%s %s] %s: %s", s->path, group_kind, group, key,
               expected);
}

/* A command line key into argv (NULL when absent). */
static gboolean
parse_words (const HerdScenario *s, const HerdHostGroup *g,
             HerdConnectKey key, guint n, const char *name, GStrv *out,
             GError **error)
{
  *out = NULL;
  if (g->connect[key] == NULL)
    return TRUE;
  g_autofree char *text = expand (g->connect[key], n, name);
  g_autoptr (GError) local = NULL;
  if (!g_shell_parse_argv (text, NULL, out, &local))
    {
      g_autofree char *expected = g_strdup_printf (
          "expected words as a shell would split them: %s", local->message);
      set_invalid (error, s, "hosts", g->name, herd_connect_key_name (key),
                   expected);
      return FALSE;
    }
  return TRUE;
}

static gboolean
fill_host (const HerdScenario *s, const HerdHostGroup *g, guint n,
           const char *name, HerdVirtHost *h, GError **error)
{
  if (g->connect[HERD_CONNECT_URI] == NULL)
    {
      set_invalid (error, s, "hosts", g->name, "uri",
                   "herd run needs each host's libvirt URI, such as "
                   "qemu+ssh://root@{name}/system");
      return FALSE;
    }
  h->uri = expand (g->connect[HERD_CONNECT_URI], n, name);
  if (g->connect[HERD_CONNECT_SANLOCK_DIR] != NULL)
    h->sanlock_dir = expand (g->connect[HERD_CONNECT_SANLOCK_DIR], n, name);
  if (g->connect[HERD_CONNECT_MIGRATION_URI] != NULL)
    h->migration_uri = expand (g->connect[HERD_CONNECT_MIGRATION_URI], n,
                               name);
  if (!parse_words (s, g, HERD_CONNECT_FENCE_COMMAND, n, name,
                    &h->fence_command, error)
      || !parse_words (s, g, HERD_CONNECT_FENCE_OPTIONS, n, name,
                       &h->fence_options, error)
      || !parse_words (s, g, HERD_CONNECT_PROXY_COMMAND, n, name,
                       &h->proxy_command, error))
    return FALSE;
  gboolean power_management = g->fence_agents != NULL
                              && g->fence_agents[0] != NULL;
  if (power_management && h->fence_command == NULL)
    {
      set_invalid (error, s, "hosts", g->name, "fence_command",
                   "hosts with a fence_agent need the agent's command "
                   "line, such as fence_ipmilan");
      return FALSE;
    }
  for (char **o = h->fence_options; o != NULL && *o != NULL; o++)
    if (strchr (*o, '=') == NULL)
      {
        g_autofree char *expected = g_strdup_printf (
            "expected name=value words, got \"%s\"", *o);
        set_invalid (error, s, "hosts", g->name, "fence_options", expected);
        return FALSE;
      }
  return TRUE;
}

HerdVirtConfig *
herd_run_config (const HerdScenario *s, GError **error)
{
  HerdModel *model = s->model;
  HerdVirtConfig *config = g_new0 (HerdVirtConfig, 1);
  config->hosts = g_new0 (HerdVirtHost, MAX (model->hosts->len, 1));
  config->domains = g_new0 (HerdVirtDomain, MAX (model->domains->len, 1));
  config->vms = g_new0 (HerdVirtVm, MAX (model->vms->len, 1));
  for (guint gi = 0; gi < s->vm_groups->len; gi++)
    {
      const HerdVmGroup *g = g_ptr_array_index (s->vm_groups, gi);
      for (guint i = 0; i < g->count; i++)
        {
          HerdVirtVm *vm = &config->vms[g->first + i];
          const char *name = herd_model_vm (model, g->first + i)->name;
          vm->kernel = g->kernel != NULL ? expand (g->kernel, i + 1, name)
                                         : NULL;
          vm->initrd = g->initrd != NULL ? expand (g->initrd, i + 1, name)
                                         : NULL;
          vm->cmdline = g->cmdline != NULL
                            ? expand (g->cmdline, i + 1, name)
                            : NULL;
        }
    }
  config->bridges = g_new0 (char *, model->networks->len + 1);
  for (guint n = 0; n < model->networks->len; n++)
    {
      const char *bridge = g_ptr_array_index (s->network_bridges, n);
      config->bridges[n] = g_strdup (
          bridge != NULL ? bridge : herd_model_network (model, n)->name);
    }
  config->io_timeout_s = (guint) MAX (s->io_timeout / HERD_SEC (1), 1);
  config->seed = s->seed;
  config->domain_type = g_strdup (s->run.domain_type);
  config->reconnect_interval = s->run.reconnect_interval;
  config->job_poll_interval = s->run.job_poll_interval;
  gboolean ok = TRUE;
  for (guint gi = 0; gi < s->host_groups->len && ok; gi++)
    {
      const HerdHostGroup *g = g_ptr_array_index (s->host_groups, gi);
      for (guint i = 0; i < g->count && ok; i++)
        {
          HerdId id = g->first + i;
          ok = fill_host (s, g, i + 1, herd_model_host (model, id)->name,
                          &config->hosts[id], error);
        }
    }
  for (guint d = 0; d < model->domains->len && ok; d++)
    {
      const HerdStorageDomain *sd = herd_model_domain (model, d);
      const char *path = g_ptr_array_index (s->domain_paths, d);
      config->domains[d].path = g_strdup (path);
      if (path == NULL && sd->master)
        {
          set_invalid (error, s, "storage", sd->name, "path",
                       "herd run needs the directory of each master "
                       "storage domain (its lockspace and leases live "
                       "there)");
          ok = FALSE;
        }
    }
  if (!ok)
    {
      herd_virt_config_free (config, model->hosts->len, model->vms->len,
                         model->domains->len);
      return NULL;
    }
  return config;
}

char *
herd_run_default_path (const char *config_path, const char *suffix)
{
  g_autofree char *dir = g_path_get_dirname (config_path);
  g_autofree char *base = g_path_get_basename (config_path);
  if (g_str_has_suffix (base, ".ini"))
    base[strlen (base) - 4] = '\0';
  g_autofree char *file = g_strconcat (base, suffix, NULL);
  return g_build_filename (dir, file, NULL);
}

void
herd_virt_config_free (HerdVirtConfig *config, guint n_hosts, guint n_vms,
                       guint n_domains)
{
  if (config == NULL)
    return;
  for (guint i = 0; config->vms != NULL && i < n_vms; i++)
    {
      g_free (config->vms[i].kernel);
      g_free (config->vms[i].initrd);
      g_free (config->vms[i].cmdline);
    }
  g_free (config->vms);
  for (guint i = 0; i < n_hosts; i++)
    {
      HerdVirtHost *h = &config->hosts[i];
      g_free (h->uri);
      g_free (h->sanlock_dir);
      g_free (h->migration_uri);
      g_strfreev (h->fence_command);
      g_strfreev (h->fence_options);
      g_strfreev (h->proxy_command);
    }
  for (guint i = 0; i < n_domains; i++)
    g_free (config->domains[i].path);
  g_free (config->hosts);
  g_free (config->domains);
  g_strfreev (config->bridges);
  g_free (config->domain_type);
  g_free (config);
}
