/* csv.c: RFC 4180 CSV split into records (see csv.h). */
#include "conf/csv.h"

gboolean
herd_csv_parse (const char *text, GPtrArray *records, GArray *lines,
                guint *bad_line)
{
  GPtrArray *record = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  guint line = 1, start = 1;
  gboolean quoted = FALSE, any = FALSE;
  for (const char *p = text;; p++)
    {
      if (quoted)
        {
          if (*p == '\0')
            {
              *bad_line = start;
              g_ptr_array_unref (record);
              g_string_free (field, TRUE);
              return FALSE;
            }
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (*p == '"')
            quoted = FALSE;
          else
            {
              line += *p == '\n';
              g_string_append_c (field, *p);
            }
          continue;
        }
      if (*p == '"' && field->len == 0)
        {
          quoted = any = TRUE;
          continue;
        }
      if (*p == ',')
        {
          g_ptr_array_add (record, g_strdup (field->str));
          g_string_truncate (field, 0);
          any = TRUE;
          continue;
        }
      if (*p == '\r' && p[1] == '\n')
        continue;
      if (*p == '\n' || *p == '\0')
        {
          if (any || field->len > 0)
            {
              g_ptr_array_add (record, g_strdup (field->str));
              g_ptr_array_add (records, record);
              g_array_append_val (lines, start);
              record = g_ptr_array_new_with_free_func (g_free);
            }
          g_string_truncate (field, 0);
          any = FALSE;
          if (*p == '\0')
            break;
          start = ++line;
          continue;
        }
      g_string_append_c (field, *p);
      any = TRUE;
    }
  g_ptr_array_unref (record);
  g_string_free (field, TRUE);
  return TRUE;
}

