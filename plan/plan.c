/* plan.c: capacity planning with the manager's own scheduler (see
 * plan.h).
 *
 * Placing a VM: hosts whose disk cannot hold it are removed through the
 * scheduler's allowed set, the scheduler picks among the rest with the
 * cluster's filters and weights, and the VM is committed there as the
 * manager commits a running VM (memory booked, free memory, VM count and
 * expected CPU on the host).  With N+K kept, the placement is undone and
 * the host set aside when the VMs of the K failed hosts could not all be
 * restarted: restarts are simulated in priority order (then larger
 * memory first), each placed by the scheduler on the hosts left, on
 * shadow bookings undone afterwards.  For K = 1 every host with VMs is
 * failed in turn; for K > 1 the K hosts with the most memory booked fail
 * together (the worst case for memory).
 *
 * Cost per placement: one scheduler decision, O(hosts), plus the N+K
 * check, O(VMs x hosts); the closed form (plan.h) answers identical
 * clusters in O(hosts + VMs placed). */
#include "plan/plan.h"

#include <math.h>

#include <string.h>

#include "core/scheduler.h"
#include "sim/workload.h"

struct _HerdPlan
{
  HerdModel *model;
  HerdScheduler *scheduler;
  gint64 *disk;          /* per host: free local disk; NULL: shared pool */
  gint64 pool;           /* shared pool: free MiB */
  GArray *vm_disk;       /* gint64 per VM id: the disk it took */
  GArray **host_vms;     /* per host: HerdId of the VMs committed there */
  guint8 *allowed;       /* scratch, per host */
  HerdPlanFail *why;     /* scratch, per host: why it could not take one */
  guint failures;
  gboolean closed_form_allowed, used_closed_form;
  guint32 serial;        /* names of the VMs the plan adds */
  GArray *vm_memory;     /* VmMemory per VM id (herd_plan_set_vm_memory);
                            zero: its defined memory, held and at peak */
};

typedef struct
{
  gint64 held, peak;     /* guest memory it holds at the start, at most */
} VmMemory;

static const char *const fail_names[HERD_PLAN_FAIL_LAST] = {
  [HERD_PLAN_FAIL_MEM] = "FailMem",
  [HERD_PLAN_FAIL_CPU] = "FailCPU",
  [HERD_PLAN_FAIL_DISK] = "FailDisk",
  [HERD_PLAN_FAIL_N1] = "FailN1",
  [HERD_PLAN_FAIL_OTHER] = "FailOther",
};

const char *
herd_plan_fail_name (HerdPlanFail reason)
{
  return reason < HERD_PLAN_FAIL_LAST ? fail_names[reason] : "?";
}

HerdPlan *
herd_plan_new (HerdModel *model, const gint64 *disk_mib, gint64 pool_mib)
{
  HerdPlan *p = g_new0 (HerdPlan, 1);
  guint hosts = MAX (model->hosts->len, 1);
  p->model = model;
  p->scheduler = herd_scheduler_new (model);
  if (disk_mib != NULL)
    p->disk = g_memdup2 (disk_mib, hosts * sizeof (gint64));
  p->pool = pool_mib;
  p->vm_disk = g_array_new (FALSE, TRUE, sizeof (gint64));
  p->vm_memory = g_array_new (FALSE, TRUE, sizeof (VmMemory));
  p->host_vms = g_new (GArray *, hosts);
  for (guint i = 0; i < hosts; i++)
    p->host_vms[i] = g_array_new (FALSE, FALSE, sizeof (HerdId));
  p->allowed = g_new0 (guint8, hosts);
  p->why = g_new0 (HerdPlanFail, hosts);
  p->failures = 1;
  p->closed_form_allowed = TRUE;
  herd_scheduler_set_now (p->scheduler, 0);
  for (guint i = 0; i < model->hosts->len; i++)
    {
      HerdHost *h = herd_model_host (model, i);
      if (h->status == HERD_HOST_DOWN)
        h->status = HERD_HOST_UP;
    }
  return p;
}

void
herd_plan_free (HerdPlan *p)
{
  if (p == NULL)
    return;
  herd_scheduler_free (p->scheduler);
  for (guint i = 0; i < MAX (p->model->hosts->len, 1); i++)
    g_array_unref (p->host_vms[i]);
  g_free (p->host_vms);
  g_free (p->disk);
  g_array_unref (p->vm_disk);
  g_array_unref (p->vm_memory);
  g_free (p->allowed);
  g_free (p->why);
  g_free (p);
}

void
herd_plan_set_failures (HerdPlan *p, guint failures)
{
  p->failures = failures;
}

void
herd_plan_set_closed_form (HerdPlan *p, gboolean allowed)
{
  p->closed_form_allowed = allowed;
}

gboolean
herd_plan_used_closed_form (const HerdPlan *p)
{
  return p->used_closed_form;
}

gint64
herd_plan_vm_disk (const HerdPlan *p, HerdId vm)
{
  return vm < p->vm_disk->len ? g_array_index (p->vm_disk, gint64, vm) : 0;
}

gint64
herd_plan_disk_free (const HerdPlan *p, HerdId host)
{
  return p->disk != NULL ? p->disk[host] : p->pool;
}

/* A host's local disk holds a VM's disk when some space is left after it
 * (as Ganeti checks a node); the shared pool when it is not overdrawn. */
static gboolean
disk_fits (const HerdPlan *p, HerdId host, gint64 disk_mib)
{
  if (p->disk != NULL)
    return disk_mib == 0 || p->disk[host] - disk_mib > 0;
  return p->pool - disk_mib >= 0;
}

