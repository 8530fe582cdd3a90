/* virt-hosts.c: one libvirt connection per host, its events, its VMs and
 * its statistics.
 *
 * libvirt delivers domain events and connection loss through its event
 * loop: its default implementation (virEventRegisterDefaultImpl) is
 * GLib's default main context, so the main loop runs it; no thread of
 * ours iterates it (one that did took turns owning the context with the
 * main loop, and herd's callbacks ran on either thread).  The callbacks
 * copy what happened and hand it on (an idle source), where the core's
 * events are raised.  Calls that wait on a host run in worker threads,
 * which do their own I/O and keepalive while they wait.  Each connection
 * sends keepalives (every second, three unanswered close it): a host
 * whose libvirtd dies or stops answering is reported unreachable, and the
 * driver tries to connect again every reconnect_interval until it
 * answers.  Connecting runs in a thread (connect_start), never on the
 * main loop: a libvirtd that accepts
 * and never answers holds only that thread, its host is reported
 * unreachable after CONNECT_TIMEOUT_MS, and no second attempt starts
 * before the first ends.
 *
 * Statistics: node CPU (busy share of the counters since the previous
 * poll, times the host's CPUs), node memory (free + buffers + cached), the
 * number of running domains, and each domain's cpu.time through
 * virConnectGetAllDomainStats (CPU in use per VM since the last poll). */
#include "drivers/virt/virt-private.h"

#include <libvirt/virterror.h>
#include <string.h>

/* How long a connection attempt may go unanswered before a host that never
 * answered is reported unreachable. */
#define CONNECT_TIMEOUT_MS 10000

enum
{
  EV_LIFECYCLE,
  EV_IO_ERROR,
  EV_THRESHOLD,
  EV_CLOSED,
};

/* One libvirt callback's news, on its way to the main context. */
typedef struct
{
  VirtDriver *v;
  HerdId host;
  int kind;
  char *vm_name;
  int event, detail;
  char *reason; /* EV_IO_ERROR: libvirt's reason ("enospc", ...) */
  char *dev;    /* EV_IO_ERROR: the disk's source; EV_THRESHOLD: target */
} VirtEvent;

void
herd_virt_set_error (GError **error, const char *what)
{
  const char *message = virGetLastErrorMessage ();
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED, "%s: %s",
               what, message != NULL ? message : "unknown libvirt error");
}

static void
ignore_libvirt_error (void *data, virErrorPtr error)
{
  /* Errors are fetched with virGetLastErrorMessage where they matter;
   * libvirt's default handler would print them all to stderr. */
}

static void
event_free (VirtEvent *e)
{
  g_free (e->vm_name);
  g_free (e->reason);
  g_free (e->dev);
  g_free (e);
}

static void emit_unreachable (VirtDriver *v, HerdId host);

/* Calls that wait on a host's libvirtd or sanlock daemon, or on its
 * storage (starting a VM: its disks, its lease slot, its QEMU; stopping
 * one; detaching a stopped VM's LVs) run in the host's worker thread, one at
 * a time in the order asked, never on the main loop; each answer comes
 * back to the main context (host_job_done).  A job holds its own
 * reference to the host's connection. */
typedef enum
{
  JOB_START,
  JOB_STOP,
  JOB_DOWN,
  JOB_STATS,
  JOB_LAND,
  JOB_ERRAND, /* herd_virt_host_errand */
} HostJobKind;

typedef struct
{
  VirtHost *h;
  HostJobKind kind;
  HerdId vm;
  virConnectPtr conn; /* a reference (all but JOB_DOWN) */
  char *error;        /* why it failed */
  HerdHostStats stats; /* JOB_STATS: what it read, */
  GArray *samples;    /* the VMs' counters (VmCounters), */
  gint64 at_us;       /* when, */
  gboolean reset;     /* its CPU counters start again (a new connection) */
  gboolean gone;      /* JOB_STOP: the domain was not there */
  HerdMigrationStats done; /* JOB_LAND: the migration's statistics */
  GStrv devices;      /* JOB_DOWN: the LVs' loop devices to detach */
  void (*work) (gpointer data); /* JOB_ERRAND: in the worker, */
  gpointer data;
  GDestroyNotify free;          /* then this, on the main context */
} HostJob;

static HostJob *host_job_new (VirtHost *h, HostJobKind kind, HerdId vm,
                              virConnectPtr conn);
static void stats_read (VirtHost *h);

