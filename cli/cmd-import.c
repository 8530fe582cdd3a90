/* cmd-import.c: `herd import SOURCE`: a real estate's inventory (oVirt's
 * REST API responses saved in a directory, or a CSV inventory) as a
 * scenario, with a note for everything changed or left out on the way
 * (docs/import.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "conf/estate-scenario.h"
#include "conf/import.h"
#include "conf/run-config.h"
#include "conf/scenario.h"
#include "core/units.h"
#include "drivers/virt/virt-import.h"
#include "service/history.h"
#include "service/state.h"

/* The scenario's name from the source's path: its base name without
 * extension, as a scenario name. */
static char *
name_of (const char *source)
{
  g_autofree char *base = g_path_get_basename (source);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  for (char *p = base; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      *p = '_';
  return g_strdup (base);
}

typedef struct
{
  HerdEstate *estate;
  GHashTable *vms;     /* name -> HerdEstateVm * */
} History;

/* A recorded sample into the estate: memory as a share of the VM's. */
static void
add_sample (const char *vm, gint64 time, double cpu_percent,
            gint64 memory_mib, gpointer data)
{
  History *h = data;
  const HerdEstateVm *v = g_hash_table_lookup (h->vms, vm);
  double memory_percent
      = v != NULL && v->memory_mib > 0 && memory_mib >= 0
            ? MIN (100.0 * (double) memory_mib / (double) v->memory_mib, 100.0)
            : -1;
  herd_estate_add_sample (h->estate, vm, time, cpu_percent, memory_percent);
}

/* herd run's configuration at path, with each VM where its state database
 * says it runs and its recorded history (--from run). */
static gboolean
import_run (const char *path, HerdEstate *estate, GError **error)
{
  g_autoptr (HerdScenario) config = herd_scenario_load (path, error);
  if (config == NULL)
    return FALSE;
  g_autofree char *db = config->run.database != NULL
                            ? g_strdup (config->run.database)
                            : herd_run_default_path (path, ".db");
  g_autoptr (GHashTable) hosts = g_hash_table_new_full (g_str_hash,
                                                        g_str_equal, g_free,
                                                        g_free);
  g_autoptr (GHashTable) vm_status = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) vm_host = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, g_free);
  if (!herd_state_read (db, hosts, vm_status, vm_host, error))
    return FALSE;
  herd_estate_add_scenario (estate, config);
  g_autoptr (GHashTable) vms = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < estate->vms->len; i++)
    {
      HerdEstateVm *v = g_ptr_array_index (estate->vms, i);
      g_hash_table_insert (vms, v->name, v);
    }
  History history = { estate, vms };
  if (!herd_history_read (db, add_sample, &history, error))
    return FALSE;
  for (guint i = 0; i < estate->hosts->len; i++)
    {
      HerdEstateHost *h = g_ptr_array_index (estate->hosts, i);
      const char *status = g_hash_table_lookup (hosts, h->name);
      if (status != NULL)
        {
          g_free (h->status);
          h->status = g_ascii_strdown (status, -1);
        }
    }
  for (guint i = 0; i < estate->vms->len; i++)
    {
      HerdEstateVm *v = g_ptr_array_index (estate->vms, i);
      const char *status = g_hash_table_lookup (vm_status, v->name);
      if (status == NULL)
        {
          herd_estate_note (estate, "vm \"%s\": not in the state database "
                            "(%s): down", v->name, db);
          continue;
        }
      g_free (v->status);
      v->status = g_ascii_strdown (status, -1);
      g_free (v->host);
      v->host = g_strdup (g_hash_table_lookup (vm_host, v->name));
    }
  return TRUE;
}

/* Writes text to path through a temporary file renamed into place, so
 * that a failure leaves nothing half written. */
static gboolean
write_file (const char *path, const char *text, GError **error)
{
  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

/* Where the VMs' recorded series go beside output (a scenario file):
 * OUTPUT's base name without extension, with "-history". */
static char *
history_dir_of (const char *output)
{
  g_autofree char *base = g_path_get_basename (output);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strconcat (base, "-history", NULL);
}

/* The files the estate's writer made (the VMs' series), in output's
 * directory. */
static gboolean
write_files (const HerdEstate *estate, const char *output, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (output);
  for (guint i = 0; i < estate->files->len; i++)
    {
      const HerdEstateFile *f = g_ptr_array_index (estate->files, i);
      g_autofree char *path = g_build_filename (dir, f->path, NULL);
      g_autofree char *parent = g_path_get_dirname (path);
      if (g_mkdir_with_parents (parent, 0755) < 0)
        {
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                       "%s: %s", parent, g_strerror (errno));
          return FALSE;
        }
      if (!write_file (path, f->text, error))
        return FALSE;
    }
  return TRUE;
}

