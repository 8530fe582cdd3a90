/* json-strict.c: a strict JSON reader that only checks (json-strict.h).
 *
 * A recursive descent over the bytes, depth bounded, that decodes object
 * member names (to find duplicates as json-glib would see them) and
 * nothing else; json-glib then builds the request from the same text. */
#include "service/json-strict.h"

#include <gio/gio.h>
#include <string.h>

typedef struct
{
  const char *s;
  gsize n, i;  /* the text, its length, where reading is */
  guint depth;
  GError **error;
} Scan;

static gboolean value (Scan *c);

static gboolean G_GNUC_PRINTF (2, 3)
stop (Scan *c, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s at byte %" G_GSIZE_FORMAT, what, c->i + 1);
  return FALSE;
}

/* A syntax error: what json-glib would call not JSON. */
static gboolean
unexpected (Scan *c, const char *wanted)
{
  if (c->i >= c->n)
    return stop (c, "expected a JSON object on one line: the line ends "
                    "where %s was expected",
                 wanted);
  guchar ch = (guchar) c->s[c->i];
  if (ch >= 0x20 && ch < 0x7f)
    return stop (c, "expected a JSON object on one line: '%c' where %s "
                    "was expected",
                 ch, wanted);
  return stop (c, "expected a JSON object on one line: byte 0x%02x where "
                  "%s was expected",
               ch, wanted);
}

static void
blanks (Scan *c)
{
  while (c->i < c->n
         && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n'
             || c->s[c->i] == '\r'))
    c->i++;
}

static gboolean
expect (Scan *c, char ch, const char *wanted)
{
  if (c->i < c->n && c->s[c->i] == ch)
    {
      c->i++;
      return TRUE;
    }
  return unexpected (c, wanted);
}

/* Four hex digits after "\u"; -1 if they are not. */
static int
hex4 (Scan *c)
{
  int v = 0;
  for (int k = 0; k < 4; k++)
    {
      int d = c->i + k < c->n ? g_ascii_xdigit_value (c->s[c->i + k]) : -1;
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  c->i += 4;
  return v;
}

/* A string, its decoded text appended to out (if not NULL). */
static gboolean
string (Scan *c, GString *out)
{
  if (!expect (c, '"', "a string"))
    return FALSE;
  for (;;)
    {
      if (c->i >= c->n)
        return unexpected (c, "the string's closing quote");
      guchar ch = (guchar) c->s[c->i];
      if (ch == '"')
        {
          c->i++;
          return TRUE;
        }
      if (ch < 0x20)
        return stop (c, "a string holds the control character 0x%02x "
                        "(write it escaped)",
                     ch);
      if (ch != '\\')
        {
          if (out != NULL)
            g_string_append_c (out, (char) ch);
          c->i++;
          continue;
        }
      static const char escapes[] = "\"\\/bfnrt";
      static const char meanings[] = "\"\\/\b\f\n\r\t";
      gsize at = c->i++;
      char e = c->i < c->n ? c->s[c->i++] : '\0';
      const char *plain = e != '\0' ? strchr (escapes, e) : NULL;
      if (plain != NULL)
        {
          if (out != NULL)
            g_string_append_c (out, meanings[plain - escapes]);
          continue;
        }
      c->i = at;
      if (e != 'u')
        return stop (c, "a string holds an unknown escape");
      c->i += 2;
      int u = hex4 (c);
      gunichar cp = (gunichar) u;
      if (u < 0)
        {
          c->i = at;
          return stop (c, "a string holds a \\u escape without four hex "
                          "digits");
        }
      if (u == 0)
        {
          c->i = at;
          return stop (c, "a string holds \\u0000 (NUL), which requests "
                          "may not");
        }
      if (u >= 0xDC00 && u <= 0xDFFF)
        {
          c->i = at;
          return stop (c, "a string holds an unpaired surrogate");
        }
      if (u >= 0xD800 && u <= 0xDBFF)
        {
          int low = -1;
          if (c->i + 1 < c->n && c->s[c->i] == '\\' && c->s[c->i + 1] == 'u')
            {
              c->i += 2;
              low = hex4 (c);
            }
          if (low < 0xDC00 || low > 0xDFFF)
            {
              c->i = at;
              return stop (c, "a string holds an unpaired surrogate");
            }
          cp = 0x10000 + (((gunichar) u - 0xD800) << 10)
               + ((gunichar) low - 0xDC00);
        }
      if (out != NULL)
        g_string_append_unichar (out, cp);
    }
}

/* An integer in gint64's range: no fraction, no exponent. */
static gboolean
number (Scan *c)
{
  gsize start = c->i;
  if (c->s[c->i] == '-')
    c->i++;
  if (c->i >= c->n || !g_ascii_isdigit (c->s[c->i]))
    return unexpected (c, "a digit");
  if (c->s[c->i] == '0' && c->i + 1 < c->n && g_ascii_isdigit (c->s[c->i + 1]))
    {
      c->i++;
      return stop (c, "expected a JSON object on one line: a number with "
                      "a leading zero");
    }
  while (c->i < c->n && g_ascii_isdigit (c->s[c->i]))
    c->i++;
  if (c->i < c->n
      && (c->s[c->i] == '.' || c->s[c->i] == 'e' || c->s[c->i] == 'E'))
    {
      c->i = start;
      return stop (c, "a number with a fraction or an exponent: requests "
                      "take integers only");
    }
  g_autofree char *digits = g_strndup (c->s + start, c->i - start);
  gint64 v;
  if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, &v,
                                 NULL))
    {
      c->i = start;
      return stop (c, "an integer out of range (-2^63 to 2^63-1)");
    }
  return TRUE;
}

