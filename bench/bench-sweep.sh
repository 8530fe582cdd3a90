#!/bin/bash
# bench-sweep.sh: herd bench's throughput on issue 8's sweep: the
# 100-host, 2,000-VM, 7-day scenarios/sweep.ini x 5 policies x 10 seeds
# (50 runs) with --jobs J (default 2).  Prints the wall time and runs per
# minute.  Usage: bench-sweep.sh HERD [JOBS]
set -eu
herd=${1:?usage: bench-sweep.sh HERD [JOBS]}
jobs=${2:-2}
dir=$(cd "$(dirname "$0")/.." && pwd)
db=$(mktemp -d)/sweep.db
start=$(date +%s.%N)
"$herd" bench "$dir/scenarios/sweep.ini" \
  --policies none,evenly_distributed,power_saving,vm_evenly_distributed,cluster_maintenance \
  --seeds 1..10 --jobs "$jobs" --db "$db" --quiet > /dev/null
end=$(date +%s.%N)
runs=$(sqlite3 "$db" 'select count(*) from bench_runs')
size=$(du -m "$db" | cut -f1)
awk -v r="$runs" -v a="$start" -v b="$end" -v j="$jobs" -v s="$size" 'BEGIN {
  printf "%d runs with --jobs %d in %.1f s: %.1f runs a minute (database %d MiB)\n",
         r, j, b - a, r * 60 / (b - a), s }'
rm -rf "$(dirname "$db")"
