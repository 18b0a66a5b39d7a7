using System.Diagnostics;

namespace Sideye.Capture.Tests;

/// <summary>
/// A debuggee started by <see cref="DacTestProcesses.Start"/>: not our child, so it is watched through
/// /proc and killed by id. Disposing kills it and waits for it to be gone.
/// </summary>
public sealed class DacDebuggeeProcess : IDisposable
{
    private readonly Process _launcher; // holds the debuggee's stdin/stdout pipes

    internal DacDebuggeeProcess(int id, Process launcher)
    {
        Id = id;
        _launcher = launcher;
    }

    public int Id { get; }

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
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }

        var deadline = Stopwatch.StartNew();
        while (IsRunning && deadline.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Sleep(20);

        _launcher.Dispose();
    }
}
