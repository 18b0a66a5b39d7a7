using Microsoft.Extensions.Logging;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Stacks;
using Sideye.QueryServer.Errors;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// Loads, validates and replaces the spec. A spec is accepted only when the compiler finds no error and
/// all of its SQL binds in DuckDB; then it is stored (versioned) and every loaded snapshot's views are
/// rebuilt, so old snapshots show new columns and tables without a new capture. A rejected spec changes nothing.
/// </summary>
public sealed partial class SpecService(SpecState state, DuckDbEngine engine, SnapshotCatalog catalog, StackStore stacks, ILogger<SpecService> logger)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public SpecDocument Current => state.Current;

    /// <summary>
    /// Reads the <c>--spec</c> file at start; a missing file means an empty spec (a PUT creates the file).
    /// Throws <see cref="SpecRejectedException"/> for a spec with errors, so the server does not start with less
    /// than the user asked for.
    /// </summary>
    public void LoadInitial()
    {
        string? path = state.Current.Path;
        if (path is null)
            return;
        if (!File.Exists(path))
        {
            LogNoSpecFile(path);
            return;
        }
        SpecDocument document = Compile(File.ReadAllText(path), path) with { Version = SpecStore.LatestVersion(path), Path = path };
        state.Current = document;
        LogSpecLoaded(document.Version, document.Sql.FunctionTables.Count, document.Sql.DerivedTables.Count, document.Sql.Links.Count);
    }

    /// <summary>Validates, stores and applies a new spec; throws <see cref="SpecRejectedException"/> when it has errors.</summary>
    public async Task<SpecDocument> ReplaceAsync(string yaml, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SpecDocument previous = state.Current;
            string? path = previous.Path;
            SpecDocument compiled = Compile(yaml, path is null ? SpecLoader.DefaultFileName : Path.GetFileName(path));
            int version = path is null ? previous.Version + 1 : SpecStore.Save(path, yaml);
            SpecDocument next = compiled with { Version = version, Path = path };
            IReadOnlyList<string> statements = [.. SpecViewSql.Drop(previous.Sql), .. SpecViewSql.Create(next.Sql)];
            await catalog.RunExclusiveAsync(snapshots =>
            {
                state.Current = next;
                foreach (LoadedSnapshot snapshot in snapshots)
                    Rebuild(snapshot, statements);
                stacks.Clear(); // the stacks view's wait times may come from the spec
            }, CancellationToken.None).ConfigureAwait(false);
            LogSpecLoaded(next.Version, next.Sql.FunctionTables.Count, next.Sql.DerivedTables.Count, next.Sql.Links.Count);
            return next;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Runs exactly the checks of <see cref="ReplaceAsync"/> on <paramref name="yaml"/> and stores, applies and locks nothing:
    /// the diagnostics (errors first) and, when there is no error, what the spec compiles to.
    /// </summary>
    public SpecCheck Check(string yaml)
    {
        string? path = state.Current.Path;
        return CheckAs(yaml, path is null ? SpecLoader.DefaultFileName : Path.GetFileName(path));
    }

    private SpecCheck CheckAs(string yaml, string fileName)
    {
        SpecParseResult parsed = SpecLoader.Parse(yaml, fileName);
        if (parsed.Spec is null)
            return new SpecCheck(Ordered(parsed.Diagnostics), null);
        IReadOnlyList<SpecDiagnostic> validated = SpecValidator.Validate(parsed.Spec, targets: null, sql: new DuckDbSqlBinder(engine));
        IReadOnlyList<SpecDiagnostic> all = Ordered([.. parsed.Diagnostics, .. validated]);
        return new SpecCheck(all, all.Any(d => d.IsError) ? null : parsed.Spec.Compile());
    }

    private SpecDocument Compile(string yaml, string fileName)
    {
        SpecCheck check = CheckAs(yaml, fileName);
        if (check.Compiled is not { } compiled)
            throw new SpecRejectedException(check.Diagnostics);
        return new SpecDocument(0, null, yaml, compiled.Sql, [.. check.Diagnostics.Select(d => d.ToString())]) { Plan = compiled.Plan };
    }

    // Errors first, then warnings; the validator repeats the loader's checks, so duplicates are dropped.
    private static IReadOnlyList<SpecDiagnostic> Ordered(IEnumerable<SpecDiagnostic> diagnostics) =>
        [.. diagnostics.OrderByDescending(d => d.IsError).ThenBy(d => d.Line).ThenBy(d => d.Column).DistinctBy(d => d.ToString())];

    private void Rebuild(LoadedSnapshot snapshot, IReadOnlyList<string> statements)
    {
        try
        {
            engine.ExecuteInCatalog(snapshot.Catalog, statements);
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            LogRebuildFailed(snapshot.Id, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spec version {Version} in force: {Functions} function table(s), {Derived} derived table(s), {Links} link(s)")]
    private partial void LogSpecLoaded(int version, int functions, int derived, int links);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spec file {Path} does not exist yet: starting with an empty spec (PUT /api/spec creates it)")]
    private partial void LogNoSpecFile(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot {Id} could not take the new spec's views: {Reason}")]
    private partial void LogRebuildFailed(string id, string reason);
}