int
herd_cmd_import (int argc, char **argv)
{
  g_autofree char *from = NULL, *output = NULL, *name = NULL,
                 *sample_text = NULL;
  gboolean force = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "what SOURCE is: ovirt (a directory of saved REST API responses), "
      "csv, run (herd run's configuration, with its state database), or "
      "libvirt (NAME=URI of live hosts; default: ovirt for a directory, csv "
      "for a file)",
      "FORMAT" },
    { "sample", 0, 0, G_OPTION_ARG_STRING, &sample_text,
      "--from libvirt: measure the VMs' CPU over DURATION (default 2s)",
      "DURATION" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "write the scenario to FILE (default: standard output)", "FILE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      "replace FILE if it exists", NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      "the scenario's name (default: SOURCE's base name)", "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "print a JSON summary (counts, notes; the scenario too without -o)",
      NULL },
    { NULL }
  };
  if (!herd_cli_parse (
          &argc, &argv, "import", "SOURCE...",
          "Writes a scenario from a real estate's inventory.",
          "SOURCE is a directory of oVirt REST API v4 responses (datacenters,\n"
          "clusters, hosts, vms, disks, storagedomains, networks as .json or\n"
          ".xml, saved as docs/import.md shows), a CSV inventory (columns in\n"
          "docs/import.md), herd run's configuration (--from run: each VM\n"
          "where herd run's state database says it runs), or, with --from\n"
          "libvirt, live hosts as NAME=URI (their node, running domains and\n"
          "CPU use now).  Hosts and VMs keep their names ([host NAME],\n"
          "[vm NAME]); running VMs are placed where they run (host =).  Every\n"
          "field or object that is changed or left out is printed as a note\n"
          "on standard error (in the JSON summary with --json).  The scenario\n"
          "written always passes herd check.\n\n"
          "Exit status: 0 written; 1 the scenario could not be written, or a\n"
          "live host did not answer; 2 bad usage, or a source that cannot be\n"
          "read (file, line and field named) or leaves nothing to import.",
          entries))
    return HERD_EXIT_USAGE;
  const char *source = argc >= 2 ? argv[1] : NULL;
  gboolean is_dir = source != NULL && g_file_test (source, G_FILE_TEST_IS_DIR);
  if (from == NULL)
    from = g_strdup (is_dir ? "ovirt" : "csv");
  if (strcmp (from, "ovirt") != 0 && strcmp (from, "csv") != 0
      && strcmp (from, "run") != 0 && strcmp (from, "libvirt") != 0)
    {
      herd_cli_error ("import", "--from: expected ovirt, csv, run or libvirt, "
                      "got \"%s\"", from);
      return HERD_EXIT_USAGE;
    }
  gboolean live = strcmp (from, "libvirt") == 0;
  if (argc < 2 || (argc > 2 && !live))
    {
      herd_cli_error ("import", "expected %s (see 'herd import --help')",
                      live ? "one or more NAME=URI" : "one SOURCE");
      return HERD_EXIT_USAGE;
    }
  HerdTime sample = HERD_SEC (2);
  g_autoptr (GError) error = NULL;
  if (sample_text != NULL
      && (!live || !herd_units_parse_duration (sample_text, &sample, &error)
          || sample <= 0))
    {
      herd_cli_error ("import", "--sample: %s",
                      !live ? "only with --from libvirt"
                      : error != NULL
                          ? error->message
                          : "expected a duration more than 0 such as 2s");
      return HERD_EXIT_USAGE;
    }
  if (!live && !g_file_test (source, G_FILE_TEST_EXISTS))
    {
      herd_cli_error ("import", "%s: no such file or directory", source);
      return HERD_EXIT_USAGE;
    }
  if (strcmp (from, "ovirt") == 0 && !is_dir)
    {
      herd_cli_error ("import", "%s: --from ovirt reads a directory of saved "
                      "API responses (docs/import.md)", source);
      return HERD_EXIT_USAGE;
    }
  if (output != NULL && !force && g_file_test (output, G_FILE_TEST_EXISTS))
    {
      herd_cli_error ("import", "%s exists (--force replaces it)", output);
      return HERD_EXIT_USAGE;
    }
  if (name == NULL)
    name = live ? g_strdup ("libvirt") : name_of (source);
  else if (!herd_scenario_is_name (name))
    {
      herd_cli_error ("import", "--name: expected letters, digits, '-', '_' "
                      "and '.', got \"%s\"", name);
      return HERD_EXIT_USAGE;
    }

  g_autofree char *what
      = live ? g_strdup_printf ("libvirt hosts (%d), CPU over %s", argc - 1,
                                sample_text ? sample_text : "2s")
             : g_strdup_printf ("%s %s",
                                strcmp (from, "ovirt") == 0
                                    ? "oVirt REST API responses in"
                                : strcmp (from, "run") == 0
                                    ? "herd run's configuration and state,"
                                    : "CSV inventory",
                                source);
  g_autoptr (HerdEstate) estate = herd_estate_new (what);
  gboolean read = live ? herd_virt_import (argv + 1, sample, estate, &error)
                  : strcmp (from, "ovirt") == 0
                      ? herd_import_ovirt (source, estate, &error)
                  : strcmp (from, "run") == 0
                      ? import_run (source, estate, &error)
                      : herd_import_csv (source, estate, &error);
  if (!read)
    {
      herd_cli_error ("import", "%s", error->message);
      /* a live host that failed is not bad input */
      return live && g_error_matches (error, HERD_IMPORT_ERROR,
                                      HERD_IMPORT_ERROR_READ)
                 ? HERD_EXIT_FAILURE
                 : HERD_EXIT_USAGE;
    }
  if (output != NULL)
    estate->history_dir = history_dir_of (output);
  g_autofree char *text = herd_estate_write_scenario (estate, name, &error);
  if (text == NULL)
    {
      /* the notes say why nothing was left */
      for (guint i = 0; i < estate->notes->len; i++)
        fprintf (stderr, "herd import: note: %s\n",
                 (const char *) g_ptr_array_index (estate->notes, i));
      herd_cli_error ("import", "%s", error->message);
      return HERD_EXIT_USAGE;
    }

  /* The VMs' series first: the scenario refers to them. */
  if (output != NULL && !write_files (estate, output, &error))
    {
      herd_cli_error ("import", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  /* What was written must load: anything else is herd import's defect. */
  g_autoptr (HerdScenario) check = herd_scenario_load_data (
      text, output ? output : "(scenario)", &error);
  if (check == NULL)
    {
      herd_cli_error ("import", "the scenario written does not load (a "
                      "defect of herd import): %s", error->message);
      return HERD_EXIT_FAILURE;
    }
  if (output != NULL && !write_file (output, text, &error))
    {
      herd_cli_error ("import", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  guint placed = 0;
  for (guint i = 0; i < check->vm_groups->len; i++)
    placed += ((HerdVmGroup *) g_ptr_array_index (check->vm_groups, i))->host
              != HERD_ID_NONE;
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, source);
      json_builder_set_member_name (b, "format");
      json_builder_add_string_value (b, from);
      json_builder_set_member_name (b, "output");
      if (output != NULL)
        json_builder_add_string_value (b, output);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "hosts");
      json_builder_add_int_value (b, check->model->hosts->len);
      json_builder_set_member_name (b, "vms");
      json_builder_add_int_value (b, check->model->vms->len);
      json_builder_set_member_name (b, "vms_placed");
      json_builder_add_int_value (b, placed);
      json_builder_set_member_name (b, "history_files");
      json_builder_add_int_value (b, estate->files->len);
      json_builder_set_member_name (b, "notes");
      json_builder_begin_array (b);
      for (guint i = 0; i < estate->notes->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (estate->notes,
                                                             i));
      json_builder_end_array (b);
      if (output == NULL)
        {
          json_builder_set_member_name (b, "scenario");
          json_builder_add_string_value (b, text);
        }
      json_builder_end_object (b);
      herd_cli_print_json (b);
      return HERD_EXIT_OK;
    }
  for (guint i = 0; i < estate->notes->len; i++)
    fprintf (stderr, "herd import: note: %s\n",
             (const char *) g_ptr_array_index (estate->notes, i));
  if (output == NULL)
    fputs (text, stdout);
  fprintf (stderr,
           "herd import: %s%s: %u hosts, %u VMs (%u where they run), %u "
           "notes\n",
           output ? "wrote " : "", output ? output : "scenario",
           check->model->hosts->len, check->model->vms->len, placed,
           estate->notes->len);
  if (estate->files->len > 0)
    fprintf (stderr, "herd import: %u VMs replay their recorded history "
             "(%s/)\n",
             estate->files->len, estate->history_dir);
  return HERD_EXIT_OK;
}