static gboolean
event_dispatch (gpointer data)
{
  VirtEvent *e = data;
  VirtDriver *v = e->v;
  HerdDriver *drv = v->drv;
  HerdId vm = e->vm_name != NULL ? herd_model_find_vm (drv->model, e->vm_name)
                                 : HERD_ID_NONE;
  switch (e->kind)
    {
    case EV_CLOSED:
      emit_unreachable (v, e->host);
      break;
    case EV_IO_ERROR:
      if (vm == HERD_ID_NONE)
        break;
      v->vm_pause_reason[vm] = g_strcmp0 (e->reason, "enospc") == 0
                                   ? HERD_PAUSE_ENOSPC
                                   : HERD_PAUSE_EIO;
      if (v->vm_pause_reason[vm] == HERD_PAUSE_ENOSPC)
        herd_virt_volume_needs_space (v, vm, e->dev);
      break;
    case EV_THRESHOLD:
      if (vm != HERD_ID_NONE)
        herd_virt_volume_needs_space (v, vm, e->dev);
      break;
    case EV_LIFECYCLE:
      /* During a migration only a QEMU that dies is news (the rest is the
       * migration's, which its thread reports). */
      if (vm == HERD_ID_NONE
          || (herd_virt_migrating (v, vm)
              && !(e->event == VIR_DOMAIN_EVENT_CRASHED
                   || (e->event == VIR_DOMAIN_EVENT_STOPPED
                       && (e->detail == VIR_DOMAIN_EVENT_STOPPED_FAILED
                           || e->detail
                                  == VIR_DOMAIN_EVENT_STOPPED_CRASHED)))))
        break;
      switch (e->event)
        {
        case VIR_DOMAIN_EVENT_STARTED:
          if (e->detail == VIR_DOMAIN_EVENT_STARTED_MIGRATED)
            break;
          v->vm_pause_reason[vm] = HERD_PAUSE_NONE;
          herd_driver_emit_vm_state (drv, vm, e->host, HERD_VM_UP,
                                     HERD_PAUSE_NONE);
          herd_virt_vm_thresholds (v, e->host, vm);
          break;
        case VIR_DOMAIN_EVENT_RESUMED:
          /* QEMU starts paused and resumes: only a resume after a pause
           * the driver reported is news. */
          if (v->vm_pause_reason[vm] == HERD_PAUSE_NONE)
            break;
          v->vm_pause_reason[vm] = HERD_PAUSE_NONE;
          herd_driver_emit_vm_state (drv, vm, e->host, HERD_VM_UP,
                                     HERD_PAUSE_NONE);
          break;
        case VIR_DOMAIN_EVENT_SUSPENDED:
          if (e->detail == VIR_DOMAIN_EVENT_SUSPENDED_IOERROR)
            {
              if (v->vm_pause_reason[vm] == HERD_PAUSE_NONE)
                v->vm_pause_reason[vm] = HERD_PAUSE_EIO;
            }
          else if (e->detail == VIR_DOMAIN_EVENT_SUSPENDED_PAUSED)
            v->vm_pause_reason[vm] = HERD_PAUSE_USER;
          else
            break;
          herd_driver_emit_vm_state (drv, vm, e->host, HERD_VM_PAUSED,
                                     v->vm_pause_reason[vm]);
          if (v->vm_pause_reason[vm] == HERD_PAUSE_EIO)
            herd_virt_vm_paused_eio (v, e->host, vm);
          break;
        case VIR_DOMAIN_EVENT_STOPPED:
          if (e->detail == VIR_DOMAIN_EVENT_STOPPED_MIGRATED)
            break;
          /* fall through */
        case VIR_DOMAIN_EVENT_CRASHED:
          /* Its LVs detached (in the host's worker), then the news: the
           * core may start it elsewhere once Down (its lease ended with
           * its QEMU). */
          herd_virt_vm_meter_reset (v, vm);
          {
            HostJob *job = host_job_new (&v->hosts[e->host], JOB_DOWN, vm,
                                         NULL);
            job->devices = herd_virt_vm_volumes_take (v, vm);
            g_thread_pool_push (v->hosts[e->host].worker, job, NULL);
          }
          break;
        default:
          break;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  event_free (e);
  return G_SOURCE_REMOVE;
}

static void
post (VirtHost *h, int kind, virDomainPtr dom, int event, int detail,
      const char *reason, const char *dev)
{
  VirtEvent *e = g_new0 (VirtEvent, 1);
  *e = (VirtEvent){ h->v, h->id, kind,
                    dom != NULL ? g_strdup (virDomainGetName (dom)) : NULL,
                    event, detail, g_strdup (reason), g_strdup (dev) };
  g_idle_add (event_dispatch, e); /* thread-safe */
}

static int
on_lifecycle (virConnectPtr conn, virDomainPtr dom, int event, int detail,
              void *opaque)
{
  post (opaque, EV_LIFECYCLE, dom, event, detail, NULL, NULL);
  return 0;
}

static void
on_io_error (virConnectPtr conn, virDomainPtr dom, const char *src_path,
             const char *dev_alias, int action, const char *reason,
             void *opaque)
{
  post (opaque, EV_IO_ERROR, dom, action, 0, reason, src_path);
}

static void
on_threshold (virConnectPtr conn, virDomainPtr dom, const char *dev,
              const char *path, unsigned long long threshold,
              unsigned long long excess, void *opaque)
{
  post (opaque, EV_THRESHOLD, dom, 0, 0, NULL, dev);
}

static void
on_close (virConnectPtr conn, int reason, void *opaque)
{
  post (opaque, EV_CLOSED, NULL, reason, 0, NULL, NULL);
}

/* A connection attempt: virConnectOpen and every call that registers the
 * connection's callbacks wait as long as the host's libvirtd does (one that
 * accepts and never answers would hold them for ever), so they run in a
 * thread of GLib's pool, at most one attempt per host at a time, and the
 * answer comes back to the main context (connect_done). */
typedef struct
{
  VirtHost *h;
  char *uri;
  virConnectPtr conn;    /* NULL: failed */
  int event_ids[3];
  char *message;         /* why it failed */
} ConnectAttempt;

static void
attempt_free (gpointer data)
{
  ConnectAttempt *a = data;
  g_free (a->uri);
  g_free (a->message);
  g_free (a);
}

static void
connect_thread (gpointer data)
{
  ConnectAttempt *a = data;
  VirtHost *h = a->h;
  virConnectPtr conn = virConnectOpen (a->uri);
  if (conn == NULL)
    {
      const char *message = virGetLastErrorMessage ();
      a->message = g_strdup_printf ("connecting %s: %s", a->uri,
                                    message != NULL ? message
                                                    : "unknown libvirt error");
      return;
    }
  virConnectSetKeepAlive (conn, 1, 3);
  virConnectRegisterCloseCallback (conn, on_close, h, NULL);
  a->event_ids[0] = virConnectDomainEventRegisterAny (
      conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
      VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle), h, NULL);
  a->event_ids[1] = virConnectDomainEventRegisterAny (
      conn, NULL, VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON,
      VIR_DOMAIN_EVENT_CALLBACK (on_io_error), h, NULL);
  a->event_ids[2] = virConnectDomainEventRegisterAny (
      conn, NULL, VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD,
      VIR_DOMAIN_EVENT_CALLBACK (on_threshold), h, NULL);
  a->conn = conn;
}

static void
host_close (VirtHost *h)
{
  if (h->conn == NULL)
    return;
  virConnectUnregisterCloseCallback (h->conn, on_close);
  for (guint i = 0; i < G_N_ELEMENTS (h->event_ids); i++)
    if (h->event_ids[i] >= 0)
      virConnectDomainEventDeregisterAny (h->conn, h->event_ids[i]);
  for (guint i = 0; i < G_N_ELEMENTS (h->event_ids); i++)
    h->event_ids[i] = -1;
  virConnectClose (h->conn);
  h->conn = NULL;
}

static gboolean reconnect (gpointer data);

static void
schedule_reconnect (VirtDriver *v, VirtHost *h)
{
  if (h->retry_source == 0)
    h->retry_source = g_timeout_add (
        (guint) (v->config->reconnect_interval / HERD_MSEC (1)), reconnect,
        h);
}

static void
emit_unreachable (VirtDriver *v, HerdId host)
{
  VirtHost *h = &v->hosts[host];
  if (h->conn == NULL)
    return; /* already known */
  host_close (h);
  herd_driver_emit_host_unreachable (v->drv, host);
  schedule_reconnect (v, h);
}

/* A host that has never answered is reported unreachable once (at its
 * first failed or overdue attempt): the manager watches it as any host
 * that stopped answering (a restored Up host is then fenced, its HA VMs
 * restarted). */
static void
first_unreachable (VirtHost *h)
{
  if (h->connected_once || h->reported_unreachable)
    return;
  h->reported_unreachable = TRUE;
  herd_driver_emit_host_unreachable (h->v->drv, h->id);
}

static void
connect_done (gpointer data)
{
  ConnectAttempt *a = data;
  VirtHost *h = a->h;
  VirtDriver *v = h->v;
  h->connecting = FALSE;
  if (h->connect_deadline != 0)
    g_source_remove (h->connect_deadline);
  h->connect_deadline = 0;
  if (h->dropped)
    {
      h->conn = a->conn;
      memcpy (h->event_ids, a->event_ids, sizeof h->event_ids);
      host_close (h);
      return;
    }
  if (a->conn != NULL && virConnectIsAlive (a->conn) == 1)
    {
      h->conn = a->conn;
      memcpy (h->event_ids, a->event_ids, sizeof h->event_ids);
      h->stats_reset = TRUE;
      h->stats_valid = FALSE;
      /* its domains are read afresh (a host back after a crash did not
       * read them while it was away) */
      herd_virt_monitor_forget (v, h->id);
      /* and its lockspace asked afresh (its sanlock may have restarted) */
      h->lockspace_joined = FALSE;
      herd_virt_lockspace_check (v, h->id);
      stats_read (h);
      if (h->retry_source != 0)
        g_source_remove (h->retry_source);
      h->retry_source = 0;
      h->connected_once = TRUE;
      herd_driver_emit_host_reachable (v->drv, h->id);
      return;
    }
  if (a->conn != NULL)
    {
      /* Closed between the attempt and its answer: its close callback
       * found no connection to report; try again. */
      a->message = g_strdup_printf ("connecting %s: closed at once", a->uri);
      h->conn = a->conn;
      memcpy (h->event_ids, a->event_ids, sizeof h->event_ids);
      host_close (h);
    }
  if (!h->connected_once && !h->reported_unreachable)
    g_warning ("host %s: %s (trying again every %" G_GINT64_FORMAT " ms)",
               herd_model_host (v->drv->model, h->id)->name, a->message,
               v->config->reconnect_interval / HERD_MSEC (1));
  first_unreachable (h);
  schedule_reconnect (v, h);
}

/* An attempt that has not answered within CONNECT_TIMEOUT_MS: the host is
 * reported unreachable if it never answered before (a lost host already
 * is); the attempt goes on, and no other starts until it ends. */
static gboolean
connect_overdue (gpointer data)
{
  VirtHost *h = data;
  h->connect_deadline = 0;
  if (!h->connected_once && !h->reported_unreachable)
    g_warning ("host %s: %s does not answer after %d s (still trying)",
               herd_model_host (h->v->drv->model, h->id)->name,
               h->v->config->hosts[h->id].uri, CONNECT_TIMEOUT_MS / 1000);
  first_unreachable (h);
  return G_SOURCE_REMOVE;
}

static void
connect_start (VirtHost *h)
{
  if (h->connecting || h->conn != NULL)
    return;
  h->connecting = TRUE;
  ConnectAttempt *a = g_new0 (ConnectAttempt, 1);
  a->h = h;
  a->uri = g_strdup (h->v->config->hosts[h->id].uri);
  for (guint i = 0; i < G_N_ELEMENTS (a->event_ids); i++)
    a->event_ids[i] = -1;
  herd_virt_in_thread (connect_thread, connect_done, a, attempt_free);
  h->connect_deadline = g_timeout_add (CONNECT_TIMEOUT_MS, connect_overdue, h);
}

static gboolean
reconnect (gpointer data)
{
  connect_start (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
virt_connect (HerdDriver *drv, HerdId host, GError **error)
{
  VirtHost *h = &virt_of (drv)->hosts[host];
  h->dropped = FALSE;
  connect_start (h);
  return TRUE;
}

/* A host removed, or about to be reinstalled: its connection closes, no
 * attempt is retried, an attempt under way is closed when it answers, and
 * a later connect starts as at a first start. */
static gboolean
virt_disconnect (HerdDriver *drv, HerdId host, GError **error)
{
  VirtHost *h = &virt_of (drv)->hosts[host];
  h->dropped = TRUE;
  if (h->retry_source != 0)
    g_source_remove (h->retry_source);
  if (h->connect_deadline != 0)
    g_source_remove (h->connect_deadline);
  h->retry_source = h->connect_deadline = 0;
  host_close (h);
  h->connected_once = h->reported_unreachable = FALSE;
  h->stats_valid = FALSE;
  herd_virt_monitor_forget (virt_of (drv), host);
  return TRUE;
}

static gboolean
virt_vm_remove (HerdDriver *drv, HerdId vm, GError **error)
{
  return herd_virt_vm_volumes_remove (virt_of (drv), vm, error);
}

static gboolean
virt_domain_added (HerdDriver *drv, HerdId domain, GError **error)
{
  return herd_virt_domain_added (virt_of (drv), domain, error);
}

virConnectPtr
herd_virt_conn (VirtDriver *v, HerdId host, GError **error)
{
  if (v->hosts[host].conn != NULL)
    return v->hosts[host].conn;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_UNREACHABLE,
               "host %s is unreachable",
               herd_model_host (v->drv->model, host)->name);
  return NULL;
}

virDomainPtr
herd_virt_domain (VirtDriver *v, HerdId host, HerdId vm, GError **error)
{
  virConnectPtr conn = herd_virt_conn (v, host, error);
  if (conn == NULL)
    return NULL;
  const char *name = herd_model_vm (v->drv->model, vm)->name;
  virDomainPtr dom = virDomainLookupByName (conn, name);
  if (dom == NULL)
    {
      g_autofree char *what = g_strdup_printf (
          "VM %s on host %s", name,
          herd_model_host (v->drv->model, host)->name);
      herd_virt_set_error (error, what);
    }
  return dom;
}

/* Node CPU in use (millicores) since the previous poll. */
static gint64
node_cpu_mc (virConnectPtr conn, VirtHost *h, guint cpus)
{
  int n = 0;
  if (virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0)
          < 0
      || n <= 0)
    return 0;
  g_autofree virNodeCPUStatsPtr params = g_new0 (virNodeCPUStats, n);
  if (virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0)
      < 0)
    return 0;
  guint64 total = 0, idle = 0;
  for (int i = 0; i < n; i++)
    {
      if (g_strcmp0 (params[i].field, VIR_NODE_CPU_STATS_UTILIZATION) == 0)
        continue;
      total += params[i].value;
      if (g_strcmp0 (params[i].field, VIR_NODE_CPU_STATS_IDLE) == 0
          || g_strcmp0 (params[i].field, VIR_NODE_CPU_STATS_IOWAIT) == 0)
        idle += params[i].value;
    }
  gint64 mc = 0;
  if (h->cpu_total_prev != 0 && total > h->cpu_total_prev)
    {
      double busy = 1.0 - (double) (idle - h->cpu_idle_prev)
                              / (double) (total - h->cpu_total_prev);
      mc = (gint64) (CLAMP (busy, 0.0, 1.0) * cpus * 1000.0);
    }
  h->cpu_total_prev = total;
  h->cpu_idle_prev = idle;
  return mc;
}

