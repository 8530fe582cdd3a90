/* cmd-merge.c: `herd merge OUT.db IN.db...`: every run of the input
 * results databases copied into OUT (created if needed), with new run
 * ids in input order; herd bench's configurations are matched by label,
 * so the databases of `herd bench --emit-jobs` commands merge into one
 * that `herd bench` then compares without running anything again. */
#include <stdio.h>

#include "cli/commands.h"
#include "sim/results.h"

int
herd_cmd_merge (int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!herd_cli_parse (&argc, &argv, "merge", "OUT.db IN.db...",
                       "Copies every run of the IN databases into OUT.",
                       "Run ids are renumbered in input order; herd bench's "
                       "configurations are matched by their label.\nExit "
                       "status: 0 done, 1 a database could not be read or "
                       "written, 2 bad usage.",
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
  guint runs = 0;
  for (int i = 2; i < argc; i++)
    {
      g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (!herd_results_merge (out, argv[i], NULL, ids, &error))
        {
          herd_cli_error ("merge", "%s: %s", argv[i], error->message);
          return HERD_EXIT_FAILURE;
        }
      runs += ids->len;
    }
  /* Runs of a configuration and seed OUT had already are left out. */
  printf ("herd merge: %u runs from %d databases into %s\n", runs, argc - 2,
          argv[1]);
  return HERD_EXIT_OK;
}
