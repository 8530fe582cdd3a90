/* affinity.c: the affinity rules enforcer (behaviour.md §3), as oVirt's
 * AffinityRulesEnforcer and AffinityRulesEnforcementManager.
 *
 * Every AffinityEnforcementInterval, each cluster with no migration in
 * flight gets at most one migration that repairs a broken rule.  The
 * candidates come in this order:
 *
 *   1. VMs breaking hard VM-to-host rules, fewest broken rules first;
 *   2. VMs of broken hard VM-to-VM groups: hard positive groups sharing a
 *      VM are merged first; bigger groups first, then the group whose
 *      smallest VM id is larger; in a positive group the VMs of the host
 *      with fewest members first (hosts running a member that may not
 *      migrate are left out), in a negative group the VMs of hosts with
 *      two or more members, most crowded host first;
 *   3. the same for soft VM-to-host rules, then soft VM-to-VM groups
 *      (higher priority first), each kept only when the move the
 *      scheduler would make improves the VM's soft affinity.
 *
 * A candidate must be Up, migratable and have another host the filters
 * accept.  The scheduler chooses its destination among every host of the
 * cluster, its own included (oVirt's BalanceVm): if it scores best where
 * it is, the next candidate is tried.  oVirt shuffles the VMs of one host
 * and orders equal groups and hosts by hash maps; herd takes them in id
 * order. */
#include "core/manager-private.h"
#include "core/affinity.h"

#include "core/manager-time.h"
#include "core/migration.h"

#include <stdlib.h>
#include <string.h>

typedef struct
{
  HerdId vm;
  HerdId group;     /* the rule it breaks (for the audit) */
  const char *rule;
  gboolean soft;
  gint64 key;       /* sort key within its step */
} Candidate;

static int
compare_candidates (const void *a, const void *b)
{
  const Candidate *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->vm > y->vm) - (x->vm < y->vm);
}

static gboolean
running (const HerdVm *vm)
{
  return vm->committed && vm->host != HERD_ID_NONE;
}

/* Step 1 or 3: VMs breaking VM-to-host rules of that hardness, fewest
 * broken rules first. */
static void
host_rule_candidates (HerdManager *m, const HerdCluster *c, gboolean hard,
                      GArray *out)
{
  g_autoptr (GHashTable) count = g_hash_table_new (g_direct_hash,
                                                   g_direct_equal);
  g_autoptr (GHashTable) first = g_hash_table_new (g_direct_hash,
                                                   g_direct_equal);
  for (guint gi = 0; gi < m->model->affinity_groups->len; gi++)
    {
      const HerdAffinityGroup *g = herd_model_affinity_group (m->model, gi);
      if (g->cluster != c->id || g->host_rule == HERD_AFFINITY_NONE
          || g->hosts.n == 0 || g->host_enforcing != hard)
        continue;
      for (guint32 k = 0; k < g->vms.n; k++)
        {
          const HerdVm *vm = herd_model_vm (m->model, g->vms.ids[k]);
          if (!running (vm)
              || herd_id_list_contains (&g->hosts, vm->host)
                     == (g->host_rule == HERD_AFFINITY_POSITIVE))
            continue;
          gpointer key = GUINT_TO_POINTER (vm->id + 1);
          g_hash_table_insert (
              count, key,
              GUINT_TO_POINTER (
                  GPOINTER_TO_UINT (g_hash_table_lookup (count, key)) + 1));
          if (!g_hash_table_contains (first, key))
            g_hash_table_insert (first, key, GUINT_TO_POINTER (gi + 1));
        }
    }
  guint start = out->len;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, count);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      Candidate cand = {
        .vm = GPOINTER_TO_UINT (key) - 1,
        .group = GPOINTER_TO_UINT (g_hash_table_lookup (first, key)) - 1,
        .rule = "host",
        .soft = !hard,
        .key = GPOINTER_TO_UINT (value),
      };
      g_array_append_val (out, cand);
    }
  if (out->len > start)
    qsort (&g_array_index (out, Candidate, start), out->len - start,
           sizeof (Candidate), compare_candidates);
}

