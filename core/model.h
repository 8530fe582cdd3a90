/* model.h: the manager's view of the cluster (behaviour.md §1).
 *
 * Data centers, clusters, hosts, VMs, storage domains, logical networks and
 * disks live in id-indexed arrays owned by a HerdModel: an object's id is its
 * index, assigned in definition order, and every iteration walks these
 * arrays in id order.  A name -> id hash table serves lookups only.
 *
 * Fields hold what the manager knows (status, the host a VM runs on, the
 * stats last reported, pending reservations), never the simulated truth,
 * which lives in the simulator.  Units are in the field names or comments:
 * memory in MiB, CPU in millicores (1000 = one fully used core), times in
 * HerdTime nanoseconds, rates in bytes per second. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"
#include "core/params.h"

typedef guint32 HerdId;
#define HERD_ID_NONE G_MAXUINT32

/* A short list of ids (hosts a VM is pinned to, groups it belongs to). */
typedef struct
{
  HerdId *ids;
  guint32 n;
} HerdIdList;

/* Logical networks of a data center are numbered 0..63 (HerdNetwork.bit);
 * a set of them is a bit mask. */
typedef guint64 HerdNetworkSet;
#define HERD_MAX_NETWORKS_PER_DC 64

typedef enum
{
  HERD_HOST_UP,
  HERD_HOST_CONNECTING,
  HERD_HOST_NON_RESPONSIVE,
  HERD_HOST_MAINTENANCE,
  HERD_HOST_PREPARING_FOR_MAINTENANCE,
  HERD_HOST_NON_OPERATIONAL,
  HERD_HOST_REBOOT,
  HERD_HOST_DOWN,
  HERD_HOST_INSTALLING,
  HERD_HOST_INSTALL_FAILED,
  HERD_HOST_INITIALIZING,
  HERD_HOST_KDUMPING,
  HERD_HOST_STATUS_LAST
} HerdHostStatus;

typedef enum
{
  HERD_VM_DOWN,
  HERD_VM_WAIT_FOR_LAUNCH,
  HERD_VM_POWERING_UP,
  HERD_VM_UP,
  HERD_VM_MIGRATING_FROM,
  HERD_VM_MIGRATING_TO,
  HERD_VM_PAUSED,
  HERD_VM_UNKNOWN,
  HERD_VM_NOT_RESPONDING,
  HERD_VM_POWERING_DOWN,
  HERD_VM_REBOOT_IN_PROGRESS,
  HERD_VM_IMAGE_LOCKED,
  HERD_VM_STATUS_LAST
} HerdVmStatus;

typedef enum
{
  HERD_PAUSE_NONE,
  HERD_PAUSE_USER,
  HERD_PAUSE_ENOSPC,
  HERD_PAUSE_EIO,
  HERD_PAUSE_MIGRATION,
  HERD_PAUSE_LAST
} HerdPauseReason;

/* What can be done with a VM's snapshots (behaviour.md §9). */
typedef enum
{
  HERD_SNAPSHOT_CREATE,  /* a new volume on top of every disk (and, for a
                            running VM with memory, its memory volumes) */
  HERD_SNAPSHOT_PREVIEW, /* a temporary volume per disk over a snapshot */
  HERD_SNAPSHOT_COMMIT,  /* keep the preview; later snapshots go */
  HERD_SNAPSHOT_UNDO,    /* drop the preview */
  HERD_SNAPSHOT_DELETE,  /* merge a snapshot's volumes into the next ones */
  HERD_SNAPSHOT_OP_LAST
} HerdSnapshotOp;

typedef enum
{
  HERD_PRIORITY_LOW,
  HERD_PRIORITY_MEDIUM,
  HERD_PRIORITY_HIGH,
  HERD_PRIORITY_LAST
} HerdPriority;

typedef enum
{
  HERD_STORAGE_NFS,
  HERD_STORAGE_POSIX,
  HERD_STORAGE_GLUSTERFS,
  HERD_STORAGE_ISCSI,
  HERD_STORAGE_FCP,
  HERD_STORAGE_TYPE_LAST
} HerdStorageType;

typedef enum
{
  HERD_DOMAIN_DATA,
  HERD_DOMAIN_ISO,
  HERD_DOMAIN_EXPORT,
  HERD_DOMAIN_ROLE_LAST
} HerdDomainRole;

