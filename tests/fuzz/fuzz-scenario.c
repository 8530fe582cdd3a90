/* fuzz-scenario.c: libFuzzer harness for the scenario loader
 * (conf/scenario.c).  Each input is the text of a scenario file, loaded
 * with herd_scenario_load_data as herd sim, herd check and herd run load
 * theirs: the GKeyFile scan, the structure checks (groups, keys, required
 * keys), every value's parser (sizes, durations, percentages,
 * distributions, workload models, lists), the references between groups,
 * and the model it builds, freed again.  The virtual path sits in the
 * source tree's scenarios/ so that "trace:azure:traces/azure" and the other
 * shipped files the scenarios name resolve.  An input with a NUL byte is
 * skipped (herd_scenario_load refuses it before parsing).  Seeds: the
 * shipped .ini files of scenarios/ and
 * tests/golden/ (tests/fuzz/run.sh). */
#include "tests/fuzz/fuzz-util.h"

#include "conf/scenario.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  return 0;
}

/* The counts of hosts and VMs (count = N, and vms = N in [growth]) summed:
 * a model of millions of VMs is legal but takes seconds to build under
 * AddressSanitizer, time better spent on other inputs (the loader's caps
 * have golden error cases). */
static gint64
total_count (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gint64 total = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');
      if (eq == NULL)
        continue;
      g_autofree char *key = g_strstrip (g_strndup (lines[i], eq - lines[i]));
      if (strcmp (key, "count") == 0 || strcmp (key, "vms") == 0)
        {
          gint64 n = g_ascii_strtoll (eq + 1, NULL, 10);
          total += n > 0 ? MIN (n, G_MAXINT32) : 0;
        }
    }
  return total;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = herd_fuzz_text (data, size);
  if (text == NULL || total_count (text) > 20000)
    return 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) scenario = herd_scenario_load_data (
      text, HERD_SOURCE_DIR "/scenarios/fuzz.ini", &error);
  /* Exactly one of a scenario and an error, and an error has a message. */
  if ((scenario == NULL) == (error == NULL)
      || (error != NULL && error->message[0] == '\0'))
    abort ();
  return 0;
}
