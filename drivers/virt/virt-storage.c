/* virt-storage.c: VM disks on storage domains, thin volumes extended as
 * the host agent and the SPM extend them, and the domains' size and free
 * space.
 *
 * File domains: a VM's disk N is DOMAIN/images/VM-N.qcow2 (or .raw),
 * created with qemu-img the first time the VM starts: qcow2 or sparse raw
 * for a thin disk, fully allocated raw (falloc) for a preallocated one.
 * Such files grow by themselves.
 *
 * Block domains (iscsi, fcp): each volume is an LV.  Without a volume
 * group, the driver stands an LV in with a file, DOMAIN/images/VM-N.lv,
 * that a loop device presents as a block device of the file's size (the
 * file's size is the LV's size, so it survives restarts).  A thin volume
 * is qcow2 on an LV of ThinVolumeInitialSize (behaviour.md §6): once the
 * VM runs, a block threshold (virDomainSetBlockThreshold) is armed at the
 * LV's size minus VolumeExtendWatermark; when QEMU's writes cross it, or
 * when the VM pauses because the LV is full (ENOSPC), the host asks the
 * SPM to extend the volume (the storage mailbox: the SPM reads it every
 * SpmMailboxReadInterval).  The SPM extends the LV by VolumeExtendChunk,
 * at most to 1.1 x the virtual size (the file grows, the loop device takes
 * the new capacity); LvExtendTime later the host has refreshed it, arms
 * the next threshold and resumes the VM if the full LV paused it.  Without
 * an SPM that answers, the request waits for the next mailbox read.
 *
 * Disks are virtio with error_policy stop, so that an I/O error pauses the
 * VM and libvirt says why.  A domain's size and free space are its
 * directory's file system's (statvfs, in a thread: virt_domain_stats). */
#include "drivers/virt/virt-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <libvirt/virterror.h>
#include <linux/loop.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static HerdId
disk_domain (VirtDriver *v, const HerdDisk *disk, const HerdVm *vm)
{
  if (disk->domain != HERD_ID_NONE)
    return disk->domain;
  HerdModel *model = v->drv->model;
  HerdId dc = herd_model_cluster (model, vm->cluster)->datacenter;
  return herd_model_datacenter (model, dc)->master_domain;
}

/* Runs argv; its standard output (trimmed) in *out if out is not NULL. */
static gboolean
run_tool (const char *const *argv, char **out, GError **error)
{
  g_autoptr (GSubprocess) proc = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
      error);
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  if (proc == NULL
      || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &stdout_text,
                                         &stderr_text, error))
    return FALSE;
  if (!g_subprocess_get_successful (proc))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "%s: %s", command, g_strstrip (stderr_text));
      return FALSE;
    }
  if (out != NULL)
    *out = g_strdup (g_strstrip (stdout_text));
  return TRUE;
}

static gboolean
create_image (const char *path, const char *format, gboolean thin,
              gint64 size_mib, GError **error)
{
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT "M",
                                           size_mib);
  const char *argv[] = { "qemu-img", "create", "-q", "-f", format,
                         "-o", thin ? "preallocation=off"
                                    : "preallocation=falloc",
                         path, size, NULL };
  return run_tool (argv, NULL, error);
}

/* The LV of a block volume: created (qcow2 on an LV of the initial size
 * for a thin volume, raw on the whole size otherwise) and presented by a
 * loop device, whose path goes in vol->device. */
