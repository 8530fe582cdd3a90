#!/bin/sh
# make-traces.sh: writes the small synthetic CPU traces of
# scenarios/traces/ in the Bitbrains GWA-T-12 and Azure 2019 formats (no
# downloaded data).  Each of 4 VMs follows a daily curve (busy from 8h to
# 18h, a different peak per VM) plus noise, one reading every 5 minutes
# for a day.  The noise comes from a Park-Miller generator written out in
# awk (exact in double arithmetic), so any awk writes the same files.
# Usage: scripts/make-traces.sh [OUTDIR] (default scenarios/traces)
set -eu
out=${1:-scenarios/traces}
mkdir -p "$out/bitbrains" "$out/azure"
awk -v out="$out" '
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
function busy(vm, t,   h, base, peak) {
  h = (t % 86400) / 3600
  base = 5 + 3 * vm; peak = 35 + 15 * vm
  v = (h >= 8 && h < 18) ? peak : base
  v += (rnd() - 0.5) * 10
  return v < 0 ? 0 : (v > 100 ? 100 : v)
}
BEGIN {
  seed = 20261122
  start = 1376314846
  header = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]"
  vmtable = out "/azure/vmtable.csv"
  readings = out "/azure/vm_cpu_readings-file-1-of-1.csv"
  printf "" > vmtable
  printf "" > readings
  for (vm = 0; vm < 4; vm++) {
    id = sprintf("synthetic-vm-%d", vm + 1)
    printf "%s,synthetic-sub,synthetic-dep,0,86400,100,%d,90,%s,%d,%d\n", id, 20 + 10 * vm, vm % 2 ? "Interactive" : "Delay-insensitive", 2 + 2 * vm, 4 * (vm + 1) >> vmtable
  }
  for (vm = 0; vm < 4; vm++) {
    file = sprintf("%s/bitbrains/%d.csv", out, vm + 1)
    print header > file
    cores = 2 + 2 * vm
    for (t = 0; t < 86400; t += 300) {
      pct = busy(vm, t)
      printf "%d;\t%d;\t%.3f;\t%.3f;\t%.6f;\t%d;\t%d;\t%.3f;\t%.3f;\t%.3f;\t%.3f\n", start + t, cores, cores * 2926, cores * 2926 * pct / 100, pct, 4194304 * (vm + 1), 2097152 * (vm + 1) * (0.5 + pct / 200), 12 * rnd(), 40 * rnd(), 8 * rnd(), 6 * rnd() > file
    }
    close(file)
  }
  for (t = 0; t < 86400; t += 300)
    for (vm = 0; vm < 4; vm++) {
      avg = busy(vm, t)
      printf "%d,synthetic-vm-%d,%.3f,%.3f,%.3f\n", t, vm + 1, avg * 0.6, (avg * 1.4 > 100 ? 100 : avg * 1.4), avg >> readings
    }
}'
echo "make-traces.sh: wrote $out/bitbrains/1..4.csv and $out/azure/{vmtable,vm_cpu_readings-file-1-of-1}.csv"
