/* scenario.c: reads scenario files into a HerdModel plus the simulator's
 * per-group data (see scenario.h and docs/scenarios.md).
 *
 * Loading runs in phases, and stops after the first phase that found a
 * problem, reporting one error: the first in file order within that phase.
 *   1. Lines: every line is a comment, a `[kind NAME]` header of a known
 *      kind or a `KEY = VALUE` line.  Inline comments (a ';' or '#' after
 *      whitespace) are cut off, groups and keys may not repeat, and a map
 *      (group, key) -> line is kept for messages.  The cleaned lines are
 *      then read by GKeyFile, which holds the values from there on.
 *   2. Structure: missing required keys (a [fault]'s target unless its
 *      kind is manager_restart), unknown keys; at least one datacenter
 *      and cluster.
 *   3. Values and references: every value is parsed strictly (core/units.h,
 *      conf/workload-spec.h); names of datacenters, clusters, storage domains,
 *      networks, hosts and VMs resolve against groups anywhere in the
 *      file; then cross-group checks (one master per datacenter, at most
 *      HERD_MAX_NETWORKS_PER_DC networks per datacenter, a host's and a
 *      VM's networks are of its datacenter, every VM group fits some host
 *      of its cluster, pinned and preferred hosts and the members of an
 *      affinity group are in its cluster, a VM lease has a data domain,
 *      action and fault targets exist, a migration's destination is in
 *      its VM's cluster, a nic_down's network is attached to its host, a
 *      storage_down's host is in its domain's datacenter, random faults'
 *      hosts exist).  A check that needs a group whose own values failed
 *      is skipped, since that group's error is reported.  Host and VM ids
 *      are known here already (see herd_sl_first_id), so lists of them are
 *      resolved to ids.
 *   4. Build: the model is filled kind by kind in dependency order
 *      (datacenters, clusters, storage, networks, hosts, VMs, affinity
 *      groups), each kind in file order, so an object's id is its group's
 *      index among its kind (times the count for hosts and VMs); then the
 *      actions and faults, each sorted by time, and the random faults.
 *      Nothing can fail here.
 * The profile ([scenario] or [defaults] profile = ...) is applied before
 * any [defaults] parameter or policy.NAME override, whatever the order of
 * the lines.
 *
 * This file has the entry points, the phases in order (herd_sl_run,
 * herd_sl_parse_values, herd_sl_build) and the scenario's own groups
 * ([scenario], [defaults], [manager]).  The rest of the loader shares
 * conf/scenario-private.h:
 *   scenario-syntax.c    group kinds and their keys, phases 1 and 2, errors
 *   scenario-refs.c      values with units; names resolved to indexes, ids
 *   scenario-clusters.c  [cluster]; datacenters and clusters in the model
 *   scenario-hosts.c     [hosts]
 *   scenario-vms.c       [vms], [template] and disks
 *   scenario-storage.c   [storage] and [network]
 *   scenario-affinity.c  [affinity] and labels
 *   scenario-timeline.c  [action], [fault], [faults random], [growth]
 *   scenario-checks.c    caps, capacity checks across kinds, phase 3's order
 */

#include <math.h>
#include <string.h>

#include "conf/scenario-private.h"

G_DEFINE_QUARK (herd-scenario-error-quark, herd_scenario_error)

#define HERD_SL_DEFAULT_DURATION HERD_DAY (1)
/* herd run's control socket: connections at once, by default and at most */
#define HERD_SL_DEFAULT_MAX_CONNECTIONS 64
#define HERD_SL_MAX_MAX_CONNECTIONS 4096
#define HERD_SL_DEFAULT_API_MAX_CONNECTIONS 256
#define HERD_SL_DEFAULT_SEED 1
#define HERD_SL_DEFAULT_SAMPLE_INTERVAL HERD_MIN (5)
#define HERD_SL_DEFAULT_STATS_INTERVAL HERD_SEC (15)
/* QEMU/libvirt setup before a migration's first pass (behaviour.md §4:
 * about 0.3-0.5 s). */
#define HERD_SL_DEFAULT_MIGRATION_SETUP HERD_MSEC (400)
/* sanlock's io_timeout (behaviour.md §7). */
#define HERD_SL_DEFAULT_IO_TIMEOUT HERD_SEC (10)

