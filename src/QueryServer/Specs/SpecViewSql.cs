using System.Text;
using Sideye.QueryServer.Dialect;
using Sideye.QueryServer.Engine;
using Sideye.SpecCompiler;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// The DDL that shapes a snapshot's <c>captured_values</c> into the spec's tables. Views only, so a spec change
/// re-shapes every loaded snapshot at once, old ones included, without a new capture.
/// <para>
/// A function table has one row per frame (stack_id, pid, depth) that has captured values of the function,
/// then one JSON column per captured column, its <c>raw_</c> companion (JSON), and the extra columns. Every
/// column is in the view, hidden ones too (DuckDB cannot hide columns, and links and queries use them):
/// which are hidden by default is metadata (<c>GET /api/spec</c>) for a UI to honour.
/// </para>
/// </summary>
public static class SpecViewSql
{
    /// <summary>The built-in view with every captured value of every function table, one row per cell.</summary>
    public const string AllCapturedData = "all_captured_data";

    // DateTime ticks carry the Kind in their top two bits; 0001-01-01 is this many microseconds before 1970.
    private const long TicksMask = 0x3FFF_FFFF_FFFF_FFFF;
    private const long EpochMicrosFromYear1 = 62_135_596_800_000_000;

    /// <summary>Statements that drop the views <paramref name="spec"/> created.</summary>
    public static IReadOnlyList<string> Drop(SpecSql spec) =>
    [
        .. spec.DerivedTables.Reverse().Select(t => $"DROP VIEW IF EXISTS {SqlText.Identifier(t.Name)}"),
        .. spec.FunctionTables.Select(t => $"DROP VIEW IF EXISTS {SqlText.Identifier(t.Table)}"),
    ];

    /// <summary>Statements that create every view of <paramref name="spec"/> over a snapshot's tables, in dependency order.</summary>
    public static IReadOnlyList<string> Create(SpecSql spec) =>
    [
        .. spec.FunctionTables.Select(t => FunctionTableView(t, PivotSource(t), t.ExtraColumns)),
        StacksView(spec),
        .. spec.DerivedTables.Select(DerivedTableView),
        AllCapturedDataView(spec),
    ];

    /// <summary>The source of a function table in a snapshot: its captured values pivoted to one row per frame.</summary>
    internal static string PivotSource(FunctionTableSql table)
    {
        var sql = new StringBuilder("SELECT CAST(stack_id AS BIGINT) AS stack_id, CAST(pid AS INTEGER) AS pid, CAST(depth AS INTEGER) AS depth");
        foreach (string column in table.CapturedColumns)
            sql.Append($", TRY_CAST(max(value) FILTER (WHERE \"column\" = {SqlText.Literal(column)}) AS JSON) AS {SqlText.Identifier(column)}");
        // A value without a separate raw form (a number, a string) is its own raw form.
        foreach (string column in table.CapturedColumns)
            sql.Append($", TRY_CAST(max(coalesce(raw_value, value)) FILTER (WHERE \"column\" = {SqlText.Literal(column)}) AS JSON) AS {SqlText.Identifier(ColumnNames.Raw(column))}");
        // The capture engine records either the spec's function name or the table name with each value.
        sql.Append($" FROM {SnapshotTables.CapturedValues} WHERE \"function\" IN ({SqlText.Literal(table.Function)}, {SqlText.Literal(table.Table)}) GROUP BY 1, 2, 3");
        return sql.ToString();
    }

    /// <summary>A function table's view: its source's columns plus the extra columns, typed.</summary>
    internal static string FunctionTableView(FunctionTableSql table, string source, IEnumerable<ExtraColumnSql> extras)
    {
        var sql = new StringBuilder($"CREATE OR REPLACE VIEW {SqlText.Identifier(table.Table)} AS SELECT stack_id, pid, depth");
        foreach (string column in table.CapturedColumns)
            sql.Append(", ").Append(SqlText.Identifier(column));
        foreach (string column in table.CapturedColumns)
            sql.Append(", ").Append(SqlText.Identifier(ColumnNames.Raw(column)));
        foreach (ExtraColumnSql extra in extras)
            sql.Append(", ").Append(ExtraColumnExpression(extra)).Append(" AS ").Append(SqlText.Identifier(extra.Name));
        sql.Append("\nFROM (").Append(source).Append(") AS captured");
        return sql.ToString();
    }

