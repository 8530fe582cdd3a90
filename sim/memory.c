/* memory.c: what the VMs' memory does on their hosts over time.  At every
 * workload step (world.c) each running VM's guest asks for its memory_used
 * model's value now; with its cluster's ballooning on, MoM's balloon
 * policy (VDSM's mom.d/02-balloon.policy) moves the VM's balloon by the
 * host's memory pressure, never below the VM's guaranteed memory; the
 * host holds min(guest's use, balloon) + VmMemoryOverhead of it; with its
 * cluster's ksm on, MoM's KSM policy (03-ksm.policy) runs KSM on a host
 * under pressure, which merges ksm_sharing of its guests' memory.  The
 * manager sees the result in the host's free memory.
 *
 * Nothing here changes a scenario whose memory does not move (constant
 * memory_used, no ballooning, ksm_sharing 0): a VM's footprint stays
 * memory_used + overhead and the traces stay byte for byte the same.
 * Where memory moves, a host may run over its physical memory (into
 * swap): that is measured (mem_over_ns), not a broken invariant.
 *
 * Cost per step: O(VMs + hosts), no allocation. */
#include "sim/world-private.h"

#include <math.h>

#include "sim/workload.h"

/* The guest's memory use now, MiB. */
static gint64
guest_need (HerdWorld *w, HerdId id, const HerdVmGroup *group,
            const HerdVm *def, HerdTime now)
{
  if (!group->memory_varies)
    return group->memory_used_mib;
  double percent;
  if (group->memory_trace != NULL)
    {
      const GPtrArray *series = group->memory_trace->series;
      percent = herd_trace_value (
          g_ptr_array_index (series, (id - group->first) % series->len), now,
          &w->memory_cursor[id]);
    }
  else
    percent = herd_workload_value (&group->memory, now);
  return MAX ((gint64) llround (def->memory_mib * percent / 100.0), 0);
}

/* MoM's balloon target for a guest of memory `memory` (balloon_max) and
 * guaranteed memory (balloon_min) that holds `used` (MoM's balloon_cur
 * less mem_unused: a squeezed guest holds its whole balloon), on a host
 * with free_share of its memory free (02-balloon.policy's shrink_guest
 * and grow_guest, then guest_qos). */
static gint64
balloon_target (const HerdParams *p, gint64 balloon, gint64 used,
                gint64 memory, gint64 guaranteed, double free_share)
{
  double threshold = p->balloon_pressure_threshold / 100.0;
  double critical = p->balloon_pressure_critical / 100.0;
  double change = p->balloon_max_change / 100.0;
  double guest_free = free_share <= critical
                          ? free_share - 0.05
                          : p->balloon_min_guest_free / 100.0
                                * (threshold > 0 ? free_share / threshold
                                                 : 1.0);
  double floor = MAX ((double) guaranteed, used + guest_free * balloon);
  double size;
  if (free_share < threshold)
    {
      size = MAX (balloon * (1 - change), floor);
      if (size > balloon)
        size = balloon;
    }
  else if (balloon < memory)
    size = MIN (MAX (balloon * (1 + change), floor), (double) memory);
  else
    size = balloon;
  /* MoM skips changes under 0.25% of the balloon (its overhead). */
  if (fabs (size - balloon) <= 0.0025 * balloon)
    size = balloon;
  return MAX ((gint64) llround (size), guaranteed);
}

/* Moves VM v's footprint on its hosts (its host and, while it migrates
 * there, its destination) to mib. */
static void
set_footprint (HerdWorld *w, HerdSimVm *v, gint64 mib)
{
  gint64 delta = mib - v->mem_mib;
  if (delta == 0)
    return;
  herd_world_host_at (w, v->host)->mem_used_mib += delta;
  if (v->migration != NULL)
    herd_world_host_at (w, herd_world_migration_destination (v->migration))
        ->mem_used_mib += delta;
  v->mem_mib = mib;
}

void
herd_memory_init (HerdWorld *w)
{
  const HerdScenario *sc = w->scenario;
  w->memory_cursor = g_new0 (guint, MAX (w->vms->len, 1));
  for (guint g = 0; g < sc->vm_groups->len; g++)
    w->memory_moves |= ((const HerdVmGroup *) g_ptr_array_index (
                            sc->vm_groups, g))
                           ->memory_varies;
  for (guint c = 0; c < sc->model->clusters->len; c++)
    {
      const HerdCluster *cluster = herd_model_cluster (sc->model, c);
      w->memory_moves |= cluster->ballooning
                         || (cluster->ksm && cluster->ksm_sharing > 0);
    }
  for (guint i = 0; i < w->vms->len; i++)
    {
      HerdSimVm *v = herd_world_vm_at (w, i);
      const HerdVm *def = herd_model_vm (sc->model, i);
      v->balloon_mib = def->memory_mib;
      v->guest_mib = ((const HerdVmGroup *) g_ptr_array_index (sc->vm_groups,
                                                               v->group))
                         ->memory_used_mib;
    }
}

