#!/usr/bin/env bash
# Stop the many-frames target started by start.sh OUTDIR: SIGTERM, then SIGKILL after 5 s.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
pidfile="$1/many-frames.pid"
[[ -f "$pidfile" ]] || exit 0
pid="$(cat "$pidfile")"
# Only signal the pid if it is still our process (pids get reused).
if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'ManyFrames\.dll'; then
  kill -TERM "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "many-frames $pid ignored SIGTERM, killing" >&2
    kill -KILL "$pid"
  fi
  echo "stopped many-frames $pid"
fi
rm -f "$pidfile"
