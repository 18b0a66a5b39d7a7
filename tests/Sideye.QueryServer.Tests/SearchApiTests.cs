using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// GET .../search answers what filtering <c>all_captured_data</c> and <c>frames</c> answers (its reference, the slow
/// way), for texts that hit captured, raw and extra columns and method names, in any case, with symbols taken literally.
/// </summary>
public sealed class SearchApiTests(SpecServer fixture) : IClassFixture<SpecServer>
{
    private const string Id = SpecServer.SlowRpcId;
    private RunningServer Server => fixture.Server;

    [Theory]
    [InlineData("0x7f0000001000", 3)]      // an address: raw_cs of the handler and of the processor, and the cs_addr extra columns
    [InlineData("0X7F0000001000", 3)]      // any case
    [InlineData("\"ClientId\":42", 2)]     // inside a captured JSON value (symbols literal)
    [InlineData("ProcessClient", 1)]       // a method name
    [InlineData("true", 2)]                // an extra column (processing) and the JSON it comes from
    [InlineData("1.5", 0)]                 // '.' is a dot, not any character
    [InlineData("(x", 0)]                  // an unbalanced bracket is a character, not a broken pattern
    public async Task Finds_what_filtering_all_captured_data_finds(string text, int atLeast)
    {
        JsonElement found = await Server.GetJsonAsync($"/api/snapshots/{Id}/search?text={Uri.EscapeDataString(text)}");
        string needle = text.ToLowerInvariant().Replace("'", "''");
        JsonElement expected = await Server.RowsAsync(Id, $"""
            SELECT * FROM (
                SELECT table_name AS source, stack_id, pid, depth, column_name AS "column", value FROM all_captured_data WHERE contains(lower(value), '{needle}')
                UNION ALL
                SELECT 'frames', stack_id, pid, depth, 'method', method FROM frames WHERE contains(lower(method), '{needle}')
            ) ORDER BY source, stack_id, depth, "column"
            """);

        string[] Rows(JsonElement rows) => [.. rows.EnumerateArray().Select(r => r.GetRawText())];
        Assert.Equal(Rows(expected), Rows(found.GetProperty("rows")));
        Assert.True(found.GetProperty("rows").GetArrayLength() >= atLeast, $"'{text}': {found.GetProperty("rows").GetArrayLength()} matches");
    }
}
