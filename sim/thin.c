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
  gboolean thin;        /* its active volume is thin (qcow2 or sparse) */
  gboolean block;       /* on a block domain */
  gboolean block_thin;  /* thin && block: an LV the SPM extends */
  GArray *chain;        /* ThinLayer: its snapshots' volumes below the
                           active one, oldest first; NULL: none yet */
  GArray *aside;        /* ThinLayer: in a preview, the volumes above the
                           previewed one (the last was the active one) */
  HerdEventId event;    /* its watermark or end-of-LV event, or 0 */
  HerdTime requested;   /* extension asked for then, or NEVER */
  gboolean waiting_spm; /* request read by no SPM yet */
  gboolean waiting_space; /* request waits for room in the domain */
  gboolean full;        /* at the end of its LV: its VM paused ENOSPC */
  guint32 epoch;        /* bumped when a stateless VM's writes are
                           dropped: older requests are void */
} ThinDisk;

/* A volume of a disk's chain below its active one: read-only. */
typedef struct
{
  gint64 alloc_mib;  /* what it takes from the domain */
  double data_mib;   /* guest data in it */
  gboolean thin;
} ThinLayer;

/* A snapshot's memory: its memory and configuration volumes. */
typedef struct
{
  gint64 memory_mib;  /* both volumes together; 0: none saved */
  HerdId domain;
} ThinSnapshot;

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
  guint32 *file_writers;       /* per domain: thin files growing now */
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
  gint64 *volumes;             /* per domain: disk volumes on it (the
                                  limit is for block domains) */
  gboolean *file_full;         /* per file domain: out of space, its thin
                                  disks' guests pause as they write */
  HerdEventId *fill_event;     /* per file domain: when it fills, or 0 */
  gboolean *release_planned;   /* per file domain: space came back */
  GArray **snapshots;          /* per VM: ThinSnapshot, oldest first
                                  (NULL: none yet) */
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

static void file_domain_fills (gpointer ctx, guint64 arg);
static void set_rates (HerdWorld *w, HerdId vm);
static void file_space_back (gpointer ctx, guint64 arg);

/* A file domain's space or growth changed: plans the instant its thin
 * files fill it, or, when it was full and has room again, the release
 * of the guests it paused (after the change that gave room is done). */
static void
plan_fill (HerdWorld *w, HerdId domain, gint64 free_mib)
{
  HerdThin *t = w->thin;
  if (t->file_full[domain])
    {
      if (free_mib > 0 && !t->release_planned[domain])
        {
          t->release_planned[domain] = TRUE;
          herd_engine_at (w->engine, w->engine->now, file_space_back, w,
                          domain);
        }
      return;
    }
  if (t->fill_event[domain] != 0)
    herd_engine_cancel (w->engine, t->fill_event[domain]);
  t->fill_event[domain] = 0;
  if (t->file_rate[domain] <= 0)
    return;
  double room = (double) (t->capacity_mib[domain] - t->used_mib[domain])
                - t->file_mib[domain];
  double ns = ceil (MAX (room, 0) / t->file_rate[domain] * 1e9);
  if (ns > (double) HERD_DAY (36500))
    return; /* not within a hundred years */
  HerdTime at = t->file_since[domain] + (HerdTime) ns;
  t->fill_event[domain] = herd_engine_at (w->engine, MAX (at, w->engine->now),
                                          file_domain_fills, w, domain);
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
  /* Nothing writes past a full domain: at most a MiB of rounding per
   * volume (a thin file's data, rounded up, as it becomes read-only). */
  if (free_mib < -t->volumes[domain] - 1)
    herd_world_violation (w, "storage %s: its volumes take %" G_GINT64_FORMAT
                          " MiB more than its %" G_GINT64_FORMAT " MiB",
                          sd->name, -free_mib, t->capacity_mib[domain]);
  if (free_mib < t->min_free_mib[domain])
    t->min_free_mib[domain] = free_mib;
  if (!herd_storage_type_is_block (sd->type))
    plan_fill (w, domain, free_mib);
  HerdTime now = w->engine->now;
  cross (now, free_mib < sd->warning_free * capacity, &t->low_since[domain],
         &t->low_ns[domain]);
  cross (now, free_mib < sd->critical_free * capacity,
         &t->critical_since[domain], &t->critical_ns[domain]);
}

