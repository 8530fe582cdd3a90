/* scenario.c: reads scenario files into a HerdModel plus the simulator's
 * per-group data (see scenario.h and docs/scenarios.md).
 *
 * Loading runs in phases, and stops after the first phase that found a
 * problem, reporting one error: the first in file order within that phase.
 *   1. Lines: every line is a comment, a `[kind NAME]` header of a known
 *      kind or a `KEY = VALUE` line.  Inline comments (a ';' or '#' after
 *      whitespace) are cut off, groups and keys may not repeat, and a map
 *      (group, key) -> line is kept for messages.  The cleaned lines are
 *      then read by GKeyFile, which holds the values from there on.
 *   2. Structure: missing required keys (a [fault]'s target unless its
 *      kind is manager_restart), unknown keys; at least one datacenter
 *      and cluster.
 *   3. Values and references: every value is parsed strictly (core/units.h,
 *      conf/workload-spec.h); names of datacenters, clusters, storage domains,
 *      networks, hosts and VMs resolve against groups anywhere in the
 *      file; then cross-group checks (one master per datacenter, at most
 *      HERD_MAX_NETWORKS_PER_DC networks per datacenter, a host's and a
 *      VM's networks are of its datacenter, every VM group fits some host
 *      of its cluster, pinned and preferred hosts and the members of an
 *      affinity group are in its cluster, a VM lease has a data domain,
 *      action and fault targets exist, a migration's destination is in
 *      its VM's cluster, a nic_down's network is attached to its host, a
 *      storage_down's host is in its domain's datacenter, random faults'
 *      hosts exist).  A check that needs a group whose own values failed
 *      is skipped, since that group's error is reported.  Host and VM ids
 *      are known here already (see herd_sl_first_id), so lists of them are
 *      resolved to ids.
 *   4. Build: the model is filled kind by kind in dependency order
 *      (datacenters, clusters, storage, networks, hosts, VMs, affinity
 *      groups), each kind in file order, so an object's id is its group's
 *      index among its kind (times the count for hosts and VMs); then the
 *      actions and faults, each sorted by time, and the random faults.
 *      Nothing can fail here.
 * The profile ([scenario] or [defaults] profile = ...) is applied before
 * any [defaults] parameter or policy.NAME override, whatever the order of
 * the lines. */
#include "conf/scenario.h"

#include <math.h>
#include <string.h>

#include "core/units.h"

G_DEFINE_QUARK (herd-scenario-error-quark, herd_scenario_error)

typedef enum
{
  HERD_SL_SCENARIO,
  HERD_SL_DEFAULTS,
  HERD_SL_DATACENTER,
  HERD_SL_CLUSTER,
  HERD_SL_HOSTS,
  HERD_SL_STORAGE,
  HERD_SL_TEMPLATE,
  HERD_SL_NETWORK,
  HERD_SL_VMS,
  HERD_SL_AFFINITY,
  HERD_SL_GROWTH,
  HERD_SL_ACTION,
  HERD_SL_FAULT,
  HERD_SL_FAULTS,
  HERD_SL_MANAGER,
  HERD_SL_KIND_LAST
} HerdSlKind;

static const char *const herd_sl_scenario_keys[] = {
  "name", "duration", "seed", "sample_interval", "stats_interval", "profile",
  "migration_setup", "io_timeout", NULL
};
static const char *const herd_sl_defaults_keys[] = { "profile", NULL };
static const char *const herd_sl_no_keys[] = { NULL };
static const char *const herd_sl_cluster_keys[] = {
  "datacenter", "policy", "memory_overcommit", "migration_policy",
  "migration_bandwidth", "ha_reservation", "fencing",
  "fencing_skip_if_lease_live", "fencing_skip_if_connectivity_broken",
  "fencing_connectivity_threshold", NULL
};
static const char *const herd_sl_hosts_keys[] = {
  "cluster", "count", "cores", "threads", "memory", "swap",
  "reserved_memory", "nic", "spm_priority", "power_idle", "power_max",
  "boot_time", "fence_agent", "fence_concurrent", "fence_latency",
  "fence_failure", "networks", "cpu_load", "committed_memory",
  "cpu_threshold_for", "labels",
  /* herd run: how to reach each host (docs/real-hosts.md) */
  "uri", "sanlock_dir", "migration_uri", "fence_command", "fence_options",
  "proxy_command", NULL
};
static const char *const herd_sl_hosts_required[] = { "cores", "memory",
                                                      NULL };
static const char *const herd_sl_storage_keys[] = {
  "datacenter", "type", "role", "capacity", "master", "warning_low_space",
  "critical_space", "path", NULL
};
static const char *const herd_sl_storage_required[] = { "type", "capacity",
                                                        NULL };
static const char *const herd_sl_template_keys[] = { "datacenter", "disk",
                                                     "data", NULL };
static const char *const herd_sl_template_required[] = { "disk", NULL };
static const char *const herd_sl_network_keys[] = {
  "datacenter", "required", "vm_network", "bridge", NULL
};
static const char *const herd_sl_vms_keys[] = {
  "cluster", "count", "vcpus", "memory", "guaranteed_memory", "disk", "ha",
  "priority", "cpu", "memory_used", "dirty_rate", "working_set",
  "write_rate", "new_writes", "stateless", "template", "clone", "boot_time",
  "arrival", "lifetime", "networks", "pinned_to", "migratable",
  "preferred_hosts", "lease", "resume", "host", "labels",
  /* herd run: direct kernel boot (docs/real-hosts.md) */
  "kernel", "initrd", "cmdline", NULL
};
static const char *const herd_sl_vms_required[] = { "vcpus", "memory",
                                                    NULL };
static const char *const herd_sl_affinity_keys[] = {
  "cluster", "vms", "vm_rule", "vm_enforcing", "hosts", "host_rule",
  "host_enforcing", "priority", "host_labels", "vm_labels", NULL
};
/* vms or vm_labels: see herd_sl_check_keys. */
static const char *const herd_sl_growth_keys[] = {
  "cluster", "vms", "every", "vcpus", "memory", "disk", "storage", "grows",
  NULL
};
static const char *const herd_sl_action_keys[] = {
  "at", "kind", "target", "host", "size", "snapshot", "memory", NULL
};
static const char *const herd_sl_action_required[] = { "at", "kind",
                                                       "target", NULL };
static const char *const herd_sl_fault_keys[] = {
  "at", "kind", "target", "duration", "host", "network", NULL
};
/* target too, except for manager_restart: see herd_sl_check_keys. */
static const char *const herd_sl_fault_required[] = { "at", "kind", NULL };
static const char *const herd_sl_faults_keys[] = { "kind", "mtbf", "mttr",
                                                   "hosts", NULL };
static const char *const herd_sl_faults_required[] = { "mtbf", "mttr",
                                                       NULL };
static const char *const herd_sl_manager_keys[] = {
  "database", "socket", "log", "domain_type", "reconnect_interval",
  "job_poll_interval", NULL
};

/* What each group kind is called and takes. */
static const struct
{
  const char *name;
  gboolean named;                 /* [kind NAME] rather than [kind] */
  const char *const *keys;        /* besides the parameter tables */
  const char *const *required;
} herd_sl_kinds[HERD_SL_KIND_LAST] = {
  [HERD_SL_SCENARIO] = { "scenario", FALSE, herd_sl_scenario_keys,
                         herd_sl_no_keys },
  [HERD_SL_DEFAULTS] = { "defaults", FALSE, herd_sl_defaults_keys,
                         herd_sl_no_keys },
  [HERD_SL_DATACENTER] = { "datacenter", TRUE, herd_sl_no_keys,
                           herd_sl_no_keys },
  [HERD_SL_CLUSTER] = { "cluster", TRUE, herd_sl_cluster_keys,
                        herd_sl_no_keys },
  [HERD_SL_HOSTS] = { "hosts", TRUE, herd_sl_hosts_keys,
                      herd_sl_hosts_required },
  [HERD_SL_STORAGE] = { "storage", TRUE, herd_sl_storage_keys,
                        herd_sl_storage_required },
  [HERD_SL_TEMPLATE] = { "template", TRUE, herd_sl_template_keys,
                         herd_sl_template_required },
  [HERD_SL_NETWORK] = { "network", TRUE, herd_sl_network_keys,
                        herd_sl_no_keys },
  [HERD_SL_VMS] = { "vms", TRUE, herd_sl_vms_keys, herd_sl_vms_required },
  [HERD_SL_AFFINITY] = { "affinity", TRUE, herd_sl_affinity_keys,
                         herd_sl_no_keys },
  [HERD_SL_GROWTH] = { "growth", TRUE, herd_sl_growth_keys,
                       herd_sl_no_keys },
  [HERD_SL_ACTION] = { "action", TRUE, herd_sl_action_keys,
                       herd_sl_action_required },
  [HERD_SL_FAULT] = { "fault", TRUE, herd_sl_fault_keys,
                      herd_sl_fault_required },
  [HERD_SL_FAULTS] = { "faults", TRUE, herd_sl_faults_keys,
                       herd_sl_faults_required },
  [HERD_SL_MANAGER] = { "manager", FALSE, herd_sl_manager_keys,
                        herd_sl_no_keys },
};

/* Storage domain roles, in HerdDomainRole order. */
static const char *const herd_sl_role_names[HERD_DOMAIN_ROLE_LAST] = {
  "data", "iso", "export",
};

/* Action kinds: the supported ones in HerdActionKind order, then the
 * design's other kinds, recognised but not supported yet. */
static const char *const herd_sl_action_names[HERD_ACTION_KIND_LAST] = {
  [HERD_ACTION_START] = "start",
  [HERD_ACTION_STOP] = "stop",
  [HERD_ACTION_MIGRATE] = "migrate",
  [HERD_ACTION_MAINTENANCE] = "maintenance",
  [HERD_ACTION_ACTIVATE] = "activate",
  [HERD_ACTION_ADD_LUN] = "add_lun",
  [HERD_ACTION_GROW_STORAGE] = "grow_storage",
  [HERD_ACTION_SNAPSHOT] = "snapshot",
  [HERD_ACTION_PREVIEW_SNAPSHOT] = "preview_snapshot",
  [HERD_ACTION_COMMIT_SNAPSHOT] = "commit_snapshot",
  [HERD_ACTION_UNDO_SNAPSHOT] = "undo_snapshot",
  [HERD_ACTION_DELETE_SNAPSHOT] = "delete_snapshot",
};
static const char *const herd_sl_future_actions[] = { NULL };

/* Fault kinds, in HerdFaultKind order: all are supported. */
static const char *const herd_sl_fault_names[HERD_FAULT_KIND_LAST] = {
  [HERD_FAULT_HOST_CRASH] = "host_crash",
  [HERD_FAULT_AGENT_HANG] = "agent_hang",
  [HERD_FAULT_PARTITION] = "partition",
  [HERD_FAULT_NIC_DOWN] = "nic_down",
  [HERD_FAULT_STORAGE_DOWN] = "storage_down",
  [HERD_FAULT_FENCE_FAIL] = "fence_fail",
  [HERD_FAULT_MANAGER_RESTART] = "manager_restart",
};
static const char *const herd_sl_future_faults[] = { NULL };
/* The kinds [faults random] may draw: those that strike one host and
 * heal (a repair), in HerdFaultKind order. */
static const HerdFaultKind herd_sl_random_kinds[] = {
  HERD_FAULT_HOST_CRASH, HERD_FAULT_AGENT_HANG, HERD_FAULT_PARTITION,
};

#define HERD_SL_DEFAULT_DURATION HERD_DAY (1)
#define HERD_SL_DEFAULT_SEED 1
#define HERD_SL_DEFAULT_SAMPLE_INTERVAL HERD_MIN (5)
#define HERD_SL_DEFAULT_STATS_INTERVAL HERD_SEC (15)
/* QEMU/libvirt setup before a migration's first pass (behaviour.md §4:
 * about 0.3-0.5 s). */
#define HERD_SL_DEFAULT_MIGRATION_SETUP HERD_MSEC (400)
/* sanlock's io_timeout (behaviour.md §7). */
#define HERD_SL_DEFAULT_IO_TIMEOUT HERD_SEC (10)
/* Time a fence agent takes per action (status, on, off). */
#define HERD_SL_DEFAULT_FENCE_LATENCY HERD_SEC (5)
#define HERD_SL_DEFAULT_OVERCOMMIT 100
#define HERD_SL_DEFAULT_CONNECTIVITY_THRESHOLD 0.5 /* oVirt: 50% */
#define HERD_SL_DEFAULT_MIGRATION_BANDWIDTH "52MiB/s"
#define HERD_SL_DEFAULT_NIC "10Gbit"
#define HERD_SL_DEFAULT_SPM_PRIORITY 5
#define HERD_SL_DEFAULT_HOST_BOOT HERD_MIN (5)
#define HERD_SL_DEFAULT_VM_BOOT HERD_SEC (10)
#define HERD_SL_DEFAULT_CPU "constant(10%)"
#define HERD_SL_MAX_HOSTS_PER_GROUP 100000
#define HERD_SL_MAX_VMS_PER_GROUP 1000000
#define HERD_SL_MAX_CORES 4096
#define HERD_SL_MAX_THREADS 65536
/* Whole-scenario caps (docs/scenarios.md): far above any real setup
 * (scenarios/large.ini has 2,000 hosts and 40,000 VMs), low enough that a
 * few lines cannot ask for gigabytes of model. */
#define HERD_SL_MAX_HOSTS 100000
#define HERD_SL_MAX_VMS 1000000
#define HERD_SL_MAX_DISKS 2000000
/* Every size (memory, disks, storage): 1024P, 2^40 MiB, so that sums over
 * a whole scenario and memory times overcommit stay far from overflowing
 * 64 bits. */
#define HERD_SL_MAX_SIZE_MIB (G_GINT64_CONSTANT (1) << 40)
#define HERD_SL_MAX_SIZE_TEXT "1024P"
/* Names listed in a message ("known: a, b, ...") before it says "...". */
#define HERD_SL_MAX_LISTED 10
/* An affinity group's priority: oVirt takes any positive number. */
#define HERD_SL_MAX_AFFINITY_PRIORITY 1000

typedef struct
{
  gint64 size_mib;
  gboolean thin;
  char *domain; /* NULL: the data center's master domain */
  HerdId domain_id;
  gint64 base_mib; /* data it holds when created: a clone's copy */
  HerdDiskFormat format; /* HERD_DISK_FORMAT_DEFAULT: by allocation */
} HerdSlDisk;

/* One group of the file and what phase 3 read from it. */
typedef struct
{
  HerdSlKind kind;
  char *name;            /* NULL for [scenario] and [defaults] */
  char *label;           /* "hosts h": the GKeyFile group and in messages */
  guint line;            /* of the header */
  guint index;           /* among the groups of its kind, file order */
  GHashTable *key_lines; /* key -> line, lookups only */
  gboolean ok;           /* its values and references are valid */
  HerdId ref;            /* resolved datacenter or cluster index */
  /* [hosts] and [vms]: networks = (NULL when absent), then their ids */
  char **network_names;
  GArray *network_ids;   /* HerdId, as listed */
  /* [cluster] */
  HerdPolicyKind policy;
  HerdPolicyParams policy_params;
  guint overcommit;
  HerdMigrationPolicy migration_policy;
  gint64 migration_bandwidth;  /* bytes/s */
  gboolean ha_reservation, fencing;
  gboolean skip_if_lease_live, skip_if_connectivity_broken;
  double connectivity_threshold;  /* 0..1 */
  /* [hosts]: sizes in MiB, nic in bytes/s, power in watts */
  gint64 count;
  gint64 cores, threads, memory_mib, swap_mib, reserved_mib, nic;
  gint64 spm_priority;
  double power_idle_w, power_max_w;
  HerdTime boot_time;          /* ns */
  char **fence_agents;         /* kinds, as listed; empty: none */
  gboolean fence_concurrent;
  HerdTime fence_latency;      /* ns */
  double fence_failure;        /* fraction, 0..1 */
  double cpu_load;             /* percent of its cores its own work uses */
  gint64 committed_mib;        /* committed besides its VMs */
  HerdTime threshold_for;      /* over or under the CPU thresholds for this
                                  long at time 0; 0: not */
  /* [hosts] and [vms]: labels = (NULL when absent) */
  char **labels;
  /* [storage] */
  HerdStorageType storage_type;
  HerdDomainRole role;
  gint64 capacity_mib;
  double warning_free, critical_free; /* [storage]: fractions */
  gboolean master;
  /* [network] */
  gboolean required, vm_network;
  /* [vms] (count, memory_mib, boot_time above): sizes in MiB, rates in
   * bytes/s */
  gint64 vcpus, guaranteed_mib;
  GArray *disks;         /* HerdSlDisk */
  gboolean ha;
  HerdPriority priority;
  HerdWorkloadSpec cpu;
  gint64 memory_used_mib, dirty_rate, working_set_mib;
  HerdRateModel write_rate;  /* [vms] */
  HerdTraceSet *cpu_trace;   /* [vms] cpu = trace:... */
  double new_writes;     /* [vms]: share of writes to new blocks */
  gboolean stateless;    /* [vms]: pool VMs, their writes dropped at stop */
  char *template_name;   /* [vms]: template = (NULL when absent) */
  gboolean clone;        /* [vms]: disks copied from the template, rather
                            than thin layers on it */
  gint64 data_mib;       /* [template]: data in each disk's image */
  /* [growth] (vcpus, memory_mib above): vms new VMs of disk_mib (on the
   * master domain) every period, or grows_mib more used on storage */
  gint64 growth_vms, growth_disk_mib, grows_mib;
  HerdTime every;
  char *storage_name;
  HerdId storage_id;
  HerdDistribution arrival;
  gboolean has_lifetime;
  HerdDistribution lifetime;
  gboolean migratable;
  gboolean lease;
  HerdResumePolicy resume;
  char **pinned_names;   /* pinned_to = (NULL when absent) */
  char **preferred_names; /* preferred_hosts = (NULL when absent) */
  GArray *pinned_ids;    /* HerdId of hosts, ascending, or NULL */
  GArray *preferred_ids; /* HerdId of hosts, ascending, or NULL */
  /* [affinity] (and [faults random]: hosts, host_ids) */
  char **vm_names;       /* vms = (NULL when absent) */
  char **host_labels, **vm_labels; /* (NULL when absent) */
  double affinity_priority;
  char **host_names;     /* hosts = (NULL when absent) */
  GArray *vm_ids;        /* HerdId of VMs, ascending */
  GArray *host_ids;      /* HerdId of hosts, ascending, or NULL */
  HerdAffinityRule vm_rule, host_rule;
  gboolean vm_enforcing, host_enforcing;
  /* [action] and [fault] ([faults random]: fault) */
  HerdTime at;                 /* ns from the start */
  HerdActionKind action;
  HerdFaultKind fault;
  char *target;                /* NULL for manager_restart */
  char *host;                  /* [action] migrate: destination; [fault]
                                  storage_down: the one host; [vms]: where
                                  they run at time 0; or NULL */
  HerdId host_id;              /* [vms]: host's id, or HERD_ID_NONE */
  char *network;               /* [fault] nic_down */
  gint64 size_mib;             /* [action] add_lun */
  char *snapshot;              /* [action] snapshot kinds */
  gboolean memory;             /* [action] snapshot */
  HerdTime duration;           /* [fault]: ns, 0: does not heal */
  /* [faults random] */
  HerdDistribution mtbf, mttr;
} HerdSlGroup;

typedef struct
{
  const char *path;          /* as given, for messages */
  HerdScenario *scenario;
  GKeyFile *keys;
  GPtrArray *groups;         /* HerdSlGroup *, file order, owned */
  GPtrArray *by_kind[HERD_SL_KIND_LAST]; /* HerdSlGroup *, file order */
  GHashTable *by_label;      /* label -> HerdSlGroup *, lookups only */
  gboolean params_ok;        /* [defaults] parameters all valid */
  /* The error to report: the one at the lowest line so far. */
  guint error_line;
  HerdScenarioError error_code;
  char *error_message;
} HerdSlLoader;

