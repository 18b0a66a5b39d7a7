#!/usr/bin/env bash
# Stop the slow-rpc demo started by start.sh OUTDIR: SIGTERM, then SIGKILL after 5 s.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out="$1"

for name in client server; do
  pidfile="$out/$name.pid"
  [[ -f "$pidfile" ]] || continue
  pid="$(cat "$pidfile")"
  # Only signal the pid if it is still our process (pids get reused).
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'SlowRpc\.'; then
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name $pid ignored SIGTERM, killing" >&2
      kill -KILL "$pid"
    fi
    echo "stopped $name $pid"
  fi
  rm -f "$pidfile"
done
