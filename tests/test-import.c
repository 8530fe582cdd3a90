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
  g_autoptr (GError) error = NULL;
  g_autofree char *text = herd_estate_write_scenario (e, "t", &error);
  if (text == NULL)
    {
      g_printerr ("\nnothing written: %s\n", error->message);
      return NULL;
    }
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
  /* its thin disk holds the inventory's data=40G at time 0 */
  const HerdDisk *thin = g_ptr_array_index (m->disks, db01->first_disk);
  CU_ASSERT_TRUE (thin->thin);
  CU_ASSERT_EQUAL (thin->virtual_mib, 100 * 1024);
  CU_ASSERT_EQUAL (thin->base_mib, 40 * 1024);
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
      "[raw|qcow2] [data=SIZE] DOMAIN, separated by ';', got \"10G thin\"" },
    { "kind,name,cores\nvm,v,1\nhost,h,0\n",
      "t.csv:3: cores: expected a whole number from 1 to 4096, got \"0\"" },
    { "kind;name;cores\nhost;h;4\n",
      "t.csv:1: expected a header line with the columns kind and name (and "
      "others of docs/import.md); its fields are separated by ';': herd "
      "reads ',' (RFC 4180)" },
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

/* The estate of tests/import/ovirt-estate/DIR and the scenario it
 * writes. */
static HerdScenario *
ovirt (const char *dir, HerdEstate **estate, char **text)
{
  g_autofree char *rel = g_strdup_printf ("tests/import/ovirt-estate/%s", dir);
  g_autofree char *path = herd_test_source_path (rel);
  *estate = herd_estate_new ("fixture");
  g_autoptr (GError) error = NULL;
  if (!herd_import_ovirt (path, *estate, &error))
    {
      g_printerr ("\n%s\n", error->message);
      return NULL;
    }
  return written (*estate, text);
}

static gint64
cluster_sum (HerdModel *m, const char *cluster, gsize offset)
{
  gint64 sum = 0;
  HerdId c = herd_model_find_cluster (m, cluster);
  for (guint i = 0; i < m->hosts->len; i++)
    {
      const HerdHost *h = herd_model_host (m, i);
      if (h->cluster != c)
        continue;
      if (offset == G_STRUCT_OFFSET (HerdHost, memory_mib))
        sum += h->memory_mib;
      else if (offset == G_STRUCT_OFFSET (HerdHost, cores))
        sum += h->cores;
      else
        sum += h->threads;
    }
  return sum;
}

/* The facts of tests/import/ovirt-estate/expected.md, from the JSON
 * responses. */
