#!/usr/bin/env bash
# The query server at scale, for docs/benchmarks.md: generates a snapshot (`sideye generate`), serves it, and times
# what the web app and scripts ask of it. Prints markdown.
#   dumps/benchmark-scale.sh [--stacks N] [--frames N] [--captured-rows N] [--runs N] [--seconds N]
# Defaults: 100000 stacks, 1000000 frames, 1000000 captured rows, 10 runs per request, 20 s of 8 concurrent clients.
# CI runs it short: --stacks 2000 --frames 20000 --captured-rows 20000 --runs 3 --seconds 3.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACKS=100000 FRAMES=1000000 ROWS=1000000 RUNS=10 SECONDS_CONCURRENT=20
while [[ $# -gt 0 ]]; do
  case $1 in
    --stacks) STACKS=$2; shift 2 ;;
    --frames) FRAMES=$2; shift 2 ;;
    --captured-rows) ROWS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --seconds) SECONDS_CONCURRENT=$2; shift 2 ;;
    *) echo "usage: $0 [--stacks N] [--frames N] [--captured-rows N] [--runs N] [--seconds N]" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d /tmp/sideye-scale.XXXXXX)
SERVE_PID=
# The server is waited for before its folder goes: it writes there while it shuts down, and `rm -rf` racing it failed a
# CI run ("Directory not empty") whose measurements had all passed. Cleanup never changes the script's exit status.
cleanup() {
  local rc=$?
  if [[ -n $SERVE_PID ]]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK" 2>/dev/null || { sleep 1; rm -rf "$WORK" || true; }
  return "$rc"
}
trap cleanup EXIT

"$ROOT/sideye" --help >/dev/null
gen_start=$(date +%s.%N)
SNAP=$("$ROOT/sideye" generate --stacks "$STACKS" --frames "$FRAMES" --captured-rows "$ROWS" --out "$WORK/snapshots" 2>"$WORK/generate.log" | tail -n 1)
gen_s=$(python3 -c "import time; print(round(time.time() - $gen_start, 1))")
ID=$(basename "$SNAP")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT

# Time to serve: from starting the server to the snapshot being listed (process start, DuckDB, the snapshot's views).
serve_start=$(date +%s.%N)
"$ROOT/sideye" serve --snapshots "$WORK/snapshots" --spec "$WORK/snapshots/sideye.yaml" --urls "$BASE" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
until curl -sf "$BASE/api/snapshots" | grep -q "$ID"; do
  kill -0 "$SERVE_PID" 2>/dev/null || { echo "serve exited; see $WORK/serve.log" >&2; cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.05
done
load_s=$(python3 -c "import time; print(round(time.time() - $serve_start, 2))")
SERVER=$(pgrep -f "sideye.dll serve --snapshots $WORK/snapshots" | head -1)

python3 - "$BASE" "$ID" "$RUNS" "$SECONDS_CONCURRENT" "$SERVER" "$STACKS" "$FRAMES" "$ROWS" "$gen_s" "$load_s" <<'PY'
import json, sys, time, threading, urllib.request, urllib.parse, statistics
base, sid, runs, seconds, server, stacks, frames, rows, gen_s, load_s = sys.argv[1:11]
runs, seconds = int(runs), float(seconds)

def get(path):
    with urllib.request.urlopen(base + path, timeout=120) as r:
        return r.read()

def query(sql):
    req = urllib.request.Request(f"{base}/api/snapshots/{sid}/query", data=json.dumps({"sql": sql}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        body = json.load(r)
    return body["rows"]

requests = {
    "grouped stacks (`GET .../stacks`)": lambda: get(f"/api/snapshots/{sid}/stacks"),
    "flame graph (`GET .../flamegraph`)": lambda: get(f"/api/snapshots/{sid}/flamegraph"),
    "JSON-path predicate over every captured row": lambda: query("SELECT count(*) FROM captured_values WHERE value->>'ClientId' = '42'"),
    "function-table filter on an extra column": lambda: query("SELECT count(*) FROM OrderService_HandleAsync WHERE client_id = 42"),
    "full-text search (`GET .../search?text=`)": lambda: get(f"/api/snapshots/{sid}/search?text=" + urllib.parse.quote("request 4242 ")),
    "one stack (`GET .../stacks/{id}`)": lambda: get(f"/api/snapshots/{sid}/stacks/{int(stacks) // 2}"),
}
# Sanity: the answers are real, not empty.
assert query("SELECT count(*) FROM frames")[0][0] > 0
assert query("SELECT count(*) FROM captured_values")[0][0] == int(rows) or int(rows) == 0

def timed(f):
    t = time.perf_counter(); f(); return (time.perf_counter() - t) * 1000

print(f"| request | first (ms) | median of {runs} (ms) | max (ms) |")
print("|---|---|---|---|")
for name, f in requests.items():
    first = timed(f)
    times = [timed(f) for _ in range(runs)]
    print(f"| {name} | {first:.0f} | {statistics.median(times):.0f} | {max(times):.0f} |")

lat, errors, lock = [], [], threading.Lock()
stop = time.time() + seconds
def client(i):
    fs = list(requests.values())
    k = i
    while time.time() < stop:
        f = fs[k % len(fs)]; k += 1
        try:
            ms = timed(f)
            with lock: lat.append(ms)
        except Exception as e:
            with lock: errors.append(str(e))
threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
status = open(f"/proc/{server}/status").read()
field = lambda k: next(l.split(":")[1].strip() for l in status.splitlines() if l.startswith(k))
print()
print(f"8 concurrent clients mixing these for {seconds:.0f} s: {len(lat)} requests, p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, {len(errors)} errors.")
print(f"Server memory: {field('VmRSS')} resident now, {field('VmHWM')} at most.")
print(f"Snapshot: {stacks} stacks, {frames} frames asked, {rows} captured rows; generated and written in {gen_s} s; "
      f"served (server start to snapshot listed) in {load_s} s.")
if errors: print("errors:", errors[:3]); sys.exit(1)
PY
echo
echo "command: dumps/benchmark-scale.sh --stacks $STACKS --frames $FRAMES --captured-rows $ROWS --runs $RUNS --seconds $SECONDS_CONCURRENT; load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
