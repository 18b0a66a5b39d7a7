using System.Diagnostics;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// Clone mode when things go wrong: `sideye` or its freezer killed with SIGKILL at each step, a target that exits
/// while its clone is walked, a target whose seccomp filter would kill it on clone(). The target must always run on,
/// untraced, with no child (clone or zombie) left, and what a killed run left is reaped by the next one.
/// Targets: dumps/ticker (prints a tick line every 100 ms) and dumps/seccomp.
/// </summary>
public sealed class CloneFaultTests : IClassFixture<CloneFaultTests.Fixture>
{
    private readonly Fixture _fx;

    public CloneFaultTests(Fixture fx) => _fx = fx;

    [Theory]
    [InlineData("SIDEYE_FREEZER_HOLD", "after-interrupt")] // every thread stopped by the freezer
    [InlineData("SIDEYE_FREEZER_HOLD", "after-clone")]     // the clone made, a thread still running the injected call
    [InlineData("SIDEYE_TEST_HOLD", "walk")]               // the target running again, its clone being walked
    public void Killing_sideye_at_any_step_leaves_the_target_running_with_no_child(string variable, string step)
    {
        using var target = _fx.StartTicker();
        using var snap = HeldSnap.Start(target.Pid, _fx.WorkDir, variable, step);
        int freezer = snap.WaitForHoldAndFindFreezer();
        Kill(snap.Pid);
        AssertGoneSoon(freezer, "the freezer finishes, reaps the clone and exits once its caller is gone");
        target.AssertRunsFreeWithNoChild();
    }

    [Fact]
    public void Killing_the_freezer_while_threads_are_stopped_lets_them_run_and_the_snapshot_falls_back_to_stop_mode()
    {
        using var target = _fx.StartTicker();
        using var snap = HeldSnap.Start(target.Pid, _fx.WorkDir, "SIDEYE_FREEZER_HOLD", "after-interrupt");
        Kill(snap.WaitForHoldAndFindFreezer()); // the kernel detaches the threads; none had been steered yet
        RunResult result = snap.Finish();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("not cloned", result.Stderr, StringComparison.Ordinal);
        target.AssertRunsFreeWithNoChild();
    }

    [Fact]
    public void A_clone_left_by_a_killed_freezer_is_reaped_by_the_next_run()
    {
        using var target = _fx.StartTicker();
        using (var snap = HeldSnap.Start(target.Pid, _fx.WorkDir, "SIDEYE_TEST_HOLD", "walk"))
        {
            Kill(snap.WaitForHoldAndFindFreezer()); // the clone dies with it (PTRACE_O_EXITKILL): a zombie of the target
            snap.Finish();
        }
        Assert.Contains(target.Children(), c => c.State == 'Z');
        RunResult next = Repo.Sideye("snap", "--pid", target.Pid.ToString(), "--out", Path.Combine(_fx.WorkDir, "snapshots"));
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains("reaped 1 clone(s) an earlier run left", next.Stderr, StringComparison.Ordinal);
        target.AssertRunsFreeWithNoChild();
    }

