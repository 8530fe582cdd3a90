/* bench-migration.c: how fast the simulator runs live migrations, and the
 * herd side of the SimGrid cross-check.
 *
 *   bench-migration throughput [N]      N migrations (default 100,000)
 *   bench-migration grid [SIMGRID.csv]  the cross-check grid
 *
 * throughput: 50 hosts and 1,000 VMs (1-4 GiB, dirty rates 0-40 MiB/s)
 * migrate again and again, each VM one second after its last migration
 * ended, through the manager (scheduler, limits, schedules) and the sim
 * driver, until N migrations have ended; prints the wall time and the
 * simulated migrations per second.
 *
 * grid: one migration per case (memory 1, 4, 16 GiB x dirty rate 0, 10,
 * 40, 80 MiB/s x bandwidth 32, 52, 125 MiB/s x max downtime 30, 300 ms)
 * through herd's model with a fixed downtime budget (no schedule, no
 * timeouts: what SimGrid models), every page touched, working set = all
 * memory, no setup cost.  Prints a CSV line per case; given SimGrid's CSV
 * (bench/simgrid/sg-migration), prints both durations and their ratio. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/driver.h"
#include "core/manager.h"
#include "drivers/registry.h"
#include "sim/world.h"

typedef struct
{
  HerdEngine *engine;
  HerdManager *manager;
  guint64 ended, target;
} Bench;

static void
migrate_again (gpointer ctx, guint64 arg)
{
  Bench *b = ctx;
  herd_manager_vm_migrate (b->manager, (HerdId) arg, HERD_ID_NONE,
                           HERD_MIGRATION_REASON_LOAD_BALANCING, NULL);
}

static void
migration_ended (const HerdMigrationRecord *rec, gpointer user_data)
{
  Bench *b = user_data;
  if (++b->ended >= b->target)
    {
      b->engine->stop = TRUE;
      return;
    }
  herd_engine_at (b->engine, b->engine->now + HERD_SEC (1), migrate_again, b,
                  rec->vm);
}

static const char throughput_scenario[]
    = "[scenario]\nduration = 3650d\nstats_interval = 1h\n"
      "[defaults]\nprofile = ovirt-4.5\n"
      "[datacenter dc]\n[cluster c]\nmigration_policy = minimal_downtime\n"
      "[hosts h]\ncount = 50\ncores = 64\nmemory = 512G\n"
      "[vms a]\ncount = 250\nvcpus = 2\nmemory = 1G\n"
      "[vms b]\ncount = 250\nvcpus = 2\nmemory = 2G\ndirty_rate = 10MiB/s\n"
      "working_set = 512M\n"
      "[vms c]\ncount = 250\nvcpus = 4\nmemory = 4G\nmemory_used = 3G\n"
      "dirty_rate = 40MiB/s\nworking_set = 256M\n"
      "[vms d]\ncount = 250\nvcpus = 1\nmemory = 1G\nmemory_used = 256M\n"
      "dirty_rate = 5MiB/s\nworking_set = 64M\n";

static int
throughput (guint64 n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc
      = herd_scenario_load_data (throughput_scenario, "bench", &error);
  g_assert_no_error (error);
  g_autoptr (HerdEngine) engine = herd_engine_new (1);
  g_autoptr (HerdAudit) audit = herd_audit_new ();
  g_autoptr (HerdWorld) world = herd_world_new (
      sc, engine, sc->model->params.vm_memory_overhead_mib);
  g_autoptr (HerdDriver) driver = herd_driver_open ("sim", sc->model, world,
                                                    &error);
  g_autoptr (HerdManager) manager = herd_manager_new (sc->model, driver,
                                                      audit);
  Bench b = { engine, manager, 0, n };
  herd_manager_set_migration_sink (manager, migration_ended, &b);
  herd_manager_start (manager, &error);
  herd_world_start (world);
  herd_engine_run (engine, 0, NULL, NULL);
  for (HerdId vm = 0; vm < sc->model->vms->len; vm++)
    herd_manager_vm_run (manager, vm, NULL);
  /* Let them boot, then start every VM's first migration. */
  herd_engine_run (engine, HERD_MIN (1), NULL, NULL);
  for (HerdId vm = 0; vm < sc->model->vms->len; vm++)
    herd_engine_at (engine, HERD_MIN (1), migrate_again, &b, vm);

  gint64 t0 = g_get_monotonic_time ();
  guint64 events0 = engine->events;
  herd_engine_run (engine, sc->duration, NULL, NULL);
  double wall = (g_get_monotonic_time () - t0) / 1e6;
  const HerdManagerStats *st = herd_manager_stats (manager);
  printf ("migrations ended     %" G_GUINT64_FORMAT " (done %" G_GUINT64_FORMAT
          ", aborted or failed %" G_GUINT64_FORMAT ")\n",
          b.ended, st->migrations_done, st->migrations_failed);
  printf ("simulated time       %.1f days\n",
          herd_time_to_seconds (engine->now) / 86400);
  printf ("events               %" G_GUINT64_FORMAT "\n",
          engine->events - events0);
  printf ("wall time            %.3f s (%.0f migrations/s)\n", wall,
          b.ended / wall);
  /* Tear down in dependency order. */
  g_clear_pointer (&manager, herd_manager_free);
  g_clear_pointer (&driver, herd_driver_free);
  return 0;
}

/* One migration of a single VM through the world alone: a fixed budget,
 * ended after 24 simulated hours if it never converges. */
typedef struct
{
  gboolean done;
  HerdSimMigrationStats stats;
} Single;