static void
test_ovirt_estate (void)
{
  HerdEstate *raw = NULL;
  g_autofree char *text = NULL;
  g_autoptr (HerdScenario) s = ovirt ("json", &raw, &text);
  g_autoptr (HerdEstate) e = raw;
  CU_ASSERT_PTR_NOT_NULL_FATAL (s);
  HerdModel *m = s->model;
  CU_ASSERT_EQUAL (s->profile, HERD_PROFILE_OVIRT_4_5); /* version 4.7 */
  CU_ASSERT_EQUAL (m->datacenters->len, 1);
  CU_ASSERT_EQUAL (m->clusters->len, 3);
  CU_ASSERT_EQUAL (m->hosts->len, 8);
  /* 24 VMs less the 3 down ones */
  CU_ASSERT_EQUAL (m->vms->len, 21);
  CU_ASSERT_EQUAL (cluster_sum (m, "prod", G_STRUCT_OFFSET (HerdHost, cores)),
                   112);
  CU_ASSERT_EQUAL (cluster_sum (m, "prod", G_STRUCT_OFFSET (HerdHost,
                                                           threads)),
                   224);
  CU_ASSERT_EQUAL (cluster_sum (m, "prod", G_STRUCT_OFFSET (HerdHost,
                                                           memory_mib)),
                   1792 * 1024);
  CU_ASSERT_EQUAL (cluster_sum (m, "dev", G_STRUCT_OFFSET (HerdHost, cores)),
                   48);
  CU_ASSERT_EQUAL (cluster_sum (m, "edge", G_STRUCT_OFFSET (HerdHost,
                                                           memory_mib)),
                   64 * 1024);
  static const struct
  {
    const char *vm, *host;
  } where[] = {
    { "db-01", "prod-h01" },      { "app-01", "prod-h01" },
    { "app-05", "prod-h01" },     { "web-01", "prod-h01" },
    { "db-02", "prod-h02" },      { "app-02", "prod-h02" },
    { "web-02", "prod-h02" },     { "app-03", "prod-h03" },
    { "web-03", "prod-h03" },     { "app-04", "prod-h04" },
    { "web-04", "prod-h04" },     { "dev-db-01", "dev-h01" },
    { "dev-app-01", "dev-h01" },  { "dev-app-02", "dev-h01" },
    { "dev-build-01", "dev-h01" }, { "dev-desk-01", "dev-h01" },
    { "dev-app-03", "dev-h02" },  { "dev-build-02", "dev-h02" },
    { "dev-desk-02", "dev-h02" }, { "edge-gw-01", "edge-h01" },
    { "edge-cam-01", "edge-h01" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (where); i++)
    {
      HerdId host = host_of_vm (s, where[i].vm);
      CU_ASSERT_EQUAL (host, herd_model_find_host (m, where[i].host));
      if (host != herd_model_find_host (m, where[i].host))
        g_printerr ("\n%s is not on %s\n", where[i].vm, where[i].host);
    }
  const HerdVm *db01 = herd_model_vm (m, herd_model_find_vm (m, "db-01"));
  CU_ASSERT_EQUAL (db01->vcpus, 16);
  CU_ASSERT_EQUAL (db01->memory_mib, 64 * 1024);
  CU_ASSERT_TRUE (db01->ha && db01->lease);
  CU_ASSERT_EQUAL (db01->priority, HERD_PRIORITY_HIGH);
  CU_ASSERT_EQUAL (db01->n_disks, 2);
  CU_ASSERT_EQUAL (db01->resume_policy, HERD_RESUME_KILL);
  const HerdVm *app01 = herd_model_vm (m, herd_model_find_vm (m, "app-01"));
  CU_ASSERT_EQUAL (app01->priority, HERD_PRIORITY_MEDIUM);
  CU_ASSERT_EQUAL (app01->guaranteed_mib, 10922);
  const HerdVm *gw = herd_model_vm (m, herd_model_find_vm (m, "edge-gw-01"));
  CU_ASSERT_TRUE (gw->ha);
  CU_ASSERT_EQUAL (gw->priority, HERD_PRIORITY_LOW);
  CU_ASSERT_FALSE (gw->migratable);
  CU_ASSERT_EQUAL (gw->pinned_to.n, 1);
  CU_ASSERT_EQUAL (herd_model_host (m, herd_model_find_host (m, "prod-h01"))
                       ->spm_priority,
                   10);
  CU_ASSERT_TRUE (herd_model_host (m, herd_model_find_host (m, "prod-h01"))
                      ->power_management);
  CU_ASSERT_FALSE (herd_model_host (m, herd_model_find_host (m, "dev-h01"))
                       ->power_management);
  /* clusters */
  const HerdCluster *prod = herd_model_cluster (m, herd_model_find_cluster (
                                                       m, "prod"));
  CU_ASSERT_EQUAL (prod->policy, HERD_POLICY_EVENLY_DISTRIBUTED);
  CU_ASSERT_EQUAL (prod->memory_overcommit_percent, 150);
  CU_ASSERT_EQUAL (prod->migration_bandwidth, 125000000); /* 1000 Mbit/s */
  CU_ASSERT_TRUE (prod->fencing && prod->skip_fencing_if_lease_live
                  && prod->skip_fencing_if_connectivity_broken);
  CU_ASSERT_EQUAL (prod->policy_params.cpu_overcommit_duration,
                   HERD_SEC (120));
  const HerdCluster *dev = herd_model_cluster (m, herd_model_find_cluster (
                                                      m, "dev"));
  CU_ASSERT_EQUAL (dev->policy, HERD_POLICY_POWER_SAVING);
  CU_ASSERT_EQUAL (dev->memory_overcommit_percent, 200);
  CU_ASSERT_FALSE (dev->fencing);
  /* storage, networks, affinity */
  CU_ASSERT_EQUAL (m->domains->len, 4);
  const HerdStorageDomain *nfs = herd_model_domain (
      m, herd_model_find_domain (m, "data-nfs"));
  CU_ASSERT_TRUE (nfs->master);
  CU_ASSERT_EQUAL (nfs->capacity_mib, 4 * 1024 * 1024);
  CU_ASSERT_EQUAL (herd_model_domain (m, herd_model_find_domain (m, "iso"))
                       ->role,
                   HERD_DOMAIN_ISO);
  CU_ASSERT_EQUAL (m->networks->len, 3);
  CU_ASSERT_EQUAL (m->affinity_groups->len, 3);
  CU_ASSERT_PTR_NOT_NULL (strstr (text, "[affinity db-anti-affinity]\n"
                                        "cluster = prod\n"
                                        "vms = db-01, db-02\n"
                                        "vm_rule = negative\n"
                                        "vm_enforcing = true\n"));
  CU_ASSERT_PTR_NOT_NULL (strstr (text, "[affinity cam-on-edge-h01]\n"
                                        "cluster = edge\n"
                                        "vms = edge-cam-01\n"
                                        "hosts = edge-h01\n"
                                        "host_rule = positive\n"
                                        "host_enforcing = true\n"));
  CU_ASSERT_PTR_NOT_NULL (strstr (text, "[network storage]\ndatacenter = "
                                        "dc1\nrequired = false\n"
                                        "vm_network = false\n"));
  /* dev-h03 is in maintenance */
  CU_ASSERT_PTR_NOT_NULL (strstr (text, "kind = maintenance\n"
                                        "target = dev-h03\n"));
  /* notes */
  CU_ASSERT_TRUE (has_note (e, "vm \"app-06\": down: not imported"));
  CU_ASSERT_TRUE (has_note (e, "vm \"edge-cam-02\": down: not imported"));
  CU_ASSERT_TRUE (has_note (e, "network \"storage\": required in prod "
                               "only"));
  CU_ASSERT_TRUE (has_note (e, "vms: field \"bios\" (24 objects): not "
                               "used"));
  CU_ASSERT_TRUE (has_note (e, "vm \"app-05\": placement user_migratable"));
  CU_ASSERT_TRUE (has_note (e, "cluster \"dev\": migration bandwidth auto"));
}

/* The XML responses import to the same scenario, with the same notes. */
static void
test_ovirt_xml (void)
{
  HerdEstate *j = NULL, *x = NULL;
  g_autofree char *json_text = NULL, *xml_text = NULL;
  g_autoptr (HerdScenario) sj = ovirt ("json", &j, &json_text);
  g_autoptr (HerdScenario) sx = ovirt ("xml", &x, &xml_text);
  g_autoptr (HerdEstate) ej = j;
  g_autoptr (HerdEstate) ex = x;
  CU_ASSERT_PTR_NOT_NULL_FATAL (sx);
  CU_ASSERT_STRING_EQUAL (json_text, xml_text);
  CU_ASSERT_EQUAL (ej->notes->len, ex->notes->len);
  for (guint i = 0; i < MIN (ej->notes->len, ex->notes->len); i++)
    CU_ASSERT_STRING_EQUAL (g_ptr_array_index (ej->notes, i),
                            g_ptr_array_index (ex->notes, i));
}

/* A directory without the required collections, and a broken file. */
static void
test_ovirt_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("herd-import-XXXXXX", NULL);
  g_autoptr (HerdEstate) e = herd_estate_new ("t");
  g_autoptr (GError) error = NULL;
  CU_ASSERT_FALSE (herd_import_ovirt (dir, e, &error));
  CU_ASSERT_PTR_NOT_NULL (error && strstr (error->message,
                                           "no datacenters.json or "
                                           "datacenters.xml"));
  g_clear_error (&error);
  g_autofree char *dcs = g_build_filename (dir, "datacenters.json", NULL);
  CU_ASSERT_TRUE (g_file_set_contents (dcs, "{\"data_center\": [", -1,
                                       NULL));
  CU_ASSERT_FALSE (herd_import_ovirt (dir, e, &error));
  CU_ASSERT_PTR_NOT_NULL (error && strstr (error->message, "not JSON"));
  g_clear_error (&error);
  CU_ASSERT_TRUE (g_file_set_contents (dcs, "[1, 2]", -1, NULL));
  CU_ASSERT_FALSE (herd_import_ovirt (dir, e, &error));
  CU_ASSERT_PTR_NOT_NULL (error && strstr (error->message,
                                           "expected an object such as "
                                           "{\"data_center\": [...]}"));
  g_clear_error (&error);
  g_unlink (dcs);
  g_autofree char *xml = g_build_filename (dir, "datacenters.xml", NULL);
  CU_ASSERT_TRUE (g_file_set_contents (xml, "<data_centers><data_center>",
                                       -1, NULL));
  CU_ASSERT_FALSE (herd_import_ovirt (dir, e, &error));
  CU_ASSERT_PTR_NOT_NULL (error && strstr (error->message,
                                           "datacenters.xml"));
  g_unlink (xml);
  g_rmdir (dir);
}

