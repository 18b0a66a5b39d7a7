namespace Sideye.QueryServer.Catalog;

/// <summary>Defines extra views in every snapshot catalog when it is attached (the spec's function tables).</summary>
public interface ISnapshotViewProvider
{
    /// <summary>
    /// DDL run with the snapshot's catalog as the default. A failure is logged and leaves the snapshot loaded
    /// without these views: core tables stay queryable whatever the spec says.
    /// </summary>
    IReadOnlyList<string> CreateStatements(LoadedSnapshot snapshot);
}
