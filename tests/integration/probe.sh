#!/bin/bash
# probe.sh [DIR]: runs checks 1-4 against harness.sh and logs every command,
# its output and its wall time to DIR/probe.log (stdout too).
set -u
cd "$(dirname "$0")"
D=${1:-$(mktemp -d /tmp/herd-probe-XXXXXX)}
L=$D/probe.log
mkdir -p "$D"; : > "$L"
FAILS=0; PASSES=0

t () {  # t CMD... : run, log, time
  local s e rc
  echo "\$ $*" | tee -a "$L"
  s=$(date +%s.%N)
  "$@" > "$D/.out" 2>&1; rc=$?
  e=$(date +%s.%N)
  sed 's/^/    /' "$D/.out" | tee -a "$L"
  LAST=$(printf '%.3f' "$(echo "$e - $s" | bc)")
  echo "    [rc=$rc, ${LAST} s]" | tee -a "$L"
  return $rc
}
check () {  # check DESC CMD... : pass/fail line
  local desc=$1; shift
  if "$@" >/dev/null 2>&1; then echo "PASS: $desc" | tee -a "$L"; PASSES=$((PASSES+1))
  else echo "FAIL: $desc" | tee -a "$L"; FAILS=$((FAILS+1)); fi
}
note () { echo "## $*" | tee -a "$L"; }
ours () { ps -eo pid=,args= | grep -E "$D/holder|sanlock daemon|libvirtd -d|virtlogd -d|qemu-system|sleep 600" | grep -v grep; }

[ -e "$D/pids" ] && ./harness.sh stop "$D" >/dev/null 2>&1
rm -rf "$D/caps-cache"

note "1. three hosts (cold capability cache)"
t ./harness.sh start "$D" 3
U1=$(./harness.sh uri "$D" 1); U2=$(./harness.sh uri "$D" 2); U3=$(./harness.sh uri "$D" 3)
for u in "$U1" "$U2" "$U3"; do t virsh -c "$u" list --all; check "virsh list on $u" virsh -c "$u" list; done
t bash -c "for u in '$U1' '$U2' '$U3'; do virsh -c \$u capabilities | grep -m1 '<uuid>'; virsh -c \$u hostname; done"
check "distinct host UUIDs" test "$(cat "$D"/h*/host_uuid | sort -u | wc -l)" = 3
check "hostnames h1 h2 h3" test "$(for u in "$U1" "$U2" "$U3"; do virsh -c "$u" hostname; done | xargs)" = "h1 h2 h3"
t cat "$D/pids"
t ./harness.sh stop "$D"
sleep 2.5   # PID 1 here reaps the exited holders every ~2 s
t bash -c "ps -eo pid,stat,args | grep -E '$D/holder|sanlock daemon|libvirtd -d|virtlogd -d|qemu-system' | grep -v grep; mount | grep -E 'libvirt|virt-probe'; true"
check "nothing left after stop" test -z "$(ours)"
check "no mount left after stop" test -z "$(mount | grep -E 'libvirt|virt-probe')"

note "1b. three hosts again (warm capability cache)"
t ./harness.sh start "$D" 3

note "2. tiny VM on h1"
./mkdom.sh tiny > "$D/tiny.xml"
t grep -E "domain type|memory|vcpu" "$D/tiny.xml"
t virsh -c "$U1" define "$D/tiny.xml"
t virsh -c "$U1" start tiny; START=$LAST
t virsh -c "$U1" list
check "tiny running on h1" bash -c "virsh -c '$U1' domstate tiny | grep -q running"
Q=$(cat "$D/h1/run/qemu/tiny.pid")
t bash -c "tr '\\0' ' ' < /proc/$Q/cmdline | grep -o -- '-accel [a-z]*\\|-m [^ ]*\\|-smp [^ ]*'; ls -l /proc/$Q/fd | grep -c kvm-vcpu"
t virsh -c "$U1" destroy tiny; DESTROY=$LAST
check "tiny shut off" bash -c "virsh -c '$U1' domstate tiny | grep -q 'shut off'"
t virsh -c "$U1" start tiny

note "3. live migration h1 -> h2"
t virsh -c "$U1" migrate --live --persistent --undefinesource tiny "$U2" --migrateuri tcp://127.0.0.1; MIG1=$LAST
t virsh -c "$U2" domjobinfo tiny --completed
t virsh -c "$U1" list --all
t virsh -c "$U2" list --all
check "tiny running on h2 after migration" bash -c "virsh -c '$U2' domstate tiny | grep -q running"
check "tiny gone from h1" bash -c "! virsh -c '$U1' domstate tiny"
t virsh -c "$U2" migrate --live --persistent --undefinesource tiny "$U3"; MIG2=$LAST
check "h2 -> h3 without --migrateuri" bash -c "virsh -c '$U3' domstate tiny | grep -q running"
t virsh -c "$U3" migrate --live --persistent --undefinesource tiny "$U1" --migrateuri tcp://127.0.0.1; MIG3=$LAST
check "back on h1" bash -c "virsh -c '$U1' domstate tiny | grep -q running"

