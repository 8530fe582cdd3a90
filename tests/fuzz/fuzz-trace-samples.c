/* fuzz-trace-samples.c: libFuzzer harness for the samples trace reader
 * (conf/trace.c, cpu and memory_used = trace:samples:FILE: herd run's
 * recorded history as herd import writes it, oVirt data warehouse
 * exports) and the CSV splitter under it (conf/csv.c).  Each input is
 * one file, written as samples.csv into a private directory under /tmp
 * and loaded twice, for its cpu_usage_percent and its
 * memory_usage_percent columns: each load either fails with a reason or
 * gives sound series (times from 0, within their period, values within
 * 0..100 wherever they are looked up).  Seeds: the history files herd
 * import writes for tests/import/ovirt-dwh, and that export itself
 * (tests/fuzz/run.sh). */
#include "tests/fuzz/fuzz-trace.h"
#include "tests/fuzz/fuzz-util.h"

static char *
file_name (guint i, guint count)
{
  return g_strdup ("samples.csv");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  herd_fuzz_dir ("samples");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  herd_fuzz_write_parts (data, size, 1, file_name);
  g_autofree char *spec = g_strdup_printf ("trace:samples:%s/samples.csv",
                                           herd_fuzz_dir_path);
  g_autoptr (GError) cpu_error = NULL, memory_error = NULL;
  g_autoptr (HerdTraceSet) cpu = herd_trace_load (spec, "/nonexistent",
                                                  &cpu_error);
  herd_fuzz_trace_check_loaded (cpu, cpu_error);
  g_autoptr (HerdTraceSet) memory = herd_trace_load_memory (
      spec, "/nonexistent", &memory_error);
  herd_fuzz_trace_check_loaded (memory, memory_error);
  return 0;
}
