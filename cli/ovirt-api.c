/* ovirt-api.c: a running oVirt engine's REST API read with libsoup (see
 * ovirt-api.h).
 *
 * Every request sends "Accept: application/json", "Version: 4" and the
 * user's credentials (HTTP Basic, which the engine accepts), and must be
 * answered 200 with a JSON object.  A listing is read page by page with
 * oVirt's paging ("search=page N" and "max=M": the API guide's
 * "Pagination"), until a page holds fewer than M objects; its pages are
 * joined into one object ({"vm": [...]}) as the engine would send the
 * whole listing.  TLS is verified against the system's CAs or the
 * engine's CA (--ca-file); nothing turns verification off. */
#include "cli/ovirt-api.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

typedef struct
{
  const HerdOvirtApi *api;
  SoupSession *session;
  char *authorization;   /* "Basic ..." */
  const char *dir;
  guint requests;
} Fetch;

/* GET url: its JSON object (the caller unrefs), or NULL. */
static JsonObject *
get (Fetch *f, const char *path, GError **error)
{
  g_autofree char *url = g_strconcat (f->api->url, "/", path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: not a URL", url);
      return NULL;
    }
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "Version", "4");
  soup_message_headers_replace (headers, "Authorization", f->authorization);
  f->requests++;
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read (f->session, msg, NULL,
                                                        &local);
  if (body == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GET %s: %s", url,
                   local->message);
      return NULL;
    }
  guint status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "GET %s: HTTP %u %s%s", url, status,
                   soup_message_get_reason_phrase (msg),
                   status == SOUP_STATUS_UNAUTHORIZED
                       ? " (the engine refused the user and password)"
                       : "");
      return NULL;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "GET %s: expected a JSON object%s%s", url,
                   local != NULL ? ": " : "",
                   local != NULL ? local->message : "");
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Writes {"singular": objects} to DIR/name.json. */
static gboolean
save (Fetch *f, const char *name, const char *singular, JsonArray *objects,
      GError **error)
{
  g_autoptr (JsonObject) root = json_object_new ();
  json_object_set_array_member (root, singular, json_array_ref (objects));
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), root);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_build_filename (f->dir, file, NULL);
  return json_generator_to_file (gen, path, error);
}

/* path's objects (all pages when paged) into DIR/name.json; the objects
 * are returned (the caller unrefs). */
static JsonArray *
collect (Fetch *f, const char *path, const char *singular, gboolean paged,
         const char *name, GError **error)
{
  g_autoptr (JsonArray) all = json_array_new ();
  for (guint page = 1;; page++)
    {
      g_autofree char *query
          = paged ? g_strdup_printf ("%s%ssearch=page%%20%u&max=%u", path,
                                     strchr (path, '?') ? "&" : "?", page,
                                     f->api->page_size)
                  : g_strdup (path);
      g_autoptr (JsonObject) reply = get (f, query, error);
      if (reply == NULL)
        return NULL;
      guint got = 0;
      if (json_object_has_member (reply, singular))
        {
          JsonNode *list = json_object_get_member (reply, singular);
          if (!JSON_NODE_HOLDS_ARRAY (list))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "GET %s/%s: \"%s\" is not a list", f->api->url,
                           query, singular);
              return NULL;
            }
          JsonArray *items = json_node_get_array (list);
          got = json_array_get_length (items);
          for (guint i = 0; i < got; i++)
            json_array_add_element (all, json_node_copy (
                                             json_array_get_element (items,
                                                                     i)));
        }
      if (!paged || got < f->api->page_size)
        break;
    }
  if (!save (f, name, singular, all, error))
    return NULL;
  return g_steal_pointer (&all);
}

/* A string member of obj (oVirt's JSON writes every value as a string),
 * or NULL. */
static const char *
text_of (JsonObject *obj, const char *member)
{
  JsonNode *n = json_object_get_member (obj, member);
  return n != NULL && JSON_NODE_HOLDS_VALUE (n)
                 && json_node_get_value_type (n) == G_TYPE_STRING
             ? json_node_get_string (n)
             : NULL;
}

