/* audit.h: audit events, the manager's record of every change and decision.
 *
 * Each event type has a stable numeric code and a name.  Where the oVirt
 * engine has the same event, herd uses its AuditLogType code and constant
 * name (ovirt-engine AuditLogType.java), so that operators recognise them;
 * events oVirt does not have use codes from 100000 up.  A code never changes
 * meaning once used: new events get new codes, appended at the end of the
 * enum.
 *
 * Events go to any number of sinks (the trace file, the results database)
 * and are always counted.  Formatting the details is skipped when no sink
 * is attached. */
#pragma once

#include <glib.h>

#include "core/herd-time.h"

typedef enum
{
  HERD_AUDIT_USER_INITIATED_RUN_VM, /* a start was requested */
  HERD_AUDIT_USER_RUN_VM,           /* the VM is Up on a host */
  HERD_AUDIT_USER_FAILED_RUN_VM,    /* no host can run it */
  HERD_AUDIT_USER_STOP_VM,          /* a stop was requested */
  HERD_AUDIT_VM_DOWN,               /* the VM is Down */
  HERD_AUDIT_VDS_DETECTED,          /* a host's status was set */
  HERD_AUDIT_VM_MIGRATION_START,    /* a user's migration started */
  HERD_AUDIT_VM_MIGRATION_START_SYSTEM_INITIATED, /* the manager's */
  HERD_AUDIT_VM_MIGRATION_DONE,
  HERD_AUDIT_VM_MIGRATION_ABORT,    /* the manager aborted it */
  HERD_AUDIT_VM_MIGRATION_FAILED,   /* the backend reported a failure */
  HERD_AUDIT_VM_MIGRATION_NO_VDS_TO_MIGRATE_TO,
  HERD_AUDIT_VM_MIGRATION_LIMIT_RETRY, /* destination busy: retry later */
  HERD_AUDIT_VM_MIGRATION_POST_COPY,   /* switched to post-copy */
  HERD_AUDIT_USER_VDS_MAINTENANCE_WITHOUT_REASON, /* maintenance asked */
  HERD_AUDIT_VDS_MAINTENANCE,       /* the host reached Maintenance */
  HERD_AUDIT_USER_VDS_MAINTENANCE_MIGRATION_FAILED, /* VMs still there */
  HERD_AUDIT_VDS_ACTIVATE,          /* activation asked */
  HERD_AUDIT_VDS_HOST_NOT_RESPONDING_CONNECTING, /* a host stopped answering */
  HERD_AUDIT_CLUSTER_ALERT_HA_RESERVATION,      /* not HA-safe */
  HERD_AUDIT_CLUSTER_ALERT_HA_RESERVATION_DOWN, /* HA-safe again */
  HERD_AUDIT_PM_POLICY_UP_TO_MAINTENANCE,       /* power saving: going off */
  HERD_AUDIT_PM_POLICY_MAINTENANCE_TO_DOWN,     /* ... powered off */
  HERD_AUDIT_PM_POLICY_TO_UP,                   /* ... powered on again */
  HERD_AUDIT_VM_AFFINITY_REPAIR,                /* a broken hard rule */
  HERD_AUDIT_VDS_FAILURE,                /* host NonResponsive */
  HERD_AUDIT_SYSTEM_SSH_HOST_RESTART,    /* soft fencing tried */
  HERD_AUDIT_SYSTEM_FAILED_SSH_HOST_RESTART,
  HERD_AUDIT_VDS_SOFT_RECOVER,           /* soft fencing worked */
  HERD_AUDIT_VDS_HOST_NOT_RESPONDING,    /* ... and cannot be fenced */
  HERD_AUDIT_FENCE_OPERATION_STARTED,
  HERD_AUDIT_FENCE_OPERATION_SUCCEEDED,
  HERD_AUDIT_FENCE_OPERATION_FAILED,
  HERD_AUDIT_VDS_ALERT_FENCE_OPERATION_FAILED, /* fencing gave up */
  HERD_AUDIT_SYSTEM_VDS_RESTART,         /* fenced: restarted */
  HERD_AUDIT_FENCE_SKIPPED,              /* a fencing policy said no */
  HERD_AUDIT_VM_SET_DOWN_HOST_FENCED,    /* VM down with its fenced host */
  HERD_AUDIT_VM_UNKNOWN,                 /* VM state unknown (host lost) */
  HERD_AUDIT_HA_VM_FAILED,               /* will be restarted */
  HERD_AUDIT_VDS_INITIATED_RUN_VM,       /* HA restart attempt */
  HERD_AUDIT_HA_VM_RESTART_FAILED,
  HERD_AUDIT_EXCEEDED_MAXIMUM_NUM_OF_RESTART_HA_VM_ATTEMPTS,
  HERD_AUDIT_IRS_HOSTED_ON_VDS,          /* SPM elected */
  HERD_AUDIT_SPM_START_FAILED,           /* host went on the failed list */
  HERD_AUDIT_SPM_WAITS_FOR_FENCING,      /* no new SPM until fenced */
  HERD_AUDIT_MANAGER_RESTARTED,
  HERD_AUDIT_VDS_SET_NONOPERATIONAL_IFACE_DOWN, /* required network down */
  HERD_AUDIT_VDS_ACTIVATE_ASYNC,                /* autorecovered */
  HERD_AUDIT_VDS_SET_NONOPERATIONAL_DOMAIN,     /* cannot reach a domain */
  HERD_AUDIT_SYSTEM_DEACTIVATED_STORAGE_DOMAIN, /* no host reaches it */
  HERD_AUDIT_MASTER_DOMAIN_CHANGED,             /* a new master */
  HERD_AUDIT_STORAGE_DOMAIN_AUTORECOVERED,
  HERD_AUDIT_VM_BACK_WITH_HOST,     /* Unknown VM found running again */
  HERD_AUDIT_SPM_LEASE_LOST,        /* the SPM no longer holds its lease */
  HERD_AUDIT_VM_PAUSED_EIO,         /* paused on a storage I/O error */
  HERD_AUDIT_VM_PAUSED_ENOSPC,      /* paused: no space left */
  HERD_AUDIT_VM_RECOVERED_FROM_PAUSE_ERROR,
  HERD_AUDIT_USER_INITIATED_RUN_VM_FAILED, /* a host failed to run it */
  HERD_AUDIT_IRS_DISK_SPACE_LOW,           /* a domain under its warning */
  HERD_AUDIT_IRS_DISK_SPACE_LOW_ERROR,     /* ... under its critical level */
  HERD_AUDIT_USER_CREATE_SNAPSHOT_FINISHED_SUCCESS,
  HERD_AUDIT_USER_FAILED_CREATE_SNAPSHOT,
  HERD_AUDIT_USER_TRY_BACK_TO_SNAPSHOT_FINISH_SUCCESS,  /* preview */
  HERD_AUDIT_USER_FAILED_TRY_BACK_TO_SNAPSHOT,
  HERD_AUDIT_USER_RESTORE_FROM_SNAPSHOT_FINISH_SUCCESS, /* commit, undo */
  HERD_AUDIT_USER_FAILED_RESTORE_FROM_SNAPSHOT,
  HERD_AUDIT_USER_REMOVE_SNAPSHOT_FINISHED_SUCCESS,
  HERD_AUDIT_USER_FAILED_REMOVE_SNAPSHOT,
  HERD_AUDIT_USER_FORCE_SELECTED_SPM,    /* an operator chose the SPM */
  HERD_AUDIT_VDS_MANUAL_FENCE_STATUS,    /* "confirm host has been
                                            rebooted" */
  HERD_AUDIT_VM_SET_DOWN_MANUAL_FENCE,   /* VM down with that host */
  HERD_AUDIT_USER_VDS_STOP,              /* a user's power actions */
  HERD_AUDIT_USER_VDS_START,
  HERD_AUDIT_USER_VDS_RESTART,
  HERD_AUDIT_USER_ADD_VDS,               /* run-time changes (herd run) */
  HERD_AUDIT_USER_REMOVE_VDS,
  HERD_AUDIT_VDS_INSTALL_IN_PROGRESS,    /* a host reinstalled */
  HERD_AUDIT_USER_ADD_VM,
  HERD_AUDIT_USER_UPDATE_VM,
  HERD_AUDIT_USER_REMOVE_VM_FINISHED,
  HERD_AUDIT_USER_ADD_STORAGE_DOMAIN,
  HERD_AUDIT_USER_ATTACH_STORAGE_DOMAIN_TO_POOL,
  HERD_AUDIT_VM_CANCEL_MIGRATION,        /* an operator canceled it */
  HERD_AUDIT_VM_CANCEL_MIGRATION_FAILED, /* too late: post-copy */
  HERD_AUDIT_LAST
} HerdAuditType;

