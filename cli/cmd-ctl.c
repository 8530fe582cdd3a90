/* cmd-ctl.c: `herd ctl`, the operator's client of a running `herd run`.
 *
 * Sends one JSON request line over the control socket (service/ctl.h) and
 * prints the answer as a table (or, with --json, the result as JSON).
 * Exit status: 0 done, 1 the manager refused or failed (a user without a
 * role, or a command above the user's role, included), 2 bad usage or no
 * manager listening (or the socket's mode keeps the user out). */
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "conf/run-config.h"

typedef struct
{
  const char *name;
  const char *args; /* usage of its arguments */
  guint min, max;   /* how many */
} CtlCommand;

static const CtlCommand ctl_commands[] = {
  { "hosts", "", 0, 0 },
  { "vms", "", 0, 0 },
  { "spm", "", 0, 0 },
  { "events", "[COUNT]", 0, 1 },
  { "start", "VM", 1, 1 },
  { "stop", "VM", 1, 1 },
  { "migrate", "VM [HOST]", 1, 2 },
  { "cancel_migration", "VM", 1, 1 },
  { "maintenance", "HOST", 1, 1 },
  { "activate", "HOST", 1, 1 },
  { "confirm_reboot", "HOST", 1, 1 },
  { "select_spm", "HOST", 1, 1 },
  { "power", "HOST stop|start|restart", 2, 2 },
  { "add_host", "NAME KEY=VALUE...", 2, G_MAXUINT },
  { "add_vm", "NAME KEY=VALUE...", 2, G_MAXUINT },
  { "add_storage", "NAME KEY=VALUE...", 2, G_MAXUINT },
  { "edit_vm", "VM KEY=VALUE...", 2, G_MAXUINT },
  { "remove_host", "HOST", 1, 1 },
  { "remove_vm", "VM", 1, 1 },
  { "reinstall", "HOST", 1, 1 },
};

/* A run-time change's words: NAME (or VM), then KEY=VALUE settings. */
static gboolean
build_change (JsonBuilder *b, const CtlCommand *c, char **words, guint n)
{
  json_builder_set_member_name (b, g_str_equal (c->name, "edit_vm") ? "vm"
                                                                    : "name");
  json_builder_add_string_value (b, words[0]);
  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  for (guint i = 1; i < n; i++)
    {
      const char *eq = strchr (words[i], '=');
      if (eq == NULL || eq == words[i])
        {
          g_printerr ("herd ctl: %s: expected KEY=VALUE, got \"%s\"\n",
                      c->name, words[i]);
          return FALSE;
        }
      g_autofree char *key = g_strndup (words[i], (gsize) (eq - words[i]));
      json_builder_set_member_name (b, key);
      json_builder_add_string_value (b, eq + 1);
    }
  json_builder_end_object (b);
  return TRUE;
}

