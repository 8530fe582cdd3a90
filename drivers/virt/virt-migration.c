/* virt-migration.c: live migration between hosts with
 * virDomainMigrateToURI3 (peer to peer: the source's libvirtd talks to the
 * destination's), which blocks until the migration ends, so each one runs
 * in a thread of its own, on a connection of its own; the job statistics'
 * reads (a thread of GLib's pool, one at a time) and what follows a
 * completed migration (the destination's worker, virt-hosts.c) run off
 * the main context too.
 *
 * While it runs, a timer reads the job's statistics every
 * job_poll_interval (virDomainGetJobStats on the source): each read first
 * applies what the core asked for since, a downtime budget
 * (virDomainMigrateSetMaxDowntime) or the switch to post-copy, and each
 * time QEMU's memory iteration count goes up a pre-copy pass has ended
 * and migration_progress is raised, so that the core's convergence
 * schedule can raise the downtime or switch to post-copy.  A leased VM's
 * lease moves with it at the switch-over (libvirt's sanlock lock manager
 * releases it on the paused source and acquires it on the destination
 * before QEMU resumes there).  At the end the destination's worker reads
 * the completed job's statistics, which give the time, bytes and downtime
 * of migration_done.
 * An abort (virDomainAbortJob) raises nothing: the core records it
 * itself.  It is the one call made on the main context: the core must
 * know at once whether the VM stays on its source (bounded by the
 * connection's keepalive, about 4 s, if the source's libvirtd hangs). */
#include "drivers/virt/virt-private.h"

#include <libvirt/virterror.h>

struct _VirtMigration
{
  VirtDriver *v;
  HerdId vm, source, destination;
  virDomainPtr dom;            /* on the source */
  char *source_uri;            /* the source's libvirt URI */
  char *dest_uri;              /* the destination's libvirt URI */
  virTypedParameterPtr params;
  int nparams;
  unsigned int flags;
  guint32 max_downtime_ms;
  gboolean downtime_set;       /* that budget was applied */
  gboolean post_copy_asked;    /* the switch to post-copy is to be made */
  gboolean aborted;            /* by the core: raise nothing */
  gboolean post_copy;
  gint64 post_copy_since_us;   /* monotonic time of the switch */
  guint32 passes;              /* pre-copy passes completed, as reported */
  HerdMigrationStats last;     /* last statistics read */
  guint poll_source;
  GThread *thread;
  gboolean ok;                 /* filled in by the thread */
  char *error;
  gboolean polling;            /* a read of its job statistics runs */
  gboolean ended;              /* freed when that read answers */
};

gboolean
herd_virt_migrating (VirtDriver *v, HerdId vm)
{
  return v->migrations[vm] != NULL;
}

static void
migration_free (VirtMigration *mig)
{
  if (mig->poll_source != 0)
    g_source_remove (mig->poll_source);
  if (mig->thread != NULL)
    g_thread_join (mig->thread);
  virTypedParamsFree (mig->params, mig->nparams);
  virDomainFree (mig->dom);
  g_free (mig->source_uri);
  g_free (mig->dest_uri);
  g_free (mig->error);
  g_free (mig);
}

void
herd_virt_migration_clear (VirtDriver *v)
{
  if (v->migrations == NULL)
    return;
  for (guint i = 0; i < v->drv->model->vms->len; i++)
    if (v->migrations[i] != NULL)
      {
        virDomainAbortJob (v->migrations[i]->dom);
        migration_free (v->migrations[i]);
        v->migrations[i] = NULL;
      }
}

static VirtMigration *
migration_of (HerdDriver *drv, HerdId vm, GError **error)
{
  VirtMigration *mig = virt_of (drv)->migrations[vm];
  if (mig == NULL)
    g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                 "VM %s is not migrating", herd_model_vm (drv->model, vm)->name);
  return mig;
}

