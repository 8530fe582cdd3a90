/* api.c: herd run's REST API (see api.h, docs/api.md).
 *
 * One SoupServer on the default main context.  An early handler refuses,
 * before the body is read, a request whose body would exceed
 * HERD_API_MAX_BODY.  The handler then authenticates: a bearer token is
 * looked up (by its SHA-256, so that comparing never depends on how much
 * of a guessed token is right); HTTP Basic credentials are checked by a
 * worker thread while the message is paused, and the request is served
 * when the answer comes back to the main loop.  Reads are answered from
 * the model and the state database; actions become control requests
 * (herd_ctl_run_as) run with the user's role. */
#include "service/api.h"

#include <errno.h>
#include <poll.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/units.h"
#include "service/json-out.h"

#define API_PREFIX "/ovirt-engine/api"
#define SHORT_PREFIX "/api"
#define TOKEN_PATH "/ovirt-engine/sso/oauth/token"

typedef struct
{
  char *user;
  HerdRole role;
  gint64 expires_us;   /* monotonic time */
} Token;

/* A Basic or password-grant check waiting for, or done by, a worker. */
typedef struct
{
  HerdApi *api;
  SoupServerMessage *msg;  /* a reference, paused */
  char *path;
  GHashTable *query;       /* a reference, or NULL */
  char *user, *password;
  gboolean grant;          /* the token endpoint: answer with a token */
  HerdRole role;           /* the worker's answer */
  guint idle;              /* the source that takes the answer back */
} Check;

/* The collections: path name, the JSON member of a list, the kind of an
 * object (its href's and id's). */
typedef enum
{
  KIND_DATACENTER,
  KIND_CLUSTER,
  KIND_HOST,
  KIND_VM,
  KIND_DOMAIN,
  KIND_NETWORK,
  KIND_LAST
} Kind;

static const struct
{
  const char *collection, *member;
} kinds[KIND_LAST] = {
  [KIND_DATACENTER] = { "datacenters", "data_center" },
  [KIND_CLUSTER] = { "clusters", "cluster" },
  [KIND_HOST] = { "hosts", "host" },
  [KIND_VM] = { "vms", "vm" },
  [KIND_DOMAIN] = { "storagedomains", "storage_domain" },
  [KIND_NETWORK] = { "networks", "network" },
};

/* The model's objects as the API names them: each one's id computed once
 * (objects_sync takes the hosts and VMs added at run time), and every id
 * and name looked up in O(1). */
typedef struct
{
  HerdModel *model;
  char **ids[KIND_LAST];      /* by kind, by object id */
  guint count[KIND_LAST];     /* how many have ids */
  GHashTable *keys[KIND_LAST]; /* id or name -> object id + 1 */
} Objects;

static guint kind_count (const HerdModel *m, Kind kind);
static const char *kind_name (const HerdModel *m, Kind kind, HerdId id);

struct _HerdApi
{
  SoupServer *server;
  HerdCtl *ctl;
  HerdModel *model;
  Objects objects;
  HerdState *state;
  HerdUsers *users;
  HerdTime token_lifetime;
  GHashTable *tokens;      /* SHA-256 hex of the token -> Token */
  GThreadPool *workers;
  GMutex lock;             /* checks, and each Check's idle */
  GHashTable *checks;      /* Check * in flight (set) */
  GList *streams;          /* Stream *: events as Server-Sent Events */
  guint stream_source;     /* the poll for new events while there are */
  guint max_connections;
  GHashTable *connections; /* GSocket * that made requests (set; each
                              leaves when its socket is finalized) */
  guint connections_refused;
  guint sweep_source;      /* sweep_tick, while there are connections */
};

/* A client of the event stream. */
typedef struct
{
  HerdApi *api;
  SoupServerMessage *msg;  /* a reference */
  gint64 last_id;          /* the last event sent */
  gint64 unsent;           /* bytes appended and not yet written */
} Stream;

#define HERD_API_MAX_STREAMS 64
/* Connections the kernel queues before herd run accepts them. */
#define HERD_API_BACKLOG 1024
/* How often connections closed by their clients are looked for (s). */
#define HERD_API_SWEEP_S 2
/* A client this far behind is dropped rather than held in memory. */
#define HERD_API_MAX_UNSENT (1024 * 1024)

static void
token_free (gpointer p)
{
  Token *t = p;
  g_free (t->user);
  g_free (t);
}

static void
check_free (Check *c)
{
  g_object_unref (c->msg);
  if (c->query != NULL)
    g_hash_table_unref (c->query);
  g_free (c->path);
  g_free (c->user);
  if (c->password != NULL)
    {
      explicit_bzero (c->password, strlen (c->password));
      g_free (c->password);
    }
  g_free (c);
}

/* ------------------------------------------------------------------ */
/* Answers                                                             */

static void
respond (SoupServerMessage *msg, guint status, HerdJsonOut *out)
{
  gsize length;
  char *text = herd_json_out_finish (out, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json",
                                    SOUP_MEMORY_TAKE, text, length);
}

/* oVirt's fault: {"reason": ..., "detail": ...}. */
static void
fault (SoupServerMessage *msg, guint status, const char *detail)
{
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  HerdJsonOut *b = &b_out;
  herd_json_begin_object (b);
  herd_json_member_string (b, "reason", soup_status_get_phrase (status));
  herd_json_member_string (b, "detail", detail);
  herd_json_end_object (b);
  respond (msg, status, b);
}

static void
unauthorized (SoupServerMessage *msg, const char *detail)
{
  soup_message_headers_replace (
      soup_server_message_get_response_headers (msg), "WWW-Authenticate",
      "Basic realm=\"herd\"");
  fault (msg, SOUP_STATUS_UNAUTHORIZED, detail);
}

/* ------------------------------------------------------------------ */
/* Objects, with oVirt's member names                                  */

char *
herd_api_object_id (const char *kind, const char *name)
{
  /* RFC 4122 version 5 in a namespace of herd's own */
  static const guint8 space[16] = { 0x5f, 0x0c, 0x2a, 0x9e, 0x41, 0x7b,
                                    0x4d, 0x3a, 0x9b, 0x62, 0x0e, 0x15,
                                    0x8c, 0x47, 0xd1, 0x23 };
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, space, sizeof space);
  g_checksum_update (sha1, (const guint8 *) kind, -1);
  g_checksum_update (sha1, (const guint8 *) ":", 1);
  g_checksum_update (sha1, (const guint8 *) name, -1);
  guint8 d[20];
  gsize n = sizeof d;
  g_checksum_get_digest (sha1, d, &n);
  d[6] = (guint8) ((d[6] & 0x0f) | 0x50);
  d[8] = (guint8) ((d[8] & 0x3f) | 0x80);
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
                          d[8], d[9], d[10], d[11], d[12], d[13], d[14],
                          d[15]);
}

/* Ids for the objects the model has and o has not (all at first; then
 * those added at run time, whose names may be those of objects removed:
 * the name and id lead to the new one). */
static void
objects_sync (Objects *o)
{
  for (guint k = 0; k < KIND_LAST; k++)
    {
      guint n = kind_count (o->model, k);
      if (n == o->count[k])
        continue;
      o->ids[k] = g_renew (char *, o->ids[k], n + 1);
      for (guint i = o->count[k]; i < n; i++)
        {
          const char *name = kind_name (o->model, k, i);
          o->ids[k][i] = herd_api_object_id (kinds[k].member, name);
          g_hash_table_insert (o->keys[k], (gpointer) name,
                               GUINT_TO_POINTER (i + 1));
          g_hash_table_insert (o->keys[k], o->ids[k][i],
                               GUINT_TO_POINTER (i + 1));
        }
      o->ids[k][n] = NULL;
      o->count[k] = n;
    }
}

static void
objects_init (Objects *o, HerdModel *model)
{
  o->model = model;
  for (guint k = 0; k < KIND_LAST; k++)
    o->keys[k] = g_hash_table_new (g_str_hash, g_str_equal);
  objects_sync (o);
}

/* Whether an object was removed at run time. */
static gboolean
removed (const HerdModel *m, Kind kind, HerdId id)
{
  return (kind == KIND_HOST && herd_model_host (m, id)->removed)
         || (kind == KIND_VM && herd_model_vm (m, id)->removed);
}

static void
objects_clear (Objects *o)
{
  for (guint k = 0; k < KIND_LAST; k++)
    {
      if (o->keys[k] != NULL)
        g_hash_table_unref (o->keys[k]);
      g_strfreev (o->ids[k]);
    }
}

static guint
kind_count (const HerdModel *m, Kind kind)
{
  switch (kind)
    {
    case KIND_DATACENTER:
      return m->datacenters->len;
    case KIND_CLUSTER:
      return m->clusters->len;
    case KIND_HOST:
      return m->hosts->len;
    case KIND_VM:
      return m->vms->len;
    case KIND_DOMAIN:
      return m->domains->len;
    case KIND_NETWORK:
      return m->networks->len;
    default:
      return 0;
    }
}

