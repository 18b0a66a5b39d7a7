#!/usr/bin/env bash
# Benchmark of the pause a live snapshot imposes, observed inside the target, for docs/benchmarks.md.
#   dumps/benchmark-pause.sh [--heap-mb "200 1000"] [--snaps N] [--collects M] [--modes "clone stop"] [--runtimes "10 11"]
#     (defaults: heaps of 200 and 1000 MB, 20 snapshots per mode, 5 dotnet-dump collects, the target on .NET 10;
#     prints markdown). --runtimes "10 11" runs the same target on each runtime in turn (11.0.0 from dumps/dotnet11/setup.sh,
#     by roll-forward) for the pause on 11 beside 10's.
# For each heap size it starts dumps/big-heap (a live heap of that size, two allocator threads keeping the GC
# busy, a heartbeat thread that logs every gap in its 1 ms sleep loop), lets it settle, measures its baseline
# (gaps in 10 s with no snapshot), then takes N sequential `./sideye snap --pid P --pause-mode MODE` for each
# mode, then M `dotnet-dump collect -p P --type Full`, about 1 s apart. The pause observed inside the target for
# one command is the largest heartbeat gap that ended between the command's start and 50 ms after its end (0:
# none, i.e. no iteration took more than 2 ms); Sideye's own figure is its `paused X ms` progress line.
# Without --pause-mode in ./sideye (before clone mode), only stop mode runs, without the flag.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
COMMAND=dumps/benchmark-pause.sh
for a in "$@"; do [[ $a =~ ^[A-Za-z0-9_./=:-]+$ ]] && COMMAND+=" $a" || COMMAND+=" \"$a\""; done
usage() { echo "usage: $0 [--heap-mb \"200 1000\"] [--snaps N] [--collects M] [--modes \"clone stop\"] [--runtimes \"10 11\"]" >&2; exit 2; }
HEAPS="200 1000" SNAPS=20 COLLECTS=5 MODES="clone stop" RUNTIMES=10
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --heap-mb) HEAPS=$2 ;;
    --snaps) SNAPS=$2 ;;
    --collects) COLLECTS=$2 ;;
    --modes) MODES=$2 ;;
    --runtimes) RUNTIMES=$2 ;;
    *) usage ;;
  esac
  shift 2
done
for n in $HEAPS $SNAPS $COLLECTS; do [[ $n =~ ^[0-9]+$ ]] || usage; done
for m in $MODES; do [[ $m == clone || $m == stop ]] || usage; done
for r in $RUNTIMES; do [[ $r == 10 || $r == 11 ]] || usage; done
ROOT11=
[[ " $RUNTIMES " == *" 11 "* ]] && ROOT11=$(dumps/dotnet11/setup.sh)

WORK=$(mktemp -d /tmp/sideye-bench-pause.XXXXXX)
TARGET=
stop_target() {
  [[ -n $TARGET ]] || return 0
  if kill -0 "$TARGET" 2>/dev/null; then
    kill -TERM "$TARGET" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$TARGET" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$TARGET" 2>/dev/null || true
  fi
  wait "$TARGET" 2>/dev/null || true
  TARGET=
}
trap 'stop_target; rm -rf "$WORK"' EXIT
say() { echo "benchmark-pause.sh: $*" >&2; }
die() { say "$*"; exit 1; }

./sideye --help >/dev/null
dotnet tool restore >/dev/null
NOTES=()
if ./sideye snap --help | grep -q -- --pause-mode; then
  HAVE_MODE=1
else
  HAVE_MODE=0
  say "notice: this ./sideye has no --pause-mode (clone mode not merged yet): stop mode only, without the flag"
  NOTES+=("this ./sideye had no \`--pause-mode\`: stop mode only (its only mode), run without the flag")
  MODES=stop
fi
say "building dumps/big-heap"
dotnet build dumps/big-heap/BigHeap.csproj -c Release -o dumps/big-heap/.build --nologo -v q --disable-build-servers \
  >"$WORK/build.log" 2>&1 || { tail -n 20 "$WORK/build.log" >&2; die "build of dumps/big-heap failed"; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# stats FILE: "median p99" of the numbers in FILE (p99 by nearest rank: the maximum when there are <= 100).
stats() {
  sort -n "$1" | awk '{a[NR] = $1} END {
    if (NR == 0) { print "n/a n/a"; exit }
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    r = int(0.99 * NR); if (r < 0.99 * NR) r++
    printf "%.1f %.1f\n", m, a[r] }'
}
# observed GAPS START END: the largest gap (ms) whose end lies in [START, END + 50 ms] (START, END: $EPOCHREALTIME).
observed() {
  awk -v s="$2" -v e="$3" 'BEGIN {s *= 1000; e = e * 1000 + 50; best = 0}
    $1 >= s && $1 <= e && $2 > best {best = $2} END {printf "%.3f\n", best}' "$1"
}
list() { tr '\n' ' ' <"$1" | sed 's/ $//'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "n/a" || b == "n/a") print "n/a"; else if (a + 0 == 0) printf ">%.0fx (no gap over 2 ms)", b / 2; else printf "%.1fx", b / a}'; }

