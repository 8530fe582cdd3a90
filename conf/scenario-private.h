/* scenario-private.h: what the files of the scenario loader share
 * (conf/scenario*.c only: nothing outside conf/ includes it).
 *
 * The group kinds and what each takes, the limits a scenario is held to,
 * the loader's state (HerdSlLoader) and one group of the file with what
 * phase 3 read from it (HerdSlGroup), and the functions one file of the
 * loader calls in another, by file.  scenario.c describes the phases and
 * which file owns what. */
#pragma once

#include "conf/scenario.h"

/* The kinds of group, as herd_sl_kinds names them. */
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

/* What each group kind is called and takes (scenario-syntax.c). */
typedef struct
{
  const char *name;
  gboolean named;                 /* [kind NAME] rather than [kind] */
  const char *const *keys;        /* besides the parameter tables */
  const char *const *required;
} HerdSlKindInfo;

extern const HerdSlKindInfo herd_sl_kinds[HERD_SL_KIND_LAST];
/* Fault kinds, in HerdFaultKind order (scenario-timeline.c). */
extern const char *const herd_sl_fault_names[HERD_FAULT_KIND_LAST];

/* The limits a scenario is held to. */
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

/* What the lists of names of some keys hold, for messages. */
#define HERD_SL_NETWORK_NAMES "network names such as ovirtmgmt, display"
#define HERD_SL_HOST_REFS                                                   \
  "hosts (h-3) and [hosts NAME] groups (h: all of its hosts)"
#define HERD_SL_VM_REFS                                                     \
  "VMs (web-3) and [vms NAME] groups (web: all of its VMs)"
#define HERD_SL_LABELS "labels such as gpu, ssd"

/* One disk of a [vms] or [template] group. */
typedef struct
{
  gint64 size_mib;
  gboolean thin;
  char *domain; /* NULL: the data center's master domain */
  HerdId domain_id;
  gint64 base_mib; /* data it holds when created: a clone's copy, data= */
  HerdDiskFormat format; /* HERD_DISK_FORMAT_DEFAULT: by allocation */
} HerdSlDisk;