static const char *
kind_name (const HerdModel *m, Kind kind, HerdId id)
{
  switch (kind)
    {
    case KIND_DATACENTER:
      return herd_model_datacenter (m, id)->name;
    case KIND_CLUSTER:
      return herd_model_cluster (m, id)->name;
    case KIND_HOST:
      return herd_model_host (m, id)->name;
    case KIND_VM:
      return herd_model_vm (m, id)->name;
    case KIND_DOMAIN:
      return herd_model_domain (m, id)->name;
    case KIND_NETWORK:
      return ((const HerdNetwork *) g_ptr_array_index (m->networks, id))
          ->name;
    default:
      return NULL;
    }
}

/* id, name and href of an object (inside its JSON object). */
static void
identity (HerdJsonOut *b, const Objects *o, Kind kind, HerdId oid)
{
  const char *name = kind_name (o->model, kind, oid);
  const char *id = o->ids[kind][oid];
  g_autofree char *href = g_strdup_printf (API_PREFIX "/%s/%s",
                                           kinds[kind].collection, id);
  herd_json_member_string (b, "href", href);
  herd_json_member_string (b, "id", id);
  herd_json_member_string (b, "name", name);
}

/* member: {"href": ..., "id": ...} of another object. */
static void
ref_to (HerdJsonOut *b, const char *member, const Objects *o, Kind kind,
        HerdId id)
{
  const char *oid = o->ids[kind][id];
  g_autofree char *href = g_strdup_printf (API_PREFIX "/%s/%s",
                                           kinds[kind].collection, oid);
  herd_json_member_object (b, member);
  herd_json_member_string (b, "href", href);
  herd_json_member_string (b, "id", oid);
  herd_json_end_object (b);
}

/* A status as oVirt's API spells it: UpperCamel words in snake case. */
static char *
snake (const char *camel)
{
  GString *s = g_string_new (NULL);
  for (const char *c = camel; *c != '\0'; c++)
    {
      if (g_ascii_isupper (*c) && c != camel)
        g_string_append_c (s, '_');
      g_string_append_c (s, g_ascii_tolower (*c));
    }
  return g_string_free (s, FALSE);
}

static void
topology (HerdJsonOut *b, gint64 cores, gint64 threads)
{
  herd_json_member_object (b, "cpu");
  herd_json_member_object (b, "topology");
  herd_json_member_int (b, "cores", cores);
  herd_json_member_int (b, "sockets", 1);
  herd_json_member_int (b, "threads", threads);
  herd_json_end_object (b);
  herd_json_end_object (b);
}

static void
write_host (HerdJsonOut *b, const Objects *o, HerdId id)
{
  const HerdModel *m = o->model;
  const HerdHost *h = herd_model_host (m, id);
  const HerdCluster *c = herd_model_cluster (m, h->cluster);
  g_autofree char *status = snake (herd_host_status_name (h->status));
  herd_json_begin_object (b);
  identity (b, o, KIND_HOST, id);
  ref_to (b, "cluster", o, KIND_CLUSTER, h->cluster);
  topology (b, h->cores, h->cores > 0 ? MAX (h->threads / h->cores, 1) : 1);
  herd_json_member_int (b, "memory", h->memory_mib * 1024 * 1024);
  herd_json_member_string (b, "status", status);
  herd_json_member_object (b, "spm");
  herd_json_member_int (b, "priority", h->spm_priority);
  herd_json_member_string (b, "status",
                 herd_model_datacenter (m, c->datacenter)->spm_host == id
                     ? "spm"
                     : "none");
  herd_json_end_object (b);
  herd_json_member_object (b, "power_management");
  herd_json_member_bool (b, "enabled", h->power_management);
  herd_json_end_object (b);
  herd_json_member_object (b, "summary");
  herd_json_member_int (b, "active", h->vm_count);
  herd_json_member_int (b, "total", h->vm_count);
  herd_json_end_object (b);
  herd_json_end_object (b);
}

/* oVirt shows both ends of a migration as migrating. */
static char *
vm_status (HerdVmStatus status)
{
  if (status == HERD_VM_MIGRATING_FROM || status == HERD_VM_MIGRATING_TO)
    return g_strdup ("migrating");
  return snake (herd_vm_status_name (status));
}

static void
write_vm (HerdJsonOut *b, const Objects *o, HerdId id)
{
  const HerdModel *m = o->model;
  const HerdVm *vm = herd_model_vm (m, id);
  g_autofree char *status = vm_status (vm->status);
  herd_json_begin_object (b);
  identity (b, o, KIND_VM, id);
  ref_to (b, "cluster", o, KIND_CLUSTER, vm->cluster);
  if (vm->status != HERD_VM_DOWN && vm->host != HERD_ID_NONE)
    ref_to (b, "host", o, KIND_HOST, vm->host);
  topology (b, vm->vcpus, 1);
  herd_json_member_int (b, "memory", vm->memory_mib * 1024 * 1024);
  herd_json_member_object (b, "memory_policy");
  herd_json_member_int (b, "guaranteed", vm->guaranteed_mib * 1024 * 1024);
  herd_json_end_object (b);
  herd_json_member_object (b, "high_availability");
  herd_json_member_bool (b, "enabled", vm->ha);
  /* oVirt's priorities: low 1, medium 50, high 100 */
  static const gint64 priorities[] = { 1, 50, 100 };
  herd_json_member_int (b, "priority",
              priorities[MIN ((guint) vm->priority, G_N_ELEMENTS (priorities)
                                                        - 1)]);
  herd_json_end_object (b);
  herd_json_member_object (b, "placement_policy");
  herd_json_member_string (b, "affinity", vm->migratable ? "migratable" : "pinned");
  if (vm->pinned_to.n > 0)
    {
      herd_json_member_object (b, "hosts");
      herd_json_member_array (b, "host");
      for (guint i = 0; i < vm->pinned_to.n; i++)
        {
          herd_json_begin_object (b);
          herd_json_member_string (b, "id", o->ids[KIND_HOST][vm->pinned_to.ids[i]]);
          herd_json_end_object (b);
        }
      herd_json_end_array (b);
      herd_json_end_object (b);
    }
  herd_json_end_object (b);
  herd_json_member_string (b, "status", status);
  herd_json_end_object (b);
}

static void
write_datacenter (HerdJsonOut *b, const Objects *o, HerdId id)
{
  herd_json_begin_object (b);
  identity (b, o, KIND_DATACENTER, id);
  herd_json_member_string (b, "status", "up");
  herd_json_end_object (b);
}

static void
write_cluster (HerdJsonOut *b, const Objects *o, HerdId id)
{
  const HerdModel *m = o->model;
  const HerdCluster *c = herd_model_cluster (m, id);
  herd_json_begin_object (b);
  identity (b, o, KIND_CLUSTER, id);
  ref_to (b, "data_center", o, KIND_DATACENTER, c->datacenter);
  herd_json_member_object (b, "scheduling_policy");
  herd_json_member_string (b, "name", herd_policy_name (c->policy));
  herd_json_end_object (b);
  herd_json_member_object (b, "memory_policy");
  herd_json_member_object (b, "over_commit");
  herd_json_member_int (b, "percent", c->memory_overcommit_percent);
  herd_json_end_object (b);
  herd_json_end_object (b);
  herd_json_end_object (b);
}

static void
write_domain (HerdJsonOut *b, const Objects *o, HerdId id)
{
  const HerdModel *m = o->model;
  const HerdStorageDomain *d = herd_model_domain (m, id);
  herd_json_begin_object (b);
  identity (b, o, KIND_DOMAIN, id);
  herd_json_member_object (b, "data_centers");
  herd_json_member_array (b, "data_center");
  herd_json_begin_object (b);
  herd_json_member_string (b, "id", o->ids[KIND_DATACENTER][d->datacenter]);
  herd_json_end_object (b);
  herd_json_end_array (b);
  herd_json_end_object (b);
  herd_json_member_bool (b, "master", d->master);
  herd_json_member_object (b, "storage");
  g_autofree char *type = g_ascii_strdown (herd_storage_type_name (d->type),
                                           -1);
  herd_json_member_string (b, "type", type);
  herd_json_end_object (b);
  herd_json_member_int (b, "available", (d->capacity_mib - d->used_mib) * 1024 * 1024);
  herd_json_end_object (b);
}

static void
write_network (HerdJsonOut *b, const Objects *o, HerdId id)
{
  const HerdModel *m = o->model;
  const HerdNetwork *n = g_ptr_array_index (m->networks, id);
  herd_json_begin_object (b);
  identity (b, o, KIND_NETWORK, id);
  ref_to (b, "data_center", o, KIND_DATACENTER, n->datacenter);
  herd_json_member_bool (b, "required", n->required);
  herd_json_member_object (b, "usages");
  herd_json_member_array (b, "usage");
  if (n->vm_network)
    herd_json_string (b, "vm");
  herd_json_end_array (b);
  herd_json_end_object (b);
  herd_json_end_object (b);
}

