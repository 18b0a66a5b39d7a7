using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

[Collection(SlowRpcServerCollection.Name)]
public sealed class StacksApiTests(SlowRpcServer fixture)
{
    private const string Path = $"/api/snapshots/{SlowRpcServer.LatestId}/stacks";
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task GroupsIdenticalStacksLargestFirst()
    {
        JsonElement groups = await Server.GetJsonAsync(Path);

        Assert.Equal([100, 99, 1, 1], groups.EnumerateArray().Select(g => g.GetProperty("count").GetInt32()));
        JsonElement clients = groups[0];
        Assert.Equal("async", clients.GetProperty("kind").GetString());
        Assert.Equal([SlowRpcSnapshot.ClientPid], clients.GetProperty("pids").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal([SlowRpcSnapshot.ClientGetInfo, SlowRpcSnapshot.RunClient],
            clients.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("method").GetString()));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), clients.GetProperty("stack_ids").EnumerateArray().Select(s => s.GetInt64()));

        JsonElement delayed = groups[1];
        Assert.Equal(40, delayed.GetProperty("frames")[0].GetProperty("line").GetInt32());
        Assert.Equal(["System.Threading.Tasks.Task+DelayPromise"], delayed.GetProperty("awaiting").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(0, delayed.GetProperty("thread_names").GetArrayLength());

        // The two groups of one stack are ordered by leaf method: "SlowRpc.Server..." before "System.Threading...".
        JsonElement locked = groups[2];
        Assert.Equal("async", locked.GetProperty("kind").GetString());
        Assert.Equal(SlowRpcSnapshot.GetInfo, locked.GetProperty("frames")[0].GetProperty("method").GetString());
        Assert.Equal(35, locked.GetProperty("frames")[0].GetProperty("line").GetInt32());
        Assert.Equal([SlowRpcSnapshot.LockedStackId], locked.GetProperty("stack_ids").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(["System.Threading.SemaphoreSlim+TaskNode"], locked.GetProperty("awaiting").EnumerateArray().Select(a => a.GetString()));

        JsonElement thread = groups[3];
        Assert.Equal("thread", thread.GetProperty("kind").GetString());
        Assert.Equal(["background-processor"], thread.GetProperty("thread_names").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([SlowRpcSnapshot.Sleep, SlowRpcSnapshot.ProcessClient, SlowRpcSnapshot.BackgroundRun],
            thread.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("method").GetString()));
        Assert.Equal([0, 1, 2], thread.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("depth").GetInt32()));
        JsonElement sleep = thread.GetProperty("frames")[0];
        Assert.Equal(JsonValueKind.Null, sleep.GetProperty("line").ValueKind);
        Assert.Equal(0, sleep.GetProperty("il_offset").GetInt32());
        Assert.Equal("managed", sleep.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task KeysAreStableAndDistinct()
    {
        JsonElement first = await Server.GetJsonAsync(Path);
        JsonElement other = await Server.GetJsonAsync($"/api/snapshots/{SlowRpcServer.OlderId}/stacks");

        string[] keys = [.. first.EnumerateArray().Select(g => g.GetProperty("key").GetString()!)];
        Assert.Equal(4, keys.Distinct().Count());
        Assert.All(keys, k => Assert.Matches("^[0-9a-f]{16}$", k));
        Assert.Equal(keys, other.EnumerateArray().Select(g => g.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task FiltersByPidKindAndMethodText()
    {
        JsonElement server = await Server.GetJsonAsync($"{Path}?pid={SlowRpcSnapshot.ServerPid}");
        JsonElement threads = await Server.GetJsonAsync($"{Path}?kind=thread");
        JsonElement processClient = await Server.GetJsonAsync($"{Path}?contains=processclient");
        JsonElement getInfo = await Server.GetJsonAsync($"{Path}?contains=InfoService.GetInfo&pid={SlowRpcSnapshot.ServerPid}&kind=async");

        Assert.Equal([99, 1, 1], server.EnumerateArray().Select(g => g.GetProperty("count").GetInt32()));
        Assert.Equal([1], threads.EnumerateArray().Select(g => g.GetProperty("count").GetInt32()));
        Assert.Equal([SlowRpcSnapshot.BackgroundStackId], processClient[0].GetProperty("stack_ids").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal([99, 1], getInfo.EnumerateArray().Select(g => g.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task FiltersByProcessNamePrefixAndOneStack()
    {
        JsonElement byName = await Server.GetJsonAsync($"{Path}?process=slowrpc.server");
        JsonElement byPid = await Server.GetJsonAsync($"{Path}?process={SlowRpcSnapshot.ServerPid}");
        JsonElement nobody = await Server.GetJsonAsync($"{Path}?process=NoSuchService");
        // The flame graph's path below the server process: its background thread's root, then ProcessClient.
        JsonElement prefix = await Server.GetJsonAsync($"{Path}?process=SlowRpc.Server&prefix={Uri.EscapeDataString($"{SlowRpcSnapshot.BackgroundRun};{SlowRpcSnapshot.ProcessClient}")}");
        JsonElement handlers = await Server.GetJsonAsync($"{Path}?prefix={Uri.EscapeDataString(SlowRpcSnapshot.HandleCall)}");
        JsonElement tooDeep = await Server.GetJsonAsync($"{Path}?prefix={Uri.EscapeDataString($"{SlowRpcSnapshot.BackgroundRun};{SlowRpcSnapshot.ProcessClient};{SlowRpcSnapshot.Sleep};Extra")}");
        JsonElement one = await Server.GetJsonAsync($"{Path}?stack={SlowRpcSnapshot.LockedStackId}");

        Assert.Equal([99, 1, 1], byName.EnumerateArray().Select(g => g.GetProperty("count").GetInt32()));
        Assert.Equal(byName.GetRawText(), byPid.GetRawText());
        Assert.Equal(0, nobody.GetArrayLength());
        Assert.Equal([SlowRpcSnapshot.BackgroundStackId], Assert.Single(prefix.EnumerateArray()).GetProperty("stack_ids").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal([99, 1], handlers.EnumerateArray().Select(g => g.GetProperty("count").GetInt32()));
        Assert.Equal(0, tooDeep.GetArrayLength());
        Assert.Equal([SlowRpcSnapshot.LockedStackId], Assert.Single(one.EnumerateArray()).GetProperty("stack_ids").EnumerateArray().Select(s => s.GetInt64()));
    }
}
