/* trace.c: the readers of recorded CPU traces, Bitbrains, Azure and
 * samples (see trace.h); the simulator plays the series (sim/workload.c). */
#include "conf/trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conf/csv.h"
#include "core/units.h"

#define TRACE_ERROR (g_quark_from_static_string ("herd-trace-error"))

static void
series_free (gpointer p)
{
  HerdTraceSeries *s = p;
  g_free (s->name);
  g_array_unref (s->points);
  g_free (s);
}

void
herd_trace_set_free (HerdTraceSet *set)
{
  if (set == NULL)
    return;
  g_free (set->format);
  g_ptr_array_unref (set->series);
  g_free (set);
}

/* A decimal number (a sign, digits, a fraction, an exponent: the traces
 * write them all), the whole field. */
static gboolean
number (const char *field, double *out)
{
  g_autofree char *f = g_strstrip (g_strdup (field));
  char *end;
  if (*f == '\0')
    return FALSE;
  *out = g_ascii_strtod (f, &end);
  return *end == '\0' && isfinite (*out);
}

/* Timestamps are seconds in 0..TRACE_MAX_SECONDS (the year 2096): in
 * nanoseconds a series' span plus one step then fits a HerdTime, so its
 * period is above 0 (a timestamp such as 4611686018.4 would wrap it to
 * G_MININT64, and a lookup divide by it). */
#define TRACE_MAX_SECONDS 4000000000.0

/* FALSE with "PATH:LINE: field 1 (timestamp): ..." when seconds is out of
 * range; text is the field as written. */
static gboolean
check_timestamp (double seconds, const char *text, const char *path,
                 guint line, GError **error)
{
  if (seconds >= 0 && seconds <= TRACE_MAX_SECONDS)
    return TRUE;
  g_autofree char *f = g_strstrip (g_strdup (text));
  g_set_error (error, TRACE_ERROR, 0,
               "%s:%u: field 1 (timestamp): expected seconds between 0 and "
               "%.0f, got \"%s\"",
               path, line, TRACE_MAX_SECONDS, f);
  return FALSE;
}

static HerdTraceSeries *
series_new (const char *name)
{
  HerdTraceSeries *s = g_new0 (HerdTraceSeries, 1);
  s->name = g_strdup (name);
  s->points = g_array_new (FALSE, FALSE, sizeof (HerdTracePoint));
  return s;
}

/* Makes times relative to the first (readings come in time order: a
 * reading not after the one before is an error) and sets the period (the
 * span plus one sampling interval). */
static gboolean
series_finish (HerdTraceSeries *s, const char *path, GError **error)
{
  GArray *p = s->points;
  if (p->len == 0)
    {
      g_set_error (error, TRACE_ERROR, 0, "%s: no readings for %s", path,
                   s->name);
      return FALSE;
    }
  HerdTime t0 = g_array_index (p, HerdTracePoint, 0).at;
  s->start = (double) t0 / 1e9;
  for (guint i = 0; i < p->len; i++)
    g_array_index (p, HerdTracePoint, i).at -= t0;
  HerdTime last = g_array_index (p, HerdTracePoint, p->len - 1).at;
  HerdTime step = p->len > 1
                      ? last - g_array_index (p, HerdTracePoint, p->len - 2).at
                      : HERD_MIN (5);
  s->period = last + MAX (step, 1);
  return TRUE;
}

static gboolean
add_point (HerdTraceSeries *s, double seconds, double percent,
           const char *path, guint line, GError **error)
{
  HerdTracePoint pt = { (HerdTime) (seconds * 1e9),
                        CLAMP (percent, 0.0, 100.0) };
  if (s->points->len > 0
      && pt.at <= g_array_index (s->points, HerdTracePoint,
                                 s->points->len - 1)
                      .at)
    {
      g_set_error (error, TRACE_ERROR, 0,
                   "%s:%u: timestamps must increase", path, line);
      return FALSE;
    }
  g_array_append_val (s->points, pt);
  return TRUE;
}

