using System.Runtime.InteropServices;

namespace Sideye.Capture.Target;

/// <summary>The one libc call ClrMD does not make for us.</summary>
internal static partial class Posix
{
    private const int SIGCONT = 18;
    private const int SIGSTOP = 19;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    /// <summary>
    /// Belt and braces after detaching: PTRACE_ATTACH stops the target with SIGSTOP, and if anything went
    /// wrong between attach and detach the process could stay in group-stop. SIGCONT is harmless otherwise.
    /// </summary>
    public static void Continue(int pid) => _ = kill(pid, SIGCONT);

    /// <summary>Stops every thread of a process at once (group-stop); ptrace can still attach to it.</summary>
    public static void Stop(int pid) => _ = kill(pid, SIGSTOP);

    [LibraryImport("libc")]
    private static partial nuint strlen(nint text);

    /// <summary>
    /// For the fault tests: a null dereference in native code, as the DAC makes, which kills this process with SIGSEGV
    /// (a SIGSEGV sent with kill() does not: the runtime's handler ignores one that is not a fault).
    /// </summary>
    public static void Segfault() => _ = strlen(0);
}
