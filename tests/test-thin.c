/* test-thin.c: thin provisioning end to end (sim/thin.c, behaviour.md §9)
 * against analytic results: a VM pauses (ENOSPC) if and only if its write
 * rate times the extension latency exceeds the free space left at the
 * watermark; the storage mailbox's 2-second reads and polls; losing the
 * SPM stalls extensions until a new one reads the mailbox; a full domain
 * keeps VMs paused until a LUN is added; and what preallocated and
 * file-domain thin disks take from their domain. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/run.h"
#include "tests/test-util.h"

typedef struct
{
  HerdRunSummary summary;
  char *trace;
} Outcome;

static void
run_text (const char *text, Outcome *o)
{
  g_autoptr (GError) error = NULL;
  memset (o, 0, sizeof *o);
  HerdScenario *scenario = herd_scenario_load_data (text, "test.ini", &error);
  if (scenario == NULL)
    g_printerr ("%s\n", error->message);
  CU_ASSERT_PTR_NOT_NULL_FATAL (scenario);
  size_t len;
  FILE *trace = open_memstream (&o->trace, &len);
  HerdRunOptions options;
  herd_run_options_init (&options);
  options.trace = trace;
  options.check_invariants = TRUE;
  CU_ASSERT_TRUE_FATAL (
      herd_run_simulation (scenario, &options, &o->summary, &error));
  fclose (trace);
  herd_scenario_free (scenario);
}

/* Time (s) of the n-th (from 0) trace line naming event and object, or
 * -1. */
static double
event_time (const Outcome *o, const char *event, const char *object, int n)
{
  g_autofree char *needle = g_strdup_printf (" %s %s", event, object);
  g_auto (GStrv) lines = g_strsplit (o->trace, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *hit = strstr (lines[i], needle);
      if (hit == NULL
          || (hit[strlen (needle)] != ' ' && hit[strlen (needle)] != '\0'))
        continue;
      if (n-- == 0)
        return g_ascii_strtod (lines[i], NULL);
    }
  return -1;
}