static void
herd_sl_disk_clear (gpointer p)
{
  HerdSlDisk *disk = p;
  g_free (disk->domain);
}

static void
herd_sl_group_free (gpointer p)
{
  HerdSlGroup *g = p;
  g_free (g->name);
  g_free (g->label);
  g_hash_table_unref (g->key_lines);
  g_strfreev (g->fence_agents);
  if (g->disks != NULL)
    g_array_unref (g->disks);
  herd_rate_model_clear (&g->write_rate);
  herd_trace_set_free (g->cpu_trace);
  g_free (g->template_name);
  g_free (g->storage_name);
  g_free (g->snapshot);
  g_free (g->target);
  g_free (g->host);
  g_free (g->network);
  g_strfreev (g->network_names);
  g_strfreev (g->pinned_names);
  g_strfreev (g->preferred_names);
  g_strfreev (g->vm_names);
  g_strfreev (g->host_names);
  g_strfreev (g->labels);
  g_strfreev (g->host_labels);
  g_strfreev (g->vm_labels);
  if (g->network_ids != NULL)
    g_array_unref (g->network_ids);
  if (g->pinned_ids != NULL)
    g_array_unref (g->pinned_ids);
  if (g->preferred_ids != NULL)
    g_array_unref (g->preferred_ids);
  if (g->vm_ids != NULL)
    g_array_unref (g->vm_ids);
  if (g->host_ids != NULL)
    g_array_unref (g->host_ids);
  g_free (g);
}

static void
herd_sl_loader_clear (HerdSlLoader *l)
{
  if (l->keys != NULL)
    g_key_file_unref (l->keys);
  for (int k = 0; k < HERD_SL_KIND_LAST; k++)
    g_ptr_array_unref (l->by_kind[k]);
  g_hash_table_unref (l->by_label);
  g_ptr_array_unref (l->groups);
  g_free (l->error_message);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/* Keeps message as the error to report if it comes before every error
 * seen so far (line G_MAXUINT: a file-level error). */
static void
herd_sl_record (HerdSlLoader *l, guint line, HerdScenarioError code,
                char *message)
{
  if (l->error_message != NULL && line >= l->error_line)
    {
      g_free (message);
      return;
    }
  g_free (l->error_message);
  l->error_message = message;
  l->error_line = line;
  l->error_code = code;
}

static gboolean
herd_sl_failed (HerdSlLoader *l)
{
  return l->error_message != NULL;
}

static guint
herd_sl_key_line (HerdSlGroup *g, const char *key)
{
  gpointer line = g_hash_table_lookup (g->key_lines, key);
  return line != NULL ? GPOINTER_TO_UINT (line) : g->line;
}

/* "FILE:LINE: MESSAGE", for lines outside any group. */
static void G_GNUC_PRINTF (3, 4)
herd_sl_fail_line (HerdSlLoader *l, guint line, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  herd_sl_record (l, line, HERD_SCENARIO_ERROR_READ,
                  g_strdup_printf ("%s:%u: %s", l->path, line, what));
}

/* "FILE:LINE: [GROUP]: MESSAGE" at the group's header. */
static void G_GNUC_PRINTF (3, 4)
herd_sl_fail_group (HerdSlLoader *l, HerdSlGroup *g, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g->ok = FALSE;
  herd_sl_record (l, g->line, HERD_SCENARIO_ERROR_INVALID,
                  g_strdup_printf ("%s:%u: [%s]: %s", l->path, g->line,
                                   g->label, what));
}

/* "FILE:LINE: [GROUP] KEY: MESSAGE" at the key's line. */
static void G_GNUC_PRINTF (4, 5)
herd_sl_fail_key (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                  const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  guint line = herd_sl_key_line (g, key);
  g->ok = FALSE;
  herd_sl_record (l, line, HERD_SCENARIO_ERROR_INVALID,
                  g_strdup_printf ("%s:%u: [%s] %s: %s", l->path, line,
                                   g->label, key, what));
}

/* "... KEY: expected EXPECTED, got "VALUE"". */
static void
herd_sl_fail_expected (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       const char *expected, const char *value)
{
  g_autofree char *quoted = g_strescape (value, NULL);
  herd_sl_fail_key (l, g, key, "expected %s, got \"%s\"", expected, quoted);
}

/* "a, b or c" from the n names (n >= 1). */
static char *
herd_sl_join_or (const char *const *names, gsize n)
{
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == n ? " or " : ", ");
      g_string_append (out, names[i]);
    }
  return g_string_free (out, FALSE);
}

/* "a, b, c" of the names of the groups of a kind (at most
 * HERD_SL_MAX_LISTED, then "..."), or "none". */
static char *
herd_sl_list_names (HerdSlLoader *l, HerdSlKind kind)
{
  GPtrArray *groups = l->by_kind[kind];
  if (groups->len == 0)
    return g_strdup ("none");
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < groups->len; i++)
    {
      if (i == HERD_SL_MAX_LISTED)
        {
          g_string_append (out, ", ...");
          break;
        }
      HerdSlGroup *g = g_ptr_array_index (groups, i);
      g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", g->name);
    }
  return g_string_free (out, FALSE);
}

/* A size in MiB as the largest binary unit that writes it exactly. */
static char *
herd_sl_format_size (gint64 mib)
{
  if (mib != 0 && mib % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "T", mib / (1024 * 1024));
  if (mib != 0 && mib % 1024 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "G", mib / 1024);
  return g_strdup_printf ("%" G_GINT64_FORMAT "M", mib);
}

/* ------------------------------------------------------------------ */
/* Phase 1: lines                                                      */

/* Letters, digits, '-', '_' and '.', starting with a letter or digit. */
static gboolean
herd_sl_is_name (const char *text)
{
  if (!g_ascii_isalnum (*text))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

/* Cuts text (in place) at the first ';' or '#' that follows whitespace
 * and returns it stripped. */
static char *
herd_sl_strip_comment (char *text)
{
  for (char *p = text; *p != '\0'; p++)
    if ((*p == ';' || *p == '#') && p > text
        && (p[-1] == ' ' || p[-1] == '\t'))
      {
        *p = '\0';
        break;
      }
  return g_strstrip (text);
}

static HerdSlKind
herd_sl_kind_from_string (const char *text)
{
  for (int k = 0; k < HERD_SL_KIND_LAST; k++)
    if (strcmp (herd_sl_kinds[k].name, text) == 0)
      return (HerdSlKind) k;
  return HERD_SL_KIND_LAST;
}

/* Reads a "[...]" line; returns the new group or NULL after an error. */
static HerdSlGroup *
herd_sl_scan_header (HerdSlLoader *l, guint line, char *s)
{
  g_autofree char *quoted = g_strescape (s, NULL);
  char *close = strchr (s, ']');
  if (close == NULL)
    {
      herd_sl_fail_line (l, line,
                         "expected a group header such as [hosts h], "
                         "got \"%s\" (no closing \"]\")", quoted);
      return NULL;
    }
  char *rest = close + 1;
  if (*rest != '\0'
      && (!g_ascii_isspace (*rest)
          || (*herd_sl_strip_comment (rest) != '\0')))
    {
      herd_sl_fail_line (l, line,
                         "expected a group header such as [hosts h], "
                         "got \"%s\" (text after \"]\")", quoted);
      return NULL;
    }
  *close = '\0';
  g_auto (GStrv) words = g_strsplit_set (s + 1, " \t", -1);
  const char *word[3] = { NULL, NULL, NULL };
  guint n = 0;
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        if (n < 3)
          word[n] = words[i];
        n++;
      }
  if (n == 0 || n > 2)
    {
      herd_sl_fail_line (l, line,
                         "expected a group header such as [hosts h] or "
                         "[scenario], got \"%s\"", quoted);
      return NULL;
    }

  HerdSlKind kind = herd_sl_kind_from_string (word[0]);
  g_autofree char *label = n == 1 ? g_strdup (word[0])
                                  : g_strdup_printf ("%s %s", word[0],
                                                     word[1]);
  if (kind == HERD_SL_KIND_LAST)
    {
      const char *names[HERD_SL_KIND_LAST];
      for (int k = 0; k < HERD_SL_KIND_LAST; k++)
        names[k] = herd_sl_kinds[k].name;
      g_autofree char *known = herd_sl_join_or (names, HERD_SL_KIND_LAST);
      g_autofree char *qkind = g_strescape (word[0], NULL);
      herd_sl_fail_line (l, line,
                         "[%s]: expected a group kind of %s, got \"%s\"",
                         label, known, qkind);
      return NULL;
    }
  if (!herd_sl_kinds[kind].named && n == 2)
    {
      herd_sl_fail_line (l, line,
                         "[%s]: expected [%s] with no name, got \"%s\"",
                         label, word[0], quoted);
      return NULL;
    }
  if (kind == HERD_SL_FAULTS && (n == 1 || strcmp (word[1], "random") != 0))
    {
      herd_sl_fail_line (l, line, "[%s]: expected [faults random], got \"%s\"",
                         label, quoted);
      return NULL;
    }
  if (herd_sl_kinds[kind].named && n == 1)
    {
      herd_sl_fail_line (l, line,
                         "[%s]: expected a name after the kind, as in "
                         "[%s NAME], got \"%s\"",
                         label, word[0], quoted);
      return NULL;
    }
  if (n == 2 && !herd_sl_is_name (word[1]))
    {
      g_autofree char *qname = g_strescape (word[1], NULL);
      herd_sl_fail_line (l, line,
                         "[%s]: expected a name of letters, digits, '-', '_' "
                         "and '.', got \"%s\"", label, qname);
      return NULL;
    }
  HerdSlGroup *first = g_hash_table_lookup (l->by_label, label);
  if (first != NULL)
    {
      herd_sl_fail_line (l, line,
                         "[%s]: duplicate group (first defined at line %u)",
                         label, first->line);
      return NULL;
    }

  HerdSlGroup *g = g_new0 (HerdSlGroup, 1);
  g->kind = kind;
  g->name = n == 2 ? g_strdup (word[1]) : NULL;
  g->label = g_steal_pointer (&label);
  g->line = line;
  g->index = l->by_kind[kind]->len;
  g->key_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        NULL);
  g->ok = TRUE;
  g->ref = HERD_ID_NONE;
  g_ptr_array_add (l->groups, g);
  g_ptr_array_add (l->by_kind[kind], g);
  g_hash_table_insert (l->by_label, g->label, g);
  return g;
}

/* Phase 1: checks every line and writes the cleaned lines to clean.
 * Stops at the first problem. */
