/* units.c: strict parsing of the quantities in scenarios and configs (see
 * units.h).
 *
 * Every quantity is a decimal number written as digits with an optional
 * fraction ("16", "1.5", "0.25"), immediately followed by a unit from a
 * fixed, case-sensitive table: no sign, no spaces, no exponent, nothing
 * after the unit.  The number is read exactly as an integer mantissa and a
 * power of ten (1.5 = 15 / 10^1); an integer result is then
 * floor(mantissa * unit numerator / (10^exponent * unit denominator)),
 * computed in 128-bit integers so that it is exact and an overflow is
 * seen, never wrapped.  Results that are doubles (percent, power) are one
 * correctly rounded division of exact integers, so they too come out the
 * same on every machine.  Numbers with more than 19 significant digits or
 * more than 18 digits after the point are rejected as out of range.
 *
 * Every error message says which forms were expected and quotes the text
 * that was given; the caller adds the file, group and key. */
#include "core/units.h"

#include <string.h>

#ifndef __SIZEOF_INT128__
#error "units.c needs a compiler with unsigned __int128 (GCC or Clang)"
#endif
__extension__ typedef unsigned __int128 HerdUnitsU128;

#define HERD_UNITS_MAX_FRACTION_DIGITS 18

G_DEFINE_QUARK (herd-units-error-quark, herd_units_error)

/* A unit suffix and what one of it is worth in the result's unit, as the
 * exact fraction num / den. */
typedef struct
{
  const char *suffix;
  guint64 num;
  guint64 den;
} HerdUnitsSuffix;

#define HERD_KIB G_GUINT64_CONSTANT (1024)
#define HERD_BINARY_SUFFIXES(letter, num, den, tail) \
  { letter tail, num, den }, { letter "B" tail, num, den }, \
  { letter "iB" tail, num, den }

/* Sizes, in MiB. */
static const HerdUnitsSuffix herd_units_size_suffixes[] = {
  HERD_BINARY_SUFFIXES ("K", 1, HERD_KIB, ""),
  HERD_BINARY_SUFFIXES ("M", 1, 1, ""),
  HERD_BINARY_SUFFIXES ("G", HERD_KIB, 1, ""),
  HERD_BINARY_SUFFIXES ("T", HERD_KIB * HERD_KIB, 1, ""),
  HERD_BINARY_SUFFIXES ("P", HERD_KIB * HERD_KIB * HERD_KIB, 1, ""),
};

/* Rates, in bytes per second: binary bytes, or decimal bits (8 bits to
 * the byte, so 1 Kbit/s = 125 bytes/s). */
static const HerdUnitsSuffix herd_units_rate_suffixes[] = {
  HERD_BINARY_SUFFIXES ("K", HERD_KIB, 1, "/s"),
  HERD_BINARY_SUFFIXES ("M", HERD_KIB * HERD_KIB, 1, "/s"),
  HERD_BINARY_SUFFIXES ("G", HERD_KIB * HERD_KIB * HERD_KIB, 1, "/s"),
  HERD_BINARY_SUFFIXES ("T", HERD_KIB * HERD_KIB * HERD_KIB * HERD_KIB, 1,
                        "/s"),
  HERD_BINARY_SUFFIXES ("P",
                        HERD_KIB * HERD_KIB * HERD_KIB * HERD_KIB * HERD_KIB,
                        1, "/s"),
  { "bit", 1, 8 },
  { "bit/s", 1, 8 },
  { "Kbit", 125, 1 },
  { "Kbit/s", 125, 1 },
  { "Mbit", G_GUINT64_CONSTANT (125000), 1 },
  { "Mbit/s", G_GUINT64_CONSTANT (125000), 1 },
  { "Gbit", G_GUINT64_CONSTANT (125000000), 1 },
  { "Gbit/s", G_GUINT64_CONSTANT (125000000), 1 },
  { "Tbit", G_GUINT64_CONSTANT (125000000000), 1 },
  { "Tbit/s", G_GUINT64_CONSTANT (125000000000), 1 },
};

/* Durations, in nanoseconds. */
static const HerdUnitsSuffix herd_units_duration_suffixes[] = {
  { "ms", G_GUINT64_CONSTANT (1000000), 1 },
  { "s", G_GUINT64_CONSTANT (1000000000), 1 },
  { "m", G_GUINT64_CONSTANT (60000000000), 1 },
  { "h", G_GUINT64_CONSTANT (3600000000000), 1 },
  { "d", G_GUINT64_CONSTANT (86400000000000), 1 },
  { "w", G_GUINT64_CONSTANT (604800000000000), 1 },
};

