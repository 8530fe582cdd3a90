/* bench-sim.c: times a whole simulation run and measures its memory.
 *
 *   bench-sim SCENARIO [UNTIL]
 *
 * Prints the load time, the run's wall time and events per second, the
 * heap in use (glibc mallinfo2) before loading, after loading and at its
 * highest during the run (sampled every 65,536 events), the peak RSS, and
 * the simulator state per VM and per host against the budget of issue 2
 * (1 KiB per VM plus 4 KiB per host; no samples are written). */
#include <malloc.h>
#include <stdio.h>
#include <sys/resource.h>

#include "core/units.h"
#include "run/run.h"

static size_t heap_peak;

static size_t
heap_in_use (void)
{
  struct mallinfo2 mi = mallinfo2 ();
  return mi.uordblks + mi.hblkhd;
}

static void
sample_heap (HerdTime now, gpointer user_data)
{
  size_t h = heap_in_use ();
  if (h > heap_peak)
    heap_peak = h;
}

int
main (int argc, char **argv)
{
  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: bench-sim SCENARIO [UNTIL]\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  size_t heap_start = heap_in_use ();
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (HerdScenario) sc = herd_scenario_load (argv[1], &error);
  if (sc == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  gint64 t1 = g_get_monotonic_time ();
  size_t heap_loaded = heap_in_use ();

  HerdRunOptions options;
  herd_run_options_init (&options);
  options.samples = HERD_SAMPLES_NONE;
  options.progress = sample_heap;
  if (argc == 3 && !herd_units_parse_duration (argv[2], &options.until,
                                               &error))
    {
      fprintf (stderr, "UNTIL: %s\n", error->message);
      return 2;
    }
  heap_peak = heap_loaded;
  HerdRunSummary s;
  if (!herd_run_simulation (sc, &options, &s, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);

  guint hosts = sc->model->hosts->len, vms = sc->model->vms->len;
  double state = (double) (heap_peak - heap_start);
  double budget = 1024.0 * vms + 4096.0 * hosts;
  printf ("scenario             %s: %u hosts, %u VMs, %.1f simulated days\n",
          sc->path, hosts, vms, herd_time_to_seconds (s.sim_time) / 86400);
  printf ("load                 %.3f s\n", (t1 - t0) / 1e6);
  printf ("run                  %.3f s wall, %" G_GUINT64_FORMAT
          " events, %.0f events/s\n",
          s.wall_seconds, s.events, s.events / s.wall_seconds);
  printf ("placed / not placed  %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
          "\n",
          s.placements, s.placement_failures);
  printf ("heap after load      %.1f MiB\n",
          (heap_loaded - heap_start) / 1048576.0);
  printf ("heap peak in run     %.1f MiB\n", state / 1048576.0);
  printf ("peak RSS             %.1f MiB\n", ru.ru_maxrss / 1024.0);
  printf ("state per VM+host    %.0f bytes per VM if hosts take 4 KiB each;"
          " budget %.1f MiB, used %.1f%% of it\n",
          (state - 4096.0 * hosts) / vms, budget / 1048576.0,
          100.0 * state / budget);
  return 0;
}
