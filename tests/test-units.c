/* test-units.c: unit tests for the strict quantity parsers (core/units.h).
 *
 * Each parser gets accepted forms with their exact values (including
 * truncation of fractions and the largest representable value), rejected
 * forms with the expected error code (syntax, or range for overflow and
 * negatives), a check that the output is untouched on error, and the exact
 * text of a few error messages. */
#include "core/units.h"

#include <stdio.h>
#include <string.h>

#include "tests/test-util.h"

/* The helpers print the offending text on failure, since CUnit reports
 * only the helper's line. */

static void
expect_ok (const char *what, const char *text, gboolean ok, GError *error)
{
  CU_ASSERT_TRUE (ok);
  CU_ASSERT_PTR_NULL (error);
  if (!ok)
    fprintf (stderr, "\n  %s \"%s\" rejected: %s\n", what, text,
             error != NULL ? error->message : "(no error set)");
}

static void
expect_error (const char *what, const char *text, gboolean ok, GError *error,
              HerdUnitsError code)
{
  CU_ASSERT_FALSE (ok);
  CU_ASSERT_TRUE (g_error_matches (error, HERD_UNITS_ERROR, (gint) code));
  if (ok || !g_error_matches (error, HERD_UNITS_ERROR, (gint) code))
    fprintf (stderr, "\n  %s \"%s\": expected error %d, got %s\n", what,
             text, (int) code,
             ok ? "success" : error != NULL ? error->message : "no error");
}

static void
expect_int (const char *what, const char *text, gint64 got, gint64 want)
{
  CU_ASSERT_EQUAL (got, want);
  if (got != want)
    fprintf (stderr,
             "\n  %s \"%s\": got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT
             "\n",
             what, text, got, want);
}

static void
expect_double (const char *what, const char *text, double got, double want)
{
  CU_ASSERT_EQUAL (got, want); /* exact: the parsers promise it */
  if (got != want)
    fprintf (stderr, "\n  %s \"%s\": got %.17g, want %.17g\n", what, text,
             got, want);
}

static void
size_ok (const char *text, gint64 want)
{
  g_autoptr (GError) error = NULL;
  gint64 got = -1;
  gboolean ok = herd_units_parse_size_mib (text, &got, &error);
  expect_ok ("size", text, ok, error);
  expect_int ("size", text, got, want);
}

static void
size_bad (const char *text, HerdUnitsError code)
{
  g_autoptr (GError) error = NULL;
  gint64 got = -7;
  gboolean ok = herd_units_parse_size_mib (text, &got, &error);
  expect_error ("size", text, ok, error, code);
  CU_ASSERT_EQUAL (got, -7);
}

static void
duration_ok (const char *text, HerdTime want)
{
  g_autoptr (GError) error = NULL;
  HerdTime got = -1;
  gboolean ok = herd_units_parse_duration (text, &got, &error);
  expect_ok ("duration", text, ok, error);
  expect_int ("duration", text, got, want);
}

static void
duration_bad (const char *text, HerdUnitsError code)
{
  g_autoptr (GError) error = NULL;
  HerdTime got = -7;
  gboolean ok = herd_units_parse_duration (text, &got, &error);
  expect_error ("duration", text, ok, error, code);
  CU_ASSERT_EQUAL (got, -7);
}

static void
rate_ok (const char *text, gint64 want)
{
  g_autoptr (GError) error = NULL;
  gint64 got = -1;
  gboolean ok = herd_units_parse_rate (text, &got, &error);
  expect_ok ("rate", text, ok, error);
  expect_int ("rate", text, got, want);
}

static void
rate_bad (const char *text, HerdUnitsError code)
{
  g_autoptr (GError) error = NULL;
  gint64 got = -7;
  gboolean ok = herd_units_parse_rate (text, &got, &error);
  expect_error ("rate", text, ok, error, code);
  CU_ASSERT_EQUAL (got, -7);
}

static void
power_ok (const char *text, double want)
{
  g_autoptr (GError) error = NULL;
  double got = -1;
  gboolean ok = herd_units_parse_power (text, &got, &error);
  expect_ok ("power", text, ok, error);
  expect_double ("power", text, got, want);
}

static void
power_bad (const char *text, HerdUnitsError code)
{
  g_autoptr (GError) error = NULL;
  double got = -7;
  gboolean ok = herd_units_parse_power (text, &got, &error);
  expect_error ("power", text, ok, error, code);
  CU_ASSERT_EQUAL (got, -7);
}

