/* manager-place.h: placing a VM, a service under vm-start.c and
 * migration.c.
 *
 * A placement asks the scheduler (scheduler.h) for a host at the
 * manager's time; when the decision sink set with
 * herd_manager_set_decision_sink (manager.h) wants the VM, the decision
 * is traced (per host: the filter that removed it, or its scores) and
 * handed to the sink with its kind ("start", "ha_restart", or a
 * migration's reason).  Used by vm-start.c (starts, HA restarts) and
 * migration.c (a destination chosen by the scheduler); the balancer and
 * the affinity enforcer place through migration.c. */
#pragma once

#include "core/manager.h"

/* Places vm through the scheduler at the current time; traces the
 * decision when the decision sink wants it.  kind names it. */
HerdId herd_manager_place (HerdManager *m, HerdId vm, HerdId source,
                           const guint8 *allowed, guint32 *rejected,
                           const char *kind);
