#!/usr/bin/env bash
# Runs every test: unit tests, end-to-end tests against real processes and dumps, and the shared
# contract check. Needs the .NET SDK, node/npm (the web app's build), curl, python3 and Debian's chromium (the web app's
# browser tests); dotnet-dump comes from the tool manifest. .ci/run installs what is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
dotnet tool restore
./sideye --help >/dev/null            # builds the CLI and the dotnet-dump extension once, up front
set +e
# Unit tests in parallel; then the end-to-end tests alone, because they snapshot a live demo whose timing
# (100 clients, 10 ms handlers) is what they assert on, and CPU-starved clients change it.
dotnet test Sideye.sln -c Release --filter "FullyQualifiedName!~Sideye.EndToEnd" 2>&1 | tee .build/test.log
status=${PIPESTATUS[0]}
# Every failing step is named on the closing lines: a run whose tests all passed can still fail (a script's cleanup did once).
failed_steps=()
((status == 0)) || failed_steps+=("unit tests")
dotnet test tests/Sideye.EndToEnd.Tests -c Release --no-build 2>&1 | tee -a .build/test.log
((PIPESTATUS[0] == 0)) || { status=1; failed_steps+=("end-to-end tests"); }
# Once more with live targets stopped for the whole walk (--pause-mode stop, the fallback); the known-values matrix,
# the clone fault tests and the browser tests (the app is the same in both modes) ran in the pass above.
SIDEYE_PAUSE_MODE=stop dotnet test tests/Sideye.EndToEnd.Tests -c Release --no-build \
  --filter "FullyQualifiedName!~KnownValuesMatrixTests&FullyQualifiedName!~CloneFaultTests&FullyQualifiedName!~.Browser." 2>&1 | tee -a .build/test.log
((PIPESTATUS[0] == 0)) || { status=1; failed_steps+=("end-to-end tests, stop mode"); }
# Once more with every target on .NET 11.0.0 (dumps/dotnet11/setup.sh lays it out from NuGet; the targets run on it by
# roll-forward, their framework's async methods runtime async). The runtime-async tests ran both runtimes above; the
# browser tests and the tool install do not depend on the target's runtime.
SIDEYE_TARGET_RUNTIME=11 dotnet test tests/Sideye.EndToEnd.Tests -c Release --no-build \
  --filter "FullyQualifiedName!~RuntimeAsync&FullyQualifiedName!~ToolInstallTests&FullyQualifiedName!~.Browser." 2>&1 | tee -a .build/test.log
((PIPESTATUS[0] == 0)) || { status=1; failed_steps+=("end-to-end tests on .NET 11"); }
# Clone mode under load, short form (the full 1,000 snapshots: dumps/soak-clone.sh).
if [[ -x dumps/soak-clone.sh ]]; then
  echo "== soak (short)"
  dumps/soak-clone.sh --short || { status=1; failed_steps+=("soak"); }
fi
# The query server at scale, short form (the full run: dumps/benchmark-scale.sh, numbers in docs/benchmarks.md).
echo "== query server at scale (short)"
dumps/benchmark-scale.sh --stacks 2000 --frames 20000 --captured-rows 20000 --runs 3 --seconds 3 || { status=1; failed_steps+=("query server at scale"); }
set -e
# What the end-to-end fixtures retried (a hung or crashed snap) is printed for a post-mortem; the retries kept the run going.
if [[ -s .build/e2e-hangs.log ]]; then echo "== end-to-end incidents (retried)"; cat .build/e2e-hangs.log; fi
totals=$(grep -E '^(Passed|Failed)!' .build/test.log || true)
echo "$totals"
if [[ -x ../shared/contract/check.sh ]] || [[ -f ../shared/contract/check.sh ]]; then
  echo "== contract check"
  bash ../shared/contract/check.sh || { status=1; failed_steps+=("contract check"); }   # with the spec part: variable capture exists
fi
# The failing tests by name, each with the first lines of its message, on the closing lines: CI keeps only the tail.
awk '/^  Failed [A-Za-z]/ {n=6} n>0 {print; n--}' .build/test.log | grep -v '^  Stack Trace:' || true
# One closing line for the whole run, summed over the test projects.
passed=$(grep -oE 'Passed: +[0-9]+' <<<"$totals" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' <<<"$totals" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed"
for step in "${failed_steps[@]}"; do echo "FAILED: $step"; done
exit "$status"
