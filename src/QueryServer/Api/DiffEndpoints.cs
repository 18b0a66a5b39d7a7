using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Stacks;

namespace Sideye.QueryServer.Api;

/// <summary>Comparing two snapshots.</summary>
public static class DiffEndpoints
{
    public static IEndpointRouteBuilder MapDiffEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/diff", DiffAsync)
            .WithTags("Stacks")
            .WithName("DiffSnapshots")
            .WithSummary("How the stacks changed between two snapshots")
            .WithDescription("Stack groups (as GET .../stacks groups them) of `from` and `to` matched by shape: each `appeared`, `disappeared`, "
                + "`grew`, `shrank` or stayed the `same`, with both counts, largest change first. Filters as for stacks: `process` (by name, "
                + "as pids change between runs), `kind`, `contains`, `prefix`.")
            .Produces<List<StackGroupChange>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<List<StackGroupChange>> DiffAsync(string? from, string? to, string? process, string? kind, string? contains, string? prefix,
        SnapshotCatalog catalog, StackStore store, HttpContext context)
    {
        if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(to))
            throw new BadHttpRequestException("Give both snapshots: ?from=<older id>&to=<newer id> (GET /api/snapshots lists them).");
        SnapshotStacks before = await store.GetAsync(catalog.Get(from), context.RequestAborted).ConfigureAwait(false);
        SnapshotStacks after = await store.GetAsync(catalog.Get(to), context.RequestAborted).ConfigureAwait(false);
        var filter = new StackFilter(Kind: kind, Contains: contains, Process: process, Prefix: prefix);
        IEnumerable<StackRecord> Select(SnapshotStacks s) => filter.Apply(s);
        return [.. StackDiff.Compare(before, Select(before), after, Select(after))];
    }
}
