using System.Globalization;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// Keeps the spec file and its history: every accepted spec is also written as <c>&lt;spec&gt;.vN</c> beside it,
/// and the file itself is replaced atomically (write a temporary file, then rename over it), so a crash never
/// leaves half a spec and every earlier version can be restored by copying it back.
/// </summary>
internal static class SpecStore
{
    /// <summary>The highest N of the <c>&lt;path&gt;.vN</c> files, or 0.</summary>
    public static int LatestVersion(string path)
    {
        string? directory = Path.GetDirectoryName(path);
        if (directory is null || !Directory.Exists(directory))
            return 0;
        string prefix = Path.GetFileName(path) + ".v";
        return Directory.EnumerateFiles(directory, prefix + "*")
            .Select(f => Path.GetFileName(f)[prefix.Length..])
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0)
            .DefaultIfEmpty(0)
            .Max();
    }

    public static string VersionPath(string path, int version) => $"{path}.v{version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Stores <paramref name="yaml"/> as the next version and as the spec file, and returns that version. When the
    /// history is empty and a spec file exists, it is kept first as version 1 so nothing is lost.
    /// </summary>
    public static int Save(string path, string yaml)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        int latest = LatestVersion(path);
        if (latest == 0 && File.Exists(path))
        {
            WriteAtomically(VersionPath(path, 1), File.ReadAllText(path));
            latest = 1;
        }
        int version = latest + 1;
        WriteAtomically(VersionPath(path, version), yaml);
        WriteAtomically(path, yaml);
        return version;
    }

    private static void WriteAtomically(string path, string text)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        // Specs name what is captured (and what is let through unredacted): owner-only, like the snapshots.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(path: temp, options))
            writer.Write(text);
        File.Move(temp, path, overwrite: true);
    }
}
