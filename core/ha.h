/* ha.h: what ha.c (restarting highly available VMs) offers the rest of
 * the manager.
 *
 * manager.c and reconcile.c queue an HA VM that went down without being
 * asked, and take a VM off the queue when it runs again or is started or
 * stopped by hand; manager-status.c tells it when a VM's status becomes
 * Up or Down.  ha.c restarts VMs through vm-start.c, whose status changes
 * come back here: the loop is described in core/manager-private.h.
 * herd_manager_ha_waiting (manager.h) reports the queue. */
#pragma once

#include "core/manager.h"

void herd_ha_init (HerdManager *m);
void herd_ha_clear (HerdManager *m);
/* An HA VM went down without being asked: restart it (by priority, on
 * the retry schedule). */
void herd_ha_enqueue (HerdManager *m, HerdId vm);
/* It runs again (or was stopped by hand): stop trying. */
void herd_ha_forget (HerdManager *m, HerdId vm);
/* A VM's status became Up or Down: a restart no longer blocks lower
 * priorities. */
void herd_ha_settled (HerdManager *m, HerdId vm);
/* Whether vm is one of its restarts, not Up yet. */
gboolean herd_ha_restarting (HerdManager *m, HerdId vm);
/* A restart the host accepted failed and no other host took the VM
 * (vm-start.c): queued again, as a failed attempt. */
void herd_ha_restart_failed (HerdManager *m, HerdId vm);
