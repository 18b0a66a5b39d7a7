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
        return endpoints;
    }

    private static Task<LinksResponse> ResolveAsync(
        string id, string table, [FromQuery(Name = "stack_id")] long stackId, SnapshotCatalog catalog, LinkResolver links, HttpContext context) =>
        links.ResolveAsync(catalog.Get(id), table, stackId, context.RequestAborted);
}
