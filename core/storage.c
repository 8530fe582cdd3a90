/* storage.c: storage domain monitoring (behaviour.md §8).
 *
 * Each host checks each domain every 10 s and reports a domain it could
 * not check for 30 s as in trouble.  When a domain has been in trouble on
 * some host for StorageDomainFailureTime (5 minutes): if every Up host of
 * its data center fails it, it goes Inactive (and when it was the master,
 * another active data domain becomes master); otherwise the hosts failing
 * it go NonOperational and their VMs move away.  Autorecovery (every
 * AutoRecoveryInterval) activates Inactive domains no host fails any
 * more, and NonOperational hosts whose cause is gone (manager.c).  The
 * free space of data domains, from the SPM's statistics, is
 * storage-space.c's. */
#include "core/manager-private.h"
#include "core/storage.h"

#include "core/manager-status.h"
#include "core/manager-time.h"
#include "core/migration.h"

static void evaluate (gpointer ctx, guint64 arg);

void
herd_storage_init (HerdManager *m)
{
  guint n = herd_model_domain_slots (m->model);
  m->domain_trouble_since = g_new (HerdTime, n);
  for (guint i = 0; i < n; i++)
    m->domain_trouble_since[i] = HERD_TIME_NEVER;
  m->domain_timer = g_new0 (HerdTimerId, n);
}

void
herd_storage_clear (HerdManager *m)
{
  g_free (m->domain_trouble_since);
  g_free (m->domain_timer);
}

static gboolean
in_trouble (const HerdHost *h, HerdId domain)
{
  return domain < 64 && (h->domains_trouble >> domain) & 1;
}

void
herd_storage_on_report (HerdManager *m, HerdHost *host, guint64 trouble)
{
  guint64 fresh = trouble & ~host->domains_trouble;
  host->domains_trouble = trouble;
  for (HerdId d = 0; d < m->model->domains->len && d < 64; d++)
    if (((fresh >> d) & 1) && m->domain_timer[d] == 0)
      {
        m->domain_trouble_since[d] = herd_manager_now (m);
        m->domain_timer[d] = herd_driver_timer_add (
            m->driver,
            herd_manager_now (m) + m->model->params.storage_failure_time,
            evaluate, m, d);
      }
}

/* The domain stops being master: another active data domain of its data
 * center (lowest id) takes the role. */
static void
move_master (HerdManager *m, HerdStorageDomain *sd)
{
  HerdDatacenter *dc = herd_model_datacenter (m->model, sd->datacenter);
  if (dc->master_domain != sd->id)
    return;
  sd->master = FALSE;
  dc->master_domain = HERD_ID_NONE;
  for (guint i = 0; i < m->model->domains->len; i++)
    {
      HerdStorageDomain *o = herd_model_domain (m->model, i);
      if (o->datacenter == dc->id && o->role == HERD_DOMAIN_DATA
          && o->status == HERD_DOMAIN_ACTIVE)
        {
          o->master = TRUE;
          dc->master_domain = o->id;
          herd_audit_emit (m->audit, herd_manager_now (m),
                           HERD_AUDIT_MASTER_DOMAIN_CHANGED, o->name,
                           "datacenter=%s previous=%s", dc->name, sd->name);
          /* The lockspace moves with the master: hosts join it there. */
          for (guint h = 0; h < m->model->hosts->len; h++)
            {
              HerdHost *host = herd_model_host (m->model, h);
              if (host->status != HERD_HOST_DOWN && host->sanlock_id != 0
                  && herd_model_cluster (m->model, host->cluster)->datacenter
                         == dc->id)
                herd_driver_lease_add_lockspace (m->driver, h, o->id,
                                                 host->sanlock_id, NULL);
            }
          return;
        }
    }
}

static void
evaluate (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HerdStorageDomain *sd = herd_model_domain (m->model, (HerdId) arg);
  HerdTime now = herd_manager_now (m);
  m->domain_timer[arg] = 0;
  guint up = 0, failing = 0;
  for (guint i = 0; i < m->model->hosts->len; i++)
    {
      const HerdHost *h = herd_model_host (m->model, i);
      HerdId dc = herd_model_cluster (m->model, h->cluster)->datacenter;
      if (dc != sd->datacenter || h->status != HERD_HOST_UP)
        continue;
      up++;
      failing += in_trouble (h, sd->id);
    }
  if (failing == 0 || sd->status != HERD_DOMAIN_ACTIVE)
    {
      m->domain_trouble_since[arg] = HERD_TIME_NEVER;
      return;
    }
  if (failing == up)
    {
      sd->status = HERD_DOMAIN_INACTIVE;
      herd_audit_emit (m->audit, now,
                       HERD_AUDIT_SYSTEM_DEACTIVATED_STORAGE_DOMAIN, sd->name,
                       "hosts=%u", up);
      move_master (m, sd);
      return;
    }
  for (guint i = 0; i < m->model->hosts->len; i++)
    {
      HerdHost *h = herd_model_host (m->model, i);
      if (h->status != HERD_HOST_UP || !in_trouble (h, sd->id))
        continue;
      herd_audit_emit (m->audit, now, HERD_AUDIT_VDS_SET_NONOPERATIONAL_DOMAIN,
                       h->name, "domain=%s", sd->name);
      herd_manager_host_set_status (m, h, HERD_HOST_NON_OPERATIONAL);
      g_autoptr (GArray) vms = herd_manager_host_vms_by_cpu (m, h->id);
      for (guint k = 0; k < vms->len; k++)
        herd_manager_vm_migrate (m, g_array_index (vms, HerdId, k),
                                 HERD_ID_NONE, HERD_MIGRATION_REASON_STORAGE,
                                 NULL);
    }
}

void
herd_storage_recover (HerdManager *m)
{
  for (guint d = 0; d < m->model->domains->len; d++)
    {
      HerdStorageDomain *sd = herd_model_domain (m->model, d);
      if (sd->status != HERD_DOMAIN_INACTIVE)
        continue;
      gboolean failed = FALSE, reachable = FALSE;
      for (guint i = 0; i < m->model->hosts->len && !failed; i++)
        {
          const HerdHost *h = herd_model_host (m->model, i);
          HerdId dc = herd_model_cluster (m->model, h->cluster)->datacenter;
          if (dc != sd->datacenter || h->status != HERD_HOST_UP)
            continue;
          reachable = TRUE;
          failed = in_trouble (h, d);
        }
      if (reachable && !failed)
        {
          sd->status = HERD_DOMAIN_ACTIVE;
          herd_audit_emit (m->audit, herd_manager_now (m),
                           HERD_AUDIT_STORAGE_DOMAIN_AUTORECOVERED, sd->name,
                           "%s", "");
          HerdDatacenter *dc = herd_model_datacenter (m->model,
                                                      sd->datacenter);
          if (dc->master_domain == HERD_ID_NONE
              && sd->role == HERD_DOMAIN_DATA)
            {
              sd->master = TRUE;
              dc->master_domain = sd->id;
            }
        }
    }
}
