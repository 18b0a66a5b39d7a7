using System.Runtime.InteropServices;

namespace Sideye.Freezer.Tests;

/// <summary>The ptrace and waitpid calls the live tests make to stop a thread the way the freezer will.</summary>
internal static partial class TestPtrace
{
    private const int PTRACE_DETACH = 17;
    private const int PTRACE_SEIZE = 0x4206;
    private const int PTRACE_INTERRUPT = 0x4207;
    private const int WNOHANG = 1;
    private const int __WALL = 0x4000_0000;
    private const int EINTR = 4;

    public const int PtraceEventStop = 128;

    public static void Seize(int tid) => Check(Ptrace(PTRACE_SEIZE, tid, 0, 0), "PTRACE_SEIZE", tid);

    public static void Interrupt(int tid) => Check(Ptrace(PTRACE_INTERRUPT, tid, 0, 0), "PTRACE_INTERRUPT", tid);

    /// <summary>Detaches a stopped tracee, delivering <paramref name="signal"/> (0: none). False when it fails.</summary>
    public static bool Detach(int tid, int signal) => Ptrace(PTRACE_DETACH, tid, 0, signal) == 0;

    /// <summary>waitpid(tid, __WALL) until the thread stops (polled, so that a test cannot hang); returns the status.</summary>
    public static int WaitForStop(int tid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            int waited = WaitPid(tid, out int status, WNOHANG | __WALL);
            if (waited == tid)
            {
                if ((status & 0xFF) != 0x7F)
                    throw new InvalidOperationException($"thread {tid} did not stop but ended (wait status 0x{status:x})");
                return status;
            }

            if (waited < 0 && Marshal.GetLastPInvokeError() is int errno && errno != EINTR)
                throw new InvalidOperationException($"waitpid({tid}) failed: errno {errno}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"thread {tid} did not stop within {timeout}");
            Thread.Sleep(2);
        }
    }

    private static void Check(long result, string request, int tid)
    {
        if (result != 0)
            throw new InvalidOperationException($"{request}({tid}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    private static partial long Ptrace(int request, int pid, nint addr, nint data);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);
}
