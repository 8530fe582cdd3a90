/* scenario-syntax.c: the scenario loader's lines and syntax (see
 * scenario.c for the phases).
 *
 * It owns what a scenario file may say: the group kinds and the keys each
 * takes (herd_sl_kinds); phase 1 (every line a comment, a [kind NAME]
 * header of a known kind or KEY = VALUE; inline comments cut off; no
 * repeated group or key; each key's line kept for messages); phase 2
 * (required keys, unknown keys, at least one datacenter and cluster); and
 * the error helpers every phase reports through: the error kept is the one
 * at the lowest line, and messages read "FILE:LINE: [GROUP] KEY: ...". */

#include <string.h>

#include "conf/scenario-private.h"

static const char *const herd_sl_scenario_keys[] = {
  "name", "duration", "seed", "sample_interval", "stats_interval", "profile",
  "migration_setup", "io_timeout", NULL
};
static const char *const herd_sl_defaults_keys[] = { "profile", NULL };
static const char *const herd_sl_no_keys[] = { NULL };
static const char *const herd_sl_cluster_keys[] = {
  "datacenter", "policy", "memory_overcommit", "migration_policy",
  "migration_bandwidth", "ha_reservation", "fencing",
  "fencing_skip_if_lease_live", "fencing_skip_if_connectivity_broken",
  "fencing_connectivity_threshold", "ksm", "ksm_sharing", "ballooning",
  NULL
};
static const char *const herd_sl_hosts_keys[] = {
  "cluster", "count", "cores", "threads", "memory", "swap",
  "reserved_memory", "nic", "spm_priority", "power_idle", "power_max",
  "boot_time", "fence_agent", "fence_concurrent", "fence_latency",
  "fence_failure", "networks", "cpu_load", "committed_memory",
  "cpu_threshold_for", "labels",
  /* herd run: how to reach each host (docs/real-hosts.md) */
  "uri", "sanlock_dir", "migration_uri", "fence_command", "fence_options",
  "proxy_command", "ssh_command", "nics", NULL
};
static const char *const herd_sl_hosts_required[] = { "cores", "memory",
                                                      NULL };
static const char *const herd_sl_storage_keys[] = {
  "datacenter", "type", "role", "capacity", "master", "warning_low_space",
  "critical_space", "path", NULL
};
static const char *const herd_sl_storage_required[] = { "type", "capacity",
                                                        NULL };
static const char *const herd_sl_template_keys[] = { "datacenter", "disk",
                                                     "data", NULL };
static const char *const herd_sl_template_required[] = { "disk", NULL };
static const char *const herd_sl_network_keys[] = {
  "datacenter", "required", "vm_network", "bridge", NULL
};
static const char *const herd_sl_vms_keys[] = {
  "cluster", "count", "vcpus", "memory", "guaranteed_memory", "disk", "ha",
  "priority", "cpu", "memory_used", "dirty_rate", "working_set",
  "write_rate", "new_writes", "stateless", "template", "clone", "boot_time",
  "arrival", "lifetime", "networks", "pinned_to", "migratable",
  "preferred_hosts", "lease", "resume", "migration_policy", "host", "labels",
  /* herd run: direct kernel boot (docs/real-hosts.md) */
  "kernel", "initrd", "cmdline", NULL
};
static const char *const herd_sl_vms_required[] = { "vcpus", "memory",
                                                    NULL };
static const char *const herd_sl_affinity_keys[] = {
  "cluster", "vms", "vm_rule", "vm_enforcing", "hosts", "host_rule",
  "host_enforcing", "priority", "host_labels", "vm_labels", NULL
};
/* vms or vm_labels: see herd_sl_check_keys. */
static const char *const herd_sl_growth_keys[] = {
  "cluster", "vms", "every", "vcpus", "memory", "disk", "storage", "grows",
  NULL
};
static const char *const herd_sl_action_keys[] = {
  "at", "kind", "target", "host", "size", "snapshot", "memory", NULL
};
static const char *const herd_sl_action_required[] = { "at", "kind",
                                                       "target", NULL };
