namespace Sideye.QueryServer.Stacks;

/// <summary>One stack of a snapshot with its frames, leaf first; what the stacks and flame graph views read.</summary>
public sealed record StackRecord(
    long StackId,
    int Pid,
    string Kind,
    string? ThreadName,
    string? Awaiting,
    IReadOnlyList<StackFrame> Frames);