/* File names in natural order: file-2 before file-10. */
static gint
by_name (gconstpointer a, gconstpointer b)
{
  g_autofree char *x = g_utf8_collate_key_for_filename (*(char *const *) a,
                                                        -1);
  g_autofree char *y = g_utf8_collate_key_for_filename (*(char *const *) b,
                                                        -1);
  return strcmp (x, y);
}

/* The paths of dir's files named PREFIX*SUFFIX, in name order. */
static GPtrArray *
list_files (const char *dir, const char *prefix, const char *suffix,
            GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    {
      g_set_error (error, TRACE_ERROR, 0, "%s: not a directory that can "
                                          "be read",
                   dir);
      return NULL;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, suffix))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (names, by_name);
  return names;
}

/* Bitbrains GWA-T-12: one file per VM. */
static gboolean
load_bitbrains (const char *dir, HerdTraceSet *set, GError **error)
{
  g_autoptr (GPtrArray) files = list_files (dir, "", ".csv", error);
  if (files == NULL)
    return FALSE;
  for (guint f = 0; f < files->len; f++)
    {
      const char *path = g_ptr_array_index (files, f);
      g_autofree char *text = NULL;
      if (!g_file_get_contents (path, &text, NULL, error))
        return FALSE;
      g_autofree char *base = g_path_get_basename (path);
      HerdTraceSeries *s = series_new (base);
      g_ptr_array_add (set->series, s);
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *line = g_strstrip (lines[i]);
          if (*line == '\0' || (i == 0 && g_ascii_isalpha (*line)))
            continue; /* blank, or the header */
          g_auto (GStrv) field = g_strsplit (line, ";", -1);
          double ts, pct;
          if (g_strv_length (field) != 11 || !number (field[0], &ts)
              || !number (field[4], &pct))
            {
              g_set_error (error, TRACE_ERROR, 0,
                           "%s:%u: expected 11 fields separated by ';' "
                           "(timestamp; CPU cores; CPU capacity [MHZ]; CPU "
                           "usage [MHZ]; CPU usage [%%]; ...) with numbers "
                           "in the first and fifth",
                           path, i + 1);
              return FALSE;
            }
          if (!check_timestamp (ts, field[0], path, i + 1, error)
              || !add_point (s, ts, pct, path, i + 1, error))
            return FALSE;
        }
      if (!series_finish (s, path, error))
        return FALSE;
    }
  if (set->series->len == 0)
    {
      g_set_error (error, TRACE_ERROR, 0, "%s: no .csv file", dir);
      return FALSE;
    }
  return TRUE;
}

/* Azure 2019: vmtable.csv names the VMs; the readings files hold them. */
static gboolean
load_azure (const char *dir, HerdTraceSet *set, GError **error)
{
  g_autofree char *table = g_build_filename (dir, "vmtable.csv", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (table, &text, NULL, error))
    return FALSE;
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (*line == '\0')
        continue;
      g_auto (GStrv) field = g_strsplit (line, ",", -1);
      if (i == 0 && strcmp (field[0], "vmid") == 0)
        continue; /* a header */
      if (g_strv_length (field) != 11 || *field[0] == '\0')
        {
          g_set_error (error, TRACE_ERROR, 0,
                       "%s:%u: expected 11 comma-separated fields (vmid, "
                       "subscriptionid, deploymentid, vmcreated, vmdeleted, "
                       "maxcpu, avgcpu, p95maxcpu, vmcategory, "
                       "vmcorecountbucket, vmmemorybucket)",
                       table, i + 1);
          return FALSE;
        }
      if (g_hash_table_contains (by_id, field[0]))
        continue;
      HerdTraceSeries *s = series_new (field[0]);
      g_ptr_array_add (set->series, s);
      g_hash_table_insert (by_id, s->name, s);
    }
  g_autoptr (GPtrArray) files = list_files (dir, "vm_cpu_readings", ".csv",
                                            error);
  if (files == NULL)
    return FALSE;
  for (guint f = 0; f < files->len; f++)
    {
      const char *path = g_ptr_array_index (files, f);
      g_autofree char *readings = NULL;
      if (!g_file_get_contents (path, &readings, NULL, error))
        return FALSE;
      g_auto (GStrv) rows = g_strsplit (readings, "\n", -1);
      for (guint i = 0; rows[i] != NULL; i++)
        {
          char *line = g_strstrip (rows[i]);
          if (*line == '\0')
            continue;
          g_auto (GStrv) field = g_strsplit (line, ",", -1);
          double ts, avg;
          if (g_strv_length (field) != 5 || !number (field[0], &ts)
              || !number (field[4], &avg))
            {
              g_set_error (error, TRACE_ERROR, 0,
                           "%s:%u: expected timestamp,vmid,mincpu,maxcpu,"
                           "avgcpu with numbers",
                           path, i + 1);
              return FALSE;
            }
          HerdTraceSeries *s = g_hash_table_lookup (by_id, field[1]);
          if (s == NULL)
            {
              g_set_error (error, TRACE_ERROR, 0,
                           "%s:%u: VM %s is not in vmtable.csv", path,
                           i + 1, field[1]);
              return FALSE;
            }
          if (!check_timestamp (ts, field[0], path, i + 1, error)
              || !add_point (s, ts, avg, path, i + 1, error))
            return FALSE;
        }
    }
  /* A subset of the readings files leaves some VMs without readings:
   * they are left out. */
  for (guint i = set->series->len; i-- > 0;)
    if (((HerdTraceSeries *) g_ptr_array_index (set->series, i))->points->len
        == 0)
      g_ptr_array_remove_index (set->series, i);
  for (guint i = 0; i < set->series->len; i++)
    if (!series_finish (g_ptr_array_index (set->series, i), table, error))
      return FALSE;
  if (set->series->len == 0)
    {
      g_set_error (error, TRACE_ERROR, 0, "%s: no VM has readings", table);
      return FALSE;
    }
  return TRUE;
}

