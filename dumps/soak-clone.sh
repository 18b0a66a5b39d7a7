#!/usr/bin/env bash
# Soak of clone-mode snapshots: many consecutive `./sideye snap --pid SERVER --pid CLIENT --pause-mode clone` of the
# loaded slow-rpc demo, checking that the targets come out of it unharmed.
#   dumps/soak-clone.sh [--snaps N | --short]     (default 1000 snapshots; --short = 50)
# Starts the demo (dumps/slow-rpc/start.sh, --hold-ms 2000, the client writing its completed calls per 100 ms
# window to a rate file), measures the RPC rate for 3 s, then takes the snapshots back to back (each deleted at
# once) and fails (exit 1, saying what failed) when:
#   - a target died;
#   - a target has a zombie child, or any child that was not there at the start (a clone left behind);
#   - a target's fd count (/proc/PID/fd) grew by more than 20 over the run;
#   - a target's VmRSS grew by more than 25% from the average after the first 10 snapshots to that after the last 10;
#   - the client's RPC rate did not recover within 1 s after a snapshot command ended: no 100 ms window ending in
#     (end, end + 1 s] with at least half the median window count measured before the soak;
#   - a snapshot command failed, or left a process out (a partial snapshot: no `paused X ms` line for it).
# Prints a summary on stdout: snapshots, pauses as Sideye reports them, rate dips, fds and VmRSS start -> end,
# zombies. Without --pause-mode in ./sideye (before clone mode), it runs in stop mode, with a notice.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
usage() { echo "usage: $0 [--snaps N | --short]" >&2; exit 2; }
SNAPS=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --snaps) [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || usage; SNAPS=$2; shift 2 ;;
    --short) SNAPS=50; shift ;;
    *) usage ;;
  esac
done

