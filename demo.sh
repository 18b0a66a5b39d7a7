#!/usr/bin/env bash
# The demo investigation, end to end (the .NET port of Side-Eye's slow-rpc walkthrough):
# builds everything, starts the slow-rpc server and client, waits until a slow RPC is in flight,
# snapshots both processes in one go, starts the query server on the snapshots, and asks it the
# walkthrough's first questions. Leaves the query server running until Ctrl-C (or exits with --exit).
#   ./demo.sh [--exit] [--port N] [--hold-ms N]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
EXIT_AFTER=0 PORT=5480 HOLD_MS=60000
while [[ $# -gt 0 ]]; do
  case $1 in
    --exit) EXIT_AFTER=1; shift ;;
    --port) PORT=$2; shift 2 ;;
    --hold-ms) HOLD_MS=$2; shift 2 ;;
    *) echo "usage: $0 [--exit] [--port N] [--hold-ms N]" >&2; exit 2 ;;
  esac
done
WORK=$ROOT/demo-out
DEMO=$WORK/slow-rpc
SERVE_PID=
cleanup() {
  [[ -n $SERVE_PID ]] && kill "$SERVE_PID" 2>/dev/null || true
  "$ROOT/dumps/slow-rpc/stop.sh" "$DEMO" >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$ROOT/dumps/slow-rpc/stop.sh" "$DEMO" >/dev/null 2>&1 || true

echo "== 1. Build Sideye (first run takes a minute)"
./sideye --help >/dev/null
dotnet tool restore >/dev/null

echo "== 2. Start the slow-rpc server and 100 logical clients; wait for a slow RPC in flight"
"$ROOT/dumps/slow-rpc/start.sh" "$DEMO" --hold-ms "$HOLD_MS" --wait-slow
SERVER=$(cat "$DEMO/server.pid") CLIENT=$(cat "$DEMO/client.pid")

echo "== 3. Snapshot both processes (server $SERVER, client $CLIENT) with the walkthrough's spec"
# The query server versions the spec file it serves (PUT /api/spec): give it a copy of the repo's.
SPEC=$WORK/sideye.yaml
cp "$ROOT/dumps/slow-rpc/sideye.yaml" "$SPEC"
SNAP=$(./sideye snap --pid "$SERVER" --pid "$CLIENT" --spec "$SPEC" --out "$WORK/snapshots" | tail -n 1)
ID=$(basename "$SNAP")
echo "snapshot: $SNAP"

echo "== 4. Start the query server"
BASE=http://127.0.0.1:$PORT
./sideye serve --snapshots "$WORK/snapshots" --spec "$SPEC" --urls "$BASE" --allow-capture --source-root dumps/slow-rpc >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 120); do curl -sf "$BASE/api/snapshots" >/dev/null && break; sleep 0.5; done
curl -sf "$BASE/api/snapshots" >/dev/null || { echo "query server did not start; see $WORK/serve.log" >&2; exit 1; }

q() { # print a query's rows as a table
  python3 - "$BASE" "$ID" "$1" <<'PY'
import json, sys, urllib.request
base, sid, sql = sys.argv[1:4]
req = urllib.request.Request(f"{base}/api/snapshots/{sid}/query", data=json.dumps({"sql": sql}).encode(),
                             headers={"Content-Type": "application/json"})
body = json.load(urllib.request.urlopen(req))
rows = [[("" if c is None else str(c)) for c in r] for r in body["rows"]]
widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(body["columns"])]
print("  " + "  ".join(h.ljust(w) for h, w in zip(body["columns"], widths)))
for r in rows:
    print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)))
PY
}

echo
echo "== 5. The walkthrough's questions, answered by SQL over the snapshot"
echo "-- Where are the 100 logical clients? (async stacks, each joined to its gRPC call down to the HTTP/2 stream)"
q "SELECT s.pid, s.kind, f.method, count(*) AS stacks,
          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM frames h WHERE h.stack_id = s.stack_id AND h.method LIKE 'System.Net.Http.Http2Connection.Http2Stream.%')) AS reaching_http2
   FROM stacks s JOIN frames f USING (stack_id)
   WHERE f.method = 'SlowRpc.Client.LogicalClient.RunClientAsync' GROUP BY ALL"