/* A VM-to-VM group as the enforcer sees it: an original group, or hard
 * positive groups merged. */
typedef struct
{
  GArray *vms;       /* HerdId, ascending */
  HerdId group;      /* the original (lowest id) for the audit */
  gboolean positive;
  double priority;   /* soft groups' (hard ones: 0, not compared) */
} VmGroup;

static void
vm_group_clear (gpointer p)
{
  g_array_unref (((VmGroup *) p)->vms);
}

static HerdId
find_root (HerdId *parent, HerdId x)
{
  while (parent[x] != x)
    x = parent[x] = parent[parent[x]];
  return x;
}

static int
compare_ids (const void *a, const void *b)
{
  HerdId x = *(const HerdId *) a, y = *(const HerdId *) b;
  return (x > y) - (x < y);
}

/* The VM-to-VM groups of c of that hardness; hard positive groups that
 * share a VM are merged (oVirt's unified positive groups). */
static GArray *
vm_groups (HerdManager *m, const HerdCluster *c, gboolean hard)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (VmGroup));
  g_array_set_clear_func (out, vm_group_clear);
  guint n_vms = m->model->vms->len;
  g_autofree HerdId *parent = NULL;
  g_autofree HerdId *origin = NULL;
  if (hard)
    {
      parent = g_new (HerdId, MAX (n_vms, 1));
      origin = g_new (HerdId, MAX (n_vms, 1));
      for (guint i = 0; i < n_vms; i++)
        {
          parent[i] = i;
          origin[i] = HERD_ID_NONE;
        }
    }
  for (guint gi = 0; gi < m->model->affinity_groups->len; gi++)
    {
      const HerdAffinityGroup *g = herd_model_affinity_group (m->model, gi);
      if (g->cluster != c->id || g->vm_rule == HERD_AFFINITY_NONE
          || g->vm_enforcing != hard || g->vms.n == 0)
        continue;
      if (hard && g->vm_rule == HERD_AFFINITY_POSITIVE)
        {
          for (guint32 k = 0; k < g->vms.n; k++)
            {
              HerdId v = g->vms.ids[k];
              if (origin[v] == HERD_ID_NONE)
                origin[v] = gi;
              HerdId a = find_root (parent, g->vms.ids[0]),
                     b = find_root (parent, v);
              if (a != b)
                parent[MAX (a, b)] = MIN (a, b);
            }
          continue;
        }
      VmGroup vg = { g_array_new (FALSE, FALSE, sizeof (HerdId)), gi,
                     g->vm_rule == HERD_AFFINITY_POSITIVE,
                     hard ? 0 : g->priority };
      g_array_append_vals (vg.vms, g->vms.ids, g->vms.n);
      g_array_append_val (out, vg);
    }
  if (hard)
    {
      /* One merged group per root, its VMs in id order. */
      g_autofree gint32 *slot = g_new (gint32, MAX (n_vms, 1));
      for (guint v = 0; v < n_vms; v++)
        slot[v] = -1;
      for (guint v = 0; v < n_vms; v++)
        {
          if (origin[v] == HERD_ID_NONE)
            continue;
          HerdId r = find_root (parent, v);
          if (slot[r] < 0)
            {
              VmGroup vg = { g_array_new (FALSE, FALSE, sizeof (HerdId)),
                             origin[v], TRUE, 0 };
              slot[r] = (gint32) out->len;
              g_array_append_val (out, vg);
            }
          VmGroup *vg = &g_array_index (out, VmGroup, slot[r]);
          g_array_append_val (vg->vms, v);
          vg->group = MIN (vg->group, origin[v]);
        }
    }
  for (guint i = 0; i < out->len; i++)
    {
      GArray *vms = g_array_index (out, VmGroup, i).vms;
      qsort (vms->data, vms->len, sizeof (HerdId), compare_ids);
    }
  return out;
}