static void
herd_sl_group_free (gpointer p)
{
  HerdSlGroup *g = p;
  g_free (g->name);
  g_free (g->label);
  g_hash_table_unref (g->key_lines);
  g_strfreev (g->fence_agents);
  if (g->disks != NULL)
    g_array_unref (g->disks);
  herd_rate_model_clear (&g->write_rate);
  herd_trace_set_free (g->cpu_trace);
  herd_trace_set_free (g->memory_trace);
  g_free (g->template_name);
  g_free (g->storage_name);
  g_free (g->snapshot);
  g_free (g->target);
  g_free (g->host);
  g_free (g->network);
  g_strfreev (g->network_names);
  g_strfreev (g->pinned_names);
  g_strfreev (g->preferred_names);
  g_strfreev (g->vm_names);
  g_strfreev (g->host_names);
  g_strfreev (g->labels);
  g_strfreev (g->host_labels);
  g_strfreev (g->vm_labels);
  if (g->network_ids != NULL)
    g_array_unref (g->network_ids);
  if (g->pinned_ids != NULL)
    g_array_unref (g->pinned_ids);
  if (g->preferred_ids != NULL)
    g_array_unref (g->preferred_ids);
  if (g->vm_ids != NULL)
    g_array_unref (g->vm_ids);
  if (g->host_ids != NULL)
    g_array_unref (g->host_ids);
  g_free (g);
}

static void
herd_sl_loader_clear (HerdSlLoader *l)
{
  if (l->keys != NULL)
    g_key_file_unref (l->keys);
  for (int k = 0; k < HERD_SL_KIND_LAST; k++)
    g_ptr_array_unref (l->by_kind[k]);
  g_hash_table_unref (l->by_label);
  g_ptr_array_unref (l->groups);
  g_free (l->error_message);
}

/* ------------------------------------------------------------------ */
/* Phase 3: the scenario's own groups                                  */

/* The profile named in g: *set says whether g names a valid one. */
static gboolean
herd_sl_read_profile (HerdSlLoader *l, HerdSlGroup *g, gboolean *set,
                      HerdProfile *out)
{
  const char *names[HERD_PROFILE_LAST];
  for (int p = 0; p < HERD_PROFILE_LAST; p++)
    names[p] = herd_profile_name ((HerdProfile) p);
  int v;
  *set = g_key_file_has_key (l->keys, g->label, "profile", NULL);
  if (!herd_sl_read_choice (l, g, "profile", names, HERD_PROFILE_LAST,
                            HERD_PROFILE_RHV_4_1, &v))
    {
      *set = FALSE;
      return FALSE;
    }
  *out = (HerdProfile) v;
  return TRUE;
}

/* [scenario] and [defaults]: the profile first, then the rest.  Absent
 * groups leave the defaults. */
