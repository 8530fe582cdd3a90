/* scenario.h: scenario files, read into the manager's model plus what only
 * the simulator needs.
 *
 * A scenario is an INI file (GLib GKeyFile) in the vocabulary of
 * design.md and docs/scenarios.md.  Loading is strict: an unknown group or
 * key, a value without its unit, a negative count, a reference to an
 * undefined cluster, a VM larger than every host of its cluster, ...
 * fails with one HERD_SCENARIO_ERROR whose message names the file, the line,
 * the group, the key and what was expected:
 *   small.ini:12: [hosts h] memory: expected a size such as 16G, 512M or 2T,
 *   got "lots"
 *
 * Hosts and VMs are defined in groups ([hosts h] with count = 4 makes hosts
 * h-1 .. h-4); the model gets them in file order, and each group's members
 * have consecutive ids.  What only the simulated cluster needs (workloads,
 * arrival and lifetime distributions, power, boot times) is kept per group
 * here, never in the core model. */
#pragma once

#include <glib.h>

#include "conf/trace.h"
#include "conf/workload-spec.h"
#include "core/model.h"
#include "core/params.h"

#define HERD_SCENARIO_ERROR (herd_scenario_error_quark ())
GQuark herd_scenario_error_quark (void);

typedef enum
{
  HERD_SCENARIO_ERROR_READ,    /* the file cannot be read or parsed */
  HERD_SCENARIO_ERROR_INVALID, /* a group, key or value is wrong */
  HERD_SCENARIO_ERROR_LAST
} HerdScenarioError;

/* herd run's keys of a [hosts] group: how to reach its hosts, as
 * written ("{n}" and "{name}" are expanded per host by herd run). */
typedef enum
{
  HERD_CONNECT_URI,           /* libvirt URI */
  HERD_CONNECT_SANLOCK_DIR,   /* SANLOCK_RUN_DIR of its sanlock daemon */
  HERD_CONNECT_MIGRATION_URI, /* where its QEMU receives migrations */
  HERD_CONNECT_FENCE_COMMAND, /* the fence agent's command line */
  HERD_CONNECT_FENCE_OPTIONS, /* name=value words for the agent */
  HERD_CONNECT_PROXY_COMMAND, /* prefix running a program on a proxy */
  HERD_CONNECT_SSH_COMMAND,   /* prefix running a command on the host */
  HERD_CONNECT_NICS,          /* NETWORK=NIC pairs: the NICs watched */
  HERD_CONNECT_KEY_LAST
} HerdConnectKey;

const char *herd_connect_key_name (HerdConnectKey key);

/* [manager]: the long-running manager's own settings (herd run). */
typedef struct
{
  char *database;       /* state database, or NULL */
  char *socket;         /* herd ctl's UNIX socket, or NULL */
  char *log;            /* log file, or NULL: standard error */
  char *domain_type;    /* kvm, qemu, or NULL: kvm when /dev/kvm exists */
  HerdTime reconnect_interval;
  HerdTime job_poll_interval;
  HerdTime sanlock_wait; /* the longest the main loop waits for sanlock */
  char *soft_fencing_command; /* run through a host's ssh_command to
                                 restart its agent, or NULL: the default
                                 (systemctl restart libvirtd) */
  /* Recorded history (service/history.h): 0 interval, none. */
  HerdTime sample_interval;
  HerdTime sample_retention;
  HerdTime hourly_retention;
  HerdTime daily_retention;
  /* The control socket's access (docs/real-hosts.md): its group, and who
   * has which role, as user names and @group names; root and herd run's
   * own user are administrators whatever these say. */
  char *socket_group;   /* group of the socket (0660), or NULL: herd run's */
  GStrv viewers;        /* NULL: nobody listed */
  GStrv operators;
  GStrv administrators;
  guint max_connections; /* control connections at once (64) */
  char *secrets;        /* secrets file, or NULL: $CREDENTIALS_DIRECTORY/
                           herd-secrets when that exists, else none */
  /* The REST API (service/api.h), off when api_listen is NULL. */
  char *api_listen;      /* ADDRESS:PORT */
  char *api_certificate; /* PEM files, or NULL: a self-signed pair made */
  char *api_key;         /* beside the database at first start */
  char *api_users;       /* the password file (service/users.h) */
  HerdTime api_token_lifetime;
  guint api_max_connections; /* the API's connections at once (256) */
} HerdRunSettings;

