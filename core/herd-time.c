/* herd-time.c: formatting of HerdTime for traces and reports. */
#include "core/herd-time.h"

const char *
herd_time_format (HerdTime t, char buf[HERD_TIME_BUF])
{
  const char *sign = t < 0 ? "-" : "";
  guint64 a = t < 0 ? (guint64) 0 - (guint64) t : (guint64) t;
  g_snprintf (buf, HERD_TIME_BUF, "%s%" G_GUINT64_FORMAT ".%03u", sign,
              a / 1000000000u, (unsigned) ((a / 1000000u) % 1000u));
  return buf;
}