WORK=$(mktemp -d /tmp/sideye-soak.XXXXXX)
KEEP=0
cleanup() {
  "$ROOT/dumps/slow-rpc/stop.sh" "$WORK/demo" >/dev/null 2>&1 || true
  if (( KEEP )); then echo "soak-clone.sh: logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
say() { echo "soak-clone.sh: $*" >&2; }
FAILURES=()
fail_later() { FAILURES+=("$*"); say "FAIL: $*"; }

./sideye --help >/dev/null
if ./sideye snap --help | grep -q -- --pause-mode; then
  MODE=(--pause-mode clone) MODE_NAME="clone mode"
else
  MODE=() MODE_NAME="stop mode (this ./sideye has no --pause-mode yet)"
  say "notice: this ./sideye has no --pause-mode (clone mode not merged yet): soaking stop mode instead"
fi

say "starting the slow-rpc demo"
"$ROOT/dumps/slow-rpc/start.sh" "$WORK/demo" --hold-ms 2000 --rate-file "$WORK/demo/rate" >"$WORK/start.log" 2>&1 \
  || { cat "$WORK/start.log" >&2; exit 1; }
SERVER=$(cat "$WORK/demo/server.pid") CLIENT=$(cat "$WORK/demo/client.pid")
declare -A NAME=([$SERVER]=server [$CLIENT]=client)
PIDS=("$SERVER" "$CLIENT")

ms_now() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
fds() { ls "/proc/$1/fd" | wc -l; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
children() { { ps --ppid "$1" -o pid=,stat= || true; } | awk '{print $1, $2}'; } # ps exits 1 when there are none
# stats FILE: "median p99" (nearest rank) of the numbers in FILE.
stats() {
  sort -n "$1" | awk '{a[NR] = $1} END {
    if (NR == 0) { print "n/a n/a"; exit }
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    r = int(0.99 * NR); if (r < 0.99 * NR) r++
    printf "%.1f %.1f\n", m, a[r] }'
}

# The rate before the soak: the median completed calls per 100 ms window over 3 s, after 2 s of warming up.
sleep 2
r0=$(ms_now); sleep 3; r1=$(ms_now)
RATE_MEDIAN=$(awk -v s="$r0" -v e="$r1" '$1 > s && $1 <= e {print $2}' "$WORK/demo/rate" | sort -n \
  | awk '{a[NR] = $1} END {print NR ? a[int((NR + 1) / 2)] : 0}')
(( RATE_MEDIAN > 0 )) || { KEEP=1; say "the client completed no RPCs in 3 s (see $WORK/demo/client.log)"; exit 1; }
RATE_MIN=$(( (RATE_MEDIAN + 1) / 2 ))
say "rate before the soak: median $RATE_MEDIAN calls per 100 ms window (recovered = a window of at least $RATE_MIN)"

declare -A FD0 RSS0 KIDS0
for p in "${PIDS[@]}"; do
  FD0[$p]=$(fds "$p")
  KIDS0[$p]=" $(children "$p" | awk '{print $1}' | tr '\n' ' ')"
  : >"$WORK/rss.$p" >"$WORK/pause.$p"
done
: >"$WORK/windows"
ZOMBIES=0 STRAYS=0 FAILED=0 MISSED=0 FALLBACKS=0 REFREEZES=0
T0=$SECONDS
for i in $(seq "$SNAPS"); do
  s=$(ms_now)
  rc=0
  ./sideye snap --pid "$SERVER" --pid "$CLIENT" "${MODE[@]}" --out "$WORK/snaps" >"$WORK/out" 2>"$WORK/err" || rc=$?
  e=$(ms_now)
  echo "$s $e" >>"$WORK/windows"
  if (( rc != 0 )); then
    FAILED=$((FAILED + 1))
    (( FAILED > 1 )) || { tail -n 20 "$WORK/err" >&2; cp "$WORK/err" "$WORK/first-failure.err"; }
    fail_later "snapshot $i: ./sideye snap exited with $rc"
  else
    rm -rf "$(tail -n 1 "$WORK/out")"
  fi
  grep -q 'not cloned' "$WORK/err" && FALLBACKS=$((FALLBACKS + 1))
  grep -qE 'during a garbage collection' "$WORK/err" && REFREEZES=$((REFREEZES + 1))
  line="snapshot $i/$SNAPS ($((e - s)) ms):"
  for p in "${PIDS[@]}"; do
    if ! kill -0 "$p" 2>/dev/null; then
      KEEP=1
      tail -n 20 "$WORK/err" >&2
      say "FAIL: the ${NAME[$p]} ($p) died during snapshot $i (logs: $WORK/demo/${NAME[$p]}.log)"
      exit 1
    fi
    pause=$(grep -m1 -oE "process $p \([^)]*\): paused [0-9.]+ ms" "$WORK/err" | sed -E 's/.*paused ([0-9.]+) ms/\1/') || true
    if [[ -n $pause ]]; then
      echo "$pause" >>"$WORK/pause.$p"
    elif (( rc == 0 )); then
      MISSED=$((MISSED + 1))
      fail_later "snapshot $i: the ${NAME[$p]} ($p) was not captured: $(grep -m1 -E "^error: process $p " "$WORK/err" || echo "no 'paused' line")"
    fi
    rss_kb "$p" >>"$WORK/rss.$p"
    while read -r kid stat; do
      [[ -n $kid ]] || continue
      if [[ $stat == *Z* ]]; then
        ZOMBIES=$((ZOMBIES + 1)); fail_later "after snapshot $i: the ${NAME[$p]} ($p) has a zombie child $kid"
      elif [[ ${KIDS0[$p]} != *" $kid "* ]]; then
        STRAYS=$((STRAYS + 1)); fail_later "after snapshot $i: the ${NAME[$p]} ($p) has a child $kid ($stat, $(tr '\0' ' ' <"/proc/$kid/cmdline" 2>/dev/null | cut -c1-60)) it did not have at the start"
      fi
    done < <(children "$p")
    line+=" ${NAME[$p]} paused ${pause:-?} ms, $(fds "$p") fds;"
  done
  say "$line"
done
ELAPSED=$((SECONDS - T0))
sleep 1.2 # the windows of the second after the last snapshot

# Recovery: for each snapshot, a window ending within 1 s after its command ended with at least RATE_MIN calls.
# A dip: a window under RATE_MIN that ended while a snapshot command ran.
read -r NOT_RECOVERED DIPS FIRST_BAD < <(awk -v min="$RATE_MIN" '
  FILENAME == ARGV[1] { n++; ws[n] = $1; we[n] = $2; next }
  { t[++m] = $1; c[m] = $2 }
  END {
    bad = 0; dips = 0; first = 0; j = 1
    for (i = 1; i <= n; i++) {
      ok = 0; dip = 0
      while (j <= m && t[j] < ws[i]) j++ # both files are in time order
      for (k = j; k <= m && t[k] <= we[i] + 1000; k++) {
        if (t[k] > we[i] && c[k] >= min) ok = 1
        if (t[k] <= we[i] && c[k] < min) dip = 1
      }
      if (!ok) { bad++; if (!first) first = i }
      dips += dip
    }
    print bad, dips, first
  }' "$WORK/windows" "$WORK/demo/rate")
(( NOT_RECOVERED == 0 )) || fail_later "the RPC rate did not recover within 1 s after $NOT_RECOVERED snapshot(s) (the first: snapshot $FIRST_BAD)"

fmt_mb() { awk -v k="$1" 'BEGIN {printf "%.1f MB", k / 1024}'; }
avg() { awk '{s += $1} END {print NR ? s / NR : 0}'; }
FD_LINE="" RSS_LINE="" PAUSE_LINE=""
for p in "${PIDS[@]}"; do
  fd1=$(fds "$p")
  (( fd1 - FD0[$p] <= 20 )) || fail_later "the ${NAME[$p]}'s fd count grew from ${FD0[$p]} to $fd1"
  FD_LINE+=" ${NAME[$p]} ${FD0[$p]} -> $fd1;"
  n=$(wc -l <"$WORK/rss.$p")
  k=$(( n < 10 ? n : 10 ))
  a=$(head -n "$k" "$WORK/rss.$p" | avg) b=$(tail -n "$k" "$WORK/rss.$p" | avg)
  growth=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%+.1f", (a > 0 ? (b - a) * 100 / a : 0)}')
  awk -v g="$growth" 'BEGIN {exit !(g > 25)}' && fail_later "the ${NAME[$p]}'s VmRSS grew by $growth% (first $k snapshots' average $(fmt_mb "$a"), last $k's $(fmt_mb "$b"))"
  RSS_LINE+=" ${NAME[$p]} $(fmt_mb "$a") -> $(fmt_mb "$b") ($growth%);"
  read -r pm pp <<<"$(stats "$WORK/pause.$p")"
  PAUSE_LINE+=" ${NAME[$p]} median $pm ms, p99 $pp ms ($(wc -l <"$WORK/pause.$p") reported);"
done

echo "soak: $SNAPS snapshots in $MODE_NAME of the slow-rpc server ($SERVER) and client ($CLIENT) in ${ELAPSED} s; $FAILED failed, $MISSED process captures missing from a snapshot"
echo "pause as reported by sideye:${PAUSE_LINE%;} (p99 by nearest rank$( (( SNAPS <= 100 )) && echo ": the maximum with $SNAPS snapshots"))"
echo "RPC rate: median $RATE_MEDIAN calls per 100 ms window before the soak; dips (a window under $RATE_MIN while a snapshot command ran): $DIPS of $SNAPS snapshots; not recovered within 1 s after the command: $NOT_RECOVERED"
echo "fds:${FD_LINE%;}"
echo "VmRSS (average over the first 10 snapshots -> the last 10):${RSS_LINE%;}"
echo "children: zombies $ZOMBIES, children not there at the start $STRAYS"
echo "fell back to stop mode: $FALLBACKS of $SNAPS; froze again after catching a garbage collection: $REFREEZES"
echo "load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
if (( ${#FAILURES[@]} > 0 )); then
  KEEP=1
  echo "FAILED (${#FAILURES[@]}):"
  printf '  %s\n' "${FAILURES[@]:0:20}"
  (( ${#FAILURES[@]} <= 20 )) || echo "  ... and $(( ${#FAILURES[@]} - 20 )) more"
  exit 1
fi
echo "PASSED"
