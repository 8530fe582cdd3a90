/* fuzz-trace-bitbrains.c: libFuzzer harness for the Bitbrains GWA-T-12
 * trace reader (conf/trace.c, cpu = trace:bitbrains:DIR).  Each input is
 * one or more per-VM .csv files, separated by form feeds ('\f', at most
 * eight files): they are written as 1.csv, 2.csv, ... into a private
 * directory under /tmp and loaded with herd_trace_load, which lists the
 * directory, reads each file's semicolon-separated rows, checks the
 * timestamps increase and makes each series relative to its start.  A
 * loaded set is then looked up the way the workload steps through it
 * (herd_trace_value forward over two periods, then from the start
 * again).  Seeds: the files of scenarios/traces/bitbrains/
 * (tests/fuzz/run.sh). */
#include "tests/fuzz/fuzz-trace.h"
#include "tests/fuzz/fuzz-util.h"

static char *
file_name (guint i, guint count)
{
  return g_strdup_printf ("%u.csv", i + 1);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  herd_fuzz_dir ("bitbrains");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  herd_fuzz_write_parts (data, size, 8, file_name);
  herd_fuzz_trace_check ("bitbrains");
  return 0;
}