typedef enum
{
  HERD_DOMAIN_ACTIVE,
  HERD_DOMAIN_INACTIVE,
  HERD_DOMAIN_MAINTENANCE,
  HERD_DOMAIN_LOCKED,
  HERD_DOMAIN_UNATTACHED,
  HERD_DOMAIN_STATUS_LAST
} HerdDomainStatus;

/* What happens to a VM paused by an I/O error when its storage returns or
 * its host is fenced (behaviour.md §6). */
typedef enum
{
  HERD_RESUME_AUTO,         /* auto_resume */
  HERD_RESUME_LEAVE_PAUSED, /* leave_paused */
  HERD_RESUME_KILL,         /* kill: resumed as auto_resume, killed once
                               paused 8 x io_timeout */
  HERD_RESUME_LAST
} HerdResumePolicy;

typedef enum
{
  HERD_POLICY_NONE,
  HERD_POLICY_EVENLY_DISTRIBUTED,
  HERD_POLICY_POWER_SAVING,
  HERD_POLICY_VM_EVENLY_DISTRIBUTED,
  HERD_POLICY_CLUSTER_MAINTENANCE,
  HERD_POLICY_LAST
} HerdPolicyKind;

typedef enum
{
  HERD_MIGRATION_LEGACY,
  HERD_MIGRATION_MINIMAL_DOWNTIME,
  HERD_MIGRATION_SUSPEND_WORKLOAD,
  HERD_MIGRATION_POST_COPY,
  HERD_MIGRATION_POLICY_LAST
} HerdMigrationPolicy;

typedef enum
{
  HERD_AFFINITY_NONE,     /* no rule of this kind */
  HERD_AFFINITY_POSITIVE, /* together / on these hosts */
  HERD_AFFINITY_NEGATIVE, /* apart / not on these hosts */
  HERD_AFFINITY_LAST
} HerdAffinityRule;

/* An affinity group (behaviour.md §1-§2): a VM-to-VM rule among its VMs
 * and a VM-to-host rule between its VMs and its hosts, each hard
 * (enforcing: a filter) or soft (a weight). */
typedef struct
{
  HerdId id;
  char *name;
  HerdId cluster;
  HerdIdList vms;           /* ascending */
  HerdIdList hosts;         /* ascending */
  HerdAffinityRule vm_rule;
  gboolean vm_enforcing;
  HerdAffinityRule host_rule;
  gboolean host_enforcing;
  double priority;          /* oVirt's group priority: the affinity weights
                               rank hosts by the priorities of the groups
                               they would break (default 1) */
} HerdAffinityGroup;

typedef struct
{
  HerdId id;
  char *name;
  HerdId spm_host;       /* HERD_ID_NONE while no host is SPM */
  HerdId master_domain;  /* HERD_ID_NONE until a master is chosen */
} HerdDatacenter;

typedef struct
{
  HerdId id;
  char *name;
  HerdId datacenter;
  HerdPolicyKind policy;
  HerdPolicyParams policy_params;
  guint memory_overcommit_percent; /* 100 none, 150 server, 200 desktop */
  gboolean ksm;                    /* MoM may run KSM on its hosts */
  double ksm_sharing;              /* share (0..1) of its VMs' memory that
                                      KSM finds identical and merges */
  gboolean ballooning;             /* MoM may shrink guests' balloons */
  HerdMigrationPolicy migration_policy;
  gint64 migration_bandwidth;      /* cap per migration, bytes/s */
  gboolean ha_reservation;
  /* Fencing policy: fencing on at all; skip while the host's storage
   * lease is LIVE; skip while at least connectivity_threshold (0..1) of
   * the cluster's hosts are Connecting or NonResponsive. */
  gboolean fencing;
  gboolean skip_fencing_if_lease_live;
  gboolean skip_fencing_if_connectivity_broken;
  double connectivity_threshold;
  GArray *hosts;                   /* HerdId, ascending */
  HerdNetworkSet required_networks; /* its DC's required networks */
} HerdCluster;

