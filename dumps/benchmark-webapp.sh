#!/usr/bin/env bash
# The web app's speed, for docs/benchmarks.md: a real Chromium (Debian's, through Playwright) against `sideye serve`,
# on a generated snapshot of N stacks (default 100000) and, with --demo, on a live snapshot of the slow-rpc demo.
# Times from navigation to the stacks view's first group and to the flame graph drawn, and a focus click on the
# flame graph until it shows the focused count. Medians of --runs (default 5). Prints markdown.
#   dumps/benchmark-webapp.sh [--stacks N] [--runs N] [--demo]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACKS=100000 RUNS=5 DEMO=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --stacks) STACKS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --demo) DEMO=1; shift ;;
    *) echo "usage: $0 [--stacks N] [--runs N] [--demo]" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d /tmp/sideye-webapp-bench.XXXXXX)
SERVE_PID=
cleanup() {
  if [[ -n $SERVE_PID ]]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  if ((DEMO)); then "$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK" || true
}
trap cleanup EXIT

"$ROOT/sideye" --help >/dev/null
dotnet build "$ROOT/dumps/webapp-bench/WebAppBench.csproj" -c Release -o "$WORK/bench" -nologo -v q >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }

bench() { # name, snapshots dir, spec
  local port base id
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  base=http://127.0.0.1:$port
  id=$(basename "$(ls -d "$2"/*/ | head -n 1)")
  "$ROOT/sideye" serve --snapshots "$2" --spec "$3" --urls "$base" >"$WORK/serve-$1.log" 2>&1 &
  SERVE_PID=$!
  until curl -sf "$base/api/snapshots" | grep -q "$id"; do sleep 0.1; done
  curl -sf "$base/api/snapshots/$id/stacks" >/dev/null # the server's first read of the stacks, not the app's
  echo
  echo "### $1 (snapshot $id, $RUNS runs)"
  echo
  echo "| Measure | Median | Min | Max |"
  echo "|---|---|---|---|"
  dotnet "$WORK/bench/WebAppBench.dll" "$base" "$id" "$RUNS" | while IFS=$'\t' read -r name med min max; do
    echo "| $name | $med ms | $min ms | $max ms |"
  done
  kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=
}

"$ROOT/sideye" generate --stacks "$STACKS" --frames $((STACKS * 10)) --captured-rows "$STACKS" --out "$WORK/generated" 2>/dev/null | tail -n 1 >/dev/null
bench "Generated, $STACKS stacks" "$WORK/generated" "$WORK/generated/sideye.yaml"

if ((DEMO)); then
  "$ROOT/dumps/slow-rpc/start.sh" "$WORK/demo" --wait-slow >/dev/null
  cp "$ROOT/dumps/slow-rpc/sideye.yaml" "$WORK/sideye.yaml"
  "$ROOT/sideye" snap --pid "$(cat "$WORK/demo/server.pid")" --pid "$(cat "$WORK/demo/client.pid")" --spec "$WORK/sideye.yaml" \
    --out "$WORK/demo-snapshots" 2>/dev/null | tail -n 1 >/dev/null
  "$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null
  bench "The slow-rpc demo" "$WORK/demo-snapshots" "$WORK/sideye.yaml"
fi
