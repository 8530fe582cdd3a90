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
 * its environment, which sends its answer back through a pipe.  The SPM
 * lease belongs to the host, not to herd: the child acquires it
 * PERSISTENT and exits, so sanlock keeps it as the host's orphan; a
 * release adopts the orphan (ACQUIRE_ORPHAN_ONLY) and releases it.  It
 * survives a manager restart (a new manager adopts or releases it with the
 * ORPHAN flags) and ends with the host: once its delta lease is dead, or
 * it joins again with a new generation, another host may take it.
 * Acquisition never waits for a dead owner (OWNER_NOWAIT): the core
 * retries on its own schedule.
 *
 * VM leases belong to the VM's QEMU: its domain XML has a <lease>, which
 * libvirt's sanlock lock manager acquires for the QEMU process (and moves
 * with a migration), so that sanlock kills that QEMU when the host's
 * renewals fail (herd_virt_vm_lease_xml, herd_virt_vm_lease_held).
 *
 * Who holds a lease is read from disk (sanlock_read_resource_owners)
 * through any daemon that answers; an owner whose host id is dead or free,
 * or who joined again since (a newer generation), holds nothing.  Whether
 * a host is in its lockspace is its daemon's answer
 * (sanlock_inq_lockspace), watched after a join and asked again every
 * SdHealthCheckDelay: a host out of it joins again.
 *
 * None of these calls runs on the main loop: the core's run in threads
 * and the main loop waits for an answer at most [manager] sanlock_wait
 * (see LeaseCall below); the VM leases' slots and owners are read in
 * their host's worker (virt-hosts.c). */
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPM_RESOURCE "SDM"
/* After a join the host's daemon is asked every JOIN_WATCH_MS whether it
 * is in, for at most JOIN_WATCH_S (a longer join is seen by the periodic
 * checks). */
#define JOIN_WATCH_MS 250
#define JOIN_WATCH_S 60
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

/* Runs call(data) in a child process talking to the sanlock daemon of run
 * directory dir ("": the default one);
 * returns the call's rv (-ETIMEDOUT or -EIO when the child does not
 * answer). */