typedef struct
{
  HerdId id;
  char *name;
  HerdId cluster;
  guint64 domains_trouble;  /* domains (bits) it reports unchecked 30 s+ */
  guint32 cores;
  guint32 threads;          /* hardware threads (>= cores) */
  gint64 memory_mib;        /* physical memory */
  gint64 swap_mib;
  gint64 reserved_mib;      /* kept for the host itself (overcommit check) */
  gint64 nic_bandwidth;     /* migration NIC, bytes/s */
  gint32 spm_priority;      /* -1 never, 0..10 */
  HerdHostStatus status;
  /* What the host last reported (stats). */
  gint64 cpu_used_mc;       /* CPU in use, millicores */
  gint64 mem_free_mib;      /* free physical memory plus free swap */
  gboolean lockspace_down;  /* its host-id lease is not LIVE: it cannot
                               take a VM lease */
  /* Bookkeeping of the manager. */
  gint64 pending_cpu_mc;    /* reserved for VMs placed but not yet Up */
  gint64 pending_mem_mib;
  guint32 pending_vms;      /* VMs holding a reservation here */
  gint64 committed_mem_mib; /* sum of memory + overhead of VMs on it */
  guint32 vm_count;         /* VMs the manager believes run here */
  guint32 vm_vcpus;         /* their vCPUs */
  guint32 pending_vcpus;    /* vCPUs of the VMs holding a reservation */
  HerdTime cpu_over_since;  /* CPU at or over HighUtilization or at or
                               under the low threshold since (oVirt's
                               cpuOverCommitTimestamp), or NEVER */
  HerdNetworkSet networks;  /* logical networks attached to it */
  HerdNetworkSet networks_down; /* attached but down (NIC failure) */
  guint32 ha_vm_count;      /* HA VMs the manager believes run here */
  gboolean power_management; /* has a fence agent: can be powered on/off */
  gboolean pm_policy;       /* power saving may switch it (oVirt's
                               controlled_by_pm_policy): set when it comes
                               Up, cleared when an operator puts it into
                               Maintenance */
  guint32 fence_agents;     /* number of fence agents */
  gboolean fence_concurrent; /* agents act together (else in turn) */
  guint32 sanlock_id;       /* host id in its DC's lockspace, 0: none */
  gboolean removed;         /* removed at run time (herd run): its id stays
                               taken, it is in no cluster's hosts, its
                               name is free (herd_model_remove_host) */
} HerdHost;

typedef struct
{
  HerdId id;
  char *name;
  HerdId cluster;
  guint32 vcpus;
  gint64 memory_mib;        /* defined memory */
  gint64 guaranteed_mib;    /* guaranteed memory */
  gboolean ha;
  HerdPriority priority;
  HerdVmStatus status;
  HerdPauseReason pause_reason;
  HerdId host;              /* where it runs (or starts), HERD_ID_NONE */
  HerdId pending_host;      /* host holding its pending reservation */
  HerdId migrating_to;      /* destination of its migration, or NONE */
  HerdId first_disk;        /* its disks: ids first_disk .. + n_disks - 1 */
  guint32 n_disks;
  gboolean committed;       /* counted in host's committed memory */
  gint64 pending_cpu_mc;    /* CPU reserved on pending_host */
  gint64 cpu_used_mc;       /* last reported, -1 while not yet measured */
  HerdTime status_since;
  HerdNetworkSet networks;  /* networks of its vNICs */
  HerdIdList pinned_to;     /* PinToHost: only these hosts (empty: any) */
  gboolean migratable;      /* FALSE: "do not migrate" */
  HerdIdList preferred_hosts; /* the preferred-hosts weight */
  HerdIdList affinity_groups; /* groups it belongs to, ascending */
  gboolean lease;           /* has a VM lease (restarts without fencing
                               once the lease is free) */
  HerdResumePolicy resume_policy; /* after an I/O-error pause */
  HerdMigrationPolicy migration_policy; /* its own, overriding its
                                           cluster's (oVirt's VM migration
                                           policy); _LAST: the cluster's */
  gboolean removed;         /* removed at run time (herd run): Down, in no
                               affinity group, its name free */
} HerdVm;

typedef struct
{
  HerdId id;
  char *name;
  HerdId datacenter;
  HerdStorageType type;
  HerdDomainRole role;
  HerdDomainStatus status;
  gboolean master;
  gint64 capacity_mib;
  gint64 used_mib;          /* taken before any VM disk: a block domain's
                               internal volumes, templates' images */
  gint64 template_volumes;  /* volumes of templates' images on it */
  /* Free space below which the domain is low (IRS_DISK_SPACE_LOW) and
   * critical (IRS_DISK_SPACE_LOW_ERROR), fractions of its capacity. */
  double warning_free;
  double critical_free;
} HerdStorageDomain;

