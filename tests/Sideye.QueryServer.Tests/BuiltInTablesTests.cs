using System.Text.Json;
using Parquet.Serialization;
using Sideye.QueryServer.Tests.Fixtures;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// The built-in tables as the server serves them: the built-in gRPC link across processes, wait times (captured,
/// and derived by a spec's waiting_since column), each stack group's longest wait, <c>builtins: false</c>, and a
/// snapshot written before the built-in tables existed. One server per test (some change the spec).
/// </summary>
public sealed class BuiltInTablesTests : IAsyncLifetime
{
    private const string Id = "20250301-120000-builtin";
    private const string OldId = "20250301-110000-oldsnap";
    private const int Client = 2001, Server = 2002;
    private static readonly DateTime CapturedAt = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _directory = new();
    private RunningServer? _server;

    private RunningServer Api => _server ?? throw new InvalidOperationException("Not started.");

    private string SpecPath => Path.Combine(_directory.Path, "sideye.yaml");

    private const string Spec = """
        functions:
          - function: Demo.Handler.Handle
            capture: [request]
            columns:
              - { name: waiting_since, sql: "request->'SentAtNanos'", type: TimestampNanos }
        """;

    public async Task InitializeAsync()
    {
        string snapshots = Path.Combine(_directory.Path, "snapshots");
        await WriteAsync(snapshots);
        await WriteOldAsync(snapshots);
        await File.WriteAllTextAsync(SpecPath, Spec);
        _server = await RunningServer.StartAsync(snapshots, o => o with { SpecPath = SpecPath });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_built_in_gRPC_link_leads_from_a_client_call_to_the_server_handler_in_the_other_process()
    {
        JsonElement links = await Api.GetJsonAsync($"/api/snapshots/{Id}/links?table=grpc_client_calls&stack_id=2");

        JsonElement grpc = links.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("table").GetString() == "grpc_server_calls");
        Assert.Equal(["stream_id", "local_endpoint", "remote_endpoint"], grpc.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        JsonElement rows = grpc.GetProperty("rows");
        string[] columns = [.. rows.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)];
        JsonElement row = Assert.Single(rows.GetProperty("rows").EnumerateArray());
        Assert.Equal(12, row[Array.IndexOf(columns, "stack_id")].GetInt64()); // the handler of stream 5, not of stream 3
        Assert.Equal(Server, row[Array.IndexOf(columns, "pid")].GetInt32());
        Assert.Equal("/demo.Demo/Get", row[Array.IndexOf(columns, "method")].GetString());
    }