static void (*const writers[KIND_LAST]) (HerdJsonOut *b, const Objects *o,
                                          HerdId id) = {
  [KIND_DATACENTER] = write_datacenter, [KIND_CLUSTER] = write_cluster,
  [KIND_HOST] = write_host,             [KIND_VM] = write_vm,
  [KIND_DOMAIN] = write_domain,         [KIND_NETWORK] = write_network,
};

/* The object of kind whose id or name is key, or HERD_ID_NONE. */
static HerdId
find (const Objects *o, Kind kind, const char *key)
{
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (o->keys[kind], key));
  return found > 0 && !removed (o->model, kind, found - 1) ? found - 1
                                                           : HERD_ID_NONE;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

typedef struct
{
  HerdJsonOut *b;
  const Objects *objects;
} EventWriter;

static void
write_event (gint64 id, gint64 time_ns, int code, const char *name,
             const char *severity, const char *object, const char *details,
             gpointer data)
{
  EventWriter *w = data;
  HerdJsonOut *b = w->b;
  g_autofree char *sid = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *description = g_strdup_printf ("%s %s %s", name, object,
                                                  details);
  herd_json_begin_object (b);
  g_autofree char *href = g_strdup_printf (API_PREFIX "/events/%s", sid);
  herd_json_member_string (b, "href", href);
  herd_json_member_string (b, "id", sid);
  herd_json_member_int (b, "code", code);
  herd_json_member_string (b, "description", g_strstrip (description));
  herd_json_member_string (b, "name", name);
  herd_json_member_string (b, "origin", "herd");
  herd_json_member_string (b, "severity", severity);
  herd_json_member_int (b, "time", time_ns / 1000000); /* ms, as oVirt's JSON */
  HerdId vm = find (w->objects, KIND_VM, object);
  HerdId host = find (w->objects, KIND_HOST, object);
  if (vm != HERD_ID_NONE)
    ref_to (b, "vm", w->objects, KIND_VM, vm);
  else if (host != HERD_ID_NONE)
    ref_to (b, "host", w->objects, KIND_HOST, host);
  herd_json_end_object (b);
}

/* ------------------------------------------------------------------ */
/* Events as a live stream (Server-Sent Events)                        */

typedef struct
{
  Stream *stream;
  const Objects *objects;
  GString *out;
} StreamWriter;

/* One event as an SSE message: "id: N", "event: event", "data: JSON". */
static void
stream_event (gint64 id, gint64 time_ns, int code, const char *name,
              const char *severity, const char *object, const char *details,
              gpointer data)
{
  StreamWriter *sw = data;
  if (id <= sw->stream->last_id)
    return;
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  HerdJsonOut *b = &b_out;
  EventWriter w = { b, sw->objects };
  write_event (id, time_ns, code, name, severity, object, details, &w);
  gsize length;
  g_autofree char *json = herd_json_out_finish (b, &length);
  g_string_append_printf (sw->out,
                          "id: %" G_GINT64_FORMAT "\nevent: event\ndata: "
                          "%s\n\n",
                          id, json);
  sw->stream->last_id = id;
}

/* The stream is no longer served (the poll stops with the last one). */
static void
stream_forget (Stream *st)
{
  HerdApi *api = st->api;
  api->streams = g_list_remove (api->streams, st);
  g_signal_handlers_disconnect_by_data (st->msg, st);
  g_object_unref (st->msg);
  g_free (st);
  if (api->streams == NULL && api->stream_source != 0)
    {
      g_source_remove (api->stream_source);
      api->stream_source = 0;
    }
}

/* Ends the stream: its response completes, it is forgotten. */
static void
stream_end (Stream *st)
{
  soup_message_body_complete (soup_server_message_get_response_body (st->msg));
  soup_server_message_unpause (st->msg);
  stream_forget (st);
}

/* Sends the stream its events after its last one, oldest first (at most
 * 1000 at a time); a client too far behind is dropped. */
static void
stream_flush (Stream *st)
{
  StreamWriter sw = { st, &st->api->objects, g_string_new (NULL) };
  herd_state_events_after (st->api->state, st->last_id, 1000, TRUE,
                           stream_event, &sw, NULL);
  gsize length = sw.out->len;
  if (length == 0)
    {
      g_string_free (sw.out, TRUE);
      return;
    }
  st->unsent += (gint64) length;
  soup_message_body_append (soup_server_message_get_response_body (st->msg),
                            SOUP_MEMORY_TAKE, g_string_free (sw.out, FALSE),
                            length);
  if (st->unsent > HERD_API_MAX_UNSENT)
    {
      g_warning ("API: an event stream's client is %" G_GINT64_FORMAT
                 " bytes behind: its stream is closed",
                 st->unsent);
      stream_end (st);
      return;
    }
  soup_server_message_unpause (st->msg);
}

static gboolean
streams_poll (gpointer data)
{
  HerdApi *api = data;
  g_autoptr (GList) streams = g_list_copy (api->streams);
  for (GList *l = streams; l != NULL; l = l->next)
    stream_flush (l->data);
  return G_SOURCE_CONTINUE;
}

static void
stream_wrote (SoupServerMessage *msg, guint size, gpointer data)
{
  Stream *st = data;
  st->unsent -= size;
}

/* The client went (or the stream ended): forgotten. */
static void
stream_finished (SoupServerMessage *msg, gpointer data)
{
  stream_forget (data);
}

/* GET events with Accept: text/event-stream: the events after from (or
 * Last-Event-ID) at once, then each new one within a second, until the
 * client goes. */
static void
stream_start (HerdApi *api, SoupServerMessage *msg, gint64 from)
{
  if (g_list_length (api->streams) >= HERD_API_MAX_STREAMS)
    {
      fault (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
             "too many event streams open");
      return;
    }
  SoupMessageHeaders *headers
      = soup_server_message_get_response_headers (msg);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Content-Type",
                                "text/event-stream");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  Stream *st = g_new0 (Stream, 1);
  st->api = api;
  st->msg = g_object_ref (msg);
  st->last_id = from;
  api->streams = g_list_prepend (api->streams, st);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (stream_wrote), st);
  g_signal_connect (msg, "finished", G_CALLBACK (stream_finished), st);
  static const char hello[] = ": herd events\n\n";
  soup_message_body_append (soup_server_message_get_response_body (msg),
                            SOUP_MEMORY_STATIC, hello, strlen (hello));
  st->unsent += (gint64) strlen (hello);
  stream_flush (st);
  if (api->stream_source == 0)
    api->stream_source = g_timeout_add_seconds (1, streams_poll, api);
}

/* GET events[?from=ID][&max=N]: the events after ID, newest first; with
 * Accept: text/event-stream, a live stream (stream_start). */
static void
get_events (HerdApi *api, SoupServerMessage *msg, GHashTable *query)
{
  const char *from = query != NULL ? g_hash_table_lookup (query, "from")
                                   : NULL;
  const char *max = query != NULL ? g_hash_table_lookup (query, "max")
                                  : NULL;
  guint64 after = 0, limit = 100;
  if ((from != NULL
       && !g_ascii_string_to_unsigned (from, 10, 0, G_MAXINT64, &after, NULL))
      || (max != NULL
          && !g_ascii_string_to_unsigned (max, 10, 1, 10000, &limit, NULL)))
    {
      fault (msg, SOUP_STATUS_BAD_REQUEST,
             "from: expected an event id (a whole number); max: expected 1 "
             "to 10000");
      return;
    }
  const char *accept = soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "Accept");
  if (accept != NULL && strstr (accept, "text/event-stream") != NULL)
    {
      const char *last = soup_message_headers_get_one (
          soup_server_message_get_request_headers (msg), "Last-Event-ID");
      guint64 resume = 0;
      if (last != NULL
          && g_ascii_string_to_unsigned (last, 10, 0, G_MAXINT64, &resume,
                                         NULL))
        after = resume;
      stream_start (api, msg, (gint64) after);
      return;
    }
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  HerdJsonOut *b = &b_out;
  herd_json_begin_object (b);
  herd_json_member_array (b, "event");
  EventWriter w = { b, &api->objects };
  g_autoptr (GError) error = NULL;
  gboolean ok = herd_state_events_after (api->state, (gint64) after,
                                         (guint) limit, FALSE, write_event,
                                         &w, &error);
  herd_json_end_array (b);
  herd_json_end_object (b);
  if (!ok)
    {
      fault (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
      return;
    }
  respond (msg, SOUP_STATUS_OK, b);
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

/* The action's parameters: the body's object (oVirt's {"action": {...}}
 * unwrapped), or an empty object for an empty body; NULL with a fault
 * answered otherwise. */
static JsonObject *
action_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  if (length == 0)
    return json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!g_utf8_validate (data, (gssize) length, NULL)
      || !json_parser_load_from_data (parser, data, (gssize) length, &error)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_autofree char *detail = g_strdup_printf (
          "expected a JSON object as the action's body%s%s",
          error != NULL ? ": " : "", error != NULL ? error->message : "");
      fault (msg, SOUP_STATUS_BAD_REQUEST, detail);
      return NULL;
    }
  JsonObject *obj = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_size (obj) == 1 && json_object_has_member (obj, "action")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "action")))
    obj = json_object_get_object_member (obj, "action");
  return json_object_ref (obj);
}

