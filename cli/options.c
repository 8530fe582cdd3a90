/* options.c: option parsing and error reporting shared by subcommands. */
#include <stdarg.h>
#include <stdio.h>

#include "cli/commands.h"

void
herd_cli_error (const char *command, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "herd %s: %s\n", command, msg);
}

gboolean
herd_cli_parse (int *argc, char ***argv, const char *command,
                const char *parameter_string, const char *summary,
                const char *description, const GOptionEntry *entries)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameter_string);
  g_autofree char *prgname = g_strdup_printf ("herd %s", command);
  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      herd_cli_error (command, "%s (see 'herd %s --help')", error->message,
                      command);
      return FALSE;
    }
  return TRUE;
}

gboolean
herd_cli_parse_seed_range (const char *text, guint64 *first, guint64 *last)
{
  g_auto (GStrv) parts = g_strsplit (text, "..", 2);
  if (g_strv_length (parts) != 2)
    return FALSE;
  /* Seeds are 0..G_MAXINT64 as --seed and [scenario] seed take them:
   * strtoull read "-1" as 2^64-1 (and the seed loop then wrapped to 0 and
   * never ended) and an overflow as its largest value. */
  return g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXINT64, first,
                                     NULL)
         && g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXINT64, last,
                                        NULL)
         && *first <= *last;
}

void
herd_cli_print_json (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}