    [Fact]
    public async Task A_lock_waiter_links_to_the_lock_and_its_owner()
    {
        JsonElement links = await Api.GetJsonAsync($"/api/snapshots/{Id}/links?table=lock_waiters&stack_id=11");

        JsonElement rows = links.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("table").GetString() == "locks").GetProperty("rows");
        string[] columns = [.. rows.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)];
        JsonElement row = Assert.Single(rows.GetProperty("rows").EnumerateArray());
        Assert.Equal(13, row[Array.IndexOf(columns, "owner_stack_id")].GetInt64());
        Assert.Equal("monitor", row[Array.IndexOf(columns, "kind")].GetString());
    }

    [Fact]
    public async Task Captured_waits_stay_and_the_spec_derives_the_others_from_the_program_s_own_timestamp()
    {
        JsonElement rows = await Api.RowsAsync(Id, "SELECT stack_id, wait_ms, wait_source FROM stacks WHERE pid = 2002 ORDER BY stack_id");

        // 11: captured by the built-ins (kept, though the spec also derives one); 12: only the spec's; 13: none.
        Assert.Equal("""[[11,250,"gRPC call start"],[12,1500,"spec: Handler_Handle.waiting_since"],[13,null,null]]""", rows.GetRawText());
        JsonElement since = await Api.RowsAsync(Id, "SELECT waiting_since FROM stacks WHERE stack_id = 12");
        Assert.Equal("2025-03-01T11:59:58.5", since[0][0].GetString());
    }

    [Fact]
    public async Task Each_stack_group_names_its_longest_wait()
    {
        JsonElement groups = await Api.GetJsonAsync($"/api/snapshots/{Id}/stacks?pid={Client}");

        JsonElement calls = Assert.Single(groups.EnumerateArray());
        Assert.Equal(2, calls.GetProperty("count").GetInt32());
        Assert.Equal(900.0, calls.GetProperty("longest_wait_ms").GetDouble());
        Assert.Equal(2, calls.GetProperty("longest_wait_stack_id").GetInt64());
    }

    [Fact]
    public async Task The_spec_shows_the_built_in_part_and_builtins_false_switches_it_off()
    {
        JsonElement spec = await Api.GetJsonAsync("/api/spec");
        JsonElement builtIns = spec.GetProperty("built_ins");
        Assert.True(builtIns.GetProperty("enabled").GetBoolean());
        Assert.Equal(SnapshotTables.BuiltIn, builtIns.GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        JsonElement client = builtIns.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "grpc_client_calls");
        Assert.Contains(client.GetProperty("columns").EnumerateArray(), c => c.GetProperty("name").GetString() == "stream_id" && c.GetProperty("type").GetString() == "INTEGER");
        Assert.Contains(builtIns.GetProperty("links").EnumerateArray(), l => l.GetProperty("from").GetProperty("table").GetString() == "grpc_client_calls"
            && l.GetProperty("to").GetProperty("table").GetString() == "grpc_server_calls");

        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/spec") { Content = new StringContent("builtins: false\n" + Spec) };
        using HttpResponseMessage response = await Api.Client.SendAsync(put);
        Assert.Equal(200, (int)response.StatusCode);

        JsonElement off = await Api.GetJsonAsync("/api/spec");
        Assert.False(off.GetProperty("built_ins").GetProperty("enabled").GetBoolean());
        (int status, _) = await GetAsync($"/api/snapshots/{Id}/links?table=grpc_client_calls&stack_id=2");
        Assert.Equal(400, status);
        Assert.Equal("[[null,null]]", (await Api.RowsAsync(Id, "SELECT wait_ms, wait_source FROM stacks WHERE stack_id = 11")).GetRawText());
        JsonElement groups = await Api.GetJsonAsync($"/api/snapshots/{Id}/stacks?pid={Client}");
        Assert.Equal(JsonValueKind.Null, groups[0].GetProperty("longest_wait_ms").ValueKind);
    }

    [Fact]
    public async Task A_snapshot_from_before_the_built_in_tables_reads_them_as_empty()
    {
        Assert.Equal("[[0,0,0,0]]", (await Api.RowsAsync(OldId, "SELECT (SELECT count(*) FROM grpc_client_calls), (SELECT count(*) FROM locks), (SELECT count(*) FROM deadlocks), (SELECT count(*) FROM method_variables)")).GetRawText());
        Assert.Equal("[[1,null,null]]", (await Api.RowsAsync(OldId, "SELECT stack_id, waiting_since, wait_ms FROM stacks")).GetRawText());
        JsonElement groups = await Api.GetJsonAsync($"/api/snapshots/{OldId}/stacks");
        Assert.Equal(1, groups[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task One_stack_comes_whole_with_its_variables_its_wait_and_where_its_rows_link()
    {
        JsonElement stack = await Api.GetJsonAsync($"/api/snapshots/{Id}/stacks/11");

        Assert.Equal(11, stack.GetProperty("stack_id").GetInt64());
        Assert.Equal(250, Cell(stack.GetProperty("stack"), 0, "wait_ms").GetDouble());
        JsonElement variable = Assert.Single(Cell(stack.GetProperty("frames"), 0, "variables").EnumerateArray());
        Assert.Equal("request", variable.GetProperty("column").GetString());
        // The value is the captured JSON itself, not a string holding it (a UI walks it as a tree).
        Assert.Equal(JsonValueKind.Object, variable.GetProperty("value").ValueKind);
        Assert.Equal("Demo.Handler.Handle", Cell(stack.GetProperty("frames"), 0, "method").GetString());
        JsonElement[] tables = [.. stack.GetProperty("row_links").EnumerateArray()];
        Assert.Equal(["grpc_server_calls", "lock_waiters"], tables.Select(t => t.GetProperty("table").GetString()).Order());
        JsonElement toClient = tables.Single(t => t.GetProperty("table").GetString() == "grpc_server_calls").GetProperty("links").EnumerateArray()
            .Single(l => l.GetProperty("table").GetString() == "grpc_client_calls").GetProperty("rows");
        Assert.Equal(1, Cell(toClient, 0, "stack_id").GetInt64()); // stream 3's caller

        using HttpResponseMessage missing = await Api.Client.GetAsync($"/api/snapshots/{Id}/stacks/999");
        Assert.Equal(404, (int)missing.StatusCode);
    }

    [Fact]
    public async Task Search_finds_a_value_in_captured_data_and_in_method_names()
    {
        JsonElement found = await Api.GetJsonAsync($"/api/snapshots/{Id}/search?text=sentatnanos");
        // In the captured column and in its raw companion, on both handlers.
        Assert.Equal([(11L, "raw_request"), (11L, "request"), (12L, "raw_request"), (12L, "request")],
            found.GetProperty("rows").EnumerateArray().Select(r => (r[1].GetInt64(), r[4].GetString()!)));
        Assert.All(found.GetProperty("rows").EnumerateArray(), r => Assert.Equal("Handler_Handle", r[0].GetString()));

        Assert.Equal("[[4]]", (await Api.RowsAsync(Id, "SELECT count(*) FROM all_captured_data WHERE column_name IN ('request', 'raw_request') AND column_name = \"column\"")).GetRawText());

        JsonElement methods = await Api.GetJsonAsync($"/api/snapshots/{Id}/search?text=Worker.Run");
        JsonElement row = Assert.Single(methods.GetProperty("rows").EnumerateArray());
        Assert.Equal(("frames", 13L), (row[0].GetString(), row[1].GetInt64()));

        using HttpResponseMessage empty = await Api.Client.GetAsync($"/api/snapshots/{Id}/search?text=%20");
        Assert.Equal(400, (int)empty.StatusCode);
    }

    [Fact]
    public async Task Tables_are_listed_with_row_counts_and_paged_without_SQL()
    {
        JsonElement tables = await Api.GetJsonAsync($"/api/snapshots/{Id}/tables");
        JsonElement handler = tables.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Handler_Handle");
        Assert.Equal(("function", 2L), (handler.GetProperty("kind").GetString(), handler.GetProperty("rows").GetInt64()));
        Assert.False(handler.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "raw_request").GetProperty("visible").GetBoolean());
        Assert.Equal(2, tables.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "grpc_server_calls").GetProperty("rows").GetInt64());
        Assert.Contains(tables.EnumerateArray(), t => t.GetProperty("name").GetString() == "all_captured_data");

        JsonElement page = await Api.GetJsonAsync($"/api/snapshots/{Id}/tables/stacks?limit=2&order_by=stack_id&desc=true");
        Assert.Equal([13L, 12L], page.GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt64()));
        JsonElement rows = await Api.GetJsonAsync($"/api/snapshots/{Id}/tables/Handler_Handle");
        Assert.DoesNotContain("raw_request", rows.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        JsonElement all = await Api.GetJsonAsync($"/api/snapshots/{Id}/tables/Handler_Handle?hidden=true&offset=1");
        Assert.Contains("raw_request", all.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(12, Assert.Single(all.GetProperty("rows").EnumerateArray())[0].GetInt64());

        Assert.Equal(404, (int)(await Api.Client.GetAsync($"/api/snapshots/{Id}/tables/nope")).StatusCode);
        Assert.Equal(400, (int)(await Api.Client.GetAsync($"/api/snapshots/{Id}/tables/stacks?order_by=nope")).StatusCode);

        JsonElement functions = await Api.GetJsonAsync($"/api/snapshots/{Id}/functions?prefix=handler");
        Assert.Equal("Demo.Handler.Handle", Assert.Single(functions.GetProperty("rows").EnumerateArray())[0].GetString());
        Assert.Equal(2, functions.GetProperty("rows")[0][1].GetInt64());
    }

    [Fact]
    public async Task Two_snapshots_compare_by_stack_shape()
    {
        JsonElement diff = await Api.GetJsonAsync($"/api/diff?from={OldId}&to={Id}&process=Demo.Client");

        var changes = diff.EnumerateArray().Select(c => (c.GetProperty("change").GetString(), c.GetProperty("kind").GetString(),
            c.GetProperty("from_count").GetInt32(), c.GetProperty("to_count").GetInt32())).ToList();
        Assert.Equal([("appeared", "async", 0, 2), ("disappeared", "thread", 1, 0)], changes);
        Assert.Equal(["Demo.Client"], diff[0].GetProperty("processes").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("Demo.Client.Call", diff[0].GetProperty("frames")[0].GetProperty("method").GetString());

        JsonElement same = await Api.GetJsonAsync($"/api/diff?from={Id}&to={Id}");
        Assert.All(same.EnumerateArray(), c => Assert.Equal("same", c.GetProperty("change").GetString()));
        Assert.Equal(400, (int)(await Api.Client.GetAsync($"/api/diff?from={Id}")).StatusCode);
        Assert.Equal(404, (int)(await Api.Client.GetAsync($"/api/diff?from={Id}&to=nope")).StatusCode);
    }

    [Fact]
    public async Task One_query_compares_every_loaded_snapshot()
    {
        using HttpResponseMessage response = await Api.Client.PostAsync("/api/query", new StringContent(
            """{"sql": "SELECT snapshot_id, count(*) FROM stacks GROUP BY ALL ORDER BY 1"}""", System.Text.Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal($"[[\"{OldId}\",1],[\"{Id}\",5]]", JsonDocument.Parse(body).RootElement.GetProperty("rows").GetRawText());

        using HttpResponseMessage spec = await Api.Client.PostAsync("/api/query", new StringContent(
            """{"sql": "SELECT snapshot_id, stack_id, request->>'SentAtNanos' IS NOT NULL FROM Handler_Handle ORDER BY 2"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal($"[[\"{Id}\",11,true],[\"{Id}\",12,true]]", JsonDocument.Parse(await spec.Content.ReadAsStringAsync()).RootElement.GetProperty("rows").GetRawText());
    }

    private static JsonElement Cell(JsonElement result, int row, string column)
    {
        int i = result.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList().IndexOf(column);
        Assert.True(i >= 0, $"no column {column} in {result}");
        return result.GetProperty("rows")[row][i];
    }

    [Fact]
    public void The_spec_compiler_reserves_every_table_a_snapshot_has()
    {
        Assert.All(SnapshotTables.All, t => Assert.Contains(t, TableNames.Reserved));
        Assert.Contains("captured_stacks", TableNames.Reserved);
    }

    private async Task<(int Status, JsonElement Body)> GetAsync(string path)
    {
        using HttpResponseMessage response = await Api.Client.GetAsync(path);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>
    /// A client (stacks 1, 2: two calls on streams 3 and 5, waiting 400 and 900 ms) and a server (11: the handler of
    /// stream 3, waiting on a Monitor held by thread stack 13, its wait captured; 12: the handler of stream 5,
    /// whose wait only the request's own timestamp gives).
    /// </summary>
    private static Task<string> WriteAsync(string parent)
    {
        var manifest = new SnapshotManifest(Id, CapturedAt, "0.1.0", 1, "live",
            [new ManifestProcess(Client, "Demo.Client", null, "10.0.0", 5, 20, []), new ManifestProcess(Server, "Demo.Server", null, "10.0.0", 5, 20, [])],
            [], SnapshotTables.All, null);
        StackRow Async(long id, int pid, double? waitMs, string? source) =>
            new(id, pid, StackKinds.Async, null, null, null, "awaiting", 1, "HTTP/2 response", null,
                waitMs is double w ? CapturedAt.AddMilliseconds(-w) : null, waitMs, source);
        FrameRow Frame(long id, int pid, string method) =>
            new(id, pid, 0, method, "Demo", 4, "Demo.cs", 10, FrameKinds.Async, 0, null, null, null);
        long nanos = (long)(CapturedAt.AddMilliseconds(-1500) - DateTime.UnixEpoch).TotalMilliseconds * 1_000_000;
        var data = new SnapshotData(
            [
                new ProcessRow(Client, "Demo.Client", null, "10.0.0", "live", 5, 20, 0, 2, null, "clone", CapturedAt),
                new ProcessRow(Server, "Demo.Server", null, "10.0.0", "live", 5, 20, 1, 2, null, "clone", CapturedAt),
            ],
            [
                Async(1, Client, 400, "gRPC call start"), Async(2, Client, 900, "gRPC call start"),
                Async(11, Server, 250, "gRPC call start"), Async(12, Server, null, null),
                new StackRow(13, Server, StackKinds.Thread, 77, 5, "worker", "running", 1, null, null),
            ],
            [Frame(1, Client, "Demo.Client.Call"), Frame(2, Client, "Demo.Client.Call"), Frame(11, Server, "Demo.Handler.Handle"),
             Frame(12, Server, "Demo.Handler.Handle"), Frame(13, Server, "Demo.Worker.Run")],
            [
                new CapturedValueRow(11, Server, 0, "Demo.Handler.Handle", "request", $$"""{"SentAtNanos":{{nanos - 10_000_000_000}}}""", null, "Demo.Request", null),
                new CapturedValueRow(12, Server, 0, "Demo.Handler.Handle", "request", $$"""{"SentAtNanos":{{nanos}}}""", null, "Demo.Request", null),
            ])
        {
            BuiltIns = BuiltInTables.Empty with
            {
                GrpcClientCalls =
                [
                    new GrpcClientCallRow(1, Client, "/demo.Demo/Get", 3, "127.0.0.1:40000", "127.0.0.1:5000", null, null, 0x1000),
                    new GrpcClientCallRow(2, Client, "/demo.Demo/Get", 5, "127.0.0.1:40000", "127.0.0.1:5000", null, null, 0x2000),
                ],
                GrpcServerCalls =
                [
                    new GrpcServerCallRow(11, Server, "/demo.Demo/Get", 3, "127.0.0.1:5000", "127.0.0.1:40000", null, 0x3000),
                    new GrpcServerCallRow(12, Server, "/demo.Demo/Get", 5, "127.0.0.1:5000", "127.0.0.1:40000", null, 0x4000),
                ],
                Locks = [new LockRow(Server, 0x5000, LockKinds.Monitor, "Demo.State", 13, 77, 5, null, 1, 1, null, null)],
                LockWaiters = [new LockWaiterRow(Server, 0x5000, 11, "enter")],
            },
        };
        return SnapshotWriter.WriteAsync(parent, manifest, data);
    }

    private sealed record OldStackRow(
        [property: System.Text.Json.Serialization.JsonPropertyName("stack_id")] long StackId,
        [property: System.Text.Json.Serialization.JsonPropertyName("pid")] int Pid,
        [property: System.Text.Json.Serialization.JsonPropertyName("kind")] string Kind,
        [property: System.Text.Json.Serialization.JsonPropertyName("frame_count")] int FrameCount);

    /// <summary>A snapshot as the first schema wrote it: no built-in tables, no method_variables, no wait columns.</summary>
    private static async Task WriteOldAsync(string parent)
    {
        var manifest = new SnapshotManifest(OldId, CapturedAt.AddHours(-1), "0.1.0", 1, "live",
            [new ManifestProcess(Client, "Demo.Client", null, "10.0.0", 5, 20, [])], [], SnapshotTables.Core, null);
        string directory = await SnapshotWriter.WriteAsync(parent, manifest, new SnapshotData(
            [new ProcessRow(Client, "Demo.Client", null, "10.0.0", "live", 5, 20, 1, 0, null)],
            [],
            [new FrameRow(1, Client, 0, "Demo.Client.Call", "Demo", 4, "Demo.cs", 10, FrameKinds.Managed, null, null, null, null)],
            []));
        foreach (string table in SnapshotTables.BuiltIn.Concat(SnapshotTables.Symbols))
            File.Delete(Path.Combine(directory, SnapshotTables.FileName(table)));
        await using FileStream stacks = File.Create(Path.Combine(directory, SnapshotTables.FileName(SnapshotTables.Stacks)));
        await ParquetSerializer.SerializeAsync(new[] { new OldStackRow(1, Client, StackKinds.Thread, 1) }, stacks);
    }
}
