namespace Sideye.QueryServer.Errors;

/// <summary>No table of this name in the snapshot under the spec in force: HTTP 404.</summary>
public sealed class SnapshotTableNotFoundException(string snapshotId, string table)
    : Exception($"Snapshot '{snapshotId}' has no table '{table}'; GET /api/snapshots/{snapshotId}/tables lists them.");
