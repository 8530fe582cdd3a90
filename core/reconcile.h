/* reconcile.h: what a host reports against what the manager believes.
 *
 * A host that answers again reports the VMs it runs: VMs the manager
 * lost track of are Up again (one found on another host moves there), the
 * others are down; after a restore (herd run), Down VMs it runs are
 * adopted.  A VM down in the manager's view (its host fenced, its lease
 * free, absent from its host's list) gives its resources back, ends its
 * migration, and an HA VM is queued for a restart.  Used by manager.c (a
 * host's first answer after a restore, a manager restart) and monitor.c
 * (a host back from a failure, fencing, VM leases).  It sits under them
 * and over migration.c, ha.c and the services. */
#pragma once

#include "core/manager.h"

/* What runs on a host that answers again is what it reports: Unknown
 * VMs it runs are Up again (one found on another host moves there), the
 * others were lost with it; after a restore, Down VMs it runs are
 * adopted.  O(VMs) (and O(hosts) host queries per VM not found). */
void herd_manager_reconcile_vms (HerdManager *m, HerdId host);
/* A VM is down in the manager's view (its host fenced, its lease free):
 * bookkeeping given back, audit event, HA restart. */
void herd_manager_vm_lost (HerdManager *m, HerdVm *vm, HerdAuditType why);
