/* sim-driver.c: the driver tables implemented on the simulated world
 * (see sim-driver.h).  Slots the simulator does not model yet stay NULL,
 * so the wrappers answer "unsupported" for them. */
#include "drivers/sim/sim-driver.h"

static HerdWorld *
world_of (HerdDriver *drv)
{
  return drv->priv;
}

static HerdTime
sim_now (HerdDriver *drv)
{
  return herd_world_engine (world_of (drv))->now;
}

static HerdTimerId
sim_timer_add (HerdDriver *drv, HerdTime at, HerdTimerFunc fn, gpointer ctx,
               guint64 arg)
{
  HerdEngine *engine = herd_world_engine (world_of (drv));
  return herd_engine_at (engine, MAX (at, engine->now), fn, ctx, arg);
}

static gboolean
sim_timer_cancel (HerdDriver *drv, HerdTimerId id)
{
  return herd_engine_cancel (herd_world_engine (world_of (drv)), id);
}

static guint32
sim_random_uniform (HerdDriver *drv, const char *stream, guint32 n)
{
  HerdEngine *engine = herd_world_engine (world_of (drv));
  g_autofree char *name = g_strdup_printf ("core.%s", stream);
  return (guint32) gsl_rng_uniform_int (herd_rng_set_stream (engine->rng,
                                                             name),
                                        n);
}

static const HerdClockOps sim_clock = {
  .now = sim_now,
  .timer_add = sim_timer_add,
  .timer_cancel = sim_timer_cancel,
  .random_uniform = sim_random_uniform,
};

static gboolean
sim_connect (HerdDriver *drv, HerdId host, GError **error)
{
  return herd_world_host_connect (world_of (drv), host, error);
}

static gboolean
sim_poll_stats (HerdDriver *drv, HerdId host, HerdHostStats *out,
                GError **error)
{
  herd_world_host_report (world_of (drv), host, &out->cpu_used_mc,
                          &out->mem_free_mib, &out->vm_count);
  out->networks_down = herd_world_host (world_of (drv), host)->networks_down;
  out->domains_trouble = herd_world_domains_trouble (world_of (drv), host);
  out->lockspace_down = !herd_world_lease_live (world_of (drv), host);
  return TRUE;
}

static gboolean
sim_vm_stats (HerdDriver *drv, HerdId vm, gint64 *cpu_used_mc, GError **error)
{
  *cpu_used_mc = herd_world_vm_cpu_used (world_of (drv), vm);
  return TRUE;
}

/* CPU, the memory the guest holds (its use, within its balloon), its
 * disk writes and what its disks hold; network rates are not modelled
 * per VM. */
static gboolean
sim_vm_usage (HerdDriver *drv, HerdId vm, HerdVmUsage *out, GError **error)
{
  const HerdSimVm *v = herd_world_vm (world_of (drv), vm);
  if (v->host == HERD_ID_NONE)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "VM %s does not run", herd_model_vm (drv->model, vm)->name);
      return FALSE;
    }
  *out = (HerdVmUsage){ .cpu_mc = herd_world_vm_cpu_used (world_of (drv), vm),
                        .mem_used_mib = MIN (v->guest_mib, v->balloon_mib),
                        .net_bps = -1 };
  const HerdVm *def = herd_model_vm (drv->model, vm);
  out->disk_write_bps = herd_world_vm_write_rate (world_of (drv), vm)
                        * def->n_disks;
  out->n_disks = MIN (def->n_disks, HERD_VM_USAGE_DISKS);
  for (guint k = 0; k < out->n_disks; k++)
    out->disk_mib[k] = herd_world_disk_data_mib (world_of (drv),
                                                 def->first_disk + k);
  return TRUE;
}

static gboolean
sim_vm_start (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  return herd_world_vm_start (world_of (drv), host, vm, error);
}

static gboolean
sim_vm_stop (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  return herd_world_vm_stop (world_of (drv), host, vm, error);
}