static void
percent_ok (const char *text, double min, double max, double want)
{
  g_autoptr (GError) error = NULL;
  double got = -1;
  gboolean ok = herd_units_parse_percent (text, min, max, &got, &error);
  expect_ok ("percent", text, ok, error);
  expect_double ("percent", text, got, want);
}

static void
percent_bad (const char *text, double min, double max, HerdUnitsError code)
{
  g_autoptr (GError) error = NULL;
  double got = -7;
  gboolean ok = herd_units_parse_percent (text, min, max, &got, &error);
  expect_error ("percent", text, ok, error, code);
  CU_ASSERT_EQUAL (got, -7);
}

/* A plain number: want >= 0 is its value, -1 a syntax and -2 a range
 * error, within [0, 1000]. */
static void
number_case (const char *text, double want)
{
  g_autoptr (GError) error = NULL;
  double got = -7;
  gboolean ok = herd_units_parse_number (text, 0, 1000, &got, &error);
  if (want >= 0)
    {
      expect_ok ("number", text, ok, error);
      expect_double ("number", text, got, want);
      return;
    }
  expect_error ("number", text, ok, error,
                want == -1 ? HERD_UNITS_ERROR_SYNTAX : HERD_UNITS_ERROR_RANGE);
  CU_ASSERT_EQUAL (got, -7);
}

static void
integer_ok (const char *text, gint64 min, gint64 max, gint64 want)
{
  g_autoptr (GError) error = NULL;
  gint64 got = -1;
  gboolean ok = herd_units_parse_integer (text, min, max, &got, &error);
  expect_ok ("integer", text, ok, error);
  expect_int ("integer", text, got, want);
}

static void
integer_bad (const char *text, gint64 min, gint64 max, HerdUnitsError code)
{
  g_autoptr (GError) error = NULL;
  gint64 got = -7;
  gboolean ok = herd_units_parse_integer (text, min, max, &got, &error);
  expect_error ("integer", text, ok, error, code);
  CU_ASSERT_EQUAL (got, -7);
}

static void
boolean_case (const char *text, gboolean want)
{
  g_autoptr (GError) error = NULL;
  gboolean got = !want;
  gboolean ok = herd_units_parse_boolean (text, &got, &error);
  expect_ok ("boolean", text, ok, error);
  expect_int ("boolean", text, got, want);
}

static void
boolean_bad (const char *text)
{
  g_autoptr (GError) error = NULL;
  gboolean got = 7;
  gboolean ok = herd_units_parse_boolean (text, &got, &error);
  expect_error ("boolean", text, ok, error, HERD_UNITS_ERROR_SYNTAX);
  CU_ASSERT_EQUAL (got, 7);
}

#define SYNTAX HERD_UNITS_ERROR_SYNTAX
#define RANGE HERD_UNITS_ERROR_RANGE

static void
test_size_good (void)
{
  size_ok ("16G", 16384);
  size_ok ("512M", 512);
  size_ok ("2T", 2097152);
  size_ok ("1P", G_GINT64_CONSTANT (1073741824));
  size_ok ("100GiB", 102400);
  size_ok ("100GB", 102400);
  size_ok ("512MiB", 512);
  size_ok ("512MB", 512);
  size_ok ("2TiB", 2097152);
  size_ok ("2TB", 2097152);
  size_ok ("1PiB", G_GINT64_CONSTANT (1073741824));
  size_ok ("1024K", 1);
  size_ok ("2048KiB", 2);
  size_ok ("4096KB", 4);
  size_ok ("0G", 0);
  size_ok ("0M", 0);
  size_ok ("007G", 7168);
  /* Fractions are exact, then truncated to whole MiB. */
  size_ok ("1.5G", 1536);
  size_ok ("0.5G", 512);
  size_ok ("0.25T", 262144);
  size_ok ("0.0009765625G", 1); /* exactly 2^-10 G */
  size_ok ("0.0009765624G", 0);
  size_ok ("1.0000000001G", 1024);
  size_ok ("1.9999999999M", 1);
  size_ok ("1536K", 1);
  size_ok ("1023K", 0);
  size_ok ("1.50000000000000000000000000G", 1536); /* trailing zeros */
  size_ok ("1.000000000000000001G", 1024);         /* 18 digits after . */
  /* The largest sizes. */
  size_ok ("9223372036854775807M", G_MAXINT64);
  size_ok ("8589934591P", G_MAXINT64 - (G_GINT64_CONSTANT (1) << 30) + 1);
  size_ok ("8589934591.999999999P", G_GINT64_CONSTANT (9223372036854775806));
  size_ok ("18446744073709551615K", G_GINT64_CONSTANT (18014398509481983));
}