static const char *const herd_sl_fault_keys[] = {
  "at", "kind", "target", "duration", "host", "network", NULL
};
/* target too, except for manager_restart: see herd_sl_check_keys. */
static const char *const herd_sl_fault_required[] = { "at", "kind", NULL };
static const char *const herd_sl_faults_keys[] = { "kind", "mtbf", "mttr",
                                                   "hosts", NULL };
static const char *const herd_sl_faults_required[] = { "mtbf", "mttr",
                                                       NULL };
static const char *const herd_sl_manager_keys[] = {
  "database", "socket", "log", "domain_type", "reconnect_interval",
  "job_poll_interval", "sanlock_wait", "soft_fencing_command",
  "sample_interval",
  "sample_retention", "hourly_retention", "daily_retention",
  /* the control socket's access and the secrets (docs/real-hosts.md) */
  "socket_group", "viewers", "operators", "administrators",
  "max_connections", "secrets",
  /* the REST API (docs/api.md) */
  "api_listen", "api_certificate", "api_key", "api_users",
  "api_token_lifetime", "api_max_connections", NULL
};

/* What each group kind is called and takes. */
const HerdSlKindInfo herd_sl_kinds[HERD_SL_KIND_LAST] = {
  [HERD_SL_SCENARIO] = { "scenario", FALSE, herd_sl_scenario_keys,
                         herd_sl_no_keys },
  [HERD_SL_DEFAULTS] = { "defaults", FALSE, herd_sl_defaults_keys,
                         herd_sl_no_keys },
  [HERD_SL_DATACENTER] = { "datacenter", TRUE, herd_sl_no_keys,
                           herd_sl_no_keys },
  [HERD_SL_CLUSTER] = { "cluster", TRUE, herd_sl_cluster_keys,
                        herd_sl_no_keys },
  [HERD_SL_HOSTS] = { "hosts", TRUE, herd_sl_hosts_keys,
                      herd_sl_hosts_required },
  [HERD_SL_STORAGE] = { "storage", TRUE, herd_sl_storage_keys,
                        herd_sl_storage_required },
  [HERD_SL_TEMPLATE] = { "template", TRUE, herd_sl_template_keys,
                         herd_sl_template_required },
  [HERD_SL_NETWORK] = { "network", TRUE, herd_sl_network_keys,
                        herd_sl_no_keys },
  [HERD_SL_VMS] = { "vms", TRUE, herd_sl_vms_keys, herd_sl_vms_required },
  [HERD_SL_AFFINITY] = { "affinity", TRUE, herd_sl_affinity_keys,
                         herd_sl_no_keys },
  [HERD_SL_GROWTH] = { "growth", TRUE, herd_sl_growth_keys,
                       herd_sl_no_keys },
  [HERD_SL_ACTION] = { "action", TRUE, herd_sl_action_keys,
                       herd_sl_action_required },
  [HERD_SL_FAULT] = { "fault", TRUE, herd_sl_fault_keys,
                      herd_sl_fault_required },
  [HERD_SL_FAULTS] = { "faults", TRUE, herd_sl_faults_keys,
                       herd_sl_faults_required },
  [HERD_SL_MANAGER] = { "manager", FALSE, herd_sl_manager_keys,
                        herd_sl_no_keys },
};

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/* Keeps message as the error to report if it comes before every error
 * seen so far (line G_MAXUINT: a file-level error). */
void
herd_sl_record (HerdSlLoader *l, guint line, HerdScenarioError code,
                char *message)
{
  if (l->error_message != NULL && line >= l->error_line)
    {
      g_free (message);
      return;
    }
  g_free (l->error_message);
  l->error_message = message;
  l->error_line = line;
  l->error_code = code;
}

gboolean
herd_sl_failed (HerdSlLoader *l)
{
  return l->error_message != NULL;
}