static gboolean
activate_lv (VirtDriver *v, const HerdDisk *disk, VirtVolume *vol,
             GError **error)
{
  struct stat st;
  if (stat (vol->path, &st) < 0)
    {
      const HerdParams *p = &v->drv->model->params;
      gint64 lv_mib = herd_volume_first_mib (disk->thin, TRUE,
                                             disk->virtual_mib, disk->base_mib,
                                             p->thin_initial_mib);
      if (!create_image (vol->path, vol->format, disk->thin,
                         disk->virtual_mib, error)
          || truncate (vol->path, lv_mib << 20) < 0)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                         "%s: %s", vol->path, g_strerror (errno));
          return FALSE;
        }
      st.st_size = (off_t) lv_mib << 20;
    }
  vol->lv_mib = (gint64) (st.st_size >> 20);
  if (vol->device != NULL)
    return TRUE;
  /* Already active (a manager that restarted), else a new loop device. */
  g_autofree char *found = NULL;
  const char *find[] = { "losetup", "-n", "-O", "NAME", "-j", vol->path,
                         NULL };
  if (!run_tool (find, &found, error))
    return FALSE;
  if (found[0] != '\0')
    {
      char *nl = strchr (found, '\n');
      if (nl != NULL)
        *nl = '\0';
      vol->device = g_steal_pointer (&found);
      return TRUE;
    }
  const char *attach[] = { "losetup", "-f", "--show", vol->path, NULL };
  return run_tool (attach, &vol->device, error);
}

/* Where disk i of VM vm lives: DOMAIN/images/VM-i.EXT (.lv on a block
 * domain, else .qcow2 or .raw), whether its domain is block storage, and
 * its format; NULL when its domain has no directory. */
static char *
volume_file (VirtDriver *v, const HerdVm *vm, guint i, gboolean *block,
             const char **format, GError **error)
{
  HerdModel *model = v->drv->model;
  const HerdDisk *disk = g_ptr_array_index (model->disks, vm->first_disk + i);
  HerdId domain = disk_domain (v, disk, vm);
  const char *dir = domain != HERD_ID_NONE ? v->config->domains[domain].path
                                           : NULL;
  if (dir == NULL)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                   "disk %u of VM %s: its storage domain has no path", i,
                   vm->name);
      return NULL;
    }
  *block = herd_storage_type_is_block (herd_model_domain (model, domain)->type);
  *format = disk->format == HERD_DISK_QCOW2 || (*block && disk->thin)
                ? "qcow2"
                : "raw";
  g_autofree char *file = g_strdup_printf ("%s-%u.%s", vm->name, i,
                                           *block ? "lv" : *format);
  return g_build_filename (dir, "images", file, NULL);
}

gboolean
herd_virt_vm_disks (VirtDriver *v, HerdId vm_id, GString *xml,
                    GError **error)
{
  HerdModel *model = v->drv->model;
  const HerdVm *vm = herd_model_vm (model, vm_id);
  for (guint i = 0; i < vm->n_disks; i++)
    {
      HerdId disk_id = vm->first_disk + i;
      const HerdDisk *disk = g_ptr_array_index (model->disks, disk_id);
      VirtVolume *vol = &v->volumes[disk_id];
      gboolean block;
      g_autofree char *path = volume_file (v, vm, i, &block, &vol->format,
                                           error);
      if (path == NULL)
        return FALSE;
      g_autofree char *images = g_path_get_dirname (path);
      g_free (vol->path);
      vol->path = g_steal_pointer (&path);
      vol->block = block;
      vol->thin = disk->thin;
      vol->vm = vm_id;
      g_free (vol->target);
      vol->target = g_strdup_printf ("vd%c", 'a' + (char) MIN (i, 25));
      if (g_mkdir_with_parents (images, 0755) < 0)
        {
          g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                       "creating %s: %s", images, g_strerror (errno));
          return FALSE;
        }
      if (block ? !activate_lv (v, disk, vol, error)
                : !g_file_test (vol->path, G_FILE_TEST_EXISTS)
                      && !create_image (vol->path, vol->format, disk->thin,
                                        disk->virtual_mib, error))
        return FALSE;
      if (xml == NULL)
        continue;
      g_autofree char *source = g_markup_escape_text (
          block ? vol->device : vol->path, -1);
      /* As VDSM writes them: no host page cache (cache='none', O_DIRECT:
       * the storage is shared, and with the page cache a failed
       * fdatasync leaves QEMU failing every later flush, so a VM paused on
       * an I/O error could never resume), io='native' on block devices,
       * 'threads' on files. */
      g_string_append_printf (
          xml,
          "    <disk type='%s' device='disk'>"
          "<driver name='qemu' type='%s' cache='none' io='%s' "
          "error_policy='stop'/>"
          "<source %s='%s'/><target dev='%s' bus='virtio'/></disk>\n",
          block ? "block" : "file", vol->format, block ? "native" : "threads",
          block ? "dev" : "file", source, vol->target);
    }
  return TRUE;
}