note "4. sanlock"
LS=$D/lease; mkdir -p "$LS"
truncate -s 1M "$LS/ids"; truncate -s 3M "$LS/leases"
chown sanlock:sanlock "$LS/ids" "$LS/leases"; chmod 660 "$LS/ids" "$LS/leases"
S1="env SANLOCK_RUN_DIR=$D/h1/sanlock"; S2="env SANLOCK_RUN_DIR=$D/h2/sanlock"
t sanlock direct init -o 2 -s "herd:0:$LS/ids:0"
t sanlock direct init -r "herd:vm-tiny:$LS/leases:1048576"
t $S1 sanlock client add_lockspace -o 2 -s "herd:1:$LS/ids:0"; ADD1=$LAST
t $S2 sanlock client add_lockspace -o 2 -s "herd:2:$LS/ids:0"; ADD2=$LAST
t $S1 sanlock client inq_lockspace -s "herd:1:$LS/ids:0"
# a process holding a resource lease through h1's daemon
$S1 sanlock client command -r "herd:vm-tiny:$LS/leases:1048576" -c /bin/sleep 600 \
  > "$D/holder-proc.log" 2>&1 &
LPID=$!
wait_for_lease () { for _ in $(seq 100); do $S1 sanlock client status | grep -q "r herd:vm-tiny" && return 0; sleep 0.05; done; return 1; }
s=$(date +%s.%N); wait_for_lease; ACQ=$(printf '%.3f' "$(echo "$(date +%s.%N) - $s" | bc)")
echo "    (lease acquired for pid $LPID in about $ACQ s)" | tee -a "$L"
t $S1 sanlock client status
t $S2 sanlock client status
check "h1 shows the resource lease" bash -c "$S1 sanlock client status | grep -q 'r herd:vm-tiny'"
check "h2 shows lockspace, no resource" bash -c "$S2 sanlock client status | grep -q 's herd:2' && ! $S2 sanlock client status | grep -q 'r herd:vm-tiny'"
t $S2 sanlock client host_status -s herd
t sanlock direct dump "$LS/leases:1048576"
# h2 cannot take it while h1 holds it
t $S2 sanlock client command -r "herd:vm-tiny:$LS/leases:1048576" -c /bin/true
check "h2 refused the held lease" test "$(tail -1 "$L" | grep -c 'rc=0')" = 0
kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null
t $S1 sanlock client rem_lockspace -s "herd:1:$LS/ids:0"; REM1=$LAST
# add_lockspace with the default io_timeout (10 s), for comparison, on h3
truncate -s 1M "$LS/ids10"; chown sanlock:sanlock "$LS/ids10"; chmod 660 "$LS/ids10"
t sanlock direct init -s "herd10:0:$LS/ids10:0"
t env SANLOCK_RUN_DIR="$D/h3/sanlock" sanlock client add_lockspace -s "herd10:3:$LS/ids10:0"; ADD10=$LAST

# io_timeout 1 for comparison, on h3
truncate -s 1M "$LS/ids1"; chown sanlock:sanlock "$LS/ids1"; chmod 660 "$LS/ids1"
t sanlock direct init -o 1 -s "herd1:0:$LS/ids1:0"
t env SANLOCK_RUN_DIR="$D/h3/sanlock" sanlock client add_lockspace -o 1 -s "herd1:3:$LS/ids1:0"; ADD1S=$LAST

note "5. power a host off and on (fencing stand-in)"
t virsh -c "$U1" migrate --live --persistent --undefinesource tiny "$U2"
t ./harness.sh off "$D" 2; OFF=$LAST
check "h2 libvirt unreachable when off" bash -c "! virsh -c '$U2' list"
check "no QEMU left on h2" test -z "$(ps -eo args= | grep 'guest=tiny' | grep -v grep)"
t ./harness.sh on "$D" 2; ON=$LAST
t virsh -c "$U2" list --all
check "h2 back, tiny defined and shut off" bash -c "virsh -c '$U2' domstate tiny | grep -q 'shut off'"
t env SANLOCK_RUN_DIR="$D/h2/sanlock" sanlock client status

note "stop"
t ./harness.sh stop "$D"
sleep 2.5
check "nothing left after final stop" test -z "$(ours)"

note "timings (s): start tiny $START, destroy $DESTROY, migrate h1->h2 $MIG1, h2->h3 $MIG2, h3->h1 $MIG3, add_lockspace io2 h1 $ADD1 h2 $ADD2, io10 $ADD10, io1 $ADD1S, rem_lockspace $REM1, lease acquire ~$ACQ, off $OFF, on $ON"
echo "$PASSES passed, $FAILS failed" | tee -a "$L"
[ "$FAILS" = 0 ]
