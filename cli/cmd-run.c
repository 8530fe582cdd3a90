/* cmd-run.c: `herd run CONFIG`, the manager on real hosts.
 *
 * Loads the configuration (a scenario with connection keys), opens the
 * virt driver, the state database and the control socket, restores what
 * the database holds from an earlier run (the manager then reconciles it
 * with what the hosts report), and runs the GLib main loop until SIGINT or
 * SIGTERM.  Audit events go to the database and to the log.  Its files
 * are its user's only whatever the umask: the database with its WAL and
 * -shm (service/state.c) and the log 0600, the control socket 0660 with
 * [manager] socket_group (service/ctl.c); the fence agents' credentials
 * come from the secrets file (conf/run-config.c). */
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "conf/run-config.h"
#include "core/manager.h"
#include "drivers/registry.h"
#include "service/api.h"
#include "service/ctl.h"
#include "service/history.h"
#include "service/notify.h"
#include "service/state.h"

static FILE *log_file;

/* Log lines: UTC time, level, message. */
static void
log_line (const char *level, const char *message)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  fprintf (log_file, "%s %s %s\n", when, level, message);
  fflush (log_file);
}

static void
log_handler (const char *domain, GLogLevelFlags level, const char *message,
             gpointer data)
{
  if ((level & G_LOG_LEVEL_DEBUG) && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return;
  log_line (level & G_LOG_LEVEL_ERROR      ? "error"
            : level & G_LOG_LEVEL_CRITICAL ? "critical"
            : level & G_LOG_LEVEL_WARNING  ? "warning"
            : level & G_LOG_LEVEL_DEBUG    ? "debug"
                                           : "info",
            message);
}

static void
audit_to_log_and_db (const HerdAuditEvent *event, gpointer data)
{
  HerdState *state = data;
  const HerdAuditInfo *info = herd_audit_info (event->type);
  g_autofree char *line = g_strdup_printf ("%d %s %s %s", info->code,
                                           info->name, event->object,
                                           event->details);
  log_line ("audit", line);
  herd_state_add_event (state, event);
}

/* The log, appended to: created 0600, or narrowed to 0600 if it is a
 * regular file more open than that (anyone who may write it could forge
 * audit lines). */
static FILE *
open_log (const char *path)
{
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
                 0600);
  struct stat st;
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) < 0
      || (S_ISREG (st.st_mode) && (st.st_mode & 077) != 0
          && fchmod (fd, 0600) < 0))
    {
      int saved = errno;
      close (fd);
      errno = saved;
      return NULL;
    }
  FILE *file = fdopen (fd, "a");
  if (file == NULL)
    close (fd);
  return file;
}

