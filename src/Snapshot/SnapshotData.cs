namespace Sideye.Snapshot;

/// <summary>Everything one capture produced, ready to be written as a snapshot directory.</summary>
public sealed record SnapshotData(
    IReadOnlyList<ProcessRow> Processes,
    IReadOnlyList<StackRow> Stacks,
    IReadOnlyList<FrameRow> Frames,
    IReadOnlyList<CapturedValueRow> CapturedValues)
{
    public BuiltInTables BuiltIns { get; init; } = BuiltInTables.Empty;

    /// <summary>The variables of the methods on the stacks that have a PDB (see <see cref="MethodVariableRow"/>).</summary>
    public IReadOnlyList<MethodVariableRow> MethodVariables { get; init; } = [];
}