static GArray *
sim_vm_list (HerdDriver *drv, HerdId host, GError **error)
{
  HerdWorld *world = world_of (drv);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (HerdId vm = 0; vm < herd_world_n_vms (world); vm++)
    if (herd_world_vm (world, vm)->host == host)
      g_array_append_val (ids, vm);
  return ids;
}

static gboolean
sim_soft_fence (HerdDriver *drv, HerdId host, GError **error)
{
  if (herd_world_soft_fence (world_of (drv), host))
    return TRUE;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_UNREACHABLE,
               "ssh: host %s is unreachable",
               herd_model_host (drv->model, host)->name);
  return FALSE;
}

static const HerdHostOps sim_hosts = {
  .soft_fence = sim_soft_fence,
  .connect = sim_connect,
  .poll_stats = sim_poll_stats,
  .vm_stats = sim_vm_stats,
  .vm_usage = sim_vm_usage,
  .vm_start = sim_vm_start,
  .vm_stop = sim_vm_stop,
  .vm_list = sim_vm_list,
};

static gboolean
sim_migration_start (HerdDriver *drv, HerdId vm, HerdId source,
                     HerdId destination, const HerdMigrationParams *params,
                     GError **error)
{
  return herd_world_migration_start (world_of (drv), vm, source, destination,
                                     params->bandwidth,
                                     params->max_downtime_ms,
                                     params->allow_post_copy, error);
}

static gboolean
sim_migration_set_downtime (HerdDriver *drv, HerdId vm, guint32 ms,
                            GError **error)
{
  return herd_world_migration_set_downtime (world_of (drv), vm, ms, error);
}

static gboolean
sim_migration_post_copy (HerdDriver *drv, HerdId vm, GError **error)
{
  return herd_world_migration_post_copy (world_of (drv), vm, error);
}

static gboolean
sim_migration_abort (HerdDriver *drv, HerdId vm, GError **error)
{
  return herd_world_migration_abort (world_of (drv), vm, error);
}

static void
to_driver_stats (const HerdSimMigrationStats *in, HerdMigrationStats *out)
{
  *out = (HerdMigrationStats){
    .elapsed = in->elapsed,
    .iteration = in->iteration,
    .bytes_sent = in->bytes_sent,
    .bytes_remaining = in->bytes_remaining,
    .downtime_ms = in->downtime_ms,
    .max_downtime_ms = in->max_downtime_ms,
    .post_copy = in->post_copy,
    .post_copy_time = in->post_copy_time,
  };
}

static gboolean
sim_migration_job_stats (HerdDriver *drv, HerdId vm, HerdMigrationStats *out,
                         GError **error)
{
  HerdSimMigrationStats stats;
  if (!herd_world_migration_stats (world_of (drv), vm, &stats, error))
    return FALSE;
  to_driver_stats (&stats, out);
  return TRUE;
}

static const HerdMigrationOps sim_migration = {
  .start = sim_migration_start,
  .set_downtime = sim_migration_set_downtime,
  .post_copy = sim_migration_post_copy,
  .abort = sim_migration_abort,
  .job_stats = sim_migration_job_stats,
};

/* Leases: one lockspace per data center (its master domain). */
static HerdId
dc_of_domain (HerdDriver *drv, HerdId domain)
{
  return herd_model_domain (drv->model, domain)->datacenter;
}

static gboolean
sim_add_lockspace (HerdDriver *drv, HerdId host, HerdId domain,
                   guint32 host_id, GError **error)
{
  herd_world_lease_join (world_of (drv), host, host_id, domain);
  return TRUE;
}

static gboolean
is_spm_resource (const char *resource, GError **error)
{
  if (g_strcmp0 (resource, "SDM") == 0)
    return TRUE;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
               "unknown resource \"%s\" (the simulator holds SDM and "
               "vm-NAME leases)",
               resource);
  return FALSE;
}