static gboolean
save_tick (gpointer data)
{
  g_autoptr (GError) error = NULL;
  if (!herd_state_save (data, &error))
    g_warning ("state database: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/* Every [manager] sample_interval: one sample of every host and VM into
 * the recorded history. */
typedef struct
{
  HerdHistory *history;
  HerdDriver *driver;
} Sampler;

static gboolean
sample_tick (gpointer data)
{
  Sampler *s = data;
  herd_history_sample (s->history, s->driver, g_get_real_time ());
  return G_SOURCE_CONTINUE;
}

/* Tells systemd (Type=notify), if it started herd run; a failure is
 * logged, never fatal. */
static void
notify (const char *state)
{
  g_autoptr (GError) error = NULL;
  if (!herd_notify (state, &error))
    g_warning ("%s", error->message);
}

static gboolean
quit (gpointer data)
{
  g_message ("signal received: stopping (the hosts and VMs keep running)");
  notify ("STOPPING=1\nSTATUS=stopping (the hosts and VMs keep running)");
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

/* The manager on the real hosts until SIGINT or SIGTERM: its state
 * database (restored when it holds rows), the virt driver, the manager
 * and the control socket (access is taken); herd run's exit status. */
static int
serve (HerdModel *model, HerdVirtConfig *config, HerdChanges *changes,
       const HerdRunSettings *run, HerdAccess *access_taken,
       const char *db_path, const char *socket_path,
       const HerdApiSettings *api_settings)
{
  g_autoptr (HerdAccess) access = access_taken;
  g_autoptr (GError) error = NULL;
  int status = HERD_EXIT_FAILURE;
  g_autoptr (HerdState) state = herd_state_open (db_path, model, &error);
  g_autoptr (HerdAudit) audit = herd_audit_new ();
  g_autoptr (HerdDriver) driver = NULL;
  g_autoptr (HerdManager) manager = NULL;
  g_autoptr (HerdCtl) ctl = NULL;
  g_autoptr (HerdApi) api = NULL;
  g_autoptr (HerdHistory) history = NULL;
  g_autofree char *ready = NULL; /* what systemd is told once ready */
  Sampler sampler = { 0 };
  guint sample_source = 0;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  if (state == NULL
      || (driver = herd_driver_open ("virt", model, config, &error)) == NULL)
    goto out;
  manager = herd_manager_new (model, driver, audit);
  gboolean restored = herd_state_has_rows (state);
  if (restored && !herd_state_restore (state, manager, &error))
    goto out;
  herd_audit_add_sink (audit, audit_to_log_and_db, state);
  if (restored)
    herd_audit_emit (audit, herd_manager_now (manager),
                     HERD_AUDIT_MANAGER_RESTARTED, "manager", "database=%s",
                     db_path);
  if (!herd_manager_start (manager, &error))
    goto out;
  ctl = herd_ctl_new (socket_path, manager, model, driver, state,
                      g_steal_pointer (&access), &error);
  if (ctl == NULL)
    goto out;
  herd_changes_attach (changes, config, manager, state);
  herd_ctl_set_changes (ctl, changes);
  if (api_settings != NULL)
    {
      HerdUsers *users = herd_users_load (run->api_users, &error);
      if (users == NULL
          || !herd_api_make_certificate (api_settings->certificate,
                                         api_settings->key, &error)
          || (api = herd_api_new (api_settings, ctl, model, state, users,
                                  &error))
                 == NULL)
        goto out;
      g_message ("herd run: the REST API on https://%s/ovirt-engine/api "
                 "(%u users of %s; certificate %s)",
                 api_settings->listen, herd_users_count (users),
                 run->api_users, api_settings->certificate);
    }
  g_message ("herd run: %u hosts, %u VMs; state in %s; herd ctl --socket %s",
             model->hosts->len, model->vms->len, db_path, socket_path);
  if (config->secrets_path != NULL)
    g_message ("herd run: fence agents' secrets from %s",
               config->secrets_path);
  if (run->sample_interval > 0)
    {
      HerdHistorySettings settings = { run->sample_interval,
                                       run->sample_retention,
                                       run->hourly_retention,
                                       run->daily_retention };
      history = herd_history_open (db_path, model, &settings, &error);
      if (history == NULL || !herd_state_leave_checkpoints (state, &error))
        goto out;
      sampler = (Sampler){ history, driver };
      sample_source = g_timeout_add_seconds (
          (guint) (run->sample_interval / HERD_SEC (1)), sample_tick,
          &sampler);
    }
  guint tick = g_timeout_add_seconds (1, save_tick, state);
  ready = g_strdup_printf (
      "READY=1\nSTATUS=managing %u hosts and %u VMs; herd ctl --socket %s%s%s",
      model->hosts->len, model->vms->len, socket_path,
      api != NULL ? "; API on " : "", api != NULL ? api_settings->listen : "");
  notify (ready);
  guint sigint = g_unix_signal_add (SIGINT, quit, loop);
  guint sigterm = g_unix_signal_add (SIGTERM, quit, loop);
  g_main_loop_run (loop);
  g_source_remove (tick);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  herd_manager_finish (manager);
  if (!herd_state_save (state, &error))
    goto out;
  status = HERD_EXIT_OK;
out:
  if (sample_source != 0)
    g_source_remove (sample_source);
  g_clear_pointer (&history, herd_history_free);
  if (error != NULL)
    {
      g_printerr ("herd run: %s\n", error->message);
      if (log_file != stderr)
        log_line ("error", error->message);
    }
  g_clear_pointer (&api, herd_api_free);
  g_clear_pointer (&ctl, herd_ctl_free);
  g_clear_pointer (&manager, herd_manager_free);
  g_clear_pointer (&driver, herd_driver_free);
  return status;
}

int
herd_cmd_run (int argc, char **argv)
{
  g_autofree char *db_path = NULL, *socket_path = NULL, *log_path = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      "State database (default: [manager] database, else CONFIG's name "
      "with .db)",
      "FILE" },
    { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket_path,
      "Control socket for herd ctl (default: [manager] socket, else "
      "CONFIG's name with .sock)",
      "PATH" },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_path,
      "Log file (default: [manager] log, else standard error)", "FILE" },
    { NULL },
  };
  if (!herd_cli_parse (
          &argc, &argv, "run", "CONFIG",
          "Run the manager on real hosts (libvirt, sanlock, fence agents).",
          "CONFIG is a scenario file whose [hosts] groups say how to reach\n"
          "each host (uri, sanlock_dir, migration_uri, fence_command, ...),\n"
          "whose [storage] groups give each domain's directory (path) and\n"
          "whose [manager] group may name the database, socket and log\n"
          "(docs/real-hosts.md).  The manager keeps its state in a SQLite\n"
          "database: run it again after a crash and it reconciles with the\n"
          "hosts.  herd ctl talks to it.  SIGINT or SIGTERM stop it; the\n"
          "hosts and their VMs keep running.\n"
          "\n"
          "The database (with its WAL and -shm) and the log are created\n"
          "0600, the control socket 0660 with [manager] socket_group\n"
          "(default: herd run's group), whatever the umask.  Who may use\n"
          "the socket: root and herd run's own user (administrators), and\n"
          "the users and @groups of [manager] viewers, operators and\n"
          "administrators; anyone else is refused.  At most\n"
          "[manager] max_connections (64) connections at once.  Fence\n"
          "agents' passwords go in the secrets file ([manager] secrets,\n"
          "else $CREDENTIALS_DIRECTORY/herd-secrets), owned by herd run's\n"
          "user and readable by it only, never in CONFIG.",
          entries))
    return HERD_EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr ("herd run: expected one CONFIG file (see herd run "
                  "--help)\n");
      return HERD_EXIT_USAGE;
    }
  const char *config_path = argv[1];
  g_autoptr (GError) error = NULL;
  /* The database's path first: the hosts and VMs added at run time are
   * recorded there. */
  g_autoptr (HerdScenario) scenario = herd_scenario_load (config_path,
                                                          &error);
  if (scenario == NULL)
    {
      g_printerr ("herd run: %s\n", error->message);
      return HERD_EXIT_USAGE;
    }
  if (db_path == NULL)
    db_path = scenario->run.database != NULL
                  ? g_strdup (scenario->run.database)
                  : herd_run_default_path (config_path, ".db");
  g_clear_pointer (&scenario, herd_scenario_free);
  g_autoptr (HerdChanges) changes = herd_changes_load (config_path, db_path,
                                                       &scenario, &error);
  if (changes == NULL)
    {
      g_printerr ("herd run: %s\n", error->message);
      return HERD_EXIT_USAGE;
    }
  HerdModel *model = scenario->model;
  HerdVirtConfig *config = herd_run_config (scenario, &error);
  if (config == NULL)
    {
      g_printerr ("herd run: %s\n", error->message);
      return HERD_EXIT_USAGE;
    }
  g_autoptr (HerdAccess) access = herd_access_new (&scenario->run,
                                                   config_path, &error);
  if (access == NULL)
    {
      g_printerr ("herd run: %s\n", error->message);
      herd_virt_config_free (config, model);
      return HERD_EXIT_USAGE;
    }
  if (socket_path == NULL)
    socket_path = scenario->run.socket != NULL
                      ? g_strdup (scenario->run.socket)
                      : herd_run_default_path (config_path, ".sock");
  if (log_path == NULL && scenario->run.log != NULL)
    log_path = g_strdup (scenario->run.log);
  log_file = log_path != NULL ? open_log (log_path) : stderr;
  if (log_file == NULL)
    {
      g_printerr ("herd run: %s: cannot open the log %s (--log or "
                  "[manager] log): %s\n",
                  config_path, log_path, g_strerror (errno));
      herd_virt_config_free (config, model);
      return HERD_EXIT_USAGE;
    }
  /* The API's certificate and key: the configured files, else a pair
   * made beside CONFIG at first start. */
  g_autofree char *certificate
      = scenario->run.api_certificate != NULL
            ? g_strdup (scenario->run.api_certificate)
            : herd_run_default_path (config_path, "-api.crt");
  g_autofree char *key = scenario->run.api_key != NULL
                             ? g_strdup (scenario->run.api_key)
                             : herd_run_default_path (config_path,
                                                      "-api.key");
  HerdApiSettings api = { scenario->run.api_listen, certificate, key,
                          scenario->run.api_token_lifetime,
                          scenario->run.api_max_connections };
  g_log_set_default_handler (log_handler, NULL);
  int status = serve (model, config, changes, &scenario->run,
                      g_steal_pointer (&access), db_path, socket_path,
                      scenario->run.api_listen != NULL ? &api : NULL);
  herd_virt_config_free (config, model);
  g_log_set_default_handler (g_log_default_handler, NULL);
  if (log_file != stderr)
    fclose (log_file);
  return status;
}