typedef struct
{
  VirtDriver *v;
  HerdId host, vm;
} FoundPaused;

/* Raised from the main loop, not inside the vm_list that found it. */
static gboolean
report_paused (gpointer data)
{
  FoundPaused *f = data;
  herd_driver_emit_vm_state (f->v->drv, f->vm, f->host, HERD_VM_PAUSED,
                             HERD_PAUSE_ENOSPC);
  g_free (f);
  return G_SOURCE_REMOVE;
}

void
herd_virt_vm_found (VirtDriver *v, HerdId host, HerdId vm_id)
{
  const HerdVm *vm = herd_model_vm (v->drv->model, vm_id);
  if (vm->n_disks == 0 || v->volumes[vm->first_disk].target != NULL)
    return;
  g_autoptr (GError) error = NULL;
  if (!herd_virt_vm_disks (v, vm_id, NULL, &error))
    {
      g_message ("VM %s: %s", vm->name, error->message);
      return;
    }
  herd_virt_vm_thresholds (v, host, vm_id);
  /* Paused on a full LV while nobody watched: the extension is asked
   * for now. */
  virDomainPtr dom = herd_virt_domain (v, host, vm_id, NULL);
  virDomainDiskErrorPtr errors = NULL;
  int n = dom != NULL ? virDomainGetDiskErrors (dom, NULL, 0, 0) : 0;
  if (n > 0)
    {
      errors = g_new0 (virDomainDiskError, n);
      n = virDomainGetDiskErrors (dom, errors, (unsigned int) n, 0);
    }
  for (int i = 0; i < n; i++)
    {
      if (errors[i].error == VIR_DOMAIN_DISK_ERROR_NO_SPACE)
        {
          if (v->vm_pause_reason[vm_id] != HERD_PAUSE_ENOSPC)
            {
              FoundPaused *f = g_new (FoundPaused, 1);
              *f = (FoundPaused){ v, host, vm_id };
              g_idle_add (report_paused, f);
            }
          v->vm_pause_reason[vm_id] = HERD_PAUSE_ENOSPC;
          herd_virt_volume_needs_space (v, vm_id, errors[i].disk);
        }
      free (errors[i].disk);
    }
  g_free (errors);
  if (dom != NULL)
    virDomainFree (dom);
}

/* What a host's worker does to a VM's thin block volumes: arms their
 * thresholds, and resumes the VM after an extension. */
typedef struct
{
  virConnectPtr conn; /* a reference */
  char *vm_name;
  GStrv targets;      /* its volumes' devices, */
  guint64 *at;        /* and their thresholds, bytes */
  gboolean resume;
} VolumeErrand;

static void
volume_errand_free (gpointer data)
{
  VolumeErrand *e = data;
  virConnectClose (e->conn);
  g_free (e->vm_name);
  g_strfreev (e->targets);
  g_free (e->at);
  g_free (e);
}

/* In the host's worker. */
static void
volume_errand_work (gpointer data)
{
  VolumeErrand *e = data;
  virDomainPtr dom = virDomainLookupByName (e->conn, e->vm_name);
  if (dom == NULL)
    return; /* gone meanwhile: nothing to arm */
  for (guint i = 0; e->targets[i] != NULL; i++)
    if (virDomainSetBlockThreshold (dom, e->targets[i], e->at[i], 0) < 0)
      g_message ("VM %s disk %s: no block threshold: %s", e->vm_name,
                 e->targets[i], virGetLastErrorMessage ());
  if (e->resume && virDomainResume (dom) < 0)
    g_message ("VM %s: not resumed after extension: %s", e->vm_name,
               virGetLastErrorMessage ());
  virDomainFree (dom);
}

/* Arms the block threshold of each of vm's thin block volumes on host
 * (the LV's size minus VolumeExtendWatermark), then resumes the VM if
 * resume, in the host's worker. */
