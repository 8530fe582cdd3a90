/* virt-driver.c: the virt driver's class, its clock (wall-clock time and
 * GLib timeouts on the default main context), and its lifetime.
 *
 * Time is the system's real time in nanoseconds, so that audit events and
 * the state database carry dates; timers are GLib timeouts, rounded up to
 * the millisecond.  The core's random choices (the SPM pick among equals)
 * draw from one GSL mt19937 seeded from the configuration's seed.
 *
 * Nothing may hold the main loop (the core's timers, the hosts' events and
 * herd ctl's answers all wait behind it): a watch timer fires every
 * STALL_TICK_MS and notes how late it is; each new longest stall above
 * STALL_REPORT_MS is logged ("main loop: longest stall so far N ms", a
 * warning from 100 ms), and the longest is logged when the driver ends. */
#include "drivers/virt/virt-private.h"

#include <gsl/gsl_errno.h>

typedef struct
{
  VirtDriver *v;
  HerdTimerId id;
  HerdTimerFunc fn;
  gpointer ctx;
  guint64 arg;
} VirtTimer;

static HerdTime
virt_now (HerdDriver *drv)
{
  return g_get_real_time () * HERD_USEC (1);
}

static gboolean
timer_fire (gpointer data)
{
  VirtTimer *t = data;
  g_hash_table_remove (t->v->timers, &t->id);
  t->fn (t->ctx, t->arg);
  return G_SOURCE_REMOVE;
}

static HerdTimerId
virt_timer_add (HerdDriver *drv, HerdTime at, HerdTimerFunc fn, gpointer ctx,
                guint64 arg)
{
  VirtDriver *v = virt_of (drv);
  HerdTime wait = MAX (at - virt_now (drv), 0);
  VirtTimer *t = g_new (VirtTimer, 1);
  *t = (VirtTimer){ v, ++v->next_timer, fn, ctx, arg };
  guint ms = (guint) MIN ((wait + HERD_MSEC (1) - 1) / HERD_MSEC (1),
                          (HerdTime) G_MAXUINT);
  guint source = g_timeout_add_full (G_PRIORITY_DEFAULT, ms, timer_fire, t,
                                     g_free);
  HerdTimerId *key = g_new (HerdTimerId, 1);
  *key = t->id;
  g_hash_table_insert (v->timers, key, GUINT_TO_POINTER (source));
  return t->id;
}

static gboolean
virt_timer_cancel (HerdDriver *drv, HerdTimerId id)
{
  VirtDriver *v = virt_of (drv);
  gpointer source;
  if (!g_hash_table_lookup_extended (v->timers, &id, NULL, &source))
    return FALSE;
  g_hash_table_remove (v->timers, &id);
  g_source_remove (GPOINTER_TO_UINT (source));
  return TRUE;
}

#define STALL_TICK_MS 20
#define STALL_REPORT_MS 20
#define STALL_WARN_MS 100

static gboolean
stall_tick (gpointer data)
{
  VirtDriver *v = data;
  gint64 now = g_get_monotonic_time ();
  /* The first tick starts the watch: until the main loop runs, herd run
   * is starting (restoring its state), which is no stall. */
  gint64 late_ms = v->stall_due_us != 0 ? (now - v->stall_due_us) / 1000 : 0;
  v->stall_due_us = now + STALL_TICK_MS * 1000;
  if (late_ms <= v->stall_max_ms)
    return G_SOURCE_CONTINUE;
  v->stall_max_ms = late_ms;
  if (late_ms >= STALL_WARN_MS)
    g_warning ("main loop: longest stall so far %" G_GINT64_FORMAT " ms",
               late_ms);
  else if (late_ms >= STALL_REPORT_MS)
    g_message ("main loop: longest stall so far %" G_GINT64_FORMAT " ms",
               late_ms);
  return G_SOURCE_CONTINUE;
}

/* herd_virt_in_thread's errand. */
typedef struct
{
  void (*work) (gpointer data);
  void (*done) (gpointer data);
  gpointer data;
  GDestroyNotify free;
} Errand;

static void
errand_free (gpointer p)
{
  Errand *e = p;
  if (e->free != NULL)
    e->free (e->data);
  g_free (e);
}

static void
errand_work (GTask *task, gpointer source, gpointer p,
             GCancellable *cancellable)
{
  Errand *e = p;
  e->work (e->data);
  g_task_return_boolean (task, TRUE);
}

