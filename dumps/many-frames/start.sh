#!/usr/bin/env bash
# Build the many-frames benchmark target (Release) and start it in the background.
# usage: start.sh OUTDIR [--frames N] [--threads N]
# Writes OUTDIR/many-frames.pid, many-frames.log and build.log; returns once every frame is parked
# (the READY line). The process keeps running after this script returns; stop it with stop.sh OUTDIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { echo "usage: $0 OUTDIR [--frames N] [--threads N]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
mkdir -p "$1"
out="$(cd "$1" && pwd)"
shift

frames=5000 threads=32
while [[ $# -gt 0 ]]; do
  case "$1" in
    --frames) frames="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) usage ;;
  esac
done

pidfile="$out/many-frames.pid" log="$out/many-frames.log"
if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "start.sh: many-frames already running for $out (run stop.sh $out first)" >&2
  exit 1
fi
rm -f "$pidfile" "$log"

fail() {
  echo "start.sh: $*" >&2
  [[ -f "$log" ]] && { echo "--- many-frames.log" >&2; tail -n 20 "$log" >&2; }
  "$here/stop.sh" "$out" >/dev/null 2>&1 || true
  exit 1
}

ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }

# Build output goes to .build/ (gitignored), not OUTDIR, so repeated runs reuse it. No build servers.
t0=$(ms)
dotnet build "$here/ManyFrames.csproj" -c Release -o "$here/.build" --nologo -v q --disable-build-servers >>"$out/build.log" 2>&1 \
  || fail "build failed, see $out/build.log"
echo "built in $(( $(ms) - t0 )) ms"

# setsid + nohup: own session, so the process outlives this script and the caller's terminal.
# exec in place, so $! is the dotnet process itself (checked against the READY line below).
t0=$(ms)
setsid nohup dotnet "$here/.build/ManyFrames.dll" --frames "$frames" --threads "$threads" >"$log" 2>&1 </dev/null &
echo $! >"$pidfile"
deadline=$((SECONDS + 120))
until grep -q '^READY ' "$log" 2>/dev/null; do
  kill -0 "$(cat "$pidfile")" 2>/dev/null || fail "process exited"
  (( SECONDS < deadline )) || fail "timed out after 120 s waiting for READY"
  sleep 0.1
done
read -r _ pid rest < <(grep -m1 '^READY ' "$log")
[[ "$pid" == "$(cat "$pidfile")" ]] || fail "READY pid $pid != launched pid $(cat "$pidfile")"
echo "many-frames $pid ready after $(( $(ms) - t0 )) ms: $rest"
