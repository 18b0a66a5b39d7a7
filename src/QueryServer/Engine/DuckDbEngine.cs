using DuckDB.NET.Data;
using Sideye.QueryServer.Dialect;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Engine;

/// <summary>
/// The server's one DuckDB database. Each snapshot is an attached in-memory catalog named after the snapshot
/// id, holding views over its Parquet files; a request gets its own connection with that catalog as the
/// default, so user SQL says just <c>FROM stacks</c>. One database (rather than one per snapshot) shares one
/// memory limit and one thread pool however many snapshots are loaded.
/// </summary>
public sealed class DuckDbEngine : IDisposable
{
    private readonly DuckDBConnection _root;
    // DuckDB connections are not thread-safe: the root connection (DDL and Duplicate) is only used under this lock.
    private readonly Lock _rootLock = new();
    private long _scratchCount;

    /// <summary>The stacks as captured, under the <c>stacks</c> view the spec may extend (see <see cref="Specs.SpecViewSql"/>).</summary>
    public const string CapturedStacks = "captured_stacks";

    /// <summary>The catalog of <c>POST /api/query</c>: every loaded snapshot's tables with a <c>snapshot_id</c> column.</summary>
    public const string AllSnapshots = "all_snapshots";

    public DuckDbEngine(QueryServerOptions options)
    {
        string snapshots = Path.GetFullPath(options.SnapshotsDirectory);
        _root = new DuckDBConnection("DataSource=:memory:");
        _root.Open();
        var setup = new List<string>();
        if (options.MemoryLimit is { } limit)
            setup.Add($"SET memory_limit = {SqlText.Literal(limit)}");
        // Views re-read each file's footer on every bind; caching it makes small queries cheap.
        setup.Add("SET parquet_metadata_cache = true");
        // The lock-down (order matters: allowed_directories must be set while external access is still on,
        // and lock_configuration last). Reading files outside the snapshots folder, COPY, ATTACH of files,
        // INSTALL/LOAD and URLs are refused from here on, while views over snapshot files keep working.
        setup.Add($"SET allowed_directories = [{SqlText.Literal(Path.TrimEndingDirectorySeparator(snapshots) + "/")}]");
        setup.Add("SET enable_external_access = false");
        setup.Add("SET lock_configuration = true");
        setup.Add($"ATTACH ':memory:' AS {SqlText.Identifier(AllSnapshots)}");
        setup.AddRange(JsonMacros.CreateStatements(SqlText.Identifier(AllSnapshots) + ".main."));
        foreach (string sql in setup)
            Execute(_root, sql);
    }

    /// <summary>
    /// Attaches a snapshot as catalog <paramref name="catalog"/> with one view per table; on any failure
    /// (a malformed Parquet file fails when its view is bound) the catalog is detached again and the error thrown.
    /// </summary>
    internal void AttachSnapshot(string catalog, IReadOnlyList<TableSource> tables)
    {
        string q = SqlText.Identifier(catalog) + ".main.";
        lock (_rootLock)
        {
            Execute(_root, $"ATTACH ':memory:' AS {SqlText.Identifier(catalog)}");
            try
            {
                foreach (string table in SnapshotTables.All)
                {
                    // Every table starts from its typed empty row set: a snapshot written before a column or a
                    // built-in table existed reads them as NULLs or no rows, and the views over it still bind.
                    string empty = TableSchemas.EmptySelect(table);
                    string sql = tables.FirstOrDefault(t => t.Table == table) is { } source
                        ? $"{empty} UNION ALL BY NAME SELECT * FROM {source.ReadParquetSql()}"
                        : empty;
                    Execute(_root, $"CREATE VIEW {q}{SqlText.Identifier(table == SnapshotTables.Stacks ? CapturedStacks : table)} AS {sql}");
                }
                // The spec's views replace `stacks` with the captured stacks plus the wait times the spec derives.
                Execute(_root, $"CREATE VIEW {q}{SqlText.Identifier(SnapshotTables.Stacks)} AS SELECT * FROM {q}{SqlText.Identifier(CapturedStacks)}");
                foreach (string macro in JsonMacros.CreateStatements(q))
                    Execute(_root, macro);
            }
            catch
            {
                DetachUnlocked(catalog);
                throw;
            }
        }
    }

    /// <summary>Runs server-written DDL (spec views) with <paramref name="catalog"/> as the default catalog.</summary>
    internal void ExecuteInCatalog(string catalog, IEnumerable<string> statements)
    {
        lock (_rootLock)
        {
            Execute(_root, $"USE {SqlText.Identifier(catalog)}");
            try
            {
                foreach (string sql in statements)
                    Execute(_root, sql);
            }
            finally
            {
                Execute(_root, "USE memory");
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the root connection with a fresh, empty catalog as the default (with the
    /// JSON macros in it), dropped afterwards: where spec SQL is bound without touching any snapshot.
    /// </summary>
    internal T WithScratchCatalog<T>(Func<DuckDBConnection, T> work)
    {
        string catalog = SqlText.Identifier("__sideye_scratch_" + Interlocked.Increment(ref _scratchCount));
        lock (_rootLock)
        {
            Execute(_root, $"ATTACH ':memory:' AS {catalog}");
            try
            {
                Execute(_root, $"USE {catalog}");
                foreach (string macro in JsonMacros.CreateStatements(""))
                    Execute(_root, macro);
                return work(_root);
            }
            finally
            {
                Execute(_root, "USE memory");
                Execute(_root, $"DETACH DATABASE IF EXISTS {catalog}");
            }
        }
    }

    /// <summary>Drops a snapshot's catalog (its folder went away). Queries still running on it fail.</summary>
    internal void DetachSnapshot(string catalog)
    {
        lock (_rootLock)
            DetachUnlocked(catalog);
    }

    /// <summary>A new connection whose default catalog is the snapshot's; the caller disposes it.</summary>
    internal DuckDBConnection OpenConnection(string catalog)
    {
        DuckDBConnection connection;
        lock (_rootLock)
            connection = _root.Duplicate();
        try
        {
            connection.Open();
            Execute(connection, $"USE {SqlText.Identifier(catalog)}");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_rootLock)
            _root.Dispose();
    }

    private void DetachUnlocked(string catalog) => Execute(_root, $"DETACH DATABASE IF EXISTS {SqlText.Identifier(catalog)}");

    internal static void Execute(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
