using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Specs;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Catalog;

/// <summary>
/// The catalog <c>POST /api/query</c> runs in: every table of every loaded snapshot as one view with a
/// <c>snapshot_id</c> column (the snapshot tables, built-in tables, the spec's function and derived tables,
/// <c>all_captured_data</c>), for SQL that compares snapshots. Rebuilt whenever a snapshot comes or goes and
/// whenever the spec changes (callers hold the snapshot catalog's gate).
/// </summary>
public sealed partial class AllSnapshotsCatalog(DuckDbEngine engine, SpecState spec, ILogger<AllSnapshotsCatalog> logger)
{
    private readonly List<string> _views = new();

    /// <summary>Replaces every view with one over <paramref name="snapshots"/>.</summary>
    public void Rebuild(IReadOnlyCollection<LoadedSnapshot> snapshots)
    {
        var statements = _views.Select(v => $"DROP VIEW IF EXISTS {SqlText.Identifier(v)}").ToList();
        engine.ExecuteInCatalog(DuckDbEngine.AllSnapshots, statements);
        _views.Clear();
        List<LoadedSnapshot> ordered = [.. snapshots.OrderBy(s => s.Manifest.CapturedAtUtc).ThenBy(s => s.Id, StringComparer.Ordinal)];
        IEnumerable<string> tables = SnapshotTables.All
            .Concat(spec.Current.Sql.FunctionTables.Select(t => t.Table))
            .Concat(spec.Current.Sql.DerivedTables.Select(t => t.Name))
            .Append(SpecViewSql.AllCapturedData);
        foreach (string table in tables)
        {
            string sql;
            if (ordered.Count > 0)
                sql = string.Join("\nUNION ALL BY NAME\n", ordered.Select(s =>
                    $"SELECT {SqlText.Literal(s.Id)} AS snapshot_id, * FROM {SqlText.Identifier(s.Catalog)}.main.{SqlText.Identifier(table)}"));
            else if (SnapshotTables.RowTypes.ContainsKey(table))
                sql = $"SELECT CAST(NULL AS VARCHAR) AS snapshot_id, * FROM ({TableSchemas.EmptySelect(table)})";
            else
                continue; // a spec table with no snapshot to take its shape from
            try
            {
                engine.ExecuteInCatalog(DuckDbEngine.AllSnapshots, [$"CREATE OR REPLACE VIEW {SqlText.Identifier(table)} AS\n{sql}"]);
                _views.Add(table);
            }
            catch (DuckDBException e)
            {
                // A spec table whose view failed in one snapshot: left out here, queryable per snapshot.
                LogViewSkipped(table, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Table {Table} is left out of the all-snapshots catalog: {Reason}")]
    private partial void LogViewSkipped(string table, string reason);
}
