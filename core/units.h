/* units.h: strict parsing of the quantities in scenarios and configs.
 *
 * Units are explicit: "16G", "512M", "10Gbit", "52MiB/s", "90s", "5m",
 * "7d", "80%", "150W".  A value without its unit, with trailing junk, out
 * of range or negative is rejected with a message that says which forms are
 * accepted; the caller adds the file, line, group and key.
 *
 * Sizes are binary (K/M/G/T/P = KiB/MiB/GiB/TiB/PiB; "G", "GB", "GiB" all
 * mean 2^30 bytes) and come back in MiB.  Rates of bytes come back in
 * bytes per second; bit rates ("10Gbit", "100Mbit/s": decimal, as network
 * gear counts) also in bytes per second.  Durations accept ms, s, m, h, d,
 * w and come back as HerdTime nanoseconds.  Decimal fractions are allowed
 * ("1.5h", "0.5G") and are computed exactly in integers (no doubles), with
 * the result truncated to the unit of the return value. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"

#define HERD_UNITS_ERROR (herd_units_error_quark ())
GQuark herd_units_error_quark (void);

typedef enum
{
  HERD_UNITS_ERROR_SYNTAX, /* not of an accepted form */
  HERD_UNITS_ERROR_RANGE,  /* of the right form but out of range */
  HERD_UNITS_ERROR_LAST
} HerdUnitsError;

/* "16G", "512M", "2T", "100GiB", "1.5G" -> MiB (>= 0). */
gboolean herd_units_parse_size_mib (const char *text, gint64 *mib,
                                    GError **error);
/* "90s", "5m", "7d", "250ms", "1.5h", "2w", "0" -> ns (>= 0). */
gboolean herd_units_parse_duration (const char *text, HerdTime *ns,
                                    GError **error);
/* "52MiB/s", "1M/s", "500KiB/s" (bytes) or "10Gbit", "1Gbit/s", "100Mbit"
 * (bits, decimal) -> bytes per second (>= 0). */
gboolean herd_units_parse_rate (const char *text, gint64 *bytes_per_second,
                                GError **error);
/* "80%" or "80" -> 80.0; must lie in [min, max]. */
gboolean herd_units_parse_percent (const char *text, double min, double max,
                                   double *percent, GError **error);
/* A plain number without a unit, "1.5", "2", "0.25" -> 1.5 (>= 0; no
 * sign, no exponent); must lie in [min, max]. */
gboolean herd_units_parse_number (const char *text, double min, double max,
                                  double *value, GError **error);
/* "150W", "1.2kW" -> watts (>= 0). */
gboolean herd_units_parse_power (const char *text, double *watts,
                                 GError **error);
/* A whole number in [min, max]. */
gboolean herd_units_parse_integer (const char *text, gint64 min, gint64 max,
                                   gint64 *value, GError **error);
/* true/false, yes/no, on/off, 1/0. */
gboolean herd_units_parse_boolean (const char *text, gboolean *value,
                                   GError **error);
