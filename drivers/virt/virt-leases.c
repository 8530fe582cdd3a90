/* virt-leases.c: storage leases with sanlock's client library.
 *
 * Each storage domain directory holds, as an oVirt file domain does, a
 * lockspace named after the domain in `ids` (one delta lease per host id),
 * the SPM lease (resource SDM at 1 MiB) in `leases`, and VM leases
 * (resource vm-NAME at 1 + VM id MiB) in `xleases`.  The driver writes
 * the ones missing when it opens (sanlock's direct API) and hands them to
 * the sanlock user.
 *
 * Every host runs its own sanlock daemon, and the client library reads
 * SANLOCK_RUN_DIR (where a daemon listens) once per process: so each call
 * runs in a short-lived child process, forked with the host's directory in
 * its environment, which sends its answer back through a pipe.  Leases
 * belong to the host, not to herd: the child acquires them PERSISTENT and
 * exits, so sanlock keeps them as the host's orphans; a release adopts
 * the orphan (ACQUIRE_ORPHAN_ONLY) and releases it.  They survive a manager restart (a new manager
 * adopts or releases them with the ORPHAN flags) and end with the host:
 * once its delta lease is dead, or it joins again with a new generation,
 * another host may take them.  Acquisition never waits for a dead owner
 * (OWNER_NOWAIT): the core retries on its own schedule.
 *
 * Who holds a lease is read from disk (sanlock_read_resource_owners)
 * through any daemon that answers; an owner whose host id is dead or free,
 * or who joined again since (a newer generation), holds nothing. */
#include "drivers/virt/virt-private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <sanlock.h>
#include <sanlock_admin.h>
#include <sanlock_direct.h>
#include <sanlock_resource.h>
#include <sanlock_rv.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPM_RESOURCE "SDM"
#define MIB (G_GUINT64_CONSTANT (1) << 20)

/* What a sanlock call in a child process answers. */
typedef struct
{
  int rv;                     /* the call's return value */
  guint64 lver;               /* read_resource_owners: the lease version */
  int n_hosts;
  struct sanlk_host hosts[4]; /* get_hosts, read_resource_owners */
} Answer;

typedef void (*ChildCall) (gpointer data, Answer *out);

#define CHILD_TIMEOUT_MS 10000

/* Runs call(data) in a child process talking to host's sanlock daemon;
 * returns the call's rv (-ETIMEDOUT or -EIO when the child does not
 * answer). */
static int
in_child (VirtDriver *v, HerdId host, ChildCall call, gpointer data,
          Answer *out)
{
  const char *dir = v->config->hosts[host].sanlock_dir;
  int fds[2];
  memset (out, 0, sizeof *out);
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return out->rv = -errno;
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return out->rv = -errno;
    }
  if (pid == 0)
    {
      /* The child: only sanlock's library, then _exit. */
      close (fds[0]);
      if (dir != NULL)
        setenv ("SANLOCK_RUN_DIR", dir, 1);
      else
        unsetenv ("SANLOCK_RUN_DIR");
      Answer a;
      memset (&a, 0, sizeof a);
      call (data, &a);
      ssize_t ignored = write (fds[1], &a, sizeof a);
      (void) ignored;
      _exit (0);
    }
  close (fds[1]);
  struct pollfd pfd = { fds[0], POLLIN, 0 };
  gsize got = 0;
  gint64 deadline = g_get_monotonic_time () + CHILD_TIMEOUT_MS * 1000;
  while (got < sizeof *out)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      int ready = left_ms > 0 ? poll (&pfd, 1, (int) left_ms) : 0;
      if (ready < 0 && errno == EINTR)
        continue; /* a signal (SIGCHLD, SIGTERM) is no timeout */
      if (ready <= 0)
        break;
      ssize_t n = read (fds[0], (char *) out + got, sizeof *out - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fds[0]);
  if (got != sizeof *out)
    {
      kill (pid, SIGKILL);
      memset (out, 0, sizeof *out);
      out->rv = -ETIMEDOUT;
    }
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return out->rv;
}

static const char *
domain_path (VirtDriver *v, HerdId domain)
{
  return v->config->domains[domain].path;
}

static void
copy_name (char *dest, const char *name)
{
  memset (dest, 0, SANLK_NAME_LEN);
  g_strlcpy (dest, name, SANLK_NAME_LEN);
}

