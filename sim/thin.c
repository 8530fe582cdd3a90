/* Thin provisioning in the simulated world (behaviour.md §9): how each
 * VM disk fills its storage domain, and how thin volumes on block domains
 * grow through the SPM.
 *
 * A disk's guest data grows while the VM is Up by the share of its VM
 * group's write_rate that goes to blocks not written before (new_writes),
 * up to the disk's virtual size.  A preallocated disk holds its whole
 * virtual size from the start; a thin disk on a file domain holds what the
 * guest wrote.  A thin disk on a block domain is an LV that starts at
 * ThinVolumeInitialSize: when less than VolumeExtendWatermark of it is
 * free, the host running the VM writes a request to the storage mailbox;
 * the SPM reads the mailbox every SpmMailboxReadInterval (at multiples of
 * it, the first after the request), extends the LV by VolumeExtendChunk
 * (at most to 1.1 x the virtual size) in LvExtendTime, and replies; the
 * host sees the reply at its next inbox poll (HostMailboxPollInterval) and
 * the LV is bigger from then on.  Without a running SPM that reaches the
 * domain the request waits for one; without room in the domain it waits
 * for capacity (add_lun).
 * A guest that reaches the end of its LV first is paused (ENOSPC) and
 * resumed once the extension lands.
 *
 * Growth is linear between VM state changes, so each disk has at most one
 * pending event (its watermark or the end of its LV), found by division:
 * the cost is per state change and per extension, never per time step. */

#include "sim/world-private.h"

#include <math.h>

typedef struct
{
  double written_mib;   /* guest data in the volume, as of since */
  double rate_mib;      /* MiB/s it grows now (0: its VM is not writing) */
  HerdTime since;
  gint64 lv_mib;        /* block thin: the LV's size; else its allocation */
  gint64 max_lv_mib;    /* block thin: 1.1 x virtual size */
  gboolean block_thin;
  HerdEventId event;    /* its watermark or end-of-LV event, or 0 */
  HerdTime requested;   /* extension asked for then, or NEVER */
  gboolean waiting_spm; /* request read by no SPM yet */
  gboolean waiting_space; /* request waits for room in the domain */
  gboolean full;        /* at the end of its LV: its VM paused ENOSPC */
  guint32 epoch;        /* bumped when a stateless VM's writes are
                           dropped: older requests are void */
} ThinDisk;

/* An spm_reads event's argument: the disk and its epoch. */
#define READ_ARG(id, epoch) ((guint64) (epoch) << 32 | (id))

struct _HerdThin
{
  ThinDisk *disks;             /* index = disk id */
  gint64 *capacity_mib;        /* per domain */
  gint64 *used_mib;            /* per domain: what its LVs and
                                  preallocated volumes take */
  /* Per domain, its thin disks on a file domain together: their data as
   * of file_since, growing at file_rate (MiB/s) since. */
  double *file_mib;
  double *file_rate;
  HerdTime *file_since;
  gint64 *min_free_mib;        /* per domain: the least free seen */
  HerdTime *low_since;         /* per domain: below its warning level
                                  since, or NEVER */
  HerdTime *critical_since;    /* ... below its critical level */
  HerdTime *low_ns, *critical_ns; /* per domain: closed intervals so far */
  GArray *extensions;          /* HerdThinExtension, in completion order */
  GArray *extension_epoch;     /* guint32 per extension: its disk's epoch */
  GArray *pauses;              /* HerdThinPause, in start order */
  guint32 *full_disks;         /* per VM: its disks at the end of their LV */
  guint32 *open_pause;         /* per VM: index in pauses + 1, or 0 */
  double *group_write;         /* per VM group: its write rate now, B/s */
};

static const HerdDisk *
disk_def (HerdWorld *w, HerdId id)
{
  return g_ptr_array_index (w->scenario->model->disks, id);
}

static HerdId
disk_dc (HerdWorld *w, HerdId id)
{
  return herd_model_domain (w->scenario->model, disk_def (w, id)->domain)
      ->datacenter;
}

/* What the disk's volume takes when created. */
static gint64
first_mib (HerdWorld *w, HerdId id)
{
  const HerdDisk *def = disk_def (w, id);
  return herd_volume_first_mib (def->thin, w->thin->disks[id].block_thin,
                                def->virtual_mib, def->base_mib,
                                w->scenario->model->params.thin_initial_mib);
}

