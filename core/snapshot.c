/* snapshot.c: a VM's snapshots as the manager handles them (behaviour.md
 * §9: create, preview, commit, undo, delete).
 *
 * The manager keeps each VM's snapshots by name, oldest first, and which
 * one is being previewed.  It checks what oVirt's validation checks
 * before asking the SPM: a running SPM in the VM's data center; the VM
 * Up (a live snapshot, with or without memory) or Down for create and
 * delete, Down for preview, commit and undo; no other preview under way;
 * and, for the operations that create volumes (create, preview), no
 * domain of the VM's disks under its critical free space as the SPM last
 * reported it (IRS_DISK_SPACE_LOW_ERROR): new thin volumes are refused
 * there.  The driver then creates, merges or removes the volumes; it
 * fails, changing nothing, when they do not fit.  Every outcome is an
 * audit event with oVirt's code: USER_CREATE_SNAPSHOT_FINISHED_SUCCESS
 * (68) or USER_FAILED_CREATE_SNAPSHOT (117), ..._TRY_BACK_TO_SNAPSHOT
 * (71/115) for a preview, ..._RESTORE_FROM_SNAPSHOT (100/116) for commit
 * and undo, ..._REMOVE_SNAPSHOT (356/343) for delete. */
#include "core/manager-private.h"
#include "core/snapshot.h"

#include "core/manager-time.h"

static const struct
{
  const char *verb;
  HerdAuditType done, failed;
} ops[HERD_SNAPSHOT_OP_LAST] = {
  [HERD_SNAPSHOT_CREATE] = { "create", HERD_AUDIT_USER_CREATE_SNAPSHOT_FINISHED_SUCCESS,
                             HERD_AUDIT_USER_FAILED_CREATE_SNAPSHOT },
  [HERD_SNAPSHOT_PREVIEW] = { "preview", HERD_AUDIT_USER_TRY_BACK_TO_SNAPSHOT_FINISH_SUCCESS,
                              HERD_AUDIT_USER_FAILED_TRY_BACK_TO_SNAPSHOT },
  [HERD_SNAPSHOT_COMMIT] = { "commit", HERD_AUDIT_USER_RESTORE_FROM_SNAPSHOT_FINISH_SUCCESS,
                             HERD_AUDIT_USER_FAILED_RESTORE_FROM_SNAPSHOT },
  [HERD_SNAPSHOT_UNDO] = { "undo", HERD_AUDIT_USER_RESTORE_FROM_SNAPSHOT_FINISH_SUCCESS,
                           HERD_AUDIT_USER_FAILED_RESTORE_FROM_SNAPSHOT },
  [HERD_SNAPSHOT_DELETE] = { "delete", HERD_AUDIT_USER_REMOVE_SNAPSHOT_FINISHED_SUCCESS,
                             HERD_AUDIT_USER_FAILED_REMOVE_SNAPSHOT },
};

void
herd_snapshot_init (HerdManager *m)
{
  guint n = herd_model_vm_slots (m->model);
  m->snapshots = g_new0 (GPtrArray *, n);
  m->previewing = g_new (gint, n);
  for (guint i = 0; i < n; i++)
    m->previewing[i] = -1;
}

void
herd_snapshot_clear (HerdManager *m)
{
  for (guint i = 0; i < m->model->vms->len && m->snapshots != NULL; i++)
    if (m->snapshots[i] != NULL)
      g_ptr_array_unref (m->snapshots[i]);
  g_free (m->snapshots);
  g_free (m->previewing);
}

/* The index of the VM's snapshot called name, or -1. */
static gint
find (HerdManager *m, HerdId vm, const char *name)
{
  GPtrArray *list = m->snapshots[vm];
  for (guint i = 0; list != NULL && i < list->len; i++)
    if (strcmp (g_ptr_array_index (list, i), name) == 0)
      return (gint) i;
  return -1;
}

/* Why the operation cannot be done now (NULL: it can), and *index the
 * snapshot it acts on. */