static int
count_events (const Outcome *o, const char *event)
{
  int n = 0;
  g_autofree char *needle = g_strdup_printf (" %s ", event);
  for (const char *p = strstr (o->trace, needle); p != NULL;
       p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The next multiple of 2 s strictly after t (the mailbox's ticks). */
static double
tick (double t)
{
  return (floor (t / 2.0) + 1) * 2.0;
}

/* One VM with one thin disk on an iSCSI domain (rhv-4.1: 1 GiB initial
 * LV, 1 GiB chunks, extension below 512 MiB free), writing rate, with the
 * given [defaults] lines and extra groups. */
static char *
scenario (const char *rate, const char *defaults, const char *capacity,
          const char *extra)
{
  return g_strdup_printf ("[scenario]\nduration = 10m\nprofile = rhv-4.1\n"
                          "[defaults]\n%s"
                          "[datacenter dc]\n"
                          "[storage sd1]\ntype = iscsi\ncapacity = %s\n"
                          "[cluster c]\n"
                          "[hosts spm]\ncores = 8\nmemory = 32G\n"
                          "spm_priority = 10\nfence_agent = ipmilan\n"
                          "[hosts h]\ncores = 8\nmemory = 32G\n"
                          "fence_agent = ipmilan\n"
                          "[vms db]\nvcpus = 2\nmemory = 4G\n"
                          "disk = 40G thin\nwrite_rate = %s\n%s",
                          defaults, capacity, rate, extra);
}

/* With no mailbox ticks the latency is exactly LvExtendTime (4 s): the
 * 512 MiB left at the watermark last 512/r s, so 127 MiB/s (508 MiB in
 * 4 s) never pauses and 129 MiB/s (516 MiB) pauses at every chunk, from
 * the end of the LV until the extension, 4 s after the request. */
static void
test_pause_boundary (void)
{
  static const char *ticks = "SpmMailboxReadInterval = 0s\n"
                             "HostMailboxPollInterval = 0s\n"
                             "LvExtendTime = 4s\n";
  Outcome below, above;
  g_autofree char *a = scenario ("127MiB/s", ticks, "1T", "");
  run_text (a, &below);
  CU_ASSERT_EQUAL (below.summary.enospc_pauses, 0);
  /* 1 GiB to 41 GiB: 40 chunks; then the LV holds the whole 40G disk
   * with more than the watermark to spare, so it asks no more (although
   * 1.1 x 40G would allow 44G). */
  CU_ASSERT_EQUAL (below.summary.volume_extensions, 40);
  CU_ASSERT_DOUBLE_EQUAL (below.summary.extension_max_s, 4.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (below.summary.extension_mean_s, 4.0, 1e-9);

  g_autofree char *b = scenario ("129MiB/s", ticks, "1T", "");
  run_text (b, &above);
  double up = event_time (&above, "USER_RUN_VM", "db-1", 0);
  CU_ASSERT_FATAL (up > 0);
  /* First chunk: request at 512/r, LV full at 1024/r, resumed at
   * request + 4 s. */
  CU_ASSERT_DOUBLE_EQUAL (event_time (&above, "VM_PAUSED_ENOSPC", "db-1", 0),
                          up + 1024.0 / 129, 1e-3);
  CU_ASSERT_DOUBLE_EQUAL (
      event_time (&above, "VM_RECOVERED_FROM_PAUSE_ERROR", "db-1", 0),
      up + 512.0 / 129 + 4, 1e-3);
  CU_ASSERT (above.summary.enospc_pauses > 30);
  CU_ASSERT_EQUAL (count_events (&above, "VM_PAUSED_ENOSPC"),
                   (int) above.summary.enospc_pauses);
  CU_ASSERT_EQUAL (count_events (&above, "VM_RECOVERED_FROM_PAUSE_ERROR"),
                   (int) above.summary.enospc_pauses);
  g_free (below.trace);
  g_free (above.trace);
}

/* The mailbox's 2-second ticks: at 200 MiB/s the request goes at
 * up + 2.56 s, the SPM reads it at the next even second, extends for 1 s
 * (LvExtendTime), and the host sees it at the next even second after:
 * the LV ends at up + 5.12 s, before that. */
static void
test_mailbox_ticks (void)
{
  Outcome o;
  g_autofree char *text = scenario ("200MiB/s", "", "1T", "");
  run_text (text, &o);
  double up = event_time (&o, "USER_RUN_VM", "db-1", 0);
  double request = up + 512.0 / 200;
  double done = tick (tick (request) + 1);
  CU_ASSERT_DOUBLE_EQUAL (event_time (&o, "VM_PAUSED_ENOSPC", "db-1", 0),
                          up + 1024.0 / 200, 1e-3);
  CU_ASSERT_DOUBLE_EQUAL (
      event_time (&o, "VM_RECOVERED_FROM_PAUSE_ERROR", "db-1", 0), done,
      1e-3);
  g_free (o.trace);
}

/* The SPM host crashes at 100 s: the VM (pinned to h-1) fills its LV and stays
 * paused until the new SPM (h-1, once spm-1 is fenced) reads the mailbox
 * at its next tick, extends, and h-1 polls. */
static void
test_spm_loss (void)
{
  Outcome o;
  g_autofree char *text = scenario (
      "20MiB/s", "", "1T",
      "pinned_to = h-1\n[fault crash]\nat = 100s\nkind = host_crash\ntarget = spm-1\n");
  run_text (text, &o);
  double elected = event_time (&o, "IRS_HOSTED_ON_VDS", "h-1", 0);
  CU_ASSERT_FATAL (elected > 100);
  /* Paused once while there was no SPM, resumed by the new one. */
  double paused = -1, resumed = -1;
  for (int i = 0; event_time (&o, "VM_PAUSED_ENOSPC", "db-1", i) >= 0; i++)
    {
      double t = event_time (&o, "VM_PAUSED_ENOSPC", "db-1", i);
      if (t > 100 && t < elected)
        {
          paused = t;
          resumed = event_time (&o, "VM_RECOVERED_FROM_PAUSE_ERROR", "db-1",
                                i);
        }
    }
  CU_ASSERT (paused > 100);
  CU_ASSERT_DOUBLE_EQUAL (resumed, tick (tick (elected) + 1), 1e-3);
  g_free (o.trace);
}

/* A 4 GiB domain: the LV grows to 4 GiB and the VM pauses at its end;
 * it stays paused until add_lun at 400 s, then the SPM extends at its
 * next tick and the VM resumes. */
static void
test_domain_full (void)
{
  Outcome o;
  /* 4 GiB for disks beside the 4992 MiB of internal volumes. */
  g_autofree char *text = scenario ("20MiB/s", "", "9088M",
                                    "[action lun]\nat = 400s\n"
                                    "kind = add_lun\ntarget = sd1\n"
                                    "size = 100G\n");
  run_text (text, &o);
  double up = event_time (&o, "USER_RUN_VM", "db-1", 0);
  CU_ASSERT_EQUAL (o.summary.enospc_pauses, 1);
  CU_ASSERT_DOUBLE_EQUAL (event_time (&o, "VM_PAUSED_ENOSPC", "db-1", 0),
                          up + 4096.0 / 20, 1e-3);
  CU_ASSERT_DOUBLE_EQUAL (
      event_time (&o, "VM_RECOVERED_FROM_PAUSE_ERROR", "db-1", 0),
      tick (tick (400) + 1), 1e-3);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_min_free_gib, 0, 1e-9);
  /* The last chunk (LV 3072 -> 4096 MiB, asked at 2560 MiB written) is
   * taken from the domain when the SPM reads the request: from then to
   * the LUN the domain is under both its levels (10% and 5% free); the
   * SPM's next statistics (every 10 s) report it critical. */
  double full = tick (up + 2560.0 / 20);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_low_seconds, 400 - full, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_critical_seconds, 400 - full,
                          1e-6);
  double said = event_time (&o, "IRS_DISK_SPACE_LOW_ERROR", "sd1", 0);
  CU_ASSERT (said >= full && said <= full + 10);
  CU_ASSERT_EQUAL (count_events (&o, "IRS_DISK_SPACE_LOW"), 0);
  g_free (o.trace);
}

/* A preallocated disk takes its whole size at once; a thin disk on NFS
 * takes what the guest wrote to new blocks (a quarter of 40 MiB/s), no
 * more than its virtual size. */
static void
test_space_taken (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 1h\n[datacenter dc]\n"
            "[storage sd1]\ntype = nfs\ncapacity = 1T\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
            "[vms big]\nvcpus = 1\nmemory = 1G\ndisk = 100G preallocated\n"
            "[vms thin]\nvcpus = 1\nmemory = 1G\ndisk = 30G thin\n"
            "write_rate = 40MiB/s\nnew_writes = 25%\n",
            &o);
  double up = event_time (&o, "USER_RUN_VM", "thin-1", 0);
  double written_gib = MIN ((3600 - up) * 10 / 1024, 30);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_min_free_gib,
                          1024 - 100 - ceil (written_gib * 1024) / 1024,
                          1e-9);
  CU_ASSERT_EQUAL (o.summary.volume_extensions, 0);
  CU_ASSERT_EQUAL (o.summary.enospc_pauses, 0);
  g_free (o.trace);
}

