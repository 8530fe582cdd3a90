#!/bin/sh
# test-run-changes.sh: herd run's run-time changes, end to end
# (docs/real-hosts.md: "Run-time changes").  It starts `herd run` on a
# cluster that needs no daemon: hosts of libvirt's in-process test driver
# (test:///FILE, one node file per host), no sanlock.  Through herd ctl and
# the REST API (HTTPS, HTTP Basic) it adds a host and VMs, edits a VM,
# and checks that bad requests (an unknown key, a value the configuration
# file would refuse, a name taken, a multi-line value, a body that is not
# JSON, a role too low) are refused with a fault and change nothing (the
# hosts, the VMs and the state database's changes table compared before
# and after); that herd run, killed with SIGKILL and started again, has
# every host and VM added, with the edits; that a host is removed only in
# Maintenance and a VM only when Down, hosts and VMs of the configuration
# included, and stay removed after a restart; that a removed
# configuration host's name is not taken again while the configuration
# defines it; that herd import --from run takes the changes; that the
# room reserved at start is enforced with an error
# that says so; and that a configuration which now clashes with a host
# added at run time stops herd run with exit 2, naming the database.
# herd run is stopped by its PID, also on failure.
#
# Usage: test-run-changes.sh HERD   (exit 77 when curl, sqlite3 or
# python3 is missing)
set -u
HERD=${1:?usage: test-run-changes.sh HERD}
for tool in curl sqlite3 python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-run-changes: SKIP: $tool is not installed"
    exit 77
  fi
done

. "$(dirname "$0")/checks.sh"
herd_test_dir test-run-changes

mkdir "$DIR/nodes" "$DIR/sd"
for n in 1 2 3 4 5 6 7 8 9; do
  test_node "$DIR/nodes/n$n.xml"
done
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "admin-pw" | "$HERD" passwd --file "$DIR/users" --role administrator \
  admin >/dev/null 2>&1
echo "op-pw" | "$HERD" passwd --file "$DIR/users" --role operator op \
  >/dev/null 2>&1
cat >"$DIR/c.ini" <<EOF
[scenario]
name = changes
[defaults]
VdsRefreshRate = 1s
[datacenter dc]
[storage sd]
datacenter = dc
type = nfs
capacity = 1T
master = true
path = $DIR/sd
[cluster c]
datacenter = dc
[hosts h]
cluster = c
count = 2
cores = 8
memory = 16G
uri = test://$DIR/nodes/n{n}.xml
sanlock_dir = $DIR/no-sanlock
[network ovirtmgmt]
datacenter = dc
vm_network = true
[vms v]
cluster = c
count = 1
vcpus = 1
memory = 1G
[manager]
log = $DIR/herd.log
api_listen = 127.0.0.1:$PORT
api_users = $DIR/users
EOF

start () {
  "$HERD" run "$DIR/c.ini" >>"$DIR/run.out" 2>&1 &
  PID=$!
  for _ in $(seq 100); do
    [ -S "$DIR/c.sock" ] && ctl hosts >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
ctl () { "$HERD" ctl --config "$DIR/c.ini" "$@"; }
api () { # USER:PASSWORD METHOD PATH [BODY]: the body, then the status
  curl -sk -u "$1" -X "$2" ${4:+-d "$4"} -w ' %{http_code}' \
    "https://127.0.0.1:$PORT/ovirt-engine/api$3"
}
# hosts, VMs and the recorded changes, to compare before and after
snapshot () {
  { ctl hosts | awk '{ print $1 }'; ctl --json vms;
    sqlite3 "$DIR/c.db" "SELECT kind, name, op, text FROM changes ORDER BY id"
  } 2>&1
}
host_status () { ctl hosts | awk -v h="$1" '$1 == h { print $2 }'; }
wait_status () { # HOST STATUS
  for _ in $(seq 50); do
    [ "$(host_status "$1")" = "$2" ] && return 0
    sleep 0.2
  done
  return 1
}

check "herd run starts" start

# --- additions -----------------------------------------------------------
check "ctl add_host" ctl add_host h-3 cluster=c cores=8 memory=16G \
  "uri=test://$DIR/nodes/n3.xml" "sanlock_dir=$DIR/no-sanlock"
check "the added host comes Up" wait_status h-3 Up
api admin:admin-pw POST /hosts '{"name": "h-4", "cluster": {"name": "c"},
  "address": "test://'"$DIR"'/nodes/n4.xml", "memory": 17179869184,
  "cpu": {"topology": {"sockets": 1, "cores": 8}},
  "herd": {"sanlock_dir": "'"$DIR"'/no-sanlock"}}' >"$DIR/h4.out"