static gboolean
herd_sl_scan (HerdSlLoader *l, const char *text, GString *clean)
{
  const char *bad;
  if (!g_utf8_validate (text, -1, &bad))
    {
      guint line = 1;
      for (const char *p = text; p < bad; p++)
        line += *p == '\n';
      herd_sl_fail_line (l, line, "expected UTF-8 text, got invalid bytes");
      return FALSE;
    }

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  HerdSlGroup *group = NULL;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint line = i + 1;
      char *s = g_strstrip (lines[i]); /* also drops a '\r' */
      if (*s == '\0' || *s == '#' || *s == ';')
        continue;
      if (*s == '[')
        {
          group = herd_sl_scan_header (l, line, s);
          if (group == NULL)
            return FALSE;
          g_string_append_printf (clean, "[%s]\n", group->label);
          continue;
        }

      g_autofree char *quoted = g_strescape (s, NULL);
      char *eq = strchr (s, '=');
      if (eq == NULL)
        {
          g_autofree char *where = group != NULL
                                       ? g_strdup_printf ("[%s]: ",
                                                          group->label)
                                       : g_strdup ("");
          herd_sl_fail_line (l, line,
                             "%sexpected KEY = VALUE or a [group] header, "
                             "got \"%s\"", where, quoted);
          return FALSE;
        }
      *eq = '\0';
      char *key = g_strstrip (s);
      char *value = herd_sl_strip_comment (eq + 1);
      if (!herd_sl_is_name (key))
        {
          g_autofree char *qkey = g_strescape (key, NULL);
          herd_sl_fail_line (l, line,
                             "expected a key of letters, digits, '-', '_' "
                             "and '.' before \"=\", got \"%s\"", qkey);
          return FALSE;
        }
      if (group == NULL)
        {
          herd_sl_fail_line (l, line,
                             "expected a [group] header before the first "
                             "key, got \"%s\"", quoted);
          return FALSE;
        }
      gpointer first = g_hash_table_lookup (group->key_lines, key);
      if (first != NULL)
        {
          herd_sl_fail_line (l, line,
                             "[%s] %s: duplicate key (first set at line %u)",
                             group->label, key, GPOINTER_TO_UINT (first));
          return FALSE;
        }
      g_hash_table_insert (group->key_lines, g_strdup (key),
                           GUINT_TO_POINTER (line));
      g_string_append_printf (clean, "%s=%s\n", key, value);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Phase 2: structure                                                  */

static gboolean
herd_sl_in_list (const char *const *list, const char *text)
{
  for (gsize i = 0; list[i] != NULL; i++)
    if (strcmp (list[i], text) == 0)
      return TRUE;
  return FALSE;
}

static const HerdParamInfo *
herd_sl_find_param (const HerdParamInfo *table, const char *name)
{
  for (const HerdParamInfo *info = table; info->name != NULL; info++)
    if (strcmp (info->name, name) == 0)
      return info;
  return NULL;
}

/* "a, b, c" of the keys a group kind takes. */
static char *
herd_sl_known_keys (HerdSlKind kind)
{
  GString *out = g_string_new (NULL);
  for (const char *const *k = herd_sl_kinds[kind].keys; *k != NULL; k++)
    g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", *k);
  if (kind == HERD_SL_DEFAULTS)
    for (const HerdParamInfo *p = herd_params_table (); p->name != NULL; p++)
      g_string_append_printf (out, ", %s", p->name);
  if (kind == HERD_SL_CLUSTER)
    g_string_append (out, ", policy.NAME");
  if (out->len == 0)
    g_string_append (out, "no keys");
  return g_string_free (out, FALSE);
}

static char *
herd_sl_policy_param_names (void)
{
  GString *out = g_string_new (NULL);
  for (const HerdParamInfo *p = herd_policy_params_table (); p->name != NULL;
       p++)
    g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", p->name);
  return g_string_free (out, FALSE);
}

static void
herd_sl_check_keys (HerdSlLoader *l, HerdSlGroup *g)
{
  for (const char *const *k = herd_sl_kinds[g->kind].required; *k != NULL;
       k++)
    if (!g_key_file_has_key (l->keys, g->label, *k, NULL))
      {
        herd_sl_fail_group (l, g, "missing key \"%s\"", *k);
        return;
      }
  if (g->kind == HERD_SL_AFFINITY
      && !g_key_file_has_key (l->keys, g->label, "vms", NULL)
      && !g_key_file_has_key (l->keys, g->label, "vm_labels", NULL))
    {
      herd_sl_fail_group (l, g, "missing key \"vms\" or \"vm_labels\"");
      return;
    }
  if (g->kind == HERD_SL_FAULT
      && !g_key_file_has_key (l->keys, g->label, "target", NULL))
    {
      g_autofree char *kind = g_key_file_get_value (l->keys, g->label, "kind",
                                                    NULL);
      if (g_strcmp0 (kind, herd_sl_fault_names[HERD_FAULT_MANAGER_RESTART])
          != 0)
        {
          herd_sl_fail_group (l, g,
                              "missing key \"target\" (every kind but "
                              "manager_restart takes one)");
          return;
        }
    }

  g_auto (GStrv) keys = g_key_file_get_keys (l->keys, g->label, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *key = keys[i];
      if (herd_sl_in_list (herd_sl_kinds[g->kind].keys, key))
        continue;
      if (g->kind == HERD_SL_DEFAULTS
          && herd_sl_find_param (herd_params_table (), key) != NULL)
        continue;
      if (g->kind == HERD_SL_CLUSTER && g_str_has_prefix (key, "policy."))
        {
          const char *param = key + strlen ("policy.");
          if (herd_sl_find_param (herd_policy_params_table (), param)
              != NULL)
            continue;
          g_autofree char *known = herd_sl_policy_param_names ();
          herd_sl_fail_key (l, g, key,
                            "unknown policy parameter \"%s\" (known: %s)",
                            param, known);
          return;
        }
      g_autofree char *known = herd_sl_known_keys (g->kind);
      herd_sl_fail_key (l, g, key, "unknown key (a [%s] group takes %s)",
                        herd_sl_kinds[g->kind].name, known);
      return;
    }
}

static gboolean
herd_sl_check_structure (HerdSlLoader *l)
{
  for (guint i = 0; i < l->groups->len; i++)
    herd_sl_check_keys (l, g_ptr_array_index (l->groups, i));
  if (herd_sl_failed (l))
    return FALSE;
  if (l->by_kind[HERD_SL_DATACENTER]->len == 0)
    herd_sl_record (l, G_MAXUINT, HERD_SCENARIO_ERROR_INVALID,
                    g_strdup_printf ("%s: no [datacenter NAME] group: at "
                                     "least one datacenter is required",
                                     l->path));
  else if (l->by_kind[HERD_SL_CLUSTER]->len == 0)
    herd_sl_record (l, G_MAXUINT, HERD_SCENARIO_ERROR_INVALID,
                    g_strdup_printf ("%s: no [cluster NAME] group: at least "
                                     "one cluster is required",
                                     l->path));
  return !herd_sl_failed (l);
}

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

/* The value of key in g (newly allocated), or NULL when it is absent. */
static char *
herd_sl_value (HerdSlLoader *l, HerdSlGroup *g, const char *key)
{
  return g_key_file_get_value (l->keys, g->label, key, NULL);
}

/* The readers below leave dflt in *out when the key is absent and report
 * (returning FALSE, with dflt in *out) when its value is bad. */

/* Reports local (a core/units.h error, which says what was expected and
 * what was given) against key. */
static gboolean
herd_sl_fail_units (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    GError *local)
{
  herd_sl_fail_key (l, g, key, "%s", local->message);
  return FALSE;
}

static gboolean
herd_sl_read_size (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                   gint64 dflt, gboolean positive, gint64 *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  gint64 v;
  if (!herd_units_parse_size_mib (value, &v, &local))
    return herd_sl_fail_units (l, g, key, local);
  if (positive && v <= 0)
    {
      herd_sl_fail_expected (l, g, key,
                             "a size more than 0 such as 16G, 512M or 2T",
                             value);
      return FALSE;
    }
  if (v > HERD_SL_MAX_SIZE_MIB)
    {
      herd_sl_fail_expected (l, g, key,
                             "a size of at most " HERD_SL_MAX_SIZE_TEXT,
                             value);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
herd_sl_read_duration (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       HerdTime dflt, gboolean positive, HerdTime *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  HerdTime v;
  if (!herd_units_parse_duration (value, &v, &local))
    return herd_sl_fail_units (l, g, key, local);
  if (positive && v <= 0)
    {
      herd_sl_fail_expected (l, g, key,
                             "a duration more than 0 such as 90s, 5m or 7d",
                             value);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
herd_sl_read_rate (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                   const char *dflt, gboolean positive, gint64 *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  if (!herd_units_parse_rate (dflt, out, NULL))
    g_assert_not_reached ();
  if (value == NULL)
    return TRUE;
  gint64 v;
  if (!herd_units_parse_rate (value, &v, &local))
    return herd_sl_fail_units (l, g, key, local);
  if (positive && v <= 0)
    {
      herd_sl_fail_expected (l, g, key,
                             "a rate more than 0 such as 52MiB/s or 10Gbit",
                             value);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
herd_sl_read_integer (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      gint64 min, gint64 max, gint64 dflt, gint64 *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_integer (value, min, max, out, &local))
    {
      *out = dflt;
      return herd_sl_fail_units (l, g, key, local);
    }
  return TRUE;
}

static gboolean
herd_sl_read_boolean (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      gboolean dflt, gboolean *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_boolean (value, out, &local))
    {
      *out = dflt;
      return herd_sl_fail_units (l, g, key, local);
    }
  return TRUE;
}

static gboolean
herd_sl_read_power (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    double dflt, double *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_power (value, out, &local))
    {
      *out = dflt;
      return herd_sl_fail_units (l, g, key, local);
    }
  return TRUE;
}

/* A percentage in 0..100. */
static gboolean
herd_sl_read_percent (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      double dflt, double *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = dflt;
  if (value == NULL)
    return TRUE;
  if (!herd_units_parse_percent (value, 0, 100, out, &local))
    return herd_sl_fail_units (l, g, key, local);
  return TRUE;
}

/* A percentage in 0..100, as a fraction in 0..1. */
static gboolean
herd_sl_read_fraction (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       double dflt, double *out)
{
  double percent;
  *out = dflt;
  if (!herd_sl_read_percent (l, g, key, -1, &percent))
    return FALSE;
  if (percent >= 0)
    *out = percent / 100;
  return TRUE;
}

/* One of the n names; *out is its index. */
static gboolean
herd_sl_read_choice (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                     const char *const *names, gsize n, int dflt, int *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  *out = dflt;
  if (value == NULL)
    return TRUE;
  for (gsize i = 0; i < n; i++)
    if (strcmp (names[i], value) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  g_autofree char *choices = herd_sl_join_or (names, n);
  g_autofree char *expected = g_strdup_printf ("%s%s", n > 2 ? "one of " : "",
                                               choices);
  herd_sl_fail_expected (l, g, key, expected, value);
  return FALSE;
}

/* key = NAME, NAME, ... into *out, each name stripped: NULL when the key
 * is absent, an empty list when its value is empty.  what says what the
 * names are, for the message. */
static gboolean
herd_sl_read_names (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    const char *what, char ***out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  *out = NULL;
  if (value == NULL)
    return TRUE;
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      g_autofree char *why = NULL;
      if (*item == '\0')
        why = g_strdup_printf ("name %u is empty", i + 1);
      else if (!herd_sl_is_name (item))
        {
          g_autofree char *qitem = g_strescape (item, NULL);
          why = g_strdup_printf ("\"%s\" is not a name", qitem);
        }
      if (why != NULL)
        {
          g_autofree char *quoted = g_strescape (value, NULL);
          herd_sl_fail_key (l, g, key,
                            "expected a comma-separated list of %s, got "
                            "\"%s\" (%s)", what, quoted, why);
          return FALSE;
        }
    }
  *out = g_steal_pointer (&items);
  return TRUE;
}

#define HERD_SL_NETWORK_NAMES "network names such as ovirtmgmt, display"
#define HERD_SL_HOST_REFS                                                   \
  "hosts (h-3) and [hosts NAME] groups (h: all of its hosts)"
#define HERD_SL_VM_REFS                                                     \
  "VMs (web-3) and [vms NAME] groups (web: all of its VMs)"
#define HERD_SL_LABELS "labels such as gpu, ssd"

/* The profile named in g: *set says whether g names a valid one. */
static gboolean
herd_sl_read_profile (HerdSlLoader *l, HerdSlGroup *g, gboolean *set,
                      HerdProfile *out)
{
  const char *names[HERD_PROFILE_LAST];
  for (int p = 0; p < HERD_PROFILE_LAST; p++)
    names[p] = herd_profile_name ((HerdProfile) p);
  int v;
  *set = g_key_file_has_key (l->keys, g->label, "profile", NULL);
  if (!herd_sl_read_choice (l, g, "profile", names, HERD_PROFILE_LAST,
                            HERD_PROFILE_RHV_4_1, &v))
    {
      *set = FALSE;
      return FALSE;
    }
  *out = (HerdProfile) v;
  return TRUE;
}

/* [scenario] and [defaults]: the profile first, then the rest.  Absent
 * groups leave the defaults. */
static void
herd_sl_parse_globals (HerdSlLoader *l)
{
  HerdScenario *scenario = l->scenario;
  GPtrArray *sg = l->by_kind[HERD_SL_SCENARIO];
  GPtrArray *dg = l->by_kind[HERD_SL_DEFAULTS];
  HerdSlGroup *sgroup = sg->len > 0 ? g_ptr_array_index (sg, 0) : NULL;
  HerdSlGroup *dgroup = dg->len > 0 ? g_ptr_array_index (dg, 0) : NULL;

  /* The profile: [scenario] and [defaults] must agree. */
  HerdProfile sprofile = HERD_PROFILE_RHV_4_1, dprofile = HERD_PROFILE_RHV_4_1;
  gboolean sset = FALSE, dset = FALSE;
  if (sgroup != NULL)
    herd_sl_read_profile (l, sgroup, &sset, &sprofile);
  if (dgroup != NULL)
    herd_sl_read_profile (l, dgroup, &dset, &dprofile);
  scenario->profile = sset ? sprofile : dset ? dprofile : HERD_PROFILE_RHV_4_1;
  if (sset && dset && sprofile != dprofile)
    {
      guint sline = herd_sl_key_line (sgroup, "profile");
      guint dline = herd_sl_key_line (dgroup, "profile");
      HerdSlGroup *later = dline > sline ? dgroup : sgroup;
      HerdSlGroup *earlier = dline > sline ? sgroup : dgroup;
      HerdProfile want = dline > sline ? sprofile : dprofile;
      HerdProfile got = dline > sline ? dprofile : sprofile;
      herd_sl_fail_key (l, later, "profile",
                        "expected %s as set by profile in [%s] at line %u, "
                        "got \"%s\"",
                        herd_profile_name (want), earlier->label,
                        dline > sline ? sline : dline,
                        herd_profile_name (got));
    }
  herd_params_init (&scenario->model->params, scenario->profile);

  scenario->duration = HERD_SL_DEFAULT_DURATION;
  scenario->seed = HERD_SL_DEFAULT_SEED;
  scenario->sample_interval = HERD_SL_DEFAULT_SAMPLE_INTERVAL;
  scenario->stats_interval = HERD_SL_DEFAULT_STATS_INTERVAL;
  scenario->migration_setup = HERD_SL_DEFAULT_MIGRATION_SETUP;
  scenario->io_timeout = HERD_SL_DEFAULT_IO_TIMEOUT;
  if (sgroup != NULL)
    {
      g_autofree char *name = herd_sl_value (l, sgroup, "name");
      if (name != NULL && *name == '\0')
        herd_sl_fail_expected (l, sgroup, "name", "a name for the scenario",
                               name);
      else if (name != NULL)
        {
          g_free (scenario->name);
          scenario->name = g_steal_pointer (&name);
        }
      gint64 seed;
      herd_sl_read_duration (l, sgroup, "duration", HERD_SL_DEFAULT_DURATION,
                             TRUE, &scenario->duration);
      herd_sl_read_integer (l, sgroup, "seed", 0, G_MAXINT64,
                            HERD_SL_DEFAULT_SEED, &seed);
      scenario->seed = (guint64) seed;
      herd_sl_read_duration (l, sgroup, "sample_interval",
                             HERD_SL_DEFAULT_SAMPLE_INTERVAL, TRUE,
                             &scenario->sample_interval);
      herd_sl_read_duration (l, sgroup, "stats_interval",
                             HERD_SL_DEFAULT_STATS_INTERVAL, TRUE,
                             &scenario->stats_interval);
      herd_sl_read_duration (l, sgroup, "migration_setup",
                             HERD_SL_DEFAULT_MIGRATION_SETUP, FALSE,
                             &scenario->migration_setup);
      herd_sl_read_duration (l, sgroup, "io_timeout",
                             HERD_SL_DEFAULT_IO_TIMEOUT, TRUE,
                             &scenario->io_timeout);
    }

  /* [defaults] parameters, in file order, over the profile's values. */
  l->params_ok = TRUE;
  if (dgroup == NULL)
    return;
  g_auto (GStrv) keys = g_key_file_get_keys (l->keys, dgroup->label, NULL,
                                             NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      if (strcmp (keys[i], "profile") == 0)
        continue;
      g_autofree char *value = herd_sl_value (l, dgroup, keys[i]);
      g_autoptr (GError) local = NULL;
      if (!herd_params_set (&scenario->model->params, keys[i], value,
                            &local))
        {
          herd_sl_fail_key (l, dgroup, keys[i], "%s", local->message);
          l->params_ok = FALSE;
        }
    }
}

static void
herd_sl_parse_cluster (HerdSlLoader *l, HerdSlGroup *g)
{
  int v;
  const char *policies[HERD_POLICY_LAST];
  for (int p = 0; p < HERD_POLICY_LAST; p++)
    policies[p] = herd_policy_name ((HerdPolicyKind) p);
  herd_sl_read_choice (l, g, "policy", policies, HERD_POLICY_LAST,
                       HERD_POLICY_NONE, &v);
  g->policy = (HerdPolicyKind) v;

  herd_policy_params_init (&g->policy_params, l->scenario->profile);
  g_auto (GStrv) keys = g_key_file_get_keys (l->keys, g->label, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      if (!g_str_has_prefix (keys[i], "policy."))
        continue;
      g_autofree char *value = herd_sl_value (l, g, keys[i]);
      g_autoptr (GError) local = NULL;
      if (!herd_policy_params_set (&g->policy_params,
                                   keys[i] + strlen ("policy."), value,
                                   &local))
        herd_sl_fail_key (l, g, keys[i], "%s", local->message);
    }

  g->overcommit = HERD_SL_DEFAULT_OVERCOMMIT;
  g_autofree char *overcommit = herd_sl_value (l, g, "memory_overcommit");
  if (overcommit != NULL)
    {
      double percent;
      if (herd_units_parse_percent (overcommit, 1, 1000, &percent, NULL)
          && percent == floor (percent))
        g->overcommit = (guint) percent;
      else
        herd_sl_fail_expected (l, g, "memory_overcommit",
                               "a whole percentage between 1 and 1000 such "
                               "as 150 or 150%",
                               overcommit);
    }

  const char *migration[HERD_MIGRATION_POLICY_LAST];
  for (int p = 0; p < HERD_MIGRATION_POLICY_LAST; p++)
    migration[p] = herd_migration_policy_name ((HerdMigrationPolicy) p);
  herd_sl_read_choice (l, g, "migration_policy", migration,
                       HERD_MIGRATION_POLICY_LAST, HERD_MIGRATION_LEGACY, &v);
  g->migration_policy = (HerdMigrationPolicy) v;
  herd_sl_read_rate (l, g, "migration_bandwidth",
                     HERD_SL_DEFAULT_MIGRATION_BANDWIDTH, TRUE,
                     &g->migration_bandwidth);
  herd_sl_read_boolean (l, g, "ha_reservation", FALSE, &g->ha_reservation);
  herd_sl_read_boolean (l, g, "fencing", TRUE, &g->fencing);
  herd_sl_read_boolean (l, g, "fencing_skip_if_lease_live", FALSE,
                        &g->skip_if_lease_live);
  herd_sl_read_boolean (l, g, "fencing_skip_if_connectivity_broken", FALSE,
                        &g->skip_if_connectivity_broken);
  herd_sl_read_fraction (l, g, "fencing_connectivity_threshold",
                         HERD_SL_DEFAULT_CONNECTIVITY_THRESHOLD,
                         &g->connectivity_threshold);
}

#define HERD_SL_FENCE_AGENTS                                                \
  "fence agent kinds such as ipmilan, ilo4 (or none alone)"

/* fence_agent = KIND, ... (or none: no power management) into
 * g->fence_agents, and the keys that say how the agents act, which need
 * an agent. */
static void
herd_sl_parse_fencing (HerdSlLoader *l, HerdSlGroup *g)
{
  static const char *const agent_keys[] = { "fence_concurrent",
                                            "fence_latency", "fence_failure",
                                            NULL };
  herd_sl_read_boolean (l, g, "fence_concurrent", FALSE,
                        &g->fence_concurrent);
  herd_sl_read_duration (l, g, "fence_latency", HERD_SL_DEFAULT_FENCE_LATENCY,
                         FALSE, &g->fence_latency);
  herd_sl_read_fraction (l, g, "fence_failure", 0, &g->fence_failure);

  g_auto (GStrv) agents = NULL;
  if (!herd_sl_read_names (l, g, "fence_agent", HERD_SL_FENCE_AGENTS,
                           &agents))
    return;
  g_autofree char *value = herd_sl_value (l, g, "fence_agent");
  if (agents != NULL && agents[0] == NULL)
    {
      herd_sl_fail_expected (l, g, "fence_agent",
                             "a comma-separated list of " HERD_SL_FENCE_AGENTS,
                             value);
      return;
    }
  gboolean none = agents == NULL || herd_sl_in_list ((const char *const *)
                                                     agents, "none");
  if (none && agents != NULL && agents[1] != NULL)
    {
      herd_sl_fail_expected (l, g, "fence_agent",
                             "none alone (no power management) or a list of "
                             "fence agent kinds without none",
                             value);
      return;
    }
  if (!none)
    {
      g->fence_agents = g_steal_pointer (&agents);
      return;
    }
  g->fence_agents = g_new0 (char *, 1);
  for (const char *const *k = agent_keys; *k != NULL; k++)
    {
      g_autofree char *given = herd_sl_value (l, g, *k);
      if (given == NULL)
        continue;
      g_autofree char *expected = g_strdup_printf (
          "no %s with fence_agent = none (it says how the agents act, and "
          "the hosts have none)",
          *k);
      herd_sl_fail_expected (l, g, *k, expected, given);
    }
}

static void
herd_sl_parse_hosts (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_integer (l, g, "count", 1, HERD_SL_MAX_HOSTS_PER_GROUP, 1,
                        &g->count);
  gboolean cores_ok = herd_sl_read_integer (l, g, "cores", 1,
                                            HERD_SL_MAX_CORES, 1, &g->cores);
  if (herd_sl_read_integer (l, g, "threads", 1, HERD_SL_MAX_THREADS, -1,
                            &g->threads)
      && cores_ok)
    {
      if (g->threads == -1)
        g->threads = g->cores;
      else if (g->threads < g->cores)
        {
          g_autofree char *value = herd_sl_value (l, g, "threads");
          g_autofree char *expected = g_strdup_printf (
              "at least as many threads as cores (%" G_GINT64_FORMAT ")",
              g->cores);
          herd_sl_fail_expected (l, g, "threads", expected, value);
        }
    }
  herd_sl_read_size (l, g, "memory", 0, TRUE, &g->memory_mib);
  herd_sl_read_size (l, g, "swap", 0, FALSE, &g->swap_mib);
  /* -1: the [defaults] HostReservedMemory, filled in when building. */
  herd_sl_read_size (l, g, "reserved_memory", -1, FALSE, &g->reserved_mib);
  herd_sl_read_rate (l, g, "nic", HERD_SL_DEFAULT_NIC, TRUE, &g->nic);
  herd_sl_read_integer (l, g, "spm_priority", -1, 10,
                        HERD_SL_DEFAULT_SPM_PRIORITY, &g->spm_priority);
  gboolean idle_ok = herd_sl_read_power (l, g, "power_idle", 0,
                                         &g->power_idle_w);
  if (herd_sl_read_power (l, g, "power_max", -1, &g->power_max_w) && idle_ok)
    {
      if (g->power_max_w < 0)
        g->power_max_w = g->power_idle_w;
      else if (g->power_max_w < g->power_idle_w)
        {
          g_autofree char *value = herd_sl_value (l, g, "power_max");
          g_autofree char *idle = herd_sl_value (l, g, "power_idle");
          g_autofree char *expected = g_strdup_printf (
              "a power of at least power_idle (%s)", idle);
          herd_sl_fail_expected (l, g, "power_max", expected, value);
        }
    }
  herd_sl_read_duration (l, g, "boot_time", HERD_SL_DEFAULT_HOST_BOOT, FALSE,
                         &g->boot_time);
  herd_sl_parse_fencing (l, g);
  herd_sl_read_names (l, g, "networks", HERD_SL_NETWORK_NAMES,
                      &g->network_names);
  herd_sl_read_percent (l, g, "cpu_load", 0, &g->cpu_load);
  if (herd_sl_read_size (l, g, "committed_memory", 0, FALSE,
                         &g->committed_mib)
      && g->ok && g->committed_mib > g->memory_mib + g->swap_mib)
    {
      g_autofree char *value = herd_sl_value (l, g, "committed_memory");
      g_autofree char *most = herd_sl_format_size (g->memory_mib
                                                   + g->swap_mib);
      g_autofree char *expected = g_strdup_printf (
          "a size of at most memory + swap (%s)", most);
      herd_sl_fail_expected (l, g, "committed_memory", expected, value);
    }
  herd_sl_read_duration (l, g, "cpu_threshold_for", 0, TRUE,
                         &g->threshold_for);
  herd_sl_read_names (l, g, "labels", HERD_SL_LABELS, &g->labels);
}

/* [manager]: what herd run needs besides the cluster (kept as given;
 * durations checked here). */
static void
herd_sl_parse_manager (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdRunSettings *run = &l->scenario->run;
  run->database = herd_sl_value (l, g, "database");
  run->socket = herd_sl_value (l, g, "socket");
  run->log = herd_sl_value (l, g, "log");
  run->domain_type = herd_sl_value (l, g, "domain_type");
  if (run->domain_type != NULL && strcmp (run->domain_type, "kvm") != 0
      && strcmp (run->domain_type, "qemu") != 0)
    herd_sl_fail_expected (l, g, "domain_type", "kvm or qemu",
                           run->domain_type);
  herd_sl_read_duration (l, g, "reconnect_interval", HERD_SEC (2), TRUE,
                         &run->reconnect_interval);
  herd_sl_read_duration (l, g, "job_poll_interval", HERD_MSEC (500), TRUE,
                         &run->job_poll_interval);
}

static void
herd_sl_parse_storage (HerdSlLoader *l, HerdSlGroup *g)
{
  int v;
  const char *types[HERD_STORAGE_TYPE_LAST];
  for (int t = 0; t < HERD_STORAGE_TYPE_LAST; t++)
    types[t] = herd_storage_type_name ((HerdStorageType) t);
  herd_sl_read_choice (l, g, "type", types, HERD_STORAGE_TYPE_LAST, 0, &v);
  g->storage_type = (HerdStorageType) v;
  gboolean role_ok = herd_sl_read_choice (l, g, "role", herd_sl_role_names,
                                          HERD_DOMAIN_ROLE_LAST,
                                          HERD_DOMAIN_DATA, &v);
  g->role = (HerdDomainRole) v;
  herd_sl_read_size (l, g, "capacity", 0, TRUE, &g->capacity_mib);
  herd_sl_read_fraction (l, g, "warning_low_space", 0.10, &g->warning_free);
  herd_sl_read_fraction (l, g, "critical_space", 0.05, &g->critical_free);
  if (herd_sl_read_boolean (l, g, "master", FALSE, &g->master) && role_ok
      && g->master && g->role != HERD_DOMAIN_DATA)
    {
      g_autofree char *value = herd_sl_value (l, g, "master");
      g_autofree char *expected = g_strdup_printf (
          "false for an %s domain (only a data domain can be master)",
          herd_sl_role_names[g->role]);
      herd_sl_fail_expected (l, g, "master", expected, value);
    }
}

static void
herd_sl_parse_network (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_boolean (l, g, "required", TRUE, &g->required);
  herd_sl_read_boolean (l, g, "vm_network", TRUE, &g->vm_network);
}

#define HERD_SL_DISK_FORMS                                                  \
  "a comma-separated list of SIZE [thin|preallocated] [raw|qcow2] [DOMAIN] " \
  "such as 100G thin, 20G preallocated sd1"

/* disk = SIZE [thin|preallocated] [raw|qcow2] [DOMAIN], ... into
 * g->disks. */
static void
herd_sl_parse_disks (HerdSlLoader *l, HerdSlGroup *g)
{
  g->disks = g_array_new (FALSE, TRUE, sizeof (HerdSlDisk));
  g_array_set_clear_func (g->disks, herd_sl_disk_clear);
  g_autofree char *value = herd_sl_value (l, g, "disk");
  if (value == NULL || *value == '\0')
    return;
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit_set (g_strstrip (items[i]), " \t",
                                             -1);
      const char *word[4] = { NULL, NULL, NULL, NULL };
      guint n = 0;
      for (guint w = 0; words[w] != NULL; w++)
        if (*words[w] != '\0')
          {
            if (n < 4)
              word[n] = words[w];
            n++;
          }
      g_autofree char *why = NULL;
      HerdSlDisk disk = { .thin = FALSE, .domain_id = HERD_ID_NONE };
      g_autoptr (GError) local = NULL;
      if (n == 0)
        why = g_strdup_printf ("disk %u is empty", i + 1);
      else if (n > 4)
        why = g_strdup_printf ("disk %u has more than four words", i + 1);
      else if (!herd_units_parse_size_mib (word[0], &disk.size_mib, &local))
        why = g_strdup_printf ("disk %u: %s", i + 1, local->message);
      else if (disk.size_mib <= 0)
        why = g_strdup_printf ("disk %u: its size must be more than 0",
                               i + 1);
      else if (disk.size_mib > HERD_SL_MAX_SIZE_MIB)
        why = g_strdup_printf ("disk %u: its size must be at most "
                               HERD_SL_MAX_SIZE_TEXT, i + 1);
      else
        {
          /* The allocation and format words, in either order. */
          guint next = 1;
          gboolean alloc_seen = FALSE;
          for (; next < n && next < 3; next++)
            {
              gboolean alloc = strcmp (word[next], "thin") == 0
                               || strcmp (word[next], "preallocated") == 0;
              gboolean format = strcmp (word[next], "raw") == 0
                                || strcmp (word[next], "qcow2") == 0;
              if (alloc && !alloc_seen)
                {
                  disk.thin = strcmp (word[next], "thin") == 0;
                  alloc_seen = TRUE;
                }
              else if (format && disk.format == HERD_DISK_FORMAT_DEFAULT)
                disk.format = strcmp (word[next], "raw") == 0
                                  ? HERD_DISK_RAW
                                  : HERD_DISK_QCOW2;
              else
                break;
            }
          if (n > next + 1)
            why = g_strdup_printf ("disk %u: \"%s\" is none of thin, "
                                   "preallocated, raw and qcow2, and is not "
                                   "last",
                                   i + 1, word[next]);
          else if (n == next + 1 && !herd_sl_is_name (word[next]))
            why = g_strdup_printf ("disk %u: \"%s\" is not a storage "
                                   "domain name", i + 1, word[next]);
          else if (n == next + 1)
            disk.domain = g_strdup (word[next]);
        }
      if (why != NULL)
        {
          g_autofree char *quoted = g_strescape (value, NULL);
          herd_sl_fail_key (l, g, "disk", "expected %s, got \"%s\" (%s)",
                            HERD_SL_DISK_FORMS, quoted, why);
          g_array_set_size (g->disks, 0);
          return;
        }
      g_array_append_val (g->disks, disk);
    }
}

/* [growth NAME]: VMs of one shape added every period, or a storage
 * domain's use growing by an amount every period (herd plan). */
static void
herd_sl_parse_growth (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_integer (l, g, "vms", 0, HERD_SL_MAX_VMS_PER_GROUP, 0,
                        &g->growth_vms);
  herd_sl_read_duration (l, g, "every", HERD_DAY (1), TRUE, &g->every);
  herd_sl_read_integer (l, g, "vcpus", 1, HERD_SL_MAX_CORES, 1, &g->vcpus);
  herd_sl_read_size (l, g, "memory", 0, FALSE, &g->memory_mib);
  herd_sl_read_size (l, g, "disk", 0, FALSE, &g->growth_disk_mib);
  herd_sl_read_size (l, g, "grows", 0, FALSE, &g->grows_mib);
  g->storage_name = herd_sl_value (l, g, "storage");
  gboolean vms = g->growth_vms > 0;
  gboolean storage = g->storage_name != NULL || g->grows_mib > 0;
  if (vms == storage)
    herd_sl_fail_group (l, g, "expected either vms = N (with memory, and "
                              "optionally cluster, vcpus and disk) or "
                              "storage = DOMAIN with grows = SIZE");
  else if (vms && g->memory_mib <= 0)
    herd_sl_fail_group (l, g, "missing key \"memory\" (the new VMs' "
                              "memory, such as 4G)");
  else if (storage && (g->storage_name == NULL || g->grows_mib <= 0))
    herd_sl_fail_group (l, g, "storage growth needs both storage = DOMAIN "
                              "and grows = SIZE (more than 0)");
}

/* [template NAME]: a read-only base image (its disks), holding data of
 * each disk (all of it by default). */
static void
herd_sl_parse_template (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_parse_disks (l, g);
  herd_sl_read_size (l, g, "data", -1, FALSE, &g->data_mib);
  for (guint i = 0; i < g->disks->len; i++)
    {
      HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk, i);
      if (g->data_mib > disk->size_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "data");
          g_autofree char *size = herd_sl_format_size (disk->size_mib);
          g_autofree char *expected = g_strdup_printf (
              "a size of at most disk %u's (%s)", i + 1, size);
          herd_sl_fail_expected (l, g, "data", expected, value);
          return;
        }
      disk->base_mib = g->data_mib < 0 ? disk->size_mib : g->data_mib;
    }
}

static void
herd_sl_parse_vms (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_integer (l, g, "count", 1, HERD_SL_MAX_VMS_PER_GROUP, 1,
                        &g->count);
  herd_sl_read_integer (l, g, "vcpus", 1, HERD_SL_MAX_CORES, 1, &g->vcpus);
  gboolean memory_ok = herd_sl_read_size (l, g, "memory", 0, TRUE,
                                          &g->memory_mib);
  g_autofree char *memory = herd_sl_value (l, g, "memory");

  /* Sizes bounded by memory (or memory_used) default to it. */
  if (herd_sl_read_size (l, g, "guaranteed_memory", -1, FALSE,
                         &g->guaranteed_mib)
      && memory_ok)
    {
      if (g->guaranteed_mib < 0)
        g->guaranteed_mib = g->memory_mib;
      else if (g->guaranteed_mib > g->memory_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "guaranteed_memory");
          g_autofree char *expected = g_strdup_printf (
              "a size of at most memory (%s)", memory);
          herd_sl_fail_expected (l, g, "guaranteed_memory", expected, value);
        }
    }
  gboolean used_ok = herd_sl_read_size (l, g, "memory_used", -1, FALSE,
                                        &g->memory_used_mib);
  if (used_ok && memory_ok)
    {
      if (g->memory_used_mib < 0)
        g->memory_used_mib = g->memory_mib;
      else if (g->memory_used_mib > g->memory_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "memory_used");
          g_autofree char *expected = g_strdup_printf (
              "a size of at most memory (%s)", memory);
          herd_sl_fail_expected (l, g, "memory_used", expected, value);
          used_ok = FALSE;
        }
    }
  if (herd_sl_read_size (l, g, "working_set", -1, FALSE,
                         &g->working_set_mib)
      && used_ok && memory_ok)
    {
      if (g->working_set_mib < 0)
        g->working_set_mib = g->memory_used_mib;
      else if (g->working_set_mib > g->memory_used_mib)
        {
          g_autofree char *value = herd_sl_value (l, g, "working_set");
          g_autofree char *used = herd_sl_format_size (g->memory_used_mib);
          g_autofree char *expected = g_strdup_printf (
              "a size of at most memory_used (%s)", used);
          herd_sl_fail_expected (l, g, "working_set", expected, value);
        }
    }
  herd_sl_read_rate (l, g, "dirty_rate", "0M/s", FALSE, &g->dirty_rate);
  g_autofree char *write_rate = herd_sl_value (l, g, "write_rate");
  g_autofree char *base_dir = g_path_get_dirname (l->path);
  g_autoptr (GError) rate_error = NULL;
  if (write_rate != NULL
      && !herd_rate_model_parse (write_rate, base_dir, &g->write_rate,
                                 &rate_error))
    herd_sl_fail_key (l, g, "write_rate", "%s", rate_error->message);
  herd_sl_read_fraction (l, g, "new_writes", 1.0, &g->new_writes);
  herd_sl_read_boolean (l, g, "stateless", FALSE, &g->stateless);
  herd_sl_parse_disks (l, g);
  g->template_name = herd_sl_value (l, g, "template");
  herd_sl_read_boolean (l, g, "clone", FALSE, &g->clone);
  if (g->template_name != NULL && g->disks->len > 0)
    herd_sl_fail_key (l, g, "template",
                      "a VM made from a template has the template's disks: "
                      "remove the disk key, or the template key");
  herd_sl_read_boolean (l, g, "ha", FALSE, &g->ha);

  int v;
  const char *priorities[HERD_PRIORITY_LAST];
  for (int p = 0; p < HERD_PRIORITY_LAST; p++)
    priorities[p] = herd_priority_name ((HerdPriority) p);
  herd_sl_read_choice (l, g, "priority", priorities, HERD_PRIORITY_LAST,
                       HERD_PRIORITY_LOW, &v);
  g->priority = (HerdPriority) v;

  g_autofree char *cpu = herd_sl_value (l, g, "cpu");
  g_autoptr (GError) local = NULL;
  if (cpu != NULL && g_str_has_prefix (cpu, "trace:"))
    {
      g->cpu = (HerdWorkloadSpec) { .kind = HERD_WORKLOAD_TRACE };
      g->cpu_trace = herd_trace_load (cpu, base_dir, &local);
      if (g->cpu_trace == NULL)
        herd_sl_fail_key (l, g, "cpu", "%s", local->message);
    }
  else if (!herd_workload_parse (cpu != NULL ? cpu : HERD_SL_DEFAULT_CPU,
                                 &g->cpu, &local))
    herd_sl_fail_key (l, g, "cpu", "%s", local->message);
  g_clear_error (&local);

  herd_sl_read_duration (l, g, "boot_time", HERD_SL_DEFAULT_VM_BOOT, FALSE,
                         &g->boot_time);
  g_autofree char *arrival = herd_sl_value (l, g, "arrival");
  g->arrival = (HerdDistribution) { .kind = HERD_DISTRIBUTION_FIXED };
  if (arrival != NULL
      && !herd_distribution_parse (arrival, &g->arrival, &local))
    herd_sl_fail_key (l, g, "arrival", "%s", local->message);
  g_clear_error (&local);
  g_autofree char *lifetime = herd_sl_value (l, g, "lifetime");
  if (lifetime != NULL)
    {
      if (herd_distribution_parse (lifetime, &g->lifetime, &local))
        g->has_lifetime = TRUE;
      else
        herd_sl_fail_key (l, g, "lifetime", "%s", local->message);
    }

  herd_sl_read_names (l, g, "networks", HERD_SL_NETWORK_NAMES,
                      &g->network_names);
  herd_sl_read_names (l, g, "pinned_to", HERD_SL_HOST_REFS,
                      &g->pinned_names);
  herd_sl_read_boolean (l, g, "migratable", TRUE, &g->migratable);
  herd_sl_read_names (l, g, "preferred_hosts", HERD_SL_HOST_REFS,
                      &g->preferred_names);

  herd_sl_read_boolean (l, g, "lease", FALSE, &g->lease);
  const char *resume[HERD_RESUME_LAST];
  for (int r = 0; r < HERD_RESUME_LAST; r++)
    resume[r] = herd_resume_policy_name ((HerdResumePolicy) r);
  herd_sl_read_choice (l, g, "resume", resume, HERD_RESUME_LAST,
                       HERD_RESUME_AUTO, &v);
  g->resume = (HerdResumePolicy) v;

  /* host: running there at time 0 (resolved in herd_sl_check_placed), so
   * never started: no arrival. */
  g->host = herd_sl_value (l, g, "host");
  g->host_id = HERD_ID_NONE;
  if (g->host != NULL && arrival != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no arrival with host = %s (the VMs run there from time 0)",
          g->host);
      herd_sl_fail_expected (l, g, "arrival", expected, arrival);
    }
  herd_sl_read_names (l, g, "labels", HERD_SL_LABELS, &g->labels);
}

