/* service-fixture.c: herd run's service pieces on the simulated cluster
 * for the unit tests of the control socket and the REST API (see
 * service-fixture.h). */
#include "tests/service-fixture.h"

#include <glib/gstdio.h>

#include "drivers/registry.h"
#include "tests/test-util.h"

const char herd_service_scenario_text[]
    = "[scenario]\nduration = 1h\n"
      "[datacenter dc]\n"
      "[cluster c]\ndatacenter = dc\n"
      "[hosts h]\ncluster = c\ncount = 2\ncores = 8\nmemory = 32G\n"
      "[storage sd]\ndatacenter = dc\ntype = nfs\ncapacity = 1T\n"
      "master = true\n"
      "[vms v]\ncluster = c\ncount = 2\nvcpus = 1\nmemory = 1G\nha = true\n"
      "disk = 20G thin data=2G\nwrite_rate = 1MiB/s\n";

static void
save_sink (const HerdAuditEvent *event, gpointer data)
{
  herd_state_add_event (data, event);
}

void
service_open (Service *s, const char *dir)
{
  service_open_with (s, dir, NULL);
}

void
service_open_with (Service *s, const char *dir, void (*started) (Service *s))
{
  service_open_scenario (s, dir, herd_service_scenario_text, started);
}

void
service_open_scenario (Service *s, const char *dir, const char *text,
                       void (*started) (Service *s))
{
  g_autoptr (GError) error = NULL;
  memset (s, 0, sizeof *s);
  s->dir = dir != NULL ? g_strdup (dir)
                       : g_dir_make_tmp ("herd-test-service-XXXXXX", NULL);
  s->sc = herd_scenario_load_data (text, "service.ini", &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->sc);
  s->engine = herd_engine_new (1);
  s->audit = herd_audit_new ();
  s->world = herd_world_new (s->sc, s->engine,
                             s->sc->model->params.vm_memory_overhead_mib);
  s->driver = herd_driver_open ("sim", s->sc->model, s->world, &error);
  s->manager = herd_manager_new (s->sc->model, s->driver, s->audit);
  g_autofree char *db = g_build_filename (s->dir, "state.db", NULL);
  s->state = herd_state_open (db, s->sc->model, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->state);
  if (herd_state_has_rows (s->state))
    CU_ASSERT_TRUE (herd_state_restore (s->state, s->manager, &error));
  herd_audit_add_sink (s->audit, save_sink, s->state);
  CU_ASSERT_TRUE_FATAL (herd_manager_start (s->manager, &error));
  if (started != NULL)
    started (s);
  herd_world_start (s->world);
  herd_engine_run (s->engine, HERD_MIN (1), NULL, NULL);
  g_autofree char *sock = g_build_filename (s->dir, "ctl.sock", NULL);
  s->ctl = herd_ctl_new (sock, s->manager, s->sc->model, s->driver,
                         s->state, NULL, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (s->ctl);
}

void
service_close (Service *s, gboolean delete_files)
{
  herd_ctl_free (s->ctl);
  herd_state_save (s->state, NULL);
  herd_state_free (s->state);
  herd_manager_free (s->manager);
  herd_driver_free (s->driver);
  herd_world_free (s->world);
  herd_audit_free (s->audit);
  herd_engine_free (s->engine);
  herd_scenario_free (s->sc);
  if (delete_files)
    {
      g_autofree char *db = g_build_filename (s->dir, "state.db", NULL);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);
      g_autofree char *lock = g_strconcat (db, ".lock", NULL);
      g_remove (lock);
      g_remove (db);
      g_remove (wal);
      g_remove (shm);
      g_rmdir (s->dir);
    }
  g_free (s->dir);
}

