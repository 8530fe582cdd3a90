/* storage.h: what storage.c (storage domain monitoring, behaviour.md §8)
 * offers manager.c: the domain checks each host reports with its
 * statistics, and autorecovery of Inactive domains.  Only manager.c calls
 * it; it makes hosts NonOperational (manager-status.h) and moves their
 * VMs away (migration.h). */
#pragma once

#include "core/manager.h"

void herd_storage_init (HerdManager *m);
void herd_storage_clear (HerdManager *m);
/* A host reported its domain checks (HerdHostStats.domains_trouble). */
void herd_storage_on_report (HerdManager *m, HerdHost *host, guint64 trouble);
/* Autorecovery: Inactive domains no host fails are active again. */
void herd_storage_recover (HerdManager *m);
