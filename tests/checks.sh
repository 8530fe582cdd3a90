# checks.sh: the checks of the shell tests that run herd end to end
# (test-run-access.sh, test-run-changes.sh), sourced by them.
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
