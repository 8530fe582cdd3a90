/* run-config.c: herd run's configuration into the virt driver's
 * (run-config.h), and the fence agents' credentials from the secrets
 * file. */
#include "conf/run-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A secrets file larger than this is refused. */
#define MAX_SECRETS_BYTES (1024 * 1024)

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

/* The nics key ("ovirtmgmt=eth0, display=bond0") of host id into h->nics,
 * by network id: each a network attached to the host. */
static gboolean
parse_nics (const HerdScenario *s, const HerdHostGroup *g, guint n,
            HerdId id, HerdVirtHost *h, GError **error)
{
  if (g->connect[HERD_CONNECT_NICS] == NULL)
    return TRUE;
  const HerdModel *model = s->model;
  const HerdHost *host = herd_model_host (model, id);
  HerdId dc = herd_model_cluster (model, host->cluster)->datacenter;
  g_autofree char *text = expand (g->connect[HERD_CONNECT_NICS], n,
                                  host->name);
  g_auto (GStrv) pairs = g_strsplit (text, ",", -1);
  h->nics = g_new0 (char *, model->networks->len + 1);
  for (char **p = pairs; *p != NULL; p++)
    {
      g_auto (GStrv) kv = g_strsplit (g_strstrip (*p), "=", 2);
      const char *net = kv[0] != NULL ? g_strstrip (kv[0]) : "";
      const char *nic = kv[0] != NULL && kv[1] != NULL ? g_strstrip (kv[1])
                                                       : "";
      HerdId nid = herd_model_find_network ((HerdModel *) model, net);
      g_autofree char *expected = NULL;
      if (*net == '\0' || *nic == '\0')
        expected = g_strdup_printf (
            "expected NETWORK=NIC pairs separated by commas, such as "
            "ovirtmgmt=eth0, got \"%s\"", *p);
      else if (nid == HERD_ID_NONE
               || herd_model_network (model, nid)->datacenter != dc
               || !((host->networks >> herd_model_network (model, nid)->bit)
                    & 1))
        expected = g_strdup_printf (
            "\"%s\" is not a network attached to %s", net, host->name);
      else if (h->nics[nid] != NULL)
        expected = g_strdup_printf ("network %s named twice", net);
      if (expected != NULL)
        {
          set_invalid (error, s, "hosts", g->name, "nics", expected);
          return FALSE;
        }
      h->nics[nid] = g_strdup (nic);
    }
  return TRUE;
}

static gboolean
fill_host (const HerdScenario *s, const HerdHostGroup *g, guint n,
           HerdId id, HerdVirtHost *h, GError **error)
{
  const char *name = herd_model_host (s->model, id)->name;
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
                       &h->proxy_command, error)
      || !parse_words (s, g, HERD_CONNECT_SSH_COMMAND, n, name,
                       &h->ssh_command, error)
      || !parse_nics (s, g, n, id, h, error))
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

/* ------------------------------------------------------------------ */
/* The secrets file                                                    */

/* One [hosts GROUP] or [host NAME] group of the secrets file. */
typedef struct
{
  gboolean one_host; /* [host NAME], else [hosts GROUP] */
  char *name;
  GPtrArray *lines;  /* "name=value" */
} SecretGroup;

static void
secret_group_free (gpointer data)
{
  SecretGroup *g = data;
  g_free (g->name);
  g_ptr_array_unref (g->lines);
  g_free (g);
}

static void G_GNUC_PRINTF (4, 5)
secrets_failed (GError **error, const char *path, guint line,
                const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                 "secrets file %s:%u: %s", path, line, what);
  else
    g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                 "secrets file %s: %s", path, what);
}

char *
herd_run_secrets_path (const HerdScenario *s)
{
  if (s->run.secrets != NULL)
    return g_strdup (s->run.secrets);
  const char *dir = g_getenv ("CREDENTIALS_DIRECTORY");
  if (dir == NULL || dir[0] == '\0')
    return NULL;
  g_autofree char *path = g_build_filename (dir, "herd-secrets", NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS) ? g_steal_pointer (&path)
                                                : NULL;
}

