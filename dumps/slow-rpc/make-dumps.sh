#!/usr/bin/env bash
# Start the demo with a short hold, wait until a slow RPC is in flight, then take full dumps
# of the server and the client (OUTDIR/server.core, OUTDIR/client.core) and stop both.
# usage: make-dumps.sh OUTDIR [--hold-ms N]   (dumps are large; never commit them)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
[[ $# -ge 1 ]] || { echo "usage: $0 OUTDIR [--hold-ms N]" >&2; exit 2; }
mkdir -p "$1"
out="$(cd "$1" && pwd)"
shift
hold_ms=8000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hold-ms) hold_ms="$2"; shift 2 ;;
    *) echo "usage: $0 OUTDIR [--hold-ms N]" >&2; exit 2 ;;
  esac
done

# dotnet-dump comes from the repo's tool manifest (.config/dotnet-tools.json).
(cd "$repo" && dotnet tool restore >/dev/null)

trap '"$here/stop.sh" "$out" >/dev/null' EXIT
rm -f "$out/server.core" "$out/client.core"
"$here/start.sh" "$out" --hold-ms "$hold_ms" --wait-slow

# Server first, then client, one after the other. Collecting both at once skews the picture: whichever
# process createdump freezes first stops the traffic, so a frozen client leaves the server with only the
# blocked handler, whereas a frozen server only makes the client's (always pending) calls wait longer.
t0=$SECONDS
for name in server client; do
  (cd "$repo" && dotnet dotnet-dump collect -p "$(cat "$out/$name.pid")" --type Full -o "$out/$name.core") \
    >"$out/dump-$name.log" 2>&1 || { echo "$name dump failed:" >&2; cat "$out/dump-$name.log" >&2; exit 1; }
done
echo "dumps collected in $((SECONDS - t0)) s"
echo "$out/server.core"
echo "$out/client.core"
