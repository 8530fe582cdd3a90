/* balancer.h: what balancer.c offers manager.c: its periodic cycle (load
 * balancing, power saving's host power management, the HA reservation
 * check) and the timer of the affinity enforcer, started with the
 * manager; the fence agents' answers to power saving's on and off; a host
 * it powered on reaching Up.  herd_manager_balance (manager.h) runs a
 * cycle on demand.  Only manager.c calls it. */
#pragma once

#include "core/manager.h"

void herd_balancer_init (HerdManager *m);
void herd_balancer_clear (HerdManager *m);
/* Schedules the periodic balancing and affinity enforcement. */
void herd_balancer_start (HerdManager *m);
/* A fence agent's answer that the monitor did not claim: power saving's
 * on or off. */
void herd_balancer_on_fence_done (gpointer core, HerdId host,
                                  HerdFenceAction action, gboolean ok,
                                  const char *output);
/* A host powered on by the balancer reached Up. */
void herd_balancer_host_up (HerdManager *m, HerdId host);
/* Closes the HA-unsafe intervals at the end of a run. */
void herd_balancer_finish (HerdManager *m);