static char *
refusal (HerdManager *m, const HerdVm *vm, HerdSnapshotOp op,
         const char *name, gboolean memory, gint *index)
{
  HerdId dc = herd_model_cluster (m->model, vm->cluster)->datacenter;
  HerdId spm = herd_model_datacenter (m->model, dc)->spm_host;
  gboolean up = vm->status == HERD_VM_UP;
  gboolean down = vm->status == HERD_VM_DOWN;
  *index = find (m, vm->id, name);
  if (spm == HERD_ID_NONE
      || herd_model_host (m->model, spm)->status != HERD_HOST_UP)
    return g_strdup ("the data center has no running SPM");
  if (op == HERD_SNAPSHOT_CREATE || op == HERD_SNAPSHOT_DELETE
          ? !up && !down
          : !down)
    return g_strdup_printf ("the VM is %s; it must be %s",
                            herd_vm_status_name (vm->status),
                            op == HERD_SNAPSHOT_CREATE
                                    || op == HERD_SNAPSHOT_DELETE
                                ? "Up or Down"
                                : "Down");
  if (op == HERD_SNAPSHOT_CREATE && memory && !up)
    return g_strdup ("only a running VM's memory can be saved");
  gboolean in_preview = m->previewing[vm->id] >= 0;
  if ((op == HERD_SNAPSHOT_COMMIT || op == HERD_SNAPSHOT_UNDO) != in_preview)
    return g_strdup (in_preview ? "a snapshot of the VM is in preview"
                                : "no snapshot of the VM is in preview");
  if (op == HERD_SNAPSHOT_CREATE && *index >= 0)
    return g_strdup_printf ("the VM already has a snapshot called %s", name);
  if (op == HERD_SNAPSHOT_CREATE)
    *index = m->snapshots[vm->id] != NULL ? (gint) m->snapshots[vm->id]->len
                                          : 0;
  else if (op == HERD_SNAPSHOT_COMMIT || op == HERD_SNAPSHOT_UNDO)
    *index = m->previewing[vm->id];
  else if (*index < 0)
    return g_strdup_printf ("the VM has no snapshot called %s", name);
  if (op != HERD_SNAPSHOT_CREATE && op != HERD_SNAPSHOT_PREVIEW)
    return NULL;
  for (guint i = 0; i < vm->n_disks; i++)
    {
      const HerdDisk *disk = g_ptr_array_index (m->model->disks,
                                                vm->first_disk + i);
      if (m->domain_space[disk->domain] == 2)
        return g_strdup_printf (
            "storage %s has less free space than its critical level "
            "(%g%%): no new thin volume there",
            herd_model_domain (m->model, disk->domain)->name,
            100 * herd_model_domain (m->model, disk->domain)->critical_free);
    }
  return NULL;
}

gboolean
herd_manager_vm_snapshot (HerdManager *m, HerdId vm_id, HerdSnapshotOp op,
                          const char *name, gboolean memory, GError **error)
{
  HerdVm *vm = herd_model_vm (m->model, vm_id);
  gint index;
  g_autofree char *why = refusal (m, vm, op, name != NULL ? name : "",
                                  memory, &index);
  /* Commit and undo act on the snapshot in preview. */
  if (op == HERD_SNAPSHOT_COMMIT || op == HERD_SNAPSHOT_UNDO)
    name = m->previewing[vm_id] >= 0
               ? g_ptr_array_index (m->snapshots[vm_id],
                                    m->previewing[vm_id])
               : "(none in preview)";
  g_autoptr (GError) local = NULL;
  if (why == NULL
      && !herd_driver_snapshot (m->driver, vm_id, op, (guint) index, memory,
                                &local))
    why = g_strdup (local->message);
  if (why != NULL)
    {
      herd_audit_emit (m->audit, herd_manager_now (m), ops[op].failed,
                       vm->name, "snapshot=%s action=%s reason=\"%s\"", name,
                       ops[op].verb, why);
      g_set_error (error, HERD_MANAGER_ERROR, HERD_MANAGER_ERROR_STATE,
                   "cannot %s snapshot %s of VM %s: %s", ops[op].verb, name,
                   vm->name, why);
      return FALSE;
    }
  if (m->snapshots[vm_id] == NULL)
    m->snapshots[vm_id] = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *list = m->snapshots[vm_id];
  switch (op)
    {
    case HERD_SNAPSHOT_CREATE:
      g_ptr_array_add (list, g_strdup (name));
      break;
    case HERD_SNAPSHOT_PREVIEW:
      m->previewing[vm_id] = index;
      break;
    case HERD_SNAPSHOT_COMMIT:
      /* The snapshots after the previewed one are gone. */
      g_ptr_array_set_size (list, (guint) index + 1);
      m->previewing[vm_id] = -1;
      break;
    case HERD_SNAPSHOT_UNDO:
      m->previewing[vm_id] = -1;
      break;
    case HERD_SNAPSHOT_DELETE:
      g_ptr_array_remove_index (list, (guint) index);
      break;
    case HERD_SNAPSHOT_OP_LAST:
      g_assert_not_reached ();
    }
  herd_audit_emit (m->audit, herd_manager_now (m), ops[op].done, vm->name,
                   "snapshot=%s action=%s%s", name, ops[op].verb,
                   op == HERD_SNAPSHOT_CREATE && memory ? " memory=true" : "");
  return TRUE;
}