static gboolean
word (Scan *c, const char *w)
{
  gsize len = strlen (w);
  if (c->n - c->i >= len && memcmp (c->s + c->i, w, len) == 0)
    {
      c->i += len;
      return TRUE;
    }
  return unexpected (c, "a JSON value");
}

static gboolean
object (Scan *c)
{
  c->i++; /* { */
  blanks (c);
  if (c->i < c->n && c->s[c->i] == '}')
    {
      c->i++;
      return TRUE;
    }
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash,
                                                        g_str_equal, g_free,
                                                        NULL);
  for (;;)
    {
      blanks (c);
      gsize at = c->i;
      g_autoptr (GString) name = g_string_new (NULL);
      if (!string (c, name))
        return FALSE;
      if (!g_hash_table_add (names, g_strdup (name->str)))
        {
          c->i = at;
          g_autofree char *quoted = g_strescape (name->str, NULL);
          return stop (c, "the member \"%s\" is given twice", quoted);
        }
      blanks (c);
      if (!expect (c, ':', "':'"))
        return FALSE;
      blanks (c);
      if (!value (c))
        return FALSE;
      blanks (c);
      if (c->i < c->n && c->s[c->i] == '}')
        {
          c->i++;
          return TRUE;
        }
      if (!expect (c, ',', "',' or '}'"))
        return FALSE;
    }
}

static gboolean
array (Scan *c)
{
  c->i++; /* [ */
  blanks (c);
  if (c->i < c->n && c->s[c->i] == ']')
    {
      c->i++;
      return TRUE;
    }
  for (;;)
    {
      blanks (c);
      if (!value (c))
        return FALSE;
      blanks (c);
      if (c->i < c->n && c->s[c->i] == ']')
        {
          c->i++;
          return TRUE;
        }
      if (!expect (c, ',', "',' or ']'"))
        return FALSE;
    }
}

static gboolean
value (Scan *c)
{
  if (c->i >= c->n)
    return unexpected (c, "a JSON value");
  char ch = c->s[c->i];
  if (ch == '{' || ch == '[')
    {
      if (++c->depth > HERD_JSON_STRICT_MAX_DEPTH)
        return stop (c, "nested deeper than %d levels",
                     HERD_JSON_STRICT_MAX_DEPTH);
      gboolean ok = ch == '{' ? object (c) : array (c);
      c->depth--;
      return ok;
    }
  if (ch == '"')
    return string (c, NULL);
  if (ch == '-' || g_ascii_isdigit (ch))
    return number (c);
  if (ch == 't')
    return word (c, "true");
  if (ch == 'f')
    return word (c, "false");
  if (ch == 'n')
    return word (c, "null");
  return unexpected (c, "a JSON value");
}

gboolean
herd_json_strict_check (const char *text, gsize length, GError **error)
{
  Scan c = { text, length, 0, 0, error };
  blanks (&c);
  if (c.i == c.n)
    return TRUE;
  if (!value (&c))
    return FALSE;
  blanks (&c);
  if (c.i < c.n)
    return stop (&c, "trailing data after the JSON value (one request per "
                     "line)");
  return TRUE;
}
