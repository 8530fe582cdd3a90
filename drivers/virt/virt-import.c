/* virt-import.c: live libvirt hosts as an estate (see virt-import.h).
 *
 * Each host is read in a thread of its own (its URI opened, its node and
 * domains read twice, sample apart), and the caller waits for all of them
 * at most sample + 10 s: a host whose libvirtd accepts and never answers
 * fails the import rather than hanging it.  The estate gets the hosts in
 * the order given, then their domains in the order libvirt lists them.
 * A domain's CPU is its cpu.time's growth over the sample, divided by its
 * vCPUs; its memory used is the balloon's rss (QEMU's resident memory)
 * when libvirt gives it. */
#include "drivers/virt/virt-import.h"

#include "conf/import.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#define OPEN_TIMEOUT_US (10 * G_USEC_PER_SEC)

/* One domain as read. */
typedef struct
{
  char *name;
  guint vcpus;
  guint64 max_kib, rss_kib;
  guint64 cpu_ns[2];
} Domain;

/* One host's read, done in its thread. */
typedef struct
{
  char *name, *uri;
  gint64 sample_us;
  GMutex *lock;      /* the caller's */
  GCond *cond;
  gint *pending;     /* hosts not done yet, under lock */
  gboolean done;     /* under lock */
  /* the answer */
  char *error;
  guint cores, threads;
  guint64 memory_kib;
  GPtrArray *domains; /* Domain * */
} Read;

static void
domain_free (gpointer p)
{
  Domain *d = p;
  g_free (d->name);
  g_free (d);
}

static void
read_free (Read *r)
{
  g_free (r->name);
  g_free (r->uri);
  g_free (r->error);
  g_ptr_array_unref (r->domains);
  g_free (r);
}

/* Each running domain's cpu.time into column k of r's domains (new
 * domains added when k is 0); FALSE when libvirt fails. */
static gboolean
read_domains (virConnectPtr conn, Read *r, int k)
{
  virDomainStatsRecordPtr *records = NULL;
  int n = virConnectGetAllDomainStats (
      conn,
      VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON
          | VIR_DOMAIN_STATS_VCPU,
      &records, VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
  if (n < 0)
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      const char *name = virDomainGetName (records[i]->dom);
      Domain *d = NULL;
      for (guint j = 0; j < r->domains->len && d == NULL; j++)
        if (strcmp (((Domain *) g_ptr_array_index (r->domains, j))->name,
                    name)
            == 0)
          d = g_ptr_array_index (r->domains, j);
      if (d == NULL && k > 0)
        continue; /* started during the sample */
      if (d == NULL)
        {
          d = g_new0 (Domain, 1);
          d->name = g_strdup (name);
          g_ptr_array_add (r->domains, d);
        }
      virTypedParameterPtr p = records[i]->params;
      int np = records[i]->nparams;
      unsigned long long value;
      unsigned int count;
      if (virTypedParamsGetULLong (p, np, "cpu.time", &value) > 0)
        d->cpu_ns[k] = value;
      if (virTypedParamsGetULLong (p, np, "balloon.maximum", &value) > 0)
        d->max_kib = value;
      if (virTypedParamsGetULLong (p, np, "balloon.rss", &value) > 0)
        d->rss_kib = value;
      if (virTypedParamsGetUInt (p, np, "vcpu.current", &count) > 0)
        d->vcpus = count;
      virDomainInfo info;
      if ((d->vcpus == 0 || d->max_kib == 0)
          && virDomainGetInfo (records[i]->dom, &info) == 0)
        {
          d->vcpus = d->vcpus ? d->vcpus : info.nrVirtCpu;
          d->max_kib = d->max_kib ? d->max_kib : info.maxMem;
          if (k == 0 && d->cpu_ns[0] == 0)
            d->cpu_ns[0] = info.cpuTime;
          if (k == 1 && d->cpu_ns[1] == 0)
            d->cpu_ns[1] = info.cpuTime;
        }
    }
  virDomainStatsRecordListFree (records);
  return TRUE;
}

static gpointer
read_host (gpointer data)
{
  Read *r = data;
  virConnectPtr conn = virConnectOpen (r->uri);
  virNodeInfo info;
  if (conn == NULL || virNodeGetInfo (conn, &info) < 0
      || !read_domains (conn, r, 0))
    r->error = g_strdup_printf ("host %s (%s): %s", r->name, r->uri,
                                virGetLastErrorMessage ());
  else
    {
      r->cores = info.nodes * info.sockets * info.cores;
      r->threads = info.cpus;
      r->memory_kib = info.memory;
      g_usleep ((gulong) r->sample_us);
      if (!read_domains (conn, r, 1))
        r->error = g_strdup_printf ("host %s (%s): %s", r->name, r->uri,
                                    virGetLastErrorMessage ());
    }
  if (conn != NULL)
    virConnectClose (conn);
  g_mutex_lock (r->lock);
  (*r->pending)--;
  r->done = TRUE;
  g_cond_signal (r->cond);
  g_mutex_unlock (r->lock);
  return NULL;
}

