using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// The walkthrough's question, answered by SQL over variables captured with the demo's spec
/// (dumps/slow-rpc/sideye.yaml) from the live demo: which handler is blocked, and on what.
/// </summary>
[Collection(SlowRpcCollection.Name)]
public sealed class VariableCaptureTests
{
    private readonly SlowRpcFixture _demo;

    public VariableCaptureTests(SlowRpcFixture demo) => _demo = demo;

    [Fact]
    public async Task Exactly_one_handler_sees_its_client_being_processed()
    {
        var rows = await _demo.Api.QueryAsync(_demo.LiveId,
            "SELECT cs->'ClientId', processing, last_background_service_time, cs_addr FROM InfoService_GetInfo WHERE cs->'Mu.Processing' = 'true'");
        List<JsonElement> row = Assert.Single(rows);
        Assert.True(row[1].GetBoolean());
        // The background processor set the start time within the demo's hold (4 s) before the snapshot.
        DateTime started = DateTime.Parse(row[2].GetString()!, null, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        DateTime captured = (await _demo.Api.GetJsonAsync($"/api/snapshots/{_demo.LiveId}")).GetProperty("captured_at_utc").GetDateTime().ToUniversalTime();
        Assert.InRange((captured - started).TotalSeconds, -1, 10);
        Assert.StartsWith("0x", row[3].GetString()!.Trim('"'));
    }

    [Fact]
    public async Task Every_other_handler_is_not_blocked_by_processing()
    {
        long notProcessing = await _demo.Api.ScalarAsync(_demo.LiveId,
            "SELECT count(*) FROM InfoService_GetInfo WHERE cs->'Mu.Processing' = 'false'");
        long all = await _demo.Api.ScalarAsync(_demo.LiveId, "SELECT count(*) FROM InfoService_GetInfo");
        Assert.Equal(all - 1, notProcessing);
        Assert.InRange(all, 2, 100);
    }

    [Fact]
    public async Task Each_client_loop_captures_its_clientId()
    {
        var rows = await _demo.Api.QueryAsync(_demo.LiveId,
            "SELECT count(*), count(DISTINCT CAST(clientId AS INTEGER)), min(CAST(clientId AS INTEGER)), max(CAST(clientId AS INTEGER)) FROM LogicalClient_RunClientAsync");
        Assert.Equal([100, 100, 0, 99], rows.Single().Select(c => c.GetInt64()));
    }

    [Fact]
    public async Task The_blocked_handler_waits_for_the_client_the_background_processor_holds()
    {
        // ProcessClient runs on a thread: its argument comes through the DAC frame reader, GetInfo's from
        // its state machine. Both must name the same ClientState object and the same client.
        var rows = await _demo.Api.QueryAsync(_demo.LiveId,
            "SELECT g.request->'ClientId', g.cs->'ClientId', p.cs->'ClientId', p.cs->'Mu.Processing', g.cs_addr, p.cs_addr " +
            "FROM InfoService_GetInfo g JOIN BackgroundProcessor_ProcessClient p ON g.cs_addr = p.cs_addr WHERE g.processing");
        List<JsonElement> row = Assert.Single(rows);
        string requestClient = row[0].GetString()!;
        Assert.Equal(requestClient, row[1].GetString());
        Assert.Equal(requestClient, row[2].GetString());
        Assert.Equal("true", row[3].GetString());
        Assert.Equal(row[4].GetString(), row[5].GetString());
        Assert.InRange(int.Parse(requestClient, System.Globalization.CultureInfo.InvariantCulture), 0, 99);
    }

    [Fact]
    public async Task The_spec_link_leads_from_the_blocked_handler_to_the_processing_frame()
    {
        long stackId = await _demo.Api.ScalarAsync(_demo.LiveId, "SELECT stack_id FROM InfoService_GetInfo WHERE processing");
        long processorStack = await _demo.Api.ScalarAsync(_demo.LiveId, "SELECT stack_id FROM BackgroundProcessor_ProcessClient");
        JsonElement links = await _demo.Api.GetJsonAsync($"/api/snapshots/{_demo.LiveId}/links?table=InfoService_GetInfo&stack_id={stackId}");
        JsonElement link = Assert.Single(links.GetProperty("links").EnumerateArray());
        Assert.Equal("BackgroundProcessor_ProcessClient", link.GetProperty("table").GetString());
        JsonElement linked = Assert.Single(link.GetProperty("rows").GetProperty("rows").EnumerateArray());
        Assert.Equal(processorStack, linked[0].GetInt64());
    }

    [Fact]
    public async Task The_dump_and_the_dotnet_dump_extension_capture_the_same_thread_frame_variables()
    {
        // Same dump, two front-ends (our CLI's ClrMD and dotnet-dump's host): the thread frame's argument
        // read through the DAC must be the same object with the same contents.
        const string sql = "SELECT cs->'ClientId', cs_addr, cs->'NumCalls' FROM BackgroundProcessor_ProcessClient";
        List<JsonElement> fromCli = Assert.Single(await _demo.Api.QueryAsync(_demo.DumpId, sql));
        List<JsonElement> fromExtension = Assert.Single(await _demo.Api.QueryAsync(_demo.ExtensionId, sql));
        Assert.InRange(int.Parse(fromCli[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), 0, 99);
        Assert.StartsWith("\"0x", fromCli[1].GetString()!);
        Assert.Equal(fromCli.Select(c => c.ToString()), fromExtension.Select(c => c.ToString()));
    }
}