guint
herd_sl_key_line (HerdSlGroup *g, const char *key)
{
  gpointer line = g_hash_table_lookup (g->key_lines, key);
  return line != NULL ? GPOINTER_TO_UINT (line) : g->line;
}

/* "FILE:LINE: MESSAGE", for lines outside any group. */
static void G_GNUC_PRINTF (3, 4)
herd_sl_fail_line (HerdSlLoader *l, guint line, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  herd_sl_record (l, line, HERD_SCENARIO_ERROR_READ,
                  g_strdup_printf ("%s:%u: %s", l->path, line, what));
}

/* "FILE:LINE: [GROUP]: MESSAGE" at the group's header. */
void G_GNUC_PRINTF (3, 4)
herd_sl_fail_group (HerdSlLoader *l, HerdSlGroup *g, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g->ok = FALSE;
  herd_sl_record (l, g->line, HERD_SCENARIO_ERROR_INVALID,
                  g_strdup_printf ("%s:%u: [%s]: %s", l->path, g->line,
                                   g->label, what));
}

/* "FILE:LINE: [GROUP] KEY: MESSAGE" at the key's line. */
void G_GNUC_PRINTF (4, 5)
herd_sl_fail_key (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                  const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  guint line = herd_sl_key_line (g, key);
  g->ok = FALSE;
  herd_sl_record (l, line, HERD_SCENARIO_ERROR_INVALID,
                  g_strdup_printf ("%s:%u: [%s] %s: %s", l->path, line,
                                   g->label, key, what));
}

/* "... KEY: expected EXPECTED, got "VALUE"". */
void
herd_sl_fail_expected (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       const char *expected, const char *value)
{
  g_autofree char *quoted = g_strescape (value, NULL);
  herd_sl_fail_key (l, g, key, "expected %s, got \"%s\"", expected, quoted);
}

/* "a, b or c" from the n names (n >= 1). */
char *
herd_sl_join_or (const char *const *names, gsize n)
{
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == n ? " or " : ", ");
      g_string_append (out, names[i]);
    }
  return g_string_free (out, FALSE);
}

/* "a, b, c" of the names of the groups of a kind (at most
 * HERD_SL_MAX_LISTED, then "..."), or "none". */
char *
herd_sl_list_names (HerdSlLoader *l, HerdSlKind kind)
{
  GPtrArray *groups = l->by_kind[kind];
  if (groups->len == 0)
    return g_strdup ("none");
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < groups->len; i++)
    {
      if (i == HERD_SL_MAX_LISTED)
        {
          g_string_append (out, ", ...");
          break;
        }
      HerdSlGroup *g = g_ptr_array_index (groups, i);
      g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", g->name);
    }
  return g_string_free (out, FALSE);
}

/* A size in MiB as the largest binary unit that writes it exactly. */
char *
herd_sl_format_size (gint64 mib)
{
  if (mib != 0 && mib % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "T", mib / (1024 * 1024));
  if (mib != 0 && mib % 1024 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "G", mib / 1024);
  return g_strdup_printf ("%" G_GINT64_FORMAT "M", mib);
}

/* ------------------------------------------------------------------ */
/* Phase 1: lines                                                      */