void
herd_plan_set_vm_memory (HerdPlan *p, HerdId vm, gint64 held_mib,
                         gint64 peak_mib)
{
  if (p->vm_memory->len <= vm)
    g_array_set_size (p->vm_memory, vm + 1);
  g_array_index (p->vm_memory, VmMemory, vm) = (VmMemory){ held_mib,
                                                           peak_mib };
}

/* vm's guest memory held at the start (peak FALSE) or at its peak. */
static gint64
vm_memory (const HerdPlan *p, const HerdVm *vm, gboolean peak)
{
  if (vm->id < p->vm_memory->len)
    {
      const VmMemory *m = &g_array_index (p->vm_memory, VmMemory, vm->id);
      if (m->held > 0 || m->peak > 0)
        return peak ? m->peak : m->held;
    }
  return vm->memory_mib;
}

/* Books (sign 1) or gives back (-1) what vm takes on host, as the manager
 * commits a running VM: its memory and overhead committed; its host's
 * free memory, as the host reports it, less what the guest holds. */
static void
book (HerdPlan *p, const HerdVm *vm, HerdId host, gint64 disk_mib, int sign)
{
  HerdHost *h = herd_model_host (p->model, host);
  gint64 need = herd_scheduler_vm_memory_need (p->model, vm);
  h->committed_mem_mib += sign * need;
  h->mem_free_mib -= sign * (need - vm->memory_mib + vm_memory (p, vm,
                                                                FALSE));
  h->vm_count += sign;
  h->ha_vm_count += sign * vm->ha;
  h->pending_cpu_mc += sign * herd_scheduler_vm_cpu_estimate (p->model, vm);
  if (p->disk != NULL)
    p->disk[host] -= sign * disk_mib;
  else
    p->pool -= sign * disk_mib;
}

void
herd_plan_commit (HerdPlan *p, HerdId vm_id, HerdId host, gint64 disk_mib)
{
  HerdVm *vm = herd_model_vm (p->model, vm_id);
  book (p, vm, host, disk_mib, 1);
  vm->host = host;
  vm->committed = TRUE;
  vm->status = HERD_VM_UP;
  if (p->vm_disk->len <= vm_id)
    g_array_set_size (p->vm_disk, vm_id + 1);
  g_array_index (p->vm_disk, gint64, vm_id) = disk_mib;
  g_array_append_val (p->host_vms[host], vm_id);
}

static void
uncommit (HerdPlan *p, HerdId vm_id)
{
  HerdVm *vm = herd_model_vm (p->model, vm_id);
  GArray *list = p->host_vms[vm->host];
  book (p, vm, vm->host, g_array_index (p->vm_disk, gint64, vm_id), -1);
  for (guint i = list->len; i-- > 0;)
    if (g_array_index (list, HerdId, i) == vm_id)
      {
        g_array_remove_index (list, i);
        break;
      }
  vm->host = HERD_ID_NONE;
  vm->committed = FALSE;
  vm->status = HERD_VM_DOWN;
}

/* The scheduler's choice for vm among the hosts whose disk holds it and
 * that `skip` (per host, may be NULL) does not set aside. */
static HerdId
choose (HerdPlan *p, const HerdVm *vm, gint64 disk_mib, const guint8 *skip)
{
  for (guint i = 0; i < p->model->hosts->len; i++)
    p->allowed[i] = (skip == NULL || !skip[i]) && disk_fits (p, i, disk_mib);
  return herd_scheduler_place (p->scheduler, vm->id, HERD_ID_NONE,
                               p->allowed, NULL, NULL);
}

gboolean
herd_plan_place (HerdPlan *p, HerdId vm_id, gint64 disk_mib)
{
  const HerdVm *vm = herd_model_vm (p->model, vm_id);
  HerdId host = choose (p, vm, disk_mib, NULL);
  if (host == HERD_ID_NONE)
    return FALSE;
  herd_plan_commit (p, vm_id, host, disk_mib);
  return TRUE;
}

typedef struct
{
  HerdId vm;
  HerdId host;
} Shadow;

