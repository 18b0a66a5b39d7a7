using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Target;

/// <summary>
/// The .NET version a process runs on, as users know it (10.0.12), for every front-end alike: the shared framework's
/// folder in libcoreclr's path (.../shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so). ClrMD's ClrInfo.Version is the
/// file version (10.0.1226.42308) when a host opened the runtime and 0.0.0.0 when we did, so it is only the fallback,
/// for a self-contained app whose libcoreclr is in its own folder.
/// </summary>
internal static partial class RuntimeVersion
{
    /// <summary>The version in a libcoreclr path (a /proc/PID/maps line or a module file name), or null.</summary>
    public static string? FromPath(string path)
    {
        Match m = SharedFrameworkFolder().Match(path);
        return m.Success ? m.Groups[1].Value : null;
    }

    public static string? Of(ClrInfo clr) =>
        FromPath(clr.ModuleInfo.FileName ?? "") ?? (clr.Version.Major > 0 ? clr.Version.ToString() : null);

    /// <summary>The major version (10 for 10.0.12), or null when it is not known.</summary>
    public static int? MajorOf(ClrInfo clr) => Of(clr) is { } version ? MajorOf(version) : null;

    /// <summary>The major version of a version string (11 for 11.0.26.53018), or null when it does not start with one.</summary>
    public static int? MajorOf(string version) =>
        int.TryParse(version.AsSpan(0, Math.Max(0, version.IndexOf('.'))), out int major) ? major : null;

    [GeneratedRegex(@"/Microsoft\.NETCore\.App/([0-9][^/]*)/libcoreclr\.so")]
    private static partial Regex SharedFrameworkFolder();
}