/* Opens or closes an interval below a level as free space crosses it. */
static void
cross (HerdTime now, gboolean below, HerdTime *since, HerdTime *total)
{
  if (below && *since == HERD_TIME_NEVER)
    *since = now;
  else if (!below && *since != HERD_TIME_NEVER)
    {
      *total += now - *since;
      *since = HERD_TIME_NEVER;
    }
}

/* What the domain's volumes take now (thin file data as of file_since). */
static gint64
used_of (const HerdThin *t, HerdId domain)
{
  return t->used_mib[domain] + (gint64) ceil (t->file_mib[domain]);
}

/* The domain's used space or capacity changed. */
static void
note_used (HerdWorld *w, HerdId domain)
{
  HerdThin *t = w->thin;
  const HerdStorageDomain *sd = herd_model_domain (w->scenario->model,
                                                   domain);
  gint64 free_mib = t->capacity_mib[domain] - used_of (t, domain);
  double capacity = (double) t->capacity_mib[domain];
  if (t->used_mib[domain] < 0 || t->file_mib[domain] < 0)
    herd_world_violation (w, "storage %s: its volumes take %" G_GINT64_FORMAT
                          " MiB and %.1f MiB of thin files, less than "
                          "nothing",
                          sd->name, t->used_mib[domain], t->file_mib[domain]);
  if (free_mib < t->min_free_mib[domain])
    t->min_free_mib[domain] = free_mib;
  HerdTime now = w->engine->now;
  cross (now, free_mib < sd->warning_free * capacity, &t->low_since[domain],
         &t->low_ns[domain]);
  cross (now, free_mib < sd->critical_free * capacity,
         &t->critical_since[domain], &t->critical_ns[domain]);
}

/* Brings a disk's written data up to now. */
static void
integrate (HerdWorld *w, HerdId id)
{
  ThinDisk *d = &w->thin->disks[id];
  const HerdDisk *def = disk_def (w, id);
  HerdTime now = w->engine->now;
  d->written_mib = MIN ((double) def->virtual_mib,
                        d->written_mib
                            + d->rate_mib * (double) (now - d->since) / 1e9);
  d->since = now;
  /* Its end-of-LV event pauses the guest first (1 KiB of rounding). */
  if (d->block_thin && d->written_mib > (double) d->lv_mib + 1.0 / 1024)
    herd_world_violation (w, "VM %s wrote %.1f MiB to disk %u, past the "
                          "end of its %" G_GINT64_FORMAT " MiB LV",
                          herd_model_vm (w->scenario->model, def->vm)->name,
                          d->written_mib, id, d->lv_mib);
}

/* When the thin file data of domain, growing from before to
 * t->file_mib[domain] since file_since, went under the level (a share of
 * capacity left free): *since_below is set to that instant.  Used space
 * counts file data rounded up to the MiB, so the level is crossed when
 * the data passes floor (capacity x (1 - level) - other volumes). */
static void
file_crossing (HerdThin *t, HerdId domain, double level, double before,
               HerdTime *since_below)
{
  if (*since_below != HERD_TIME_NEVER || t->file_rate[domain] <= 0)
    return;
  double x = floor ((double) t->capacity_mib[domain] * (1 - level)
                    - (double) t->used_mib[domain]);
  if (before > x || t->file_mib[domain] <= x)
    return;
  *since_below = t->file_since[domain]
                 + (HerdTime) ceil ((x - before) / t->file_rate[domain]
                                    * 1e9);
}

/* Brings the domain's thin file data up to now: O(1), whatever the
 * number of disks (each disk's own growth stops with an event when it
 * reaches its virtual size). */
static void
sync_files (HerdWorld *w, HerdId domain)
{
  HerdThin *t = w->thin;
  HerdTime now = w->engine->now;
  double before = t->file_mib[domain];
  t->file_mib[domain]
      += t->file_rate[domain] * (double) (now - t->file_since[domain]) / 1e9;
  /* The data grew steadily since file_since: a level it went under was
   * crossed in between, at a time found by division. */
  const HerdStorageDomain *sd = herd_model_domain (w->scenario->model,
                                                   domain);
  file_crossing (t, domain, sd->warning_free, before, &t->low_since[domain]);
  file_crossing (t, domain, sd->critical_free, before,
                 &t->critical_since[domain]);
  t->file_since[domain] = now;
  note_used (w, domain);
}