# start_target HEAP_MB RUNTIME DIR: starts big-heap in its own session and waits for READY; sets TARGET.
start_target() {
  local dir=$3
  mkdir -p "$dir"
  : >"$dir/gaps"
  local host=(dotnet)
  [[ $2 == 11 ]] && host=(env DOTNET_ROOT="$ROOT11" DOTNET_ROLL_FORWARD=Major "$ROOT11/dotnet")
  # setsid and env exec in place (we are not a group leader), so $! is the dotnet process (checked against READY).
  setsid nohup "${host[@]}" dumps/big-heap/.build/BigHeap.dll --heap-mb "$1" --gaps-file "$dir/gaps" \
    >"$dir/target.log" 2>&1 </dev/null &
  TARGET=$!
  local deadline=$((SECONDS + 300))
  until grep -q '^READY ' "$dir/target.log"; do
    kill -0 "$TARGET" 2>/dev/null || { cat "$dir/target.log" >&2; die "big-heap --heap-mb $1 exited before READY"; }
    (( SECONDS < deadline )) || die "big-heap --heap-mb $1: no READY after 300 s"
    sleep 0.2
  done
  read -r _ pid rest < <(grep -m1 '^READY ' "$dir/target.log")
  [[ $pid == "$TARGET" ]] || die "READY pid $pid != launched pid $TARGET"
  say "heap $1 MB, .NET $2: big-heap $TARGET ready: $rest"
  echo "$rest" >"$dir/ready"
}
alive() { kill -0 "$TARGET" 2>/dev/null || { tail -n 20 "$D/target.log" >&2; die "heap $1 MB: the target $TARGET died"; }; }

for H in $HEAPS; do
 for R in $RUNTIMES; do
  D=$WORK/heap-$H-$R
  start_target "$H" "$R" "$D"
  sleep 3
  # Baseline: 10 s with no snapshot.
  b0=$EPOCHREALTIME; sleep 10; b1=$EPOCHREALTIME
  awk -v s="$b0" -v e="$b1" 'BEGIN {s *= 1000; e *= 1000} $1 >= s && $1 <= e {n++; if ($2 > m) m = $2}
    END {printf "%.1f %.1f\n", n / ((e - s) / 1000), m}' "$D/gaps" >"$D/baseline"
  say "heap $H MB: baseline $(cut -d' ' -f1 "$D/baseline") gaps/s, largest $(cut -d' ' -f2 "$D/baseline") ms"

  for M in $MODES; do
    flag=(); [[ $HAVE_MODE == 1 ]] && flag=(--pause-mode "$M")
    : >"$D/$M.observed" >"$D/$M.reported" >"$D/$M.wall"
    fallbacks=0 gcretries=0
    for i in $(seq "$SNAPS"); do
      t0=$EPOCHREALTIME
      ./sideye snap --pid "$TARGET" "${flag[@]}" --max-pause-seconds 300 --out "$WORK/snaps" >"$WORK/out" 2>"$WORK/err" \
        || { cat "$WORK/err" >&2; alive "$H"; die "heap $H MB: $M snapshot $i failed"; }
      t1=$EPOCHREALTIME
      rm -rf "$(tail -n 1 "$WORK/out")"
      line=$(grep -m1 -E "process $TARGET \([^)]*\): paused [0-9.]+ ms" "$WORK/err") \
        || { cat "$WORK/err" >&2; die "heap $H MB: no 'paused X ms' line from $M snapshot $i"; }
      sed -E 's/.*: paused ([0-9.]+) ms.*/\1/' <<<"$line" >>"$D/$M.reported"
      grep -q 'not cloned' "$WORK/err" && fallbacks=$((fallbacks + 1))
      grep -qE 'during a garbage collection' "$WORK/err" && gcretries=$((gcretries + 1))
      awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000}' >>"$D/$M.wall"
      sleep 1 # ~1 s apart; also lets the heartbeat log the gap
      alive "$H"
      observed "$D/gaps" "$t0" "$t1" >>"$D/$M.observed"
      say "heap $H MB: $M snapshot $i/$SNAPS: observed $(tail -n 1 "$D/$M.observed") ms, reported $(tail -n 1 "$D/$M.reported") ms"
    done
    (( fallbacks == 0 )) || NOTES+=("heap $H MB, $M: $fallbacks of $SNAPS snapshots were not cloned (fell back to stop mode)")
    (( gcretries == 0 )) || NOTES+=("heap $H MB, $M: $gcretries of $SNAPS snapshots caught a garbage collection and paused again (the reported pause is the last one)")
  done

  : >"$D/collect.observed" >"$D/collect.wall"
  for i in $(seq "$COLLECTS"); do
    t0=$EPOCHREALTIME
    dotnet dotnet-dump collect -p "$TARGET" --type Full -o "$WORK/core" >"$WORK/out" 2>&1 \
      || { cat "$WORK/out" >&2; alive "$H"; die "heap $H MB: dotnet-dump collect $i failed"; }
    t1=$EPOCHREALTIME
    rm -f "$WORK/core"
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000}' >>"$D/collect.wall"
    sleep 1
    alive "$H"
    observed "$D/gaps" "$t0" "$t1" >>"$D/collect.observed"
    say "heap $H MB: dotnet-dump collect $i/$COLLECTS: observed $(tail -n 1 "$D/collect.observed") ms, command $(tail -n 1 "$D/collect.wall") ms"
  done
  stop_target
 done
