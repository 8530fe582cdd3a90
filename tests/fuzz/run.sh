#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [BUILD_DIR]: runs each libFuzzer harness of
# tests/fuzz for SECONDS with its seeds (the shipped files, gathered here)
# and fails when any of them finds a crash, a leak, undefined behaviour or
# a timeout.  BUILD_DIR (default build-fuzz) was configured with
#   CC=clang cmake -S . -B build-fuzz -DHERD_FUZZ=ON
# and built with --target fuzz.  Everything is written under one work
# directory in /tmp: HERD_FUZZ_WORK keeps it between runs (the corpora grow
# there), otherwise a new one is made and removed at the end unless
# something was found.  HERD_FUZZ_ONLY="ctl ganeti" runs only those; extra
# libFuzzer flags go in HERD_FUZZ_FLAGS (e.g. "-jobs=4 -workers=4").
# docs/fuzzing.md says more.
set -euo pipefail

seconds=${1:?usage: tests/fuzz/run.sh SECONDS [BUILD_DIR]}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${2:-$src/build-fuzz}" && pwd)
names=${HERD_FUZZ_ONLY:-scenario ganeti trace-bitbrains trace-azure trace-samples ctl import-csv import-ovirt}

if [ -n "${HERD_FUZZ_WORK:-}" ]; then
  work=$HERD_FUZZ_WORK
  keep=1
else
  work=$(mktemp -d /tmp/herd-fuzz.XXXXXX)
  keep=0
fi
mkdir -p "$work"

# seeds NAME DIR: fills DIR with NAME's seeds from the source tree.
seeds() {
  local name=$1 dir=$2 f i
  rm -rf "$dir"
  mkdir -p "$dir"
  case $name in
    scenario)
      cp "$src"/scenarios/*.ini "$src"/tests/golden/*.ini "$dir"/ ;;
    ganeti)
      for f in "$src"/tests/plan/*.txt; do
        cp "$f" "$dir/$(basename "$f")"
      done ;;
    trace-bitbrains)
      # Each file's first rows, and two files in one input.
      i=0
      for f in "$src"/scenarios/traces/bitbrains/*.csv; do
        i=$((i + 1))
        head -n 12 "$f" > "$dir/$i.csv"
      done
      { head -n 8 "$src/scenarios/traces/bitbrains/1.csv"; printf '\f'
        head -n 8 "$src/scenarios/traces/bitbrains/2.csv"; } > "$dir/two"
      ;;
    trace-azure)
      # vmtable.csv, a form feed, then the first readings (in one file or
      # two).
      local az=$src/scenarios/traces/azure
      { cat "$az/vmtable.csv"; printf '\f'
        head -n 64 "$az"/vm_cpu_readings-*.csv; } > "$dir/head"
      { cat "$az/vmtable.csv"; printf '\f'
        head -n 8 "$az"/vm_cpu_readings-*.csv; printf '\f'
        sed -n 9,16p "$az"/vm_cpu_readings-*.csv; } > "$dir/two"
      ;;
    trace-samples)
      # The warehouse export, and a history file as herd import writes
      # it (both columns, an idle row, an empty memory reading).
      cp "$src"/tests/import/ovirt-dwh/*.csv "$dir"/
      printf 'time,vm,cpu_usage_percent,memory_usage_percent\n1000,v,0.000,0.000\n1060,v,20.500,35.000\n1120,v,100.000,\n1180,w,3.000,99.900\n' > "$dir/history.csv"
      ;;
    import-csv)
      cp "$src"/tests/import/*.csv "$dir"/
      printf 'kind,name,cluster,cores,memory,vcpus,host\nhost,h,c,4,8G,,\nvm,v,c,,2G,2,h\n' > "$dir/small.csv" ;;
    import-ovirt)
      # The fixtures' seven collections joined by form feeds, as JSON and
      # as XML, and the four required ones alone.
      local fx=$src/tests/import/ovirt-estate f ext
      for ext in json xml; do
        for f in datacenters clusters hosts vms disks storagedomains; do
          cat "$fx/$ext/$f.$ext"; printf '\f'
        done > "$dir/estate-$ext"
        cat "$fx/$ext/networks.$ext" >> "$dir/estate-$ext"
        for f in datacenters clusters hosts; do
          cat "$fx/$ext/$f.$ext"; printf '\f'
        done > "$dir/required-$ext"
        cat "$fx/$ext/vms.$ext" >> "$dir/required-$ext"
      done ;;
    ctl)
      i=0
      while IFS= read -r line; do
        i=$((i + 1))
        printf '%s' "$line" > "$dir/$i"
      done < "$src/tests/fuzz/ctl-requests.txt" ;;
  esac
}

# dict NAME FILE: a libFuzzer dictionary of the words NAME's parser knows
# (the short string literals of its sources), or nothing.
dict() {
  local name=$1 out=$2 sources
  case $name in
    scenario)
      sources="conf/scenario*.c conf/workload-spec.c core/params.c core/units.c" ;;
    ctl) sources="service/ctl.c" ;;
    import-csv) sources="conf/import-csv.c" ;;
    trace-samples) sources="conf/trace.c" ;;
    import-ovirt) sources="conf/import-ovirt.c" ;;
    *) return 1 ;;
  esac
  (cd "$src" && grep -oh '"[a-z_][a-z0-9_:-]\{1,23\}"' $sources) | sort -u > "$out"
  case $name in
    scenario) printf '"[%s "\n' scenario datacenter cluster hosts storage \
                template network vms affinity growth action fault faults \
                manager defaults >> "$out" ;;
  esac
}

failed=""
for name in $names; do
  bin=$build/tests/fuzz/fuzz-$name
  if [ ! -x "$bin" ]; then
    echo "run.sh: no $bin (cmake --build $build --target fuzz)" >&2
    exit 2
  fi
  seeds "$name" "$work/seeds/$name"
  mkdir -p "$work/corpus/$name" "$work/crashes"
  dict_flag=""
  if dict "$name" "$work/seeds/$name.dict"; then
    dict_flag="-dict=$work/seeds/$name.dict"
  fi
  case $name in
    trace-*) max_len=16384 ;;   # small files find what large ones do
    ctl) max_len=70000 ;;       # past the 64 KiB request limit
    import-ovirt) max_len=400000 ;; # the fixture estate whole (300 KB)
    *) max_len=65536 ;;
  esac
  echo "== fuzz-$name: ${seconds}s"
  # shellcheck disable=SC2086
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
          "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
            -max_len=$max_len -print_final_stats=1 \
            -artifact_prefix="$work/crashes/$name-" $dict_flag \
            ${HERD_FUZZ_FLAGS:-} "$work/corpus/$name" "$work/seeds/$name" \
            > "$work/$name.log" 2>&1); then
    failed="$failed $name"
    grep -E "ERROR|runtime error|Test unit written|SUMMARY" \
      "$work/$name.log" | head -n 20 >&2 || true
  fi
  grep -E "^(#[0-9]+.*DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss))" \
    "$work/$name.log" || tail -n 3 "$work/$name.log"
done

if [ -n "$failed" ]; then
  echo "run.sh: found something in:$failed; logs and inputs in $work" >&2
  echo "  reproduce: $build/tests/fuzz/fuzz-NAME $work/crashes/NAME-..." >&2
  exit 1
fi
[ "$keep" = 1 ] || rm -rf "$work"
echo "run.sh: no crash in $names"
