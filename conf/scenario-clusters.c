/* scenario-clusters.c: the scenario loader's [cluster NAME] groups, and
 * the datacenters and clusters of the model (see scenario.c).
 *
 * A [datacenter NAME] takes no keys.  Phase 3 reads a cluster's values:
 * scheduling policy and its policy.NAME parameters, memory overcommit,
 * migration policy and bandwidth, HA reservation, fencing.  Phase 4 adds
 * the datacenters, then the clusters, to the model before anything
 * else. */

#include <math.h>
#include <string.h>

#include "conf/scenario-private.h"
#include "core/units.h"

#define HERD_SL_DEFAULT_OVERCOMMIT 100
#define HERD_SL_DEFAULT_CONNECTIVITY_THRESHOLD 0.5 /* oVirt: 50% */
#define HERD_SL_DEFAULT_MIGRATION_BANDWIDTH "52MiB/s"

/* ------------------------------------------------------------------ */
/* Phase 3: values                                                     */

void
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
  /* The memory optimisations: oVirt refuses overcommit without one
   * (ClusterValidator.memoryOptimizationConfiguration). */
  herd_sl_read_boolean (l, g, "ksm", TRUE, &g->ksm);
  herd_sl_read_fraction (l, g, "ksm_sharing", 0, &g->ksm_sharing);
  herd_sl_read_boolean (l, g, "ballooning", FALSE, &g->ballooning);
  if (g->overcommit > 100 && !g->ksm && !g->ballooning)
    herd_sl_fail_key (l, g, "memory_overcommit",
                      "overcommit (%u%%) needs ksm or ballooning (oVirt "
                      "refuses it without either)",
                      g->overcommit);
}

/* ------------------------------------------------------------------ */
/* Phase 4: build                                                      */

/* Phase 4: the datacenters, then the clusters, in file order. */
void
herd_sl_build_clusters (HerdSlLoader *l)
{
  HerdModel *model = l->scenario->model;

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
      c->ksm = g->ksm;
      c->ksm_sharing = g->ksm_sharing;
      c->ballooning = g->ballooning;
    }
}