/* The request for command and its words, or NULL (usage printed). */
static char *
build_request (const CtlCommand *c, char **words, guint n)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "command");
  json_builder_add_string_value (b, c->name);
  if (strstr (c->args, "KEY=VALUE") != NULL)
    {
      if (!build_change (b, c, words, n))
        return NULL;
    }
  else if (n > 0)
    {
      if (g_str_equal (c->name, "events"))
        {
          char *end = NULL;
          gint64 count = g_ascii_strtoll (words[0], &end, 10);
          if (end == words[0] || *end != '\0')
            {
              g_printerr ("herd ctl: events: COUNT must be a number, got "
                          "\"%s\"\n",
                          words[0]);
              return NULL;
            }
          json_builder_set_member_name (b, "count");
          json_builder_add_int_value (b, count);
        }
      else
        {
          gboolean vm = strstr (c->args, "VM") != NULL;
          json_builder_set_member_name (b, vm ? "vm" : "host");
          json_builder_add_string_value (b, words[0]);
          if (n > 1)
            {
              /* migrate VM HOST; power HOST ACTION */
              json_builder_set_member_name (b, vm ? "host" : "action");
              json_builder_add_string_value (b, words[1]);
            }
        }
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static const char *
str (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  return n != NULL && !JSON_NODE_HOLDS_NULL (n)
             ? json_node_get_string (n)
             : "-";
}

static void
print_table (const char *command, JsonNode *result)
{
  if (!JSON_NODE_HOLDS_ARRAY (result))
    {
      printf ("done\n");
      return;
    }
  JsonArray *rows = json_node_get_array (result);
  if (g_str_equal (command, "hosts"))
    printf ("%-16s %-26s %-4s %9s %4s %8s %10s\n", "NAME", "STATUS", "SPM",
            "SANLOCK", "VMS", "CPU_MC", "FREE_MIB");
  else if (g_str_equal (command, "vms"))
    printf ("%-20s %-16s %-16s %-16s %s\n", "NAME", "STATUS", "HOST",
            "MIGRATING_TO", "HA");
  else if (g_str_equal (command, "spm"))
    printf ("%-16s %-16s %-16s %8s %s\n", "DATACENTER", "SPM", "LEASE_HOLDER",
            "VERSION", "NOTE");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *o = json_array_get_object_element (rows, i);
      if (g_str_equal (command, "hosts"))
        printf ("%-16s %-26s %-4s %9" G_GINT64_FORMAT " %4" G_GINT64_FORMAT
                " %8" G_GINT64_FORMAT " %10" G_GINT64_FORMAT "\n",
                str (o, "name"), str (o, "status"),
                json_object_get_boolean_member (o, "spm") ? "yes" : "no",
                json_object_get_int_member (o, "sanlock_id"),
                json_object_get_int_member (o, "vms"),
                json_object_get_int_member (o, "cpu_used_mc"),
                json_object_get_int_member (o, "mem_free_mib"));
      else if (g_str_equal (command, "vms"))
        printf ("%-20s %-16s %-16s %-16s %s\n", str (o, "name"),
                str (o, "status"), str (o, "host"), str (o, "migrating_to"),
                json_object_get_boolean_member (o, "ha") ? "yes" : "no");
      else if (g_str_equal (command, "spm"))
        printf ("%-16s %-16s %-16s %8" G_GINT64_FORMAT " %s\n",
                str (o, "datacenter"), str (o, "spm"),
                str (o, "lease_holder"),
                json_object_get_int_member (o, "lease_version"),
                json_object_has_member (o, "lease_error")
                    ? str (o, "lease_error")
                    : "");
      else
        printf ("%s %5" G_GINT64_FORMAT " %-40s %-8s %-16s %s\n",
                str (o, "time"), json_object_get_int_member (o, "code"),
                str (o, "name"), str (o, "severity"), str (o, "object"),
                str (o, "details"));
    }
}

/* The socket named by the configuration, as herd run would pick it. */
static char *
socket_of_config (const char *config_path, GError **error)
{
  g_autoptr (HerdScenario) config = herd_scenario_load (config_path, error);
  if (config == NULL)
    return NULL;
  return config->run.socket != NULL
             ? g_strdup (config->run.socket)
             : herd_run_default_path (config_path, ".sock");
}