/* A disk's guest data now, without changing the disk. */
static double
written_now (HerdWorld *w, HerdId id)
{
  const ThinDisk *d = &w->thin->disks[id];
  return MIN ((double) disk_def (w, id)->virtual_mib,
              d->written_mib
                  + d->rate_mib * (double) (w->engine->now - d->since) / 1e9);
}

gint64
herd_world_disk_data_mib (HerdWorld *w, HerdId disk)
{
  return (gint64) ceil (written_now (w, disk));
}

/* Brings a disk's written data up to now. */
static void
integrate (HerdWorld *w, HerdId id)
{
  ThinDisk *d = &w->thin->disks[id];
  const HerdDisk *def = disk_def (w, id);
  d->written_mib = written_now (w, id);
  d->since = w->engine->now;
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
  t->file_writers[domain] += (rate > 0) - (d->rate_mib > 0);
  /* Rates are added and taken away in floating point: with no writer
   * left, the sum is exactly 0, not a remainder. */
  t->file_rate[domain] = t->file_writers[domain] == 0
                             ? 0
                             : MAX (t->file_rate[domain] - d->rate_mib + rate,
                                    0);
  d->rate_mib = rate;
  note_used (w, domain);
}

/* The first time at or after now that the disk holds target MiB, or
 * NEVER when that is more than a hundred years away (a write rate near
 * zero: the time would not fit a HerdTime). */
static HerdTime
time_to (const ThinDisk *d, double target, HerdTime now)
{
  double ns = ceil ((target - d->written_mib) / d->rate_mib * 1e9);
  if (ns > (double) HERD_DAY (36500))
    return HERD_TIME_NEVER;
  return ns <= 0 ? now : now + (HerdTime) ns;
}

/* The disk's next event fn at at, or none when at is NEVER. */
static HerdEventId
disk_event_at (HerdWorld *w, HerdTime at, HerdEventFunc fn, HerdId id)
{
  return at == HERD_TIME_NEVER ? 0 : herd_engine_at (w->engine, at, fn, w, id);
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
  if (!d->thin || d->full || d->rate_mib <= 0)
    return;
  if (!d->block_thin)
    {
      /* A sparse file grows until its virtual size. */
      d->event = disk_event_at (
          w, time_to (d, (double) def->virtual_mib, now), file_disk_full, id);
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
          d->event = disk_event_at (w, time_to (d, at, now),
                                    watermark_reached, id);
          return;
        }
    }
  if (d->lv_mib < def->virtual_mib)
    d->event = disk_event_at (w, time_to (d, (double) d->lv_mib, now),
                              lv_full, id);
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

/* Whether the data center's SPM runs, on a host that is up and reaches
 * domain: only then are its volumes changed. */
static gboolean
spm_serves (HerdWorld *w, HerdId dc, HerdId domain)
{
  HerdId spm = w->spm_holder[dc];
  return w->spm_running[dc] && spm != HERD_ID_NONE
         && herd_world_host_at (w, spm)->up
         && herd_world_domain_reachable (w, spm, domain);
}

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
  d->waiting_spm = !spm_serves (w, disk_dc (w, (HerdId) arg), def->domain);
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

/* A file domain is full: the guests writing to its thin disks get
 * ENOSPC and pause; disks of VMs not running pause theirs when they
 * write. */
static void
file_domain_fills (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdThin *t = w->thin;
  HerdId domain = (HerdId) arg;
  t->fill_event[domain] = 0;
  sync_files (w, domain);
  if (t->capacity_mib[domain] - used_of (t, domain) > 0)
    {
      /* Not full after all (rounding): plan again. */
      note_used (w, domain);
      return;
    }
  t->file_full[domain] = TRUE;
  const GPtrArray *disks = w->scenario->model->disks;
  for (guint i = 0; i < disks->len; i++)
    {
      ThinDisk *d = &t->disks[i];
      const HerdDisk *def = disk_def (w, i);
      if (def->domain != domain || !d->thin || d->full)
        continue;
      integrate (w, i);
      if (d->written_mib >= (double) def->virtual_mib)
        continue;
      gboolean writing = d->rate_mib > 0;
      d->full = TRUE;
      set_file_rate (w, i, 0);
      if (t->full_disks[def->vm]++ == 0 && writing)
        herd_world_pause_vm (w, def->vm, HERD_PAUSE_ENOSPC);
    }
}

