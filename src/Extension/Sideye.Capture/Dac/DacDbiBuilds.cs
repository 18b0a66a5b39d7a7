using System.Collections.Concurrent;
using System.Text;

namespace Sideye.Capture.Dac;

/// <summary>
/// The DAC builds whose IDacDbiInterface we know how to call, keyed on the source commit the DAC embeds. The
/// interface is not versioned by its IID alone: its export's arguments and its slot numbers moved between runtime
/// builds, no source of 11.0.0 was published to read them from, and a call through a wrong slot crashes our process.
/// So each entry was read out of that exact binary (disassembly of the export, the vtable's relocations and the
/// methods' prologues) and any other build is refused: a runtime-async frame's variables then say why they are NULL.
/// </summary>
internal static class DacDbiBuilds
{
    private const string VersionMarker = "@(#)Version ";
    private const string CommitMarker = "@Commit: ";

    private static readonly ConcurrentDictionary<string, DacBuildId?> s_read = new(StringComparer.Ordinal);

    /// <summary>
    /// 11.0.0 (runtime 11.0.26.53018), linux-x64: <c>DacDbiInterfaceInstance</c> takes 7 arguments; the interface has
    /// 132 slots (IUnknown's 3, then 129 methods); slot 128 is <c>GetAsyncLocals</c> (its callback form).
    /// </summary>
    public static readonly IReadOnlyList<DacDbiBuild> Known =
    [
        new("297acf930fb0f5c07fd4e51d78e521b4ad2e5d1f", "11.0.26.53018", System.Runtime.InteropServices.Architecture.X64, VtableSlots: 132, GetAsyncLocalsSlot: 128),
    ];

    /// <summary>The build of the DAC at <paramref name="dacPath"/>, or null when its file has no version string.</summary>
    public static DacBuildId? Identify(string dacPath) => s_read.GetOrAdd(dacPath, static path => ReadBuildId(path));

    /// <summary>
    /// The known build the DAC at <paramref name="dacPath"/> is, for a target of <paramref name="architecture"/>; or
    /// null and <paramref name="refusal"/> saying why it is not used (no version string, an unknown commit).
    /// </summary>
    public static DacDbiBuild? Resolve(string dacPath, System.Runtime.InteropServices.Architecture architecture, out string? refusal)
    {
        refusal = null;
        if (Identify(dacPath) is not { } id)
        {
            refusal = "its file has no '@(#)Version ... @Commit:' string, so which IDacDbiInterface layout it has cannot be known";
            return null;
        }
        if (Find(id, architecture) is { } build)
            return build;
        string known = string.Join(", ", Known.Select(b => $"{b.Version} ({b.Architecture}, commit {b.Commit[..12]})"));
        refusal = $"its build {id.Version} on {architecture} (commit {id.Commit}) is not one whose IDacDbiInterface slots are known (known: {known}); " +
            "calling a guessed slot would crash the capture, so runtime-async frames' variables are not read";
        return null;
    }

    /// <summary>The known entry for a build on an architecture, or null.</summary>
    public static DacDbiBuild? Find(DacBuildId id, System.Runtime.InteropServices.Architecture architecture) =>
        Known.FirstOrDefault(b => string.Equals(b.Commit, id.Commit, StringComparison.OrdinalIgnoreCase) && b.Architecture == architecture);

    /// <summary>
    /// Reads the <c>@(#)Version 11.0.26.53018 @Commit: 297acf93...</c> string every runtime binary embeds (what
    /// <c>strings</c> shows). Read from the file: the copy of the DAC we load is that file.
    /// </summary>
    private static DacBuildId? ReadBuildId(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        int at = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(VersionMarker));
        if (at < 0)
            return null;
        int end = bytes.AsSpan(at).IndexOf((byte)0);
        string text = Encoding.ASCII.GetString(bytes, at, end < 0 ? Math.Min(256, bytes.Length - at) : end);
        int commitAt = text.IndexOf(CommitMarker, StringComparison.Ordinal);
        if (commitAt < 0)
            return null;
        string version = text[VersionMarker.Length..commitAt].Trim();
        string commit = text[(commitAt + CommitMarker.Length)..].Trim();
        int space = commit.IndexOf(' ');
        return new DacBuildId(version, space < 0 ? commit : commit[..space]);
    }
}

/// <summary>A DAC binary's file version and source commit, from its embedded version string.</summary>
internal sealed record DacBuildId(string Version, string Commit)
{
    /// <summary>The runtime's major version (11 for 11.0.26.53018), or null when the version does not start with one.</summary>
    public int? Major => Target.RuntimeVersion.MajorOf(Version);
}

/// <summary>What we know of one DAC build's IDacDbiInterface.</summary>
/// <param name="VtableSlots">How many slots the interface's vtable has (for the record: a slot is called only on this build).</param>
/// <param name="GetAsyncLocalsSlot">
/// <c>HRESULT GetAsyncLocals(VMPTR_MethodDesc, CORDB_ADDRESS codeAddr, UINT32 state, void (*)(const AsyncLocalData*, void*), void*)</c>.
/// </param>
internal sealed record DacDbiBuild(string Commit, string Version, System.Runtime.InteropServices.Architecture Architecture, int VtableSlots, int GetAsyncLocalsSlot);
