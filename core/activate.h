/* activate.h: a host leaves maintenance (herd_manager_host_activate,
 * manager.h), as an operator asks or as power saving wakes a host it left
 * in Maintenance (balancer.c).
 *
 * Maintenance or PreparingForMaintenance becomes Up, the maintenance
 * retry is cancelled, and the monitor watches the host again (a failure
 * while in maintenance went unwatched: the first poll finds one still
 * there).  A host power saving is switching off cannot be activated.  It
 * is apart from maintenance.c because it asks the monitor: maintenance.c
 * is in a loop with migration.c, which sits under monitor.c, and this
 * keeps monitor.c out of that loop.  The function is public; it is
 * declared here too for balancer.c, and the compiler checks that both
 * declarations agree. */
#pragma once

#include "core/manager.h"

/* Maintenance (or preparing for it) -> Up. */
gboolean herd_manager_host_activate (HerdManager *manager, HerdId host,
                                     GError **error);
