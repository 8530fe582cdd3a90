/* params.h: the manager's named parameters and their two default profiles.
 *
 * Every number in behaviour.md is a parameter here, never a literal in the
 * code that uses it.  Each parameter has the name behaviour.md (or the
 * oVirt engine) gives it, a kind that fixes how its value is written, and a
 * default per profile: `rhv-4.1` (the default) and `ovirt-4.5`.
 *
 * Two sets exist: HerdParams, global to a manager (scenario group
 * [defaults], or the real-mode config), and HerdPolicyParams, one per
 * cluster (scenario keys `policy.NAME` in [cluster X]).  Both are plain
 * structs filled from a table of descriptors, so that adding a parameter is
 * one field and one table row, and the documentation (docs/parameters.md)
 * lists exactly the table. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"

typedef enum
{
  HERD_PROFILE_RHV_4_1,
  HERD_PROFILE_OVIRT_4_5,
  HERD_PROFILE_LAST
} HerdProfile;

typedef enum
{
  HERD_PARAM_DURATION, /* HerdTime field; written "90s", "5m" */
  HERD_PARAM_SIZE,     /* gint64 MiB field; written "1024M", "1G" */
  HERD_PARAM_PERCENT,  /* double field; written "80" or "80%" */
  HERD_PARAM_INTEGER,  /* gint64 field */
  HERD_PARAM_NUMBER,   /* double field; a plain number, "2.5" */
  HERD_PARAM_BOOLEAN,  /* gboolean field; "true"/"false" */
  HERD_PARAM_KIND_LAST
} HerdParamKind;

/* A size parameter whose value is HERD_PARAM_UNSET is switched off. */
#define HERD_PARAM_UNSET G_GINT64_CONSTANT (-1)

typedef struct
{
  const char *name;       /* as in behaviour.md, e.g. "HighUtilization" */
  HerdParamKind kind;
  gsize offset;           /* of the field in its struct */
  const char *defaults[HERD_PROFILE_LAST]; /* as written in a scenario;
                                              "unset" where off */
  gint64 min, max;        /* integer/percent/number bounds (inclusive) */
  const char *doc;        /* one line for --help and docs */
} HerdParamInfo;

/* Global parameters of the manager. */
typedef struct
{
  gint64 host_reserved_mib;        /* HostReservedMemory */
  gint64 vm_memory_overhead_mib;   /* VmMemoryOverhead */
  /* Scheduling (behaviour.md §2-§3, oVirt's engine configuration). */
  gint64 vcpu_consumption_percent; /* VcpuConsumptionPercentage */
  gint64 spm_vcpu_consumption;     /* SpmVCpuConsumption */
  gint64 utilization_threshold_percent; /* UtilizationThresholdInPercent */
  gint64 max_scheduler_weight;     /* MaxSchedulerWeight */
  HerdTime migration_timeout_per_gib;  /* MigrationTimeoutPerGiB, 0 = off */
  HerdTime migration_progress_timeout; /* MigrationProgressTimeout, 0 = off */
  gint64 max_outgoing_migrations;  /* MaxOutgoingMigrations (and cores) */
  gint64 max_incoming_migrations;  /* MaxIncomingMigrations */
  HerdTime migration_retry_interval;   /* MigrationRetryInterval */
  HerdTime maintenance_retry_interval; /* MaintenanceRetryInterval */
  HerdTime load_balancing_interval;    /* LoadBalancingInterval */
  HerdTime affinity_enforcement_interval; /* AffinityEnforcementInterval */
  /* Host monitoring and fencing (behaviour.md §5). */
  HerdTime vds_refresh_rate;           /* VdsRefreshRate */
  HerdTime timeout_to_reset_vds;       /* TimeoutToResetVds */
  HerdTime delay_reset_per_vm;         /* DelayResetPerVm */
  HerdTime delay_reset_for_spm;        /* DelayResetForSpm */
  gint64 grace_attempts;               /* VdsRecoveryAttempts */
  HerdTime min_grace;                  /* MinimalGraceTime */
  HerdTime soft_fence_wait;            /* SoftFencingWait */
  gint64 fence_status_polls;           /* FenceStatusPolls */
  HerdTime fence_status_interval;      /* FenceStatusInterval */
  gint64 fence_proxy_tries;            /* FenceProxyTries */
  HerdTime fence_proxy_retry_interval; /* FenceProxyRetryInterval */
  HerdTime fence_retry_interval; /* FenceRetryInterval (herd's; 0: never) */
  HerdTime fence_quiet_after_start;    /* DisableFenceAtStartup */
  HerdTime fence_quiet_between_ops;    /* FenceQuietTimeBetweenOperations */
  /* SPM (behaviour.md §7). */
  HerdTime spm_status_interval;        /* SpmStatusInterval */
  /* HA restart (behaviour.md §6). */
  gint64 ha_restart_tries;             /* HaRestartTries */
  HerdTime ha_restart_interval;        /* HaRestartInterval */
  HerdTime ha_restart_long_interval;   /* HaRestartLongInterval */
  HerdTime ha_priority_wait;           /* HaPriorityWait */
  HerdTime auto_recovery_interval;     /* AutoRecoveryInterval */
  HerdTime storage_failure_time;       /* StorageDomainFailureTime */
  HerdTime domain_check_interval;      /* SdHealthCheckDelay (VDSM) */
  HerdTime domain_check_timeout;       /* MaxStorageVdsTimeoutCheckSec */
  /* Thin provisioning (behaviour.md §9), done by the host agents. */
  gint64 thin_initial_mib;             /* ThinVolumeInitialSize */
  gint64 extend_chunk_mib;             /* VolumeExtendChunk */
  gint64 extend_watermark_mib;         /* VolumeExtendWatermark */
  HerdTime mailbox_read_interval;      /* SpmMailboxReadInterval */
  HerdTime mailbox_poll_interval;      /* HostMailboxPollInterval */
  HerdTime lv_extend_time;             /* LvExtendTime */
  gint64 max_block_volumes;            /* MaxVolumesPerBlockDomain */
  gint64 max_block_luns;               /* MaxLunsPerBlockDomain */
  gint64 block_internal_mib;           /* BlockDomainInternalSize */
  /* Snapshots (behaviour.md §9). */
  gint64 video_ram_mib;                /* VideoRam */
  gint64 memory_volume_extra_mib;      /* SnapshotMemoryExtra */
  gint64 memory_config_mib;            /* SnapshotConfigVolumeSize */
  /* The host's memory optimisations (VDSM's MoM policies). */
  double ksm_free_percent;             /* KsmFreePercent */
  double balloon_pressure_threshold;   /* BalloonPressureThreshold */
  double balloon_pressure_critical;    /* BalloonPressureCritical */
  double balloon_min_guest_free;       /* BalloonMinGuestFreePercent */
  double balloon_max_change;           /* BalloonMaxChangePercent */
} HerdParams;