    [Fact]
    public async Task Killing_a_query_server_while_it_captures_itself_leaves_neither_its_clone_nor_the_freezer()
    {
        // The clone is a fork of the server, so it holds the write end of the freezer's stdin: the freezer never sees
        // end of input and must notice its caller's death by itself (it once kept such a clone stopped for hours).
        (QueryServerProcess started, string log) = await StartCapturingServer("self", "SIDEYE_TEST_HOLD", "walk");
        using QueryServerProcess server = started;
        var self = new Target(server.Pid, log, ticks: false);
        Task<(int, System.Text.Json.JsonElement)> capture = server.Api.PostJsonAsync("/api/snapshots", new { pids = new[] { server.Pid } });
        var clock = Stopwatch.StartNew();
        while (!File.ReadAllText(log).Contains("hold walk", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(50);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the server's capture never held at the walk: " + File.ReadAllText(log));
        List<(int Pid, char State)> children = self.Children();
        int clone = Assert.Single(children, c => c.State is 't' or 'T').Pid;
        // The server captures in a `sideye snap` process of its own (crash isolation), whose child the freezer is.
        int capturing = Assert.Single(children, c => File.ReadAllText($"/proc/{c.Pid}/cmdline").Split('\0').Contains("snap")).Pid;
        int freezer = Assert.Single(new Target(capturing, log, ticks: false).Children(), c => File.ReadAllText($"/proc/{c.Pid}/cmdline").Contains("sideye-freezer", StringComparison.Ordinal)).Pid;

        try
        {
            Kill(server.Pid);
            await Assert.ThrowsAnyAsync<Exception>(() => capture);
            AssertGoneSoon(capturing, "the capture process dies with the server");
            AssertGoneSoon(freezer, "the freezer sees its caller gone although the clone holds its input open");
            AssertGoneSoon(clone, "the freezer kills the clone it held when its caller dies");
        }
        finally
        {
            if (Directory.Exists($"/proc/{freezer}"))
                Kill(freezer); // a failed run must not leave them: the clone dies with its tracer (PTRACE_O_EXITKILL)
        }
    }

    [Fact]
    public async Task A_query_server_whose_capture_dies_of_SIGSEGV_stays_up_and_answers_with_the_snapshot_taken_again()
    {
        // In-process, the DAC's null dereference would take the whole server down (and every user's session with it).
        using var target = _fx.StartTicker();
        (QueryServerProcess started, string log) = await StartCapturingServer("crash", "SIDEYE_TEST_CRASH", "walk");
        using QueryServerProcess server = started;
        (int status, JsonElement body) = await server.Api.PostJsonAsync("/api/snapshots", new { pids = new[] { target.Pid } });
        Assert.True(status == 201, $"{status}: {body}\n{File.ReadAllText(log)}");
        Assert.Contains("the capture died of SIGSEGV", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.Equal("running", server.State);
        JsonElement listed = await server.Api.GetJsonAsync("/api/snapshots"); // and serves what it took
        Assert.Contains(body.GetProperty("snapshot").GetProperty("id").GetString()!, listed.ToString(), StringComparison.Ordinal);
        target.AssertRunsFreeWithNoChild();
    }

    [Fact]
    public void A_target_that_exits_while_its_clone_is_walked_is_still_captured_and_nothing_is_left()
    {
        using var target = _fx.StartTicker();
        using var snap = HeldSnap.Start(target.Pid, _fx.WorkDir, "SIDEYE_TEST_HOLD", "walk");
        int freezer = snap.WaitForHoldAndFindFreezer();
        int clone = target.Children().Single().Pid;
        Kill(target.Pid);
        RunResult result = snap.Finish();
        Assert.True(result.ExitCode == 0, result.ToString()); // the clone holds the whole process as it was
        Assert.Contains("Ticker.Parked.WaitAsync", File.ReadAllText(Path.Combine(result.LastLine, "snapshot.json")) + result.Stderr, StringComparison.Ordinal);
        AssertGoneSoon(freezer, "the freezer exits");
        AssertGoneSoon(clone, "the clone is killed (and reaped by init, the dead target's heir)");
    }

    [Fact]
    public void A_walk_that_reads_nothing_is_given_up_and_the_process_is_cloned_again()
    {
        // What a DAC call looping forever looks like from outside (seen on .NET 11.0.0: a lookup in a type table the
        // runtime was growing at the frozen instant): the walk reads nothing more. The hold makes the first walk silent.
        using var target = _fx.StartTicker();
        RunResult snap = Repo.Run(Repo.Launcher, ["snap", "--pid", target.Pid.ToString(), "--out", Path.Combine(_fx.WorkDir, "snapshots")],
            env: new Dictionary<string, string> { ["SIDEYE_TEST_HOLD"] = "walk-silent", ["SIDEYE_STALL_AFTER_MS"] = "1000" });
        Assert.True(snap.ExitCode == 0, snap.ToString());
        Assert.Single(snap.Stderr.Split('\n'), l => l.EndsWith("hold walk-silent", StringComparison.Ordinal));
        string manifest = File.ReadAllText(Path.Combine(snap.LastLine, "snapshot.json"));
        Assert.Contains("its first clone could not be walked (the DAC did not return for 1 s, reading nothing", manifest, StringComparison.Ordinal);
        Assert.Contains("Ticker.Parked.WaitAsync", manifest + snap.Stderr, StringComparison.Ordinal); // the second clone's stacks
        target.AssertRunsFreeWithNoChild(); // both clones reaped
    }

    [Fact]
    public void A_process_whose_every_walk_stalls_is_not_captured_and_runs_on()
    {
        using var target = _fx.StartTicker();
        var clock = Stopwatch.StartNew();
        RunResult snap = Repo.Run(Repo.Launcher, ["snap", "--pid", target.Pid.ToString(), "--out", Path.Combine(_fx.WorkDir, "snapshots")],
            env: new Dictionary<string, string> { ["SIDEYE_TEST_HOLD"] = "walk-silent,walk-silent-again", ["SIDEYE_STALL_AFTER_MS"] = "1000" });
        Assert.True(snap.ExitCode != 0, snap.ToString());
        Assert.Contains($"process {target.Pid} (Ticker): the DAC did not return for 1 s, reading nothing", snap.Stderr, StringComparison.Ordinal);
        Assert.Contains("at 3 instants in a row; the process was not captured (it ran on all along). Snap it again in a moment.", snap.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the walks given up do not hold the run ({clock.Elapsed})");
        target.AssertRunsFreeWithNoChild();
    }

    [Fact]
    public void A_capture_that_dies_of_SIGSEGV_is_taken_again_and_leaves_the_target_running_with_no_child()
    {
        // What the 11.0.0 DAC does on a half-written entry of its method instantiation table: a null dereference,
        // which no managed code can catch. The capture runs in a child of `sideye`; the hook kills its first attempt.
        using var target = _fx.StartTicker();
        RunResult snap = Repo.Run(Repo.Launcher, ["snap", "--pid", target.Pid.ToString(), "--out", Path.Combine(_fx.WorkDir, "snapshots")],
            env: new Dictionary<string, string> { ["SIDEYE_TEST_CRASH"] = "walk" });
        Assert.True(snap.ExitCode == 0, snap.ToString());
        Assert.Contains("crash walk", snap.Stderr, StringComparison.Ordinal);
        Assert.Contains("the capture died of SIGSEGV", snap.Stderr, StringComparison.Ordinal);
        Assert.Contains("Taking the snapshot again at a new instant (2 of 3)", snap.Stderr, StringComparison.Ordinal);
        Assert.Contains("Ticker.Parked.WaitAsync", File.ReadAllText(Path.Combine(snap.LastLine, "snapshot.json")) + snap.Stderr, StringComparison.Ordinal);
        target.AssertRunsFreeWithNoChild(); // the dead attempt's clone reaped by its freezer
    }

    [Fact]
    public void A_dump_whose_walk_reads_nothing_fails_saying_to_take_another_dump()
    {
        using var target = _fx.StartTicker();
        string dump = Path.Combine(_fx.WorkDir, $"ticker-{target.Pid}.dmp");
        RunResult collect = Repo.DotnetDump(["collect", "-p", target.Pid.ToString(), "-o", dump, "--type", "Full"]);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        try
        {
            var clock = Stopwatch.StartNew();
            RunResult snap = Repo.Run(Repo.Launcher, ["snap", "--dump", dump, "--out", Path.Combine(_fx.WorkDir, "snapshots")],
                env: new Dictionary<string, string> { ["SIDEYE_TEST_HOLD"] = "walk-silent", ["SIDEYE_STALL_AFTER_MS"] = "1000" });
            Assert.True(snap.ExitCode == 2, snap.ToString());
            Assert.Contains($"dump {dump}: the DAC did not return for 1 s, reading nothing", snap.Stderr, StringComparison.Ordinal);
            Assert.Contains("every walk of it would stall: take another dump.", snap.Stderr, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"given up at once ({clock.Elapsed})");
        }
        finally
        {
            File.Delete(dump);
        }
    }

    [Fact]
    public void Processes_walked_together_each_load_a_DAC_of_their_own_deleted_afterwards()
    {
        // One loaded DAC is one lock for all its instances: shared, the walks take turns, and one DAC call that never
        // returns holds every other process's walk with it.
        using var first = _fx.StartTicker();
        using var second = _fx.StartTicker();
        using var snap = HeldSnap.Start([first.Pid, second.Pid], _fx.WorkDir, "SIDEYE_TEST_HOLD", "walk");
        int freezer = snap.WaitForHoldAndFindFreezer(holds: 2); // both clones opened (their DACs loaded), neither walked yet
        int capturing = HeldSnap.ParentOf(freezer) ?? throw new InvalidOperationException("the freezer has no parent"); // the capture's process
        string[] dacs = [.. File.ReadAllLines($"/proc/{capturing}/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].EndsWith("/libmscordaccore.so", StringComparison.Ordinal))
            .Select(f => f[5]).Distinct()];
        Assert.Equal(2, dacs.Length);
        Assert.All(dacs, d => Assert.Contains("/sideye-dac-", d, StringComparison.Ordinal));
        RunResult result = snap.Finish();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(dacs, d => Assert.False(File.Exists(d), d + " is deleted after the run"));
    }

    [Theory]
    [InlineData("kill", "KILL_PROCESS")]
    [InlineData("errno", "ERRNO(1)")]
    public void A_target_whose_seccomp_filter_refuses_clone_is_stopped_instead_and_survives(string mode, string action)
    {
        int pid = DetachedTarget.Start(_fx.SeccompDll, Path.Combine(_fx.WorkDir, $"seccomp-{mode}.out"), arguments: $"--refuse-clone {mode} --lifetime-seconds 300");
        using var target = new Target(pid, Path.Combine(_fx.WorkDir, $"seccomp-{mode}.out"), ticks: false);
        RunResult snap = Repo.Sideye("snap", "--pid", pid.ToString(), "--out", Path.Combine(_fx.WorkDir, "snapshots"));
        Assert.True(snap.ExitCode == 0, snap.ToString());
        Assert.Contains($"not cloned (seccomp filter returns {action} for clone())", snap.Stderr, StringComparison.Ordinal);
        string manifest = File.ReadAllText(Path.Combine(snap.LastLine, "snapshot.json"));
        Assert.Contains("seccomp filter returns", manifest, StringComparison.Ordinal);
        Assert.Contains($"SeccompTarget (pid {pid}): ", snap.Stderr, StringComparison.Ordinal);
        Assert.Contains("System.Threading.Thread.Sleep", snap.Stderr, StringComparison.Ordinal); // its 'sleeper' thread
        target.AssertRunsFreeWithNoChild();
    }

    /// <summary>A `sideye serve --allow-capture` with an empty spec, in a folder of its own, with one test variable set.</summary>
    private async Task<(QueryServerProcess Server, string Log)> StartCapturingServer(string name, string variable, string value)
    {
        string dir = Path.Combine(_fx.WorkDir, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(dir, "snapshots"));
        string spec = Path.Combine(dir, "sideye.yaml");
        File.WriteAllText(spec, "functions: []\n");
        string log = Path.Combine(dir, "serve.log");
        QueryServerProcess server = await QueryServerProcess.StartAsync(Path.Combine(dir, "snapshots"), spec, log, expectedSnapshots: 0,
            allowCapture: true, environment: new Dictionary<string, string> { [variable] = value });
        return (server, log);
    }

    private static void Kill(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    private static void AssertGoneSoon(int pid, string what)
    {
        var clock = Stopwatch.StartNew();
        while (Directory.Exists($"/proc/{pid}") && State(pid) is not 'Z' && clock.Elapsed < TimeSpan.FromSeconds(30))
            Thread.Sleep(50);
        Assert.True(!Directory.Exists($"/proc/{pid}") || State(pid) == 'Z', $"{what}: process {pid} is still there");
    }

    internal static char? State(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A `sideye snap` told to hold at a step, whose stderr is watched for the "hold" line.</summary>
    private sealed class HeldSnap : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _stderr = [];
        private readonly List<string> _stdout = [];
        private readonly string _step;

        private HeldSnap(Process process, string step)
        {
            _process = process;
            _step = step;
        }

        public int Pid => _process.Id;

        public static HeldSnap Start(int target, string workDir, string variable, string step) => Start([target], workDir, variable, step);

        public static HeldSnap Start(int[] targets, string workDir, string variable, string step)
        {
            var psi = new ProcessStartInfo(Repo.Launcher) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo.Root };
            foreach (string a in (string[])["snap", .. targets.SelectMany(t => new[] { "--pid", t.ToString() }), "--out", Path.Combine(workDir, "snapshots")])
                psi.ArgumentList.Add(a);
            psi.Environment[variable] = step;
            var snap = new HeldSnap(Process.Start(psi)!, step);
            snap._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (snap._stderr) snap._stderr.Add(e.Data); };
            snap._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (snap._stdout) snap._stdout.Add(e.Data); };
            snap._process.BeginErrorReadLine();
            snap._process.BeginOutputReadLine();
            return snap;
        }

        /// <summary>Waits for <paramref name="holds"/> "hold STEP" lines and returns the pid of the freezer this run started.</summary>
        public int WaitForHoldAndFindFreezer(int holds = 1)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                lock (_stderr)
                {
                    if (_stderr.Count(l => l.EndsWith("hold " + _step, StringComparison.Ordinal)) >= holds)
                        break;
                }
                Assert.False(_process.HasExited, "sideye ended before holding: " + string.Join("\n", _stderr));
                Thread.Sleep(20);
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no hold line: " + string.Join("\n", _stderr));
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid))
                    continue;
                try
                {
                    string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                    string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    // The capture runs in a child of `sideye` (crash isolation), and the freezer is that child's.
                    if (cmdline.Contains("sideye-freezer", StringComparison.Ordinal) && (fields[1] == Pid.ToString() || ParentOf(int.Parse(fields[1])) == Pid))
                        return pid;
                }
                catch (IOException)
                {
                }
            }
            throw new InvalidOperationException("no freezer child of sideye " + Pid);
        }

