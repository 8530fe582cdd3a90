/* params.c: the parameter tables and their parsing (see params.h). */
#include "core/params.h"

#include <stddef.h>
#include <string.h>

#include "core/units.h"

G_DEFINE_QUARK (herd-params-error-quark, herd_params_error)

#define P(field) offsetof (HerdParams, field)
#define PP(field) offsetof (HerdPolicyParams, field)

static const HerdParamInfo params_table[] = {
  { "HostReservedMemory", HERD_PARAM_SIZE, P (host_reserved_mib),
    { "1024M", "1024M" }, 0, 0,
    "memory kept for the host itself in the overcommit check" },
  { "VmMemoryOverhead", HERD_PARAM_SIZE, P (vm_memory_overhead_mib),
    { "64M", "64M" }, 0, 0,
    "memory a VM costs its host beyond its defined memory (QEMU, video)" },
  { "VcpuConsumptionPercentage", HERD_PARAM_INTEGER,
    P (vcpu_consumption_percent), { "10", "10" }, 0, 100,
    "CPU load (percent of a core) counted per vCPU of a VM not yet "
    "measured and per SpmVCpuConsumption vCPU of the SPM; also the margin "
    "under HighUtilization of a balancing destination" },
  { "SpmVCpuConsumption", HERD_PARAM_INTEGER, P (spm_vcpu_consumption),
    { "1", "1" }, 0, 4096,
    "vCPUs of load the SPM role adds to its host (x "
    "VcpuConsumptionPercentage)" },
  { "UtilizationThresholdInPercent", HERD_PARAM_INTEGER,
    P (utilization_threshold_percent), { "80", "80" }, 0, 100,
    "a balancing destination stays under this share of HighUtilization "
    "(and under HighUtilization - VcpuConsumptionPercentage)" },
  { "MaxSchedulerWeight", HERD_PARAM_INTEGER, P (max_scheduler_weight),
    { "1000", "1000" }, 2, 1000000,
    "the worst score of a weight: CPU and memory scores are stretched to "
    "1..MaxSchedulerWeight" },
  { "MigrationTimeoutPerGiB", HERD_PARAM_DURATION,
    P (migration_timeout_per_gib), { "64s", "0" }, 0, 0,
    "a migration is aborted after this long per GiB of VM memory (0: never)" },
  { "MigrationProgressTimeout", HERD_PARAM_DURATION,
    P (migration_progress_timeout), { "240s", "0" }, 0, 0,
    "a migration whose remaining data has not shrunk for this long is "
    "aborted (0: never)" },
  { "MaxOutgoingMigrations", HERD_PARAM_INTEGER, P (max_outgoing_migrations),
    { "2", "2" }, 1, 1000,
    "concurrent outgoing migrations per host (and at most its cores)" },
  { "MaxIncomingMigrations", HERD_PARAM_INTEGER, P (max_incoming_migrations),
    { "2", "2" }, 1, 1000,
    "concurrent incoming migrations per host; a busy destination answers "
    "\"limit\"" },
  { "MigrationRetryInterval", HERD_PARAM_DURATION,
    P (migration_retry_interval), { "10s", "10s" }, 0, 0,
    "after a \"limit\" answer the source retries after this long" },
  { "MaintenanceRetryInterval", HERD_PARAM_DURATION,
    P (maintenance_retry_interval), { "60s", "60s" }, 0, 0,
    "a host preparing for maintenance retries moving the VMs it still runs "
    "this often" },
  { "LoadBalancingInterval", HERD_PARAM_DURATION,
    P (load_balancing_interval), { "60s", "60s" }, 0, 0,
    "each cluster's balancer (and HA reservation check) runs this often" },
  { "AffinityEnforcementInterval", HERD_PARAM_DURATION,
    P (affinity_enforcement_interval), { "60s", "60s" }, 0, 0,
    "hard affinity rules are repaired (one migration per cluster) this "
    "often" },
  { "VdsRefreshRate", HERD_PARAM_DURATION, P (vds_refresh_rate),
    { "3s", "3s" }, 0, 0,
    "hosts are polled this often; a failed poll makes a host Connecting" },
  { "TimeoutToResetVds", HERD_PARAM_DURATION, P (timeout_to_reset_vds),
    { "60s", "60s" }, 0, 0, "grace before a Connecting host is acted on" },
  { "DelayResetPerVm", HERD_PARAM_DURATION, P (delay_reset_per_vm),
    { "500ms", "500ms" }, 0, 0, "grace added per VM running on the host" },
  { "DelayResetForSpm", HERD_PARAM_DURATION, P (delay_reset_for_spm),
    { "20s", "20s" }, 0, 0, "grace added when the host is the SPM" },
  { "VdsRecoveryAttempts", HERD_PARAM_INTEGER, P (grace_attempts),
    { "3", "3" }, 1, 1000,
    "the grace lasts at least this many polls" },
  { "MinimalGraceTime", HERD_PARAM_DURATION, P (min_grace), { "30s", "30s" },
    0, 0, "no action on an unreachable host before this long" },
  { "SoftFencingWait", HERD_PARAM_DURATION, P (soft_fence_wait),
    { "60s", "60s" }, 0, 0,
    "after restarting the host agent over SSH, wait this long for it" },
  { "FenceStatusPolls", HERD_PARAM_INTEGER, P (fence_status_polls),
    { "18", "18" }, 1, 1000,
    "power status checks after a fence stop or start" },
  { "FenceStatusInterval", HERD_PARAM_DURATION, P (fence_status_interval),
    { "10s", "10s" }, 0, 0, "between power status checks" },
  { "FenceProxyTries", HERD_PARAM_INTEGER, P (fence_proxy_tries),
    { "3", "3" }, 1, 1000, "attempts to find a fence proxy host" },
  { "FenceProxyRetryInterval", HERD_PARAM_DURATION,
    P (fence_proxy_retry_interval), { "30s", "30s" }, 0, 0,
    "between attempts to find a fence proxy" },
  { "FenceRetryInterval", HERD_PARAM_DURATION, P (fence_retry_interval),
    { "5m", "5m" }, 0, 0,
    "a host whose fencing failed is fenced again after this long while it "
    "stays NonResponsive (0: never, as oVirt)" },
  { "DisableFenceAtStartup", HERD_PARAM_DURATION,
    P (fence_quiet_after_start), { "300s", "300s" }, 0, 0,
    "no fencing this long after the manager starts" },
  { "FenceQuietTimeBetweenOperations", HERD_PARAM_DURATION,
    P (fence_quiet_between_ops), { "180s", "180s" }, 0, 0,
    "a user's stop, start or restart of a host is refused this long after "
    "the same action on it" },
  { "SpmStatusInterval", HERD_PARAM_DURATION, P (spm_status_interval),
    { "10s", "10s" }, 0, 0, "the SPM's status is checked this often" },
  { "HaRestartTries", HERD_PARAM_INTEGER, P (ha_restart_tries),
    { "10", "10" }, 1, 1000, "quick restart attempts of an HA VM" },
  { "HaRestartInterval", HERD_PARAM_DURATION, P (ha_restart_interval),
    { "30s", "30s" }, 0, 0, "between quick restart attempts" },
  { "HaRestartLongInterval", HERD_PARAM_DURATION,
    P (ha_restart_long_interval), { "30m", "30m" }, 0, 0,
    "between restart attempts after the quick ones" },
  { "HaPriorityWait", HERD_PARAM_DURATION, P (ha_priority_wait),
    { "600s", "600s" }, 0, 0,
    "a lower-priority HA VM waits at most this long for higher ones" },
  { "AutoRecoveryInterval", HERD_PARAM_DURATION,
    P (auto_recovery_interval), { "5m", "5m" }, 0, 0,
    "NonOperational hosts whose cause is gone are activated this often" },
  { "StorageDomainFailureTime", HERD_PARAM_DURATION,
    P (storage_failure_time), { "5m", "5m" }, 0, 0,
    "a storage domain in trouble this long is acted on: Inactive when every "
    "host fails it, else those hosts NonOperational" },
  { "SdHealthCheckDelay", HERD_PARAM_DURATION, P (domain_check_interval),
    { "10s", "10s" }, 0, 0,
    "each host checks each storage domain this often (herd run: a direct "
    "read of its ids file through the host's ssh_command)" },
  { "MaxStorageVdsTimeoutCheckSec", HERD_PARAM_DURATION,
    P (domain_check_timeout), { "30s", "30s" }, 0, 0,
    "a domain a host has not checked this long is in trouble on it" },
  { "ThinVolumeInitialSize", HERD_PARAM_SIZE, P (thin_initial_mib),
    { "1G", "1G" }, 0, 0,
    "size of a new thin volume's LV on block storage" },
  { "VolumeExtendChunk", HERD_PARAM_SIZE, P (extend_chunk_mib),
    { "1024M", "2560M" }, 0, 0,
    "a thin volume's LV grows by this much per extension" },
  { "VolumeExtendWatermark", HERD_PARAM_SIZE, P (extend_watermark_mib),
    { "512M", "2048M" }, 0, 0,
    "a thin volume asks for an extension when its LV has less free than "
    "this (rhv-4.1: 50% of the 1G chunk used; ovirt-4.5: 2048M free)" },
  { "SpmMailboxReadInterval", HERD_PARAM_DURATION,
    P (mailbox_read_interval), { "2s", "2s" }, 0, 0,
    "the SPM reads the hosts' extension requests this often" },
  { "HostMailboxPollInterval", HERD_PARAM_DURATION,
    P (mailbox_poll_interval), { "2s", "2s" }, 0, 0,
    "a host polls its inbox for the SPM's replies this often" },
  { "LvExtendTime", HERD_PARAM_DURATION, P (lv_extend_time),
    { "1s", "1s" }, 0, 0,
    "time the SPM takes to extend an LV (lvextend) and the host to "
    "refresh it" },
  { "MaxVolumesPerBlockDomain", HERD_PARAM_INTEGER, P (max_block_volumes),
    { "1300", "1300" }, 1, G_MAXINT32,
    "logical volumes a block storage domain holds (one per disk)" },
  { "MaxLunsPerBlockDomain", HERD_PARAM_INTEGER, P (max_block_luns),
    { "300", "300" }, 1, G_MAXINT32,
    "LUNs a block storage domain is made of (its first, and add_lun's)" },
  { "BlockDomainInternalSize", HERD_PARAM_SIZE, P (block_internal_mib),
    { "4992M", "4992M" }, 0, 0,
    "space a block storage domain's internal volumes take: ids, inbox "
    "and outbox 128M each, leases 2G, master 1G, metadata 512M, "
    "xleases 1G" },
  { "VideoRam", HERD_PARAM_SIZE, P (video_ram_mib), { "64M", "64M" }, 0, 0,
    "a VM's video RAM (one QXL head), saved with its memory in a "
    "snapshot" },
  { "SnapshotMemoryExtra", HERD_PARAM_SIZE, P (memory_volume_extra_mib),
    { "200M", "200M" }, 0, 0,
    "a snapshot's memory volume holds the VM's RAM, its video RAM and "
    "this much more" },
  { "SnapshotConfigVolumeSize", HERD_PARAM_SIZE, P (memory_config_mib),
    { "10M", "10M" }, 0, 0,
    "the volume beside a snapshot's memory that holds the VM's "
    "configuration" },
  { "KsmFreePercent", HERD_PARAM_PERCENT, P (ksm_free_percent),
    { "20", "20" }, 0, 100,
    "MoM runs KSM on a host whose free memory is below this share of its "
    "memory (VDSM's mom.d/03-ksm.policy ksm_free_percent)" },
  { "BalloonPressureThreshold", HERD_PARAM_PERCENT,
    P (balloon_pressure_threshold), { "20", "20" }, 0, 100,
    "with ballooning, MoM shrinks guests while their host's free memory is "
    "below this share (02-balloon.policy pressure_threshold)" },
  { "BalloonPressureCritical", HERD_PARAM_PERCENT,
    P (balloon_pressure_critical), { "5", "5" }, 0, 100,
    "below this share of free memory the pressure is critical: guests are "
    "shrunk until they swap (pressure_critical)" },
  { "BalloonMinGuestFreePercent", HERD_PARAM_PERCENT,
    P (balloon_min_guest_free), { "20", "20" }, 0, 100,
    "the free memory an unconstrained guest keeps, scaled down with the "
    "host's pressure (min_guest_free_percent)" },
  { "BalloonMaxChangePercent", HERD_PARAM_PERCENT,
    P (balloon_max_change), { "5", "5" }, 0, 100,
    "a balloon changes by at most this share of the guest's memory per "
    "workload step (max_balloon_change_percent, per MoM cycle)" },
  { NULL }
};

