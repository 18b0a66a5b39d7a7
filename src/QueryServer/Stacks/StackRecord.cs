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

    /// <summary>
    /// The group key of the stack's shape (<see cref="StackGroup.Key"/>), worked out once: records are cached per
    /// snapshot, and the views group the same 100,000 stacks again for every filter. Benign race: equal values.
    /// </summary>
    internal string? ShapeKey { get; set; }
}