static void
test_size_bad (void)
{
  size_bad ("", SYNTAX);
  size_bad ("16", SYNTAX);
  size_bad ("0", SYNTAX);
  size_bad ("G", SYNTAX);
  size_bad ("16 G", SYNTAX);
  size_bad (" 16G", SYNTAX);
  size_bad ("16G ", SYNTAX);
  size_bad ("16g", SYNTAX);
  size_bad ("16gb", SYNTAX);
  size_bad ("16Gb", SYNTAX);
  size_bad ("16Gi", SYNTAX);
  size_bad ("16GiBs", SYNTAX);
  size_bad ("16GG", SYNTAX);
  size_bad ("16 gigs", SYNTAX);
  size_bad ("16B", SYNTAX);
  size_bad ("16E", SYNTAX);
  size_bad ("16G/s", SYNTAX);
  size_bad ("+16G", SYNTAX);
  size_bad ("1.G", SYNTAX);
  size_bad (".5G", SYNTAX);
  size_bad ("1..5G", SYNTAX);
  size_bad ("1.5.G", SYNTAX);
  size_bad ("1,5G", SYNTAX);
  size_bad ("1e3G", SYNTAX);
  size_bad ("0x10G", SYNTAX);
  size_bad ("--1G", SYNTAX);
  size_bad ("-G", SYNTAX);
  size_bad ("16G\n", SYNTAX);
  size_bad ("-1G", RANGE);
  size_bad ("-0.5T", RANGE);
  size_bad ("9223372036854775808M", RANGE);
  size_bad ("8589934592P", RANGE);
  size_bad ("9007199254740992G", RANGE);
  size_bad ("99999999999999999999M", RANGE);  /* 20 digits */
  size_bad ("1.0000000000000000001G", RANGE); /* 19 digits after . */
}

static void
test_duration_good (void)
{
  duration_ok ("90s", HERD_SEC (90));
  duration_ok ("5m", HERD_MIN (5));
  duration_ok ("7d", HERD_DAY (7));
  duration_ok ("250ms", HERD_MSEC (250));
  duration_ok ("1.5h", HERD_MIN (90));
  duration_ok ("2w", HERD_DAY (14));
  duration_ok ("3h", HERD_HOUR (3));
  duration_ok ("0", 0);
  duration_ok ("0s", 0);
  duration_ok ("0ms", 0);
  duration_ok ("0.5ms", HERD_USEC (500));
  duration_ok ("0.001s", HERD_MSEC (1));
  duration_ok ("0.000000001s", 1);
  duration_ok ("0.0000000015s", 1); /* 1.5 ns, truncated */
  duration_ok ("0.0000000009s", 0);
  duration_ok ("0.1m", HERD_SEC (6));
  duration_ok ("1.25d", HERD_HOUR (30));
  duration_ok ("86400s", HERD_DAY (1));
  /* The largest durations. */
  duration_ok ("9223372036854.775807ms", G_MAXINT64);
  duration_ok ("9223372036s", G_GINT64_CONSTANT (9223372036000000000));
  duration_ok ("15250w", G_GINT64_CONSTANT (9223200000000000000));
}

static void
test_duration_bad (void)
{
  duration_bad ("", SYNTAX);
  duration_bad ("90", SYNTAX);
  duration_bad ("00", SYNTAX);
  duration_bad ("0.0", SYNTAX);
  duration_bad ("5 m", SYNTAX);
  duration_bad ("5min", SYNTAX);
  duration_bad ("5M", SYNTAX);
  duration_bad ("5S", SYNTAX);
  duration_bad ("5us", SYNTAX);
  duration_bad ("5ns", SYNTAX);
  duration_bad ("1y", SYNTAX);
  duration_bad ("1h30m", SYNTAX);
  duration_bad ("5s5", SYNTAX);
  duration_bad ("s", SYNTAX);
  duration_bad (" 5s", SYNTAX);
  duration_bad ("5s ", SYNTAX);
  duration_bad (".5s", SYNTAX);
  duration_bad ("-0", SYNTAX);
  duration_bad ("-5s", RANGE);
  duration_bad ("-1.5h", RANGE);
  duration_bad ("9223372036854.775808ms", RANGE);
  duration_bad ("9223372037s", RANGE);
  duration_bad ("15251w", RANGE);
  duration_bad ("18446744073709551615w", RANGE);
  duration_bad ("18446744073709551616s", RANGE);
}

