/* fuzz-import.h: the import harnesses' common step: what a reader filled
 * is written as a scenario, which must load (herd import's promise), or
 * be refused as leaving nothing to import. */
#pragma once

#include "tests/fuzz/fuzz-util.h"

#include "conf/import.h"
#include "conf/scenario.h"

#include <stdio.h>

static inline void
herd_fuzz_import_check (HerdEstate *estate)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *scenario = herd_estate_write_scenario (estate, "fuzz",
                                                          &error);
  if ((scenario == NULL) != (error != NULL))
    abort ();
  if (scenario == NULL)
    return;
  g_autoptr (HerdScenario) loaded = herd_scenario_load_data (scenario,
                                                             "fuzz.ini",
                                                             &error);
  if (loaded == NULL)
    {
      fprintf (stderr, "the scenario written does not load: %s\n%s\n",
               error->message, scenario);
      abort ();
    }
}
