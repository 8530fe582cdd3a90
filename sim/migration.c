/* migration.c: the simulated live migration (behaviour.md §4).
 *
 * Pre-copy, one event per pass: after a fixed setup cost, the first pass
 * sends the memory the guest has touched (QEMU skips never-touched zero
 * pages); each later pass resends what the guest dirtied during the
 * previous one, min(dirty_rate x pass time, working set).  When a pass
 * ends, the manager hears of it (and may change the downtime budget, ask
 * for post-copy or abort); then, if the remainder fits into bandwidth x
 * max downtime, the VM is paused for remainder / bandwidth (its downtime)
 * and resumes on the destination: the switch-over is at the end of that
 * pause, and until then an abort resumes it on its source.  Post-copy:
 * after a fixed switch-over pause the VM runs on the destination while
 * the remainder is pulled over (the post-copy phase, reported as its
 * length); it can no longer go back.
 *
 * Bandwidth: min(the migration's cap, the source NIC's outgoing share,
 * the destination NIC's incoming share), NICs full duplex and divided
 * evenly among the migrations using them.  When a migration starts or
 * ends, the migrations sharing its NICs are brought up to date and their
 * pass ends rescheduled, so bytes are exact under changing shares.
 *
 * Memory: the destination holds the VM's memory from the start; the source
 * releases it at the switch-over, when the VM's CPU demand moves too. */
#include "sim/world-private.h"

#include <math.h>

/* The pause of a post-copy switch-over (CPU and device state), ms. */
#define POST_COPY_SWITCH_MS 50

typedef enum
{
  PHASE_SETUP,
  PHASE_PRE_COPY,
  PHASE_STOP_AND_COPY,
  PHASE_POST_COPY,
} Phase;

struct _HerdSimMigration
{
  HerdId vm, source, destination;
  gint64 cap;               /* bytes/s */
  double rate;              /* bytes/s now */
  Phase phase;
  guint32 iteration;        /* passes completed */
  guint32 downtime_budget_ms;
  gboolean allow_post_copy, post_copy_asked;
  HerdTime started, pass_started, updated;
  double pass_left;         /* bytes left to send in this phase */
  double bytes_sent;
  double remaining;         /* dirty bytes after the last pass */
  guint32 downtime_ms;
  HerdTime post_copy_started;
  HerdEventId event;        /* end of the current phase */
};

static const double MIB = 1024.0 * 1024.0;

HerdId
herd_world_migration_destination (const HerdSimMigration *m)
{
  return m->destination;
}

static double
share_of (HerdWorld *w, const HerdSimMigration *m)
{
  const HerdSimHost *src = herd_world_host_at (w, m->source);
  const HerdSimHost *dst = herd_world_host_at (w, m->destination);
  double rate = (double) m->cap;
  if (src->nic_bandwidth > 0)
    rate = MIN (rate, (double) src->nic_bandwidth / src->migrations_out);
  if (dst->nic_bandwidth > 0)
    rate = MIN (rate, (double) dst->nic_bandwidth / dst->migrations_in);
  return rate;
}

static gboolean
transferring (const HerdSimMigration *m)
{
  return m->phase != PHASE_SETUP;
}

/* Bytes sent since m->updated at the current rate are counted. */
static void
advance (HerdWorld *w, HerdSimMigration *m)
{
  HerdTime now = w->engine->now;
  if (transferring (m) && now > m->updated)
    {
      double sent = MIN (m->rate * herd_time_to_seconds (now - m->updated),
                         m->pass_left);
      m->pass_left -= sent;
      m->bytes_sent += sent;
    }
  m->updated = now;
}

static HerdTime
seconds_to_time (double seconds)
{
  return (HerdTime) ceil (seconds * 1e9);
}

static void phase_ends (gpointer ctx, guint64 arg);

/* (Re)schedules the end of the current transfer at the current rate. */
static void
schedule_phase_end (HerdWorld *w, HerdSimMigration *m)
{
  if (m->event != 0)
    herd_engine_cancel (w->engine, m->event);
  HerdTime at = w->engine->now + seconds_to_time (m->pass_left / m->rate);
  m->event = herd_engine_at (w->engine, at, phase_ends, w, m->vm);
}

/* Shares changed on host's NICs: every transfer using them is brought up
 * to date and rescheduled at its new rate. */
