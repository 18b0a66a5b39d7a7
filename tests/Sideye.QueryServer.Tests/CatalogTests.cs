using System.Diagnostics;
using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>Loading, watching and skipping snapshot directories; each test runs its own server.</summary>
public sealed class CatalogTests
{
    private static readonly DateTimeOffset Noon = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ASnapshotWrittenWhileRunningIsQueryableWithinTwoSeconds()
    {
        using var directory = new TempDirectory();
        await SlowRpcSnapshot.WriteAsync(directory.Path, "first", Noon);
        await using RunningServer server = await RunningServer.StartAsync(directory.Path);

        var clock = Stopwatch.StartNew();
        await SlowRpcSnapshot.WriteAsync(directory.Path, "second", Noon.AddMinutes(1));
        JsonElement list = await WaitForAsync(server, list => list.GetArrayLength() == 2, TimeSpan.FromSeconds(5));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"appeared after {clock.Elapsed}");
        Assert.Equal("second", list[0].GetProperty("id").GetString());
        JsonElement rows = await server.RowsAsync("second", "SELECT count(*) FROM frames");
        Assert.Equal(403, rows[0][0].GetInt32());
    }

    [Fact]
    public async Task MalformedDirectoriesAreSkippedAndRetriedOnceFixed()
    {
        using var directory = new TempDirectory();
        await SlowRpcSnapshot.WriteAsync(directory.Path, "good", Noon);
        Directory.CreateDirectory(Path.Combine(directory.Path, "bad-manifest"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "bad-manifest", "snapshot.json"), "{ not json");
        string missing = await SlowRpcSnapshot.WriteAsync(directory.Path, "missing-table", Noon);
        File.Delete(Path.Combine(missing, "frames.parquet"));
        string corrupt = await SlowRpcSnapshot.WriteAsync(directory.Path, "corrupt-parquet", Noon);
        await File.WriteAllTextAsync(Path.Combine(corrupt, "stacks.parquet"), "this is not parquet");
        Directory.CreateDirectory(Path.Combine(directory.Path, ".in-progress.tmp"));

        await using RunningServer server = await RunningServer.StartAsync(directory.Path);

        JsonElement list = await server.GetJsonAsync("/api/snapshots");
        Assert.Equal(["good"], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(1, (await server.GetJsonAsync("/api/health")).GetProperty("snapshots").GetInt32());

        // Fixing a skipped directory (its contents change) makes it load on a later scan.
        string good = Path.Combine(directory.Path, "good");
        File.Copy(Path.Combine(good, "frames.parquet"), Path.Combine(missing, "frames.parquet"));
        list = await WaitForAsync(server, l => l.GetArrayLength() == 2, TimeSpan.FromSeconds(5));
        Assert.Contains("missing-table", list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ASnapshotOfANewerSchemaIsRefusedNotMisread()
    {
        using var directory = new TempDirectory();
        string newer = await SlowRpcSnapshot.WriteAsync(directory.Path, "from-the-future", Noon);
        string manifest = Path.Combine(newer, Sideye.Snapshot.SnapshotTables.ManifestFile);
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("\"schema_version\": 1", "\"schema_version\": 99", StringComparison.Ordinal));
        await SlowRpcSnapshot.WriteAsync(directory.Path, "today", Noon);

        await using RunningServer server = await RunningServer.StartAsync(directory.Path);

        JsonElement list = await server.GetJsonAsync("/api/snapshots");
        Assert.Equal(["today"], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Contains("\"schema_version\": 99", await File.ReadAllTextAsync(manifest)); // the edit took
    }

    [Fact]
    public async Task ADeletedSnapshotGoesAway()
    {
        using var directory = new TempDirectory();
        await SlowRpcSnapshot.WriteAsync(directory.Path, "keep", Noon);
        string doomed = await SlowRpcSnapshot.WriteAsync(directory.Path, "doomed", Noon);
        await using RunningServer server = await RunningServer.StartAsync(directory.Path);
        Assert.Equal(2, (await server.GetJsonAsync("/api/snapshots")).GetArrayLength());

        Directory.Delete(doomed, recursive: true);

        await WaitForAsync(server, l => l.GetArrayLength() == 1, TimeSpan.FromSeconds(5));
        (int status, _) = await server.QueryAsync("doomed", "SELECT 1");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task AnEmptyOrMissingFolderServesNothing()
    {
        using var directory = new TempDirectory();
        string notYet = Path.Combine(directory.Path, "not-yet");
        await using RunningServer server = await RunningServer.StartAsync(notYet);

        Assert.Equal(0, (await server.GetJsonAsync("/api/snapshots")).GetArrayLength());
        await SlowRpcSnapshot.WriteAsync(notYet, "late", Noon);
        await WaitForAsync(server, l => l.GetArrayLength() == 1, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AQueryPastTheDeadlineIsCancelledWith504()
    {
        using var directory = new TempDirectory();
        await SlowRpcSnapshot.WriteAsync(directory.Path, "s", Noon);
        await using RunningServer server = await RunningServer.StartAsync(directory.Path,
            o => o with { QueryTimeout = TimeSpan.FromMilliseconds(300) });

        var clock = Stopwatch.StartNew();
        (int status, JsonElement body) = await server.QueryAsync("s",
            "SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b");

        Assert.Equal(504, status);
        Assert.Contains("0.3 s", body.GetProperty("detail").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(1, (await server.RowsAsync("s", "SELECT 1"))[0][0].GetInt32());
    }

    [Fact]
    public async Task TheRowCapIsAnOption()
    {
        using var directory = new TempDirectory();
        await SlowRpcSnapshot.WriteAsync(directory.Path, "s", Noon);
        await using RunningServer server = await RunningServer.StartAsync(directory.Path, o => o with { MaxRows = 5 });

        (int status, JsonElement body) = await server.QueryAsync("s", "SELECT * FROM stacks");

        Assert.Equal(200, status);
        Assert.Equal(5, body.GetProperty("rows").GetArrayLength());
        Assert.True(body.GetProperty("truncated").GetBoolean());
        (_, body) = await server.QueryAsync("s", "SELECT * FROM stacks LIMIT 5");
        Assert.False(body.GetProperty("truncated").GetBoolean());
    }

    private static async Task<JsonElement> WaitForAsync(RunningServer server, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            JsonElement list = await server.GetJsonAsync("/api/snapshots");
            if (condition(list))
                return list;
            Assert.True(clock.Elapsed < timeout, $"the snapshot list never matched: {list}");
            await Task.Delay(50);
        }
    }
}
