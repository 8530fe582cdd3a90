/* cmd-check.c: `herd check SCENARIO`: validate a scenario without running
 * it; print what it defines. */
#include <stdio.h>

#include "cli/commands.h"
#include "conf/scenario.h"

int
herd_cmd_check (int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!herd_cli_parse (&argc, &argv, "check", "SCENARIO...",
                       "Validates scenario files without running them.",
                       "Exit status: 0 every file is valid, 2 otherwise (the "
                       "first error of each file is printed).",
                       entries))
    return HERD_EXIT_USAGE;
  if (argc < 2)
    {
      herd_cli_error ("check", "expected a SCENARIO file (see 'herd check "
                               "--help')");
      return HERD_EXIT_USAGE;
    }
  int status = HERD_EXIT_OK;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc = herd_scenario_load (argv[i], &error);
      if (sc == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          status = HERD_EXIT_USAGE;
          continue;
        }
      HerdModel *m = sc->model;
      printf ("%s: ok: %s, %u data centers, %u clusters, %u hosts, %u VMs, "
              "%u storage domains, %u networks, %u actions, %u faults, %.2f days\n",
              argv[i], sc->name, m->datacenters->len, m->clusters->len,
              m->hosts->len, m->vms->len, m->domains->len, m->networks->len,
              sc->actions->len, sc->faults->len,
              herd_time_to_seconds (sc->duration) / 86400);
    }
  return status;
}
