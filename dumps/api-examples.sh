#!/usr/bin/env bash
# Writes docs/api.md: one real example per REST endpoint of the query server, taken against the slow-rpc demo.
#   dumps/api-examples.sh [OUT]      (default docs/api.md)
# Starts the demo (short hold), `./sideye serve --allow-capture` with the demo's spec, takes a snapshot through
# POST /api/snapshots, then calls every endpoint and records the command and the (shortened) answer. Rerun it
# when an endpoint changes: the page is generated, so it stays true.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${1:-docs/api.md}
WORK=$(mktemp -d /tmp/sideye-api.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
SERVE=
cleanup() {
  if [[ -n $SERVE ]]; then kill "$SERVE" 2>/dev/null || true; wait "$SERVE" 2>/dev/null || true; fi
  "$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null 2>&1 || true
  rm -rf "$WORK" || true
}
trap cleanup EXIT
./sideye --help >/dev/null
"$ROOT/dumps/slow-rpc/start.sh" "$WORK/demo" --hold-ms 5000 --wait-slow >/dev/null
SERVER=$(cat "$WORK/demo/server.pid") CLIENT=$(cat "$WORK/demo/client.pid")
mkdir -p "$WORK/snapshots"
cp dumps/slow-rpc/sideye.yaml "$WORK/sideye.yaml"
./sideye serve --snapshots "$WORK/snapshots" --spec "$WORK/sideye.yaml" --urls "$BASE" --allow-capture --source-root dumps/slow-rpc >"$WORK/serve.log" 2>&1 &
SERVE=$!
for _ in $(seq 120); do curl -sf "$BASE/api/health" >/dev/null && break; sleep 0.5; done

# Shortens an answer for the page: JSON pretty-printed, long arrays cut to their first items.
shorten() {
  python3 -c '
import json, sys
def cut(v, depth=0):
    if isinstance(v, list):
        items = [cut(x, depth + 1) for x in v[:3]]
        return items + (["... %d more" % (len(v) - 3)] if len(v) > 3 else [])
    if isinstance(v, dict):
        return {k: cut(x, depth + 1) for k, x in v.items()}
    if isinstance(v, str) and len(v) > 160:
        return v[:160] + "..."
    return v
text = sys.stdin.read()
try:
    print(json.dumps(cut(json.loads(text)), indent=2)[:4000])
except ValueError:
    print("\n".join(text.splitlines()[:12]))
'
}
example() { # title, curl arguments...
  local title=$1; shift
  printf '\n### %s\n\n```sh\ncurl %s\n```\n\n```json\n' "$title" \
    "$(python3 -c 'import shlex, sys; print(" ".join(shlex.quote(a) for a in sys.argv[1:]))' "$@")" >>"$OUT.tmp"  # pastable
  curl -s "$@" | shorten >>"$OUT.tmp"
  printf '```\n' >>"$OUT.tmp"
}

SNAP=$(curl -s -X POST -H 'Content-Type: application/json' -d "{\"pids\":[$SERVER,$CLIENT]}" "$BASE/api/snapshots")
ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["snapshot"]["id"])' "$SNAP")
SQL() { printf '{"sql": "%s"}' "$1"; }
HANDLER=$(curl -s -X POST -H 'Content-Type: application/json' -d "$(SQL "SELECT stack_id FROM InfoService_GetInfo WHERE processing = 'true' LIMIT 1")" "$BASE/api/snapshots/$ID/query" | python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"]; print(r[0][0] if r else 1)')
CALL=$(curl -s -X POST -H 'Content-Type: application/json' -d "$(SQL "SELECT stack_id FROM grpc_client_calls LIMIT 1")" "$BASE/api/snapshots/$ID/query" | python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"]; print(r[0][0] if r else 1)')

cat >"$OUT.tmp" <<EOF2
# The query server's REST API, by example

Every endpoint, called for real against the slow-rpc demo (\`dumps/api-examples.sh\` wrote this page on
$(date -u +%Y-%m-%d); long answers are cut to their first items). The OpenAPI document is at
\`/swagger/v1/swagger.json\`; [src/QueryServer/README.md](../src/QueryServer/README.md) lists the endpoints and
the decisions behind them. The server here was started with:

\`\`\`sh
./sideye serve --snapshots snapshots --spec sideye.yaml --urls $BASE --allow-capture --source-root dumps/slow-rpc
\`\`\`
EOF2
example "Health" "$BASE/api/health"
example "This machine's .NET processes (with --allow-capture)" "$BASE/api/processes"
printf '\n### Take a snapshot (with --allow-capture)\n\n```sh\ncurl -X POST -H '"'"'Content-Type: application/json'"'"' -d '"'"'{"pids":[%s,%s]}'"'"' %s/api/snapshots\n```\n\n```json\n' "$SERVER" "$CLIENT" "$BASE" >>"$OUT.tmp"
echo "$SNAP" | shorten >>"$OUT.tmp"; printf '```\n' >>"$OUT.tmp"
example "List snapshots" "$BASE/api/snapshots"
example "One snapshot's manifest" "$BASE/api/snapshots/$ID"
example "SQL over a snapshot" -X POST -H 'Content-Type: application/json' -d "$(SQL "SELECT kind, awaiting, count(*) AS n, max(wait_ms) AS longest_ms FROM stacks GROUP BY ALL ORDER BY n DESC")" "$BASE/api/snapshots/$ID/query"
example "SQL over every snapshot" -X POST -H 'Content-Type: application/json' -d "$(SQL "SELECT snapshot_id, count(*) AS stacks FROM stacks GROUP BY ALL")" "$BASE/api/query"
example "Stacks, grouped (with each group's longest wait)" "$BASE/api/snapshots/$ID/stacks?contains=GetInfo"
example "One stack, whole" "$BASE/api/snapshots/$ID/stacks/$HANDLER"
example "Flame graph (folded)" "$BASE/api/snapshots/$ID/flamegraph?format=folded&contains=GetInfo"
SOURCE=$(curl -s -X POST -H 'Content-Type: application/json' -d "$(SQL "SELECT file, line FROM frames WHERE method = 'SlowRpc.Server.InfoService.GetInfo' AND line IS NOT NULL LIMIT 1")" "$BASE/api/snapshots/$ID/query" | python3 -c 'import json,sys,urllib.parse; r=json.load(sys.stdin)["rows"]; print("file=%s&line=%s" % (urllib.parse.quote(r[0][0], safe=""), r[0][1]) if r else "file=none&line=1")')
example "A frame's source lines (with --source-root)" "$BASE/api/snapshots/$ID/source?$SOURCE&context=2"
example "Links from a row (the spec's link)" "$BASE/api/snapshots/$ID/links?table=InfoService_GetInfo&stack_id=$HANDLER"
example "Links from a row (the built-in gRPC link)" "$BASE/api/snapshots/$ID/links?table=grpc_client_calls&stack_id=$CALL"
example "Links from the rows of several stacks (a table page's, in one request)" "$BASE/api/snapshots/$ID/links/batch?table=InfoService_GetInfo&stack_id=$HANDLER&stack_id=$CALL"
example "Tables" "$BASE/api/snapshots/$ID/tables"
example "A table's rows, paged" "$BASE/api/snapshots/$ID/tables/InfoService_GetInfo?limit=2&order_by=stack_id"
example "Function names (autocomplete)" "$BASE/api/snapshots/$ID/functions?prefix=GetInfo"
example "A function's variables (what a spec can capture there)" "$BASE/api/snapshots/$ID/variables?function=SlowRpc.Server.InfoService.GetInfo"
example "Full-text search" "$BASE/api/snapshots/$ID/search?text=BackgroundProcessor"
example "Compare two snapshots" "$BASE/api/diff?from=$ID&to=$ID"
example "The spec in force" "$BASE/api/spec"
example "Check a spec without saving it (valid)" -X POST -H 'Content-Type: application/yaml' --data-binary $'functions:\n  - function: SlowRpc.Server.InfoService.GetInfo\n    capture: [request, cs]\n' "$BASE/api/spec/check"
example "Check a spec without saving it (a typo)" -X POST -H 'Content-Type: application/yaml' --data-binary $'functions:\n  - function: SlowRpc.Server.InfoService.GetInfo\n    captrue: [request, cs]\n' "$BASE/api/spec/check"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT"