        public static int? ParentOf(int pid)
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException)
            {
                return null;
            }
        }

        public RunResult Finish()
        {
            Assert.True(_process.WaitForExit(TimeSpan.FromMinutes(2)), "sideye finished");
            _process.WaitForExit();
            lock (_stderr)
                lock (_stdout)
                    return new RunResult(_process.ExitCode, string.Join("\n", _stdout), string.Join("\n", _stderr));
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.Dispose();
        }
    }

    /// <summary>A target started detached; killed on dispose.</summary>
    public sealed class Target(int pid, string output, bool ticks = true) : IDisposable
    {
        public int Pid { get; } = pid;

        public List<(int Pid, char State)> Children()
        {
            var children = new List<(int, char)>();
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int child))
                    continue;
                try
                {
                    string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (fields[1] == Pid.ToString())
                        children.Add((child, fields[0][0]));
                }
                catch (IOException)
                {
                }
            }
            return children;
        }

        /// <summary>Alive, not stopped, not traced, no child (the clone gone, zombie included), and still ticking.</summary>
        public void AssertRunsFreeWithNoChild()
        {
            var clock = Stopwatch.StartNew();
            while (Children().Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
                Thread.Sleep(50);
            Assert.Empty(Children());
            string status = File.ReadAllText($"/proc/{Pid}/status");
            Assert.Contains("TracerPid:\t0\n", status, StringComparison.Ordinal);
            Assert.DoesNotContain("State:\tt", status, StringComparison.Ordinal);
            Assert.DoesNotContain("State:\tT", status, StringComparison.Ordinal);
            if (!ticks)
                return;
            int before = File.ReadAllLines(output).Length;
            Thread.Sleep(400);
            Assert.True(File.ReadAllLines(output).Length > before, "the target still ticks");
        }

        public void Dispose() => DetachedTarget.Kill(Pid);
    }

    public sealed class Fixture : IDisposable
    {
        public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-faults-" + Guid.NewGuid().ToString("N")[..8]);

        public string TickerDll { get; }

        public string SeccompDll { get; }

        private int _started;

        public Fixture()
        {
            Directory.CreateDirectory(WorkDir);
            TickerDll = Build("dumps/ticker/Ticker.csproj", "ticker", "Ticker.dll");
            SeccompDll = Build("dumps/seccomp/SeccompTarget.csproj", "seccomp", "SeccompTarget.dll");
            Assert.True(Repo.Sideye("--help").ExitCode == 0); // built before any test times a run
        }

        public Target StartTicker()
        {
            string output = Path.Combine(WorkDir, $"ticker-{Interlocked.Increment(ref _started)}.out");
            return new Target(DetachedTarget.Start(TickerDll, output), output);
        }

        private string Build(string project, string name, string dll)
        {
            string bin = Path.Combine(WorkDir, name);
            RunResult build = Repo.Run("dotnet", ["build", Path.Combine(Repo.Root, project), "-c", "Release", "-o", bin, "-nologo", "-v", "q"]);
            Assert.True(build.ExitCode == 0, $"build {project}: {build}");
            return Path.Combine(bin, dll);
        }

        public void Dispose() => Repo.DeleteWorkDir(WorkDir);
    }
}