/* A thin file disk grows at rate from now (0: it stops). */
static void
set_file_rate (HerdWorld *w, HerdId id, double rate)
{
  HerdThin *t = w->thin;
  ThinDisk *d = &t->disks[id];
  HerdId domain = disk_def (w, id)->domain;
  sync_files (w, domain);
  t->file_rate[domain] = MAX (t->file_rate[domain] - d->rate_mib + rate, 0);
  d->rate_mib = rate;
}

/* The first time at or after now that the disk holds target MiB. */
static HerdTime
time_to (const ThinDisk *d, double target, HerdTime now)
{
  double s = (target - d->written_mib) / d->rate_mib;
  return s <= 0 ? now : now + (HerdTime) ceil (s * 1e9);
}

static void watermark_reached (gpointer ctx, guint64 arg);
static void lv_full (gpointer ctx, guint64 arg);
static void file_disk_full (gpointer ctx, guint64 arg);
static void spm_reads (gpointer ctx, guint64 arg);

/* The next multiple of interval strictly after t. */
static HerdTime
next_tick (HerdTime t, HerdTime interval)
{
  if (interval <= 0)
    return t;
  return (t / interval + 1) * interval;
}

static void
request_extension (HerdWorld *w, HerdId id)
{
  ThinDisk *d = &w->thin->disks[id];
  d->requested = w->engine->now;
  herd_engine_at (w->engine,
                  next_tick (d->requested,
                             w->scenario->model->params.mailbox_read_interval),
                  spm_reads, w, READ_ARG (id, d->epoch));
}

/* Plans the disk's next event from its state now. */
static void
schedule (HerdWorld *w, HerdId id)
{
  ThinDisk *d = &w->thin->disks[id];
  const HerdDisk *def = disk_def (w, id);
  HerdTime now = w->engine->now;
  if (d->event != 0)
    herd_engine_cancel (w->engine, d->event);
  d->event = 0;
  if (!def->thin || d->full || d->rate_mib <= 0)
    return;
  if (!d->block_thin)
    {
      /* A sparse file grows until its virtual size. */
      d->event = herd_engine_at (w->engine,
                                 time_to (d, (double) def->virtual_mib, now),
                                 file_disk_full, w, id);
      return;
    }
  gint64 watermark = w->scenario->model->params.extend_watermark_mib;
  /* No request once the LV is at its maximum, or big enough for the whole
   * disk with the watermark to spare. */
  if (d->requested == HERD_TIME_NEVER && d->lv_mib < d->max_lv_mib
      && d->lv_mib - watermark < def->virtual_mib)
    {
      double at = (double) (d->lv_mib - watermark);
      if (d->written_mib >= at)
        request_extension (w, id);
      else
        {
          d->event = herd_engine_at (w->engine, time_to (d, at, now),
                                     watermark_reached, w, id);
          return;
        }
    }
  if (d->lv_mib < def->virtual_mib)
    d->event = herd_engine_at (w->engine,
                               time_to (d, (double) d->lv_mib, now), lv_full,
                               w, id);
}

static void
file_disk_full (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  w->thin->disks[arg].event = 0;
  integrate (w, (HerdId) arg);
  set_file_rate (w, (HerdId) arg, 0);
}

static void
watermark_reached (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  w->thin->disks[arg].event = 0;
  integrate (w, (HerdId) arg);
  request_extension (w, (HerdId) arg);
  schedule (w, (HerdId) arg);
}

static gboolean
vm_writing (const HerdSimVm *v)
{
  return v->state == HERD_VM_UP && v->host != HERD_ID_NONE;
}

void
herd_thin_vm_paused (HerdWorld *w, HerdId vm, HerdPauseReason reason)
{
  HerdThin *t = w->thin;
  HerdThinPause p = { vm, reason, w->engine->now, HERD_TIME_NEVER };
  g_array_append_val (t->pauses, p);
  t->open_pause[vm] = t->pauses->len;
}

static void
close_pause (HerdWorld *w, HerdId vm)
{
  HerdThin *t = w->thin;
  if (t->open_pause[vm] == 0)
    return;
  g_array_index (t->pauses, HerdThinPause, t->open_pause[vm] - 1).end
      = w->engine->now;
  t->open_pause[vm] = 0;
}