static void
reshare (HerdWorld *w, HerdId source, HerdId destination)
{
  for (guint i = 0; i < w->migrations->len; i++)
    {
      HerdSimMigration *m = g_ptr_array_index (w->migrations, i);
      if (m->source != source && m->destination != destination)
        continue;
      double rate = share_of (w, m);
      if (rate == m->rate)
        continue;
      advance (w, m);
      m->rate = rate;
      if (transferring (m))
        schedule_phase_end (w, m);
    }
}

static void
stats_of (HerdWorld *w, const HerdSimMigration *m, HerdSimMigrationStats *out)
{
  HerdTime now = w->engine->now;
  double in_flight = transferring (m)
                         ? MIN (m->rate * herd_time_to_seconds (now - m->updated),
                                m->pass_left)
                         : 0;
  out->elapsed = now - m->started;
  out->iteration = m->iteration;
  out->bytes_sent = (gint64) (m->bytes_sent + in_flight);
  out->bytes_remaining = (gint64) (m->phase == PHASE_PRE_COPY
                                       || m->phase == PHASE_SETUP
                                       ? m->pass_left - in_flight
                                       : m->remaining);
  out->downtime_ms = m->downtime_ms;
  out->max_downtime_ms = m->downtime_budget_ms;
  out->post_copy = m->phase == PHASE_POST_COPY;
  out->post_copy_time = m->phase == PHASE_POST_COPY
                            ? now - m->post_copy_started
                            : 0;
}

/* Takes m out of the running set and gives its NIC shares back. */
static void
detach (HerdWorld *w, HerdSimMigration *m)
{
  if (m->event != 0)
    herd_engine_cancel (w->engine, m->event);
  herd_world_vm_at (w, m->vm)->migration = NULL;
  herd_world_host_at (w, m->source)->migrations_out--;
  herd_world_host_at (w, m->destination)->migrations_in--;
  g_ptr_array_remove (w->migrations, m);
  reshare (w, m->source, m->destination);
}

static void cancel (HerdWorld *w, HerdSimMigration *m);

/* The VM now runs on the destination: memory, CPU and count move, and its
 * VM lease with it (the source releases it as it pauses, the destination
 * acquires it as it resumes).  When the destination cannot acquire the
 * lease, the VM resumes on its source and the migration fails, as libvirt
 * fails it: FALSE, m is gone. */
static gboolean
switch_over (HerdWorld *w, HerdSimMigration *m)
{
  HerdTime now = w->engine->now;
  HerdSimVm *v = herd_world_vm_at (w, m->vm);
  g_autoptr (GError) error = NULL;
  if (!herd_world_vm_lease_check (w, m->vm, m->destination, &error))
    {
      HerdId vm = m->vm;
      cancel (w, m);
      if (w->observer != NULL && w->observer->migration_failed != NULL)
        w->observer->migration_failed (w->observer_ctx, vm, error->message);
      return FALSE;
    }
  HerdSimHost *src = herd_world_host_at (w, m->source);
  HerdSimHost *dst = herd_world_host_at (w, m->destination);
  herd_world_host_integrate (src, now);
  herd_world_host_integrate (dst, now);
  src->demand_mc -= v->demand_mc;
  src->mem_used_mib -= v->mem_mib;
  src->vm_count--;
  dst->demand_mc += v->demand_mc;
  dst->vm_count++;
  v->host = m->destination;
  if (herd_model_vm (w->scenario->model, m->vm)->lease)
    v->lease_host = m->destination;
  return TRUE;
}

static void
report_done (HerdWorld *w, HerdSimMigration *m)
{
  HerdSimMigrationStats stats;
  stats_of (w, m, &stats);
  stats.post_copy = m->post_copy_asked;
  stats.post_copy_time = m->post_copy_asked
                             ? w->engine->now - m->post_copy_started
                             : 0;
  HerdId vm = m->vm, source = m->source, destination = m->destination;
  detach (w, m);
  g_free (m);
  herd_world_report_host (w, source);
  herd_world_report_host (w, destination);
  if (w->observer != NULL && w->observer->migration_done != NULL)
    w->observer->migration_done (w->observer_ctx, vm, &stats);
}

/* Starts sending bytes in the current phase. */
static void
begin_transfer (HerdWorld *w, HerdSimMigration *m, Phase phase, double bytes)
{
  m->phase = phase;
  m->pass_left = bytes;
  m->pass_started = w->engine->now;
  m->updated = w->engine->now;
  schedule_phase_end (w, m);
}

