using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Links;

namespace Sideye.QueryServer.Api;

/// <summary>Following the spec's links from a row of a table.</summary>
public static class LinkEndpoints
{
    public static IEndpointRouteBuilder MapLinkEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/snapshots/{id}/links", ResolveAsync)
            .WithTags("Links")
            .WithName("GetLinks")
            .WithSummary("Follow the spec's links from a table's rows on one stack")
            .WithDescription("For each link of the spec that names `table` (on either side: links are symmetric), the rows of "
                + "the other table whose key columns equal those of `table`'s rows with this `stack_id`. Uses the spec in "
                + "force, so links added later work on older snapshots.")
            .Produces<LinksResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/api/snapshots/{id}/links/batch", ResolveBatchAsync)
            .WithTags("Links")
            .WithName("GetLinksOfStacks")
            .WithSummary("Follow the spec's links from a table's rows on several stacks at once")
            .WithDescription("As `GET /api/snapshots/{id}/links`, for each `stack_id` given (repeat the parameter; at most "
                + $"{LinkResolver.MaxStacks}), with one query per link for all of them: a page of a table resolves its rows' "
                + "links in one request. One entry per distinct stack, in ascending order; a stack with no linked rows has "
                + "empty results.")
            .Produces<LinksBatchResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static Task<LinksBatchResponse> ResolveBatchAsync(
        string id, string table, [FromQuery(Name = "stack_id")] long[] stackIds, SnapshotCatalog catalog, LinkResolver links, HttpContext context) =>
        links.ResolveAsync(catalog.Get(id), table, stackIds, context.RequestAborted);

    private static Task<LinksResponse> ResolveAsync(
        string id, string table, [FromQuery(Name = "stack_id")] long stackId, SnapshotCatalog catalog, LinkResolver links, HttpContext context) =>
        links.ResolveAsync(catalog.Get(id), table, stackId, context.RequestAborted);
}
