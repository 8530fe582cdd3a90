/* test-import.c: herd import's readers and the scenario they write
 * (conf/estate.c, conf/import-ovirt.c, conf/import-csv.c).
 *
 * The CSV inventory tests/import/inventory.csv holds the cases the writer
 * must handle: a host in maintenance (an action at time 0), a name that
 * is not a scenario name, a VM on a host that is not there, a down VM, a
 * VM no host could hold, a cluster without hosts, an unknown column; the
 * scenario written must load and say where each VM runs.  Bad CSV input
 * fails with the file, line and column.  The oVirt fixtures
 * (tests/import/ovirt-estate/, saved API responses as JSON and as XML)
 * import to the same scenario either way, with the facts of their
 * expected.md. */
#include "conf/import.h"
#include "conf/scenario.h"
#include "tests/test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* The scenario estate e writes, loaded; NULL (and a message) if it does
 * not load. */
static HerdScenario *
written (HerdEstate *e, char **text_out)
{
  g_autofree char *text = herd_estate_write_scenario (e, "t");
  g_autoptr (GError) error = NULL;
  HerdScenario *s = herd_scenario_load_data (text, "t.ini", &error);
  if (s == NULL)
    g_printerr ("\nthe scenario written does not load: %s\n%s\n",
                error->message, text);
  if (text_out != NULL)
    *text_out = g_steal_pointer (&text);
  return s;
}

static gboolean
has_note (HerdEstate *e, const char *part)
{
  for (guint i = 0; i < e->notes->len; i++)
    if (strstr (g_ptr_array_index (e->notes, i), part) != NULL)
      return TRUE;
  g_printerr ("\nno note contains \"%s\"\n", part);
  return FALSE;
}

static HerdId
host_of_vm (HerdScenario *s, const char *vm)
{
  HerdId id = herd_model_find_vm (s->model, vm);
  if (id == HERD_ID_NONE)
    return HERD_ID_NONE - 1;
  for (guint i = 0; i < s->vm_groups->len; i++)
    {
      const HerdVmGroup *g = g_ptr_array_index (s->vm_groups, i);
      if (id >= g->first && id < g->first + g->count)
        return g->host;
    }
  return HERD_ID_NONE - 1;
}

