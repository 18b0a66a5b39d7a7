namespace Sideye.Freezer.Seccomp;

/// <summary>
/// Before the freezer makes a stopped thread execute a system call (clone, wait4), asks that thread's own
/// seccomp filters what they would do with exactly that call: a filter that answers KILL_PROCESS,
/// KILL_THREAD or TRAP would kill the target the moment the call is made. Anything but a known "runs"
/// is a refusal with a reason, and the freezer falls back to a stop-the-world capture.
/// </summary>
internal static class SeccompCheck
{
    /// <summary>The x86-64 <c>syscall</c> instruction's length: the filter sees the address after it.</summary>
    public const int SyscallInstructionLength = 2;

    /// <summary>
    /// The verdict for thread <paramref name="tid"/> executing system call <paramref name="syscall"/> with
    /// <paramref name="args"/> (up to six, the rest zero) from the <c>syscall</c> instruction at
    /// <paramref name="syscallAddress"/>. When the thread is under a seccomp filter, it must be in a
    /// ptrace-stop of the calling OS thread (see <see cref="SeccompFilterReader"/>).
    /// </summary>
    public static SeccompVerdict Verdict(int tid, ulong syscallAddress, long syscall, ReadOnlySpan<ulong> args)
    {
        if (!SeccompStatus.TryReadMode(tid, out SeccompMode mode, out string? error))
            return SeccompVerdict.Refused(error!);

        switch (mode)
        {
            case SeccompMode.Disabled:
                return SeccompVerdict.Allowed();
            case SeccompMode.Strict:
                return Strict(syscall);
            case SeccompMode.Filter:
                SeccompData data = DataFor(syscallAddress, syscall, args);
                return SeccompFilterReader.TryRead(tid, out IReadOnlyList<SockFilter[]> filters, out error)
                    ? Judge(filters, data)
                    : SeccompVerdict.Refused(error!);
            default:
                return SeccompVerdict.Refused($"the thread is in seccomp mode {(int)mode}, which the freezer does not know");
        }
    }

    /// <summary>What the kernel's filters see for that call on x86-64.</summary>
    public static SeccompData DataFor(ulong syscallAddress, long syscall, ReadOnlySpan<ulong> args) =>
        // instruction_pointer is the saved user RIP at system call entry, i.e. after the instruction; nr is
        // the low 32 bits of RAX, as syscall_get_nr returns it.
        new(unchecked((int)syscall), SeccompData.AuditArchX86_64, unchecked(syscallAddress + SyscallInstructionLength), args);

    /// <summary>The verdict of filters already read, newest first.</summary>
    public static SeccompVerdict Judge(IReadOnlyList<SockFilter[]> newestFirst, SeccompData data)
    {
        if (newestFirst.Count == 0)
            return SeccompVerdict.Refused("the thread is in seccomp filter mode but has no filter to read");

        if (!SeccompFilterChain.TryEvaluate(newestFirst, data, out uint filterReturn, out string? error))
            return SeccompVerdict.Refused($"could not evaluate the seccomp filter: {error}");

        return SeccompActions.LetsSyscallRun(filterReturn)
            ? SeccompVerdict.Allowed(filterReturn)
            : SeccompVerdict.Refused($"seccomp filter returns {SeccompActions.Describe(filterReturn)} for {SyscallNames.Call(data.Nr)}", filterReturn);
    }

    /// <summary>Strict mode (SECCOMP_MODE_STRICT) lets read, write, exit and rt_sigreturn through and kills the thread for anything else.</summary>
    public static SeccompVerdict Strict(long syscall) =>
        syscall is SyscallNames.Read or SyscallNames.Write or SyscallNames.Exit or SyscallNames.RtSigreturn
            ? SeccompVerdict.Allowed()
            : SeccompVerdict.Refused($"the thread is in strict seccomp mode, which kills it for {SyscallNames.Call(syscall)}");
}
