#!/bin/bash
# Test harness: several libvirt/QEMU/sanlock "hosts" on one machine.
#
#   harness.sh start DIR N     start N hosts h1..hN (N = 1..3), state in DIR;
#                              prints "hI URI SANLOCK_RUN_DIR=... holder=PID"
#   harness.sh add DIR I       start one more host hI (I = 2..4) after start
#                              (a host added to the cluster while it runs)
#   harness.sh restart-libvirtd DIR I
#                              restart host I's libvirtd (SIGKILL, even when
#                              stopped, then start it again; its guests keep
#                              running): what soft fencing does over SSH.
#                              Fails (exit 255, as ssh) when the host is off
#   harness.sh stop DIR        stop everything start recorded, by PID only,
#                              unmount, end the namespaces
#   harness.sh off DIR I       "power off" host I: kill its QEMUs, libvirtd,
#                              virtlogd and sanlock by PID (SIGKILL, no clean
#                              shutdown; the namespace stays)
#   harness.sh on DIR I        start host I's daemons again after off
#   harness.sh uri DIR I       print host I's libvirt URI
#   harness.sh run DIR I CMD   run shell CMD inside host I (as a child of its
#                              holder; output appended to DIR/hI/holder.log)
#   harness.sh cutfs DIR I FILE
#                              host I sees the regular file FILE through
#                              cutfs (cutfs.c), mounted over it in its
#                              namespace only (one cutfs per file; a host
#                              may have several); what opens FILE
#                              afterwards there (its sanlock, a QEMU) goes
#                              through it
#   harness.sh cut DIR I       host I's view of those files fails (EIO)
#   harness.sh mend DIR I      and works again
#
# Host I is a mount+UTS namespace kept alive by DIR/holder (holder.c), a
# child subreaper that also runs the command lines written to DIR/hI/ctl;
# enter it with nsenter -t HOLDER_PID -m -u CMD. Inside, private bind mounts
# cover /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt,
# /etc/libvirt (a copy: libvirtd.conf sets a distinct host_uuid) and
# /etc/hosts (hI -> 127.0.1.I). virtlogd, libvirtd and a sanlock daemon
# (-w 0, own SANLOCK_RUN_DIR=DIR/hI/sanlock, LD_PRELOAD rlimit shim) run
# there. DIR/pids holds "host role pid" lines. Needs root, gcc, util-linux,
# libvirt-daemon-system, qemu-system-x86, sanlock.
#
# The rlimit shim exists because this sandbox lacks CAP_SYS_RESOURCE; it is
# test-harness only and never belongs in a product.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
QEMU_USER=${HARNESS_QEMU_USER:-root}   # /dev/kvm is 0600 root here (no udev)
WAIT_S=${HARNESS_WAIT_S:-60}
T0=$(date +%s.%N)

die () { echo "harness: $*" >&2; exit 1; }
log () { echo "harness: $*" >&2; }
# Progress with elapsed seconds, when HARNESS_VERBOSE=1.
step () {
  [ "${HARNESS_VERBOSE:-0}" = 1 ] || return 0
  printf 'harness: %6.2fs %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*" >&2
}

# Alive and not a zombie.
alive () {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ]
}

# Wait until the shell command $1 succeeds, at most $2 seconds.
wait_for () {
  local cmd=$1 limit=$2 i=0
  while ! eval "$cmd" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -ge $((limit * 20)) ] && return 1
    sleep 0.05
  done
  return 0
}

uri_of () { echo "qemu+unix:///system?socket=$DIR/h$1/run/libvirt-sock"; }
record () { echo "$1 $2 $3" >> "$DIR/pids"; }
pid_of () { awk -v h="$1" -v r="$2" '$1==h && $2==r {p=$3} END {print p}' "$DIR/pids"; }
forget () { sed -i "/^$1 $2 /d" "$DIR/pids"; }   # host role

