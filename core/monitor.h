/* monitor.h: what monitor.c (host monitoring, soft fencing and fencing)
 * offers the rest of the manager.
 *
 * manager.c hands it the driver's host events (a host that answers or
 * not, a fence agent's answer), a manager restart and a restored host's
 * status, and asks it the status a host that answers again returns to.
 * activate.c tells it of a host out of maintenance; balancer.c asks it
 * for a fence proxy and whether a host is sound before power saving
 * switches hosts on or off.  monitor.c sits under them and over
 * reconcile.c, migration.c, spm.c and the services. */
#pragma once

#include "core/manager.h"

void herd_monitor_init (HerdManager *m);
void herd_monitor_clear (HerdManager *m);
void herd_monitor_host_connected (HerdManager *m, HerdId host);
void herd_monitor_on_unreachable (HerdManager *m, HerdId host);
/* A host activated from maintenance: if it does not answer, detection
 * starts. */
void herd_monitor_host_activated (HerdManager *m, HerdId host);
/* The status a host that answers again returns to: the one it had when
 * it stopped answering if that was PreparingForMaintenance or
 * NonOperational (a blip does not cancel a maintenance request or cure a
 * cause), else Up. */
HerdHostStatus herd_monitor_status_back (HerdManager *m, HerdId host);
/* Whether the host has answered, or been restored, since the manager
 * started. */
gboolean herd_monitor_known (HerdManager *m, HerdId host);
/* Whether the driver last said the host answers. */
gboolean herd_monitor_reachable (HerdManager *m, HerdId host);
/* Whether the host answers its polls (no failure being handled). */
gboolean herd_monitor_host_ok (HerdManager *m, HerdId host);
/* Whether the monitor is handling host's failure (from its first failed
 * poll until it is back: soft fencing, fencing, the reboot after it). */
gboolean herd_monitor_handling (HerdManager *m, HerdId host);
/* oVirt's FenceProxyLocator: an Up host of target's cluster, else of its
 * data center, else a NonOperational one (cluster first); NONE. */
HerdId herd_monitor_fence_proxy (HerdManager *m, const HerdHost *target);
/* TRUE when the monitor handled the host coming back. */
gboolean herd_monitor_on_reachable (HerdManager *m, HerdId host);
/* The restart of host's agent did not reach it (the backend said so after
 * soft_fence answered): NonResponsive now, as when soft_fence fails. */
void herd_monitor_on_soft_fence_failed (HerdManager *m, HerdId host,
                                        const char *why);
/* TRUE when the answer belonged to fencing. */
gboolean herd_monitor_on_fence_done (HerdManager *m, HerdId host,
                                     HerdFenceAction action, gboolean ok,
                                     const char *output);
/* A manager restart: monitoring and fencing in progress are forgotten. */
void herd_monitor_restart (HerdManager *m);
/* Stops watching host (removed or reinstalled): its timers end and it is
 * watched afresh from its next connection, as a host never heard from. */
void herd_monitor_forget (HerdManager *m, HerdId host);
/* A restored host comes back (when it answers) in status (herd run); one
 * restored Down without a sanlock host id never answered: it is watched
 * as a host not heard from yet (Connecting, then NonResponsive). */
void herd_monitor_restore (HerdManager *m, HerdId host,
                           HerdHostStatus status);