/* Room again on a full file domain: its disks may grow, and guests it
 * paused resume. */
static void
file_space_back (gpointer ctx, guint64 arg)
{
  HerdWorld *w = ctx;
  HerdThin *t = w->thin;
  HerdId domain = (HerdId) arg;
  t->release_planned[domain] = FALSE;
  t->file_full[domain] = FALSE;
  const GPtrArray *disks = w->scenario->model->disks;
  for (guint i = 0; i < disks->len; i++)
    {
      ThinDisk *d = &t->disks[i];
      const HerdDisk *def = disk_def (w, i);
      if (def->domain != domain || !d->full)
        continue;
      d->full = FALSE;
      if (--t->full_disks[def->vm] == 0
          && herd_world_vm_at (w, def->vm)->state == HERD_VM_PAUSED)
        herd_world_resume_vm (w, def->vm);
      set_rates (w, def->vm);
    }
  note_used (w, domain);
}

void
herd_thin_spm_may_serve (HerdWorld *w, HerdId dc)
{
  retry_waiting (w, dc, HERD_ID_NONE);
}

void
herd_world_grow_storage (HerdWorld *w, HerdId domain, gint64 mib)
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
  /* Still full while its file domain is: the release clears it. */
  if (d->full && (d->block_thin || !t->file_full[def->domain]))
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
  const HerdVm *def_vm = herd_model_vm (w->scenario->model, vm);
  for (guint k = 0; k < def_vm->n_disks; k++)
    {
      HerdId id = def_vm->first_disk + k;
      ThinDisk *d = &w->thin->disks[id];
      const HerdDisk *def = disk_def (w, id);
      integrate (w, id);
      /* A sparse file on a full file domain cannot grow. */
      if (d->thin && !d->block && w->thin->file_full[def->domain]
          && !d->full && d->written_mib < (double) def->virtual_mib)
        {
          d->full = TRUE;
          w->thin->full_disks[vm]++;
        }
      /* Every disk's data is followed (a preallocated one's too, for a
       * snapshot's merge); only thin ones grow in their domain. */
      if (d->thin && !d->block)
        set_file_rate (w, id,
                       !d->full && d->written_mib < (double) def->virtual_mib
                           ? rate
                           : 0);
      else
        d->rate_mib = rate;
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
    {
      const HerdVm *def_vm = herd_model_vm (w->scenario->model, vm);
      for (guint k = 0; k < def_vm->n_disks; k++)
        if (w->thin->disks[def_vm->first_disk + k].thin)
          drop_writes (w, def_vm->first_disk + k);
    }
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

double
herd_world_vm_write_rate (HerdWorld *w, HerdId vm)
{
  HerdSimVm *v = herd_world_vm_at (w, vm);
  return vm_writing (v) ? w->thin->group_write[v->group] : 0;
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
  t->file_writers = g_new0 (guint32, MAX (n_domains, 1));
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
  t->volumes = g_new0 (gint64, MAX (n_domains, 1));
  t->file_full = g_new0 (gboolean, MAX (n_domains, 1));
  t->fill_event = g_new0 (HerdEventId, MAX (n_domains, 1));
  t->release_planned = g_new0 (gboolean, MAX (n_domains, 1));
  t->snapshots = g_new0 (GArray *, MAX (model->vms->len, 1));
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
      t->volumes[i] = sd->template_volumes;
    }
  for (guint i = 0; i < model->disks->len; i++)
    {
      const HerdDisk *def = g_ptr_array_index (model->disks, i);
      const HerdStorageDomain *sd = herd_model_domain (model, def->domain);
      ThinDisk *d = &t->disks[i];
      d->requested = HERD_TIME_NEVER;
      d->thin = def->thin;
      d->block = herd_storage_type_is_block (sd->type);
      d->block_thin = d->thin && d->block;
      t->volumes[def->domain]++;
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
  for (guint i = 0; i < w->scenario->model->disks->len; i++)
    {
      if (t->disks[i].chain != NULL)
        g_array_unref (t->disks[i].chain);
      if (t->disks[i].aside != NULL)
        g_array_unref (t->disks[i].aside);
    }
  g_free (t->disks);
  g_free (t->capacity_mib);
  g_free (t->used_mib);
  g_free (t->min_free_mib);
  g_free (t->file_mib);
  g_free (t->file_rate);
  g_free (t->file_writers);
  g_free (t->file_since);
  g_free (t->low_since);
  g_free (t->critical_since);
  g_free (t->low_ns);
  g_free (t->critical_ns);
  g_free (t->full_disks);
  g_free (t->open_pause);
  g_free (t->group_write);
  g_free (t->volumes);
  g_free (t->file_full);
  g_free (t->fill_event);
  g_free (t->release_planned);
  for (guint i = 0; i < w->scenario->model->vms->len; i++)
    if (t->snapshots[i] != NULL)
      g_array_unref (t->snapshots[i]);
  g_free (t->snapshots);
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

/* ------------------------------------------------------------------ */
/* Snapshots (behaviour.md §9): each disk is a chain of volumes, the    */
/* active one on top.  An operation takes the active volume into the   */
/* chain as a layer, works on layers, and makes the top layer active   */
/* again, so that a live VM's writes go on into whatever is on top.     */

/* What a merged or new thin layer of data MiB takes: on block storage an
 * LV with a chunk to spare (as an extension would leave it), at least
 * the first LV and at most 1.1 x the virtual size; a sparse file its
 * data. */
static gint64
layer_alloc (HerdWorld *w, HerdId id, gboolean thin, double data)
{
  const HerdDisk *def = disk_def (w, id);
  const HerdParams *p = &w->scenario->model->params;
  if (!thin)
    return def->virtual_mib;
  if (!w->thin->disks[id].block)
    return (gint64) ceil (data);
  return MIN (MAX (p->thin_initial_mib,
                   (gint64) ceil (data) + p->extend_chunk_mib),
              herd_volume_max_lv_mib (def->virtual_mib));
}

/* The active volume as a layer, as it takes space now. */
static ThinLayer
active_layer (HerdWorld *w, HerdId id)
{
  ThinDisk *d = &w->thin->disks[id];
  ThinLayer l = { d->lv_mib, d->written_mib, d->thin };
  if (d->thin && !d->block)
    l.alloc_mib = (gint64) ceil (d->written_mib);
  return l;
}

/* Takes the active volume off the disk as a layer (its space stays
 * taken, as a layer's); requests for it are void. */
static ThinLayer
freeze (HerdWorld *w, HerdId id)
{
  HerdThin *t = w->thin;
  ThinDisk *d = &t->disks[id];
  const HerdDisk *def = disk_def (w, id);
  integrate (w, id);
  if (d->thin && !d->block)
    set_file_rate (w, id, 0);
  ThinLayer l = active_layer (w, id);
  if (d->thin && !d->block)
    {
      sync_files (w, def->domain);
      /* The domain's sum and the disk's own data are integrated apart:
       * what is left of its last file may round a hair below zero. */
      t->file_mib[def->domain]
          = MAX (t->file_mib[def->domain] - d->written_mib, 0);
      t->used_mib[def->domain] += l.alloc_mib;
    }
  if (d->event != 0)
    herd_engine_cancel (w->engine, d->event);
  d->event = 0;
  d->epoch++;
  d->requested = HERD_TIME_NEVER;
  d->waiting_spm = d->waiting_space = FALSE;
  d->rate_mib = 0;
  if (d->full)
    {
      d->full = FALSE;
      t->full_disks[def->vm]--;
    }
  return l;
}

/* Makes layer l the disk's active volume (the opposite of freeze). */
static void
thaw (HerdWorld *w, HerdId id, ThinLayer l)
{
  HerdThin *t = w->thin;
  ThinDisk *d = &t->disks[id];
  const HerdDisk *def = disk_def (w, id);
  d->thin = l.thin;
  d->block_thin = d->thin && d->block;
  d->written_mib = l.data_mib;
  d->since = w->engine->now;
  d->lv_mib = d->thin && !d->block ? 0 : l.alloc_mib;
  if (d->thin && !d->block)
    {
      sync_files (w, def->domain);
      t->used_mib[def->domain] -= l.alloc_mib;
      t->file_mib[def->domain] += l.data_mib;
    }
  /* A block LV at its end is not marked full: its next write asks for
   * an extension (schedule) and pauses the guest at the end (lv_full). */
  if (d->thin && !d->block && t->file_full[def->domain]
      && d->written_mib < (double) def->virtual_mib)
    {
      d->full = TRUE;
      t->full_disks[def->vm]++;
    }
}

/* Space (MiB) and block volumes an operation adds to a domain.  Space
 * counts what it takes, not what it gives back: every volume grows (a
 * merge's base is extended) before any is removed, so the growth alone
 * must fit; volumes count both ways. */
typedef struct
{
  gint64 *mib;
  gint64 *volumes;
} Needs;

static void
need (HerdWorld *w, Needs *n, HerdId domain, gint64 mib, gint64 volumes)
{
  n->mib[domain] += MAX (mib, 0);
  if (herd_storage_type_is_block (
          herd_model_domain (w->scenario->model, domain)->type))
    n->volumes[domain] += volumes;
}

/* What a snapshot's memory takes: the VM's RAM, video RAM and
 * SnapshotMemoryExtra, and the configuration volume. */
static gint64
memory_mib (HerdWorld *w, HerdId vm)
{
  const HerdParams *p = &w->scenario->model->params;
  return herd_model_vm (w->scenario->model, vm)->memory_mib + p->video_ram_mib
         + p->memory_volume_extra_mib + p->memory_config_mib;
}

/* Where a snapshot's memory goes: the domain of the VM's first disk, or
 * its data center's master. */
static HerdId
memory_domain (HerdWorld *w, HerdId vm)
{
  const HerdModel *model = w->scenario->model;
  const HerdVm *v = herd_model_vm (model, vm);
  if (v->n_disks > 0)
    return disk_def (w, v->first_disk)->domain;
  return herd_model_datacenter (
             model, herd_model_cluster (model, v->cluster)->datacenter)
      ->master_domain;
}

/* What a new snapshot or preview volume takes at first: the first LV on
 * block storage, nothing on file storage. */
static gint64
new_volume_mib (HerdWorld *w, HerdId id)
{
  ThinDisk *d = &w->thin->disks[id];
  return d->block ? MIN (w->scenario->model->params.thin_initial_mib,
                         d->max_lv_mib)
                  : 0;
}

/* The merge of layer a with the layer b above it: b's data goes into a,
 * which keeps a's format. */
static ThinLayer
merged (HerdWorld *w, HerdId id, ThinLayer a, ThinLayer b)
{
  ThinLayer m = { 0, MIN (a.data_mib + b.data_mib,
                          (double) disk_def (w, id)->virtual_mib),
                  a.thin };
  m.alloc_mib = MAX (a.alloc_mib, layer_alloc (w, id, a.thin, m.data_mib));
  return m;
}

/* The layer at index k of the disk's chain with its active volume on
 * top (k == chain length: the active one). */
static ThinLayer
layer_at (HerdWorld *w, HerdId id, guint k)
{
  GArray *chain = w->thin->disks[id].chain;
  guint len = chain != NULL ? chain->len : 0;
  return k < len ? g_array_index (chain, ThinLayer, k) : active_layer (w, id);
}

/* What op would add to each domain; FALSE with *error when it does not
 * fit (free space, or MaxVolumesPerBlockDomain). */
static gboolean
fits (HerdWorld *w, HerdId vm, HerdSnapshotOp op, guint index,
      gboolean memory, GError **error)
{
  HerdThin *t = w->thin;
  const HerdModel *model = w->scenario->model;
  guint n = model->domains->len;
  g_autofree gint64 *mib = g_new0 (gint64, MAX (n, 1));
  g_autofree gint64 *volumes = g_new0 (gint64, MAX (n, 1));
  Needs needs = { mib, volumes };
  const HerdVm *v = herd_model_vm (model, vm);
  for (guint k = 0; k < v->n_disks; k++)
    {
      HerdId id = v->first_disk + k;
      HerdId domain = disk_def (w, id)->domain;
      if (op == HERD_SNAPSHOT_CREATE || op == HERD_SNAPSHOT_PREVIEW)
        need (w, &needs, domain, new_volume_mib (w, id), 1);
      else if (op == HERD_SNAPSHOT_DELETE)
        {
          ThinLayer a = layer_at (w, id, index);
          ThinLayer b = layer_at (w, id, index + 1);
          need (w, &needs, domain,
                merged (w, id, a, b).alloc_mib - a.alloc_mib - b.alloc_mib,
                -1);
        }
    }
  if (op == HERD_SNAPSHOT_CREATE && memory)
    need (w, &needs, memory_domain (w, vm), memory_mib (w, vm), 2);
  for (HerdId d = 0; d < n; d++)
    {
      const HerdStorageDomain *sd = herd_model_domain (model, d);
      sync_files (w, d);
      gint64 free_mib = t->capacity_mib[d] - used_of (t, d);
      if (mib[d] > 0 && mib[d] > free_mib)
        {
          g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_SPACE,
                       "storage %s has %" G_GINT64_FORMAT " MiB free, the "
                       "volumes need %" G_GINT64_FORMAT " MiB",
                       sd->name, free_mib, mib[d]);
          return FALSE;
        }
      if (volumes[d] > 0
          && t->volumes[d] + volumes[d]
                 > model->params.max_block_volumes)
        {
          g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_SPACE,
                       "storage %s holds %" G_GINT64_FORMAT " volumes; "
                       "%" G_GINT64_FORMAT " more would pass "
                       "MaxVolumesPerBlockDomain (%" G_GINT64_FORMAT ")",
                       sd->name, t->volumes[d], volumes[d],
                       model->params.max_block_volumes);
          return FALSE;
        }
    }
  return TRUE;
}

