using System.Text.Json;

namespace Sideye.EndToEnd.Tests.Browser;

/// <summary>
/// `./sideye serve --allow-capture` over a folder of small snapshots from `sideye generate` (200 stacks each), for
/// browser tests that need no live target; the ticker target is built on first use, for a capture to fail on.
/// </summary>
public sealed class GeneratedSnapshotServer : IAsyncLifetime
{
    public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-webapp-gen-" + Guid.NewGuid().ToString("N")[..8]);

    public string SnapshotsDir => Path.Combine(WorkDir, "snapshots");

    private readonly Lazy<string> _tickerDll;

    public GeneratedSnapshotServer() => _tickerDll = new Lazy<string>(BuildTicker);

    /// <summary>The ticker target, built on first use.</summary>
    public string TickerDll => _tickerDll.Value;

    /// <summary>A snapshot no test deletes.</summary>
    public string Kept { get; private set; } = "";

    public QueryServerProcess Server { get; private set; } = null!;

    public string Url(string hash) => new Uri(Server.BaseAddress, "/" + hash).ToString();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(SnapshotsDir);
        Kept = GenerateSnapshot(seed: 1);
        string spec = Path.Combine(WorkDir, "sideye.yaml");
        File.Copy(Path.Combine(SnapshotsDir, "sideye.yaml"), spec);
        Server = await QueryServerProcess.StartAsync(SnapshotsDir, spec, Path.Combine(WorkDir, "serve.log"), expectedSnapshots: 1, allowCapture: true);
    }

    private string BuildTicker()
    {
        string bin = Path.Combine(WorkDir, "ticker");
        RunResult build = Repo.Run("dotnet", ["build", Path.Combine(Repo.Root, "dumps/ticker/Ticker.csproj"), "-c", "Release", "-o", bin, "-nologo", "-v", "q"]);
        Assert.True(build.ExitCode == 0, "build ticker: " + build);
        return Path.Combine(bin, "Ticker.dll");
    }

    /// <summary>A small synthetic snapshot (200 stacks) in the snapshots folder; its id.</summary>
    public string GenerateSnapshot(int seed)
    {
        RunResult generated = Repo.Sideye("generate", "--stacks", "200", "--frames", "3000", "--captured-rows", "200",
            "--seed", seed.ToString(), "--out", SnapshotsDir);
        Assert.True(generated.ExitCode == 0, "generate: " + generated);
        return Path.GetFileName(generated.Stdout.Trim().Split('\n')[^1].Trim());
    }

    public async Task WaitListedAsync(string id, bool listed)
    {
        for (int i = 0; i < 200; i++)
        {
            JsonElement all = await Server.Api.GetJsonAsync("/api/snapshots");
            if (all.EnumerateArray().Any(s => s.GetProperty("id").GetString() == id) == listed)
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"snapshot {id} was {(listed ? "never listed" : "still listed")} after 20 s");
    }

    public Task DisposeAsync()
    {
        Server?.Dispose();
        Repo.DeleteWorkDir(WorkDir);
        return Task.CompletedTask;
    }
}
