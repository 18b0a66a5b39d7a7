using System.Globalization;

namespace Sideye.Freezer.Seccomp;

/// <summary>
/// A thread's seccomp mode from /proc: cheap, needs no ptrace-stop, and in the common case (no seccomp)
/// the only thing the check has to read.
/// </summary>
internal static class SeccompStatus
{
    public static bool TryReadMode(int tid, out SeccompMode mode, out string? error)
    {
        // /proc/TID works for any thread id, not only the process's, and shows that thread's own mode.
        string path = $"/proc/{tid}/status";
        try
        {
            mode = ParseMode(File.ReadAllText(path));
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            mode = SeccompMode.Disabled;
            error = $"could not read {path}: {e.Message}";
            return false;
        }
    }

    /// <summary>The <c>Seccomp:</c> line's number; no line means a kernel built without seccomp, so none.</summary>
    public static SeccompMode ParseMode(string status)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("Seccomp:", StringComparison.Ordinal) &&
                int.TryParse(line.AsSpan("Seccomp:".Length), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int mode))
            {
                return (SeccompMode)mode;
            }
        }

        return SeccompMode.Disabled;
    }
}
