using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SeccompTarget;

/// <summary>
/// --probe: shows by hand that the filter does what the tests assume. Prints one PROBE line per attempt:
/// a raw clone(SIGCHLD) (no CLONE_THREAD: refused, or in kill mode the process dies of SIGSYS here),
/// a new thread and Process.Start (both must keep working under the filter).
/// </summary>
internal static class Probe
{
    public static int Run()
    {
        long child = Native.Syscall(Native.SYS_clone, Native.SIGCHLD, 0, 0, 0, 0, 0);
        if (child == 0)
            Native.Syscall(Native.SYS_exit, 0, 0, 0, 0, 0, 0); // the child (no filter): leave at once
        int errno = child < 0 ? Marshal.GetLastPInvokeError() : 0;
        Console.WriteLine(child < 0
            ? $"PROBE clone(SIGCHLD) = -1 errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})"
            : $"PROBE clone(SIGCHLD) = {child} (a child process: no filter refused it)");
        if (child > 0)
            _ = Native.WaitPid((int)child, out _, 0);

        bool threadRan = false;
        var thread = new Thread(() => threadRan = true);
        thread.Start();
        thread.Join();
        Console.WriteLine($"PROBE new Thread ran: {threadRan}");

        using Process process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
        Console.WriteLine($"PROBE Process.Start(/bin/true) exit code {process.ExitCode}");
        return 0;
    }
}
