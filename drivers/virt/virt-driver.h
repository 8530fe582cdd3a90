/* virt-driver.h: the driver for real hosts: libvirt (VMs, statistics,
 * events, live migration), sanlock (host ids, the SPM lease, VM leases),
 * fence agents run as programs, and qcow2 volumes on file storage domains.
 *
 * It runs on GLib's default main context: timers are GLib timeouts, and
 * libvirt's events (which libvirt's own event loop receives in a thread of
 * the driver's) are handed to the main context before the core sees them.
 * The core's calls are made from the main context only.
 *
 * What the driver needs beyond the model comes in a HerdVirtConfig
 * (conf/run-config.h), which `herd run` builds from the connection keys of
 * its configuration (docs/real-hosts.md). */
#pragma once

#include "conf/run-config.h"
#include "core/driver.h"

/* Opens the virt driver on model; config (HerdVirtConfig *) is borrowed
 * and must outlive the driver.  Freeing the driver removes its timers and
 * aborts migrations in flight (their VMs stay on their sources); events
 * already handed to the main context are not withdrawn, so the default
 * main context must not run again after it (herd run exits). */
HerdDriver *herd_virt_driver_open (HerdModel *model, gpointer config,
                                   GError **error);