static void
herd_sl_parse_globals (HerdSlLoader *l)
{
  HerdScenario *scenario = l->scenario;
  GPtrArray *sg = l->by_kind[HERD_SL_SCENARIO];
  GPtrArray *dg = l->by_kind[HERD_SL_DEFAULTS];
  HerdSlGroup *sgroup = sg->len > 0 ? g_ptr_array_index (sg, 0) : NULL;
  HerdSlGroup *dgroup = dg->len > 0 ? g_ptr_array_index (dg, 0) : NULL;

  /* The profile: [scenario] and [defaults] must agree. */
  HerdProfile sprofile = HERD_PROFILE_RHV_4_1, dprofile = HERD_PROFILE_RHV_4_1;
  gboolean sset = FALSE, dset = FALSE;
  if (sgroup != NULL)
    herd_sl_read_profile (l, sgroup, &sset, &sprofile);
  if (dgroup != NULL)
    herd_sl_read_profile (l, dgroup, &dset, &dprofile);
  scenario->profile = sset ? sprofile : dset ? dprofile : HERD_PROFILE_RHV_4_1;
  if (sset && dset && sprofile != dprofile)
    {
      guint sline = herd_sl_key_line (sgroup, "profile");
      guint dline = herd_sl_key_line (dgroup, "profile");
      HerdSlGroup *later = dline > sline ? dgroup : sgroup;
      HerdSlGroup *earlier = dline > sline ? sgroup : dgroup;
      HerdProfile want = dline > sline ? sprofile : dprofile;
      HerdProfile got = dline > sline ? dprofile : sprofile;
      herd_sl_fail_key (l, later, "profile",
                        "expected %s as set by profile in [%s] at line %u, "
                        "got \"%s\"",
                        herd_profile_name (want), earlier->label,
                        dline > sline ? sline : dline,
                        herd_profile_name (got));
    }
  herd_params_init (&scenario->model->params, scenario->profile);

  scenario->duration = HERD_SL_DEFAULT_DURATION;
  scenario->seed = HERD_SL_DEFAULT_SEED;
  scenario->sample_interval = HERD_SL_DEFAULT_SAMPLE_INTERVAL;
  scenario->stats_interval = HERD_SL_DEFAULT_STATS_INTERVAL;
  scenario->migration_setup = HERD_SL_DEFAULT_MIGRATION_SETUP;
  scenario->io_timeout = HERD_SL_DEFAULT_IO_TIMEOUT;
  if (sgroup != NULL)
    {
      g_autofree char *name = herd_sl_value (l, sgroup, "name");
      if (name != NULL && *name == '\0')
        herd_sl_fail_expected (l, sgroup, "name", "a name for the scenario",
                               name);
      else if (name != NULL)
        {
          g_free (scenario->name);
          scenario->name = g_steal_pointer (&name);
        }
      gint64 seed;
      herd_sl_read_duration (l, sgroup, "duration", HERD_SL_DEFAULT_DURATION,
                             TRUE, &scenario->duration);
      herd_sl_read_integer (l, sgroup, "seed", 0, G_MAXINT64,
                            HERD_SL_DEFAULT_SEED, &seed);
      scenario->seed = (guint64) seed;
      herd_sl_read_duration (l, sgroup, "sample_interval",
                             HERD_SL_DEFAULT_SAMPLE_INTERVAL, TRUE,
                             &scenario->sample_interval);
      herd_sl_read_duration (l, sgroup, "stats_interval",
                             HERD_SL_DEFAULT_STATS_INTERVAL, TRUE,
                             &scenario->stats_interval);
      herd_sl_read_duration (l, sgroup, "migration_setup",
                             HERD_SL_DEFAULT_MIGRATION_SETUP, FALSE,
                             &scenario->migration_setup);
      herd_sl_read_duration (l, sgroup, "io_timeout",
                             HERD_SL_DEFAULT_IO_TIMEOUT, TRUE,
                             &scenario->io_timeout);
    }

  /* [defaults] parameters, in file order, over the profile's values. */
  l->params_ok = TRUE;
  if (dgroup == NULL)
    return;
  g_auto (GStrv) keys = g_key_file_get_keys (l->keys, dgroup->label, NULL,
                                             NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      if (strcmp (keys[i], "profile") == 0)
        continue;
      g_autofree char *value = herd_sl_value (l, dgroup, keys[i]);
      g_autoptr (GError) local = NULL;
      if (!herd_params_set (&scenario->model->params, keys[i], value,
                            &local))
        {
          herd_sl_fail_key (l, dgroup, keys[i], "%s", local->message);
          l->params_ok = FALSE;
        }
    }
}

/* A user or group name as useradd and groupadd take them: letters,
 * digits, '_', '-' and '.', not starting with '-', perhaps ending with
 * '$'.  Whether it exists is herd run's to check (service/access.c), so
 * that herd check reads the file the same on any machine. */
static gboolean
herd_sl_is_account (const char *text)
{
  gsize n = strlen (text);
  if (n == 0 || n > 256 || text[0] == '-')
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '_' && text[i] != '-'
        && text[i] != '.' && !(text[i] == '$' && i == n - 1 && i > 0))
      return FALSE;
  return TRUE;
}

