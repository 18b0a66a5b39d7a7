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
# The same lock as the ./sideye launcher: both build the same projects (obj/), and two builds at once there clash.
exec 9>"$ROOT/.build/.lock"
flock 9
# The folder holds the last pack only: NuGet's pack skips a package whose inputs did not change (the pointer package
# mostly), so a package left from an earlier pack would look like this one's.
rm -f "$OUT"/sideye.*.nupkg
if ! dotnet pack "$ROOT/src/Extension/Sideye.Cli/Sideye.Cli.csproj" -c Release -o "$OUT" --nologo >"$LOG" 2>&1; then
  grep -E 'error' "$LOG" | sort -u | head -20 >&2
  echo "pack-tool: dotnet pack failed; full log in $LOG" >&2
  exit 1
fi
written=$(find "$OUT" -maxdepth 1 -name 'sideye.*.nupkg')
[[ $(wc -w <<<"$written") -eq 2 ]] || { echo "pack-tool: expected 2 packages in $OUT, got: ${written:-none}; see $LOG" >&2; exit 1; }
for package in $written; do
  echo "pack-tool: $(basename "$package") $(du -h "$package" | cut -f1)" >&2
done
echo "$OUT"
