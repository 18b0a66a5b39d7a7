namespace Sideye.QueryServer.Errors;

/// <summary>No loaded snapshot has this id (never captured, malformed, or deleted): HTTP 404.</summary>
public sealed class SnapshotNotFoundException(string id)
    : Exception($"No snapshot with id '{id}' is loaded. GET /api/snapshots lists the ones that are (a snapshot appears within seconds of being written to the folder).")
{
    public string Id { get; } = id;
}