static void
add_volumes (HerdWorld *w, HerdId domain, gint64 n)
{
  w->thin->volumes[domain] += n;
}

/* Frees snapshot k's memory volumes. */
static void
drop_memory (HerdWorld *w, HerdId vm, guint k)
{
  ThinSnapshot *s = &g_array_index (w->thin->snapshots[vm], ThinSnapshot, k);
  if (s->memory_mib == 0)
    return;
  w->thin->used_mib[s->domain] -= s->memory_mib;
  add_volumes (w, s->domain, -2);
  note_used (w, s->domain);
}

/* Frees a layer's volume. */
static void
drop_layer (HerdWorld *w, HerdId id, ThinLayer l)
{
  HerdId domain = disk_def (w, id)->domain;
  w->thin->used_mib[domain] -= l.alloc_mib;
  add_volumes (w, domain, -1);
  note_used (w, domain);
}

/* A new empty thin volume on top of the disk's chain: the active one. */
static void
new_active (HerdWorld *w, HerdId id)
{
  HerdId domain = disk_def (w, id)->domain;
  ThinLayer l = { new_volume_mib (w, id), 0, TRUE };
  w->thin->used_mib[domain] += l.alloc_mib;
  add_volumes (w, domain, 1);
  thaw (w, id, l);
  note_used (w, domain);
}

