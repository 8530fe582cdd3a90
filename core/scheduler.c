/* scheduler.c: the placement pipeline: filters, weights, rank selector
 * (see scheduler.h and behaviour.md §2). */
#include "core/scheduler.h"

#include <stdlib.h>
#include <string.h>

/* Everything a policy unit looks at for one decision. */
typedef struct
{
  const HerdModel *model;
  const HerdCluster *cluster;
  const HerdVm *vm;
  HerdId source;
  gint64 mem_need_mib;
  gint64 cpu_need_mc;
} Request;

typedef gboolean (*FilterFunc) (const Request *req, const HerdHost *host);
typedef gint64 (*WeightFunc) (const Request *req, const HerdHost *host);

static gboolean
filter_status (const Request *req, const HerdHost *host)
{
  return host->status == HERD_HOST_UP;
}

/* CPU: the host has at least as many cores as the VM has vCPUs. */
static gboolean
filter_cpu (const Request *req, const HerdHost *host)
{
  return host->cores >= req->vm->vcpus;
}

/* Memory: free physical memory (swap counts) minus what is pending must
 * hold the VM, and committed + pending + the VM must stay within the
 * overcommit ceiling less the host's reserved memory. */
static gboolean
filter_memory (const Request *req, const HerdHost *host)
{
  if (host->mem_free_mib - host->pending_mem_mib < req->mem_need_mib)
    return FALSE;
  gint64 ceiling = host->memory_mib
                       * (gint64) req->cluster->memory_overcommit_percent
                       / 100
                   - host->reserved_mib;
  return host->committed_mem_mib + host->pending_mem_mib + req->mem_need_mib
         <= ceiling;
}

/* Migration: never the host the VM runs on. */
static gboolean
filter_migration (const Request *req, const HerdHost *host)
{
  return host->id != req->source;
}

/* Even CPU: projected load in thousandths of a percent of the host's
 * cores, counting what is pending and the VM itself. */
static gint64
weight_even_cpu (const Request *req, const HerdHost *host)
{
  gint64 used = host->cpu_used_mc + host->pending_cpu_mc + req->cpu_need_mc;
  return used * 100000 / ((gint64) host->cores * 1000);
}

/* Even memory: the more free memory left after placing the VM, the better
 * (so the score is its negation). */
static gint64
weight_even_memory (const Request *req, const HerdHost *host)
{
  return -(host->mem_free_mib - host->pending_mem_mib - req->mem_need_mib);
}

typedef struct
{
  const char *name;
  FilterFunc func;
} FilterUnit;

typedef struct
{
  const char *name;
  WeightFunc func;
  guint factor;
} WeightUnit;

/* In the order they run (behaviour.md §2). */
static const FilterUnit filters[HERD_FILTER_LAST] = {
  [HERD_FILTER_STATUS] = { "Status", filter_status },
  [HERD_FILTER_CPU] = { "CPU", filter_cpu },
  [HERD_FILTER_MEMORY] = { "Memory", filter_memory },
  [HERD_FILTER_MIGRATION] = { "Migration", filter_migration },
};
static const HerdFilterKind filter_order[] = {
  HERD_FILTER_STATUS,
  HERD_FILTER_CPU,
  HERD_FILTER_MEMORY,
  HERD_FILTER_MIGRATION,
};

static const WeightUnit weights[HERD_WEIGHT_LAST] = {
  [HERD_WEIGHT_EVEN_CPU] = { "EvenCpu", weight_even_cpu, 2 },
  [HERD_WEIGHT_EVEN_MEMORY] = { "EvenMemory", weight_even_memory, 1 },
};

const char *
herd_filter_name (HerdFilterKind filter)
{
  g_assert (filter < HERD_FILTER_LAST);
  return filters[filter].name;
}

const char *
herd_weight_name (HerdWeightKind weight)
{
  g_assert (weight < HERD_WEIGHT_LAST);
  return weights[weight].name;
}

guint
herd_weight_factor (HerdWeightKind weight)
{
  g_assert (weight < HERD_WEIGHT_LAST);
  return weights[weight].factor;
}

struct _HerdScheduler
{
  HerdModel *model;
  guint capacity;       /* hosts the scratch arrays hold */
  HerdId *candidates;   /* host ids that passed the filters */
  gint64 *scores;       /* [weight * capacity + i] */
  guint32 *ranks;       /* same layout */
  guint64 *totals;
  guint64 *sort_a, *sort_b; /* radix sort buffers */
};

HerdScheduler *
herd_scheduler_new (HerdModel *model)
{
  HerdScheduler *s = g_new0 (HerdScheduler, 1);
  s->model = model;
  return s;
}

static void
scratch_free (HerdScheduler *s)
{
  g_free (s->candidates);
  g_free (s->scores);
  g_free (s->ranks);
  g_free (s->totals);
  g_free (s->sort_a);
  g_free (s->sort_b);
}

