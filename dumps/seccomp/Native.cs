using System.Runtime.InteropServices;

namespace SeccompTarget;

/// <summary>The libc calls the target makes; errno through Marshal.GetLastPInvokeError.</summary>
internal static partial class Native
{
    public const int PR_SET_NO_NEW_PRIVS = 38;
    public const long SYS_clone = 56;
    public const long SYS_exit = 60;
    public const long SYS_seccomp = 317;
    public const long SECCOMP_SET_MODE_FILTER = 1;
    public const long SECCOMP_FILTER_FLAG_TSYNC = 1;
    public const long SIGCHLD = 17;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    /// <summary>syscall(2): always passes six arguments; the kernel ignores those a call does not take.</summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long arg1, long arg2, long arg3, long arg4, long arg5, long arg6);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);
}