static void
phase_ends (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdSimVm *v = herd_world_vm_at (w, (HerdId) arg);
  HerdSimMigration *m = v->migration;
  HerdTime now = w->engine->now;
  m->event = 0;

  switch (m->phase)
    {
    case PHASE_SETUP:
      /* The first pass copies what the guest uses now (memory_used, or
       * its model's value: memory.c). */
      begin_transfer (w, m, PHASE_PRE_COPY,
                      (double) MIN (v->guest_mib, v->balloon_mib) * MIB);
      return;
    case PHASE_STOP_AND_COPY:
      /* The paused VM resumes on the destination. */
      advance (w, m);
      if (switch_over (w, m))
        report_done (w, m);
      return;
    case PHASE_POST_COPY:
      advance (w, m);
      report_done (w, m);
      return;
    case PHASE_PRE_COPY:
      break;
    }

  /* A pre-copy pass ended. */
  advance (w, m);
  const HerdVmGroup *g = g_ptr_array_index (w->scenario->vm_groups, v->group);
  double pass_s = herd_time_to_seconds (now - m->pass_started);
  m->remaining = MIN ((double) g->dirty_rate * pass_s,
                      (double) g->working_set_mib * MIB);
  m->iteration++;
  if (w->observer != NULL && w->observer->migration_progress != NULL)
    {
      HerdSimMigrationStats stats;
      stats_of (w, m, &stats);
      stats.bytes_remaining = (gint64) m->remaining; /* dirtied this pass */
      w->observer->migration_progress (w->observer_ctx, m->vm, &stats);
      if (v->migration != m)
        return; /* the manager aborted it */
    }
  if (m->post_copy_asked)
    {
      /* Switch over after a short pause; pull the rest from the source. */
      m->downtime_ms = POST_COPY_SWITCH_MS;
      if (!switch_over (w, m))
        return;
      m->post_copy_started = now + HERD_MSEC (POST_COPY_SWITCH_MS);
      m->phase = PHASE_POST_COPY;
      m->pass_left = m->remaining;
      m->updated = m->post_copy_started;
      m->pass_started = m->post_copy_started;
      m->event = herd_engine_at (
          w->engine,
          m->post_copy_started + seconds_to_time (m->remaining / m->rate),
          phase_ends, w, m->vm);
      return;
    }
  if (m->remaining <= m->rate * m->downtime_budget_ms / 1000.0)
    {
      /* Stop and copy: the VM is paused while the remainder is sent. */
      double pause_s = m->remaining / m->rate;
      m->downtime_ms = (guint32) ceil (pause_s * 1000.0);
      begin_transfer (w, m, PHASE_STOP_AND_COPY, m->remaining);
      return;
    }
  begin_transfer (w, m, PHASE_PRE_COPY, m->remaining);
}

static HerdSimMigration *
running (HerdWorld *w, HerdId vm, GError **error)
{
  HerdSimMigration *m = herd_world_vm_at (w, vm)->migration;
  if (m == NULL)
    g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                 "VM %u is not migrating", vm);
  return m;
}

gboolean
herd_world_migration_start (HerdWorld *w, HerdId vm, HerdId source,
                            HerdId destination, gint64 bandwidth,
                            guint32 downtime_ms, gboolean allow_post_copy,
                            GError **error)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  HerdSimHost *src = herd_world_host_at (w, source);
  HerdSimHost *dst = herd_world_host_at (w, destination);
  if (v->host != source || v->state != HERD_VM_UP || v->migration != NULL)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "VM %u is not running on host %u or already migrating",
                   vm, source);
      return FALSE;
    }
  if (!src->up || !dst->up || source == destination)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "host %u or %u is down", source, destination);
      return FALSE;
    }
  if (bandwidth <= 0)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "migration bandwidth must be above 0");
      return FALSE;
    }
  /* The destination's QEMU will need the VM's lease: refused at once
   * where a start would be refused. */
  if (!herd_world_vm_lease_check (w, vm, destination, error))
    return FALSE;
  HerdSimMigration *m = g_new0 (HerdSimMigration, 1);
  m->vm = vm;
  m->source = source;
  m->destination = destination;
  m->cap = bandwidth;
  m->downtime_budget_ms = downtime_ms;
  m->allow_post_copy = allow_post_copy;
  m->started = w->engine->now;
  m->updated = w->engine->now;
  m->phase = PHASE_SETUP;
  v->migration = m;
  src->migrations_out++;
  dst->migrations_in++;
  herd_world_host_integrate (dst, w->engine->now);
  dst->mem_used_mib += v->mem_mib;
  herd_world_check_memory (w, destination);
  g_ptr_array_add (w->migrations, m);
  m->rate = share_of (w, m);
  reshare (w, source, destination);
  m->event = herd_engine_at (w->engine,
                             w->engine->now + w->scenario->migration_setup,
                             phase_ends, w, vm);
  return TRUE;
}