/* A template with a 40G thin disk holding 10G: three VMs made thin on
 * it take only their COW layers (nothing on NFS until they write, a
 * 1 GiB LV each on iSCSI), two clones copy its 10G each; the template
 * holds its 10G once; on iSCSI each volume holding 10G is an LV of 11G
 * (VDSM's QCOW_OVERHEAD_FACTOR on a volume's initial size), and the
 * domain also holds its 4992 MiB of internal volumes. */
static void
test_template_costs (void)
{
  static const char *const types[] = { "nfs", "iscsi" };
  static const double expected_used[] = { 10 + 2 * 10,
                                          4.875 + 11 + 3 * 1 + 2 * 11 };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      Outcome o;
      g_autofree char *text = g_strdup_printf (
          "[scenario]\nduration = 10m\n[datacenter dc]\n"
          "[storage sd1]\ntype = %s\ncapacity = 1T\n"
          "[template base]\ndisk = 40G thin\ndata = 10G\n"
          "[cluster c]\n[hosts h]\ncores = 16\nmemory = 64G\n"
          "[vms desk]\ncount = 3\nvcpus = 1\nmemory = 1G\n"
          "template = base\n"
          "[vms copy]\ncount = 2\nvcpus = 1\nmemory = 1G\n"
          "template = base\nclone = true\n",
          types[i]);
      run_text (text, &o);
      CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_min_free_gib,
                              1024 - expected_used[i], 1e-9);
      g_free (o.trace);
    }
}

/* Thin disks that hold data at time 0 (data=, as an import writes a
 * disk's actual size): on NFS a 30G disk holding 10G takes 10G at once
 * and grows from there by its new writes (a quarter of 40 MiB/s) up to
 * its 30G; on iSCSI one holding 3G starts on an LV of 1.1 x 3G (3380
 * MiB), under the 512 MiB watermark from the start: its request goes out
 * with its first write and lands before the 308 MiB left run out. */
