namespace Sideye.Freezer.Seccomp;

/// <summary>
/// A thread's filters together, as seccomp_run_filters runs them: every filter runs on the same system call,
/// newest first, and the return value whose action has the highest precedence wins (the first of equals).
/// </summary>
internal static class SeccompFilterChain
{
    /// <param name="newestFirst">The filters in the kernel's order: the most recently installed first.</param>
    /// <param name="result">The winning return value; ALLOW when there are no filters.</param>
    /// <param name="error">Which filter cannot be judged, and why: then no result is trustworthy.</param>
    public static bool TryEvaluate(IReadOnlyList<SockFilter[]> newestFirst, SeccompData data, out uint result, out string? error)
    {
        result = (uint)SeccompAction.Allow;
        for (int i = 0; i < newestFirst.Count; i++)
        {
            if (!SeccompInterpreter.TryRun(newestFirst[i], data, out uint filterReturn, out string? problem))
            {
                // Numbered as PTRACE_SECCOMP_GET_FILTER numbers them (0 = oldest), to find it again.
                error = $"filter {newestFirst.Count - 1 - i} of {newestFirst.Count}: {problem}";
                result = 0;
                return false;
            }

            if (SeccompActions.Overrides(filterReturn, result))
                result = filterReturn;
        }

        error = null;
        return true;
    }
}
