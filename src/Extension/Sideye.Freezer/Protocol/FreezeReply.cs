namespace Sideye.Freezer.Protocol;

/// <summary>The answer to <c>freeze</c>: one entry per process asked for, in the same order.</summary>
public sealed record FreezeReply(IReadOnlyList<FrozenProcess> Processes);