/* A rule key (vm_rule, host_rule) and its enforcing key; enforcing is
 * only for a rule other than none. */
static gboolean
herd_sl_read_rule (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                   const char *enforcing_key, HerdAffinityRule *rule,
                   gboolean *enforcing)
{
  const char *names[HERD_AFFINITY_LAST];
  for (int r = 0; r < HERD_AFFINITY_LAST; r++)
    names[r] = herd_affinity_rule_name ((HerdAffinityRule) r);
  int v;
  gboolean ok = herd_sl_read_choice (l, g, key, names, HERD_AFFINITY_LAST,
                                     HERD_AFFINITY_NONE, &v);
  *rule = (HerdAffinityRule) v;
  if (!herd_sl_read_boolean (l, g, enforcing_key, FALSE, enforcing))
    return FALSE;
  g_autofree char *value = herd_sl_value (l, g, enforcing_key);
  if (ok && *rule == HERD_AFFINITY_NONE && value != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no %s with %s = none (it says whether that rule is hard)",
          enforcing_key, key);
      herd_sl_fail_expected (l, g, enforcing_key, expected, value);
      return FALSE;
    }
  return ok;
}

/* An affinity group's priority: a positive number, 1 by default. */
static void
herd_sl_read_priority (HerdSlLoader *l, HerdSlGroup *g)
{
  g_autofree char *value = herd_sl_value (l, g, "priority");
  g_autoptr (GError) local = NULL;
  g->affinity_priority = 1.0;
  if (value == NULL)
    return;
  if (!herd_units_parse_number (value, 0, HERD_SL_MAX_AFFINITY_PRIORITY,
                                &g->affinity_priority, &local))
    herd_sl_fail_units (l, g, "priority", local);
  else if (g->affinity_priority <= 0)
    herd_sl_fail_expected (l, g, "priority",
                           "a number more than 0 such as 1 or 2.5", value);
}

/* [affinity]: the rules here; the members resolve in
 * herd_sl_check_affinity. */
static void
herd_sl_parse_affinity (HerdSlLoader *l, HerdSlGroup *g)
{
  gboolean vm_ok = herd_sl_read_rule (l, g, "vm_rule", "vm_enforcing",
                                      &g->vm_rule, &g->vm_enforcing);
  gboolean host_ok = herd_sl_read_rule (l, g, "host_rule",
                                        "host_enforcing", &g->host_rule,
                                        &g->host_enforcing);
  herd_sl_read_priority (l, g);
  herd_sl_read_names (l, g, "vms", HERD_SL_VM_REFS, &g->vm_names);
  herd_sl_read_names (l, g, "vm_labels", HERD_SL_LABELS, &g->vm_labels);
  gboolean hosts_ok = herd_sl_read_names (l, g, "hosts", HERD_SL_HOST_REFS,
                                          &g->host_names)
                      && herd_sl_read_names (l, g, "host_labels",
                                             HERD_SL_LABELS, &g->host_labels);
  if (!vm_ok || !host_ok)
    return;
  if (g->vm_rule == HERD_AFFINITY_NONE && g->host_rule == HERD_AFFINITY_NONE)
    {
      herd_sl_fail_group (l, g,
                          "expected vm_rule or host_rule (or both) to be "
                          "positive or negative, got none for both (a group "
                          "without a rule has no effect)");
      return;
    }
  if (!hosts_ok)
    return;
  const char *host_rule = herd_affinity_rule_name (g->host_rule);
  if (g->host_rule == HERD_AFFINITY_NONE)
    {
      const char *key = g->host_names != NULL    ? "hosts"
                        : g->host_labels != NULL ? "host_labels"
                                                 : NULL;
      if (key == NULL)
        return;
      g_autofree char *value = herd_sl_value (l, g, key);
      g_autofree char *expected = g_strdup_printf (
          "no %s with host_rule = none (hosts are only for a VM-to-host rule)",
          key);
      herd_sl_fail_expected (l, g, key, expected, value);
    }
  else if (g->host_names == NULL && g->host_labels == NULL)
    herd_sl_fail_group (l, g,
                        "missing key \"hosts\" or \"host_labels\" "
                        "(required with host_rule = %s)", host_rule);
}

/* The kind key of an [action] or [fault]: one of the n supported names
 * (*out is its index), or a future one (rejected as not supported yet), or
 * anything else.  kind is a required key, so it is present. */
static gboolean
herd_sl_read_kind (HerdSlLoader *l, HerdSlGroup *g, const char *const *names,
                   gsize n, const char *const *future, int *out)
{
  g_autofree char *kind = herd_sl_value (l, g, "kind");
  *out = 0;
  for (gsize k = 0; k < n; k++)
    if (strcmp (kind, names[k]) == 0)
      {
        *out = (int) k;
        return TRUE;
      }
  if (herd_sl_in_list (future, kind))
    {
      GString *list = g_string_new (NULL);
      for (gsize k = 0; k < n; k++)
        g_string_append_printf (list, "%s%s", k > 0 ? ", " : "", names[k]);
      herd_sl_fail_key (l, g, "kind",
                        "\"%s\" is not supported yet (supported: %s)", kind,
                        list->str);
      g_string_free (list, TRUE);
      return FALSE;
    }
  gsize n_future = g_strv_length ((char **) future);
  g_autofree char *supported = herd_sl_join_or (names, n);
  if (n_future == 0)
    {
      herd_sl_fail_expected (l, g, "kind", supported, kind);
      return FALSE;
    }
  g_autofree char *later = herd_sl_join_or (future, n_future);
  g_autofree char *expected = g_strdup_printf (
      "%s (%s %s not supported yet)", supported, later,
      n_future == 1 ? "is" : "are");
  herd_sl_fail_expected (l, g, "kind", expected, kind);
  return FALSE;
}