static void
push (GArray **chain, ThinLayer l)
{
  if (*chain == NULL)
    *chain = g_array_new (FALSE, FALSE, sizeof (ThinLayer));
  g_array_append_val (*chain, l);
}

gboolean
herd_world_snapshot (HerdWorld *w, HerdId vm, HerdSnapshotOp op, guint index,
                     gboolean memory, GError **error)
{
  HerdThin *t = w->thin;
  const HerdModel *model = w->scenario->model;
  const HerdVm *v = herd_model_vm (model, vm);
  const HerdVmGroup *group = g_ptr_array_index (
      w->scenario->vm_groups, herd_world_vm_at (w, vm)->group);
  if (group->stateless)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "VM %s is stateless: its disks are a pool's COW layers",
                   v->name);
      return FALSE;
    }
  /* Only a running SPM that reaches the domains changes volumes. */
  HerdId dc = herd_model_cluster (model, v->cluster)->datacenter;
  gboolean spm_ok = TRUE;
  for (guint k = 0; spm_ok && k < v->n_disks; k++)
    spm_ok = spm_serves (w, dc, disk_def (w, v->first_disk + k)->domain);
  if (!spm_ok)
    {
      g_set_error (error, HERD_WORLD_ERROR, WORLD_ERROR_STATE,
                   "no running SPM reaches the VM's storage");
      return FALSE;
    }
  for (guint k = 0; k < v->n_disks; k++)
    integrate (w, v->first_disk + k);
  if (!fits (w, vm, op, index, memory, error))
    return FALSE;
  if (t->snapshots[vm] == NULL)
    t->snapshots[vm] = g_array_new (FALSE, FALSE, sizeof (ThinSnapshot));
  GArray *snaps = t->snapshots[vm];
  for (guint k = 0; k < v->n_disks; k++)
    {
      HerdId id = v->first_disk + k;
      ThinDisk *d = &t->disks[id];
      switch (op)
        {
        case HERD_SNAPSHOT_CREATE:
          push (&d->chain, freeze (w, id));
          new_active (w, id);
          break;
        case HERD_SNAPSHOT_PREVIEW:
          /* The volumes above the previewed one go aside. */
          push (&d->chain, freeze (w, id));
          for (guint i = index + 1; i < d->chain->len; i++)
            push (&d->aside, g_array_index (d->chain, ThinLayer, i));
          g_array_set_size (d->chain, index + 1);
          new_active (w, id);
          break;
        case HERD_SNAPSHOT_COMMIT:
          for (guint i = 0; i < d->aside->len; i++)
            drop_layer (w, id, g_array_index (d->aside, ThinLayer, i));
          g_array_set_size (d->aside, 0);
          break;
        case HERD_SNAPSHOT_UNDO:
          drop_layer (w, id, freeze (w, id));
          for (guint i = 0; i < d->aside->len; i++)
            push (&d->chain, g_array_index (d->aside, ThinLayer, i));
          g_array_set_size (d->aside, 0);
          thaw (w, id, g_array_index (d->chain, ThinLayer,
                                      d->chain->len - 1));
          g_array_set_size (d->chain, d->chain->len - 1);
          break;
        case HERD_SNAPSHOT_DELETE:
          {
            push (&d->chain, freeze (w, id));
            ThinLayer a = g_array_index (d->chain, ThinLayer, index);
            ThinLayer b = g_array_index (d->chain, ThinLayer, index + 1);
            ThinLayer m = merged (w, id, a, b);
            HerdId domain = disk_def (w, id)->domain;
            t->used_mib[domain] += m.alloc_mib - a.alloc_mib - b.alloc_mib;
            add_volumes (w, domain, -1);
            g_array_index (d->chain, ThinLayer, index) = m;
            g_array_remove_index (d->chain, index + 1);
            thaw (w, id, g_array_index (d->chain, ThinLayer,
                                        d->chain->len - 1));
            g_array_set_size (d->chain, d->chain->len - 1);
            note_used (w, domain);
          }
          break;
        case HERD_SNAPSHOT_OP_LAST:
          g_assert_not_reached ();
        }
      note_used (w, disk_def (w, id)->domain);
    }
  /* The snapshots' memory volumes. */
  if (op == HERD_SNAPSHOT_CREATE)
    {
      ThinSnapshot s = { 0, HERD_ID_NONE };
      if (memory)
        {
          s.memory_mib = memory_mib (w, vm);
          s.domain = memory_domain (w, vm);
          t->used_mib[s.domain] += s.memory_mib;
          add_volumes (w, s.domain, 2);
          note_used (w, s.domain);
        }
      g_array_append_val (snaps, s);
    }
  else if (op == HERD_SNAPSHOT_COMMIT)
    while (snaps->len > index + 1)
      {
        drop_memory (w, vm, snaps->len - 1);
        g_array_set_size (snaps, snaps->len - 1);
      }
  else if (op == HERD_SNAPSHOT_DELETE)
    {
      drop_memory (w, vm, index);
      g_array_remove_index (snaps, index);
    }
  set_rates (w, vm);
  return TRUE;
}

guint
herd_world_disk_volumes (HerdWorld *w, HerdId disk)
{
  GArray *chain = w->thin->disks[disk].chain;
  return (chain != NULL ? chain->len : 0) + 1;
}

void
herd_world_disk_volume (HerdWorld *w, HerdId disk, guint index,
                        gint64 *size_mib, double *data_mib)
{
  ThinLayer l = layer_at (w, disk, index);
  if (index + 1 == herd_world_disk_volumes (w, disk))
    {
      /* The active volume as of now, without changing the disk: what is
       * observed does not depend on when it was looked at. */
      const ThinDisk *d = &w->thin->disks[disk];
      l.data_mib = written_now (w, disk);
      if (d->thin && !d->block)
        l.alloc_mib = (gint64) ceil (l.data_mib);
    }
  *size_mib = l.alloc_mib;
  *data_mib = l.data_mib;
}