check "API POST hosts: 201" contains "$DIR/h4.out" '"name":"h-4"'
check "API POST hosts: 201 status" contains "$DIR/h4.out" ' 201'
check "the host added through the API comes Up" wait_status h-4 Up
check "ctl add_vm with a disk and a network" ctl add_vm w cluster=c vcpus=2 \
  memory=2G "disk=4G thin" networks=ovirtmgmt
api admin:admin-pw POST /vms '{"name": "api-1", "cluster": {"name": "c"},
  "memory": "1073741824", "cpu": {"topology": {"cores": 2}},
  "high_availability": {"enabled": true, "priority": 100}}' >"$DIR/vm.out"
check "API POST vms: 201" contains "$DIR/vm.out" ' 201'
check "API POST vms: HA high" contains "$DIR/vm.out" \
  '"high_availability":{"enabled":true,"priority":100}'
mkdir "$DIR/sd2"
check "ctl add_storage (a data domain)" ctl add_storage sd2 datacenter=dc \
  type=nfs capacity=500G "path=$DIR/sd2"
check "the new domain gets its lease files" sh -c \
  "for _ in \$(seq 50); do [ -e '$DIR/sd2/xleases' ] && exit 0; sleep 0.1; done; exit 1"
check "a VM defined with a disk on it" ctl add_vm on-sd2 cluster=c vcpus=1 \
  memory=1G "disk=2G thin sd2"
api admin:admin-pw POST /storagedomains '{"name": "iso1", "type": "iso",
  "storage": {"type": "nfs", "path": "'"$DIR"'/iso1"},
  "data_center": {"name": "dc"}, "herd": {"capacity": "100G"}}' >"$DIR/sd.out"
check "API POST storagedomains: 201, an ISO domain" contains "$DIR/sd.out" \
  '"name":"iso1"'
check "audit: USER_ADD_STORAGE_DOMAIN, USER_ATTACH_STORAGE_DOMAIN_TO_POOL" \
  sh -c "'$HERD' ctl --config '$DIR/c.ini' events 50 | grep -q 'USER_ADD_STORAGE_DOMAIN .*sd2' &&
   '$HERD' ctl --config '$DIR/c.ini' events 50 | grep -q 'USER_ATTACH_STORAGE_DOMAIN_TO_POOL .*iso1'"
check "audit: USER_ADD_VDS and USER_ADD_VM" sh -c \
  "'$HERD' ctl --config '$DIR/c.ini' events 50 | grep -q USER_ADD_VDS &&
   '$HERD' ctl --config '$DIR/c.ini' events 50 | grep -q 'USER_ADD_VM .*api-1'"

# --- bad requests change nothing ------------------------------------------
snapshot >"$DIR/before"
refused () { # NAME EXPECTED-TEXT COMMAND...: fails, saying EXPECTED-TEXT
  name=$1
  want=$2
  shift 2
  checks=$((checks + 1))
  if "$@" >"$DIR/out" 2>&1; then
    echo "FAIL $name: accepted"
    failures=$((failures + 1))
  elif ! grep -qF -- "$want" "$DIR/out"; then
    echo "FAIL $name: expected \"$want\", got: $(cat "$DIR/out")"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}
api_refused () { # NAME STATUS EXPECTED-TEXT USER METHOD PATH [BODY]
  name=$1
  status=$2
  want=$3
  shift 3
  api "$@" >"$DIR/out" 2>&1
  checks=$((checks + 1))
  if grep -qF -- "$want" "$DIR/out" && grep -q " $status\$" "$DIR/out"; then
    echo "ok   $name"
  else
    echo "FAIL $name: expected $status \"$want\", got: $(cat "$DIR/out")"
    failures=$((failures + 1))
  fi
}
refused "unknown key" 'key "colour" cannot be given here' \
  ctl add_host h-5 cluster=c cores=8 memory=16G colour=blue
refused "more vCPUs than any host" \
  '[vm big] vcpus: 64 is more than any host of cluster c has' \
  ctl add_vm big cluster=c vcpus=64 memory=1G
refused "a disk on a domain that does not exist" '[vm d] disk' \
  ctl add_vm d cluster=c vcpus=1 memory=1G "disk=1G nosuchdomain"
refused "a host name taken" "a host called h-3 exists" \
  ctl add_host h-3 cluster=c cores=8 memory=16G
refused "a VM name taken (configuration)" "a vm called v-1 exists" \
  ctl add_vm v-1 cluster=c vcpus=1 memory=1G
refused "not a name" "expected letters, digits" \
  ctl add_vm "a b" cluster=c vcpus=1 memory=1G
refused "no master at run time" "key \"master\" cannot be given here" \
  ctl add_storage sd3 datacenter=dc type=nfs capacity=1T master=true
refused "a block domain under its internal volumes" "[storage sd3] capacity" \
  ctl add_storage sd3 datacenter=dc type=iscsi capacity=1G
refused "an edit above the hosts" "[vm w] memory" \
  ctl edit_vm w memory=1T