static void
herd_sl_parse_action (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_duration (l, g, "at", 0, FALSE, &g->at);
  g->target = herd_sl_value (l, g, "target");
  g->host = herd_sl_value (l, g, "host");

  int v;
  gboolean kind_ok = herd_sl_read_kind (l, g, herd_sl_action_names,
                                        HERD_ACTION_KIND_LAST,
                                        herd_sl_future_actions, &v);
  g->action = (HerdActionKind) v;
  if (!kind_ok)
    return;

  g_autofree char *size = herd_sl_value (l, g, "size");
  gboolean grows = g->action == HERD_ACTION_ADD_LUN
                   || g->action == HERD_ACTION_GROW_STORAGE;
  if (grows)
    {
      if (size == NULL)
        herd_sl_fail_key (l, g, "kind",
                          "%s needs size = SIZE (the capacity added, such "
                          "as 1T)",
                          herd_sl_action_names[g->action]);
      else
        herd_sl_read_size (l, g, "size", 0, TRUE, &g->size_mib);
    }
  else if (size != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no size for kind = %s (size is only for add_lun and "
          "grow_storage)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "size", expected, size);
    }
  if (g->host != NULL && g->action != HERD_ACTION_MIGRATE)
    {
      g_autofree char *expected = g_strdup_printf (
          "no host for kind = %s (host is only for migrate)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "host", expected, g->host);
    }

  /* snapshot, preview_snapshot and delete_snapshot name their snapshot;
   * commit and undo act on the one in preview; memory is for snapshot. */
  g->snapshot = herd_sl_value (l, g, "snapshot");
  gboolean named = g->action == HERD_ACTION_SNAPSHOT
                   || g->action == HERD_ACTION_PREVIEW_SNAPSHOT
                   || g->action == HERD_ACTION_DELETE_SNAPSHOT;
  if (named && g->snapshot == NULL)
    herd_sl_fail_key (l, g, "kind",
                      "%s needs snapshot = NAME (the snapshot's name)",
                      herd_sl_action_names[g->action]);
  else if (!named && g->snapshot != NULL)
    {
      g_autofree char *expected = g_strdup_printf (
          "no snapshot for kind = %s (snapshot is only for snapshot, "
          "preview_snapshot and delete_snapshot)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "snapshot", expected, g->snapshot);
    }
  g_autofree char *memory = herd_sl_value (l, g, "memory");
  if (memory != NULL && g->action != HERD_ACTION_SNAPSHOT)
    {
      g_autofree char *expected = g_strdup_printf (
          "no memory for kind = %s (memory is only for snapshot)",
          herd_sl_action_names[g->action]);
      herd_sl_fail_expected (l, g, "memory", expected, memory);
    }
  else
    herd_sl_read_boolean (l, g, "memory", FALSE, &g->memory);
}

/* A fault's kind and the keys each kind takes: target (every kind but
 * manager_restart), duration (every kind but manager_restart), network
 * (nic_down, required) and host (storage_down, optional).  What they name
 * resolves in herd_sl_check_fault. */
static void
herd_sl_parse_fault (HerdSlLoader *l, HerdSlGroup *g)
{
  herd_sl_read_duration (l, g, "at", 0, FALSE, &g->at);
  herd_sl_read_duration (l, g, "duration", 0, TRUE, &g->duration);
  g->target = herd_sl_value (l, g, "target");
  g->host = herd_sl_value (l, g, "host");
  g->network = herd_sl_value (l, g, "network");

  int v;
  gboolean kind_ok = herd_sl_read_kind (l, g, herd_sl_fault_names,
                                        HERD_FAULT_KIND_LAST,
                                        herd_sl_future_faults, &v);
  g->fault = (HerdFaultKind) v;
  if (!kind_ok)
    return;

  const char *kind = herd_sl_fault_names[g->fault];
  if (g->fault == HERD_FAULT_MANAGER_RESTART)
    {
      g_autofree char *duration = herd_sl_value (l, g, "duration");
      if (g->target != NULL)
        herd_sl_fail_expected (l, g, "target",
                               "no target for kind = manager_restart (it "
                               "restarts the manager, not a host or a "
                               "storage domain)",
                               g->target);
      if (duration != NULL)
        herd_sl_fail_expected (l, g, "duration",
                               "no duration for kind = manager_restart (the "
                               "manager comes back by itself once it has "
                               "restarted)",
                               duration);
    }
  if (g->host != NULL && g->fault != HERD_FAULT_STORAGE_DOWN)
    {
      g_autofree char *expected = g_strdup_printf (
          "no host for kind = %s (host is only for storage_down)", kind);
      herd_sl_fail_expected (l, g, "host", expected, g->host);
    }
  if (g->network != NULL && g->fault != HERD_FAULT_NIC_DOWN)
    {
      g_autofree char *expected = g_strdup_printf (
          "no network for kind = %s (network is only for nic_down)", kind);
      herd_sl_fail_expected (l, g, "network", expected, g->network);
    }
  if (g->network == NULL && g->fault == HERD_FAULT_NIC_DOWN)
    herd_sl_fail_group (l, g,
                        "missing key \"network\" (required for kind = "
                        "nic_down: the network that goes down)");
}

/* A distribution of times (required), which must not always be 0: a time
 * between faults of 0 would strike again at once. */
static void
herd_sl_read_positive_distribution (HerdSlLoader *l, HerdSlGroup *g,
                                    const char *key, HerdDistribution *out)
{
  g_autofree char *value = herd_sl_value (l, g, key);
  g_autoptr (GError) local = NULL;
  *out = (HerdDistribution) { .kind = HERD_DISTRIBUTION_FIXED };
  if (!herd_distribution_parse (value, out, &local))
    {
      herd_sl_fail_key (l, g, key, "%s", local->message);
      return;
    }
  gboolean zero = (out->kind == HERD_DISTRIBUTION_FIXED && out->a == 0)
                  || (out->kind == HERD_DISTRIBUTION_UNIFORM && out->b == 0);
  if (zero)
    herd_sl_fail_expected (l, g, key,
                           "a distribution of times that are not all 0, such "
                           "as exponential(mean=30d) or 4h",
                           value);
}

/* [faults random]: the kind it draws, its distributions and the names of
 * its hosts, resolved in herd_sl_check_random_faults. */
static void
herd_sl_parse_random_faults (HerdSlLoader *l, HerdSlGroup *g)
{
  const gsize n = G_N_ELEMENTS (herd_sl_random_kinds);
  const char *names[G_N_ELEMENTS (herd_sl_random_kinds)];
  for (gsize k = 0; k < n; k++)
    names[k] = herd_sl_fault_names[herd_sl_random_kinds[k]];
  g->fault = HERD_FAULT_HOST_CRASH;
  g_autofree char *kind = herd_sl_value (l, g, "kind");
  if (kind != NULL)
    {
      gsize k = 0;
      while (k < n && strcmp (names[k], kind) != 0)
        k++;
      if (k < n)
        g->fault = herd_sl_random_kinds[k];
      else
        {
          g_autofree char *supported = herd_sl_join_or (names, n);
          gboolean other = FALSE;
          for (int f = 0; f < HERD_FAULT_KIND_LAST; f++)
            other = other || strcmp (herd_sl_fault_names[f], kind) == 0;
          g_autofree char *expected
              = other ? g_strdup_printf ("%s (random faults strike hosts and "
                                         "are repaired; schedule %s with a "
                                         "[fault NAME] group)",
                                         supported, kind)
                      : g_strdup (supported);
          herd_sl_fail_expected (l, g, "kind", expected, kind);
        }
    }
  herd_sl_read_positive_distribution (l, g, "mtbf", &g->mtbf);
  herd_sl_read_positive_distribution (l, g, "mttr", &g->mttr);
  herd_sl_read_names (l, g, "hosts", HERD_SL_HOST_REFS, &g->host_names);
}

static void
herd_sl_parse_values (HerdSlLoader *l)
{
  herd_sl_parse_globals (l);
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      switch (g->kind)
        {
        case HERD_SL_CLUSTER:
          herd_sl_parse_cluster (l, g);
          break;
        case HERD_SL_HOSTS:
          herd_sl_parse_hosts (l, g);
          break;
        case HERD_SL_STORAGE:
          herd_sl_parse_storage (l, g);
          break;
        case HERD_SL_TEMPLATE:
          herd_sl_parse_template (l, g);
          break;
        case HERD_SL_GROWTH:
          herd_sl_parse_growth (l, g);
          break;
        case HERD_SL_NETWORK:
          herd_sl_parse_network (l, g);
          break;
        case HERD_SL_VMS:
          herd_sl_parse_vms (l, g);
          break;
        case HERD_SL_AFFINITY:
          herd_sl_parse_affinity (l, g);
          break;
        case HERD_SL_ACTION:
          herd_sl_parse_action (l, g);
          break;
        case HERD_SL_FAULT:
          herd_sl_parse_fault (l, g);
          break;
        case HERD_SL_FAULTS:
          herd_sl_parse_random_faults (l, g);
          break;
        case HERD_SL_MANAGER:
          herd_sl_parse_manager (l, g);
          break;
        case HERD_SL_SCENARIO:
        case HERD_SL_DEFAULTS:
        case HERD_SL_DATACENTER:
        case HERD_SL_KIND_LAST:
          break;
        }
    }
}

/* Whether total (what, including g's) is within cap; else g fails on
 * key, detail saying how g counts. */
static gboolean
herd_sl_within_cap (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                    gint64 total, gint64 cap, const char *what,
                    const char *detail)
{
  if (total <= cap)
    return TRUE;
  herd_sl_fail_key (l, g, key,
                    "the scenario's %s come to %" G_GINT64_FORMAT
                    " with this group's%s; a scenario has at most %"
                    G_GINT64_FORMAT " %s in all",
                    what, total, detail, cap, what);
  return FALSE;
}

/* The scenario's hosts, VMs and disks in all, against the caps: the
 * group that takes a total past its cap fails on its count key (or on
 * disk when its disks do it).  FALSE when one does: nothing that costs
 * per object may run. */
static gboolean
herd_sl_check_totals (HerdSlLoader *l)
{
  gint64 hosts = 0, vms = 0, disks = 0;
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (g->kind == HERD_SL_HOSTS
          && !herd_sl_within_cap (l, g, "count", hosts += g->count,
                                  HERD_SL_MAX_HOSTS, "hosts", ""))
        return FALSE;
      if (g->kind != HERD_SL_VMS)
        continue;
      if (!herd_sl_within_cap (l, g, "count", vms += g->count,
                               HERD_SL_MAX_VMS, "VMs", ""))
        return FALSE;
      gint64 per_vm = g->disks != NULL ? g->disks->len : 0;
      if (g->template_name != NULL)
        {
          g_autofree char *label = g_strdup_printf ("template %s",
                                                    g->template_name);
          HerdSlGroup *t = g_hash_table_lookup (l->by_label, label);
          if (t != NULL && t->disks != NULL)
            per_vm += t->disks->len;
        }
      g_autofree char *detail = g_strdup_printf (
          " (%" G_GINT64_FORMAT " VMs of %" G_GINT64_FORMAT ")", g->count,
          per_vm);
      const char *key = g->template_name != NULL
                                && (g->disks == NULL || g->disks->len == 0)
                            ? "template"
                            : "disk";
      if (!herd_sl_within_cap (l, g, key, disks += per_vm * g->count,
                               HERD_SL_MAX_DISKS, "VM disks", detail))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Phase 3: references and cross-group checks                          */

/* Resolves g's key (a datacenter or cluster name) into g->ref.  The key
 * may be left out when exactly one group of that kind exists. */
static void
herd_sl_resolve (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                 HerdSlKind kind)
{
  GPtrArray *targets = l->by_kind[kind];
  const char *kind_name = herd_sl_kinds[kind].name;
  g_autofree char *value = herd_sl_value (l, g, key);
  if (value == NULL)
    {
      if (targets->len == 1)
        {
          g->ref = 0;
          return;
        }
      g_autofree char *names = herd_sl_list_names (l, kind);
      herd_sl_fail_group (l, g,
                          "missing key \"%s\" (required when there is more "
                          "than one %s: %s)",
                          key, kind_name, names);
      return;
    }
  g_autofree char *label = g_strdup_printf ("%s %s", kind_name, value);
  HerdSlGroup *target = g_hash_table_lookup (l->by_label, label);
  if (target == NULL)
    {
      g_autofree char *names = herd_sl_list_names (l, kind);
      g_autofree char *expected = g_strdup_printf (
          "the name of a %s defined by a [%s NAME] group (%s)", kind_name,
          kind_name, names);
      herd_sl_fail_expected (l, g, key, expected, value);
      return;
    }
  g->ref = target->index;
}

static HerdSlGroup *
herd_sl_group_of (HerdSlLoader *l, HerdSlKind kind, guint index)
{
  return g_ptr_array_index (l->by_kind[kind], index);
}

/* At most one master = true per datacenter (checked in file order). */
static void
herd_sl_check_masters (HerdSlLoader *l)
{
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  guint n_dc = l->by_kind[HERD_SL_DATACENTER]->len;
  g_autofree HerdSlGroup **master = g_new0 (HerdSlGroup *, n_dc);
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      if (!g->ok || !g->master)
        continue;
      if (master[g->ref] == NULL)
        {
          master[g->ref] = g;
          continue;
        }
      HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, g->ref);
      g_autofree char *expected = g_strdup_printf (
          "at most one master domain in datacenter %s (%s at line %u is "
          "master already)",
          dc->name, master[g->ref]->name,
          herd_sl_key_line (master[g->ref], "master"));
      g_autofree char *value = herd_sl_value (l, g, "master");
      herd_sl_fail_expected (l, g, "master", expected, value);
    }
}

/* The master domain of each datacenter (index among storage groups, or
 * HERD_ID_NONE): the one marked master, else the first data domain. */
static HerdId *
herd_sl_masters (HerdSlLoader *l)
{
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  guint n_dc = l->by_kind[HERD_SL_DATACENTER]->len;
  HerdId *master = g_new (HerdId, n_dc);
  for (guint d = 0; d < n_dc; d++)
    master[d] = HERD_ID_NONE;
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      if (g->ok && g->master)
        master[g->ref] = g->index;
    }
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      if (g->ok && g->role == HERD_DOMAIN_DATA
          && master[g->ref] == HERD_ID_NONE)
        master[g->ref] = g->index;
    }
  return master;
}

/* Every VM of g must fit some host of its cluster (vCPUs within cores;
 * memory plus overhead within physical memory), and the cluster must have
 * hosts.  VMs placed by host are running already, whatever their size, as
 * oVirt lets them (herd_sl_check_placed_memory checks what their host can
 * hold). */
static void
herd_sl_check_fit (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  GPtrArray *hosts = l->by_kind[HERD_SL_HOSTS];
  gint64 max_cores = 0, max_memory = 0;
  guint n = 0;
  for (guint i = 0; i < hosts->len; i++)
    {
      HerdSlGroup *h = g_ptr_array_index (hosts, i);
      if (h->ref != g->ref)
        continue;
      if (!h->ok)
        return; /* its own error is reported */
      max_cores = MAX (max_cores, h->cores);
      max_memory = MAX (max_memory, h->memory_mib);
      n++;
    }
  if (n == 0)
    {
      if (g_key_file_has_key (l->keys, g->label, "cluster", NULL))
        herd_sl_fail_key (l, g, "cluster",
                          "cluster %s has no hosts (no [hosts NAME] group "
                          "names it)", cluster->name);
      else
        herd_sl_fail_group (l, g,
                            "cluster %s has no hosts (no [hosts NAME] group "
                            "names it)", cluster->name);
      return;
    }
  if (g->host != NULL)
    return;
  if (g->vcpus > max_cores)
    herd_sl_fail_key (l, g, "vcpus",
                      "%" G_GINT64_FORMAT " is more than any host of cluster "
                      "%s has (largest: %" G_GINT64_FORMAT " cores)",
                      g->vcpus, cluster->name, max_cores);
  gint64 overhead = l->scenario->model->params.vm_memory_overhead_mib;
  if (l->params_ok && g->memory_mib + overhead > max_memory)
    {
      g_autofree char *memory = herd_sl_value (l, g, "memory");
      g_autofree char *extra = herd_sl_format_size (overhead);
      g_autofree char *largest = herd_sl_format_size (max_memory);
      herd_sl_fail_key (l, g, "memory",
                        "%s (+%s overhead) is more than any host of cluster "
                        "%s has (largest: %s)",
                        memory, extra, cluster->name, largest);
    }
}

/* A raw sparse disk needs a file domain: on block storage a thin disk is
 * qcow2 on a growing LV.  Unset formats follow oVirt's defaults: raw when
 * preallocated or on a file domain, qcow2 for thin on block. */
static void
herd_sl_check_formats (HerdSlLoader *l, HerdSlGroup *g)
{
  for (guint i = 0; i < g->disks->len; i++)
    {
      HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk, i);
      if (disk->domain_id == HERD_ID_NONE)
        continue;
      HerdSlGroup *sd = g_ptr_array_index (l->by_kind[HERD_SL_STORAGE],
                                           disk->domain_id);
      gboolean block = herd_storage_type_is_block (sd->storage_type);
      if (disk->thin && block && disk->format == HERD_DISK_RAW)
        {
          herd_sl_fail_key (l, g, "disk",
                            "disk %u: a thin raw (sparse) disk is only for "
                            "file domains; storage %s is %s, where a thin "
                            "disk is qcow2",
                            i + 1, sd->name,
                            herd_storage_type_name (sd->storage_type));
          return;
        }
      if (disk->format == HERD_DISK_FORMAT_DEFAULT)
        disk->format = disk->thin && block ? HERD_DISK_QCOW2 : HERD_DISK_RAW;
    }
}

/* Every disk's domain must be a data domain of the datacenter (of the
 * VMs' cluster, or the template's); a disk without one goes to the
 * datacenter's master. */
static void
herd_sl_check_disks (HerdSlLoader *l, HerdSlGroup *g, const HerdId *masters)
{
  guint dc_ref = g->ref;
  g_autofree char *where = g_strdup ("");
  if (g->kind == HERD_SL_VMS)
    {
      HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
      if (!cluster->ok)
        return;
      dc_ref = cluster->ref;
      g_free (where);
      where = g_strdup_printf (" of cluster %s", cluster->name);
    }
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, dc_ref);
  for (guint i = 0; i < g->disks->len; i++)
    {
      HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk, i);
      if (disk->domain == NULL)
        {
          disk->domain_id = masters[dc_ref];
          if (disk->domain_id == HERD_ID_NONE)
            {
              herd_sl_fail_key (l, g, "disk",
                                "datacenter %s%s has no data storage domain "
                                "for disk %u",
                                dc->name, where, i + 1);
              return;
            }
          continue;
        }
      g_autofree char *label = g_strdup_printf ("storage %s", disk->domain);
      HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
      if (sd != NULL && !sd->ok)
        return;
      if (sd == NULL || sd->ref != dc_ref || sd->role != HERD_DOMAIN_DATA)
        {
          GString *names = g_string_new (NULL);
          GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
          for (guint s = 0; s < storage->len; s++)
            {
              HerdSlGroup *o = g_ptr_array_index (storage, s);
              if (o->ref == dc_ref && o->role == HERD_DOMAIN_DATA)
                g_string_append_printf (names, "%s%s",
                                        names->len > 0 ? ", " : "", o->name);
            }
          if (names->len == 0)
            g_string_append (names, "none");
          g_autofree char *expected = g_strdup_printf (
              "a data storage domain of datacenter %s (%s) for disk %u",
              dc->name, names->str, i + 1);
          g_string_free (names, TRUE);
          herd_sl_fail_expected (l, g, "disk", expected, disk->domain);
          return;
        }
      disk->domain_id = sd->index;
    }
  herd_sl_check_formats (l, g);
}

/* VMs made from a template get its disks, on its domains: a thin COW
 * layer over each of its images, or (clone = true) a copy of each, as
 * the image is (preallocated or thin) and holding its data. */
static void
herd_sl_apply_template (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->template_name == NULL)
    return;
  g_autofree char *label = g_strdup_printf ("template %s",
                                            g->template_name);
  HerdSlGroup *t = g_hash_table_lookup (l->by_label, label);
  if (t == NULL)
    {
      g_autofree char *names = herd_sl_list_names (l, HERD_SL_TEMPLATE);
      g_autofree char *expected = g_strdup_printf (
          "the name of a [template] group (%s)", names);
      herd_sl_fail_expected (l, g, "template", expected, g->template_name);
      return;
    }
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  if (!t->ok || !cluster->ok)
    return;
  if (t->ref != cluster->ref)
    {
      HerdSlGroup *tdc = herd_sl_group_of (l, HERD_SL_DATACENTER, t->ref);
      HerdSlGroup *cdc = herd_sl_group_of (l, HERD_SL_DATACENTER,
                                           cluster->ref);
      herd_sl_fail_key (l, g, "template",
                        "template %s is in datacenter %s, cluster %s in "
                        "datacenter %s",
                        t->name, tdc->name, cluster->name, cdc->name);
      return;
    }
  for (guint i = 0; i < t->disks->len; i++)
    {
      const HerdSlDisk *image = &g_array_index (t->disks, HerdSlDisk, i);
      HerdSlDisk disk = {
        .size_mib = image->size_mib,
        .thin = g->clone ? image->thin : TRUE,
        .domain = g_strdup (image->domain),
        .domain_id = image->domain_id,
        .base_mib = g->clone ? image->base_mib : 0,
        /* A COW layer over the image is qcow2; a clone keeps its format. */
        .format = g->clone ? image->format : HERD_DISK_QCOW2,
      };
      g_array_append_val (g->disks, disk);
    }
}

/* A VM lease lives on a data domain of the VM's datacenter, so that
 * datacenter needs one. */
