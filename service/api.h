/* api.h: herd run's REST API, shaped as oVirt's REST API v4 for the
 * people and tools used to it (docs/api.md).
 *
 * HTTPS only (libsoup 3's server, TLS through GIO), under
 * /ovirt-engine/api (and /api): the collections datacenters, clusters,
 * hosts, vms, storagedomains, networks and events (?from=ID&max=N, or a
 * live stream of Server-Sent Events), each object by its id or its name,
 * as JSON with oVirt's member names; actions as POSTs
 * (vms/ID/start|stop|shutdown|migrate, hosts/ID/deactivate|activate|
 * fence|forceselectspm).  A token for scripts from /ovirt-engine/sso/oauth/token
 * (grant_type=password), as oVirt's SSO gives one.
 *
 * Every request is authenticated, by HTTP Basic against the password file
 * (service/users.h) or by a bearer token, and runs with the user's role:
 * actions go through the control socket's own checks and records
 * (herd_ctl_run_as), so the API can do exactly what herd ctl can.  Bad
 * requests get an oVirt-style fault ({"reason": ..., "detail": ...}) and
 * change nothing.  Password hashes are checked in worker threads (a
 * yescrypt check takes milliseconds): the main loop never waits for one;
 * at most HERD_API_MAX_CHECKS wait, beyond that a request gets 503.
 * Request bodies are refused above HERD_API_MAX_BODY bytes before they are
 * read. */
#pragma once

#include <glib.h>

#include "core/model.h"
#include "service/ctl.h"
#include "service/state.h"
#include "service/users.h"

#define HERD_API_MAX_BODY 65536
#define HERD_API_MAX_CHECKS 64

typedef struct _HerdApi HerdApi;

typedef struct
{
  const char *listen;       /* ADDRESS:PORT (port 0: any free port) */
  const char *certificate;  /* PEM certificate and key files */
  const char *key;
  HerdTime token_lifetime;
  guint max_connections; /* connections making requests at once */
} HerdApiSettings;

/* Listens on settings->listen on the default main context.  Takes users
 * (also on failure); ctl, model and state must outlive the API. */
HerdApi *herd_api_new (const HerdApiSettings *settings, HerdCtl *ctl,
                       HerdModel *model, HerdState *state, HerdUsers *users,
                       GError **error);
void herd_api_free (HerdApi *api);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdApi, herd_api_free)

/* The port it listens on (what port 0 chose). */
guint herd_api_port (HerdApi *api);

/* Makes a self-signed certificate and its key (ECDSA P-256, ten years,
 * for localhost and this host's name) with openssl, unless both files
 * exist: the key 0600, the certificate 0644, each written whole or not at
 * all.  FALSE with error when openssl fails or only one file exists. */
gboolean herd_api_make_certificate (const char *certificate,
                                    const char *key, GError **error);

/* The id the API gives the object of kind ("host", "vm", ...) called
 * name: a UUID derived from both (SHA-1, as UUID version 5), the same in
 * every run. */
char *herd_api_object_id (const char *kind, const char *name);
