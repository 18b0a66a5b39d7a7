using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Errors;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Catalog;

/// <summary>
/// The snapshots being served. <see cref="ScanAsync"/> reconciles it with the snapshots folder: attaches new
/// snapshot directories, detaches vanished ones, and skips malformed ones with one warning per change.
/// Dot-prefixed directories are skipped: <see cref="SnapshotWriter"/> writes under such a name and renames.
/// </summary>
public sealed partial class SnapshotCatalog(
    DuckDbEngine engine,
    QueryServerOptions options,
    IEnumerable<ISnapshotViewProvider> viewProviders,
    AllSnapshotsCatalog allSnapshots,
    ILogger<SnapshotCatalog> logger)
{
    private readonly string _root = Path.GetFullPath(options.SnapshotsDirectory);
    private readonly ConcurrentDictionary<string, LoadedSnapshot> _loaded = new(StringComparer.Ordinal);
    // Directories that failed to load, with the stamp they had then; only touched under _gate.
    private readonly Dictionary<string, DateTime> _failed = new(StringComparer.Ordinal);
    // Serializes scans with each other and with view rebuilds, so each snapshot sees one consistent spec.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string RootDirectory => _root;

    public int Count => _loaded.Count;

    /// <summary>The loaded snapshots, newest capture first.</summary>
    public IReadOnlyList<LoadedSnapshot> All =>
        [.. _loaded.Values.OrderByDescending(s => s.Manifest.CapturedAtUtc).ThenByDescending(s => s.Id, StringComparer.Ordinal)];

    /// <summary>The snapshot with this id, or <see cref="SnapshotNotFoundException"/> (HTTP 404).</summary>
    public LoadedSnapshot Get(string id) =>
        _loaded.TryGetValue(id, out LoadedSnapshot? snapshot) ? snapshot : throw new SnapshotNotFoundException(id);

    /// <summary>Brings the catalog in line with the folder; safe to call concurrently (calls queue up).</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(_root);
            int before = _loaded.Count;
            var loadedBefore = new HashSet<string>(_loaded.Keys, StringComparer.Ordinal);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach ((string id, string directory) in SnapshotLayout.Snapshots(_root))
            {
                present.Add(id);
                if (!_loaded.ContainsKey(id))
                    TryLoad(id, directory);
            }
            foreach (string id in _loaded.Keys.Where(id => !present.Contains(id)).ToList())
                Unload(id);
            foreach (string id in _failed.Keys.Where(id => !present.Contains(id)).ToList())
                _failed.Remove(id);
            if (_loaded.Count != before || !loadedBefore.SetEquals(_loaded.Keys))
                allSnapshots.Rebuild([.. _loaded.Values]);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> over the loaded snapshots with scans held off, so no snapshot is attached
    /// half-way through (spec changes: set the new spec, then rebuild every snapshot's views).
    /// </summary>
    public async Task RunExclusiveAsync(Action<IReadOnlyCollection<LoadedSnapshot>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            action([.. _loaded.Values]);
            allSnapshots.Rebuild([.. _loaded.Values]); // the action may have changed what the views are over (the spec)
        }
        finally
        {
            _gate.Release();
        }
    }

    private void TryLoad(string id, string directory)
    {
        DateTime stamp;
        try
        {
            stamp = SnapshotLayout.Stamp(directory);
        }
        catch (IOException)
        {
            return; // vanished or being moved: the next scan sees its final state
        }
        if (_failed.TryGetValue(id, out DateTime failedStamp) && failedStamp == stamp)
            return;
        try
        {
            SnapshotManifest manifest = SnapshotWriter.ReadManifest(directory);
            // A newer schema may mean columns changed meaning: better refused than misread.
            if (manifest.SchemaVersion > SnapshotTables.SchemaVersion)
                throw new InvalidDataException($"it was written by a newer Sideye ({manifest.ToolVersion}, snapshot schema {manifest.SchemaVersion}; " +
                    $"this server reads schema {SnapshotTables.SchemaVersion} and older). Serve it with that version or newer.");
            IReadOnlyList<TableSource> tables = SnapshotLayout.Find(_root, directory);
            var snapshot = new LoadedSnapshot(id, directory, manifest);
            engine.AttachSnapshot(snapshot.Catalog, tables);
            AddViews(snapshot);
            _loaded[id] = snapshot;
            _failed.Remove(id);
            LogLoaded(id, manifest.Processes.Count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException
            or System.Text.Json.JsonException or DuckDB.NET.Data.DuckDBException)
        {
            _failed[id] = stamp;
            LogSkipped(id, e.Message);
        }
    }

    private void AddViews(LoadedSnapshot snapshot)
    {
        foreach (ISnapshotViewProvider provider in viewProviders)
        {
            try
            {
                engine.ExecuteInCatalog(snapshot.Catalog, provider.CreateStatements(snapshot));
            }
            catch (DuckDB.NET.Data.DuckDBException e)
            {
                LogViewsFailed(snapshot.Id, e.Message);
            }
        }
    }

    private void Unload(string id)
    {
        if (_loaded.TryRemove(id, out LoadedSnapshot? snapshot))
        {
            engine.DetachSnapshot(snapshot.Catalog);
            LogUnloaded(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded snapshot {Id} ({Processes} process(es))")]
    private partial void LogLoaded(string id, int processes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped snapshot directory {Id}: {Reason}")]
    private partial void LogSkipped(string id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot {Id} is loaded without its spec views: {Reason}")]
    private partial void LogViewsFailed(string id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded snapshot {Id}: its directory is gone")]
    private partial void LogUnloaded(string id);
}
