/* ha.c: restarting highly available VMs (behaviour.md §6).
 *
 * An HA VM that goes down without being asked to (its host fenced, its
 * lease free, its QEMU gone) is queued.  A pass over the queue runs when
 * an attempt is due: VMs in order of priority (high first), then of
 * queueing, then id; a VM waits while a VM of higher priority (of any
 * cluster) is still queued or restarted but not yet Up, at most
 * HaPriorityWait (600 s) from its own queueing (oVirt's one
 * HaAutoStartVmsRunner and its isBlockedOnPriority).  An attempt is a start placed by the scheduler
 * (VDS_INITIATED_RUN_VM); a failed one is retried every HaRestartInterval
 * (30 s) HaRestartTries (10) times, then every HaRestartLongInterval
 * (30 min).  A VM leaves the queue when it is started (and comes back if
 * that start fails) or stopped by hand. */
#include "core/manager-private.h"
#include "core/ha.h"

#include "core/manager-time.h"
#include "core/vm-start.h"

static void ha_pass (gpointer ctx, guint64 arg);

void
herd_ha_init (HerdManager *m)
{
  guint vms = herd_model_vm_slots (m->model);
  m->ha_next = g_new (HerdTime, vms);
  for (guint i = 0; i < vms; i++)
    m->ha_next[i] = HERD_TIME_NEVER;
  m->ha_since = g_new0 (HerdTime, vms);
  m->ha_attempts = g_new0 (guint32, vms);
  m->ha_queue = g_array_new (FALSE, FALSE, sizeof (HerdId));
  m->ha_blocked = g_new0 (guint8, vms);
  m->ha_starting = g_array_new (FALSE, FALSE, sizeof (HerdId));
  m->ha_timer_at = HERD_TIME_NEVER;
}

void
herd_ha_clear (HerdManager *m)
{
  g_free (m->ha_next);
  g_free (m->ha_since);
  g_free (m->ha_attempts);
  g_array_unref (m->ha_queue);
  g_free (m->ha_blocked);
  g_array_unref (m->ha_starting);
}

/* The pass timer fires at the earliest due attempt. */
static void
reschedule (HerdManager *m)
{
  HerdTime next = HERD_TIME_NEVER;
  for (guint i = 0; i < m->ha_queue->len; i++)
    next = MIN (next, m->ha_next[g_array_index (m->ha_queue, HerdId, i)]);
  if (next == m->ha_timer_at)
    return;
  herd_driver_timer_cancel (m->driver, m->ha_timer);
  m->ha_timer = 0;
  m->ha_timer_at = next;
  if (next != HERD_TIME_NEVER)
    m->ha_timer = herd_driver_timer_add (m->driver, next, ha_pass, m, 0);
}

void
herd_ha_enqueue (HerdManager *m, HerdId vm_id)
{
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  if (!vm->ha || m->ha_next[vm_id] != HERD_TIME_NEVER)
    return;
  HerdTime now = herd_manager_now (m);
  m->ha_next[vm_id] = now;
  m->ha_since[vm_id] = now;
  m->ha_attempts[vm_id] = 0;
  g_array_append_val (m->ha_queue, vm_id);
  herd_audit_emit (m->audit, now, HERD_AUDIT_HA_VM_FAILED, vm->name,
                   "priority=%s", herd_priority_name (vm->priority));
  reschedule (m);
}

void
herd_ha_forget (HerdManager *m, HerdId vm_id)
{
  if (m->ha_next[vm_id] == HERD_TIME_NEVER)
    return;
  m->ha_next[vm_id] = HERD_TIME_NEVER;
  for (guint i = 0; i < m->ha_queue->len; i++)
    if (g_array_index (m->ha_queue, HerdId, i) == vm_id)
      {
        g_array_remove_index (m->ha_queue, i);
        break;
      }
  reschedule (m);
}

void
herd_ha_settled (HerdManager *m, HerdId vm_id)
{
  GArray *starting = m->ha_starting;
  guint i = 0;
  while (i < starting->len && g_array_index (starting, HerdId, i) != vm_id)
    i++;
  if (i == starting->len)
    return;
  g_array_remove_index (starting, i);
  /* The VMs it held back try again now. */
  HerdTime now = herd_manager_now (m);
  for (guint k = 0; k < m->ha_queue->len; k++)
    {
      HerdId id = g_array_index (m->ha_queue, HerdId, k);
      if (m->ha_blocked[id])
        m->ha_next[id] = MIN (m->ha_next[id], now);
    }
  reschedule (m);
}

/* A VM of higher priority than vm restarted and not Up yet. */
static gboolean
higher_starting (HerdManager *m, const HerdVm *vm)
{
  for (guint i = 0; i < m->ha_starting->len; i++)
    if (herd_model_vm (m->model, g_array_index (m->ha_starting, HerdId, i))
            ->priority
        > vm->priority)
      return TRUE;
  return FALSE;
}