typedef struct
{
  char *name;
  HerdId first;         /* id of the group's first host */
  guint32 count;
  double power_idle_w;  /* power at 0% CPU, watts */
  double power_max_w;   /* power at 100% CPU, watts */
  HerdTime boot_time;
  GStrv fence_agents;   /* every agent's kind, in order (empty: no power
                           management) */
  gboolean fence_concurrent; /* agents act together (else one after
                                another, the next on failure) */
  HerdTime fence_latency;    /* time an agent takes per action */
  double fence_failure;      /* probability an action fails, 0..1 */
  double cpu_load;           /* CPU its own work uses (not its VMs'),
                                percent of its cores */
  gint64 committed_mib;      /* memory committed besides its VMs: counted
                                in the model's committed_mem_mib and used
                                on the simulated host */
  char *connect[HERD_CONNECT_KEY_LAST]; /* herd run; NULL when absent */
} HerdHostGroup;

typedef struct
{
  char *name;
  HerdId first;         /* id of the group's first VM */
  guint32 count;
  HerdWorkloadSpec cpu;
  HerdTraceSet *cpu_trace;  /* cpu = trace:FORMAT:DIR: the series, else
                               NULL */
  gint64 memory_used_mib;   /* memory the guest touched (at time 0 when
                               it varies) */
  gboolean memory_varies;   /* memory_used is a model: */
  HerdWorkloadSpec memory;  /* percent of memory over time, or TRACE: */
  HerdTraceSet *memory_trace; /* its series (VM k plays k modulo) */
  gint64 dirty_rate;        /* bytes/s */
  gint64 working_set_mib;
  HerdRateModel write_rate; /* what the guest writes to each disk */
  double new_writes;        /* share of them to blocks not written before */
  gboolean stateless;       /* a pool's stateless VMs: what they wrote is
                               dropped when they stop */
  HerdTime boot_time;       /* start request to Up */
  HerdDistribution arrival; /* when each VM is started */
  gboolean has_lifetime;
  HerdDistribution lifetime; /* how long it runs before it is stopped */
  HerdId host;              /* where they all run at time 0, placed
                               without the scheduler (no arrival), or
                               HERD_ID_NONE */
  char *kernel, *initrd, *cmdline; /* herd run: direct kernel boot, or
                                      NULL */
} HerdVmGroup;

typedef enum
{
  HERD_ACTION_START,       /* target: a VM */
  HERD_ACTION_STOP,        /* target: a VM */
  HERD_ACTION_MIGRATE,     /* target: a VM; host: destination (optional) */
  HERD_ACTION_MAINTENANCE, /* target: a host */
  HERD_ACTION_ACTIVATE,    /* target: a host */
  HERD_ACTION_ADD_LUN,     /* target: a block storage domain; size */
  HERD_ACTION_GROW_STORAGE, /* target: a file storage domain; size */
  HERD_ACTION_SNAPSHOT,    /* target: a VM; snapshot: its name; memory */
  HERD_ACTION_PREVIEW_SNAPSHOT, /* target: a VM; snapshot */
  HERD_ACTION_COMMIT_SNAPSHOT,  /* target: a VM (the one in preview) */
  HERD_ACTION_UNDO_SNAPSHOT,    /* target: a VM (the one in preview) */
  HERD_ACTION_DELETE_SNAPSHOT,  /* target: a VM; snapshot */
  HERD_ACTION_KIND_LAST
} HerdActionKind;

typedef struct
{
  char *name;
  HerdTime at;
  HerdActionKind kind;
  char *target; /* name of the VM or host it acts on */
  char *host;   /* migrate: destination host name, or NULL */
  gint64 size_mib; /* add_lun, grow_storage: the capacity added */
  char *snapshot;  /* snapshot actions: its name, or NULL */
  gboolean memory; /* snapshot: save the running VM's memory too */
} HerdAction;

