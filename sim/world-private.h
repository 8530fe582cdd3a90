/* world-private.h: the world's state, shared by world.c (hosts, VMs,
 * workloads, crashes) and migration.c (live migrations).  Only sim/
 * includes it. */
#pragma once

#include "sim/world.h"

#define HERD_WORLD_ERROR (herd_world_error_quark ())
GQuark herd_world_error_quark (void);

enum
{
  WORLD_ERROR_STATE, /* the object is not in a state for the operation */
  WORLD_ERROR_SPACE, /* the storage domain has no room for it */
};

typedef struct _HerdSimMigration HerdSimMigration;

typedef struct
{
  HerdId domain;
  HerdId host;     /* HERD_ID_NONE: every host */
  HerdTime since;
} StorageOutage;

struct _HerdWorld
{
  const HerdScenario *scenario;
  HerdEngine *engine;
  GArray *hosts;         /* HerdSimHost, index = host id */
  GArray *vms;           /* HerdSimVm, index = VM id */
  double *group_value;   /* per VM group: value of time-only models */
  gsl_rng **group_rng;   /* per VM group: stream of its walks, or NULL */
  guint *trace_cursor;   /* per VM: where its trace was last read */
  HerdTime last_step;
  const HerdWorldObserver *observer;
  gpointer observer_ctx;
  GPtrArray *migrations; /* HerdSimMigration *, running, in start order */
  HerdId *spm_holder;    /* per data center: host holding the SPM lease
                            on disk (until released or its lease dies) */
  gboolean *spm_running; /* per data center: its SPM process runs */
  GArray *outages;       /* StorageOutage, in the order they began */
  HerdWorldViolationFunc violation;
  gpointer violation_data;
  guint64 *spm_version;  /* per data center */
  HerdId *lockspace_domain; /* per data center: where its lockspace is */
  struct _HerdThin *thin;   /* thin.c: volumes and their domains */
  gint64 overhead_mib;      /* what a VM costs its host besides its
                               guest's memory */
  guint *memory_cursor;     /* per VM: where its memory trace was read */
  gboolean memory_moves;    /* some VM's memory varies, or a cluster
                               balloons or shares pages (memory.c) */
};

HerdSimHost *herd_world_host_at (HerdWorld *w, HerdId id);
HerdSimVm *herd_world_vm_at (HerdWorld *w, HerdId id);
void herd_world_host_integrate (HerdSimHost *h, HerdTime now);
void herd_world_report_host (HerdWorld *w, HerdId id);
gint64 herd_world_vm_demand (const HerdSimVm *v);
/* The host is up from now: its own load and memory count. */
void herd_world_host_comes_up (HerdSimHost *h);

/* world.c: reports a broken invariant, if anyone checks. */
void herd_world_violation (HerdWorld *w, const char *format, ...)
    G_GNUC_PRINTF (2, 3);
/* Checks host's memory against its physical memory. */
void herd_world_check_memory (HerdWorld *w, HerdId host);
/* hosts.c: whether vm has a disk on a domain host cannot reach. */
gboolean herd_world_disk_lost (HerdWorld *w, HerdId vm, HerdId host);
/* hosts.c: whether host can reach domain (no storage outage between). */
gboolean herd_world_domain_reachable (HerdWorld *w, HerdId host,
                                      HerdId domain);

/* world.c: the VM's QEMU is gone from its host (power off, kill): a
 * migration of it ends, its VM lease is freed if lease_released (QEMU
 * exited on a live host; not when sanlock killed it: the lease stays on
 * disk), the host gives back what it used, and the manager hears of
 * it, in that order. */
void herd_world_vm_gone (HerdWorld *w, HerdId vm, gboolean lease_released);

/* world.c: reports a VM's state to the manager. */
void herd_world_report_vm (HerdWorld *w, HerdId vm, HerdId host,
                           HerdVmStatus status, HerdPauseReason reason);

/* world.c: a running VM's guest stops (paused for reason): it uses no
 * CPU; the manager hears of it. */
void herd_world_pause_vm (HerdWorld *w, HerdId vm, HerdPauseReason reason);
/* world.c: a paused VM runs again, unless a disk is still out of reach
 * or at the end of its LV. */
void herd_world_resume_vm (HerdWorld *w, HerdId vm);

/* thin.c: thin provisioning (see there). */
typedef struct _HerdThin HerdThin;
/* memory.c: memory that moves; init at creation, a step per workload
 * step (dt since the last). */
void herd_memory_init (HerdWorld *w);
void herd_memory_step (HerdWorld *w, HerdTime now, HerdTime dt);
/* The end of the run: the last step's integrals (dt since it). */
void herd_memory_finish (HerdWorld *w, HerdTime dt);
/* A new QEMU for vm: a full balloon, its guest's memory as last asked. */
void herd_memory_vm_starts (HerdWorld *w, HerdId vm);
/* migration.c: where a running migration goes. */
HerdId herd_world_migration_destination (const HerdSimMigration *m);

void herd_thin_init (HerdWorld *w);
void herd_thin_free (HerdWorld *w);
/* The VM's state changed: its disks grow, or stop growing, from now. */
void herd_thin_vm_changed (HerdWorld *w, HerdId vm);
/* A workload step: write rates that change take effect. */
void herd_thin_step (HerdWorld *w);
/* The VM's guest is paused for reason from now (until it runs again or
 * goes down): a row of the pauses table. */
void herd_thin_vm_paused (HerdWorld *w, HerdId vm, HerdPauseReason reason);
/* Whether a disk of the VM is at the end of its LV. */
gboolean herd_thin_vm_blocked (HerdWorld *w, HerdId vm);
/* dc's SPM runs again, or reaches a domain again: requests that found
 * none (or one that could not reach their domain) are read again. */
void herd_thin_spm_may_serve (HerdWorld *w, HerdId dc);

/* world.c: reports a host reachable (engine event, arg = host). */
void host_reachable_event (gpointer ctx, guint64 arg);

/* migration.c: fails every migration into or out of a crashed host. */
void herd_world_migrations_host_crashed (HerdWorld *w, HerdId host);
void herd_world_migrations_free (HerdWorld *w);
/* migration.c: the VM's QEMU died (killed, powered off) while it
 * migrated: the migration is cancelled and reported failed, or, once
 * switched over, reported done (the VM dies on the destination). */
void herd_world_migration_vm_gone (HerdWorld *w, HerdId vm);
