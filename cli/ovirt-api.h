/* ovirt-api.h: a running oVirt engine's REST API (v4) read over HTTPS
 * with libsoup, for `herd import URL`: the same collections an operator
 * would save by hand (docs/import.md), saved into a directory that
 * conf/import-ovirt.c then reads. */
#pragma once

#include <glib.h>

typedef struct
{
  const char *url;       /* the API's root, .../ovirt-engine/api */
  const char *user;      /* admin@internal */
  const char *password;
  const char *ca_file;   /* PEM of the engine's CA, or NULL: the system's */
  guint page_size;       /* max= of each page of a listing */
} HerdOvirtApi;

/* Fetches every collection into dir (which exists): the listings page by
 * page (?search=page N&max=page_size, oVirt's paging) joined into one
 * file each, then per data center its storage domains, per cluster its
 * networks and per host with power management its fence agents.  Counts
 * the requests made in *requests.  FALSE with the URL and the HTTP status
 * or TLS error when the engine does not answer as expected. */
gboolean herd_ovirt_api_fetch (const HerdOvirtApi *api, const char *dir,
                               guint *requests, GError **error);
