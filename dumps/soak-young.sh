#!/usr/bin/env bash
# Snapshots of young processes: the slow-rpc demo started afresh for each snapshot and snapped (both processes) as soon
# as it serves, with CPU burners beside it. A young process is still loading types and compiling code, and a frozen
# instant then often holds a runtime table half-updated, which the DAC cannot read (docs/architecture.md, clone mode).
#   dumps/soak-young.sh [--runs 12] [--runtime 11] [--burners 3]
# Prints, per run, the snap's exit code and any retake line (a capture process lost to a signal, a stalled walk), then
# a summary. Exits 1 if any snapshot was not taken.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
usage() { echo "usage: $0 [--runs 12] [--runtime 10|11] [--burners N]" >&2; exit 2; }
RUNS=12 RUNTIME=11 BURNERS=3
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --runs) RUNS=$2 ;;
    --runtime) RUNTIME=$2 ;;
    --burners) BURNERS=$2 ;;
    *) usage ;;
  esac
  shift 2
done
WORK=$(mktemp -d /tmp/sideye-soak-young.XXXXXX)
BURNING=()
cleanup() {
  for b in "${BURNING[@]}"; do kill "$b" 2>/dev/null || true; done
  dumps/slow-rpc/stop.sh "$WORK/demo" >/dev/null 2>&1 || true
  rm -rf "$WORK" || true
}
trap cleanup EXIT
./sideye --help >/dev/null
for _ in $(seq 1 "$BURNERS"); do (while :; do :; done) & BURNING+=($!); done
failed=0 crashes=0 stalls=0
for i in $(seq 1 "$RUNS"); do
  dumps/slow-rpc/stop.sh "$WORK/demo" >/dev/null 2>&1 || true
  dumps/slow-rpc/start.sh "$WORK/demo" --hold-ms 4000 --wait-slow --runtime "$RUNTIME" >/dev/null 2>"$WORK/start.err" \
    || { cat "$WORK/start.err" >&2; exit 1; }
  t0=${EPOCHREALTIME/./}
  rc=0
  timeout 300 ./sideye snap --pid "$(cat "$WORK/demo/server.pid")" --pid "$(cat "$WORK/demo/client.pid")" \
    --out "$WORK/snapshots" >/dev/null 2>"$WORK/snap.err" || rc=$?
  t1=${EPOCHREALTIME/./}
  echo "run $i: exit $rc in $(( (t1 - t0) / 1000 )) ms"
  grep -h "died of\|could not be walked\|error:" "$WORK/snap.err" | sed 's/^/  /' || true
  crashes=$((crashes + $(grep -c "the capture died of" "$WORK/snap.err" || true)))
  stalls=$((stalls + $(grep -c "^  warning: its first" "$WORK/snap.err" || true)))
  [[ $rc -eq 0 ]] || failed=$((failed + 1))
done
echo "soak-young.sh: $RUNS snapshots of a fresh slow-rpc demo on .NET $RUNTIME: $((RUNS - failed)) taken, $crashes capture process(es) lost to a signal and taken again, $stalls stalled walk(s) taken again"
[[ $failed -eq 0 ]]
