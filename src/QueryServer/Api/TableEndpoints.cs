using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Errors;
using Sideye.QueryServer.Specs;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Api;

/// <summary>Browsing a snapshot's tables without writing SQL: the list with row counts and columns, a table's rows by page, function names.</summary>
public static class TableEndpoints
{
    public const int MaxPage = 1000;

    public static IEndpointRouteBuilder MapTableEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/snapshots/{id}").WithTags("Tables");

        group.MapGet("/tables", ListAsync)
            .WithName("ListTables")
            .WithSummary("The snapshot's tables")
            .WithDescription("Every table a query can name: the snapshot's own, the built-in ones, the spec's function and derived tables and "
                + "all_captured_data, each with its row count and columns (type, and whether a UI shows it by default).")
            .Produces<List<TableInfo>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/tables/{name}", PageAsync)
            .WithName("GetTableRows")
            .WithSummary("A page of a table's rows")
            .WithDescription($"`limit` (default 100, at most {MaxPage}) rows from `offset`, ordered by `order_by` (a column; `desc=true` "
                + "reverses it; default: the table's first column), hidden columns only with `hidden=true`. Function-table rows carry "
                + "their `stack_id` (GET .../stacks/{stack_id}, GET .../links?table=&stack_id=).")
            .Produces<QueryResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/functions", FunctionsAsync)
            .WithName("ListFunctions")
            .WithSummary("Method names on the snapshot's stacks, for autocomplete")
            .WithDescription("Distinct frame methods containing `prefix` (any case; all when empty), with how many stacks hold them, most frequent first, at most 50.")
            .Produces<QueryResult>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<List<TableInfo>> ListAsync(string id, SnapshotCatalog catalog, QueryRunner runner, SpecState spec, HttpContext context)
    {
        LoadedSnapshot snapshot = catalog.Get(id);
        SpecSql sql = spec.Current.Sql;
        var tables = new List<(string Name, string Kind)>();
        tables.AddRange(SnapshotTables.Core.Concat(SnapshotTables.Symbols).Select(t => (t, "snapshot")));
        tables.AddRange(SnapshotTables.BuiltIn.Select(t => (t, "builtin")));
        tables.AddRange(sql.FunctionTables.Select(t => (t.Table, "function")));
        tables.AddRange(sql.DerivedTables.Select(t => (t.Name, "derived")));
        tables.Add((SpecViewSql.AllCapturedData, "search"));
        var result = new List<TableInfo>();
        foreach ((string name, string kind) in tables)
        {
            QueryResult count = await runner.RunServerSqlAsync(snapshot.Catalog, $"SELECT count(*) FROM {SqlText.Identifier(name)}", context.RequestAborted).ConfigureAwait(false);
            IReadOnlyList<SpecColumnInfo> columns = await ColumnsAsync(snapshot, name, sql, runner, context.RequestAborted).ConfigureAwait(false);
            result.Add(new TableInfo(name, kind, Convert.ToInt64(count.Rows[0][0], CultureInfo.InvariantCulture), columns));
        }
        return result;
    }

    private static async Task<QueryResult> PageAsync(string id, string name, int? limit, int? offset, string? order_by, bool? desc, bool? hidden,
        SnapshotCatalog catalog, QueryRunner runner, SpecState spec, HttpContext context)
    {
        LoadedSnapshot snapshot = catalog.Get(id);
        SpecSql sql = spec.Current.Sql;
        string? table = KnownTables(sql).FirstOrDefault(t => string.Equals(t, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new SnapshotTableNotFoundException(id, name);
        int take = limit ?? 100, skip = offset ?? 0;
        if (take is < 1 or > MaxPage || skip < 0)
            throw new BadHttpRequestException($"limit is 1..{MaxPage} and offset 0 or more.");
        IReadOnlyList<SpecColumnInfo> columns = await ColumnsAsync(snapshot, table, sql, runner, context.RequestAborted).ConfigureAwait(false);
        IEnumerable<SpecColumnInfo> shown = hidden == true ? columns : columns.Where(c => c.Visible);
        string order = order_by ?? columns[0].Name;
        string orderColumn = columns.FirstOrDefault(c => string.Equals(c.Name, order, StringComparison.OrdinalIgnoreCase))?.Name
            ?? throw new BadHttpRequestException($"'{order}' is not a column of {table}: {string.Join(", ", columns.Select(c => c.Name))}.");
        string text = $"SELECT {string.Join(", ", shown.Select(c => SqlText.Identifier(c.Name)))} FROM {SqlText.Identifier(table)} " +
                      $"ORDER BY {SqlText.Identifier(orderColumn)} {(desc == true ? "DESC" : "ASC")} NULLS LAST LIMIT {take} OFFSET {skip}";
        return await runner.RunServerSqlAsync(snapshot.Catalog, text, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task<QueryResult> FunctionsAsync(string id, string? prefix, SnapshotCatalog catalog, QueryRunner runner, HttpContext context)
    {
        string filter = string.IsNullOrWhiteSpace(prefix) ? "" : $"AND contains(lower(method), {SqlText.Literal(prefix.Trim().ToLowerInvariant())})";
        return runner.RunServerSqlAsync(catalog.Get(id).Catalog,
            $"SELECT method, count(DISTINCT stack_id) AS stacks FROM frames WHERE kind IN ('managed', 'async') {filter} GROUP BY method ORDER BY stacks DESC, method LIMIT 50",
            context.RequestAborted);
    }

    private static IEnumerable<string> KnownTables(SpecSql sql) =>
        [.. SnapshotTables.All, .. sql.FunctionTables.Select(t => t.Table), .. sql.DerivedTables.Select(t => t.Name), SpecViewSql.AllCapturedData];

    private static async Task<IReadOnlyList<SpecColumnInfo>> ColumnsAsync(LoadedSnapshot snapshot, string table, SpecSql sql, QueryRunner runner, CancellationToken aborted)
    {
        QueryResult described = await runner.RunServerSqlAsync(snapshot.Catalog, $"DESCRIBE SELECT * FROM {SqlText.Identifier(table)}", aborted).ConfigureAwait(false);
        FunctionTableSql? function = sql.FunctionTables.FirstOrDefault(t => t.Table == table);
        return [.. described.Rows.Select(r =>
        {
            string column = (string)r[0]!;
            bool visible = function?.EnumerateColumns().FirstOrDefault(c => c.Name == column)?.Visible ?? true;
            return new SpecColumnInfo(column, (string?)r[1], visible, null);
        })];
    }
}