gboolean
herd_trace_parse_time (const char *text, double *seconds)
{
  if (number (text, seconds))
    return TRUE;
  g_autofree char *t = g_strstrip (g_strdup (text));
  /* PostgreSQL writes a space between date and time, and zones as +HH. */
  if (strlen (t) > 10 && t[10] == ' ')
    t[10] = 'T';
  gsize len = strlen (t);
  g_autofree char *zoned = len >= 3 && (t[len - 3] == '+' || t[len - 3] == '-')
                                   && strchr (t, 'T') != NULL
                                   && strchr (t, 'T') < t + len - 3
                               ? g_strconcat (t, ":00", NULL)
                               : g_strdup (t);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (zoned, utc);
  if (dt == NULL)
    return FALSE;
  *seconds = (double) g_date_time_to_unix (dt)
             + g_date_time_get_microsecond (dt) / 1e6;
  return TRUE;
}

/* The index of the first of names in header, or -1. */
static int
column_of (GPtrArray *header, const char *const *names)
{
  for (guint n = 0; names[n] != NULL; n++)
    for (guint i = 0; i < header->len; i++)
      if (strcmp (g_strstrip ((char *) g_ptr_array_index (header, i)),
                  names[n])
          == 0)
        return (int) i;
  return -1;
}

/* Samples: a CSV with a header, one row per VM and time, as herd run's
 * history and oVirt's data warehouse export them. */
