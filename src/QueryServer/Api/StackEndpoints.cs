using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Flamegraph;
using Sideye.QueryServer.Stacks;

namespace Sideye.QueryServer.Api;

/// <summary>The stacks view (identical stacks grouped) and the flame graph of a snapshot.</summary>
public static class StackEndpoints
{
    public static IEndpointRouteBuilder MapStackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/snapshots/{id}").WithTags("Stacks");

        group.MapGet("/stacks", GetStacksAsync)
            .WithName("GetStackGroups")
            .WithSummary("Identical stacks grouped")
            .WithDescription("Stacks with the same kind and frames (method, file, line, or IL offset without a line) "
                + "as one group with a count, the stacks, processes, thread names and awaited objects; "
                + "largest group first, then by leaf method. Frames are leaf first (depth 0)." + StackFilter.Help)
            .Produces<List<StackGroup>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/stacks/{stackId:long}", (string id, long stackId, SnapshotCatalog catalog, StackDetailReader reader, HttpContext context) =>
                reader.ReadAsync(catalog.Get(id), stackId, context.RequestAborted))
            .WithName("GetStack")
            .WithSummary("One stack, whole")
            .WithDescription("The stack's row of `stacks` (kind, thread, state, what it awaits, wait times), its frames leaf first "
                + "with each frame's captured variables inline, the `stack_links` from or to it (lock owners, completers, cycles), "
                + "and, for each table with a row on it (function tables and built-in tables such as grpc_client_calls), "
                + "where the spec's and the built-in links lead.")
            .Produces<StackDetailResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/flamegraph", GetFlamegraphAsync)
            .WithName("GetFlamegraph")
            .WithSummary("Stacks merged into a flame graph")
            .WithDescription("The stacks merged from the root: `all`, then one node per process (`name (pid N)`), then frames "
                + "merged by method name; `value` counts the stacks through a node. `?format=folded` (or Accept: text/plain) "
                + "gives folded stacks, `?format=speedscope` (or Accept: application/speedscope+json) a speedscope file." + StackFilter.Help)
            .Produces<FlameNode>(StatusCodes.Status200OK, "application/json")
            .WithMetadata(new AlternateRepresentation("text/plain", typeof(string)))
            .WithMetadata(new AlternateRepresentation(SpeedscopeFile.MediaType, typeof(SpeedscopeFile)))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return endpoints;
    }

    private static async Task<List<StackGroup>> GetStacksAsync(
        string id, int? pid, string? kind, string? contains, string? process, string? prefix, long? stack,
        SnapshotCatalog catalog, StackStore store, HttpContext context)
    {
        SnapshotStacks stacks = await store.GetAsync(catalog.Get(id), context.RequestAborted).ConfigureAwait(false);
        return [.. StackGrouper.Group(new StackFilter(pid, kind, contains, process, prefix, stack).Apply(stacks))];
    }

    private static async Task<IResult> GetFlamegraphAsync(
        string id, int? pid, string? kind, string? contains, string? process, string? prefix, long? stack, string? format,
        SnapshotCatalog catalog, StackStore store, HttpContext context)
    {
        FlamegraphFormat chosen = FlamegraphFormats.Choose(format, context.Request);
        SnapshotStacks stacks = await store.GetAsync(catalog.Get(id), context.RequestAborted).ConfigureAwait(false);
        IEnumerable<StackRecord> selected = new StackFilter(pid, kind, contains, process, prefix, stack).Apply(stacks);
        return chosen switch
        {
            FlamegraphFormat.Folded => Results.Text(FoldedStacks.Write(FlameTreeBuilder.Build(stacks, selected)), "text/plain", Encoding.UTF8),
            FlamegraphFormat.Speedscope => Results.Json(SpeedscopeBuilder.Build(id, stacks, selected), contentType: SpeedscopeFile.MediaType),
            _ => Results.Json(FlameTreeBuilder.Build(stacks, selected)),
        };
    }
}