static const HerdParamInfo policy_table[] = {
  { "HighUtilization", HERD_PARAM_PERCENT, PP (high_utilization),
    { "80", "80" }, 1, 100,
    "host CPU load counted as over-utilised" },
  { "LowUtilization", HERD_PARAM_PERCENT, PP (low_utilization),
    { "20", "20" }, 0, 99,
    "host CPU load counted as under-utilised (power_saving)" },
  { "CpuOverCommitDuration", HERD_PARAM_DURATION,
    PP (cpu_overcommit_duration), { "5m", "2m" }, 0, 0,
    "how long a host must stay above HighUtilization to count as overloaded" },
  { "MaxFreeMemoryForOverUtilized", HERD_PARAM_SIZE,
    PP (max_free_memory_for_over_utilized_mib), { "unset", "unset" }, 0, 0,
    "a host with less free memory is over-utilised (unset: off)" },
  { "MinFreeMemoryForUnderUtilized", HERD_PARAM_SIZE,
    PP (min_free_memory_for_under_utilized_mib), { "unset", "unset" }, 0, 0,
    "a host with more free memory may take migrated VMs (unset: off)" },
  { "HostsInReserve", HERD_PARAM_INTEGER, PP (hosts_in_reserve),
    { "0", "0" }, 0, 10000,
    "empty hosts power_saving keeps powered on" },
  { "HighVmCount", HERD_PARAM_INTEGER, PP (high_vm_count), { "10", "10" },
    0, 100000, "vm_evenly_distributed acts when a host has this many VMs" },
  { "MigrationThreshold", HERD_PARAM_INTEGER, PP (migration_threshold),
    { "5", "5" }, 0, 100000,
    "a destination must have this many fewer VMs (vm_evenly_distributed)" },
  { "SpmVmGrace", HERD_PARAM_INTEGER, PP (spm_vm_grace), { "5", "5" }, 0,
    100000, "extra VMs the SPM host counts as running" },
  { "VCpuToPhysicalCpuRatio", HERD_PARAM_NUMBER,
    PP (vcpu_to_physical_cpu_ratio), { "0", "0" }, 0, 1000,
    "a host whose VMs' vCPUs per core reach this ratio is over-utilised "
    "and scored worst by the CPU weight (0: off)" },
  { "ScaleDownForHaReservation", HERD_PARAM_INTEGER,
    PP (scale_down_for_ha_reservation), { "1", "1" }, 1, 100,
    "the HA reservation weight's scores (0..100) are divided by this" },
  { "EnableAutomaticHostPowerManagement", HERD_PARAM_BOOLEAN,
    PP (automatic_power_management), { "true", "true" }, 0, 0,
    "power_saving switches empty hosts off and on to keep HostsInReserve "
    "(oVirt's engine default is false)" },
  { NULL }
};

