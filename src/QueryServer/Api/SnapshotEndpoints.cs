using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Api;

/// <summary>Listing snapshots and reading their manifests.</summary>
public static class SnapshotEndpoints
{
    public const string Tag = "Snapshots";

    public static IEndpointRouteBuilder MapSnapshotEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/snapshots").WithTags(Tag);

        group.MapGet("/", (SnapshotCatalog catalog) => catalog.All.Select(SnapshotSummary.From).ToList())
            .WithName("ListSnapshots")
            .WithSummary("List the loaded snapshots")
            .WithDescription("Every snapshot directory loaded from the snapshots folder, newest capture first. "
                + "Snapshots written into the folder while the server runs appear within about a second.")
            .Produces<List<SnapshotSummary>>();

        group.MapGet("/{id}", (string id, SnapshotCatalog catalog) => catalog.Get(id).Manifest)
            .WithName("GetSnapshot")
            .WithSummary("Get a snapshot's manifest")
            .WithDescription("The snapshot's `snapshot.json`: capture time, tool and schema versions, processes, warnings, tables and the spec it was captured with.")
            .Produces<SnapshotManifest>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return endpoints;
    }
}
