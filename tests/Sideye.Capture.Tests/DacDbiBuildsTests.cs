using System.Runtime.InteropServices;
using System.Text;
using Sideye.Capture.Dac;

namespace Sideye.Capture.Tests;

/// <summary>
/// The DacDbi bridge calls raw vtable slots only on a DAC build it knows, identified by the commit the DAC's file
/// embeds; everything else is refused with a reason that names the build (files made here stand for DACs).
/// </summary>
public sealed class DacDbiBuildsTests : IDisposable
{
    private const string KnownCommit = "297acf930fb0f5c07fd4e51d78e521b4ad2e5d1f";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sideye-dacdbi-" + Guid.NewGuid().ToString("N")[..8]);

    public DacDbiBuildsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_11_0_0_build_is_known_with_GetAsyncLocals_at_slot_128_on_x64_only()
    {
        string dac = FakeDac("known.so", $"@(#)Version 11.0.26.53018 @Commit: {KnownCommit}");

        DacDbiBuild? build = DacDbiBuilds.Resolve(dac, Architecture.X64, out string? refusal);
        Assert.Null(refusal);
        Assert.NotNull(build);
        Assert.Equal(128, build.GetAsyncLocalsSlot);
        Assert.Equal(new DacBuildId("11.0.26.53018", KnownCommit), DacDbiBuilds.Identify(dac));

        Assert.Null(DacDbiBuilds.Resolve(dac, Architecture.Arm64, out refusal));
        Assert.Contains($"on Arm64 (commit {KnownCommit}) is not one whose IDacDbiInterface slots are known", refusal);
    }

    [Fact]
    public void Another_build_is_refused_naming_its_commit()
    {
        string dac = FakeDac("other.so", "@(#)Version 11.0.27.10000 @Commit: 0123456789abcdef0123456789abcdef01234567");

        Assert.Null(DacDbiBuilds.Resolve(dac, Architecture.X64, out string? refusal));
        Assert.StartsWith("its build 11.0.27.10000 on X64 (commit 0123456789abcdef0123456789abcdef01234567) is not one whose IDacDbiInterface slots are known (known: 11.0.26.53018 (X64, commit 297acf930fb0))", refusal);
        Assert.EndsWith("so runtime-async frames' variables are not read", refusal);
    }

    [Fact]
    public void A_file_without_a_version_string_is_refused()
    {
        string dac = FakeDac("none.so", "no version here");

        Assert.Null(DacDbiBuilds.Resolve(dac, Architecture.X64, out string? refusal));
        Assert.Equal("its file has no '@(#)Version ... @Commit:' string, so which IDacDbiInterface layout it has cannot be known", refusal);
    }

    /// <summary>A file with binary noise around the NUL-terminated version string, as in an ELF's .rodata.</summary>
    private string FakeDac(string name, string version)
    {
        string path = Path.Combine(_dir, name);
        byte[] noise = [0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2, 0xff, 0];
        File.WriteAllBytes(path, [.. noise, .. Encoding.ASCII.GetBytes(version), 0, .. noise]);
        return path;
    }
}