/* KEY = alice, @herd-ops, ...: one of the control socket's role lists. */
static void
herd_sl_read_accounts (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       GStrv *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  *out = NULL;
  if (value == NULL)
    return;
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      if (!herd_sl_is_account (item[0] == '@' ? item + 1 : item))
        {
          g_autofree char *quoted = g_strescape (item, NULL);
          herd_sl_fail_key (l, g, key,
                            "expected a comma-separated list of user names "
                            "and @group names, such as alice, @herd-ops; "
                            "name %u \"%s\" is not one",
                            i + 1, quoted);
          return;
        }
      g_ptr_array_add (names, g_strdup (item));
    }
  g_ptr_array_add (names, NULL);
  *out = (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* [manager]'s control socket and secrets keys. */
static void
herd_sl_parse_access (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdRunSettings *run = &l->scenario->run;
  run->socket_group = herd_sl_value (l, g, "socket_group");
  if (run->socket_group != NULL && !herd_sl_is_account (run->socket_group))
    herd_sl_fail_expected (l, g, "socket_group",
                           "a group name such as herd", run->socket_group);
  herd_sl_read_accounts (l, g, "viewers", &run->viewers);
  herd_sl_read_accounts (l, g, "operators", &run->operators);
  herd_sl_read_accounts (l, g, "administrators", &run->administrators);
  gint64 max = HERD_SL_DEFAULT_MAX_CONNECTIONS;
  herd_sl_read_integer (l, g, "max_connections", 1,
                        HERD_SL_MAX_MAX_CONNECTIONS,
                        HERD_SL_DEFAULT_MAX_CONNECTIONS, &max);
  run->max_connections = (guint) max;
  run->secrets = herd_sl_value (l, g, "secrets");
  if (run->secrets != NULL && run->secrets[0] == '\0')
    herd_sl_fail_expected (l, g, "secrets",
                           "the path of herd run's secrets file",
                           run->secrets);
}

/* [manager]'s REST API keys: a listening address, certificate and key
 * both or neither, and the password file it needs. */
static void
herd_sl_parse_api (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdRunSettings *run = &l->scenario->run;
  run->api_listen = herd_sl_value (l, g, "api_listen");
  run->api_certificate = herd_sl_value (l, g, "api_certificate");
  run->api_key = herd_sl_value (l, g, "api_key");
  run->api_users = herd_sl_value (l, g, "api_users");
  herd_sl_read_duration (l, g, "api_token_lifetime", HERD_HOUR (1), TRUE,
                         &run->api_token_lifetime);
  gint64 max = HERD_SL_DEFAULT_API_MAX_CONNECTIONS;
  herd_sl_read_integer (l, g, "api_max_connections", 1,
                        HERD_SL_MAX_MAX_CONNECTIONS,
                        HERD_SL_DEFAULT_API_MAX_CONNECTIONS, &max);
  run->api_max_connections = (guint) max;
  const char *colon = run->api_listen != NULL
                          ? strrchr (run->api_listen, ':')
                          : NULL;
  gint64 port = colon != NULL ? g_ascii_strtoll (colon + 1, NULL, 10) : 0;
  if (run->api_listen != NULL
      && (colon == NULL || colon == run->api_listen || port < 1
          || port > 65535))
    herd_sl_fail_expected (l, g, "api_listen",
                           "ADDRESS:PORT such as 127.0.0.1:8443 or "
                           "[::]:443",
                           run->api_listen);
  if ((run->api_certificate == NULL) != (run->api_key == NULL))
    herd_sl_fail_key (l, g, run->api_key == NULL ? "api_certificate"
                                                 : "api_key",
                      "api_certificate and api_key go together (neither: "
                      "a self-signed pair is made at first start)");
  if (run->api_listen != NULL && run->api_users == NULL)
    herd_sl_fail_key (l, g, "api_listen",
                      "the API needs api_users, the password file of its "
                      "users (herd passwd makes it)");
}

/* [manager]: what herd run needs besides the cluster (kept as given;
 * durations checked here). */
static void
herd_sl_parse_manager (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdRunSettings *run = &l->scenario->run;
  run->database = herd_sl_value (l, g, "database");
  run->socket = herd_sl_value (l, g, "socket");
  run->log = herd_sl_value (l, g, "log");
  run->soft_fencing_command = herd_sl_value (l, g, "soft_fencing_command");
  run->domain_type = herd_sl_value (l, g, "domain_type");
  if (run->domain_type != NULL && strcmp (run->domain_type, "kvm") != 0
      && strcmp (run->domain_type, "qemu") != 0)
    herd_sl_fail_expected (l, g, "domain_type", "kvm or qemu",
                           run->domain_type);
  herd_sl_read_duration (l, g, "reconnect_interval", HERD_SEC (2), TRUE,
                         &run->reconnect_interval);
  herd_sl_read_duration (l, g, "job_poll_interval", HERD_MSEC (500), TRUE,
                         &run->job_poll_interval);
  herd_sl_read_duration (l, g, "sanlock_wait", HERD_MSEC (50), TRUE,
                         &run->sanlock_wait);
  if (herd_sl_read_duration (l, g, "sample_interval", HERD_MIN (1), FALSE,
                             &run->sample_interval)
      && run->sample_interval % HERD_SEC (1) != 0)
    {
      g_autofree char *value = herd_sl_value (l, g, "sample_interval");
      herd_sl_fail_expected (l, g, "sample_interval",
                             "whole seconds such as 60s or 1m (0: none)",
                             value);
    }
  herd_sl_read_duration (l, g, "sample_retention", HERD_HOUR (24), TRUE,
                         &run->sample_retention);
  herd_sl_read_duration (l, g, "hourly_retention", HERD_DAY (60), TRUE,
                         &run->hourly_retention);
  herd_sl_read_duration (l, g, "daily_retention", HERD_DAY (1826), TRUE,
                         &run->daily_retention);
  herd_sl_parse_access (l, g);
  herd_sl_parse_api (l, g);
}

/* ------------------------------------------------------------------ */
/* The phases in order                                                 */

/* Phase 3's values: [scenario] and [defaults] first, then every group in
 * file order. */
static void
herd_sl_parse_values (HerdSlLoader *l)
{
  herd_sl_parse_globals (l);
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      switch (g->kind)
        {
        case HERD_SL_CLUSTER:
          herd_sl_parse_cluster (l, g);
          break;
        case HERD_SL_HOSTS:
          herd_sl_parse_hosts (l, g);
          break;
        case HERD_SL_STORAGE:
          herd_sl_parse_storage (l, g);
          break;
        case HERD_SL_TEMPLATE:
          herd_sl_parse_template (l, g);
          break;
        case HERD_SL_GROWTH:
          herd_sl_parse_growth (l, g);
          break;
        case HERD_SL_NETWORK:
          herd_sl_parse_network (l, g);
          break;
        case HERD_SL_VMS:
          herd_sl_parse_vms (l, g);
          break;
        case HERD_SL_AFFINITY:
          herd_sl_parse_affinity (l, g);
          break;
        case HERD_SL_ACTION:
          herd_sl_parse_action (l, g);
          break;
        case HERD_SL_FAULT:
          herd_sl_parse_fault (l, g);
          break;
        case HERD_SL_FAULTS:
          herd_sl_parse_random_faults (l, g);
          break;
        case HERD_SL_MANAGER:
          herd_sl_parse_manager (l, g);
          break;
        case HERD_SL_SCENARIO:
        case HERD_SL_DEFAULTS:
        case HERD_SL_DATACENTER:
        case HERD_SL_KIND_LAST:
          break;
        }
    }
}