static gint64
node_free_mib (virConnectPtr conn)
{
  int n = 0;
  if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL,
                             &n, 0)
          < 0
      || n <= 0)
    return 0;
  g_autofree virNodeMemoryStatsPtr params = g_new0 (virNodeMemoryStats, n);
  if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, params,
                             &n, 0)
      < 0)
    return 0;
  guint64 kib = 0;
  for (int i = 0; i < n; i++)
    if (g_strcmp0 (params[i].field, VIR_NODE_MEMORY_STATS_FREE) == 0
        || g_strcmp0 (params[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) == 0
        || g_strcmp0 (params[i].field, VIR_NODE_MEMORY_STATS_CACHED) == 0)
      kib += params[i].value;
  return (gint64) (kib / 1024);
}

/* One running VM's counters, as a host's statistics read them. */
typedef struct
{
  HerdId vm;
  unsigned long long cpu_ns, written, transferred;
  gint64 mem_used_mib; /* -1: not reported */
  guint n_disks;
  gint64 disk_mib[HERD_VM_USAGE_DISKS]; /* -1: not reported */
} VmCounters;

/* The sum of the "PREFIX.N.SUFFIX" counters of a stats record
 * (block.0.wr.bytes, net.1.rx.bytes, ...). */
static unsigned long long
counters_sum (const virDomainStatsRecord *r, const char *prefix,
              const char *suffix)
{
  unsigned int count = 0;
  g_autofree char *count_name = g_strdup_printf ("%s.count", prefix);
  virTypedParamsGetUInt (r->params, r->nparams, count_name, &count);
  unsigned long long sum = 0;
  for (unsigned int i = 0; i < count; i++)
    {
      unsigned long long value = 0;
      g_autofree char *name = g_strdup_printf ("%s.%u.%s", prefix, i,
                                               suffix);
      if (virTypedParamsGetULLong (r->params, r->nparams, name, &value) > 0)
        sum += value;
    }
  return sum;
}

