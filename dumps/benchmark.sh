#!/usr/bin/env bash
# Benchmarks for docs/benchmarks.md: Sideye vs the peer tools on the same work, on the slow-rpc server.
#   dumps/benchmark.sh [RUNS]      (default 5 runs each; prints a markdown table of medians)
# 1. Live: `./sideye snap --pid SERVER` (pause = attach..detach as Sideye reports it, and wall time of a
#    fresh ./sideye process) vs `dotnet-dump collect -p SERVER --type Full` (the target is suspended for
#    the whole dump, so its wall time is its pause).
# 2. Dump: `./sideye snap --dump` vs `dotnet-dump analyze -c "clrstack -all" -c dumpasync -c exit`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${1:-5}
WORK=$(mktemp -d /tmp/sideye-bench.XXXXXX)
trap '"$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
./sideye --help >/dev/null
dotnet tool restore >/dev/null
"$ROOT/dumps/slow-rpc/start.sh" "$WORK/demo" --wait-slow >/dev/null
SERVER=$(cat "$WORK/demo/server.pid")
sleep 2

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f\n", (b-a)*1000}'; }

: >"$WORK/pause" >"$WORK/snapwall" >"$WORK/collect" >"$WORK/dumpsnap" >"$WORK/analyze"
for i in $(seq "$RUNS"); do
  t0=$(now); ./sideye snap --pid "$SERVER" --out "$WORK/snaps" >"$WORK/out" 2>"$WORK/err"; t1=$(now)
  ms "$t0" "$t1" >>"$WORK/snapwall"
  grep -oE 'paused [0-9.]+ ms' "$WORK/err" | head -1 | awk '{print $2}' >>"$WORK/pause"
  rm -f "$WORK/core"
  t0=$(now); dotnet dotnet-dump collect -p "$SERVER" --type Full -o "$WORK/core" >/dev/null 2>&1; t1=$(now)
  ms "$t0" "$t1" >>"$WORK/collect"
  sleep 1
done
for i in $(seq "$RUNS"); do
  t0=$(now); ./sideye snap --dump "$WORK/core" --out "$WORK/snaps" >/dev/null 2>&1; t1=$(now)
  ms "$t0" "$t1" >>"$WORK/dumpsnap"
  t0=$(now); dotnet dotnet-dump analyze "$WORK/core" -c "clrstack -all" -c "dumpasync" -c exit >/dev/null 2>&1; t1=$(now)
  ms "$t0" "$t1" >>"$WORK/analyze"
done

P=$(median <"$WORK/pause") W=$(median <"$WORK/snapwall") C=$(median <"$WORK/collect")
D=$(median <"$WORK/dumpsnap") A=$(median <"$WORK/analyze")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", b/a}'; }
echo "| work | Sideye | peer tool | peer / Sideye |"
echo "|---|---|---|---|"
echo "| live server: target paused | $P ms (\`sideye snap --pid\`) | $C ms (\`dotnet-dump collect --type Full\`) | $(ratio "$P" "$C") |"
echo "| live server: whole command | $W ms | $C ms | $(ratio "$W" "$C") |"
echo "| dump: threads + async stacks | $D ms (\`sideye snap --dump\`) | $A ms (\`dotnet-dump analyze -c 'clrstack -all' -c dumpasync\`) | $(ratio "$D" "$A") |"
echo
echo "runs: $RUNS; dump size: $(du -m "$WORK/core" | cut -f1) MiB; pauses (ms): $(tr '\n' ' ' <"$WORK/pause")"
