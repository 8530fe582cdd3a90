/* herd-time.h: simulated and real time as int64 nanoseconds.
 *
 * Every time in herd (virtual clock, timers, durations in scenarios and
 * parameters) is a HerdTime: signed 64-bit nanoseconds since the start of
 * the run.  Doubles appear only in reports.  The helpers below build times
 * without floating point so that the same scenario gives the same
 * nanosecond on every machine. */
#pragma once

#include <glib.h>

typedef gint64 HerdTime;

#define HERD_NSEC(n) ((HerdTime) (n))
#define HERD_USEC(n) ((HerdTime) (n) * G_GINT64_CONSTANT (1000))
#define HERD_MSEC(n) ((HerdTime) (n) * G_GINT64_CONSTANT (1000000))
#define HERD_SEC(n) ((HerdTime) (n) * G_GINT64_CONSTANT (1000000000))
#define HERD_MIN(n) (HERD_SEC (n) * 60)
#define HERD_HOUR(n) (HERD_SEC (n) * 3600)
#define HERD_DAY(n) (HERD_SEC (n) * 86400)

/* A time that never comes: "no timer", "runs forever". */
#define HERD_TIME_NEVER G_MAXINT64

/* Seconds as a double, for reports only. */
static inline double
herd_time_to_seconds (HerdTime t)
{
  return (double) t / 1e9;
}

/* Formats t as seconds with millisecond precision ("86400.250"), using
 * integer arithmetic only.  buf must hold HERD_TIME_BUF bytes. */
#define HERD_TIME_BUF 32
const char *herd_time_format (HerdTime t, char buf[HERD_TIME_BUF]);