gboolean
herd_virt_read_job (virDomainPtr dom, unsigned int flags,
                    HerdMigrationStats *out)
{
  int type = VIR_DOMAIN_JOB_NONE, n = 0;
  virTypedParameterPtr params = NULL;
  if (virDomainGetJobStats (dom, &type, &params, &n,
                            flags | (flags & VIR_DOMAIN_JOB_STATS_COMPLETED
                                         ? VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED
                                         : 0))
      < 0)
    return FALSE;
  unsigned long long elapsed = 0, sent = 0, remaining = 0, iteration = 0,
                     downtime = 0;
  virTypedParamsGetULLong (params, n, VIR_DOMAIN_JOB_TIME_ELAPSED, &elapsed);
  virTypedParamsGetULLong (params, n, VIR_DOMAIN_JOB_DATA_PROCESSED, &sent);
  virTypedParamsGetULLong (params, n, VIR_DOMAIN_JOB_DATA_REMAINING,
                           &remaining);
  virTypedParamsGetULLong (params, n, VIR_DOMAIN_JOB_MEMORY_ITERATION,
                           &iteration);
  virTypedParamsGetULLong (params, n, VIR_DOMAIN_JOB_DOWNTIME, &downtime);
  virTypedParamsFree (params, n);
  if (type == VIR_DOMAIN_JOB_NONE)
    return FALSE;
  out->elapsed = (HerdTime) elapsed * HERD_MSEC (1);
  out->iteration = iteration > 0 ? (guint32) iteration - 1 : 0;
  out->bytes_sent = (gint64) sent;
  out->bytes_remaining = (gint64) remaining;
  out->downtime_ms = (guint32) downtime;
  return TRUE;
}

/* The job statistics are read in a thread of GLib's pool, one read at a
 * time: libvirt answers them only between the migration's own steps
 * (its job lock), which can take a while as the migration ends.  The
 * same thread first applies what the core asked for since (a downtime
 * budget, the switch to post-copy), so that no call on the source waits
 * on the main loop. */
typedef struct
{
  VirtMigration *mig;     /* touched on the main context only */
  virDomainPtr dom;       /* a reference of the read's own */
  char *vm_name;
  guint32 max_downtime_ms; /* a budget to apply (0: none), */
  gboolean applied;        /* applied */
  gboolean post_copy;      /* the switch to post-copy to make, */
  gboolean switched;       /* made, */
  gint64 switched_at_us;   /* when it was asked (monotonic) */
  HerdMigrationStats stats;
  gboolean read;
} JobRead;

static void
job_read_free (gpointer data)
{
  JobRead *r = data;
  virDomainFree (r->dom);
  g_free (r->vm_name);
  g_free (r);
}

static void
job_read_thread (gpointer data)
{
  JobRead *r = data;
  if (r->max_downtime_ms > 0)
    {
      r->applied
          = virDomainMigrateSetMaxDowntime (r->dom, r->max_downtime_ms, 0)
            == 0;
      if (!r->applied)
        g_message ("VM %s: setting the migration downtime: %s", r->vm_name,
                   virGetLastErrorMessage ());
    }
  if (r->post_copy)
    {
      r->switched_at_us = g_get_monotonic_time ();
      r->switched = virDomainMigrateStartPostCopy (r->dom, 0) == 0;
      if (!r->switched)
        g_message ("VM %s: switching to post-copy: %s", r->vm_name,
                   virGetLastErrorMessage ());
    }
  r->read = herd_virt_read_job (r->dom, 0, &r->stats);
}

static void
job_read_done (gpointer data)
{
  JobRead *r = data;
  VirtMigration *mig = r->mig;
  mig->polling = FALSE;
  if (mig->ended)
    {
      migration_free (mig);
      return;
    }
  if (mig->aborted)
    return;
  /* What the core asked for meanwhile is applied at the next read. */
  if (r->applied && r->max_downtime_ms == mig->max_downtime_ms)
    {
      mig->downtime_set = TRUE;
      g_message ("VM %s: migration downtime budget %u ms (after pass %u)",
                 r->vm_name, r->max_downtime_ms, mig->passes);
    }
  if (r->switched)
    {
      mig->post_copy = TRUE;
      mig->post_copy_since_us = r->switched_at_us;
    }
  if (!r->read)
    return;
  HerdMigrationStats stats = r->stats;
  stats.max_downtime_ms = mig->max_downtime_ms;
  stats.post_copy = mig->post_copy;
  mig->last = stats;
  /* stats.iteration counts the passes completed (libvirt's memory
   * iteration is 1 during the first): each new one is a pass that ended. */
  if (stats.iteration > mig->passes)
    {
      mig->passes = stats.iteration;
      herd_driver_emit_migration_progress (mig->v->drv, mig->vm, &stats);
    }
}

