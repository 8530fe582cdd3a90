/* cmd-import.c: `herd import SOURCE`: a real estate's inventory (oVirt's
 * REST API responses saved in a directory, or a CSV inventory) as a
 * scenario, with a note for everything changed or left out on the way
 * (docs/import.md). */
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/ovirt-api.h"
#include "conf/estate-scenario.h"
#include "conf/import.h"
#include "conf/run-config.h"
#include "conf/scenario.h"
#include "core/units.h"
#include "drivers/virt/virt-import.h"
#include "service/changes.h"
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
            gint64 memory_mib, double write_bps, gpointer data)
{
  History *h = data;
  const HerdEstateVm *v = g_hash_table_lookup (h->vms, vm);
  double memory_percent
      = v != NULL && v->memory_mib > 0 && memory_mib >= 0
            ? MIN (100.0 * (double) memory_mib / (double) v->memory_mib, 100.0)
            : -1;
  herd_estate_add_sample (h->estate, vm, time, cpu_percent, memory_percent,
                          write_bps);
}

/* What a VM's disk held at a recorded time, onto the estate's disk. */
static void
add_disk_sample (const char *vm, guint disk, gint64 time, gint64 mib,
                 gpointer data)
{
  History *h = data;
  const HerdEstateVm *v = g_hash_table_lookup (h->vms, vm);
  if (v != NULL && disk < v->disks->len)
    herd_estate_disk_held (g_ptr_array_index (v->disks, disk), time, mib);
}

/* herd run's configuration at path with its run-time changes, with each
 * VM where its state database says it runs and its recorded history
 * (--from run). */
static gboolean
import_run (const char *path, HerdEstate *estate, GError **error)
{
  g_autoptr (HerdScenario) config = herd_scenario_load (path, error);
  if (config == NULL)
    return FALSE;
  g_autofree char *db = config->run.database != NULL
                            ? g_strdup (config->run.database)
                            : herd_run_default_path (path, ".db");
  g_clear_pointer (&config, herd_scenario_free);
  g_autoptr (HerdChanges) changes = herd_changes_load (path, db, &config,
                                                       error);
  if (changes == NULL)
    return FALSE;
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
  if (!herd_history_read (db, add_sample, add_disk_sample, &history, error))
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

/* The password in path: its first line.  The file must be its owner's
 * only (like an SSH key), since it holds a credential. */
static char *
read_password (const char *path, GError **error)
{
  GStatBuf st;
  if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   "%s: others may read it (mode %03o): make it its owner's "
                   "only (chmod 600)",
                   path, (unsigned) (st.st_mode & 0777));
      return NULL;
    }
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  text[strcspn (text, "\r\n")] = '\0';
  return text;
}

/* Removes dir and the files herd_ovirt_api_fetch wrote into it (dir is
 * herd import's own temporary directory). */
static void
remove_fetched (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_remove (path);
      }
  g_rmdir (dir);
}

/* oVirt's REST API at url (--from ovirt with a URL): its collections
 * fetched into a temporary directory and read from there. */
static gboolean
import_ovirt_live (const HerdOvirtApi *api, HerdEstate *estate,
                   GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-import-ovirt-XXXXXX", error);
  if (dir == NULL)
    return FALSE;
  guint requests = 0;
  g_autoptr (GError) local = NULL;
  gboolean ok = herd_ovirt_api_fetch (api, dir, &requests, &local);
  if (!ok) /* the engine did not answer as it should: not bad input */
    g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_READ, "%s",
                 local->message);
  else
    {
      herd_estate_note (estate, "%s: %u requests (listings in pages of %u)",
                        api->url, requests, api->page_size);
      ok = herd_import_ovirt (dir, estate, error);
    }
  remove_fetched (dir);
  return ok;
}

