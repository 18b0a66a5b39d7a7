using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

[Collection(SlowRpcServerCollection.Name)]
public sealed class SnapshotsApiTests(SlowRpcServer fixture)
{
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task ListsSnapshotsNewestFirstWithProcesses()
    {
        JsonElement list = await Server.GetJsonAsync("/api/snapshots");

        Assert.Equal([SlowRpcServer.LatestId, SlowRpcServer.OlderId], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        JsonElement latest = list[0];
        Assert.Equal("2025-01-01T12:00:00+00:00", latest.GetProperty("captured_at_utc").GetString());
        Assert.Equal("live", latest.GetProperty("source").GetString());
        JsonElement server = latest.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == SlowRpcSnapshot.ServerPid);
        Assert.Equal(SlowRpcSnapshot.ServerName, server.GetProperty("name").GetString());
        Assert.Equal("10.0.0", server.GetProperty("runtime_version").GetString());
        Assert.Equal(15.0, server.GetProperty("pause_ms").GetDouble());
        Assert.Equal(["processes", "stacks", "frames", "captured_values", "stack_links", "grpc_client_calls", "grpc_server_calls",
            "http_server_requests", "locks", "lock_waiters", "deadlocks", "method_variables"], latest.GetProperty("tables").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, latest.GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public async Task GetsTheManifest()
    {
        JsonElement manifest = await Server.GetJsonAsync($"/api/snapshots/{SlowRpcServer.LatestId}");

        Assert.Equal(SlowRpcServer.LatestId, manifest.GetProperty("id").GetString());
        Assert.Equal(1, manifest.GetProperty("schema_version").GetInt32());
        Assert.Equal("0.1.0", manifest.GetProperty("tool_version").GetString());
        Assert.Equal(2, manifest.GetProperty("processes").GetArrayLength());
    }

    [Fact]
    public async Task UnknownSnapshotIsA404Problem()
    {
        using HttpResponseMessage response = await Server.Client.GetAsync("/api/snapshots/no-such-snapshot");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("no-such-snapshot", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task HealthCountsSnapshots()
    {
        JsonElement health = await Server.GetJsonAsync("/api/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(2, health.GetProperty("snapshots").GetInt32());
    }

    [Fact]
    public async Task Taking_a_snapshot_needs_the_capture_engine_and_says_where_it_is()
    {
        using HttpResponseMessage response = await Server.Client.PostAsJsonAsync("/api/snapshots", new { pids = new[] { 1234 } });

        Assert.Equal(501, (int)response.StatusCode);
        JsonElement problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("sideye serve --allow-capture", problem.GetProperty("detail").GetString());
        using HttpResponseMessage processes = await Server.Client.GetAsync("/api/processes");
        Assert.Equal(501, (int)processes.StatusCode); // command lines can hold secrets: listed only where capture is allowed
    }
}
