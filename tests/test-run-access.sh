#!/bin/sh
# test-run-access.sh: herd run's access control and secrets, end to end
# (docs/real-hosts.md: "Who may do what", "Files and secrets").  It starts
# `herd run` under umask 000 on a cluster that needs no daemon: host a-1
# is libvirt's in-process test driver (test:///default), host h-1 a
# libvirt socket that does not exist, restored Up from an older herd run's
# database (no requests table, mode 0666), so that the manager fences it
# through a-1 with an agent that echoes its standard input, password
# included.  Then: socket 0660 of [manager] socket_group; database, WAL,
# -shm, lock and log 0600; herd ctl as nobody (outside the socket's group)
# and as a user of the group without a role refused, a viewer reads but
# cannot start, the refusal recorded with who asked (log and requests
# table); a 200 MiB line without a newline answered with an error and
# closed while the manager's peak VmRSS (VmHWM) grows by less than 4 MiB;
# 130 connections held against max_connections = 16, the 114 beyond
# refused, and served again once they close; "v-1\u0000evil", a raw NUL,
# 2^70, trailing data and a repeated member refused with v-1 untouched;
# --socket on a regular file, on its own database and on the live socket
# refused and the file kept; the fence password reaches the agent and
# appears in no log, no output and no database (sqlite3 .dump and the raw
# files); a secrets file of mode 0644, or owned by another user, and a
# password in fence_options refused (exit 2).  herd run is stopped by its
# PID at the end, also on failure, and the users and group the test adds
# are removed.
#
# Usage: test-run-access.sh HERD   (root; exit 77 when not root or when a
# tool it needs is missing: setpriv, useradd, sqlite3, python3)
set -u
HERD=${1:?usage: test-run-access.sh HERD}
if [ "$(id -u)" -ne 0 ]; then
  echo "test-run-access: SKIP: needs root (to switch users)"
  exit 77
fi
PY=$(command -v python3 || true)
for tool in setpriv useradd userdel groupadd groupdel sqlite3 "$PY"; do
  if [ -z "$tool" ] || ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-run-access: SKIP: ${tool:-python3} is not installed"
    exit 77
  fi
done

DIR=$(mktemp -d /tmp/herd-access.XXXXXX)
chmod 755 "$DIR"
TAG=$$
GROUP=herdt-ctl-$TAG          # the socket's group
VIEWER=herdt-v-$TAG           # in the group, a viewer
STRANGER=herdt-s-$TAG         # in the group, no role
PID=
NOTIFY_PID=

