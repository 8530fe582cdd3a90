/* generate.h: random but valid scenarios for swarm testing (herd swarm,
 * herd generate, tests/test-swarm.c).
 *
 * herd_generate_scenario (seed) writes the INI text of one scenario
 * (docs/scenarios.md) from a generator seed, always the same text for the
 * same seed.  Each scenario switches on a random subset of the features
 * (several data centers and clusters, mixed host sizes, every policy,
 * power management and flaky or hanging fence agents, networks, block and
 * file storage near full, thin and preallocated disks, templates, clones,
 * pools, snapshots, VM leases, HA priorities, affinity, pinning, churn,
 * administrator actions, every fault kind, random faults), so that rare
 * interactions get room, and stays small (2-12 hosts, a few dozen VMs,
 * hours of simulated time) so that a run takes milliseconds.  See
 * docs/testing.md. */
#pragma once

#include <glib.h>

/* The features a generated scenario may switch on; the text's header
 * comment lists those it did. */
typedef enum
{
  HERD_GEN_MULTI_DC,
  HERD_GEN_MULTI_CLUSTER,
  HERD_GEN_MIXED_HOSTS,
  HERD_GEN_POLICY_PARAMS,
  HERD_GEN_POWER_MANAGEMENT,
  HERD_GEN_FENCE_TROUBLE,
  HERD_GEN_FENCING_POLICY,
  HERD_GEN_NETWORKS,
  HERD_GEN_DISKS,
  HERD_GEN_NEAR_FULL,
  HERD_GEN_TEMPLATES,
  HERD_GEN_POOLS,
  HERD_GEN_SNAPSHOTS,
  HERD_GEN_HA,
  HERD_GEN_LEASES,
  HERD_GEN_AFFINITY,
  HERD_GEN_PINNING,
  HERD_GEN_CHURN,
  HERD_GEN_MIGRATION_LOAD,
  HERD_GEN_ACTIONS,
  HERD_GEN_MAINTENANCE,
  HERD_GEN_FAULTS,
  HERD_GEN_PARTITIONS,
  HERD_GEN_STORAGE_FAULTS,
  HERD_GEN_MANAGER_RESTART,
  HERD_GEN_RANDOM_FAULTS,
  HERD_GEN_DEFAULTS,
  HERD_GEN_FEATURE_LAST
} HerdGenFeature;

/* The feature's name as the header comment writes it. */
const char *herd_generate_feature_name (HerdGenFeature feature);

/* The INI text of the scenario of generator seed `seed` (free with
 * g_free).  Deterministic: its own random stream ("generate", seeded as
 * sim/rng.c seeds streams), never the clock.  The scenario's own [scenario]
 * seed is 1; runs choose theirs. */
char *herd_generate_scenario (guint64 seed);
