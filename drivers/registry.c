/* registry.c: the backends herd knows, chosen by name. */
#include "drivers/registry.h"

#include "drivers/sim/sim-driver.h"
#include "drivers/virt/virt-driver.h"

static const HerdDriverEntry registry[] = {
  { "sim", "the deterministic simulated cluster", herd_sim_driver_open },
  { "virt", "real hosts through libvirt, sanlock and fence agents",
    herd_virt_driver_open },
  { NULL },
};

const HerdDriverEntry *
herd_driver_registry (void)
{
  return registry;
}

HerdDriver *
herd_driver_open (const char *name, HerdModel *model, gpointer backend_config,
                  GError **error)
{
  for (const HerdDriverEntry *e = registry; e->name != NULL; e++)
    if (g_strcmp0 (e->name, name) == 0)
      return e->open (model, backend_config, error);
  g_set_error (error, HERD_DRIVER_ERROR, HERD_DRIVER_ERROR_INVALID,
               "no driver called \"%s\"", name);
  return NULL;
}