static void
herd_sl_check_lease (HerdSlLoader *l, HerdSlGroup *g, const HerdId *masters)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  if (!g->lease || !cluster->ok || masters[cluster->ref] != HERD_ID_NONE)
    return;
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, cluster->ref);
  herd_sl_fail_key (l, g, "lease",
                    "datacenter %s of cluster %s has no data storage domain "
                    "to hold the VM lease",
                    dc->name, cluster->name);
}

/* The [hosts NAME] or [vms NAME] group (kind) of which name is member
 * NAME-I, with I in 1..count, or NULL.  *skip says that the group exists
 * but its own values failed, so that no error should be added. */
static HerdSlGroup *
herd_sl_find_member (HerdSlLoader *l, HerdSlKind kind, const char *name,
                     gboolean *skip)
{
  const char *dash = strrchr (name, '-');
  *skip = FALSE;
  if (dash == NULL || dash[1] < '1' || dash[1] > '9')
    return NULL;
  g_autofree char *group = g_strndup (name, dash - name);
  g_autofree char *label = g_strdup_printf ("%s %s", herd_sl_kinds[kind].name,
                                            group);
  HerdSlGroup *g = g_hash_table_lookup (l->by_label, label);
  if (g == NULL)
    return NULL;
  if (!g->ok)
    {
      *skip = TRUE;
      return NULL;
    }
  gint64 number;
  if (!herd_units_parse_integer (dash + 1, 1, g->count, &number, NULL))
    return NULL;
  return g;
}

/* What exists, for messages: "web-1 .. web-12, db-1 .. db-8" for the
 * groups of kind (hosts or VMs) in cluster and in datacenter dc (either
 * any when HERD_ID_NONE), at most HERD_SL_MAX_LISTED groups, or "none is
 * defined". */
static char *
herd_sl_list_members_in (HerdSlLoader *l, HerdSlKind kind, HerdId cluster,
                         HerdId dc)
{
  GPtrArray *all = l->by_kind[kind];
  GString *names = g_string_new (NULL);
  guint n = 0;
  for (guint i = 0; i < all->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (all, i);
      if (cluster != HERD_ID_NONE && g->ref != cluster)
        continue;
      if (dc != HERD_ID_NONE
          && (g->ref == HERD_ID_NONE
              || herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref)->ref != dc))
        continue;
      if (n == HERD_SL_MAX_LISTED)
        {
          g_string_append (names, ", ...");
          break;
        }
      g_string_append_printf (names, "%s%s-1", n > 0 ? ", " : "", g->name);
      if (g->count > 1)
        g_string_append_printf (names, " .. %s-%" G_GINT64_FORMAT, g->name,
                                g->count);
      n++;
    }
  if (n == 0)
    g_string_append (names, "none is defined");
  return g_string_free (names, FALSE);
}

static char *
herd_sl_list_members (HerdSlLoader *l, HerdSlKind kind, HerdId cluster)
{
  return herd_sl_list_members_in (l, kind, cluster, HERD_ID_NONE);
}

/* The member of kind named by key of g, or NULL after reporting it
 * (or when its group's own error is reported). */
static HerdSlGroup *
herd_sl_check_member (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      const char *name, HerdSlKind kind)
{
  gboolean skip;
  HerdSlGroup *member = herd_sl_find_member (l, kind, name, &skip);
  if (member != NULL || skip)
    return member;
  const char *what = kind == HERD_SL_HOSTS ? "host" : "VM";
  g_autofree char *names = herd_sl_list_members (l, kind, HERD_ID_NONE);
  g_autofree char *expected = g_strdup_printf (
      "the name of a %s of a [%s NAME] group (%s)", what,
      herd_sl_kinds[kind].name, names);
  herd_sl_fail_expected (l, g, key, expected, name);
  return NULL;
}

/* Id of the first host or VM of g, a [hosts] or [vms] group: groups get
 * consecutive ids in file order, as herd_sl_build makes them. */
static HerdId
herd_sl_first_id (HerdSlLoader *l, HerdSlGroup *g)
{
  GPtrArray *all = l->by_kind[g->kind];
  HerdId first = 0;
  for (guint i = 0; i < g->index; i++)
    first += (HerdId) ((HerdSlGroup *) g_ptr_array_index (all, i))->count;
  return first;
}

static gint
herd_sl_compare_ids (gconstpointer a, gconstpointer b)
{
  HerdId x = *(const HerdId *) a, y = *(const HerdId *) b;
  return (x > y) - (x < y);
}

/* Sorts ids (HerdId) ascending and drops repeats. */
static void
herd_sl_sort_unique (GArray *ids)
{
  g_array_sort (ids, herd_sl_compare_ids);
  guint n = 0;
  HerdId *id = (HerdId *) ids->data;
  for (guint i = 0; i < ids->len; i++)
    if (n == 0 || id[n - 1] != id[i])
      id[n++] = id[i];
  g_array_set_size (ids, n);
}

/* Appends the ids of the hosts or VMs of g, a [hosts] or [vms] group. */
static void
herd_sl_append_members (HerdSlLoader *l, HerdSlGroup *g, GArray *ids)
{
  HerdId first = herd_sl_first_id (l, g);
  for (gint64 m = 0; m < g->count; m++)
    {
      HerdId id = first + (HerdId) m;
      g_array_append_val (ids, id);
    }
}

/* Reports name in g's key: no host or VM (kind) or group of them (of
 * cluster, unless it is HERD_ID_NONE) when of is NULL, else of (the group
 * it names or is a member of) is in another cluster than cluster, which
 * why explains. */
static void
herd_sl_fail_member (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                     const char *name, HerdSlKind kind, HerdId cluster,
                     HerdSlGroup *of, const char *why)
{
  const char *what = kind == HERD_SL_HOSTS ? "host" : "VM";
  g_autofree char *where
      = cluster == HERD_ID_NONE
            ? g_strdup ("")
            : g_strdup_printf (" of cluster %s",
                               herd_sl_group_of (l, HERD_SL_CLUSTER, cluster)
                                   ->name);
  g_autofree char *names = herd_sl_list_members (l, kind, cluster);
  g_autofree char *quoted = g_strescape (name, NULL);
  g_autofree char *expected = g_strdup_printf (
      "expected a %s or a [%s NAME] group%s (%s), got \"%s\"", what,
      herd_sl_kinds[kind].name, where, names, quoted);
  if (of == NULL)
    {
      herd_sl_fail_key (l, g, key, "%s", expected);
      return;
    }
  HerdSlGroup *other = herd_sl_group_of (l, HERD_SL_CLUSTER, of->ref);
  herd_sl_fail_key (l, g, key, "%s of cluster %s (%s)", expected,
                    other->name, why);
}

/* Resolves names of g's key, each a host or VM (kind) NAME-I or a whole
 * [hosts NAME] or [vms NAME] group, all of which must be in cluster
 * (unless it is HERD_ID_NONE), into their ids, ascending and without
 * duplicates.  why says why they must be in the cluster.  NULL after
 * reporting a bad name, or when a group named has failed (its own error
 * is reported). */
static GArray *
herd_sl_resolve_members (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                         char **names, HerdSlKind kind, HerdId cluster,
                         const char *why)
{
  const char *kind_name = herd_sl_kinds[kind].name;
  const char *what = kind == HERD_SL_HOSTS ? "host" : "VM";
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];
      gboolean skip;
      HerdSlGroup *member = herd_sl_find_member (l, kind, name, &skip);
      g_autofree char *label = g_strdup_printf ("%s %s", kind_name, name);
      HerdSlGroup *whole = g_hash_table_lookup (l->by_label, label);
      if ((member != NULL || skip) && whole != NULL)
        {
          g_autofree char *prefix = g_strndup (name,
                                               strrchr (name, '-') - name);
          herd_sl_fail_key (l, g, key,
                            "\"%s\" names both a %s of [%s %s] and the "
                            "group [%s] (rename one of the groups)",
                            name, what, kind_name, prefix, label);
          return NULL;
        }
      if (skip || (whole != NULL && !whole->ok))
        return NULL;
      HerdSlGroup *of = member != NULL ? member : whole;
      if (of == NULL || (cluster != HERD_ID_NONE && of->ref != cluster))
        {
          herd_sl_fail_member (l, g, key, name, kind, cluster, of, why);
          return NULL;
        }
      if (member != NULL)
        {
          HerdId id = herd_sl_first_id (l, of)
                      + (HerdId) g_ascii_strtoull (strrchr (name, '-') + 1,
                                                   NULL, 10)
                      - 1;
          g_array_append_val (ids, id);
        }
      else
        herd_sl_append_members (l, of, ids);
    }
  herd_sl_sort_unique (ids);
  return g_steal_pointer (&ids);
}

/* "a, b" of the networks of datacenter dc (only VM networks when vm_only),
 * at most HERD_SL_MAX_LISTED, or "none". */
static char *
herd_sl_list_networks (HerdSlLoader *l, HerdId dc, gboolean vm_only)
{
  GPtrArray *networks = l->by_kind[HERD_SL_NETWORK];
  GString *out = g_string_new (NULL);
  guint n = 0;
  for (guint i = 0; i < networks->len; i++)
    {
      HerdSlGroup *net = g_ptr_array_index (networks, i);
      if (net->ref != dc || (vm_only && !net->vm_network))
        continue;
      if (n == HERD_SL_MAX_LISTED)
        {
          g_string_append (out, ", ...");
          break;
        }
      g_string_append_printf (out, "%s%s", n > 0 ? ", " : "", net->name);
      n++;
    }
  if (n == 0)
    g_string_append (out, "none");
  return g_string_free (out, FALSE);
}

/* Every datacenter has at most HERD_MAX_NETWORKS_PER_DC networks: each
 * takes one bit of a HerdNetworkSet.  The first one too many is
 * reported. */
static void
herd_sl_check_network_count (HerdSlLoader *l)
{
  GPtrArray *networks = l->by_kind[HERD_SL_NETWORK];
  guint n_dc = l->by_kind[HERD_SL_DATACENTER]->len;
  g_autofree guint *n = g_new0 (guint, n_dc);
  for (guint i = 0; i < networks->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (networks, i);
      if (g->ref == HERD_ID_NONE
          || ++n[g->ref] != HERD_MAX_NETWORKS_PER_DC + 1)
        continue;
      HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, g->ref);
      herd_sl_fail_group (l, g,
                          "datacenter %s has more than %d networks (a "
                          "datacenter takes at most %d [network] groups)",
                          dc->name, HERD_MAX_NETWORKS_PER_DC,
                          HERD_MAX_NETWORKS_PER_DC);
    }
}

/* The networks of g, a [hosts] or [vms] group, must be networks of its
 * cluster's datacenter, and a VM's must be VM networks: into
 * g->network_ids.  Absent, they stay NULL (a host: every network of its
 * datacenter; a VM: none). */
static void
herd_sl_check_networks (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  if (g->network_names == NULL || !cluster->ok)
    return;
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, cluster->ref);
  gboolean vm = g->kind == HERD_SL_VMS;
  const char *what = vm ? "a VM network" : "a network";
  g->network_ids = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (guint i = 0; g->network_names[i] != NULL; i++)
    {
      const char *name = g->network_names[i];
      g_autofree char *label = g_strdup_printf ("network %s", name);
      HerdSlGroup *net = g_hash_table_lookup (l->by_label, label);
      if (net != NULL && !net->ok)
        return;
      if (net != NULL && net->ref == cluster->ref && (!vm || net->vm_network))
        {
          g_array_append_val (g->network_ids, net->index);
          continue;
        }
      g_autofree char *known = herd_sl_list_networks (l, cluster->ref, vm);
      g_autofree char *quoted = g_strescape (name, NULL);
      g_autofree char *detail
          = net == NULL ? g_strdup ("")
            : net->ref != cluster->ref
                ? g_strdup_printf (" of datacenter %s (cluster %s is in "
                                   "datacenter %s)",
                                   herd_sl_group_of (l, HERD_SL_DATACENTER,
                                                     net->ref)->name,
                                   cluster->name, dc->name)
                : g_strdup_printf (", which is not a VM network (vm_network "
                                   "= false at line %u)",
                                   herd_sl_key_line (net, "vm_network"));
      herd_sl_fail_key (l, g, "networks",
                        "expected %s of datacenter %s (%s), got \"%s\"%s",
                        what, dc->name, known, quoted, detail);
      return;
    }
}

#define HERD_SL_SAME_CLUSTER_VM "a VM runs only on hosts of its cluster"
#define HERD_SL_SAME_CLUSTER_AFFINITY                                       \
  "an affinity group is within one cluster"

/* A VM group's pinned and preferred hosts. */
static void
herd_sl_check_vm_hosts (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->pinned_names != NULL)
    g->pinned_ids = herd_sl_resolve_members (l, g, "pinned_to",
                                             g->pinned_names, HERD_SL_HOSTS,
                                             g->ref, HERD_SL_SAME_CLUSTER_VM);
  if (g->preferred_names != NULL)
    g->preferred_ids = herd_sl_resolve_members (
        l, g, "preferred_hosts", g->preferred_names, HERD_SL_HOSTS, g->ref,
        HERD_SL_SAME_CLUSTER_VM);
}

/* "a, b" of the labels the groups of kind carry, each once, at most
 * HERD_SL_MAX_LISTED, or "none". */
static char *
herd_sl_list_labels (HerdSlLoader *l, HerdSlKind kind)
{
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  GPtrArray *all = l->by_kind[kind];
  for (guint i = 0; i < all->len; i++)
    {
      HerdSlGroup *o = g_ptr_array_index (all, i);
      for (guint k = 0; o->labels != NULL && o->labels[k] != NULL; k++)
        if (!g_ptr_array_find_with_equal_func (seen, o->labels[k],
                                               g_str_equal, NULL))
          g_ptr_array_add (seen, o->labels[k]);
    }
  if (seen->len == 0)
    return g_strdup ("none");
  gboolean more = seen->len > HERD_SL_MAX_LISTED;
  g_ptr_array_set_size (seen, MIN (seen->len, HERD_SL_MAX_LISTED));
  g_ptr_array_add (seen, NULL);
  g_autofree char *names = g_strjoinv (", ", (char **) seen->pdata);
  return g_strconcat (names, more ? ", ..." : "", NULL);
}

/* The hosts or VMs (kind) of affinity group g: those names (names_key)
 * lists, plus those of its cluster whose [hosts] or [vms] group carries
 * one of labels (labels_key; every label must be carried by some group,
 * of any cluster); ascending, without repeats.  NULL after reporting a
 * bad name or label, or when a group it needs has failed. */
static GArray *
herd_sl_affinity_members (HerdSlLoader *l, HerdSlGroup *g, HerdSlKind kind,
                          const char *names_key, char **names,
                          const char *labels_key, char **labels)
{
  g_autoptr (GArray) ids
      = names != NULL
            ? herd_sl_resolve_members (l, g, names_key, names, kind, g->ref,
                                       HERD_SL_SAME_CLUSTER_AFFINITY)
            : g_array_new (FALSE, FALSE, sizeof (HerdId));
  if (ids == NULL || labels == NULL)
    return g_steal_pointer (&ids);
  GPtrArray *all = l->by_kind[kind];
  for (guint k = 0; labels[k] != NULL; k++)
    {
      gboolean carried = FALSE;
      for (guint i = 0; i < all->len; i++)
        {
          HerdSlGroup *o = g_ptr_array_index (all, i);
          if (o->labels == NULL
              || !herd_sl_in_list ((const char *const *) o->labels,
                                   labels[k]))
            continue;
          carried = TRUE;
          if (!o->ok)
            return NULL; /* its own error is reported */
          if (o->ref == g->ref)
            herd_sl_append_members (l, o, ids);
        }
      if (carried)
        continue;
      g_autofree char *known = herd_sl_list_labels (l, kind);
      g_autofree char *expected = g_strdup_printf (
          "labels that [%s NAME] groups carry (%s)", herd_sl_kinds[kind].name,
          known);
      g_autofree char *value = herd_sl_value (l, g, labels_key);
      g_autofree char *quoted = g_strescape (labels[k], NULL);
      g_autofree char *qvalue = g_strescape (value, NULL);
      herd_sl_fail_key (l, g, labels_key,
                        "expected %s, got \"%s\" (no group carries \"%s\")",
                        expected, qvalue, quoted);
      return NULL;
    }
  herd_sl_sort_unique (ids);
  return g_steal_pointer (&ids);
}

/* A VM group's host: one host of its cluster, into g->host_id. */
static void
herd_sl_check_placed (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->host == NULL)
    return;
  char *names[] = { g->host, NULL };
  g_autoptr (GArray) ids = herd_sl_resolve_members (
      l, g, "host", names, HERD_SL_HOSTS, g->ref, HERD_SL_SAME_CLUSTER_VM);
  if (ids == NULL)
    return;
  if (ids->len == 1)
    {
      g->host_id = g_array_index (ids, HerdId, 0);
      return;
    }
  g_autofree char *expected = g_strdup_printf (
      "one host such as %s-1, not a group of %u", g->host, ids->len);
  herd_sl_fail_expected (l, g, "host", expected, g->host);
}

/* The [hosts] group of host id. */
static HerdSlGroup *
herd_sl_host_group_of (HerdSlLoader *l, HerdId id)
{
  GPtrArray *hosts = l->by_kind[HERD_SL_HOSTS];
  for (guint i = 0;; i++)
    {
      HerdSlGroup *h = g_ptr_array_index (hosts, i);
      if (id < h->count)
        return h;
      id -= (HerdId) h->count;
    }
}

/* What the VMs placed by host use (memory_used + VmMemoryOverhead each),
 * with their host's committed_memory, must fit the host's memory and
 * swap: the simulated host holds no more.  The group that goes over is
 * the error, in file order. */
static void
herd_sl_check_placed_memory (HerdSlLoader *l)
{
  if (!l->params_ok)
    return;
  gint64 overhead = l->scenario->model->params.vm_memory_overhead_mib;
  HerdId n_hosts = 0;
  for (guint i = 0; i < l->by_kind[HERD_SL_HOSTS]->len; i++)
    n_hosts += ((HerdSlGroup *) g_ptr_array_index (l->by_kind[HERD_SL_HOSTS],
                                                   i))->count;
  g_autofree gint64 *used = g_new0 (gint64, MAX (n_hosts, 1));
  GPtrArray *vms = l->by_kind[HERD_SL_VMS];
  for (guint i = 0; i < vms->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (vms, i);
      if (!g->ok || g->host_id == HERD_ID_NONE)
        continue;
      HerdSlGroup *h = herd_sl_host_group_of (l, g->host_id);
      used[g->host_id] += g->count * (g->memory_used_mib + overhead);
      gint64 total = h->committed_mib + used[g->host_id];
      if (total <= h->memory_mib + h->swap_mib)
        continue;
      g_autofree char *need = herd_sl_format_size (total);
      g_autofree char *has = herd_sl_format_size (h->memory_mib
                                                  + h->swap_mib);
      herd_sl_fail_key (l, g, "host",
                        "the VMs placed on %s would use %s with this group's "
                        "(each its memory_used + VmMemoryOverhead, and the "
                        "host's committed_memory), more than its memory and "
                        "swap (%s)",
                        g->host, need, has);
    }
}

/* An affinity group's VMs (at least two for a VM-to-VM rule, else at
 * least one) and hosts (at least one for a VM-to-host rule), all of its
 * cluster: those listed and those carrying its labels.  A short count is
 * reported on vms (hosts) when given, else on vm_labels (host_labels). */