static void
arm (VirtDriver *v, HerdId host, HerdId vm_id, gboolean resume)
{
  const HerdVm *vm = herd_model_vm (v->drv->model, vm_id);
  virConnectPtr conn = herd_virt_conn (v, host, NULL);
  if (conn == NULL)
    return;
  g_autoptr (GStrvBuilder) targets = g_strv_builder_new ();
  GArray *at = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint i = 0; i < vm->n_disks; i++)
    {
      VirtVolume *vol = &v->volumes[vm->first_disk + i];
      if (!vol->block || !vol->thin || vol->target == NULL)
        continue;
      gint64 mib = vol->lv_mib - v->drv->model->params.extend_watermark_mib;
      guint64 bytes = (guint64) MAX (mib, 1) << 20;
      g_strv_builder_add (targets, vol->target);
      g_array_append_val (at, bytes);
    }
  if (at->len == 0 && !resume)
    {
      g_array_free (at, TRUE);
      return;
    }
  VolumeErrand *e = g_new0 (VolumeErrand, 1);
  e->conn = conn;
  virConnectRef (conn);
  e->vm_name = g_strdup (vm->name);
  e->targets = g_strv_builder_end (targets);
  e->at = (guint64 *) g_array_free (at, FALSE);
  e->resume = resume;
  herd_virt_host_errand (v, host, volume_errand_work, e, volume_errand_free);
}

void
herd_virt_vm_thresholds (VirtDriver *v, HerdId host, HerdId vm_id)
{
  arm (v, host, vm_id, FALSE);
}

void
herd_virt_domain_back (VirtDriver *v, HerdId host, HerdId domain)
{
  HerdModel *model = v->drv->model;
  for (guint i = 0; i < model->vms->len; i++)
    {
      const HerdVm *vm = herd_model_vm (model, i);
      gboolean there = FALSE;
      for (guint d = 0; d < vm->n_disks; d++)
        there |= ((const HerdDisk *) g_ptr_array_index (
                      model->disks, vm->first_disk + d))
                     ->domain
                 == domain;
      if (!there || vm->host != host || vm->status != HERD_VM_PAUSED
          || v->vm_pause_reason[i] != HERD_PAUSE_EIO
          || vm->resume_policy == HERD_RESUME_LEAVE_PAUSED)
        continue;
      g_message ("host %s: storage domain %s is back: resuming VM %s, "
                 "paused on an I/O error (%s)",
                 herd_model_host (model, host)->name,
                 herd_model_domain (model, domain)->name, vm->name,
                 herd_resume_policy_name (vm->resume_policy));
      arm (v, host, i, TRUE);
    }
}

typedef struct
{
  VirtDriver *v;
  HerdId host, vm;
} KillPaused;

static gboolean
kill_paused (gpointer data)
{
  KillPaused *k = data;
  VirtDriver *v = k->v;
  HerdModel *model = v->drv->model;
  const HerdVm *vm = herd_model_vm (model, k->vm);
  v->vm_kill_timers[k->vm] = 0;
  if (vm->host == k->host && vm->status == HERD_VM_PAUSED
      && v->vm_pause_reason[k->vm] == HERD_PAUSE_EIO
      && vm->resume_policy == HERD_RESUME_KILL)
    {
      g_autoptr (GError) error = NULL;
      g_message ("host %s: VM %s has been paused on an I/O error for %u s: "
                 "killed (resume policy kill)",
                 herd_model_host (model, k->host)->name, vm->name,
                 8 * v->config->io_timeout_s);
      if (!herd_driver_vm_stop (v->drv, k->host, k->vm, &error))
        g_warning ("VM %s: %s", vm->name, error->message);
    }
  return G_SOURCE_REMOVE;
}

void
herd_virt_vm_paused_eio (VirtDriver *v, HerdId host, HerdId vm)
{
  /* Whatever its policy now: the policy when the time is up decides (an
   * edit may give it kill meanwhile).  The time counts from the last
   * pause. */
  if (v->vm_kill_timers[vm] != 0)
    g_source_remove (v->vm_kill_timers[vm]);
  KillPaused *k = g_new (KillPaused, 1);
  *k = (KillPaused){ v, host, vm };
  v->vm_kill_timers[vm] = g_timeout_add_seconds_full (
      G_PRIORITY_DEFAULT, 8 * v->config->io_timeout_s, kill_paused, k,
      g_free);
}