/* The guest wrote to the end of its LV before the extension landed. */
static void
lv_full (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdThin *t = w->thin;
  ThinDisk *d = &t->disks[arg];
  HerdId vm = disk_def (w, (HerdId) arg)->vm;
  d->event = 0;
  integrate (w, (HerdId) arg);
  d->full = TRUE;
  if (t->full_disks[vm]++ == 0 && vm_writing (herd_world_vm_at (w, vm)))
    herd_world_pause_vm (w, vm, HERD_PAUSE_ENOSPC);
}

static void extension_done (gpointer ctx, guint64 arg);

/* The SPM reads the request: it extends the LV, or the request waits for
 * an SPM or for room. */
static void
spm_reads (gpointer ctx, guint64 read)
{
  HerdWorld *w = ctx;
  HerdThin *t = w->thin;
  guint64 arg = read & G_MAXUINT32;
  ThinDisk *d = &t->disks[arg];
  if (read >> 32 != d->epoch)
    return; /* the request went with the writes it was for */
  const HerdDisk *def = disk_def (w, (HerdId) arg);
  const HerdParams *p = &w->scenario->model->params;
  HerdId dc = disk_dc (w, (HerdId) arg);
  HerdId spm = w->spm_holder[dc];
  d->waiting_spm = !w->spm_running[dc] || spm == HERD_ID_NONE
                   || !herd_world_host_at (w, spm)->up
                   || !herd_world_domain_reachable (w, spm, def->domain);
  if (d->waiting_spm)
    return;
  gint64 need = MIN (p->extend_chunk_mib, d->max_lv_mib - d->lv_mib);
  sync_files (w, def->domain);
  d->waiting_space = t->capacity_mib[def->domain] - used_of (t, def->domain)
                     < need;
  if (d->waiting_space)
    return;
  t->used_mib[def->domain] += need;
  note_used (w, def->domain);
  HerdThinExtension e = { (HerdId) arg, d->requested, w->engine->now,
                          HERD_TIME_NEVER, d->lv_mib + need, need };
  g_array_append_val (t->extensions, e);
  g_array_append_val (t->extension_epoch, d->epoch);
  herd_engine_at (w->engine,
                  next_tick (w->engine->now + p->lv_extend_time,
                             p->mailbox_poll_interval),
                  extension_done, w, t->extensions->len - 1);
}

/* The host sees the SPM's reply: the LV is bigger. */
static void
extension_done (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdThin *t = w->thin;
  HerdThinExtension *e = &g_array_index (t->extensions, HerdThinExtension,
                                         arg);
  ThinDisk *d = &t->disks[e->disk];
  HerdId vm = disk_def (w, e->disk)->vm;
  e->done = w->engine->now;
  if (g_array_index (t->extension_epoch, guint32, arg) != d->epoch)
    {
      /* Its LV was dropped meanwhile: the space goes back. */
      t->used_mib[disk_def (w, e->disk)->domain] -= e->grown_mib;
      note_used (w, disk_def (w, e->disk)->domain);
      return;
    }
  integrate (w, e->disk);
  d->lv_mib = e->lv_mib;
  d->requested = HERD_TIME_NEVER;
  if (d->full)
    {
      d->full = FALSE;
      if (--t->full_disks[vm] == 0
          && herd_world_vm_at (w, vm)->state == HERD_VM_PAUSED)
        herd_world_resume_vm (w, vm);
    }
  schedule (w, e->disk);
}

/* Requests parked for a reason now gone are read again at the SPM's next
 * mailbox read. */
static void
retry_waiting (HerdWorld *w, HerdId dc, HerdId domain)
{
  const GPtrArray *disks = w->scenario->model->disks;
  HerdTime at = next_tick (w->engine->now,
                           w->scenario->model->params.mailbox_read_interval);
  for (guint i = 0; i < disks->len; i++)
    {
      ThinDisk *d = &w->thin->disks[i];
      gboolean wake = domain == HERD_ID_NONE
                          ? d->waiting_spm && disk_dc (w, i) == dc
                          : d->waiting_space && disk_def (w, i)->domain == domain;
      if (!wake)
        continue;
      d->waiting_spm = d->waiting_space = FALSE;
      herd_engine_at (w->engine, at, spm_reads, w, READ_ARG (i, d->epoch));
    }
}

void
herd_thin_spm_may_serve (HerdWorld *w, HerdId dc)
{
  retry_waiting (w, dc, HERD_ID_NONE);
}