static void
test_rate_good (void)
{
  rate_ok ("52MiB/s", 52 * 1048576);
  rate_ok ("52MB/s", 52 * 1048576);
  rate_ok ("1M/s", 1048576);
  rate_ok ("500KiB/s", 512000);
  rate_ok ("1K/s", 1024);
  rate_ok ("1KB/s", 1024);
  rate_ok ("1G/s", G_GINT64_CONSTANT (1073741824));
  rate_ok ("1TiB/s", G_GINT64_CONSTANT (1099511627776));
  rate_ok ("1PB/s", G_GINT64_CONSTANT (1125899906842624));
  rate_ok ("1.5M/s", 1572864);
  rate_ok ("0.5K/s", 512);
  rate_ok ("0.0001K/s", 0);
  rate_ok ("10Gbit", G_GINT64_CONSTANT (1250000000));
  rate_ok ("10Gbit/s", G_GINT64_CONSTANT (1250000000));
  rate_ok ("1Gbit/s", 125000000);
  rate_ok ("100Mbit", 12500000);
  rate_ok ("100Mbit/s", 12500000);
  rate_ok ("1Kbit", 125);
  rate_ok ("1.5Kbit", 187); /* 187.5 truncated */
  rate_ok ("2.5Gbit", 312500000);
  rate_ok ("1Tbit", G_GINT64_CONSTANT (125000000000));
  rate_ok ("8bit", 1);
  rate_ok ("8bit/s", 1);
  rate_ok ("15bit", 1);
  rate_ok ("7bit", 0);
  rate_ok ("0Gbit", 0);
  /* The largest rates. */
  rate_ok ("8191P/s", G_GINT64_CONSTANT (8191) << 50);
  rate_ok ("73786976294Gbit", G_GINT64_CONSTANT (9223372036750000000));
  rate_ok ("18446744073709551615bit", G_GINT64_CONSTANT (2305843009213693951));
}

static void
test_rate_bad (void)
{
  rate_bad ("", SYNTAX);
  rate_bad ("52", SYNTAX);
  rate_bad ("52MiB", SYNTAX); /* a size, not a rate */
  rate_bad ("52M", SYNTAX);
  rate_bad ("52MiB/", SYNTAX);
  rate_bad ("52MiB/h", SYNTAX);
  rate_bad ("52MiB/s/s", SYNTAX);
  rate_bad ("52 MiB/s", SYNTAX);
  rate_bad ("52mib/s", SYNTAX);
  rate_bad ("52MiBps", SYNTAX);
  rate_bad ("10Gb", SYNTAX);
  rate_bad ("10Gbps", SYNTAX);
  rate_bad ("10gbit", SYNTAX);
  rate_bad ("10GBit", SYNTAX);
  rate_bad ("10Gbits", SYNTAX);
  rate_bad ("10Gbit/", SYNTAX);
  rate_bad ("10Gibit", SYNTAX);
  rate_bad ("10Pbit", SYNTAX);
  rate_bad ("10 Gbit", SYNTAX);
  rate_bad ("10Gbit ", SYNTAX);
  rate_bad ("bit", SYNTAX);
  rate_bad ("-1M/s", RANGE);
  rate_bad ("-10Gbit", RANGE);
  rate_bad ("8192P/s", RANGE);
  rate_bad ("73786976295Gbit", RANGE);
  rate_bad ("100000000000000000000bit", RANGE);
}

static void
test_power (void)
{
  power_ok ("150W", 150.0);
  power_ok ("400W", 400.0);
  power_ok ("1.2kW", 1200.0);
  power_ok ("2kW", 2000.0);
  power_ok ("0W", 0.0);
  power_ok ("0.5W", 0.5);
  power_ok ("0.1W", 0.1);
  power_ok ("0.0001kW", 0.1);
  power_ok ("12.345kW", 12345.0);
  power_ok ("18446744073709551615kW", 18446744073709551615000.0);

  power_bad ("", SYNTAX);
  power_bad ("150", SYNTAX);
  power_bad ("150w", SYNTAX);
  power_bad ("150 W", SYNTAX);
  power_bad ("1.2KW", SYNTAX);
  power_bad ("1.2kw", SYNTAX);
  power_bad ("1MW", SYNTAX);
  power_bad ("150Wh", SYNTAX);
  power_bad ("W", SYNTAX);
  power_bad ("-5W", RANGE);
  power_bad ("99999999999999999999W", RANGE);
}