int
herd_cmd_ctl (int argc, char **argv)
{
  g_autofree char *socket_path = NULL, *config_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "socket", 's', 0, G_OPTION_ARG_FILENAME, &socket_path,
      "herd run's control socket", "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "herd run's configuration (its socket is used)", "CONFIG" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON",
      NULL },
    { NULL },
  };
  g_autoptr (GString) help = g_string_new ("Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (ctl_commands); i++)
    g_string_append_printf (help, "  %s %s\n", ctl_commands[i].name,
                            ctl_commands[i].args);
  g_string_append (help,
                   "\nThe socket comes from --socket, else from --config, "
                   "else $HERD_SOCKET.\n"
                   "\n"
                   "Roles ([manager] viewers, operators, administrators in "
                   "herd run's\nconfiguration; root and herd run's own user "
                   "are administrators):\n"
                   "  viewer         hosts, vms, spm, events\n"
                   "  operator       + start, stop, migrate, "
                   "cancel_migration\n"
                   "  administrator  + maintenance, activate, "
                   "confirm_reboot (the host was\n"
                   "                 restarted by hand: its VMs are down, "
                   "HA ones restart),\n"
                   "                 select_spm, power (stop, start or "
                   "restart a host\n"
                   "                 through its fence agents; stop: "
                   "from Maintenance),\n"
                   "                 add_host, add_vm, add_storage, edit_vm, "
                   "remove_host,\n"
                   "                 remove_vm, reinstall (run-time changes, "
                   "kept in herd run's\n"
                   "                 database; KEY=VALUE are the "
                   "configuration's [host], [vm]\n"
                   "                 and [storage] keys:\n"
                   "                 add_host h-9 cores=4 memory=16G "
                   "uri=qemu+ssh://h-9/system)\n"
                   "A user without a role, or a command above the user's "
                   "role, is refused\n(exit status 1).");
  if (!herd_cli_parse (&argc, &argv, "ctl", "COMMAND [ARGS]",
                       "Ask a running herd run: list hosts and VMs, start, "
                       "stop, migrate, maintenance, the SPM, events.",
                       help->str, entries))
    return HERD_EXIT_USAGE;
  const CtlCommand *c = NULL;
  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (ctl_commands); i++)
    if (g_str_equal (argv[1], ctl_commands[i].name))
      c = &ctl_commands[i];
  guint n = argc >= 2 ? (guint) argc - 2 : 0;
  if (c == NULL || n < c->min || n > c->max)
    {
      if (c == NULL)
        g_printerr ("herd ctl: expected a command (see herd ctl --help)%s%s\n",
                    argc >= 2 ? ", got " : "", argc >= 2 ? argv[1] : "");
      else
        g_printerr ("herd ctl: usage: herd ctl %s %s\n", c->name, c->args);
      return HERD_EXIT_USAGE;
    }
  g_autofree char *request = build_request (c, argv + 2, n);
  if (request == NULL)
    return HERD_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (socket_path == NULL && config_path != NULL
      && (socket_path = socket_of_config (config_path, &error)) == NULL)
    {
      g_printerr ("herd ctl: %s\n", error->message);
      return HERD_EXIT_USAGE;
    }
  if (socket_path == NULL && g_getenv ("HERD_SOCKET") != NULL)
    socket_path = g_strdup (g_getenv ("HERD_SOCKET"));
  if (socket_path == NULL)
    {
      g_printerr ("herd ctl: no socket: give --socket, --config or "
                  "HERD_SOCKET\n");
      return HERD_EXIT_USAGE;
    }

  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (
      socket_path);
  g_autoptr (GSocketConnection) conn = g_socket_client_connect (
      client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  if (conn == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        g_printerr ("herd ctl: %s: %s: the control socket is for its group "
                    "only (herd run's [manager] socket_group)\n",
                    socket_path, error->message);
      else
        g_printerr ("herd ctl: no herd run answers on %s: %s\n",
                    socket_path, error->message);
      return HERD_EXIT_USAGE;
    }
  g_autofree char *line = g_strconcat (request, "\n", NULL);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr (GDataInputStream) in = g_data_input_stream_new (
      g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_autofree char *answer = NULL;
  g_autoptr (GError) write_error = NULL;
  /* A manager that refuses the connection (no role, too many
   * connections) answers and closes, perhaps before the request is
   * written: its answer is read all the same. */
  g_output_stream_write_all (out, line, strlen (line), NULL, NULL,
                             &write_error);
  answer = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  if (answer == NULL)
    {
      GError *why = write_error != NULL ? write_error : error;
      g_printerr ("herd ctl: %s: %s\n", socket_path,
                  why != NULL ? why->message : "no answer");
      return HERD_EXIT_FAILURE;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, answer, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("herd ctl: unexpected answer: %s\n", answer);
      return HERD_EXIT_FAILURE;
    }
  JsonObject *reply = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_get_boolean_member (reply, "ok"))
    {
      g_printerr ("herd ctl: %s: %s\n", c->name,
                  json_object_get_string_member (reply, "error"));
      return HERD_EXIT_FAILURE;
    }
  JsonNode *result = json_object_get_member (reply, "result");
  if (json)
    {
      g_autofree char *text = json_to_string (result, TRUE);
      printf ("%s\n", text);
    }
  else
    print_table (c->name, result);
  return HERD_EXIT_OK;
}