static void
test_csv_inventory (void)
{
  g_autofree char *path = herd_test_source_path ("tests/import/inventory.csv");
  g_autoptr (HerdEstate) e = herd_estate_new ("inventory.csv");
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE_FATAL (herd_import_csv (path, e, &error));
  g_autofree char *text = NULL;
  g_autoptr (HerdScenario) s = written (e, &text);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_EQUAL (m->hosts->len, 4);
  CU_ASSERT_EQUAL (m->clusters->len, 3);
  CU_ASSERT_EQUAL (m->domains->len, 3);
  CU_ASSERT_EQUAL (herd_model_domain (m, 2)->type, HERD_STORAGE_POSIX);
  CU_ASSERT_EQUAL (m->networks->len, 2);
  HerdId esx01 = herd_model_find_host (m, "esx01");
  HerdId esx02 = herd_model_find_host (m, "esx02");
  HerdId esx03 = herd_model_find_host (m, "esx_03");
  CU_ASSERT_NOT_EQUAL (esx03, HERD_ID_NONE);
  CU_ASSERT_EQUAL (herd_model_host (m, esx01)->cores, 32);
  CU_ASSERT_EQUAL (herd_model_host (m, esx01)->threads, 64);
  CU_ASSERT_EQUAL (herd_model_host (m, esx01)->memory_mib, 512 * 1024);
  CU_ASSERT_EQUAL (herd_model_host (m, esx01)->fence_agents, 1);
  CU_ASSERT_EQUAL (herd_model_host (m, esx02)->fence_agents, 2);
  CU_ASSERT_EQUAL (herd_model_host (m, esx03)->spm_priority, -1);
  /* where the VMs run */
  CU_ASSERT_EQUAL (host_of_vm (s, "db01"), esx01);
  CU_ASSERT_EQUAL (host_of_vm (s, "db02"), esx02);
  CU_ASSERT_EQUAL (host_of_vm (s, "web__public"), esx02);
  CU_ASSERT_EQUAL (host_of_vm (s, "pinned01"), esx01);
  CU_ASSERT_EQUAL (host_of_vm (s, "ghost01"), HERD_ID_NONE);
  CU_ASSERT_EQUAL (herd_model_find_vm (m, "old01"), HERD_ID_NONE);
  CU_ASSERT_EQUAL (herd_model_find_vm (m, "huge01"), HERD_ID_NONE);
  CU_ASSERT_EQUAL (herd_model_find_vm (m, "lab01"), HERD_ID_NONE);
  const HerdVm *db01 = herd_model_vm (m, herd_model_find_vm (m, "db01"));
  CU_ASSERT_EQUAL (db01->vcpus, 8);
  CU_ASSERT_EQUAL (db01->memory_mib, 64 * 1024);
  CU_ASSERT_EQUAL (db01->guaranteed_mib, 32 * 1024);
  CU_ASSERT_TRUE (db01->ha);
  CU_ASSERT_TRUE (db01->lease);
  CU_ASSERT_EQUAL (db01->n_disks, 2);
  const HerdVm *pinned = herd_model_vm (m, herd_model_find_vm (m,
                                                               "pinned01"));
  CU_ASSERT_EQUAL (pinned->pinned_to.n, 2);
  CU_ASSERT_FALSE (pinned->migratable);
  /* the host in maintenance: an action at time 0 */
  CU_ASSERT_EQUAL (s->actions->len, 1);
  CU_ASSERT_PTR_NOT_NULL (strstr (text, "kind = maintenance\ntarget = "
                                        "esx_03\n"));
  CU_ASSERT_PTR_NOT_NULL (strstr (text, "policy = power_saving\n"
                                        "memory_overcommit = 200%\n"));
  /* everything changed or left out has its note */
  CU_ASSERT_TRUE (has_note (e, "column \"owner\": not a column"));
  CU_ASSERT_TRUE (has_note (e, "host \"esx 03\": named esx_03"));
  CU_ASSERT_TRUE (has_note (e, "vm \"web, public\": named web__public"));
  CU_ASSERT_TRUE (has_note (e, "vm \"ghost01\": its host \"esx99\" is not "
                               "imported: placed by the scheduler"));
  CU_ASSERT_TRUE (has_note (e, "vm \"old01\": down: not imported"));
  CU_ASSERT_TRUE (has_note (e, "vm \"huge01\": up without a host, and no "
                               "host of cluster \"dev\" could run it"));
  CU_ASSERT_TRUE (has_note (e, "vm \"lab01\": cluster \"lab\" has no host"));
  CU_ASSERT_TRUE (has_note (e, "cluster \"lab\": no cluster line"));
  CU_ASSERT_TRUE (has_note (e, "storage domain \"scratch\": localfs is "
                               "imported as a posix file domain"));
  CU_ASSERT_TRUE (has_note (e, "storage domain \"nfs-data\": 1048576 MiB "
                               "used"));
}

/* A placed VM beyond its host's memory is placed by the scheduler. */
static void
test_overcommitted_host (void)
{
  g_autoptr (HerdEstate) e = herd_estate_new ("test");
  herd_estate_add_datacenter (e, "dc");
  herd_estate_add_cluster (e, "c")->datacenter = g_strdup ("dc");
  for (int i = 0; i < 2; i++)
    {
      HerdEstateHost *h = herd_estate_add_host (e, i ? "b" : "a");
      h->cluster = g_strdup ("c");
      h->cores = 8;
      h->memory_mib = 16 * 1024;
    }
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("v%d", i);
      HerdEstateVm *v = herd_estate_add_vm (e, name);
      v->cluster = g_strdup ("c");
      v->host = g_strdup ("a");
      v->status = g_strdup ("up");
      v->vcpus = 2;
      v->memory_mib = 6 * 1024;
    }
  g_autoptr (HerdScenario) s = written (e, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  CU_ASSERT_EQUAL (host_of_vm (s, "v0"), 0);
  CU_ASSERT_EQUAL (host_of_vm (s, "v1"), 0);
  CU_ASSERT_EQUAL (host_of_vm (s, "v2"), HERD_ID_NONE);
  CU_ASSERT_TRUE (has_note (e, "vm \"v2\": its memory does not fit what "
                               "host \"a\" has left"));
}