char *
herd_run_read_private_file (const char *path, gsize max_bytes,
                            gboolean no_follow, GError **error)
{
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  int fd = open (path, no_follow ? flags | O_NOFOLLOW : flags);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: %s%s", path,
                   no_follow && saved == ELOOP ? "" : "cannot open it: ",
                   no_follow && saved == ELOOP
                       ? "a symbolic link: refused (name the file itself)"
                       : g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  const char *why = NULL;
  g_autofree char *detail = NULL;
  if (!S_ISREG (st.st_mode))
    why = "not a regular file: refused";
  else if (st.st_uid != geteuid ())
    why = detail = g_strdup_printf (
        "owned by uid %u, not by herd run's user (uid %u): refused (chown "
        "it to herd run's user)",
        (guint) st.st_uid, (guint) geteuid ());
  else if ((st.st_mode & 077) != 0)
    why = detail = g_strdup_printf (
        "mode %04o lets its group or others at it: refused (only herd "
        "run's user may read it: chmod 600 %s)",
        (guint) (st.st_mode & 07777), path);
  char *text = NULL;
  if (why == NULL)
    {
      /* Read to the end, not to st_size: the file may have grown. */
      GString *buf = g_string_sized_new (MIN ((gsize) st.st_size, max_bytes)
                                         + 1);
      char chunk[4096];
      ssize_t n = 0;
      while (buf->len <= max_bytes)
        {
          n = read (fd, chunk, sizeof chunk);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          g_string_append_len (buf, chunk, n);
        }
      if (n < 0)
        why = detail = g_strdup_printf ("cannot read it: %s",
                                        g_strerror (errno));
      else if (buf->len > max_bytes)
        why = detail = g_strdup_printf ("larger than %" G_GSIZE_FORMAT
                                        " bytes: refused",
                                        max_bytes);
      else if (memchr (buf->str, '\0', buf->len) != NULL)
        why = "holds a NUL byte: refused";
      else
        text = g_string_free (g_steal_pointer (&buf), FALSE);
      if (buf != NULL)
        g_string_free (buf, TRUE);
    }
  close (fd);
  if (why != NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM, "%s: %s", path,
                 why);
  return text;
}

