namespace Sideye.QueryServer;

/// <summary>
/// How <c>sideye serve</c> runs the query server. The positional parameters are what the CLI passes; the
/// limits have defaults beside them so a caller only states what it changes.
/// </summary>
/// <param name="SnapshotsDirectory">The folder whose sub-folders are snapshots; watched for new ones.</param>
/// <param name="Urls">Kestrel URLs separated by ';' (e.g. <c>http://127.0.0.1:5115</c>; port 0 picks a free port).</param>
/// <param name="SpecPath">The spec file (YAML) that defines function tables, or null for none.</param>
public sealed record QueryServerOptions(string SnapshotsDirectory, string Urls, string? SpecPath = null)
{
    /// <summary>The URL used when the caller gives none: loopback only, like dotnet-monitor.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5115";

    /// <summary>A user query still running after this is cancelled and answered with 504.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many rows are returned; the answer then says <c>truncated: true</c>.</summary>
    public int MaxRows { get; init; } = 10_000;

    /// <summary>
    /// The fallback rescan period of the snapshots folder. The file watcher normally reports a new snapshot at
    /// once; the rescan covers the cases it misses (network file systems, overflowed event buffers).
    /// </summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Takes snapshots for <c>POST /api/snapshots</c>; null answers it with 501 (a server that only serves snapshots).</summary>
    public Capture.ISnapshotTaker? SnapshotTaker { get; init; }

    /// <summary>
    /// SHA-256 hashes (<c>sha256:&lt;hex&gt;</c>, from <c>sideye generatekey</c>) of the API keys every request must
    /// carry as <c>Authorization: Bearer &lt;key&gt;</c>; empty for none. Required to listen beyond loopback.
    /// </summary>
    public IReadOnlyList<string> ApiKeyHashes { get; init; } = [];

    /// <summary>Listen beyond loopback without keys, explicitly (the server warns on start).</summary>
    public bool NoAuth { get; init; }

    /// <summary>
    /// Folders whose files the stacks view may show as frames' source (<c>GET .../source</c>); empty shows none. Frames'
    /// file names come from the targets' PDBs, so without this a snapshot could name any file the server can read.
    /// </summary>
    public IReadOnlyList<string> SourceRoots { get; init; } = [];

    /// <summary>DuckDB's memory_limit (e.g. "4GB") for the whole server, or null for DuckDB's default (80% of RAM).</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>Throws when a value is out of range, so a bad option fails at start and not on the first query.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SnapshotsDirectory))
            throw new ArgumentException("The snapshots directory is required.", nameof(SnapshotsDirectory));
        if (string.IsNullOrWhiteSpace(Urls))
            throw new ArgumentException("At least one URL is required.", nameof(Urls));
        if (QueryTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(QueryTimeout), QueryTimeout, "The query timeout must be positive.");
        if (MaxRows <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxRows), MaxRows, "The row cap must be positive.");
        foreach (string hash in ApiKeyHashes)
        {
            if (!Security.ApiKeys.IsValidHash(hash))
                // Not echoed: a key pasted where its hash belongs would land in a log.
                throw new ArgumentException("an --api-key-hash value is not an API key hash: give what `sideye generatekey` prints after --api-key-hash (sha256:<64 hex digits>), never the key itself.", nameof(ApiKeyHashes));
        }
        if (ApiKeyHashes.Count == 0 && !NoAuth && Security.ListenAddresses.NonLoopback(Urls) is { Count: > 0 } open)
            throw new ArgumentException($"{string.Join(", ", open)} can be reached from other machines, and snapshots hold what the services had in memory. " +
                "Run `sideye generatekey` and pass its --api-key-hash (clients then send `Authorization: Bearer <key>`), or --no-auth to serve them to anyone who can connect.", nameof(Urls));
        if (RescanInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RescanInterval), RescanInterval, "The rescan interval must be positive.");
    }
}
