/* estate.h: a real cluster's inventory as `herd import` reads it (from
 * oVirt's REST API, a CSV inventory, ...), and the scenario it becomes.
 *
 * The readers (conf/import-ovirt.c, conf/import-csv.c) fill a HerdEstate
 * with what they understood, in the source's order, and a note for every
 * field or object they did not carry over (unknown, unsupported, or
 * changed on the way); herd_estate_write_scenario turns it into scenario
 * text (docs/scenarios.md) that `herd check` accepts: one [host NAME] and
 * [vm NAME] per host and VM, running VMs placed where they run (host =),
 * and a header saying where it came from.  docs/import.md describes the
 * mapping field by field. */
#pragma once

#include <glib.h>

/* Sizes in MiB, rates in bytes per second; -1 (or NULL) where the source
 * did not say, and the scenario's default then applies. */
typedef struct
{
  char *name;
} HerdEstateDatacenter;

typedef struct
{
  char *name;
  char *datacenter;
  char *policy;            /* none, evenly_distributed, power_saving, ... */
  GPtrArray *policy_params; /* "Name=value" of the policy's properties */
  gint memory_overcommit;  /* percent */
  gint64 migration_bandwidth; /* bytes/s */
  char *migration_policy;  /* legacy, minimal_downtime, ... */
  gint ha_reservation;     /* 0, 1, -1 unknown */
  gint fencing;            /* 0, 1, -1 unknown */
  gint skip_if_connectivity_broken;
  gint connectivity_threshold; /* percent */
  gint skip_if_lease_live;
  gint ksm;                /* 0, 1, -1 unknown */
  gint ballooning;         /* 0, 1, -1 unknown */
} HerdEstateCluster;

typedef struct
{
  char *name;
  char *cluster;
  gint64 cores;            /* sockets x cores per socket */
  gint64 threads;          /* x threads per core */
  gint64 memory_mib;
  gint spm_priority;       /* G_MININT unknown */
  char *fence_agents;      /* "ipmilan, drac5", NULL none */
  char *status;            /* as the source says: up, maintenance, ... */
} HerdEstateHost;

typedef struct
{
  char *name;
  char *cluster;
  char *host;              /* where it runs now, NULL when down */
  char *status;
  gint64 vcpus;
  gint64 memory_mib;
  gint64 guaranteed_mib;
  gint64 memory_used_mib;  /* what the guest has touched */
  double cpu_percent;      /* its vCPUs' busy share now, < 0 unknown */
  gboolean ha;
  char *priority;          /* low, medium, high, NULL */
  gboolean lease;
  char *pinned_to;         /* "h1, h2", NULL */
  gint migratable;         /* 0, 1, -1 unknown */
  gboolean stateless;
  char *resume;            /* after an I/O error pause: auto_resume,
                              leave_paused, kill; NULL: the default */
  char *migration_policy;  /* its own (legacy, post_copy, ...); NULL: its
                              cluster's */
  GPtrArray *disks;        /* HerdEstateDisk *, in the VM's order */
} HerdEstateVm;

/* What a disk held at a recorded time. */
typedef struct
{
  gint64 time;             /* seconds since 1970 */
  gint64 mib;
} HerdEstateHeld;

/* One disk of a VM. */
typedef struct
{
  gint64 size_mib;         /* virtual size */
  gboolean thin;
  gboolean qcow2;
  char *domain;            /* the storage domain's source name */
  gint64 data_mib;         /* what its volume holds now (the source's
                              actual size), -1 unknown */
  GArray *held;            /* HerdEstateHeld, recorded (any order), or
                              NULL */
} HerdEstateDisk;

typedef struct
{
  char *name;
  char *datacenter;
  char *type;              /* nfs, iscsi, fcp, glusterfs, posixfs, ... */
  char *role;              /* data, iso, export */
  gint64 capacity_mib;
  gint64 used_mib;
  gboolean master;
} HerdEstateDomain;

typedef struct
{
  char *name;
  char *datacenter;
  gboolean required;
  gboolean vm_network;
} HerdEstateNetwork;