static gboolean
vm_group_broken (HerdManager *m, const VmGroup *g)
{
  HerdId seen = HERD_ID_NONE;
  g_autoptr (GHashTable) hosts = g_hash_table_new (g_direct_hash,
                                                   g_direct_equal);
  for (guint i = 0; i < g->vms->len; i++)
    {
      const HerdVm *vm
          = herd_model_vm (m->model, g_array_index (g->vms, HerdId, i));
      if (!running (vm))
        continue;
      if (g->positive)
        {
          if (seen != HERD_ID_NONE && seen != vm->host)
            return TRUE;
          seen = vm->host;
        }
      else if (!g_hash_table_add (hosts, GUINT_TO_POINTER (vm->host + 1)))
        return TRUE;
    }
  return FALSE;
}

/* Bigger first, then the larger smallest VM id; soft: higher priority
 * first. */
static int
compare_vm_groups (const void *a, const void *b)
{
  const VmGroup *x = a, *y = b;
  if (x->priority != y->priority)
    return x->priority > y->priority ? -1 : 1;
  if (x->vms->len != y->vms->len)
    return x->vms->len > y->vms->len ? -1 : 1;
  HerdId mx = g_array_index (x->vms, HerdId, 0);
  HerdId my = g_array_index (y->vms, HerdId, 0);
  return (mx < my) - (mx > my);
}

/* The running members of a group on one host. */
typedef struct
{
  HerdId host;
  gint64 key;        /* sort key: fewest first (positive), most first */
  GArray *vms;       /* HerdId, in the group's (id) order */
} HostVms;

static void
host_vms_clear (gpointer p)
{
  g_array_unref (((HostVms *) p)->vms);
}

static int
compare_host_vms (const void *a, const void *b)
{
  const HostVms *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->host > y->host) - (x->host < y->host);
}

/* Step 2 or 4: the VMs of the broken VM-to-VM groups of that hardness. */
static void
vm_rule_candidates (HerdManager *m, const HerdCluster *c, gboolean hard,
                    GArray *out)
{
  g_autoptr (GArray) groups = vm_groups (m, c, hard);
  g_autoptr (GArray) broken = g_array_new (FALSE, FALSE, sizeof (VmGroup));
  for (guint i = 0; i < groups->len; i++)
    if (vm_group_broken (m, &g_array_index (groups, VmGroup, i)))
      g_array_append_val (broken, g_array_index (groups, VmGroup, i));
  g_array_sort (broken, compare_vm_groups);
  for (guint i = 0; i < broken->len; i++)
    {
      const VmGroup *g = &g_array_index (broken, VmGroup, i);
      /* Members by host; a host running a member that may not migrate is
       * left out. */
      g_autoptr (GArray) by_host = g_array_new (FALSE, FALSE,
                                                sizeof (HostVms));
      g_array_set_clear_func (by_host, host_vms_clear);
      g_autoptr (GHashTable) stuck = g_hash_table_new (g_direct_hash,
                                                       g_direct_equal);
      for (guint k = 0; k < g->vms->len; k++)
        {
          const HerdVm *vm
              = herd_model_vm (m->model, g_array_index (g->vms, HerdId, k));
          if (!running (vm))
            continue;
          if (!vm->migratable)
            {
              g_hash_table_add (stuck, GUINT_TO_POINTER (vm->host + 1));
              continue;
            }
          guint j = 0;
          while (j < by_host->len
                 && g_array_index (by_host, HostVms, j).host != vm->host)
            j++;
          if (j == by_host->len)
            {
              HostVms hv = { vm->host, 0,
                             g_array_new (FALSE, FALSE, sizeof (HerdId)) };
              g_array_append_val (by_host, hv);
            }
          g_array_append_val (g_array_index (by_host, HostVms, j).vms,
                              vm->id);
        }
      /* Positive: fewest members first; negative: hosts with two or more,
       * most first.  Ties in host id order. */
      for (guint j = by_host->len; j-- > 0;)
        {
          HostVms *hv = &g_array_index (by_host, HostVms, j);
          gint64 n = hv->vms->len;
          if (g_hash_table_contains (stuck, GUINT_TO_POINTER (hv->host + 1))
              || (!g->positive && n < 2))
            g_array_remove_index (by_host, j);
          else
            hv->key = g->positive ? n : -n;
        }
      g_array_sort (by_host, compare_host_vms);
      for (guint j = 0; j < by_host->len; j++)
        {
          const HostVms *hv = &g_array_index (by_host, HostVms, j);
          for (guint k = 0; k < hv->vms->len; k++)
            {
              Candidate cand = {
                .vm = g_array_index (hv->vms, HerdId, k),
                .group = g->group,
                .rule = g->positive ? "vm_positive" : "vm_negative",
                .soft = !hard,
              };
              g_array_append_val (out, cand);
            }
        }
    }
}

