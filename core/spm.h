/* spm.h: what spm.c (the storage pool manager of each data center and its
 * lease) offers the rest of the manager.
 *
 * manager.c starts and finishes its periodic check, and tells it of a
 * host that came Up and of a restored host's sanlock id;
 * manager-status.c tells it of every host status change (the SPM's
 * availability may follow); monitor.c of a host that is back (it joins
 * the lockspace again) or fenced (it is no longer the SPM), and asks it
 * for a data center's master domain (where VM leases and host ids live).
 * spm.c calls only the clock and storage-space.c: it sits at the bottom,
 * under the status changes. */
#pragma once

#include "core/manager.h"

void herd_spm_init (HerdManager *m);
void herd_spm_clear (HerdManager *m);
void herd_spm_start (HerdManager *m);
/* A host came Up: it joins its data center's lockspace. */
void herd_spm_host_up (HerdManager *m, HerdId host);
/* host's restored sanlock id is taken: new ids come after it. */
void herd_spm_restore (HerdManager *m, HerdId host);
/* A host's status changed (the SPM's availability may follow). */
void herd_spm_host_status_changed (HerdManager *m, HerdId host);
/* The host was fenced or left: it is no longer the SPM. */
void herd_spm_host_gone (HerdManager *m, HerdId host);
void herd_spm_finish (HerdManager *m);
/* Master storage domain of the host's data center, or NONE. */
HerdId herd_spm_master_domain (HerdManager *m, HerdId host);