typedef struct
{
  char *name;
  char *cluster;
  char *vms;               /* "a, b", NULL */
  char *hosts;
  char *vm_rule;           /* positive, negative, NULL: none */
  gint vm_enforcing;
  char *host_rule;
  gint host_enforcing;
} HerdEstateAffinity;

/* One recorded sample of a VM: its vCPUs' busy share and the share of
 * its memory its guest uses (< 0: not known). */
typedef struct
{
  gint64 time;             /* seconds since 1970 */
  double cpu_percent;
  double memory_percent;
  double write_bps;        /* bytes written per second, all its disks */
} HerdEstateSample;

/* A file the writer makes beside the scenario (a VM's recorded series). */
typedef struct
{
  char *path;              /* relative to the scenario's directory */
  char *text;
} HerdEstateFile;

typedef struct
{
  char *source;            /* what was read, for the header */
  char *profile;           /* the scenario's profile (rhv-4.1, ...), NULL:
                              the default */
  GPtrArray *defaults;     /* "Name=value" of [defaults] parameters */
  GPtrArray *datacenters, *clusters, *hosts, *vms, *domains, *networks,
      *affinity;
  GPtrArray *notes;        /* char *: "object: field: what happened" */
  GHashTable *history;     /* VM name (the source's) -> GArray of
                              HerdEstateSample */
  char *history_dir;       /* where the writer puts each VM's history
                              (relative to the scenario); NULL: none is
                              written (a note says so) */
  GPtrArray *files;        /* HerdEstateFile * the writer made */
  guint replayed;          /* VMs the writer gave their history */
} HerdEstate;

HerdEstate *herd_estate_new (const char *source);
void herd_estate_free (HerdEstate *estate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdEstate, herd_estate_free)

HerdEstateDatacenter *herd_estate_add_datacenter (HerdEstate *e,
                                                  const char *name);
HerdEstateCluster *herd_estate_add_cluster (HerdEstate *e, const char *name);
HerdEstateHost *herd_estate_add_host (HerdEstate *e, const char *name);
HerdEstateVm *herd_estate_add_vm (HerdEstate *e, const char *name);
/* Adds a disk to v (data unknown, nothing held). */
HerdEstateDisk *herd_estate_add_disk (HerdEstateVm *v, gint64 size_mib,
                                      gboolean thin, gboolean qcow2,
                                      const char *domain);
/* Records that d held mib at time. */
void herd_estate_disk_held (HerdEstateDisk *d, gint64 time, gint64 mib);
HerdEstateDomain *herd_estate_add_domain (HerdEstate *e, const char *name);
HerdEstateNetwork *herd_estate_add_network (HerdEstate *e,
                                            const char *name);
HerdEstateAffinity *herd_estate_add_affinity (HerdEstate *e,
                                              const char *name);

/* Adds a recorded sample of VM vm (in any order: the writer sorts
 * them; of samples at the same time it keeps the lowest). */
void herd_estate_add_sample (HerdEstate *e, const char *vm, gint64 time,
                             double cpu_percent, double memory_percent,
                             double write_bps);

/* Records what happened to a field or object on the way in. */
void herd_estate_note (HerdEstate *e, const char *format, ...)
    G_GNUC_PRINTF (2, 3);

/* The scenario, named name: datacenters, clusters, storage, networks,
 * hosts, VMs (running ones with host =), affinity groups.  With a
 * history and a history_dir, each VM with samples plays them (cpu =
 * trace:samples:HISTORY_DIR/VM.csv, and memory_used the same where its
 * memory is known, and write_rate = trace:HISTORY_DIR/VM-writes.csv
 * (VM-growth.csv: its thin disks' recorded growth, where it was recorded;
 * else its disk writes, spread over its disks); the files added to e->files,
 * every series over the whole history, idle where the VM has no sample)
 * and the scenario lasts as long as the history, stepping and sampling at
 * its interval.  A thin disk holds (data=) what it held at the history's
 * start, else its data_mib.  Names that
 * are not scenario names (letters, digits, '-', '_', '.', starting with
 * a letter or digit) are changed, with a note.  NULL with an error
 * (HERD_IMPORT_ERROR_INVALID) when no cluster with its data center is
 * left: a scenario needs one. */
char *herd_estate_write_scenario (HerdEstate *e, const char *name,
                                  GError **error);