/* Power, in watts. */
static const HerdUnitsSuffix herd_units_power_suffixes[] = {
  { "W", 1, 1 },
  { "kW", 1000, 1 },
};

static const HerdUnitsSuffix herd_units_percent_suffixes[] = {
  { "%", 1, 1 },
};

static const guint64 herd_units_pow10[HERD_UNITS_MAX_FRACTION_DIGITS + 1] = {
  G_GUINT64_CONSTANT (1),
  G_GUINT64_CONSTANT (10),
  G_GUINT64_CONSTANT (100),
  G_GUINT64_CONSTANT (1000),
  G_GUINT64_CONSTANT (10000),
  G_GUINT64_CONSTANT (100000),
  G_GUINT64_CONSTANT (1000000),
  G_GUINT64_CONSTANT (10000000),
  G_GUINT64_CONSTANT (100000000),
  G_GUINT64_CONSTANT (1000000000),
  G_GUINT64_CONSTANT (10000000000),
  G_GUINT64_CONSTANT (100000000000),
  G_GUINT64_CONSTANT (1000000000000),
  G_GUINT64_CONSTANT (10000000000000),
  G_GUINT64_CONSTANT (100000000000000),
  G_GUINT64_CONSTANT (1000000000000000),
  G_GUINT64_CONSTANT (10000000000000000),
  G_GUINT64_CONSTANT (100000000000000000),
  G_GUINT64_CONSTANT (1000000000000000000),
};

/* A non-negative decimal number: mantissa / 10^exponent. */
typedef struct
{
  guint64 mantissa;
  guint exponent;     /* digits after the point, trailing zeros dropped */
  gboolean too_long;  /* the digits do not fit mantissa and exponent */
} HerdDecimal;

/* mantissa = mantissa * 10^shift + digit, noting an overflow. */
static void
herd_units_decimal_append (HerdDecimal *d, guint shift, guint digit)
{
  if (d->too_long)
    return;
  for (guint i = 0; i < shift; i++)
    if (!g_uint64_checked_mul (&d->mantissa, d->mantissa, 10))
      {
        d->too_long = TRUE;
        return;
      }
  if (!g_uint64_checked_add (&d->mantissa, d->mantissa, digit))
    d->too_long = TRUE;
}

/* Reads digits[.digits] at the start of p into d.  Returns the first
 * character after the number, or NULL when p does not start with one (a
 * point must have digits on both sides). */
static const char *
herd_units_scan_decimal (const char *p, HerdDecimal *d)
{
  *d = (HerdDecimal) { 0 };
  if (!g_ascii_isdigit (*p))
    return NULL;
  for (; g_ascii_isdigit (*p); p++)
    herd_units_decimal_append (d, 1, (guint) (*p - '0'));
  if (*p != '.')
    return p;
  p++;
  if (!g_ascii_isdigit (*p))
    return NULL;
  guint zeros = 0;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (*p == '0')
        {
          zeros++;
          continue;
        }
      herd_units_decimal_append (d, zeros + 1, (guint) (*p - '0'));
      d->exponent += zeros + 1;
      zeros = 0;
      if (d->exponent > HERD_UNITS_MAX_FRACTION_DIGITS)
        d->too_long = TRUE;
    }
  return p;
}

/* TRUE when text is a number followed by one of the n suffixes in table
 * (or by nothing, if bare_ok); *unit is then the suffix, or NULL. */
static gboolean
herd_units_match (const char *text, const HerdUnitsSuffix *table, gsize n,
                  gboolean bare_ok, HerdDecimal *d,
                  const HerdUnitsSuffix **unit)
{
  const char *rest = herd_units_scan_decimal (text, d);
  if (rest == NULL)
    return FALSE;
  *unit = NULL;
  if (*rest == '\0')
    return bare_ok;
  for (gsize i = 0; i < n; i++)
    if (strcmp (rest, table[i].suffix) == 0)
      {
        *unit = &table[i];
        return TRUE;
      }
  return FALSE;
}

/* Sets an error "expected EXPECTED, got "TEXT" (WHY)" and returns FALSE. */
static gboolean
herd_units_fail (GError **error, HerdUnitsError code, const char *expected,
                 const char *text, const char *why)
{
  g_autofree char *quoted = g_strescape (text, NULL);
  g_set_error (error, HERD_UNITS_ERROR, code, "expected %s, got \"%s\"%s%s%s",
               expected, quoted, why != NULL ? " (" : "",
               why != NULL ? why : "", why != NULL ? ")" : "");
  return FALSE;
}

