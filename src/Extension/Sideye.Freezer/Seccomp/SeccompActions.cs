namespace Sideye.Freezer.Seccomp;

/// <summary>Reads a seccomp filter's 32-bit return value the way kernel/seccomp.c does.</summary>
internal static class SeccompActions
{
    /// <summary>SECCOMP_RET_ACTION_FULL.</summary>
    public const uint ActionMask = 0xFFFF_0000;

    /// <summary>SECCOMP_RET_DATA.</summary>
    public const uint DataMask = 0x0000_FFFF;

    /// <summary>MAX_ERRNO: the kernel clamps an ERRNO action's data to this.</summary>
    public const int MaxErrno = 4095;

    public static SeccompAction ActionOf(uint filterReturn) => (SeccompAction)(filterReturn & ActionMask);

    public static int DataOf(uint filterReturn) => (int)(filterReturn & DataMask);

    /// <summary>
    /// Whether <paramref name="candidate"/> overrides <paramref name="current"/> when both come from filters
    /// of one thread: the kernel keeps the lower action as a signed number (ACTION_ONLY), so KILL_PROCESS
    /// (0x80000000) beats everything and an unknown action sorts by its value. Equal actions keep the first seen.
    /// </summary>
    public static bool Overrides(uint candidate, uint current) =>
        unchecked((int)(candidate & ActionMask)) < unchecked((int)(current & ActionMask));

    /// <summary>
    /// Whether the system call runs. LOG runs it (after an audit record); TRACE does not for us (the freezer is
    /// the tracer and does not ask for PTRACE_EVENT_SECCOMP, so the kernel skips the call with ENOSYS);
    /// USER_NOTIF leaves it to a supervisor process we cannot predict.
    /// </summary>
    public static bool LetsSyscallRun(uint filterReturn) => ActionOf(filterReturn) is SeccompAction.Allow or SeccompAction.Log;

    /// <summary>The action as the kernel headers name it, with the errno an ERRNO action makes the call return.</summary>
    public static string Describe(uint filterReturn) => ActionOf(filterReturn) switch
    {
        SeccompAction.KillProcess => "KILL_PROCESS",
        SeccompAction.KillThread => "KILL_THREAD",
        SeccompAction.Trap => "TRAP",
        SeccompAction.Errno => $"ERRNO({Math.Min(DataOf(filterReturn), MaxErrno)})",
        SeccompAction.UserNotif => "USER_NOTIF",
        SeccompAction.Trace => "TRACE",
        SeccompAction.Log => "LOG",
        SeccompAction.Allow => "ALLOW",
        // __seccomp_filter's default case: an action it does not know kills the process.
        var unknown => $"the unknown action 0x{(uint)unknown:X8} (which kills the process)",
    };
}
