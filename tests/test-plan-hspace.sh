#!/bin/bash
# test-plan-hspace.sh: herd plan gives hspace's answers (Ganeti htools,
# --disk-template=plain) on the clusters of tests/plan/cases.txt, or the
# difference written there.  Needs hspace (Debian ganeti-htools, which
# .ci/run installs); exits 77 (skipped) without it.
# Usage: test-plan-hspace.sh HERD SOURCE_DIR
set -u
herd=$1
dir=$2/tests/plan
if ! command -v hspace >/dev/null; then
  echo "hspace not installed (apt install ganeti-htools): skipped"
  exit 77
fi
pass=0 fail=0
# herd's and hspace's answer: a count, or tiers as disk,mem,cpu=n_...
answer () {
  local tool=$1 source=$2 mode=$3 spec=$4 args
  if [[ $source == sim:* ]]; then args=(--simulate "${source#sim:}")
  else args=(-t "$dir/$source"); fi
  if [ "$tool" = herd ]; then
    out=$("$herd" plan "${args[@]}" --$mode-alloc "$spec" --machine-readable)
    if [ "$mode" = standard ]; then
      sed -n 's/^HERD_ALLOC_COUNT=//p' <<<"$out"
    else
      sed -n "s/^HERD_TSPEC='\(.*\)'/\1/p" <<<"$out" | tr ' ' _
    fi
  else
    # Both allocations with the case's size: left out, hspace would run
    # the other with its policy's sizes, which takes long.
    out=$(hspace "${args[@]}" --disk-template=plain --standard-alloc="$spec" \
          --tiered-alloc="$spec" --machine-readable 2>/dev/null)
    if [ "$mode" = standard ]; then
      sed -n 's/^HTS_ALLOC_INSTANCES=//p' <<<"$out"
    else
      # hspace writes mem,disk,cpu,spindles=n; herd disk,mem,cpu=n.
      sed -n "s/^HTS_TSPEC='\(.*\)'/\1/p" <<<"$out" | tr ' ' '\n' |
        sed 's/^\([0-9]*\),\([0-9]*\),\([0-9]*\),[0-9]*=/\2,\1,\3=/' |
        paste -sd _
    fi
  fi
}
while read -r source mode spec differs want_herd want_hspace why; do
  [[ -z $source || $source == \#* ]] && continue
  got_herd=$(answer herd "$source" "$mode" "$spec")
  got_hspace=$(answer hspace "$source" "$mode" "$spec")
  if [ -z "$differs" ]; then want_herd=$got_hspace; want_hspace=$got_hspace; fi
  if [ -n "$got_herd" ] && [ "$got_herd" = "$want_herd" ] &&
     [ "$got_hspace" = "$want_hspace" ]; then
    pass=$((pass + 1))
    echo "ok: $source $mode $spec: herd $got_herd, hspace $got_hspace${why:+ ($why)}"
  else
    fail=$((fail + 1))
    echo "FAIL: $source $mode $spec: herd $got_herd (want $want_herd), hspace $got_hspace (want $want_hspace)"
  fi
done < "$dir/cases.txt"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
