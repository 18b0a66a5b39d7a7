#!/usr/bin/env bash
# Benchmark of variable capture for docs/benchmarks.md: what a spec adds to the time a live target is paused.
#   dumps/benchmark-spec.sh [RUNS] [FRAMES]     (default 5 runs of each, 5000 async frames; prints markdown)
# 1. slow-rpc server: median pause of `./sideye snap --pid SERVER` with `--spec dumps/slow-rpc/sideye.yaml`
#    vs without, and their ratio.
# 2. many-frames (FRAMES suspended Worker.HandleAsync calls, 32 threads blocked in Worker.Block): the same
#    with `--spec dumps/many-frames/sideye.yaml`, the frames with variables captured (counted in the
#    snapshot's captured_values through the query server), and the capture throughput: those frames per
#    second of extra pause (pause with spec - pause without) and per second of the whole walk with the spec.
# Runs with and without the spec alternate, so drifting machine load hits both alike.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${1:-5}
FRAMES=${2:-5000}
THREADS=32
WORK=$(mktemp -d /tmp/sideye-bench-spec.XXXXXX)
SERVE_PID=
cleanup() {
  if [[ -n $SERVE_PID ]]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  "$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null 2>&1 || true
  "$ROOT/dumps/many-frames/stop.sh" "$WORK/many" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
./sideye --help >/dev/null
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n | awk '{a[NR]=$1} END {m = NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; print (m == int(m) ? m : sprintf("%.1f", m))}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", b/a}'; }
list() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

# snap NAME PID [--spec FILE]: one live snapshot; appends its pause and walk (ms, from the progress line)
# to $WORK/NAME.pause and $WORK/NAME.walk, and its directory to $WORK/NAME.dirs.
snap() {
  local name=$1 pid=$2; shift 2
  ./sideye snap --pid "$pid" "$@" --out "$WORK/snaps" >"$WORK/out" 2>"$WORK/err" \
    || { cat "$WORK/err" >&2; echo "benchmark-spec.sh: snap of $pid failed" >&2; exit 1; }
  local line
  line=$(grep -m1 -E "process $pid .*: paused " "$WORK/err") || { cat "$WORK/err" >&2; exit 1; }
  sed -E 's/.*paused ([0-9.]+) ms.*/\1/' <<<"$line" >>"$WORK/$name.pause"
  sed -E 's/.*walk ([0-9.]+)\).*/\1/' <<<"$line" >>"$WORK/$name.walk"
  tail -n 1 "$WORK/out" >>"$WORK/$name.dirs"
}

echo "slow-rpc: starting the demo" >&2
"$ROOT/dumps/slow-rpc/start.sh" "$WORK/demo" --wait-slow >/dev/null
SERVER=$(cat "$WORK/demo/server.pid")
sleep 2
for i in $(seq "$RUNS"); do
  echo "slow-rpc: run $i/$RUNS" >&2
  snap rpc-nospec "$SERVER"
  snap rpc-spec "$SERVER" --spec dumps/slow-rpc/sideye.yaml
done
"$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null

echo "many-frames: starting with $FRAMES frames, $THREADS threads" >&2
"$ROOT/dumps/many-frames/start.sh" "$WORK/many" --frames "$FRAMES" --threads "$THREADS" >/dev/null
MANY=$(cat "$WORK/many/many-frames.pid")
for i in $(seq "$RUNS"); do
  echo "many-frames: run $i/$RUNS" >&2
  snap many-nospec "$MANY"
  snap many-spec "$MANY" --spec dumps/many-frames/sideye.yaml
done
"$ROOT/dumps/many-frames/stop.sh" "$WORK/many" >/dev/null

# Count what the spec'd snapshots hold, through the query server.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
./sideye serve --snapshots "$WORK/snaps" --urls "http://127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$PORT/api/snapshots" >/dev/null 2>&1 && break
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.2
done
# Frames of the spec'd functions with at least one captured value, split by where they were read: async
# (the state machine on the heap) or on a thread (through the DAC); then the values, and all such frames.
KEY="(c.pid, c.stack_id, c.depth)"
COUNT_SQL="SELECT count(DISTINCT $KEY) FILTER (WHERE c.value IS NOT NULL),
  count(DISTINCT $KEY) FILTER (WHERE c.value IS NOT NULL AND f.kind = 'async'),
  count(DISTINCT $KEY) FILTER (WHERE c.value IS NOT NULL AND f.kind <> 'async'),
  count(c.value), count(DISTINCT $KEY)
