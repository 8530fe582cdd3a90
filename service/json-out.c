/* json-out.c: JSON written straight into a string (see json-out.h). */
#include "service/json-out.h"

HerdJsonOut
herd_json_out_new (void)
{
  return (HerdJsonOut){ g_string_sized_new (256), 0, 0, FALSE };
}

char *
herd_json_out_finish (HerdJsonOut *out, gsize *length)
{
  g_return_val_if_fail (out->depth == 0, NULL);
  *length = out->text->len;
  char *text = g_string_free (out->text, FALSE);
  out->text = NULL;
  return text;
}

void
herd_json_out_clear (HerdJsonOut *out)
{
  if (out->text != NULL)
    g_string_free (out->text, TRUE);
  out->text = NULL;
}

/* Before a value or a member name: the comma after the previous one. */
static void
separate (HerdJsonOut *out)
{
  if (out->named)
    {
      out->named = FALSE;
      return;
    }
  guint64 bit = G_GUINT64_CONSTANT (1) << out->depth;
  if (out->has_values & bit)
    g_string_append_c (out->text, ',');
  out->has_values |= bit;
}

static void
open_container (HerdJsonOut *out, char c)
{
  separate (out);
  g_return_if_fail (out->depth < 63);
  g_string_append_c (out->text, c);
  out->depth++;
  out->has_values &= ~(G_GUINT64_CONSTANT (1) << out->depth);
}

static void
close_container (HerdJsonOut *out, char c)
{
  g_return_if_fail (out->depth > 0 && !out->named);
  out->depth--;
  g_string_append_c (out->text, c);
}

void
herd_json_begin_object (HerdJsonOut *out)
{
  open_container (out, '{');
}

void
herd_json_end_object (HerdJsonOut *out)
{
  close_container (out, '}');
}

void
herd_json_begin_array (HerdJsonOut *out)
{
  open_container (out, '[');
}

void
herd_json_end_array (HerdJsonOut *out)
{
  close_container (out, ']');
}

/* value as a JSON string: '"' and '\' escaped, control characters as
 * \uXXXX (or their short forms); other bytes as they are (UTF-8). */
static void
quote (GString *text, const char *value)
{
  static const char hex[] = "0123456789abcdef";
  g_string_append_c (text, '"');
  const char *run = value;
  for (const char *c = value;; c++)
    {
      unsigned char u = (unsigned char) *c;
      if (u >= 0x20 && u != '"' && u != '\\')
        continue;
      g_string_append_len (text, run, c - run);
      if (u == '\0')
        break;
      run = c + 1;
      g_string_append_c (text, '\\');
      switch (u)
        {
        case '"':
        case '\\':
          g_string_append_c (text, (char) u);
          break;
        case '\n':
          g_string_append_c (text, 'n');
          break;
        case '\t':
          g_string_append_c (text, 't');
          break;
        case '\r':
          g_string_append_c (text, 'r');
          break;
        default:
          g_string_append (text, "u00");
          g_string_append_c (text, hex[u >> 4]);
          g_string_append_c (text, hex[u & 15]);
        }
    }
  g_string_append_c (text, '"');
}

void
herd_json_member (HerdJsonOut *out, const char *name)
{
  g_return_if_fail (out->depth > 0 && !out->named);
  separate (out);
  quote (out->text, name);
  g_string_append_c (out->text, ':');
  out->named = TRUE;
}

void
herd_json_string (HerdJsonOut *out, const char *value)
{
  separate (out);
  quote (out->text, value);
}

void
herd_json_int (HerdJsonOut *out, gint64 value)
{
  separate (out);
  g_string_append_printf (out->text, "%" G_GINT64_FORMAT, value);
}

void
herd_json_bool (HerdJsonOut *out, gboolean value)
{
  separate (out);
  g_string_append (out->text, value ? "true" : "false");
}

void
herd_json_member_string (HerdJsonOut *out, const char *name,
                         const char *value)
{
  herd_json_member (out, name);
  herd_json_string (out, value);
}

void
herd_json_member_int (HerdJsonOut *out, const char *name, gint64 value)
{
  herd_json_member (out, name);
  herd_json_int (out, value);
}

void
herd_json_member_bool (HerdJsonOut *out, const char *name, gboolean value)
{
  herd_json_member (out, name);
  herd_json_bool (out, value);
}

void
herd_json_member_object (HerdJsonOut *out, const char *name)
{
  herd_json_member (out, name);
  herd_json_begin_object (out);
}

void
herd_json_member_array (HerdJsonOut *out, const char *name)
{
  herd_json_member (out, name);
  herd_json_begin_array (out);
}
