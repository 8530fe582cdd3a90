/* ctl.h: the control socket of herd run, which herd ctl talks to.
 *
 * A local UNIX socket; each request is one line holding a JSON object with
 * a "command" and its arguments, each answer one line: {"ok": true,
 * "result": ...} or {"ok": false, "error": "..."}.  A bad request (not
 * JSON, an unknown command or argument, a VM or host that does not exist,
 * an action the manager refuses) gets an error and changes nothing.
 *
 *   {"command": "hosts"}                      hosts, status, SPM, VMs
 *   {"command": "vms"}                        VMs, status, host
 *   {"command": "start", "vm": "web-1"}
 *   {"command": "stop", "vm": "web-1"}
 *   {"command": "migrate", "vm": "web-1"[, "host": "h-2"]}
 *   {"command": "maintenance", "host": "h-1"}
 *   {"command": "activate", "host": "h-1"}
 *   {"command": "confirm_reboot", "host": "h-1"}  "confirm host has been
 *                                             rebooted" (manual fencing)
 *   {"command": "select_spm", "host": "h-2"}  make h-2 the SPM
 *   {"command": "spm"}                        per data center: the SPM and
 *                                             who holds the SPM lease
 *   {"command": "events"[, "count": 20]}      the latest audit events
 *   {"command": "add_host", "name": "h-9", "settings": {"cores": "4", ...}}
 *   {"command": "add_vm", "name": "db-2", "settings": {"vcpus": "2", ...}}
 *   {"command": "add_storage", "name": "sd9", "settings": {"type": "nfs"}}
 *   {"command": "edit_vm", "vm": "db-2", "settings": {"memory": "4G"}}
 *   {"command": "remove_host", "host": "h-9"}
 *   {"command": "remove_vm", "vm": "db-2"}
 *   {"command": "reinstall", "host": "h-9"}   run-time changes
 *                                             (changes.h; herd run only)
 *
 * Who may ask what is access.h's: hosts, vms, spm and events are a
 * viewer's, start, stop and migrate an operator's, the rest an
 * administrator's.  A peer without a role gets one error line and is
 * closed, as is a connection beyond [manager] max_connections and one
 * that sends 64 KiB without a newline.  A request above the caller's role
 * gets an error and changes nothing; every request above the viewer's
 * role is recorded with who asked and its outcome (the log, and the state
 * database's requests table). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "core/manager.h"
#include "service/access.h"
#include "service/changes.h"
#include "service/state.h"

typedef struct _HerdCtl HerdCtl;

/* Listens on socket_path on the default main context, the socket file
 * 0660 and of access's socket group whatever the umask.  A stale socket
 * (nobody answers on it) at that path is replaced; a socket where a
 * herd run answers, or any other file (regular, directory, symbolic link,
 * ...), is refused and kept.  Takes access (NULL: the defaults: only root
 * and this process's user, 64 connections), also on failure. */
HerdCtl *herd_ctl_new (const char *socket_path, HerdManager *manager,
                       HerdModel *model, HerdDriver *driver,
                       HerdState *state, HerdAccess *access, GError **error);
void herd_ctl_free (HerdCtl *ctl);
/* Where run-time changes go (herd run); without it, they are refused. */
void herd_ctl_set_changes (HerdCtl *ctl, HerdChanges *changes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdCtl, herd_ctl_free)

/* Parses and checks one request line of length bytes (without its
 * newline): at most 64 KiB of UTF-8 without NUL bytes holding one strict
 * JSON object (json-strict.h: no \u0000, integers in range, no repeated
 * member, nothing after it) whose "command" is known and whose arguments
 * are the command's, of the right types.  The request object, or NULL
 * and error; nothing is asked of a manager, and no role is checked. */
JsonObject *herd_ctl_parse (const char *line, gsize length, GError **error);

/* The answer line (without newline) to one request line, asked by this
 * process's user (an administrator). */
char *herd_ctl_answer (HerdCtl *ctl, const char *request);

/* The same, asked by caller with caller->role. */
char *herd_ctl_answer_as (HerdCtl *ctl, const HerdCaller *caller,
                          const char *request);

/* Runs a parsed request (herd_ctl_parse's checks are made again) for
 * caller: its result, or NULL and error: G_IO_ERROR_PERMISSION_DENIED
 * when the caller's role is too low, G_IO_ERROR_NOT_FOUND when it names
 * a VM or host that does not exist, another code when it is malformed or
 * the manager refuses.  Recorded as herd_ctl_answer_as records. */
JsonNode *herd_ctl_run_as (HerdCtl *ctl, const HerdCaller *caller,
                           JsonObject *req, GError **error);
