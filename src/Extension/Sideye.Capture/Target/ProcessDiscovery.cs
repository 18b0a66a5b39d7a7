using System.Text.RegularExpressions;
using Microsoft.Diagnostics.NETCore.Client;

namespace Sideye.Capture.Target;

/// <summary>A .NET process of this machine, as `sideye ps` lists it.</summary>
/// <param name="RuntimeVersion">The version of the runtime it loaded (from the path of its libcoreclr.so), when known.</param>
public sealed record DotnetProcess(int Pid, string Name, string? CommandLine, string? RuntimeVersion);

/// <summary>
/// Finds this machine's .NET processes the way <c>dotnet-dump ps</c> does: the runtime's diagnostics IPC
/// (<see cref="DiagnosticsClient.GetPublishedProcesses"/>), then /proc for names and command lines.
/// </summary>
public static partial class ProcessDiscovery
{
    /// <summary>Every .NET process this user can see, by pid, this process excluded.</summary>
    public static IReadOnlyList<DotnetProcess> List()
    {
        var found = new List<DotnetProcess>();
        foreach (int pid in DiagnosticsClient.GetPublishedProcesses().Distinct().Order())
        {
            if (pid == Environment.ProcessId)
                continue;
            try
            {
                // A diagnostics socket outlives a process that crashed or was killed, and its pid is then reused:
                // only a process that has the runtime loaded now is one.
                if (!IsProcess(pid) || !LoadsCoreClr(pid, out string? version))
                    continue;
                LinuxProcess p = LinuxProcess.Inspect(pid);
                found.Add(new DotnetProcess(p.Pid, p.Name, p.CommandLine, version));
            }
            catch (TargetException)
            {
                // Gone since it was listed, or not ours to read: not a process we could capture either.
            }
        }
        return found;
    }

    /// <summary>
    /// The processes named <paramref name="pattern"/> (the name `ps` shows; <c>*</c> and <c>?</c> match any text and
    /// one character). A plain name must match exactly one process, a pattern at least one; otherwise
    /// <see cref="TargetException"/> says what was found.
    /// </summary>
    public static IReadOnlyList<DotnetProcess> ByName(string pattern, IReadOnlyList<DotnetProcess> processes)
    {
        bool glob = pattern.IndexOfAny(['*', '?']) >= 0;
        var regex = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        List<DotnetProcess> matches = [.. processes.Where(p => regex.IsMatch(p.Name))];
        string seen = processes.Count == 0 ? "no .NET process is running (or none this user can see)"
            : ".NET processes here: " + string.Join(", ", processes.Select(p => $"{p.Name} ({p.Pid})"));
        if (matches.Count == 0)
            throw new TargetException($"--name {pattern}", $"matches no .NET process; {seen}. `sideye ps` lists them.");
        if (!glob && matches.Count > 1)
            throw new TargetException($"--name {pattern}", $"matches {matches.Count} processes ({string.Join(", ", matches.Select(p => p.Pid))}): give --pid, or a pattern such as '{pattern}*' to take them all.");
        return matches;
    }

    // /proc/<tid> answers for any thread too: a reused pid may now be a thread of another process.
    private static bool IsProcess(int pid)
    {
        try
        {
            string? tgid = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Tgid:", StringComparison.Ordinal));
            return tgid is not null && int.TryParse(tgid.AsSpan(5).Trim(), out int leader) && leader == pid;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // .../shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so: the folder is the runtime's version (a self-contained
    // app has libcoreclr.so in its own folder: a .NET process whose version is not known from the path).
    private static bool LoadsCoreClr(int pid, out string? version)
    {
        version = null;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
            {
                if (!line.EndsWith("/libcoreclr.so", StringComparison.Ordinal))
                    continue;
                version = RuntimeVersion.FromPath(line);
                return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }

}
