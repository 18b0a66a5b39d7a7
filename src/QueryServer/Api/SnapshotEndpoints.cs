using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Capture;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Specs;
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

        group.MapPost("/", TakeAsync)
            .WithName("TakeSnapshot")
            .WithSummary("Snapshot live processes")
            .WithDescription("Snapshots the given live .NET processes together (one instant for all of them) with the spec in force "
                + "(its functions' variables; PUT /api/spec first to capture more), writes the snapshot into the snapshots folder and "
                + "answers once it is loaded. A process that cannot be captured makes a partial snapshot (listed in `errors`); "
                + "none at all is a 400 naming why. 501 unless the server was started with `sideye serve --allow-capture`. One capture at a time.")
            .Produces<TakenSnapshotResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status501NotImplemented);

        endpoints.MapGet("/api/processes", (QueryServerOptions options) => options.SnapshotTaker is { } taker
                ? Results.Ok(taker.ListProcesses())
                : Results.Problem(statusCode: StatusCodes.Status501NotImplemented, title: "Capture not available", detail: NoCapture))
            .WithTags(Tag)
            .WithName("ListProcesses")
            .WithSummary("The .NET processes this server can snapshot")
            .WithDescription("This machine's .NET processes (pid, name, command line, runtime version), as `sideye ps` lists them: what POST /api/snapshots "
                + "takes. Like capture, only with `sideye serve --allow-capture` (command lines can hold secrets), else 501.")
            .Produces<List<LiveProcess>>()
            .ProducesProblem(StatusCodes.Status501NotImplemented);

        group.MapGet("/{id}", (string id, SnapshotCatalog catalog) => catalog.Get(id).Manifest)
            .WithName("GetSnapshot")
            .WithSummary("Get a snapshot's manifest")
            .WithDescription("The snapshot's `snapshot.json`: capture time, tool and schema versions, processes, warnings, tables and the spec it was captured with.")
            .Produces<SnapshotManifest>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return endpoints;
    }

    private const string NoCapture = "This server only serves snapshots. Start it with `sideye serve --allow-capture` to take snapshots through the API, "
        + "or take them with `sideye snap --out <snapshots folder>`.";

    // Captures pause the targets: one at a time, however many clients ask.
    private static readonly SemaphoreSlim CaptureGate = new(1, 1);

    private static async Task<IResult> TakeAsync(TakeSnapshotRequest body, SnapshotCatalog catalog, SpecState spec, QueryServerOptions options, HttpContext context)
    {
        if (options.SnapshotTaker is not { } taker)
            return Results.Problem(statusCode: StatusCodes.Status501NotImplemented, title: "Capture not available", detail: NoCapture);
        if (body.Pids is not { Count: > 0 } || body.Pids.Any(p => p <= 0))
            throw new BadHttpRequestException("Give the processes to snapshot as \"pids\": [1234, 5678] (positive process ids).");
        if (body.PauseMode is not (null or "clone" or "stop"))
            throw new BadHttpRequestException($"\"pause_mode\" is 'clone' or 'stop', not '{body.PauseMode}'.");
        await CaptureGate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            Specs.SpecDocument current = spec.Current;
            // Not tied to the request: a capture half-done when the client goes away still resumes every target and is kept.
            TakenSnapshot taken = await taker.TakeAsync(
                new SnapshotRequest([.. body.Pids.Distinct()], body.PauseMode, current.Plan,
                    current.Yaml.Length == 0 ? null : $"{current.Path ?? "the query server's spec"} (version {current.Version})", catalog.RootDirectory,
                    current.Yaml.Length == 0 ? null : current.Yaml),
                CancellationToken.None).ConfigureAwait(false);
            await catalog.ScanAsync(CancellationToken.None).ConfigureAwait(false);
            LoadedSnapshot loaded = catalog.Get(System.IO.Path.GetFileName(taken.Directory));
            return Results.Created($"/api/snapshots/{loaded.Id}", new TakenSnapshotResponse(SnapshotSummary.From(loaded), taken.Errors));
        }
        finally
        {
            CaptureGate.Release();
        }
    }
}
