/* audit.c: the audit event table, counters and sinks (see audit.h). */
#include "core/audit.h"

#include <stdarg.h>

/* Codes and names from ovirt-engine's AuditLogType where it has the event. */
static const HerdAuditInfo audit_table[HERD_AUDIT_LAST] = {
  [HERD_AUDIT_USER_INITIATED_RUN_VM]
  = { 150, "USER_INITIATED_RUN_VM", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_USER_RUN_VM] = { 32, "USER_RUN_VM", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_USER_FAILED_RUN_VM]
  = { 54, "USER_FAILED_RUN_VM", HERD_SEVERITY_ERROR },
  [HERD_AUDIT_USER_STOP_VM] = { 33, "USER_STOP_VM", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VM_DOWN] = { 61, "VM_DOWN", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VDS_DETECTED] = { 13, "VDS_DETECTED", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VM_MIGRATION_START]
  = { 62, "VM_MIGRATION_START", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VM_MIGRATION_START_SYSTEM_INITIATED]
  = { 67, "VM_MIGRATION_START_SYSTEM_INITIATED", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VM_MIGRATION_DONE]
  = { 63, "VM_MIGRATION_DONE", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VM_MIGRATION_ABORT]
  = { 64, "VM_MIGRATION_ABORT", HERD_SEVERITY_ERROR },
  [HERD_AUDIT_VM_MIGRATION_FAILED]
  = { 65, "VM_MIGRATION_FAILED", HERD_SEVERITY_ERROR },
  [HERD_AUDIT_VM_MIGRATION_NO_VDS_TO_MIGRATE_TO]
  = { 166, "VM_MIGRATION_NO_VDS_TO_MIGRATE_TO", HERD_SEVERITY_WARNING },
  /* herd's own: oVirt does not log these. */
  [HERD_AUDIT_VM_MIGRATION_LIMIT_RETRY]
  = { 100001, "VM_MIGRATION_LIMIT_RETRY", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VM_MIGRATION_POST_COPY]
  = { 100002, "VM_MIGRATION_POST_COPY", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_USER_VDS_MAINTENANCE_WITHOUT_REASON]
  = { 620, "USER_VDS_MAINTENANCE_WITHOUT_REASON", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VDS_MAINTENANCE]
  = { 15, "VDS_MAINTENANCE", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_USER_VDS_MAINTENANCE_MIGRATION_FAILED]
  = { 602, "USER_VDS_MAINTENANCE_MIGRATION_FAILED", HERD_SEVERITY_WARNING },
  [HERD_AUDIT_VDS_ACTIVATE] = { 16, "VDS_ACTIVATE", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_VDS_HOST_NOT_RESPONDING_CONNECTING]
  = { 9008, "VDS_HOST_NOT_RESPONDING_CONNECTING", HERD_SEVERITY_WARNING },
  [HERD_AUDIT_CLUSTER_ALERT_HA_RESERVATION]
  = { 10300, "CLUSTER_ALERT_HA_RESERVATION", HERD_SEVERITY_ALERT },
  [HERD_AUDIT_CLUSTER_ALERT_HA_RESERVATION_DOWN]
  = { 10301, "CLUSTER_ALERT_HA_RESERVATION_DOWN", HERD_SEVERITY_ALERT },
  [HERD_AUDIT_PM_POLICY_UP_TO_MAINTENANCE]
  = { 10250, "PM_POLICY_UP_TO_MAINTENANCE", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_PM_POLICY_MAINTENANCE_TO_DOWN]
  = { 10251, "PM_POLICY_MAINTENANCE_TO_DOWN", HERD_SEVERITY_NORMAL },
  [HERD_AUDIT_PM_POLICY_TO_UP]
  = { 10252, "PM_POLICY_TO_UP", HERD_SEVERITY_NORMAL },
  /* herd's own: oVirt logs the repair as a migration with reason 12000. */
  [HERD_AUDIT_VM_AFFINITY_REPAIR]
  = { 100003, "VM_AFFINITY_REPAIR", HERD_SEVERITY_NORMAL },
};

typedef struct
{
  HerdAuditSinkFunc func;
  gpointer user_data;
} Sink;

struct _HerdAudit
{
  guint64 counts[HERD_AUDIT_LAST];
  GArray *sinks; /* Sink */
  GString *details;
};

HerdAudit *
herd_audit_new (void)
{
  HerdAudit *audit = g_new0 (HerdAudit, 1);
  audit->sinks = g_array_new (FALSE, FALSE, sizeof (Sink));
  audit->details = g_string_sized_new (128);
  return audit;
}

void
herd_audit_free (HerdAudit *audit)
{
  if (audit == NULL)
    return;
  g_array_unref (audit->sinks);
  g_string_free (audit->details, TRUE);
  g_free (audit);
}

const HerdAuditInfo *
herd_audit_info (HerdAuditType type)
{
  g_assert (type < HERD_AUDIT_LAST);
  return &audit_table[type];
}

const char *
herd_severity_name (HerdSeverity severity)
{
  static const char *const names[HERD_SEVERITY_LAST] = {
    "normal", "warning", "error", "alert",
  };
  g_assert (severity < HERD_SEVERITY_LAST);
  return names[severity];
}

void
herd_audit_add_sink (HerdAudit *audit, HerdAuditSinkFunc func,
                     gpointer user_data)
{
  Sink sink = { func, user_data };
  g_array_append_val (audit->sinks, sink);
}

void
herd_audit_emit (HerdAudit *audit, HerdTime time, HerdAuditType type,
                 const char *object, const char *details_format, ...)
{
  g_assert (type < HERD_AUDIT_LAST);
  audit->counts[type]++;
  if (audit->sinks->len == 0)
    return;

  va_list args;
  va_start (args, details_format);
  g_string_vprintf (audit->details, details_format, args);
  va_end (args);

  HerdAuditEvent event = { time, type, object, audit->details->str };
  for (guint i = 0; i < audit->sinks->len; i++)
    {
      Sink *sink = &g_array_index (audit->sinks, Sink, i);
      sink->func (&event, sink->user_data);
    }
}

guint64
herd_audit_count (HerdAudit *audit, HerdAuditType type)
{
  g_assert (type < HERD_AUDIT_LAST);
  return audit->counts[type];
}
