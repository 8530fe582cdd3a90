#!/bin/sh
# test-cli.sh: the `herd` command end to end: exit statuses (0 ok, 2 bad
# usage or input), the precise message for a bad scenario, --json, --db,
# and the determinism contract through the binary (same seed: identical
# trace files; another seed: a different one); herd run's configuration
# errors and herd ctl's usage, neither needing a host.
# Usage: test-cli.sh HERD SOURCE_DIR
set -u
herd=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() { # check NAME COMMAND...: the command must succeed
  name=$1; shift
  if "$@" >"$tmp/out" 2>"$tmp/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL: $name"; cat "$tmp/out" "$tmp/err"
  fi
}
status_is() { # status_is WANT COMMAND...
  want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  [ $? -eq "$want" ]
}
status_says() { # status_says WANT TEXT COMMAND...: exit status WANT, TEXT on stderr
  want=$1; text=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  [ $? -eq "$want" ] && grep -qF -- "$text" "$tmp/err"
}

cd "$src" || exit 1
check "sim small exits 0 with a summary" \
  sh -c "'$herd' sim scenarios/small.ini --quiet | grep -q 'VMs placed  *20'"
check "sim --json prints the summary object" \
  sh -c "'$herd' sim scenarios/small.ini --json | grep -q '\"vms_placed\" : 20'"
check "same seed, identical trace files" sh -c "
  '$herd' sim scenarios/small.ini --seed 7 --trace '$tmp/a' --quiet >/dev/null &&
  '$herd' sim scenarios/small.ini --seed 7 --trace '$tmp/b' --quiet >/dev/null &&
  cmp '$tmp/a' '$tmp/b' && test -s '$tmp/a'"
check "another seed, another trace" sh -c "
  '$herd' sim scenarios/small.ini --seed 8 --trace '$tmp/c' --quiet >/dev/null &&
  ! cmp -s '$tmp/a' '$tmp/c'"
check "--db writes a run" sh -c "
  '$herd' sim scenarios/small.ini --until 1h --db '$tmp/r.db' --quiet >/dev/null &&
  '$herd' sim scenarios/small.ini --until 1h --seed 43 --db '$tmp/r.db' --quiet | grep -q 'results run id  *2'"
check "thin.ini: ENOSPC pauses during the SPM outage and the full domain" sh -c "
  '$herd' sim scenarios/thin.ini --json > '$tmp/thin.json' &&
  grep -q '\"enospc_pauses\" : 73' '$tmp/thin.json' &&
  grep -q '\"volume_extensions\" : 5307' '$tmp/thin.json' &&
  '$herd' sim scenarios/thin.ini --quiet | grep -q 'thin storage  *5307 extensions'"
check "vdi.ini: a backup snapshot's thin volume grows through the SPM, volume samples" sh -c "
  '$herd' sim scenarios/vdi.ini --db '$tmp/vdi.db' --quiet > '$tmp/vdi.out' &&
  grep -q 'USER_CREATE_SNAPSHOT_FINISHED_SUCCESS  *1' '$tmp/vdi.out' &&
  grep -q 'USER_REMOVE_SNAPSHOT_FINISHED_SUCCESS  *1' '$tmp/vdi.out' &&
  grep -q 'thin storage  *108 extensions' '$tmp/vdi.out' &&
  test \"\$(sqlite3 '$tmp/vdi.db' \"select count(*) from volume_samples where vm = 'db-1' and volume = 1 and active = 1\")\" = 30"
check "plan --simulate: 780 VMs of 100G/8G/4 on 40 nodes with N+1, as hspace" sh -c "
  '$herd' plan --simulate p,40,2097152,262144,64 --standard-alloc 102400,8192,4 --machine-readable > '$tmp/p.out' &&
  grep -qx 'HERD_ALLOC_COUNT=780' '$tmp/p.out' &&
  grep -qx \"HERD_FAIL_REASON='FailDisk'\" '$tmp/p.out' &&
  grep -qx 'HERD_ALLOC_FAILN1_CNT=20' '$tmp/p.out' && grep -qx 'HERD_OK=1' '$tmp/p.out'"
check "plan --no-n1 keeps nothing back (800)" sh -c "
  '$herd' plan --simulate p,40,2097152,262144,64 --standard-alloc 102400,8192,4 --no-n1 --machine-readable |
  grep -qx 'HERD_ALLOC_COUNT=800'"
check "plan: growth.ini runs out of N+1 on day 41, of hosts on day 51, of log storage on day 104" sh -c "
  '$herd' plan scenarios/growth.ini --machine-readable --start 2026-11-22 > '$tmp/g.out' &&
  grep -qx 'HERD_N1_BREAK_DAY=41' '$tmp/g.out' &&
  grep -qx \"HERD_N1_BREAK_DAY_DATE='2027-01-01'\" '$tmp/g.out' &&
  grep -qx 'HERD_FIRST_FAIL_DAY=51' '$tmp/g.out' &&
  grep -qx 'HERD_DOMAIN_1_FULL_DAY=104' '$tmp/g.out'"
check "plan: thin.ini's domain fills about 30 hours in (the thin disks' writes)" sh -c "
  '$herd' plan scenarios/thin.ini --machine-readable | grep -qx 'HERD_DOMAIN_0_FULL_HOURS=29'"
# VMs placed by host are committed there, and committed_memory is taken:
# h-1 holds 8G + two 8G VMs, so one of them finds no room elsewhere.
printf '%s\n' '[datacenter dc]' '[cluster c]' '[hosts h]' 'count = 2' \
  'cores = 8' 'memory = 32G' 'committed_memory = 8G' '[vms big]' \
  'count = 2' 'vcpus = 4' 'memory = 8G' 'host = h-1' '[vms small]' \
  'count = 4' 'vcpus = 1' 'memory = 2G' > "$tmp/placed.ini"
check "plan: VMs placed by host stay there; committed_memory is taken" sh -c "
  '$herd' plan '$tmp/placed.ini' |
  grep -q 'worst single failure: h-1, 1 VMs would not restart: big-2'"
check "plan --json is one object with the allocation" sh -c "
  '$herd' plan --simulate p,4,2097152,262144,64 --standard-alloc 102400,8192,4 --json |
  grep -q '\"alloc_count\" : 60'"
check "plan without a cluster exits 2" status_is 2 "$herd" plan
check "plan with two sources exits 2" status_is 2 "$herd" plan \
  scenarios/small.ini --simulate p,4,1024,1024,4
check "plan with a bad size exits 2" status_is 2 "$herd" plan \
  --simulate p,4,1024,1024,4 --standard-alloc 10G,1,1
check "plan with a bad --start exits 2" status_is 2 "$herd" plan \
  scenarios/growth.ini --start 2026-02-30
check "plan with a bad htools file exits 2" status_is 2 "$herd" plan \
  --ganeti scenarios/small.ini
