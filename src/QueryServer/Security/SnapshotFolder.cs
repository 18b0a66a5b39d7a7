namespace Sideye.QueryServer.Security;

/// <summary>Whether a snapshots folder lets users other than its owner in (snapshots are as sensitive as core dumps).</summary>
public static class SnapshotFolder
{
    /// <summary>The folder's mode in octal when its group or others may read or enter it; null when only the owner may (or on Windows).</summary>
    public static string? ReadableByOthers(string directory)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(directory))
            return null;
        UnixFileMode mode = File.GetUnixFileMode(directory);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        return (mode & others) != 0 ? Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0') : null;
    }
}