FROM captured_values c JOIN frames f ON f.pid = c.pid AND f.stack_id = c.stack_id AND f.depth = c.depth"
QUERY=$(python3 -c 'import json, sys; print(json.dumps({"sql": sys.argv[1]}))' "$COUNT_SQL")
# counts NAME: one line per snapshot listed in NAME.dirs: frames async_frames thread_frames values all_frames
counts() {
  local dir id
  while read -r dir; do
    id=$(basename "$dir")
    curl -sf -X POST -H 'Content-Type: application/json' -d "$QUERY" "http://127.0.0.1:$PORT/api/snapshots/$id/query" \
      | python3 -c 'import json, sys; print(*json.load(sys.stdin)["rows"][0])' \
      || { echo "benchmark-spec.sh: query of snapshot $id failed" >&2; exit 1; }
  done <"$WORK/$1.dirs" >"$WORK/$1.counts"
}
counts rpc-spec
counts many-spec
# Each run counts its own snapshot; medians are reported (a snapshot of the demo catches a varying number
# of handlers in flight; many-frames ones are all equal, listed below).
col() { awk -v c="$2" '{print $c}' "$WORK/$1.counts" | median; }

RN=$(median <"$WORK/rpc-nospec.pause") RS=$(median <"$WORK/rpc-spec.pause")
MN=$(median <"$WORK/many-nospec.pause") MS=$(median <"$WORK/many-spec.pause")
MW=$(median <"$WORK/many-spec.walk") MWN=$(median <"$WORK/many-nospec.walk")
RF=$(col rpc-spec 1) MF=$(col many-spec 1) MFA=$(col many-spec 2) MFT=$(col many-spec 3) MV=$(col many-spec 4)
per_s() { awk -v n="$1" -v ms="$2" 'BEGIN {if (ms <= 0) print "n/a"; else printf "%.0f", n / (ms / 1000)}'; }
EXTRA=$(awk -v a="$MN" -v b="$MS" 'BEGIN {printf "%.1f", b - a}')

echo "| target | frames with variables | paused, no spec | paused, with spec | with / without |"
echo "|---|---|---|---|---|"
echo "| slow-rpc server (\`dumps/slow-rpc/sideye.yaml\`) | $RF | $RN ms | $RS ms | $(ratio "$RN" "$RS") |"
echo "| many-frames, $FRAMES async + $THREADS thread frames (\`dumps/many-frames/sideye.yaml\`) | $MF ($MFA async, $MFT on threads) | $MN ms | $MS ms | $(ratio "$MN" "$MS") |"
echo
echo "| many-frames capture | |"
echo "|---|---|"
echo "| values captured (of $(col many-spec 5) frames × 5 columns) | $MV |"
echo "| extra pause for the spec (median with − median without) | $EXTRA ms |"
echo "| throughput over the extra pause | $(per_s "$MF" "$EXTRA") frames/s |"
echo "| throughput over the whole walk with the spec ($MW ms; $MWN ms without) | $(per_s "$MF" "$MW") frames/s |"
echo
echo "runs: $RUNS of each, alternating; load average (1, 5, 15 min) at the start: $LOAD0, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pauses (ms): slow-rpc no spec $(list "$WORK/rpc-nospec.pause"); spec $(list "$WORK/rpc-spec.pause")"
echo "pauses (ms): many-frames no spec $(list "$WORK/many-nospec.pause"); spec $(list "$WORK/many-spec.pause")"
echo "walks (ms): many-frames no spec $(list "$WORK/many-nospec.walk"); spec $(list "$WORK/many-spec.walk")"
echo "frames with variables per run: slow-rpc $(awk '{print $1}' "$WORK/rpc-spec.counts" | paste -sd' '); many-frames $(awk '{print $1}' "$WORK/many-spec.counts" | paste -sd' ')"