/* Phase 4: the model kind by kind, in dependency order, each kind in file
 * order (so that ids follow the file), then what happens during the run. */
static void
herd_sl_build (HerdSlLoader *l)
{
  herd_sl_build_clusters (l);
  herd_sl_build_storage (l);
  herd_sl_build_networks (l);

  GPtrArray *hosts = l->by_kind[HERD_SL_HOSTS];
  for (guint i = 0; i < hosts->len; i++)
    herd_sl_build_hosts (l, g_ptr_array_index (hosts, i));
  GPtrArray *vms = l->by_kind[HERD_SL_VMS];
  for (guint i = 0; i < vms->len; i++)
    herd_sl_build_vms (l, g_ptr_array_index (vms, i));

  /* After every VM: adding a group records it in its VMs. */
  herd_sl_build_affinity (l);
  herd_sl_build_growth (l);

  /* Actions and faults by time; GLib's sort is stable, so equal times
   * keep file order. */
  herd_sl_build_actions (l);
  herd_sl_build_faults (l);
  herd_sl_build_random_faults (l);
}

/* Runs the phases; on failure sets error from the loader's record. */
static gboolean
herd_sl_run (HerdSlLoader *l, const char *text, GError **error)
{
  g_autoptr (GString) clean = g_string_new (NULL);
  if (herd_sl_scan (l, text, clean))
    {
      g_autoptr (GError) local = NULL;
      l->keys = g_key_file_new ();
      if (!g_key_file_load_from_data (l->keys, clean->str, clean->len,
                                      G_KEY_FILE_NONE, &local))
        herd_sl_record (l, 0, HERD_SCENARIO_ERROR_READ,
                        g_strdup_printf ("%s: cannot be read as an INI file "
                                         "(%s)", l->path, local->message));
      else if (herd_sl_check_structure (l))
        {
          herd_sl_parse_values (l);
          if (herd_sl_check_totals (l))
            herd_sl_check_references (l);
          if (!herd_sl_failed (l))
            herd_sl_build (l);
        }
    }
  if (herd_sl_failed (l))
    {
      g_set_error_literal (error, HERD_SCENARIO_ERROR, l->error_code,
                           l->error_message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

static void
herd_host_group_free (gpointer p)
{
  HerdHostGroup *group = p;
  g_free (group->name);
  g_strfreev (group->fence_agents);
  for (int k = 0; k < HERD_CONNECT_KEY_LAST; k++)
    g_free (group->connect[k]);
  g_free (group);
}

static void
herd_vm_group_free (gpointer p)
{
  HerdVmGroup *group = p;
  g_free (group->name);
  g_free (group->kernel);
  g_free (group->initrd);
  g_free (group->cmdline);
  herd_rate_model_clear (&group->write_rate);
  herd_trace_set_free (group->cpu_trace);
  herd_trace_set_free (group->memory_trace);
  g_free (group);
}

static void
herd_growth_free (gpointer p)
{
  HerdGrowth *g = p;
  g_free (g->name);
  g_free (g);
}

static void
herd_action_free (gpointer p)
{
  HerdAction *action = p;
  g_free (action->name);
  g_free (action->snapshot);
  g_free (action->target);
  g_free (action->host);
  g_free (action);
}

static void
herd_fault_free (gpointer p)
{
  HerdFault *fault = p;
  g_free (fault->name);
  g_free (fault->target);
  g_free (fault->host);
  g_free (fault->network);
  g_free (fault);
}

static void
herd_random_faults_free (gpointer p)
{
  HerdRandomFaults *random = p;
  herd_id_list_clear (&random->hosts);
  g_free (random);
}

static HerdScenario *
herd_scenario_new (const char *path, const char *text)
{
  HerdScenario *scenario = g_new0 (HerdScenario, 1);
  scenario->path = g_strdup (path);
  scenario->text = g_strdup (text);
  g_autofree char *base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".ini") && strlen (base) > strlen (".ini"))
    base[strlen (base) - strlen (".ini")] = '\0';
  scenario->name = g_steal_pointer (&base);
  scenario->duration = HERD_SL_DEFAULT_DURATION;
  scenario->seed = HERD_SL_DEFAULT_SEED;
  scenario->sample_interval = HERD_SL_DEFAULT_SAMPLE_INTERVAL;
  scenario->stats_interval = HERD_SL_DEFAULT_STATS_INTERVAL;
  scenario->migration_setup = HERD_SL_DEFAULT_MIGRATION_SETUP;
  scenario->io_timeout = HERD_SL_DEFAULT_IO_TIMEOUT;
  scenario->profile = HERD_PROFILE_RHV_4_1;
  scenario->model = herd_model_new ();
  scenario->host_groups
      = g_ptr_array_new_with_free_func (herd_host_group_free);
  scenario->vm_groups = g_ptr_array_new_with_free_func (herd_vm_group_free);
  scenario->actions = g_ptr_array_new_with_free_func (herd_action_free);
  scenario->growth = g_ptr_array_new_with_free_func (herd_growth_free);
  scenario->faults = g_ptr_array_new_with_free_func (herd_fault_free);
  scenario->random_faults
      = g_ptr_array_new_with_free_func (herd_random_faults_free);
  scenario->host_group_of = g_array_new (FALSE, FALSE, sizeof (guint32));
  scenario->domain_paths = g_ptr_array_new_with_free_func (g_free);
  scenario->network_bridges = g_ptr_array_new_with_free_func (g_free);
  scenario->run.reconnect_interval = HERD_SEC (2);
  scenario->run.job_poll_interval = HERD_MSEC (500);
  scenario->run.sanlock_wait = HERD_MSEC (50);
  scenario->run.sample_interval = HERD_MIN (1);
  scenario->run.sample_retention = HERD_HOUR (24);
  scenario->run.hourly_retention = HERD_DAY (60);
  scenario->run.daily_retention = HERD_DAY (1826);
  scenario->run.max_connections = HERD_SL_DEFAULT_MAX_CONNECTIONS;
  scenario->run.api_max_connections = HERD_SL_DEFAULT_API_MAX_CONNECTIONS;
  scenario->vm_group_of = g_array_new (FALSE, FALSE, sizeof (guint32));
  return scenario;
}

HerdScenario *
herd_scenario_load_data (const char *text, const char *path, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (path == NULL)
    path = "scenario.ini";
  g_autoptr (HerdScenario) scenario = herd_scenario_new (path, text);
  HerdSlLoader l = {
    .path = path,
    .scenario = scenario,
    .groups = g_ptr_array_new_with_free_func (herd_sl_group_free),
    .by_label = g_hash_table_new (g_str_hash, g_str_equal),
  };
  for (int k = 0; k < HERD_SL_KIND_LAST; k++)
    l.by_kind[k] = g_ptr_array_new ();
  gboolean ok = herd_sl_run (&l, text, error);
  herd_sl_loader_clear (&l);
  return ok ? g_steal_pointer (&scenario) : NULL;
}

HerdScenario *
herd_scenario_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                   "%s: cannot read the file (%s)", path, local->message);
      return NULL;
    }
  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                   "%s: expected a text file, got a NUL byte", path);
      return NULL;
    }
  return herd_scenario_load_data (text, path, error);
}

