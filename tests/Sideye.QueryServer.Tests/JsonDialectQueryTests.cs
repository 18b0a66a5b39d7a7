using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>The SQLite-style JSON operators, end to end through the query endpoint and DuckDB.</summary>
[Collection(SlowRpcServerCollection.Name)]
public sealed class JsonDialectQueryTests(SlowRpcServer fixture)
{
    private const string Id = SlowRpcServer.LatestId;
    private RunningServer Server => fixture.Server;

    [Theory]
    [InlineData("SELECT count(*) FROM captured_values WHERE \"column\" = 'cs' AND value->'Mu.Processing' = 'true'", "2")]
    [InlineData("SELECT count(*) FROM captured_values WHERE \"column\" = 'cs' AND value->'$.Mu.Processing' = 'false'", "99")]
    [InlineData("SELECT count(*) FROM captured_values WHERE \"column\" = 'cs' AND value->'Mu'->'Processing' = 'true'", "2")]
    [InlineData("SELECT count(*) FROM captured_values WHERE pid = 1002 AND value->>'Mu.Processing' = 'true' AND depth = 1", "1")]
    [InlineData("SELECT value->>'ClientId' FROM captured_values WHERE stack_id = 200 AND \"column\" = 'cs'", "42")]
    [InlineData("SELECT value->'ClientId' = 'abc' FROM captured_values WHERE stack_id = 200 AND \"column\" = 'cs'", "false")]
    [InlineData("SELECT raw_value->>'__addr' FROM captured_values WHERE stack_id = 201", "0x7f0000001000")]
    [InlineData("SELECT count(DISTINCT raw_value->>'__addr') FROM captured_values WHERE raw_value->>'__addr' = '0x7f0000001000'", "1")]
    [InlineData("SELECT 'not json'->'a'", "null")]
    [InlineData("SELECT '[1,2,3]'->-1", "3")]
    [InlineData("SELECT '{\"a\":\"x\"}'->'a' || '!'", "\"x\"!")]
    [InlineData("SELECT CAST(value->>'Mu.LastBackgroundServiceStartTime' AS BIGINT) FROM captured_values WHERE stack_id = 201", "1700000000000000000")]
    public async Task SqliteFormsWork(string sql, string expected)
    {
        JsonElement rows = await Server.RowsAsync(Id, sql);

        JsonElement cell = rows[0][0];
        Assert.Equal(expected, cell.ValueKind == JsonValueKind.String ? cell.GetString() : cell.GetRawText());
    }

    [Fact]
    public async Task ResultColumnsAreNamedAsWritten()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id,
            "SELECT value->>'ClientId', value->'Mu.Processing' = 'true', value->>'ClientId' AS id FROM captured_values WHERE stack_id = 200 AND \"column\" = 'cs'");

        Assert.Equal(200, status);
        Assert.Equal(["value->>'ClientId'", "value->'Mu.Processing' = 'true'", "id"], body.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("42", body.GetProperty("rows")[0][0].GetString());
    }

    [Fact]
    public async Task ArrowsInsideStringsAndCommentsAreLeftAlone()
    {
        JsonElement rows = await Server.RowsAsync(Id, "SELECT 'a->''b''' AS s -- x->'y'\n");

        Assert.Equal("a->'b'", rows[0][0].GetString());
    }

    [Fact]
    public async Task DuckDbLambdasStillWork()
    {
        JsonElement rows = await Server.RowsAsync(Id, "SELECT list_transform([1, 2], x -> x + 1)");

        Assert.Equal("[2,3]", rows[0][0].GetRawText());
    }
}
