using System.Diagnostics;

namespace Sideye.Capture.Target;

/// <summary>
/// Guards against the one failure a finally block cannot handle: Sideye itself dying (a native crash in
/// the DAC, SIGKILL) while targets are stopped. PTRACE_ATTACH stops a target with SIGSTOP, and if the
/// tracer dies the kernel detaches but may leave it in group-stop. A tiny shell process watches us and
/// sends SIGCONT to the targets when we are gone. Started before the pause, so it costs the pause nothing.
/// </summary>
internal sealed class ResumeWatchdog : IDisposable
{
    private readonly Process? _watchdog;

    private ResumeWatchdog(Process? watchdog) => _watchdog = watchdog;

    public static ResumeWatchdog Start(IEnumerable<int> pids)
    {
        string targets = string.Join(' ', pids);
        if (targets.Length == 0 || !File.Exists("/bin/sh"))
            return new ResumeWatchdog(null);
        try
        {
            var psi = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true, // keeps the watchdog from reading our terminal
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 0.2; done; kill -CONT {targets} 2>/dev/null");
            return new ResumeWatchdog(Process.Start(psi));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new ResumeWatchdog(null); // no shell: the finally blocks still resume the targets
        }
    }

    public void Dispose()
    {
        try
        {
            if (_watchdog is { HasExited: false })
                _watchdog.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _watchdog?.Dispose();
    }
}
