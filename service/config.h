/* config.h: herd run's configuration: a scenario file (the cluster in the
 * scenario vocabulary) whose connection keys ([hosts] uri, sanlock_dir,
 * migration_uri, fence_command, fence_options, proxy_command; [storage]
 * path; [manager]) say how to reach the real hosts.  This turns them into
 * the virt driver's configuration, "{n}" and "{name}" expanded per host
 * (the host's number in its group and its name). */
#pragma once

#include "drivers/virt/virt-driver.h"
#include "sim/scenario.h"

/* The driver's configuration, or NULL with an error naming the file,
 * group and key (HERD_SCENARIO_ERROR_INVALID). */
HerdVirtConfig *herd_run_config (const HerdScenario *scenario,
                                 GError **error);

/* Where herd run keeps its state database and its control socket: the
 * [manager] keys, else NAME.db and NAME.sock beside the configuration. */
char *herd_run_default_path (const char *config_path, const char *suffix);