/* The id or name that body's member gives as oVirt does ({"id": ...} or
 * {"name": ...}), or NULL. */
static const char *
ref_key (JsonObject *body, const char *member)
{
  JsonNode *node = json_object_get_member (body, member);
  JsonObject *ref = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                        ? json_node_get_object (node)
                        : NULL;
  const char *const members[] = { "id", "name" };
  for (guint i = 0; ref != NULL && i < 2; i++)
    {
      JsonNode *v = json_object_get_member (ref, members[i]);
      if (v != NULL && JSON_NODE_HOLDS_VALUE (v)
          && json_node_get_value_type (v) == G_TYPE_STRING)
        return json_node_get_string (v);
    }
  return NULL;
}

/* The host an action's body names ({"host": {"id": ...}} or
 * {"host": {"name": ...}}): its name, "" when it names none, NULL (a
 * fault answered) when it names one that does not exist or is malformed. */
static const char *
action_host (HerdApi *api, SoupServerMessage *msg, JsonObject *body)
{
  if (!json_object_has_member (body, "host"))
    return "";
  const char *key = ref_key (body, "host");
  if (key == NULL)
    {
      fault (msg, SOUP_STATUS_BAD_REQUEST,
             "host: expected {\"id\": ...} or {\"name\": ...}");
      return NULL;
    }
  HerdId host = find (&api->objects, KIND_HOST, key);
  if (host == HERD_ID_NONE)
    {
      g_autofree char *detail = g_strdup_printf ("no host with id or name "
                                                 "\"%s\"", key);
      fault (msg, SOUP_STATUS_NOT_FOUND, detail);
      return NULL;
    }
  return herd_model_host (api->model, host)->name;
}

/* A fence action's fence_type: "manual" (confirm host has been
 * rebooted), or "restart", "start" or "stop" through the host's agents
 * (*power set to it); NULL with a fault answered otherwise. */
static const char *
fence_type (SoupServerMessage *msg, JsonObject *body, const char **power)
{
  JsonNode *type = json_object_get_member (body, "fence_type");
  const char *name = type != NULL && JSON_NODE_HOLDS_VALUE (type)
                             && json_node_get_value_type (type)
                                    == G_TYPE_STRING
                         ? json_node_get_string (type)
                         : "";
  *power = NULL;
  if (strcmp (name, "manual") == 0)
    return "confirm_reboot";
  for (guint a = 0; a < HERD_POWER_LAST; a++)
    if (strcmp (name, herd_power_action_name (a)) == 0)
      {
        *power = herd_power_action_name (a);
        return "power";
      }
  fault (msg, SOUP_STATUS_BAD_REQUEST,
         "fence_type: expected \"manual\" (confirm host has been "
         "rebooted), \"restart\", \"start\" or \"stop\" (through the "
         "host's fence agents); \"status\" is not there");
  return NULL;
}

/* Runs control request req for caller: TRUE, or FALSE with a fault
 * answered (403 above the caller's role, 404 for an object that is not
 * there, 400 for a run-time change's bad key or value, else 409). */
static gboolean
run_command (HerdApi *api, SoupServerMessage *msg, const HerdCaller *caller,
             JsonObject *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) result = herd_ctl_run_as (api->ctl, caller, req,
                                                 &error);
  if (result != NULL)
    return TRUE;
  guint status
      = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
            ? SOUP_STATUS_FORBIDDEN
        : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
            ? SOUP_STATUS_NOT_FOUND
        : g_error_matches (error, HERD_CHANGES_ERROR,
                           HERD_CHANGES_ERROR_INVALID)
            ? SOUP_STATUS_BAD_REQUEST
            : SOUP_STATUS_CONFLICT;
  fault (msg, status, error->message);
  return FALSE;
}

/* The object answered: {"status": "complete", MEMBER: {...}} for an
 * action, the object itself otherwise. */
static void
respond_object (HerdApi *api, SoupServerMessage *msg, guint status,
                Kind kind, HerdId id, gboolean action)
{
  objects_sync (&api->objects);
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  HerdJsonOut *b = &b_out;
  if (action)
    {
      herd_json_begin_object (b);
      herd_json_member_string (b, "status", "complete");
      herd_json_member (b, kinds[kind].member);
    }
  writers[kind](b, &api->objects, id);
  if (action)
    herd_json_end_object (b);
  respond (msg, status, b);
}

/* ------------------------------------------------------------------ */
/* Run-time changes: POST to hosts or vms, PUT to a VM, DELETE          */

/* body's member at a path of object members ("cpu", "topology",
 * "cores"), or NULL. */
static JsonNode *
member_at (JsonObject *body, const char *const *path)
{
  JsonNode *node = NULL;
  for (guint i = 0; path[i] != NULL; i++)
    {
      if (body == NULL || !json_object_has_member (body, path[i]))
        return NULL;
      node = json_object_get_member (body, path[i]);
      body = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                           : NULL;
    }
  return node;
}

/* A whole number, as JSON or as oVirt's JSON writes it (a string of
 * digits); FALSE when node is not one. */
static gboolean
whole_number (JsonNode *node, gint64 *out)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  const char *text = json_node_get_string (node);
  char *end = NULL;
  *out = g_ascii_strtoll (text, &end, 10);
  return *text != '\0' && *end == '\0';
}

/* A scenario key set from an oVirt member: a size in bytes (memory), a
 * count, or a boolean.  FALSE with a fault answered when it is
 * malformed. */
typedef enum
{
  OVIRT_BYTES,
  OVIRT_INTEGER,  /* any: the loader checks the range */
  OVIRT_BOOLEAN,
  OVIRT_PRIORITY,
  OVIRT_STRING,
} OvirtForm;

static gboolean
take_member (SoupServerMessage *msg, JsonObject *body, JsonObject *settings,
             const char *const *path, const char *key, OvirtForm form)
{
  JsonNode *node = member_at (body, path);
  if (node == NULL)
    return TRUE;
  g_autofree char *where = g_strjoinv (".", (char **) path);
  gint64 n = 0;
  if (form == OVIRT_STRING)
    {
      if (!JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_autofree char *detail = g_strdup_printf ("%s: expected a string",
                                                     where);
          fault (msg, SOUP_STATUS_BAD_REQUEST, detail);
          return FALSE;
        }
      json_object_set_string_member (settings, key,
                                     json_node_get_string (node));
      return TRUE;
    }
  if (form == OVIRT_BOOLEAN)
    {
      if (!JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_autofree char *detail = g_strdup_printf ("%s: expected true or "
                                                     "false", where);
          fault (msg, SOUP_STATUS_BAD_REQUEST, detail);
          return FALSE;
        }
      json_object_set_string_member (settings, key,
                                     json_node_get_boolean (node) ? "true"
                                                                  : "false");
      return TRUE;
    }
  if (!whole_number (node, &n)
      || (form != OVIRT_INTEGER && n < (form == OVIRT_BYTES ? 1 << 20 : 0)))
    {
      g_autofree char *detail = g_strdup_printf (
          "%s: expected %s", where,
          form == OVIRT_BYTES      ? "a size in bytes, at least 1 MiB"
          : form == OVIRT_INTEGER ? "a whole number"
                                  : "a whole number, at least 0");
      fault (msg, SOUP_STATUS_BAD_REQUEST, detail);
      return FALSE;
    }
  /* oVirt's priorities: low 1, medium 50, high 100 */
  g_autofree char *value
      = form == OVIRT_BYTES    ? g_strdup_printf ("%" G_GINT64_FORMAT "M",
                                                  n >> 20)
        : form == OVIRT_PRIORITY ? g_strdup (n < 50    ? "low"
                                             : n < 100 ? "medium"
                                                       : "high")
                                 : g_strdup_printf ("%" G_GINT64_FORMAT, n);
  json_object_set_string_member (settings, key, value);
  return TRUE;
}

/* settings with every member of body's "herd" object (scenario keys, as
 * strings) added; NULL with a fault answered (settings freed). */
