/* fuzz-trace-azure.c: libFuzzer harness for the Azure public VM dataset
 * 2019 reader (conf/trace.c, cpu = trace:azure:DIR).  Each input is
 * vmtable.csv, then the readings files, separated by form feeds ('\f', at
 * most seven readings files): they are written as vmtable.csv and
 * vm_cpu_readings-file-K-of-N.csv into a private directory under /tmp and
 * loaded with herd_trace_load, which reads the VM table (11
 * comma-separated fields, an optional header, repeated ids), matches each
 * reading to its VM, checks the timestamps increase per VM, drops VMs
 * without readings and makes each series relative to its start.  A loaded
 * set is then looked up the way the workload steps through it.  Seeds:
 * scenarios/traces/azure, joined by tests/fuzz/run.sh. */
#include "tests/fuzz/fuzz-trace.h"
#include "tests/fuzz/fuzz-util.h"

static char *
file_name (guint i, guint count)
{
  if (i == 0)
    return g_strdup ("vmtable.csv");
  return g_strdup_printf ("vm_cpu_readings-file-%u-of-%u.csv", i,
                          count - 1);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  herd_fuzz_dir ("azure");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  herd_fuzz_write_parts (data, size, 8, file_name);
  herd_fuzz_trace_check ("azure");
  return 0;
}