static void
set_path (struct sanlk_disk *disk, const char *dir, const char *file,
          guint64 offset)
{
  memset (disk, 0, sizeof *disk);
  g_snprintf (disk->path, SANLK_PATH_LEN, "%s/%s", dir, file);
  disk->offset = offset;
}

static void
lockspace_of (VirtDriver *v, HerdId domain, guint64 host_id,
              struct sanlk_lockspace *ls)
{
  memset (ls, 0, sizeof *ls);
  copy_name (ls->name, herd_model_domain (v->drv->model, domain)->name);
  ls->host_id = host_id;
  set_path (&ls->host_id_disk, domain_path (v, domain), "ids", 0);
}

/* A resource with one disk: struct sanlk_resource ends in a flexible
 * array. */
typedef struct
{
  struct sanlk_resource res;
  struct sanlk_disk disk;
} Resource;

static gboolean
has_path (VirtDriver *v, HerdId domain, GError **error)
{
  if (domain_path (v, domain) != NULL)
    return TRUE;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
               "storage domain %s has no path",
               herd_model_domain (v->drv->model, domain)->name);
  return FALSE;
}

/* The lease called name on domain: SDM, or vm-NAME (on a domain with a
 * path). */
static gboolean
resource_of (VirtDriver *v, HerdId domain, const char *name, Resource *out,
             GError **error)
{
  memset (out, 0, sizeof *out);
  if (!has_path (v, domain, error))
    return FALSE;
  copy_name (out->res.lockspace_name,
             herd_model_domain (v->drv->model, domain)->name);
  copy_name (out->res.name, name);
  out->res.num_disks = 1;
  if (strcmp (name, SPM_RESOURCE) == 0)
    {
      set_path (&out->disk, domain_path (v, domain), "leases", MIB);
      return TRUE;
    }
  HerdId vm = g_str_has_prefix (name, "vm-")
                  ? herd_model_find_vm (v->drv->model, name + 3)
                  : HERD_ID_NONE;
  if (vm == HERD_ID_NONE)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                   "unknown lease \"%s\" (SDM or vm-NAME)", name);
      return FALSE;
    }
  set_path (&out->disk, domain_path (v, domain), "xleases",
            (1 + (guint64) vm) * MIB);
  return TRUE;
}

static const char *
sanlock_message (int rv)
{
  switch (rv)
    {
    case SANLK_ACQUIRE_IDLIVE:
    case SANLK_ACQUIRE_OWNED:
    case SANLK_ACQUIRE_OWNED_RETRY:
      return "held by another host that is alive or not yet dead";
    case SANLK_ACQUIRE_LOCKSPACE:
    case -ENOSPC:
      return "the host has not joined the lockspace";
    case -ENOENT:
      return "not found";
    case -EEXIST:
      return "already held";
    case -ECONNREFUSED:
      return "the host's sanlock daemon does not answer";
    default:
      return rv < 0 && rv > -200 ? g_strerror (-rv) : "sanlock error";
    }
}

static void
set_sanlock_error (GError **error, int rv, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

static void
set_sanlock_error (GError **error, int rv, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HERD_DRIVER_ERROR,
               rv == -ECONNREFUSED || rv == -ENOENT
                   ? HERD_DRIVER_ERROR_UNREACHABLE
                   : HERD_DRIVER_ERROR_FAILED,
               "%s: %s (%d)", what, sanlock_message (rv), rv);
}

/* Creates dir/file for the sanlock user if it does not exist; TRUE when
 * it was created (and needs its leases written). */
static gboolean
create_lease_file (const char *dir, const char *file, GError **error)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL, 0660);
  if (fd < 0)
    {
      if (errno != EEXIST)
        g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                     "creating %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  struct passwd *pw = getpwnam ("sanlock");
  if (pw != NULL && fchown (fd, pw->pw_uid, pw->pw_gid) < 0)
    g_warning ("%s: cannot give it to user sanlock: %s", path,
               g_strerror (errno));
  close (fd);
  return TRUE;
}

static gboolean
write_resource (Resource *r, GError **error)
{
  int rv = sanlock_direct_write_resource (&r->res, 0, 0, 0);
  if (rv < 0)
    set_sanlock_error (error, rv, "writing lease %s in %s", r->res.name,
                       r->disk.path);
  return rv >= 0;
}

