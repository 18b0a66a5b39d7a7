using Sideye.Freezer.Seccomp;

namespace Sideye.Freezer;

/// <summary>
/// Whether the target's seccomp filters let the chosen thread make the syscall we are about to inject. A filter that
/// kills on clone() would kill the target; one that refuses it would just fail the clone. Either way the capture
/// falls back to stopping the process, with this reason. The thread must be in our ptrace-stop (the filters are read
/// through ptrace, from this thread).
/// </summary>
internal static class SeccompGate
{
    /// <summary>Null when the call is allowed; otherwise why not.</summary>
    public static string? Refusal(int tid, ulong syscallInstruction, long syscall, params ulong[] args)
    {
        SeccompVerdict verdict = SeccompCheck.Verdict(tid, syscallInstruction, syscall, args);
        return verdict.IsAllowed ? null : verdict.Reason ?? "the seccomp filter's verdict is unknown";
    }
}
