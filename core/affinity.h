/* affinity.h: the affinity rules enforcer (affinity.c), run by
 * balancer.c's timer every AffinityEnforcementInterval.  Its repairs are
 * migrations (migration.h). */
#pragma once

#include "core/manager.h"

/* One migration per cluster repairing a broken affinity rule, if any can
 * (every AffinityEnforcementInterval). */
void herd_affinity_enforce (HerdManager *m);