static gboolean
poll_job (gpointer data)
{
  VirtMigration *mig = data;
  if (mig->aborted || mig->polling)
    return G_SOURCE_CONTINUE;
  mig->polling = TRUE;
  JobRead *r = g_new0 (JobRead, 1);
  r->mig = mig;
  r->dom = mig->dom;
  virDomainRef (r->dom);
  r->vm_name = g_strdup (herd_model_vm (mig->v->drv->model, mig->vm)->name);
  r->max_downtime_ms = mig->downtime_set ? 0 : mig->max_downtime_ms;
  r->post_copy = mig->post_copy_asked && !mig->post_copy;
  r->stats = mig->last;
  herd_virt_in_thread (job_read_thread, job_read_done, r, job_read_free);
  return G_SOURCE_CONTINUE;
}

static gboolean
migration_ended (gpointer data)
{
  VirtMigration *mig = data;
  VirtDriver *v = mig->v;
  HerdId vm = mig->vm;
  g_thread_join (mig->thread);
  mig->thread = NULL;
  v->migrations[vm] = NULL;
  if (mig->aborted && mig->ok)
    g_warning ("VM %s: the migration to %s completed although aborted",
               herd_model_vm (v->drv->model, vm)->name,
               herd_model_host (v->drv->model, mig->destination)->name);
  if (mig->aborted)
    ;
  else if (!mig->ok)
    herd_driver_emit_migration_failed (v->drv, vm, mig->error);
  else
    {
      HerdMigrationStats done = mig->last;
      done.max_downtime_ms = mig->max_downtime_ms;
      done.post_copy = mig->post_copy;
      /* The post-copy phase: from the switch asked of QEMU to the end of
       * the job (the source stopped, the device state sent, then the VM
       * ran on its destination, pulling the pages it still lacked). */
      if (mig->post_copy)
        {
          gint64 phase_us = g_get_monotonic_time () - mig->post_copy_since_us;
          done.post_copy_time = HERD_USEC (phase_us);
          g_message ("VM %s: post-copy phase %" G_GINT64_FORMAT " ms",
                     herd_model_vm (v->drv->model, vm)->name,
                     phase_us / 1000);
        }
      herd_virt_migration_landed (v, vm, mig->destination, &done);
    }
  if (mig->polling)
    {
      /* the read under way frees it (job_read_done) */
      if (mig->poll_source != 0)
        g_source_remove (mig->poll_source);
      mig->poll_source = 0;
      mig->ended = TRUE;
    }
  else
    migration_free (mig);
  return G_SOURCE_REMOVE;
}

/* The migration holds a connection of its own to the source: calls on
 * the main connection (job statistics, host polls, other VMs) would wait
 * behind it for the whole migration. */
static gpointer
migration_thread (gpointer data)
{
  VirtMigration *mig = data;
  virConnectPtr conn = virConnectOpen (mig->source_uri);
  virDomainPtr dom = conn != NULL
                         ? virDomainLookupByName (conn,
                                                  virDomainGetName (mig->dom))
                         : NULL;
  mig->ok = dom != NULL
            && virDomainMigrateToURI3 (dom, mig->dest_uri, mig->params,
                                       mig->nparams, mig->flags)
                   == 0;
  if (!mig->ok)
    {
      const char *message = virGetLastErrorMessage ();
      mig->error = g_strdup (message != NULL ? message : "migration failed");
    }
  if (dom != NULL)
    virDomainFree (dom);
  if (conn != NULL)
    virConnectClose (conn);
  g_idle_add (migration_ended, mig); /* to the main context */
  return NULL;
}

