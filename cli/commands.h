/* commands.h: the subcommands of the `herd` binary and what they share.
 *
 * Each subcommand is a function taking its own argv (argv[0] is the
 * subcommand's name) and returning the process exit status: 0 success,
 * 1 the run failed, 2 bad usage or bad input.  Diagnostics go to stderr,
 * results to stdout. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

enum
{
  HERD_EXIT_OK = 0,
  HERD_EXIT_FAILURE = 1,
  HERD_EXIT_USAGE = 2,
};

int herd_cmd_sim (int argc, char **argv);
int herd_cmd_check (int argc, char **argv);
int herd_cmd_params (int argc, char **argv);
int herd_cmd_plan (int argc, char **argv);
int herd_cmd_bench (int argc, char **argv);
int herd_cmd_merge (int argc, char **argv);
int herd_cmd_report (int argc, char **argv);
int herd_cmd_run (int argc, char **argv);
int herd_cmd_ctl (int argc, char **argv);
int herd_cmd_swarm (int argc, char **argv);
int herd_cmd_generate (int argc, char **argv);
int herd_cmd_import (int argc, char **argv);
int herd_cmd_passwd (int argc, char **argv);

/* Parses argv with entries; on failure prints the error and a pointer to
 * --help and returns FALSE.  summary is the one-line description shown by
 * --help; parameter_string names the positional arguments. */
gboolean herd_cli_parse (int *argc, char ***argv, const char *command,
                         const char *parameter_string, const char *summary,
                         const char *description, const GOptionEntry *entries);

/* "A..B" with A <= B, whole numbers (--seeds). */
gboolean herd_cli_parse_seed_range (const char *text, guint64 *first,
                                    guint64 *last);

/* Prints the builder's root as pretty JSON on stdout. */
void herd_cli_print_json (JsonBuilder *builder);

/* Prints "herd COMMAND: message" to stderr. */
void herd_cli_error (const char *command, const char *format, ...)
    G_GNUC_PRINTF (2, 3);