static gint
restart_order (gconstpointer a, gconstpointer b, gpointer data)
{
  const HerdModel *model = data;
  const HerdVm *x = herd_model_vm (model, *(const HerdId *) a);
  const HerdVm *y = herd_model_vm (model, *(const HerdId *) b);
  if (x->priority != y->priority)
    return x->priority > y->priority ? -1 : 1;
  if (x->memory_mib != y->memory_mib)
    return x->memory_mib > y->memory_mib ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* Whether the VMs of the k failed hosts could all be restarted on the
 * others, each where the scheduler would put it.  lost, if not NULL,
 * receives the VMs that could not (and the restarts go on past them).
 * While it runs, the failed hosts are NonResponsive and their VMs Down,
 * then Up where they restart (so affinity rules see them there); a disk
 * on shared storage stays where it is, a local one is booked again. */
typedef struct
{
  HerdVmStatus status;
  HerdId host;
} Was;

static gboolean
restart_after (HerdPlan *p, const HerdId *failed, guint k, GArray *lost)
{
  g_autoptr (GArray) vms = g_array_new (FALSE, FALSE, sizeof (HerdId));
  g_autofree HerdHostStatus *was = g_new (HerdHostStatus, k);
  for (guint i = 0; i < k; i++)
    {
      HerdHost *h = herd_model_host (p->model, failed[i]);
      g_array_append_vals (vms, p->host_vms[failed[i]]->data,
                           p->host_vms[failed[i]]->len);
      was[i] = h->status;
      h->status = HERD_HOST_NON_RESPONSIVE;
    }
  g_array_sort_with_data (vms, restart_order, p->model);
  g_autofree Was *vm_was = g_new (Was, MAX (vms->len, 1));
  for (guint i = 0; i < vms->len; i++)
    {
      HerdVm *vm = herd_model_vm (p->model, g_array_index (vms, HerdId, i));
      vm_was[i] = (Was) { vm->status, vm->host };
      vm->status = HERD_VM_DOWN;
      vm->host = HERD_ID_NONE;
    }
  g_autoptr (GArray) shadows = g_array_new (FALSE, FALSE, sizeof (Shadow));
  gboolean ok = TRUE;
  for (guint i = 0; i < vms->len && (ok || lost != NULL); i++)
    {
      HerdId id = g_array_index (vms, HerdId, i);
      HerdVm *vm = herd_model_vm (p->model, id);
      gint64 disk = p->disk != NULL ? g_array_index (p->vm_disk, gint64, id)
                                    : 0;
      HerdId to = choose (p, vm, disk, NULL);
      if (to == HERD_ID_NONE)
        {
          ok = FALSE;
          if (lost != NULL)
            g_array_append_val (lost, id);
          continue;
        }
      book (p, vm, to, disk, 1);
      vm->status = HERD_VM_UP;
      vm->host = to;
      Shadow s = { id, to };
      g_array_append_val (shadows, s);
    }
  for (guint i = shadows->len; i-- > 0;)
    {
      const Shadow *s = &g_array_index (shadows, Shadow, i);
      book (p, herd_model_vm (p->model, s->vm), s->host,
            p->disk != NULL ? g_array_index (p->vm_disk, gint64, s->vm) : 0,
            -1);
    }
  for (guint i = 0; i < vms->len; i++)
    {
      HerdVm *vm = herd_model_vm (p->model, g_array_index (vms, HerdId, i));
      vm->status = vm_was[i].status;
      vm->host = vm_was[i].host;
    }
  for (guint i = 0; i < k; i++)
    herd_model_host (p->model, failed[i])->status = was[i];
  return ok;
}

static gint
by_booked_memory (gconstpointer a, gconstpointer b, gpointer data)
{
  const HerdModel *model = data;
  const HerdHost *x = herd_model_host (model, *(const HerdId *) a);
  const HerdHost *y = herd_model_host (model, *(const HerdId *) b);
  if (x->committed_mem_mib != y->committed_mem_mib)
    return x->committed_mem_mib > y->committed_mem_mib ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* The cluster's Up hosts, the ones with the most memory booked first. */
static GArray *
hosts_by_booked (HerdPlan *p, HerdId cluster)
{
  const HerdCluster *c = herd_model_cluster (p->model, cluster);
  GArray *order = g_array_new (FALSE, FALSE, sizeof (HerdId));
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      if (herd_model_host (p->model, id)->status == HERD_HOST_UP)
        g_array_append_val (order, id);
    }
  g_array_sort_with_data (order, by_booked_memory, p->model);
  return order;
}

/* N+K in one cluster: failures stay within a cluster, as its VMs do. */
static gboolean
n1_ok_in (HerdPlan *p, HerdId cluster)
{
  const HerdCluster *c = herd_model_cluster (p->model, cluster);
  if (p->failures == 1)
    {
      for (guint i = 0; i < c->hosts->len; i++)
        {
          HerdId h = g_array_index (c->hosts, HerdId, i);
          if (p->host_vms[h]->len > 0 && !restart_after (p, &h, 1, NULL))
            return FALSE;
        }
      return TRUE;
    }
  g_autoptr (GArray) order = hosts_by_booked (p, cluster);
  guint vms = 0;
  for (guint i = 0; i < c->hosts->len; i++)
    vms += p->host_vms[g_array_index (c->hosts, HerdId, i)]->len;
  if (order->len <= p->failures)
    return vms == 0;
  return restart_after (p, (HerdId *) order->data, p->failures, NULL);
}

gboolean
herd_plan_n1_ok (HerdPlan *p, HerdId cluster)
{
  if (p->failures == 0)
    return TRUE;
  if (cluster != HERD_ID_NONE)
    return n1_ok_in (p, cluster);
  for (HerdId c = 0; c < p->model->clusters->len; c++)
    if (!n1_ok_in (p, c))
      return FALSE;
  return TRUE;
}

/* The memory the overcommit ceiling lets VMs book on a host. */
static gint64
ceiling (const HerdPlan *p, const HerdHost *h)
{
  return herd_host_memory_ceiling (herd_model_cluster (p->model, h->cluster),
                                   h);
}

static gint
by_gint64_desc (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x > y ? -1 : x < y;
}

void
herd_plan_ha (HerdPlan *p, HerdId cluster, HerdPlanHa *out)
{
  memset (out, 0, sizeof *out);
  out->lost = g_array_new (FALSE, FALSE, sizeof (HerdId));
  out->worst_host = HERD_ID_NONE;
  g_autoptr (GArray) order = hosts_by_booked (p, cluster);
  guint n = order->len;
  guint vms = 0;
  gint64 slot_mem = 0, capacity = 0, booked = 0;
  guint32 slot_cpu = 0;
  for (guint i = 0; i < n; i++)
    {
      HerdId id = g_array_index (order, HerdId, i);
      const HerdHost *h = herd_model_host (p->model, id);
      capacity += ceiling (p, h);
      booked += h->committed_mem_mib;
      vms += p->host_vms[id]->len;
      for (guint k = 0; k < p->host_vms[id]->len; k++)
        {
          const HerdVm *vm = herd_model_vm (
              p->model, g_array_index (p->host_vms[id], HerdId, k));
          slot_mem = MAX (slot_mem,
                          herd_scheduler_vm_memory_need (p->model, vm));
          slot_cpu = MAX (slot_cpu, vm->vcpus);
        }
    }
  /* Any K hosts: the K with the most booked fail together.  More
   * failures only make it harder, so the largest K is found by
   * bisection. */
  guint lo = 0, hi = n > 0 ? n - 1 : 0;
  while (lo < hi)
    {
      guint k = lo + (hi - lo + 1) / 2;
      if (restart_after (p, (HerdId *) order->data, k, NULL))
        lo = k;
      else
        hi = k - 1;
    }
  out->any = lo;
  /* Slots: the largest VM's memory and vCPUs make a slot; K hosts may fail
   * while the others' slots hold every VM. */
  g_autoptr (GArray) slots = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 total_slots = 0;
  for (guint i = 0; i < n; i++)
    {
      const HerdHost *h = herd_model_host (p->model,
                                           g_array_index (order, HerdId, i));
      gint64 s = slot_mem == 0 || h->cores < slot_cpu
                     ? 0
                     : MAX (ceiling (p, h), 0) / slot_mem;
      gint64 size = MAX (ceiling (p, h), 0);
      g_array_append_val (slots, s);
      g_array_append_val (sizes, size);
      total_slots += s;
    }
  g_array_sort (slots, by_gint64_desc);
  g_array_sort (sizes, by_gint64_desc);
  out->slot_mem_mib = slot_mem;
  out->slot_vcpus = slot_cpu;
  out->total_slots = total_slots;
  for (guint k = 0; k < n; k++)
    {
      if (total_slots < vms)
        break;
      out->slots = k;
      total_slots -= g_array_index (slots, gint64, k);
    }
  /* Percentage: the free share of the cluster's memory covers the K
   * largest hosts. */
  out->free_percent = capacity > 0 ? 100.0 * (double) (capacity - booked)
                                         / (double) capacity
                                   : 0;
  gint64 spare = capacity - booked, largest = 0;
  for (guint k = 0; k < n; k++)
    {
      largest += g_array_index (sizes, gint64, k);
      if (largest > spare || k + 1 >= n)
        break;
      out->percent = k + 1;
    }
  /* The worst single failure: the host whose failure leaves the most VMs
   * without a host (then the most memory). */
  for (guint i = 0; i < n; i++)
    {
      HerdId id = g_array_index (order, HerdId, i);
      if (p->host_vms[id]->len == 0)
        continue;
      g_autoptr (GArray) lost = g_array_new (FALSE, FALSE, sizeof (HerdId));
      restart_after (p, &id, 1, lost);
      if (out->worst_host == HERD_ID_NONE || lost->len > out->lost->len)
        {
          out->worst_host = id;
          g_array_set_size (out->lost, 0);
          g_array_append_vals (out->lost, lost->data, lost->len);
        }
    }
}

void
herd_plan_ha_clear (HerdPlanHa *ha)
{
  if (ha->lost != NULL)
    g_array_unref (ha->lost);
  ha->lost = NULL;
}

/* Why host cannot take vm now, by the scheduler's filters and the disk
 * check. */
static HerdPlanFail
reason_at (HerdPlan *p, const HerdVm *vm, gint64 disk_mib, HerdId host)
{
  switch (herd_scheduler_check_host (p->scheduler, vm->id, HERD_ID_NONE,
                                     host))
    {
    case HERD_FILTER_NONE:
      return disk_fits (p, host, disk_mib) ? HERD_PLAN_FAIL_N1
                                           : HERD_PLAN_FAIL_DISK;
    case HERD_FILTER_MEMORY:
      return HERD_PLAN_FAIL_MEM;
    case HERD_FILTER_CPU:
      return HERD_PLAN_FAIL_CPU;
    default:
      return HERD_PLAN_FAIL_OTHER;
    }
}

static HerdVm *
new_vm (HerdPlan *p, HerdId cluster, HerdPlanSpec spec)
{
  g_autofree char *name = g_strdup_printf ("plan-%u", ++p->serial);
  HerdVm *vm = herd_model_add_vm (p->model, name, cluster);
  vm->vcpus = spec.vcpus;
  vm->memory_mib = vm->guaranteed_mib = spec.mem_mib;
  return vm;
}

/* The cluster's hosts, when the closed form answers for them: all alike
 * and empty, a policy that spreads, no affinity.  Else NULL. */
static GArray *
closed_form_hosts (HerdPlan *p, HerdId cluster)
{
  const HerdCluster *c = herd_model_cluster (p->model, cluster);
  if (!p->closed_form_allowed || p->model->affinity_groups->len > 0
      || c->policy == HERD_POLICY_POWER_SAVING
      || c->policy == HERD_POLICY_CLUSTER_MAINTENANCE || c->hosts->len == 0)
    return NULL;
  const HerdHost *first = herd_model_host (p->model,
                                           g_array_index (c->hosts, HerdId,
                                                          0));
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      const HerdHost *h = herd_model_host (p->model, id);
      if (h->status != HERD_HOST_UP || h->vm_count > 0
          || h->committed_mem_mib != 0 || h->memory_mib != first->memory_mib
          || h->reserved_mib != first->reserved_mib
          || h->mem_free_mib != first->mem_free_mib
          || h->cores != first->cores || h->threads != first->threads
          || h->networks != first->networks
          || h->networks_down != first->networks_down
          || h->cpu_over_since != first->cpu_over_since
          || herd_plan_disk_free (p, id) != herd_plan_disk_free (p, first->id)
          || (i > 0 && id != g_array_index (c->hosts, HerdId, i - 1) + 1))
        return NULL;
    }
  return c->hosts;
}