static void
test_data_at_start (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 10m\n[datacenter dc]\n"
            "[storage sd1]\ntype = nfs\ncapacity = 1T\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
            "[vms thin]\nvcpus = 1\nmemory = 1G\n"
            "disk = 30G thin data=10G\n"
            "write_rate = 40MiB/s\nnew_writes = 25%\n",
            &o);
  double up = event_time (&o, "USER_RUN_VM", "thin-1", 0);
  double written_mib = 10 * 1024 + (600 - up) * 10;
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_min_free_gib,
                          1024 - ceil (written_mib) / 1024, 1e-9);
  g_free (o.trace);

  g_autofree char *text = scenario ("20MiB/s", "", "1T", "");
  char *disk = strstr (text, "disk = 40G thin\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL (disk);
  g_autofree char *with_data = g_strdup_printf (
      "%.*sdisk = 40G thin data=3G\n%s", (int) (disk - text), text,
      disk + strlen ("disk = 40G thin\n"));
  run_text (with_data, &o);
  up = event_time (&o, "USER_RUN_VM", "db-1", 0);
  CU_ASSERT_EQUAL (o.summary.enospc_pauses, 0);
  /* 10 min at 20 MiB/s from 3G: 3072 + 20 x (600 - up) MiB of data, so
   * the LV (3380 MiB, then 1 GiB chunks) was extended to stay 512 MiB
   * ahead. */
  double data = 3072 + 20 * (600 - up);
  CU_ASSERT_EQUAL (o.summary.volume_extensions,
                   (int) ceil ((data + 512 - 3380) / 1024));
  g_free (o.trace);
}

/* Pool VMs made thin on a template give back their COW layer when they
 * stop: 4 of them write 1 GiB each on NFS, then their lifetime ends; a
 * clone's writes stay (it is not stateless). */
static void
test_pool_on_template (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 10m\n[datacenter dc]\n"
            "[storage sd1]\ntype = nfs\ncapacity = 100G\n"
            "[template base]\ndisk = 40G thin\ndata = 10G\n"
            "[cluster c]\n[hosts h]\ncores = 16\nmemory = 64G\n"
            "[vms pool]\ncount = 4\nvcpus = 1\nmemory = 1G\n"
            "template = base\nstateless = true\nwrite_rate = 4MiB/s\n"
            "lifetime = 256s\n",
            &o);
  /* All four start at 0 and are Up from up to down, writing 4 MiB/s
   * each: the least free is 100G - 10G - what they wrote; at the end only
   * the template's 10G is taken. */
  double up = event_time (&o, "USER_RUN_VM", "pool-1", 0);
  double down = event_time (&o, "VM_DOWN", "pool-1", 0);
  CU_ASSERT_FATAL (up > 0 && down > up);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_min_free_gib,
                          90 - ceil (4 * 4 * (down - up)) / 1024, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_end_free_gib, 90, 1e-9);
  g_free (o.trace);
}

/* Snapshots' capacity effects on iSCSI (1G first LVs; 4992M internal),
 * with a VM (4G of RAM) that writes nothing: disks 40G preallocated and
 * 20G thin take 40960 + 1024 MiB.  A live snapshot with memory adds a
 * 1G volume per disk and its memory (4096 + 64 video + 200 + 10 MiB of
 * configuration); an offline one a 1G volume per disk; a preview a 1G
 * temporary volume per disk, which undo gives back; commit drops the
 * volumes above the previewed snapshot; deleting the last snapshot
 * merges its volumes back (the preallocated base keeps its size, the
 * thin LV needs no more than it had) and frees its memory: the domain
 * is back where it started. */
static void
test_snapshot_capacity (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 10m\nprofile = rhv-4.1\n"
            "[datacenter dc]\n[storage sd1]\ntype = iscsi\ncapacity = 1T\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
            "[vms db]\nvcpus = 2\nmemory = 4G\n"
            "disk = 40G preallocated, 20G thin\n"
            "[action s1]\nat = 1m\nkind = snapshot\ntarget = db-1\n"
            "snapshot = s1\nmemory = true\n"
            "[action off]\nat = 2m\nkind = stop\ntarget = db-1\n"
            "[action s2]\nat = 3m\nkind = snapshot\ntarget = db-1\n"
            "snapshot = s2\n"
            "[action p1]\nat = 4m\nkind = preview_snapshot\n"
            "target = db-1\nsnapshot = s1\n"
            "[action u1]\nat = 5m\nkind = undo_snapshot\ntarget = db-1\n"
            "[action p2]\nat = 6m\nkind = preview_snapshot\n"
            "target = db-1\nsnapshot = s1\n"
            "[action c2]\nat = 7m\nkind = commit_snapshot\ntarget = db-1\n"
            "[action d1]\nat = 8m\nkind = delete_snapshot\ntarget = db-1\n"
            "snapshot = s1\n",
            &o);
  const double cap = 1024 * 1024;
  const double start = 4992 + 40960 + 1024;
  const double memory = 4096 + 64 + 200 + 10;
  /* Most taken: s1 (2 volumes and memory), s2 and a preview (2 each). */
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_min_free_gib,
                          (cap - (start + memory + 3 * 2048)) / 1024, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_end_free_gib,
                          (cap - start) / 1024, 1e-9);
  CU_ASSERT_EQUAL (count_events (&o, "USER_CREATE_SNAPSHOT_FINISHED_SUCCESS"),
                   2);
  CU_ASSERT_EQUAL (
      count_events (&o, "USER_TRY_BACK_TO_SNAPSHOT_FINISH_SUCCESS"), 2);
  CU_ASSERT_EQUAL (
      count_events (&o, "USER_RESTORE_FROM_SNAPSHOT_FINISH_SUCCESS"), 2);
  CU_ASSERT_EQUAL (count_events (&o, "USER_REMOVE_SNAPSHOT_FINISHED_SUCCESS"),
                   1);
  CU_ASSERT_PTR_NULL (strstr (o.trace, "FAILED"));
  g_free (o.trace);
}