/* For each object of list with an id and a name: GET PREFIX/ID/SUFFIX
 * into file "FILE_PREFIX-NAME" (or FILE_PREFIX alone when single). */
static gboolean
each (Fetch *f, JsonArray *list, const char *prefix, const char *suffix,
      const char *singular, const char *file_prefix, gboolean single,
      gboolean (*wanted) (JsonObject *obj), GError **error)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *obj = json_array_get_object_element (list, i);
      const char *id = obj != NULL ? text_of (obj, "id") : NULL;
      const char *name = obj != NULL ? text_of (obj, "name") : NULL;
      if (id == NULL || name == NULL || (wanted != NULL && !wanted (obj)))
        continue;
      g_autofree char *path = g_strdup_printf ("%s/%s/%s", prefix, id,
                                               suffix);
      g_autofree char *file = single ? g_strdup (file_prefix)
                                     : g_strdup_printf ("%s-%s", file_prefix,
                                                        name);
      g_autoptr (JsonArray) got = collect (f, path, singular, FALSE, file,
                                           error);
      if (got == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
has_power_management (JsonObject *host)
{
  JsonNode *pm = json_object_get_member (host, "power_management");
  return pm != NULL && JSON_NODE_HOLDS_OBJECT (pm)
         && g_strcmp0 (text_of (json_node_get_object (pm), "enabled"), "true")
                == 0;
}

gboolean
herd_ovirt_api_fetch (const HerdOvirtApi *api, const char *dir,
                      guint *requests, GError **error)
{
  g_autofree char *pair = g_strconcat (api->user, ":", api->password, NULL);
  g_autofree char *b64 = g_base64_encode ((const guchar *) pair,
                                          strlen (pair));
  Fetch f = { api, soup_session_new_with_options ("timeout", 60, NULL),
              g_strconcat ("Basic ", b64, NULL), dir, 0 };
  memset (pair, 0, strlen (pair));
  gboolean ok = TRUE;
  if (api->ca_file != NULL)
    {
      g_autoptr (GTlsDatabase) db = g_tls_file_database_new (api->ca_file,
                                                             error);
      ok = db != NULL;
      if (ok)
        soup_session_set_tls_database (f.session, db);
    }
  g_autoptr (JsonArray) dcs = NULL, clusters = NULL, hosts = NULL;
  g_autoptr (JsonArray) vms = NULL, disks = NULL, domains = NULL;
  g_autoptr (JsonArray) networks = NULL, policies = NULL;
  ok = ok
       && (dcs = collect (&f, "datacenters", "data_center", TRUE,
                          "datacenters", error))
              != NULL
       && (clusters = collect (&f,
                               "clusters?follow=affinity_groups,"
                               "scheduling_policy",
                               "cluster", TRUE, "clusters", error))
              != NULL
       && (hosts = collect (&f, "hosts", "host", TRUE, "hosts", error))
              != NULL
       && (vms = collect (&f, "vms?follow=disk_attachments", "vm", TRUE,
                          "vms", error))
              != NULL
       && (disks = collect (&f, "disks", "disk", TRUE, "disks", error))
              != NULL
       && (domains = collect (&f, "storagedomains", "storage_domain", TRUE,
                              "storagedomains", error))
              != NULL
       && (networks = collect (&f, "networks", "network", TRUE, "networks",
                               error))
              != NULL
       && (policies = collect (&f, "schedulingpolicies", "scheduling_policy",
                               FALSE, "schedulingpolicies", error))
              != NULL
       && each (&f, dcs, "datacenters", "storagedomains", "storage_domain",
                "datacenter-storagedomains", json_array_get_length (dcs) == 1,
                NULL, error)
       && each (&f, clusters, "clusters", "networks", "network",
                "cluster-networks", FALSE, NULL, error)
       && each (&f, hosts, "hosts", "fenceagents", "agent", "fenceagents",
                FALSE, has_power_management, error);
  *requests = f.requests;
  memset (f.authorization, 0, strlen (f.authorization));
  g_free (f.authorization);
  g_object_unref (f.session);
  return ok;
}
