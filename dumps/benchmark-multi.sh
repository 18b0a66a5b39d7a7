#!/usr/bin/env bash
# Benchmark of a snapshot of several processes at once, for docs/benchmarks.md: each process's clone is walked on a
# thread of its own, and since Session 11 with a DAC of its own (Target/PrivateDac). With one shared DAC the walks
# took turns on its lock.
#   dumps/benchmark-multi.sh [--heap-mb 200] [--processes 2] [--snaps 10]
# Starts N dumps/big-heap targets (on .NET 10) of HEAP MB each, then takes SNAPS `./sideye snap --pid ... --pid ...`
# of all of them, first each process with its own DAC copy (the default), then with the DAC shared
# (SIDEYE_SHARED_DAC=1, as before), alternating, and prints the medians of: the whole snap (wall clock), the longest
# walk of a snap (its "walked its clone in N ms" progress lines) and the sum of the walks. Then the same single-process
# snap with and without the crash isolation child (SIDEYE_CRASH_ISOLATION=0): what that costs a snap's wall clock.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
usage() { echo "usage: $0 [--heap-mb 200] [--processes 2] [--snaps 10]" >&2; exit 2; }
HEAP=200 PROCS=2 SNAPS=10
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --heap-mb) HEAP=$2 ;;
    --processes) PROCS=$2 ;;
    --snaps) SNAPS=$2 ;;
    *) usage ;;
  esac
  shift 2
done
say() { echo "benchmark-multi: $*" >&2; }
die() { say "$*"; exit 1; }
WORK=$(mktemp -d /tmp/sideye-bench-multi.XXXXXX)
TARGETS=()
cleanup() { for t in "${TARGETS[@]}"; do kill "$t" 2>/dev/null || true; done; for t in "${TARGETS[@]}"; do while kill -0 "$t" 2>/dev/null; do sleep 0.1; done; done; rm -rf "$WORK" || true; }
trap cleanup EXIT

./sideye --help >/dev/null
dotnet build dumps/big-heap/BigHeap.csproj -c Release -o dumps/big-heap/.build --nologo -v q --disable-build-servers \
  >"$WORK/build.log" 2>&1 || { tail -n 20 "$WORK/build.log" >&2; die "build of dumps/big-heap failed"; }
for i in $(seq 1 "$PROCS"); do
  setsid nohup dotnet dumps/big-heap/.build/BigHeap.dll --heap-mb "$HEAP" --gaps-file "$WORK/gaps$i" >"$WORK/target$i.log" 2>&1 </dev/null &
  TARGETS+=($!)
done
for i in $(seq 1 "$PROCS"); do
  deadline=$((SECONDS + 300))
  until grep -q '^READY ' "$WORK/target$i.log"; do
    (( SECONDS < deadline )) || die "big-heap $i: no READY after 300 s"
    sleep 0.2
  done
done
say "$PROCS big-heap targets of $HEAP MB ready: ${TARGETS[*]}"
sleep 5
PIDS=()
for t in "${TARGETS[@]}"; do PIDS+=(--pid "$t"); done

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.0f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
# snap_once ENV...: one snap of every target; appends "wall longest sum" to $WORK/$LABEL
snap_once() {
  local t0 t1 out=$WORK/snap.err
  t0=$(ms)
  env "$@" ./sideye snap "${PIDS[@]}" --out "$WORK/snapshots" >/dev/null 2>"$out" || { cat "$out" >&2; die "snap failed"; }
  t1=$(ms)
  local walks
  walks=$(grep -o 'walked its clone in [0-9]* ms' "$out" | grep -o '[0-9]*' || true)
  [[ $(wc -w <<<"$walks") -eq $PROCS ]] || { cat "$out" >&2; die "expected $PROCS walk lines"; }
  echo "$((t1 - t0)) $(tr ' ' '\n' <<<"$walks" | sort -n | tail -1) $(tr ' ' '\n' <<<"$walks" | awk '{s+=$1} END {print s}')" >>"$WORK/$LABEL"
}
for i in $(seq 1 "$SNAPS"); do
  LABEL=own snap_once SIDEYE_SHARED_DAC=0
  LABEL=shared snap_once SIDEYE_SHARED_DAC=1
  say "snap pair $i/$SNAPS done"
done
row() { echo "| $1 | $(cut -d' ' -f1 "$WORK/$2" | median) ms | $(cut -d' ' -f2 "$WORK/$2" | median) ms | $(cut -d' ' -f3 "$WORK/$2" | median) ms |"; }
echo
echo "$PROCS processes of $HEAP MB snapped together, $SNAPS snaps each way (medians); \`dumps/benchmark-multi.sh --heap-mb $HEAP --processes $PROCS --snaps $SNAPS\`:"
echo
echo "| DAC | whole snap | longest walk | sum of walks |"
echo "|---|---|---|---|"
row "one copy per process (now)" own
row "one shared (before)" shared

# The crash isolation child: one process, wall clock with and without it.
PIDS=(--pid "${TARGETS[0]}")
PROCS=1
for i in $(seq 1 "$SNAPS"); do
  LABEL=isolated snap_once SIDEYE_CRASH_ISOLATION=1
  LABEL=inprocess snap_once SIDEYE_CRASH_ISOLATION=0
done
echo
echo "One process of $HEAP MB, $SNAPS snaps each way (medians of the whole \`sideye snap\`, wall clock):"
echo
echo "| capture | whole snap |"
echo "|---|---|"
echo "| in a child process (crash isolation, now) | $(cut -d' ' -f1 "$WORK/isolated" | median) ms |"
echo "| in the sideye process (SIDEYE_CRASH_ISOLATION=0) | $(cut -d' ' -f1 "$WORK/inprocess" | median) ms |"
