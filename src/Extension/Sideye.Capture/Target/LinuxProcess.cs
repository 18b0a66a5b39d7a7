using System.Text;

namespace Sideye.Capture.Target;

/// <summary>What /proc says about a process, read before attaching so bad PIDs fail fast and clearly.</summary>
public sealed record LinuxProcess(int Pid, string Name, string? CommandLine, bool HasCoreClr)
{
    /// <summary>Reads /proc/PID; throws <see cref="TargetException"/> when there is no such process.</summary>
    public static LinuxProcess Inspect(int pid)
    {
        string dir = $"/proc/{pid}";
        if (pid <= 0 || !Directory.Exists(dir))
            throw new TargetException($"process {pid}", "no such process. Check the PID (e.g. with `ps -ef` or `dotnet-trace ps`); it may have exited.");
        string name = TryRead($"{dir}/comm")?.Trim() ?? "?";
        string? cmdline = TryRead($"{dir}/cmdline")?.Replace('\0', ' ').Trim();
        string? maps = TryRead($"{dir}/maps");
        bool hasCoreClr = maps is not null && (maps.Contains("/libcoreclr.so", StringComparison.Ordinal) || maps.Contains("/singlefilehost", StringComparison.Ordinal));
        if (maps is null)
            throw new TargetException($"process {pid} ({name})", "cannot read its memory map: permission denied. Run Sideye as the same user as the target or as root.");
        return new LinuxProcess(pid, AppName(name, cmdline), string.IsNullOrEmpty(cmdline) ? null : cmdline, hasCoreClr);
    }

    public string Describe() => $"process {Pid} ({Name})";

    /// <summary>`dotnet App.dll ...` is called "dotnet" by the kernel; people call it "App".</summary>
    private static string AppName(string comm, string? cmdline)
    {
        if (comm != "dotnet" || cmdline is null)
            return comm;
        string? dll = cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        return dll is null ? comm : Path.GetFileNameWithoutExtension(dll);
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
