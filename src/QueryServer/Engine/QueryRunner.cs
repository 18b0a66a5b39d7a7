using System.Diagnostics;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Sideye.QueryServer.Dialect;
using Sideye.QueryServer.Errors;

namespace Sideye.QueryServer.Engine;

/// <summary>
/// Runs one user query against one snapshot: dialect rewrite, the one-SELECT gate, the deadline and the row
/// cap. Every SQL text a user writes goes through here, so these rules hold for all of them.
/// </summary>
public sealed class QueryRunner(DuckDbEngine engine, QueryServerOptions options)
{
    public Task<QueryResult> RunAsync(string catalog, string userSql, CancellationToken aborted)
    {
        if (string.IsNullOrWhiteSpace(userSql))
            throw new QueryRejectedException("Invalid SQL", "The query is empty.");
        return ExecuteAsync(catalog, JsonPathRewriter.Rewrite(userSql, labelAsWritten: true), gate: true, aborted);
    }

    /// <summary>
    /// Runs SQL the server wrote itself (from names a validated spec holds) with the same deadline, row cap
    /// and value conversion as user queries, but without the rewrite and the one-SELECT gate.
    /// </summary>
    internal Task<QueryResult> RunServerSqlAsync(string catalog, string sql, CancellationToken aborted) =>
        ExecuteAsync(catalog, sql, gate: false, aborted);

    private async Task<QueryResult> ExecuteAsync(string catalog, string sql, bool gate, CancellationToken aborted)
    {
        long started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _running);
        try
        {
            using DuckDBConnection connection = await OpenAsync(catalog, started, aborted).ConfigureAwait(false);
            return await QueryDeadline.RunAsync(connection, options.QueryTimeout, aborted, token =>
            {
                try
                {
                    if (gate)
                        WhileMemoryIsTaken(started, token, () => { SqlGate.Check(connection, sql); return true; });
                    token.ThrowIfCancellationRequested();
                    IReadOnlyList<string>? described = WhileMemoryIsTaken(started, token, () => Describe(connection, sql));
                    token.ThrowIfCancellationRequested();
                    return WhileMemoryIsTaken(started, token, () =>
                    {
                        using DuckDBCommand command = connection.CreateCommand();
                        command.CommandText = sql;
                        // Streaming, so a huge result stops at the row cap instead of being materialized first.
                        command.UseStreamingMode = true;
                        using DuckDBDataReader reader = command.ExecuteReader();
                        return Read(reader, described, started, token);
                    });
                }
                catch (DuckDBException e) when (e.ErrorType is not (DuckDBErrorType.Internal or DuckDBErrorType.Fatal))
                {
                    throw new QueryRejectedException("The query failed", e.Message, e);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    // DuckDB's memory_limit is one for the whole server: while a hungry query holds it, any other query (even opening its
    // connection or parsing) is refused memory; the hostile-input concurrency test saw small correct queries answered
    // with a 500 or a 400 "Out of Memory". So a query that runs out of memory while others run waits for memory and tries
    // again (a hungry query ends at its own limit or deadline), answering 503 only past its deadline; one that runs out
    // alone ran out on its own, and that is its answer (400).
    private static readonly TimeSpan MemoryRetryPeriod = TimeSpan.FromMilliseconds(50);
    private int _running;

    private bool OthersRunning => Volatile.Read(ref _running) > 1;

    private async Task<DuckDBConnection> OpenAsync(string catalog, long started, CancellationToken aborted)
    {
        while (true)
        {
            try
            {
                return engine.OpenConnection(catalog);
            }
            catch (DuckDBException e) when (IsOutOfMemory(e))
            {
                if (!OthersRunning || Stopwatch.GetElapsedTime(started) + MemoryRetryPeriod >= options.QueryTimeout)
                    throw Busy(e);
                await Task.Delay(MemoryRetryPeriod, aborted).ConfigureAwait(false);
            }
        }
    }

    private T WhileMemoryIsTaken<T>(long started, CancellationToken token, Func<T> step)
    {
        while (true)
        {
            try
            {
                return step();
            }
            catch (DuckDBException e) when (IsOutOfMemory(e) && OthersRunning && !token.IsCancellationRequested)
            {
                if (Stopwatch.GetElapsedTime(started) + MemoryRetryPeriod >= options.QueryTimeout)
                    throw Busy(e);
                token.WaitHandle.WaitOne(MemoryRetryPeriod);
            }
        }
    }

    // A streamed result's error reaches DuckDB.NET without its type: the message says it.
    private static bool IsOutOfMemory(DuckDBException e) =>
        e.ErrorType == DuckDBErrorType.OutOfMemory || e.Message.StartsWith("Out of Memory Error", StringComparison.Ordinal);

    private ServerBusyException Busy(DuckDBException e) => new(
        $"The server's query memory (DuckDB memory_limit{(options.MemoryLimit is { } l ? " " + l : "")}, shared by all queries) was used up by " +
        $"queries running at the same time, within this query's deadline ({options.QueryTimeout.TotalSeconds:0.###} s); retry in a moment. " +
        $"DuckDB said: {e.Message.Split('\n')[0]}", e);

    private QueryResult Read(DuckDBDataReader reader, IReadOnlyList<string>? described, long started, CancellationToken token)
    {
        int n = reader.FieldCount;
        var columns = new string[n];
        var types = new string[n];
        var isJson = new bool[n];
        var isInstant = new bool[n];
        for (int i = 0; i < n; i++)
        {
            columns[i] = reader.GetName(i);
            types[i] = described is { } d && d.Count == n ? d[i] : reader.GetDataTypeName(i).ToUpperInvariant();
            isJson[i] = types[i] == "JSON";
            isInstant[i] = types[i] is "TIMESTAMP WITH TIME ZONE" or "TIMESTAMPTZ";
        }
        var rows = new List<IReadOnlyList<object?>>();
        bool truncated = false;
        while (reader.Read())
        {
            if (rows.Count == options.MaxRows)
            {
                truncated = true;
                break;
            }
            if ((rows.Count & 1023) == 0)
                token.ThrowIfCancellationRequested();
            var cells = new object?[n];
            for (int i = 0; i < n; i++)
                cells[i] = reader.IsDBNull(i) ? null : JsonCellConverter.Convert(reader.GetValue(i), isJson[i], isInstant[i]);
            rows.Add(cells);
        }
        return new QueryResult(columns, types, rows, truncated, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// The SQL type of each result column (DESCRIBE knows aliases such as JSON, which the reader reports as
    /// VARCHAR). Null when DESCRIBE cannot take this query; the execution then reports any real error.
    /// </summary>
    private static IReadOnlyList<string>? Describe(DuckDBConnection connection, string sql)
    {
        try
        {
            using DuckDBCommand command = connection.CreateCommand();
            command.CommandText = "DESCRIBE " + sql + "\n";
            using DuckDBDataReader reader = command.ExecuteReader();
            var types = new List<string>();
            while (reader.Read())
                types.Add(reader.GetString(1));
            return types;
        }
        catch (DuckDBException e) when (!IsOutOfMemory(e))
        {
            return null;
        }
    }
}
