/* service-fixture.h: herd run's service pieces (manager, state database,
 * control socket) on the simulated cluster, for the unit tests of the
 * control socket (test-service.c) and the REST API (test-api.c): two
 * hosts, two HA VMs v-1 and v-2 with a thin disk each. */
#pragma once

#include "core/audit.h"
#include "core/manager.h"
#include "service/ctl.h"
#include "service/state.h"
#include "sim/engine.h"
#include "sim/world.h"

extern const char herd_service_scenario_text[];

typedef struct
{
  HerdScenario *sc;
  HerdEngine *engine;
  HerdAudit *audit;
  HerdWorld *world;
  HerdDriver *driver;
  HerdManager *manager;
  HerdState *state;
  HerdCtl *ctl;
  char *dir;
} Service;

/* A manager on the simulated cluster with a state database and a control
 * socket in a new directory (or dir, to open an existing database), run
 * for a simulated minute. */
void service_open (Service *s, const char *dir);
/* The same, calling started (s) once the manager has connected the hosts
 * and before anything is simulated (what the hosts run before the manager
 * first hears from them). */
void service_open_with (Service *s, const char *dir,
                        void (*started) (Service *s));
/* The same on the cluster the scenario text describes. */
void service_open_scenario (Service *s, const char *dir, const char *text,
                            void (*started) (Service *s));
/* Frees it all; with delete_files, the database and the directory too. */
void service_close (Service *s, gboolean delete_files);
