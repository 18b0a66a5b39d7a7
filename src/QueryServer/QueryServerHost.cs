using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using Sideye.QueryServer.Api;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Hosting;
using Sideye.QueryServer.Links;
using Sideye.QueryServer.Specs;
using Sideye.QueryServer.Stacks;

namespace Sideye.QueryServer;

/// <summary>
/// The query server's entry point, hosted by <c>sideye serve</c>: loads the snapshots folder into DuckDB and
/// serves the REST API (OpenAPI at <c>/swagger/v1/swagger.json</c>, Swagger UI at <c>/swagger</c>).
/// </summary>
public static class QueryServerHost
{
    /// <summary>
    /// Builds the server without starting it: <c>StartAsync</c> loads the snapshots present, then listens on
    /// exactly <see cref="QueryServerOptions.Urls"/> (port 0 picks a free port; <c>app.Urls</c> has the real one).
    /// </summary>
    public static WebApplication Build(QueryServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            // A tool runs from the user's working directory; don't pick up an appsettings.json lying there.
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(QueryServerHost).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // Our own warnings (skipped snapshots) matter; ASP.NET's per-request info lines are noise on a CLI.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        // "Hosting failed to start" with the whole stack: RunAsync's caller says what failed and what to do instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        IServiceCollection services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<DuckDbEngine>();
        services.AddSingleton<QueryRunner>();
        services.AddSingleton<AllSnapshotsCatalog>();
        services.AddSingleton<SnapshotCatalog>();
        services.AddSingleton<StackStore>();
        services.AddSingleton<SpecState>();
        services.AddSingleton<ISnapshotViewProvider, SpecViews>();
        services.AddSingleton<SpecService>();
        services.AddSingleton<LinkResolver>();
        services.AddSingleton<StackDetailReader>();
        services.AddSingleton<Source.SourceFiles>();
        services.AddHostedService<SnapshotFolderWatcher>();

        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        // Swashbuckle describes schemas with MVC's JSON options: keep them in step so the document matches the wire.
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => ConfigureJson(o.JsonSerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // bad bodies reach the problem funnel
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Sideye query server",
                Version = "v1",
                Description = "Snapshots of .NET processes as SQL tables, stacks and flame graphs.",
            });
            o.SupportNonNullableReferenceTypes();
            o.OperationFilter<AlternateRepresentationFilter>();
        });

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseWebApp(); // the app's files hold no data: served before the key check (the app asks for the key)
        if (options.ApiKeyHashes.Count > 0)
            app.UseMiddleware<Security.ApiKeyMiddleware>(); // before everything that answers, OpenAPI and Swagger UI included
        app.UseStatusCodePages();
        app.UseSwagger();
        app.UseSwaggerUI();
        app.MapHealthEndpoints();
        app.MapSnapshotEndpoints();
        app.MapQueryEndpoints();
        app.MapStackEndpoints();
        app.MapSpecEndpoints();
        app.MapLinkEndpoints();
        app.MapSearchEndpoints();
        app.MapTableEndpoints();
        app.MapVariableEndpoints();
        app.MapDiffEndpoints();
        app.MapSourceEndpoints();

        // Before the first snapshot is attached (when the server starts), so every snapshot gets the spec's
        // tables; a spec with errors stops the server here with the compiler's diagnostics.
        app.Services.GetRequiredService<SpecService>().LoadInitial();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var catalog = app.Services.GetRequiredService<SnapshotCatalog>();
            Console.Out.WriteLine($"Serving {catalog.Count} snapshot(s) from {catalog.RootDirectory} at {string.Join(", ", app.Urls)}");
            foreach (string warning in StartWarnings(options))
                Console.Error.WriteLine("warning: " + warning);
        });
        return app;
    }

    /// <summary>Builds and runs the server until <paramref name="cancellationToken"/> fires (or Ctrl+C).</summary>
    public static async Task RunAsync(QueryServerOptions options, CancellationToken cancellationToken)
    {
        await using WebApplication app = Build(options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        // Stops the server (gracefully) when the token fires or on Ctrl+C / SIGTERM.
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the operator should know about who can read and do what (printed on start).</summary>
    public static IEnumerable<string> StartWarnings(QueryServerOptions options)
    {
        IReadOnlyList<string> open = Security.ListenAddresses.NonLoopback(options.Urls);
        if (options.NoAuth && options.ApiKeyHashes.Count == 0 && open.Count > 0)
            yield return $"--no-auth: anyone who can connect to {string.Join(", ", open)} can read every snapshot's captured values and run SQL on them" +
                         (options.SnapshotTaker is null ? "." : ", and snapshot this machine's processes.");
        if (options.SnapshotTaker is not null && options.ApiKeyHashes.Count == 0)
            yield return $"--allow-capture without an API key: any user of this machine can have this server (user {Environment.UserName}) pause and read the processes it can trace.";
        if (Security.SnapshotFolder.ReadableByOthers(options.SnapshotsDirectory) is { } mode)
            yield return $"{options.SnapshotsDirectory} is readable by other users (mode {mode}): snapshots hold what the services had in memory; `chmod 700` it.";
    }

    private static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // A flame graph nests two JSON levels per frame and the engine keeps up to 4,096 frames per stack;
        // the default limit (64) failed real 40-frame stacks with a 500.
        json.MaxDepth = 2 * 4096 + 16;
    }
}
