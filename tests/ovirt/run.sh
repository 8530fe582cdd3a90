#!/bin/sh
# run.sh: oVirt's own scheduler unit tests, ported as herd scenarios.
#
# Each tests/ovirt/*.ini is one test method of oVirt's engine
# (backend/manager/modules/bll/src/test/java/org/ovirt/engine/core/bll/
# scheduling/), its fixture written as a scenario, with oVirt's expected
# answer in comment lines the scenario loader ignores:
#
#   ; oVirt: CLASS.METHOD              the test it ports (required)
#   ; expect: REGEX                    some line of the trace matches
#   ; expect-not: REGEX                no line of the trace matches
#   ; explain: VM                      run with --explain VM, and then
#   ; expect-explain: REGEX            some line of that output matches
#
# REGEX is an extended regular expression (grep -E).  A case passes when
# `herd sim` succeeds and every expectation holds; a case without any
# expectation is an error.  Usage: run.sh HERD DIR
set -u
herd=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

fail() {
  failed=$((failed + 1))
  echo "FAIL: $case: $*"
}

for ini in "$dir"/*.ini; do
  case=$(basename "$ini" .ini)
  if ! grep -q '^; oVirt: ' "$ini"; then
    fail "no '; oVirt:' line naming the ported test"
    continue
  fi
  if ! grep -q '^; expect' "$ini"; then
    fail "no expectation"
    continue
  fi
  if ! "$herd" sim "$ini" --trace "$tmp/trace" >"$tmp/out" 2>"$tmp/err"; then
    fail "herd sim failed: $(cat "$tmp/err")"
    continue
  fi
  ok=1
  vm=$(sed -n 's/^; explain: *//p' "$ini" | head -n 1)
  if [ -n "$vm" ]; then
    "$herd" sim "$ini" --explain "$vm" >"$tmp/explain" 2>"$tmp/err" \
      || { fail "herd sim --explain failed: $(cat "$tmp/err")"; continue; }
  fi
  while IFS= read -r line; do
    kind=${line%%:*}
    re=$(printf '%s' "${line#*: }")
    case $kind in
      "; expect")
        grep -Eq -- "$re" "$tmp/trace" || { ok=0; fail "no trace line matches: $re"; } ;;
      "; expect-not")
        ! grep -Eq -- "$re" "$tmp/trace" || { ok=0; fail "a trace line matches: $re: $(grep -E -- "$re" "$tmp/trace" | head -n 1)"; } ;;
      "; expect-explain")
        [ -n "$vm" ] || { ok=0; fail "expect-explain without '; explain: VM'"; continue; }
        grep -Eq -- "$re" "$tmp/explain" || { ok=0; fail "no --explain line matches: $re"; } ;;
    esac
  done <<LINES
$(grep -E '^; expect(-not|-explain)?: ' "$ini")
LINES
  [ $ok -eq 1 ] && passed=$((passed + 1))
done
echo "oVirt cases: $passed passed, $failed failed"
[ $failed -eq 0 ]