static gboolean
sim_acquire (HerdDriver *drv, HerdId host, HerdId domain,
             const char *resource, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!is_spm_resource (resource, error))
    return FALSE;
  if (herd_world_spm_acquire (world_of (drv), dc_of_domain (drv, domain),
                              host, &local))
    return TRUE;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED, "%s",
               local->message);
  return FALSE;
}

static gboolean
sim_release (HerdDriver *drv, HerdId host, HerdId domain,
             const char *resource, GError **error)
{
  if (!is_spm_resource (resource, error))
    return FALSE;
  herd_world_spm_release (world_of (drv), dc_of_domain (drv, domain), host);
  return TRUE;
}

static gboolean
sim_inquire (HerdDriver *drv, HerdId domain, const char *resource,
             HerdLeaseState *out, GError **error)
{
  if (g_str_has_prefix (resource, "vm-"))
    {
      HerdId vm = herd_model_find_vm (drv->model, resource + 3);
      if (vm == HERD_ID_NONE)
        {
          g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                       "no VM lease \"%s\"", resource);
          return FALSE;
        }
      out->owner_host_id = herd_world_vm_lease_holder (
          world_of (drv), vm, &out->recorded_host_id);
      return TRUE;
    }
  if (!is_spm_resource (resource, error))
    return FALSE;
  herd_world_spm_inquire (world_of (drv), dc_of_domain (drv, domain),
                          &out->owner_host_id, &out->version);
  out->recorded_host_id = out->owner_host_id;
  return TRUE;
}

static gboolean
sim_host_liveness (HerdDriver *drv, HerdId domain, guint32 host_id,
                   HerdLiveness *out, GError **error)
{
  static const HerdLiveness map[] = {
    [HERD_SIM_LEASE_LIVE] = HERD_LIVENESS_LIVE,
    [HERD_SIM_LEASE_FAIL] = HERD_LIVENESS_FAIL,
    [HERD_SIM_LEASE_DEAD] = HERD_LIVENESS_DEAD,
    [HERD_SIM_LEASE_FREE] = HERD_LIVENESS_FREE,
  };
  *out = map[herd_world_lease_liveness (world_of (drv),
                                        dc_of_domain (drv, domain), host_id)];
  return TRUE;
}

static const HerdLeaseOps sim_leases = {
  .add_lockspace = sim_add_lockspace,
  .acquire = sim_acquire,
  .release = sim_release,
  .inquire = sim_inquire,
  .host_liveness = sim_host_liveness,
};

/* Fencing: the world's power control.  status answers "on" or "off". */
static void
fence_status_done (gpointer ctx, guint64 arg)
{
  HerdDriver *drv = ctx;
  HerdId host = (HerdId) (arg >> 16);
  gboolean on;
  gboolean ok = herd_world_fence_status (world_of (drv), host,
                                         (guint) (arg & 0xffff), &on);
  herd_driver_emit_fence_done (drv, host, HERD_FENCE_STATUS, ok,
                               !ok ? "error" : on ? "on" : "off");
}

static gboolean
sim_fence (HerdDriver *drv, HerdId proxy, HerdId target, guint agent,
           HerdFenceAction action, GError **error)
{
  HerdWorld *world = world_of (drv);
  switch (action)
    {
    case HERD_FENCE_STATUS:
      herd_engine_at (herd_world_engine (world),
                      herd_world_engine (world)->now
                          + herd_world_host (world, target)->fence_latency,
                      fence_status_done, drv,
                      (guint64) target << 16 | (agent & 0xffff));
      return TRUE;
    case HERD_FENCE_ON:
      return herd_world_host_power (world, target, agent, TRUE, error);
    case HERD_FENCE_OFF:
      return herd_world_host_power (world, target, agent, FALSE, error);
    case HERD_FENCE_REBOOT:
      return herd_world_host_power (world, target, agent, FALSE, error)
             && herd_world_host_power (world, target, agent, TRUE, error);
    case HERD_FENCE_ACTION_LAST:
      break;
    }
  g_assert_not_reached ();
}

