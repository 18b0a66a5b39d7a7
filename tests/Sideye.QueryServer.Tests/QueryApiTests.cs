using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

[Collection(SlowRpcServerCollection.Name)]
public sealed class QueryApiTests(SlowRpcServer fixture)
{
    private const string Id = SlowRpcServer.LatestId;
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task ReturnsColumnsTypesAndRows()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id,
            "SELECT pid, count(*) AS stacks, min(stack_id) AS first FROM stacks GROUP BY pid ORDER BY pid");

        Assert.Equal(200, status);
        Assert.Equal(["pid", "stacks", "first"], body.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["INTEGER", "BIGINT", "BIGINT"], body.GetProperty("types").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("[[1001,100,1],[1002,101,101]]", body.GetProperty("rows").GetRawText());
        Assert.False(body.GetProperty("truncated").GetBoolean());
        Assert.True(body.GetProperty("elapsed_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task JoinsStacksAndFramesLikeTheContract()
    {
        JsonElement rows = await Server.RowsAsync(Id,
            "SELECT count(DISTINCT s.stack_id) FROM stacks s JOIN frames f ON f.stack_id = s.stack_id "
            + $"WHERE s.kind = 'thread' AND f.method = '{SlowRpcSnapshot.ProcessClient}'");

        Assert.Equal(1, rows[0][0].GetInt32());
    }

    [Fact]
    public async Task WritesValuesAsJson()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id, """
            SELECT 9007199254740993::BIGINT AS big, 42::BIGINT AS small, 1.5::DOUBLE AS d, 'x' AS s, NULL AS n, true AS b,
                   TIMESTAMP '2024-01-02 03:04:05.123' AS ts, DATE '2024-01-02' AS day, [1, 2] AS list, {'k': 'v'} AS st,
                   '{"a":[1,true,null]}'::JSON AS j, 'nan'::DOUBLE AS nan, INTERVAL 90 MINUTE AS iv
            """);

        Assert.Equal(200, status);
        Assert.Equal("""["9007199254740993",42,1.5,"x",null,true,"2024-01-02T03:04:05.123","2024-01-02",[1,2],{"k":"v"},{"a":[1,true,null]},"NaN","PT1H30M"]""",
            body.GetProperty("rows")[0].GetRawText());
        Assert.Equal("JSON", body.GetProperty("types")[10].GetString());
        Assert.Equal("INTEGER[]", body.GetProperty("types")[8].GetString());
    }

    [Fact]
    public async Task CapsRowsAndSaysTruncated()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id, "SELECT range AS i FROM range(25000)");

        Assert.Equal(200, status);
        Assert.Equal(10_000, body.GetProperty("rows").GetArrayLength());
        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(9_999, body.GetProperty("rows")[9_999][0].GetInt32());
    }

    [Fact]
    public async Task BadSqlIsA400WithDuckDbsMessage()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id, "SELEC nonsense");

        Assert.Equal(400, status);
        Assert.Contains("syntax error at or near \"SELEC\"", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task BinderErrorIsA400WithDuckDbsMessage()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id, "SELECT no_such_column FROM stacks");

        Assert.Equal(400, status);
        Assert.Contains("no_such_column", body.GetProperty("detail").GetString());
        Assert.Contains("Binder Error", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("SELECT 1; SELECT 2", "Exactly one statement")]
    [InlineData("SELECT 1; DROP VIEW stacks", "Only a single SELECT")]
    [InlineData("COPY (SELECT * FROM stacks) TO '/tmp/sideye-leak.csv'", "Only a single SELECT")]
    [InlineData("ATTACH '/tmp/sideye-other.db' AS other", "Only a single SELECT")]
    [InlineData("SET enable_external_access = true", "Only a single SELECT")]
    [InlineData("CREATE TABLE t AS SELECT 1", "Only a single SELECT")]
    [InlineData("PRAGMA version", "Only a single SELECT")]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')", "Permission Error")]
    [InlineData("SELECT * FROM read_text('/etc/passwd')", "Permission Error")]
    [InlineData("SELECT * FROM read_parquet('/etc/*.parquet')", "Permission Error")]
    [InlineData("SELECT * FROM query('DROP VIEW stacks')", "Parser Error")]
    [InlineData("   ", "empty")]
    public async Task RefusesAnythingButOneSafeSelect(string sql, string expected)
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id, sql);

        Assert.Equal(400, status);
        Assert.Contains(expected, body.GetProperty("detail").GetString());
        // Nothing changed: the views are all still there.
        Assert.Equal(101, (await Server.RowsAsync(Id, "SELECT count(*) FROM stacks WHERE pid = 1002"))[0][0].GetInt32());
    }

    [Fact]
    public async Task ConcurrentQueriesEachGetTheirOwnConnection()
    {
        Task<JsonElement>[] queries = [.. Enumerable.Range(0, 24).Select(i =>
            Server.RowsAsync(i % 2 == 0 ? Id : SlowRpcServer.OlderId, $"SELECT {i} AS i, count(*) FROM frames f JOIN stacks s USING (stack_id, pid)"))];

        JsonElement[] results = await Task.WhenAll(queries);

        for (int i = 0; i < results.Length; i++)
            Assert.Equal($"[[{i},403]]", results[i].GetRawText());
    }

    [Fact]
    public async Task UnknownSnapshotIsA404()
    {
        (int status, _) = await Server.QueryAsync("nope", "SELECT 1");

        Assert.Equal(404, status);
    }

    [Fact]
    public async Task MalformedBodyIsA400Problem()
    {
        using var content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Server.Client.PostAsync($"/api/snapshots/{Id}/query", content);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OtherSnapshotsAreCatalogsByTheirId()
    {
        JsonElement rows = await Server.RowsAsync(Id, $"SELECT count(*) FROM \"{SlowRpcServer.OlderId}\".stacks");

        Assert.Equal(201, rows[0][0].GetInt32());
    }
}
