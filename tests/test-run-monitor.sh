#!/bin/sh
# test-run-monitor.sh: herd run's storage domain monitoring, end to end
# without a daemon (docs/real-hosts.md: "Storage domain monitoring").
# Three hosts of libvirt's test driver read the master domain through
# their ssh_command: a-1's runs the read here (env), b-1's fails it
# (false: the domain is out of reach from b-1), c-1's cannot reach its
# host (exit 255, as ssh).  b-1 goes NonOperational for the domain after
# MaxStorageVdsTimeoutCheckSec and StorageDomainFailureTime; a-1 stays
# Up, and so does c-1, whose domain is not checked (a warning says so),
# rather than failing as if the storage were gone.  Network monitoring
# (docs/real-hosts.md: "Networks"): a-1 carries the required network
# ovirtmgmt on its NIC eth0, which is up; d-1 names a NIC its libvirt does
# not have (down): d-1 goes NonOperational for the network, a-1 stays Up.
# herd run is stopped by its PID, also on failure.
#
# Usage: test-run-monitor.sh HERD
set -u
HERD=${1:?usage: test-run-monitor.sh HERD}
. "$(dirname "$0")/checks.sh"
herd_test_dir test-run-monitor

mkdir "$DIR/nodes" "$DIR/sd"
for n in a b c d; do
  test_node "$DIR/nodes/$n.xml"
done
host_group () { # NAME SSH_COMMAND [NICS]
  printf '[hosts %s]\ncluster = c\ncores = 8\nmemory = 16G\n' "$1"
  printf 'uri = test://%s/nodes/%s.xml\nsanlock_dir = %s/no-sanlock\n' \
    "$DIR" "$1" "$DIR"
  printf 'ssh_command = %s\n' "$2"
  [ -z "${3:-}" ] || printf 'nics = %s\n' "$3"
}
{
  cat <<EOF
[scenario]
name = monitor
[defaults]
VdsRefreshRate = 1s
SdHealthCheckDelay = 1s
MaxStorageVdsTimeoutCheckSec = 3s
StorageDomainFailureTime = 2s
[datacenter dc]
[storage sd]
datacenter = dc
type = nfs
capacity = 1T
master = true
path = $DIR/sd
[cluster c]
datacenter = dc
[network ovirtmgmt]
datacenter = dc
[manager]
log = $DIR/herd.log
EOF
  host_group a env ovirtmgmt=eth0
  host_group b false
  host_group c "sh -c 'exit 255'"
  host_group d env ovirtmgmt=gone0
} >"$DIR/c.ini"

ctl () { "$HERD" ctl --config "$DIR/c.ini" "$@"; }
host_status () { ctl hosts | awk -v h="$1" '$1 == h { print $2 }'; }
wait_status () { # HOST STATUS SECONDS
  for _ in $(seq $(($3 * 5))); do
    [ "$(host_status "$1")" = "$2" ] && return 0
    sleep 0.2
  done
  return 1
}
# (d-1 is NonOperational from its first statistics)
hosts_up () { [ "$(ctl hosts 2>/dev/null | awk '$2 == "Up" && $1 != "d-1"' | wc -l)" = 3 ]; }
wait_up () {
  for _ in $(seq 100); do
    hosts_up && return 0
    sleep 0.1
  done
  return 1
}

"$HERD" run "$DIR/c.ini" >"$DIR/run.out" 2>&1 &
PID=$!
check "a-1, b-1 and c-1 come Up" wait_up
check "b-1, which cannot read the domain, is NonOperational" \
  wait_status b-1 NonOperational 30
check "... for the domain (VDS_SET_NONOPERATIONAL_DOMAIN)" sh -c \
  "'$HERD' ctl --config '$DIR/c.ini' events 100 |
   grep -q 'VDS_SET_NONOPERATIONAL_DOMAIN *[a-z]* *b-1 *domain=sd'"
check "a-1, which reads it, stays Up" test "$(host_status a-1)" = Up
check "c-1, which SSH does not reach, stays Up" test "$(host_status c-1)" = Up
check "... and the log says its domain is not checked" contains \
  "$DIR/herd.log" "host c-1: storage domain sd is not checked: its ssh_command does not reach it"
check "d-1, whose NIC for ovirtmgmt is missing, is NonOperational" \
  wait_status d-1 NonOperational 10
check "... for the network (VDS_SET_NONOPERATIONAL_IFACE_DOWN)" sh -c \
  "'$HERD' ctl --config '$DIR/c.ini' events 100 |
   grep -q 'VDS_SET_NONOPERATIONAL_IFACE_DOWN *[a-z]* *d-1 *networks=ovirtmgmt'"
check "a-1, whose NIC eth0 is up, has not been NonOperational" sh -c \
  "! '$HERD' ctl --config '$DIR/c.ini' events 100 | grep -q 'NONOPERATIONAL.* a-1 '"
check "the domain stays Active (not every host fails it)" sh -c \
  "! '$HERD' ctl --config '$DIR/c.ini' events 100 |
   grep -q SYSTEM_DEACTIVATED_STORAGE_DOMAIN"
kill "$PID"
wait "$PID"
check "herd run stops cleanly" test $? -eq 0
PID=
checks_done test-run-monitor