/* Per-cluster scheduling policy parameters. */
typedef struct
{
  double high_utilization;           /* HighUtilization, percent */
  double low_utilization;            /* LowUtilization, percent */
  HerdTime cpu_overcommit_duration;  /* CpuOverCommitDuration */
  gint64 max_free_memory_for_over_utilized_mib;  /* or HERD_PARAM_UNSET */
  gint64 min_free_memory_for_under_utilized_mib; /* or HERD_PARAM_UNSET */
  gint64 hosts_in_reserve;           /* HostsInReserve */
  gint64 high_vm_count;              /* HighVmCount */
  gint64 migration_threshold;        /* MigrationThreshold */
  gint64 spm_vm_grace;               /* SpmVmGrace */
  double vcpu_to_physical_cpu_ratio; /* VCpuToPhysicalCpuRatio (oVirt spelling), 0: off */
  gint64 scale_down_for_ha_reservation; /* ScaleDownForHaReservation */
  gboolean automatic_power_management; /* EnableAutomaticHostPowerManagement */
} HerdPolicyParams;

#define HERD_PARAMS_ERROR (herd_params_error_quark ())
GQuark herd_params_error_quark (void);

typedef enum
{
  HERD_PARAMS_ERROR_UNKNOWN, /* no parameter of that name */
  HERD_PARAMS_ERROR_VALUE,   /* the value does not parse or is out of range */
  HERD_PARAMS_ERROR_LAST
} HerdParamsError;

/* The descriptor tables, terminated by an entry whose name is NULL. */
const HerdParamInfo *herd_params_table (void);
const HerdParamInfo *herd_policy_params_table (void);

const char *herd_profile_name (HerdProfile profile);
gboolean herd_profile_from_string (const char *text, HerdProfile *out);

/* Fills every field with the profile's defaults. */
void herd_params_init (HerdParams *params, HerdProfile profile);
void herd_policy_params_init (HerdPolicyParams *params, HerdProfile profile);

/* Sets one parameter by name from its written value.  Errors:
 * HERD_PARAMS_ERROR_UNKNOWN, or HERD_PARAMS_ERROR_VALUE with a message
 * saying what was expected. */
gboolean herd_params_set (HerdParams *params, const char *name,
                          const char *value, GError **error);
gboolean herd_policy_params_set (HerdPolicyParams *params, const char *name,
                                 const char *value, GError **error);