static void
test_percent (void)
{
  percent_ok ("80%", 0, 100, 80.0);
  percent_ok ("80", 0, 100, 80.0);
  percent_ok ("0", 0, 100, 0.0);
  percent_ok ("0%", 0, 100, 0.0);
  percent_ok ("100%", 0, 100, 100.0);
  percent_ok ("12.5%", 0, 100, 12.5);
  percent_ok ("33.3", 0, 100, 33.3);
  percent_ok ("150%", 0, 1000, 150.0);
  percent_ok ("-5%", -50, 50, -5.0);
  percent_ok ("-50", -50, 50, -50.0);

  percent_bad ("", 0, 100, SYNTAX);
  percent_bad ("%", 0, 100, SYNTAX);
  percent_bad ("80 %", 0, 100, SYNTAX);
  percent_bad ("80%%", 0, 100, SYNTAX);
  percent_bad ("80%s", 0, 100, SYNTAX);
  percent_bad ("eighty", 0, 100, SYNTAX);
  percent_bad ("0.8", 10, 100, RANGE);
  percent_bad (".8", 0, 100, SYNTAX);
  percent_bad ("--5%", -50, 50, SYNTAX);
  percent_bad ("100.0001%", 0, 100, RANGE);
  percent_bad ("101", 0, 100, RANGE);
  percent_bad ("-5%", 0, 100, RANGE);
  percent_bad ("-60%", -50, 50, RANGE);
  percent_bad ("99999999999999999999%", 0, 100, RANGE);
}

static void
test_integer (void)
{
  integer_ok ("1", 1, 64, 1);
  integer_ok ("64", 1, 64, 64);
  integer_ok ("007", 1, 64, 7);
  integer_ok ("-3", -10, 10, -3);
  integer_ok ("-0", -10, 10, 0);
  integer_ok ("9223372036854775807", G_MININT64, G_MAXINT64, G_MAXINT64);
  integer_ok ("-9223372036854775808", G_MININT64, G_MAXINT64, G_MININT64);

  integer_bad ("", 1, 64, SYNTAX);
  integer_bad ("-", -10, 10, SYNTAX);
  integer_bad ("+5", 1, 64, SYNTAX);
  integer_bad (" 5", 1, 64, SYNTAX);
  integer_bad ("5 ", 1, 64, SYNTAX);
  integer_bad ("1.0", 1, 64, SYNTAX);
  integer_bad ("0x10", 1, 64, SYNTAX);
  integer_bad ("5G", 1, 64, SYNTAX);
  integer_bad ("five", 1, 64, SYNTAX);
  integer_bad ("0", 1, 64, RANGE);
  integer_bad ("65", 1, 64, RANGE);
  integer_bad ("-1", 1, 64, RANGE);
  integer_bad ("9223372036854775808", G_MININT64, G_MAXINT64, RANGE);
  integer_bad ("-9223372036854775809", G_MININT64, G_MAXINT64, RANGE);
  integer_bad ("99999999999999999999999", 0, G_MAXINT64, RANGE);
}

static void
test_boolean (void)
{
  boolean_case ("true", TRUE);
  boolean_case ("yes", TRUE);
  boolean_case ("on", TRUE);
  boolean_case ("1", TRUE);
  boolean_case ("false", FALSE);
  boolean_case ("no", FALSE);
  boolean_case ("off", FALSE);
  boolean_case ("0", FALSE);

  boolean_bad ("");
  boolean_bad ("True");
  boolean_bad ("TRUE");
  boolean_bad ("y");
  boolean_bad ("2");
  boolean_bad (" true");
  boolean_bad ("true ");
  boolean_bad ("truex");
  boolean_bad ("maybe");
}

static void
expect_message (gboolean ok, GError *error, const char *want)
{
  CU_ASSERT_FALSE (ok);
  CU_ASSERT_PTR_NOT_NULL_FATAL (error);
  CU_ASSERT_STRING_EQUAL (error->message, want);
  if (strcmp (error->message, want) != 0)
    fprintf (stderr, "\n  got:  %s\n  want: %s\n", error->message, want);
}

/* Evaluates call (which sets error) before looking at error. */
#define CHECK_MESSAGE(call, want) \
  G_STMT_START \
  { \
    GError *error = NULL; \
    gboolean ok_ = (call); \
    expect_message (ok_, error, (want)); \
    g_clear_error (&error); \
  } \
  G_STMT_END

