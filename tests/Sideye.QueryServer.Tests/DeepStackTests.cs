using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// Real thread stacks are often 50+ frames deep (a Kestrel request on a pool thread); the flame graph nests
/// one JSON level pair per frame, past System.Text.Json's default depth limit of 64.
/// </summary>
public sealed class DeepStackTests
{
    [Fact]
    public async Task Flamegraph_and_stacks_serve_a_200_frame_stack()
    {
        using var dir = new TempDirectory();
        const int depth = 200;
        var frames = Enumerable.Range(0, depth)
            .Select(d => new FrameRow(1, 7, d, $"Deep.Recursion.Level{depth - 1 - d}", "Deep.dll", 0, null, null, FrameKinds.Managed, null, null, null, null))
            .ToList();
        var data = new SnapshotData(
            [new ProcessRow(7, "Deep", null, "10.0.0", "live", 1.0, 2.0, 1, 0, null)],
            [new StackRow(1, 7, StackKinds.Thread, 70, 1, "deep", "running", depth, null, null)],
            frames, []);
        var manifest = SlowRpcSnapshot.Manifest("deep", DateTimeOffset.UtcNow) with { Processes = [] };
        await SnapshotWriter.WriteAsync(dir.Path, manifest, data);
        await using RunningServer server = await RunningServer.StartAsync(dir.Path);

        string body = await server.Client.GetStringAsync("/api/snapshots/deep/flamegraph");
        JsonElement node = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 1000 }).RootElement;
        int levels = 0;
        while (node.GetProperty("children").GetArrayLength() > 0)
        {
            node = node.GetProperty("children")[0];
            levels++;
        }
        Assert.Equal(depth + 1, levels); // the process node, then every frame
        Assert.Equal("Deep.Recursion.Level199", node.GetProperty("name").GetString());

        JsonElement groups = await server.GetJsonAsync("/api/snapshots/deep/stacks");
        Assert.Equal(depth, groups[0].GetProperty("frames").GetArrayLength());
    }
}
