/* sim-driver.h: the driver backed by the simulated cluster (sim/world.h).
 *
 * It answers the driver tables from the world and turns the world's
 * reports into driver events, so that the core cannot tell it from real
 * hosts.  Timers and the core's random choices go to the engine's queue
 * and named streams. */
#pragma once

#include "core/driver.h"
#include "sim/world.h"

/* Opens a sim driver on world (backend_config of the registry entry). */
HerdDriver *herd_sim_driver_open (HerdModel *model, gpointer world,
                                  GError **error);