const HerdParamInfo *
herd_params_table (void)
{
  return params_table;
}

const HerdParamInfo *
herd_policy_params_table (void)
{
  return policy_table;
}

static const char *const profile_names[HERD_PROFILE_LAST] = {
  "rhv-4.1",
  "ovirt-4.5",
};

const char *
herd_profile_name (HerdProfile profile)
{
  g_return_val_if_fail (profile < HERD_PROFILE_LAST, "?");
  return profile_names[profile];
}

gboolean
herd_profile_from_string (const char *text, HerdProfile *out)
{
  for (int p = 0; p < HERD_PROFILE_LAST; p++)
    if (g_strcmp0 (text, profile_names[p]) == 0)
      {
        *out = (HerdProfile) p;
        return TRUE;
      }
  return FALSE;
}

/* Parses value per info into the field at base + info->offset. */
static gboolean
param_store (const HerdParamInfo *info, gpointer base, const char *value,
             GError **error)
{
  gpointer field = (char *) base + info->offset;
  g_autoptr (GError) local = NULL;
  gboolean ok = FALSE;

  switch (info->kind)
    {
    case HERD_PARAM_DURATION:
      ok = herd_units_parse_duration (value, (HerdTime *) field, &local);
      break;
    case HERD_PARAM_SIZE:
      if (g_strcmp0 (value, "unset") == 0)
        {
          *(gint64 *) field = HERD_PARAM_UNSET;
          ok = TRUE;
        }
      else
        ok = herd_units_parse_size_mib (value, (gint64 *) field, &local);
      break;
    case HERD_PARAM_PERCENT:
      ok = herd_units_parse_percent (value, (double) info->min,
                                     (double) info->max, (double *) field,
                                     &local);
      break;
    case HERD_PARAM_INTEGER:
      ok = herd_units_parse_integer (value, info->min, info->max,
                                     (gint64 *) field, &local);
      break;
    case HERD_PARAM_NUMBER:
      ok = herd_units_parse_number (value, (double) info->min,
                                    (double) info->max, (double *) field,
                                    &local);
      break;
    case HERD_PARAM_BOOLEAN:
      ok = herd_units_parse_boolean (value, (gboolean *) field, &local);
      break;
    case HERD_PARAM_KIND_LAST:
      g_assert_not_reached ();
    }
  if (!ok)
    g_set_error (error, HERD_PARAMS_ERROR, HERD_PARAMS_ERROR_VALUE, "%s",
                 local->message);
  return ok;
}