/* Each disk's allocation from a stats record into c: block.N.name is
 * the disk's target, vda for its first disk (virt-storage.c), and
 * block.N.allocation what its volume holds. */
static void
disks_read (const virDomainStatsRecord *r, VmCounters *c)
{
  unsigned int count = 0;
  virTypedParamsGetUInt (r->params, r->nparams, "block.count", &count);
  for (guint k = 0; k < HERD_VM_USAGE_DISKS; k++)
    c->disk_mib[k] = -1;
  for (unsigned int i = 0; i < count; i++)
    {
      const char *target = NULL;
      unsigned long long bytes = 0;
      g_autofree char *name = g_strdup_printf ("block.%u.name", i);
      g_autofree char *allocation = g_strdup_printf ("block.%u.allocation",
                                                     i);
      if (virTypedParamsGetString (r->params, r->nparams, name, &target) <= 0
          || target == NULL || !g_str_has_prefix (target, "vd")
          || target[2] < 'a' || target[3] != '\0'
          || virTypedParamsGetULLong (r->params, r->nparams, allocation,
                                      &bytes)
                 <= 0)
        continue;
      guint k = (guint) (target[2] - 'a');
      if (k >= HERD_VM_USAGE_DISKS)
        continue;
      c->disk_mib[k] = (gint64) ((bytes + (1 << 20) - 1) >> 20);
      c->n_disks = MAX (c->n_disks, k + 1);
    }
}

/* Memory in use: what the guest's balloon driver reports (available less
 * unused, as oVirt's memory usage), else the QEMU process's resident
 * memory; -1 when neither is there. */
static gint64
memory_used_mib (const virDomainStatsRecord *r)
{
  unsigned long long available = 0, unused = 0, rss = 0;
  if (virTypedParamsGetULLong (r->params, r->nparams, "balloon.available",
                               &available)
          > 0
      && virTypedParamsGetULLong (r->params, r->nparams, "balloon.unused",
                                  &unused)
             > 0
      && available >= unused)
    return (gint64) ((available - unused) / 1024);
  if (virTypedParamsGetULLong (r->params, r->nparams, "balloon.rss", &rss)
      > 0)
    return (gint64) (rss / 1024);
  return -1;
}

/* In the host's worker: each running VM's counters (samples); returns how
 * many domains run.  NOWAIT: a VM busy with a job (a migration) is
 * skipped rather than waited for. */