static void
test_csv_errors (void)
{
  static const struct
  {
    const char *text, *message;
  } bad[] = {
    { "", "t.csv: empty: expected a header line" },
    { "name,cores\nh,4\n", "t.csv:1: expected a header line with the "
                           "columns kind and name" },
    { "kind,name,cores\nhost,h,four\n",
      "t.csv:2: cores: expected a whole number from 1 to 4096, got "
      "\"four\"" },
    { "kind,name,memory\r\nhost,h,12Q\r\n",
      "t.csv:2: memory: expected a size such as 64G or 512M, got \"12Q\"" },
    { "kind,name\nrack,r1\n", "t.csv:2: kind: expected datacenter, cluster, "
                              "host, vm, storage or network, got \"rack\"" },
    { "kind,name\nvm,\n", "t.csv:2: name: expected a name, got \"\"" },
    { "kind,name,ha\nvm,v,maybe\n",
      "t.csv:2: ha: expected true or false, got \"maybe\"" },
    { "kind,name\nvm,\"v\n", "t.csv:2: a quoted field is not closed" },
    { "kind,name\nvm,v,extra\n",
      "t.csv:2: 3 fields, but the header has 2 columns" },
    { "kind,name,disks\n\"vm\",\"v\nw\",10G thin\nhost,h,x\n",
      "t.csv:2: disks: expected disks as SIZE [thin|preallocated] "
      "[raw|qcow2] DOMAIN, separated by ';', got \"10G thin\"" },
    { "kind,name,cores\nvm,v,1\nhost,h,0\n",
      "t.csv:3: cores: expected a whole number from 1 to 4096, got \"0\"" },
  };
  g_autofree char *dir = g_dir_make_tmp ("herd-import-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  CU_ASSERT_EQUAL_FATAL (g_chdir (dir), 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      CU_ASSERT_TRUE (g_file_set_contents ("t.csv", bad[i].text, -1, NULL));
      g_autoptr (HerdEstate) e = herd_estate_new ("t.csv");
      g_autoptr (GError) error = NULL;
      gboolean ok = herd_import_csv ("t.csv", e, &error);
      CU_ASSERT_FALSE (ok);
      if (ok)
        continue;
      CU_ASSERT_TRUE (g_error_matches (error, HERD_IMPORT_ERROR,
                                       HERD_IMPORT_ERROR_INVALID));
      gboolean same = g_str_has_prefix (error->message, bad[i].message);
      CU_ASSERT_TRUE (same);
      if (!same)
        g_printerr ("\ncase %u\n got: %s\nwant: %s\n", i, error->message,
                    bad[i].message);
    }
  g_autoptr (HerdEstate) e = herd_estate_new ("none");
  g_autoptr (GError) error = NULL;
  CU_ASSERT_FALSE (herd_import_csv ("no-such.csv", e, &error));
  CU_ASSERT_TRUE (g_error_matches (error, HERD_IMPORT_ERROR,
                                   HERD_IMPORT_ERROR_READ));
  g_unlink ("t.csv");
  CU_ASSERT_EQUAL (g_chdir (cwd), 0);
  g_rmdir (dir);
}

static const HerdTestCase csv_cases[] = {
  { "inventory", test_csv_inventory },
  { "host memory", test_overcommitted_host },
  { "errors", test_csv_errors },
  { NULL, NULL },
};

int
main (void)
{
  static const HerdTestSuite suites[] = {
    { "csv", csv_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