    /// <summary>
    /// An extra column's SQL (after the JSON-path rewrite) with its type applied. Semantic types become real
    /// timestamps and intervals, so results show them as ISO-8601 and SQL can do date arithmetic on them; a
    /// value that does not convert is NULL (TRY_CAST), never an error for the whole query. The SQL sits on
    /// lines of its own so a trailing <c>--</c> comment cannot swallow the rest.
    /// </summary>
    internal static string ExtraColumnExpression(ExtraColumnSql extra)
    {
        string sql = "(\n" + JsonPathRewriter.Rewrite(extra.Sql) + "\n)";
        string bigint = $"TRY_CAST({sql} AS BIGINT)";
        return extra.Type switch
        {
            null => sql,
            // Instants: TIMESTAMPTZ read as UTC (whatever the session's time zone), so results say 'Z'.
            ColumnTypes.TimestampNanos => $"timezone('UTC', make_timestamp_ns({bigint}))",
            ColumnTypes.TimestampTicks => $"timezone('UTC', make_timestamp(({bigint} & {TicksMask}) // 10 - {EpochMicrosFromYear1}))",
            ColumnTypes.DurationNanos => $"to_microseconds({bigint} // 1000)",
            ColumnTypes.DurationTicks => $"to_microseconds({bigint} // 10)",
            string type => $"TRY_CAST({sql} AS {type})",
        };
    }

    /// <summary>
    /// <c>stacks</c>: the captured stacks, where the capture found no wait start, taking the one the spec derives
    /// (a function table's <c>waiting_since</c> column; of several frames on a stack, the innermost one's), with
    /// <c>wait_ms</c> against the process's capture instant. Without such columns (or with the built-ins off,
    /// which hides the captured waits too), the captured stacks as they are.
    /// </summary>
    internal static string StacksView(SpecSql spec)
    {
        string captured = SqlText.Identifier(DuckDbEngine.CapturedStacks);
        if (!spec.BuiltIns)
            return $"CREATE OR REPLACE VIEW stacks AS SELECT * REPLACE (CAST(NULL AS TIMESTAMP) AS waiting_since, CAST(NULL AS DOUBLE) AS wait_ms, CAST(NULL AS VARCHAR) AS wait_source) FROM {captured}";
        var waits = spec.FunctionTables
            .Select(t => (Table: t, Column: t.ExtraColumns.FirstOrDefault(c => string.Equals(c.Name, ColumnNames.WaitingSince, StringComparison.OrdinalIgnoreCase))))
            .Where(x => x.Column is not null)
            .Select(x => $"SELECT stack_id, pid, depth, {AsUtcTimestamp(x.Column!)} AS since, {SqlText.Literal($"spec: {x.Table.Table}.{x.Column!.Name}")} AS source " +
                         $"FROM {SqlText.Identifier(x.Table.Table)}")
            .ToList();
        if (waits.Count == 0)
            return $"CREATE OR REPLACE VIEW stacks AS SELECT * FROM {captured}";
        return $"""
            CREATE OR REPLACE VIEW stacks AS
            SELECT s.* REPLACE (
                coalesce(s.waiting_since, w.since) AS waiting_since,
                CASE WHEN s.waiting_since IS NOT NULL THEN s.wait_ms
                     WHEN w.since IS NULL OR p.captured_at IS NULL THEN NULL
                     ELSE CAST(greatest(0, epoch_ms(p.captured_at) - epoch_ms(w.since)) AS DOUBLE) END AS wait_ms,
                CASE WHEN s.waiting_since IS NOT NULL THEN s.wait_source ELSE w.source END AS wait_source)
            FROM {captured} AS s
            LEFT JOIN (
                SELECT stack_id, pid, arg_min(since, depth) AS since, arg_min(source, depth) AS source
                FROM ({string.Join(" UNION ALL ", waits)}) WHERE since IS NOT NULL GROUP BY stack_id, pid
            ) AS w ON w.stack_id = s.stack_id AND w.pid = s.pid
            LEFT JOIN (SELECT pid, any_value(captured_at) AS captured_at FROM processes GROUP BY pid) AS p ON p.pid = s.pid
            """;
    }

    // A timestamp column as the plain UTC TIMESTAMP the captured waiting_since is.
    private static string AsUtcTimestamp(ExtraColumnSql column) =>
        column.Type == "TIMESTAMP" ? SqlText.Identifier(column.Name) : $"timezone('UTC', {SqlText.Identifier(column.Name)})";

    internal static string DerivedTableView(DerivedTableSql table) =>
        $"CREATE OR REPLACE VIEW {SqlText.Identifier(table.Name)} AS\n{JsonPathRewriter.Rewrite(table.Sql, labelAsWritten: true)}\n";