static void
table_init (const HerdParamInfo *table, gpointer base, HerdProfile profile)
{
  for (const HerdParamInfo *info = table; info->name != NULL; info++)
    {
      g_autoptr (GError) error = NULL;
      if (!param_store (info, base, info->defaults[profile], &error))
        g_error ("bad built-in default for %s: %s", info->name,
                 error->message);
    }
}

static gboolean
table_set (const HerdParamInfo *table, gpointer base, const char *name,
           const char *value, GError **error)
{
  for (const HerdParamInfo *info = table; info->name != NULL; info++)
    if (strcmp (info->name, name) == 0)
      return param_store (info, base, value, error);
  g_set_error (error, HERD_PARAMS_ERROR, HERD_PARAMS_ERROR_UNKNOWN,
               "unknown parameter \"%s\"", name);
  return FALSE;
}

void
herd_params_init (HerdParams *params, HerdProfile profile)
{
  table_init (params_table, params, profile);
}

void
herd_policy_params_init (HerdPolicyParams *params, HerdProfile profile)
{
  table_init (policy_table, params, profile);
}

gboolean
herd_params_set (HerdParams *params, const char *name, const char *value,
                 GError **error)
{
  return table_set (params_table, params, name, value, error);
}

gboolean
herd_policy_params_set (HerdPolicyParams *params, const char *name,
                        const char *value, GError **error)
{
  return table_set (policy_table, params, name, value, error);
}
