using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>Function tables, derived tables, all_captured_data and links from the spec given at start.</summary>
public sealed class SpecTablesTests(SpecServer fixture) : IClassFixture<SpecServer>
{
    private const string Id = SpecServer.SlowRpcId;
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task AFunctionTableHasOneRowPerFrameAndTheSpecsColumns()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id, "SELECT * FROM InfoService_GetInfo ORDER BY stack_id");

        Assert.Equal(200, status);
        Assert.Equal(["stack_id", "pid", "depth", "request", "cs", "raw_request", "raw_cs", "processing", "last_background_service_time", "cs_addr"],
            body.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["BIGINT", "INTEGER", "INTEGER", "JSON", "JSON", "JSON", "JSON", "VARCHAR", "TIMESTAMP WITH TIME ZONE", "VARCHAR"],
            body.GetProperty("types").EnumerateArray().Select(c => c.GetString()));
        JsonElement rows = body.GetProperty("rows");
        Assert.Equal(100, rows.GetArrayLength());
        JsonElement locked = rows[99];
        Assert.Equal(200, locked[0].GetInt64());
        Assert.Equal(42, locked[4].GetProperty("ClientId").GetInt32()); // JSON columns come back parsed
        Assert.True(locked[4].GetProperty("Mu").GetProperty("Processing").GetBoolean());
        Assert.Equal("true", locked[7].GetString());
        Assert.Equal("2023-11-14T22:13:20Z", locked[8].GetString()); // an instant (TimestampNanos), in UTC
        Assert.Equal("\"0x7f0000001000\"", locked[9].GetString());
    }

    [Fact]
    public async Task TheWalkthroughsQueryFindsTheOneProcessingHandler()
    {
        JsonElement rows = await Server.RowsAsync(Id, "SELECT stack_id FROM InfoService_GetInfo WHERE cs->'Mu.Processing' = 'true'");

        Assert.Equal("[[200]]", rows.GetRawText());
    }

    [Fact]
    public async Task ContractShapedQueriesWork()
    {
        JsonElement rows = await Server.RowsAsync(SpecServer.ContractId, "SELECT n || ',' || trim(label, '\"') FROM Waiter_Wait");

        Assert.Equal("7,seven", rows[0][0].GetString());
    }

    [Fact]
    public async Task AnotherSnapshotsTablesCanBeNamedByCatalog()
    {
        JsonElement rows = await Server.RowsAsync(SpecServer.ContractId,
            $"SELECT count(*) FROM \"{Id}\".InfoService_GetInfo WHERE processing = 'true'");

        Assert.Equal("[[1]]", rows.GetRawText());
    }

    [Fact]
    public async Task DerivedTablesAreViews()
    {
        JsonElement rows = await Server.RowsAsync(Id, "SELECT * FROM busy_clients");

        Assert.Equal("[[\"42\"]]", rows.GetRawText());
    }

    [Fact]
    public async Task AllCapturedDataFindsAnAddressInBothTables()
    {
        JsonElement rows = await Server.RowsAsync(Id,
            "SELECT DISTINCT table_name, stack_id FROM all_captured_data WHERE value LIKE '%0x7f0000001000%' ORDER BY stack_id");

        Assert.Equal("""[["InfoService_GetInfo",200],["BackgroundProcessor_ProcessClient",201]]""", rows.GetRawText());
    }

    [Fact]
    public async Task AllCapturedDataHasOneRowPerCell()
    {
        JsonElement rows = await Server.RowsAsync(Id,
            "SELECT \"column\", count(*) FROM all_captured_data WHERE table_name = 'InfoService_GetInfo' GROUP BY 1 ORDER BY 1");

        Assert.Equal("""[["cs",100],["cs_addr",100],["last_background_service_time",100],["processing",100],["raw_cs",100],["raw_request",100],["request",100]]""",
            rows.GetRawText());
    }

    [Fact]
    public async Task LinksLeadFromTheBlockedHandlerToTheBackgroundThreadAndBack()
    {
        JsonElement forward = await Server.GetJsonAsync($"/api/snapshots/{Id}/links?table=InfoService_GetInfo&stack_id=200");
        JsonElement backward = await Server.GetJsonAsync($"/api/snapshots/{Id}/links?table=backgroundprocessor_processclient&stack_id=201");
        JsonElement unrelated = await Server.GetJsonAsync($"/api/snapshots/{Id}/links?table=InfoService_GetInfo&stack_id=150");

        JsonElement link = Assert.Single(forward.GetProperty("links").EnumerateArray());
        Assert.Equal("handler blocked by background processing", link.GetProperty("note").GetString());
        Assert.Equal("BackgroundProcessor_ProcessClient", link.GetProperty("table").GetString());
        JsonElement rows = link.GetProperty("rows");
        Assert.Equal("stack_id", rows.GetProperty("columns")[0].GetString());
        Assert.Equal("[201]", JsonSerializer.Serialize(rows.GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt64())));

        Assert.Equal("BackgroundProcessor_ProcessClient", backward.GetProperty("table").GetString());
        JsonElement back = Assert.Single(backward.GetProperty("links").EnumerateArray());
        Assert.Equal("InfoService_GetInfo", back.GetProperty("table").GetString());
        Assert.Equal("[200]", JsonSerializer.Serialize(back.GetProperty("rows").GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt64())));

        Assert.Equal(0, unrelated.GetProperty("links")[0].GetProperty("rows").GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task LinksOfSeveralStacksAreTheLinksOfEachStackInOneRequest()
    {
        string[] stacks = ["200", "150", "201", "200"];
        JsonElement batch = await Server.GetJsonAsync($"/api/snapshots/{Id}/links/batch?table=infoservice_getinfo&{string.Join('&', stacks.Select(s => "stack_id=" + s))}");

        Assert.Equal("InfoService_GetInfo", batch.GetProperty("table").GetString());
        JsonElement[] each = [.. batch.GetProperty("stacks").EnumerateArray()];
        Assert.Equal([150L, 200L, 201L], each.Select(e => e.GetProperty("stack_id").GetInt64()));
        foreach (JsonElement one in each)
        {
            // Each entry is what the one-stack endpoint answers for that stack, rows and all.
            JsonElement single = await Server.GetJsonAsync($"/api/snapshots/{Id}/links?table=InfoService_GetInfo&stack_id={one.GetProperty("stack_id").GetInt64()}");
            Assert.Equal(Comparable(single.GetProperty("links")), Comparable(one.GetProperty("links")));
        }
        JsonElement blocked = Assert.Single(each[1].GetProperty("links").EnumerateArray());
        Assert.Equal("[201]", JsonSerializer.Serialize(blocked.GetProperty("rows").GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt64())));
        Assert.Equal("stack_id", blocked.GetProperty("rows").GetProperty("columns")[0].GetString());
        Assert.Equal(0, each[0].GetProperty("links")[0].GetProperty("rows").GetProperty("rows").GetArrayLength());
    }

    [Theory]
    [InlineData("table=InfoService_GetInfo")]
    [InlineData("table=nope&stack_id=1")]
    public async Task ABatchOfLinksWithNoStackOrAnUnknownTableIsA400(string query)
    {
        using HttpResponseMessage response = await Server.Client.GetAsync($"/api/snapshots/{Id}/links/batch?{query}");

        Assert.Equal(400, (int)response.StatusCode);
    }

    /// <summary>A link resolution without its timing, which differs between two runs of the same query.</summary>
    private static string Comparable(JsonElement links) =>
        JsonSerializer.Serialize(links.EnumerateArray().Select(l => new
        {
            note = l.GetProperty("note").GetString(),
            table = l.GetProperty("table").GetString(),
            columns = l.GetProperty("rows").GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToArray(),
            rows = l.GetProperty("rows").GetProperty("rows").GetRawText(),
            truncated = l.GetProperty("rows").GetProperty("truncated").GetBoolean(),
        }));

    [Fact]
    public async Task LinksOfAnUnknownTableAreA400()
    {
        using HttpResponseMessage response = await Server.Client.GetAsync($"/api/snapshots/{Id}/links?table=nope&stack_id=1");

        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task TheSpecDescribesTablesColumnsAndLinks()
    {
        JsonElement spec = await Server.GetJsonAsync("/api/spec");

        Assert.Equal(fixture.SpecPath, spec.GetProperty("path").GetString());
        Assert.Equal(0, spec.GetProperty("version").GetInt32());
        Assert.Contains("InfoService.GetInfo", spec.GetProperty("yaml").GetString());
        JsonElement[] tables = [.. spec.GetProperty("tables").EnumerateArray()];
        Assert.Equal(["InfoService_GetInfo", "BackgroundProcessor_ProcessClient", "Waiter_Wait", "busy_clients"], tables.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["function", "function", "function", "derived"], tables.Select(t => t.GetProperty("kind").GetString()));
        JsonElement[] columns = [.. tables[0].GetProperty("columns").EnumerateArray()];
        Assert.Equal(["raw_request", "raw_cs", "cs_addr"], columns.Where(c => !c.GetProperty("visible").GetBoolean()).Select(c => c.GetProperty("name").GetString()));
        JsonElement time = columns.Single(c => c.GetProperty("name").GetString() == "last_background_service_time");
        Assert.Equal("TIMESTAMP WITH TIME ZONE", time.GetProperty("type").GetString());
        Assert.Equal("TimestampNanos", time.GetProperty("spec_type").GetString());
        JsonElement link = Assert.Single(spec.GetProperty("links").EnumerateArray());
        Assert.Equal(["cs_addr"], link.GetProperty("from").GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
    }
}