done

echo "| heap | tool | runs | pause observed in the target: median | p99 | pause reported by the tool: median | whole command: median | dotnet-dump / this (median observed) |"
echo "|---|---|---|---|---|---|---|---|"
label() { if [[ $RUNTIMES == 10 ]]; then echo "$1 MB"; else echo "$1 MB, .NET $2"; fi; }
for H in $HEAPS; do
 for R in $RUNTIMES; do
  D=$WORK/heap-$H-$R
  read -r CM CP <<<"$(stats "$D/collect.observed")"
  for M in $MODES; do
    read -r OM OP <<<"$(stats "$D/$M.observed")"
    read -r RM _ <<<"$(stats "$D/$M.reported")"
    read -r WM _ <<<"$(stats "$D/$M.wall")"
    if [[ $HAVE_MODE == 1 ]]; then tool="\`sideye snap --pause-mode $M\`"; else tool="\`sideye snap\` (stop)"; fi
    echo "| $(label "$H" "$R") | $tool | $SNAPS | $OM ms | $OP ms | $RM ms | $WM ms | $(ratio "$OM" "$CM") |"
  done
  read -r WM _ <<<"$(stats "$D/collect.wall")"
  (( COLLECTS == 0 )) || echo "| $(label "$H" "$R") | \`dotnet-dump collect --type Full\` | $COLLECTS | $CM ms | $CP ms | — (it reports none) | $WM ms | |"
 done
done
if [[ $RUNTIMES == "10 11" ]]; then
  echo
  for H in $HEAPS; do
    for M in $MODES; do
      read -r O10 _ <<<"$(stats "$WORK/heap-$H-10/$M.observed")"
      read -r O11 _ <<<"$(stats "$WORK/heap-$H-11/$M.observed")"
      echo "heap $H MB, $M: median pause observed on .NET 11.0.0 / on .NET 10: $O11 / $O10 ms = $(awk -v a="$O11" -v b="$O10" 'BEGIN {if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b}')"
    done
  done
fi
echo
echo "| heap | target's baseline: gaps per second (heartbeat iterations over 2 ms) | largest gap in 10 s without a snapshot | big-heap's READY line |"
echo "|---|---|---|---|"
for H in $HEAPS; do
 for R in $RUNTIMES; do
  read -r GPS GMAX <"$WORK/heap-$H-$R/baseline"
  echo "| $(label "$H" "$R") | $GPS | $GMAX ms | $(cat "$WORK/heap-$H-$R/ready") |"
 done
done
echo
echo "command: \`$COMMAND\`"
p99() { if (( $1 <= 100 )); then echo "with $1 runs p99 is the maximum"; else echo "$1 runs"; fi; }
echo "p99 by nearest rank: for sideye $(p99 "$SNAPS"), for dotnet-dump $(p99 "$COLLECTS")."
echo "observed = the largest gap of big-heap's 1 ms heartbeat that ended between a command's start and 50 ms after its end (0 = no iteration over 2 ms); the baseline bounds what a snapshot cannot be told apart from."
echo "load average (1, 5, 15 min) at the start: $LOAD0, at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for n in "${NOTES[@]}"; do echo "note: $n"; done
for H in $HEAPS; do
 for R in $RUNTIMES; do
  D=$WORK/heap-$H-$R
  for M in $MODES; do
    echo "$(label "$H" "$R"), $M: observed (ms) $(list "$D/$M.observed"); reported (ms) $(list "$D/$M.reported")"
  done
  (( COLLECTS == 0 )) || echo "$(label "$H" "$R"), dotnet-dump collect: observed (ms) $(list "$D/collect.observed"); command (ms) $(list "$D/collect.wall")"
 done
done