void
herd_memory_vm_starts (HerdWorld *w, HerdId vm)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  if (!w->memory_moves)
    return;
  v->balloon_mib = herd_model_vm (w->scenario->model, vm)->memory_mib;
  v->mem_mib = MIN (v->guest_mib, v->balloon_mib) + w->overhead_mib;
}

/* The integrals of the step that ends now (the state held since the last
 * one). */
static void
integrate (HerdWorld *w, HerdTime dt)
{
  if (dt <= 0)
    return;
  double seconds = herd_time_to_seconds (dt);
  for (guint i = 0; i < w->hosts->len; i++)
    {
      HerdSimHost *h = herd_world_host_at (w, i);
      if (!h->up)
        continue;
      if (h->mem_used_mib > herd_model_host (w->scenario->model, i)->memory_mib)
        h->mem_over_ns += dt;
      h->squeezed_mib_s += (double) h->squeezed_mib * seconds;
      h->ksm_saved_mib_s += (double) h->ksm_saved_mib * seconds;
    }
}

void
herd_memory_finish (HerdWorld *w, HerdTime dt)
{
  if (w->memory_moves)
    integrate (w, dt);
}

void
herd_memory_step (HerdWorld *w, HerdTime now, HerdTime dt)
{
  if (!w->memory_moves)
    return;
  const HerdScenario *sc = w->scenario;
  const HerdModel *model = sc->model;
  const HerdParams *p = &model->params;
  integrate (w, dt);
  /* Each host's free share as MoM reads it before this step's moves. */
  for (guint i = 0; i < w->hosts->len; i++)
    {
      HerdSimHost *h = herd_world_host_at (w, i);
      gint64 physical = herd_model_host (model, i)->memory_mib;
      h->free_share = physical > 0 ? (double) (physical - h->mem_used_mib)
                                         / (double) physical
                                   : 0;
      h->squeezed_mib = 0;
      h->guest_mib = 0;
      h->defined_mib = 0;
    }
  for (guint i = 0; i < w->vms->len; i++)
    {
      HerdSimVm *v = herd_world_vm_at (w, i);
      if (v->host == HERD_ID_NONE)
        continue;
      const HerdVm *def = herd_model_vm (model, i);
      const HerdVmGroup *group = g_ptr_array_index (sc->vm_groups, v->group);
      HerdSimHost *h = herd_world_host_at (w, v->host);
      const HerdCluster *cluster = herd_model_cluster (
          model, herd_model_host (model, v->host)->cluster);
      v->guest_mib = MIN (guest_need (w, i, group, def, now), def->memory_mib);
      v->balloon_mib
          = cluster->ballooning
                ? balloon_target (p, v->balloon_mib,
                                  MIN (v->guest_mib, v->balloon_mib),
                                  def->memory_mib, def->guaranteed_mib,
                                  h->free_share)
                : def->memory_mib;
      gint64 held = MIN (v->guest_mib, v->balloon_mib);
      h->squeezed_mib += v->guest_mib - held;
      h->guest_mib += held;
      h->defined_mib += def->memory_mib;
      set_footprint (w, v, held + w->overhead_mib);
    }
  /* KSM on a host under pressure, or whose guests' memory (KSM's
   * shareable memory) with the pressure threshold exceeds its memory. */
  for (guint i = 0; i < w->hosts->len; i++)
    {
      HerdSimHost *h = herd_world_host_at (w, i);
      const HerdHost *host = herd_model_host (model, i);
      const HerdCluster *cluster = herd_model_cluster (model, host->cluster);
      gint64 saved = 0;
      if (h->up && cluster->ksm && cluster->ksm_sharing > 0)
        {
          double threshold = p->ksm_free_percent / 100.0 * host->memory_mib;
          gint64 unshared = h->mem_used_mib + h->ksm_saved_mib;
          if (host->memory_mib - unshared < threshold
              || h->defined_mib + threshold > host->memory_mib)
            saved = (gint64) llround (cluster->ksm_sharing * h->guest_mib);
        }
      h->mem_used_mib += h->ksm_saved_mib - saved;
      h->ksm_saved_mib = saved;
    }
}
