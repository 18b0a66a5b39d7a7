#!/usr/bin/env bash
# Build the slow-rpc demo (Release) and start server + client in the background.
# usage: start.sh OUTDIR [--hold-ms N] [--slow-ms N] [--clients N] [--wait-slow] [--rate-file PATH] [--grpc-client-version V]
#                [--runtime 11]
# Writes OUTDIR/{server,client}.pid, server.url, server.log, client.log, build.log. --rate-file is passed to the
# client (completed calls per 100 ms window, appended to PATH); without it the client runs as it always did.
# --grpc-client-version builds the client against that Grpc.Net.Client from NuGet (a copy of its sources under
# .build/, so the usual build is untouched): what the built-in gRPC recognizer meets in an older library.
# --runtime 11 runs both (built for net10.0) on the .NET 11.0.0 runtime laid out by dumps/dotnet11/setup.sh, by
# roll-forward: the framework's async methods are then runtime async (issue ".NET 11"). SIDEYE_TARGET_RUNTIME=11 is
# the same (the test suite's pass on 11 sets it).
# Both processes keep running after this script returns; stop them with stop.sh OUTDIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { echo "usage: $0 OUTDIR [--hold-ms N] [--slow-ms N] [--clients N] [--wait-slow] [--rate-file PATH] [--grpc-client-version V] [--runtime 11]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
mkdir -p "$1"
out="$(cd "$1" && pwd)"
shift

hold_ms=60000 slow_ms=1000 clients=100 wait_slow=0 client_extra=() grpc_version= runtime=${SIDEYE_TARGET_RUNTIME:-10}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hold-ms) hold_ms="$2"; shift 2 ;;
    --slow-ms) slow_ms="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --wait-slow) wait_slow=1; shift ;;
    --rate-file) [[ $# -ge 2 ]] || usage; client_extra+=(--rate-file "$2"); shift 2 ;;
    --grpc-client-version) [[ $# -ge 2 ]] || usage; grpc_version="$2"; shift 2 ;;
    --runtime) [[ $# -ge 2 && ( $2 == 10 || $2 == 11 ) ]] || usage; runtime="$2"; shift 2 ;;
    *) usage ;;
  esac
done

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
if alive "$out/server.pid" || alive "$out/client.pid"; then
  echo "start.sh: demo already running for $out (run stop.sh $out first)" >&2
  exit 1
fi
rm -f "$out"/{server,client}.pid "$out/server.url" "$out"/{server,client}.log

fail() {
  echo "start.sh: $*" >&2
  for f in server client; do [[ -f "$out/$f.log" ]] && { echo "--- $f.log" >&2; tail -n 20 "$out/$f.log" >&2; }; done
  "$here/stop.sh" "$out" >/dev/null 2>&1 || true
  exit 1
}

ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }

# Build output goes to .build/ (gitignored), not OUTDIR, so repeated runs reuse it.
# No build servers: nothing of ours should outlive stop.sh.
t0=$(ms)
for p in Server Client; do
  dotnet build "$here/$p" -c Release -o "$here/.build/${p,,}" --nologo -v q --disable-build-servers >>"$out/build.log" 2>&1 \
    || fail "build of $p failed, see $out/build.log"
done
client_dir="$here/.build/client"
if [[ -n $grpc_version ]]; then
  src="$here/.build/grpc-$grpc_version"
  rm -rf "$src" && mkdir -p "$src/Client"
  cp "$here"/Client/*.cs "$here"/Client/*.csproj "$src/Client/" && cp -r "$here/Protos" "$src/"
  client_dir="$here/.build/client-$grpc_version"
  dotnet build "$src/Client" -c Release -p:GrpcNetClientVersion="$grpc_version" -o "$client_dir" --nologo -v q --disable-build-servers \
    >>"$out/build.log" 2>&1 || fail "build of the client with Grpc.Net.Client $grpc_version failed, see $out/build.log"
fi
echo "built in $(( $(ms) - t0 )) ms"

# wait_for FILE PATTERN TIMEOUT_S PIDFILE: poll FILE for PATTERN while the process is alive.
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    [[ -n "$4" ]] && ! kill -0 "$(cat "$4")" 2>/dev/null && fail "process from $4 exited"
    (( SECONDS < deadline )) || fail "timed out after $3 s waiting for '$2' in $1"
    sleep 0.1
  done
}

dotnet=(dotnet)
if [[ $runtime == 11 ]]; then
  root11=$("$here/../dotnet11/setup.sh") || fail "dumps/dotnet11/setup.sh failed"
  dotnet=(env DOTNET_ROOT="$root11" DOTNET_ROLL_FORWARD=Major "$root11/dotnet")
fi

# setsid + nohup: own session, so the processes outlive this script and the caller's terminal.
# Both exec in place, so $! is the dotnet process itself (checked against the READY line below).
t0=$(ms)
setsid nohup "${dotnet[@]}" "$here/.build/server/SlowRpc.Server.dll" --hold-ms "$hold_ms" \
  >"$out/server.log" 2>&1 </dev/null &
echo $! >"$out/server.pid"
wait_for "$out/server.log" '^READY ' 60 "$out/server.pid"
read -r _ server_pid url < <(grep -m1 '^READY ' "$out/server.log")
[[ "$server_pid" == "$(cat "$out/server.pid")" ]] || fail "server READY pid $server_pid != launched pid $(cat "$out/server.pid")"
echo "$url" >"$out/server.url"
echo "server $server_pid ready at $url after $(( $(ms) - t0 )) ms"

t0=$(ms)
setsid nohup "${dotnet[@]}" "$client_dir/SlowRpc.Client.dll" --server "$url" --clients "$clients" --slow-ms "$slow_ms" "${client_extra[@]}" \
  >"$out/client.log" 2>&1 </dev/null &
echo $! >"$out/client.pid"
wait_for "$out/client.log" '^READY ' 60 "$out/client.pid"
echo "client $(cat "$out/client.pid") ready after $(( $(ms) - t0 )) ms"

if (( wait_slow )); then
  t0=$(ms)
  wait_for "$out/client.log" '^INFLIGHT-SLOW ' 120 "$out/client.pid"
  echo "in-flight slow RPC after $(( $(ms) - t0 )) ms: $(grep -m1 '^INFLIGHT-SLOW ' "$out/client.log")"
fi
