#!/usr/bin/env bash
# What the built-in tables (gRPC/HTTP calls, locks, deadlocks, links, wait times) cost, for docs/benchmarks.md.
#   dumps/benchmark-builtins.sh [RUNS] [MODES]     (default 10 runs, modes "clone stop"; prints markdown)
# Starts the slow-rpc demo and snapshots both of its processes RUNS times per mode with the built-ins on (an
# empty spec) and off (`builtins: false`), alternating, about 1 s apart. Reports per mode the median pause each
# process felt (Sideye's `paused X ms` line), the median time the recognizers took (`built-ins X` in the walk's
# line) and the median whole command. In clone mode the recognizers run on the clone, after the target resumed;
# in stop mode they run inside the pause.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${1:-10}
MODES=${2:-clone stop}
[[ $RUNS =~ ^[0-9]+$ ]] || { echo "usage: $0 [RUNS] [\"clone stop\"]" >&2; exit 2; }
WORK=$(mktemp -d /tmp/sideye-bench-builtins.XXXXXX)
trap '"$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
./sideye --help >/dev/null
"$ROOT/dumps/slow-rpc/start.sh" "$WORK/demo" --wait-slow >/dev/null
SERVER=$(cat "$WORK/demo/server.pid") CLIENT=$(cat "$WORK/demo/client.pid")
: >"$WORK/on.yaml"
echo "builtins: false" >"$WORK/off.yaml"
sleep 2

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "| mode | built-ins | server paused (median) | client paused (median) | recognizers (median, per process) | whole command (median) |"
echo "|---|---|---|---|---|---|"
for mode in $MODES; do
  for which in on off; do : >"$WORK/$mode-$which.pause-s" >"$WORK/$mode-$which.pause-c" >"$WORK/$mode-$which.rec" >"$WORK/$mode-$which.wall"; done
  for i in $(seq "$RUNS"); do
    for which in on off; do
      t0=$(now)
      ./sideye snap --pid "$SERVER" --pid "$CLIENT" --pause-mode "$mode" --spec "$WORK/$which.yaml" --out "$WORK/snaps" >/dev/null 2>"$WORK/err"
      t1=$(now)
      awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b-a)*1000}' >>"$WORK/$mode-$which.wall"
      grep -E "process $SERVER .*paused [0-9.]+ ms" "$WORK/err" | grep -oE 'paused [0-9.]+ ms' | head -1 | awk '{print $2}' >>"$WORK/$mode-$which.pause-s"
      grep -E "process $CLIENT .*paused [0-9.]+ ms" "$WORK/err" | grep -oE 'paused [0-9.]+ ms' | head -1 | awk '{print $2}' >>"$WORK/$mode-$which.pause-c"
      grep -oE 'built-ins [0-9.]+' "$WORK/err" | awk '{print $2}' >>"$WORK/$mode-$which.rec"
      sleep 1
    done
  done
  for which in on off; do
    echo "| $mode | $which | $(median <"$WORK/$mode-$which.pause-s") ms | $(median <"$WORK/$mode-$which.pause-c") ms | $(median <"$WORK/$mode-$which.rec") ms | $(median <"$WORK/$mode-$which.wall") ms |"
  done
done
echo
echo "$RUNS runs per row; command: dumps/benchmark-builtins.sh $RUNS \"$MODES\"; load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