cleanup () {
  [ -n "$NOTIFY_PID" ] && kill "$NOTIFY_PID" 2>/dev/null
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null
    sleep 1
    kill -9 "$PID" 2>/dev/null
  fi
  userdel "$VIEWER" 2>/dev/null
  userdel "$STRANGER" 2>/dev/null
  groupdel "$GROUP" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then
    echo "test-run-access: kept $DIR"
  else
    rm -rf "$DIR"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$(dirname "$0")/checks.sh"

quiet () { "$@" >/dev/null 2>&1; }
mode_is () { [ "$(stat -c %a "$1")" = "$2" ]; }
lacks () { ! grep -qaF -- "$2" "$1"; }
status_kb () { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }

groupadd "$GROUP" || exit 1
useradd -M -N -g nogroup -G "$GROUP" -s /usr/sbin/nologin "$VIEWER" || exit 1
useradd -M -N -g nogroup -G "$GROUP" -s /usr/sbin/nologin "$STRANGER" \
  || exit 1
# herd, where the other users may run it
cp "$HERD" "$DIR/herd"
chmod 755 "$DIR/herd"
as_user () { # USER COMMAND...: with the user's groups
  u=$1
  shift
  setpriv --reuid="$u" --regid=nogroup --init-groups "$@"
}
as_nobody () {
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

SECRET="pw-$TAG-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
mkdir "$DIR/sd"
cat >"$DIR/agent" <<EOF
#!/bin/sh
# The test's fence agent: keeps its standard input and echoes it, so that
# herd run must blank the password out of what it logs and records.
input=\$(cat)
printf '%s\n' "\$input" >>"$DIR/agent-stdin"
echo "agent read: \$input"
exit 0
EOF
chmod 755 "$DIR/agent"
write_config () { # FILE EXTRA-FENCE-OPTIONS
  cat >"$1" <<EOF
[scenario]
name = access
[defaults]
VdsRefreshRate = 1s
TimeoutToResetVds = 2s
MinimalGraceTime = 2s
DisableFenceAtStartup = 0s
FenceStatusInterval = 1s
[datacenter dc]
[cluster c]
datacenter = dc
fencing = true
[hosts a]
cluster = c
cores = 2
memory = 4G
uri = test:///default
sanlock_dir = $DIR/no-sanlock
[hosts h]
cluster = c
cores = 2
memory = 4G
uri = qemu+unix:///system?socket=$DIR/no-libvirt-{n}.sock
sanlock_dir = $DIR/no-sanlock-{n}
fence_agent = ipmilan
fence_command = $DIR/agent
fence_options = ip=192.0.2.{n} username=admin$2
[storage sd]
datacenter = dc
type = nfs
capacity = 10G
master = true
path = $DIR/sd
[vms v]
cluster = c
count = 2
vcpus = 1
memory = 256M
[manager]
log = $DIR/herd.log
socket_group = $GROUP
viewers = $VIEWER
max_connections = 16
secrets = $DIR/secrets
EOF
}
write_config "$DIR/c.ini" ""
(umask 077 && printf '# fence agents\n[hosts h]\npassword = %s\n' \
  "$SECRET" >"$DIR/secrets")

# An older herd run's database, world-writable, holding h-1 Up.
(umask 000 && sqlite3 "$DIR/c.db" "
PRAGMA journal_mode=WAL;
CREATE TABLE hosts (name TEXT PRIMARY KEY, status TEXT NOT NULL,
  sanlock_id INTEGER NOT NULL);
CREATE TABLE vms (name TEXT PRIMARY KEY, status TEXT NOT NULL, host TEXT);
CREATE TABLE spm (datacenter TEXT PRIMARY KEY, host TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL,
  code INTEGER NOT NULL, name TEXT NOT NULL, severity TEXT NOT NULL,
  object TEXT NOT NULL, details TEXT NOT NULL);
INSERT INTO hosts VALUES ('h-1', 'Up', 2);" >/dev/null) || exit 1
chmod 666 "$DIR/c.db"

# systemd's readiness protocol: a datagram socket standing in for
# systemd's, each message it receives appended to notify.log.
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    with open(sys.argv[2], "ab") as log:
        log.write(s.recv(4096) + b"\n--\n")
' "$DIR/notify.sock" "$DIR/notify.log" &
NOTIFY_PID=$!
for _ in $(seq 50); do [ -S "$DIR/notify.sock" ] && break; sleep 0.1; done
(umask 000 && cd "$DIR" && G_MESSAGES_DEBUG=all NOTIFY_SOCKET=$DIR/notify.sock \
  exec ./herd run c.ini >"$DIR/stdout" 2>"$DIR/stderr") &
PID=$!
SOCK=$DIR/c.sock
for _ in $(seq 100); do
  [ -S "$SOCK" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if [ ! -S "$SOCK" ]; then
  echo "FAIL herd run did not start:"
  cat "$DIR/stderr" "$DIR/herd.log" 2>/dev/null
  exit 1
fi
CTL="$DIR/herd ctl --socket $SOCK"

# -- files -------------------------------------------------------------
check "socket 0660" mode_is "$SOCK" 660
check "socket of [manager] socket_group" \
  test "$(stat -c %G "$SOCK")" = "$GROUP"
for f in c.db c.db-wal c.db-shm c.db.lock herd.log; do
  check "$f 0600 under umask 000" mode_is "$DIR/$f" 600
done

# -- who may connect -----------------------------------------------------
as_nobody $CTL hosts >"$DIR/out" 2>"$DIR/err"
rc=$?
check "nobody (not in the socket's group) refused: exit 2" test $rc -eq 2
check "nobody: permission denied" contains "$DIR/err" "ermission denied"
as_user "$STRANGER" $CTL hosts >"$DIR/out" 2>"$DIR/err"
rc=$?
check "a user without a role refused: exit 1" test $rc -eq 1
check "the refusal names the user and the role" contains "$DIR/err" \
  "user $STRANGER (uid $(id -u "$STRANGER")) may not use herd run's control socket: it needs the viewer role"
as_user "$STRANGER" $CTL maintenance h-1 >/dev/null 2>&1
check "... nor put a host in Maintenance" test $? -eq 1
as_user "$VIEWER" $CTL vms >"$DIR/out" 2>"$DIR/err"
check "a viewer reads" test $? -eq 0
check "... the VMs" contains "$DIR/out" "v-1"
as_user "$VIEWER" $CTL start v-1 >"$DIR/out" 2>"$DIR/err"
check "a viewer cannot start: exit 1" test $? -eq 1
check "... start needs the operator role" contains "$DIR/err" \
  "start needs the operator role; user $VIEWER"
$CTL --json vms >"$DIR/out"
check "v-1 still Down" "$PY" -c "
import json, sys
vms = json.load(open('$DIR/out'))
sys.exit(0 if [v['status'] for v in vms if v['name'] == 'v-1'] == ['Down'] else 1)"
check "the refused start in the log, with who asked" contains \
  "$DIR/herd.log" "control request: uid=$(id -u "$VIEWER") user=$VIEWER role=viewer request={\"command\":\"start\",\"vm\":\"v-1\"} outcome=refused: start needs the operator role"
sqlite3 "$DIR/c.db" "SELECT uid, user, role, request, outcome FROM requests" \
  >"$DIR/requests"
check "... and in the database's requests table (schema upgraded)" contains \
  "$DIR/requests" "$(id -u "$VIEWER")|$VIEWER|viewer|{\"command\":\"start\",\"vm\":\"v-1\"}|refused: start needs"

# -- a line without a newline ----------------------------------------------
# VmHWM, the peak: a buffer grown and freed again leaves VmRSS as it was
before=$(status_kb VmHWM)
rss_before=$(status_kb VmRSS)
"$PY" - "$SOCK" >"$DIR/big" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
chunk, sent = b"x" * (1 << 20), 0
try:
    while sent < 200 << 20:
        sent += s.send(chunk)
except OSError:
    pass
answer = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        answer += d
except OSError:
    pass
print(sent)
print(answer.decode().strip())
EOF
after=$(status_kb VmHWM)
echo "     200 MiB line: sent $(head -1 "$DIR/big") bytes before the manager closed; VmHWM ${before} kB -> ${after} kB, VmRSS ${rss_before} kB -> $(status_kb VmRSS) kB"
check "200 MiB without a newline: an error, then closed" contains "$DIR/big" \
  '{"ok":false,"error":"request too long: more than 65536 bytes without a newline'
check "... its peak VmRSS (VmHWM) grew by less than 4 MiB" \
  test $((after - before)) -lt 4096

# -- connections ------------------------------------------------------------
"$PY" - "$SOCK" >"$DIR/conns" <<'EOF'
import socket, sys
held, ok, refused = [], 0, 0
for i in range(130):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    try:
        s.sendall(b'{"command": "spm"}\n')
    except OSError:
        pass
    f = s.makefile("rb")
    line = f.readline().decode()
    if line.startswith('{"ok":true'):
        ok += 1
    elif "too many connections" in line:
        refused += 1
    held.append((s, f))
print(ok, refused)
EOF
read -r served refused <"$DIR/conns"
echo "     130 connections held: $served served, $refused refused"
check "130 connections: 16 served" test "$served" -eq 16
check "... the 114 beyond max_connections refused" test "$refused" -eq 114
eventually () { # COMMAND...: succeeds within 5 s
  for _ in $(seq 50); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
check "served again once they closed" eventually quiet $CTL hosts

# -- strict requests ---------------------------------------------------------
"$PY" - "$SOCK" >"$DIR/strict" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
for line in (b'{"command": "start", "vm": "v-1\\u0000evil"}\n',
             b'{"command": "start", "vm": "v-1\x00evil"}\n',
             b'{"command": "events", "count": 1180591620717411303424}\n',
             b'{"command": "start", "vm": "v-1"} {"command": "stop"}\n',
             b'{"command": "start", "vm": "nosuch", "vm": "v-1"}\n'):
    s.sendall(line)
    print(f.readline().decode().strip())
EOF
check '"v-1\u0000evil" refused' contains "$DIR/strict" \
  'a string holds \\u0000 (NUL)'
check "a raw NUL refused" contains "$DIR/strict" "a NUL byte at byte"
check "2^70 refused" contains "$DIR/strict" "an integer out of range"
check "trailing data refused" contains "$DIR/strict" "trailing data"
check "a repeated member refused" contains "$DIR/strict" \
  'the member \"vm\" is given twice'
check "no request acted" test "$(grep -c '"ok":false' "$DIR/strict")" -eq 5
$CTL --json vms >"$DIR/out"
check "v-1 still Down after them" "$PY" -c "
import json, sys
vms = json.load(open('$DIR/out'))
sys.exit(0 if [v['status'] for v in vms if v['name'] == 'v-1'] == ['Down'] else 1)"

# -- the socket's path ---------------------------------------------------------
echo "precious" >"$DIR/precious"
"$DIR/herd" run --db "$DIR/o1.db" --socket "$DIR/precious" --log "$DIR/o1.log" \
  "$DIR/c.ini" >/dev/null 2>"$DIR/err"
check "--socket on a regular file refused" test $? -ne 0
check "... naming the path" contains "$DIR/err" \
  "control socket $DIR/precious: the path holds a regular file, not a socket"
check "... and the file kept" test "$(cat "$DIR/precious")" = precious
"$DIR/herd" run --db "$DIR/o2.db" --socket "$DIR/o2.db" --log "$DIR/o2.log" \
  "$DIR/c.ini" >/dev/null 2>"$DIR/err"
check "--socket on its own database refused" test $? -ne 0
check "... the database kept" test "$(sqlite3 "$DIR/o2.db" \
  'PRAGMA integrity_check')" = ok
"$DIR/herd" run --db "$DIR/o3.db" --socket "$SOCK" --log "$DIR/o3.log" \
  "$DIR/c.ini" >/dev/null 2>"$DIR/err"
check "--socket where herd run listens refused" contains "$DIR/err" \
  "control socket $SOCK: another herd run listens there"
check "... and that one still answers" quiet $CTL spm

# -- secrets -------------------------------------------------------------------
for _ in $(seq 150); do
  [ -s "$DIR/agent-stdin" ] && grep -q 'fence agent h-1' "$DIR/herd.log" \
    && break
  sleep 0.1
done
check "the fence agent ran with the password on its stdin" contains \
  "$DIR/agent-stdin" "password=$SECRET"
check "... the agent's echo blanked out in the log" contains "$DIR/herd.log" \
  "password=***"
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
check "herd run stopped by SIGTERM: exit 0" test $rc -eq 0
check "systemd was told READY=1 with a status, then STOPPING=1" sh -c "
  grep -q '^READY=1\$' '$DIR/notify.log' &&
  grep -q '^STATUS=managing 2 hosts and 2 VMs; herd ctl --socket' '$DIR/notify.log' &&
  sed -n '/^READY=1/,\$p' '$DIR/notify.log' | grep -q '^STOPPING=1\$'"
kill "$NOTIFY_PID" 2>/dev/null; wait "$NOTIFY_PID" 2>/dev/null; NOTIFY_PID=
check "... its socket removed" test ! -e "$SOCK"
sqlite3 "$DIR/c.db" .dump >"$DIR/dump"
check "the dump holds the fence audit events" contains "$DIR/dump" "FENCE"
for f in herd.log stdout stderr dump c.db c.db-wal o1.log o2.log o3.log \
  o2.db; do
  [ -e "$DIR/$f" ] && check "no password in $f" lacks "$DIR/$f" "$SECRET"
done

chmod 644 "$DIR/secrets"
"$DIR/herd" run --db "$DIR/o4.db" --socket "$DIR/o4.sock" "$DIR/c.ini" \
  >/dev/null 2>"$DIR/err"
rc=$?
check "a secrets file of mode 0644 refused: exit 2" test $rc -eq 2
check "... with its mode" contains "$DIR/err" \
  "secrets file $DIR/secrets: mode 0644 lets its group or others at it"
chmod 600 "$DIR/secrets"
chown nobody "$DIR/secrets"
"$DIR/herd" run --db "$DIR/o4.db" --socket "$DIR/o4.sock" "$DIR/c.ini" \
  >/dev/null 2>"$DIR/err"
rc=$?
check "a secrets file of another user refused: exit 2" test $rc -eq 2
check "... naming its owner" contains "$DIR/err" \
  "owned by uid $(id -u nobody), not by herd run's user"
write_config "$DIR/bad.ini" " passwd=$SECRET"
"$DIR/herd" run --db "$DIR/o5.db" "$DIR/bad.ini" >/dev/null 2>"$DIR/err"
rc=$?
check "a password in fence_options refused: exit 2" test $rc -eq 2
check "... pointing to the secrets file" contains "$DIR/err" \
  "fence_options: passwd is a credential"
check "... without repeating it" lacks "$DIR/err" "$SECRET"

checks_done test-run-access
