/* ganeti.h: clusters described as Ganeti's htools describe them, for
 * herd plan.
 *
 * Two sources: a file in the htools text backend format (what `hspace
 * -S` or `hbal -S` write, and what `-t FILE` reads), and hspace's
 * --simulate specification (POLICY,NODES,DISK,MEM,CPU: an empty uniform
 * cluster).  The text format has five sections separated by empty lines:
 *   node groups   name|uuid|alloc_policy|networks|tags
 *   nodes         name|mem_total|mem_node|mem_free|disk_total|disk_free|
 *                 cpus|offline|group_uuid|spindles|tags|excl_storage|
 *                 free_spindles|cpus_node|cpu_speed   (from the 9th field
 *                 on, optional)
 *   instances     name|mem|disk|vcpus|status|auto_balance|pnode|snode|
 *                 disk_template|tags|...   (sizes in MiB)
 *   cluster tags  one per line
 *   policies      owner|std spec|min spec;max spec|disk templates|
 *                 vcpu_ratio|spindle_ratio (specs: mem,cpus,disk,disks,
 *                 nics,spindles)
 * Each node group becomes a herd cluster of one data center; each node a
 * host (offline nodes are in maintenance) whose local disk the plan
 * checks; each instance a VM committed on its primary node.  Cluster
 * tags and instance policies are read past: herd's limits are the
 * manager's.  Errors name
 * the file, the line and the field. */
#pragma once

#include <glib.h>

#include "core/model.h"

/* Bounds of the numbers read, so that sums over a whole cluster stay far
 * from overflowing: sizes (MiB) up to 2^40 (an exbibyte), a node's CPUs
 * up to 65536 and an instance's up to 4096 (a scenario's threads and
 * vcpus), at most 100,000 nodes and 1,000,000 instances (a scenario's
 * caps). */
#define HERD_GANETI_MAX_MIB (G_GINT64_CONSTANT (1) << 40)
#define HERD_GANETI_MAX_CPUS 65536
#define HERD_GANETI_MAX_VCPUS 4096
#define HERD_GANETI_MAX_NODES 100000
#define HERD_GANETI_MAX_INSTANCES 1000000

typedef struct
{
  HerdId vm;
  HerdId host;
  gint64 disk_mib;
} HerdGanetiInstance;

typedef struct
{
  HerdModel *model;
  gint64 *disk_mib;        /* per host id: free local disk, once its
                              instances are committed */
  GArray *instances;       /* HerdGanetiInstance */
} HerdGanetiCluster;

gboolean herd_ganeti_load (const char *path, HerdGanetiCluster *out,
                           GError **error);
/* The same from a file's text (up to its first NUL); path names it in
 * errors. */
gboolean herd_ganeti_load_data (const char *text, const char *path,
                                HerdGanetiCluster *out, GError **error);
gboolean herd_ganeti_simulate (const char *spec, HerdGanetiCluster *out,
                               GError **error);
void herd_ganeti_clear (HerdGanetiCluster *cluster);
