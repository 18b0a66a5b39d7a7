using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

[Collection(SlowRpcServerCollection.Name)]
public sealed class FlamegraphApiTests(SlowRpcServer fixture)
{
    private const string Path = $"/api/snapshots/{SlowRpcServer.LatestId}/flamegraph";
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task MergesStacksUnderOneRootPerProcess()
    {
        JsonElement root = await Server.GetJsonAsync(Path);

        Assert.Equal("all", root.GetProperty("name").GetString());
        Assert.Equal(201, root.GetProperty("value").GetInt32());
        JsonElement[] processes = [.. root.GetProperty("children").EnumerateArray()];
        Assert.Equal(["SlowRpc.Server (pid 1002)", "SlowRpc.Client (pid 1001)"], processes.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal([101, 100], processes.Select(p => p.GetProperty("value").GetInt32()));

        // Server: 100 handlers under HandleCallAsyncCore -> GetInfo, and the background thread's root.
        JsonElement server = processes[0];
        Assert.Equal([SlowRpcSnapshot.HandleCall, SlowRpcSnapshot.BackgroundRun],
            server.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        JsonElement handle = server.GetProperty("children")[0];
        Assert.Equal(100, handle.GetProperty("value").GetInt32());
        JsonElement getInfo = Assert.Single(handle.GetProperty("children").EnumerateArray());
        Assert.Equal(SlowRpcSnapshot.GetInfo, getInfo.GetProperty("name").GetString());
        Assert.Equal(100, getInfo.GetProperty("value").GetInt32()); // lines 35 and 40 merge by method name
        AssertValuesAddUp(root);
    }

    [Fact]
    public async Task CountsAsyncStacksApartFromThreads()
    {
        JsonElement root = await Server.GetJsonAsync(Path);
        JsonElement server = root.GetProperty("children")[0];

        Assert.Equal(200, root.GetProperty("async").GetInt32()); // 100 client calls and 100 handlers; the background thread is not async
        Assert.Equal(100, server.GetProperty("async").GetInt32());
        Assert.Equal(100, server.GetProperty("children")[0].GetProperty("async").GetInt32());
        Assert.Equal(0, server.GetProperty("children")[1].GetProperty("async").GetInt32());
    }

    [Fact]
    public async Task FocusOnAPathBelowAProcess()
    {
        JsonElement root = await Server.GetJsonAsync($"{Path}?process=SlowRpc.Server&prefix={Uri.EscapeDataString($"{SlowRpcSnapshot.HandleCall};{SlowRpcSnapshot.GetInfo}")}");

        Assert.Equal(100, root.GetProperty("value").GetInt32());
        JsonElement process = Assert.Single(root.GetProperty("children").EnumerateArray());
        Assert.Equal(SlowRpcSnapshot.HandleCall, Assert.Single(process.GetProperty("children").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task FiltersApply()
    {
        JsonElement root = await Server.GetJsonAsync($"{Path}?contains=ProcessClient");

        Assert.Equal(1, root.GetProperty("value").GetInt32());
        JsonElement process = Assert.Single(root.GetProperty("children").EnumerateArray());
        Assert.Equal("SlowRpc.Server (pid 1002)", process.GetProperty("name").GetString());
    }

    [Fact]
    public async Task FoldedFormatHasOneLinePerPath()
    {
        using HttpResponseMessage response = await Server.Client.GetAsync($"{Path}?format=folded");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            $"SlowRpc.Server (pid 1002);{SlowRpcSnapshot.HandleCall};{SlowRpcSnapshot.GetInfo} 100",
            $"SlowRpc.Server (pid 1002);{SlowRpcSnapshot.BackgroundRun};{SlowRpcSnapshot.ProcessClient};{SlowRpcSnapshot.Sleep} 1",
            $"SlowRpc.Client (pid 1001);{SlowRpcSnapshot.RunClient};{SlowRpcSnapshot.ClientGetInfo} 100",
        ], lines);
    }

    [Fact]
    public async Task AcceptTextPlainGivesFoldedToo()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Accept.ParseAdd("text/plain");
        using HttpResponseMessage response = await Server.Client.SendAsync(request);

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(" 100\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SpeedscopeFormatIsASpeedscopeFile()
    {
        using HttpResponseMessage response = await Server.Client.GetAsync($"{Path}?format=speedscope");
        JsonElement file = JsonElement.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/speedscope+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", file.GetProperty("$schema").GetString());
        JsonElement[] profiles = [.. file.GetProperty("profiles").EnumerateArray()];
        Assert.Equal(["SlowRpc.Client (pid 1001)", "SlowRpc.Server (pid 1002)"], profiles.Select(p => p.GetProperty("name").GetString()));
        JsonElement server = profiles[1];
        Assert.Equal("sampled", server.GetProperty("type").GetString());
        Assert.Equal(101, server.GetProperty("endValue").GetInt32());
        Assert.Equal(101, server.GetProperty("weights").EnumerateArray().Sum(w => w.GetInt32()));
        // Root first: the first frame of the heaviest sample is HandleCallAsyncCore.
        JsonElement frames = file.GetProperty("shared").GetProperty("frames");
        int rootIndex = server.GetProperty("samples")[0][0].GetInt32();
        Assert.Equal(SlowRpcSnapshot.HandleCall, frames[rootIndex].GetProperty("name").GetString());
    }

    [Fact]
    public async Task UnknownFormatIsA400()
    {
        using HttpResponseMessage response = await Server.Client.GetAsync($"{Path}?format=svg");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static void AssertValuesAddUp(JsonElement node)
    {
        int children = node.GetProperty("children").EnumerateArray().Sum(c => c.GetProperty("value").GetInt32());
        Assert.True(children <= node.GetProperty("value").GetInt32(), $"{node.GetProperty("name")}: children exceed the node");
        int previous = int.MaxValue;
        foreach (JsonElement child in node.GetProperty("children").EnumerateArray())
        {
            int value = child.GetProperty("value").GetInt32();
            Assert.True(value <= previous, "children are sorted by value, largest first");
            previous = value;
            AssertValuesAddUp(child);
        }
    }
}