build_tools () {
  if [ ! -x "$DIR/holder" ] || [ "$HERE/holder.c" -nt "$DIR/holder" ]; then
    gcc -O2 -Wall -o "$DIR/holder" "$HERE/holder.c" || die "holder build failed"
  fi
  if [ ! -x "$DIR/cutfs" ] || [ "$HERE/cutfs.c" -nt "$DIR/cutfs" ]; then
    # shellcheck disable=SC2046
    gcc -O2 -Wall -o "$DIR/cutfs" "$HERE/cutfs.c" $(pkg-config --cflags --libs fuse3) \
      || die "cutfs build failed"
  fi
  if [ ! -f "$DIR/rlimit_shim.so" ] || [ "$HERE/rlimit_shim.c" -nt "$DIR/rlimit_shim.so" ]; then
    gcc -O2 -Wall -shared -fPIC -o "$DIR/rlimit_shim.so" "$HERE/rlimit_shim.c" -ldl \
      || die "shim build failed"
  fi
}

# Set KEY = VALUE in a libvirt .conf file (libvirt rejects duplicate keys,
# so drop any uncommented setting first).
set_conf () {
  local file=$1 key=$2 value=$3
  sed -i "/^[[:space:]]*$key[[:space:]]*=/d" "$file"
  echo "$key = $value" >> "$file"
}

# Run shell line $2 inside host $1 (child of its holder).
hrun () {
  local H="$DIR/h$1"
  [ -p "$H/ctl" ] || die "h$1: no holder"
  printf '%s\n' "$2" > "$H/ctl"
}

