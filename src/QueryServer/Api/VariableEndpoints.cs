using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Specs;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Api;

/// <summary>What a spec can capture in a function seen on a snapshot's stacks, for a UI that edits the spec frame by frame.</summary>
public static class VariableEndpoints
{
    public static IEndpointRouteBuilder MapVariableEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/snapshots/{id}/variables", GetAsync)
            .WithTags("Tables")
            .WithName("GetMethodVariables")
            .WithSummary("The variables a spec can capture in a function")
            .WithDescription("The `method_variables` rows of `function` (as `frames.method` spells it, e.g. `SlowRpc.Server.InfoService.GetInfo`; "
                + "a generic type may be written `Cache<_>`, `Cache<T>`, `Cache`1` or `Cache`) in every process: its parameters, locals and `this` "
                + "with their C# types, and for an async method which ones are hoisted into the state machine (the only ones a suspended "
                + "call has). With `table`, the spec table the function gets under the spec in force (null when the spec does not name it), "
                + "and per variable `captured_as`, the columns the spec fills from it. An empty list when the snapshot recorded no variables "
                + "for the function: it was on no stack, has no PDB (framework code), or the snapshot predates the table.")
            .Produces<MethodVariablesResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<MethodVariablesResponse> GetAsync(string id, string? function, SnapshotCatalog catalog, QueryRunner runner, SpecState spec, HttpContext context)
    {
        LoadedSnapshot snapshot = catalog.Get(id);
        if (string.IsNullOrWhiteSpace(function))
            throw new BadHttpRequestException("Give the function as ?function=Namespace.Type.Method, as frames.method spells it (GET .../functions?prefix= lists them).");
        function = function.Trim();
        string key = CapturePlan.FunctionKey(function);

        // Few distinct methods per snapshot: matched here by the key the capture itself matches a spec's functions by.
        QueryResult names = await runner.RunServerSqlAsync(snapshot.Catalog,
            $"SELECT DISTINCT method FROM {SnapshotTables.MethodVariables} ORDER BY method", context.RequestAborted).ConfigureAwait(false);
        List<string> methods = [.. names.Rows.Select(r => (string)r[0]!).Where(m => m == function || CapturePlan.FunctionKey(m) == key)];

        FunctionCapture? captured = spec.Current.Plan.Functions.FirstOrDefault(f => CapturePlan.FunctionKey(f.Function) == key);
        var variables = new List<MethodVariableInfo>();
        if (methods.Count > 0)
        {
            QueryResult rows = await runner.RunServerSqlAsync(snapshot.Catalog,
                $"SELECT pid, module, method_token, signature, state_machine, position, name, type, kind, storage, field, hoisted, capturable, scopes " +
                $"FROM {SnapshotTables.MethodVariables} WHERE method IN ({string.Join(", ", methods.Select(SqlText.Literal))}) " +
                "ORDER BY pid, method, method_token, position", context.RequestAborted).ConfigureAwait(false);
            variables.AddRange(rows.Rows.Select(r => Variable(r, captured)));
        }
        return new MethodVariablesResponse(function, captured?.Table, methods, variables);
    }

    private static MethodVariableInfo Variable(IReadOnlyList<object?> r, FunctionCapture? captured)
    {
        string name = (string)r[6]!;
        IReadOnlyList<string> columns = captured is null ? [] : [.. captured.Variables.Where(v => v.RootVariable == name).Select(v => v.Column)];
        return new MethodVariableInfo(
            Int(r[0]), (string?)r[1], Int(r[2]), (string)r[3]!, (string?)r[4], Int(r[5]), name, (string)r[7]!, (string)r[8]!, (string)r[9]!,
            (string?)r[10], (bool?)r[11], (bool)r[12]!, (string?)r[13], columns);
    }

    private static int Int(object? cell) => Convert.ToInt32(cell, CultureInfo.InvariantCulture);
}