void
herd_world_add_lun (HerdWorld *w, HerdId domain, gint64 mib)
{
  w->thin->capacity_mib[domain] += mib;
  note_used (w, domain);
  retry_waiting (w, HERD_ID_NONE, domain);
}

/* A stateless VM stopped: its disk's COW layer is dropped, so the space
 * it took comes back (an LV back to its first size; a file back to 0) and
 * requests for it are void. */
static void
drop_writes (HerdWorld *w, HerdId id)
{
  HerdThin *t = w->thin;
  ThinDisk *d = &t->disks[id];
  const HerdDisk *def = disk_def (w, id);
  d->epoch++;
  d->requested = HERD_TIME_NEVER;
  d->waiting_spm = d->waiting_space = FALSE;
  if (d->full)
    {
      d->full = FALSE;
      t->full_disks[def->vm]--;
    }
  if (d->block_thin)
    {
      gint64 first = first_mib (w, id);
      t->used_mib[def->domain] -= d->lv_mib - first;
      d->lv_mib = first;
    }
  else
    {
      sync_files (w, def->domain);
      t->file_mib[def->domain] = MAX (t->file_mib[def->domain]
                                          - (d->written_mib
                                             - (double) def->base_mib),
                                      0);
    }
  d->written_mib = (double) def->base_mib;
  note_used (w, def->domain);
}

/* Sets the growth rate of each of the VM's thin disks from its state and
 * its group's write rate now. */
static void
set_rates (HerdWorld *w, HerdId vm)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  const HerdVmGroup *group = g_ptr_array_index (w->scenario->vm_groups,
                                                v->group);
  double rate = vm_writing (v) ? group->new_writes
                                   * w->thin->group_write[v->group]
                                   / (1024 * 1024)
                               : 0;
  for (guint k = w->vm_disk_at[vm]; k < w->vm_disk_at[vm + 1]; k++)
    {
      HerdId id = w->vm_disks[k];
      ThinDisk *d = &w->thin->disks[id];
      const HerdDisk *def = disk_def (w, id);
      if (!def->thin)
        continue;
      integrate (w, id);
      if (d->block_thin)
        d->rate_mib = rate;
      else
        set_file_rate (w, id,
                       d->written_mib < (double) def->virtual_mib ? rate : 0);
      schedule (w, id);
    }
  /* Writing with a disk still at the end of its LV (started again, or
   * its rate up from 0): its first write pauses it. */
  if (rate > 0 && w->thin->full_disks[vm] > 0)
    herd_world_pause_vm (w, vm, HERD_PAUSE_ENOSPC);
}

void
herd_thin_vm_changed (HerdWorld *w, HerdId vm)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  const HerdVmGroup *group = g_ptr_array_index (w->scenario->vm_groups,
                                                v->group);
  set_rates (w, vm);
  if (v->state == HERD_VM_DOWN && group->stateless)
    for (guint k = w->vm_disk_at[vm]; k < w->vm_disk_at[vm + 1]; k++)
      if (disk_def (w, w->vm_disks[k])->thin)
        drop_writes (w, w->vm_disks[k]);
  if (v->state != HERD_VM_PAUSED)
    close_pause (w, vm);
}

/* A workload step: groups whose write rate changed set their VMs' disks
 * growing at the new rate (O(VMs of those groups)). */
void
herd_thin_step (HerdWorld *w)
{
  HerdThin *t = w->thin;
  const GPtrArray *groups = w->scenario->vm_groups;
  for (guint g = 0; g < groups->len; g++)
    {
      const HerdVmGroup *group = g_ptr_array_index (groups, g);
      if (herd_rate_model_is_constant (&group->write_rate))
        continue;
      double rate = herd_rate_model_value (&group->write_rate,
                                           w->engine->now);
      if (rate == t->group_write[g])
        continue;
      t->group_write[g] = rate;
      for (guint32 i = 0; i < group->count; i++)
        set_rates (w, group->first + i);
    }
}

gboolean
herd_thin_vm_blocked (HerdWorld *w, HerdId vm)
{
  return w->thin->full_disks[vm] > 0;
}