/* Allows every host of the VM's cluster, its own included. */
static const guint8 *
all_hosts (HerdManager *m, const HerdCluster *c)
{
  for (guint k = 0; k < c->hosts->len; k++)
    m->allowed[g_array_index (c->hosts, HerdId, k)] = 1;
  return m->allowed;
}

/* Members of g per host (running ones). */
static guint
members_on (HerdManager *m, const HerdAffinityGroup *g, HerdId host,
            HerdId except)
{
  guint n = 0;
  for (guint32 k = 0; k < g->vms.n; k++)
    {
      const HerdVm *vm = herd_model_vm (m->model, g->vms.ids[k]);
      n += running (vm) && vm->host == host && vm->id != except;
    }
  return n;
}

static int
compare_priority_desc (const void *a, const void *b, gpointer data)
{
  HerdModel *model = data;
  const HerdAffinityGroup *x
      = herd_model_affinity_group (model, *(const HerdId *) a);
  const HerdAffinityGroup *y
      = herd_model_affinity_group (model, *(const HerdId *) b);
  if (x->priority != y->priority)
    return x->priority > y->priority ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* oVirt's migrationImprovesSoftAffinity: where the scheduler would put
 * the VM (its own host offered) must break fewer soft VM-to-host rules
 * than where it is, or do better on soft VM-to-VM rules, looking at the
 * highest priority that makes a difference.  VM-to-host rules are looked
 * at first: their weight's factor (20) is the larger. */
static gboolean
improves_soft_affinity (HerdManager *m, const HerdCluster *c,
                        const HerdVm *vm)
{
  HerdId source = vm->host;
  HerdId target = herd_scheduler_place (m->scheduler, vm->id, source,
                                        all_hosts (m, c), NULL, NULL);
  if (target == HERD_ID_NONE || target == source)
    return FALSE;
  guint n = vm->affinity_groups.n;
  if (n == 0)
    return FALSE; /* (a candidate breaks a rule of one of its groups) */
  g_autofree HerdId *groups = g_memdup2 (vm->affinity_groups.ids,
                                         n * sizeof (HerdId));
  g_qsort_with_data (groups, (gint) n, sizeof (HerdId),
                     compare_priority_desc, m->model);

  /* VM-to-host. */
  gint old_count = 0, new_count = 0;
  double priority = G_MAXDOUBLE;
  gboolean decided = FALSE, host_better = FALSE;
  for (guint i = 0; i < n && !decided; i++)
    {
      const HerdAffinityGroup *g = herd_model_affinity_group (m->model,
                                                              groups[i]);
      if (g->host_rule == HERD_AFFINITY_NONE || g->host_enforcing)
        continue;
      if (g->priority < priority)
        {
          if (old_count != new_count)
            decided = TRUE;
          else
            priority = g->priority;
        }
      if (decided)
        break;
      gboolean positive = g->host_rule == HERD_AFFINITY_POSITIVE;
      old_count += herd_id_list_contains (&g->hosts, source) != positive;
      new_count += herd_id_list_contains (&g->hosts, target) != positive;
    }
  host_better = new_count < old_count;
  if (host_better)
    return TRUE;

  /* VM-to-VM. */
  gint pos = 0, neg = 0;
  priority = G_MAXDOUBLE;
  for (guint i = 0; i < n; i++)
    {
      const HerdAffinityGroup *g = herd_model_affinity_group (m->model,
                                                              groups[i]);
      if (g->vm_rule == HERD_AFFINITY_NONE || g->vm_enforcing)
        continue;
      if (g->priority < priority)
        {
          if (pos != 0 || neg != 0)
            return pos >= 0 && neg >= 0;
          priority = g->priority;
        }
      if (g->vm_rule == HERD_AFFINITY_POSITIVE)
        {
          gint at_source = (gint) members_on (m, g, source, vm->id);
          gint at_target = (gint) members_on (m, g, target, vm->id);
          pos += (at_target > at_source) - (at_target < at_source);
        }
      else
        {
          neg += members_on (m, g, source, vm->id) > 0 ? 1 : 0;
          neg -= members_on (m, g, target, vm->id) > 0 ? 1 : 0;
        }
    }
  if (pos < 0 || neg < 0)
    return FALSE;
  return pos > 0 || neg > 0;
}

static gboolean
valid (HerdManager *m, const HerdVm *vm)
{
  return vm->status == HERD_VM_UP && vm->migratable
         && m->migrations[vm->id] == NULL
         && herd_scheduler_place (m->scheduler, vm->id, vm->host, NULL, NULL,
                                  NULL)
                != HERD_ID_NONE;
}

/* One migration repairing a broken rule of c, if any can. */
static gboolean
enforce_cluster (HerdManager *m, const HerdCluster *c)
{
  g_autoptr (GArray) cands = g_array_new (FALSE, FALSE, sizeof (Candidate));
  host_rule_candidates (m, c, TRUE, cands);
  vm_rule_candidates (m, c, TRUE, cands);
  host_rule_candidates (m, c, FALSE, cands);
  vm_rule_candidates (m, c, FALSE, cands);
  g_autoptr (GHashTable) tried = g_hash_table_new (g_direct_hash,
                                                   g_direct_equal);
  for (guint i = 0; i < cands->len; i++)
    {
      const Candidate *cand = &g_array_index (cands, Candidate, i);
      if (!g_hash_table_add (tried, GUINT_TO_POINTER (cand->vm + 1)))
        continue;
      const HerdVm *vm = herd_model_vm (m->model, cand->vm);
      if (!valid (m, vm) || (cand->soft && !improves_soft_affinity (m, c, vm)))
        continue;
      if (!herd_manager_vm_migrate_among (m, vm->id, HERD_ID_NONE,
                                          all_hosts (m, c),
                                          HERD_MIGRATION_REASON_AFFINITY,
                                          NULL))
        continue;
      m->stats.affinity_repairs++;
      herd_audit_emit (
          m->audit, herd_manager_now (m), HERD_AUDIT_VM_AFFINITY_REPAIR,
          vm->name, "group=%s rule=%s",
          herd_model_affinity_group (m->model, cand->group)->name,
          cand->rule);
      return TRUE;
    }
  return FALSE;
}

void
herd_affinity_enforce (HerdManager *m)
{
  herd_scheduler_set_now (m->scheduler, herd_manager_now (m));
  if (m->model->affinity_groups->len == 0)
    return;
  /* Clusters with a migration in flight wait (oVirt's
   * getWithoutMigratingVms). */
  g_autofree gboolean *busy = g_new0 (gboolean, m->model->clusters->len);
  for (guint i = 0; i < m->model->vms->len; i++)
    if (m->migrations[i] != NULL)
      busy[herd_model_vm (m->model, i)->cluster] = TRUE;
  for (guint i = 0; i < m->model->clusters->len; i++)
    if (!busy[i])
      enforce_cluster (m, herd_model_cluster (m->model, i));
}
