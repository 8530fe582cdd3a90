/* changes.h: run-time changes to the cluster's definition (herd run).
 *
 * Hosts are added, removed and reinstalled, and VMs defined, edited and
 * removed, while herd run runs, through herd ctl and the REST API.  A
 * change is given as scenario keys (docs/scenarios.md: cores = 4,
 * memory = 8G, uri = qemu+ssh://...) and checked by the scenario loader
 * itself: the configuration's text and every object added so far, with
 * the new one appended as [host NAME] or [vm NAME], must load, so a
 * run-time definition obeys exactly the rules of the configuration file
 * and its errors read the same.  A change is recorded in the state
 * database (herd_state_put_change) before it takes effect, and at the
 * next start herd_changes_load makes the same scenario again: the
 * configuration, the objects added, VMs' edits and removals.
 *
 * The model's objects are indexes: an object added takes the next id in
 * the room reserved at start (herd_model_reserve), and one removed keeps
 * its id, marked removed.  See docs/real-hosts.md, "Run-time changes". */
#pragma once

#include <json-glib/json-glib.h>

#include "conf/run-config.h"
#include "conf/scenario.h"
#include "core/manager.h"
#include "service/state.h"

#define HERD_CHANGES_ERROR (herd_changes_error_quark ())
GQuark herd_changes_error_quark (void);

typedef enum
{
  HERD_CHANGES_ERROR_INVALID, /* the request is wrong: a key, a value, a
                                 name (nothing changed) */
  HERD_CHANGES_ERROR_EXISTS,  /* an object of that name exists */
  HERD_CHANGES_ERROR_ROOM,    /* no room left for more objects */
  HERD_CHANGES_ERROR_LAST
} HerdChangesError;

typedef enum
{
  HERD_CHANGE_HOST,
  HERD_CHANGE_VM,
  HERD_CHANGE_DOMAIN, /* a storage domain: added only */
  HERD_CHANGE_KIND_LAST
} HerdChangeKind;

typedef struct _HerdChanges HerdChanges;

/* Loads the configuration at config_path with the changes recorded in
 * the state database at db_path (if there is one) into *scenario, and
 * reserves the model's room for objects added later: twice what is
 * defined, plus 16 hosts, 64 VMs and 8 disks per VM of room, and 8 more
 * storage domains (64 at most).  The changes'
 * errors name the object they concern.  NULL (with *scenario NULL) on
 * error. */
HerdChanges *herd_changes_load (const char *config_path, const char *db_path,
                                HerdScenario **scenario, GError **error);
void herd_changes_free (HerdChanges *changes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdChanges, herd_changes_free)

/* What changes act on, once herd run has them. */
void herd_changes_attach (HerdChanges *changes, HerdVirtConfig *config,
                          HerdManager *manager, HerdState *state);
gboolean herd_changes_attached (const HerdChanges *changes);

/* Adds a host, a VM or a storage domain called name with settings (a JSON object of
 * scenario keys, each value a string: {"cluster": "c1", "cores": "4"}).
 * by names who asked (audit). */
gboolean herd_changes_add (HerdChanges *changes, HerdChangeKind kind,
                           const char *name, JsonObject *settings,
                           const char *by, GError **error);
/* Changes a VM: vcpus, memory, guaranteed_memory and lease while it is
 * Down; ha, priority, resume and migratable at any time. */
gboolean herd_changes_edit_vm (HerdChanges *changes, HerdId vm,
                               JsonObject *settings, const char *by,
                               GError **error);
gboolean herd_changes_remove (HerdChanges *changes, HerdChangeKind kind,
                              HerdId id, const char *by, GError **error);
gboolean herd_changes_reinstall (HerdChanges *changes, HerdId host,
                                 const char *by, GError **error);