typedef enum
{
  HERD_FAULT_HOST_CRASH,   /* host stops; its VMs die; back only when
                              fenced (or after duration: a repair) */
  HERD_FAULT_AGENT_HANG,   /* the host agent stops answering; VMs run */
  HERD_FAULT_PARTITION,    /* the manager cannot reach the host; storage
                              (and its leases) still can */
  HERD_FAULT_NIC_DOWN,     /* network `network` goes down on the host */
  HERD_FAULT_STORAGE_DOWN, /* target: a storage domain; `host`: only that
                              host loses it (else all) */
  HERD_FAULT_FENCE_FAIL,   /* the host's fence agents fail every action */
  HERD_FAULT_MANAGER_RESTART, /* no target: the manager restarts */
  HERD_FAULT_KIND_LAST
} HerdFaultKind;

typedef struct
{
  char *name;
  HerdTime at;
  HerdFaultKind kind;
  char *target;      /* host, or storage domain; NULL for manager_restart */
  char *host;        /* storage_down: the one host affected, or NULL */
  char *network;     /* nic_down: the network */
  HerdTime duration; /* heals after this long; 0: does not heal */
} HerdFault;

/* [faults random]: faults drawn per host from time-to-failure and
 * time-to-repair distributions (exponential or Weibull). */
typedef struct
{
  HerdFaultKind kind;       /* host_crash, agent_hang or partition */
  HerdDistribution mtbf;    /* time from a host's (re)start to its fault */
  HerdDistribution mttr;    /* how long the fault lasts */
  HerdIdList hosts;         /* hosts it may strike (all by default) */
} HerdRandomFaults;

/* [growth NAME]: what herd plan adds every period: vms new VMs of one
 * shape in cluster (disk_mib preallocated on its data center's master
 * domain), or grows_mib more used on domain. */
typedef struct
{
  char *name;
  HerdTime every;
  guint32 vms;
  HerdId cluster;      /* HERD_ID_NONE for storage growth */
  guint32 vcpus;
  gint64 memory_mib;
  gint64 disk_mib;
  HerdId domain;       /* HERD_ID_NONE for VM growth */
  gint64 grows_mib;
} HerdGrowth;

typedef struct
{
  char *path;
  char *text;               /* the file as read, for the results database */
  char *name;
  HerdTime duration;
  guint64 seed;
  HerdTime sample_interval; /* results samples */
  HerdTime stats_interval;  /* workload steps and host statistics */
  HerdTime migration_setup; /* fixed cost before a migration's first pass */
  HerdTime io_timeout;      /* sanlock io_timeout of the simulated hosts */
  HerdProfile profile;
  HerdModel *model;
  GPtrArray *host_groups;   /* HerdHostGroup *, file order */
  GPtrArray *vm_groups;     /* HerdVmGroup * */
  GPtrArray *actions;       /* HerdAction *, ordered by time then file */
  GPtrArray *faults;        /* HerdFault *, ordered by time then file */
  GPtrArray *random_faults; /* HerdRandomFaults *, file order */
  GPtrArray *growth;        /* HerdGrowth *, file order (herd plan) */
  GArray *host_group_of;    /* guint32 per host id: index in host_groups */
  GArray *vm_group_of;      /* guint32 per VM id: index in vm_groups */
  GPtrArray *domain_paths;  /* char * per domain id: [storage] path, or
                               NULL (herd run) */
  GPtrArray *network_bridges; /* char * per network id: [network] bridge,
                                 or NULL (herd run) */
  HerdRunSettings run;      /* [manager] (herd run) */
} HerdScenario;

HerdScenario *herd_scenario_load (const char *path, GError **error);
/* Whether text is a scenario name (of a group, host, VM, ...): letters,
 * digits, '-', '_' and '.', starting with a letter or digit. */
gboolean herd_scenario_is_name (const char *text);
/* The most memory VM vm's guest uses (MiB): memory_used, or its model's
 * peak (constant: its value; diurnal: peak; walk: high; trace: the
 * highest reading of the VM's series). */
gint64 herd_scenario_vm_memory_peak (const HerdScenario *scenario, HerdId vm);

HerdScenario *herd_scenario_load_data (const char *text, const char *path,
                                       GError **error);
void herd_scenario_free (HerdScenario *scenario);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdScenario, herd_scenario_free)

const char *herd_action_kind_name (HerdActionKind kind);
const char *herd_fault_kind_name (HerdFaultKind kind);
