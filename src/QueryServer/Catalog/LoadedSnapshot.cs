using Sideye.Snapshot;

namespace Sideye.QueryServer.Catalog;

/// <summary>A snapshot the server has attached and can query.</summary>
/// <param name="Id">The snapshot directory's name: the id in URLs and the DuckDB catalog name.</param>
/// <param name="Directory">The absolute path of the snapshot directory.</param>
/// <param name="Manifest">Its <c>snapshot.json</c>.</param>
public sealed record LoadedSnapshot(string Id, string Directory, SnapshotManifest Manifest)
{
    /// <summary>The DuckDB catalog that holds this snapshot's views (the id, so users can also name it in SQL).</summary>
    public string Catalog => Id;
}