static guint32
domain_counters_read (virConnectPtr conn, HerdModel *model, GArray *samples)
{
  virDomainStatsRecordPtr *records = NULL;
  int n = virConnectGetAllDomainStats (
      conn,
      VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON
          | VIR_DOMAIN_STATS_BLOCK | VIR_DOMAIN_STATS_INTERFACE,
      &records,
      VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE
          | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
  if (n < 0)
    return 0;
  for (int i = 0; i < n; i++)
    {
      const virDomainStatsRecord *r = records[i];
      VmCounters c = {
        .vm = herd_model_find_vm (model, virDomainGetName (r->dom)),
        .written = counters_sum (r, "block", "wr.bytes"),
        .transferred = counters_sum (r, "net", "rx.bytes")
                       + counters_sum (r, "net", "tx.bytes"),
        .mem_used_mib = memory_used_mib (r),
      };
      disks_read (r, &c);
      if (c.vm != HERD_ID_NONE
          && virTypedParamsGetULLong (r->params, r->nparams, "cpu.time",
                                      &c.cpu_ns)
                 > 0)
        g_array_append_val (samples, c);
    }
  virDomainStatsRecordListFree (records);
  return (guint32) n;
}

void
herd_virt_vm_meter_reset (VirtDriver *v, HerdId vm)
{
  v->vm_meters[vm] = (VirtVmMeter){
    .usage = { .cpu_mc = -1, .mem_used_mib = -1, .disk_write_bps = -1,
               .net_bps = -1 },
  };
}

/* A counter's rate per second over elapsed_us, or -1 if it went back (the
 * VM started again) or there is no earlier reading. */
static double
rate_per_s (guint64 now, guint64 before, gboolean counted, gint64 elapsed_us)
{
  if (!counted || elapsed_us <= 0 || now < before)
    return -1;
  return (double) (now - before) * 1e6 / (double) elapsed_us;
}

/* On the main context: what each VM used since the previous poll.  Only
 * the host the VM runs on counts (during a migration the destination
 * lists it too, with counters of its own), and counters read on another
 * host start again. */
static void
domain_usage_apply (VirtDriver *v, VirtHost *h, const GArray *samples,
                    gint64 at_us)
{
  for (guint i = 0; i < samples->len; i++)
    {
      const VmCounters *c = &g_array_index (samples, VmCounters, i);
      VirtVmMeter *m = &v->vm_meters[c->vm];
      if (herd_model_vm (v->drv->model, c->vm)->host != h->id)
        continue;
      if (m->counted_on != h->id || h->stats_reset)
        m->counted = FALSE;
      gint64 elapsed_us = at_us - m->read_at;
      double cpu_ns_per_s = rate_per_s (c->cpu_ns, m->cpu_ns, m->counted,
                                        elapsed_us);
      if (cpu_ns_per_s >= 0)
        m->usage.cpu_mc = (gint64) (cpu_ns_per_s / 1e6);
      double written = rate_per_s (c->written, m->written, m->counted,
                                   elapsed_us);
      double transferred = rate_per_s (c->transferred, m->transferred,
                                       m->counted, elapsed_us);
      if (written >= 0)
        m->usage.disk_write_bps = written;
      if (transferred >= 0)
        m->usage.net_bps = transferred;
      m->usage.mem_used_mib = c->mem_used_mib;
      m->usage.n_disks = c->n_disks;
      memcpy (m->usage.disk_mib, c->disk_mib, sizeof c->disk_mib);
      m->cpu_ns = c->cpu_ns;
      m->written = c->written;
      m->transferred = c->transferred;
      m->counted = TRUE;
      m->counted_on = h->id;
      m->read_at = at_us;
    }
  h->stats_reset = FALSE;
}

/* The networks whose NIC on the host (its nics key) is not up, as the
 * host's libvirt sees the NIC (its interface driver: active when the
 * link's operstate is up; a NIC it does not have is down): VDSM reports
 * each NIC's link with the host's statistics, and the manager acts on the
 * required networks' (behaviour.md §10).  A libvirt that cannot tell (no
 * interface driver) leaves the network as it is, with a message. */
static HerdNetworkSet
networks_down (VirtHost *h, virConnectPtr conn)
{
  char *const *nics = h->v->config->hosts[h->id].nics;
  HerdModel *model = h->v->drv->model;
  HerdNetworkSet down = 0;
  for (guint n = 0; nics != NULL && n < model->networks->len; n++)
    {
      if (nics[n] == NULL)
        continue;
      virInterfacePtr nic = virInterfaceLookupByName (conn, nics[n]);
      int active = nic != NULL ? virInterfaceIsActive (nic) : -1;
      if (active == 0
          || (nic == NULL && virGetLastErrorCode () == VIR_ERR_NO_INTERFACE))
        down |= G_GUINT64_CONSTANT (1) << herd_model_network (model, n)->bit;
      else if (active < 0)
        g_message ("host %s: the link of NIC %s (network %s) is unknown: %s",
                   herd_model_host (model, h->id)->name, nics[n],
                   herd_model_network (model, n)->name,
                   virGetLastErrorMessage ());
      if (nic != NULL)
        virInterfaceFree (nic);
    }
  return down;
}

/* In the host's worker: the host's statistics (node CPU and memory, the
 * VMs' CPU time into samples, its networks' links); FALSE if libvirt does
 * not answer. */
static gboolean
host_stats_read (VirtHost *h, virConnectPtr conn, HerdHostStats *out,
                 GArray *samples)
{
  virNodeInfo info;
  if (virNodeGetInfo (conn, &info) < 0)
    return FALSE;
  *out = (HerdHostStats){ 0 };
  out->cpu_used_mc = node_cpu_mc (conn, h, info.cpus);
  out->mem_free_mib = node_free_mib (conn);
  out->vm_count = domain_counters_read (conn, h->v->drv->model, samples);
  out->networks_down = networks_down (h, conn);
  return TRUE;
}

/* The host's last statistics, read by its worker every VdsRefreshRate
 * (stats_tick) and when it connects: none yet is a failure. */
static gboolean
virt_poll_stats (HerdDriver *drv, HerdId host, HerdHostStats *out,
                 GError **error)
{
  VirtDriver *v = virt_of (drv);
  VirtHost *h = &v->hosts[host];
  if (herd_virt_conn (v, host, error) == NULL)
    return FALSE;
  if (!h->stats_valid)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "host %s: no statistics yet",
                   herd_model_host (drv->model, host)->name);
      return FALSE;
    }
  *out = h->stats;
  /* Joined, not checked live (sanlock's renewal state is not read). */
  out->lockspace_down = !h->lockspace_joined;
  out->domains_trouble = herd_virt_domains_trouble (v, host);
  return TRUE;
}