static const HerdTestCase ovirt_cases[] = {
  { "estate (JSON)", test_ovirt_estate },
  { "XML as JSON", test_ovirt_xml },
  { "errors", test_ovirt_errors },
  { NULL, NULL },
};

/* What fuzz-import-csv found: each inventory once wrote a scenario that
 * did not load.  Each must now load (or say there is nothing to import). */
static void
test_fuzz_findings (void)
{
  static const char *const inventories[] = {
    /* a fence agent kind that is not a word */
    "kind,name,cluster,cores,memory,fence_agent\n"
    "host,h,c,4,8G,ipm;ialn drac5\n",
    /* a VM lease with no data domain in its data center */
    "kind,name,cluster,host,cores,memory,vcpus,lease\n"
    "host,h,c,,4,8G,,\nvm,v,c,h,,1G,1,true\n",
    /* the same host name in two clusters: the second is not imported,
     * and cluster c2 has no host for v */
    "kind,name,cluster,host,cores,memory,vcpus\n"
    "host,h,c1,,4,8G,\nhost,h,c2,,4,8G,\nvm,v,c2,h,,1G,1\n"
    "vm,w,c1,h,,1G,1\n",
    /* disks on a domain of another data center, on an iso domain, and
     * beyond a domain's capacity; a second master */
    "kind,name,datacenter,cluster,host,cores,memory,vcpus,disks,type,role,"
    "capacity,master\n"
    "datacenter,d1,,,,,,,,,,,\ndatacenter,d2,,,,,,,,,,,\n"
    "cluster,c,d1,,,,,,,,,,\n"
    "storage,s1,d1,,,,,,,nfs,data,100G,true\n"
    "storage,s2,d1,,,,,,,iscsi,data,100G,true\n"
    "storage,iso,d1,,,,,,,nfs,iso,10G,\n"
    "storage,far,d2,,,,,,,nfs,data,1T,\n"
    "host,h,,c,,4,8G,,,,,,\n"
    "vm,v,,c,h,,1G,1,60G s1; 60G s1; 1G thin raw s2; 1G iso; 1G far,,,,\n",
  };
  /* (fuzz-import-ovirt) a VM-to-VM rule left with one VM imported */
  g_autoptr (HerdEstate) apart = herd_estate_new ("t");
  herd_estate_add_datacenter (apart, "d");
  herd_estate_add_cluster (apart, "c")->datacenter = g_strdup ("d");
  HerdEstateHost *h = herd_estate_add_host (apart, "h");
  h->cluster = g_strdup ("c");
  h->cores = 4;
  h->memory_mib = 8192;
  HerdEstateVm *one = herd_estate_add_vm (apart, "one");
  one->cluster = g_strdup ("c");
  one->host = g_strdup ("h");
  one->vcpus = 1;
  one->memory_mib = 1024;
  HerdEstateAffinity *a = herd_estate_add_affinity (apart, "apart");
  a->cluster = g_strdup ("c");
  a->vms = g_strdup ("one, gone");
  a->vm_rule = g_strdup ("negative");
  g_autoptr (HerdScenario) apart_s = written (apart, NULL);
  CU_ASSERT_PTR_NOT_NULL (apart_s);
  CU_ASSERT_TRUE (has_note (apart, "affinity group \"apart\": no rule"));
  for (guint i = 0; i < G_N_ELEMENTS (inventories); i++)
    {
      g_autoptr (HerdEstate) e = herd_estate_new ("t.csv");
      g_autoptr (GError) error = NULL;
      CU_ASSERT_TRUE_FATAL (herd_import_csv_data (inventories[i], "t.csv", e,
                                                  &error));
      g_autofree char *text = NULL;
      g_autoptr (HerdScenario) s = written (e, &text);
      CU_ASSERT_PTR_NOT_NULL (s);
      if (s == NULL)
        g_printerr ("(inventory %u)\n", i);
    }
  /* a spreadsheet's byte order mark before the header */
  {
    g_autoptr (HerdEstate) bom = herd_estate_new ("t.csv");
    g_autoptr (GError) bom_error = NULL;
    CU_ASSERT_TRUE (herd_import_csv_data (
        "\xef\xbb\xbfkind,name,cluster,cores,memory\nhost,h,c,4,8G\n",
        "t.csv", bom, &bom_error));
    CU_ASSERT_EQUAL (bom->hosts->len, 1);
  }
  /* nothing left: an error, not a scenario */
  g_autoptr (HerdEstate) e = herd_estate_new ("t.csv");
  g_autoptr (GError) error = NULL;
  CU_ASSERT_TRUE (herd_import_csv_data ("kind,name\n", "t.csv", e, &error));
  g_autofree char *text = herd_estate_write_scenario (e, "t", &error);
  CU_ASSERT_PTR_NULL (text);
  CU_ASSERT_TRUE (g_error_matches (error, HERD_IMPORT_ERROR,
                                   HERD_IMPORT_ERROR_INVALID));
}

static const HerdTestCase csv_cases[] = {
  { "fuzz findings", test_fuzz_findings },
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
    { "ovirt", ovirt_cases },
    { NULL, NULL },
  };
  return herd_test_main (suites);
}
