using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// The walkthrough (docs/walkthrough.md) as a user does it, through the REST API only, against the slow-rpc demo
/// running for real: snapshot both processes, follow the longest-waiting client call over the built-in gRPC link
/// to the server handler stuck on its client's lock, then write the spec step by step (PUT /api/spec), and see
/// the last step's link resolve in a snapshot taken before the link existed.
/// </summary>
public sealed class WalkthroughRestTests : IAsyncLifetime
{
    private const int HoldMs = 3000;
    private const string GetInfo = "SlowRpc.Server.InfoService.GetInfo";

    private readonly string _work = Path.Combine(Path.GetTempPath(), "sideye-walkthrough-" + Guid.NewGuid().ToString("N")[..8]);
    private QueryServerProcess? _server;
    private int _serverPid, _clientPid;

    private string DemoDir => Path.Combine(_work, "demo");

    private QueryClient Api => _server!.Api;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        RunResult start = Repo.Run(Path.Combine(Repo.Root, "dumps/slow-rpc/start.sh"), [DemoDir, "--hold-ms", HoldMs.ToString(), "--wait-slow"]);
        Assert.True(start.ExitCode == 0, "start.sh: " + start);
        _serverPid = int.Parse(File.ReadAllText(Path.Combine(DemoDir, "server.pid")).Trim());
        _clientPid = int.Parse(File.ReadAllText(Path.Combine(DemoDir, "client.pid")).Trim());
        // The user starts with no spec at all: an empty file the server will version as the user PUTs specs.
        string spec = Path.Combine(_work, "sideye.yaml");
        File.WriteAllText(spec, "");
        string snapshots = Path.Combine(_work, "snapshots");
        Directory.CreateDirectory(snapshots);
        _server = await QueryServerProcess.StartAsync(snapshots, spec, Path.Combine(_work, "serve.log"), expectedSnapshots: 0, allowCapture: true);
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        Repo.Run(Path.Combine(Repo.Root, "dumps/slow-rpc/stop.sh"), [DemoDir]);
        Repo.DeleteWorkDir(_work);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_walkthrough_through_the_REST_API()
    {
        // 1. Snapshot both processes. 2. The server handler that has waited longest (the stacks view's longest-wait link):
        // it waits on its client's lock; the built-in gRPC link leads to the client call it serves, one logical stack
        // from the client's loop down to its HTTP/2 stream.
        (string first, long handlerStack, double waitMs) = await SnapshotWithABlockedCallAsync();
        Assert.InRange(waitMs, 200, HoldMs + 3000);
        List<List<JsonElement>> handlerRow = await Api.QueryAsync(first, $"SELECT awaiting, wait_source FROM stacks WHERE stack_id = {handlerStack}");
        Assert.Equal("SemaphoreSlim.WaitAsync", Assert.Single(handlerRow)[0].GetString());
        Assert.StartsWith("ASP.NET Core request start", handlerRow[0][1].GetString());
        Assert.True(await Api.ScalarAsync(first, $"SELECT count(*) FROM frames WHERE stack_id = {handlerStack} AND method = '{GetInfo}'") == 1);
        JsonElement call = await FollowAsync(first, "grpc_server_calls", handlerStack, "grpc_client_calls");
        Assert.Equal(_clientPid, call.GetProperty("pid").GetInt32());
        Assert.Equal("/SideEyeDemo.SideEyeDemo/GetInfo", call.GetProperty("method").GetString());
        long clientStack = call.GetProperty("stack_id").GetInt64();
        List<List<JsonElement>> clientFrames = await Api.QueryAsync(first, $"SELECT method, kind FROM frames WHERE stack_id = {clientStack} ORDER BY depth");
        Assert.Contains(clientFrames, f => f[0].GetString()!.StartsWith("System.Net.Http.Http2Connection.Http2Stream.", StringComparison.Ordinal));
        Assert.Contains(clientFrames, f => f[1].GetString() == "continuation");
        Assert.Equal("SlowRpc.Client.LogicalClient.RunClientAsync", clientFrames.Last(f => f[0].GetString()!.StartsWith("SlowRpc.", StringComparison.Ordinal))[0].GetString());
        // 100 logical clients each with a call in flight (a call finishing its cleanup while its client starts the next
        // is a second one). A call caught before its HTTP/2 stream exists (or after it closed) has none; a stream
        // belongs to one call.
        List<List<JsonElement>> calls = await Api.QueryAsync(first,
            $"SELECT count(*), count(stream_id), count(DISTINCT stream_id) FROM grpc_client_calls WHERE pid = {_clientPid}");
        Assert.InRange(calls[0][0].GetInt64(), 100, 250);
        Assert.InRange(calls[0][1].GetInt64(), 1, 250);
        Assert.Equal(calls[0][1].GetInt64(), calls[0][2].GetInt64());

        // 3. Capture the handler's request and client state; the one handler whose client is being processed.
        await Api.PutSpecAsync("""
            functions:
              - function: SlowRpc.Server.InfoService.GetInfo
                capture: [request, cs, { expr: cs.Mu.Processing, column: processing }]
            """);
        (string second, _, _) = await SnapshotWithABlockedCallAsync();
        List<List<JsonElement>> processing = await Api.QueryAsync(second,
            "SELECT stack_id, CAST(request->>'ClientId' AS INTEGER) FROM InfoService_GetInfo WHERE processing = 'true'");
        int blockedClient = Assert.Single(processing)[1].GetInt32();
        Assert.InRange(blockedClient, 0, 99);

        // 4. The stack running ProcessClient, found by a function filter, and the client state it holds.
        await Api.PutSpecAsync("""
            functions:
              - function: SlowRpc.Server.InfoService.GetInfo
                capture: [request, cs, { expr: cs.Mu.Processing, column: processing }]
              - function: SlowRpc.Server.BackgroundProcessor.ProcessClient
                capture: [cs]
                columns:
                  - { name: last_background_service_time, sql: "cs->'Mu.LastBackgroundServiceStart'", type: TimestampNanos }
            """);
        (string third, _, _) = await SnapshotWithABlockedCallAsync();
        JsonElement groups = await Api.GetJsonAsync($"/api/snapshots/{third}/stacks?contains=ProcessClient");
        JsonElement processor = Assert.Single(groups.EnumerateArray());
        Assert.Equal(["background-processor"], processor.GetProperty("thread_names").EnumerateArray().Select(t => t.GetString()));
        long processorStack = Assert.Single(processor.GetProperty("stack_ids").EnumerateArray()).GetInt64();
        List<List<JsonElement>> held = await Api.QueryAsync(third,
            "SELECT CAST(p.cs->>'ClientId' AS INTEGER), epoch_ms(pr.captured_at) - epoch_ms(p.last_background_service_time) " +
            $"FROM BackgroundProcessor_ProcessClient p JOIN processes pr USING (pid) WHERE p.stack_id = {processorStack}");
        int processedClient = Assert.Single(held)[0].GetInt32();
        Assert.InRange(held[0][1].GetDouble(), 0, HoldMs + 1000); // it took the lock within the last hold
        List<List<JsonElement>> stuck = await Api.QueryAsync(third,
            "SELECT stack_id, CAST(request->>'ClientId' AS INTEGER) FROM InfoService_GetInfo WHERE processing = 'true'");
        Assert.Equal(processedClient, Assert.Single(stuck)[1].GetInt32());
        long stuckHandler = stuck[0][0].GetInt64();

        // 5. Link the handler to the processing by the client state's address: it resolves in the snapshot taken before the link.
        await Api.PutSpecAsync("""
            functions:
              - function: SlowRpc.Server.InfoService.GetInfo
                capture: [request, cs, { expr: cs.Mu.Processing, column: processing }]
                columns:
                  - { name: cs_addr, sql: "raw_cs->'__addr'", visible: false }
              - function: SlowRpc.Server.BackgroundProcessor.ProcessClient
                capture: [cs]
                columns:
                  - { name: last_background_service_time, sql: "cs->'Mu.LastBackgroundServiceStart'", type: TimestampNanos }
                  - { name: cs_addr, sql: "raw_cs->'__addr'", visible: false }
            links:
              - note: handler blocked by background processing
                from: { table: InfoService_GetInfo, columns: [cs_addr] }
                to:   { table: BackgroundProcessor_ProcessClient, columns: [cs_addr] }
            """);
        JsonElement linked = await FollowAsync(third, "InfoService_GetInfo", stuckHandler, "BackgroundProcessor_ProcessClient");
        Assert.Equal(processorStack, linked.GetProperty("stack_id").GetInt64());
        string address = (await Api.QueryAsync(third, $"SELECT CAST(cs_addr AS VARCHAR) FROM InfoService_GetInfo WHERE stack_id = {stuckHandler}")).Single()[0].GetString()!;
        Assert.Equal(address, linked.GetProperty("cs_addr").ToString());
        Assert.StartsWith("\"0x", address);
    }