/* How many VMs like vm one empty host takes by the filters and its disk,
 * and what stops the next one. */
static guint64
host_slots (HerdPlan *p, const HerdVm *vm, gint64 disk_mib, HerdId host,
            HerdPlanFail *stop)
{
  guint64 n = 0;
  while (herd_scheduler_check_host (p->scheduler, vm->id, HERD_ID_NONE,
                                    host)
             == HERD_FILTER_NONE
         && disk_fits (p, host, disk_mib))
    {
      book (p, vm, host, disk_mib, 1);
      n++;
    }
  *stop = reason_at (p, vm, disk_mib, host);
  for (guint64 i = 0; i < n; i++)
    book (p, vm, host, disk_mib, -1);
  return n;
}

/* The closed form: H identical empty hosts taking c each hold H x c VMs;
 * spread in turns, N+K holds while K x c slots stay free. */
static void
allocate_closed_form (HerdPlan *p, HerdId cluster, const GArray *hosts,
                      HerdPlanSpec spec, HerdPlanResult *out)
{
  guint64 h = hosts->len;
  HerdVm *probe = new_vm (p, cluster, spec);
  HerdPlanFail stop;
  guint64 c = host_slots (p, probe, spec.disk_mib,
                          g_array_index (hosts, HerdId, 0), &stop);
  guint64 n = p->failures >= h ? 0 : (h - p->failures) * c;
  gboolean pool_binds = FALSE;
  if (p->disk == NULL && spec.disk_mib > 0
      && (guint64) (p->pool / spec.disk_mib) < n)
    {
      n = (guint64) (p->pool / spec.disk_mib);
      pool_binds = TRUE;
    }
  for (guint64 i = 0; i < n; i++)
    {
      HerdVm *vm = i == 0 ? probe : new_vm (p, cluster, spec);
      herd_plan_commit (p, vm->id, g_array_index (hosts, HerdId, i % h),
                        spec.disk_mib);
    }
  for (guint64 i = 0; i < h; i++)
    {
      guint64 on = n / h + (i < n % h);
      HerdPlanFail why = pool_binds ? HERD_PLAN_FAIL_DISK
                         : on == c  ? stop
                                    : HERD_PLAN_FAIL_N1;
      out->fail[why]++;
    }
  out->count += n;
  HerdPlanTier tier = { spec, n };
  g_array_append_val (out->tiers, tier);
}

