using System.Net;
using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// GET /api/snapshots/{id}/source: a frame's lines, only for frames' own files and only under --source-root, links
/// followed before the check (a PDB chose the paths, so a snapshot must not make the server read anything else).
/// </summary>
public sealed class SourceApiTests : IAsyncLifetime
{
    private const string Id = "20250101-140000-source";
    private readonly TempDirectory _directory = new();
    private RunningServer? _withRoot;
    private RunningServer? _withoutRoot;

    private string Root => Path.Combine(_directory.Path, "src");
    private string Inside => Path.Combine(Root, "Shop", "OrderService.cs");
    private string Outside => Path.Combine(_directory.Path, "secret.txt");
    private string LinkOut => Path.Combine(Root, "Linked.cs");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Inside)!);
        await File.WriteAllLinesAsync(Inside, Enumerable.Range(1, 20).Select(i => $"line {i} of the order service"));
        await File.WriteAllTextAsync(Outside, "the server's secret\n");
        File.CreateSymbolicLink(LinkOut, Outside);
        string snapshots = Path.Combine(_directory.Path, "snapshots");
        const int pid = 4004;
        var manifest = new SnapshotManifest(Id, new DateTimeOffset(2025, 1, 1, 14, 0, 0, TimeSpan.Zero), "0.1.0", 1, "live",
            [new ManifestProcess(pid, "Shop", null, "10.0.0", 5, 20, [])], [], SnapshotTables.All, null);
        FrameRow Frame(int depth, string file) => new(1, pid, depth, "Shop.OrderService.Handle" + depth, "Shop", 4, file, 5, FrameKinds.Managed, null, null, null, null);
        var data = new SnapshotData(
            [new ProcessRow(pid, "Shop", null, "10.0.0", "live", 5, 20, 3, 0, null)],
            [new StackRow(1, pid, StackKinds.Thread, 10, 1, "worker", "Handle", 1, null, null)],
            [Frame(0, Inside), Frame(1, Outside), Frame(2, LinkOut), Frame(3, "OrderService.cs")],
            []);
        await SnapshotWriter.WriteAsync(snapshots, manifest, data);
        _withRoot = await RunningServer.StartAsync(snapshots, o => o with { SourceRoots = [Root] });
        _withoutRoot = await RunningServer.StartAsync(snapshots);
    }

    [Fact]
    public async Task A_frames_file_under_a_source_root_gives_the_lines_around_its_line()
    {
        JsonElement source = await _withRoot!.GetJsonAsync(Url(Inside, 5, context: 2));
        Assert.Equal(3, source.GetProperty("first_line").GetInt32());
        Assert.Equal(["line 3 of the order service", "line 4 of the order service", "line 5 of the order service", "line 6 of the order service", "line 7 of the order service"],
            source.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!));
        Assert.True(source.GetProperty("changed_since_capture").GetBoolean()); // written now, the snapshot is from 2025

        JsonElement last = await _withRoot.GetJsonAsync(Url(Inside, 20, context: 5));
        Assert.Equal(15, last.GetProperty("first_line").GetInt32());
        Assert.Equal(6, last.GetProperty("lines").GetArrayLength());
    }

    [Theory]
    [InlineData("outside", HttpStatusCode.Forbidden, "outside the source roots")]
    [InlineData("link", HttpStatusCode.Forbidden, "outside the source roots")]
    [InlineData("relative", HttpStatusCode.NotFound, "not a full path")]
    [InlineData("no-frame", HttpStatusCode.NotFound, "No frame of snapshot")]
    [InlineData("past-end", HttpStatusCode.NotFound, "has 20 lines, not 99")]
    public async Task What_is_not_a_frames_file_under_a_root_is_refused_with_why(string what, HttpStatusCode status, string why)
    {
        string url = what switch
        {
            "outside" => Url(Outside, 1),
            "link" => Url(LinkOut, 1),
            "relative" => Url("OrderService.cs", 1),
            "no-frame" => Url(Path.Combine(Root, "Shop", "Other.cs"), 1),
            _ => Url(Inside, 99),
        };
        using HttpResponseMessage response = await _withRoot!.Client.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(why, body, StringComparison.Ordinal);
        Assert.DoesNotContain("the server's secret", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_started_without_source_roots_shows_no_source_and_says_how()
    {
        using HttpResponseMessage response = await _withoutRoot!.Client.GetAsync(Url(Inside, 5));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("--source-root", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_or_bad_parameters_are_a_400()
    {
        using HttpResponseMessage noLine = await _withRoot!.Client.GetAsync($"/api/snapshots/{Id}/source?file={Uri.EscapeDataString(Inside)}");
        Assert.Equal(HttpStatusCode.BadRequest, noLine.StatusCode);
        using HttpResponseMessage wide = await _withRoot.Client.GetAsync(Url(Inside, 5, context: 51));
        Assert.Equal(HttpStatusCode.BadRequest, wide.StatusCode);
    }

    private static string Url(string file, int line, int? context = null) =>
        $"/api/snapshots/{Id}/source?file={Uri.EscapeDataString(file)}&line={line}" + (context is int c ? $"&context={c}" : "");

    public async Task DisposeAsync()
    {
        if (_withRoot is not null)
            await _withRoot.DisposeAsync();
        if (_withoutRoot is not null)
            await _withoutRoot.DisposeAsync();
        _directory.Dispose();
    }
}