    /// <summary>
    /// POST /api/snapshots for both processes; the server stack waiting longest (the stacks view's longest-wait link).
    /// An instant just after the background processor moved on to the next client has that client's call only just
    /// queued (a wait like the others'), and the call it released still the longest wait (its request started a hold
    /// ago) while it finishes its own work (in Task.Delay, on a loaded machine for a while); and a snapshot whose two
    /// processes were cloned at instants apart (one cloned again) may hold the server's side of a call only: such a
    /// snapshot is set aside and another taken, five at most.
    /// </summary>
    private async Task<(string Id, long HandlerStack, double WaitMs)> SnapshotWithABlockedCallAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            int status;
            JsonElement taken;
            try
            {
                (status, taken) = await Api.PostJsonAsync("/api/snapshots", new { pids = new[] { _serverPid, _clientPid } });
            }
            catch (HttpRequestException e)
            {
                await Task.Delay(500); // time for an exit to be seen
                throw new InvalidOperationException($"POST /api/snapshots failed; the query server is {_server!.State} (its log: {_work}/serve.log, kept with SIDEYE_KEEP_E2E=1)", e);
            }
            Assert.True(status == 201, $"POST /api/snapshots: {status} {taken}");
            Assert.Equal(0, taken.GetProperty("errors").GetArrayLength());
            string id = taken.GetProperty("snapshot").GetProperty("id").GetString()!;
            JsonElement groups = await Api.GetJsonAsync($"/api/snapshots/{id}/stacks?pid={_serverPid}&contains=GetInfo");
            JsonElement longest = groups.EnumerateArray()
                .Where(g => g.GetProperty("longest_wait_ms").ValueKind == JsonValueKind.Number)
                .MaxBy(g => g.GetProperty("longest_wait_ms").GetDouble());
            Assert.True(longest.ValueKind == JsonValueKind.Object, "no server handler has a wait time: " + groups);
            double wait = longest.GetProperty("longest_wait_ms").GetDouble();
            long stack = longest.GetProperty("longest_wait_stack_id").GetInt64();
            string? awaiting = (await Api.QueryAsync(id, $"SELECT awaiting FROM stacks WHERE stack_id = {stack}")).Single()[0].GetString();
            // A process cloned again (its first clone caught a garbage collection) shows a later instant than the other:
            // a call the server has waited on for less than the gap had not started at the client's instant.
            double skewMs = (await Api.QueryAsync(id, "SELECT max(epoch_ms(captured_at)) - min(epoch_ms(captured_at)) FROM processes")).Single()[0].GetDouble();
            if ((wait >= 200 && awaiting == "SemaphoreSlim.WaitAsync" && skewMs < 100) || attempt == 5)
                return (id, stack, wait);
            await Task.Delay(300);
        }
    }

    /// <summary>GET .../links from a table's row on a stack: the single row of <paramref name="toTable"/> it leads to, as column -> value.</summary>
    private async Task<JsonElement> FollowAsync(string snapshot, string table, long stackId, string toTable)
    {
        JsonElement links = await Api.GetJsonAsync($"/api/snapshots/{snapshot}/links?table={table}&stack_id={stackId}");
        JsonElement link = links.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("table").GetString() == toTable);
        JsonElement rows = link.GetProperty("rows");
        string[] columns = [.. rows.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)];
        if (rows.GetProperty("rows").GetArrayLength() != 1)
        {
            // Say what the two sides hold, for a post-mortem: the row followed from and the other table's rows of its process pair.
            string from = JsonSerializer.Serialize(await Api.QueryAsync(snapshot, $"SELECT * FROM {table} WHERE stack_id = {stackId}"));
            string others = JsonSerializer.Serialize(await Api.QueryAsync(snapshot,
                $"SELECT * EXCLUDE (stack_id) FROM {toTable} ORDER BY ALL LIMIT 10"));
            Assert.Fail($"{table} row of stack {stackId} leads to {rows.GetProperty("rows").GetArrayLength()} {toTable} rows; it is {from}; " +
                $"the first of {toTable}: {others}; snapshot {snapshot}");
        }
        JsonElement row = rows.GetProperty("rows")[0];
        var named = new Dictionary<string, JsonElement>();
        for (int i = 0; i < columns.Length; i++)
            named[columns[i]] = row[i];
        return JsonSerializer.SerializeToElement(named);
    }
}
