namespace Sideye.Freezer.Seccomp;

/// <summary>
/// Reads a thread's seccomp filters with PTRACE_SECCOMP_GET_FILTER. The caller needs CAP_SYS_ADMIN, must not
/// be under seccomp itself, and must have the thread in a ptrace-stop of its own (the same OS thread that
/// seized it); the kernel needs CONFIG_CHECKPOINT_RESTORE, which keeps each filter's original program.
/// </summary>
internal static class SeccompFilterReader
{
    /// <summary>
    /// More filters than one thread can have: the kernel caps the instructions on a path at 32768, counting
    /// each filter as its length plus 4, so at most 32768 / 5 one-instruction filters.
    /// </summary>
    private const int MaxFilters = (32768 / 5) + 1;

    /// <param name="newestFirst">The filters in the order the kernel runs them: the most recently installed first.</param>
    /// <param name="error">"could not read the seccomp filter: ESRCH (...)" and the like.</param>
    public static bool TryRead(int tid, out IReadOnlyList<SockFilter[]> newestFirst, out string? error)
    {
        // Index 0 is the OLDEST filter: get_nth_filter counts back from the newest by (count - index). The
        // ptrace(2) man page says the opposite; the kernel (6.18, checked) does this.
        var oldestFirst = new List<SockFilter[]>();
        var buffer = new SockFilter[BpfCode.MaxInstructions];
        for (int index = 0; ; index++)
        {
            if (index == MaxFilters)
            {
                newestFirst = [];
                error = $"could not read the seccomp filter: the thread reports more than {MaxFilters - 1} filters";
                return false;
            }

            long count = Native.Ptrace.GetSeccompFilter(tid, index, buffer, out int errno);
            if (count < 0 && errno == ErrnoNames.ENOENT)
                break; // past the last (newest) one

            if (count < 0)
            {
                newestFirst = [];
                error = $"could not read the seccomp filter: {Explain(errno)}";
                return false;
            }

            if (count is 0 or > BpfCode.MaxInstructions)
            {
                newestFirst = [];
                error = $"could not read the seccomp filter: filter {index} has {count} instructions";
                return false;
            }

            oldestFirst.Add(buffer.AsSpan(0, (int)count).ToArray());
        }

        oldestFirst.Reverse();
        newestFirst = oldestFirst;
        error = null;
        return true;
    }

    private static string Explain(int errno) => errno switch
    {
        ErrnoNames.ESRCH => "ESRCH (the thread is gone, or not in a ptrace-stop of the calling thread)",
        ErrnoNames.EACCES => "EACCES (needs CAP_SYS_ADMIN, and no seccomp filter on the freezer itself)",
        ErrnoNames.EINVAL => "EINVAL (the thread is not in seccomp filter mode, or the kernel lacks CONFIG_CHECKPOINT_RESTORE)",
        ErrnoNames.EMEDIUMTYPE => "EMEDIUMTYPE (an eBPF filter, whose program cannot be read)",
        ErrnoNames.EIO => "EIO (the kernel does not know PTRACE_SECCOMP_GET_FILTER)",
        _ => ErrnoNames.Name(errno),
    };
}