void
herd_thin_init (HerdWorld *w)
{
  const HerdModel *model = w->scenario->model;
  HerdThin *t = g_new0 (HerdThin, 1);
  guint n_domains = model->domains->len;
  t->disks = g_new0 (ThinDisk, MAX (model->disks->len, 1));
  t->capacity_mib = g_new0 (gint64, MAX (n_domains, 1));
  t->used_mib = g_new0 (gint64, MAX (n_domains, 1));
  t->min_free_mib = g_new0 (gint64, MAX (n_domains, 1));
  t->file_mib = g_new0 (double, MAX (n_domains, 1));
  t->file_rate = g_new0 (double, MAX (n_domains, 1));
  t->file_since = g_new0 (HerdTime, MAX (n_domains, 1));
  t->low_since = g_new (HerdTime, MAX (n_domains, 1));
  t->critical_since = g_new (HerdTime, MAX (n_domains, 1));
  t->low_ns = g_new0 (HerdTime, MAX (n_domains, 1));
  t->critical_ns = g_new0 (HerdTime, MAX (n_domains, 1));
  t->full_disks = g_new0 (guint32, MAX (model->vms->len, 1));
  t->open_pause = g_new0 (guint32, MAX (model->vms->len, 1));
  t->extensions = g_array_new (FALSE, FALSE, sizeof (HerdThinExtension));
  t->extension_epoch = g_array_new (FALSE, FALSE, sizeof (guint32));
  t->pauses = g_array_new (FALSE, FALSE, sizeof (HerdThinPause));
  t->group_write = g_new0 (double, MAX (w->scenario->vm_groups->len, 1));
  for (guint g = 0; g < w->scenario->vm_groups->len; g++)
    t->group_write[g] = herd_rate_model_value (
        &((const HerdVmGroup *) g_ptr_array_index (w->scenario->vm_groups, g))
             ->write_rate,
        w->engine->now);
  w->thin = t;
  for (guint i = 0; i < n_domains; i++)
    {
      const HerdStorageDomain *sd = herd_model_domain (model, i);
      t->capacity_mib[i] = sd->capacity_mib;
      t->used_mib[i] = sd->used_mib;
    }
  for (guint i = 0; i < model->disks->len; i++)
    {
      const HerdDisk *def = g_ptr_array_index (model->disks, i);
      const HerdStorageDomain *sd = herd_model_domain (model, def->domain);
      ThinDisk *d = &t->disks[i];
      d->requested = HERD_TIME_NEVER;
      d->block_thin = def->thin && herd_storage_type_is_block (sd->type);
      d->max_lv_mib = herd_volume_max_lv_mib (def->virtual_mib);
      d->written_mib = (double) def->base_mib;
      if (def->thin && !d->block_thin)
        t->file_mib[def->domain] += d->written_mib;
      else
        {
          d->lv_mib = first_mib (w, i);
          t->used_mib[def->domain] += d->lv_mib;
        }
    }
  for (guint i = 0; i < n_domains; i++)
    {
      t->min_free_mib[i] = G_MAXINT64;
      t->low_since[i] = t->critical_since[i] = HERD_TIME_NEVER;
      note_used (w, i);
    }
}

void
herd_thin_free (HerdWorld *w)
{
  HerdThin *t = w->thin;
  if (t == NULL)
    return;
  g_free (t->disks);
  g_free (t->capacity_mib);
  g_free (t->used_mib);
  g_free (t->min_free_mib);
  g_free (t->file_mib);
  g_free (t->file_rate);
  g_free (t->file_since);
  g_free (t->low_since);
  g_free (t->critical_since);
  g_free (t->low_ns);
  g_free (t->critical_ns);
  g_free (t->full_disks);
  g_free (t->open_pause);
  g_free (t->group_write);
  g_array_unref (t->extensions);
  g_array_unref (t->extension_epoch);
  g_array_unref (t->pauses);
  g_free (t);
}

const GArray *
herd_world_extensions (const HerdWorld *w)
{
  return w->thin->extensions;
}

const GArray *
herd_world_pauses (const HerdWorld *w)
{
  return w->thin->pauses;
}

HerdThinDomain
herd_world_domain_space (HerdWorld *w, HerdId domain)
{
  HerdThin *t = w->thin;
  sync_files (w, domain);
  HerdTime now = w->engine->now;
  HerdThinDomain s = { t->capacity_mib[domain], used_of (t, domain),
                       t->min_free_mib[domain], t->low_ns[domain],
                       t->critical_ns[domain] };
  if (t->low_since[domain] != HERD_TIME_NEVER)
    s.low_ns += now - t->low_since[domain];
  if (t->critical_since[domain] != HERD_TIME_NEVER)
    s.critical_ns += now - t->critical_since[domain];
  return s;
}