refused "an edit of a key not editable" 'key "template" cannot be given here' \
  ctl edit_vm w "template=t"
api_refused "API: a value of two lines" 400 "expected a one-line string" \
  admin:admin-pw POST /vms '{"name": "nl", "cluster": {"name": "c"},
  "memory": 1073741824, "herd": {"vcpus": "1\n[host evil]"}}'
api_refused "API: not JSON" 400 "expected a JSON object" \
  admin:admin-pw POST /vms 'not json'
api_refused "API: an unknown cluster" 400 "cluster: expected" \
  admin:admin-pw POST /vms '{"name": "x", "cluster": {"name": "nope"}}'
api_refused "API: memory not a size" 400 "memory: expected a size in bytes" \
  admin:admin-pw POST /vms '{"name": "x", "memory": "lots"}'
api_refused "API: an operator may not add" 403 \
  "add_vm needs the administrator role" \
  op:op-pw POST /vms '{"name": "x", "cluster": {"name": "c"},
  "memory": 1073741824, "cpu": {"topology": {"cores": 1}}}'
api_refused "API: an operator's request is refused for its role first" 403 \
  "add_host needs the administrator role" op:op-pw POST /hosts 'not json'
api_refused "API: an operator may not remove" 403 \
  "remove_vm needs the administrator role" op:op-pw DELETE /vms/w
api_refused "API: a VM does not change clusters" 400 \
  "a VM does not change clusters" \
  admin:admin-pw PUT /vms/w '{"cluster": {"name": "c"}}'
snapshot >"$DIR/after"
check "the bad requests changed nothing" cmp -s "$DIR/before" "$DIR/after"

# --- edits ------------------------------------------------------------------
check "ctl edit_vm (memory, HA)" ctl edit_vm w memory=3G ha=true priority=medium
api admin:admin-pw PUT /vms/v-1 '{"memory": 2147483648,
  "high_availability": {"enabled": true, "priority": 100}}' >"$DIR/put.out"
check "API PUT a VM of the configuration" contains "$DIR/put.out" \
  '"memory":2147483648'
check "ctl edit_vm adds a disk to a Down VM, and drops its network" \
  ctl edit_vm w "disk=4G thin, 1G sd2" networks=
refused "an edit changes no disk it has" \
  "[vm w] disk: the 2 disks it has stay as they are, first (disk = 4096M thin raw sd, 1024M preallocated raw sd2)" \
  ctl edit_vm w "disk=8G"
check "the edit is recorded in w's definition" test \
  "$(sqlite3 "$DIR/c.db" "SELECT text LIKE '%disk = 4G thin, 1G sd2%' AND text LIKE '%networks = %' FROM changes WHERE name = 'w'")" = 1
check "audit: USER_UPDATE_VM says what changed" sh -c \
  "'$HERD' ctl --config '$DIR/c.ini' events 50 |
   grep -q 'USER_UPDATE_VM .*w .*memory = 3G'"

# --- kill -9 loses nothing added at run time --------------------------------
kill -9 "$PID"
wait "$PID" 2>/dev/null
# (its sanlock calls run in forked children, which die with it: one left
# behind kept the database's lock and the control socket, and under
# AddressSanitizer one could hang in malloc for good)
sleep 0.2
check "nothing of the killed herd run is left" \
  sh -c "! pgrep -f '[h]erd run $DIR/c.ini' >/dev/null"
check "herd run starts again after SIGKILL" start
check "h-3 is back and Up" wait_status h-3 Up
check "h-4 is back and Up" wait_status h-4 Up
ctl --json vms >"$DIR/vms.json"
api admin:admin-pw GET /vms/w >"$DIR/w.json"
api admin:admin-pw GET /vms/v-1 >"$DIR/v1.json"
check "VM w is back, with its edit" contains "$DIR/w.json" \
  '"memory":3221225472'
check "VM w is back with its disk" sqlite3 "$DIR/c.db" \
  "SELECT 1 FROM changes WHERE name = 'w' AND text LIKE '%disk = 4G thin%'"
check "VM api-1 is back" contains "$DIR/vms.json" '"api-1"'
check "the domains added are back" sh -c \
  "curl -sk -u admin:admin-pw https://127.0.0.1:$PORT/ovirt-engine/api/storagedomains |
   grep -q '\"name\":\"sd2\"' &&
   '$HERD' ctl --config '$DIR/c.ini' vms | grep -q '^on-sd2 '"
check "VM v-1 keeps its edit" contains "$DIR/v1.json" '"memory":2147483648'

# --- removals -----------------------------------------------------------------
refused "a host removed only in Maintenance" "move it to Maintenance first" \
  ctl remove_host h-3