static void
herd_sl_check_affinity (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, g->ref);
  g->vm_ids = herd_sl_affinity_members (l, g, HERD_SL_VMS, "vms",
                                        g->vm_names, "vm_labels",
                                        g->vm_labels);
  const char *vm_key = g->vm_names != NULL ? "vms" : "vm_labels";
  const char *by_labels = g->vm_names != NULL ? "" : " with these labels";
  g_autofree char *vms = herd_sl_value (l, g, vm_key);
  g_autofree char *quoted = g_strescape (vms, NULL);
  if (g->vm_ids != NULL && g->vm_rule != HERD_AFFINITY_NONE
      && g->vm_ids->len < 2)
    herd_sl_fail_key (l, g, vm_key,
                      "expected at least 2 VMs%s for vm_rule = %s, got "
                      "\"%s\" (%u VM%s)",
                      by_labels, herd_affinity_rule_name (g->vm_rule), quoted,
                      g->vm_ids->len, g->vm_ids->len == 1 ? "" : "s");
  else if (g->vm_ids != NULL && g->vm_ids->len == 0)
    {
      g_autofree char *expected
          = g->vm_names != NULL
                ? g_strdup ("at least one VM or [vms NAME] group")
                : g_strdup_printf ("at least one VM of cluster %s with these "
                                   "labels", cluster->name);
      herd_sl_fail_expected (l, g, vm_key, expected, vms);
    }
  if (g->host_names == NULL && g->host_labels == NULL)
    return;
  g->host_ids = herd_sl_affinity_members (l, g, HERD_SL_HOSTS, "hosts",
                                          g->host_names, "host_labels",
                                          g->host_labels);
  if (g->host_ids != NULL && g->host_ids->len == 0)
    {
      const char *key = g->host_names != NULL ? "hosts" : "host_labels";
      g_autofree char *value = herd_sl_value (l, g, key);
      g_autofree char *which
          = g->host_names != NULL
                ? g_strdup ("at least one host or [hosts NAME] group")
                : g_strdup_printf ("labels of at least one host of cluster "
                                   "%s", cluster->name);
      g_autofree char *expected = g_strdup_printf (
          "%s for host_rule = %s", which,
          herd_affinity_rule_name (g->host_rule));
      herd_sl_fail_expected (l, g, key, expected, value);
    }
}

/* at must not be after the end of the run (duration as written in
 * duration_text). */
static void
herd_sl_check_at (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                  const char *duration_text)
{
  if (g->at <= duration)
    return;
  g_autofree char *value = herd_sl_value (l, g, "at");
  g_autofree char *expected = g_strdup_printf (
      "a time within the scenario's duration (%s)", duration_text);
  herd_sl_fail_expected (l, g, "at", expected, value);
}

/* A domain holds what its volumes take at once (a block domain's
 * internal volumes, templates' images, preallocated disks, clones' data,
 * the first LV of thin disks on block storage); a block domain holds at
 * most MaxVolumesPerBlockDomain disk volumes (one per disk and template
 * disk) and is made of at most MaxLunsPerBlockDomain LUNs (its first and
 * one per add_lun): the group that goes over a limit is the error, in
 * file order. */
static void
herd_sl_check_storage_limits (HerdSlLoader *l)
{
  const HerdParams *p = &l->scenario->model->params;
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  if (!l->params_ok || storage->len == 0)
    return;
  g_autofree gint64 *volumes = g_new0 (gint64, storage->len);
  g_autofree gint64 *luns = g_new0 (gint64, storage->len);
  g_autofree gint64 *allocated = g_new0 (gint64, storage->len);
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *sd = g_ptr_array_index (storage, i);
      if (!sd->ok || !herd_storage_type_is_block (sd->storage_type))
        continue;
      allocated[i] = p->block_internal_mib;
      if (allocated[i] <= sd->capacity_mib)
        continue;
      g_autofree char *value = herd_sl_value (l, sd, "capacity");
      g_autofree char *internal = herd_sl_format_size (allocated[i]);
      g_autofree char *expected = g_strdup_printf (
          "a capacity of at least the %s its internal volumes take "
          "(BlockDomainInternalSize)", internal);
      herd_sl_fail_expected (l, sd, "capacity", expected, value);
    }
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (!g->ok)
        continue;
      if (g->kind == HERD_SL_VMS || g->kind == HERD_SL_TEMPLATE)
        for (guint k = 0; k < g->disks->len; k++)
          {
            const HerdSlDisk *disk = &g_array_index (g->disks, HerdSlDisk,
                                                     k);
            HerdId d = disk->domain_id;
            if (d == HERD_ID_NONE)
              continue;
            HerdSlGroup *sd = g_ptr_array_index (storage, d);
            gboolean block = herd_storage_type_is_block (sd->storage_type);
            gint64 n = g->kind == HERD_SL_VMS ? g->count : 1;
            const char *key = g->template_name != NULL ? "template" : "disk";
            gint64 first = herd_volume_first_mib (disk->thin, block,
                                                  disk->size_mib,
                                                  disk->base_mib,
                                                  p->thin_initial_mib);
            allocated[d] += first * n;
            if (allocated[d] > sd->capacity_mib
                && allocated[d] - first * n <= sd->capacity_mib)
              {
                g_autofree char *cap = herd_sl_format_size (sd->capacity_mib);
                g_autofree char *need = herd_sl_format_size (allocated[d]);
                g_autofree char *lv = herd_sl_format_size (p->thin_initial_mib);
                herd_sl_fail_key (
                    l, g, key,
                    "storage %s (%s) cannot hold the disks created so far: "
                    "they take %s at once (a preallocated disk its whole "
                    "size, a thin one on block storage its first %s LV, a "
                    "template or a clone its data%s)",
                    sd->name, cap, need, lv,
                    block ? ", and the domain's internal volumes" : "");
              }
            volumes[d] += n;
            if (!block || volumes[d] - n > p->max_block_volumes
                || volumes[d] <= p->max_block_volumes)
              continue;
            herd_sl_fail_key (
                l, g, key,
                "storage %s would hold %" G_GINT64_FORMAT " volumes (this "
                "group adds %" G_GINT64_FORMAT "); a block domain holds at "
                "most %" G_GINT64_FORMAT " (MaxVolumesPerBlockDomain, one "
                "logical volume per disk)",
                sd->name, volumes[d], n, p->max_block_volumes);
          }
      else if (g->kind == HERD_SL_ACTION && g->action == HERD_ACTION_ADD_LUN)
        {
          g_autofree char *label = g_strdup_printf ("storage %s", g->target);
          HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
          if (sd == NULL || ++luns[sd->index] + 1 <= p->max_block_luns)
            continue;
          herd_sl_fail_key (l, g, "target",
                            "storage %s would be made of %" G_GINT64_FORMAT
                            " LUNs; a block domain has at most "
                            "%" G_GINT64_FORMAT " (MaxLunsPerBlockDomain)",
                            sd->name, luns[sd->index] + 1,
                            p->max_block_luns);
        }
    }
}

/* An add_lun's target is a block storage domain (iscsi or fcp), a
 * grow_storage's a file one: file domains grow on their server, block
 * ones by LUNs. */
static void
herd_sl_check_grow (HerdSlLoader *l, HerdSlGroup *g)
{
  gboolean want_block = g->action == HERD_ACTION_ADD_LUN;
  g_autofree char *label = g_strdup_printf ("storage %s", g->target);
  HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
  if (sd != NULL
      && (!sd->ok
          || herd_storage_type_is_block (sd->storage_type) == want_block))
    return;
  g_autoptr (GString) names = g_string_new (NULL);
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *s = g_ptr_array_index (storage, i);
      if (herd_storage_type_is_block (s->storage_type) == want_block)
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                                s->name);
    }
  g_autofree char *quoted = g_strescape (g->target, NULL);
  herd_sl_fail_key (l, g, "target",
                    "expected the name of a %s storage domain (%s), got "
                    "\"%s\"%s%s%s",
                    want_block ? "block (iscsi or fcp)"
                               : "file (nfs, posix or glusterfs)",
                    names->len > 0 ? names->str : "none defined", quoted,
                    sd != NULL ? " (an " : "",
                    sd != NULL ? herd_storage_type_name (sd->storage_type) : "",
                    sd == NULL  ? ""
                    : want_block ? " domain grows on its server, not by LUNs: "
                                   "use grow_storage)"
                                 : " domain grows by LUNs: use add_lun)");
}

/* start, stop and migrate act on a VM, maintenance and activate on a host;
 * a migration's destination must be a host of its VM's cluster. */
static void
herd_sl_check_action (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                      const char *duration_text)
{
  herd_sl_check_at (l, g, duration, duration_text);
  if (g->action == HERD_ACTION_ADD_LUN
      || g->action == HERD_ACTION_GROW_STORAGE)
    {
      herd_sl_check_grow (l, g);
      return;
    }
  if (g->action == HERD_ACTION_MAINTENANCE
      || g->action == HERD_ACTION_ACTIVATE)
    {
      herd_sl_check_member (l, g, "target", g->target, HERD_SL_HOSTS);
      return;
    }
  HerdSlGroup *vms = herd_sl_check_member (l, g, "target", g->target,
                                           HERD_SL_VMS);
  if (vms == NULL || g->host == NULL)
    return;
  HerdSlGroup *hosts = herd_sl_check_member (l, g, "host", g->host,
                                             HERD_SL_HOSTS);
  if (hosts == NULL || hosts->ref == vms->ref)
    return;
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, vms->ref);
  HerdSlGroup *other = herd_sl_group_of (l, HERD_SL_CLUSTER, hosts->ref);
  g_autofree char *names = herd_sl_list_members (l, HERD_SL_HOSTS, vms->ref);
  g_autofree char *quoted = g_strescape (g->host, NULL);
  herd_sl_fail_key (l, g, "host",
                    "expected a host of cluster %s, where %s runs (%s), got "
                    "\"%s\" of cluster %s (a VM migrates only within its "
                    "cluster)",
                    cluster->name, g->target, names, quoted, other->name);
}

/* A nic_down's network must be attached to its host (hosts, the group of
 * its target): a network of the host's datacenter that the group's
 * networks key lists (every one when the key is absent). */
static void
herd_sl_check_nic_down (HerdSlLoader *l, HerdSlGroup *g, HerdSlGroup *hosts)
{
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, hosts->ref);
  if (!cluster->ok)
    return;
  HerdId dc = cluster->ref;
  g_autofree char *label = g_strdup_printf ("network %s", g->network);
  HerdSlGroup *net = g_hash_table_lookup (l->by_label, label);
  if (net != NULL && !net->ok)
    return;
  gboolean listed = hosts->network_names == NULL
                    || herd_sl_in_list ((const char *const *)
                                            hosts->network_names,
                                        g->network);
  if (net != NULL && net->ref == dc && listed)
    return;

  g_autofree char *known = NULL;
  if (hosts->network_names == NULL)
    known = herd_sl_list_networks (l, dc, FALSE);
  else if (hosts->network_names[0] == NULL)
    known = g_strdup ("none");
  else
    known = g_strjoinv (", ", hosts->network_names);
  g_autofree char *quoted = g_strescape (g->network, NULL);
  g_autofree char *detail
      = net == NULL ? g_strdup (" (no [network NAME] group has that name)")
        : net->ref != dc
            ? g_strdup_printf (" of datacenter %s (%s is in datacenter %s)",
                               herd_sl_group_of (l, HERD_SL_DATACENTER,
                                                 net->ref)->name,
                               g->target,
                               herd_sl_group_of (l, HERD_SL_DATACENTER, dc)
                                   ->name)
            : g_strdup_printf (" (the networks key of [%s], line %u, does "
                               "not list it)",
                               hosts->label,
                               herd_sl_key_line (hosts, "networks"));
  herd_sl_fail_key (l, g, "network",
                    "expected a network attached to %s (%s), got \"%s\"%s",
                    g->target, known, quoted, detail);
}

/* A storage_down's target is a storage domain, and its host (if any) a
 * host of the domain's datacenter. */
static void
herd_sl_check_storage_down (HerdSlLoader *l, HerdSlGroup *g)
{
  g_autofree char *label = g_strdup_printf ("storage %s", g->target);
  HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
  if (sd != NULL && !sd->ok)
    return;
  if (sd == NULL)
    {
      g_autofree char *names = herd_sl_list_names (l, HERD_SL_STORAGE);
      g_autofree char *expected = g_strdup_printf (
          "the name of a storage domain defined by a [storage NAME] group "
          "(%s)",
          names);
      herd_sl_fail_expected (l, g, "target", expected, g->target);
      return;
    }
  if (g->host == NULL)
    return;
  HerdSlGroup *hosts = herd_sl_check_member (l, g, "host", g->host,
                                             HERD_SL_HOSTS);
  if (hosts == NULL)
    return;
  HerdSlGroup *cluster = herd_sl_group_of (l, HERD_SL_CLUSTER, hosts->ref);
  if (!cluster->ok || cluster->ref == sd->ref)
    return;
  HerdSlGroup *dc = herd_sl_group_of (l, HERD_SL_DATACENTER, sd->ref);
  HerdSlGroup *other = herd_sl_group_of (l, HERD_SL_DATACENTER, cluster->ref);
  g_autofree char *names = herd_sl_list_members_in (l, HERD_SL_HOSTS,
                                                    HERD_ID_NONE, sd->ref);
  g_autofree char *quoted = g_strescape (g->host, NULL);
  herd_sl_fail_key (l, g, "host",
                    "expected a host of datacenter %s, where %s is (%s), got "
                    "\"%s\" of datacenter %s (a host reaches only the "
                    "storage of its datacenter)",
                    dc->name, g->target, names, quoted, other->name);
}

/* What a fault's target, network and host name must exist (and fit
 * together); manager_restart names nothing. */
static void
herd_sl_check_fault (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                     const char *duration_text)
{
  herd_sl_check_at (l, g, duration, duration_text);
  if (g->fault == HERD_FAULT_MANAGER_RESTART)
    return;
  if (g->fault == HERD_FAULT_STORAGE_DOWN)
    {
      herd_sl_check_storage_down (l, g);
      return;
    }
  HerdSlGroup *hosts = herd_sl_check_member (l, g, "target", g->target,
                                             HERD_SL_HOSTS);
  if (hosts != NULL && g->fault == HERD_FAULT_NIC_DOWN)
    herd_sl_check_nic_down (l, g, hosts);
}

/* [faults random] hosts: host references of any cluster, at least one
 * when given; absent, every host (of which there must be one). */
static void
herd_sl_check_random_faults (HerdSlLoader *l, HerdSlGroup *g)
{
  if (g->host_names == NULL)
    {
      if (l->by_kind[HERD_SL_HOSTS]->len == 0)
        herd_sl_fail_group (l, g,
                            "no hosts for random faults to strike (no "
                            "[hosts NAME] group)");
      return;
    }
  if (g->host_names[0] == NULL)
    {
      g_autofree char *value = herd_sl_value (l, g, "hosts");
      herd_sl_fail_expected (l, g, "hosts",
                             "at least one host or [hosts NAME] group (leave "
                             "hosts out for every host)",
                             value);
      return;
    }
  g->host_ids = herd_sl_resolve_members (l, g, "hosts", g->host_names,
                                         HERD_SL_HOSTS, HERD_ID_NONE, NULL);
}

/* A [growth]'s storage: the data domain it names. */
static void
herd_sl_resolve_storage (HerdSlLoader *l, HerdSlGroup *g)
{
  g_autofree char *label = g_strdup_printf ("storage %s", g->storage_name);
  HerdSlGroup *sd = g_hash_table_lookup (l->by_label, label);
  g->storage_id = HERD_ID_NONE;
  if (sd != NULL && sd->role == HERD_DOMAIN_DATA)
    {
      g->storage_id = sd->index;
      return;
    }
  g_autofree char *names = herd_sl_list_names (l, HERD_SL_STORAGE);
  g_autofree char *expected = g_strdup_printf (
      "the name of a data storage domain (%s)", names);
  herd_sl_fail_expected (l, g, "storage", expected, g->storage_name);
}

static void
herd_sl_check_references (HerdSlLoader *l)
{
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      switch (g->kind)
        {
        case HERD_SL_CLUSTER:
        case HERD_SL_STORAGE:
        case HERD_SL_TEMPLATE:
        case HERD_SL_NETWORK:
          herd_sl_resolve (l, g, "datacenter", HERD_SL_DATACENTER);
          break;
        case HERD_SL_HOSTS:
        case HERD_SL_VMS:
        case HERD_SL_AFFINITY:
          herd_sl_resolve (l, g, "cluster", HERD_SL_CLUSTER);
          break;
        case HERD_SL_GROWTH:
          if (g->ok && g->growth_vms > 0)
            herd_sl_resolve (l, g, "cluster", HERD_SL_CLUSTER);
          else if (g->ok)
            herd_sl_resolve_storage (l, g);
          break;
        default:
          break;
        }
    }

  herd_sl_check_masters (l);
  herd_sl_check_network_count (l);
  g_autofree HerdId *masters = herd_sl_masters (l);
  /* A bad duration is reported; then no time is after the end. */
  GPtrArray *sg = l->by_kind[HERD_SL_SCENARIO];
  HerdSlGroup *sgroup = sg->len > 0 ? g_ptr_array_index (sg, 0) : NULL;
  HerdTime duration = sgroup == NULL || sgroup->ok ? l->scenario->duration
                                                   : HERD_TIME_NEVER;
  g_autofree char *duration_text = sgroup != NULL
                                       ? herd_sl_value (l, sgroup, "duration")
                                       : NULL;
  if (duration_text == NULL)
    duration_text = g_strdup ("1d, the default");
  /* Templates first: VMs get their disks. */
  GPtrArray *templates = l->by_kind[HERD_SL_TEMPLATE];
  for (guint i = 0; i < templates->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (templates, i);
      if (g->ok)
        herd_sl_check_disks (l, g, masters);
    }
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (!g->ok)
        continue;
      if (g->kind == HERD_SL_HOSTS)
        herd_sl_check_networks (l, g);
      else if (g->kind == HERD_SL_VMS)
        {
          herd_sl_check_fit (l, g);
          herd_sl_check_disks (l, g, masters);
          herd_sl_apply_template (l, g);
          herd_sl_check_lease (l, g, masters);
          herd_sl_check_networks (l, g);
          herd_sl_check_vm_hosts (l, g);
          herd_sl_check_placed (l, g);
        }
      else if (g->kind == HERD_SL_AFFINITY)
        herd_sl_check_affinity (l, g);
      else if (g->kind == HERD_SL_ACTION)
        herd_sl_check_action (l, g, duration, duration_text);
    }
  herd_sl_check_storage_limits (l);
  herd_sl_check_placed_memory (l);
  /* Faults after every group's own checks, so that a nic_down sees its
   * hosts' networks checked whatever the order of the file. */
  for (guint i = 0; i < l->groups->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (l->groups, i);
      if (!g->ok)
        continue;
      if (g->kind == HERD_SL_FAULT)
        herd_sl_check_fault (l, g, duration, duration_text);
      else if (g->kind == HERD_SL_FAULTS)
        herd_sl_check_random_faults (l, g);
    }
}

/* ------------------------------------------------------------------ */
/* Phase 4: build                                                      */

static void
herd_host_group_free (gpointer p)
{
  HerdHostGroup *group = p;
  g_free (group->name);
  g_strfreev (group->fence_agents);
  for (int k = 0; k < HERD_CONNECT_KEY_LAST; k++)
    g_free (group->connect[k]);
  g_free (group);
}

static void
herd_vm_group_free (gpointer p)
{
  HerdVmGroup *group = p;
  g_free (group->name);
  g_free (group->kernel);
  g_free (group->initrd);
  g_free (group->cmdline);
  herd_rate_model_clear (&group->write_rate);
  herd_trace_set_free (group->cpu_trace);
  g_free (group);
}

static void
herd_growth_free (gpointer p)
{
  HerdGrowth *g = p;
  g_free (g->name);
  g_free (g);
}

static void
herd_action_free (gpointer p)
{
  HerdAction *action = p;
  g_free (action->name);
  g_free (action->snapshot);
  g_free (action->target);
  g_free (action->host);
  g_free (action);
}

static void
herd_fault_free (gpointer p)
{
  HerdFault *fault = p;
  g_free (fault->name);
  g_free (fault->target);
  g_free (fault->host);
  g_free (fault->network);
  g_free (fault);
}

