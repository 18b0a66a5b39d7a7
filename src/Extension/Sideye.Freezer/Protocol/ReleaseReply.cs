namespace Sideye.Freezer.Protocol;

/// <summary>
/// The answer to <c>release</c>: the clone is dead and (when <see cref="Reaped"/>) no zombie of it is left in the
/// process; <see cref="CloneExtraBytes"/> is the memory the clone held on its own at the end (pages the process had
/// written since the instant), -1 when unknown.
/// </summary>
public sealed record ReleaseReply(int Pid, bool Reaped, long CloneExtraBytes, string? Error);