/* The lease files of one domain: what is missing is written. */
static gboolean
init_domain (VirtDriver *v, HerdId domain, GError **error)
{
  const char *dir = domain_path (v, domain);
  g_autoptr (GError) local = NULL;
  if (g_mkdir_with_parents (dir, 0755) < 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "creating %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  if (create_lease_file (dir, "ids", &local))
    {
      struct sanlk_lockspace ls;
      lockspace_of (v, domain, 0, &ls);
      int rv = sanlock_direct_write_lockspace (&ls, 0, 0,
                                               v->config->io_timeout_s);
      if (rv < 0)
        {
          set_sanlock_error (error, rv, "writing lockspace %s", ls.name);
          g_unlink (ls.host_id_disk.path); /* written again next time */
          return FALSE;
        }
    }
  Resource r;
  if (local == NULL && create_lease_file (dir, "leases", &local)
      && (!resource_of (v, domain, SPM_RESOURCE, &r, error)
          || !write_resource (&r, error)))
    {
      g_unlink (r.disk.path);
      return FALSE;
    }
  gboolean fresh = local == NULL
                   && create_lease_file (dir, "xleases", &local);
  for (guint i = 0; i < v->drv->model->vms->len && local == NULL; i++)
    {
      const HerdVm *vm = herd_model_vm (v->drv->model, i);
      if (!vm->lease)
        continue;
      g_autofree char *name = g_strdup_printf ("vm-%s", vm->name);
      if (!resource_of (v, domain, name, &r, error))
        return FALSE;
      struct stat st;
      /* A VM added since the file was written gets its slot. */
      if ((fresh || (stat (r.disk.path, &st) == 0
                     && (guint64) st.st_size < r.disk.offset + MIB))
          && !write_resource (&r, error))
        return FALSE;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
herd_virt_leases_init (VirtDriver *v, GError **error)
{
  for (guint d = 0; d < v->drv->model->domains->len; d++)
    if (domain_path (v, d) != NULL && !init_domain (v, d, error))
      return FALSE;
  return TRUE;
}

/* The children's calls. */
typedef struct
{
  struct sanlk_lockspace ls;
  guint32 io_timeout_s;
} Join;

static void
call_add_lockspace (gpointer data, Answer *out)
{
  Join *join = data;
  out->rv = sanlock_add_lockspace_timeout (&join->ls, SANLK_ADD_ASYNC,
                                           join->io_timeout_s);
}

/* Registers with the host's daemon and takes r, PERSISTENT, with flags;
 * the registration's socket (-1 when it failed), the answer in out->rv.
 * The child's registration ends with it: a lease it took stays with the
 * host as an orphan. */
static int
take (Resource *r, uint32_t flags, Answer *out)
{
  int sock = sanlock_register ();
  if (sock < 0)
    {
      out->rv = sock;
      return -1;
    }
  struct sanlk_resource *list[] = { &r->res };
  r->res.flags = SANLK_RES_PERSISTENT;
  out->rv = sanlock_acquire (sock, -1, flags, 1, list, NULL);
  return sock;
}

static void
call_acquire (gpointer data, Answer *out)
{
  take (data, SANLK_ACQUIRE_ORPHAN | SANLK_ACQUIRE_OWNER_NOWAIT, out);
}

/* Adopts the host's orphan lease and releases it (-ENOENT: the host does
 * not hold it). */
static void
call_release (gpointer data, Answer *out)
{
  Resource *r = data;
  int sock = take (r, SANLK_ACQUIRE_ORPHAN_ONLY, out);
  if (sock < 0 || out->rv != 0)
    return;
  struct sanlk_resource *list[] = { &r->res };
  out->rv = sanlock_release (sock, -1, 0, 1, list);
}

typedef struct
{
  const char *lockspace;
  guint64 host_id;
} HostQuery;

static void
call_get_hosts (gpointer data, Answer *out)
{
  HostQuery *q = data;
  struct sanlk_host *hss = NULL;
  int n = 0;
  out->rv = sanlock_get_hosts (q->lockspace, q->host_id, &hss, &n, 0);
  out->n_hosts = MIN (n, (int) G_N_ELEMENTS (out->hosts));
  if (out->rv == 0)
    memcpy (out->hosts, hss, sizeof *hss * (gsize) out->n_hosts);
  free (hss);
}

static void
call_read_owners (gpointer data, Answer *out)
{
  Resource *r = data;
  struct sanlk_host *hss = NULL;
  int n = 0;
  out->rv = sanlock_read_resource_owners (&r->res, 0, &hss, &n);
  out->lver = r->res.lver;
  out->n_hosts = MIN (n, (int) G_N_ELEMENTS (out->hosts));
  if (out->rv == 0)
    memcpy (out->hosts, hss, sizeof *hss * (gsize) out->n_hosts);
  free (hss);
}

static gboolean
virt_add_lockspace (HerdDriver *drv, HerdId host, HerdId domain,
                    guint32 host_id, GError **error)
{
  VirtDriver *v = virt_of (drv);
  if (!has_path (v, domain, error))
    return FALSE;
  Join join = { .io_timeout_s = v->config->io_timeout_s };
  lockspace_of (v, domain, host_id, &join.ls);
  Answer a;
  int rv = in_child (v, host, call_add_lockspace, &join, &a);
  v->hosts[host].lockspace_joined = rv >= 0 || rv == -EEXIST;
  if (rv < 0 && rv != -EEXIST)
    {
      set_sanlock_error (error, rv, "host %s joining lockspace %s",
                         herd_model_host (drv->model, host)->name,
                         join.ls.name);
      return FALSE;
    }
  return TRUE;
}

/* Runs a lease call (call_acquire, call_release) for host. */
static gboolean
lease_call (VirtDriver *v, HerdId host, Resource *r, ChildCall call,
            const char *verb, GError **error)
{
  Answer a;
  int rv = in_child (v, host, call, r, &a);
  /* Releasing what the host does not hold (-ENOENT) changes nothing. */
  if (rv >= 0 || (call == call_release && rv == -ENOENT))
    return TRUE;
  set_sanlock_error (error, rv, "host %s %s lease %s",
                     herd_model_host (v->drv->model, host)->name, verb,
                     r->res.name);
  return FALSE;
}

static gboolean
acquire (VirtDriver *v, HerdId host, Resource *r, GError **error)
{
  return lease_call (v, host, r, call_acquire, "acquiring", error);
}

static gboolean
release (VirtDriver *v, HerdId host, Resource *r, GError **error)
{
  return lease_call (v, host, r, call_release, "releasing", error);
}

static gboolean
virt_acquire (HerdDriver *drv, HerdId host, HerdId domain,
              const char *resource, GError **error)
{
  VirtDriver *v = virt_of (drv);
  Resource r;
  return resource_of (v, domain, resource, &r, error)
         && acquire (v, host, &r, error);
}

static gboolean
virt_release (HerdDriver *drv, HerdId host, HerdId domain,
              const char *resource, GError **error)
{
  VirtDriver *v = virt_of (drv);
  Resource r;
  return resource_of (v, domain, resource, &r, error)
         && release (v, host, &r, error);
}

/* Hosts whose sanlock daemon is worth asking: those libvirt reaches
 * (a host that is off answers neither). */
static gboolean
worth_asking (VirtDriver *v, HerdId host)
{
  return v->hosts[host].conn != NULL;
}

/* sanlock's view of host_id in domain's lockspace, from the first daemon
 * that has joined it. */
static gboolean
host_state (VirtDriver *v, HerdId domain, guint64 host_id,
            struct sanlk_host *out, GError **error)
{
  HostQuery q = { herd_model_domain (v->drv->model, domain)->name, host_id };
  int rv = -ECONNREFUSED;
  for (guint h = 0; h < v->drv->model->hosts->len; h++)
    {
      Answer a;
      if (!worth_asking (v, h))
        continue;
      rv = in_child (v, h, call_get_hosts, &q, &a);
      if (rv == 0 && a.n_hosts > 0)
        {
          *out = a.hosts[0];
          return TRUE;
        }
    }
  set_sanlock_error (error, rv, "host id %" G_GUINT64_FORMAT " in %s",
                     host_id, q.lockspace);
  return FALSE;
}

static gboolean
virt_inquire (HerdDriver *drv, HerdId domain, const char *resource,
              HerdLeaseState *out, GError **error)
{
  VirtDriver *v = virt_of (drv);
  Resource r;
  if (!resource_of (v, domain, resource, &r, error))
    return FALSE;
  int rv = -ECONNREFUSED;
  for (guint h = 0; h < drv->model->hosts->len; h++)
    {
      Answer a;
      if (!worth_asking (v, h)
          || (rv = in_child (v, h, call_read_owners, &r, &a)) < 0)
        continue;
      out->version = a.lver;
      if (a.n_hosts > 0 && a.hosts[0].timestamp != 0)
        {
          struct sanlk_host state;
          guint32 flags;
          out->recorded_host_id = (guint32) a.hosts[0].host_id;
          if (!host_state (v, domain, a.hosts[0].host_id, &state, NULL))
            out->owner_host_id = out->recorded_host_id; /* nobody can tell */
          else if ((flags = state.flags & SANLK_HOST_MASK) != SANLK_HOST_DEAD
                   && flags != SANLK_HOST_FREE
                   && state.generation <= a.hosts[0].generation)
            out->owner_host_id = out->recorded_host_id;
        }
      return TRUE;
    }
  set_sanlock_error (error, rv, "reading lease %s", resource);
  return FALSE;
}

static gboolean
virt_host_liveness (HerdDriver *drv, HerdId domain, guint32 host_id,
                    HerdLiveness *out, GError **error)
{
  VirtDriver *v = virt_of (drv);
  struct sanlk_host state;
  if (!has_path (v, domain, error)
      || !host_state (v, domain, host_id, &state, error))
    return FALSE;
  switch (state.flags & SANLK_HOST_MASK)
    {
    case SANLK_HOST_FAIL:
      *out = HERD_LIVENESS_FAIL;
      break;
    case SANLK_HOST_DEAD:
      *out = HERD_LIVENESS_DEAD;
      break;
    case SANLK_HOST_FREE:
      *out = HERD_LIVENESS_FREE;
      break;
    default:
      /* LIVE, or UNKNOWN (not watched long enough yet): taken as alive,
       * the safe side for fencing and restarts. */
      *out = HERD_LIVENESS_LIVE;
      break;
    }
  return TRUE;
}

const HerdLeaseOps herd_virt_leases = {
  .add_lockspace = virt_add_lockspace,
  .acquire = virt_acquire,
  .release = virt_release,
  .inquire = virt_inquire,
  .host_liveness = virt_host_liveness,
};

/* VM leases live on the VM's first disk's domain, else its data
 * center's master domain. */
static HerdId
vm_lease_domain (VirtDriver *v, HerdId vm_id)
{
  HerdModel *model = v->drv->model;
  const HerdVm *vm = herd_model_vm (model, vm_id);
  HerdId dc = herd_model_cluster (model, vm->cluster)->datacenter;
  HerdId domain = herd_model_datacenter (model, dc)->master_domain;
  if (vm->n_disks > 0)
    {
      const HerdDisk *disk = g_ptr_array_index (model->disks, vm->first_disk);
      if (disk->domain != HERD_ID_NONE)
        domain = disk->domain;
    }
  return domain;
}

/* The lease of VM vm_id. */
static gboolean
vm_resource (VirtDriver *v, HerdId vm_id, Resource *r, GError **error)
{
  const HerdVm *vm = herd_model_vm (v->drv->model, vm_id);
  HerdId domain = vm_lease_domain (v, vm_id);
  if (domain == HERD_ID_NONE)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                   "VM %s has a lease but its data center no storage",
                   vm->name);
      return FALSE;
    }
  g_autofree char *name = g_strdup_printf ("vm-%s", vm->name);
  return resource_of (v, domain, name, r, error);
}

gboolean
herd_virt_vm_lease_acquire (VirtDriver *v, HerdId host, HerdId vm,
                            GError **error)
{
  Resource r;
  return !herd_model_vm (v->drv->model, vm)->lease
         || (vm_resource (v, vm, &r, error) && acquire (v, host, &r, error));
}

void
herd_virt_vm_lease_release (VirtDriver *v, HerdId host, HerdId vm)
{
  Resource r;
  g_autoptr (GError) error = NULL;
  if (herd_model_vm (v->drv->model, vm)->lease
      && (!vm_resource (v, vm, &r, &error) || !release (v, host, &r, &error)))
    g_message ("%s", error->message);
}