void
herd_scenario_free (HerdScenario *scenario)
{
  if (scenario == NULL)
    return;
  g_free (scenario->path);
  g_free (scenario->text);
  g_free (scenario->name);
  herd_model_free (scenario->model);
  g_ptr_array_unref (scenario->host_groups);
  g_ptr_array_unref (scenario->vm_groups);
  g_ptr_array_unref (scenario->actions);
  g_ptr_array_unref (scenario->growth);
  g_ptr_array_unref (scenario->faults);
  g_ptr_array_unref (scenario->random_faults);
  g_array_unref (scenario->host_group_of);
  g_array_unref (scenario->vm_group_of);
  g_ptr_array_unref (scenario->domain_paths);
  g_ptr_array_unref (scenario->network_bridges);
  g_free (scenario->run.database);
  g_free (scenario->run.socket);
  g_free (scenario->run.log);
  g_free (scenario->run.domain_type);
  g_free (scenario->run.soft_fencing_command);
  g_free (scenario->run.socket_group);
  g_strfreev (scenario->run.viewers);
  g_strfreev (scenario->run.operators);
  g_strfreev (scenario->run.administrators);
  g_free (scenario->run.secrets);
  g_free (scenario->run.api_listen);
  g_free (scenario->run.api_certificate);
  g_free (scenario->run.api_key);
  g_free (scenario->run.api_users);
  g_free (scenario);
}

