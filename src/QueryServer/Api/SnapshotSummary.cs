using Sideye.QueryServer.Catalog;

namespace Sideye.QueryServer.Api;

/// <summary>One entry of <c>GET /api/snapshots</c>.</summary>
public sealed record SnapshotSummary(
    string Id,
    DateTimeOffset CapturedAtUtc,
    string Source,
    IReadOnlyList<SnapshotProcessSummary> Processes,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Tables)
{
    public static SnapshotSummary From(LoadedSnapshot snapshot) => new(
        snapshot.Id,
        snapshot.Manifest.CapturedAtUtc,
        snapshot.Manifest.Source,
        [.. snapshot.Manifest.Processes.Select(p => new SnapshotProcessSummary(p.Pid, p.Name, p.RuntimeVersion, p.PauseMs))],
        snapshot.Manifest.Warnings,
        snapshot.Manifest.Tables);
}
