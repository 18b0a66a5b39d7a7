namespace Sideye.QueryServer.Errors;

/// <summary>No loaded snapshot has this id (never captured, malformed, or deleted): HTTP 404.</summary>
public sealed class SnapshotNotFoundException(string id)
    : Exception($"No snapshot with id '{id}' is loaded.")
{
    public string Id { get; } = id;
}
