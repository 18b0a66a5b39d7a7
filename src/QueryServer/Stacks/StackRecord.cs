namespace Sideye.QueryServer.Stacks;

/// <summary>One stack of a snapshot with its frames, leaf first; what the stacks and flame graph views read.</summary>
public sealed record StackRecord(
    long StackId,
    int Pid,
    string Kind,
    string? ThreadName,
    string? Awaiting,
    IReadOnlyList<StackFrame> Frames)
{
    /// <summary>How long the stack had waited at the capture (the <c>stacks</c> view's <c>wait_ms</c>), when known.</summary>
    public double? WaitMs { get; init; }
}
