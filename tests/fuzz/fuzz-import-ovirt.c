/* fuzz-import-ovirt.c: libFuzzer harness for herd import's reader of
 * oVirt REST API responses (conf/import-ovirt.c) and the scenario writer
 * behind every import (conf/estate.c).  Each input is the text of up to
 * seven saved responses split at form feeds: datacenters, clusters,
 * hosts, vms, disks, storagedomains, networks, in that order, each written
 * into the harness's directory as NAME.json, or NAME.xml when it starts
 * with '<' (so both of oVirt's formats, and the XML reader's tree, are
 * fuzzed).  A read that fails must say why; a read that succeeds is
 * written as a scenario, which must load, or be refused as leaving
 * nothing to import.  Seeds: the fixtures of tests/import/ovirt-estate,
 * JSON and XML. */
#include "tests/fuzz/fuzz-import.h"

static const char *const names[] = { "datacenters", "clusters", "hosts",
                                     "vms", "disks", "storagedomains",
                                     "networks" };

static const uint8_t *part_data;
static size_t part_size;

/* A part's file name: .xml when its first non-blank byte is '<'. */
static char *
file_name (guint i, guint count)
{
  const uint8_t *p = part_data;
  guint part = 0;
  /* find part i */
  for (size_t k = 0; k < part_size && part < i; k++)
    if (part_data[k] == '\f')
      {
        part++;
        p = part_data + k + 1;
      }
  while (p < part_data + part_size && g_ascii_isspace (*p))
    p++;
  gboolean xml = p < part_data + part_size && *p == '<';
  return g_strdup_printf ("%s.%s", names[i], xml ? "xml" : "json");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  herd_fuzz_dir ("ovirt");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  part_data = data;
  part_size = size;
  herd_fuzz_write_parts (data, size, G_N_ELEMENTS (names), file_name);
  g_autoptr (HerdEstate) estate = herd_estate_new ("fuzz");
  g_autoptr (GError) error = NULL;
  gboolean ok = herd_import_ovirt (herd_fuzz_dir_path, estate, &error);
  if (ok != (error == NULL))
    abort ();
  if (!ok)
    return 0;
  herd_fuzz_import_check (estate);
  return 0;
}
