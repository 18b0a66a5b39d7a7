namespace Sideye.Freezer;

/// <summary>
/// Whether the target's seccomp filters let one of its threads make the syscall we are about to inject. A filter
/// that kills on clone() would kill the target; one that refuses it would just fail the clone. Either way the capture
/// falls back to stopping the process, with this reason.
/// </summary>
internal static class SeccompGate
{
    /// <summary>Null when the call is allowed; otherwise why not.</summary>
    public static string? Refusal(int seccompMode, int tid, ulong instructionPointer, long syscall, params ulong[] args) => seccompMode switch
    {
        0 => null,
        1 => "the process runs in strict seccomp mode, which allows no clone()",
        2 => "the process has a seccomp filter, and filters are not evaluated yet",
        _ => "its seccomp mode could not be read",
    };
}