static gboolean
is_option_name (const char *text)
{
  if (!g_ascii_isalpha (text[0]))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static HerdId
host_group_named (const HerdScenario *s, const char *name)
{
  for (guint i = 0; i < s->host_groups->len; i++)
    if (g_str_equal (((HerdHostGroup *) g_ptr_array_index (s->host_groups,
                                                           i))
                         ->name,
                     name))
      return i;
  return HERD_ID_NONE;
}

/* A "[hosts GROUP]" or "[host NAME]" header, checked against the
 * configuration; NULL and error otherwise. */
static SecretGroup *
secret_header (const HerdScenario *s, const char *path, guint line,
               const char *text, GPtrArray *groups, GError **error)
{
  gsize n = strlen (text);
  g_autofree char *inside = text[n - 1] == ']' ? g_strndup (text + 1, n - 2)
                                               : NULL;
  g_auto (GStrv) words = inside != NULL ? g_strsplit (g_strstrip (inside),
                                                      " ", 2)
                                        : NULL;
  gboolean one = words != NULL && g_strcmp0 (words[0], "host") == 0;
  if (words == NULL || words[0] == NULL || words[1] == NULL
      || (!one && strcmp (words[0], "hosts") != 0))
    {
      secrets_failed (error, path, line,
                      "expected a [hosts GROUP] or [host NAME] header");
      return NULL;
    }
  const char *name = g_strstrip (words[1]);
  if (one ? herd_model_find_host (s->model, name) == HERD_ID_NONE
          : host_group_named (s, name) == HERD_ID_NONE)
    {
      g_autofree char *quoted = g_strescape (name, NULL);
      secrets_failed (error, path, line, "%s: no %s \"%s\" in %s",
                      one ? "[host]" : "[hosts]",
                      one ? "host" : "host group", quoted, s->path);
      return NULL;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      SecretGroup *other = g_ptr_array_index (groups, i);
      if (other->one_host == one && g_str_equal (other->name, name))
        {
          secrets_failed (error, path, line, "[%s %s] given twice",
                          one ? "host" : "hosts", name);
          return NULL;
        }
    }
  SecretGroup *g = g_new0 (SecretGroup, 1);
  g->one_host = one;
  g->name = g_strdup (name);
  g->lines = g_ptr_array_new_with_free_func (g_free);
  return g;
}

/* A "name = value" line into g's lines.  Messages never show the value. */
static gboolean
secret_line (const char *path, guint line, char *text, SecretGroup *g,
             GError **error)
{
  char *eq = strchr (text, '=');
  if (eq == NULL)
    {
      secrets_failed (error, path, line,
                      "expected name = value (a fence agent option)");
      return FALSE;
    }
  *eq = '\0';
  const char *name = g_strstrip (text);
  const char *value = g_strstrip (eq + 1);
  if (!is_option_name (name))
    {
      secrets_failed (error, path, line,
                      "expected an option name (letters, digits, _ and -) "
                      "before =");
      return FALSE;
    }
  if (g == NULL)
    {
      secrets_failed (error, path, line,
                      "%s outside a [hosts GROUP] or [host NAME] group",
                      name);
      return FALSE;
    }
  g_autofree char *prefix = g_strconcat (name, "=", NULL);
  for (guint i = 0; i < g->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (g->lines, i), prefix))
      {
        secrets_failed (error, path, line, "%s given twice in [%s %s]", name,
                        g->one_host ? "host" : "hosts", g->name);
        return FALSE;
      }
  g_ptr_array_add (g->lines, g_strconcat (name, "=", value, NULL));
  return TRUE;
}

/* Whether lines already set option name (the text before '='). */
static gboolean
sets_option (GPtrArray *lines, const char *option)
{
  gsize n = strcspn (option, "=");
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      if (strncmp (line, option, n) == 0 && line[n] == '=')
        return TRUE;
    }
  return FALSE;
}

/* Each host's fence_secrets: its own group's lines, then its host
 * group's that it does not set itself. */
static void
apply_secrets (const HerdScenario *s, GPtrArray *groups,
               HerdVirtConfig *config)
{
  for (guint h = 0; h < s->model->hosts->len; h++)
    {
      guint32 gi = g_array_index (s->host_group_of, guint32, h);
      const char *group = ((HerdHostGroup *) g_ptr_array_index (
                               s->host_groups, gi))
                              ->name;
      const char *host = herd_model_host (s->model, h)->name;
      GPtrArray *own = NULL, *shared = NULL;
      for (guint i = 0; i < groups->len; i++)
        {
          SecretGroup *g = g_ptr_array_index (groups, i);
          if (g->one_host && g_str_equal (g->name, host))
            own = g->lines;
          else if (!g->one_host && g_str_equal (g->name, group))
            shared = g->lines;
        }
      if (own == NULL && shared == NULL)
        continue;
      GPtrArray *lines = g_ptr_array_new ();
      for (guint i = 0; own != NULL && i < own->len; i++)
        g_ptr_array_add (lines, g_strdup (g_ptr_array_index (own, i)));
      for (guint i = 0; shared != NULL && i < shared->len; i++)
        if (own == NULL || !sets_option (own, g_ptr_array_index (shared, i)))
          g_ptr_array_add (lines, g_strdup (g_ptr_array_index (shared, i)));
      g_ptr_array_add (lines, NULL);
      config->hosts[h].fence_secrets = (GStrv) g_ptr_array_free (lines,
                                                                 FALSE);
    }
}

