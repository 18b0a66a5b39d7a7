using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Specs;

namespace Sideye.QueryServer.Api;

/// <summary>Reading and replacing the spec that shapes captured values into tables and links.</summary>
public static class SpecEndpoints
{
    public static IEndpointRouteBuilder MapSpecEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/spec").WithTags("Spec");

        group.MapGet("/", (SpecService specs) => SpecResponse.From(specs.Current))
            .WithName("GetSpec")
            .WithSummary("Get the spec in force")
            .WithDescription("The spec's YAML, its version, the function and derived tables it defines in every snapshot "
                + "(with each column's type and whether it is hidden by default) and its links.")
            .Produces<SpecResponse>();

        group.MapPut("/", ReplaceAsync)
            .WithName("PutSpec")
            .WithSummary("Replace the spec")
            .WithDescription("The body is the new spec as YAML. It is checked like `sideye` checks a spec file, and all its SQL "
                + "(extra columns, derived tables) is bound in DuckDB. When valid it is stored next to the spec file as a new "
                + "version (`<file>.vN`), replaces the file atomically, and every loaded snapshot's tables are rebuilt from it "
                + "(no new capture needed). When not, the answer is 400 with the compiler's diagnostics in `diagnostics` "
                + "(and taken apart, with line and column, in `diagnostic_details`) and the old spec stays in force. "
                + "POST /api/spec/check runs the same checks without storing anything.")
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .Produces<SpecResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/check", CheckAsync)
            .WithName("CheckSpec")
            .WithSummary("Check a spec without saving it")
            .WithDescription("The body is a spec as YAML. It gets exactly the checks of PUT /api/spec (the compiler's, and all its SQL bound "
                + "in DuckDB) and nothing is stored or changed: the spec in force, its version and the snapshots' tables stay as they are. "
                + "Always 200: `valid` says whether PUT would accept it; `diagnostics` are the strings PUT's 400 problem has, errors first, and "
                + "`diagnostic_details` the same ones with `severity`, `line` and `column` apart; `tables` and `links` are what it would define "
                + "(empty when it has errors). For an editor that validates as the user types.")
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .Produces<SpecCheckResponse>();

        return endpoints;
    }

    private static async Task<SpecCheckResponse> CheckAsync(HttpRequest request, SpecService specs)
    {
        using var reader = new StreamReader(request.Body);
        string yaml = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        SpecCheck check = specs.Check(yaml);
        return new SpecCheckResponse(
            check.IsValid,
            [.. check.Diagnostics.Select(d => d.ToString())],
            [.. check.Diagnostics.Select(SpecDiagnosticInfo.From)],
            check.Compiled is { } compiled ? SpecResponse.TablesOf(compiled.Sql) : [],
            check.Compiled is { } valid ? SpecResponse.LinksOf(valid.Sql) : []);
    }

    private static async Task<SpecResponse> ReplaceAsync(HttpRequest request, SpecService specs)
    {
        using var reader = new StreamReader(request.Body);
        string yaml = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        return SpecResponse.From(await specs.ReplaceAsync(yaml, request.HttpContext.RequestAborted).ConfigureAwait(false));
    }
}