/* One tier: VMs of spec while they fit; counts why the last one did not
 * on each host. */
static guint64
allocate_tier (HerdPlan *p, HerdId cluster, HerdPlanSpec spec,
               HerdPlanResult *out)
{
  guint n_hosts = p->model->hosts->len;
  g_autofree guint8 *n1 = g_new0 (guint8, MAX (n_hosts, 1));
  guint64 placed = 0;
  HerdVm *vm = new_vm (p, cluster, spec);
  for (;;)
    {
      HerdId host = choose (p, vm, spec.disk_mib, n1);
      if (host == HERD_ID_NONE)
        break;
      herd_plan_commit (p, vm->id, host, spec.disk_mib);
      if (!herd_plan_n1_ok (p, cluster))
        {
          uncommit (p, vm->id);
          n1[host] = 1;
          continue;
        }
      placed++;
      memset (n1, 0, n_hosts);
      vm = new_vm (p, cluster, spec);
    }
  memset (out->fail, 0, sizeof out->fail);
  const HerdCluster *c = herd_model_cluster (p->model, cluster);
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      HerdPlanFail why = n1[id] ? HERD_PLAN_FAIL_N1
                                : reason_at (p, vm, spec.disk_mib, id);
      p->why[id] = why;
      out->fail[why]++;
    }
  out->count += placed;
  HerdPlanTier tier = { spec, placed };
  g_array_append_val (out->tiers, tier);
  return placed;
}

#define SHRINK_STEP_MIB 256

/* The next tier's spec: the resource that failed on most hosts shrunk to
 * what the hosts that failed on it could take, or FALSE. */
static gboolean
shrink (HerdPlan *p, HerdId cluster, const HerdPlanResult *r,
        HerdPlanSpec *spec)
{
  HerdPlanFail worst = HERD_PLAN_FAIL_LAST;
  for (int f = HERD_PLAN_FAIL_MEM; f <= HERD_PLAN_FAIL_DISK; f++)
    if (r->fail[f] > 0 && (worst == HERD_PLAN_FAIL_LAST
                           || r->fail[f] > r->fail[worst]))
      worst = (HerdPlanFail) f;
  if (worst == HERD_PLAN_FAIL_LAST)
    return FALSE;
  const HerdCluster *c = herd_model_cluster (p->model, cluster);
  gint64 best = 0;
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      const HerdHost *h = herd_model_host (p->model, id);
      if (p->why[id] != worst)
        continue;
      gint64 room = 0;
      if (worst == HERD_PLAN_FAIL_DISK)
        room = herd_plan_disk_free (p, id) - (p->disk != NULL ? 1 : 0);
      else if (worst == HERD_PLAN_FAIL_CPU)
        room = h->cores;
      else
        room = MIN (h->mem_free_mib,
                    herd_host_memory_ceiling (c, h) - h->committed_mem_mib)
               - p->model->params.vm_memory_overhead_mib;
      best = MAX (best, room);
    }
  if (worst != HERD_PLAN_FAIL_CPU)
    best = best / SHRINK_STEP_MIB * SHRINK_STEP_MIB;
  gint64 *field = worst == HERD_PLAN_FAIL_DISK ? &spec->disk_mib
                  : worst == HERD_PLAN_FAIL_MEM ? &spec->mem_mib
                                                : NULL;
  gint64 now = field != NULL ? *field : spec->vcpus;
  if (best <= 0 || best >= now)
    return FALSE;
  if (field != NULL)
    *field = best;
  else
    spec->vcpus = (guint32) best;
  return TRUE;
}