/* Reads the secrets file, if any, into config. */
static gboolean
read_secrets (const HerdScenario *s, HerdVirtConfig *config, GError **error)
{
  g_autofree char *path = herd_run_secrets_path (s);
  if (path == NULL)
    return TRUE;
  g_autoptr (GError) local = NULL;
  g_autofree char *text = herd_run_read_private_file (path, MAX_SECRETS_BYTES,
                                                      FALSE, &local);
  if (text == NULL)
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                   "secrets file %s%s", local->message,
                   local->code != G_FILE_ERROR_PERM ? " ([manager] secrets)"
                                                    : "");
      return FALSE;
    }
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (
      secret_group_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  SecretGroup *current = NULL;
  gboolean ok = TRUE;
  for (guint i = 0; ok && lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
        continue;
      if (line[0] == '[')
        {
          current = secret_header (s, path, i + 1, line, groups, error);
          ok = current != NULL;
          if (ok)
            g_ptr_array_add (groups, current);
        }
      else
        ok = secret_line (path, i + 1, line, current, error);
    }
  if (!ok)
    return FALSE;
  apply_secrets (s, groups, config);
  config->secrets_path = g_steal_pointer (&path);
  return TRUE;
}

/* ------------------------------------------------------------------ */

HerdVirtConfig *
herd_run_config (const HerdScenario *s, GError **error)
{
  HerdModel *model = s->model;
  HerdVirtConfig *config = g_new0 (HerdVirtConfig, 1);
  config->hosts = g_new0 (HerdVirtHost, herd_model_host_slots (model));
  config->domains = g_new0 (HerdVirtDomain, herd_model_domain_slots (model));
  config->vms = g_new0 (HerdVirtVm, herd_model_vm_slots (model));
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
  config->sanlock_wait = s->run.sanlock_wait;
  g_autoptr (GError) words = NULL;
  if (!g_shell_parse_argv (s->run.soft_fencing_command != NULL
                               ? s->run.soft_fencing_command
                               : HERD_RUN_SOFT_FENCING_COMMAND,
                           NULL, &config->soft_fencing_command, &words))
    {
      g_autofree char *expected = g_strdup_printf (
          "expected words as a shell would split them: %s", words->message);
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_INVALID,
                   "%s: [manager] soft_fencing_command: %s", s->path,
                   expected);
      herd_virt_config_free (config, model);
      return NULL;
    }
  gboolean ok = TRUE;
  for (guint gi = 0; gi < s->host_groups->len && ok; gi++)
    {
      const HerdHostGroup *g = g_ptr_array_index (s->host_groups, gi);
      for (guint i = 0; i < g->count && ok; i++)
        {
          HerdId id = g->first + i;
          ok = fill_host (s, g, i + 1, id, &config->hosts[id], error);
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
  ok = ok && read_secrets (s, config, error);
  if (!ok)
    {
      herd_virt_config_free (config, model);
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
herd_virt_config_free (HerdVirtConfig *config, const HerdModel *model)
{
  if (config == NULL)
    return;
  for (guint i = 0; config->vms != NULL && i < herd_model_vm_slots (model);
       i++)
    {
      g_free (config->vms[i].kernel);
      g_free (config->vms[i].initrd);
      g_free (config->vms[i].cmdline);
    }
  g_free (config->vms);
  for (guint i = 0; i < herd_model_host_slots (model); i++)
    {
      HerdVirtHost *h = &config->hosts[i];
      g_free (h->uri);
      g_free (h->sanlock_dir);
      g_free (h->migration_uri);
      g_strfreev (h->fence_command);
      g_strfreev (h->fence_options);
      g_strfreev (h->fence_secrets);
      g_strfreev (h->proxy_command);
      g_strfreev (h->ssh_command);
      for (guint n = 0; h->nics != NULL && n < model->networks->len; n++)
        g_free (h->nics[n]);
      g_free (h->nics);
    }
  for (guint i = 0; i < model->domains->len; i++)
    g_free (config->domains[i].path);
  g_free (config->hosts);
  g_free (config->domains);
  g_strfreev (config->bridges);
  g_free (config->domain_type);
  g_strfreev (config->soft_fencing_command);
  g_free (config->secrets_path);
  g_free (config);
}
