using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;

namespace Sideye.QueryServer.Stacks;

/// <summary>
/// Reads the stacks and frames of a snapshot for the stacks and flame graph views, once per loaded snapshot:
/// snapshots are immutable, and the views filter the same stacks many times while a user explores.
/// </summary>
public sealed class StackStore(DuckDbEngine engine, QueryServerOptions options)
{
    // Keyed by the LoadedSnapshot instance, so the entry goes away with the snapshot when it is unloaded.
    private readonly ConditionalWeakTable<LoadedSnapshot, Task<SnapshotStacks>> _cache = new();

    // Casts pin the CLR types read below whatever integer widths the Parquet writer chose.
    private const string StacksSql = """
        SELECT CAST(s.stack_id AS BIGINT), CAST(s.pid AS INTEGER), s.kind, s.thread_name, s.awaiting,
               CAST(f.depth AS INTEGER), f.method, f.module, f.file, CAST(f.line AS INTEGER),
               CAST(f.il_offset AS INTEGER), f.kind, CAST(f.await_state AS INTEGER), CAST(s.wait_ms AS DOUBLE)
        FROM stacks s LEFT JOIN frames f ON f.stack_id = s.stack_id AND f.pid = s.pid
        ORDER BY s.stack_id, s.pid, f.depth
        """;

    /// <summary>Forgets every snapshot's stacks: a new spec may derive other wait times.</summary>
    public void Clear() => _cache.Clear();

    public Task<SnapshotStacks> GetAsync(LoadedSnapshot snapshot, CancellationToken aborted)
    {
        Task<SnapshotStacks> task = _cache.GetValue(snapshot, s => LoadAsync(s));
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed read (deadline, client gone) is not remembered: the next request tries again.
            _cache.Remove(snapshot);
            task = _cache.GetValue(snapshot, s => LoadAsync(s));
        }
        return task.WaitAsync(aborted);
    }

    private async Task<SnapshotStacks> LoadAsync(LoadedSnapshot snapshot)
    {
        using DuckDBConnection connection = engine.OpenConnection(snapshot.Catalog);
        // Not tied to one request: other requests may be waiting for the same read.
        return await QueryDeadline.RunAsync(connection, options.QueryTimeout, CancellationToken.None, token =>
            new SnapshotStacks(ReadProcessNames(connection), ReadStacks(connection, token))).ConfigureAwait(false);
    }

    private static Dictionary<int, string> ReadProcessNames(DuckDBConnection connection)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = "SELECT CAST(pid AS INTEGER), name FROM processes";
        using DuckDBDataReader reader = command.ExecuteReader();
        var names = new Dictionary<int, string>();
        while (reader.Read())
            names[reader.GetInt32(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        return names;
    }

    private static List<StackRecord> ReadStacks(DuckDBConnection connection, CancellationToken token)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = StacksSql;
        command.UseStreamingMode = true;
        using DuckDBDataReader reader = command.ExecuteReader();
        var stacks = new List<StackRecord>();
        List<StackFrame>? frames = null;
        (long Id, int Pid) current = default;
        int rows = 0;
        while (reader.Read())
        {
            if ((++rows & 4095) == 0)
                token.ThrowIfCancellationRequested();
            var key = (reader.GetInt64(0), reader.GetInt32(1));
            if (frames is null || key != current)
            {
                current = key;
                frames = [];
                stacks.Add(new StackRecord(key.Item1, key.Item2, reader.GetString(2), StringOrNull(reader, 3), StringOrNull(reader, 4), frames)
                {
                    WaitMs = reader.IsDBNull(13) ? null : reader.GetDouble(13),
                });
            }
            if (!reader.IsDBNull(5))
            {
                frames.Add(new StackFrame(
                    Depth: reader.GetInt32(5),
                    Method: StringOrNull(reader, 6) ?? "",
                    Module: StringOrNull(reader, 7),
                    File: StringOrNull(reader, 8),
                    Line: IntOrNull(reader, 9),
                    IlOffset: IntOrNull(reader, 10),
                    Kind: StringOrNull(reader, 11) ?? "",
                    AwaitState: IntOrNull(reader, 12)));
            }
        }
        return stacks;
    }

    private static string? StringOrNull(DuckDBDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static int? IntOrNull(DuckDBDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt32(i);
}