/* A live snapshot of a preallocated disk puts a thin volume on top: the
 * guest's writes (20 MiB/s) now grow it, through the SPM, in 1G chunks;
 * before the snapshot nothing was extended. */
static void
test_snapshot_grows (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 10m\nprofile = rhv-4.1\n"
            "[datacenter dc]\n[storage sd1]\ntype = iscsi\ncapacity = 1T\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
            "[vms db]\nvcpus = 2\nmemory = 4G\ndisk = 40G preallocated\n"
            "write_rate = 20MiB/s\n"
            "[action s1]\nat = 60s\nkind = snapshot\ntarget = db-1\n"
            "snapshot = s1\n",
            &o);
  /* 540 s x 20 MiB/s = 10800 MiB into a 1024 MiB LV: an extension each
   * time less than 512 MiB is left, 10 or 11 of them. */
  CU_ASSERT (o.summary.volume_extensions >= 10
             && o.summary.volume_extensions <= 11);
  CU_ASSERT_EQUAL (o.summary.enospc_pauses, 0);
  g_free (o.trace);
}

/* What the manager and the SPM refuse, each with its audit event and
 * nothing changed: a snapshot before an SPM is elected; a new thin
 * volume on a domain under its critical level (NFS, 96G of 100G taken);
 * one more volume than MaxVolumesPerBlockDomain (3 here: two disks and
 * a snapshot's volume fit, its memory's two volumes do not); a preview
 * of a running VM; a commit with no preview. */
static void
test_snapshot_refused (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 10m\n"
            "[datacenter dc]\n[storage sd1]\ntype = nfs\ncapacity = 100G\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
            "[vms big]\nvcpus = 1\nmemory = 1G\ndisk = 96G preallocated\n"
            "[action early]\nat = 0s\nkind = snapshot\ntarget = big-1\n"
            "snapshot = a\n"
            "[action full]\nat = 2m\nkind = snapshot\ntarget = big-1\n"
            "snapshot = b\n"
            "[action running]\nat = 3m\nkind = preview_snapshot\n"
            "target = big-1\nsnapshot = b\n"
            "[action nothing]\nat = 4m\nkind = commit_snapshot\n"
            "target = big-1\n",
            &o);
  CU_ASSERT_EQUAL (count_events (&o, "USER_FAILED_CREATE_SNAPSHOT"), 2);
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "no running SPM"));
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "less free space than its "
                                           "critical level (5%)"));
  CU_ASSERT_EQUAL (count_events (&o, "USER_FAILED_TRY_BACK_TO_SNAPSHOT"), 1);
  CU_ASSERT_EQUAL (count_events (&o, "USER_FAILED_RESTORE_FROM_SNAPSHOT"),
                   1);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_end_free_gib, 4, 1e-9);
  g_free (o.trace);

  run_text ("[scenario]\nduration = 10m\n"
            "[defaults]\nMaxVolumesPerBlockDomain = 3\n"
            "[datacenter dc]\n[storage sd1]\ntype = iscsi\ncapacity = 1T\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
            "[vms v]\ncount = 2\nvcpus = 1\nmemory = 1G\ndisk = 10G thin\n"
            "[action one]\nat = 1m\nkind = snapshot\ntarget = v-1\n"
            "snapshot = a\n"
            "[action two]\nat = 2m\nkind = snapshot\ntarget = v-2\n"
            "snapshot = a\nmemory = true\n",
            &o);
  CU_ASSERT_EQUAL (count_events (&o, "USER_CREATE_SNAPSHOT_FINISHED_SUCCESS"),
                   1);
  CU_ASSERT_EQUAL (count_events (&o, "USER_FAILED_CREATE_SNAPSHOT"), 1);
  CU_ASSERT_PTR_NOT_NULL (strstr (o.trace, "MaxVolumesPerBlockDomain"));
  g_free (o.trace);

  /* The SPM's host crashes at 100 s; a snapshot at 101 s, before the
   * manager has noticed, is refused by the storage itself. */
  run_text ("[scenario]\nduration = 5m\n[datacenter dc]\n"
            "[storage sd1]\ntype = iscsi\ncapacity = 200G\n"
            "[cluster c]\n[hosts h]\ncount = 2\ncores = 16\nmemory = 64G\n"
            "fence_agent = none\n"
            "[vms db]\nvcpus = 1\nmemory = 1G\ndisk = 20G thin\n"
            "pinned_to = h-2\n"
            "[fault crash]\nat = 100s\nkind = host_crash\ntarget = h-1\n"
            "[action snap]\nat = 101s\nkind = snapshot\ntarget = db-1\n"
            "snapshot = s\n",
            &o);
  CU_ASSERT_PTR_NOT_NULL (
      strstr (o.trace, "101.000 117 USER_FAILED_CREATE_SNAPSHOT db-1 "
                       "snapshot=s action=create reason=\"no running SPM "
                       "reaches the VM's storage\""));
  g_free (o.trace);
}