static gboolean
virt_vm_stats (HerdDriver *drv, HerdId vm, gint64 *cpu_used_mc,
               GError **error)
{
  gint64 mc = virt_of (drv)->vm_meters[vm].usage.cpu_mc;
  if (mc < 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "VM %s: no CPU measurement yet",
                   herd_model_vm (drv->model, vm)->name);
      return FALSE;
    }
  *cpu_used_mc = mc;
  return TRUE;
}

static gboolean
virt_vm_usage (HerdDriver *drv, HerdId vm, HerdVmUsage *out, GError **error)
{
  const VirtVmMeter *m = &virt_of (drv)->vm_meters[vm];
  if (m->usage.cpu_mc < 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "VM %s: not measured yet",
                   herd_model_vm (drv->model, vm)->name);
      return FALSE;
    }
  *out = m->usage;
  return TRUE;
}

/* A UUID for the VM from its name, so that it keeps one across starts. */
static char *
vm_uuid (const char *name)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1,
                                                        name, -1);
  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", sum, sum + 8,
                          sum + 12, sum + 16, sum + 20);
}

static char *
domain_xml (VirtDriver *v, HerdId host, HerdId vm_id, GError **error)
{
  const HerdVm *vm = herd_model_vm (v->drv->model, vm_id);
  g_autofree char *uuid = vm_uuid (vm->name);
  const HerdVirtVm *how = &v->config->vms[vm_id];
  g_autofree char *boot = NULL;
  if (how->kernel != NULL)
    {
      g_autofree char *kernel = g_markup_escape_text (how->kernel, -1);
      g_autofree char *initrd = g_markup_escape_text (
          how->initrd != NULL ? how->initrd : "", -1);
      g_autofree char *cmdline = g_markup_escape_text (
          how->cmdline != NULL ? how->cmdline : "", -1);
      boot = g_strdup_printf ("<kernel>%s</kernel>%s%s%s<cmdline>%s</cmdline>",
                              kernel, how->initrd != NULL ? "<initrd>" : "",
                              initrd, how->initrd != NULL ? "</initrd>" : "",
                              cmdline);
    }
  else
    boot = g_strdup ("<boot dev='hd'/><boot dev='network'/>");
  g_autoptr (GString) xml = g_string_new (NULL);
  g_string_append_printf (
      xml,
      "<domain type='%s'>\n"
      "  <name>%s</name>\n"
      "  <uuid>%s</uuid>\n"
      "  <memory unit='MiB'>%" G_GINT64_FORMAT "</memory>\n"
      "  <vcpu>%u</vcpu>\n"
      "  <os><type arch='x86_64' machine='pc'>hvm</type>%s</os>\n"
      "  <features><acpi/></features>\n"
      "  <clock offset='utc'/>\n"
      "  <on_poweroff>destroy</on_poweroff>\n"
      "  <on_reboot>restart</on_reboot>\n"
      "  <on_crash>destroy</on_crash>\n"
      "  <devices>\n"
      "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n",
      v->domain_type, vm->name, uuid, vm->memory_mib, vm->vcpus, boot);
  if (!herd_virt_vm_disks (v, vm_id, xml, error)
      || !herd_virt_vm_lease_xml (v, host, vm_id, xml, error))
    return NULL;
  /* A vNIC on each of its networks' bridges. */
  HerdModel *model = v->drv->model;
  HerdId dc = herd_model_cluster (model, vm->cluster)->datacenter;
  for (guint n = 0; n < model->networks->len; n++)
    {
      const HerdNetwork *net = herd_model_network (model, n);
      if (net->datacenter != dc || !((vm->networks >> net->bit) & 1))
        continue;
      g_autofree char *bridge = g_markup_escape_text (v->config->bridges[n],
                                                      -1);
      g_string_append_printf (xml,
                              "    <interface type='bridge'><source "
                              "bridge='%s'/><model type='virtio'/>"
                              "</interface>\n",
                              bridge);
    }
  g_string_append (xml,
                   "    <serial type='pty'><target port='0'/></serial>\n"
                   "    <console type='pty'><target type='serial' "
                   "port='0'/></console>\n"
                   "    <controller type='usb' model='none'/>\n"
                   "    <memballoon model='none'/>\n"
                   "  </devices>\n"
                   "</domain>\n");
  return g_string_free (g_steal_pointer (&xml), FALSE);
}

static gboolean
host_job_done (gpointer data)
{
  HostJob *job = data;
  VirtDriver *v = job->h->v;
  HerdId host = job->h->id;
  switch (job->kind)
    {
    case JOB_START:
      if (job->error == NULL)
        break;
      herd_virt_vm_volumes_down (v, job->vm);
      herd_driver_emit_vm_start_failed (v->drv, job->vm, host, job->error);
      break;
    case JOB_STOP:
      /* No such domain: it never started, or has ended; either way it is
       * Down here (a start that failed meanwhile was a stopped VM's). */
      if (job->gone)
        {
          herd_virt_vm_volumes_down (v, job->vm);
          herd_driver_emit_vm_state (v->drv, job->vm, host, HERD_VM_DOWN,
                                     HERD_PAUSE_NONE);
        }
      else if (job->error != NULL)
        g_warning ("VM %s on %s: %s",
                   herd_model_vm (v->drv->model, job->vm)->name,
                   herd_model_host (v->drv->model, host)->name, job->error);
      break;
    case JOB_LAND:
      herd_virt_vm_thresholds (v, host, job->vm);
      herd_driver_emit_migration_done (v->drv, job->vm, &job->done);
      break;
    case JOB_ERRAND:
      job->free (job->data);
      break;
    case JOB_DOWN:
      herd_driver_emit_vm_state (v->drv, job->vm, host, HERD_VM_DOWN,
                                 HERD_PAUSE_NONE);
      break;
    case JOB_STATS:
      job->h->stats_pending = FALSE;
      /* Read on a connection that has gone since: stale. */
      if (job->error != NULL || job->h->conn != job->conn)
        break;
      domain_usage_apply (v, job->h, job->samples, job->at_us);
      job->h->stats = job->stats;
      job->h->stats_valid = TRUE;
      HerdHostStats stats;
      if (job->h->connected_once
          && virt_poll_stats (v->drv, host, &stats, NULL))
        herd_driver_emit_host_stats (v->drv, host, &stats);
      break;
    }
  if (job->conn != NULL)
    virConnectClose (job->conn);
  if (job->samples != NULL)
    g_array_unref (job->samples);
  g_strfreev (job->devices);
  g_free (job->error);
  g_free (job);
  return G_SOURCE_REMOVE;
}

