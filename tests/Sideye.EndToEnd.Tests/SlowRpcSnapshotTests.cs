using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// The walkthrough's first questions, answered from real snapshots of the running demo: where are the
/// 100 clients, what are the server's handlers doing, and who holds the lock.
/// </summary>
[Collection(SlowRpcCollection.Name)]
public sealed class SlowRpcSnapshotTests
{
    private const string GetInfo = "SlowRpc.Server.InfoService.GetInfo";
    private const string InfoServiceFile = "dumps/slow-rpc/Server/InfoService.cs";
    private const string ProcessorFile = "dumps/slow-rpc/Server/BackgroundProcessor.cs";

    private readonly SlowRpcFixture _demo;

    public SlowRpcSnapshotTests(SlowRpcFixture demo) => _demo = demo;

    [Fact]
    public async Task Live_snapshot_holds_both_processes_with_their_pause()
    {
        var rows = await _demo.Api.QueryAsync(_demo.LiveId, "SELECT pid, name, pause_ms FROM processes ORDER BY pid");
        Assert.Equal(new[] { _demo.ServerPid, _demo.ClientPid }.Order(), rows.Select(r => r[0].GetInt32()));
        Assert.All(rows, r => Assert.InRange(r[2].GetDouble(), 0.1, 30_000));
    }

    [Fact]
    public async Task Live_client_has_100_async_stacks_in_the_client_loop()
    {
        // Each logical client exactly once: suspended (an async stack), or, caught running its loop at the instant,
        // stitched to the thread running it (a thread stack whose outer frames are the chain's).
        long n = await _demo.Api.ScalarAsync(_demo.LiveId,
            $"SELECT count(DISTINCT s.stack_id) FROM stacks s JOIN frames f USING (stack_id) WHERE s.pid = {_demo.ClientPid} " +
            "AND f.method = 'SlowRpc.Client.LogicalClient.RunClientAsync'");
        Assert.Equal(100, n);
        long suspended = await _demo.Api.ScalarAsync(_demo.LiveId,
            $"SELECT count(DISTINCT s.stack_id) FROM stacks s JOIN frames f USING (stack_id) WHERE s.pid = {_demo.ClientPid} " +
            "AND s.kind = 'async' AND f.method = 'SlowRpc.Client.LogicalClient.RunClientAsync'");
        Assert.InRange(suspended, 95, 100);
    }

