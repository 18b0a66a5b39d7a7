using System.Globalization;

namespace Sideye.Freezer;

/// <summary>What the freezer reads from /proc: a process's threads, mappings, children and seccomp mode.</summary>
internal static class ProcFs
{
    /// <summary>The thread ids of a process right now (threads come and go: callers re-read until stable).</summary>
    public static List<int> Tasks(int pid)
    {
        var tids = new List<int>();
        try
        {
            foreach (string dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
                    tids.Add(tid);
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // the process is gone: no threads
        }
        return tids;
    }

    public static List<Mapping> Maps(int pid)
    {
        var maps = new List<Mapping>();
        foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
        {
            // 7f1c2a000000-7f1c2a021000 rw-s 00000000 00:01 1234   /memfd:doublemapper (deleted)
            string[] parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 5)
                continue;
            int dash = parts[0].IndexOf('-', StringComparison.Ordinal);
            ulong start = ulong.Parse(parts[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong end = ulong.Parse(parts[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            long offset = long.Parse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            maps.Add(new Mapping(start, end, parts[1], offset, parts[3] + ":" + parts[4], parts.Length > 5 ? parts[5].Trim() : ""));
        }
        return maps;
    }

    /// <summary>
    /// Children of <paramref name="parent"/> created with exit signal 0, the mark of a clone the freezer made (threads are
    /// not children, and processes started the usual ways exit with SIGCHLD). Scans /proc: this kernel has no
    /// /proc/PID/task/TID/children.
    /// </summary>
    public static List<ChildProcess> SilentChildren(int parent)
    {
        var found = new List<ChildProcess>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            if (StatFields(pid) is not { Length: >= 36 } fields || fields[1] != parent.ToString(CultureInfo.InvariantCulture) || fields[35] != "0")
                continue;
            found.Add(new ChildProcess(pid, fields[0][0]));
        }
        return found;
    }

    /// <summary>The state letter of /proc/PID/stat (R, S, Z, T, t…); null when the process is gone.</summary>
    public static char? State(int pid) => StatFields(pid) is { Length: > 0 } fields ? fields[0][0] : null;

    /// <summary>The parent process id (field 4 of /proc/PID/stat); null when unreadable.</summary>
    public static int? ParentPid(int pid) =>
        StatFields(pid) is { Length: > 1 } fields && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent) ? parent : null;

    /// <summary>The <c>TracerPid:</c> of /proc/PID/status (0: not traced); null when unreadable.</summary>
    public static int? TracerPid(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("TracerPid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line.AsSpan(10).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The fields of /proc/PID/stat after the command name, from field 3 (state) on; null when unreadable. The name
    /// may hold spaces and parentheses, so the split starts after the last ')'.
    /// </summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 > stat.Length ? null : stat[(close + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Memory only this process maps (the clone's pages the target has since written over: its extra cost).</summary>
    public static long PrivateBytes(int pid)
    {
        long kb = 0;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Private_Clean:", StringComparison.Ordinal) || line.StartsWith("Private_Dirty:", StringComparison.Ordinal))
                    kb += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
        return kb * 1024;
    }

    public static void TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>One line of /proc/PID/maps.</summary>
/// <param name="FileId">device:inode of the file mapped ("00:00:0" for anonymous memory).</param>
internal sealed record Mapping(ulong Start, ulong End, string Permissions, long Offset, string FileId, string Path)
{
    public bool Executable => Permissions.Length > 2 && Permissions[2] == 'x';

    /// <summary>Writable and shared: the clone sees the target's current bytes there, not the snapshot instant's.</summary>
    public bool WritableShared => Permissions.Length > 3 && Permissions[1] == 'w' && Permissions[3] == 's';
}

/// <summary>A child process and its state letter (Z zombie, T/t stopped).</summary>
internal sealed record ChildProcess(int Pid, char State);