/* In the host's worker thread. */
static void
host_work (gpointer data, gpointer unused)
{
  HostJob *job = data;
  VirtDriver *v = job->h->v;
  HerdId host = job->h->id;
  g_autoptr (GError) error = NULL;
  switch (job->kind)
    {
    case JOB_START:
      {
        g_autofree char *xml = domain_xml (v, host, job->vm, &error);
        if (xml == NULL)
          break;
        virDomainPtr dom = virDomainCreateXML (job->conn, xml, 0);
        if (dom == NULL)
          {
            herd_virt_set_error (&error, "starting the VM");
            break;
          }
        if (!herd_virt_vm_lease_held (v, host, job->vm, &error))
          virDomainDestroy (dom);
        virDomainFree (dom);
        break;
      }
    case JOB_STOP:
      {
        virDomainPtr dom = virDomainLookupByName (
            job->conn, herd_model_vm (v->drv->model, job->vm)->name);
        if (dom == NULL)
          job->gone = virGetLastErrorCode () == VIR_ERR_NO_DOMAIN;
        if (dom == NULL || virDomainDestroy (dom) < 0)
          herd_virt_set_error (&error, "stopping the VM");
        if (dom != NULL)
          virDomainFree (dom);
        break;
      }
    case JOB_DOWN:
      herd_virt_detach (job->devices);
      break;
    case JOB_LAND:
      {
        virDomainPtr dom = virDomainLookupByName (
            job->conn, herd_model_vm (v->drv->model, job->vm)->name);
        if (dom != NULL)
          {
            HerdMigrationStats completed = job->done;
            if (herd_virt_read_job (dom, VIR_DOMAIN_JOB_STATS_COMPLETED,
                                    &completed))
              {
                job->done.elapsed = completed.elapsed;
                job->done.iteration = completed.iteration;
                job->done.bytes_sent = completed.bytes_sent;
                job->done.bytes_remaining = completed.bytes_remaining;
                job->done.downtime_ms = completed.downtime_ms;
              }
            virDomainFree (dom);
          }
        break;
      }
    case JOB_ERRAND:
      job->work (job->data);
      break;
    case JOB_STATS:
      if (job->reset)
        job->h->cpu_total_prev = job->h->cpu_idle_prev = 0;
      job->samples = g_array_new (FALSE, FALSE, sizeof (VmCounters));
      if (!host_stats_read (job->h, job->conn, &job->stats, job->samples))
        herd_virt_set_error (&error, "host statistics");
      job->at_us = g_get_monotonic_time ();
      break;
    }
  if (error != NULL)
    job->error = g_strdup (error->message);
  g_idle_add (host_job_done, job); /* to the main context */
}

static HostJob *
host_job_new (VirtHost *h, HostJobKind kind, HerdId vm, virConnectPtr conn)
{
  HostJob *job = g_new0 (HostJob, 1);
  job->h = h;
  job->kind = kind;
  job->vm = vm;
  job->conn = conn;
  if (conn != NULL)
    virConnectRef (conn);
  return job;
}

static void
host_job (VirtHost *h, HostJobKind kind, HerdId vm, virConnectPtr conn)
{
  g_thread_pool_push (h->worker, host_job_new (h, kind, vm, conn), NULL);
}

void
herd_virt_host_errand (VirtDriver *v, HerdId host,
                       void (*work) (gpointer data), gpointer data,
                       GDestroyNotify free)
{
  HostJob *job = host_job_new (&v->hosts[host], JOB_ERRAND, HERD_ID_NONE,
                               NULL);
  job->work = work;
  job->data = data;
  job->free = free;
  g_thread_pool_push (v->hosts[host].worker, job, NULL);
}

/* Accepted at once: the host's worker starts the VM (its disks, its
 * lease, its QEMU) and a failure comes back as vm_start_failed. */
static gboolean
virt_vm_start (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  VirtDriver *v = virt_of (drv);
  virConnectPtr conn = herd_virt_conn (v, host, error);
  if (conn == NULL)
    return FALSE;
  host_job (&v->hosts[host], JOB_START, vm, conn);
  return TRUE;
}

/* Runs a libvirt call on vm's domain on host. */
static gboolean
domain_call (HerdDriver *drv, HerdId host, HerdId vm,
             int (*call) (virDomainPtr), const char *what, GError **error)
{
  virDomainPtr dom = herd_virt_domain (virt_of (drv), host, vm, error);
  if (dom == NULL)
    return FALSE;
  gboolean ok = call (dom) == 0;
  if (!ok)
    herd_virt_set_error (error, what);
  virDomainFree (dom);
  return ok;
}

/* Accepted at once: the host's worker destroys the VM's QEMU, whose end
 * comes back as a lifecycle event (vm_state Down). */
static gboolean
virt_vm_stop (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  VirtDriver *v = virt_of (drv);
  virConnectPtr conn = herd_virt_conn (v, host, error);
  if (conn == NULL)
    return FALSE;
  host_job (&v->hosts[host], JOB_STOP, vm, conn);
  return TRUE;
}

static gboolean
virt_vm_pause (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  return domain_call (drv, host, vm, virDomainSuspend, "pausing the VM",
                      error);
}