/* Reads a number with a unit from the table, reporting syntax, sign and
 * digit-count errors against expected.  A leading '-' is read (and
 * *negative set) only when allow_negative; otherwise a negative number of
 * the right form is a range error. */
static gboolean
herd_units_read (const char *text, const char *expected,
                 const HerdUnitsSuffix *table, gsize n, gboolean bare_ok,
                 gboolean allow_negative, gboolean *negative, HerdDecimal *d,
                 const HerdUnitsSuffix **unit, GError **error)
{
  g_assert (text != NULL);
  gboolean minus = text[0] == '-';
  *negative = FALSE;
  if (minus && allow_negative)
    {
      if (!herd_units_match (text + 1, table, n, bare_ok, d, unit))
        return herd_units_fail (error, HERD_UNITS_ERROR_SYNTAX, expected,
                                text, NULL);
      *negative = TRUE;
    }
  else if (!herd_units_match (text, table, n, bare_ok, d, unit))
    {
      if (minus && herd_units_match (text + 1, table, n, bare_ok, d, unit))
        return herd_units_fail (error, HERD_UNITS_ERROR_RANGE, expected,
                                text, "must not be negative");
      return herd_units_fail (error, HERD_UNITS_ERROR_SYNTAX, expected, text,
                              NULL);
    }
  if (d->too_long)
    return herd_units_fail (error, HERD_UNITS_ERROR_RANGE, expected, text,
                            "too many digits");
  return TRUE;
}

