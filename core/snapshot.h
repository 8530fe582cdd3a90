/* snapshot.h: the state snapshot.c keeps (each VM's snapshots, the one in
 * preview), set up and freed with the manager (manager.c).  Its request,
 * herd_manager_vm_snapshot, is public (manager.h). */
#pragma once

#include "core/manager.h"

void herd_snapshot_init (HerdManager *m);
void herd_snapshot_clear (HerdManager *m);