void
herd_scheduler_free (HerdScheduler *scheduler)
{
  if (scheduler == NULL)
    return;
  scratch_free (scheduler);
  g_free (scheduler);
}

static void
scratch_reserve (HerdScheduler *s, guint n)
{
  if (n <= s->capacity)
    return;
  scratch_free (s);
  s->capacity = MAX (n, 2 * s->capacity);
  guint c = s->capacity;
  s->candidates = g_new (HerdId, c);
  s->scores = g_new (gint64, (gsize) c * HERD_WEIGHT_LAST);
  s->ranks = g_new (guint32, (gsize) c * HERD_WEIGHT_LAST);
  s->totals = g_new (guint64, c);
  s->sort_a = g_new (guint64, c);
  s->sort_b = g_new (guint64, c);
}

gint64
herd_scheduler_vm_memory_need (const HerdModel *model, const HerdVm *vm)
{
  return vm->memory_mib + model->params.vm_memory_overhead_mib;
}

gint64
herd_scheduler_vm_cpu_estimate (const HerdModel *model, const HerdVm *vm)
{
  if (vm->cpu_used_mc >= 0)
    return vm->cpu_used_mc;
  /* Percent of a core per vCPU, in millicores, rounded down. */
  return (gint64) (model->params.unmeasured_cpu_percent * 10.0)
         * (gint64) vm->vcpus;
}

static int
compare_u64 (const void *a, const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return (x > y) - (x < y);
}

/* Sorts keys[0..n) ascending: LSD radix sort on the bytes that vary
 * (a few passes for the score ranges seen here), qsort when they are
 * many. */
static void
sort_keys (guint64 *keys, guint64 *tmp, guint n, guint bits)
{
  guint passes = (bits + 7) / 8;
  if (passes > 6 || n < 64)
    {
      qsort (keys, n, sizeof *keys, compare_u64);
      return;
    }
  for (guint p = 0; p < passes; p++)
    {
      guint count[257] = { 0 };
      guint shift = p * 8;
      for (guint i = 0; i < n; i++)
        count[((keys[i] >> shift) & 0xff) + 1]++;
      for (guint b = 0; b < 256; b++)
        count[b + 1] += count[b];
      for (guint i = 0; i < n; i++)
        tmp[count[(keys[i] >> shift) & 0xff]++] = keys[i];
      guint64 *t = keys;
      keys = tmp;
      tmp = t;
    }
  if (passes % 2 == 1)
    memcpy (tmp, keys, n * sizeof *keys);
}

static guint
bits_for (guint64 v)
{
  guint b = 0;
  while (v != 0)
    {
      b++;
      v >>= 1;
    }
  return b;
}

/* Ranks n scores: rank[i] = number of scores >= scores[i].  Sorts
 * (score - min) packed with the index, so ties stay grouped. */
static void
rank_scores (guint n, const gint64 *scores, guint32 *ranks, guint64 *sort_a,
             guint64 *sort_b)
{
  gint64 lo = scores[0], hi = scores[0];
  for (guint i = 1; i < n; i++)
    {
      lo = MIN (lo, scores[i]);
      hi = MAX (hi, scores[i]);
    }
  guint idx_bits = bits_for (n);
  guint64 range = (guint64) hi - (guint64) lo;
  guint range_bits = bits_for (range);

  if (range_bits + idx_bits <= 64)
    {
      for (guint i = 0; i < n; i++)
        sort_a[i] = (((guint64) scores[i] - (guint64) lo) << idx_bits) | i;
      sort_keys (sort_a, sort_b, n, range_bits + idx_bits);
      guint64 mask = ((guint64) 1 << idx_bits) - 1;
      guint first = 0;
      for (guint p = 0; p < n; p++)
        {
          if (p > 0 && (sort_a[p] >> idx_bits) != (sort_a[p - 1] >> idx_bits))
            first = p;
          ranks[sort_a[p] & mask] = n - first;
        }
      return;
    }
  /* Scores too spread to pack: quadratic but exact (never seen in
   * practice; scores are bounded percentages and MiB). */
  for (guint i = 0; i < n; i++)
    {
      guint32 r = 0;
      for (guint j = 0; j < n; j++)
        r += scores[j] >= scores[i];
      ranks[i] = r;
    }
}

static guint
select_ranked (guint n, guint n_weights, const gint64 *scores, gsize stride,
               const guint *factors, guint32 *ranks, guint64 *totals,
               guint64 *sort_a, guint64 *sort_b)
{
  memset (totals, 0, n * sizeof *totals);
  for (guint w = 0; w < n_weights; w++)
    {
      rank_scores (n, scores + w * stride, ranks + w * stride, sort_a,
                   sort_b);
      for (guint i = 0; i < n; i++)
        totals[i] += (guint64) factors[w] * ranks[w * stride + i];
    }
  guint best = 0;
  for (guint i = 1; i < n; i++)
    if (totals[i] > totals[best])
      best = i;
  return best;
}