typedef struct
{
  HerdId id;
  char *name;
  HerdId datacenter;
  gboolean required;
  gboolean vm_network;
  guint bit;                /* its bit in a HerdNetworkSet (per DC) */
} HerdNetwork;

/* A volume's format (behaviour.md §1): raw sparse only on file domains;
 * on block storage thin means qcow2. */
typedef enum
{
  HERD_DISK_FORMAT_DEFAULT, /* not given: raw, or qcow2 for thin on block */
  HERD_DISK_RAW,
  HERD_DISK_QCOW2,
} HerdDiskFormat;

typedef struct
{
  HerdId id;
  HerdId vm;
  HerdId domain;            /* HERD_ID_NONE: the data center's master */
  gint64 virtual_mib;
  gboolean thin;            /* sparse/qcow2 (thin) or preallocated */
  gint64 base_mib;          /* data it holds when created: a clone's copy
                               of its template's image; else 0 */
  HerdDiskFormat format;    /* raw or qcow2 (set by the loader) */
} HerdDisk;

typedef struct
{
  HerdParams params;        /* the manager's parameters (params.h) */
  GPtrArray *datacenters;   /* HerdDatacenter *, index = id */
  GPtrArray *clusters;
  GPtrArray *hosts;
  GPtrArray *vms;
  GPtrArray *domains;
  GPtrArray *networks;
  GPtrArray *disks;
  GPtrArray *affinity_groups;
  GHashTable *names;        /* "kind:name" -> id + 1, lookups only */
  /* Room reserved for hosts, VMs, disks and storage domains added at run
   * time (herd run): the parts of the manager and the drivers size their
   * per-object arrays for this many (herd_model_*_slots), so that an
   * object added moves nothing another thread may hold.  0: only what is
   * defined. */
  guint32 host_room, vm_room, disk_room, domain_room;
} HerdModel;

HerdModel *herd_model_new (void);
void herd_model_free (HerdModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdModel, herd_model_free)

/* Adders: the object is zero-filled except id, name and the defaults noted
 * in each struct; the caller fills the rest.  Names must be unique per kind
 * (assertion). */
HerdDatacenter *herd_model_add_datacenter (HerdModel *model, const char *name);
HerdCluster *herd_model_add_cluster (HerdModel *model, const char *name,
                                     HerdId datacenter);
HerdHost *herd_model_add_host (HerdModel *model, const char *name,
                               HerdId cluster);
HerdVm *herd_model_add_vm (HerdModel *model, const char *name,
                           HerdId cluster);
HerdStorageDomain *herd_model_add_domain (HerdModel *model, const char *name,
                                          HerdId datacenter);
HerdNetwork *herd_model_add_network (HerdModel *model, const char *name,
                                     HerdId datacenter);
/* A VM's disks are added one after another (their ids consecutive). */
HerdDisk *herd_model_add_disk (HerdModel *model, HerdId vm);
/* Also records the group in each member VM's affinity_groups (members and
 * hosts are stored sorted, without duplicates). */
HerdAffinityGroup *herd_model_add_affinity_group (HerdModel *model,
                                                  const char *name,
                                                  HerdId cluster,
                                                  const HerdId *vms,
                                                  guint32 n_vms,
                                                  const HerdId *hosts,
                                                  guint32 n_hosts);

/* Reserves room for hosts, VMs, disks and storage domains to be added at
 * run time (at least the objects already defined): the object arrays
 * themselves are allocated for as many, so that adding within the room
 * moves nothing. */
void herd_model_reserve (HerdModel *model, guint32 hosts, guint32 vms,
                         guint32 disks, guint32 domains);
/* How many hosts, VMs and disks the per-object arrays of the manager and
 * the drivers are sized for: the room reserved, or what is defined, and
 * at least 1. */
static inline guint
herd_model_host_slots (const HerdModel *model)
{
  return MAX (MAX (model->hosts->len, model->host_room), 1);
}
static inline guint
herd_model_vm_slots (const HerdModel *model)
{
  return MAX (MAX (model->vms->len, model->vm_room), 1);
}
static inline guint
herd_model_disk_slots (const HerdModel *model)
{
  return MAX (MAX (model->disks->len, model->disk_room), 1);
}
static inline guint
herd_model_domain_slots (const HerdModel *model)
{
  return MAX (MAX (model->domains->len, model->domain_room), 1);
}

