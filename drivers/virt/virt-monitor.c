/* virt-monitor.c: storage domain monitoring on the hosts, as VDSM's domain
 * monitor does it (behaviour.md §8).
 *
 * Every SdHealthCheckDelay (10 s; a tenth of the hosts every tenth of it)
 * each reachable host with an ssh_command reads each storage domain of its data center that has a directory: one
 * direct read of the domain's `ids` file (its sanlock lockspace, which
 * every domain has), `dd ... iflag=direct` run on the host through its
 * ssh_command, so that the read goes through the host's own view of the
 * storage (its mounts, its paths).  Each read runs as a program,
 * asynchronously, at most one per host and domain at a time, and is
 * killed after MaxStorageVdsTimeoutCheckSec.  A domain the host has not
 * read successfully for MaxStorageVdsTimeoutCheckSec (30 s) is in trouble
 * on it: its bit in the host's statistics (domains_trouble), from which
 * the core's storage logic acts (core/storage.c: NonOperational hosts,
 * Inactive domains, a new master, autorecovery).  A host without
 * ssh_command is not checked and reports no trouble; nor does one whose
 * ssh_command does not reach it (exit 255, a warning): a key or an SSH
 * daemon lost must not look like every domain failing on every host.
 * A domain that reads again after a failed read is back on that host:
 * VMs paused there on an I/O error resume by their resume policy
 * (herd_virt_domain_back, virt-storage.c).  The same tick asks each
 * host's sanlock whether it is still in its lockspace
 * (herd_virt_lockspace_check, virt-leases.c). */
#include "drivers/virt/virt-private.h"

#include "drivers/virt/fence-agent.h"

struct _VirtDomainCheck
{
  gint64 last_ok_us;  /* monotonic time of the last good read, 0: none
                         asked yet */
  gboolean reading;   /* a read runs */
  gboolean no_ssh;    /* the last read did not reach the host (ssh's exit
                         255): nothing is known of the domain there */
  gboolean failed;    /* the last read that reached the host failed */
};

typedef struct
{
  VirtDriver *v;
  HerdId host, domain;
} Read;

/* ssh's exit status when it cannot reach or log in to the host. */
#define SSH_FAILED 255

static VirtDomainCheck *
check_of (VirtDriver *v, HerdId host, HerdId domain)
{
  return &v->domain_checks[(gsize) host
                               * herd_model_domain_slots (v->drv->model)
                           + domain];
}

static void
read_done (int status, const char *output, gpointer data)
{
  Read *r = data;
  VirtDomainCheck *c = check_of (r->v, r->host, r->domain);
  gboolean no_ssh = status == SSH_FAILED;
  c->reading = FALSE;
  gboolean back = status == 0 && c->failed;
  if (status == 0)
    c->last_ok_us = g_get_monotonic_time ();
  if (!no_ssh)
    c->failed = status != 0;
  else if (no_ssh && !c->no_ssh)
    g_warning ("host %s: storage domain %s is not checked: its ssh_command "
               "does not reach it: %s",
               herd_model_host (r->v->drv->model, r->host)->name,
               herd_model_domain (r->v->drv->model, r->domain)->name, output);
  else if (!no_ssh)
    g_message ("host %s: reading storage domain %s: exit %d: %s",
               herd_model_host (r->v->drv->model, r->host)->name,
               herd_model_domain (r->v->drv->model, r->domain)->name, status,
               output);
  c->no_ssh = no_ssh;
  if (back)
    herd_virt_domain_back (r->v, r->host, r->domain);
  g_free (r);
}

/* Whether domain is one host reads: of its data center, with a path. */
static gboolean
watched (VirtDriver *v, HerdId host, HerdId domain)
{
  HerdModel *m = v->drv->model;
  const HerdHost *h = herd_model_host (m, host);
  return domain < 64 && !h->removed && v->config->domains[domain].path != NULL
         && v->config->hosts[host].ssh_command != NULL
         && herd_model_domain (m, domain)->datacenter
                == herd_model_cluster (m, h->cluster)->datacenter;
}