static gboolean extend_now (gpointer data);

/* The volume the host asks the SPM to extend: the request is read at the
 * SPM's next mailbox read. */
static void
request_extension (VirtDriver *v, VirtVolume *vol)
{
  if (!vol->block || !vol->thin || vol->pending != 0 || vol->extending)
    return;
  vol->pending = g_timeout_add (
      (guint) (v->drv->model->params.mailbox_read_interval / HERD_MSEC (1)),
      extend_now, vol);
}

static VirtVolume *
volume_of (VirtDriver *v, HerdId vm_id, const char *target_or_device)
{
  const HerdVm *vm = herd_model_vm (v->drv->model, vm_id);
  for (guint i = 0; i < vm->n_disks; i++)
    {
      VirtVolume *vol = &v->volumes[vm->first_disk + i];
      if (g_strcmp0 (vol->target, target_or_device) == 0
          || g_strcmp0 (vol->device, target_or_device) == 0)
        return vol;
    }
  return NULL;
}

void
herd_virt_volume_needs_space (VirtDriver *v, HerdId vm, const char *dev)
{
  VirtVolume *vol = volume_of (v, vm, dev);
  if (vol != NULL)
    request_extension (v, vol);
}

/* LvExtendTime after the SPM extended it, the host sees the new size:
 * the next threshold, and the VM resumed if the full LV paused it. */
static gboolean
refreshed (gpointer data)
{
  VirtVolume *vol = data;
  VirtDriver *v = vol->v;
  const HerdVm *vm = herd_model_vm (v->drv->model, vol->vm);
  vol->pending = 0;
  if (vm->host != HERD_ID_NONE)
    arm (v, vm->host, vol->vm,
         v->vm_pause_reason[vol->vm] == HERD_PAUSE_ENOSPC);
  return G_SOURCE_REMOVE;
}

/* An LV's extension, in a thread: the file grows, the loop device takes
 * the new capacity. */
typedef struct
{
  VirtVolume *vol;
  char *path, *device;
  char *spm;            /* the SPM host's name */
  gint64 to;            /* MiB */
  int err;              /* errno, 0 when it worked */
} Extension;

static void
extension_free (gpointer data)
{
  Extension *x = data;
  g_free (x->path);
  g_free (x->device);
  g_free (x->spm);
  g_free (x);
}

static void
extension_work (gpointer data)
{
  Extension *x = data;
  int fd = -1;
  if (truncate (x->path, x->to << 20) < 0
      || (fd = open (x->device, O_RDONLY | O_CLOEXEC)) < 0
      || ioctl (fd, LOOP_SET_CAPACITY, 0) < 0)
    x->err = errno;
  if (fd >= 0)
    close (fd);
}

static void
extension_done (gpointer data)
{
  Extension *x = data;
  VirtVolume *vol = x->vol;
  VirtDriver *v = vol->v;
  HerdModel *model = v->drv->model;
  const HerdVm *vm = herd_model_vm (model, vol->vm);
  vol->extending = FALSE;
  if (g_strcmp0 (vol->device, x->device) != 0)
    return; /* the VM went down meanwhile */
  if (x->err != 0)
    {
      g_message ("SPM %s: extending %s to %" G_GINT64_FORMAT " MiB: %s",
                 x->spm, vol->path, x->to, g_strerror (x->err));
      request_extension (v, vol); /* retried at the next mailbox read */
      return;
    }
  g_message ("SPM %s extended VM %s disk %s from %" G_GINT64_FORMAT
             " to %" G_GINT64_FORMAT " MiB",
             x->spm, vm->name, vol->target, vol->lv_mib, x->to);
  vol->lv_mib = x->to;
  vol->pending = g_timeout_add (
      (guint) MAX (model->params.lv_extend_time / HERD_MSEC (1), 1),
      refreshed, vol);
}

