#!/bin/bash
# bench-run-scale.sh HERD [HOSTS] [VMS_PER_HOST] [SECONDS] [CLIENTS]
# [REQUESTS]: herd run against many fake hosts, what its manager costs
# (issue 19's scale target: 1,000 hosts polled every 3 s at under 25% of
# one core, the API's p99 under 50 ms with 50 clients).
#
# Each host is libvirt's test driver (test:///PATH: an in-process host per
# connection, its node XML written here) running VMS_PER_HOST domains,
# which herd run adopts where they run.  Once every host is Up and every
# VM Up, the script measures over SECONDS (default 30): herd run's CPU
# (utime + stime of /proc/PID/stat) per poll cycle (VdsRefreshRate, 3 s)
# and in percent of one core, its resident memory (VmRSS, VmHWM); then the
# REST API's latency with CLIENTS (default 50) concurrent clients, each on
# its own keep-alive HTTPS connection with a bearer token, making REQUESTS
# (default 40) requests: GET of one VM by id, and (every tenth) of the
# hosts collection.  Each client's connection and first request (the
# handshakes of all the clients at once) are timed apart.  Needs python3 and no libvirtd, sanlock or root: the
# hosts' sanlock directories do not exist, so no SPM is elected (the
# storage side is not what this measures): the hosts have SPM priority
# -1 but one, spm-1, which runs no VM and fails to take the role every
# 10 s.  (Were every host a candidate, each selection would try all of
# them in turn, each failing in a few ms on the main loop: seconds every
# 10 s at 1,000 hosts, a cost of storage that is broken everywhere.)
# Prints the figures, with the
# targets beside them; never part of the tests.
set -u
HERD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HOSTS=${2:-200}
PER_HOST=${3:-20}
SECONDS_=${4:-30}
CLIENTS=${5:-50}
REQUESTS=${6:-40}
DIR=$(mktemp -d /tmp/herd-bench-run.XXXXXX)
PID=
cleanup () {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

mkdir -p "$DIR/nodes" "$DIR/sd"
python3 - "$DIR/nodes" "$HOSTS" "$PER_HOST" <<'EOF'
import sys
d, hosts, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open("%s/spm-1.xml" % d, "w") as f:
    f.write("<node><cpu><mhz>2600</mhz><model>x86_64</model><nodes>1</nodes>"
            "<sockets>1</sockets><cores>32</cores><threads>1</threads>"
            "<active>32</active><max>32</max></cpu>"
            "<memory>268435456</memory></node>\n")
for h in range(1, hosts + 1):
    doms = "".join(
        "<domain type='test'><name>g%d-%d</name><memory>1048576</memory>"
        "<vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        % (h, k) for k in range(1, per + 1))
    with open("%s/h-%d.xml" % (d, h), "w") as f:
        f.write("<node><cpu><mhz>2600</mhz><model>x86_64</model><nodes>1</nodes>"
                "<sockets>1</sockets><cores>32</cores><threads>1</threads>"
                "<active>32</active><max>32</max></cpu>"
                "<memory>268435456</memory>%s</node>\n" % doms)
EOF
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "bench secret" | "$HERD" passwd --file "$DIR/users" --role viewer bench 2>/dev/null
cat > "$DIR/c.ini" <<EOF
[datacenter dc]
[storage sd]
type = nfs
capacity = 10T
master = true
path = $DIR/sd
[cluster c]
[hosts h]
count = $HOSTS
cores = 32
memory = 256G
uri = test://$DIR/nodes/h-{n}.xml
sanlock_dir = $DIR/no-sanlock
spm_priority = -1
[hosts spm]
cluster = c
count = 1
cores = 32
memory = 256G
uri = test://$DIR/nodes/spm-1.xml
sanlock_dir = $DIR/no-sanlock
[manager]
log = $DIR/herd.log
api_listen = 127.0.0.1:$PORT
api_users = $DIR/users
EOF
# each host's VMs where they run (herd run adopts them there)
for h in $(seq "$HOSTS"); do
  printf '[vms g%d]\ncluster = c\ncount = %d\nvcpus = 1\nmemory = 1G\nhost = h-%d\n' \
    "$h" "$PER_HOST" "$h" >> "$DIR/c.ini"
done
start=$(date +%s.%N)
"$HERD" run "$DIR/c.ini" > "$DIR/run.out" 2>&1 &
PID=$!
ctl () { "$HERD" ctl --config "$DIR/c.ini" "$@" 2>/dev/null; }
up=0
for _ in $(seq 600); do
  sleep 1
  kill -0 "$PID" 2>/dev/null || { echo "herd run stopped:"; tail "$DIR/run.out" "$DIR/herd.log"; exit 1; }
  hosts_up=$(ctl hosts | awk 'NR>1 && $2=="Up"' | wc -l)
  vms_up=$(ctl vms | awk 'NR>1 && $2=="Up"' | wc -l)
  if [ "$hosts_up" -eq $((HOSTS + 1)) ] && [ "$vms_up" -eq $((HOSTS * PER_HOST)) ]; then up=1; break; fi
done
[ "$up" = 1 ] || { echo "not every host and VM came Up ($hosts_up hosts, $vms_up VMs)"; exit 1; }
ready=$(echo "$(date +%s.%N) - $start" | bc)
ticks=$(getconf CLK_TCK)
cpu () { awk '{print $14 + $15}' "/proc/$PID/stat"; }
c0=$(cpu); t0=$(date +%s.%N)
sleep "$SECONDS_"
c1=$(cpu); t1=$(date +%s.%N)
wall=$(echo "$t1 - $t0" | bc -l)
core=$(echo "($c1 - $c0) / $ticks / $wall * 100" | bc -l)
per_cycle=$(echo "($c1 - $c0) / $ticks / ($wall / 3) * 1000" | bc -l)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
stall=$(sed -n 's/.*main loop: longest stall\( so far\)\{0,1\} \([0-9]*\) ms.*/\2/p' "$DIR/herd.log" | sort -n | tail -1)
# the API under CLIENTS concurrent clients
latency=$(python3 - "$PORT" "$DIR" "$CLIENTS" "$REQUESTS" "$HOSTS" "$PER_HOST" <<'EOF'
import http.client, json, ssl, sys, threading, time, urllib.parse, uuid
port, d, clients, requests = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
hosts, per = int(sys.argv[5]), int(sys.argv[6])
ctx = ssl.create_default_context(cafile=d + "/c-api.crt")
c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
c.request("POST", "/ovirt-engine/sso/oauth/token",
          urllib.parse.urlencode({"grant_type": "password", "username": "bench",
                                  "password": "bench secret"}),
          {"Content-Type": "application/x-www-form-urlencoded"})
token = json.loads(c.getresponse().read())["access_token"]
times, lists, firsts, errors = [], [], [], []
lock = threading.Lock()
def client(n):
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
    # the connection (TCP, TLS handshake) and a first GET, timed apart
    t = time.perf_counter()
    conn.request("GET", "/ovirt-engine/api", headers={"Authorization": "Bearer " + token})
    resp = conn.getresponse(); resp.read()
    with lock:
        firsts.append((time.perf_counter() - t) * 1000)
        if resp.status != 200: errors.append(resp.status)
    for r in range(requests):
        path = ("/ovirt-engine/api/hosts" if r % 10 == 9
                else "/ovirt-engine/api/vms/g%d-%d" % (1 + (n * requests + r) % hosts,
                                                      1 + r % per))
        t = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        resp = conn.getresponse(); resp.read()
        dt = (time.perf_counter() - t) * 1000
        with lock:
            (lists if r % 10 == 9 else times).append(dt)
            if resp.status != 200: errors.append(resp.status)
threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
t0 = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - t0
def pct(a, p): a = sorted(a); return a[min(len(a) - 1, int(len(a) * p))]
print("%.1f %.1f %.1f %.1f %d %d %.0f %.1f %.1f" % (pct(times, .5), pct(times, .99), pct(lists, .5),
      pct(lists, .99), len(times) + len(lists), len(errors), (len(times) + len(lists)) / wall,
      pct(firsts, .5), max(firsts)))
EOF
)
read -r p50 p99 l50 l99 nreq nerr rate c50 cmax <<< "$latency"
printf 'herd run with %d hosts (test:///), %d VMs (%d a host); all Up after %.1f s\n' "$HOSTS" $((HOSTS * PER_HOST)) "$PER_HOST" "$ready"
printf '  CPU over %.0f s: %.1f%% of one core, %.1f ms a poll cycle (3 s)    target at 1,000 hosts: < 25%%\n' "$wall" "$core" "$per_cycle"
printf '  memory: %.1f MiB resident (%.1f MiB peak)\n' "$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)"
printf '  longest main-loop stall logged: %s ms\n' "${stall:-<20}"
printf '  API, %d clients, %d requests (%d failed), %s requests/s:\n' "$CLIENTS" "$nreq" "$nerr" "$rate"
printf '    GET one VM:        p50 %s ms, p99 %s ms    target: p99 < 50 ms\n' "$p50" "$p99"
printf '    GET all %d hosts: p50 %s ms, p99 %s ms\n' "$HOSTS" "$l50" "$l99"
printf '    each client'"'"'s connection (TCP, TLS) and first GET, all %d at once: p50 %s ms, at most %s ms\n' "$CLIENTS" "$c50" "$cmax"
