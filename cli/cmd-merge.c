/* cmd-merge.c: `herd merge OUT.db IN.db...`: every run of the input
 * results databases copied into OUT (created if needed), with new run
 * ids in input order; herd bench's configurations are matched by label,
 * so the databases of `herd bench --emit-jobs` commands merge into one
 * that `herd bench` then compares without running anything again.  Runs
 * OUT already has are left out (and counted apart); an input holding a
 * run that is not done (a killed herd left it running), ids that point
 * nowhere, or a configuration and seed OUT has from another scenario text
 * or herd version is refused, by name, and nothing of it is merged. */
#include <stdio.h>

#include "cli/commands.h"
#include "results/results.h"

int
herd_cmd_merge (int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!herd_cli_parse (&argc, &argv, "merge", "OUT.db IN.db...",
                       "Copies every run of the IN databases into OUT.",
                       "Run ids are renumbered in input order; herd bench's "
                       "configurations are matched by their label (with the "
                       "same scenario digest and herd version), other runs "
                       "by scenario digest, seed, duration and herd version; "
                       "runs OUT already has are left out.\nAn IN holding a "
                       "run not marked done (killed, or still going), or "
                       "whose ids do not match, is refused whole.\nExit "
                       "status: 0 done, 1 a database could not be read or "
                       "written, or was refused, 2 bad usage.",
                       entries))
    return HERD_EXIT_USAGE;
  if (argc < 3)
    {
      herd_cli_error ("merge", "expected OUT.db and at least one IN.db (see "
                               "'herd merge --help')");
      return HERD_EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  for (int i = 2; i < argc; i++)
    if (!g_file_test (argv[i], G_FILE_TEST_IS_REGULAR))
      {
        herd_cli_error ("merge", "%s: no such database", argv[i]);
        return HERD_EXIT_USAGE;
      }
  g_autoptr (HerdResults) out = herd_results_open (argv[1], &error);
  if (out == NULL)
    {
      herd_cli_error ("merge", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  guint runs = 0, left_out = 0;
  for (int i = 2; i < argc; i++)
    {
      g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint skipped = 0;
      if (!herd_results_merge (out, argv[i], NULL, ids, &skipped, &error))
        {
          /* The message names argv[i]; what was merged before stays. */
          herd_cli_error ("merge", "%s", error->message);
          if (runs > 0)
            fprintf (stderr, "herd merge: %u runs of the databases before "
                             "%s were merged into %s\n",
                     runs, argv[i], argv[1]);
          return HERD_EXIT_FAILURE;
        }
      runs += ids->len;
      left_out += skipped;
    }
  /* The runs copied; those OUT had already are counted apart. */
  printf ("herd merge: %u runs from %d databases into %s", runs, argc - 2,
          argv[1]);
  if (left_out > 0)
    printf (" (%u left out: %s had them already)", left_out, argv[1]);
  printf ("\n");
  return HERD_EXIT_OK;
}