/* The reason most hosts gave (the first in reason order on a tie). */
static void
most_common (HerdPlanResult *r)
{
  r->reason = HERD_PLAN_FAIL_MEM;
  for (int f = 0; f < HERD_PLAN_FAIL_LAST; f++)
    if (r->fail[f] > r->fail[r->reason])
      r->reason = (HerdPlanFail) f;
}

void
herd_plan_allocate (HerdPlan *p, HerdId cluster, HerdPlanSpec spec,
                    gboolean tiered, HerdPlanResult *out)
{
  memset (out, 0, sizeof *out);
  out->tiers = g_array_new (FALSE, FALSE, sizeof (HerdPlanTier));
  const GArray *alike = closed_form_hosts (p, cluster);
  p->used_closed_form = alike != NULL && !tiered;
  if (p->used_closed_form)
    {
      allocate_closed_form (p, cluster, alike, spec, out);
      most_common (out);
      return;
    }
  /* Tiers go on while a resource fails most: shrinking cannot help N+K. */
  do
    {
      allocate_tier (p, cluster, spec, out);
      most_common (out);
    }
  while (tiered && out->reason != HERD_PLAN_FAIL_N1
         && shrink (p, cluster, out, &spec));
  /* Tiers where nothing fitted are not listed (as hspace lists them). */
  for (guint i = out->tiers->len; i-- > 0;)
    if (g_array_index (out->tiers, HerdPlanTier, i).count == 0
        && out->tiers->len > 1)
      g_array_remove_index (out->tiers, i);
}

void
herd_plan_result_clear (HerdPlanResult *r)
{
  if (r->tiers != NULL)
    g_array_unref (r->tiers);
  r->tiers = NULL;
}

gint64 *
herd_plan_domains_used (const HerdModel *model)
{
  gint64 *used = g_new0 (gint64, MAX (model->domains->len, 1));
  for (guint i = 0; i < model->domains->len; i++)
    used[i] = herd_model_domain (model, i)->used_mib;
  for (guint i = 0; i < model->disks->len; i++)
    {
      const HerdDisk *d = g_ptr_array_index (model->disks, i);
      const HerdStorageDomain *sd = herd_model_domain (model, d->domain);
      used[d->domain] += herd_volume_first_mib (
          d->thin, herd_storage_type_is_block (sd->type), d->virtual_mib,
          d->base_mib, model->params.thin_initial_mib);
    }
  return used;
}

/* A VM group's mean write rate over a day, MiB/s of new data. */
static double
mean_new_writes (const HerdVmGroup *group)
{
  double sum = 0;
  for (int hour = 0; hour < 24; hour++)
    for (int quarter = 0; quarter < 4; quarter++)
      sum += herd_rate_model_value (&group->write_rate,
                                    HERD_HOUR (hour) + HERD_MIN (15 * quarter));
  return group->new_writes * sum / 96 / (1024 * 1024);
}

/* Thin disks growing while the plan runs forward. */
typedef struct
{
  HerdId domain;
  double data_mib;   /* guest data */
  double floor_mib;  /* what it takes regardless (its first LV) */
  double max_mib;    /* its virtual size */
  double per_day;    /* MiB of new data a day */
} Growing;

static double
taken (const Growing *g)
{
  return MAX (g->floor_mib, g->data_mib);
}

/* A step in a domain's use during a day: storage growth at its time. */
typedef struct
{
  HerdTime at;
  HerdId domain;
  double mib;
} Step;

static gint
by_time (gconstpointer a, gconstpointer b)
{
  const Step *x = a, *y = b;
  return (x->at > y->at) - (x->at < y->at);
}

/* Notes the first instant of day (from day_start) when domain's use goes
 * over limit: it starts the day at u0, grows by slope MiB/s, and steps
 * by steps (this domain's, in time order). */
static void
crossing (double limit, double u0, double slope, const GArray *steps,
          HerdId domain, HerdTime day_start, guint day, gint *out_day,
          double *out_hours)
{
  if (*out_day >= 0)
    return;
  double u = u0;
  HerdTime t = day_start;
  HerdTime end = day_start + HERD_DAY (1);
  HerdTime at = -1;
  for (guint i = 0; i <= steps->len && at < 0; i++)
    {
      const Step *st = i < steps->len ? &g_array_index (steps, Step, i)
                                      : NULL;
      if (st != NULL && st->domain != domain)
        continue;
      HerdTime next = st != NULL ? st->at : end;
      double seconds = (double) (next - t) / 1e9;
      if (u > limit)
        at = t;
      else if (slope > 0 && u + slope * seconds > limit)
        at = t + (HerdTime) ((limit - u) / slope * 1e9);
      u += slope * seconds;
      t = next;
      if (at < 0 && st != NULL)
        {
          u += st->mib;
          if (u > limit)
            at = t;
        }
    }
  if (at < 0)
    return;
  *out_day = (gint) day;
  *out_hours = (double) at / 3.6e12;
}

/* Why a VM finds no host of cluster: the reason most hosts give. */
static HerdPlanFail
cluster_reason (HerdPlan *p, const HerdVm *vm, HerdId cluster)
{
  const HerdCluster *c = herd_model_cluster (p->model, cluster);
  guint counts[HERD_PLAN_FAIL_LAST] = { 0 };
  for (guint i = 0; i < c->hosts->len; i++)
    counts[reason_at (p, vm, 0, g_array_index (c->hosts, HerdId, i))]++;
  HerdPlanFail best = HERD_PLAN_FAIL_OTHER;
  for (int f = 0; f < HERD_PLAN_FAIL_LAST; f++)
    if (counts[f] > counts[best])
      best = (HerdPlanFail) f;
  return best;
}

