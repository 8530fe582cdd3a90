/* manager.h: the manager, the core's single entry point.
 *
 * A HerdManager owns the decisions: it connects to the hosts through the
 * driver, keeps the model's view current from the driver's events, places
 * VMs with the scheduler and records every change as an audit event.  It
 * knows nothing of the backend: the same manager runs on the simulated
 * cluster and on real hosts.  Requests (run, stop) come from outside: the
 * simulator's scenario player, or an operator through `herd ctl`. */
#pragma once

#include <glib.h>

#include "core/audit.h"
#include "core/model.h"
#include "core/scheduler.h"
#include "drivers/driver.h"

#define HERD_MANAGER_ERROR (herd_manager_error_quark ())
GQuark herd_manager_error_quark (void);

typedef enum
{
  HERD_MANAGER_ERROR_STATE,     /* the object is not in a state for this */
  HERD_MANAGER_ERROR_NO_HOST,   /* no host passes the filters */
  HERD_MANAGER_ERROR_DRIVER,    /* the backend refused */
  HERD_MANAGER_ERROR_LAST
} HerdManagerError;

/* Counters the manager keeps for summaries. */
typedef struct
{
  guint64 placements;        /* starts placed on a host */
  guint64 placement_failures;/* starts no host could take */
  guint64 rejected[HERD_FILTER_LAST]; /* hosts removed, per filter */
} HerdManagerStats;

typedef struct _HerdManager HerdManager;

/* The manager uses model, driver and audit; it does not own them. */
HerdManager *herd_manager_new (HerdModel *model, HerdDriver *driver,
                               HerdAudit *audit);
void herd_manager_free (HerdManager *manager);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdManager, herd_manager_free)

/* Connects every host; hosts come Up as the driver reports them. */
gboolean herd_manager_start (HerdManager *manager, GError **error);

/* Starts a Down VM: places it and asks its host to run it.  A start no
 * host can take fails with HERD_MANAGER_ERROR_NO_HOST (and an audit
 * event); the VM stays Down. */
gboolean herd_manager_vm_run (HerdManager *manager, HerdId vm,
                              GError **error);
/* Powers a running VM off. */
gboolean herd_manager_vm_stop (HerdManager *manager, HerdId vm,
                               GError **error);

const HerdManagerStats *herd_manager_stats (HerdManager *manager);
HerdScheduler *herd_manager_scheduler (HerdManager *manager);
HerdTime herd_manager_now (HerdManager *manager);