static JsonObject *
extra_settings (SoupServerMessage *msg, JsonObject *body,
                JsonObject *settings_taken)
{
  g_autoptr (JsonObject) settings = settings_taken;
  JsonNode *extra = json_object_get_member (body, "herd");
  if (extra == NULL)
    return g_steal_pointer (&settings);
  if (!JSON_NODE_HOLDS_OBJECT (extra))
    {
      fault (msg, SOUP_STATUS_BAD_REQUEST,
             "herd: expected an object of scenario keys");
      return NULL;
    }
  JsonObject *keys = json_node_get_object (extra);
  g_autoptr (GList) members = json_object_get_members (keys);
  for (GList *m = members; m != NULL; m = m->next)
    json_object_set_member (settings, m->data,
                            json_node_copy (json_object_get_member (keys,
                                                                    m->data)));
  return g_steal_pointer (&settings);
}

/* A run-time change's settings from an oVirt-shaped body: name (into
 * *name when name is not NULL); for a storage domain data_center, type
 * (its role) and storage.type and .path; for a host or a VM cluster,
 * memory, cpu.topology and, for a host, address (its libvirt URI) and
 * spm.priority, for a VM memory_policy.guaranteed and high_availability;
 * then every member of "herd" (scenario keys, strings).  NULL with a
 * fault answered. */
static JsonObject *
change_settings (HerdApi *api, SoupServerMessage *msg, Kind kind,
                 JsonObject *body, const char **name)
{
  g_autoptr (JsonObject) settings = json_object_new ();
  if (name != NULL)
    {
      JsonNode *n = json_object_get_member (body, "name");
      *name = n != NULL && JSON_NODE_HOLDS_VALUE (n)
                      && json_node_get_value_type (n) == G_TYPE_STRING
                  ? json_node_get_string (n)
                  : NULL;
      if (*name == NULL)
        {
          fault (msg, SOUP_STATUS_BAD_REQUEST, "name: expected a string");
          return NULL;
        }
    }
  /* references: a host's or VM's cluster, a storage domain's data center */
  static const struct
  {
    const char *member;
    Kind kind;
    const char *key;
  } refs[] = {
    { "cluster", KIND_CLUSTER, "cluster" },
    { "data_center", KIND_DATACENTER, "datacenter" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (refs); i++)
    {
      if (!json_object_has_member (body, refs[i].member))
        continue;
      const char *key = ref_key (body, refs[i].member);
      HerdId id = key != NULL ? find (&api->objects, refs[i].kind, key)
                              : HERD_ID_NONE;
      if (id == HERD_ID_NONE)
        {
          g_autofree char *detail = g_strdup_printf (
              "%s: expected {\"id\": ...} or {\"name\": ...} of a %s",
              refs[i].member, kinds[refs[i].kind].member);
          fault (msg, SOUP_STATUS_BAD_REQUEST, detail);
          return NULL;
        }
      json_object_set_string_member (settings, refs[i].key,
                                     kind_name (api->model, refs[i].kind,
                                                id));
    }
  if (kind == KIND_DOMAIN)
    {
      /* oVirt's type is the domain's role; storage.type its type */
      static const char *const role[] = { "type", NULL };
      static const char *const type[] = { "storage", "type", NULL };
      static const char *const path[] = { "storage", "path", NULL };
      if (!take_member (msg, body, settings, role, "role", OVIRT_STRING)
          || !take_member (msg, body, settings, type, "type", OVIRT_STRING)
          || !take_member (msg, body, settings, path, "path", OVIRT_STRING))
        return NULL;
      return extra_settings (msg, body, g_steal_pointer (&settings));
    }
  static const char *const memory[] = { "memory", NULL };
  static const char *const sockets[] = { "cpu", "topology", "sockets", NULL };
  static const char *const cores[] = { "cpu", "topology", "cores", NULL };
  static const char *const threads[] = { "cpu", "topology", "threads", NULL };
  static const char *const spm[] = { "spm", "priority", NULL };
  static const char *const guaranteed[] = { "memory_policy", "guaranteed",
                                            NULL };
  static const char *const ha[] = { "high_availability", "enabled", NULL };
  static const char *const priority[] = { "high_availability", "priority",
                                          NULL };
  if (!take_member (msg, body, settings, memory, "memory", OVIRT_BYTES))
    return NULL;
  /* vCPUs, or a host's cores, are sockets x cores (x threads for a VM);
   * a host's threads are all of them */
  gint64 topology[3] = { 1, 1, 1 };
  const char *const *parts[3] = { sockets, cores, threads };
  gboolean any = FALSE;
  for (guint i = 0; i < 3; i++)
    {
      JsonNode *node = member_at (body, parts[i]);
      if (node == NULL)
        continue;
      any = TRUE;
      if (!whole_number (node, &topology[i]) || topology[i] < 1
          || topology[i] > 65536)
        {
          g_autofree char *where = g_strjoinv (".", (char **) parts[i]);
          g_autofree char *detail = g_strdup_printf (
              "%s: expected a whole number from 1 to 65536", where);
          fault (msg, SOUP_STATUS_BAD_REQUEST, detail);
          return NULL;
        }
    }
  if (any)
    {
      g_autofree char *count = g_strdup_printf (
          "%" G_GINT64_FORMAT,
          topology[0] * topology[1] * (kind == KIND_VM ? topology[2] : 1));
      json_object_set_string_member (settings,
                                     kind == KIND_VM ? "vcpus" : "cores",
                                     count);
      if (kind == KIND_HOST && topology[2] > 1)
        {
          g_autofree char *all = g_strdup_printf (
              "%" G_GINT64_FORMAT, topology[0] * topology[1] * topology[2]);
          json_object_set_string_member (settings, "threads", all);
        }
    }
  if (kind == KIND_HOST)
    {
      JsonNode *address = json_object_get_member (body, "address");
      if (address != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (address)
              || json_node_get_value_type (address) != G_TYPE_STRING
              || strstr (json_node_get_string (address), "://") == NULL)
            {
              fault (msg, SOUP_STATUS_BAD_REQUEST,
                     "address: expected the host's libvirt URI "
                     "(qemu+ssh://HOST/system, ...): herd reaches a host "
                     "through its libvirtd");
              return NULL;
            }
          json_object_set_string_member (settings, "uri",
                                         json_node_get_string (address));
        }
      if (!take_member (msg, body, settings, spm, "spm_priority",
                        OVIRT_INTEGER))
        return NULL;
    }
  else if (!take_member (msg, body, settings, guaranteed, "guaranteed_memory",
                         OVIRT_BYTES)
           || !take_member (msg, body, settings, ha, "ha", OVIRT_BOOLEAN)
           || !take_member (msg, body, settings, priority, "priority",
                            OVIRT_PRIORITY))
    return NULL;
  return extra_settings (msg, body, g_steal_pointer (&settings));
}

/* An addition or an edit (command, with member naming the object) asked
 * by a user below the administrator's role: refused (403) and recorded by
 * the control request, before its body is read. */
static gboolean
refused_below_administrator (HerdApi *api, SoupServerMessage *msg,
                             const HerdCaller *caller, const char *command,
                             const char *member, const char *name)
{
  if (caller->role >= HERD_ROLE_ADMINISTRATOR)
    return FALSE;
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_string_member (req, "command", command);
  json_object_set_string_member (req, member, name != NULL ? name : "");
  json_object_set_object_member (req, "settings", json_object_new ());
  run_command (api, msg, caller, req);
  return TRUE;
}

/* POST hosts, vms or storagedomains: adds one (201 and the object). */
static void
post_create (HerdApi *api, SoupServerMessage *msg, const HerdCaller *caller,
             Kind kind)
{
  const char *command = kind == KIND_HOST ? "add_host"
                        : kind == KIND_VM ? "add_vm"
                                          : "add_storage";
  if (refused_below_administrator (api, msg, caller, command, "name", NULL))
    return;
  g_autoptr (JsonObject) body = action_body (msg);
  const char *name = NULL;
  g_autoptr (JsonObject) settings
      = body != NULL ? change_settings (api, msg, kind, body, &name) : NULL;
  if (settings == NULL)
    return;
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_string_member (req, "command", command);
  json_object_set_string_member (req, "name", name);
  json_object_set_object_member (req, "settings",
                                 json_object_ref (settings));
  if (!run_command (api, msg, caller, req))
    return;
  objects_sync (&api->objects);
  respond_object (api, msg, SOUP_STATUS_CREATED, kind,
                  find (&api->objects, kind, name), FALSE);
}

/* PUT vms/ID: changes a VM (200 and the VM). */
static void
put_vm (HerdApi *api, SoupServerMessage *msg, const HerdCaller *caller,
        HerdId vm)
{
  if (refused_below_administrator (api, msg, caller, "edit_vm", "vm",
                                   herd_model_vm (api->model, vm)->name))
    return;
  g_autoptr (JsonObject) body = action_body (msg);
  g_autoptr (JsonObject) settings
      = body != NULL ? change_settings (api, msg, KIND_VM, body, NULL) : NULL;
  if (settings == NULL)
    return;
  if (json_object_has_member (settings, "cluster"))
    {
      fault (msg, SOUP_STATUS_BAD_REQUEST,
             "cluster: a VM does not change clusters");
      return;
    }
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_string_member (req, "command", "edit_vm");
  json_object_set_string_member (req, "vm",
                                 herd_model_vm (api->model, vm)->name);
  json_object_set_object_member (req, "settings",
                                 json_object_ref (settings));
  if (run_command (api, msg, caller, req))
    respond_object (api, msg, SOUP_STATUS_OK, KIND_VM, vm, FALSE);
}