/* out emptied: nothing found yet, a row per data domain. */
static void
growth_init (const HerdModel *model, HerdPlanGrowth *out)
{
  memset (out, 0, sizeof *out);
  out->first_fail_day = out->n1_break_day = -1;
  out->domains = g_array_new (FALSE, FALSE, sizeof (HerdPlanDomainDays));
  for (guint i = 0; i < model->domains->len; i++)
    if (herd_model_domain (model, i)->role == HERD_DOMAIN_DATA)
      {
        HerdPlanDomainDays d = { i, -1, -1, -1, -1, -1, -1 };
        g_array_append_val (out->domains, d);
      }
}

/* The thin disks of the VMs placed, growing at their group's rate (those
 * written to): Growing. */
static GArray *
growing_thin_disks (const HerdModel *model, const HerdScenario *scenario)
{
  GArray *thin = g_array_new (FALSE, FALSE, sizeof (Growing));
  for (guint i = 0; i < model->disks->len; i++)
    {
      const HerdDisk *d = g_ptr_array_index (model->disks, i);
      const HerdVm *vm = herd_model_vm (model, d->vm);
      if (!d->thin || !vm->committed || d->vm >= scenario->vm_group_of->len)
        continue;
      const HerdVmGroup *group = g_ptr_array_index (
          scenario->vm_groups,
          g_array_index (scenario->vm_group_of, guint32, d->vm));
      const HerdStorageDomain *sd = herd_model_domain (model, d->domain);
      Growing g = { d->domain, (double) d->base_mib,
                    (double) herd_volume_first_mib (
                        TRUE, herd_storage_type_is_block (sd->type),
                        d->virtual_mib, d->base_mib,
                        model->params.thin_initial_mib),
                    (double) d->virtual_mib,
                    mean_new_writes (group) * 86400 };
      if (g.per_day > 0)
        g_array_append_val (thin, g);
    }
  return thin;
}

/* A storage [growth] group (no VMs): its steps due by the end of the day
 * not taken yet (*added of them were). */
static void
growth_storage_steps (const HerdGrowth *gr, guint64 due, guint64 *added,
                      GArray *steps)
{
  for (guint64 k = *added + 1; k <= due; k++)
    {
      Step st = { (HerdTime) k * gr->every, gr->domain,
                  (double) gr->grows_mib };
      g_array_append_val (steps, st);
    }
  *added = due;
}

/* A VM [growth] group: its VMs due by the end of the day (*added of them
 * were placed), placed at the start of the day until one fails; the
 * failure noted in out. */
static void
growth_place_vms (HerdPlan *p, const HerdGrowth *gr, guint64 due, guint day,
                  guint64 *added, double *used, HerdPlanGrowth *out)
{
  const HerdModel *model = p->model;
  HerdId master = herd_model_datacenter (
                      model, herd_model_cluster (model, gr->cluster)
                                 ->datacenter)
                      ->master_domain;
  for (; out->first_fail_day < 0 && *added < due * gr->vms; (*added)++)
    {
      HerdVm *vm = new_vm (p, gr->cluster,
                           (HerdPlanSpec) { gr->disk_mib, gr->memory_mib,
                                            gr->vcpus });
      const HerdStorageDomain *sd
          = master != HERD_ID_NONE ? herd_model_domain (model, master)
                                   : NULL;
      gboolean room = gr->disk_mib == 0
                      || (sd != NULL
                          && (double) sd->capacity_mib - used[master]
                                 >= (double) gr->disk_mib);
      if (!room || !herd_plan_place (p, vm->id, 0))
        {
          out->first_fail_day = (gint) day;
          out->first_fail_group = gr->name;
          out->first_fail_reason = !room ? HERD_PLAN_FAIL_DISK
                                         : cluster_reason (p, vm, gr->cluster);
          break;
        }
      if (gr->disk_mib > 0)
        used[master] += (double) gr->disk_mib;
      out->vms_added++;
    }
}

/* The thin disks' writes through the day: added to used, and per domain
 * as a slope (MiB/s). */
static void
thin_writes (GArray *thin, double *slope, double *used)
{
  for (guint i = 0; i < thin->len; i++)
    {
      Growing *g = &g_array_index (thin, Growing, i);
      double before = taken (g);
      g->data_mib = MIN (g->max_mib, g->data_mib + g->per_day);
      slope[g->domain] += (taken (g) - before) / 86400;
      used[g->domain] += taken (g) - before;
    }
}

/* Per data domain, the day's crossings of its warning and critical
 * levels and of full, from u0 at the start of the day; TRUE while a
 * domain is not full yet. */
static gboolean
domain_crossings (const HerdModel *model, HerdPlanGrowth *out,
                  const double *u0, const double *slope, const GArray *steps,
                  HerdTime start, guint day)
{
  gboolean open = FALSE;
  for (guint i = 0; i < out->domains->len; i++)
    {
      HerdPlanDomainDays *d = &g_array_index (out->domains,
                                              HerdPlanDomainDays, i);
      const HerdStorageDomain *sd = herd_model_domain (model, d->domain);
      double cap = (double) sd->capacity_mib;
      crossing (cap * (1 - sd->warning_free), u0[d->domain],
                slope[d->domain], steps, d->domain, start, day,
                &d->warning_day, &d->warning_hours);
      crossing (cap * (1 - sd->critical_free), u0[d->domain],
                slope[d->domain], steps, d->domain, start, day,
                &d->critical_day, &d->critical_hours);
      crossing (cap - 1e-9, u0[d->domain], slope[d->domain], steps,
                d->domain, start, day, &d->full_day, &d->full_hours);
      open |= d->full_day < 0;
    }
  return open;
}