static gboolean
virt_migration_start (HerdDriver *drv, HerdId vm, HerdId source,
                      HerdId destination, const HerdMigrationParams *params,
                      GError **error)
{
  VirtDriver *v = virt_of (drv);
  if (v->migrations[vm] != NULL)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                   "VM %s is already migrating",
                   herd_model_vm (drv->model, vm)->name);
      return FALSE;
    }
  if (herd_virt_conn (v, destination, error) == NULL)
    return FALSE;
  /* The destination must take the VM's lease when it resumes there. */
  if (herd_model_vm (drv->model, vm)->lease
      && !v->hosts[destination].lockspace_joined)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "no lease for VM %s: %s has not joined the lockspace",
                   herd_model_vm (drv->model, vm)->name,
                   herd_model_host (drv->model, destination)->name);
      return FALSE;
    }
  virDomainPtr dom = herd_virt_domain (v, source, vm, error);
  if (dom == NULL)
    return FALSE;
  VirtMigration *mig = g_new0 (VirtMigration, 1);
  mig->v = v;
  mig->vm = vm;
  mig->source = source;
  mig->destination = destination;
  mig->dom = dom;
  mig->source_uri = g_strdup (v->config->hosts[source].uri);
  mig->dest_uri = g_strdup (v->config->hosts[destination].uri);
  mig->max_downtime_ms = params->max_downtime_ms;
  int max = 0;
  /* libvirt's bandwidth is in MiB/s: the cap, rounded down, at least 1. */
  unsigned long long mib_s = MAX (params->bandwidth / (1024 * 1024), 1);
  virTypedParamsAddULLong (&mig->params, &mig->nparams, &max,
                           VIR_MIGRATE_PARAM_BANDWIDTH, mib_s);
  const char *migration_uri = v->config->hosts[destination].migration_uri;
  if (migration_uri != NULL)
    virTypedParamsAddString (&mig->params, &mig->nparams, &max,
                             VIR_MIGRATE_PARAM_URI, migration_uri);
  /* UNSAFE: storage domains are shared by definition (every host of the
   * data center reaches them), which libvirt cannot tell for a file
   * system it does not know as shared (a local directory standing for an
   * NFS export, in tests). */
  mig->flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER
               | VIR_MIGRATE_ABORT_ON_ERROR | VIR_MIGRATE_UNSAFE
               | (params->allow_post_copy ? VIR_MIGRATE_POSTCOPY : 0);
  mig->last.max_downtime_ms = params->max_downtime_ms;
  v->migrations[vm] = mig;
  mig->poll_source = g_timeout_add (
      (guint) (v->config->job_poll_interval / HERD_MSEC (1)), poll_job, mig);
  mig->thread = g_thread_new ("migration", migration_thread, mig);
  return TRUE;
}

/* Accepted at once: the next read of the job statistics applies it
 * (within job_poll_interval), in its thread. */
static gboolean
virt_migration_set_downtime (HerdDriver *drv, HerdId vm, guint32 ms,
                             GError **error)
{
  VirtMigration *mig = migration_of (drv, vm, error);
  if (mig == NULL)
    return FALSE;
  mig->max_downtime_ms = ms;
  mig->downtime_set = FALSE;
  return TRUE;
}

/* Accepted at once, as set_downtime. */
static gboolean
virt_migration_post_copy (HerdDriver *drv, HerdId vm, GError **error)
{
  VirtMigration *mig = migration_of (drv, vm, error);
  if (mig == NULL)
    return FALSE;
  mig->post_copy_asked = TRUE;
  return TRUE;
}

static gboolean
virt_migration_abort (HerdDriver *drv, HerdId vm, GError **error)
{
  VirtMigration *mig = migration_of (drv, vm, error);
  if (mig == NULL)
    return FALSE;
  if (virDomainAbortJob (mig->dom) < 0)
    {
      herd_virt_set_error (error, "aborting the migration");
      return FALSE;
    }
  mig->aborted = TRUE;
  return TRUE;
}

static gboolean
virt_migration_job_stats (HerdDriver *drv, HerdId vm,
                          HerdMigrationStats *out, GError **error)
{
  VirtMigration *mig = migration_of (drv, vm, error);
  if (mig == NULL)
    return FALSE;
  /* The last reading (every job_poll_interval, in a thread). */
  *out = mig->last;
  out->max_downtime_ms = mig->max_downtime_ms;
  out->post_copy = mig->post_copy;
  return TRUE;
}

const HerdMigrationOps herd_virt_migration = {
  .start = virt_migration_start,
  .set_downtime = virt_migration_set_downtime,
  .post_copy = virt_migration_post_copy,
  .abort = virt_migration_abort,
  .job_stats = virt_migration_job_stats,
};