# Inputs that crashed or overflowed (issue 14): each a clear error, exit 2.
printf 'a|1|preferred||\na|2|preferred||\n\nn1|1024|0|1024|1024|1024|4|N|1\n\n' > "$tmp/dup-group.txt"
printf 'g|1|preferred||\n\nn1|1024|0|1024|1024|1024|4294967296|N|1\n\n' > "$tmp/cpus.txt"
printf 'g|1|preferred||\n\nn1|2305843009213693951|0|1024|1024|1024|4|N|1\n\n' > "$tmp/mem.txt"
printf 'g|1|preferred||\n\nn1|1024|0|1024|1024|1024|4|N|1\n\ni1|9223372036854775807|1|1|running|Y|n1||plain\n' > "$tmp/inst-mem.txt"
check "plan: two node groups of one name exit 2, naming file, line, field" \
  status_says 2 "$tmp/dup-group.txt:2: field 1 (name): node group a given twice" \
  "$herd" plan --ganeti "$tmp/dup-group.txt"
check "plan: cpus=2^32 exits 2 (it wrapped to 0 past the one-CPU check)" \
  status_says 2 "$tmp/cpus.txt:3: field 7 (cpus): expected a whole number between 0 and 65536, got \"4294967296\"" \
  "$herd" plan --ganeti "$tmp/cpus.txt"
check "plan: a node's huge mem_total exits 2" \
  status_says 2 "$tmp/mem.txt:3: field 2 (mem_total): expected a whole number between 0 and 1099511627776" \
  "$herd" plan --ganeti "$tmp/mem.txt"
check "plan: an instance's huge mem exits 2" \
  status_says 2 "$tmp/inst-mem.txt:5: field 2 (mem): expected a whole number between 0 and 1099511627776" \
  "$herd" plan --ganeti "$tmp/inst-mem.txt"
check "plan --simulate with 2^62 nodes exits 2, naming the field" \
  status_says 2 "--simulate: field 2 (NODES): expected a whole number between 1 and 100000, got \"4611686018427387904\"" \
  "$herd" plan --simulate p,4611686018427387904,1024,1024,4
check "plan --simulate with huge memory exits 2" \
  status_says 2 "--simulate: field 4 (MEM): expected a whole number between 1 and 1099511627776" \
  "$herd" plan --simulate p,4,1024,2305843009213693951,4
check "plan --tiered-alloc with a huge size exits 2" \
  status_says 2 "herd plan: --tiered-alloc: field 2 (MEM): expected a whole number between 1 and 2147483647, got \"9223372036854775808\"" \
  "$herd" plan --simulate p,4,1024,1024,4 --tiered-alloc 1,9223372036854775808,1
sed 's/^memory = 128G$/memory = 2000P/' tests/golden/err-bad-size-unit.ini |
  sed '/^swap = /d' > "$tmp/huge-host.ini"
check "plan: a scenario host of 2000P exits 2 (memory times overcommit overflowed)" \
  status_says 2 "$tmp/huge-host.ini:14: [hosts h] memory: expected a size of at most 1024P, got \"2000P\"" \
  "$herd" plan "$tmp/huge-host.ini"
mkdir -p "$tmp/bb"
printf '0;1;1;1;5;1;1;1;1;1;1\n4611686018.427388;1;1;1;5;1;1;1;1;1;1\n' > "$tmp/bb/1.csv"
sed "s|^cpu = trace:bitbrains:.*|cpu = trace:bitbrains:$tmp/bb|" scenarios/traces-bitbrains.ini > "$tmp/bb.ini"
check "check: a Bitbrains timestamp past 2096 exits 2, naming file, line, field" \
  status_says 2 "$tmp/bb/1.csv:2: field 1 (timestamp): expected seconds between 0 and 4000000000, got \"4611686018.427388\"" \
  "$herd" check "$tmp/bb.ini"
check "sim: the same exits 2 (it died of SIGFPE)" \
  status_says 2 "field 1 (timestamp)" "$herd" sim "$tmp/bb.ini" --quiet
mkdir -p "$tmp/az"
cp scenarios/traces/azure/vmtable.csv "$tmp/az/"
printf -- '-1e300,synthetic-vm-1,1,2,3\n' > "$tmp/az/vm_cpu_readings-1.csv"
sed "s|^cpu = trace:azure:.*|cpu = trace:azure:$tmp/az|" scenarios/traces-azure.ini > "$tmp/az.ini"
check "sim: an Azure timestamp of -1e300 exits 2" \
  status_says 2 "$tmp/az/vm_cpu_readings-1.csv:1: field 1 (timestamp): expected seconds between 0 and 4000000000, got \"-1e300\"" \
  "$herd" sim "$tmp/az.ini" --quiet
check "bench: 2 policies x 3 seeds in 2 processes, every run in the database" sh -c "
  '$herd' bench scenarios/small.ini --policies none,power_saving --seeds 1..3 --jobs 2 --db '$tmp/b.db' --json --csv '$tmp/b.csv' --quiet > '$tmp/b.json' &&
  test \"\$(sqlite3 '$tmp/b.db' 'select count(*) from bench_runs')\" = 6 &&
  test \"\$(sqlite3 '$tmp/b.db' 'select count(distinct run_id) from host_samples')\" = 6 &&
  grep -q '\"label\" : \"policy=power_saving\"' '$tmp/b.json' &&
  grep -q '^\"policy=none\",energy_kwh,3,' '$tmp/b.csv'"
check "bench again: finished runs are not redone" sh -c "
  '$herd' bench scenarios/small.ini --policies none,power_saving --seeds 1..3 --jobs 2 --db '$tmp/b.db' --quiet > /dev/null &&
  test \"\$(sqlite3 '$tmp/b.db' 'select count(*) from runs')\" = 6"
