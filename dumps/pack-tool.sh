#!/usr/bin/env bash
# Packs the `sideye` dotnet tool into .build/packages and prints that folder (the last stdout line), for
#   dotnet tool install --global sideye --add-source "$(dumps/pack-tool.sh)"
# Two packages: sideye.<version>.nupkg (points at the RID-specific one) and sideye.linux-x64.<version>.nupkg (the CLI,
# the query server with its web app, the freezer, and the dotnet-dump extension in ext/). The version is
# Directory.Build.props' Version. The pack log goes to .build/pack.log.
#   dumps/pack-tool.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/.build/packages
LOG=$ROOT/.build/pack.log
mkdir -p "$OUT"
STARTED=$ROOT/.build/pack.started
touch "$STARTED"
if ! dotnet pack "$ROOT/src/Extension/Sideye.Cli/Sideye.Cli.csproj" -c Release -o "$OUT" --nologo >"$LOG" 2>&1; then
  grep -E 'error' "$LOG" | sort -u | head -20 >&2
  echo "pack-tool: dotnet pack failed; full log in $LOG" >&2
  exit 1
fi
# The packages this pack wrote (older versions stay in the folder; an install takes the highest, or --version).
written=$(find "$OUT" -maxdepth 1 -name 'sideye.*.nupkg' -newer "$STARTED")
[[ $(wc -w <<<"$written") -eq 2 ]] || { echo "pack-tool: expected 2 new packages in $OUT, got: ${written:-none}; see $LOG" >&2; exit 1; }
for package in $written; do
  echo "pack-tool: $(basename "$package") $(du -h "$package" | cut -f1)" >&2
done
echo "$OUT"
