/* cmd-report.c: `herd report DB -o report.html`: one self-contained HTML
 * file from a herd bench database: the comparison table (mean and 95%
 * confidence interval per configuration and metric, paired differences
 * with the first configuration, the best marked) and charts drawn by
 * gnuplot's SVG terminal and embedded inline: cluster CPU over time,
 * migrations per hour and storage free space over time per
 * configuration, energy with its interval, and HA recovery times against
 * the time of each host fault.  Without gnuplot (not on PATH, or
 * HERD_GNUPLOT naming a program that is not there) the report has the
 * tables and says why it has no charts. */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cli/commands.h"
#include "results/results.h"
#include "sweep/sweep.h"

typedef struct
{
  GPtrArray *labels;  /* char *, by configuration */
  GArray *ids;        /* gint64 config ids */
  guint64 first, last;
  gboolean any_seed;
} Sweep;

static void
add_config (guint n, const double *v, const char *const *t, gpointer data)
{
  Sweep *s = data;
  gint64 id = (gint64) v[0];
  g_array_append_val (s->ids, id);
  g_ptr_array_add (s->labels, g_strdup (t[1]));
  (void) n;
}

static void
seed_range (guint n, const double *v, const char *const *t, gpointer data)
{
  Sweep *s = data;
  if (t[0] == NULL)
    return;
  s->first = (guint64) v[0];
  s->last = (guint64) v[1];
  s->any_seed = TRUE;
  (void) n;
}

/* Appends text to html with &, <, > and quotes escaped. */
static void
escape (GString *html, const char *text)
{
  g_autofree char *e = g_markup_escape_text (text, -1);
  g_string_append (html, e);
}

/* The gnuplot program, or NULL (then: why, in *why). */
static char *
find_gnuplot (char **why)
{
  const char *env = g_getenv ("HERD_GNUPLOT");
  if (env != NULL)
    {
      if (g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      *why = g_strdup_printf ("HERD_GNUPLOT names %s, which is not a "
                              "program",
                              env);
      return NULL;
    }
  char *path = g_find_program_in_path ("gnuplot");
  if (path == NULL)
    *why = g_strdup ("gnuplot is not installed (Debian: apt install "
                     "gnuplot-nox)");
  return path;
}

/* A series of points for one configuration. */
typedef struct
{
  GString *data;
  guint points;
} Series;

static void
add_point (guint n, const double *v, const char *const *t, gpointer data)
{
  Series *s = data;
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s->data, "%s%.9g", i > 0 ? " " : "", v[i]);
  g_string_append_c (s->data, '\n');
  s->points++;
  (void) t;
}

