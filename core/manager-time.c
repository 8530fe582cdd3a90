/* manager-time.c: the manager's clock, the driver's (see manager-time.h). */
#include "core/manager-private.h"
#include "core/manager-time.h"

HerdTime
herd_manager_now (HerdManager *manager)
{
  return herd_driver_now (manager->driver);
}
