/* storage-space.c: free space levels of data domains from the SPM's
 * statistics (see storage-space.h). */
#include "core/manager-private.h"
#include "core/storage-space.h"

#include "core/manager-time.h"

void
herd_storage_space_init (HerdManager *m)
{
  m->domain_space = g_new0 (guint8, herd_model_domain_slots (m->model));
}

void
herd_storage_space_clear (HerdManager *m)
{
  g_free (m->domain_space);
}

void
herd_storage_check_space (HerdManager *m, HerdId dc)
{
  for (guint i = 0; i < m->model->domains->len; i++)
    {
      const HerdStorageDomain *sd = herd_model_domain (m->model, i);
      gint64 capacity, free_mib;
      if (sd->datacenter != dc || sd->role != HERD_DOMAIN_DATA
          || sd->status != HERD_DOMAIN_ACTIVE
          || !herd_driver_domain_stats (m->driver, i, &capacity, &free_mib,
                                        NULL)
          || capacity <= 0)
        continue;
      double share = (double) free_mib / (double) capacity;
      guint8 state = share < sd->critical_free  ? 2
                     : share < sd->warning_free ? 1
                                                : 0;
      guint8 was = m->domain_space[i];
      m->domain_space[i] = state;
      if (state <= was)
        continue;
      herd_audit_emit (m->audit, herd_manager_now (m),
                       state == 2 ? HERD_AUDIT_IRS_DISK_SPACE_LOW_ERROR
                                  : HERD_AUDIT_IRS_DISK_SPACE_LOW,
                       sd->name, "free_gib=%.1f free_percent=%.1f",
                       (double) free_mib / 1024.0, 100.0 * share);
    }
}