static void
single_done (gpointer ctx, HerdId vm, const HerdSimMigrationStats *stats)
{
  Single *s = ctx;
  s->done = TRUE;
  s->stats = *stats;
}

static const HerdWorldObserver single_observer = {
  .migration_done = single_done,
};

static gboolean
herd_case (double mem_gib, double dirty_mibps, double bw_mibps,
           guint32 downtime_ms, double *seconds, gint64 *bytes,
           guint32 *iterations)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf (
      "[scenario]\nduration = 2d\nstats_interval = 1d\nmigration_setup = 0\n"
      "[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = 2\ncores = 8\nmemory = 64G\nnic = 100Gbit\n"
      "[vms v]\nvcpus = 1\nmemory = %.0fM\nboot_time = 0s\n"
      "dirty_rate = %.0fKiB/s\n",
      mem_gib * 1024, dirty_mibps * 1024);
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (text, "grid",
                                                         &error);
  g_assert_no_error (error);
  g_autoptr (HerdEngine) engine = herd_engine_new (1);
  g_autoptr (HerdWorld) world = herd_world_new (sc, engine, 0);
  Single s = { 0 };
  herd_world_set_observer (world, &single_observer, &s);
  herd_world_host_connect (world, 0, NULL);
  herd_world_host_connect (world, 1, NULL);
  herd_world_vm_start (world, 0, 0, NULL);
  herd_engine_run (engine, HERD_SEC (1), NULL, NULL);
  herd_world_migration_start (world, 0, 0, 1,
                              (gint64) (bw_mibps * 1024 * 1024), downtime_ms,
                              FALSE, &error);
  g_assert_no_error (error);
  HerdTime start = engine->now;
  while (!s.done && engine->now < start + HERD_DAY (1))
    herd_engine_run (engine, engine->now + HERD_HOUR (1), NULL, NULL);
  if (!s.done)
    {
      HerdSimMigrationStats now;
      herd_world_migration_stats (world, 0, &now, NULL);
      *seconds = herd_time_to_seconds (engine->now - start);
      *bytes = now.bytes_sent;
      *iterations = now.iteration;
      return FALSE;
    }
  *seconds = herd_time_to_seconds (s.stats.elapsed);
  *bytes = s.stats.bytes_sent;
  *iterations = s.stats.iteration;
  return TRUE;
}

typedef struct
{
  double mem, dirty, bw;
  guint32 downtime;
  double seconds;
  gboolean converged;
} SgRow;

static GArray *
read_simgrid (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return NULL;
    }
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (SgRow));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      SgRow r;
      int conv;
      if (sscanf (lines[i], "%lf,%lf,%lf,%u,%lf,%d", &r.mem, &r.dirty, &r.bw,
                  &r.downtime, &r.seconds, &conv)
          == 6)
        {
          r.converged = conv != 0;
          g_array_append_val (rows, r);
        }
    }
  return rows;
}

static const SgRow *
find_row (GArray *rows, double mem, double dirty, double bw, guint32 dt)
{
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      const SgRow *r = &g_array_index (rows, SgRow, i);
      if (r->mem == mem && r->dirty == dirty && r->bw == bw
          && r->downtime == dt)
        return r;
    }
  return NULL;
}

static int
grid (const char *simgrid_csv)
{
  g_autoptr (GArray) sg = simgrid_csv != NULL ? read_simgrid (simgrid_csv)
                                              : NULL;
  if (simgrid_csv != NULL && sg == NULL)
    return 1;
  const double mems[] = { 1, 4, 16 }, dirties[] = { 0, 10, 40, 80 },
               bws[] = { 32, 52, 125 };
  const guint32 downtimes[] = { 30, 300 };
  guint compared = 0, within = 0;
  printf ("mem_gib,dirty_mibps,bw_mibps,downtime_ms,herd_s,herd_converged,"
          "herd_mib_sent,herd_iterations%s\n",
          sg != NULL ? ",simgrid_s,simgrid_converged,ratio" : "");
  for (guint a = 0; a < G_N_ELEMENTS (mems); a++)
    for (guint d = 0; d < G_N_ELEMENTS (dirties); d++)
      for (guint w = 0; w < G_N_ELEMENTS (bws); w++)
        for (guint t = 0; t < G_N_ELEMENTS (downtimes); t++)
          {
            double s;
            gint64 bytes;
            guint32 it;
            gboolean conv = herd_case (mems[a], dirties[d], bws[w],
                                       downtimes[t], &s, &bytes, &it);
            printf ("%g,%g,%g,%u,%.3f,%d,%.1f,%u", mems[a], dirties[d],
                    bws[w], downtimes[t], s, conv, bytes / 1048576.0, it);
            const SgRow *r = find_row (sg, mems[a], dirties[d], bws[w],
                                       downtimes[t]);
            if (r != NULL)
              {
                double ratio = s / r->seconds;
                printf (",%.3f,%d,%.3f", r->seconds, r->converged, ratio);
                if (conv && r->converged)
                  {
                    compared++;
                    within += fabs (ratio - 1) <= 0.10;
                  }
              }
            printf ("\n");
          }
  if (sg != NULL)
    printf ("# both converged: %u cases, within 10%%: %u\n", compared,
            within);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "throughput") == 0)
    return throughput (argc >= 3 ? g_ascii_strtoull (argv[2], NULL, 10)
                                 : 100000);
  if (argc >= 2 && strcmp (argv[1], "grid") == 0)
    return grid (argc >= 3 ? argv[2] : NULL);
  fprintf (stderr, "usage: bench-migration throughput [N]\n"
                   "       bench-migration grid [SIMGRID.csv]\n");
  return 2;
}