/* DELETE hosts/ID or vms/ID. */
static void
delete_object (HerdApi *api, SoupServerMessage *msg,
               const HerdCaller *caller, Kind kind, HerdId id)
{
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_string_member (req, "command", kind == KIND_HOST
                                                     ? "remove_host"
                                                     : "remove_vm");
  json_object_set_string_member (req, kind == KIND_HOST ? "host" : "vm",
                                 kind_name (api->model, kind, id));
  if (!run_command (api, msg, caller, req))
    return;
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  herd_json_begin_object (&b_out);
  herd_json_end_object (&b_out);
  respond (msg, SOUP_STATUS_OK, &b_out);
}

/* POST COLLECTION/ID/ACTION as a control request run for caller. */
static void
post_action (HerdApi *api, SoupServerMessage *msg, const HerdCaller *caller,
             Kind kind, HerdId id, const char *action)
{
  static const struct
  {
    Kind kind;
    const char *action, *command;
  } actions[] = {
    { KIND_VM, "start", "start" },
    { KIND_VM, "stop", "stop" },
    { KIND_VM, "shutdown", "stop" },
    { KIND_VM, "migrate", "migrate" },
    { KIND_VM, "cancelmigration", "cancel_migration" },
    { KIND_HOST, "deactivate", "maintenance" },
    { KIND_HOST, "activate", "activate" },
    { KIND_HOST, "fence", "confirm_reboot" }, /* or power: fence_type */
    { KIND_HOST, "forceselectspm", "select_spm" },
    { KIND_HOST, "install", "reinstall" },
  };
  const char *command = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (actions[i].kind == kind && strcmp (actions[i].action, action) == 0)
      command = actions[i].command;
  if (command == NULL)
    {
      g_autofree char *detail = g_strdup_printf (
          "%s has no action \"%s\" (vms: start, stop, shutdown, migrate, "
          "cancelmigration; "
          "hosts: deactivate, activate, fence, forceselectspm, install)",
          kinds[kind].collection, action);
      fault (msg, SOUP_STATUS_NOT_FOUND, detail);
      return;
    }
  g_autoptr (JsonObject) body = action_body (msg);
  if (body == NULL)
    return;
  const char *target = kind == KIND_VM && strcmp (command, "migrate") == 0
                           ? action_host (api, msg, body)
                           : "";
  const char *power = NULL;
  if (target == NULL
      || (strcmp (action, "fence") == 0
          && (command = fence_type (msg, body, &power)) == NULL))
    return;
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_string_member (req, "command", command);
  json_object_set_string_member (req, kind == KIND_VM ? "vm" : "host",
                                 kind_name (api->model, kind, id));
  if (*target != '\0')
    json_object_set_string_member (req, "host", target);
  if (power != NULL)
    json_object_set_string_member (req, "action", power);
  if (run_command (api, msg, caller, req))
    respond_object (api, msg, SOUP_STATUS_OK, kind, id, TRUE);
}

/* ------------------------------------------------------------------ */
/* Routing                                                             */

static void
get_root (SoupServerMessage *msg)
{
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  HerdJsonOut *b = &b_out;
  herd_json_begin_object (b);
  herd_json_member_object (b, "product_info");
  herd_json_member_string (b, "name", "herd");
  herd_json_member_string (b, "vendor", "herd");
  herd_json_end_object (b);
  herd_json_member_array (b, "link");
  for (guint k = 0; k < KIND_LAST; k++)
    {
      herd_json_begin_object (b);
      g_autofree char *href = g_strdup_printf (API_PREFIX "/%s",
                                               kinds[k].collection);
      herd_json_member_string (b, "href", href);
      herd_json_member_string (b, "rel", kinds[k].collection);
      herd_json_end_object (b);
    }
  herd_json_end_array (b);
  herd_json_end_object (b);
  respond (msg, SOUP_STATUS_OK, b);
}

/* A request of caller, authenticated: path below the prefix. */
static void
serve (HerdApi *api, SoupServerMessage *msg, const char *path,
       GHashTable *query, const HerdCaller *caller)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean get = strcmp (method, "GET") == 0;
  gboolean post = strcmp (method, "POST") == 0;
  objects_sync (&api->objects);
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  /* parts[0] is "" (the path starts with '/'); a trailing '/' adds "" */
  guint n = g_strv_length (parts);
  while (n > 1 && *parts[n - 1] == '\0')
    n--;
  if (n <= 1)
    {
      if (!get)
        fault (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the API root is GET");
      else
        get_root (msg);
      return;
    }
  if (strcmp (parts[1], "events") == 0 && n == 2)
    {
      if (!get)
        fault (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "events are GET");
      else
        get_events (api, msg, query);
      return;
    }
  Kind kind = KIND_LAST;
  for (guint k = 0; k < KIND_LAST; k++)
    if (strcmp (parts[1], kinds[k].collection) == 0)
      kind = k;
  if (kind == KIND_LAST || n > 4)
    {
      g_autofree char *detail = g_strdup_printf (
          "no such resource: %s (collections: datacenters, clusters, hosts, "
          "vms, storagedomains, networks, events)",
          path);
      fault (msg, SOUP_STATUS_NOT_FOUND, detail);
      return;
    }
  HerdId id = n >= 3 ? find (&api->objects, kind, parts[2]) : HERD_ID_NONE;
  if (n >= 3 && id == HERD_ID_NONE)
    {
      g_autofree char *detail = g_strdup_printf (
          "no %s with id or name \"%s\"", kinds[kind].member, parts[2]);
      fault (msg, SOUP_STATUS_NOT_FOUND, detail);
      return;
    }
  if (n == 4)
    {
      if (!post)
        fault (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "actions are POST");
      else
        post_action (api, msg, caller, kind, id, parts[3]);
      return;
    }
  gboolean changes = kind == KIND_HOST || kind == KIND_VM;
  if ((changes || kind == KIND_DOMAIN) && n == 2 && post)
    {
      post_create (api, msg, caller, kind);
      return;
    }
  if (changes && n == 3 && strcmp (method, "DELETE") == 0)
    {
      delete_object (api, msg, caller, kind, id);
      return;
    }
  if (kind == KIND_VM && n == 3 && strcmp (method, "PUT") == 0)
    {
      put_vm (api, msg, caller, id);
      return;
    }
  if (!get)
    {
      fault (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
             "collections and objects are GET (actions are POST to "
             "OBJECT/ACTION; hosts, vms and storagedomains also take POST "
             "to the collection, hosts and vms DELETE, a VM PUT)");
      return;
    }
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  HerdJsonOut *b = &b_out;
  if (n == 3)
    writers[kind](b, &api->objects, id);
  else
    {
      herd_json_begin_object (b);
      herd_json_member_array (b, kinds[kind].member);
      for (guint i = 0; i < kind_count (api->model, kind); i++)
        if (!removed (api->model, kind, i))
          writers[kind](b, &api->objects, i);
      herd_json_end_array (b);
      herd_json_end_object (b);
    }
  respond (msg, SOUP_STATUS_OK, b);
}

/* The API's path of a request path ("" for the root), or NULL. */
static const char *
below_prefix (const char *path)
{
  const char *const prefixes[] = { API_PREFIX, SHORT_PREFIX };
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i]);
      if (strncmp (path, prefixes[i], n) == 0
          && (path[n] == '\0' || path[n] == '/'))
        return path + n;
    }
  return NULL;
}

static void
caller_init (HerdCaller *caller, const char *user, HerdRole role)
{
  *caller = (HerdCaller){ .uid = (uid_t) -1, .gid = (gid_t) -1, .pid = 0,
                          .user = g_strdup_printf ("%s (api)", user),
                          .role = role };
}

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

