using System.Text;
using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>POST /api/spec/check: PUT's checks, nothing stored. The fixture's server is shared: a check must leave it as it was.</summary>
public sealed class SpecCheckTests(SpecServer fixture) : IClassFixture<SpecServer>
{
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task AValidSpecIsValidWithItsTablesAndNothingIsStored()
    {
        JsonElement before = await Server.GetJsonAsync("/api/spec");
        string yaml = SlowRpcSpec.Yaml.Replace(
            "      - { name: cs_addr, sql: \"raw_cs->'__addr'\", visible: false }\n  - function: SlowRpc.Server.BackgroundProcessor",
            "      - { name: cs_addr, sql: \"raw_cs->'__addr'\", visible: false }\n      - { name: client_id, sql: \"cs->>'ClientId'\", type: BIGINT }\n  - function: SlowRpc.Server.BackgroundProcessor",
            StringComparison.Ordinal);
        Assert.Contains("client_id", yaml);

        (int status, JsonElement body) = await CheckAsync(yaml);

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("valid").GetBoolean());
        Assert.Empty(body.GetProperty("diagnostics").EnumerateArray());
        Assert.Empty(body.GetProperty("diagnostic_details").EnumerateArray());
        JsonElement getInfo = body.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "InfoService_GetInfo");
        Assert.Equal("BIGINT", getInfo.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "client_id").GetProperty("type").GetString());
        Assert.Equal("handler blocked by background processing", Assert.Single(body.GetProperty("links").EnumerateArray()).GetProperty("note").GetString());

        JsonElement after = await Server.GetJsonAsync("/api/spec");
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal(SlowRpcSpec.Yaml, after.GetProperty("yaml").GetString());
        Assert.Equal(SlowRpcSpec.Yaml, await File.ReadAllTextAsync(fixture.SpecPath));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(fixture.SpecPath)!, "*.v*"));
        (int query, _) = await Server.QueryAsync(SpecServer.SlowRpcId, "SELECT client_id FROM InfoService_GetInfo");
        Assert.Equal(400, query); // the snapshots' tables are still the spec in force's
    }

    [Fact]
    public async Task AMalformedSpecGetsTheDiagnosticAtItsLineAndColumn()
    {
        const string yaml = "functions:\n  - function: SlowRpc.Server.InfoService.GetInfo\n    captrue: [cs]\n";

        (int status, JsonElement body) = await CheckAsync(yaml);

        Assert.Equal(200, status);
        Assert.False(body.GetProperty("valid").GetBoolean());
        JsonElement detail = body.GetProperty("diagnostic_details").EnumerateArray().First();
        Assert.Equal("error", detail.GetProperty("severity").GetString());
        Assert.Equal((3, 5), (detail.GetProperty("line").GetInt32(), detail.GetProperty("column").GetInt32()));
        Assert.Contains("unknown key 'captrue'", detail.GetProperty("message").GetString());
        Assert.Equal("Did you mean 'capture'?", detail.GetProperty("fix").GetString());
        string text = body.GetProperty("diagnostics")[0].GetString()!;
        Assert.StartsWith("sideye.yaml:3:5: error: unknown key 'captrue'", text);
        Assert.Equal(text, detail.GetProperty("text").GetString());
        Assert.Empty(body.GetProperty("tables").EnumerateArray());
    }

    [Fact]
    public async Task AnExtraColumnWhoseSqlDoesNotBindIsAnErrorAtTheWordDuckDbPointsAt()
    {
        const string yaml = "functions:\n  - function: A.B\n    capture: [cs]\n    columns:\n      - { name: x, sql: \"cs->'a' + nosuchcol\" }\n";

        (int status, JsonElement body) = await CheckAsync(yaml);

        Assert.Equal(200, status);
        Assert.False(body.GetProperty("valid").GetBoolean());
        JsonElement detail = Assert.Single(body.GetProperty("diagnostic_details").EnumerateArray(), d => d.GetProperty("severity").GetString() == "error");
        Assert.Equal((5, 36), (detail.GetProperty("line").GetInt32(), detail.GetProperty("column").GetInt32()));
        Assert.Contains("nosuchcol", detail.GetProperty("text").GetString());
    }

    [Fact]
    public async Task PutsProblemHasTheSameDiagnosticsTakenApart()
    {
        const string yaml = "functions:\n  - function: SlowRpc.Server.InfoService.GetInfo\n    captrue: [cs]\n";
        (_, JsonElement check) = await CheckAsync(yaml);

        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using HttpResponseMessage response = await Server.Client.PutAsync("/api/spec", content);
        JsonElement problem = JsonElement.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(check.GetProperty("diagnostics").GetRawText(), problem.GetProperty("diagnostics").GetRawText());
        Assert.Equal(check.GetProperty("diagnostic_details").GetRawText(), problem.GetProperty("diagnostic_details").GetRawText());
    }

    private async Task<(int Status, JsonElement Body)> CheckAsync(string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using HttpResponseMessage response = await Server.Client.PostAsync("/api/spec/check", content);
        return ((int)response.StatusCode, JsonElement.Parse(await response.Content.ReadAsStringAsync()));
    }
}
