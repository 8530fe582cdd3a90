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
 *   {"command": "spm"}                        per data center: the SPM and
 *                                             who holds the SPM lease
 *   {"command": "events"[, "count": 20]}      the latest audit events
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "core/manager.h"
#include "service/state.h"

typedef struct _HerdCtl HerdCtl;

/* Listens on socket_path (a stale socket file is replaced) on the default
 * main context. */
HerdCtl *herd_ctl_new (const char *socket_path, HerdManager *manager,
                       HerdModel *model, HerdDriver *driver,
                       HerdState *state, GError **error);
void herd_ctl_free (HerdCtl *ctl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdCtl, herd_ctl_free)

/* Parses and checks one request line of length bytes (without its
 * newline): at most 64 KiB of UTF-8 holding a JSON object whose "command"
 * is known and whose arguments are the command's, of the right types.
 * The request object, or NULL and error; nothing is asked of a manager. */
JsonObject *herd_ctl_parse (const char *line, gsize length, GError **error);

/* The answer line (without newline) to one request line. */
char *herd_ctl_answer (HerdCtl *ctl, const char *request);
