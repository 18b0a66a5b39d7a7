using System.Diagnostics;
using System.Globalization;

namespace Sideye.Freezer.Tests;

/// <summary>
/// A running dumps/seccomp target, not a child of the test host (as in Sideye.Capture.Tests'
/// DacTestProcesses: .NET's SIGCHLD handling reaps its children with waitpid and can swallow the ptrace
/// stops the test waits for). Watched through /proc; Dispose kills it and waits until it is gone.
/// </summary>
internal sealed class SeccompTargetProcess : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _launcher; // holds the target's stdin/stdout pipes

    private SeccompTargetProcess(int id, Process launcher)
    {
        Id = id;
        _launcher = launcher;
    }

    public int Id { get; }

    /// <summary>Starts <c>setsid --fork dotnet SeccompTarget.dll args</c> and waits for its READY line.</summary>
    public static SeccompTargetProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--fork");
        start.ArgumentList.Add(SeccompTargetBuild.DotnetHost());
        start.ArgumentList.Add(SeccompTargetBuild.Dll);
        // Ends by itself should this test run die before Dispose.
        foreach (string argument in args.Concat(["--lifetime-seconds", "300"]))
            start.ArgumentList.Add(argument);

        Process launcher = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start");
        try
        {
            Task<string> stderr = launcher.StandardError.ReadToEndAsync(); // complete only once the target is gone
            Task<string?> line = launcher.StandardOutput.ReadLineAsync();
            if (!line.Wait(ReadyTimeout) || line.Result is not { } ready || !ready.StartsWith("READY ", StringComparison.Ordinal) ||
                !int.TryParse(ready.AsSpan("READY ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                string errors = stderr.Wait(TimeSpan.FromSeconds(1)) ? stderr.Result : "";
                throw new InvalidOperationException(
                    $"SeccompTarget {string.Join(' ', args)} did not print READY (got '{(line.IsCompleted ? line.Result : "<nothing>")}'): {errors}");
            }

            return new SeccompTargetProcess(pid, launcher);
        }
        catch
        {
            launcher.Dispose();
            throw;
        }
    }

    public IReadOnlyList<int> ThreadIds() =>
        Directory.GetDirectories($"/proc/{Id}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).ToList();

    /// <summary>The thread whose name (comm, at most 15 characters) is <paramref name="name"/>.</summary>
    public int ThreadNamed(string name) =>
        ThreadIds().Single(tid => File.ReadAllText($"/proc/{Id}/task/{tid}/comm").TrimEnd('\n') == name);

    public string ThreadStatus(int tid) => File.ReadAllText($"/proc/{Id}/task/{tid}/status");

    /// <summary>Whether the process exists and is not a zombie.</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{Id}/stat");
                int end = stat.LastIndexOf(')');
                return end > 0 && end + 2 < stat.Length && stat[end + 2] is not ('Z' or 'X');
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    public void Dispose()
    {
        try
        {
            using Process process = Process.GetProcessById(Id);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }

        var deadline = Stopwatch.StartNew();
        while (IsRunning && deadline.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Sleep(20);

        _launcher.Dispose();
    }
}