/* A full NFS domain pauses the guests that write to it (ENOSPC) and
 * they resume when it grows: a 10G domain filled at 20 MiB/s from db-1's
 * start (up) is full at up + 512 s; grow_storage at 700 s resumes it, and
 * with 2 GiB more it fills again 102.4 s later. */
static void
test_file_domain_full (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 15m\n[datacenter dc]\n"
            "[storage sd1]\ntype = nfs\ncapacity = 10G\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 64G\n"
            "[vms db]\nvcpus = 2\nmemory = 4G\ndisk = 40G thin\n"
            "write_rate = 20MiB/s\n"
            "[action grow]\nat = 700s\nkind = grow_storage\ntarget = sd1\n"
            "size = 2G\n",
            &o);
  double up = event_time (&o, "USER_RUN_VM", "db-1", 0);
  CU_ASSERT_DOUBLE_EQUAL (event_time (&o, "VM_PAUSED_ENOSPC", "db-1", 0),
                          up + 512, 1e-3);
  CU_ASSERT_DOUBLE_EQUAL (
      event_time (&o, "VM_RECOVERED_FROM_PAUSE_ERROR", "db-1", 0), 700,
      1e-3);
  CU_ASSERT_DOUBLE_EQUAL (event_time (&o, "VM_PAUSED_ENOSPC", "db-1", 1),
                          700 + 102.4, 1e-3);
  CU_ASSERT_EQUAL (o.summary.enospc_pauses, 2);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.enospc_paused_minutes,
                          (700 - (up + 512) + 900 - 802.4) / 60, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_end_free_gib, 0, 1e-9);
  g_free (o.trace);
}

/* Regressions found in review.  A pool VM started again on a full NFS
 * domain pauses at its first write instead of writing past the capacity
 * (the invariant checks every change of used space). */
static void
test_pool_on_full_file_domain (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 20m\n[datacenter dc]\n"
            "[storage nfs1]\ntype = nfs\ncapacity = 10G\n"
            "[cluster c]\n[hosts h]\ncores = 16\nmemory = 64G\n"
            "[vms fill]\nvcpus = 1\nmemory = 1G\ndisk = 100G thin\n"
            "write_rate = 100MiB/s\n"
            "[vms pool]\nvcpus = 1\nmemory = 1G\ndisk = 50G thin\n"
            "stateless = true\nwrite_rate = bursts(base=0M/s, "
            "peak=50MiB/s, every=1h, length=50m, start=3m)\n"
            "[action stop]\nat = 5m\nkind = stop\ntarget = pool-1\n"
            "[action start]\nat = 6m\nkind = start\ntarget = pool-1\n",
            &o);
  CU_ASSERT_EQUAL (count_events (&o, "VM_PAUSED_ENOSPC"), 3);
  CU_ASSERT_DOUBLE_EQUAL (event_time (&o, "VM_PAUSED_ENOSPC", "pool-1", 1),
                          370, 1e-3);
  g_free (o.trace);
}

