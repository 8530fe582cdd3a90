#!/bin/bash
# bench-plan.sh: herd plan against Ganeti's hspace on the same question,
# side by side: how many VMs of 100G disk, 8G memory and 4 vCPUs fit an
# empty cluster of NODES nodes (2T disk, 256G, 64 CPUs) with N+1 kept.
# Prints both counts, both times and their ratio; then herd alone on
# 10,000 hosts.  Usage: bench-plan.sh HERD [NODES...] (default 40).
set -eu
herd=${1:?usage: bench-plan.sh HERD [NODES...]}
shift
nodes=("${@:-40}")
spec=102400,8192,4
now () { date +%s.%N; }
command -v hspace >/dev/null || { echo "hspace not installed (apt install ganeti-htools)"; exit 1; }
printf '%6s %10s %10s %12s %12s %10s\n' nodes herd hspace "herd s" "hspace s" ratio
for n in "${nodes[@]}"; do
  sim=p,$n,2097152,262144,64
  t0=$(now)
  h=$("$herd" plan --simulate "$sim" --standard-alloc "$spec" --machine-readable |
      sed -n 's/^HERD_ALLOC_COUNT=//p')
  t1=$(now)
  g=$(hspace --simulate="$sim" --disk-template=plain --standard-alloc="$spec" \
      --machine-readable | sed -n 's/^HTS_ALLOC_INSTANCES=//p')
  t2=$(now)
  awk -v n="$n" -v h="$h" -v g="$g" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
    printf "%6d %10d %10d %12.4f %12.2f %9.0fx%s\n", n, h, g, b - a, c - b,
           (c - b) / (b - a), (h == g ? "" : "  COUNTS DIFFER") }'
done
t0=$(now)
h=$("$herd" plan --simulate p,10000,2097152,262144,64 --standard-alloc "$spec" \
    --machine-readable | sed -n 's/^HERD_ALLOC_COUNT=//p')
t1=$(now)
awk -v h="$h" -v a="$t0" -v b="$t1" 'BEGIN {
  printf "herd alone, 10000 hosts: %d VMs in %.3f s\n", h, b - a }'
