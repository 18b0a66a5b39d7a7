using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;

namespace Sideye.QueryServer.Api;

/// <summary>Liveness for scripts and the CLI waiting for the server to come up.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/health", (SnapshotCatalog catalog) => new HealthResponse("ok", catalog.Count))
            .WithTags("Health")
            .WithName("GetHealth")
            .WithSummary("Server health")
            .WithDescription("Answers `ok` and the number of loaded snapshots once the server listens.")
            .Produces<HealthResponse>();
        return endpoints;
    }
}