/* Writers with rates that do not add up exactly (10% of 1 MiB/s) all
 * stop: the domain's rate is exactly 0, and the run ends. */
static void
test_file_writers_stop (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 10m\n[datacenter dc]\n"
            "[storage nfs1]\ntype = nfs\ncapacity = 100G\n"
            "[cluster c]\n[hosts h]\ncores = 16\nmemory = 64G\n"
            "[vms a]\ncount = 3\nvcpus = 1\nmemory = 1G\ndisk = 50G thin\n"
            "write_rate = 1MiB/s\nnew_writes = 10%\n"
            "[action s1]\nat = 60s\nkind = stop\ntarget = a-1\n"
            "[action s2]\nat = 61s\nkind = stop\ntarget = a-2\n"
            "[action s3]\nat = 62s\nkind = stop\ntarget = a-3\n",
            &o);
  CU_ASSERT_EQUAL (count_events (&o, "VM_PAUSED_ENOSPC"), 0);
  g_free (o.trace);
}

/* A snapshot previewed and undone while its VM is down with its top LV
 * at the end: when the VM starts again, its first write asks for an
 * extension (now that a LUN gave room) and it resumes. */
static void
test_undo_restores_full_lv (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 10m\nprofile = ovirt-4.5\n"
            "[datacenter dc]\n[storage sd1]\ntype = iscsi\n"
            "capacity = 9040M\n[cluster c]\n[hosts h]\ncores = 16\n"
            "memory = 64G\n[vms db]\nvcpus = 1\nmemory = 1G\n"
            "disk = 20G thin\nwrite_rate = 100MiB/s\narrival = 30s\n"
            "[action snap]\nat = 15s\nkind = snapshot\ntarget = db-1\n"
            "snapshot = s\n"
            "[action stop]\nat = 60s\nkind = stop\ntarget = db-1\n"
            "[action prev]\nat = 65s\nkind = preview_snapshot\n"
            "target = db-1\nsnapshot = s\n"
            "[action undo]\nat = 70s\nkind = undo_snapshot\ntarget = db-1\n"
            "[action lun]\nat = 80s\nkind = add_lun\ntarget = sd1\n"
            "size = 10G\n"
            "[action start]\nat = 90s\nkind = start\ntarget = db-1\n",
            &o);
  CU_ASSERT_DOUBLE_EQUAL (event_time (&o, "VM_PAUSED_ENOSPC", "db-1", 1),
                          100, 1e-3);
  CU_ASSERT_DOUBLE_EQUAL (
      event_time (&o, "VM_RECOVERED_FROM_PAUSE_ERROR", "db-1", 0), 104,
      1e-3);
  g_free (o.trace);
}

/* A bursty writer on NFS: 10 MiB/s for 5 minutes every 10 minutes (the
 * rate changes at workload steps, every 15 s, which these edges fall
 * on), so in 30 minutes it writes 10 MiB/s x (300 - up + 300 + 300). */
static void
test_bursts (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 30m\n[datacenter dc]\n"
            "[storage sd1]\ntype = nfs\ncapacity = 1T\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 32G\n"
            "[vms b]\nvcpus = 1\nmemory = 1G\ndisk = 100G thin\n"
            "write_rate = bursts(base=0M/s, peak=10MiB/s, every=10m, "
            "length=5m)\n",
            &o);
  double up = event_time (&o, "USER_RUN_VM", "b-1", 0);
  CU_ASSERT_FATAL (up > 0 && up < 300);
  double written = 10 * (300 - up + 600);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_min_free_gib,
                          1024 - ceil (written) / 1024, 1e-9);
  g_free (o.trace);
}

/* A thin disk fills a 10G NFS domain at 20 MiB/s from db-1's start (up):
 * it is under 10% free (1024 MiB) from up + 9216/20 s and under 5% from
 * up + 9728/20 s, exactly, although nothing happens at those instants. */
static void
test_file_levels_exact (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 15m\nsample_interval = 5m\n"
            "[datacenter dc]\n[storage sd1]\ntype = nfs\ncapacity = 10G\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 64G\n"
            "[vms db]\nvcpus = 2\nmemory = 4G\ndisk = 40G thin\n"
            "write_rate = 20MiB/s\n",
            &o);
  double up = event_time (&o, "USER_RUN_VM", "db-1", 0);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_low_seconds,
                          900 - (up + 9216.0 / 20), 1e-6);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_critical_seconds,
                          900 - (up + 9728.0 / 20), 1e-6);
  g_free (o.trace);
}

