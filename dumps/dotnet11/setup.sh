#!/usr/bin/env bash
# Lays out the .NET 11.0.0 runtime (from its NuGet runtime packs: no .NET 11 SDK is needed) as a DOTNET_ROOT under
# .build/dotnet11, once, and prints its path. A net10.0 app then runs on 11.0.0, whose framework async methods are
# runtime async (a realistic mixed process):
#   DOTNET_ROOT=$(dumps/dotnet11/setup.sh) DOTNET_ROLL_FORWARD=Major "$(dumps/dotnet11/setup.sh)/dotnet" app.dll
# Layout (../shared/notes/runtime-async.md): dotnet (this SDK's host executable), host/fxr/11.0.0/libhostfxr.so,
# shared/Microsoft.NETCore.App/11.0.0/ (managed + native: libcoreclr, the DAC, createdump),
# shared/Microsoft.AspNetCore.App/11.0.0/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSION=11.0.0
OUT=$ROOT/.build/dotnet11
if [[ -x $OUT/dotnet && -f $OUT/shared/Microsoft.NETCore.App/$VERSION/libcoreclr.so && -f $OUT/.complete ]]; then
  echo "$OUT"; exit 0
fi
PACKAGES=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
echo "dotnet11: restoring the $VERSION runtime packs..." >&2
dotnet restore "$ROOT/dumps/dotnet11/Packs.proj" --nologo -v q >&2
NETCORE=$PACKAGES/microsoft.netcore.app.runtime.linux-x64/$VERSION/runtimes/linux-x64
ASPNET=$PACKAGES/microsoft.aspnetcore.app.runtime.linux-x64/$VERSION/runtimes/linux-x64
[[ -f $NETCORE/native/libcoreclr.so ]] || { echo "dotnet11: $NETCORE/native/libcoreclr.so missing after restore" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/host/fxr/$VERSION" "$OUT/shared/Microsoft.NETCore.App/$VERSION" "$OUT/shared/Microsoft.AspNetCore.App/$VERSION"
# The host executable is version-independent: this SDK's, which picks the newest hostfxr under host/fxr.
DOTNET=$(command -v dotnet); DOTNET=$(readlink -f "$DOTNET")
cp "$DOTNET" "$OUT/dotnet"
cp "$NETCORE/native/libhostfxr.so" "$OUT/host/fxr/$VERSION/"
cp -r "$NETCORE/lib/net11.0/." "$NETCORE/native/." "$OUT/shared/Microsoft.NETCore.App/$VERSION/"
rm -f "$OUT/shared/Microsoft.NETCore.App/$VERSION/libhostfxr.so"
cp -r "$ASPNET/lib/net11.0/." "$OUT/shared/Microsoft.AspNetCore.App/$VERSION/"
touch "$OUT/.complete"
echo "dotnet11: $VERSION laid out in $OUT" >&2
echo "$OUT"