static void
herd_random_faults_free (gpointer p)
{
  HerdRandomFaults *random = p;
  herd_id_list_clear (&random->hosts);
  g_free (random);
}

/* The set of the networks with model ids ids. */
static HerdNetworkSet
herd_sl_network_set (HerdModel *model, GArray *ids)
{
  HerdNetworkSet set = 0;
  for (guint i = 0; i < ids->len; i++)
    set |= G_GUINT64_CONSTANT (1)
           << herd_model_network (model, g_array_index (ids, HerdId, i))->bit;
  return set;
}

/* The set of the networks of datacenter dc (only the required ones when
 * required_only). */
static HerdNetworkSet
herd_sl_datacenter_networks (HerdModel *model, HerdId dc,
                             gboolean required_only)
{
  HerdNetworkSet set = 0;
  for (guint i = 0; i < model->networks->len; i++)
    {
      HerdNetwork *net = herd_model_network (model, i);
      if (net->datacenter == dc && (net->required || !required_only))
        set |= G_GUINT64_CONSTANT (1) << net->bit;
    }
  return set;
}

static void
herd_sl_build_hosts (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdModel *model = l->scenario->model;
  HerdId dc = herd_model_cluster (model, g->ref)->datacenter;
  HerdNetworkSet networks = g->network_ids != NULL
                                ? herd_sl_network_set (model, g->network_ids)
                                : herd_sl_datacenter_networks (model, dc,
                                                               FALSE);
  HerdHostGroup *group = g_new0 (HerdHostGroup, 1);
  guint32 index = l->scenario->host_groups->len;
  group->name = g_strdup (g->name);
  group->first = model->hosts->len;
  group->count = (guint32) g->count;
  group->power_idle_w = g->power_idle_w;
  group->power_max_w = g->power_max_w;
  group->boot_time = g->boot_time;
  group->fence_agents = g_strdupv (g->fence_agents);
  group->fence_concurrent = g->fence_concurrent;
  group->fence_latency = g->fence_latency;
  group->fence_failure = g->fence_failure;
  group->cpu_load = g->cpu_load;
  group->committed_mib = g->committed_mib;
  for (int k = 0; k < HERD_CONNECT_KEY_LAST; k++)
    group->connect[k] = herd_sl_value (l, g, herd_connect_key_name (k));
  g_ptr_array_add (l->scenario->host_groups, group);
  for (gint64 i = 1; i <= g->count; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT,
                                               g->name, i);
      HerdHost *host = herd_model_add_host (model, name, g->ref);
      host->cores = (guint32) g->cores;
      host->threads = (guint32) g->threads;
      host->memory_mib = g->memory_mib;
      host->swap_mib = g->swap_mib;
      host->reserved_mib = g->reserved_mib >= 0
                               ? g->reserved_mib
                               : model->params.host_reserved_mib;
      host->nic_bandwidth = g->nic;
      host->spm_priority = (gint32) g->spm_priority;
      host->networks = networks;
      host->power_management = g->fence_agents[0] != NULL;
      host->fence_agents = g_strv_length (g->fence_agents);
      host->fence_concurrent = g->fence_concurrent;
      host->committed_mem_mib = g->committed_mib;
      if (g->threshold_for > 0)
        host->cpu_over_since = -g->threshold_for;
      g_array_append_val (l->scenario->host_group_of, index);
    }
}

static void
herd_sl_build_vms (HerdSlLoader *l, HerdSlGroup *g)
{
  HerdModel *model = l->scenario->model;
  HerdVmGroup *group = g_new0 (HerdVmGroup, 1);
  group->kernel = herd_sl_value (l, g, "kernel");
  group->initrd = herd_sl_value (l, g, "initrd");
  group->cmdline = herd_sl_value (l, g, "cmdline");
  guint32 index = l->scenario->vm_groups->len;
  group->name = g_strdup (g->name);
  group->first = model->vms->len;
  group->count = (guint32) g->count;
  group->cpu = g->cpu;
  group->memory_used_mib = g->memory_used_mib;
  group->dirty_rate = g->dirty_rate;
  group->working_set_mib = g->working_set_mib;
  group->write_rate = g->write_rate;
  g->write_rate.trace = NULL; /* the group owns it now */
  group->cpu_trace = g_steal_pointer (&g->cpu_trace);
  group->new_writes = g->new_writes;
  group->stateless = g->stateless;
  group->boot_time = g->boot_time;
  group->arrival = g->arrival;
  group->has_lifetime = g->has_lifetime;
  group->lifetime = g->lifetime;
  group->host = g->host_id;
  g_ptr_array_add (l->scenario->vm_groups, group);
  HerdNetworkSet networks = g->network_ids != NULL
                                ? herd_sl_network_set (model, g->network_ids)
                                : 0;
  for (gint64 i = 1; i <= g->count; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT,
                                               g->name, i);
      HerdVm *vm = herd_model_add_vm (model, name, g->ref);
      vm->vcpus = (guint32) g->vcpus;
      vm->memory_mib = g->memory_mib;
      vm->guaranteed_mib = g->guaranteed_mib;
      vm->ha = g->ha;
      vm->priority = g->priority;
      vm->networks = networks;
      vm->migratable = g->migratable;
      vm->lease = g->lease;
      vm->resume_policy = g->resume;
      if (g->pinned_ids != NULL)
        herd_id_list_set (&vm->pinned_to, (HerdId *) g->pinned_ids->data,
                          g->pinned_ids->len);
      if (g->preferred_ids != NULL)
        herd_id_list_set (&vm->preferred_hosts,
                          (HerdId *) g->preferred_ids->data,
                          g->preferred_ids->len);
      for (guint d = 0; d < g->disks->len; d++)
        {
          HerdSlDisk *spec = &g_array_index (g->disks, HerdSlDisk, d);
          HerdDisk *disk = herd_model_add_disk (model, vm->id);
          disk->domain = spec->domain_id;
          disk->virtual_mib = spec->size_mib;
          disk->thin = spec->thin;
          disk->base_mib = spec->base_mib;
          disk->format = spec->format;
        }
      g_array_append_val (l->scenario->vm_group_of, index);
    }
}

static gint
herd_action_compare (gconstpointer a, gconstpointer b)
{
  const HerdAction *x = *(HerdAction *const *) a;
  const HerdAction *y = *(HerdAction *const *) b;
  return x->at < y->at ? -1 : x->at > y->at ? 1 : 0;
}

static gint
herd_fault_compare (gconstpointer a, gconstpointer b)
{
  const HerdFault *x = *(HerdFault *const *) a;
  const HerdFault *y = *(HerdFault *const *) b;
  return x->at < y->at ? -1 : x->at > y->at ? 1 : 0;
}

static void
herd_sl_build (HerdSlLoader *l)
{
  HerdScenario *scenario = l->scenario;
  HerdModel *model = scenario->model;

  GPtrArray *dcs = l->by_kind[HERD_SL_DATACENTER];
  for (guint i = 0; i < dcs->len; i++)
    herd_model_add_datacenter (
        model, ((HerdSlGroup *) g_ptr_array_index (dcs, i))->name);

  GPtrArray *clusters = l->by_kind[HERD_SL_CLUSTER];
  for (guint i = 0; i < clusters->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (clusters, i);
      HerdCluster *c = herd_model_add_cluster (model, g->name, g->ref);
      c->policy = g->policy;
      c->policy_params = g->policy_params;
      c->memory_overcommit_percent = g->overcommit;
      c->migration_policy = g->migration_policy;
      c->migration_bandwidth = g->migration_bandwidth;
      c->ha_reservation = g->ha_reservation;
      c->fencing = g->fencing;
      c->skip_fencing_if_lease_live = g->skip_if_lease_live;
      c->skip_fencing_if_connectivity_broken = g->skip_if_connectivity_broken;
      c->connectivity_threshold = g->connectivity_threshold;
    }

  g_autofree HerdId *masters = herd_sl_masters (l);
  GPtrArray *storage = l->by_kind[HERD_SL_STORAGE];
  for (guint i = 0; i < storage->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (storage, i);
      HerdStorageDomain *sd = herd_model_add_domain (model, g->name, g->ref);
      g_ptr_array_add (l->scenario->domain_paths, herd_sl_value (l, g, "path"));
      sd->type = g->storage_type;
      sd->role = g->role;
      sd->capacity_mib = g->capacity_mib;
      sd->warning_free = g->warning_free;
      sd->critical_free = g->critical_free;
      sd->master = masters[g->ref] == sd->id;
      sd->used_mib = herd_storage_type_is_block (sd->type)
                         ? model->params.block_internal_mib
                         : 0;
    }
  GPtrArray *templates = l->by_kind[HERD_SL_TEMPLATE];
  for (guint i = 0; i < templates->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (templates, i);
      for (guint k = 0; k < g->disks->len; k++)
        {
          const HerdSlDisk *image = &g_array_index (g->disks, HerdSlDisk, k);
          HerdStorageDomain *sd = herd_model_domain (model, image->domain_id);
          sd->template_volumes++;
          sd->used_mib += herd_volume_first_mib (
              image->thin, herd_storage_type_is_block (sd->type),
              image->size_mib, image->base_mib,
              model->params.thin_initial_mib);
        }
    }
  for (guint d = 0; d < dcs->len; d++)
    herd_model_datacenter (model, d)->master_domain = masters[d];

  GPtrArray *networks = l->by_kind[HERD_SL_NETWORK];
  for (guint i = 0; i < networks->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (networks, i);
      HerdNetwork *net = herd_model_add_network (model, g->name, g->ref);
      g_ptr_array_add (l->scenario->network_bridges,
                       herd_sl_value (l, g, "bridge"));
      net->required = g->required;
      net->vm_network = g->vm_network;
    }
  for (guint i = 0; i < clusters->len; i++)
    {
      HerdCluster *c = herd_model_cluster (model, i);
      c->required_networks = herd_sl_datacenter_networks (model,
                                                          c->datacenter,
                                                          TRUE);
    }

  GPtrArray *hosts = l->by_kind[HERD_SL_HOSTS];
  for (guint i = 0; i < hosts->len; i++)
    herd_sl_build_hosts (l, g_ptr_array_index (hosts, i));
  GPtrArray *vms = l->by_kind[HERD_SL_VMS];
  for (guint i = 0; i < vms->len; i++)
    herd_sl_build_vms (l, g_ptr_array_index (vms, i));

  /* After every VM: adding a group records it in its VMs. */
  GPtrArray *affinity = l->by_kind[HERD_SL_AFFINITY];
  for (guint i = 0; i < affinity->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (affinity, i);
      GArray *hosts_of = g->host_ids;
      HerdAffinityGroup *group = herd_model_add_affinity_group (
          model, g->name, g->ref, (HerdId *) g->vm_ids->data,
          g->vm_ids->len, hosts_of != NULL ? (HerdId *) hosts_of->data : NULL,
          hosts_of != NULL ? hosts_of->len : 0);
      group->vm_rule = g->vm_rule;
      group->vm_enforcing = g->vm_enforcing;
      group->host_rule = g->host_rule;
      group->host_enforcing = g->host_enforcing;
      group->priority = g->affinity_priority;
    }

  GPtrArray *growth = l->by_kind[HERD_SL_GROWTH];
  for (guint i = 0; i < growth->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (growth, i);
      HerdGrowth *gr = g_new0 (HerdGrowth, 1);
      gr->name = g_strdup (g->name);
      gr->every = g->every;
      gr->vms = (guint32) g->growth_vms;
      gr->cluster = g->growth_vms > 0 ? g->ref : HERD_ID_NONE;
      gr->vcpus = (guint32) g->vcpus;
      gr->memory_mib = g->memory_mib;
      gr->disk_mib = g->growth_disk_mib;
      gr->domain = g->growth_vms > 0 ? HERD_ID_NONE : g->storage_id;
      gr->grows_mib = g->grows_mib;
      g_ptr_array_add (l->scenario->growth, gr);
    }

  /* Actions and faults by time; GLib's sort is stable, so equal times
   * keep file order. */
  GPtrArray *actions = l->by_kind[HERD_SL_ACTION];
  for (guint i = 0; i < actions->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (actions, i);
      HerdAction *action = g_new0 (HerdAction, 1);
      action->name = g_strdup (g->name);
      action->at = g->at;
      action->kind = g->action;
      action->target = g_strdup (g->target);
      action->host = g_strdup (g->host);
      action->size_mib = g->size_mib;
      action->snapshot = g_strdup (g->snapshot);
      action->memory = g->memory;
      g_ptr_array_add (scenario->actions, action);
    }
  g_ptr_array_sort (scenario->actions, herd_action_compare);

  GPtrArray *faults = l->by_kind[HERD_SL_FAULT];
  for (guint i = 0; i < faults->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (faults, i);
      HerdFault *fault = g_new0 (HerdFault, 1);
      fault->name = g_strdup (g->name);
      fault->at = g->at;
      fault->kind = g->fault;
      fault->target = g_strdup (g->target);
      fault->host = g_strdup (g->host);
      fault->network = g_strdup (g->network);
      fault->duration = g->duration;
      g_ptr_array_add (scenario->faults, fault);
    }
  g_ptr_array_sort (scenario->faults, herd_fault_compare);

  GPtrArray *random = l->by_kind[HERD_SL_FAULTS];
  for (guint i = 0; i < random->len; i++)
    {
      HerdSlGroup *g = g_ptr_array_index (random, i);
      HerdRandomFaults *faults_of = g_new0 (HerdRandomFaults, 1);
      faults_of->kind = g->fault;
      faults_of->mtbf = g->mtbf;
      faults_of->mttr = g->mttr;
      if (g->host_ids != NULL)
        herd_id_list_set (&faults_of->hosts, (HerdId *) g->host_ids->data,
                          g->host_ids->len);
      else
        {
          g_autofree HerdId *all = g_new (HerdId, model->hosts->len);
          for (guint h = 0; h < model->hosts->len; h++)
            all[h] = h;
          herd_id_list_set (&faults_of->hosts, all, model->hosts->len);
        }
      g_ptr_array_add (scenario->random_faults, faults_of);
    }
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

static HerdScenario *
herd_scenario_new (const char *path, const char *text)
{
  HerdScenario *scenario = g_new0 (HerdScenario, 1);
  scenario->path = g_strdup (path);
  scenario->text = g_strdup (text);
  g_autofree char *base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".ini") && strlen (base) > strlen (".ini"))
    base[strlen (base) - strlen (".ini")] = '\0';
  scenario->name = g_steal_pointer (&base);
  scenario->duration = HERD_SL_DEFAULT_DURATION;
  scenario->seed = HERD_SL_DEFAULT_SEED;
  scenario->sample_interval = HERD_SL_DEFAULT_SAMPLE_INTERVAL;
  scenario->stats_interval = HERD_SL_DEFAULT_STATS_INTERVAL;
  scenario->migration_setup = HERD_SL_DEFAULT_MIGRATION_SETUP;
  scenario->io_timeout = HERD_SL_DEFAULT_IO_TIMEOUT;
  scenario->profile = HERD_PROFILE_RHV_4_1;
  scenario->model = herd_model_new ();
  scenario->host_groups
      = g_ptr_array_new_with_free_func (herd_host_group_free);
  scenario->vm_groups = g_ptr_array_new_with_free_func (herd_vm_group_free);
  scenario->actions = g_ptr_array_new_with_free_func (herd_action_free);
  scenario->growth = g_ptr_array_new_with_free_func (herd_growth_free);
  scenario->faults = g_ptr_array_new_with_free_func (herd_fault_free);
  scenario->random_faults
      = g_ptr_array_new_with_free_func (herd_random_faults_free);
  scenario->host_group_of = g_array_new (FALSE, FALSE, sizeof (guint32));
  scenario->domain_paths = g_ptr_array_new_with_free_func (g_free);
  scenario->network_bridges = g_ptr_array_new_with_free_func (g_free);
  scenario->run.reconnect_interval = HERD_SEC (2);
  scenario->run.job_poll_interval = HERD_MSEC (500);
  scenario->vm_group_of = g_array_new (FALSE, FALSE, sizeof (guint32));
  return scenario;
}

/* Runs the phases; on failure sets error from the loader's record. */
static gboolean
herd_sl_run (HerdSlLoader *l, const char *text, GError **error)
{
  g_autoptr (GString) clean = g_string_new (NULL);
  if (herd_sl_scan (l, text, clean))
    {
      g_autoptr (GError) local = NULL;
      l->keys = g_key_file_new ();
      if (!g_key_file_load_from_data (l->keys, clean->str, clean->len,
                                      G_KEY_FILE_NONE, &local))
        herd_sl_record (l, 0, HERD_SCENARIO_ERROR_READ,
                        g_strdup_printf ("%s: cannot be read as an INI file "
                                         "(%s)", l->path, local->message));
      else if (herd_sl_check_structure (l))
        {
          herd_sl_parse_values (l);
          if (herd_sl_check_totals (l))
            herd_sl_check_references (l);
          if (!herd_sl_failed (l))
            herd_sl_build (l);
        }
    }
  if (herd_sl_failed (l))
    {
      g_set_error_literal (error, HERD_SCENARIO_ERROR, l->error_code,
                           l->error_message);
      return FALSE;
    }
  return TRUE;
}

HerdScenario *
herd_scenario_load_data (const char *text, const char *path, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (path == NULL)
    path = "scenario.ini";
  g_autoptr (HerdScenario) scenario = herd_scenario_new (path, text);
  HerdSlLoader l = {
    .path = path,
    .scenario = scenario,
    .groups = g_ptr_array_new_with_free_func (herd_sl_group_free),
    .by_label = g_hash_table_new (g_str_hash, g_str_equal),
  };
  for (int k = 0; k < HERD_SL_KIND_LAST; k++)
    l.by_kind[k] = g_ptr_array_new ();
  gboolean ok = herd_sl_run (&l, text, error);
  herd_sl_loader_clear (&l);
  return ok ? g_steal_pointer (&scenario) : NULL;
}

HerdScenario *
herd_scenario_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                   "%s: cannot read the file (%s)", path, local->message);
      return NULL;
    }
  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, HERD_SCENARIO_ERROR, HERD_SCENARIO_ERROR_READ,
                   "%s: expected a text file, got a NUL byte", path);
      return NULL;
    }
  return herd_scenario_load_data (text, path, error);
}

void
herd_scenario_free (HerdScenario *scenario)
{
  if (scenario == NULL)
    return;
  g_free (scenario->path);
  g_free (scenario->text);
  g_free (scenario->name);
  herd_model_free (scenario->model);
  g_ptr_array_unref (scenario->host_groups);
  g_ptr_array_unref (scenario->vm_groups);
  g_ptr_array_unref (scenario->actions);
  g_ptr_array_unref (scenario->growth);
  g_ptr_array_unref (scenario->faults);
  g_ptr_array_unref (scenario->random_faults);
  g_array_unref (scenario->host_group_of);
  g_array_unref (scenario->vm_group_of);
  g_ptr_array_unref (scenario->domain_paths);
  g_ptr_array_unref (scenario->network_bridges);
  g_free (scenario->run.database);
  g_free (scenario->run.socket);
  g_free (scenario->run.log);
  g_free (scenario->run.domain_type);
  g_free (scenario);
}

const char *
herd_connect_key_name (HerdConnectKey key)
{
  static const char *const names[HERD_CONNECT_KEY_LAST] = {
    "uri", "sanlock_dir", "migration_uri", "fence_command", "fence_options",
    "proxy_command",
  };
  g_return_val_if_fail (key < HERD_CONNECT_KEY_LAST, "?");
  return names[key];
}

const char *
herd_action_kind_name (HerdActionKind kind)
{
  g_return_val_if_fail (kind < HERD_ACTION_KIND_LAST, "?");
  return herd_sl_action_names[kind];
}

const char *
herd_fault_kind_name (HerdFaultKind kind)
{
  g_return_val_if_fail (kind < HERD_FAULT_KIND_LAST, "?");
  return herd_sl_fault_names[kind];
}