static int
in_child (const char *dir, ChildCall call, gpointer data, Answer *out)
{
  int fds[2];
  memset (out, 0, sizeof *out);
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return out->rv = -errno;
  pid_t parent = getpid ();
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return out->rv = -errno;
    }
  if (pid == 0)
    {
      /* The child: only sanlock's library, then _exit.  It dies with
       * herd run: one left behind (herd run killed while it waits) would
       * keep herd run's descriptors open, the state database's lock and
       * the control socket among them, and no new herd run could start
       * (under AddressSanitizer a child may hang in malloc for good: its
       * allocator is not safe after fork in a threaded process). */
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (getppid () != parent)
        _exit (1);
      close (fds[0]);
      if (dir[0] != '\0')
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
sanlock_dir (VirtDriver *v, HerdId host)
{
  const char *dir = v->config->hosts[host].sanlock_dir;
  return dir != NULL ? dir : "";
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

/* 0: the daemon is in the lockspace; -EINPROGRESS: joining or leaving;
 * -ENOENT: not in it (never joined, the join failed, or its renewals
 * failed and it left). */
static void
call_inq_lockspace (gpointer data, Answer *out)
{
  Join *join = data;
  out->rv = sanlock_inq_lockspace (&join->ls, 0);
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

/* Runs a lease call (call_acquire, call_release) through the daemon in
 * dir for host host_name. */
static gboolean
lease_call (const char *dir, const char *host_name, Resource *r,
            ChildCall call, GError **error)
{
  Answer a;
  int rv = in_child (dir, call, r, &a);
  /* Releasing what the host does not hold (-ENOENT) changes nothing. */
  if (rv >= 0 || (call == call_release && rv == -ENOENT))
    return TRUE;
  set_sanlock_error (error, rv, "host %s %s lease %s", host_name,
                     call == call_release ? "releasing" : "acquiring",
                     r->res.name);
  return FALSE;
}

/* sanlock's view of host_id in lockspace, from the first daemon of dirs
 * that has joined it. */
static gboolean
host_state (GStrv dirs, const char *lockspace, guint64 host_id,
            struct sanlk_host *out, GError **error)
{
  HostQuery q = { lockspace, host_id };
  int rv = -ECONNREFUSED;
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      Answer a;
      rv = in_child (dirs[i], call_get_hosts, &q, &a);
      if (rv == 0 && a.n_hosts > 0)
        {
          *out = a.hosts[0];
          return TRUE;
        }
    }
  set_sanlock_error (error, rv, "host id %" G_GUINT64_FORMAT " in %s",
                     host_id, lockspace);
  return FALSE;
}

/* Who holds r, from the first daemon of dirs that answers. */
static gboolean
read_lease (GStrv dirs, Resource *r, HerdLeaseState *out, GError **error)
{
  int rv = -ECONNREFUSED;
  memset (out, 0, sizeof *out);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      Answer a;
      if ((rv = in_child (dirs[i], call_read_owners, r, &a)) < 0)
        continue;
      out->version = a.lver;
      if (a.n_hosts > 0 && a.hosts[0].timestamp != 0)
        {
          struct sanlk_host state;
          guint32 flags;
          out->recorded_host_id = (guint32) a.hosts[0].host_id;
          if (!host_state (dirs, r->res.lockspace_name, a.hosts[0].host_id,
                           &state, NULL))
            out->owner_host_id = out->recorded_host_id; /* nobody can tell */
          else if ((flags = state.flags & SANLK_HOST_MASK) != SANLK_HOST_DEAD
                   && flags != SANLK_HOST_FREE
                   && state.generation <= a.hosts[0].generation)
            out->owner_host_id = out->recorded_host_id;
        }
      return TRUE;
    }
  set_sanlock_error (error, rv, "reading lease %s", r->res.name);
  return FALSE;
}

static HerdLiveness
liveness_of (const struct sanlk_host *state)
{
  switch (state->flags & SANLK_HOST_MASK)
    {
    case SANLK_HOST_FAIL:
      return HERD_LIVENESS_FAIL;
    case SANLK_HOST_DEAD:
      return HERD_LIVENESS_DEAD;
    case SANLK_HOST_FREE:
      return HERD_LIVENESS_FREE;
    default:
      /* LIVE, or UNKNOWN (not watched long enough yet): taken as alive,
       * the safe side for fencing and restarts. */
      return HERD_LIVENESS_LIVE;
    }
}

/* ------------------------------------------------------------------ */
/* The core's calls, off the main loop                                 */

/* A call of the core's (HerdLeaseOps) runs in a thread with what it
 * needs copied, as a call whose daemon hangs may outlive the driver.
 * Joins, acquisitions and releases run in their host's lease worker, in
 * the order asked; queries (inquire, host_liveness) in GLib's pool.  The
 * main loop does not wait for a join or a release.  It waits for an
 * answer the core needs now (acquire, inquire, host_liveness) at most
 * [manager] sanlock_wait: a call still running then goes on, the core
 * hears "no answer yet" and asks again on its own schedule, and the same
 * question asked again waits for the call under way rather than starting
 * another.  A late answer to an acquisition is kept for that next ask
 * (the host may hold the lease: the core must learn it); a late answer
 * to a query is dropped (it is old news by the next ask). */
typedef enum
{
  CALL_JOIN,
  CALL_CHECK,
  CALL_ACQUIRE,
  CALL_RELEASE,
  CALL_INQUIRE,
  CALL_LIVENESS,
} CallKind;

typedef struct
{
  gint refs;
  CallKind kind;
  VirtDriver *v;      /* main context only */
  HerdId host;        /* join, acquire, release: whose daemon */
  char *host_name;
  GStrv dirs;         /* the daemons to ask, in order (one for a host's) */
  char *key;          /* what it asks, for v->lease_calls */
  gboolean listed;    /* main context: in v->lease_calls */
  Join join;          /* join, check */
  int rv;             /* check: sanlock_inq_lockspace's answer, */
  gboolean rejoin;    /* and whether a host out of it joins again */
  char lockspace[SANLK_NAME_LEN]; /* host_liveness */
  Resource r;         /* acquire, release, inquire */
  guint64 host_id;    /* host_liveness */
  GMutex lock;
  GCond cond;
  gboolean done;      /* under lock: the answer below is set */
  GError *error;      /* NULL when it succeeded */
  HerdLeaseState lease;
  HerdLiveness liveness;
} LeaseCall;

static LeaseCall *
call_ref (LeaseCall *c)
{
  g_atomic_int_inc (&c->refs);
  return c;
}

static void
call_unref (gpointer p)
{
  LeaseCall *c = p;
  if (!g_atomic_int_dec_and_test (&c->refs))
    return;
  g_free (c->host_name);
  g_strfreev (c->dirs);
  g_free (c->key);
  g_clear_error (&c->error);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LeaseCall, call_unref)

/* A call through host's daemon (host NONE: through every daemon worth
 * asking, those of the hosts libvirt reaches, as a host that is off
 * answers neither). */
static LeaseCall *
call_new (VirtDriver *v, CallKind kind, HerdId host)
{
  LeaseCall *c = g_new0 (LeaseCall, 1);
  c->refs = 1;
  c->kind = kind;
  c->v = v;
  c->host = host;
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  g_autoptr (GStrvBuilder) dirs = g_strv_builder_new ();
  for (guint h = 0; h < v->drv->model->hosts->len; h++)
    if (host == HERD_ID_NONE ? v->hosts[h].conn != NULL : h == host)
      g_strv_builder_add (dirs, v->config->hosts[h].sanlock_dir != NULL
                                    ? v->config->hosts[h].sanlock_dir
                                    : "");
  c->dirs = g_strv_builder_end (dirs);
  if (host != HERD_ID_NONE)
    c->host_name = g_strdup (herd_model_host (v->drv->model, host)->name);
  return c;
}

/* In a thread. */
static void
call_work (gpointer data)
{
  LeaseCall *c = data;
  GError *error = NULL;
  struct sanlk_host state;
  switch (c->kind)
    {
    case CALL_JOIN:
      {
        Answer a;
        int rv = in_child (c->dirs[0], call_add_lockspace, &c->join, &a);
        if (rv < 0 && rv != -EEXIST)
          set_sanlock_error (&error, rv, "host %s joining lockspace %s",
                             c->host_name, c->join.ls.name);
        break;
      }
    case CALL_CHECK:
      {
        Answer a;
        c->rv = in_child (c->dirs[0], call_inq_lockspace, &c->join, &a);
        break;
      }
    case CALL_ACQUIRE:
      lease_call (c->dirs[0], c->host_name, &c->r, call_acquire, &error);
      break;
    case CALL_RELEASE:
      lease_call (c->dirs[0], c->host_name, &c->r, call_release, &error);
      break;
    case CALL_INQUIRE:
      read_lease (c->dirs, &c->r, &c->lease, &error);
      break;
    case CALL_LIVENESS:
      if (host_state (c->dirs, c->lockspace, c->host_id, &state, &error))
        c->liveness = liveness_of (&state);
      break;
    }
  g_mutex_lock (&c->lock);
  c->error = error;
  c->done = TRUE;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static void
unlist (LeaseCall *c)
{
  if (!c->listed)
    return;
  c->listed = FALSE;
  g_hash_table_remove (c->v->lease_calls, c->key);
}

static void join (VirtDriver *v, HerdId host);
static void watch_join (VirtDriver *v, HerdId host);

/* A host's lockspace as its sanlock daemon sees it (CALL_CHECK's
 * answer): joined once it is in; when it has left (its renewals failed:
 * sanlock has killed what held leases there) or its join failed, a
 * periodic check has it join again, as VDSM's domain monitor acquires its
 * host id again (a join's watch does not: a join that fails at once would
 * be tried every JOIN_WATCH_MS). */
static void
lockspace_checked (LeaseCall *c)
{
  VirtHost *h = &c->v->hosts[c->host];
  h->lockspace_checking = FALSE;
  /* An answer about a lockspace the host no longer joins: stale. */
  if (h->ls_domain == HERD_ID_NONE || h->ls_host_id != c->join.ls.host_id
      || strcmp (herd_model_domain (c->v->drv->model, h->ls_domain)->name,
                 c->join.ls.name) != 0)
    return;
  if (c->rv == 0 && !h->lockspace_joined)
    g_message ("host %s joined lockspace %s as host id %u", c->host_name,
               c->join.ls.name, h->ls_host_id);
  else if (c->rv == -ENOENT && h->lockspace_joined)
    g_warning ("host %s is out of lockspace %s (its renewals failed, or "
               "it was removed; sanlock killed what held leases there); "
               "joining it again",
               c->host_name, c->join.ls.name);
  if (c->rv == 0 || c->rv == -ENOENT)
    h->lockspace_joined = c->rv == 0;
  if (c->rv == 0 || c->rv == -ENOENT)
    h->join_watch_until_us = 0; /* the join has ended */
  if (c->rv == -ENOENT && c->rejoin)
    join (c->v, c->host);
}

/* On the main context, once the call has ended. */
static void
call_ended (gpointer data)
{
  LeaseCall *c = data;
  switch (c->kind)
    {
    case CALL_CHECK:
      lockspace_checked (c);
      break;
    case CALL_JOIN:
      if (c->error == NULL)
        watch_join (c->v, c->host);
      /* fall through */
    case CALL_RELEASE:
      if (c->error != NULL)
        g_warning ("%s", c->error->message);
      break;
    case CALL_ACQUIRE:
      break; /* kept for the next ask */
    case CALL_INQUIRE:
    case CALL_LIVENESS:
      unlist (c); /* a late answer nobody took */
      break;
    }
}

static gboolean
ended_idle (gpointer data)
{
  call_ended (data);
  return G_SOURCE_REMOVE;
}

/* A lease worker's job. */
static void
worker_run (gpointer data, gpointer unused)
{
  call_work (data);
  g_idle_add_full (G_PRIORITY_DEFAULT, ended_idle, data, call_unref);
}

/* Starts c in its thread. */
static void
call_start (LeaseCall *c)
{
  if (c->host == HERD_ID_NONE)
    herd_virt_in_thread (call_work, call_ended, call_ref (c), call_unref);
  else
    g_thread_pool_push (c->v->lease_workers[c->host], call_ref (c), NULL);
}

/* The answer to fresh (or to the same question asked before and not
 * answered yet), when it comes within [manager] sanlock_wait: NULL with
 * an error when the call failed or has not answered yet. */
static LeaseCall *
ask (VirtDriver *v, LeaseCall *fresh, GError **error)
{
  g_autoptr (LeaseCall) asked = fresh;
  LeaseCall *c = g_hash_table_lookup (v->lease_calls, asked->key);
  gboolean started = c == NULL;
  if (started)
    {
      c = asked;
      c->listed = TRUE;
      g_hash_table_insert (v->lease_calls, c->key, call_ref (c));
      call_start (c);
    }
  gint64 wait_us = v->config->sanlock_wait / HERD_USEC (1);
  gint64 deadline = g_get_monotonic_time () + wait_us;
  g_mutex_lock (&c->lock);
  while (!c->done && g_cond_wait_until (&c->cond, &c->lock, deadline))
    ;
  gboolean done = c->done;
  g_mutex_unlock (&c->lock);
  if (!done)
    {
      if (started)
        g_message ("%s: no answer from sanlock within %" G_GINT64_FORMAT
                   " ms: the main loop goes on, the call in its thread",
                   c->key, wait_us / 1000);
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "%s: no answer from sanlock within %" G_GINT64_FORMAT
                   " ms (the call goes on)",
                   c->key, wait_us / 1000);
      return NULL;
    }
  LeaseCall *answer = call_ref (c);
  unlist (c);
  if (answer->error != NULL)
    {
      g_propagate_error (error, g_error_copy (answer->error));
      call_unref (answer);
      return NULL;
    }
  return answer;
}

/* A call about host's lockspace (ls_domain, ls_host_id). */
static LeaseCall *
lockspace_call (VirtDriver *v, CallKind kind, HerdId host)
{
  LeaseCall *c = call_new (v, kind, host);
  c->join.io_timeout_s = v->config->io_timeout_s;
  lockspace_of (v, v->hosts[host].ls_domain, v->hosts[host].ls_host_id,
                &c->join.ls);
  return c;
}

/* Asks host's daemon to join its lockspace (asynchronously: the checks
 * see when it is in). */
static void
join (VirtDriver *v, HerdId host)
{
  g_autoptr (LeaseCall) c = lockspace_call (v, CALL_JOIN, host);
  call_start (c);
}

static gboolean
virt_add_lockspace (HerdDriver *drv, HerdId host, HerdId domain,
                    guint32 host_id, GError **error)
{
  VirtDriver *v = virt_of (drv);
  VirtHost *h = &v->hosts[host];
  if (!has_path (v, domain, error))
    return FALSE;
  if (h->ls_domain != domain || h->ls_host_id != host_id)
    h->lockspace_joined = FALSE;
  h->ls_domain = domain;
  h->ls_host_id = host_id;
  join (v, host);
  return TRUE;
}

/* Asks host's daemon whether it is in its lockspace (a short call in its
 * lease worker, as a join would hold the worker, and the SPM's
 * acquisitions behind it, for the join's seconds). */
static void
check (VirtDriver *v, HerdId host, gboolean rejoin)
{
  VirtHost *h = &v->hosts[host];
  if (h->ls_domain == HERD_ID_NONE || h->lockspace_checking
      || v->config->hosts[host].sanlock_dir == NULL)
    return;
  h->lockspace_checking = TRUE;
  g_autoptr (LeaseCall) c = lockspace_call (v, CALL_CHECK, host);
  c->rejoin = rejoin;
  call_start (c);
}

void
herd_virt_lockspace_check (VirtDriver *v, HerdId host)
{
  check (v, host, TRUE);
}

/* Every JOIN_WATCH_MS while a join runs: its end is reported as soon as
 * it comes. */
static gboolean
join_watch_tick (gpointer data)
{
  VirtHost *h = data;
  if (g_get_monotonic_time () > h->join_watch_until_us)
    {
      h->join_watch = 0;
      return G_SOURCE_REMOVE;
    }
  check (h->v, h->id, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
watch_join (VirtDriver *v, HerdId host)
{
  VirtHost *h = &v->hosts[host];
  h->join_watch_until_us = g_get_monotonic_time ()
                           + JOIN_WATCH_S * G_USEC_PER_SEC;
  if (h->join_watch == 0)
    h->join_watch = g_timeout_add (JOIN_WATCH_MS, join_watch_tick, h);
}

static char *
acquire_key (VirtDriver *v, HerdId host, const Resource *r)
{
  return g_strdup_printf ("host %s acquiring lease %s in %s",
                          herd_model_host (v->drv->model, host)->name,
                          r->res.name, r->res.lockspace_name);
}

static gboolean
virt_acquire (HerdDriver *drv, HerdId host, HerdId domain,
              const char *resource, GError **error)
{
  VirtDriver *v = virt_of (drv);
  Resource r;
  if (!resource_of (v, domain, resource, &r, error))
    return FALSE;
  LeaseCall *c = call_new (v, CALL_ACQUIRE, host);
  c->r = r;
  c->key = acquire_key (v, host, &r);
  g_autoptr (LeaseCall) answer = ask (v, c, error);
  return answer != NULL;
}

/* Accepted at once; a failure is logged.  An acquisition's answer not
 * taken yet is dropped: the release runs after it. */
static gboolean
virt_release (HerdDriver *drv, HerdId host, HerdId domain,
              const char *resource, GError **error)
{
  VirtDriver *v = virt_of (drv);
  Resource r;
  if (!resource_of (v, domain, resource, &r, error))
    return FALSE;
  g_autofree char *key = acquire_key (v, host, &r);
  LeaseCall *kept = g_hash_table_lookup (v->lease_calls, key);
  if (kept != NULL)
    unlist (kept);
  g_autoptr (LeaseCall) c = call_new (v, CALL_RELEASE, host);
  c->r = r;
  call_start (c);
  return TRUE;
}

static gboolean
virt_inquire (HerdDriver *drv, HerdId domain, const char *resource,
              HerdLeaseState *out, GError **error)
{
  VirtDriver *v = virt_of (drv);
  Resource r;
  if (!resource_of (v, domain, resource, &r, error))
    return FALSE;
  LeaseCall *c = call_new (v, CALL_INQUIRE, HERD_ID_NONE);
  c->r = r;
  c->key = g_strdup_printf ("reading lease %s in %s", r.res.name,
                            r.res.lockspace_name);
  g_autoptr (LeaseCall) answer = ask (v, c, error);
  if (answer != NULL)
    *out = answer->lease;
  return answer != NULL;
}

static gboolean
virt_host_liveness (HerdDriver *drv, HerdId domain, guint32 host_id,
                    HerdLiveness *out, GError **error)
{
  VirtDriver *v = virt_of (drv);
  if (!has_path (v, domain, error))
    return FALSE;
  LeaseCall *c = call_new (v, CALL_LIVENESS, HERD_ID_NONE);
  copy_name (c->lockspace, herd_model_domain (drv->model, domain)->name);
  c->host_id = host_id;
  c->key = g_strdup_printf ("host id %u in lockspace %s", host_id,
                            c->lockspace);
  g_autoptr (LeaseCall) answer = ask (v, c, error);
  if (answer != NULL)
    *out = answer->liveness;
  return answer != NULL;
}

const HerdLeaseOps herd_virt_leases = {
  .add_lockspace = virt_add_lockspace,
  .acquire = virt_acquire,
  .release = virt_release,
  .inquire = virt_inquire,
  .host_liveness = virt_host_liveness,
};

/* herd_virt_domain_added's errand: the domain's lease files written in a
 * thread (its storage may be slow), a failure logged. */
typedef struct
{
  VirtDriver *v;
  HerdId domain;
  GError *error;
} DomainInit;

static void
domain_init_work (gpointer data)
{
  DomainInit *d = data;
  init_domain (d->v, d->domain, &d->error);
}

static void
domain_init_done (gpointer data)
{
  DomainInit *d = data;
  if (d->error != NULL)
    g_warning ("storage domain %s: %s",
               herd_model_domain (d->v->drv->model, d->domain)->name,
               d->error->message);
}

static void
domain_init_free (gpointer data)
{
  DomainInit *d = data;
  g_clear_error (&d->error);
  g_free (d);
}

gboolean
herd_virt_domain_added (VirtDriver *v, HerdId domain, GError **error)
{
  if (domain_path (v, domain) == NULL)
    return TRUE; /* no directory: nothing of herd's there */
  DomainInit *d = g_new0 (DomainInit, 1);
  *d = (DomainInit){ v, domain, NULL };
  herd_virt_in_thread (domain_init_work, domain_init_done, d,
                       domain_init_free);
  return TRUE;
}

gboolean
herd_virt_leases_init (VirtDriver *v, GError **error)
{
  guint n = herd_model_host_slots (v->drv->model);
  v->lease_calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          call_unref);
  v->lease_workers = g_new0 (GThreadPool *, n);
  for (guint h = 0; h < n; h++)
    v->lease_workers[h] = g_thread_pool_new (worker_run, NULL, 1, FALSE,
                                             NULL);
  for (guint d = 0; d < v->drv->model->domains->len; d++)
    if (domain_path (v, d) != NULL && !init_domain (v, d, error))
      return FALSE;
  return TRUE;
}

void
herd_virt_leases_clear (VirtDriver *v)
{
  /* The joins and releases asked for run (each within its child's 10 s);
   * queries still running end on their own, with nobody to answer. */
  for (guint h = 0;
       v->lease_workers != NULL && h < herd_model_host_slots (v->drv->model);
       h++)
    {
      if (v->hosts != NULL && v->hosts[h].join_watch != 0)
        {
          g_source_remove (v->hosts[h].join_watch);
          v->hosts[h].join_watch = 0;
        }
      g_thread_pool_free (v->lease_workers[h], FALSE, TRUE);
    }
  g_clear_pointer (&v->lease_workers, g_free);
  if (v->lease_calls != NULL)
    {
      GHashTableIter it;
      gpointer c;
      g_hash_table_iter_init (&it, v->lease_calls);
      while (g_hash_table_iter_next (&it, NULL, &c))
        ((LeaseCall *) c)->listed = FALSE;
      g_clear_pointer (&v->lease_calls, g_hash_table_destroy);
    }
}

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

/* Whether the VM's slot was never written: past the end of xleases (a
 * VM added at run time), or blank there (sanlock finds no leader: a VM
 * that had no lease when the file was written).  Nobody holds such a
 * slot, so writing it is safe. */
static gboolean
slot_blank (const char *dir, Resource *r)
{
  struct stat st;
  if (stat (r->disk.path, &st) == 0
      && (guint64) st.st_size < r->disk.offset + MIB)
    return TRUE;
  Answer a;
  return in_child (dir, call_read_owners, r, &a) == SANLK_LEADER_MAGIC;
}

/* In the host's worker thread, before a leased VM starts: its <lease>
 * element into xml, for libvirt's sanlock lock manager, which acquires it
 * for the QEMU process before QEMU runs, moves it with a migration at the
 * switch-over, and lets sanlock kill that QEMU when the host's renewals in
 * the lockspace fail.  The slot is written first if it never was (a VM
 * added, or given a lease, since the lease file was written).  A lease
 * another host holds is refused here: sanlock would wait inside libvirt
 * for a failing owner to die (up to its host-dead time), and the core
 * retries on its own schedule. */
gboolean
herd_virt_vm_lease_xml (VirtDriver *v, HerdId host, HerdId vm, GString *xml,
                        GError **error)
{
  Resource r;
  if (!herd_model_vm (v->drv->model, vm)->lease)
    return TRUE;
  if (!vm_resource (v, vm, &r, error))
    return FALSE;
  if (slot_blank (sanlock_dir (v, host), &r) && !write_resource (&r, error))
    return FALSE;
  char *dirs[] = { (char *) sanlock_dir (v, host), NULL };
  HerdLeaseState state;
  if (!read_lease (dirs, &r, &state, error))
    return FALSE;
  if (state.owner_host_id != 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "lease %s is held by host id %u", r.res.name,
                   state.owner_host_id);
      return FALSE;
    }
  g_autofree char *lockspace = g_markup_escape_text (r.res.lockspace_name,
                                                     -1);
  g_autofree char *key = g_markup_escape_text (r.res.name, -1);
  g_autofree char *path = g_markup_escape_text (r.disk.path, -1);
  g_string_append_printf (xml,
                          "    <lease><lockspace>%s</lockspace><key>%s</key>"
                          "<target path='%s' offset='%" G_GUINT64_FORMAT
                          "'/></lease>\n",
                          lockspace, key, path, (guint64) r.disk.offset);
  return TRUE;
}

/* In the host's worker thread, once a leased VM's QEMU runs: whether the
 * host holds its lease.  A host whose libvirt has no sanlock lock manager
 * (lock_manager in qemu.conf) starts the VM and ignores its <lease>: the
 * VM must not run so. */
gboolean
herd_virt_vm_lease_held (VirtDriver *v, HerdId host, HerdId vm,
                         GError **error)
{
  Resource r;
  if (!herd_model_vm (v->drv->model, vm)->lease)
    return TRUE;
  char *dirs[] = { (char *) sanlock_dir (v, host), NULL };
  HerdLeaseState state;
  if (!vm_resource (v, vm, &r, error) || !read_lease (dirs, &r, &state, error))
    return FALSE;
  if (state.owner_host_id != 0)
    return TRUE;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
               "host %s started VM %s without taking its lease %s: its "
               "libvirt must use sanlock (lock_manager = \"sanlock\" in "
               "qemu.conf, package libvirt-sanlock)",
               herd_model_host (v->drv->model, host)->name,
               herd_model_vm (v->drv->model, vm)->name, r.res.name);
  return FALSE;
}
