using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>GET /api/snapshots/{id}/variables: a function's method_variables rows, with what the spec in force captures from them.</summary>
public sealed class MethodVariablesApiTests(SpecServer fixture) : IClassFixture<SpecServer>
{
    private const string Id = SpecServer.SlowRpcId;
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task AFunctionsVariablesComeWithItsSpecTableAndWhatTheSpecCaptures()
    {
        JsonElement body = await Server.GetJsonAsync($"/api/snapshots/{Id}/variables?function={SlowRpcSnapshot.GetInfo}");

        Assert.Equal(SlowRpcSnapshot.GetInfo, body.GetProperty("function").GetString());
        Assert.Equal("InfoService_GetInfo", body.GetProperty("table").GetString());
        Assert.Equal([SlowRpcSnapshot.GetInfo], body.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        JsonElement[] variables = [.. body.GetProperty("variables").EnumerateArray()];
        Assert.Equal(["this", "request", "context", "started", "cs", "numCalls"], variables.Select(v => v.GetProperty("name").GetString()));
        Assert.All(variables, v => Assert.Equal(SlowRpcSnapshot.ServerPid, v.GetProperty("pid").GetInt32()));

        JsonElement request = variables[1];
        Assert.Equal("SlowRpc.Protos.GetInfoRequest", request.GetProperty("type").GetString());
        Assert.Equal(("parameter", "state-machine", "async"), (request.GetProperty("kind").GetString(), request.GetProperty("storage").GetString(), request.GetProperty("state_machine").GetString()));
        Assert.True(request.GetProperty("hoisted").GetBoolean());
        Assert.Equal(["request"], request.GetProperty("captured_as").EnumerateArray().Select(c => c.GetString()));

        JsonElement context = variables[2];
        Assert.False(context.GetProperty("hoisted").GetBoolean());
        Assert.False(context.GetProperty("capturable").GetBoolean());
        Assert.Empty(context.GetProperty("captured_as").EnumerateArray());

        JsonElement cs = variables[4];
        Assert.Equal(("SlowRpc.Server.ClientState", "<cs>5__3", "IL_0000..IL_0202"), (cs.GetProperty("type").GetString(), cs.GetProperty("field").GetString(), cs.GetProperty("scopes").GetString()));
        Assert.Equal(["cs"], cs.GetProperty("captured_as").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task AMethodWithoutAStateMachineHasNoHoisting()
    {
        JsonElement body = await Server.GetJsonAsync($"/api/snapshots/{Id}/variables?function={SlowRpcSnapshot.ProcessClient}");

        Assert.Equal("BackgroundProcessor_ProcessClient", body.GetProperty("table").GetString());
        JsonElement cs = body.GetProperty("variables").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "cs");
        Assert.Equal(JsonValueKind.Null, cs.GetProperty("hoisted").ValueKind);
        Assert.Equal(JsonValueKind.Null, cs.GetProperty("state_machine").ValueKind);
        Assert.Equal("frame", cs.GetProperty("storage").GetString());
        Assert.Equal("void ProcessClient(ClientState cs)", cs.GetProperty("signature").GetString());
    }

    [Fact]
    public async Task AFunctionWithNoVariablesRecordedIsAnEmptyList()
    {
        // On the stacks, but framework code (no PDB): nothing recorded, and no spec table.
        JsonElement framework = await Server.GetJsonAsync($"/api/snapshots/{Id}/variables?function={SlowRpcSnapshot.Sleep}");
        Assert.Empty(framework.GetProperty("variables").EnumerateArray());
        Assert.Empty(framework.GetProperty("methods").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, framework.GetProperty("table").ValueKind);

        // In the spec, but the contract snapshot recorded no variables (as one written before the table existed).
        JsonElement spec = await Server.GetJsonAsync($"/api/snapshots/{SpecServer.ContractId}/variables?function=Contract.Waiter.Wait");
        Assert.Empty(spec.GetProperty("variables").EnumerateArray());
        Assert.Equal("Waiter_Wait", spec.GetProperty("table").GetString());
    }

    [Fact]
    public async Task AnUnknownSnapshotIsA404AndAMissingFunctionA400()
    {
        using HttpResponseMessage unknown = await Server.Client.GetAsync($"/api/snapshots/nope/variables?function={SlowRpcSnapshot.GetInfo}");
        Assert.Equal(404, (int)unknown.StatusCode);
        JsonElement problem = JsonElement.Parse(await unknown.Content.ReadAsStringAsync());
        Assert.Contains("'nope'", problem.GetProperty("detail").GetString());
        Assert.Contains("GET /api/snapshots", problem.GetProperty("detail").GetString());

        using HttpResponseMessage missing = await Server.Client.GetAsync($"/api/snapshots/{Id}/variables");
        Assert.Equal(400, (int)missing.StatusCode);
        Assert.Contains("?function=", JsonElement.Parse(await missing.Content.ReadAsStringAsync()).GetProperty("detail").GetString());
    }
}