# Host I's private files.
prepare_host () {
  local i=$1 H="$DIR/h$1"
  rm -rf "$H"
  mkdir -p "$H"/{run,cache,log,sanlock}
  cp -a /var/lib/libvirt "$H/lib"
  cp -a /etc/libvirt "$H/etc"
  chmod 755 "$H/sanlock"
  [ -d "$DIR/caps-cache" ] && cp -a "$DIR/caps-cache" "$H/cache/qemu"

  local uuid
  uuid=$(cat /proc/sys/kernel/random/uuid)
  echo "$uuid" > "$H/host_uuid"
  set_conf "$H/etc/libvirtd.conf" host_uuid "\"$uuid\""
  set_conf "$H/etc/libvirtd.conf" log_outputs '"3:file:/var/log/libvirt/libvirtd.log"'
  set_conf "$H/etc/qemu.conf" user "\"$QEMU_USER\""
  set_conf "$H/etc/qemu.conf" group "\"$QEMU_USER\""
  # The hosts share one cgroup tree, and libvirt names a guest's cgroup
  # machine/qemu-ID-NAME.libvirt-qemu with IDs counting from 1 on every
  # daemon: after a migration, source and destination QEMU sat in the same
  # cgroup and the source spent ~3 s failing to remove it. So no cgroups.
  set_conf "$H/etc/qemu.conf" cgroup_controllers "[ ]"
  # The hosts share one network namespace: each takes its own ports for
  # incoming migrations (two hosts receiving at once collided on 49152).
  set_conf "$H/etc/qemu.conf" migration_port_min "$((49152 + (i - 1) * 64))"
  set_conf "$H/etc/qemu.conf" migration_port_max "$((49152 + i * 64 - 1))"
  # VM leases bound to their QEMU (as VDSM configures libvirt): libvirt's
  # sanlock lock manager acquires a domain's <lease> for its QEMU process
  # before it runs, through this host's sanlock daemon (SANLOCK_RUN_DIR in
  # libvirtd's environment), so sanlock kills that QEMU when the host's
  # lockspace renewals fail. herd joins the lockspaces itself: no automatic
  # disk leases, no lease required.
  set_conf "$H/etc/qemu.conf" lock_manager '"sanlock"'
  set_conf "$H/etc/qemu-sanlock.conf" auto_disk_leases 0
  set_conf "$H/etc/qemu-sanlock.conf" require_lease_for_disks 0
  # Nothing autostarted: the hosts share one network namespace.
  rm -f "$H"/etc/qemu/networks/autostart/* "$H"/etc/qemu/autostart/* 2>/dev/null
  # hI resolves to 127.0.1.I (loopback), one line each: libvirt reports the
  # canonical name of its own hostname (with "127.0.0.1 h1 h2 h3" all three
  # called themselves h1), and a migration without --migrateuri connects to
  # the destination's name.
  { cat /etc/hosts; printf '127.0.1.%d h%d\n' 1 1 2 2 3 3 4 4; } > "$H/hosts"
}

# Holder, namespaces and mounts of host I.
start_namespace () {
  local i=$1 H="$DIR/h$1"
  rm -f "$H/ctl" "$H/holder.pid"
  mkfifo "$H/ctl"
  setsid unshare -m -u --propagation private \
    "$DIR/holder" "$H/holder.pid" "$H/ctl" "$H/holder.log" \
    </dev/null >>"$H/holder.log" 2>&1 &
  wait_for "[ -s '$H/holder.pid' ]" 10 || die "h$i: holder did not start"
  local hp
  hp=$(cat "$H/holder.pid")
  record "h$i" holder "$hp"
  step "h$i holder $hp"
  local ns="nsenter -t $hp -m -u"
  $ns hostname "h$i" || die "h$i: hostname"
  local m
  for m in "run:/run/libvirt" "lib:/var/lib/libvirt" "cache:/var/cache/libvirt" \
           "log:/var/log/libvirt" "etc:/etc/libvirt" "hosts:/etc/hosts"; do
    $ns mount --bind "$H/${m%%:*}" "${m#*:}" || die "h$i: bind ${m#*:}"
  done
}

# virtlogd, sanlock and libvirtd of host I, started by its holder.
start_daemons () {
  local i=$1 H="$DIR/h$1"
  rm -f "$H"/run/*.pid "$H"/sanlock/sanlock.pid

  hrun "$i" "exec virtlogd -d -p /run/libvirt/virtlogd.pid"
  wait_for "[ -s '$H/run/virtlogd.pid' ]" 10 || die "h$i: virtlogd (see $H/holder.log)"
  record "h$i" virtlogd "$(cat "$H/run/virtlogd.pid")"
  step "h$i virtlogd up"

  # sanlock: own run dir, no watchdog (-w 0), no mlockall (-l 0), debug log
  # to a file (-D keeps it in the foreground; it is the holder's child).
  hrun "$i" "SANLOCK_RUN_DIR='$H/sanlock' LD_PRELOAD='$DIR/rlimit_shim.so' \
exec sanlock daemon -D -w 0 -l 0 -L -1 -S -1 -e h$i >>'$H/sanlock.log' 2>&1"
  wait_for "[ -S '$H/sanlock/sanlock.sock' ] && [ -s '$H/sanlock/sanlock.pid' ]" 10 \
    || die "h$i: sanlock did not start (see $H/sanlock.log)"
  record "h$i" sanlock "$(tr -dc 0-9 < "$H/sanlock/sanlock.pid")"
  step "h$i sanlock up"

  start_libvirtd "$i"
}

# libvirtd of host I, with SANLOCK_RUN_DIR for libvirt's sanlock lock
# plugin. Pinned to CPU 0: libvirt's QEMU capability cache records the host
# CPUID, whose leaf 0x1f holds the x2APIC id of the CPU the probe ran on, so
# a daemon on another CPU discards a copied cache and re-probes (8 s).
# libvirt gives each QEMU all host CPUs whatever libvirtd's own affinity.
start_libvirtd () {
  local i=$1 H="$DIR/h$1"
  rm -f "$H/run/libvirtd.pid"
  hrun "$i" "SANLOCK_RUN_DIR='$H/sanlock' exec taskset -c 0 libvirtd -d -p /run/libvirt/libvirtd.pid"
  wait_for "[ -s '$H/run/libvirtd.pid' ]" 10 || die "h$i: libvirtd (see $H/holder.log)"
  record "h$i" libvirtd "$(cat "$H/run/libvirtd.pid")"
  step "h$i libvirtd forked"
}

wait_libvirtd () {
  wait_for "virsh -c '$(uri_of "$1")' version" "$WAIT_S" \
    || die "h$1: libvirtd does not answer (see $DIR/h$1/log/libvirtd.log)"
  step "h$1 libvirtd answers"
}

cmd_start () {
  local n=$1 i
  [ "$n" -ge 1 ] 2>/dev/null && [ "$n" -le 3 ] || die "N must be 1..3"
  [ "$(id -u)" = 0 ] || die "needs root"
  if [ -s "$DIR/pids" ]; then
    local h r p
    while read -r h r p; do
      alive "$p" && die "$DIR/pids lists live PID $p ($h $r): run stop first"
    done < "$DIR/pids"
  fi
  : > "$DIR/pids"
  mkdir -p /run/libvirt   # mount point only; each host's contents are private
  build_tools
  # libvirtd probes QEMU's capabilities at its first start (~8 s here; the
  # probes of several daemons ran one after the other): the first host
  # probes, the others start from a copy of its cache (libvirt re-probes by
  # itself if the copy is stale, e.g. after a QEMU upgrade).
  for i in $(seq 1 "$n"); do
    prepare_host "$i"
    start_namespace "$i"
    start_daemons "$i"
    if [ ! -d "$DIR/caps-cache" ]; then
      wait_libvirtd "$i"
      cp -a "$DIR/h$i/cache/qemu" "$DIR/caps-cache"
      step "h$i probed QEMU capabilities; cache saved"
    fi
  done
  for i in $(seq 1 "$n"); do wait_libvirtd "$i"; done
  for i in $(seq 1 "$n"); do
    echo "h$i $(uri_of "$i") SANLOCK_RUN_DIR=$DIR/h$i/sanlock holder=$(pid_of "h$i" holder)"
  done
}

cmd_add () {
  local i=$1
  [ "$i" -ge 2 ] 2>/dev/null && [ "$i" -le 4 ] || die "I must be 2..4"
  [ -d "$DIR/caps-cache" ] || die "start the first hosts first"
  [ -n "$(pid_of "h$i" holder)" ] && alive "$(pid_of "h$i" holder)" \
    && die "h$i runs already"
  prepare_host "$i"
  start_namespace "$i"
  start_daemons "$i"
  wait_libvirtd "$i"
  echo "h$i $(uri_of "$i") SANLOCK_RUN_DIR=$DIR/h$i/sanlock holder=$(pid_of "h$i" holder)"
}

cmd_restart_libvirtd () {
  local i=$1 old
  # a host that is off (no sanlock daemon) does not answer SSH either
  if ! alive "$(pid_of "h$i" sanlock)"; then
    echo "ssh: connect to host h$i port 22: No route to host" >&2
    exit 255
  fi
  old=$(pid_of "h$i" libvirtd)
  alive "$old" && kill -KILL "$old"
  wait_for "! alive $old" 10 || die "h$i: libvirtd $old survived SIGKILL"
  forget "h$i" libvirtd
  start_libvirtd "$i"
  wait_libvirtd "$i"
  echo "h$i libvirtd restarted"
}

# The PIDs of host $1's cutfs processes.
cutfs_pids () { awk -v h="h$1" '$1==h && $2=="cutfs" {print $3}' "$DIR/pids"; }

# cutfs over file $2 in host $1's namespace (a child of its holder).
cmd_cutfs () {
  local i=$1 file=$2 H="$DIR/h$1" holder
  holder=$(pid_of "h$i" holder)
  alive "$holder" || die "h$i: no holder"
  [ -f "$file" ] || die "$file: not a regular file"
  grep -qxF "$file" "$H/cutfs.files" 2>/dev/null && die "h$i sees $file through cutfs already"
  rm -f "$H/cutfs.pid"
  hrun "$i" "echo \$\$ > '$H/cutfs.pid'; exec '$DIR/cutfs' '$file' '$file' >> '$H/cutfs.log' 2>&1"
  wait_for "[ -s '$H/cutfs.pid' ] && grep -q ' $file .* - fuse.cutfs ' /proc/$holder/mountinfo" 10 \
    || die "h$i: cutfs did not mount (see $H/cutfs.log)"
  record "h$i" cutfs "$(cat "$H/cutfs.pid")"
  echo "$file" >> "$H/cutfs.files"
  echo "h$i sees $file through cutfs"
}

# SIGUSR1 (cut) or SIGUSR2 (mend) to host $1's cutfs processes.
cmd_cut () {
  local p n=0
  for p in $(cutfs_pids "$1"); do
    alive "$p" && kill -"$2" "$p" && n=$((n + 1))
  done
  [ "$n" -gt 0 ] || die "h$1: no cutfs"
}

# TERM (or $3) a PID, wait up to $2 s, then KILL.
stop_pid () {
  local p=$1 limit=${2:-10} sig=${3:-TERM}
  alive "$p" || return 0
  kill -"$sig" "$p" 2>/dev/null
  wait_for "! alive $p" "$limit" && return 0
  log "PID $p survived $sig; KILL"
  kill -KILL "$p" 2>/dev/null
  wait_for "! alive $p" 5
}

mntns_of () { readlink "/proc/$1/ns/mnt" 2>/dev/null; }

# PIDs other than the holder in host $1's mount namespace.
ns_members () {
  local holder ns p
  holder=$(pid_of "h$1" holder)
  ns=$(mntns_of "$holder")
  [ -n "$ns" ] || return 0
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = "$holder" ] && continue
    [ "$(mntns_of "$p")" = "$ns" ] && echo "$p"
  done
}

# Stop host $1's guests and daemons. $2 = clean (destroy guests, TERM,
# sanlock shutdown) or hard (SIGKILL everything at once, like power loss).
stop_daemons () {
  local i=$1 mode=$2 H="$DIR/h$1" f p r
  local libvirtd virtlogd sanlock
  libvirtd=$(pid_of "h$i" libvirtd)
  virtlogd=$(pid_of "h$i" virtlogd)
  sanlock=$(pid_of "h$i" sanlock)
  if [ "$mode" = hard ]; then
    for p in $(cat "$H"/run/qemu/*.pid 2>/dev/null) $libvirtd $virtlogd $sanlock; do
      alive "$p" && kill -KILL "$p"
    done
  elif alive "$libvirtd"; then
    local d
    for d in $(timeout 10 virsh -c "$(uri_of "$i")" list --name 2>/dev/null); do
      timeout 20 virsh -c "$(uri_of "$i")" destroy "$d" >/dev/null 2>&1
    done
  fi
  for f in "$H"/run/qemu/*.pid; do
    [ -f "$f" ] && stop_pid "$(cat "$f")" 5
  done
  step "h$i guests gone"
  stop_pid "$libvirtd" 15
  stop_pid "$virtlogd" 5
  if alive "$sanlock"; then
    SANLOCK_RUN_DIR="$H/sanlock" timeout 5 sanlock client shutdown -f 1 >/dev/null 2>&1
    wait_for "! alive $sanlock" 5 || stop_pid "$sanlock" 5
  fi
  step "h$i daemons stopped"
  # Anything else in the namespace was started through it (QEMU, helpers);
  # its cutfs are its storage, not its processes: they stay.
  for p in $(ns_members "$i"); do
    alive "$p" && ! cutfs_pids "$i" | grep -qx "$p" || continue
    log "h$i: leftover PID $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-80)"
    stop_pid "$p" 5
  done
  for r in libvirtd virtlogd sanlock; do forget "h$i" "$r"; done
  rm -f "$H"/run/*.pid "$H"/run/qemu/*.pid "$H"/sanlock/sanlock.pid
}

stop_host () {
  local i=$1 H="$DIR/h$1" holder m p f
  holder=$(pid_of "h$i" holder)
  stop_daemons "$i" clean
  if [ -f "$H/cutfs.files" ]; then
    while read -r f; do
      nsenter -t "$holder" -m umount "$f" || log "h$i: umount cutfs at $f failed"
    done < "$H/cutfs.files"
    for p in $(cutfs_pids "$i"); do stop_pid "$p" 5; done
    forget "h$i" cutfs
    rm -f "$H/cutfs.files"
  fi
  if alive "$holder"; then
    for m in /etc/hosts /etc/libvirt /var/log/libvirt /var/cache/libvirt /var/lib/libvirt /run/libvirt; do
      nsenter -t "$holder" -m umount "$m" || log "h$i: umount $m failed"
    done
  fi
  stop_pid "$holder" 5
  rm -rf "$H/run" "$H/sanlock" "$H/ctl"
  step "h$i done"
}

cmd_stop () {
  [ -f "$DIR/pids" ] || die "no $DIR/pids"
  local h r p left=0
  for h in $(awk '{print $1}' "$DIR/pids" | sort -u); do
    stop_host "${h#h}"
  done
  while read -r h r p; do
    if alive "$p"; then log "still alive: $h $r $p"; left=1; fi
  done < "$DIR/pids"
  mv "$DIR/pids" "$DIR/pids.stopped"
  [ "$left" = 0 ] || die "some processes are still alive"
  echo "stopped"
}

[ $# -ge 2 ] || die "usage: $0 start DIR N | add DIR I | restart-libvirtd DIR I | stop DIR | off DIR I | on DIR I | uri DIR I | run DIR I CMD | cutfs DIR I FILE | cut DIR I | mend DIR I"
CMD=$1
mkdir -p "$2" || die "cannot create $2"
# The sanlock daemon runs as user sanlock: it must reach DIR (mktemp -d
# makes it 0700).
chmod a+rx "$2" || die "cannot open $2 to the sanlock user"
DIR=$(cd "$2" && pwd)
case "$CMD" in
  start) [ $# -eq 3 ] || die "usage: $0 start DIR N"; cmd_start "$3" ;;
  add)   [ $# -eq 3 ] || die "usage: $0 add DIR I"; build_tools; cmd_add "$3" ;;
  restart-libvirtd)
         [ $# -eq 3 ] || die "usage: $0 restart-libvirtd DIR I"
         cmd_restart_libvirtd "$3" ;;
  stop)  cmd_stop ;;
  off)   [ $# -eq 3 ] || die "usage: $0 off DIR I"; stop_daemons "$3" hard; echo "h$3 off" ;;
  on)    [ $# -eq 3 ] || die "usage: $0 on DIR I"
         alive "$(pid_of "h$3" holder)" || die "h$3: no holder"
         alive "$(pid_of "h$3" libvirtd)" && die "h$3 is on"
         start_daemons "$3"; wait_libvirtd "$3"; echo "h$3 on" ;;
  uri)   uri_of "$3" ;;
  run)   [ $# -eq 4 ] || die "usage: $0 run DIR I CMD"; hrun "$3" "$4" ;;
  cutfs) [ $# -eq 4 ] || die "usage: $0 cutfs DIR I FILE"; build_tools; cmd_cutfs "$3" "$4" ;;
  cut)   [ $# -eq 3 ] || die "usage: $0 cut DIR I"; cmd_cut "$3" USR1 ;;
  mend)  [ $# -eq 3 ] || die "usage: $0 mend DIR I"; cmd_cut "$3" USR2 ;;
  *)     die "unknown command $CMD" ;;
esac