static const HerdFenceOps sim_fencing = {
  .fence = sim_fence,
};

/* A domain's size and free space, as the SPM reports them. */
static gboolean
sim_domain_stats (HerdDriver *drv, HerdId domain, gint64 *capacity_mib,
                  gint64 *free_mib, GError **error)
{
  guint32 holder;
  guint64 version;
  herd_world_spm_inquire (world_of (drv), dc_of_domain (drv, domain),
                          &holder, &version);
  if (holder == 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "no SPM runs in the data center of domain %u", domain);
      return FALSE;
    }
  HerdThinDomain space = herd_world_domain_space (world_of (drv), domain);
  *capacity_mib = space.capacity_mib;
  *free_mib = space.capacity_mib - space.used_mib;
  return TRUE;
}

static gboolean
sim_snapshot (HerdDriver *drv, HerdId vm, HerdSnapshotOp op, guint index,
              gboolean memory, GError **error)
{
  return herd_world_snapshot (world_of (drv), vm, op, index, memory, error);
}

static const HerdStorageOps sim_storage = {
  .domain_stats = sim_domain_stats,
  .snapshot = sim_snapshot,
};

static const HerdDriverClass sim_driver_class = {
  .name = "sim",
  .description = "the deterministic simulated cluster",
  .clock = &sim_clock,
  .hosts = &sim_hosts,
  .migration = &sim_migration,
  .leases = &sim_leases,
  .fencing = &sim_fencing,
  .storage = &sim_storage,
};

/* World reports -> driver events. */
static void
world_host_reachable (gpointer ctx, HerdId host)
{
  herd_driver_emit_host_reachable (ctx, host);
}

static void
world_host_stats (gpointer ctx, HerdId host)
{
  HerdHostStats stats;
  sim_poll_stats (ctx, host, &stats, NULL);
  herd_driver_emit_host_stats (ctx, host, &stats);
}

static void
world_vm_state (gpointer ctx, HerdId vm, HerdId host, HerdVmStatus status,
                HerdPauseReason reason)
{
  herd_driver_emit_vm_state (ctx, vm, host, status, reason);
}

static void
world_host_unreachable (gpointer ctx, HerdId host)
{
  herd_driver_emit_host_unreachable (ctx, host);
}

static void
world_migration_progress (gpointer ctx, HerdId vm,
                          const HerdSimMigrationStats *stats)
{
  HerdMigrationStats out;
  to_driver_stats (stats, &out);
  herd_driver_emit_migration_progress (ctx, vm, &out);
}

static void
world_migration_done (gpointer ctx, HerdId vm,
                      const HerdSimMigrationStats *stats)
{
  HerdMigrationStats out;
  to_driver_stats (stats, &out);
  herd_driver_emit_migration_done (ctx, vm, &out);
}

static void
world_migration_failed (gpointer ctx, HerdId vm, const char *reason)
{
  herd_driver_emit_migration_failed (ctx, vm, reason);
}

static void
world_power_done (gpointer ctx, HerdId host, gboolean on, gboolean ok)
{
  herd_driver_emit_fence_done (ctx, host,
                               on ? HERD_FENCE_ON : HERD_FENCE_OFF, ok,
                               !ok ? "error" : on ? "on" : "off");
}

static const HerdWorldObserver world_observer = {
  .power_done = world_power_done,
  .host_reachable = world_host_reachable,
  .host_unreachable = world_host_unreachable,
  .migration_progress = world_migration_progress,
  .migration_done = world_migration_done,
  .migration_failed = world_migration_failed,
  .host_stats = world_host_stats,
  .vm_state = world_vm_state,
};

HerdDriver *
herd_sim_driver_open (HerdModel *model, gpointer world, GError **error)
{
  g_assert (world != NULL);
  HerdDriver *drv = herd_driver_new (&sim_driver_class, model, world);
  herd_world_set_observer (world, &world_observer, drv);
  return drv;
}
