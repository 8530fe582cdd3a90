/* check.h: invariants checked while a simulation runs (--check-invariants,
 * and every run of the test suite).
 *
 *   - never a VM started while its QEMU still runs somewhere (so never one
 *     VM on two hosts, never a VM started while a host that was not fenced
 *     still runs it; VM leases are enforced by the simulated sanlock);
 *   - a VM with a lease runs only where its host holds that lease, on a
 *     live (or failing: sanlock is killing it) host-id lease (every
 *     minute and after each migration);
 *   - no VM of an unreachable host set Down (and so restarted) while a
 *     QEMU of it may still run: fencing confirmed the host off, or the
 *     VM's lease names that host and is free (its hold expired);
 *   - never a host using more memory than it has;
 *   - never two SPMs in a data center: the manager's SPM and the holder
 *     of the SPM lease, when both exist, are the same host; and the
 *     manager's SPM, while Up, holds the lease (a loss noticed within two
 *     SpmStatusInterval);
 *   - no storage domain holding more than its capacity (the world checks
 *     it at every change, allowing a MiB of rounding per volume);
 *   - the manager's view catches up: no VM believed Up or Paused on an Up
 *     host for two minutes while it runs nowhere;
 *   - every failover record closes: none stays open while its host,
 *     once found failing, answers the manager again;
 *   - no HA VM left down when a host could take it: an HA VM waiting for
 *     a restart (after fencing, or its lease freed) on its quick schedule
 *     for longer than HaPriorityWait + HaRestartInterval while the
 *     scheduler would place it now.
 * The first violation stops the run; the report names the time, the
 * seed, the invariant and the last 50 trace lines. */
#pragma once

#include "core/manager.h"
#include "results/failover.h"
#include "sim/world.h"

typedef struct _HerdCheck HerdCheck;

HerdCheck *herd_check_new (HerdEngine *engine, HerdWorld *world,
                           HerdManager *manager, HerdModel *model,
                           HerdFailovers *failovers, guint64 seed,
                           gboolean enforce);
void herd_check_free (HerdCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdCheck, herd_check_free)

/* An audit sink: keeps the last 50 trace lines (and checks the SPM when
 * one is elected). */
void herd_check_audit_sink (const HerdAuditEvent *event, gpointer check);
/* Starts the periodic checks (every minute). */
void herd_check_start (HerdCheck *check);
/* The report of the first violation, or NULL. */
const char *herd_check_violation (HerdCheck *check);