static gboolean
virt_vm_resume (HerdDriver *drv, HerdId host, HerdId vm, GError **error)
{
  return domain_call (drv, host, vm, virDomainResume, "resuming the VM",
                      error);
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  HerdId x = *(const HerdId *) a, y = *(const HerdId *) b;
  return x < y ? -1 : x > y;
}

static GArray *
virt_vm_list (HerdDriver *drv, HerdId host, GError **error)
{
  virConnectPtr conn = herd_virt_conn (virt_of (drv), host, error);
  if (conn == NULL)
    return NULL;
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (conn, &doms,
                                    VIR_CONNECT_LIST_DOMAINS_ACTIVE);
  if (n < 0)
    {
      herd_virt_set_error (error, "listing VMs");
      return NULL;
    }
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (int i = 0; i < n; i++)
    {
      HerdId vm = herd_model_find_vm (drv->model, virDomainGetName (doms[i]));
      if (vm != HERD_ID_NONE)
        {
          g_array_append_val (ids, vm);
          herd_virt_vm_found (virt_of (drv), host, vm);
        }
      virDomainFree (doms[i]);
    }
  free (doms);
  g_array_sort (ids, compare_ids);
  return ids;
}

/* Every VdsRefreshRate the hosts that answer report their statistics, as
 * the host agent's getStats answers the manager's polls. */
static void
stats_read (VirtHost *h)
{
  if (h->conn == NULL || h->stats_pending)
    return;
  h->stats_pending = TRUE;
  HostJob *job = host_job_new (h, JOB_STATS, HERD_ID_NONE, h->conn);
  job->reset = !h->stats_valid;
  g_thread_pool_push (h->worker, job, NULL);
}

void
herd_virt_migration_landed (VirtDriver *v, HerdId vm, HerdId destination,
                            const HerdMigrationStats *done)
{
  VirtHost *h = &v->hosts[destination];
  HostJob *job = host_job_new (h, JOB_LAND, vm, h->conn);
  job->done = *done;
  g_thread_pool_push (h->worker, job, NULL);
}

/* Every VdsRefreshRate each host's worker reads its statistics, which
 * come back as host_stats.  From STATS_SLICE_HOSTS hosts on, the hosts
 * are polled in slices (host id modulo the slices, at most STATS_SLICES),
 * a slice every VdsRefreshRate / slices, so that the main loop hands out
 * a slice at a time: handing 1,000 hosts their jobs at once held it for
 * 50 ms.  Fewer hosts are polled together, on one phase (the recorded
 * history's samples of a small cluster, which herd import replays, were
 * measured so; staggered, the integration suite's round trip compared
 * fewer host-seconds and was off by 27 mc). */
#define STATS_SLICES 10
#define STATS_SLICE_HOSTS 100

static guint
stats_slices (const VirtDriver *v)
{
  return CLAMP (v->drv->model->hosts->len / STATS_SLICE_HOSTS, 1,
                STATS_SLICES);
}

static gboolean
stats_tick (gpointer data)
{
  VirtDriver *v = data;
  guint slices = stats_slices (v);
  guint slice = v->stats_slice % slices;
  v->stats_slice = (slice + 1) % slices;
  for (guint i = slice; i < v->drv->model->hosts->len; i += slices)
    if (v->hosts[i].connected_once)
      stats_read (&v->hosts[i]);
  return G_SOURCE_CONTINUE;
}

const HerdHostOps herd_virt_hosts = {
  .connect = virt_connect,
  .poll_stats = virt_poll_stats,
  .vm_stats = virt_vm_stats,
  .vm_usage = virt_vm_usage,
  .vm_start = virt_vm_start,
  .vm_stop = virt_vm_stop,
  .vm_pause = virt_vm_pause,
  .vm_resume = virt_vm_resume,
  .vm_list = virt_vm_list,
  .soft_fence = herd_virt_soft_fence,
  .disconnect = virt_disconnect,
  .vm_remove = virt_vm_remove,
  .domain_added = virt_domain_added,
};

gboolean
herd_virt_hosts_init (VirtDriver *v, GError **error)
{
  static gsize registered = 0;
  if (g_once_init_enter (&registered))
    {
      virSetErrorFunc (NULL, ignore_libvirt_error);
      g_once_init_leave (&registered,
                         virEventRegisterDefaultImpl () == 0 ? 1 : 2);
    }
  if (registered != 1)
    {
      herd_virt_set_error (error, "registering libvirt's event loop");
      return FALSE;
    }
  guint n = herd_model_host_slots (v->drv->model);
  v->hosts = g_new0 (VirtHost, n);
  for (guint i = 0; i < n; i++)
    {
      v->hosts[i].id = i;
      v->hosts[i].ls_domain = HERD_ID_NONE;
      for (guint k = 0; k < G_N_ELEMENTS (v->hosts[i].event_ids); k++)
        v->hosts[i].event_ids[k] = -1;
      v->hosts[i].v = v;
      v->hosts[i].worker = g_thread_pool_new (host_work, NULL, 1, FALSE,
                                              NULL);
    }
  v->stats_source = g_timeout_add (
      (guint) MAX (v->drv->model->params.vds_refresh_rate / HERD_MSEC (1), 100)
          / stats_slices (v),
      stats_tick, v);
  return TRUE;
}

void
herd_virt_hosts_clear (VirtDriver *v)
{
  if (v->hosts == NULL)
    return;
  if (v->stats_source != 0)
    g_source_remove (v->stats_source);
  for (guint i = 0; i < herd_model_host_slots (v->drv->model); i++)
    {
      if (v->hosts[i].retry_source != 0)
        g_source_remove (v->hosts[i].retry_source);
      if (v->hosts[i].connect_deadline != 0)
        g_source_remove (v->hosts[i].connect_deadline);
      /* Runs the jobs queued (a stop asked for, a stopped VM's LVs to
       * detach) and waits for them: libvirt's calls end with the
       * connection's keepalive, sanlock's children within 10 s. */
      g_thread_pool_free (v->hosts[i].worker, FALSE, TRUE);
      host_close (&v->hosts[i]);
    }
  g_free (v->hosts);
  v->hosts = NULL;
}
