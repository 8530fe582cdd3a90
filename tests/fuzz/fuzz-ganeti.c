/* fuzz-ganeti.c: libFuzzer harness for the Ganeti htools text reader
 * (conf/ganeti.c), which herd plan --ganeti FILE uses.  Each input is the
 * text of an htools file (node groups, nodes, instances, cluster tags,
 * policies, each section ended by an empty line), read with
 * herd_ganeti_load_data into a herd model: fields split at '|', numbers
 * checked, groups, nodes and instances matched by name and uuid, each
 * instance's memory and disk given back to its primary node.  A read that
 * succeeds must leave a model whose hosts all have a disk entry and whose
 * instances name existing VMs and hosts; the cluster then goes where herd
 * plan --ganeti sends it (plan/plan.c): the instances committed, and the
 * HA questions (how many hosts may fail, slots, the worst failure) asked
 * of the first node group with nodes.  Seeds: the .txt files of
 * tests/plan/. */
#include "tests/fuzz/fuzz-util.h"

#include "conf/ganeti.h"
#include "plan/plan.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  HerdGanetiCluster cluster;
  gboolean ok = herd_ganeti_load_data (text, "fuzz.txt", &cluster, &error);
  if (ok != (error == NULL))
    abort ();
  if (!ok)
    return 0;
  if (cluster.model->hosts->len == 0 || cluster.disk_mib == NULL)
    abort ();
  for (guint i = 0; i < cluster.instances->len; i++)
    {
      const HerdGanetiInstance *inst
          = &g_array_index (cluster.instances, HerdGanetiInstance, i);
      if (inst->vm >= cluster.model->vms->len
          || inst->host >= cluster.model->hosts->len)
        abort ();
    }
  /* What herd plan --ganeti does next: the instances committed on their
   * nodes, then the HA questions on the first node group with nodes. */
  g_autoptr (HerdPlan) plan = herd_plan_new (cluster.model, cluster.disk_mib,
                                             0);
  for (guint i = 0; i < cluster.instances->len; i++)
    {
      const HerdGanetiInstance *inst
          = &g_array_index (cluster.instances, HerdGanetiInstance, i);
      herd_plan_commit (plan, inst->vm, inst->host, inst->disk_mib);
    }
  for (guint c = 0; c < cluster.model->clusters->len; c++)
    if (herd_model_cluster (cluster.model, c)->hosts->len > 0)
      {
        HerdPlanHa ha;
        herd_plan_ha (plan, c, &ha);
        herd_plan_ha_clear (&ha);
        break;
      }
  g_clear_pointer (&plan, herd_plan_free);
  herd_ganeti_clear (&cluster);
  return 0;
}
