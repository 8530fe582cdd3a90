/* virt-import.h: `herd import --from libvirt`: live libvirt hosts as an
 * estate (conf/estate.h), for a scenario of what they run now. */
#pragma once

#include "conf/estate.h"
#include "core/herd-time.h"

/* Reads each host of hosts ("NAME=URI": the host's scenario name and its
 * libvirt URI) into estate, all in data center dc and cluster c: its node
 * (CPU cores and threads, memory) and its running domains (vCPUs,
 * maximum and current memory, and the CPU each used over sample, read
 * twice sample apart, as cpu = constant(X%)).  Each URI is opened with a
 * 10 s timeout; a host that does not answer is an error (nothing is
 * imported from a partial estate). */
gboolean herd_virt_import (GStrv hosts, HerdTime sample, HerdEstate *estate,
                           GError **error);
