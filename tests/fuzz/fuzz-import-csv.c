/* fuzz-import-csv.c: libFuzzer harness for herd import's CSV inventory
 * reader (conf/import-csv.c) and the scenario writer behind every import
 * (conf/estate.c).  Each input is the text of an inventory: RFC 4180
 * fields, a header of columns, one object per line.  A read that fails
 * must say why; a read that succeeds is written as a scenario, and that
 * scenario must load (herd import promises that what it writes always
 * passes herd check: names made scenario names, VMs that cannot be held
 * left out or left to the scheduler).  Seeds: the CSV files of tests/import. */
#include "tests/fuzz/fuzz-import.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (HerdEstate) estate = herd_estate_new ("fuzz.csv");
  g_autoptr (GError) error = NULL;
  gboolean ok = herd_import_csv_data (text, "fuzz.csv", estate, &error);
  if (ok != (error == NULL))
    abort ();
  if (!ok)
    return 0;
  herd_fuzz_import_check (estate);
  return 0;
}
