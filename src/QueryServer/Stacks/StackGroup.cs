namespace Sideye.QueryServer.Stacks;

/// <summary>
/// Stacks with identical frames, shown once with a count (Side-Eye's stacks view).
/// </summary>
/// <param name="Key">A stable hash of the kind and frames: the same stack shape has the same key in every snapshot.</param>
/// <param name="Count">How many stacks are in the group.</param>
/// <param name="Kind"><c>thread</c> or <c>async</c>.</param>
/// <param name="Pids">The processes the stacks come from, ascending.</param>
/// <param name="Frames">The shared frames, leaf (depth 0) first, as found on the group's first stack.</param>
/// <param name="StackIds">The stacks in the group, ascending.</param>
/// <param name="ThreadNames">Distinct thread names (thread stacks), sorted.</param>
/// <param name="Awaiting">Distinct values of what async stacks await, sorted.</param>
/// <param name="LongestWaitMs">The longest <c>wait_ms</c> among the group's stacks; null when none is known.</param>
/// <param name="LongestWaitStackId">The stack that has waited longest (Side-Eye's "longest wait" link); null when none is known.</param>
public sealed record StackGroup(
    string Key,
    int Count,
    string Kind,
    IReadOnlyList<int> Pids,
    IReadOnlyList<StackFrame> Frames,
    IReadOnlyList<long> StackIds,
    IReadOnlyList<string> ThreadNames,
    IReadOnlyList<string> Awaiting,
    double? LongestWaitMs = null,
    long? LongestWaitStackId = null);