static void
start_read (VirtDriver *v, HerdId host, HerdId domain)
{
  VirtDomainCheck *c = check_of (v, host, domain);
  if (c->last_ok_us == 0)
    c->last_ok_us = g_get_monotonic_time (); /* its first read: a grace */
  if (c->reading)
    return;
  g_autofree char *file = g_build_filename (v->config->domains[domain].path,
                                            "ids", NULL);
  g_autofree char *input = g_strconcat ("if=", file, NULL);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_strv_builder_addv (b, (const char **) v->config->hosts[host].ssh_command);
  const char *const dd[] = { "dd", input, "of=/dev/null", "bs=4096",
                             "count=1", "iflag=direct", "status=none",
                             NULL };
  g_strv_builder_addv (b, (const char **) dd);
  g_auto (GStrv) argv = g_strv_builder_end (b);
  Read *r = g_new (Read, 1);
  *r = (Read){ v, host, domain };
  guint timeout_s = (guint) MAX (
      v->drv->model->params.domain_check_timeout / HERD_SEC (1), 1);
  g_autoptr (GError) error = NULL;
  if (!herd_fence_agent_run ((const char *const *) argv, "", timeout_s,
                             read_done, r, &error))
    {
      g_warning ("host %s: reading storage domain %s: %s",
                 herd_model_host (v->drv->model, host)->name,
                 herd_model_domain (v->drv->model, domain)->name,
                 error->message);
      g_free (r);
      return;
    }
  c->reading = TRUE;
}

/* The hosts are read in MONITOR_SLICES slices, one every tenth of
 * SdHealthCheckDelay: starting every read at once (a fork each) held the
 * main loop 66 ms every SdHealthCheckDelay with 3 hosts and 3 domains. */
#define MONITOR_SLICES 10

static gboolean
monitor_tick (gpointer data)
{
  VirtDriver *v = data;
  HerdModel *m = v->drv->model;
  guint slice = v->monitor_slice;
  v->monitor_slice = (slice + 1) % MONITOR_SLICES;
  for (guint h = slice; h < m->hosts->len; h += MONITOR_SLICES)
    {
      if (v->hosts[h].conn == NULL)
        continue;
      herd_virt_lockspace_check (v, h);
      for (guint d = 0; d < m->domains->len; d++)
        if (watched (v, h, d))
          start_read (v, h, d);
    }
  return G_SOURCE_CONTINUE;
}

guint64
herd_virt_domains_trouble (VirtDriver *v, HerdId host)
{
  HerdModel *m = v->drv->model;
  gint64 now = g_get_monotonic_time ();
  gint64 limit_us = m->params.domain_check_timeout / HERD_USEC (1);
  guint64 mask = 0;
  for (guint d = 0; d < m->domains->len; d++)
    {
      const VirtDomainCheck *c = check_of (v, host, d);
      if (watched (v, host, d) && c->last_ok_us != 0 && !c->no_ssh
          && now - c->last_ok_us > limit_us)
        mask |= G_GUINT64_CONSTANT (1) << d;
    }
  return mask;
}

void
herd_virt_monitor_forget (VirtDriver *v, HerdId host)
{
  for (guint d = 0; d < herd_model_domain_slots (v->drv->model); d++)
    {
      check_of (v, host, d)->last_ok_us = 0;
      check_of (v, host, d)->no_ssh = FALSE;
      check_of (v, host, d)->failed = FALSE;
    }
}

void
herd_virt_monitor_init (VirtDriver *v)
{
  HerdModel *m = v->drv->model;
  v->domain_checks = g_new0 (VirtDomainCheck,
                             (gsize) herd_model_host_slots (m)
                                 * herd_model_domain_slots (m));
  v->monitor_source = g_timeout_add (
      (guint) MAX (m->params.domain_check_interval / HERD_MSEC (1)
                       / MONITOR_SLICES,
                   10),
      monitor_tick, v);
}

void
herd_virt_monitor_clear (VirtDriver *v)
{
  if (v->monitor_source != 0)
    g_source_remove (v->monitor_source);
  /* reads still running end on their own; their answers are dropped by
   * the driver's end (fence-agent.c keeps its own state) */
  g_clear_pointer (&v->domain_checks, g_free);
}
