using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Specs;

namespace Sideye.QueryServer.Api;

/// <summary>Full-text search over a snapshot: every captured value and method name holding a text.</summary>
public static class SearchEndpoints
{
    /// <summary>Matches returned at most; the answer says <c>truncated</c> past it.</summary>
    public const int MaxMatches = 500;

    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/snapshots/{id}/search", SearchAsync)
            .WithTags("Search")
            .WithName("Search")
            .WithSummary("Find a text in every captured value and method name")
            .WithDescription("Case-insensitive substring search over `all_captured_data` (every cell of every function table: captured, "
                + "raw and extra columns) and over frames' method names. Each match: `source` (the table, or `frames`), `stack_id`, "
                + "`pid`, `depth`, `column`, `value`. Pasting an object address (`0x7f...`) finds every place it appears. "
                + $"At most {MaxMatches} matches (`truncated` says when there were more).")
            .Produces<QueryResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static Task<QueryResult> SearchAsync(string id, string? text, SnapshotCatalog catalog, SpecService spec, QueryRunner runner, HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new BadHttpRequestException("Give the text to find: ?text=0x7f3a... (an address, a client id, part of a method name).");
        // The text is matched as typed ('%', '_', '.' included) and case-insensitively: a regular expression of the text
        // with every symbol escaped. RE2 (DuckDB's) runs 2-3x faster than lower() then contains() over a million values.
        string pattern = SqlText.Literal("(?i)" + LiteralPattern(text.Trim()));
        string sql = $"""
            SELECT * FROM (
                SELECT table_name AS source, stack_id, pid, depth, column_name AS "column", value
                FROM ({SpecViewSql.CapturedDataMatches(spec.Current.Sql, pattern)})
                UNION ALL
                SELECT 'frames' AS source, stack_id, pid, depth, 'method' AS "column", method AS value
                FROM frames WHERE regexp_matches(method, {pattern})
            ) ORDER BY source, stack_id, depth, "column"
            LIMIT {MaxMatches + 1}
            """;
        return Trim(runner.RunServerSqlAsync(catalog.Get(id).Catalog, sql, context.RequestAborted));
    }

    /// <summary>An RE2 pattern matching <paramref name="text"/> literally: ASCII symbols escaped, control characters as \x{..}.</summary>
    internal static string LiteralPattern(string text)
    {
        var pattern = new System.Text.StringBuilder(text.Length * 2);
        foreach (char c in text)
        {
            if (char.IsControl(c))
                pattern.Append($"\\x{{{(int)c:x2}}}");
            else if (c < 128 && !char.IsAsciiLetterOrDigit(c) && c != ' ')
                pattern.Append('\\').Append(c);
            else
                pattern.Append(c);
        }
        return pattern.ToString();
    }

    // One row past the cap was read to know whether there were more.
    private static async Task<QueryResult> Trim(Task<QueryResult> query)
    {
        QueryResult result = await query.ConfigureAwait(false);
        return result.Rows.Count > MaxMatches ? result with { Rows = [.. result.Rows.Take(MaxMatches)], Truncated = true } : result;
    }
}