static gboolean
load_samples (const char *path, const char *column, HerdTraceSet *set,
              GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  const char *body = g_str_has_prefix (text, "\xef\xbb\xbf") ? text + 3 : text;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  guint bad_line = 0;
  if (!herd_csv_parse (body, records, lines, &bad_line))
    {
      g_set_error (error, TRACE_ERROR, 0,
                   "%s:%u: a quoted field is not closed", path, bad_line);
      return FALSE;
    }
  static const char *const time_names[] = { "time", "history_datetime",
                                            NULL };
  static const char *const vm_names[] = { "vm", "vm_name", "vm_id", NULL };
  const char *const value_names[] = { column, NULL };
  GPtrArray *header = records->len > 0 ? g_ptr_array_index (records, 0)
                                       : NULL;
  int tc = header ? column_of (header, time_names) : -1;
  int vc = header ? column_of (header, vm_names) : -1;
  int cc = header ? column_of (header, value_names) : -1;
  if (tc < 0 || vc < 0 || cc < 0)
    {
      g_set_error (error, TRACE_ERROR, 0,
                   "%s:1: expected a header line naming the columns time "
                   "(or history_datetime), vm (or vm_name, vm_id) and %s",
                   path, column);
      return FALSE;
    }
  g_autoptr (GHashTable) by_vm = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint r = 1; r < records->len; r++)
    {
      GPtrArray *f = g_ptr_array_index (records, r);
      guint line = g_array_index (lines, guint, r);
      if (f->len != header->len)
        {
          g_set_error (error, TRACE_ERROR, 0,
                       "%s:%u: expected %u fields as the header has, got %u",
                       path, line, header->len, f->len);
          return FALSE;
        }
      const char *when = g_ptr_array_index (f, tc);
      const char *vm = g_ptr_array_index (f, vc);
      const char *value = g_ptr_array_index (f, cc);
      double ts, pct;
      if (*g_strstrip ((char *) value) == '\0')
        continue; /* not measured */
      if (*vm == '\0' || !number (value, &pct)
          || !herd_trace_parse_time (when, &ts))
        {
          g_set_error (error, TRACE_ERROR, 0,
                       "%s:%u: expected a time (seconds, or a date and time "
                       "such as 2024-05-01 10:01:00+00), a VM and a %s "
                       "number, got \"%s\", \"%s\", \"%s\"",
                       path, line, column, when, vm, value);
          return FALSE;
        }
      HerdTraceSeries *s = g_hash_table_lookup (by_vm, vm);
      if (s == NULL)
        {
          s = series_new (vm);
          g_ptr_array_add (set->series, s);
          g_hash_table_insert (by_vm, s->name, s);
        }
      if (!check_timestamp (ts, when, path, line, error)
          || !add_point (s, ts, pct, path, line, error))
        return FALSE;
    }
  for (guint i = 0; i < set->series->len; i++)
    if (!series_finish (g_ptr_array_index (set->series, i), path, error))
      return FALSE;
  if (set->series->len == 0)
    {
      g_set_error (error, TRACE_ERROR, 0, "%s: no samples", path);
      return FALSE;
    }
  return TRUE;
}

/* "trace:FORMAT:PATH" loaded, the samples format reading column (the
 * other formats only with memory FALSE: they hold CPU). */
static HerdTraceSet *
trace_load (const char *text, const char *base_dir, const char *column,
            GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ":", 3);
  gboolean memory = strcmp (column, "cpu_usage_percent") != 0;
  if (g_strv_length (parts) != 3 || strcmp (parts[0], "trace") != 0
      || (strcmp (parts[1], "samples") != 0
          && (memory
              || (strcmp (parts[1], "bitbrains") != 0
                  && strcmp (parts[1], "azure") != 0)))
      || *parts[2] == '\0')
    {
      g_set_error (error, TRACE_ERROR, 0,
                   memory ? "expected trace:samples:FILE, got \"%s\""
                          : "expected trace:bitbrains:DIR, trace:azure:DIR "
                            "or trace:samples:FILE, got \"%s\"",
                   text);
      return NULL;
    }
  g_autofree char *dir = g_path_is_absolute (parts[2])
                             ? g_strdup (parts[2])
                             : g_build_filename (base_dir, parts[2], NULL);
  g_autoptr (HerdTraceSet) set = g_new0 (HerdTraceSet, 1);
  set->format = g_strdup (parts[1]);
  set->series = g_ptr_array_new_with_free_func (series_free);
  gboolean ok = strcmp (parts[1], "bitbrains") == 0 ? load_bitbrains (dir, set,
                                                                    error)
                : strcmp (parts[1], "azure") == 0 ? load_azure (dir, set, error)
                                                  : load_samples (dir, column,
                                                                  set, error);
  return ok ? g_steal_pointer (&set) : NULL;
}

HerdTraceSet *
herd_trace_load (const char *text, const char *base_dir, GError **error)
{
  return trace_load (text, base_dir, "cpu_usage_percent", error);
}

HerdTraceSet *
herd_trace_load_memory (const char *text, const char *base_dir,
                        GError **error)
{
  return trace_load (text, base_dir, "memory_usage_percent", error);
}