int
herd_cmd_import (int argc, char **argv)
{
  g_autofree char *from = NULL, *output = NULL, *name = NULL,
                 *sample_text = NULL, *user = NULL, *password_file = NULL,
                 *ca_file = NULL;
  gboolean force = FALSE, json = FALSE;
  gint page_size = 100;
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
    { "user", 0, 0, G_OPTION_ARG_STRING, &user,
      "an oVirt engine's URL: the user (admin@internal)", "USER" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      "an oVirt engine's URL: the file whose first line is the password "
      "(its owner's only)",
      "FILE" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      "an oVirt engine's URL: the engine's CA certificate (PEM; default: "
      "the system's CAs)",
      "FILE" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size,
      "an oVirt engine's URL: objects per page of a listing (default 100)",
      "N" },
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
          ".xml, saved as docs/import.md shows), a running oVirt engine's API\n"
          "(https://ENGINE/ovirt-engine/api, with --user and --password-file;\n"
          "listings read in pages), a CSV inventory (columns in\n"
          "docs/import.md), herd run's configuration (--from run: each VM\n"
          "where herd run's state database says it runs), or, with --from\n"
          "libvirt, live hosts as NAME=URI (their node, running domains and\n"
          "CPU use now).  Hosts and VMs keep their names ([host NAME],\n"
          "[vm NAME]); running VMs are placed where they run (host =).  Every\n"
          "field or object that is changed or left out is printed as a note\n"
          "on standard error (in the JSON summary with --json).  The scenario\n"
          "written always passes herd check.\n\n"
          "Exit status: 0 written; 1 the scenario could not be written, or a\n"
          "live host or the engine did not answer as it should; 2 bad usage,\n"
          "or a source that cannot be\n"
          "read (file, line and field named) or leaves nothing to import.",
          entries))
    return HERD_EXIT_USAGE;
  const char *source = argc >= 2 ? argv[1] : NULL;
  gboolean is_dir = source != NULL && g_file_test (source, G_FILE_TEST_IS_DIR);
  gboolean engine = source != NULL
                    && (g_str_has_prefix (source, "https://")
                        || g_str_has_prefix (source, "http://"));
  if (from == NULL)
    from = g_strdup (is_dir || engine ? "ovirt" : "csv");
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
  if (!engine && (user != NULL || password_file != NULL || ca_file != NULL))
    {
      herd_cli_error ("import", "--user, --password-file and --ca-file are "
                      "for an oVirt engine's URL (https://...)");
      return HERD_EXIT_USAGE;
    }
  g_autofree char *password = NULL;
  if (engine
      && (strcmp (from, "ovirt") != 0 || user == NULL || password_file == NULL
          || page_size < 1 || page_size > 10000
          || (password = read_password (password_file, &error)) == NULL))
    {
      herd_cli_error ("import", "%s: %s", source,
                      strcmp (from, "ovirt") != 0
                          ? "a URL is an oVirt engine's API (--from ovirt)"
                      : user == NULL || password_file == NULL
                          ? "an oVirt engine needs --user and --password-file"
                      : page_size < 1 || page_size > 10000
                          ? "--page-size: expected 1 to 10000"
                          : error->message);
      return HERD_EXIT_USAGE;
    }
  if (!live && !engine && !g_file_test (source, G_FILE_TEST_EXISTS))
    {
      herd_cli_error ("import", "%s: no such file or directory", source);
      return HERD_EXIT_USAGE;
    }
  if (strcmp (from, "ovirt") == 0 && !is_dir && !engine)
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
    name = live ? g_strdup ("libvirt") : engine ? g_strdup ("ovirt")
                                                : name_of (source);
  else if (!herd_scenario_is_name (name))
    {
      herd_cli_error ("import", "--name: expected letters, digits, '-', '_' "
                      "and '.', got \"%s\"", name);
      return HERD_EXIT_USAGE;
    }

  g_autofree char *what
      = live     ? g_strdup_printf ("libvirt hosts (%d), CPU over %s",
                                    argc - 1, sample_text ? sample_text : "2s")
        : engine ? g_strdup_printf ("oVirt's REST API at %s", source)
                 : g_strdup_printf ("%s %s",
                                strcmp (from, "ovirt") == 0
                                    ? "oVirt REST API responses in"
                                : strcmp (from, "run") == 0
                                    ? "herd run's configuration and state,"
                                    : "CSV inventory",
                                source);
  g_autoptr (HerdEstate) estate = herd_estate_new (what);
  HerdOvirtApi api = { source, user, password, ca_file, (guint) page_size };
  gboolean read = live     ? herd_virt_import (argv + 1, sample, estate, &error)
                  : engine ? import_ovirt_live (&api, estate, &error)
                  : strcmp (from, "ovirt") == 0
                      ? herd_import_ovirt (source, estate, &error)
                  : strcmp (from, "run") == 0
                      ? import_run (source, estate, &error)
                      : herd_import_csv (source, estate, &error);
  if (password != NULL)
    memset (password, 0, strlen (password));
  if (!read)
    {
      herd_cli_error ("import", "%s", error->message);
      /* a live host or engine that failed is not bad input */
      return (live || engine)
                     && g_error_matches (error, HERD_IMPORT_ERROR,
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
      json_builder_set_member_name (b, "vms_replayed");
      json_builder_add_int_value (b, estate->replayed);
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
  if (estate->replayed > 0)
    fprintf (stderr, "herd import: %u VMs replay their recorded history "
             "(%s/)\n",
             estate->replayed, estate->history_dir);
  return HERD_EXIT_OK;
}