guint
herd_rank_select (guint n, guint n_weights, const gint64 *scores,
                  const guint *factors, guint32 *ranks, guint64 *totals)
{
  g_assert (n > 0);
  g_autofree guint64 *a = g_new (guint64, n);
  g_autofree guint64 *b = g_new (guint64, n);
  return select_ranked (n, n_weights, scores, n, factors, ranks, totals, a,
                        b);
}

static void
request_init (Request *req, const HerdModel *model, HerdId vm_id,
              HerdId source)
{
  const HerdVm *vm = herd_model_vm (model, vm_id);
  req->model = model;
  req->cluster = herd_model_cluster (model, vm->cluster);
  req->vm = vm;
  req->source = source;
  req->mem_need_mib = herd_scheduler_vm_memory_need (model, vm);
  req->cpu_need_mc = herd_scheduler_vm_cpu_estimate (model, vm);
}

static HerdFilterKind
run_filters (const Request *req, const HerdHost *host)
{
  for (guint f = 0; f < G_N_ELEMENTS (filter_order); f++)
    if (!filters[filter_order[f]].func (req, host))
      return filter_order[f];
  return HERD_FILTER_NONE;
}

HerdFilterKind
herd_scheduler_check_host (HerdScheduler *s, HerdId vm, HerdId source,
                           HerdId host)
{
  Request req;
  request_init (&req, s->model, vm, source);
  const HerdHost *h = herd_model_host (s->model, host);
  if (h->cluster != req.vm->cluster)
    return HERD_FILTER_STATUS;
  return run_filters (&req, h);
}

void
herd_placement_trace_init (HerdPlacementTrace *trace)
{
  trace->hosts = g_array_new (FALSE, TRUE, sizeof (HerdPlacementHost));
  trace->chosen = HERD_ID_NONE;
}

void
herd_placement_trace_clear (HerdPlacementTrace *trace)
{
  g_clear_pointer (&trace->hosts, g_array_unref);
}

HerdId
herd_scheduler_place (HerdScheduler *s, HerdId vm_id, HerdId source,
                      guint32 *rejected, HerdPlacementTrace *trace)
{
  const HerdModel *model = s->model;
  Request req;
  request_init (&req, model, vm_id, source);
  const GArray *hosts = req.cluster->hosts;

  scratch_reserve (s, MAX (hosts->len, 1));
  if (rejected != NULL)
    memset (rejected, 0, HERD_FILTER_LAST * sizeof *rejected);
  if (trace != NULL)
    {
      g_array_set_size (trace->hosts, hosts->len);
      trace->chosen = HERD_ID_NONE;
    }

  guint n = 0;
  for (guint i = 0; i < hosts->len; i++)
    {
      const HerdHost *host
          = herd_model_host (model, g_array_index (hosts, HerdId, i));
      HerdFilterKind failed = run_filters (&req, host);
      if (trace != NULL)
        {
          HerdPlacementHost *ph
              = &g_array_index (trace->hosts, HerdPlacementHost, i);
          memset (ph, 0, sizeof *ph);
          ph->host = host->id;
          ph->rejected_by = failed;
        }
      if (failed != HERD_FILTER_NONE)
        {
          if (rejected != NULL)
            rejected[failed]++;
          continue;
        }
      s->candidates[n] = host->id;
      for (guint w = 0; w < HERD_WEIGHT_LAST; w++)
        s->scores[w * s->capacity + n] = weights[w].func (&req, host);
      n++;
    }
  if (n == 0)
    return HERD_ID_NONE;

  guint factors[HERD_WEIGHT_LAST];
  for (guint w = 0; w < HERD_WEIGHT_LAST; w++)
    factors[w] = weights[w].factor;
  guint best = select_ranked (n, HERD_WEIGHT_LAST, s->scores, s->capacity,
                              factors, s->ranks, s->totals, s->sort_a,
                              s->sort_b);

  if (trace != NULL)
    {
      /* Candidates are a subsequence of the cluster's hosts, in order. */
      guint c = 0;
      for (guint i = 0; i < hosts->len && c < n; i++)
        {
          HerdPlacementHost *ph
              = &g_array_index (trace->hosts, HerdPlacementHost, i);
          if (ph->host != s->candidates[c])
            continue;
          for (guint w = 0; w < HERD_WEIGHT_LAST; w++)
            {
              ph->score[w] = s->scores[w * s->capacity + c];
              ph->rank[w] = s->ranks[w * s->capacity + c];
            }
          ph->total = s->totals[c];
          c++;
        }
      trace->chosen = s->candidates[best];
    }
  return s->candidates[best];
}