/* The SPM extends the volume's LV by VolumeExtendChunk. */
static gboolean
extend_now (gpointer data)
{
  VirtVolume *vol = data;
  VirtDriver *v = vol->v;
  HerdModel *model = v->drv->model;
  const HerdVm *vm = herd_model_vm (model, vol->vm);
  const HerdParams *p = &model->params;
  const HerdDisk *disk = g_ptr_array_index (model->disks, vol - v->volumes);
  HerdId dc = herd_model_cluster (model, vm->cluster)->datacenter;
  HerdId spm = herd_model_datacenter (model, dc)->spm_host;
  if (spm == HERD_ID_NONE || v->hosts[spm].conn == NULL)
    return G_SOURCE_CONTINUE; /* the next mailbox read */
  gint64 max = herd_volume_max_lv_mib (disk->virtual_mib);
  gint64 to = MIN (vol->lv_mib + p->extend_chunk_mib, max);
  if (to <= vol->lv_mib)
    {
      vol->pending = 0;
      return G_SOURCE_REMOVE; /* at its largest */
    }
  if (vol->device == NULL)
    {
      vol->pending = 0;
      return G_SOURCE_REMOVE; /* no longer active */
    }
  vol->pending = 0;
  vol->extending = TRUE;
  Extension *x = g_new0 (Extension, 1);
  x->vol = vol;
  x->path = g_strdup (vol->path);
  x->device = g_strdup (vol->device);
  x->to = to;
  x->spm = g_strdup (herd_model_host (model, spm)->name);
  herd_virt_in_thread (extension_work, extension_done, x, extension_free);
  return G_SOURCE_REMOVE;
}

GStrv
herd_virt_vm_volumes_take (VirtDriver *v, HerdId vm_id)
{
  const HerdVm *vm = herd_model_vm (v->drv->model, vm_id);
  g_autoptr (GStrvBuilder) devices = g_strv_builder_new ();
  for (guint i = 0; i < vm->n_disks; i++)
    {
      VirtVolume *vol = &v->volumes[vm->first_disk + i];
      if (vol->pending != 0)
        g_source_remove (vol->pending);
      vol->pending = 0;
      if (vol->device != NULL)
        g_strv_builder_add (devices, vol->device);
      g_clear_pointer (&vol->device, g_free);
    }
  return g_strv_builder_end (devices);
}

void
herd_virt_detach (GStrv devices)
{
  for (guint i = 0; devices != NULL && devices[i] != NULL; i++)
    {
      const char *detach[] = { "losetup", "-d", devices[i], NULL };
      g_autoptr (GError) error = NULL;
      if (!run_tool (detach, NULL, &error))
        g_message ("%s", error->message);
    }
}

void
herd_virt_vm_volumes_down (VirtDriver *v, HerdId vm_id)
{
  g_auto (GStrv) devices = herd_virt_vm_volumes_take (v, vm_id);
  herd_virt_detach (devices);
}

/* herd_virt_vm_volumes_remove's work, off the main loop. */
typedef struct
{
  GStrv devices; /* loop devices to detach */
  GStrv files;   /* then the volumes' files to delete */
} VolumesRemoval;

static void
removal_work (gpointer data)
{
  VolumesRemoval *r = data;
  herd_virt_detach (r->devices);
  for (guint i = 0; r->files[i] != NULL; i++)
    if (unlink (r->files[i]) < 0 && errno != ENOENT)
      g_warning ("deleting %s: %s", r->files[i], g_strerror (errno));
    else
      g_message ("deleted %s (its VM was removed)", r->files[i]);
}

static void
removal_done (gpointer data)
{
}

static void
removal_free (gpointer data)
{
  VolumesRemoval *r = data;
  g_strfreev (r->devices);
  g_strfreev (r->files);
  g_free (r);
}

/* A VM removed at run time (Down): its volumes' loop devices are
 * detached and their files deleted, in a thread (herd made them: the
 * names are herd's own, DOMAIN/images/VM-N.EXT; a disk on a domain
 * without a directory has nothing of herd's). */