/* floor(d * num / den) into *out; FALSE when it exceeds G_MAXINT64. */
static gboolean
herd_units_scale (const HerdDecimal *d, guint64 num, guint64 den,
                  gint64 *out)
{
  HerdUnitsU128 v = (HerdUnitsU128) d->mantissa * num;
  v /= herd_units_pow10[d->exponent];
  v /= den;
  if (v > (HerdUnitsU128) G_MAXINT64)
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

/* d * num as a double: one rounding of the exact value. */
static double
herd_units_to_double (const HerdDecimal *d, guint64 num)
{
  HerdUnitsU128 v = (HerdUnitsU128) d->mantissa * num;
  return (double) v / (double) herd_units_pow10[d->exponent];
}

static gboolean
herd_units_parse_scaled (const char *text, const char *expected,
                         const HerdUnitsSuffix *table, gsize n, gint64 *out,
                         GError **error)
{
  HerdDecimal d;
  const HerdUnitsSuffix *unit;
  gboolean negative;
  gint64 value;
  if (!herd_units_read (text, expected, table, n, FALSE, FALSE, &negative,
                        &d, &unit, error))
    return FALSE;
  if (!herd_units_scale (&d, unit->num, unit->den, &value))
    return herd_units_fail (error, HERD_UNITS_ERROR_RANGE, expected, text,
                            "too large");
  *out = value;
  return TRUE;
}

gboolean
herd_units_parse_size_mib (const char *text, gint64 *mib, GError **error)
{
  g_assert (mib != NULL);
  return herd_units_parse_scaled (text, "a size such as 16G, 512M or 2T",
                                  herd_units_size_suffixes,
                                  G_N_ELEMENTS (herd_units_size_suffixes),
                                  mib, error);
}

gboolean
herd_units_parse_duration (const char *text, HerdTime *ns, GError **error)
{
  g_assert (text != NULL);
  g_assert (ns != NULL);
  if (strcmp (text, "0") == 0)
    {
      *ns = 0;
      return TRUE;
    }
  return herd_units_parse_scaled (
      text, "a duration such as 90s, 5m, 7d, 250ms or 0",
      herd_units_duration_suffixes,
      G_N_ELEMENTS (herd_units_duration_suffixes), ns, error);
}

gboolean
herd_units_parse_rate (const char *text, gint64 *bytes_per_second,
                       GError **error)
{
  g_assert (bytes_per_second != NULL);
  return herd_units_parse_scaled (
      text, "a rate such as 52MiB/s, 500KiB/s, 10Gbit or 100Mbit/s",
      herd_units_rate_suffixes, G_N_ELEMENTS (herd_units_rate_suffixes),
      bytes_per_second, error);
}

/* A negative percentage is accepted only when min allows one. */
gboolean
herd_units_parse_percent (const char *text, double min, double max,
                          double *percent, GError **error)
{
  g_assert (text != NULL);
  g_assert (percent != NULL);
  g_assert (min <= max);
  g_autofree char *expected
      = g_strdup_printf ("a percentage between %g and %g such as 80%%", min,
                         max);
  gboolean negative;
  HerdDecimal d;
  const HerdUnitsSuffix *unit;
  if (!herd_units_read (text, expected, herd_units_percent_suffixes,
                        G_N_ELEMENTS (herd_units_percent_suffixes), TRUE,
                        min < 0, &negative, &d, &unit, error))
    return FALSE;
  double value = herd_units_to_double (&d, 1);
  if (negative)
    value = -value;
  if (!(value >= min && value <= max))
    return herd_units_fail (error, HERD_UNITS_ERROR_RANGE, expected, text,
                            "out of range");
  *percent = value;
  return TRUE;
}

gboolean
herd_units_parse_number (const char *text, double min, double max,
                         double *value, GError **error)
{
  g_assert (text != NULL);
  g_assert (value != NULL);
  g_assert (0 <= min && min <= max);
  g_autofree char *expected
      = g_strdup_printf ("a number between %g and %g such as 1.5", min, max);
  gboolean negative;
  HerdDecimal d;
  const HerdUnitsSuffix *unit;
  if (!herd_units_read (text, expected, NULL, 0, TRUE, FALSE, &negative, &d,
                        &unit, error))
    return FALSE;
  double v = herd_units_to_double (&d, 1);
  if (!(v >= min && v <= max))
    return herd_units_fail (error, HERD_UNITS_ERROR_RANGE, expected, text,
                            "out of range");
  *value = v;
  return TRUE;
}

gboolean
herd_units_parse_power (const char *text, double *watts, GError **error)
{
  g_assert (watts != NULL);
  gboolean negative;
  HerdDecimal d;
  const HerdUnitsSuffix *unit;
  if (!herd_units_read (text, "a power such as 150W or 1.2kW",
                        herd_units_power_suffixes,
                        G_N_ELEMENTS (herd_units_power_suffixes), FALSE,
                        FALSE, &negative, &d, &unit, error))
    return FALSE;
  *watts = herd_units_to_double (&d, unit->num);
  return TRUE;
}

gboolean
herd_units_parse_integer (const char *text, gint64 min, gint64 max,
                          gint64 *value, GError **error)
{
  g_assert (text != NULL);
  g_assert (value != NULL);
  g_assert (min <= max);
  g_autofree char *expected = NULL;
  if (min == G_MININT64 && max == G_MAXINT64)
    expected = g_strdup ("a whole number");
  else if (max == G_MAXINT64)
    expected = g_strdup_printf ("a whole number of at least %" G_GINT64_FORMAT,
                                min);
  else
    expected = g_strdup_printf ("a whole number between %" G_GINT64_FORMAT
                                " and %" G_GINT64_FORMAT, min, max);

  const char *p = text;
  gboolean negative = *p == '-';
  if (negative)
    p++;
  if (!g_ascii_isdigit (*p))
    return herd_units_fail (error, HERD_UNITS_ERROR_SYNTAX, expected, text,
                            NULL);
  guint64 magnitude = 0;
  gboolean overflow = FALSE;
  for (; g_ascii_isdigit (*p); p++)
    if (!g_uint64_checked_mul (&magnitude, magnitude, 10)
        || !g_uint64_checked_add (&magnitude, magnitude,
                                  (guint64) (*p - '0')))
      overflow = TRUE;
  if (*p != '\0')
    return herd_units_fail (error, HERD_UNITS_ERROR_SYNTAX, expected, text,
                            NULL);
  /* |G_MININT64| = G_MAXINT64 + 1. */
  guint64 limit = (guint64) G_MAXINT64 + (negative ? 1 : 0);
  if (overflow || magnitude > limit)
    return herd_units_fail (error, HERD_UNITS_ERROR_RANGE, expected, text,
                            "out of range");
  gint64 v = !negative         ? (gint64) magnitude
             : magnitude == 0 ? 0
                              : -(gint64) (magnitude - 1) - 1;
  if (v < min || v > max)
    return herd_units_fail (error, HERD_UNITS_ERROR_RANGE, expected, text,
                            "out of range");
  *value = v;
  return TRUE;
}

gboolean
herd_units_parse_boolean (const char *text, gboolean *value, GError **error)
{
  static const char *const yes[] = { "true", "yes", "on", "1" };
  static const char *const no[] = { "false", "no", "off", "0" };
  g_assert (text != NULL);
  g_assert (value != NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (strcmp (text, yes[i]) == 0)
        {
          *value = TRUE;
          return TRUE;
        }
      if (strcmp (text, no[i]) == 0)
        {
          *value = FALSE;
          return TRUE;
        }
    }
  return herd_units_fail (error, HERD_UNITS_ERROR_SYNTAX,
                          "true or false (or yes/no, on/off, 1/0)", text,
                          NULL);
}