/* Letters, digits, '-', '_' and '.', starting with a letter or digit. */
gboolean
herd_scenario_is_name (const char *text)
{
  if (!g_ascii_isalnum (*text))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

/* Cuts text (in place) at the first ';' or '#' that follows whitespace
 * and returns it stripped. */
static char *
herd_sl_strip_comment (char *text)
{
  for (char *p = text; *p != '\0'; p++)
    if ((*p == ';' || *p == '#') && p > text
        && (p[-1] == ' ' || p[-1] == '\t'))
      {
        *p = '\0';
        break;
      }
  return g_strstrip (text);
}

static HerdSlKind
herd_sl_kind_from_string (const char *text)
{
  for (int k = 0; k < HERD_SL_KIND_LAST; k++)
    if (strcmp (herd_sl_kinds[k].name, text) == 0)
      return (HerdSlKind) k;
  return HERD_SL_KIND_LAST;
}

/* Reads a "[...]" line; returns the new group or NULL after an error. */
static HerdSlGroup *
herd_sl_scan_header (HerdSlLoader *l, guint line, char *s)
{
  g_autofree char *quoted = g_strescape (s, NULL);
  char *close = strchr (s, ']');
  if (close == NULL)
    {
      herd_sl_fail_line (l, line,
                         "expected a group header such as [hosts h], "
                         "got \"%s\" (no closing \"]\")", quoted);
      return NULL;
    }
  char *rest = close + 1;
  if (*rest != '\0'
      && (!g_ascii_isspace (*rest)
          || (*herd_sl_strip_comment (rest) != '\0')))
    {
      herd_sl_fail_line (l, line,
                         "expected a group header such as [hosts h], "
                         "got \"%s\" (text after \"]\")", quoted);
      return NULL;
    }
  *close = '\0';
  g_auto (GStrv) words = g_strsplit_set (s + 1, " \t", -1);
  const char *word[3] = { NULL, NULL, NULL };
  guint n = 0;
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        if (n < 3)
          word[n] = words[i];
        n++;
      }
  if (n == 0 || n > 2)
    {
      herd_sl_fail_line (l, line,
                         "expected a group header such as [hosts h] or "
                         "[scenario], got \"%s\"", quoted);
      return NULL;
    }

  /* [host NAME] and [vm NAME]: one host or VM, named as the group. */
  gboolean single = strcmp (word[0], "host") == 0
                    || strcmp (word[0], "vm") == 0;
  HerdSlKind kind = single ? (word[0][0] == 'h' ? HERD_SL_HOSTS : HERD_SL_VMS)
                           : herd_sl_kind_from_string (word[0]);
  g_autofree char *label = n == 1 ? g_strdup (word[0])
                                  : g_strdup_printf ("%s %s", word[0],
                                                     word[1]);
  if (kind == HERD_SL_KIND_LAST)
    {
      const char *names[HERD_SL_KIND_LAST + 2];
      guint n_names = 0;
      for (int k = 0; k < HERD_SL_KIND_LAST; k++)
        {
          names[n_names++] = herd_sl_kinds[k].name;
          if (k == HERD_SL_HOSTS)
            names[n_names++] = "host";
          if (k == HERD_SL_VMS)
            names[n_names++] = "vm";
        }
      g_autofree char *known = herd_sl_join_or (names, n_names);
      g_autofree char *qkind = g_strescape (word[0], NULL);
      herd_sl_fail_line (l, line,
                         "[%s]: expected a group kind of %s, got \"%s\"",
                         label, known, qkind);
      return NULL;
    }
  if (!herd_sl_kinds[kind].named && n == 2)
    {
      herd_sl_fail_line (l, line,
                         "[%s]: expected [%s] with no name, got \"%s\"",
                         label, word[0], quoted);
      return NULL;
    }
  if (kind == HERD_SL_FAULTS && (n == 1 || strcmp (word[1], "random") != 0))
    {
      herd_sl_fail_line (l, line, "[%s]: expected [faults random], got \"%s\"",
                         label, quoted);
      return NULL;
    }
  if (herd_sl_kinds[kind].named && n == 1)
    {
      herd_sl_fail_line (l, line,
                         "[%s]: expected a name after the kind, as in "
                         "[%s NAME], got \"%s\"",
                         label, word[0], quoted);
      return NULL;
    }
  if (n == 2 && !herd_scenario_is_name (word[1]))
    {
      g_autofree char *qname = g_strescape (word[1], NULL);
      herd_sl_fail_line (l, line,
                         "[%s]: expected a name of letters, digits, '-', '_' "
                         "and '.', got \"%s\"", label, qname);
      return NULL;
    }
  HerdSlGroup *first = g_hash_table_lookup (l->by_label, label);
  if (first != NULL)
    {
      herd_sl_fail_line (l, line,
                         "[%s]: duplicate group (first defined at line %u)",
                         label, first->line);
      return NULL;
    }

  HerdSlGroup *g = g_new0 (HerdSlGroup, 1);
  g->kind = kind;
  g->single = single;
  g->name = n == 2 ? g_strdup (word[1]) : NULL;
  g->label = g_steal_pointer (&label);
  g->line = line;
  g->index = l->by_kind[kind]->len;
  g->key_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        NULL);
  g->ok = TRUE;
  g->ref = HERD_ID_NONE;
  g_ptr_array_add (l->groups, g);
  g_ptr_array_add (l->by_kind[kind], g);
  g_hash_table_insert (l->by_label, g->label, g);
  return g;
}

