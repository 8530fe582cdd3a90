/* import.h: the readers `herd import` turns a real estate's inventory
 * with, each into a HerdEstate (conf/estate.h) that becomes a scenario.
 * docs/import.md describes each source and the mapping of its fields. */
#pragma once

#include "conf/estate.h"

#define HERD_IMPORT_ERROR (herd_import_error_quark ())
GQuark herd_import_error_quark (void);

typedef enum
{
  HERD_IMPORT_ERROR_READ,    /* a file could not be read */
  HERD_IMPORT_ERROR_INVALID, /* its content is not what the source gives */
} HerdImportError;

/* oVirt's REST API v4 responses saved in directory dir (conf/import-ovirt.c):
 * datacenters, clusters, hosts and vms are required, disks, storagedomains,
 * networks and schedulingpolicies read when present. */
gboolean herd_import_ovirt (const char *dir, HerdEstate *estate,
                            GError **error);

/* A CSV inventory (conf/import-csv.c, columns in docs/import.md); errors
 * name the file, line and column. */
gboolean herd_import_csv (const char *path, HerdEstate *estate,
                          GError **error);
/* The same from text already read (messages name path). */
gboolean herd_import_csv_data (const char *text, const char *path,
                               HerdEstate *estate, GError **error);