typedef enum
{
  HERD_SEVERITY_NORMAL,
  HERD_SEVERITY_WARNING,
  HERD_SEVERITY_ERROR,
  HERD_SEVERITY_ALERT,
  HERD_SEVERITY_LAST
} HerdSeverity;

typedef struct
{
  int code;
  const char *name;
  HerdSeverity severity;
} HerdAuditInfo;

typedef struct
{
  HerdTime time;
  HerdAuditType type;
  const char *object;  /* name of the host, VM, ... it is about */
  const char *details; /* space-separated key=value words, may be "" */
} HerdAuditEvent;

typedef void (*HerdAuditSinkFunc) (const HerdAuditEvent *event,
                                   gpointer user_data);

typedef struct _HerdAudit HerdAudit;

HerdAudit *herd_audit_new (void);
void herd_audit_free (HerdAudit *audit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HerdAudit, herd_audit_free)

const HerdAuditInfo *herd_audit_info (HerdAuditType type);
const char *herd_severity_name (HerdSeverity severity);

void herd_audit_add_sink (HerdAudit *audit, HerdAuditSinkFunc func,
                          gpointer user_data);

/* Records an event: counts it and, if sinks are attached, formats details
 * (printf-style) and hands the event to each sink in the order added. */
void herd_audit_emit (HerdAudit *audit, HerdTime time, HerdAuditType type,
                      const char *object, const char *details_format, ...)
    G_GNUC_PRINTF (5, 6);

guint64 herd_audit_count (HerdAudit *audit, HerdAuditType type);

/* The value of the word key=VALUE in an event's details (unquoted: up to
 * the next space), newly allocated, or NULL when there is none. */
char *herd_audit_detail (const char *details, const char *key);