check "maintenance h-3" ctl maintenance h-3
check "h-3 reaches Maintenance" wait_status h-3 Maintenance
check "reinstall h-3" ctl reinstall h-3
check "h-3 is Up after its reinstall" wait_status h-3 Up
check "maintenance h-3 again" ctl maintenance h-3
check "h-3 in Maintenance" wait_status h-3 Maintenance
check "remove_host h-3" ctl remove_host h-3
api admin:admin-pw DELETE /vms/api-1 >"$DIR/del.out"
check "API DELETE a VM" contains "$DIR/del.out" ' 200'
api_refused "API: the VM is gone" 404 "no vm with id or name" \
  admin:admin-pw GET /vms/api-1
check "maintenance h-2 (configuration)" ctl maintenance h-2
check "h-2 in Maintenance" wait_status h-2 Maintenance
check "remove_host h-2 (configuration)" ctl remove_host h-2
check "remove_vm v-1 (configuration)" ctl remove_vm v-1
refused "a removed configuration host's name stays taken" \
  "removed at run time: its name stays taken" \
  ctl add_host h-2 cluster=c cores=8 memory=16G "uri=test://$DIR/nodes/n2.xml"
check "a removed run-time VM's definition is kept as a tomb (ids stay)" \
  test "$(sqlite3 "$DIR/c.db" "SELECT name || ' ' || op FROM changes WHERE name LIKE 'herd.removed.%'")" = "herd.removed.1 gone"
check "a removed run-time VM's name is free again" ctl add_vm api-1 \
  cluster=c vcpus=1 memory=1G
refused "the tombs' names are not for users" "not with herd.removed." \
  ctl add_vm herd.removed.7 cluster=c vcpus=1 memory=1G
check "audit: USER_REMOVE_VDS, USER_REMOVE_VM_FINISHED" sh -c \
  "'$HERD' ctl --config '$DIR/c.ini' events 80 | grep -q USER_REMOVE_VDS &&
   '$HERD' ctl --config '$DIR/c.ini' events 80 |
   grep -q USER_REMOVE_VM_FINISHED"
kill "$PID"
wait "$PID"
check "herd run stops cleanly" test $? -eq 0
check "herd run starts a third time" start
ctl hosts >"$DIR/hosts.txt"
ctl vms >"$DIR/vms.txt"
check "removed hosts stay removed" sh -c \
  "! grep -q '^h-2 ' '$DIR/hosts.txt' && ! grep -q '^h-3 ' '$DIR/hosts.txt'"
check "the others are there" sh -c \
  "grep -q '^h-1 ' '$DIR/hosts.txt' && grep -q '^h-4 ' '$DIR/hosts.txt'"
check "removed VMs stay removed; api-1 is the new one" sh -c \
  "! grep -q '^v-1 ' '$DIR/vms.txt' && grep -q '^w ' '$DIR/vms.txt' &&
   grep -q '^api-1 ' '$DIR/vms.txt'"
check "the state database has no row of a removed object" test \
  "$(sqlite3 "$DIR/c.db" "SELECT count(*) FROM hosts WHERE name IN ('h-2', 'h-3')")" = 0

# (its VMs are all Down here: herd import leaves Down VMs out)
check "herd import --from run takes the hosts added and removed" sh -c \
  "'$HERD' import --from run '$DIR/c.ini' -o '$DIR/now.ini' >/dev/null 2>&1 &&
   grep -q '^\[host h-4\]' '$DIR/now.ini' &&
   ! grep -q '^\[host h-2\]' '$DIR/now.ini' &&
   '$HERD' check '$DIR/now.ini' >/dev/null 2>&1"

# --- the room reserved at start ---------------------------------------------
# 3 hosts at this start (h-1, h-2 removed, h-4; h-3, added and removed at
# run time, is gone): room for 2 x 3 + 16 = 22, 19 more
added=0
for n in $(seq 5 40); do
  if ctl add_host "r-$n" cluster=c cores=8 memory=16G \
       "uri=test://$DIR/nodes/n5.xml" "sanlock_dir=$DIR/no-sanlock" \
       >/dev/null 2>"$DIR/room.err"; then
    added=$((added + 1))
  else
    break
  fi
done
check "hosts are added up to the room reserved (19 more; added $added)" \
  test "$added" = 19
check "beyond it, an error that says so" contains "$DIR/room.err" \
  "no room for another host: herd run took room for 22 hosts"

# --- a configuration that clashes with a run-time host ------------------------
kill "$PID"
wait "$PID"
PID=
cat >>"$DIR/c.ini" <<EOF
[host h-4]
cluster = c
cores = 8
memory = 16G
EOF
"$HERD" run "$DIR/c.ini" >"$DIR/clash.out" 2>&1
check "a clash with a run-time host: exit 2" test $? -eq 2
check "... naming the state database" contains "$DIR/clash.out" \
  "with the hosts and VMs added at run time (state database $DIR/c.db)"

checks_done test-run-changes