static char *
token_key (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
token_expired (gpointer key, gpointer value, gpointer now)
{
  return ((Token *) value)->expires_us <= *(gint64 *) now;
}

/* A new token for user: 32 random bytes, URL-safe base64.  Tokens that
 * expired are dropped first, so the table holds only live ones (each
 * cost a password check). */
static void
grant_token (HerdApi *api, SoupServerMessage *msg, const char *user,
             HerdRole role)
{
  guint8 raw[32];
  if (getrandom (raw, sizeof raw, 0) != (ssize_t) sizeof raw)
    {
      fault (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
             "no random bytes for a token");
      return;
    }
  gint64 now = g_get_monotonic_time ();
  g_hash_table_foreach_remove (api->tokens, token_expired, &now);
  g_autofree char *token = g_base64_encode (raw, sizeof raw);
  for (char *c = token; *c != '\0'; c++)
    *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
  char *eq = strchr (token, '=');
  if (eq != NULL)
    *eq = '\0';
  Token *t = g_new0 (Token, 1);
  t->user = g_strdup (user);
  t->role = role;
  t->expires_us = g_get_monotonic_time ()
                  + api->token_lifetime / HERD_USEC (1);
  g_hash_table_insert (api->tokens, token_key (token), t);
  g_auto (HerdJsonOut) b_out = herd_json_out_new ();
  HerdJsonOut *b = &b_out;
  herd_json_begin_object (b);
  herd_json_member_string (b, "access_token", token);
  herd_json_member_string (b, "scope", "ovirt-app-api");
  herd_json_member_string (b, "token_type", "bearer");
  g_autofree char *exp = g_strdup_printf (
      "%" G_GINT64_FORMAT,
      g_get_real_time () / 1000 + api->token_lifetime / HERD_MSEC (1));
  herd_json_member_string (b, "exp", exp);
  herd_json_end_object (b);
  respond (msg, SOUP_STATUS_OK, b);
}

/* The token's user and role, or NULL (unknown or expired: dropped). */
static const Token *
token_lookup (HerdApi *api, const char *token)
{
  g_autofree char *key = token_key (token);
  Token *t = g_hash_table_lookup (api->tokens, key);
  if (t != NULL && t->expires_us <= g_get_monotonic_time ())
    {
      g_hash_table_remove (api->tokens, key);
      t = NULL;
    }
  return t;
}

/* ------------------------------------------------------------------ */
/* Password checks, off the main loop                                  */

/* On the main loop: a worker's answer. */
static gboolean
check_done (gpointer data)
{
  Check *c = data;
  HerdApi *api = c->api;
  g_mutex_lock (&api->lock);
  g_hash_table_remove (api->checks, c);
  g_mutex_unlock (&api->lock);
  if (c->role == HERD_ROLE_NONE)
    {
      if (c->grant)
        fault (c->msg, SOUP_STATUS_UNAUTHORIZED,
               "Cannot authenticate user: wrong user name or password");
      else
        unauthorized (c->msg, "wrong user name or password");
    }
  else if (c->grant)
    grant_token (api, c->msg, c->user, c->role);
  else
    {
      HerdCaller caller;
      caller_init (&caller, c->user, c->role);
      serve (api, c->msg, c->path, c->query, &caller);
      herd_caller_clear (&caller);
    }
  soup_server_message_unpause (c->msg);
  check_free (c);
  return G_SOURCE_REMOVE;
}

/* In a worker: the hash check, then the answer to the main loop. */
static void
check_run (gpointer data, gpointer user_data)
{
  Check *c = data;
  HerdApi *api = user_data;
  c->role = herd_users_check (api->users, c->user, c->password);
  g_mutex_lock (&api->lock);
  c->idle = g_idle_add (check_done, c);
  g_mutex_unlock (&api->lock);
}

/* "NAME@internal" (oVirt's internal profile, as its SDKs send it) is
 * NAME. */
static char *
user_name (const char *login)
{
  const char *at = strrchr (login, '@');
  if (at != NULL && strcmp (at, "@internal") == 0)
    return g_strndup (login, (gsize) (at - login));
  return g_strdup (login);
}

/* Hands the check of user's password to a worker, msg paused. */
static void
check_later (HerdApi *api, SoupServerMessage *msg, const char *path,
             GHashTable *query, const char *user, const char *password,
             gboolean grant)
{
  g_mutex_lock (&api->lock);
  guint waiting = g_hash_table_size (api->checks);
  g_mutex_unlock (&api->lock);
  if (waiting >= HERD_API_MAX_CHECKS)
    {
      fault (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
             "too many password checks at once: try again, or use a token");
      return;
    }
  Check *c = g_new0 (Check, 1);
  c->api = api;
  c->msg = g_object_ref (msg);
  c->path = g_strdup (path);
  c->query = query != NULL ? g_hash_table_ref (query) : NULL;
  c->user = user_name (user);
  c->password = g_strdup (password);
  c->grant = grant;
  g_mutex_lock (&api->lock);
  g_hash_table_add (api->checks, c);
  g_mutex_unlock (&api->lock);
  soup_server_message_pause (msg);
  g_thread_pool_push (api->workers, c, NULL);
}

/* POST /ovirt-engine/sso/oauth/token: grant_type=password, username,
 * password (a form, or the query). */
static void
token_request (HerdApi *api, SoupServerMessage *msg, GHashTable *query)
{
  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    {
      fault (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the token endpoint is "
                                                  "POST");
      return;
    }
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL),
                                     g_bytes_get_size (bytes));
  g_autoptr (GHashTable) form = *text != '\0' ? soup_form_decode (text)
                                              : NULL;
  GHashTable *fields = form != NULL ? form : query;
  const char *grant = fields ? g_hash_table_lookup (fields, "grant_type")
                             : NULL;
  const char *user = fields ? g_hash_table_lookup (fields, "username")
                            : NULL;
  const char *password = fields ? g_hash_table_lookup (fields, "password")
                                : NULL;
  if (g_strcmp0 (grant, "password") != 0 || user == NULL
      || password == NULL)
    {
      fault (msg, SOUP_STATUS_BAD_REQUEST,
             "expected grant_type=password, username and password");
      return;
    }
  check_later (api, msg, "", NULL, user, password, TRUE);
}

/* ------------------------------------------------------------------ */
/* The server                                                          */

/* Before the body is read: its size. */
/* A connection's socket was finalized: the connection is gone. */
static void
connection_gone (gpointer data, GObject *socket)
{
  HerdApi *api = data;
  g_hash_table_remove (api->connections, socket);
}

/* Drops the connections that are over: closed, or closed by their client
 * (POLLRDHUP).  The second are closed here: libsoup 3.2 does not close a
 * TLS connection its client closed while idle (fixed in 3.3, commit
 * d20c6601), so each would keep its descriptor in CLOSE_WAIT for good. */
static void
sweep_connections (HerdApi *api)
{
  GHashTableIter it;
  gpointer s;
  g_hash_table_iter_init (&it, api->connections);
  while (g_hash_table_iter_next (&it, &s, NULL))
    {
      if (!g_socket_is_closed (s))
        {
          struct pollfd p = { g_socket_get_fd (s), POLLRDHUP, 0 };
          if (poll (&p, 1, 0) != 1
              || !(p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
            continue;
          g_socket_close (s, NULL);
        }
      g_object_weak_unref (s, connection_gone, api);
      g_hash_table_iter_remove (&it);
    }
}

static gboolean
sweep_tick (gpointer data)
{
  HerdApi *api = data;
  sweep_connections (api);
  if (g_hash_table_size (api->connections) > 0)
    return G_SOURCE_CONTINUE;
  api->sweep_source = 0;
  return G_SOURCE_REMOVE;
}

/* A request on a connection not seen yet counts it, or, with
 * max_connections open already, is refused (503) and its connection
 * closed.  (libsoup's server has no hook at accept: a connection that
 * never makes a request is not counted.)  The connections are swept
 * every HERD_API_SWEEP_S while there are some, and before a refusal. */
static gboolean
connection_allowed (HerdApi *api, SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  if (socket == NULL || g_hash_table_contains (api->connections, socket))
    return TRUE;
  if (g_hash_table_size (api->connections) >= api->max_connections)
    sweep_connections (api);
  guint open = g_hash_table_size (api->connections);
  if (open >= api->max_connections)
    {
      if (api->connections_refused++ % 1000 == 0)
        g_warning ("API: %u connections open: refusing more "
                   "([manager] api_max_connections; %u refused so far)",
                   open, api->connections_refused);
      soup_message_headers_replace (
          soup_server_message_get_response_headers (msg), "Connection",
          "close");
      g_autofree char *detail = g_strdup_printf (
          "%u connections are open, the most the API takes ([manager] "
          "api_max_connections); try again later",
          open);
      fault (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, detail);
      return FALSE;
    }
  g_hash_table_add (api->connections, socket);
  g_object_weak_ref (G_OBJECT (socket), connection_gone, api);
  if (api->sweep_source == 0)
    api->sweep_source = g_timeout_add_seconds (HERD_API_SWEEP_S, sweep_tick,
                                               api);
  return TRUE;
}

static void
early (SoupServer *server, SoupServerMessage *msg, const char *path,
       GHashTable *query, gpointer data)
{
  if (!connection_allowed (data, msg))
    return;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    fault (msg, SOUP_STATUS_LENGTH_REQUIRED,
           "a request body needs its Content-Length");
  else if (length > HERD_API_MAX_BODY)
    {
      g_autofree char *detail = g_strdup_printf (
          "a request body may hold at most %d bytes, not %" G_GOFFSET_FORMAT,
          HERD_API_MAX_BODY, length);
      fault (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, detail);
    }
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path,
         GHashTable *query, gpointer data)
{
  HerdApi *api = data;
  if (strcmp (path, TOKEN_PATH) == 0)
    {
      token_request (api, msg, query);
      return;
    }
  const char *below = below_prefix (path);
  if (below == NULL)
    {
      fault (msg, SOUP_STATUS_NOT_FOUND,
             "the API is under " API_PREFIX " (or " SHORT_PREFIX ")");
      return;
    }
  const char *auth = soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "Authorization");
  if (auth != NULL && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0)
    {
      const Token *t = token_lookup (api, auth + 7);
      if (t == NULL)
        {
          unauthorized (msg, "the bearer token is not known or has "
                             "expired");
          return;
        }
      HerdCaller caller;
      caller_init (&caller, t->user, t->role);
      serve (api, msg, below, query, &caller);
      herd_caller_clear (&caller);
      return;
    }
  if (auth != NULL && g_ascii_strncasecmp (auth, "Basic ", 6) == 0)
    {
      gsize n = 0;
      g_autofree guchar *raw = g_base64_decode (auth + 6, &n);
      g_autofree char *text = g_strndup ((const char *) raw, n);
      char *colon = strchr (text, ':');
      if (colon != NULL && strlen (text) == n)
        {
          *colon = '\0';
          check_later (api, msg, below, query, text, colon + 1, FALSE);
          explicit_bzero (text, n);
          return;
        }
      explicit_bzero (text, n);
    }
  unauthorized (msg, "authenticate with HTTP Basic (a user of the API's "
                     "password file) or a bearer token from " TOKEN_PATH);
}

/* ADDRESS:PORT (ADDRESS may be [IPv6]) as a socket address. */
static GSocketAddress *
parse_listen (const char *listen, GError **error)
{
  const char *colon = strrchr (listen, ':');
  guint64 port = 0;
  g_autofree char *host = colon != NULL
                              ? g_strndup (listen, (gsize) (colon - listen))
                              : NULL;
  if (host != NULL && host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      memmove (host, host + 1, strlen (host));
      host[strlen (host) - 1] = '\0';
    }
  GSocketAddress *address
      = colon != NULL
                && g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port,
                                               NULL)
            ? g_inet_socket_address_new_from_string (host, (guint) port)
            : NULL;
  if (address == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "api_listen: expected ADDRESS:PORT with a numeric address "
                 "such as 127.0.0.1:8443 or [::]:443, got \"%s\"",
                 listen);
  return address;
}