    [Fact]
    public async Task Every_suspended_client_call_reaches_its_HTTP2_stream()
    {
        // On 10 through state machines, on 11 through the framework's runtime-async continuations: the suspended client
        // loop's stack goes down to the HTTP/2 stream the response is awaited on, one stack per client.
        List<List<JsonElement>> rows = await _demo.Api.QueryAsync(_demo.LiveId,
            $"SELECT s.stack_id, s.awaiting, bool_or(f.method LIKE 'System.Net.Http.Http2Connection.Http2Stream.%') FROM stacks s JOIN frames f USING (stack_id) " +
            $"WHERE s.pid = {_demo.ClientPid} AND s.kind = 'async' GROUP BY ALL " +
            "HAVING bool_or(f.method = 'SlowRpc.Client.LogicalClient.RunClientAsync') AND bool_or(f.method LIKE 'Grpc.Net.Client.Internal.GrpcCall%')");
        Assert.InRange(rows.Count, 95, 100);
        // A call caught while its request is still being written awaits that instead: rare, so nearly all wait for the response.
        string stopped = string.Join("; ", rows.Where(r => !r[2].GetBoolean()).Select(r => $"stack {r[0].GetInt64()} awaiting {r[1]}"));
        Assert.True(rows.Count(r => r[2].GetBoolean() && r[1].GetString() == "HTTP/2 response") >= 95, "stacks above the HTTP/2 stream: " + stopped);
        Assert.All(rows, r => Assert.NotEqual(JsonValueKind.Null, r[1].ValueKind));
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    [InlineData("extension")]
    public async Task Server_handlers_group_into_the_10ms_work_and_the_one_waiting_on_the_lock(string which)
    {
        string id = Id(which);
        JsonElement groups = await _demo.Api.GetJsonAsync($"/api/snapshots/{id}/stacks?pid={_demo.ServerPid}&contains=InfoService.GetInfo");
        var handlerGroups = groups.EnumerateArray()
            .Where(g => g.GetProperty("frames").EnumerateArray().Any(f => f.GetProperty("method").GetString() == GetInfo))
            .ToList();

        int lockLine = SlowRpcFixture.LineOf(InfoServiceFile, "Lock.WaitAsync()");
        int workLine = SlowRpcFixture.LineOf(InfoServiceFile, "await Task.Delay(Random.Shared.Next(5, 16));");
        JsonElement waiting = Assert.Single(handlerGroups, g => LeafLine(g) == lockLine);
        Assert.Equal(1, waiting.GetProperty("count").GetInt32());
        Assert.Equal("async", waiting.GetProperty("kind").GetString());
        Assert.Contains("SemaphoreSlim.WaitAsync", waiting.GetProperty("awaiting").EnumerateArray().Select(a => a.GetString()));

        // Every other handler is in the simulated work. A dump is taken at an arbitrary instant, which can
        // fall between calls for all of them; the live snapshot (taken while 100 calls are in flight) has them.
        // (A dump's instant can also catch a handler whose delay just completed, queued or running on a
        // thread at the same line: that is a different stack, so only the suspended ones must group together.)
        var working = handlerGroups.Where(g => LeafLine(g) == workLine && g.GetProperty("kind").GetString() == "async" &&
                                               g.GetProperty("awaiting").EnumerateArray().Any(a => a.GetString() == "Task.Delay")).ToList();
        Assert.True(working.Count <= 1, "the handlers suspended in the work should form one group: " + string.Join(" | ", handlerGroups.Select(g => g.ToString())));
        if (which == "live")
            Assert.Single(working);
        foreach (JsonElement w in working)
        {
            Assert.InRange(w.GetProperty("count").GetInt32(), 1, 99);
            Assert.Contains("Task.Delay", w.GetProperty("awaiting").EnumerateArray().Select(a => a.GetString()));
        }
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    [InlineData("extension")]
    public async Task The_background_thread_is_in_ProcessClient_holding_the_lock(string which)
    {
        int sleepLine = SlowRpcFixture.LineOf(ProcessorFile, "Thread.Sleep(hold)");
        var rows = await _demo.Api.QueryAsync(Id(which),
            "SELECT s.thread_name, f.line, f.file FROM stacks s JOIN frames f USING (stack_id) " +
            $"WHERE s.kind = 'thread' AND s.pid = {_demo.ServerPid} AND f.method = 'SlowRpc.Server.BackgroundProcessor.ProcessClient'");
        List<JsonElement> row = Assert.Single(rows);
        Assert.Equal("background-processor", row[0].GetString());
        Assert.Equal(sleepLine, row[1].GetInt32());
        Assert.EndsWith("BackgroundProcessor.cs", row[2].GetString());
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    [InlineData("extension")]
    public async Task The_variables_of_each_method_with_a_pdb_are_recorded_with_their_hoisting(string which)
    {
        string id = Id(which);
        // dumps/slow-rpc/Server/InfoService.cs: GetInfo(GetInfoRequest request, ServerCallContext context), locals started, cs, numCalls.
        var rows = await _demo.Api.QueryAsync(id,
            $"SELECT name, type, kind, storage, hoisted, capturable, state_machine FROM method_variables WHERE pid = {_demo.ServerPid} AND method = '{GetInfo}' ORDER BY position");
        Dictionary<string, string> byName = rows.ToDictionary(r => r[0].GetString()!, r => string.Join("|", r.Skip(1)));
        Assert.Equal(["this", "request", "context", "started", "cs", "numCalls"], rows.Select(r => r[0].GetString()));
        Assert.Equal("SlowRpc.Protos.GetInfoRequest|parameter|state-machine|True|True|async", byName["request"]);
        Assert.Equal("SlowRpc.Server.ClientState|local|state-machine|True|True|async", byName["cs"]);
        Assert.Equal("long|local|state-machine|True|True|async", byName["numCalls"]);
        // Release hoists only what is used after an await: the call context is not, so a spec cannot capture it.
        Assert.Equal("Grpc.Core.ServerCallContext|parameter|not-hoisted|False|False|async", byName["context"]);

        // A method on a thread, without a state machine; and top-level statements, which frames name Program.Main.
        Assert.Equal("SlowRpc.Server.ClientState|parameter|frame||True|", string.Join("|", (await _demo.Api.QueryAsync(id,
            $"SELECT type, kind, storage, hoisted, capturable, state_machine FROM method_variables WHERE pid = {_demo.ServerPid} AND method = 'SlowRpc.Server.BackgroundProcessor.ProcessClient' AND name = 'cs'")).Single()));
        Assert.Equal("int", (await _demo.Api.QueryAsync(id,
            $"SELECT type FROM method_variables WHERE pid = {_demo.ServerPid} AND method = 'Program.Main' AND name = 'holdMs'")).Single()[0].GetString());
        // Framework methods (no PDB) are not described, and every user method on a stack was.
        Assert.Equal(0, await _demo.Api.ScalarAsync(id, "SELECT count(*) FROM method_variables WHERE module LIKE 'System.%' OR module LIKE 'Grpc.%' OR module LIKE 'Microsoft.%'"));
        Assert.Equal(0, await _demo.Api.ScalarAsync(id,
            "SELECT count(*) FROM (SELECT DISTINCT pid, method FROM frames WHERE file IS NOT NULL AND kind IN ('managed', 'async')) f " +
            "ANTI JOIN method_variables v USING (pid, method)"));
        Assert.Equal(0, await _demo.Api.ScalarAsync(id, "SELECT count(*) FROM processes WHERE warnings LIKE '%method_variables%'"));

        if (which != "live")
            return;
        // The query server's view of it: the spec's table for GetInfo and the columns its variables fill.
        JsonElement variables = await _demo.Api.GetJsonAsync($"/api/snapshots/{id}/variables?function={GetInfo}");
        Assert.Equal("InfoService_GetInfo", variables.GetProperty("table").GetString());
        JsonElement request = variables.GetProperty("variables").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "request");
        Assert.Equal(["request"], request.GetProperty("captured_as").EnumerateArray().Select(c => c.GetString()));
        Assert.True(request.GetProperty("hoisted").GetBoolean());
    }

    [Fact]
    public async Task Frames_are_innermost_first_and_async_frames_name_the_method_the_user_wrote()
    {
        // The runtime's own AsyncStateMachineBox<...>.MoveNext (under a thread caught running a continuation) is
        // a framework method; the state machine it boxes is named as the user's method even there.
        Assert.Equal(0, await _demo.Api.ScalarAsync(_demo.LiveId,
            "SELECT count(*) FROM frames WHERE (method LIKE '%MoveNext%' AND method NOT LIKE 'System.Runtime.CompilerServices.%') OR method LIKE '%<%>d%'"));
        // In every client chain the leaf-most user frame sits below (closer to depth 0 than) the caller Main.
        long inverted = await _demo.Api.ScalarAsync(_demo.LiveId,
            "SELECT count(*) FROM frames a JOIN frames b USING (stack_id) WHERE a.method = 'SlowRpc.Client.LogicalClient.RunClientAsync' " +
            "AND b.method = 'Program.Main' AND a.depth >= b.depth");
        Assert.Equal(0, inverted);
    }

    [Fact]
    public async Task The_server_keeps_serving_after_a_live_snapshot()
    {
        // The hold is 4 s, so a slow RPC completes every 4 s while the server works: a new SLOW RPC line in
        // the client's log after the snapshot proves the server was resumed and serves.
        string log = Path.Combine(_demo.DemoDir, "client.log");
        int before = File.ReadAllLines(log).Count(l => l.StartsWith("SLOW RPC", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        int after = before;
        while (after <= before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            after = File.ReadAllLines(log).Count(l => l.StartsWith("SLOW RPC", StringComparison.Ordinal));
        }
        Assert.True(after > before, "no RPC completed after the snapshot");
        Assert.NotEqual('T', ProcessState(_demo.ServerPid)); // not left stopped
        Assert.NotEqual('t', ProcessState(_demo.ServerPid)); // nor traced
    }

    [Fact]
    public async Task Flamegraph_is_rooted_per_process_and_counts_stacks()
    {
        JsonElement tree = await _demo.Api.GetJsonAsync($"/api/snapshots/{_demo.LiveId}/flamegraph");
        var processes = tree.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal(2, processes.Count);
        Assert.Contains(processes, p => p.GetProperty("name").GetString()!.Contains($"pid {_demo.ServerPid}"));
        Assert.Contains(processes, p => p.GetProperty("name").GetString()!.Contains($"pid {_demo.ClientPid}"));
        long stacks = await _demo.Api.ScalarAsync(_demo.LiveId, "SELECT count(*) FROM stacks");
        Assert.Equal(stacks, tree.GetProperty("value").GetInt64());
        Assert.Equal(stacks, processes.Sum(p => p.GetProperty("value").GetInt64()));
    }

    [Fact]
    public async Task Bad_sql_is_a_400_with_duckdbs_message()
    {
        HttpResponseMessage response = await _demo.Api.PostQueryRawAsync(_demo.LiveId, "SELECT no_such_column FROM stacks");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("no_such_column", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApi_describes_every_endpoint()
    {
        JsonElement doc = await _demo.Api.GetJsonAsync("/swagger/v1/swagger.json");
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/snapshots", paths);
        Assert.Contains("/api/snapshots/{id}/query", paths);
        Assert.Contains("/api/snapshots/{id}/stacks", paths);
        Assert.Contains("/api/snapshots/{id}/flamegraph", paths);
        foreach (JsonProperty path in doc.GetProperty("paths").EnumerateObject())
            foreach (JsonProperty op in path.Value.EnumerateObject())
                Assert.False(string.IsNullOrWhiteSpace(op.Value.TryGetProperty("summary", out var s) ? s.GetString() : null), $"{op.Name} {path.Name} has no summary");
    }

    /// <summary>The live, dump and dotnet-dump captures go through one engine entry point: they agree on the server's runtime version.</summary>
    [Fact]
    public async Task Every_front_end_records_the_same_runtime_version()
    {
        const string sql = "SELECT runtime_version FROM processes WHERE name = 'SlowRpc.Server'";
        string? live = (await _demo.Api.QueryAsync(Id("live"), sql)).Single()[0].GetString();

        Assert.Matches(@"^\d+\.\d+\.\d+", live);
        Assert.Equal(live, (await _demo.Api.QueryAsync(Id("dump"), sql)).Single()[0].GetString());
        Assert.Equal(live, (await _demo.Api.QueryAsync(Id("extension"), sql)).Single()[0].GetString());
    }

    private string Id(string which) => which switch
    {
        "live" => _demo.LiveId,
        "dump" => _demo.DumpId,
        _ => _demo.ExtensionId,
    };

    private static int? LeafLine(JsonElement group)
    {
        JsonElement leaf = group.GetProperty("frames").EnumerateArray().First(f => f.GetProperty("method").GetString() == GetInfo);
        return leaf.GetProperty("line").ValueKind == JsonValueKind.Number ? leaf.GetProperty("line").GetInt32() : null;
    }

    private static char ProcessState(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }
}