static int
compare_queued (gconstpointer a, gconstpointer b, gpointer user_data)
{
  HerdManager *m = user_data;
  HerdId x = *(const HerdId *) a, y = *(const HerdId *) b;
  const HerdVm *vx = herd_model_vm (m->model, x);
  const HerdVm *vy = herd_model_vm (m->model, y);
  if (vx->priority != vy->priority)
    return vx->priority > vy->priority ? -1 : 1;
  if (m->ha_since[x] != m->ha_since[y])
    return m->ha_since[x] < m->ha_since[y] ? -1 : 1;
  return (x > y) - (x < y);
}

/* A restart of the queued VM failed: HA_VM_RESTART_FAILED, and its next
 * attempt scheduled.  After HaRestartTries the interval grows; an HA VM is
 * never given up (oVirt's HaVmToRestart, "Don't stop trying to start HA
 * VMs"), so there is no EXCEEDED_MAXIMUM_NUM_OF_RESTART_HA_VM_ATTEMPTS. */
static void
failed_attempt (HerdManager *m, HerdId id, HerdTime now)
{
  const HerdParams *p = &m->model->params;
  m->ha_attempts[id]++;
  herd_audit_emit (m->audit, now, HERD_AUDIT_HA_VM_RESTART_FAILED,
                   herd_model_vm (m->model, id)->name, "attempt=%u",
                   m->ha_attempts[id]);
  m->ha_next[id] = now
                   + (m->ha_attempts[id] < (guint32) p->ha_restart_tries
                          ? p->ha_restart_interval
                          : p->ha_restart_long_interval);
}

static void
ha_pass (gpointer ctx, guint64 arg)
{
  HerdManager *m = ctx;
  HerdTime now = herd_manager_now (m);
  const HerdParams *p = &m->model->params;
  m->ha_timer = 0;
  m->ha_timer_at = HERD_TIME_NEVER;

  g_autoptr (GArray) order = g_array_copy (m->ha_queue);
  g_array_sort_with_data (order, compare_queued, m);
  for (guint i = 0; i < order->len; i++)
    {
      HerdId id = g_array_index (order, HerdId, i);
      HerdVm *vm = herd_model_vm (m->model, id);
      if (m->ha_next[id] > now)
        continue;
      if (vm->status != HERD_VM_DOWN)
        {
          herd_ha_forget (m, id);
          continue;
        }
      /* Higher priority VMs still queued, or restarted and not Up yet,
       * come first, for at most HaPriorityWait. */
      gboolean wait = higher_starting (m, vm);
      for (guint k = 0; k < i && !wait; k++)
        {
          const HerdVm *other
              = herd_model_vm (m->model, g_array_index (order, HerdId, k));
          wait = other->priority > vm->priority
                 && m->ha_next[other->id] != HERD_TIME_NEVER;
        }
      m->ha_blocked[id] = wait && now - m->ha_since[id] < p->ha_priority_wait;
      if (m->ha_blocked[id])
        {
          m->ha_next[id] = MIN (now + p->ha_restart_interval,
                                m->ha_since[id] + p->ha_priority_wait);
          continue;
        }
      g_autoptr (GError) error = NULL;
      if (herd_manager_vm_restart (m, id, &error))
        {
          m->stats.ha_restarts++;
          herd_ha_forget (m, id);
          if (vm->status != HERD_VM_UP && vm->status != HERD_VM_DOWN)
            g_array_append_val (m->ha_starting, id);
          continue;
        }
      failed_attempt (m, id, now);
    }
  reschedule (m);
}

gboolean
herd_ha_restarting (HerdManager *m, HerdId vm_id)
{
  for (guint i = 0; i < m->ha_starting->len; i++)
    if (g_array_index (m->ha_starting, HerdId, i) == vm_id)
      return TRUE;
  return FALSE;
}

void
herd_ha_restart_failed (HerdManager *m, HerdId vm_id)
{
  if (m->ha_next[vm_id] != HERD_TIME_NEVER)
    return;
  HerdTime now = herd_manager_now (m);
  m->ha_since[vm_id] = now;
  g_array_append_val (m->ha_queue, vm_id);
  failed_attempt (m, vm_id, now);
  reschedule (m);
}

gboolean
herd_manager_ha_waiting (HerdManager *m, HerdId vm, HerdTime *since,
                         guint32 *attempts)
{
  if (m->ha_next[vm] == HERD_TIME_NEVER)
    return FALSE;
  *since = m->ha_since[vm];
  *attempts = m->ha_attempts[vm];
  return TRUE;
}
