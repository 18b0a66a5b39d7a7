using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Errors;

namespace Sideye.QueryServer.Api;

/// <summary>SQL over one snapshot.</summary>
public static class QueryEndpoints
{
    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/snapshots/{id}/query", RunAsync)
            .WithTags("Query")
            .WithName("QuerySnapshot")
            .WithSummary("Run one SELECT over a snapshot")
            .WithDescription("""
                Runs one read-only SELECT (DuckDB SQL) with the snapshot's tables as plain names: `processes`, `stacks`,
                `frames`, `captured_values`, and the spec's function tables. SQLite-style JSON operators work:
                `cs->'Mu.Processing' = 'true'`, `raw_cs->>'__addr'` (`->` gives JSON text, `->>` plain text).
                Cells are JSON values; JSON columns come back parsed; integers beyond 2^53, timestamps (ISO-8601)
                and intervals come back as strings. At most the row cap is returned (`truncated: true` says more
                existed); a query past the deadline is cancelled with 504. Files outside the snapshots folder,
                COPY, ATTACH and settings are refused.
                """)
            .Accepts<QueryRequest>("application/json")
            .Produces<QueryResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapPost("/api/query", RunAcrossAsync)
            .WithTags("Query")
            .WithName("QueryAllSnapshots")
            .WithSummary("Run one SELECT over every loaded snapshot")
            .WithDescription("""
                As the per-snapshot query, over every table of every loaded snapshot at once, each with a `snapshot_id` column:
                `SELECT snapshot_id, count(*) FROM stacks WHERE awaiting = 'SemaphoreSlim.WaitAsync' GROUP BY ALL ORDER BY 1`
                shows how the handlers waiting on a lock grew from one snapshot to the next. One snapshot's tables are also
                reachable from here by its id: `"<id>".stacks`.
                """)
            .Accepts<QueryRequest>("application/json")
            .Produces<QueryResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return endpoints;
    }

    private static Task<QueryResult> RunAcrossAsync(QueryRequest request, QueryRunner runner, HttpContext context)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Sql))
            throw new QueryRejectedException("Invalid SQL", "The body must be {\"sql\": \"SELECT ...\"} with a non-empty query.");
        return runner.RunAsync(DuckDbEngine.AllSnapshots, request.Sql, context.RequestAborted);
    }

    private static async Task<QueryResult> RunAsync(string id, QueryRequest request, SnapshotCatalog catalog, QueryRunner runner, HttpContext context)
    {
        LoadedSnapshot snapshot = catalog.Get(id);
        if (request is null || string.IsNullOrWhiteSpace(request.Sql))
            throw new QueryRejectedException("Invalid SQL", "The body must be {\"sql\": \"SELECT ...\"} with a non-empty query.");
        return await runner.RunAsync(snapshot.Catalog, request.Sql, context.RequestAborted).ConfigureAwait(false);
    }
}
