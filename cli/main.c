/* main.c: the `herd` command: dispatches to its subcommands. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "sim", herd_cmd_sim, "run a scenario on the simulated cluster" },
  { "plan", herd_cmd_plan, "how many more VMs fit, with N+1 kept" },
  { "bench", herd_cmd_bench, "compare policies over seeds, in parallel" },
  { "merge", herd_cmd_merge, "merge results databases" },
  { "report", herd_cmd_report, "an HTML report of a bench database" },
  { "run", herd_cmd_run, "the manager on real hosts (libvirt, sanlock)" },
  { "ctl", herd_cmd_ctl, "ask a running herd run (hosts, VMs, migrate...)" },
  { "passwd", herd_cmd_passwd,
    "add, change or delete a user of herd run's REST API" },
  { "check", herd_cmd_check, "validate a scenario without running it" },
  { "import", herd_cmd_import, "a scenario from a real estate's inventory" },
  { "swarm", herd_cmd_swarm, "run generated scenarios, invariants checked" },
  { "generate", herd_cmd_generate, "print a generated scenario (herd swarm)" },
  { "params", herd_cmd_params, "list the manager's parameters and defaults" },
  { NULL },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: herd COMMAND [OPTIONS] [ARGS]\n\n"
                "herd is a KVM cluster manager core (the behaviour of the\n"
                "oVirt / RHV manager) that runs on a deterministic simulated\n"
                "cluster and on real KVM hosts.\n\nCommands:\n");
  for (const Command *c = commands; c->name != NULL; c++)
    fprintf (out, "  %-8s %s\n", c->name, c->summary);
  fprintf (out, "\n'herd COMMAND --help' describes a command's options.\n"
                "'herd --version' prints the version.\n");
}

int
main (int argc, char **argv)
{
  /* The terminal's character set for GLib's messages (its quotes); numbers
   * stay in the C locale's format everywhere. */
  setlocale (LC_CTYPE, "");
  if (argc < 2)
    {
      usage (stderr);
      return HERD_EXIT_USAGE;
    }
  const char *name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0
      || strcmp (name, "help") == 0)
    {
      if (strcmp (name, "help") == 0 && argc > 2)
        for (const Command *c = commands; c->name != NULL; c++)
          if (strcmp (c->name, argv[2]) == 0)
            {
              char *help_argv[] = { argv[2], (char *) "--help", NULL };
              return c->run (2, help_argv);
            }
      usage (stdout);
      return HERD_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      printf ("herd %s\n", HERD_VERSION);
      return HERD_EXIT_OK;
    }
  for (const Command *c = commands; c->name != NULL; c++)
    if (strcmp (c->name, name) == 0)
      return c->run (argc - 1, argv + 1);
  fprintf (stderr, "herd: unknown command \"%s\"\n\n", name);
  usage (stderr);
  return HERD_EXIT_USAGE;
}