const char *
herd_connect_key_name (HerdConnectKey key)
{
  static const char *const names[HERD_CONNECT_KEY_LAST] = {
    "uri", "sanlock_dir", "migration_uri", "fence_command", "fence_options",
    "proxy_command", "ssh_command", "nics",
  };
  g_return_val_if_fail (key < HERD_CONNECT_KEY_LAST, "?");
  return names[key];
}

gint64
herd_scenario_vm_memory_peak (const HerdScenario *sc, HerdId vm)
{
  const HerdVmGroup *g = g_ptr_array_index (
      sc->vm_groups, g_array_index (sc->vm_group_of, guint32, vm));
  if (!g->memory_varies)
    return g->memory_used_mib;
  double percent = 0;
  if (g->memory_trace != NULL)
    {
      const GPtrArray *series = g->memory_trace->series;
      const HerdTraceSeries *s = g_ptr_array_index (
          series, (vm - g->first) % series->len);
      for (guint i = 0; i < s->points->len; i++)
        percent = MAX (percent,
                       g_array_index (s->points, HerdTracePoint, i).percent);
    }
  else
    percent = g->memory.kind == HERD_WORKLOAD_DIURNAL ? g->memory.peak
              : g->memory.kind == HERD_WORKLOAD_WALK  ? g->memory.high
                                                      : g->memory.mean;
  gint64 memory = herd_model_vm (sc->model, vm)->memory_mib;
  return MIN ((gint64) llround (memory * percent / 100.0), memory);
}
