using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// `sideye` as a user gets it from the tool package: dumps/pack-tool.sh packs it, `dotnet tool install --tool-path`
/// installs it into an empty folder, and every command runs from a working directory outside the repository, so
/// nothing from the source tree (the launcher, .build/, bin/) can stand in for a file the package lacks. It snapshots
/// dumps/ticker in clone mode (the freezer helper is in the package), serves that snapshot with the web app embedded
/// in the query server, and finds its own dotnet-dump extension.
/// </summary>
[Collection(ToolInstallCollection.Name)]
public sealed class ToolInstallTests(ITestOutputHelper output)
{
    [Fact]
    public async Task InstalledToolSnapsServesAndFindsItsExtension()
    {
        string version = PropsVersion();
        string work = Path.Combine(Path.GetTempPath(), "sideye-toolinstall-" + Guid.NewGuid().ToString("N")[..8]);
        string toolPath = Path.Combine(work, "tools");
        Directory.CreateDirectory(toolPath);
        var clock = Stopwatch.StartNew();
        int targetPid = 0;
        QueryServerProcess? server = null;
        try
        {
            RunResult pack = Repo.Run(Path.Combine(Repo.Root, "dumps", "pack-tool.sh"), [], TimeSpan.FromMinutes(5));
            Assert.True(pack.ExitCode == 0, "pack-tool.sh: " + pack);
            string packages = pack.LastLine;
            Assert.Equal(Path.Combine(Repo.Root, ".build", "packages"), packages);
            // The pointer package and the linux-x64 one it names (a RID-specific tool).
            string pointer = Path.Combine(packages, $"sideye.{version}.nupkg");
            string linux = Path.Combine(packages, $"sideye.linux-x64.{version}.nupkg");
            Assert.True(File.Exists(pointer), pointer);
            Assert.True(File.Exists(linux), linux);
            Log(clock, $"packed: {new FileInfo(pointer).Length / 1024.0:0.0} KB + {new FileInfo(linux).Length / 1048576.0:0.0} MB");

            // Only the package folder as a source: a `sideye` on nuget.org (none today) or a cached copy can't answer.
            string config = Path.Combine(work, "nuget.config");
            File.WriteAllText(config, "<configuration><packageSources><clear /></packageSources></configuration>");
            RunResult install = Repo.Run("dotnet", ["tool", "install", "sideye", "--tool-path", toolPath, "--add-source", packages, "--configfile", config],
                TimeSpan.FromMinutes(2), workingDirectory: work);
            Assert.True(install.ExitCode == 0, "dotnet tool install: " + install);
            string sideye = Path.Combine(toolPath, "sideye");
            Log(clock, "installed");

            // The informational version may carry the commit as SemVer build metadata (+<sha>); the version is the props'.
            RunResult versionRun = Repo.Run(sideye, ["--version"], TimeSpan.FromMinutes(1), workingDirectory: work);
            Assert.True(versionRun.ExitCode == 0, "sideye --version: " + versionRun);
            Assert.Matches($"^{Regex.Escape(version)}(\\+[0-9a-f]{{40}})?$", versionRun.Stdout.Trim());

            RunResult extPath = Repo.Run(sideye, ["ext-path"], TimeSpan.FromMinutes(1), workingDirectory: work);
            Assert.True(extPath.ExitCode == 0, "sideye ext-path: " + extPath);
            string extension = extPath.LastLine;
            Assert.StartsWith(toolPath + "/", extension, StringComparison.Ordinal);
            Assert.EndsWith("/ext/Sideye.DotnetDump.dll", extension, StringComparison.Ordinal);
            Assert.True(File.Exists(extension), extension);
            // Its own dependencies sit beside it: dotnet-dump resolves them from the extension's folder only.
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(extension)!, "Sideye.Capture.dll")), "Sideye.Capture.dll beside the extension");
            RunResult setup = Repo.Run(sideye, ["dotnet-dump-setup"], TimeSpan.FromMinutes(1), workingDirectory: work);
            Assert.True(setup.ExitCode == 0, "sideye dotnet-dump-setup: " + setup);
            Assert.Equal($"export DOTNET_DIAGNOSTIC_EXTENSIONS={extension}", setup.LastLine);

            string tickerBin = Path.Combine(work, "ticker");
            RunResult build = Repo.Run("dotnet", ["build", Path.Combine(Repo.Root, "dumps/ticker/Ticker.csproj"), "-c", "Release", "-o", tickerBin, "-nologo", "-v", "q"]);
            Assert.True(build.ExitCode == 0, "build dumps/ticker: " + build);
            targetPid = DetachedTarget.Start(Path.Combine(tickerBin, "Ticker.dll"), Path.Combine(work, "ticker.out"));
            File.Copy(Path.Combine(Repo.Root, "dumps/ticker/sideye.yaml"), Path.Combine(work, "sideye.yaml"));
            Log(clock, "ticker running");

            // Relative --spec and --out: they resolve against the user's working directory, not the tool's folder.
            // --pause-mode clone whatever SIDEYE_PAUSE_MODE says: a clone needs the freezer, so this proves it was packed.
            RunResult snap = Repo.Run(sideye, ["snap", "--pid", targetPid.ToString(), "--pause-mode", "clone", "--spec", "sideye.yaml", "--out", "snapshots"],
                TimeSpan.FromMinutes(2), workingDirectory: work);
            Assert.True(snap.ExitCode == 0, "sideye snap: " + snap);
            string snapshotDir = snap.LastLine;
            Assert.Equal(Path.Combine(work, "snapshots"), Path.GetDirectoryName(snapshotDir));
            using (JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(snapshotDir, "snapshot.json"))))
                Assert.Equal(version, manifest.RootElement.GetProperty("tool_version").GetString());
            Log(clock, "snapped");

            server = await QueryServerProcess.StartAsync(Path.Combine(work, "snapshots"), Path.Combine(work, "sideye.yaml"),
                Path.Combine(work, "serve.log"), expectedSnapshots: 1, sideye: sideye, workingDirectory: work);
            string id = Path.GetFileName(snapshotDir);
            JsonElement list = await server.Api.GetJsonAsync("/api/snapshots");
            Assert.Equal(new[] { id }, list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));

            Assert.Equal("clone", (await server.Api.QueryAsync(id, $"SELECT pause_mode FROM processes WHERE pid = {targetPid}")).Single().Single().GetString());
            // dumps/ticker parks Parked.WaitAsync(slot: 7) for good, on the heap: one async stack, with its hoisted local.
            Assert.Equal(1, await server.Api.ScalarAsync(id,
                "SELECT count(*) FROM stacks s JOIN frames f USING (stack_id) WHERE s.kind = 'async' AND f.method = 'Ticker.Parked.WaitAsync'"));
            List<JsonElement> parked = (await server.Api.QueryAsync(id, "SELECT slot, twice FROM Parked_WaitAsync")).Single();
            Assert.Equal(new[] { 7, 14 }, parked.Select(v => v.GetInt32()));
            // The thread `ticker` is in Counters.Run.
            Assert.Equal(1, await server.Api.ScalarAsync(id,
                "SELECT count(DISTINCT s.stack_id) FROM stacks s JOIN frames f USING (stack_id) WHERE s.kind = 'thread' AND f.method = 'Ticker.Counters.Run'"));

            // The web app comes from the query server's assembly (embedded), not from any folder on disk.
            using var web = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            using HttpResponseMessage page = await web.GetAsync("/");
            string html = await page.Content.ReadAsStringAsync();
            Assert.True(page.IsSuccessStatusCode, $"GET / answered {(int)page.StatusCode}: {html}");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<title>Sideye</title>", html, StringComparison.Ordinal);
            Assert.Contains("<div id=\"app\"></div>", html, StringComparison.Ordinal);
            string script = Regex.Match(html, "<script type=\"module\"[^>]* src=\"\\./(assets/[^\"]+\\.js)\"").Groups[1].Value;
            Assert.False(script.Length == 0, "no module script in the page: " + html);
            using HttpResponseMessage bundle = await web.GetAsync("/" + script);
            Assert.True(bundle.IsSuccessStatusCode, $"GET /{script} answered {(int)bundle.StatusCode}");
            Assert.Equal("text/javascript", bundle.Content.Headers.ContentType?.MediaType);
            Assert.True((await bundle.Content.ReadAsByteArrayAsync()).Length > 10_000, "the app's bundle is there in full");
            Log(clock, "served");
        }
        finally
        {
            server?.Dispose();
            if (targetPid != 0)
                DetachedTarget.Kill(targetPid);
            Repo.DeleteWorkDir(work);
        }
    }

    /// <summary>The one place the version is set.</summary>
    private static string PropsVersion() =>
        XDocument.Load(Path.Combine(Repo.Root, "Directory.Build.props")).Descendants("Version").Single().Value;

    private void Log(Stopwatch clock, string step) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {step}");
}

/// <summary>
/// Runs alone: the pack compiles the whole CLI (ReadyToRun), which on a 2-core machine would starve the live targets
/// whose timing other end-to-end tests assert on.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ToolInstallCollection
{
    public const string Name = "ToolInstall";
}