check "bench interrupted and resumed gives the runs an uninterrupted sweep gives" sh -c "
  sweep () { '$herd' bench scenarios/medium.ini --set scenario.duration=2d --policies none,power_saving --seeds 1..3 --jobs 1 --db \"\$1\" --quiet > /dev/null; }
  sweep '$tmp/whole.db' &&
  ('$herd' bench scenarios/medium.ini --set scenario.duration=2d --policies none,power_saving --seeds 1..3 --jobs 1 --db '$tmp/cut.db' --quiet > /dev/null & pid=\$!;
   until [ \"\$(sqlite3 '$tmp/cut.db' 'select count(*) from bench_runs' 2>/dev/null)\" -ge 2 ] 2>/dev/null; do sleep 0.02; done;
   kill -TERM \$pid; wait \$pid; true) &&
  test \"\$(sqlite3 '$tmp/cut.db' 'select count(*) from bench_runs')\" -lt 6 &&
  sweep '$tmp/cut.db' &&
  q='select b.config_id, b.seed, b.run_id, s.metric, s.value from bench_runs b join summary s using (run_id) where s.metric not in (\"wall_seconds\") order by 1, 2, 4' &&
  test \"\$(sqlite3 '$tmp/whole.db' \"\$q\")\" = \"\$(sqlite3 '$tmp/cut.db' \"\$q\")\""
check "bench --emit-jobs, the jobs run apart and herd merge: the same comparison as one sweep" sh -c "
  '$herd' bench scenarios/small.ini --policies none,power_saving --seeds 1..2 --db '$tmp/ej.db' --emit-jobs > '$tmp/jobs.sh' &&
  test \$(wc -l < '$tmp/jobs.sh') = 4 && sh '$tmp/jobs.sh' &&
  '$herd' merge '$tmp/all.db' '$tmp'/ej.db-*.db | grep -q '4 runs from 4 databases' &&
  '$herd' bench scenarios/small.ini --policies none,power_saving --seeds 1..2 --db '$tmp/all.db' --csv '$tmp/all.csv' --quiet > /dev/null &&
  test \"\$(sqlite3 '$tmp/all.db' 'select count(*) from runs')\" = 4 &&
  '$herd' bench scenarios/small.ini --policies none,power_saving --seeds 1..2 --db '$tmp/one.db' --csv '$tmp/one.csv' --quiet > /dev/null &&
  cmp -s '$tmp/all.csv' '$tmp/one.csv'"
check "merge of a missing database exits 2" status_is 2 "$herd" merge \
  "$tmp/m.db" "$tmp/nope.db"
# Result provenance (issue 14, defect 6): a configuration is its label,
# its applied scenario text's SHA-256 and herd's version.
cp scenarios/small.ini "$tmp/pv.ini"
check "bench: the scenario changed between two sweeps into one db: refused, exit 2, saying what changed" sh -c "
  '$herd' bench '$tmp/pv.ini' --policies none,power_saving --seeds 1..2 --db '$tmp/pv.db' --quiet > /dev/null &&
  sed -i 's/^duration = .*/duration = 2d/' '$tmp/pv.ini' && grep -q '^duration = 2d' '$tmp/pv.ini' &&
  { '$herd' bench '$tmp/pv.ini' --policies none,power_saving --seeds 1..2 --db '$tmp/pv.db' --quiet > /dev/null 2> '$tmp/pv.err'; test \$? = 2; } &&
  grep -q 'from another scenario text: sha256' '$tmp/pv.err' && grep -q -- '--redo' '$tmp/pv.err' &&
  test \"\$(sqlite3 '$tmp/pv.db' 'select count(*) from runs')\" = 4"
check "bench --redo: the stale runs redone, the same numbers as a fresh database" sh -c "
  '$herd' bench '$tmp/pv.ini' --policies none,power_saving --seeds 1..2 --db '$tmp/pv.db' --redo --csv '$tmp/pv-redo.csv' --quiet > /dev/null &&
  '$herd' bench '$tmp/pv.ini' --policies none,power_saving --seeds 1..2 --db '$tmp/pv-fresh.db' --csv '$tmp/pv-fresh.csv' --quiet > /dev/null &&
  cmp '$tmp/pv-redo.csv' '$tmp/pv-fresh.csv' &&
  test \"\$(sqlite3 '$tmp/pv.db' 'select count(*) from runs')\" = 4 &&
  test \"\$(sqlite3 '$tmp/pv.db' 'select count(distinct r.scenario_sha256) from runs r join bench_runs using (run_id)')\" = 2 &&
  '$herd' bench '$tmp/pv.ini' --policies none,power_saving --seeds 1..2 --db '$tmp/pv.db' --quiet > /dev/null"
check "bench: runs of another herd version are refused" sh -c "
  sqlite3 '$tmp/pv.db' \"update runs set herd_version = '0.0.1' where run_id = (select min(run_id) from runs)\" &&
  { '$herd' bench '$tmp/pv.ini' --policies none,power_saving --seeds 1..2 --db '$tmp/pv.db' --quiet > /dev/null 2> '$tmp/pv.err'; test \$? = 2; } &&
  grep -q 'by herd 0.0.1' '$tmp/pv.err'"
check "bench: no work directory left; one not made by herd is refused and kept" sh -c "
  test ! -e '$tmp/pv.db.work' && test ! -e '$tmp/pv-fresh.db.work' &&
  mkdir '$tmp/mine.db.work' && touch '$tmp/mine.db.work/keep' &&
  { '$herd' bench scenarios/small.ini --seeds 1..1 --db '$tmp/mine.db' --quiet > /dev/null 2> '$tmp/w.err'; test \$? = 2; } &&
  grep -q 'not a herd bench work directory' '$tmp/w.err' && test -e '$tmp/mine.db.work/keep'"
check "bench killed with -9: its work files stay beside the db and the next sweep removes them" sh -c "
  '$herd' bench scenarios/medium.ini --seeds 1..2 --jobs 1 --db '$tmp/k9.db' --quiet > /dev/null 2>&1 & pid=\$!;
  n=0; until ls '$tmp/k9.db.work'/run-* > /dev/null 2>&1 || [ \$n -ge 400 ]; do sleep 0.05; n=\$((n + 1)); done;
  kill -9 \$pid; wait \$pid; sleep 0.5;
  test -e '$tmp/k9.db.work/herd-bench-work' &&
  '$herd' bench scenarios/small.ini --seeds 1..1 --db '$tmp/k9.db' --quiet > /dev/null 2> '$tmp/k9.err' &&
  grep -q 'removed [0-9]* files an interrupted sweep left' '$tmp/k9.err' &&
  test ! -e '$tmp/k9.db.work'"
check "sim --db: the same scenario and seed again is refused (exit 2), --redo replaces it" sh -c "
  '$herd' sim scenarios/small.ini --until 1h --db '$tmp/rr.db' --quiet > /dev/null &&
  { '$herd' sim scenarios/small.ini --until 1h --db '$tmp/rr.db' --quiet > /dev/null 2> '$tmp/rr.err'; test \$? = 2; } &&
  grep -q 'already holds run 1' '$tmp/rr.err' &&
  '$herd' sim scenarios/small.ini --until 1h --db '$tmp/rr.db' --redo --quiet > /dev/null &&
  test \"\$(sqlite3 '$tmp/rr.db' \"select count(*) from runs where status = 'done'\")\" = 1"
check "sim --db killed with -9: the run stays running; merge refuses the file by name; a rerun is refused" sh -c "
  '$herd' sim scenarios/medium.ini --db '$tmp/k.db' --quiet > /dev/null & pid=\$!;
  n=0; until [ \"\$(sqlite3 '$tmp/k.db' 'select count(*) from host_samples' 2>/dev/null)\" -gt 0 ] 2>/dev/null || [ \$n -ge 400 ]; do sleep 0.05; n=\$((n + 1)); done;
  kill -9 \$pid; wait \$pid;
  test \"\$(sqlite3 '$tmp/k.db' 'select status from runs')\" = running &&
  { '$herd' merge '$tmp/k-out.db' '$tmp/k.db' > /dev/null 2> '$tmp/k.err'; test \$? = 1; } &&
  grep -q \"$tmp/k.db: run 1 (medium, seed 7) is marked running\" '$tmp/k.err' &&
  test \"\$(sqlite3 '$tmp/k-out.db' 'select count(*) from runs')\" = 0 &&
  { '$herd' sim scenarios/medium.ini --db '$tmp/k.db' --quiet > /dev/null 2> '$tmp/k.err'; test \$? = 2; } &&
  grep -q 'status running: killed' '$tmp/k.err'"
check "merge: merging twice adds nothing and says so" sh -c "
  '$herd' merge '$tmp/twice.db' '$tmp/rr.db' | grep -q '^herd merge: 1 runs from 1 databases' &&
  '$herd' merge '$tmp/twice.db' '$tmp/rr.db' | grep -q '^herd merge: 0 runs from 1 databases into .* (1 left out'"
check "report: the comparison tables and SVG charts in one HTML file (small.ini has no host fault to chart)" sh -c "
  '$herd' report '$tmp/b.db' -o '$tmp/r.html' > /dev/null &&
  grep -q '<th>policy=power_saving</th>' '$tmp/r.html' &&
  grep -q 'Paired difference' '$tmp/r.html' &&
  test \$(grep -c '<svg' '$tmp/r.html') = 4 &&
  test \$(grep -c 'No data for this chart' '$tmp/r.html') = 1 &&
  ! grep -q 'No chart:' '$tmp/r.html'"
check "report without gnuplot: tables only, and a note saying why" sh -c "
  HERD_GNUPLOT=/nonexistent '$herd' report '$tmp/b.db' -o '$tmp/r2.html' > /dev/null &&
  grep -q '<th>policy=none</th>' '$tmp/r2.html' &&
  ! grep -q '<svg' '$tmp/r2.html' && grep -q 'No charts: HERD_GNUPLOT' '$tmp/r2.html'"
check "report of a database without bench runs exits 2" status_is 2 "$herd" \
  report "$tmp/f.db" -o "$tmp/r3.html"
check "bench without --seeds exits 2" status_is 2 "$herd" bench \
  scenarios/small.ini --db "$tmp/x.db"
check "bench with a --set naming no group exits 2" status_is 2 "$herd" bench \
  scenarios/small.ini --seeds 1..2 --db "$tmp/x.db" --set cluster.nope.policy=none
check "--explain shows the filter that removed each host" sh -c "
  '$herd' sim tests/golden/networks.ini --explain web-3 |
  grep -q '^  g-1 *Network' &&
  '$herd' sim tests/golden/networks.ini --explain web-3 | grep -q '^\* h-'"
check "--explain in --json" sh -c "
  '$herd' sim tests/golden/networks.ini --explain web-3 --json |
  grep -q '\"filter\" : \"Network\"'"
check "--explain of an unknown VM exits 2" status_is 2 "$herd" sim \
  scenarios/small.ini --explain nosuchvm
check "--decisions needs --db" status_is 2 "$herd" sim scenarios/small.ini \
  --decisions
check "--decisions records every decision" sh -c "
  '$herd' sim tests/golden/networks.ini --db '$tmp/d.db' --decisions --quiet >/dev/null &&
  test \"\$(sqlite3 '$tmp/d.db' 'select count(*) from decisions')\" = 8 &&
  test \"\$(sqlite3 '$tmp/d.db' \"select count(*) from decision_hosts where filter = 'Network'\")\" = 12"
check "--seeds sweeps seeds with invariants" sh -c "
  '$herd' sim scenarios/faults.ini --seeds 1..20 --check-invariants --quiet |
  grep -q '^20 runs (seeds 1..20), 0 invariant violations'"
check "--seeds with a bad range exits 2" status_is 2 "$herd" sim \
  scenarios/faults.ini --seeds 5..2
check "--seeds -1..-1 exits 2 (read as 2^64-1, the seed loop never ended)" \
  status_is 2 "$herd" sim scenarios/small.ini --seeds -1..-1 --until 1h
check "--seeds past 2^63-1 exits 2" status_is 2 "$herd" sim \
  scenarios/small.ini --seeds 1..99999999999999999999 --until 1h
check "--seeds does not go with --trace" status_is 2 "$herd" sim \
  scenarios/faults.ini --seeds 1..2 --trace "$tmp/x"
check "bad usage leaves no trace file behind" test ! -e "$tmp/x"
check "--db records failover timelines" sh -c "
  '$herd' sim scenarios/faults.ini --db '$tmp/f.db' --samples none --quiet >/dev/null &&
  test \"\$(sqlite3 '$tmp/f.db' 'select count(*) > 0 from failovers where fence_confirmed_ns is not null')\" = 1"
check "bad scenario exits 2" status_is 2 "$herd" sim tests/golden/err-bad-size-unit.ini
check "bad scenario message names file, line, group, key" \
  sh -c "'$herd' check tests/golden/err-bad-size-unit.ini 2>&1 >/dev/null |
         cmp -s - tests/golden/err-bad-size-unit.err"
check "check accepts every shipped scenario" "$herd" check scenarios/small.ini \
  scenarios/medium.ini scenarios/large.ini scenarios/memory-overcommit.ini
check "unknown option exits 2" status_is 2 "$herd" sim --no-such-option x.ini
check "bad --until exits 2" status_is 2 "$herd" sim scenarios/small.ini --until 5x
check "missing file exits 2" status_is 2 "$herd" sim "$tmp/none.ini"
check "unknown command exits 2" status_is 2 "$herd" frobnicate
check "--help exits 0" "$herd" sim --help
check "params lists every parameter, and docs/parameters.md is its output" sh -c "
  '$herd' params | grep -q 'DisableFenceAtStartup' &&
  '$herd' params --markdown | cmp -s - docs/parameters.md"
check "--version" sh -c "'$herd' --version | grep -q '^herd '"

# herd import: a CSV inventory into a scenario that loads, the notes on
# stderr, -o kept unless --force, bad input with file, line and column.
check "import: a CSV inventory into a scenario herd check accepts" sh -c "
  '$herd' import tests/import/inventory.csv -o '$tmp/inv.ini' 2> '$tmp/inv.err' &&
  '$herd' check '$tmp/inv.ini' | grep -q '4 hosts, 6 VMs' &&
  grep -q '^herd import: note: vm \"old01\": down: not imported' '$tmp/inv.err' &&
  grep -q '^herd import: wrote .*inv.ini: 4 hosts, 6 VMs (5 where they run)' '$tmp/inv.err'"
check "import: -o does not replace a file without --force, and keeps it" sh -c "
  echo keep > '$tmp/kept.ini' &&
  ! '$herd' import tests/import/inventory.csv -o '$tmp/kept.ini' 2> '$tmp/e' &&
  grep -q 'kept.ini exists (--force replaces it)' '$tmp/e' &&
  test \"\$(cat '$tmp/kept.ini')\" = keep &&
  '$herd' import tests/import/inventory.csv -o '$tmp/kept.ini' --force 2>/dev/null &&
  grep -q '^\[vm db01\]' '$tmp/kept.ini'"
check "import --json: counts and notes, and the scenario without -o" sh -c "
  '$herd' import tests/import/inventory.csv --json > '$tmp/inv.json' &&
  grep -q '\"vms_placed\" : 5' '$tmp/inv.json' &&
  grep -q 'not a column herd reads' '$tmp/inv.json' &&
  grep -q '\"scenario\" : \"; inventory: written by herd import' '$tmp/inv.json'"
check "import --from libvirt: a live host (libvirt's test driver) and its running domains" sh -c "
  '$herd' import --from libvirt --sample 100ms -o '$tmp/lv.ini' \"h1=test://\$PWD/tests/import/libvirt-node.xml\" 2>/dev/null &&
  '$herd' check '$tmp/lv.ini' | grep -q '1 hosts, 2 VMs' &&
  grep -q '^cores = 16\$' '$tmp/lv.ini' && grep -q '^threads = 32\$' '$tmp/lv.ini' &&
  grep -q '^memory = 64G\$' '$tmp/lv.ini' &&
  test \"\$(grep -c '^host = h1\$' '$tmp/lv.ini')\" = 2"
check "import --from libvirt: a host that cannot be reached exits 1" \
  status_says 1 "host h9 (qemu+unix:///system?socket=$tmp/none)" \
  "$herd" import --from libvirt "h9=qemu+unix:///system?socket=$tmp/none"
check "import --from libvirt: NAME=URI expected" \
  status_says 2 "expected NAME=URI" "$herd" import --from libvirt h9
# An imported oVirt estate (tests/import/ovirt-estate) and herd plan on it,
# checked by hand: edge-h01 has 64 GiB at 100% overcommit less 1024 MiB
# reserved = 64512 MiB; its VMs take 4096+64 and 8192+64 MiB, leaving
# 52096 MiB: 12 more VMs of 4096+64 MiB (49920 MiB), the 13th fails on
# memory.  prod's new disks go to the master domain data-nfs, 4096 GiB
# (available + used) with only thin disks on it, which hold their
# actual_size (disks.json): 466355 MiB together, leaving 3727949 MiB, 36
# disks of 100 GiB (3686400 MiB); the 37th does not fit.
check "import: the oVirt fixtures (JSON) into a scenario herd check accepts" sh -c "
  '$herd' import tests/import/ovirt-estate/json -o '$tmp/ov.ini' 2>/dev/null &&
  '$herd' check '$tmp/ov.ini' | grep -q '8 hosts, 21 VMs, 4 storage domains, 3 networks, 1 actions'"
check "plan on the imported estate: edge takes 12 VMs of 4 GiB, then memory" sh -c "
  '$herd' plan '$tmp/ov.ini' --cluster edge --standard-alloc 10240,4096,2 --no-n1 |
  grep -q '12 VMs placed; most likely failure reason: FailMem'"
check "plan on the imported estate: prod takes 36 disks of 100 GiB, then disk" sh -c "
  '$herd' plan '$tmp/ov.ini' --cluster prod --standard-alloc 102400,16384,4 |
  grep -q '36 VMs placed; most likely failure reason: FailDisk'"
# The same estate with its data warehouse history (tests/import/ovirt-dwh:
# a minute's samples of db-01, app-01 and a VM not in vms, and of db-01's
# two disks' writes and app-01's thin disk), read from a relative path:
# each imported VM replays its CPU and memory (a samples trace beside the
# scenario), db-01 its disk writes spread over its two disks ((1 MiB/s +
# 512 KiB/s) / 2 = 768 KiB/s each at first); app-01's thin disk starts
# with the 9650 MiB it held at the first sample (not the 9731 MiB of
# disks.json, saved later) and grows as it grew (15 MiB a minute, 256
# KiB/s, for the five minutes between its samples); and the scenario
# lasts as long as the history; herd sim's samples of db-01 are the
# warehouse's, minute by minute.
mkdir -p "$tmp/dwh" "$tmp/dwh-out"
cp tests/import/ovirt-estate/json/* tests/import/ovirt-dwh/*.csv "$tmp/dwh/"
check "import: oVirt's data warehouse history replayed as CPU and memory traces" sh -c "
  cd '$tmp' && '$herd' import dwh -o dwh-out/ov.ini 2> '$tmp/dwh.err' &&
  grep -q '^cpu = trace:samples:ov-history/db-01.csv\$' '$tmp/dwh-out/ov.ini' &&
  grep -q '^memory_used = trace:samples:ov-history/db-01.csv\$' '$tmp/dwh-out/ov.ini' &&
  grep -q '^write_rate = trace:ov-history/db-01-writes.csv\$' '$tmp/dwh-out/ov.ini' &&
  test \"\$(tr '\n' ' ' < '$tmp/dwh-out/ov-history/db-01-writes.csv')\" = '0s,768.000KiB/s 60s,768.000KiB/s 120s,1280.000KiB/s 180s,1280.000KiB/s 240s,256.000KiB/s 300s,256.000KiB/s ' &&
  grep -q '6 readings of disks no VM of vms has attached: left out' '$tmp/dwh.err' &&
  grep -q '^disk = 40G thin qcow2 data=9650M data-nfs\$' '$tmp/dwh-out/ov.ini' &&
  grep -q '^write_rate = trace:ov-history/app-01-growth.csv\$' '$tmp/dwh-out/ov.ini' &&
  test \"\$(tr '\n' ' ' < '$tmp/dwh-out/ov-history/app-01-growth.csv')\" = '0s,256.000KiB/s 300s,0.000KiB/s ' &&
  ! grep -q '^new_writes' '$tmp/dwh-out/ov.ini' &&
  grep -q '^cpu = trace:samples:ov-history/app-01.csv\$' '$tmp/dwh-out/ov.ini' &&
  grep -q '^duration = 360s\$' '$tmp/dwh-out/ov.ini' &&
  grep -q '^stats_interval = 60s\$' '$tmp/dwh-out/ov.ini' &&
  grep -q '1 VMs whose vm_id is not in vms: left out' '$tmp/dwh.err' &&
  grep -q '^herd import: 2 VMs replay their recorded history (ov-history/)' '$tmp/dwh.err' &&
  test \"\$(sed -n 2p '$tmp/dwh-out/ov-history/db-01.csv')\" = '1714557600,db-01,20.000,35.000' &&
  '$herd' sim '$tmp/dwh-out/ov.ini' --quiet --db '$tmp/dwh.db' >/dev/null &&
  test \"\$(sqlite3 '$tmp/dwh.db' \"select group_concat(c, ' ') from (select cast(s.cpu_percent as int) c from vm_samples s join vms v using (run_id, vm_id) where v.name = 'db-01' and s.time_ns < 360e9 order by s.time_ns)\")\" = '20 40 60 40 20 20'"
# herd plan with memory that moves (tests/plan/memory.ini works it out):
# the host's free memory is what the guests hold now, and at peak the
# host is over its memory, relieved by ballooning, or by KSM's sharing.
check "plan: memory models fill hosts by what guests hold; at peak ballooning relieves" sh -c "
  '$herd' plan tests/plan/memory.ini --no-n1 --standard-alloc 0,2048,1 --machine-readable > '$tmp/mem.out' &&
  grep -qx 'HERD_ALLOC_COUNT=1' '$tmp/mem.out' &&
  grep -qx \"HERD_FAIL_REASON='FailMem'\" '$tmp/mem.out' &&
  grep -qx 'HERD_MEM_PEAK_WORST_PERCENT=114' '$tmp/mem.out' &&
  grep -qx 'HERD_MEM_PEAK_HOSTS_OVER=1' '$tmp/mem.out' &&
  grep -qx 'HERD_MEM_PEAK_HOSTS_SWAPPING=0' '$tmp/mem.out' &&
  grep -qx 'HERD_MEM_PEAK_BALLOON_MIB=2304' '$tmp/mem.out'"
sed 's/^ballooning = true$/ballooning = false/' tests/plan/memory.ini > "$tmp/mem-noballoon.ini"
sed 's/^ballooning = true$/ksm_sharing = 25%/' tests/plan/memory.ini > "$tmp/mem-ksm.ini"
check "plan: without ballooning the host swaps at peak; KSM's sharing keeps it under" sh -c "
  '$herd' plan '$tmp/mem-noballoon.ini' --no-n1 --machine-readable | grep -qx 'HERD_MEM_PEAK_HOSTS_SWAPPING=1' &&
  '$herd' plan '$tmp/mem-ksm.ini' --no-n1 --machine-readable > '$tmp/mem-ksm.out' &&
  grep -qx 'HERD_MEM_PEAK_HOSTS_OVER=0' '$tmp/mem-ksm.out' &&
  grep -qx 'HERD_MEM_PEAK_KSM_MIB=4608' '$tmp/mem-ksm.out' &&
  grep -qx 'HERD_MEM_PEAK_WORST_PERCENT=86' '$tmp/mem-ksm.out'"
# Eight days of the warehouse's hourly statistics (tests/import/
# ovirt-dwh-growth: web-02, web-03 and web-04 appear on days 3, 5 and 7):
# the growth they show becomes a [growth] group, 3 VMs in the 6.96 days
# after the first (191 h less 24): one every 56 h of their median size (4
# vCPUs, 8G), which herd plan runs forward until prod is full.
mkdir -p "$tmp/growth" "$tmp/growth-out"
cp tests/import/ovirt-estate/json/* tests/import/ovirt-dwh-growth/*.csv "$tmp/growth/"
check "import: the growth a long history shows becomes a [growth] group for herd plan" sh -c "
  '$herd' import '$tmp/growth' -o '$tmp/growth-out/ov.ini' 2>/dev/null &&
  grep -A5 '^\[growth history-prod\]' '$tmp/growth-out/ov.ini' | tr '\n' ' ' |
    grep -q 'cluster = prod every = 56h vms = 1 vcpus = 4 memory = 8G' &&
  grep -q '^stats_interval = 3600s\$' '$tmp/growth-out/ov.ini' &&
  '$herd' plan '$tmp/growth-out/ov.ini' --cluster prod --machine-readable > '$tmp/growth.out' &&
  grep -q \"^HERD_FIRST_FAIL_GROUP='history-prod'\" '$tmp/growth.out' &&
  grep -q '^HERD_GROWTH_VMS_ADDED=[1-9]' '$tmp/growth.out'"
# A running oVirt engine (tests/import/fake-ovirt.py serves the same
# fixtures as the engine's REST API does, with its paging and Basic
# authentication): the scenario is the saved directory's, the listings
# read in pages of 10 (24 VMs: pages 1 to 3); a wrong password exits 1
# naming HTTP 401; a password file others may read, or no --user, exits 2.
python3 tests/import/fake-ovirt.py tests/import/ovirt-estate/json "$tmp/engine.port" \
  "$tmp/engine.log" admin@internal:secret &
engine_pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/engine.port" ] && break; sleep 0.5; done
api="http://127.0.0.1:$(cat "$tmp/engine.port" 2>/dev/null)/ovirt-engine/api"
printf 'secret\n' > "$tmp/engine.pw"; chmod 600 "$tmp/engine.pw"
printf 'wrong\n' > "$tmp/wrong.pw"; chmod 600 "$tmp/wrong.pw"
printf 'secret\n' > "$tmp/open.pw"; chmod 644 "$tmp/open.pw"
check "import: a running oVirt engine, read in pages, gives the saved directory's scenario" sh -c "
  '$herd' import '$api' --user admin@internal --password-file '$tmp/engine.pw' --page-size 10 --name json -o '$tmp/engine.ini' 2>/dev/null &&
  '$herd' import tests/import/ovirt-estate/json -o '$tmp/saved.ini' 2>/dev/null &&
  grep -v '^;' '$tmp/engine.ini' > '$tmp/engine.body' && grep -v '^;' '$tmp/saved.ini' > '$tmp/saved.body' &&
  cmp -s '$tmp/engine.body' '$tmp/saved.body' &&
  grep -qx '/ovirt-engine/api/vms?follow=disk_attachments&search=page 3&max=10' '$tmp/engine.log' &&
  ! grep -q 'vms?.*page 4' '$tmp/engine.log' &&
  grep -q '^/ovirt-engine/api/hosts/.*/fenceagents' '$tmp/engine.log'"
check "import: an engine refusing the password exits 1 naming HTTP 401" \
  status_says 1 "HTTP 401 Unauthorized (the engine refused the user and password)" \
  "$herd" import "$api" --user admin@internal --password-file "$tmp/wrong.pw" -o "$tmp/no.ini"
check "import: a password file others may read exits 2" \
  status_says 2 "others may read it (mode 644)" \
  "$herd" import "$api" --user admin@internal --password-file "$tmp/open.pw" -o "$tmp/no.ini"
check "import: --user without an engine's URL exits 2" \
  status_says 2 "--user, --password-file and --ca-file are for an oVirt engine's URL" \
  "$herd" import tests/import/ovirt-estate/json --user admin@internal -o "$tmp/no.ini"
check "import: --page-size 0 exits 2" \
  status_says 2 "--page-size: expected 1 to 10000" \
  "$herd" import "$api" --user admin@internal --password-file "$tmp/engine.pw" --page-size 0 -o "$tmp/no.ini"
check "import: an engine without --user exits 2" \
  status_says 2 "an oVirt engine needs --user and --password-file" \
  "$herd" import "$api" -o "$tmp/no.ini"
kill "$engine_pid" 2>/dev/null; wait "$engine_pid" 2>/dev/null
# Over HTTPS (a certificate made here for 127.0.0.1): trusted through
# --ca-file it is read; without it verification fails and nothing is read.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/engine.key" \
  -out "$tmp/engine.crt" 2>/dev/null
python3 tests/import/fake-ovirt.py tests/import/ovirt-estate/json "$tmp/tls.port" \
  "$tmp/tls.log" admin@internal:secret "$tmp/engine.crt" "$tmp/engine.key" &
engine_pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/tls.port" ] && break; sleep 0.5; done
api="https://127.0.0.1:$(cat "$tmp/tls.port" 2>/dev/null)/ovirt-engine/api"
check "import: an engine over HTTPS, its CA given" sh -c "
  '$herd' import '$api' --user admin@internal --password-file '$tmp/engine.pw' --ca-file '$tmp/engine.crt' -o '$tmp/tls.ini' 2>/dev/null &&
  '$herd' check '$tmp/tls.ini' >/dev/null"
check "import: an engine over HTTPS whose certificate is not trusted exits 1" \
  status_says 1 "GET $api/datacenters" \
  "$herd" import "$api" --user admin@internal --password-file "$tmp/engine.pw" -o "$tmp/no.ini"
kill "$engine_pid" 2>/dev/null; wait "$engine_pid" 2>/dev/null
printf 'kind,name,cores\nhost,h,many\n' > "$tmp/bad.csv"
check "import: a bad CSV value exits 2 naming file, line and column" \
  status_says 2 "bad.csv:2: cores: expected a whole number from 1 to 4096, got \"many\"" \
  "$herd" import "$tmp/bad.csv"
check "import: an unknown --from exits 2" \
  status_says 2 "--from: expected ovirt, csv, run or libvirt" "$herd" import --from vmware tests/import/inventory.csv
check "import: --from ovirt wants a directory" \
  status_says 2 "reads a directory of saved API responses" "$herd" import --from ovirt tests/import/inventory.csv
check "import: a directory without the API's collections exits 2" \
  status_says 2 "no datacenters.json or datacenters.xml" "$herd" import "$tmp"

# herd run and herd ctl without hosts: the integration suite's config with
# @DIR@ a directory that does not exist, so that a config herd run wrongly
# accepted would stop at opening [manager] log, before reaching any host.
sed -e "s|@DIR@|$tmp/absent|g" -e "s|@HERE@|$src/tests/integration|g" -e "s|@SANLOCK_WAIT@|50ms|g" -e "s|@API_PORT@|8443|g" \
  tests/integration/cluster.ini.in > "$tmp/cluster.ini"
edit() { # edit NAME SED-SCRIPT: $tmp/cluster.ini edited into $tmp/NAME.ini
  sed -e "$2" "$tmp/cluster.ini" > "$tmp/$1.ini"
}
last_line() { # last_line NAME: "FILE:LINE" of $tmp/NAME.ini's last line
  echo "$tmp/$1.ini:$(($(wc -l < "$tmp/$1.ini")))"
}
edit no-uri '/^uri = /d'
edit no-path '/^path = /d'
edit no-fence-command '/^fence_command = /d'
edit fence-option 's/^fence_options = .*/fence_options = dir=x port/'
edit nics-form 's/^nics = .*/nics = ovirtmgmt/'
edit nics-network 's/^nics = .*/nics = display=eth1/'
edit manager-key '$a\
colour = blue'
edit domain-type 's/^domain_type = .*/domain_type = xen/'
check "check accepts the integration config: its connection keys are known" \
  sh -c "'$herd' check '$tmp/cluster.ini' | grep -q ': ok: integration, .* 4 hosts, 6 VMs'"
check "sim runs the integration config" \
  sh -c "'$herd' sim '$tmp/cluster.ini' --until 1h --quiet | grep -q 'VMs placed  *6'"
# herd import --from run: the configuration's groups as single hosts and
# VMs, each VM where a (hand-made) state database says it runs.
sqlite3 "$tmp/state.db" "CREATE TABLE hosts (name TEXT PRIMARY KEY, status TEXT NOT NULL, sanlock_id INTEGER NOT NULL);
  CREATE TABLE vms (name TEXT PRIMARY KEY, status TEXT NOT NULL, host TEXT);
  INSERT INTO hosts VALUES ('h-1', 'Up', 1), ('h-2', 'Up', 2), ('h-3', 'Maintenance', 3);
  INSERT INTO vms VALUES ('db-1', 'Up', 'h-2'), ('web-1', 'Down', NULL), ('web-2', 'Paused', 'h-1');"
edit from-run "s|^database = .*|database = $tmp/state.db|"
check "import --from run: each VM where the state database says, a host in maintenance" sh -c "
  '$herd' import --from run '$tmp/from-run.ini' -o '$tmp/run-import.ini' 2> '$tmp/run-import.err' &&
  '$herd' check '$tmp/run-import.ini' >/dev/null &&
  grep -A12 '^\[vm db-1\]' '$tmp/run-import.ini' | grep -q '^host = h-2\$' &&
  grep -A12 '^\[vm web-2\]' '$tmp/run-import.ini' | grep -q '^host = h-1\$' &&
  ! grep -q '^\[vm web-1\]' '$tmp/run-import.ini' &&
  grep -q '^\[host h-3\]' '$tmp/run-import.ini' &&
  grep -q '^target = h-3\$' '$tmp/run-import.ini' &&
  grep -q 'vm \"writer-1\": not in the state database' '$tmp/run-import.err'"
# ... and the history recorded in it: web-2's CPU, memory (32 of its 64
# MiB: 50%) and disk writes (2 KiB/s on its one disk) replayed from the
# history's start, ten seconds apart.
sqlite3 "$tmp/state.db" "CREATE TABLE vm_samples (time INTEGER NOT NULL, vm TEXT NOT NULL, host TEXT NOT NULL, status TEXT NOT NULL, cpu_usage_percent REAL, cpu_mc INTEGER, memory_used_mib INTEGER, disk_write_bytes_per_second REAL, network_bytes_per_second REAL);
  INSERT INTO vm_samples VALUES (1000, 'web-2', 'h-1', 'Up', 10, 100, 32, 2048, 0), (1010, 'web-2', 'h-1', 'Up', 20, 200, 32, 2048, 0),
    (1020, 'web-2', 'h-1', 'Up', 30, 300, 32, 2048, 0), (1000, 'db-1', 'h-2', 'Up', 5, 50, NULL, NULL, NULL);"
check "import --from run: the recorded CPU, memory and disk writes replayed" sh -c "
  '$herd' import --from run '$tmp/from-run.ini' -o '$tmp/replay.ini' 2>/dev/null &&
  grep -A14 '^\[vm web-2\]' '$tmp/replay.ini' | grep -q '^write_rate = trace:replay-history/web-2-writes.csv\$' &&
  grep -A14 '^\[vm web-2\]' '$tmp/replay.ini' | grep -q '^memory_used = trace:samples:replay-history/web-2.csv\$' &&
  ! grep -A14 '^\[vm db-1\]' '$tmp/replay.ini' | grep -q '^memory_used' &&
  test \"\$(tr '\n' ' ' < '$tmp/replay-history/web-2-writes.csv')\" = '0s,2.000KiB/s 10s,2.000KiB/s 20s,2.000KiB/s ' &&
  test \"\$(sed -n 3p '$tmp/replay-history/web-2.csv')\" = '1010,web-2,20.000,50.000' &&
  '$herd' sim '$tmp/replay.ini' --quiet >/dev/null"
check "import --from run: a missing state database exits 2" \
  status_says 2 "no such file" "$herd" import --from run "$tmp/cluster.ini"

check "run: hosts without uri exit 2, naming file, group, key" \
  status_says 2 "herd run: $tmp/no-uri.ini: [hosts h] uri: herd run needs each host's libvirt URI" \
  "$herd" run "$tmp/no-uri.ini"
check "run: a master storage domain without path exits 2" \
  status_says 2 "herd run: $tmp/no-path.ini: [storage sd1] path: herd run needs the directory" \
  "$herd" run "$tmp/no-path.ini"
check "run: a fence_agent without fence_command exits 2" \
  status_says 2 "herd run: $tmp/no-fence-command.ini: [hosts h] fence_command: hosts with a fence_agent need" \
  "$herd" run "$tmp/no-fence-command.ini"
check "run: a fence_options word without = exits 2" \
  status_says 2 "herd run: $tmp/fence-option.ini: [hosts h] fence_options: expected name=value words, got \"port\"" \
  "$herd" run "$tmp/fence-option.ini"
check "run: a nics pair without its NIC exits 2 naming the key" \
  status_says 2 "herd run: $tmp/nics-form.ini: [hosts h] nics: expected NETWORK=NIC pairs separated by commas, such as ovirtmgmt=eth0, got \"ovirtmgmt\"" \
  "$herd" run "$tmp/nics-form.ini"
check "run: nics naming a network the host does not have exits 2" \
  status_says 2 "herd run: $tmp/nics-network.ini: [hosts h] nics: \"display\" is not a network attached to h-1" \
  "$herd" run "$tmp/nics-network.ini"
check "run: an unknown [manager] key exits 2 (the scenario loader's message)" \
  status_says 2 "herd run: $(last_line manager-key): [manager] colour: unknown key" \
  "$herd" run "$tmp/manager-key.ini"
check "run: a bad domain_type exits 2" \
  status_says 2 "herd run: $tmp/domain-type.ini:$(grep -n '^domain_type' "$tmp/domain-type.ini" | cut -d: -f1): [manager] domain_type: expected kvm or qemu, got \"xen\"" \
  "$herd" run "$tmp/domain-type.ini"
check "run --help exits 0 and points to herd ctl" \
  sh -c "'$herd' run --help | grep -q 'herd ctl talks to it'"
unset HERD_SOCKET # herd ctl's checks below assume none
check "ctl without --socket, --config or HERD_SOCKET exits 2" \
  status_says 2 "herd ctl: no socket: give --socket, --config or HERD_SOCKET" \
  "$herd" ctl hosts
check "ctl with no herd run listening exits 2" \
  status_says 2 "herd ctl: no herd run answers on /nonexistent" \
  "$herd" ctl --socket /nonexistent hosts
check "ctl --config uses [manager] socket" \
  status_says 2 "herd ctl: no herd run answers on $tmp/absent/herd.sock" \
  "$herd" ctl --config "$tmp/cluster.ini" hosts
check "ctl with an unknown command exits 2" \
  status_says 2 "herd ctl: expected a command (see herd ctl --help), got bogus" \
  "$herd" ctl bogus
check "ctl start without a VM exits 2 with its usage" \
  status_says 2 "herd ctl: usage: herd ctl start VM" \
  "$herd" ctl start
check "ctl --help lists every command and exits 0" sh -c "
  '$herd' ctl --help > '$tmp/ctl-help' &&
  for c in hosts vms start stop migrate maintenance activate spm events; do
    grep -qE \"^  \$c( |\\\$)\" '$tmp/ctl-help' || exit 1
  done"

# herd passwd: the REST API's password file (docs/real-hosts.md)
check "passwd: a piped password makes a 0600 file with a yescrypt line" sh -c "
  echo 'open sesame' | '$herd' passwd --file '$tmp/api-users' --role operator alice 2> '$tmp/pw.err' &&
  grep -qx 'herd passwd: alice is an operator in $tmp/api-users' '$tmp/pw.err' &&
  grep -q '^alice:\\\$y\\\$[^:]*:operator\$' '$tmp/api-users' &&
  test \"\$(stat -c %a '$tmp/api-users')\" = 600"
check "passwd: another user is added, then deleted, alice's line kept" sh -c "
  cp '$tmp/api-users' '$tmp/api-users.alice' &&
  printf 'b\\n' | '$herd' passwd -f '$tmp/api-users' -r viewer bob 2>/dev/null &&
  grep -q '^bob:\\\$y\\\$[^:]*:viewer\$' '$tmp/api-users' &&
  '$herd' passwd -f '$tmp/api-users' --delete bob 2>/dev/null &&
  cmp '$tmp/api-users' '$tmp/api-users.alice'"
check "passwd: a bad role exits 2 and says what it takes" \
  status_says 2 'herd passwd: --role: expected viewer, operator or administrator, got "root"' \
  sh -c "echo x | '$herd' passwd --file '$tmp/api-users' --role root bob"
check "passwd: neither --role nor --delete exits 2" \
  status_says 2 "herd passwd: expected --role viewer, operator or administrator, or --delete" \
  sh -c "echo x | '$herd' passwd --file '$tmp/api-users' bob"
check "passwd: both --role and --delete exit 2" \
  status_says 2 "herd passwd: expected --role or --delete, not both" \
  "$herd" passwd --file "$tmp/api-users" --role viewer --delete alice
check "passwd: no --file exits 2" \
  status_says 2 "herd passwd: expected --file FILE and one USER" \
  sh -c "echo x | '$herd' passwd --role viewer bob"
check "passwd: a bad user name exits 2" \
  status_says 2 "herd passwd: expected a user name of letters, digits, '-', '_' and '.', starting with a letter or digit, got \"b:ob\"" \
  sh -c "echo x | '$herd' passwd --file '$tmp/api-users' --role viewer b:ob"
check "passwd: an empty password exits 2" \
  status_says 2 "herd passwd: expected a password of 1 to 511 bytes without a NUL byte, got none" \
  sh -c "echo | '$herd' passwd --file '$tmp/api-users' --role viewer bob"
check "passwd: deleting a user the file lacks exits 1" \
  status_says 1 "herd passwd: $tmp/api-users: no user carol to delete" \
  "$herd" passwd --file "$tmp/api-users" --delete carol
chmod 640 "$tmp/api-users"
check "passwd: a file its group may read is refused (exit 1)" \
  status_says 1 "herd passwd: $tmp/api-users: mode 0640 lets its group or others at it: refused (only herd run's user may read it: chmod 600 $tmp/api-users)" \
  sh -c "echo x | '$herd' passwd --file '$tmp/api-users' --role viewer bob"
chmod 600 "$tmp/api-users"
check "passwd: ... and left as it was" cmp "$tmp/api-users" "$tmp/api-users.alice"
check "passwd --help describes the file and names api_users" sh -c "
  '$herd' passwd --help > '$tmp/pw.help' &&
  grep -q '^  NAME:HASH:ROLE\$' '$tmp/pw.help' && grep -q 'api_users' '$tmp/pw.help' &&
  grep -q 'yescrypt' '$tmp/pw.help' && grep -q 'chmod 600' '$tmp/pw.help'"
check "herd --help lists passwd" sh -c "'$herd' --help | grep -q '^  passwd '"
# The shipped systemd unit, as systemd reads it (with this herd for the
# installed one).
sed "s|/usr/local/bin/herd|$herd|" service/systemd/herd-run@.service > "$tmp/herd-run@.service"
check "the systemd unit passes systemd-analyze verify, without a word" sh -c "
  systemd-analyze verify '$tmp/herd-run@.service' > '$tmp/unit.out' 2>&1 &&
  test ! -s '$tmp/unit.out' || { cat '$tmp/unit.out'; exit 1; }"
check "generate: the same seed gives the same scenario, which loads" sh -c "
  '$herd' generate --seed 5 > '$tmp/g5a.ini' &&
  '$herd' generate --seed 5 > '$tmp/g5b.ini' &&
  '$herd' swarm --print 5 > '$tmp/g5c.ini' &&
  cmp '$tmp/g5a.ini' '$tmp/g5b.ini' && cmp '$tmp/g5a.ini' '$tmp/g5c.ini' &&
  ! '$herd' generate --seed 6 | cmp -s - '$tmp/g5a.ini' &&
  '$herd' check '$tmp/g5a.ini'"
check "generate without --seed exits 2" \
  status_says 2 "herd generate: expected --seed S" "$herd" generate
check "swarm --count 0 exits 2" status_is 2 "$herd" swarm --count 0
check "swarm: a summary line, exit 0 (no failure) or 1 (kept)" sh -c "
  '$herd' swarm --count 3 --seeds 1 --keep '$tmp/swarm' -q > '$tmp/swarm.out'
  s=\$?; [ \$s -le 1 ] &&
  grep -q '^3 scenarios (generator seeds 1..3), 3 runs (run seeds 1..1)' '$tmp/swarm.out'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
