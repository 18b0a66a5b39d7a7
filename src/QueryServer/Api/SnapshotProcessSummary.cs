namespace Sideye.QueryServer.Api;

/// <summary>A process of a snapshot, as the snapshot list shows it.</summary>
public sealed record SnapshotProcessSummary(int Pid, string Name, string? RuntimeVersion, double? PauseMs);
