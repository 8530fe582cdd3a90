/* virt-storage.c: VM disks as image files on file storage domains, and
 * the domains' size and free space.
 *
 * A VM's disk N lives in DOMAIN/images/VM-N.qcow2 (or .raw), created with
 * qemu-img the first time the VM starts: qcow2 or sparse raw for a thin
 * disk, fully allocated raw (falloc) for a preallocated one.  Disks are
 * attached as virtio with error_policy stop, so that an I/O error (a full
 * domain: ENOSPC) pauses the VM and libvirt reports why.  A domain's size
 * and free space are the file system's (statvfs). */
#include "drivers/virt/virt-private.h"

#include <errno.h>
#include <sys/statvfs.h>

static HerdId
disk_domain (VirtDriver *v, const HerdDisk *disk, const HerdVm *vm)
{
  if (disk->domain != HERD_ID_NONE)
    return disk->domain;
  HerdModel *model = v->drv->model;
  HerdId dc = herd_model_cluster (model, vm->cluster)->datacenter;
  return herd_model_datacenter (model, dc)->master_domain;
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
  g_autoptr (GSubprocess) proc = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  g_autofree char *err = NULL;
  if (proc == NULL
      || !g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, error))
    return FALSE;
  if (g_subprocess_get_successful (proc))
    return TRUE;
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
               "qemu-img create %s: %s", path, g_strstrip (err));
  return FALSE;
}

gboolean
herd_virt_vm_disks (VirtDriver *v, HerdId vm_id, GString *xml,
                    GError **error)
{
  HerdModel *model = v->drv->model;
  const HerdVm *vm = herd_model_vm (model, vm_id);
  for (guint i = 0; i < vm->n_disks; i++)
    {
      const HerdDisk *disk = g_ptr_array_index (model->disks,
                                                vm->first_disk + i);
      HerdId domain = disk_domain (v, disk, vm);
      const char *dir = domain != HERD_ID_NONE
                            ? v->config->domains[domain].path
                            : NULL;
      if (dir == NULL)
        {
          g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
                       "disk %u of VM %s: its storage domain has no path", i,
                       vm->name);
          return FALSE;
        }
      const char *format = disk->format == HERD_DISK_QCOW2 ? "qcow2" : "raw";
      g_autofree char *images = g_build_filename (dir, "images", NULL);
      g_autofree char *file = g_strdup_printf ("%s-%u.%s", vm->name, i,
                                               format);
      g_autofree char *path = g_build_filename (images, file, NULL);
      if (g_mkdir_with_parents (images, 0755) < 0)
        {
          g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                       "creating %s: %s", images, g_strerror (errno));
          return FALSE;
        }
      if (!g_file_test (path, G_FILE_TEST_EXISTS)
          && !create_image (path, format, disk->thin, disk->virtual_mib,
                            error))
        return FALSE;
      g_autofree char *escaped = g_markup_escape_text (path, -1);
      g_string_append_printf (
          xml,
          "    <disk type='file' device='disk'>"
          "<driver name='qemu' type='%s' error_policy='stop'/>"
          "<source file='%s'/><target dev='vd%c' bus='virtio'/></disk>\n",
          format, escaped, 'a' + (char) MIN (i, 25));
    }
  return TRUE;
}

static gboolean
virt_domain_stats (HerdDriver *drv, HerdId domain, gint64 *capacity_mib,
                   gint64 *free_mib, GError **error)
{
  const char *path = virt_of (drv)->config->domains[domain].path;
  struct statvfs st;
  if (path == NULL || statvfs (path, &st) < 0)
    {
      g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_FAILED,
                   "storage domain %s: %s",
                   herd_model_domain (drv->model, domain)->name,
                   path == NULL ? "no path" : g_strerror (errno));
      return FALSE;
    }
  *capacity_mib = (gint64) ((guint64) st.f_blocks * st.f_frsize >> 20);
  *free_mib = (gint64) ((guint64) st.f_bavail * st.f_frsize >> 20);
  return TRUE;
}

const HerdStorageOps herd_virt_storage = {
  .domain_stats = virt_domain_stats,
};