/* One group of the file and what phase 3 read from it. */
typedef struct
{
  HerdSlKind kind;
  char *name;            /* NULL for [scenario] and [defaults] */
  char *label;           /* "hosts h": the GKeyFile group and in messages */
  gboolean single;       /* [host NAME], [vm NAME]: one host or VM called
                            NAME (kind HOSTS, VMS), not NAME-1 .. */
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
  HerdMigrationPolicy migration_policy; /* also [vms]: _LAST, the
                                           cluster's */
  gint64 migration_bandwidth;  /* bytes/s */
  gboolean ha_reservation, fencing;
  gboolean ksm, ballooning;       /* [cluster] memory optimisations */
  double ksm_sharing;             /* 0..1 */
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
  HerdWorkloadSpec memory_model; /* [vms] memory_used as a model (percent
                                    of memory), when memory_varies */
  gboolean memory_varies;
  HerdTraceSet *memory_trace; /* memory_used = trace:samples:... */
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

/* The loader: the file's groups and the error to report. */
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

/* scenario-syntax.c: errors, messages, phases 1 and 2. */
void herd_sl_record (HerdSlLoader *l, guint line, HerdScenarioError code,
                     char *message);
gboolean herd_sl_failed (HerdSlLoader *l);
guint herd_sl_key_line (HerdSlGroup *g, const char *key);
void herd_sl_fail_group (HerdSlLoader *l, HerdSlGroup *g, const char *format,
                         ...) G_GNUC_PRINTF (3, 4);
void herd_sl_fail_key (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                       const char *format, ...) G_GNUC_PRINTF (4, 5);
void herd_sl_fail_expected (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                            const char *expected, const char *value);
char *herd_sl_join_or (const char *const *names, gsize n);
char *herd_sl_list_names (HerdSlLoader *l, HerdSlKind kind);
char *herd_sl_format_size (gint64 mib);
/* A [hosts]/[vms] group's count (1..max, default 1), which [host NAME]
 * and [vm NAME] (one what) may not give. */
void herd_sl_read_count (HerdSlLoader *l, HerdSlGroup *g, const char *what,
                         gint64 max);
gboolean herd_sl_scan (HerdSlLoader *l, const char *text, GString *clean);
gboolean herd_sl_in_list (const char *const *list, const char *text);
gboolean herd_sl_check_structure (HerdSlLoader *l);

/* scenario-refs.c: values of keys and references. */
char *herd_sl_value (HerdSlLoader *l, HerdSlGroup *g, const char *key);
gboolean herd_sl_fail_units (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                             GError *local);
gboolean herd_sl_read_size (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                            gint64 dflt, gboolean positive, gint64 *out);
gboolean herd_sl_read_duration (HerdSlLoader *l, HerdSlGroup *g,
                                const char *key, HerdTime dflt,
                                gboolean positive, HerdTime *out);
gboolean herd_sl_read_rate (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                            const char *dflt, gboolean positive, gint64 *out);
gboolean herd_sl_read_integer (HerdSlLoader *l, HerdSlGroup *g,
                               const char *key, gint64 min, gint64 max,
                               gint64 dflt, gint64 *out);
gboolean herd_sl_read_boolean (HerdSlLoader *l, HerdSlGroup *g,
                               const char *key, gboolean dflt, gboolean *out);
gboolean herd_sl_read_power (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                             double dflt, double *out);
gboolean herd_sl_read_percent (HerdSlLoader *l, HerdSlGroup *g,
                               const char *key, double dflt, double *out);
gboolean herd_sl_read_fraction (HerdSlLoader *l, HerdSlGroup *g,
                                const char *key, double dflt, double *out);
gboolean herd_sl_read_choice (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                              const char *const *names, gsize n, int dflt,
                              int *out);
gboolean herd_sl_read_names (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                             const char *what, char ***out);
void herd_sl_resolve (HerdSlLoader *l, HerdSlGroup *g, const char *key,
                      HerdSlKind kind);
HerdSlGroup *herd_sl_group_of (HerdSlLoader *l, HerdSlKind kind, guint index);
/* A [host NAME] or [vm NAME] group fails when another group's numbered
 * member has its name. */
void herd_sl_check_single_names (HerdSlLoader *l, HerdSlGroup *g);
char *herd_sl_list_members_in (HerdSlLoader *l, HerdSlKind kind,
                               HerdId cluster, HerdId dc);
char *herd_sl_list_members (HerdSlLoader *l, HerdSlKind kind, HerdId cluster);
HerdSlGroup *herd_sl_check_member (HerdSlLoader *l, HerdSlGroup *g,
                                   const char *key, const char *name,
                                   HerdSlKind kind);
void herd_sl_sort_unique (GArray *ids);
void herd_sl_append_members (HerdSlLoader *l, HerdSlGroup *g, GArray *ids);
GArray *herd_sl_resolve_members (HerdSlLoader *l, HerdSlGroup *g,
                                 const char *key, char **names,
                                 HerdSlKind kind, HerdId cluster,
                                 const char *why);

/* scenario-clusters.c: [cluster]; datacenters and clusters. */
void herd_sl_parse_cluster (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_build_clusters (HerdSlLoader *l);

/* scenario-hosts.c: [hosts]. */
void herd_sl_parse_hosts (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_build_hosts (HerdSlLoader *l, HerdSlGroup *g);

/* scenario-vms.c: [vms], [template] and disks. */
void herd_sl_parse_template (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_parse_vms (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_check_disks (HerdSlLoader *l, HerdSlGroup *g,
                          const HerdId *masters);
void herd_sl_apply_template (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_check_lease (HerdSlLoader *l, HerdSlGroup *g,
                          const HerdId *masters);
void herd_sl_check_vm_hosts (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_check_placed (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_build_vms (HerdSlLoader *l, HerdSlGroup *g);

/* scenario-storage.c: [storage] and [network]. */
void herd_sl_parse_storage (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_parse_network (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_check_masters (HerdSlLoader *l);
HerdId *herd_sl_masters (HerdSlLoader *l);
char *herd_sl_list_networks (HerdSlLoader *l, HerdId dc, gboolean vm_only);
void herd_sl_check_network_count (HerdSlLoader *l);
void herd_sl_check_networks (HerdSlLoader *l, HerdSlGroup *g);
HerdNetworkSet herd_sl_network_set (HerdModel *model, GArray *ids);
HerdNetworkSet herd_sl_datacenter_networks (HerdModel *model, HerdId dc,
                                            gboolean required_only);
void herd_sl_build_storage (HerdSlLoader *l);
void herd_sl_build_networks (HerdSlLoader *l);

/* scenario-affinity.c: [affinity] and labels. */
void herd_sl_parse_affinity (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_check_affinity (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_build_affinity (HerdSlLoader *l);

/* scenario-timeline.c: [action], [fault], [faults random] and [growth]. */
void herd_sl_parse_growth (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_parse_action (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_parse_fault (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_parse_random_faults (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_check_action (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                           const char *duration_text);
void herd_sl_check_fault (HerdSlLoader *l, HerdSlGroup *g, HerdTime duration,
                          const char *duration_text);
void herd_sl_check_random_faults (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_resolve_storage (HerdSlLoader *l, HerdSlGroup *g);
void herd_sl_build_growth (HerdSlLoader *l);
void herd_sl_build_actions (HerdSlLoader *l);
void herd_sl_build_faults (HerdSlLoader *l);
void herd_sl_build_random_faults (HerdSlLoader *l);

/* scenario-checks.c: caps and checks across kinds. */
gboolean herd_sl_check_totals (HerdSlLoader *l);
void herd_sl_check_references (HerdSlLoader *l);
