namespace Sideye.QueryServer.Engine;

/// <summary>
/// The answer to a user query. Each row has one cell per column, already in its JSON form: numbers,
/// strings, booleans and null; JSON-typed columns as parsed JSON; lists and structs as arrays and objects;
/// integers beyond ±2^53 (not exact in a JavaScript number), NaN/Infinity, timestamps, dates, intervals
/// (ISO-8601), UUIDs and blobs (base64) as strings.
/// </summary>
/// <param name="Columns">Column names in order.</param>
/// <param name="Types">DuckDB type of each column, as SQL spells it (BIGINT, VARCHAR, JSON, INTEGER[] ...).</param>
/// <param name="Rows">At most the server's row cap of rows.</param>
/// <param name="Truncated">True when the query had more rows than were returned.</param>
/// <param name="ElapsedMs">Server-side time from receiving the SQL to the last row read.</param>
public sealed record QueryResult(
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Types,
    IReadOnlyList<IReadOnlyList<object?>> Rows,
    bool Truncated,
    double ElapsedMs);
