/* manager-place.c: placements through the scheduler, traced for the
 * decision sink (see manager-place.h). */
#include "core/manager-private.h"
#include "core/manager-place.h"

#include "core/manager-time.h"

HerdId
herd_manager_place (HerdManager *m, HerdId vm, HerdId source,
                    const guint8 *allowed, guint32 *rejected,
                    const char *kind)
{
  herd_scheduler_set_now (m->scheduler, herd_manager_now (m));
  if (m->decision_sink == NULL || !m->decision_wants (vm, m->decision_data))
    return herd_scheduler_place (m->scheduler, vm, source, allowed, rejected,
                                 NULL);
  HerdPlacementTrace trace;
  herd_placement_trace_init (&trace);
  HerdId chosen = herd_scheduler_place (m->scheduler, vm, source, allowed,
                                        rejected, &trace);
  HerdDecision d = { herd_manager_now (m), vm, kind, source, &trace };
  m->decision_sink (&d, m->decision_data);
  herd_placement_trace_clear (&trace);
  return chosen;
}

void
herd_manager_set_decision_sink (HerdManager *manager,
                                HerdDecisionWantsFunc wants,
                                HerdDecisionSinkFunc sink, gpointer user_data)
{
  manager->decision_wants = wants;
  manager->decision_sink = sink;
  manager->decision_data = user_data;
}