echo "-- Which server handler has waited longest, and whose call is it? (built-in: request starts, the gRPC link to the client)"
q "SELECT s.stack_id AS handler_stack, round(s.wait_ms) AS waited_ms, s.awaiting, g.stream_id, c.stack_id AS client_stack,
          c.local_endpoint AS client_endpoint, c.method
   FROM stacks s JOIN grpc_server_calls g USING (stack_id)
   JOIN grpc_client_calls c ON c.stream_id = g.stream_id AND c.local_endpoint = g.remote_endpoint AND c.remote_endpoint = g.local_endpoint
   ORDER BY s.wait_ms DESC NULLS LAST LIMIT 3"
echo "-- What are the server's GetInfo handlers doing? (grouped by the line they await at)"
q "SELECT f.line, s.awaiting, count(*) AS handlers FROM stacks s JOIN frames f USING (stack_id)
   WHERE f.method = 'SlowRpc.Server.InfoService.GetInfo' GROUP BY ALL ORDER BY handlers DESC"
echo "-- What lock is it waiting on? (built-in: locks and their waiters; a SemaphoreSlim records no owner)"
q "SELECT l.kind, l.current_count, l.max_count, count(w.stack_id) AS waiting_stacks, l.owner_note
   FROM locks l JOIN lock_waiters w USING (pid, lock_address) GROUP BY ALL"
echo "-- Who holds the lock the slow handler waits for? (thread stacks in ProcessClient)"
q "SELECT s.thread_name, s.os_thread_id, f.method, f.file, f.line FROM stacks s JOIN frames f USING (stack_id)
   WHERE f.method LIKE '%BackgroundProcessor.ProcessClient'"
echo "-- Which handler sees its client being processed? (variables captured by the spec, by name)"
q "SELECT stack_id, request->'ClientId' AS request_client, cs->'NumCalls' AS num_calls, processing, last_background_service_time
   FROM InfoService_GetInfo WHERE cs->'Mu.Processing' = 'true'"
echo "-- ... and which frame is processing that very ClientState object? (the spec's link: same cs address)"
q "SELECT g.stack_id AS handler_stack, p.stack_id AS processor_stack, p.cs->'ClientId' AS client, g.cs_addr
   FROM InfoService_GetInfo g JOIN BackgroundProcessor_ProcessClient p ON g.cs_addr = p.cs_addr"
echo "-- Every handler, by whether its client is being processed"
q "SELECT processing, count(*) AS handlers FROM InfoService_GetInfo GROUP BY ALL ORDER BY ALL"
echo "-- How long was each process paused?"
q "SELECT pid, name, round(pause_ms, 1) AS pause_ms, thread_count, async_stack_count FROM processes"

# The blocked handler's row, for the links example below.
HANDLER=$(python3 - "$BASE" "$ID" <<'PY'
import json, sys, urllib.request
base, sid = sys.argv[1:3]
req = urllib.request.Request(f"{base}/api/snapshots/{sid}/query", headers={"Content-Type": "application/json"},
                             data=json.dumps({"sql": "SELECT min(stack_id) FROM InfoService_GetInfo WHERE processing"}).encode())
print(json.load(urllib.request.urlopen(req))["rows"][0][0] or "STACK_ID")
PY
)

cat <<EOF2

== The web app: $BASE/#/s/$ID/flame   (open it in a browser: the flame graph of this snapshot)

== Query server: $BASE   (snapshot $ID)
  Snapshots:    curl $BASE/api/snapshots
  Snapshot now: curl -X POST -H 'Content-Type: application/json' -d '{"pids":[$SERVER,$CLIENT]}' $BASE/api/snapshots
  SQL:          curl -X POST -H 'Content-Type: application/json' -d '{"sql":"SELECT kind, count(*) FROM stacks GROUP BY kind"}' $BASE/api/snapshots/$ID/query
  Stacks view:  curl '$BASE/api/snapshots/$ID/stacks?contains=GetInfo'
  Links:        curl '$BASE/api/snapshots/$ID/links?table=InfoService_GetInfo&stack_id=$HANDLER'   (from the blocked handler to ProcessClient)
  Spec:         curl $BASE/api/spec   (PUT a new one: new columns apply to old snapshots)
  Flame graph:  curl $BASE/api/snapshots/$ID/flamegraph      (?format=folded or ?format=speedscope too)
  OpenAPI:      $BASE/swagger/v1/swagger.json
EOF2
if ((EXIT_AFTER)); then exit 0; fi
echo "Serving until Ctrl-C (the demo processes are stopped then)."
wait "$SERVE_PID"
