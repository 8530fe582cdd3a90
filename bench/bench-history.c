/* bench-history.c: what herd run's recorded history costs
 * (service/history.c): the main loop's part of a sample (copying every
 * host's and running VM's figures into a batch), the writer thread's
 * insert of a batch, the hourly pass (aggregating the hour that ended and
 * deleting what is past its retention), and the database's size per
 * sample row.
 *
 * A cluster of HOSTS hosts and VMS VMs (every VM running, spread over
 * the hosts) on the simulator's driver; SAMPLES samples a minute apart
 * starting on an hour, so the last one starts the next hour and its
 * batch carries the hourly pass.  Each figure is the wall clock of one
 * thread (the main loop's copy) or of the writer (from the hand-over to
 * herd_history_flush returning); the database is in a new directory
 * under /tmp, removed at the end.
 *
 * Usage: bench-history [HOSTS [VMS [SAMPLES]]]   (default 1000 20000 61) */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "conf/scenario.h"
#include "drivers/registry.h"
#include "service/history.h"
#include "service/state.h"
#include "sim/engine.h"
#include "sim/world.h"

static double
ms_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / 1000.0;
}

int
main (int argc, char **argv)
{
  guint hosts = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  guint vms = argc > 2 ? (guint) atoi (argv[2]) : 20000;
  guint samples = argc > 3 ? (guint) atoi (argv[3]) : 61;
  if (hosts == 0 || vms == 0 || samples < 2)
    {
      fprintf (stderr, "usage: bench-history [HOSTS [VMS [SAMPLES]]]\n");
      return 2;
    }
  g_autofree char *text = g_strdup_printf (
      "[scenario]\nduration = 1h\n[datacenter dc]\n[cluster c]\n"
      "[hosts h]\ncount = %u\ncores = 64\nmemory = 1T\n"
      "[vms v]\ncount = %u\nvcpus = 1\nmemory = 1G\n",
      hosts, vms);
  g_autoptr (GError) error = NULL;
  g_autoptr (HerdScenario) sc = herd_scenario_load_data (text, "bench.ini",
                                                         &error);
  if (sc == NULL)
    g_error ("%s", error->message);
  HerdModel *model = sc->model;
  for (guint i = 0; i < model->vms->len; i++)
    {
      HerdVm *vm = herd_model_vm (model, i);
      vm->host = i % hosts;
      vm->status = HERD_VM_UP;
    }
  for (guint i = 0; i < model->hosts->len; i++)
    herd_model_host (model, i)->status = HERD_HOST_UP;
  g_autoptr (HerdEngine) engine = herd_engine_new (1);
  g_autoptr (HerdWorld) world = herd_world_new (sc, engine, 64);
  g_autoptr (HerdDriver) driver = herd_driver_open ("sim", model, world,
                                                    &error);
  g_autofree char *dir = g_dir_make_tmp ("herd-bench-history-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "state.db", NULL);
  HerdState *state = herd_state_open (db, model, &error);
  if (state == NULL)
    g_error ("%s", error->message);
  HerdHistorySettings settings = { HERD_MIN (1), HERD_HOUR (24),
                                   HERD_DAY (60), HERD_DAY (1826) };
  HerdHistory *history = herd_history_open (db, model, &settings, &error);
  if (history == NULL)
    g_error ("%s", error->message);

  const gint64 base = G_GINT64_CONSTANT (3600) * 480000; /* on an hour */
  double copy_ms = 0, write_ms = 0, copy_max = 0, last_write = 0;
  for (guint k = 0; k < samples; k++)
    {
      gint64 start = g_get_monotonic_time ();
      if (!herd_history_sample (history, driver,
                                (base + 60 * (gint64) k) * G_USEC_PER_SEC))
        g_error ("sample %u dropped", k);
      double copy = ms_since (start);
      start = g_get_monotonic_time ();
      herd_history_flush (history);
      double written = ms_since (start);
      copy_ms += copy;
      copy_max = MAX (copy_max, copy);
      if (k + 1 < samples)
        write_ms += written;
      else
        last_write = written;
    }
  herd_history_free (history);
  herd_state_free (state);
  GStatBuf st;
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  gint64 bytes = 0;
  if (g_stat (db, &st) == 0)
    bytes += st.st_size;
  if (g_stat (wal, &st) == 0)
    bytes += st.st_size;
  double rows = (double) samples * (hosts + vms);
  printf ("bench-history: %u hosts, %u VMs, %u samples a minute apart "
          "(%.0f sample rows)\n",
          hosts, vms, samples, rows);
  printf ("  main loop, copy per sample:  %8.2f ms mean, %8.2f ms max\n",
          copy_ms / samples, copy_max);
  printf ("  writer, insert per sample:   %8.2f ms mean (%.2f us a row)\n",
          write_ms / (samples - 1),
          1000.0 * write_ms / (samples - 1) / (hosts + vms));
  printf ("  writer, the hour's batch:    %8.2f ms (insert, aggregate the "
          "hour, delete past retention)\n",
          last_write);
  printf ("  database and WAL:            %8.1f MiB (%.0f bytes a sample "
          "row, hourly rows included)\n",
          bytes / 1048576.0, bytes / rows);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autofree char *lock = g_strconcat (db, ".lock", NULL);
  g_remove (db);
  g_remove (wal);
  g_remove (shm);
  g_remove (lock);
  g_rmdir (dir);
  return 0;
}