static void
errand_done (GObject *source, GAsyncResult *result, gpointer unused)
{
  Errand *e = g_task_get_task_data (G_TASK (result));
  e->done (e->data);
}

void
herd_virt_in_thread (void (*work) (gpointer data),
                     void (*done) (gpointer data), gpointer data,
                     GDestroyNotify free)
{
  Errand *e = g_new (Errand, 1);
  *e = (Errand){ work, done, data, free };
  g_autoptr (GTask) task = g_task_new (NULL, NULL, errand_done, NULL);
  g_task_set_task_data (task, e, errand_free);
  g_task_run_in_thread (task, errand_work);
}

static guint32
virt_random_uniform (HerdDriver *drv, const char *stream, guint32 n)
{
  return (guint32) gsl_rng_uniform_int (virt_of (drv)->rng, n);
}

static const HerdClockOps virt_clock = {
  .now = virt_now,
  .timer_add = virt_timer_add,
  .timer_cancel = virt_timer_cancel,
  .random_uniform = virt_random_uniform,
};

static void
virt_destroy (HerdDriver *drv)
{
  VirtDriver *v = virt_of (drv);
  if (v == NULL)
    return;
  if (v->stall_source != 0)
    {
      g_source_remove (v->stall_source);
      g_message ("main loop: longest stall %" G_GINT64_FORMAT " ms",
                 v->stall_max_ms);
    }
  herd_virt_monitor_clear (v);
  herd_virt_migration_clear (v);
  herd_virt_leases_clear (v);
  herd_virt_hosts_clear (v);
  herd_virt_volumes_clear (v);
  for (guint i = 0; i < herd_model_vm_slots (v->drv->model); i++)
    if (v->vm_kill_timers[i] != 0)
      g_source_remove (v->vm_kill_timers[i]);
  GHashTableIter it;
  gpointer source;
  g_hash_table_iter_init (&it, v->timers);
  while (g_hash_table_iter_next (&it, NULL, &source))
    g_source_remove (GPOINTER_TO_UINT (source));
  g_hash_table_destroy (v->timers);
  gsl_rng_free (v->rng);
  g_free (v->domain_type);
  g_free (v->migrations);
  g_free (v->vm_meters);
  g_free (v->vm_pause_reason);
  g_free (v->vm_kill_timers);
  g_free (v->spaces);
  g_free (v);
}

static const HerdDriverClass virt_driver_class = {
  .name = "virt",
  .description = "real hosts through libvirt, sanlock and fence agents",
  .clock = &virt_clock,
  .hosts = &herd_virt_hosts,
  .migration = &herd_virt_migration,
  .leases = &herd_virt_leases,
  .storage = &herd_virt_storage,
  .fencing = &herd_virt_fencing,
  .destroy = virt_destroy,
};

HerdDriver *
herd_virt_driver_open (HerdModel *model, gpointer config, GError **error)
{
  g_assert (config != NULL);
  VirtDriver *v = g_new0 (VirtDriver, 1);
  g_autoptr (HerdDriver) drv = herd_driver_new (&virt_driver_class, model, v);
  guint n_vms = herd_model_vm_slots (model);
  v->drv = drv;
  v->config = config;
  v->timers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                     NULL);
  gsl_set_error_handler_off ();
  v->rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (v->rng, v->config->seed != 0 ? v->config->seed : 1);
  v->domain_type = g_strdup (v->config->domain_type != NULL
                                 ? v->config->domain_type
                             : g_file_test ("/dev/kvm", G_FILE_TEST_EXISTS)
                                 ? "kvm"
                                 : "qemu");
  v->migrations = g_new0 (VirtMigration *, n_vms);
  v->vm_meters = g_new0 (VirtVmMeter, n_vms);
  v->vm_pause_reason = g_new0 (HerdPauseReason, n_vms);
  v->vm_kill_timers = g_new0 (guint, n_vms);
  for (guint i = 0; i < n_vms; i++)
    herd_virt_vm_meter_reset (v, i);
  v->volumes = g_new0 (VirtVolume, herd_model_disk_slots (model));
  for (guint i = 0; i < herd_model_disk_slots (model); i++)
    v->volumes[i].v = v;
  v->spaces = g_new0 (VirtSpace, herd_model_domain_slots (model));
  if (!herd_virt_leases_init (v, error) || !herd_virt_hosts_init (v, error))
    return NULL;
  herd_virt_monitor_init (v);
  v->stall_source = g_timeout_add (STALL_TICK_MS, stall_tick, v);
  return g_steal_pointer (&drv);
}