void
herd_plan_grow (HerdPlan *p, const HerdScenario *scenario, guint max_days,
                HerdPlanGrowth *out)
{
  const HerdModel *model = p->model;
  const GPtrArray *growth = scenario->growth;
  guint n_domains = MAX (model->domains->len, 1);
  growth_init (model, out);
  g_autofree gint64 *used_mib = herd_plan_domains_used (model);
  g_autofree double *used = g_new0 (double, n_domains);
  for (guint i = 0; i < model->domains->len; i++)
    used[i] = (double) used_mib[i];
  g_autoptr (GArray) thin = growing_thin_disks (model, scenario);
  g_autofree guint64 *added = g_new0 (guint64, MAX (growth->len, 1));
  gboolean vm_growth = FALSE;
  for (guint g = 0; g < growth->len; g++)
    vm_growth |= ((const HerdGrowth *) g_ptr_array_index (growth, g))->vms
                 > 0;
  out->growing = vm_growth || thin->len > 0 || growth->len > 0;
  /* N+K can only break where it holds at the start: a cluster of one
   * host with VMs never keeps N+1, and must not make another cluster's
   * growth break it on day 1. */
  guint n_clusters = model->clusters->len;
  g_autofree gboolean *kept = g_new0 (gboolean, MAX (n_clusters, 1));
  for (HerdId c = 0; c < n_clusters && vm_growth; c++)
    kept[c] = herd_plan_n1_ok (p, c);
  g_autofree double *slope = g_new (double, n_domains);
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (Step));
  for (guint day = 1; day <= max_days && out->growing; day++)
    {
      out->days = day;
      HerdTime start = HERD_DAY (day - 1), end = HERD_DAY (day);
      g_array_set_size (steps, 0);
      for (guint g = 0; g < growth->len; g++)
        {
          const HerdGrowth *gr = g_ptr_array_index (growth, g);
          /* Events at every, 2 x every, ...: those before the day ends. */
          guint64 due = (guint64) ((end - 1) / gr->every);
          if (gr->vms == 0)
            growth_storage_steps (gr, due, &added[g], steps);
          else
            growth_place_vms (p, gr, due, day, &added[g], used, out);
        }
      /* N+K after the day's placements (also on the day one failed). */
      for (HerdId c = 0; c < n_clusters && vm_growth
                         && out->n1_break_day < 0 && p->failures > 0
                         && (out->first_fail_day < 0
                             || out->first_fail_day == (gint) day);
           c++)
        if (kept[c] && !herd_plan_n1_ok (p, c))
          out->n1_break_day = (gint) day;
      g_array_sort (steps, by_time);
      memset (slope, 0, sizeof (double) * n_domains);
      g_autofree double *u0 = g_memdup2 (used, sizeof (double) * n_domains);
      thin_writes (thin, slope, used);
      for (guint i = 0; i < steps->len; i++)
        used[g_array_index (steps, Step, i).domain]
            += g_array_index (steps, Step, i).mib;
      gboolean open = domain_crossings (model, out, u0, slope, steps, start,
                                        day);
      /* Done when nothing is left to find. */
      gboolean vms_done = !vm_growth || out->first_fail_day >= 0;
      if (vms_done && !open)
        break;
    }
}

void
herd_plan_growth_clear (HerdPlanGrowth *g)
{
  if (g->domains != NULL)
    g_array_unref (g->domains);
  g->domains = NULL;
}

void
herd_plan_memory_peak (HerdPlan *p, HerdId cluster, HerdPlanMemory *out)
{
  const HerdModel *m = p->model;
  const HerdCluster *c = herd_model_cluster (m, cluster);
  const HerdParams *params = &m->params;
  gint64 overhead = params->vm_memory_overhead_mib;
  *out = (HerdPlanMemory){ .worst = HERD_ID_NONE };
  for (guint i = 0; i < c->hosts->len; i++)
    {
      HerdId id = g_array_index (c->hosts, HerdId, i);
      const HerdHost *h = herd_model_host (m, id);
      const GArray *vms = p->host_vms[id];
      gint64 own = h->committed_mem_mib, peak = 0, floor = 0, defined = 0,
             guests = 0, guest_floor = 0;
      for (guint k = 0; k < vms->len; k++)
        {
          const HerdVm *vm = herd_model_vm (m, g_array_index (vms, HerdId, k));
          gint64 top = vm_memory (p, vm, TRUE);
          own -= herd_scheduler_vm_memory_need (m, vm);
          guests += top;
          guest_floor += MIN (top, vm->guaranteed_mib);
          defined += vm->memory_mib;
        }
      peak = own + guests + (gint64) vms->len * overhead;
      floor = own + guest_floor + (gint64) vms->len * overhead;
      /* KSM (MoM) runs under pressure, or when the guests' memory with
       * the threshold is over the host's: it merges ksm_sharing. */
      double threshold = params->ksm_free_percent / 100.0 * h->memory_mib;
      gboolean ksm = c->ksm && c->ksm_sharing > 0
                     && (h->memory_mib - peak < threshold
                         || defined + threshold > h->memory_mib);
      gint64 saved = ksm ? (gint64) llround (c->ksm_sharing * guests) : 0;
      peak -= saved;
      floor -= ksm ? (gint64) llround (c->ksm_sharing * guest_floor) : 0;
      out->hosts++;
      out->ksm_mib += saved;
      double percent = h->memory_mib > 0 ? 100.0 * peak / h->memory_mib : 0;
      if (out->worst == HERD_ID_NONE || percent > out->worst_percent)
        {
          out->worst = id;
          out->worst_percent = percent;
        }
      if (peak <= h->memory_mib)
        continue;
      out->over++;
      if (c->ballooning && floor <= h->memory_mib)
        out->balloon_mib += peak - h->memory_mib;
      else
        out->swapping++;
    }
}