/* A quiet libvirt: its errors come back in the messages above. */
static void
no_print (void *data, virErrorPtr error)
{
}

gboolean
herd_virt_import (GStrv hosts, HerdTime sample, HerdEstate *e,
                  GError **error)
{
  virSetErrorFunc (NULL, no_print);
  if (virInitialize () < 0)
    {
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_READ,
                   "libvirt does not initialise");
      return FALSE;
    }
  GMutex lock;
  GCond cond;
  g_mutex_init (&lock);
  g_cond_init (&cond);
  gint pending = 0;
  GPtrArray *reads = g_ptr_array_new ();
  for (guint i = 0; hosts[i] != NULL; i++)
    {
      const char *eq = strchr (hosts[i], '=');
      if (eq == NULL || eq == hosts[i] || eq[1] == '\0')
        {
          g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_INVALID,
                       "expected NAME=URI (such as h1=qemu+ssh://root@h1/"
                       "system), got \"%s\"",
                       hosts[i]);
          g_ptr_array_unref (reads);
          return FALSE;
        }
      Read *r = g_new0 (Read, 1);
      r->name = g_strndup (hosts[i], (gsize) (eq - hosts[i]));
      r->uri = g_strdup (eq + 1);
      r->sample_us = sample / HERD_USEC (1);
      r->lock = &lock;
      r->cond = &cond;
      r->pending = &pending;
      r->domains = g_ptr_array_new_with_free_func (domain_free);
      g_ptr_array_add (reads, r);
    }
  pending = (gint) reads->len;
  for (guint i = 0; i < reads->len; i++)
    g_thread_unref (g_thread_new ("import", read_host,
                                  g_ptr_array_index (reads, i)));
  gint64 deadline = g_get_monotonic_time () + sample / HERD_USEC (1)
                    + OPEN_TIMEOUT_US;
  g_mutex_lock (&lock);
  while (pending > 0 && g_cond_wait_until (&cond, &lock, deadline))
    ;
  gboolean all = pending == 0;
  g_mutex_unlock (&lock);
  if (!all)
    {
      /* The threads still waiting are left behind: the caller exits. */
      GString *late = g_string_new (NULL);
      for (guint i = 0; i < reads->len; i++)
        {
          Read *r = g_ptr_array_index (reads, i);
          g_mutex_lock (&lock);
          gboolean done = r->done;
          g_mutex_unlock (&lock);
          if (!done)
            g_string_append_printf (late, "%s%s", late->len ? ", " : "",
                                    r->name);
        }
      g_set_error (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_READ,
                   "no answer from %s within 10 s", late->str);
      g_string_free (late, TRUE);
      return FALSE; /* reads, lock and cond stay with the threads */
    }
  gboolean ok = TRUE;
  for (guint i = 0; i < reads->len && ok; i++)
    {
      Read *r = g_ptr_array_index (reads, i);
      if (r->error != NULL)
        {
          g_set_error_literal (error, HERD_IMPORT_ERROR, HERD_IMPORT_ERROR_READ,
                               r->error);
          ok = FALSE;
        }
    }
  if (ok)
    {
      herd_estate_add_datacenter (e, "dc");
      herd_estate_add_cluster (e, "c")->datacenter = g_strdup ("dc");
      for (guint i = 0; i < reads->len; i++)
        {
          Read *r = g_ptr_array_index (reads, i);
          HerdEstateHost *h = herd_estate_add_host (e, r->name);
          h->cluster = g_strdup ("c");
          h->cores = r->cores;
          h->threads = MAX (r->threads, r->cores);
          h->memory_mib = (gint64) (r->memory_kib / 1024);
          h->status = g_strdup ("up");
        }
      double seconds = herd_time_to_seconds (sample);
      for (guint i = 0; i < reads->len; i++)
        {
          Read *r = g_ptr_array_index (reads, i);
          for (guint j = 0; j < r->domains->len; j++)
            {
              Domain *d = g_ptr_array_index (r->domains, j);
              HerdEstateVm *v = herd_estate_add_vm (e, d->name);
              v->cluster = g_strdup ("c");
              v->host = g_strdup (r->name);
              v->status = g_strdup ("up");
              v->vcpus = d->vcpus;
              v->memory_mib = (gint64) (d->max_kib / 1024);
              if (d->rss_kib > 0)
                v->memory_used_mib = (gint64) (d->rss_kib / 1024);
              if (d->vcpus > 0 && d->cpu_ns[1] >= d->cpu_ns[0]
                  && d->cpu_ns[1] > 0 && seconds > 0)
                v->cpu_percent = (double) (d->cpu_ns[1] - d->cpu_ns[0])
                                 / (seconds * 1e9 * d->vcpus) * 100;
            }
          if (r->domains->len > 0)
            herd_estate_note (e, "host \"%s\": its domains' disks are not "
                              "imported (no storage domain is known)",
                              r->name);
        }
    }
  for (guint i = 0; i < reads->len; i++)
    read_free (g_ptr_array_index (reads, i));
  g_ptr_array_unref (reads);
  g_mutex_clear (&lock);
  g_cond_clear (&cond);
  return ok;
}
