namespace Sideye.Snapshot;

/// <summary>
/// The tables of a snapshot and the Parquet file that holds each. The columns of each table are the
/// JSON property names of its row record; docs/snapshot-format.md documents them.
/// </summary>
public static class SnapshotTables
{
    /// <summary>Bumped when a column changes meaning or is removed; adding columns does not bump it.</summary>
    public const int SchemaVersion = 1;

    public const string ManifestFile = "snapshot.json";

    public const string Processes = "processes";
    public const string Stacks = "stacks";
    public const string Frames = "frames";
    public const string CapturedValues = "captured_values";

    public static readonly IReadOnlyList<string> All = [Processes, Stacks, Frames, CapturedValues];

    public static string FileName(string table) => table + ".parquet";
}
