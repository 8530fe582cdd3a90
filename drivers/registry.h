/* registry.h: the backends herd knows (drivers/sim, drivers/virt), opened
 * by name.  The core never opens a backend: whoever assembles a manager
 * (run/run.c, herd run) does, and hands the core the driver. */
#pragma once

#include "core/driver.h"

typedef HerdDriver *(*HerdDriverOpenFunc) (HerdModel *model,
                                           gpointer backend_config,
                                           GError **error);
typedef struct
{
  const char *name;
  const char *description;
  HerdDriverOpenFunc open;
} HerdDriverEntry;

/* The registered backends, terminated by { NULL }. */
const HerdDriverEntry *herd_driver_registry (void);
/* Opens the backend called name; backend_config is the backend's own
 * (for "sim": the HerdSimWorld).  HERD_DRIVER_ERROR_INVALID if unknown. */
HerdDriver *herd_driver_open (const char *name, HerdModel *model,
                              gpointer backend_config, GError **error);