    /// <summary>
    /// The rows of <c>all_captured_data</c> whose value matches <paramref name="pattern"/> (an RE2 regular expression, as a
    /// SQL literal), with columns <c>table_name, stack_id, pid, depth, column_name, value</c>. The same rows as filtering
    /// the view, but 4x faster at a million captured rows: captured and raw columns are matched in one scan of
    /// <c>captured_values</c> (the view pivots it per frame and unpivots it again, and pays for that on every search),
    /// only extra columns are read through the function tables.
    /// </summary>
    internal static string CapturedDataMatches(SpecSql spec, string pattern)
    {
        var keys = new List<string>();
        var extras = new List<string>();
        foreach (FunctionTableSql table in spec.FunctionTables)
        {
            foreach (string column in table.CapturedColumns)
                foreach (string function in new[] { table.Function, table.Table }.Distinct())
                    keys.Add($"({SqlText.Literal(function)}, {SqlText.Literal(column)}, {SqlText.Literal(table.Table)})");
            foreach (ExtraColumnSql extra in table.ExtraColumns)
                extras.Add($"SELECT {SqlText.Literal(table.Table)}, stack_id, pid, depth, {SqlText.Literal(extra.Name)}, CAST({SqlText.Identifier(extra.Name)} AS VARCHAR) "
                    + $"FROM {SqlText.Identifier(table.Table)} WHERE regexp_matches(CAST({SqlText.Identifier(extra.Name)} AS VARCHAR), {pattern})");
        }
        if (keys.Count == 0)
            return "SELECT CAST(NULL AS VARCHAR) AS table_name, CAST(NULL AS BIGINT) AS stack_id, CAST(NULL AS INTEGER) AS pid, CAST(NULL AS INTEGER) AS depth, "
                + "CAST(NULL AS VARCHAR) AS column_name, CAST(NULL AS VARCHAR) AS value WHERE false";
        // A value without a separate raw form is its own raw form, as in the function tables.
        var sql = new StringBuilder($"""
            WITH hits AS MATERIALIZED (
                SELECT k.table_name, CAST(v.stack_id AS BIGINT) AS stack_id, CAST(v.pid AS INTEGER) AS pid, CAST(v.depth AS INTEGER) AS depth,
                       v."column", v.value, coalesce(v.raw_value, v.value) AS raw
                FROM {SnapshotTables.CapturedValues} AS v
                JOIN (VALUES {string.Join(", ", keys)}) AS k("function", "column", table_name) ON v."function" = k."function" AND v."column" = k."column"
                WHERE regexp_matches(v.value, {pattern}) OR regexp_matches(coalesce(v.raw_value, v.value), {pattern}))
            SELECT table_name, stack_id, pid, depth, "column" AS column_name, value FROM hits WHERE regexp_matches(value, {pattern})
            UNION ALL
            SELECT table_name, stack_id, pid, depth, '{ColumnNames.RawPrefix}' || "column", raw FROM hits WHERE regexp_matches(raw, {pattern})
            """);
        foreach (string extra in extras)
            sql.Append("\nUNION ALL\n").Append(extra);
        return sql.ToString();
    }

    /// <summary>
    /// <c>all_captured_data(table_name, stack_id, column, value, pid, depth, column_name)</c>: every non-null cell of
    /// every function table as text (raw and extra columns included), for full-text search such as finding where
    /// else an address appears. <c>column_name</c> is <c>column</c> under a name SQL needs no quotes for (<c>column</c>
    /// is a keyword; it stays for the queries written with it).
    /// </summary>
    internal static string AllCapturedDataView(SpecSql spec)
    {
        var parts = new List<string>();
        foreach (FunctionTableSql table in spec.FunctionTables)
        {
            List<string> columns = [.. table.CapturedColumns, .. table.CapturedColumns.Select(ColumnNames.Raw), .. table.ExtraColumns.Select(e => e.Name)];
            if (columns.Count == 0)
                continue;
            string casts = string.Join(", ", columns.Select(c => $"CAST({SqlText.Identifier(c)} AS VARCHAR) AS {SqlText.Identifier(c)}"));
            string on = string.Join(", ", columns.Select(SqlText.Identifier));
            parts.Add($"SELECT {SqlText.Literal(table.Table)} AS table_name, stack_id, \"column\", value, pid, depth, \"column\" AS column_name FROM "
                + $"(UNPIVOT (SELECT stack_id, pid, depth, {casts} FROM {SqlText.Identifier(table.Table)}) ON {on} INTO NAME \"column\" VALUE value)");
        }
        if (parts.Count == 0)
            parts.Add("SELECT CAST(NULL AS VARCHAR) AS table_name, CAST(NULL AS BIGINT) AS stack_id, CAST(NULL AS VARCHAR) AS \"column\", "
                + "CAST(NULL AS VARCHAR) AS value, CAST(NULL AS INTEGER) AS pid, CAST(NULL AS INTEGER) AS depth, CAST(NULL AS VARCHAR) AS column_name WHERE false");
        return $"CREATE OR REPLACE VIEW {AllCapturedData} AS\n" + string.Join("\nUNION ALL\n", parts);
    }
}
