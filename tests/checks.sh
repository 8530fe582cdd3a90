# checks.sh: what the shell tests that run herd end to end share
# (test-run-access.sh, test-run-changes.sh, test-run-monitor.sh), sourced
# by them: checks, and a directory of their own with herd run stopped.
#
#   check NAME COMMAND...   COMMAND must succeed: "ok   NAME" or "FAIL NAME"
#   contains FILE TEXT      FILE holds TEXT (a fixed string)
#   checks_done TEST        prints how many checks ran and failed; its exit
#                           status is 0 when none failed
checks=0
failures=0

check () {
  name=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    failures=$((failures + 1))
  fi
}

contains () { grep -qF -- "$2" "$1"; }

checks_done () {
  echo "$1: $checks checks, $failures failed"
  [ "$failures" -eq 0 ]
}

# For the tests that run one herd run at a time in a directory of their
# own: DIR made, PID (herd run's, set by the test) stopped at exit, then
# DIR removed (kept, and said so, with KEEP=1).
#   herd_test_dir TEST
#   test_node FILE     a libvirt test-driver node of 8 cores and 16 GiB,
#                      whose NIC eth0 is up
herd_test_dir () {
  HERD_TEST=$1
  DIR=$(mktemp -d "/tmp/herd-$1.XXXXXX")
  PID=
  trap herd_test_cleanup EXIT
  trap 'exit 1' INT TERM
}

herd_test_cleanup () {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null
    sleep 1
    kill -9 "$PID" 2>/dev/null
  fi
  if [ -n "${KEEP:-}" ]; then
    echo "$HERD_TEST: kept $DIR"
  else
    rm -rf "$DIR"
  fi
}

test_node () {
  printf '<node><cpu><mhz>2600</mhz><model>x86_64</model><nodes>1</nodes>'\
'<sockets>1</sockets><cores>8</cores><threads>1</threads><active>8</active>'\
'<max>8</max></cpu><memory>16777216</memory>'\
'<interface type="ethernet" name="eth0"><mac address="52:54:00:00:00:01"/>'\
'</interface></node>\n' >"$1"
}