static void
test_messages (void)
{
  gint64 i;
  double d;
  gboolean b;
  HerdTime t;

  CHECK_MESSAGE (herd_units_parse_size_mib ("16 gigs", &i, &error),
                 "expected a size such as 16G, 512M or 2T, got \"16 gigs\"");
  CHECK_MESSAGE (herd_units_parse_size_mib ("-1G", &i, &error),
                 "expected a size such as 16G, 512M or 2T, got \"-1G\" "
                 "(must not be negative)");
  CHECK_MESSAGE (herd_units_parse_size_mib ("8589934592P", &i, &error),
                 "expected a size such as 16G, 512M or 2T, got "
                 "\"8589934592P\" (too large)");
  CHECK_MESSAGE (herd_units_parse_duration ("5 m", &t, &error),
                 "expected a duration such as 90s, 5m, 7d, 250ms or 0, got "
                 "\"5 m\"");
  CHECK_MESSAGE (herd_units_parse_rate ("10Gbps", &i, &error),
                 "expected a rate such as 52MiB/s, 500KiB/s, 10Gbit or "
                 "100Mbit/s, got \"10Gbps\"");
  CHECK_MESSAGE (herd_units_parse_percent ("120%", 0, 100, &d, &error),
                 "expected a percentage between 0 and 100 such as 80%, got "
                 "\"120%\" (out of range)");
  CHECK_MESSAGE (herd_units_parse_integer ("0", 1, 64, &i, &error),
                 "expected a whole number between 1 and 64, got \"0\" "
                 "(out of range)");
  CHECK_MESSAGE (herd_units_parse_integer ("x", 1, G_MAXINT64, &i, &error),
                 "expected a whole number of at least 1, got \"x\"");
  CHECK_MESSAGE (herd_units_parse_boolean ("maybe", &b, &error),
                 "expected true or false (or yes/no, on/off, 1/0), got "
                 "\"maybe\"");
  CHECK_MESSAGE (herd_units_parse_power ("150", &d, &error),
                 "expected a power such as 150W or 1.2kW, got \"150\"");
  /* Control characters and quotes are escaped in the message. */
  CHECK_MESSAGE (herd_units_parse_size_mib ("1G\n\"", &i, &error),
                 "expected a size such as 16G, 512M or 2T, got "
                 "\"1G\\n\\\"\"");
}

/* A NULL GError ** is allowed: failure is still reported. */
static void
test_null_error (void)
{
  gint64 i = 5;
  CU_ASSERT_FALSE (herd_units_parse_size_mib ("bad", &i, NULL));
  CU_ASSERT_FALSE (herd_units_parse_rate ("-1M/s", &i, NULL));
  CU_ASSERT_EQUAL (i, 5);
}

static void
test_number (void)
{
  static const struct
  {
    const char *text;
    double want;
  } cases[] = {
    { "1", 1 },     { "1.5", 1.5 },  { "0", 0 },      { "0.25", 0.25 },
    { "1000", 1000 }, { "33.3", 33.3 }, { "", -1 },     { "1.", -1 },
    { ".5", -1 },   { "1e3", -1 },   { "1%", -1 },    { "+1", -1 },
    { "1 ", -1 },   { "one", -1 },   { "-1", -2 },    { "1000.5", -2 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    number_case (cases[i].text, cases[i].want);
  g_autoptr (GError) error = NULL;
  double d;
  CU_ASSERT_FALSE (herd_units_parse_number ("2x", 0, 10, &d, &error));
  CU_ASSERT_STRING_EQUAL (error->message, "expected a number between 0 and "
                                          "10 such as 1.5, got \"2x\"");
}

static const HerdTestCase units_cases[] = {
  { "size: good", test_size_good },
  { "size: bad", test_size_bad },
  { "duration: good", test_duration_good },
  { "duration: bad", test_duration_bad },
  { "rate: good", test_rate_good },
  { "rate: bad", test_rate_bad },
  { "power", test_power },
  { "percent", test_percent },
  { "number", test_number },
  { "integer", test_integer },
  { "boolean", test_boolean },
  { "error messages", test_messages },
  { "NULL error", test_null_error },
  { NULL, NULL },
};

static const HerdTestSuite suites[] = {
  { "units", units_cases },
  { NULL, NULL },
};

int
main (void)
{
  return herd_test_main (suites);
}
