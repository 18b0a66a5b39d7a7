namespace Sideye.QueryServer.Api;

/// <summary>The answer of <c>POST /api/snapshots</c>: the new snapshot, loaded and queryable.</summary>
/// <param name="Snapshot">As <c>GET /api/snapshots</c> lists it.</param>
/// <param name="Errors">Processes that could not be captured (a partial snapshot); empty when all were.</param>
public sealed record TakenSnapshotResponse(SnapshotSummary Snapshot, IReadOnlyList<string> Errors);
