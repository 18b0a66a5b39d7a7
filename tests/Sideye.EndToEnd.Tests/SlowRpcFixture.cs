using System.Diagnostics;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// The slow-rpc demo running for real, snapshotted the three ways a user would: live (both processes in
/// one snapshot), a core dump through `./sideye snap --dump`, and the same dump through the dotnet-dump
/// extension; plus `./sideye serve` over all three. Built once for the whole test collection.
/// </summary>
public sealed class SlowRpcFixture : IAsyncLifetime
{
    public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    public string SnapshotsDir => Path.Combine(WorkDir, "snapshots");
    public string ServerDump => Path.Combine(WorkDir, "server.core");
    public int ServerPid { get; private set; }
    public int ClientPid { get; private set; }
    public string LiveId { get; private set; } = "";
    public string DumpId { get; private set; } = "";
    public string ExtensionId { get; private set; } = "";
    public RunResult LiveSnap { get; private set; } = new(0, "", "");
    public QueryClient Api { get; private set; } = null!;
    public string DemoDir => Path.Combine(WorkDir, "demo");

    /// <summary>The walkthrough's spec, copied because the query server versions the spec file it serves.</summary>
    public string SpecPath => Path.Combine(WorkDir, "sideye.yaml");

    private QueryServerProcess? _server;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDir);
        File.Copy(Path.Combine(Repo.Root, "dumps/slow-rpc/sideye.yaml"), SpecPath);
        RunResult help = Repo.Sideye("--help"); // builds on first use
        Assert.True(help.ExitCode == 0, "./sideye --help: " + help);
        RunResult restore = Repo.Run("dotnet", ["tool", "restore"]);
        Assert.True(restore.ExitCode == 0, "dotnet tool restore: " + restore);

        // A 4 s hold: long enough that one handler is always queued behind the background processor,
        // short enough that slow RPCs keep completing (which proves the server still serves after a snapshot).
        RunResult start = Repo.Run(Path.Combine(Repo.Root, "dumps/slow-rpc/start.sh"), [DemoDir, "--hold-ms", "4000", "--wait-slow"]);
        Assert.True(start.ExitCode == 0, "start.sh: " + start);
        ServerPid = int.Parse(File.ReadAllText(Path.Combine(DemoDir, "server.pid")).Trim());
        // Snapshot the demo in its steady state: once one slow RPC has completed, a full hold cycle has
        // passed, the processes are warmed up (JIT tiering) and 100 calls keep cycling through the server.
        string clientLog = Path.Combine(DemoDir, "client.log");
        var steady = Stopwatch.StartNew();
        while (!File.ReadLines(clientLog).Any(l => l.StartsWith("SLOW RPC", StringComparison.Ordinal)))
        {
            Assert.True(steady.Elapsed < TimeSpan.FromSeconds(60), "no slow RPC completed within 60 s: " + File.ReadAllText(clientLog));
            await Task.Delay(200);
        }
        ClientPid = int.Parse(File.ReadAllText(Path.Combine(DemoDir, "client.pid")).Trim());

        // The tests read "99 handlers in the work, one on the lock". On 2 busy cores the instant can also fall while
        // dozens of responses are on their way back (handlers done, the clients' next calls not yet in): a real
        // state, but not the one these tests are about. Such a snapshot is set aside and another taken.
        for (int attempt = 1; ; attempt++)
        {
            string[] snap = ["snap", "--pid", ServerPid.ToString(), "--pid", ClientPid.ToString(), "--spec", SpecPath, "--out", SnapshotsDir];
            string crashDir = Path.Combine(Repo.Root, ".build", "crash");
            Directory.CreateDirectory(crashDir);
            try
            {
                // A crash leaves a core of the snap itself (the runtime's createdump) for the post-mortem below.
                LiveSnap = Repo.Run(Repo.Launcher, snap, timeout: TimeSpan.FromMinutes(2), env: new Dictionary<string, string>
                {
                    ["DOTNET_DbgEnableMiniDump"] = "1",
                    ["DOTNET_DbgMiniDumpType"] = "2",
                    ["DOTNET_DbgMiniDumpName"] = Path.Combine(crashDir, "sideye-snap.%p.core"),
                });
            }
            catch (TimeoutException hung) when (attempt < 3)
            {
                // Once in a CI run (2026-12-06) this snap never returned; it has not been reproduced since. It is killed
                // (the freezer and its clones go with their caller) and taken again, and the hang is kept for a post-mortem
                // in .build/e2e-hangs.log with what the snap printed last. What the tests below check is unchanged.
                File.AppendAllText(Path.Combine(Repo.Root, ".build", "e2e-hangs.log"), $"{DateTime.UtcNow:O} {hung.Message}\n\n");
                continue;
            }
            if (LiveSnap.ExitCode >= 128 && attempt < 3)
            {
                // Three times (2026-12-06, the suite's pass on .NET 11.0.0) this snap died of SIGSEGV: the 11.0.0 DAC
                // dereferencing a half-written entry of the target's method instantiation table at the frozen instant.
                // `sideye snap` now takes such a capture again itself (CrashIsolation); should the whole snap still die,
                // its managed stacks are kept in .build/e2e-hangs.log (test.sh prints it) and the snapshot taken again.
                File.AppendAllText(Path.Combine(Repo.Root, ".build", "e2e-hangs.log"),
                    $"{DateTime.UtcNow:O} live snap exited {LiveSnap.ExitCode}; stderr:\n{LiveSnap.Stderr}\n{CrashStacks(crashDir)}\n");
                continue;
            }
            Assert.True(LiveSnap.ExitCode == 0, "live snap: " + LiveSnap);
            if (HandlersInTheWork(LiveSnap.Stderr) >= 90 || attempt == 3)
                break;
            Directory.Delete(LiveSnap.LastLine, recursive: true);
            await Task.Delay(500);
        }
        LiveId = Path.GetFileName(LiveSnap.LastLine);

        // A dump is an arbitrary instant: one taken in the middle of a garbage collection has a heap that cannot
        // be walked (Sideye warns). These tests are about what a walkable dump shows, so collect again then.
        RunResult dumpSnap = new(1, "", "");
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            File.Delete(ServerDump);
            RunResult collect = Repo.DotnetDump(["collect", "-p", ServerPid.ToString(), "--type", "Full", "-o", ServerDump]);
            Assert.True(collect.ExitCode == 0, "dotnet-dump collect: " + collect);
            dumpSnap = Repo.Sideye("snap", "--dump", ServerDump, "--spec", SpecPath, "--out", SnapshotsDir);
            Assert.True(dumpSnap.ExitCode == 0, "dump snap: " + dumpSnap);
            if (!dumpSnap.Stderr.Contains("heap cannot be walked", StringComparison.Ordinal))
                break;
            Directory.Delete(dumpSnap.LastLine, recursive: true);
        }
        DumpId = Path.GetFileName(dumpSnap.LastLine);

        string ext = Repo.Sideye("ext-path").LastLine;
        string extOut = Path.Combine(WorkDir, "ext");
        RunResult analyze = Repo.DotnetDump(["analyze", ServerDump, "-c", $"sideye snap --spec {SpecPath} --out {extOut}", "-c", "exit"],
            new Dictionary<string, string> { ["DOTNET_DIAGNOSTIC_EXTENSIONS"] = ext });
        string extSnapshot = Directory.GetDirectories(extOut).Single();
        ExtensionId = Path.GetFileName(extSnapshot);
        CopyDirectory(extSnapshot, Path.Combine(SnapshotsDir, ExtensionId));

        _server = await QueryServerProcess.StartAsync(SnapshotsDir, SpecPath, Path.Combine(WorkDir, "serve.log"), expectedSnapshots: 3);
        Api = _server.Api;
    }

    /// <summary>Each core a crashed snap left: SOS's managed stacks of its threads, then the core is removed.</summary>
    private static string CrashStacks(string crashDir)
    {
        var text = new System.Text.StringBuilder();
        foreach (string core in Directory.GetFiles(crashDir, "sideye-snap.*.core"))
        {
            // Every thread: the faulting one is a walker thread, not the core's current thread (a CI run showed only Main).
            RunResult sos = Repo.DotnetDump(["analyze", core, "-c", "clrstack -all", "-c", "exit"]);
            text.AppendLine($"core {Path.GetFileName(core)}, SOS clrstack of every thread:").AppendLine(sos.Stdout);
            File.Delete(core);
        }
        return text.Length == 0 ? "(no core was written)" : text.ToString();
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        Repo.Run(Path.Combine(Repo.Root, "dumps/slow-rpc/stop.sh"), [DemoDir]);
        Repo.DeleteWorkDir(WorkDir);
        return Task.CompletedTask;
    }

    /// <summary>The 1-based line of the first line in a demo source file that contains <paramref name="text"/>.</summary>
    /// <summary>From snap's grouped summary: how many GetInfo calls wait in the simulated work.</summary>
    private static int HandlersInTheWork(string snapStderr) =>
        System.Text.RegularExpressions.Regex.Matches(snapStderr, @"(\d+) x async\s+SlowRpc\.Server\.InfoService\.GetInfo\s+\(awaiting Task\.Delay\)")
            .Sum(m => int.Parse(m.Groups[1].Value));

    public static int LineOf(string relativePath, string text) =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(Repo.Root, relativePath)), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from))
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}

[CollectionDefinition(Name)]
public sealed class SlowRpcCollection : ICollectionFixture<SlowRpcFixture>
{
    public const string Name = "slow-rpc";
}
