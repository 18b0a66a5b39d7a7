namespace Sideye.Freezer.Seccomp;

/// <summary>Whether a thread's seccomp mode lets a system call the freezer is about to inject run.</summary>
/// <param name="IsAllowed">True only when the call is known to run (no seccomp, or the filters return ALLOW or LOG).</param>
/// <param name="Reason">Why not, for the snapshot's warnings; null when allowed.</param>
/// <param name="FilterReturn">The filters' combined 32-bit return value when they were evaluated; null when no filter ran.</param>
internal sealed record SeccompVerdict(bool IsAllowed, string? Reason, uint? FilterReturn)
{
    /// <summary>The action of <see cref="FilterReturn"/>, when filters were evaluated.</summary>
    public SeccompAction? Action => FilterReturn is { } value ? SeccompActions.ActionOf(value) : null;

    public static SeccompVerdict Allowed(uint? filterReturn = null) => new(true, null, filterReturn);

    public static SeccompVerdict Refused(string reason, uint? filterReturn = null) => new(false, reason, filterReturn);
}
