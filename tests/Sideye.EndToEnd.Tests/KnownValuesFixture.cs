namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/known-values in the three builds the acceptance names (Debug; Release; Release with
/// DOTNET_TieredCompilation=0, so frames run fully optimized code), captured with its spec
/// (dumps/known-values/sideye.yaml) live (all three in one snapshot), in both pause modes ("live": cloned, the
/// default; "live-stop": stopped for the whole walk), and from a core dump of each, then served.
/// </summary>
public sealed class KnownValuesFixture : IAsyncLifetime
{
    public static readonly string[] BuildNames = ["debug", "release", "tc0"];

    /// <summary>A Release build whose PDB was not deployed: captured live only, in the same snapshot.</summary>
    public const string NoPdb = "nopdb";

    private readonly Dictionary<string, int> _pids = new();
    private readonly Dictionary<string, string> _dumpIds = new();
    private QueryServerProcess? _server;

    public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-kv-" + Guid.NewGuid().ToString("N")[..8]);
    public string SnapshotsDir => Path.Combine(WorkDir, "snapshots");
    public string LiveId { get; private set; } = "";

    /// <summary>The live snapshot taken with <c>--pause-mode stop</c>.</summary>
    public string LiveStopId { get; private set; } = "";
    public QueryClient Api => _server?.Api ?? throw new InvalidOperationException("not started");

    public int Pid(string build) => _pids[build];

    /// <summary>The snapshot id for a build captured <paramref name="source"/> ("live", "live-stop" or "dump").</summary>
    public string SnapshotId(string build, string source) => source switch
    {
        "live" => LiveId,
        "live-stop" => LiveStopId,
        _ => _dumpIds[build],
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDir);
        string spec = Path.Combine(WorkDir, "sideye.yaml"); // the server versions the spec file it serves
        File.Copy(Path.Combine(Repo.Root, "dumps/known-values/sideye.yaml"), spec);
        Assert.True(Repo.Run("dotnet", ["tool", "restore"]).ExitCode == 0);

        string project = Path.Combine(Repo.Root, "dumps/known-values/KnownValues.csproj");
        foreach (string configuration in new[] { "Debug", "Release" })
        {
            RunResult build = Repo.Run("dotnet", ["build", project, "-c", configuration, "-o", Path.Combine(WorkDir, configuration), "-nologo", "-v", "q"]);
            Assert.True(build.ExitCode == 0, $"build {configuration}: {build}");
        }

        _pids["debug"] = StartTarget("Debug", tieredCompilation: true);
        _pids["release"] = StartTarget("Release", tieredCompilation: true);
        _pids["tc0"] = StartTarget("Release", tieredCompilation: false);
        string noPdb = Path.Combine(WorkDir, "ReleaseNoPdb");
        Directory.CreateDirectory(noPdb);
        foreach (string file in Directory.GetFiles(Path.Combine(WorkDir, "Release")).Where(f => !f.EndsWith(".pdb", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(noPdb, Path.GetFileName(file)));
        _pids[NoPdb] = StartTarget("ReleaseNoPdb", tieredCompilation: true);

        var pidArgs = BuildNames.Append(NoPdb).SelectMany(b => new[] { "--pid", Pid(b).ToString() });
        RunResult live = Repo.Sideye(["snap", .. pidArgs, "--spec", spec, "--out", SnapshotsDir]);
        Assert.True(live.ExitCode == 0, "live snap: " + live);
        LiveId = Path.GetFileName(live.LastLine);
        RunResult liveStop = Repo.Sideye(["snap", .. pidArgs, "--spec", spec, "--out", SnapshotsDir, "--pause-mode", "stop"]);
        Assert.True(liveStop.ExitCode == 0, "live snap, stop mode: " + liveStop);
        LiveStopId = Path.GetFileName(liveStop.LastLine);

        foreach (string build in BuildNames)
        {
            string dump = Path.Combine(WorkDir, build + ".core");
            RunResult collect = Repo.DotnetDump(["collect", "-p", Pid(build).ToString(), "--type", "Full", "-o", dump]);
            Assert.True(collect.ExitCode == 0, $"dotnet-dump collect ({build}): {collect}");
            RunResult snap = Repo.Sideye("snap", "--dump", dump, "--spec", spec, "--out", SnapshotsDir);
            Assert.True(snap.ExitCode == 0, $"dump snap ({build}): {snap}");
            _dumpIds[build] = Path.GetFileName(snap.LastLine);
            File.Delete(dump); // ~200 MB each; the snapshot is what the tests read
        }

        _server = await QueryServerProcess.StartAsync(SnapshotsDir, spec, Path.Combine(WorkDir, "serve.log"), expectedSnapshots: 2 + BuildNames.Length);
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        foreach (int pid in _pids.Values)
            DetachedTarget.Kill(pid);
        Repo.DeleteWorkDir(WorkDir);
        return Task.CompletedTask;
    }

    private int StartTarget(string configuration, bool tieredCompilation) =>
        DetachedTarget.Start(Path.Combine(WorkDir, configuration, "KnownValues.dll"),
            Path.Combine(WorkDir, $"{configuration}-tc{(tieredCompilation ? 1 : 0)}.out"),
            tieredCompilation ? "" : "DOTNET_TieredCompilation=0");
}

[CollectionDefinition(Name)]
public sealed class KnownValuesCollection : ICollectionFixture<KnownValuesFixture>
{
    public const string Name = "known-values";
}