gboolean
herd_world_migration_set_downtime (HerdWorld *w, HerdId vm, guint32 ms,
                                   GError **error)
{
  HerdSimMigration *m = running (w, vm, error);
  if (m == NULL)
    return FALSE;
  m->downtime_budget_ms = ms;
  return TRUE;
}

gboolean
herd_world_migration_post_copy (HerdWorld *w, HerdId vm, GError **error)
{
  HerdSimMigration *m = running (w, vm, error);
  if (m == NULL)
    return FALSE;
  if (!m->allow_post_copy)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "the migration of VM %u was not started with post-copy "
                   "allowed",
                   vm);
      return FALSE;
    }
  m->post_copy_asked = TRUE;
  return TRUE;
}

/* Undoes a migration that has not switched over: the destination gives
 * the memory back; the VM stays (or dies) with its source. */
static void
cancel (HerdWorld *w, HerdSimMigration *m)
{
  HerdSimHost *dst = herd_world_host_at (w, m->destination);
  herd_world_host_integrate (dst, w->engine->now);
  dst->mem_used_mib -= herd_world_vm_at (w, m->vm)->mem_mib;
  detach (w, m);
  g_free (m);
}

gboolean
herd_world_migration_abort (HerdWorld *w, HerdId vm, GError **error)
{
  HerdSimMigration *m = running (w, vm, error);
  if (m == NULL)
    return FALSE;
  if (m->phase == PHASE_POST_COPY)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "the migration of VM %u has switched over", vm);
      return FALSE;
    }
  cancel (w, m);
  return TRUE;
}

gboolean
herd_world_migration_stats (HerdWorld *w, HerdId vm,
                            HerdSimMigrationStats *out, GError **error)
{
  HerdSimMigration *m = running (w, vm, error);
  if (m == NULL)
    return FALSE;
  stats_of (w, m, out);
  return TRUE;
}

void
herd_world_migration_vm_gone (HerdWorld *w, HerdId vm)
{
  HerdSimMigration *m = herd_world_vm_at (w, vm)->migration;
  if (m == NULL)
    return;
  if (m->phase == PHASE_POST_COPY)
    {
      /* Switched over: it dies on the destination, where it now is. */
      advance (w, m);
      report_done (w, m);
      return;
    }
  cancel (w, m);
  if (w->observer != NULL && w->observer->migration_failed != NULL)
    w->observer->migration_failed (w->observer_ctx, vm,
                                   "the VM's QEMU is gone");
}

void
herd_world_migrations_host_crashed (HerdWorld *w, HerdId host)
{
  /* Collect first: failing one changes the array. */
  g_autoptr (GPtrArray) hit = g_ptr_array_new ();
  for (guint i = 0; i < w->migrations->len; i++)
    {
      HerdSimMigration *m = g_ptr_array_index (w->migrations, i);
      if (m->source == host || m->destination == host)
        g_ptr_array_add (hit, m);
    }
  for (guint i = 0; i < hit->len; i++)
    {
      HerdSimMigration *m = g_ptr_array_index (hit, i);
      HerdId vm = m->vm;
      gboolean source_lost = m->source == host;
      if (m->phase == PHASE_POST_COPY)
        {
          /* Switched over: the VM is on the destination now, but its
           * state is split between the two hosts until the copy ends, so
           * losing either end loses the VM.  A crashed destination takes
           * it down with its other VMs (the manager finds out by
           * monitoring); a crashed source kills it on the destination. */
          advance (w, m);
          report_done (w, m);
          if (source_lost)
            {
              /* Its QEMU exits on a live host: sanlock frees its lease. */
              herd_world_vm_gone (w, vm, TRUE);
            }
          continue;
        }
      cancel (w, m);
      if (w->observer != NULL && w->observer->migration_failed != NULL)
        w->observer->migration_failed (
            w->observer_ctx, vm,
            source_lost ? "the VM's host is unreachable"
                        : "the destination host is unreachable");
    }
}

void
herd_world_migrations_free (HerdWorld *w)
{
  for (guint i = 0; i < w->migrations->len; i++)
    g_free (g_ptr_array_index (w->migrations, i));
  g_ptr_array_unref (w->migrations);
}