/* A stateless (pool) VM's writes are dropped when it stops: the 10G NFS
 * domain is under its levels only from the crossings (as above) until the
 * VM's lifetime ends, then its space is back. */
static void
test_stateless_gives_space_back (void)
{
  Outcome o;
  run_text ("[scenario]\nduration = 15m\n"
            "[datacenter dc]\n[storage sd1]\ntype = nfs\ncapacity = 10G\n"
            "[cluster c]\n[hosts h]\ncores = 8\nmemory = 64G\n"
            "[vms pool]\nvcpus = 2\nmemory = 4G\ndisk = 40G thin\n"
            "write_rate = 20MiB/s\nstateless = true\nlifetime = 500s\n",
            &o);
  double up = event_time (&o, "USER_RUN_VM", "pool-1", 0);
  double down = event_time (&o, "VM_DOWN", "pool-1", 0);
  CU_ASSERT_FATAL (down > up + 9728.0 / 20);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_low_seconds,
                          down - (up + 9216.0 / 20), 1e-6);
  CU_ASSERT_DOUBLE_EQUAL (o.summary.storage_critical_seconds,
                          down - (up + 9728.0 / 20), 1e-6);
  g_free (o.trace);
}

/* 20 pool VMs writing 150 MiB/s each onto a 30G iSCSI domain and a 40G
 * NFS one, arriving over an hour for about 90 s each, hosts crashing at
 * random: over 50 seeds no invariant breaks (no guest past the end of its
 * LV, no domain taking less than nothing), and the domain fills and
 * pauses guests. */
static void
test_pool_under_faults (void)
{
  static const char text[]
      = "[scenario]\nduration = 2h\n[datacenter dc]\n"
        "[storage master]\ntype = iscsi\ncapacity = 30G\nmaster = true\n"
        "[storage files]\ntype = nfs\ncapacity = 40G\n[cluster c]\n"
        "[hosts h]\ncount = 3\ncores = 32\nmemory = 256G\n"
        "fence_agent = ipmilan\n"
        "[vms pool]\ncount = 20\nvcpus = 1\nmemory = 2G\n"
        "disk = 20G thin, 10G thin files\nwrite_rate = 150MiB/s\n"
        "stateless = true\narrival = uniform(min=0, max=1h)\n"
        "lifetime = exponential(mean=90s)\n"
        "[faults random]\nkind = host_crash\n"
        "mtbf = exponential(mean=1h)\nmttr = exponential(mean=10m)\n";
  guint64 pauses = 0;
  for (guint64 seed = 1; seed <= 50; seed++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HerdScenario) sc
          = herd_scenario_load_data (text, "pool.ini", &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (sc);
      HerdRunOptions options;
      herd_run_options_init (&options);
      options.seed_set = TRUE;
      options.seed = seed;
      options.check_invariants = TRUE;
      HerdRunSummary s;
      gboolean ok = herd_run_simulation (sc, &options, &s, &error);
      if (!ok)
        g_printerr ("seed %" G_GUINT64_FORMAT ": %s\n", seed,
                    error->message);
      CU_ASSERT_TRUE (ok);
      pauses += s.enospc_pauses;
    }
  CU_ASSERT (pauses > 0);
}

int
main (void)
{
  static const HerdTestCase cases[]
      = { { "pause iff rate x latency > watermark", test_pause_boundary },
          { "mailbox ticks", test_mailbox_ticks },
          { "SPM loss stalls extensions", test_spm_loss },
          { "full domain until add_lun", test_domain_full },
          { "bursty writes", test_bursts },
          { "pool VM on a full file domain", test_pool_on_full_file_domain },
          { "file writers all stop", test_file_writers_stop },
          { "undo brings back a full LV", test_undo_restores_full_lv },
          { "full file domain until it grows", test_file_domain_full },
          { "templates: thin VMs and clones", test_template_costs },
          { "thin disks holding data at time 0", test_data_at_start },
          { "pool on a template", test_pool_on_template },
          { "snapshots: capacity", test_snapshot_capacity },
          { "snapshots: a thin top grows", test_snapshot_grows },
          { "snapshots: refusals", test_snapshot_refused },
          { "space taken by disks", test_space_taken },
          { "time under the levels on a file domain",
            test_file_levels_exact },
          { "a stateless VM gives its space back",
            test_stateless_gives_space_back },
          { "a pool under faults holds the invariants",
            test_pool_under_faults },
          { NULL, NULL } };
  static const HerdTestSuite suites[] = { { "thin", cases }, { NULL, NULL } };
  return herd_test_main (suites);
}
