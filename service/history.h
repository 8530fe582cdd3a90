/* history.h: herd run's recorded history, as oVirt's data warehouse keeps
 * it: every sample interval (a minute by default) one row per host and per
 * running VM (CPU, memory used, and for VMs disk write and network rates)
 * in the state database's host_samples and vm_samples tables, and one per
 * disk of a running VM (what its volume holds) in vm_disk_samples; each
 * hour that has ended is aggregated into host_hourly, vm_hourly and
 * vm_disk_hourly (mean and maximum), each day into the _daily tables;
 * samples older than
 * their retention (24 h), hourly rows older than theirs (60 days) and
 * daily rows older than theirs (5 years) are deleted.  docs/history.md has the
 * tables and example queries.
 *
 * The main loop only copies what the manager and driver already know
 * into a batch (O(hosts + VMs), no I/O) and hands it to a writer thread
 * with its own connection to the database, which inserts, aggregates and
 * deletes, and (herd_state_leave_checkpoints) checkpoints the WAL.  At
 * most HERD_HISTORY_QUEUE batches wait: when the writer falls that far
 * behind, the newest batch is dropped and a warning says so, so neither
 * memory nor the main loop grow with a slow disk. */
#pragma once

#include <glib.h>

#include "core/driver.h"
#include "core/herd-time.h"
#include "core/model.h"

#define HERD_HISTORY_QUEUE 8

typedef struct
{
  HerdTime interval;         /* between samples; 0: no history */
  HerdTime retention;        /* samples kept this long */
  HerdTime hourly_retention; /* hourly aggregates kept this long */
  HerdTime daily_retention;  /* daily aggregates kept this long */
} HerdHistorySettings;

typedef struct _HerdHistory HerdHistory;

/* Opens the history tables of the state database at path (herd run has
 * opened it: it exists, owner-only) and starts the writer thread. */
HerdHistory *herd_history_open (const char *path, HerdModel *model,
                                const HerdHistorySettings *settings,
                                GError **error);
/* Waits for the batches already handed over, then closes. */
void herd_history_free (HerdHistory *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdHistory, herd_history_free)

/* Takes one sample, at real time now_us (µs since 1970) rounded to the
 * nearest whole interval as the data warehouse rounds to the minute (a
 * late or early tick keeps its place in the series), of every host and
 * every VM with a host, from the model (host statistics, statuses) and
 * the driver's vm_usage; returns FALSE if the batch was dropped (the
 * writer is behind). */
gboolean herd_history_sample (HerdHistory *history, HerdDriver *driver,
                              gint64 now_us);

/* Waits until the writer has written every batch handed over so far. */
void herd_history_flush (HerdHistory *history);

/* Reads the recorded VM history of the state database at path
 * (read-only, while a herd run may use it): vm_fn (vm, time, CPU percent,
 * memory used in MiB or -1, disk writes in bytes/s or -1) for each
 * vm_samples row with a CPU measurement, then disk_fn (vm, disk index
 * from 0, time, MiB its volume holds) for each vm_disk_samples row; or,
 * when the samples have all passed their retention, each vm_hourly and
 * vm_disk_hourly row (its hour's means).  A database without history
 * tables has none (TRUE, no callback called). */
typedef void (*HerdHistoryFunc) (const char *vm, gint64 time,
                                 double cpu_percent, gint64 memory_mib,
                                 double write_bps, gpointer data);
typedef void (*HerdHistoryDiskFunc) (const char *vm, guint disk,
                                     gint64 time, gint64 actual_mib,
                                     gpointer data);
gboolean herd_history_read (const char *path, HerdHistoryFunc vm_fn,
                            HerdHistoryDiskFunc disk_fn, gpointer data,
                            GError **error);