/* gnuplot's single-quoted string. */
static char *
gp_string (const char *text)
{
  GString *out = g_string_new ("'");
  for (const char *p = text; *p != '\0'; p++)
    g_string_append (out, *p == '\'' ? "''" : (char[]) { *p, '\0' });
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

/* Runs gnuplot on script (data files already written) and returns the
 * SVG element, without its XML prolog; NULL with *why on failure. */
static char *
run_gnuplot (const char *gnuplot, const char *dir, const char *script,
             char **why)
{
  g_autofree char *path = g_build_filename (dir, "chart.gp", NULL);
  g_autoptr (GError) error = NULL;
  if (!g_file_set_contents (path, script, -1, &error))
    {
      *why = g_strdup (error->message);
      return NULL;
    }
  const char *argv[] = { gnuplot, path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  if (!g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    {
      *why = g_strdup_printf ("gnuplot failed: %s",
                              error != NULL ? error->message
                                            : (err != NULL ? err : "?"));
      return NULL;
    }
  char *svg = strstr (out, "<svg");
  return svg != NULL ? g_strdup (svg) : NULL;
}

/* The chart, or a note saying why there is none. */
static void
chart_or_note (GString *html, const char *svg, const char *why)
{
  if (svg != NULL)
    {
      g_string_append_printf (html, "<div class=\"chart\">%s</div>\n", svg);
      return;
    }
  g_string_append (html, "<p class=\"note\">No chart: ");
  escape (html, why != NULL ? why : "no SVG from gnuplot");
  g_string_append (html, "</p>\n");
}

/* One line chart: per configuration, the rows of sql (with %ld for its
 * config id) as x y points. */
static void
line_chart (HerdResults *db, const Sweep *sw, const char *gnuplot,
            const char *dir, const char *title, const char *xlabel,
            const char *ylabel, const char *style, const char *sql,
            GString *html)
{
  g_string_append_printf (html, "<h2>");
  escape (html, title);
  g_string_append (html, "</h2>\n");
  GString *plot = g_string_new (NULL);
  guint with_data = 0;
  for (guint c = 0; c < sw->ids->len; c++)
    {
      Series s = { g_string_new (NULL), 0 };
      g_autofree char *q = g_strdup_printf (
          sql, (long) g_array_index (sw->ids, gint64, c));
      herd_results_query (db, q, add_point, &s, NULL);
      g_autofree char *file = g_strdup_printf ("%s/series-%u.dat", dir, c);
      g_file_set_contents (file, s.data->str, (gssize) s.data->len, NULL);
      if (s.points > 0)
        {
          g_autofree char *name = gp_string (g_ptr_array_index (sw->labels,
                                                                c));
          g_string_append_printf (plot, "%s'series-%u.dat' using 1:2 with "
                                        "%s title %s",
                                  with_data > 0 ? ", " : "", c, style, name);
          with_data++;
        }
      g_string_free (s.data, TRUE);
    }
  if (with_data == 0)
    {
      g_string_append (html, "<p class=\"note\">No data for this chart in "
                             "the database.</p>\n");
      g_string_free (plot, TRUE);
      return;
    }
  g_autofree char *t = gp_string (title);
  g_autofree char *x = gp_string (xlabel);
  g_autofree char *y = gp_string (ylabel);
  g_autofree char *script = g_strdup_printf (
      "set terminal svg size 860,360 dynamic font 'sans,11' background "
      "'#ffffff' noenhanced\nset title %s\nset xlabel %s\nset ylabel %s\nset key "
      "outside right\nset grid\nplot %s\n",
      t, x, y, plot->str);
  g_string_free (plot, TRUE);
  g_autofree char *why = NULL;
  g_autofree char *svg = run_gnuplot (gnuplot, dir, script, &why);
  chart_or_note (html, svg, why);
}

/* Energy per configuration, with its 95% interval. */
static void
energy_chart (const Sweep *sw, const HerdBenchStat *stats,
              const char *gnuplot, const char *dir, GString *html)
{
  gsize m = 0;
  while (strcmp (herd_bench_metrics[m].key, "energy_kwh") != 0)
    m++;
  g_string_append (html, "<h2>Energy</h2>\n");
  GString *data = g_string_new (NULL);
  GString *tics = g_string_new (NULL);
  for (guint c = 0; c < sw->ids->len; c++)
    {
      const HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
      g_autofree char *label = gp_string (g_ptr_array_index (sw->labels, c));
      g_string_append_printf (data, "%u %.9g %.9g\n", c, st->mean, st->half);
      g_string_append_printf (tics, "%s%s %u", c > 0 ? ", " : "", label, c);
    }
  g_autofree char *file = g_build_filename (dir, "energy.dat", NULL);
  g_file_set_contents (file, data->str, (gssize) data->len, NULL);
  g_string_free (data, TRUE);
  g_autofree char *script = g_strdup_printf (
      "set terminal svg size 860,360 dynamic font 'sans,11' background "
      "'#ffffff' noenhanced\nset title 'Energy per run (mean and 95%% "
      "CI)'\nset ylabel 'kWh'\nset style fill solid 0.5\nset boxwidth "
      "0.6\nset yrange [0:*]\nset xrange [-0.5:%u.5]\nset xtics (%s) "
      "rotate by -20\nset grid ytics\nplot 'energy.dat' using 1:2 with "
      "boxes notitle, '' using 1:2:3 with yerrorbars lw 2 notitle\n",
      sw->ids->len - 1, tics->str);
  g_string_free (tics, TRUE);
  g_autofree char *why = NULL;
  g_autofree char *svg = run_gnuplot (gnuplot, dir, script, &why);
  chart_or_note (html, svg, why);
}

static void
comparison_tables (const Sweep *sw, const HerdBenchStat *stats,
                   GString *html)
{
  g_string_append (html, "<h2>Comparison</h2>\n<table>\n<tr><th>metric "
                         "(mean &plusmn; 95% CI)</th>");
  for (guint c = 0; c < sw->ids->len; c++)
    {
      g_string_append (html, "<th>");
      escape (html, g_ptr_array_index (sw->labels, c));
      g_string_append (html, "</th>");
    }
  g_string_append (html, "</tr>\n");
  for (gsize m = 0; m < HERD_BENCH_N_METRICS; m++)
    {
      guint best = herd_bench_best (stats, sw->ids->len, m);
      g_string_append_printf (html, "<tr><td>%s</td>",
                              herd_bench_metrics[m].title);
      for (guint c = 0; c < sw->ids->len; c++)
        {
          const HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
          if (st->n == 0)
            g_string_append (html, "<td>n/a</td>");
          else
            g_string_append_printf (
                html, "<td%s>%.4g &plusmn; %.2g</td>",
                c == best && sw->ids->len > 1 ? " class=\"best\"" : "",
                st->mean, st->half);
        }
      g_string_append (html, "</tr>\n");
    }
  g_string_append (html, "</table>\n<p>Highlighted: the best mean of its "
                         "row (the lowest; for hosts off, the highest).</p>\n"
                         "<h2>Paired difference with the first "
                         "configuration (same seeds)</h2>\n<table>\n"
                         "<tr><th>metric</th>");
  for (guint c = 1; c < sw->ids->len; c++)
    {
      g_string_append (html, "<th>");
      escape (html, g_ptr_array_index (sw->labels, c));
      g_string_append (html, "</th>");
    }
  g_string_append (html, "</tr>\n");
  for (gsize m = 0; m < HERD_BENCH_N_METRICS; m++)
    {
      g_string_append_printf (html, "<tr><td>%s</td>",
                              herd_bench_metrics[m].title);
      for (guint c = 1; c < sw->ids->len; c++)
        {
          const HerdBenchStat *st = &stats[c * HERD_BENCH_N_METRICS + m];
          if (st->n_pairs == 0)
            g_string_append (html, "<td>n/a</td>");
          else
            g_string_append_printf (html, "<td>%+.4g &plusmn; %.2g</td>",
                                    st->diff_mean, st->diff_half);
        }
      g_string_append (html, "</tr>\n");
    }
  g_string_append (html, "</table>\n");
}

/* The first column of a one-row query. */
static void
first_value (guint n, const double *values, const char *const *texts,
             gpointer data)
{
  (void) texts;
  if (n > 0)
    *(double *) data = values[0];
}

/* The sweep in db: its configurations and seeds, every run finished.
 * The exit status, with a message when it is not 0. */
static int
read_sweep (HerdResults *db, const char *path, Sweep *sw)
{
  g_autoptr (GError) error = NULL;
  if (!herd_results_bench_init (db, &error)
      || !herd_results_query (db,
                              "SELECT config_id, label FROM bench_configs "
                              "WHERE config_id IN (SELECT config_id FROM "
                              "bench_runs) ORDER BY config_id",
                              add_config, sw, &error)
      || !herd_results_query (db,
                              "SELECT MIN(seed), MAX(seed) FROM bench_runs",
                              seed_range, sw, &error))
    {
      herd_cli_error ("report", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  if (!sw->any_seed)
    {
      herd_cli_error ("report", "%s holds no herd bench runs", path);
      return HERD_EXIT_USAGE;
    }
  /* Only finished runs: one a killed herd left running is not a result. */
  double not_done = 0;
  if (!herd_results_query (db,
                           "SELECT COUNT (*) FROM bench_runs AS b LEFT JOIN "
                           "runs AS r USING (run_id) WHERE r.status IS NOT "
                           "'done'",
                           first_value, &not_done, &error))
    {
      herd_cli_error ("report", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  if (not_done > 0)
    {
      herd_cli_error ("report", "%s: %.0f herd bench runs are not marked "
                                "done (killed, failed or missing): run the "
                                "sweep again with herd bench (--redo) "
                                "first",
                      path, not_done);
      return HERD_EXIT_FAILURE;
    }
  return HERD_EXIT_OK;
}

/* The report's head: style, title and what the database holds. */
static GString *
report_head (const char *path, const Sweep *sw)
{
  GString *html = g_string_new (
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>herd bench report</title>\n<style>\nbody { font-family: sans-"
      "serif; margin: 2em; color: #222; }\ntable { border-collapse: "
      "collapse; margin: 1em 0; }\nth, td { border: 1px solid #bbb; "
      "padding: 0.3em 0.6em; text-align: right; }\nth { background: #eee; "
      "}\ntd:first-child { text-align: left; }\ntd.best { background: "
      "#cfe8cf; font-weight: bold; }\n.note { color: #a33; }\n.chart svg "
      "{ max-width: 100%; height: auto; }\n</style></head><body>\n");
  g_string_append (html, "<h1>herd bench report</h1>\n<p>Database ");
  escape (html, path);
  g_string_append_printf (html, ": %u configurations, seeds %"
                                G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                                ".</p>\n",
                          sw->ids->len, sw->first, sw->last);
  return html;
}

/* The charts, drawn by gnuplot in a temporary directory removed after;
 * FALSE with a message when the directory cannot be made. */
static gboolean
charts (HerdResults *db, const Sweep *sw, const HerdBenchStat *stats,
        const char *gnuplot, GString *html)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("herd-report-XXXXXX", &error);
  if (dir == NULL)
    {
      herd_cli_error ("report", "%s", error->message);
      return FALSE;
    }
  line_chart (db, sw, gnuplot, dir, "Cluster CPU over time",
              "hours", "mean host CPU (%), mean over seeds",
              "lines lw 2",
              "SELECT hs.time_ns / 3.6e12, AVG (hs.cpu_percent) FROM "
              "host_samples AS hs JOIN bench_runs AS br USING (run_id) "
              "WHERE br.config_id = %ld GROUP BY hs.time_ns ORDER BY "
              "hs.time_ns",
              html);
  line_chart (db, sw, gnuplot, dir, "Migrations over time", "hour",
              "migrations started per run", "linespoints lw 2",
              "SELECT CAST (m.start_ns / 3600000000000 AS INTEGER), "
              "COUNT (*) * 1.0 / (SELECT COUNT (*) FROM bench_runs "
              "WHERE config_id = %1$ld) FROM migrations AS m JOIN "
              "bench_runs AS br USING (run_id) WHERE br.config_id = "
              "%1$ld AND m.start_ns IS NOT NULL GROUP BY 1 ORDER BY 1",
              html);
  energy_chart (sw, stats, gnuplot, dir, html);
  line_chart (db, sw, gnuplot, dir, "HA recovery after host faults",
              "hours (time of the fault)",
              "seconds until every VM was back", "points ps 1.2",
              "SELECT f.fault_ns / 3.6e12, f.recovery_max_ns / 1e9 FROM "
              "failovers AS f JOIN bench_runs AS br USING (run_id) "
              "WHERE br.config_id = %ld AND f.recovery_max_ns IS NOT "
              "NULL ORDER BY f.fault_ns",
              html);
  line_chart (db, sw, gnuplot, dir, "Storage free space", "hours",
              "GiB free (all domains), mean over seeds", "lines lw 2",
              "SELECT ss.time_ns / 3.6e12, SUM (ss.capacity_mib - "
              "ss.used_mib) / 1024.0 / (SELECT COUNT (*) FROM "
              "bench_runs WHERE config_id = %1$ld) FROM storage_samples "
              "AS ss JOIN bench_runs AS br USING (run_id) WHERE "
              "br.config_id = %1$ld GROUP BY ss.time_ns ORDER BY "
              "ss.time_ns",
              html);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
  return TRUE;
}

int
herd_cmd_report (int argc, char **argv)
{
  g_autofree char *out_path = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      "Write the report to FILE (required)", "FILE" },
    { NULL },
  };
  if (!herd_cli_parse (&argc, &argv, "report", "DB",
                       "Writes one self-contained HTML report of a herd "
                       "bench database: the comparison and charts.",
                       "Charts are drawn by gnuplot (HERD_GNUPLOT overrides "
                       "the program); without it the report has the tables "
                       "only, and says so.\nExit status: 0 written, 1 the "
                       "database cannot be read or the file written, 2 bad "
                       "usage.",
                       entries))
    return HERD_EXIT_USAGE;
  if (argc != 2 || out_path == NULL)
    {
      herd_cli_error ("report", "expected a DB and -o FILE (see 'herd report "
                                "--help')");
      return HERD_EXIT_USAGE;
    }
  if (!g_file_test (argv[1], G_FILE_TEST_IS_REGULAR))
    {
      herd_cli_error ("report", "%s: no such database", argv[1]);
      return HERD_EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdResults) db = herd_results_open (argv[1], &error);
  if (db == NULL)
    {
      herd_cli_error ("report", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  Sweep sw = { g_ptr_array_new_with_free_func (g_free),
               g_array_new (FALSE, FALSE, sizeof (gint64)), 0, 0, FALSE };
  int status = read_sweep (db, argv[1], &sw);
  if (status != HERD_EXIT_OK)
    return status;
  g_autofree HerdBenchStat *stats = g_new0 (
      HerdBenchStat, sw.ids->len * HERD_BENCH_N_METRICS);
  herd_bench_compare (db, (gint64 *) sw.ids->data, sw.ids->len, sw.first,
                      sw.last, 0, stats);

  GString *html = report_head (argv[1], &sw);
  comparison_tables (&sw, stats, html);

  g_autofree char *why = NULL;
  g_autofree char *gnuplot = find_gnuplot (&why);
  if (gnuplot == NULL)
    {
      g_string_append (html, "<p class=\"note\">No charts: ");
      escape (html, why);
      g_string_append (html, ".</p>\n");
    }
  else if (!charts (db, &sw, stats, gnuplot, html))
    return HERD_EXIT_FAILURE;
  g_string_append (html, "</body></html>\n");
  gboolean ok = g_file_set_contents (out_path, html->str,
                                     (gssize) html->len, &error);
  g_string_free (html, TRUE);
  g_ptr_array_unref (sw.labels);
  g_array_unref (sw.ids);
  if (!ok)
    {
      herd_cli_error ("report", "%s", error->message);
      return HERD_EXIT_FAILURE;
    }
  printf ("herd report: %s\n", out_path);
  return HERD_EXIT_OK;
}
