/* estate-scenario.h: a loaded scenario as an estate (conf/estate.h), for
 * herd import --from run. */
#pragma once

#include "conf/estate.h"
#include "conf/scenario.h"

/* Adds scenario's model to estate: every host and VM on its own, the VMs
 * down until the caller says where they run (their status and host). */
void herd_estate_add_scenario (HerdEstate *estate,
                               const HerdScenario *scenario);