/* Phase 1: checks every line and writes the cleaned lines to clean.
 * Stops at the first problem. */
gboolean
herd_sl_scan (HerdSlLoader *l, const char *text, GString *clean)
{
  const char *bad;
  if (!g_utf8_validate (text, -1, &bad))
    {
      guint line = 1;
      for (const char *p = text; p < bad; p++)
        line += *p == '\n';
      herd_sl_fail_line (l, line, "expected UTF-8 text, got invalid bytes");
      return FALSE;
    }

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  HerdSlGroup *group = NULL;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint line = i + 1;
      char *s = g_strstrip (lines[i]); /* also drops a '\r' */
      if (*s == '\0' || *s == '#' || *s == ';')
        continue;
      if (*s == '[')
        {
          group = herd_sl_scan_header (l, line, s);
          if (group == NULL)
            return FALSE;
          g_string_append_printf (clean, "[%s]\n", group->label);
          continue;
        }

      g_autofree char *quoted = g_strescape (s, NULL);
      char *eq = strchr (s, '=');
      if (eq == NULL)
        {
          g_autofree char *where = group != NULL
                                       ? g_strdup_printf ("[%s]: ",
                                                          group->label)
                                       : g_strdup ("");
          herd_sl_fail_line (l, line,
                             "%sexpected KEY = VALUE or a [group] header, "
                             "got \"%s\"", where, quoted);
          return FALSE;
        }
      *eq = '\0';
      char *key = g_strstrip (s);
      char *value = herd_sl_strip_comment (eq + 1);
      if (!herd_scenario_is_name (key))
        {
          g_autofree char *qkey = g_strescape (key, NULL);
          herd_sl_fail_line (l, line,
                             "expected a key of letters, digits, '-', '_' "
                             "and '.' before \"=\", got \"%s\"", qkey);
          return FALSE;
        }
      if (group == NULL)
        {
          herd_sl_fail_line (l, line,
                             "expected a [group] header before the first "
                             "key, got \"%s\"", quoted);
          return FALSE;
        }
      gpointer first = g_hash_table_lookup (group->key_lines, key);
      if (first != NULL)
        {
          herd_sl_fail_line (l, line,
                             "[%s] %s: duplicate key (first set at line %u)",
                             group->label, key, GPOINTER_TO_UINT (first));
          return FALSE;
        }
      g_hash_table_insert (group->key_lines, g_strdup (key),
                           GUINT_TO_POINTER (line));
      g_string_append_printf (clean, "%s=%s\n", key, value);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Phase 2: structure                                                  */

gboolean
herd_sl_in_list (const char *const *list, const char *text)
{
  for (gsize i = 0; list[i] != NULL; i++)
    if (strcmp (list[i], text) == 0)
      return TRUE;
  return FALSE;
}

static const HerdParamInfo *
herd_sl_find_param (const HerdParamInfo *table, const char *name)
{
  for (const HerdParamInfo *info = table; info->name != NULL; info++)
    if (strcmp (info->name, name) == 0)
      return info;
  return NULL;
}

/* "a, b, c" of the keys a group kind takes. */
static char *
herd_sl_known_keys (HerdSlKind kind)
{
  GString *out = g_string_new (NULL);
  for (const char *const *k = herd_sl_kinds[kind].keys; *k != NULL; k++)
    g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", *k);
  if (kind == HERD_SL_DEFAULTS)
    for (const HerdParamInfo *p = herd_params_table (); p->name != NULL; p++)
      g_string_append_printf (out, ", %s", p->name);
  if (kind == HERD_SL_CLUSTER)
    g_string_append (out, ", policy.NAME");
  if (out->len == 0)
    g_string_append (out, "no keys");
  return g_string_free (out, FALSE);
}

static char *
herd_sl_policy_param_names (void)
{
  GString *out = g_string_new (NULL);
  for (const HerdParamInfo *p = herd_policy_params_table (); p->name != NULL;
       p++)
    g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", p->name);
  return g_string_free (out, FALSE);
}

static void
herd_sl_check_keys (HerdSlLoader *l, HerdSlGroup *g)
{
  for (const char *const *k = herd_sl_kinds[g->kind].required; *k != NULL;
       k++)
    if (!g_key_file_has_key (l->keys, g->label, *k, NULL))
      {
        herd_sl_fail_group (l, g, "missing key \"%s\"", *k);
        return;
      }
  if (g->kind == HERD_SL_AFFINITY
      && !g_key_file_has_key (l->keys, g->label, "vms", NULL)
      && !g_key_file_has_key (l->keys, g->label, "vm_labels", NULL))
    {
      herd_sl_fail_group (l, g, "missing key \"vms\" or \"vm_labels\"");
      return;
    }
  if (g->kind == HERD_SL_FAULT
      && !g_key_file_has_key (l->keys, g->label, "target", NULL))
    {
      g_autofree char *kind = g_key_file_get_value (l->keys, g->label, "kind",
                                                    NULL);
      if (g_strcmp0 (kind, herd_sl_fault_names[HERD_FAULT_MANAGER_RESTART])
          != 0)
        {
          herd_sl_fail_group (l, g,
                              "missing key \"target\" (every kind but "
                              "manager_restart takes one)");
          return;
        }
    }

  g_auto (GStrv) keys = g_key_file_get_keys (l->keys, g->label, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *key = keys[i];
      if (herd_sl_in_list (herd_sl_kinds[g->kind].keys, key))
        continue;
      if (g->kind == HERD_SL_DEFAULTS
          && herd_sl_find_param (herd_params_table (), key) != NULL)
        continue;
      if (g->kind == HERD_SL_CLUSTER && g_str_has_prefix (key, "policy."))
        {
          const char *param = key + strlen ("policy.");
          if (herd_sl_find_param (herd_policy_params_table (), param)
              != NULL)
            continue;
          g_autofree char *known = herd_sl_policy_param_names ();
          herd_sl_fail_key (l, g, key,
                            "unknown policy parameter \"%s\" (known: %s)",
                            param, known);
          return;
        }
      g_autofree char *known = herd_sl_known_keys (g->kind);
      herd_sl_fail_key (l, g, key, "unknown key (a [%s] group takes %s)",
                        herd_sl_kinds[g->kind].name, known);
      return;
    }
}

gboolean
herd_sl_check_structure (HerdSlLoader *l)
{
  for (guint i = 0; i < l->groups->len; i++)
    herd_sl_check_keys (l, g_ptr_array_index (l->groups, i));
  if (herd_sl_failed (l))
    return FALSE;
  if (l->by_kind[HERD_SL_DATACENTER]->len == 0)
    herd_sl_record (l, G_MAXUINT, HERD_SCENARIO_ERROR_INVALID,
                    g_strdup_printf ("%s: no [datacenter NAME] group: at "
                                     "least one datacenter is required",
                                     l->path));
  else if (l->by_kind[HERD_SL_CLUSTER]->len == 0)
    herd_sl_record (l, G_MAXUINT, HERD_SCENARIO_ERROR_INVALID,
                    g_strdup_printf ("%s: no [cluster NAME] group: at least "
                                     "one cluster is required",
                                     l->path));
  return !herd_sl_failed (l);
}
