/* storage-space.h: free space of data domains, as the SPM reports it
 * (behaviour.md §9).
 *
 * At each SPM check (spm.c) the SPM's domain statistics put every active
 * data domain of its data center at one of three levels: enough free
 * space, under its warning level (IRS_DISK_SPACE_LOW), under its critical
 * level (IRS_DISK_SPACE_LOW_ERROR); a level that gets worse is an audit
 * event.  snapshot.c refuses new thin volumes on a domain at the critical
 * level (it reads the levels, m->domain_space).  It is apart from
 * storage.c (domain monitoring, which makes hosts NonOperational) so that
 * spm.c, under the status changes, does not depend on code above them. */
#pragma once

#include "core/manager.h"

void herd_storage_space_init (HerdManager *m);
void herd_storage_space_clear (HerdManager *m);
/* The SPM's domain statistics for dc: free space against each data
 * domain's warning and critical levels (behaviour.md §9). */
void herd_storage_check_space (HerdManager *m, HerdId dc);
