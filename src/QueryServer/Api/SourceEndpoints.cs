using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Errors;
using Sideye.QueryServer.Source;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Api;

/// <summary>A frame's source lines, for the stacks view's file:line.</summary>
public static class SourceEndpoints
{
    public static IEndpointRouteBuilder MapSourceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/snapshots/{id}/source", GetAsync)
            .WithTags("Stacks")
            .WithName("GetSource")
            .WithSummary("Lines of a frame's source file")
            .WithDescription("`line` ± `context` (default 5, at most 50) of `file`, which must be a frame's file in this snapshot "
                + "(`frames.file`) and lie under a folder `sideye serve` was started with `--source-root` (403 otherwise: the PDB "
                + "chose the path). The file is read as it is now: `changed_since_capture` says it was written after the snapshot.")
            .Produces<SourceResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<SourceResponse> GetAsync(string id, string? file, int? line, int? context, SnapshotCatalog catalog,
        QueryRunner runner, SourceFiles sources, HttpContext http)
    {
        LoadedSnapshot snapshot = catalog.Get(id);
        if (string.IsNullOrEmpty(file) || line is not > 0)
            throw new BadHttpRequestException("Give ?file= (a frame's file, as frames.file spells it) and ?line= (1 or more).");
        if (context is < 0 or > SourceFiles.MaxContext)
            throw new BadHttpRequestException($"context must be 0 to {SourceFiles.MaxContext} lines.");
        QueryResult named = await runner.RunServerSqlAsync(snapshot.Catalog,
            $"SELECT 1 FROM {SnapshotTables.Frames} WHERE file = {SqlText.Literal(file)} LIMIT 1", http.RequestAborted).ConfigureAwait(false);
        if (named.Rows.Count == 0)
            throw new SourceUnavailableException(StatusCodes.Status404NotFound, $"No frame of snapshot '{id}' is in '{file}': only frames' own files are shown.");
        return await sources.ReadAsync(file, line.Value, context ?? 5, snapshot.Manifest.CapturedAtUtc, http.RequestAborted).ConfigureAwait(false);
    }
}