/* Removal at run time: the object stays (ids are indexes) but is marked
 * removed and its name is freed for a new object.  A host leaves its
 * cluster's hosts; a VM leaves its affinity groups. */
void herd_model_remove_host (HerdModel *model, HerdId host);
void herd_model_remove_vm (HerdModel *model, HerdId vm);

/* Id lists: copies of ids (sorted ascending, duplicates dropped), and the
 * test for membership (binary search). */
void herd_id_list_set (HerdIdList *list, const HerdId *ids, guint32 n);
void herd_id_list_clear (HerdIdList *list);
gboolean herd_id_list_contains (const HerdIdList *list, HerdId id);

/* Lookups by name; HERD_ID_NONE when absent. */
HerdId herd_model_find_datacenter (HerdModel *model, const char *name);
HerdId herd_model_find_cluster (HerdModel *model, const char *name);
HerdId herd_model_find_host (HerdModel *model, const char *name);
HerdId herd_model_find_vm (HerdModel *model, const char *name);
HerdId herd_model_find_domain (HerdModel *model, const char *name);
HerdId herd_model_find_network (HerdModel *model, const char *name);

#define herd_model_datacenter(m, id) \
  ((HerdDatacenter *) g_ptr_array_index ((m)->datacenters, (id)))
#define herd_model_cluster(m, id) \
  ((HerdCluster *) g_ptr_array_index ((m)->clusters, (id)))
#define herd_model_host(m, id) \
  ((HerdHost *) g_ptr_array_index ((m)->hosts, (id)))
#define herd_model_vm(m, id) ((HerdVm *) g_ptr_array_index ((m)->vms, (id)))
#define herd_model_domain(m, id) \
  ((HerdStorageDomain *) g_ptr_array_index ((m)->domains, (id)))
#define herd_model_network(m, id) \
  ((HerdNetwork *) g_ptr_array_index ((m)->networks, (id)))
#define herd_model_affinity_group(m, id) \
  ((HerdAffinityGroup *) g_ptr_array_index ((m)->affinity_groups, (id)))

/* Names of enum values as they appear in traces, scenarios and the results
 * database ("Up", "PreparingForMaintenance", "evenly_distributed", ...). */
const char *herd_host_status_name (HerdHostStatus status);
const char *herd_vm_status_name (HerdVmStatus status);
const char *herd_pause_reason_name (HerdPauseReason reason);
const char *herd_priority_name (HerdPriority priority);
const char *herd_storage_type_name (HerdStorageType type);
const char *herd_policy_name (HerdPolicyKind policy);
const char *herd_migration_policy_name (HerdMigrationPolicy policy);

/* Parsers for the scenario spellings of the enums above (lower-case names:
 * "evenly_distributed", "high", "iscsi", ...).  FALSE when unknown. */
gboolean herd_priority_from_string (const char *text, HerdPriority *out);
gboolean herd_storage_type_from_string (const char *text,
                                        HerdStorageType *out);
gboolean herd_policy_from_string (const char *text, HerdPolicyKind *out);
gboolean herd_migration_policy_from_string (const char *text,
                                            HerdMigrationPolicy *out);

/* File domains (NFS, POSIX, GlusterFS) versus block (iSCSI, FCP). */
gboolean herd_storage_type_is_block (HerdStorageType type);
/* What a new volume takes from its domain: a preallocated one its whole
 * virtual size; a thin one on file storage the data it holds (base); a
 * thin one on block storage an LV of initial_mib (ThinVolumeInitialSize)
 * when it is empty, else, as VDSM creates a qcow2 volume with an initial
 * size (a copy's data), 1.1 x its data (QCOW_OVERHEAD_FACTOR), rounded up
 * to the MiB. */
gint64 herd_volume_first_mib (gboolean thin, gboolean block,
                              gint64 virtual_mib, gint64 base_mib,
                              gint64 initial_mib);
/* The most a thin volume's LV grows to: 1.1 x its virtual size. */
gint64 herd_volume_max_lv_mib (gint64 virtual_mib);

const char *herd_affinity_rule_name (HerdAffinityRule rule);
const char *herd_resume_policy_name (HerdResumePolicy policy);
gboolean herd_resume_policy_from_string (const char *text,
                                         HerdResumePolicy *out);
gboolean herd_affinity_rule_from_string (const char *text,
                                         HerdAffinityRule *out);