HerdApi *
herd_api_new (const HerdApiSettings *settings, HerdCtl *ctl,
              HerdModel *model, HerdState *state, HerdUsers *users,
              GError **error)
{
  g_autoptr (HerdApi) api = g_new0 (HerdApi, 1);
  api->users = users;
  api->ctl = ctl;
  api->model = model;
  objects_init (&api->objects, model);
  api->state = state;
  api->token_lifetime = settings->token_lifetime;
  api->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       token_free);
  api->checks = g_hash_table_new (g_direct_hash, g_direct_equal);
  api->max_connections = MAX (settings->max_connections, 1);
  api->connections = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_mutex_init (&api->lock);
  g_autoptr (GTlsCertificate) certificate = g_tls_certificate_new_from_files (
      settings->certificate, settings->key, error);
  if (certificate == NULL)
    {
      g_prefix_error (error, "the API's certificate %s and key %s: ",
                      settings->certificate, settings->key);
      return NULL;
    }
  g_autoptr (GSocketAddress) address = parse_listen (settings->listen,
                                                     error);
  if (address == NULL)
    return NULL;
  api->workers = g_thread_pool_new (check_run, api, 2, FALSE, error);
  if (api->workers == NULL)
    return NULL;
  api->server = soup_server_new ("tls-certificate", certificate,
                                 "server-header", "herd", NULL);
  soup_server_add_early_handler (api->server, NULL, early, api, NULL);
  soup_server_add_handler (api->server, NULL, handler, api, NULL);
  /* Its own listening socket, for the backlog: libsoup's is GLib's
   * default, 10, and 50 clients connecting at once had their SYNs
   * dropped, each such request then a second late (the kernel's SYN
   * retry). */
  g_autoptr (GSocket) listener = g_socket_new (
      g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, error);
  if (listener != NULL)
    g_socket_set_listen_backlog (listener, HERD_API_BACKLOG);
  if (listener == NULL || !g_socket_bind (listener, address, TRUE, error)
      || !g_socket_listen (listener, error)
      || !soup_server_listen_socket (api->server, listener,
                                     SOUP_SERVER_LISTEN_HTTPS, error))
    {
      g_prefix_error (error, "the API cannot listen on %s: ",
                      settings->listen);
      return NULL;
    }
  return g_steal_pointer (&api);
}

guint
herd_api_port (HerdApi *api)
{
  GSList *uris = soup_server_get_uris (api->server);
  guint port = uris != NULL ? (guint) g_uri_get_port (uris->data) : 0;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

void
herd_api_free (HerdApi *api)
{
  if (api == NULL)
    return;
  while (api->streams != NULL)
    stream_end (api->streams->data);
  if (api->server != NULL)
    soup_server_disconnect (api->server);
  /* Checks still queued are dropped; running ones finish first. */
  if (api->workers != NULL)
    g_thread_pool_free (api->workers, TRUE, TRUE);
  GHashTableIter it;
  gpointer c;
  g_hash_table_iter_init (&it, api->checks);
  while (g_hash_table_iter_next (&it, &c, NULL))
    {
      if (((Check *) c)->idle != 0)
        g_source_remove (((Check *) c)->idle);
      check_free (c);
    }
  g_hash_table_unref (api->checks);
  g_clear_object (&api->server);
  if (api->sweep_source != 0)
    g_source_remove (api->sweep_source);
  g_hash_table_iter_init (&it, api->connections);
  while (g_hash_table_iter_next (&it, &c, NULL))
    g_object_weak_unref (c, connection_gone, api);
  g_hash_table_unref (api->connections);
  g_hash_table_unref (api->tokens);
  herd_users_free (api->users);
  objects_clear (&api->objects);
  g_mutex_clear (&api->lock);
  g_free (api);
}

/* ------------------------------------------------------------------ */
/* A self-signed certificate                                           */

gboolean
herd_api_make_certificate (const char *certificate, const char *key,
                           GError **error)
{
  gboolean have_cert = g_file_test (certificate, G_FILE_TEST_EXISTS);
  gboolean have_key = g_file_test (key, G_FILE_TEST_EXISTS);
  if (have_cert && have_key)
    return TRUE;
  if (have_cert || have_key)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "the API's %s exists without its %s: remove it, or give "
                   "both as api_certificate and api_key",
                   have_cert ? certificate : key,
                   have_cert ? "key" : "certificate");
      return FALSE;
    }
  g_autofree char *dir_of = g_path_get_dirname (certificate);
  g_autofree char *tmp = g_build_filename (dir_of, ".herd-api-XXXXXX", NULL);
  if (g_mkdtemp_full (tmp, 0700) == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "%s: %s", tmp, g_strerror (errno));
      return FALSE;
    }
  g_autofree char *new_key = g_build_filename (tmp, "key.pem", NULL);
  g_autofree char *new_cert = g_build_filename (tmp, "cert.pem", NULL);
  g_autofree char *san = g_strdup_printf (
      "subjectAltName=DNS:localhost,DNS:%s,IP:127.0.0.1,IP:::1",
      g_get_host_name ());
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "ec",
                         "-pkeyopt", "ec_paramgen_curve:prime256v1",
                         "-nodes", "-days", "3650", "-subj", "/CN=herd",
                         "-addext", san, "-keyout", new_key, "-out",
                         new_cert, NULL };
  g_autofree char *err = NULL;
  int wait = 0;
  gboolean ok = g_spawn_sync (NULL, (char **) argv, NULL,
                              G_SPAWN_SEARCH_PATH
                                  | G_SPAWN_STDOUT_TO_DEV_NULL,
                              NULL, NULL, NULL, &err, &wait, error)
                && g_spawn_check_wait_status (wait, error);
  if (!ok)
    g_prefix_error (error, "openssl could not make the API's certificate "
                           "(%s): ", err != NULL ? g_strstrip (err) : "");
  else if (g_chmod (new_key, 0600) < 0 || g_chmod (new_cert, 0644) < 0
           || g_rename (new_key, key) < 0
           || g_rename (new_cert, certificate) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "the API's certificate %s and key %s: %s", certificate,
                   key, g_strerror (errno));
      ok = FALSE;
    }
  g_remove (new_key);
  g_remove (new_cert);
  g_rmdir (tmp);
  return ok;
}
