/* manager-time.h: the manager's clock, a service at the bottom of the
 * manager (core/manager-private.h lists the layers).
 *
 * The manager has no clock of its own: its time is the driver's, virtual
 * under the simulator, real on hosts.  Every file of the manager but
 * manager-books.c and adopt.c reads it here; timers are set on the
 * driver directly (herd_driver_timer_add).  herd_manager_now is public
 * as well: manager.h declares it for the applications, and the compiler
 * checks that both declarations agree. */
#pragma once

#include "core/manager.h"

HerdTime herd_manager_now (HerdManager *manager);
