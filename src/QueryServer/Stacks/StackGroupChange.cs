namespace Sideye.QueryServer.Stacks;

/// <summary>
/// How one stack shape changed between two snapshots (<c>GET /api/diff</c>): "handlers waiting on the lock went
/// from 1 to 37". Shapes are matched by their key, which is the same for the same frames in every snapshot.
/// </summary>
/// <param name="Key">The shape's key (as in GET .../stacks).</param>
/// <param name="Change"><c>appeared</c>, <c>disappeared</c>, <c>grew</c>, <c>shrank</c> or <c>same</c>.</param>
/// <param name="Kind"><c>thread</c> or <c>async</c>.</param>
/// <param name="FromCount">Stacks of this shape in the first snapshot (0 when it appeared).</param>
/// <param name="ToCount">Stacks of this shape in the second snapshot (0 when it disappeared).</param>
/// <param name="Processes">The processes holding them, by name (pids differ between runs of a service).</param>
/// <param name="Frames">The shape's frames, leaf first.</param>
/// <param name="Awaiting">What its async stacks await, in either snapshot.</param>
public sealed record StackGroupChange(
    string Key,
    string Change,
    string Kind,
    int FromCount,
    int ToCount,
    IReadOnlyList<string> Processes,
    IReadOnlyList<StackFrame> Frames,
    IReadOnlyList<string> Awaiting);