gboolean
herd_virt_vm_volumes_remove (VirtDriver *v, HerdId vm_id, GError **error)
{
  const HerdVm *vm = herd_model_vm (v->drv->model, vm_id);
  g_autoptr (GStrvBuilder) files = g_strv_builder_new ();
  for (guint i = 0; i < vm->n_disks; i++)
    {
      gboolean block;
      const char *format;
      g_autofree char *path = volume_file (v, vm, i, &block, &format, NULL);
      if (path != NULL)
        g_strv_builder_add (files, path);
    }
  VolumesRemoval *r = g_new (VolumesRemoval, 1);
  r->devices = herd_virt_vm_volumes_take (v, vm_id);
  r->files = g_strv_builder_end (files);
  herd_virt_in_thread (removal_work, removal_done, r, removal_free);
  return TRUE;
}

void
herd_virt_volumes_clear (VirtDriver *v)
{
  for (guint i = 0; v->volumes != NULL && i < v->drv->model->disks->len;
       i++)
    {
      VirtVolume *vol = &v->volumes[i];
      if (vol->pending != 0)
        g_source_remove (vol->pending);
      g_free (vol->path);
      g_free (vol->device);
      g_free (vol->target);
    }
  g_free (v->volumes);
}

/* A domain's size and free space come from statvfs on its directory,
 * which waits as long as its file system does (a hung NFS server: for
 * ever).  So it runs in a thread of GLib's pool, at most one per domain,
 * and the core gets the last answer: none yet, or a measurement that has
 * not answered for SPACE_TIMEOUT_US, is a failure (the core skips the
 * domain until it answers). */
#define SPACE_TIMEOUT_US (10 * G_USEC_PER_SEC)

typedef struct
{
  VirtSpace *space;
  char *path;
  struct statvfs st;
  int err; /* errno of statvfs, 0 when it answered */
} SpaceQuery;

static void
space_query_free (gpointer data)
{
  SpaceQuery *q = data;
  g_free (q->path);
  g_free (q);
}

static void
space_thread (gpointer data)
{
  SpaceQuery *q = data;
  q->err = statvfs (q->path, &q->st) < 0 ? errno : 0;
}

static void
space_done (gpointer data)
{
  SpaceQuery *q = data;
  VirtSpace *space = q->space;
  space->measuring = FALSE;
  space->answered = TRUE;
  space->err = q->err;
  space->capacity_mib = (gint64) ((guint64) q->st.f_blocks * q->st.f_frsize
                                  >> 20);
  space->free_mib = (gint64) ((guint64) q->st.f_bavail * q->st.f_frsize
                              >> 20);
}

static gboolean
virt_domain_stats (HerdDriver *drv, HerdId domain, gint64 *capacity_mib,
                   gint64 *free_mib, GError **error)
{
  VirtDriver *v = virt_of (drv);
  const char *path = v->config->domains[domain].path;
  const char *name = herd_model_domain (drv->model, domain)->name;
  VirtSpace *space = &v->spaces[domain];
  if (path == NULL)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "storage domain %s: no path", name);
      return FALSE;
    }
  gint64 now = g_get_monotonic_time ();
  if (!space->measuring)
    {
      SpaceQuery *q = g_new0 (SpaceQuery, 1);
      q->space = space;
      q->path = g_strdup (path);
      space->measuring = TRUE;
      space->started_us = now;
      herd_virt_in_thread (space_thread, space_done, q, space_query_free);
    }
  if (now - space->started_us >= SPACE_TIMEOUT_US)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "storage domain %s: %s has not answered for %"
                   G_GINT64_FORMAT " s", name, path,
                   (now - space->started_us) / G_USEC_PER_SEC);
      return FALSE;
    }
  if (!space->answered || space->err != 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "storage domain %s: %s", name,
                   space->answered ? g_strerror (space->err)
                                   : "not measured yet");
      return FALSE;
    }
  *capacity_mib = space->capacity_mib;
  *free_mib = space->free_mib;
  return TRUE;
}

const HerdStorageOps herd_virt_storage = {
  .domain_stats = virt_domain_stats,
};
