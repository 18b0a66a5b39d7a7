namespace Sideye.QueryServer.Errors;

/// <summary>The snapshot has no stack with this id: HTTP 404.</summary>
public sealed class StackNotFoundException(string snapshotId, long stackId)
    : Exception($"Snapshot '{snapshotId}' has no stack {stackId}; the stacks view (GET /api/snapshots/{snapshotId}/stacks) lists their ids.");
