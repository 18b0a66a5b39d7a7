using System.Globalization;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/runtime-async (net10.0) run on the .NET 11.0.0 runtime (dumps/dotnet11/setup.sh), where the framework's async
/// methods are runtime async, live and from a dump, against the same target on .NET 10 as the truth: a user state machine
/// awaiting <c>semaphore.WaitAsync(token)</c> shows <c>SemaphoreSlim.WaitUntilCountOrTimeoutAsync</c>, read from its
/// suspended Continuation, below the user's frame; <c>Stream.CopyToAsync</c> suspended in a socket read (a value-task
/// source head) and running on a thread (the dispatcher's task) are where 10's state machines were.
/// </summary>
public sealed class RuntimeAsyncTests : IClassFixture<RuntimeAsyncTests.Fixture>
{
    private const string UserMethod = "RuntimeAsyncTarget.Parked.WaitOnSemaphoreWithTokenAsync";
    private const string FrameworkMethod = "System.Threading.SemaphoreSlim.WaitUntilCountOrTimeoutAsync";
    private readonly Fixture _fx;

    public RuntimeAsyncTests(Fixture fx) => _fx = fx;

    [Fact]
    public async Task On_11_the_semaphore_wait_shows_the_runtime_async_frame_under_the_user_frame()
    {
        List<List<JsonElement>> frames = await _fx.StackOf("11-live", UserMethod);
        int framework = frames.FindIndex(f => f[1].GetString() == FrameworkMethod);
        Assert.True(framework >= 0, "no runtime-async frame: " + Describe(frames));
        Assert.Equal("async", frames[framework][3].GetString());
        // The user's frame is the first one above the framework's runtime-async frames, at its await's line.
        int user = frames.FindIndex(f => f[1].GetString() == UserMethod);
        Assert.True(user > framework, Describe(frames));
        Assert.All(frames.Take(user), f => Assert.StartsWith("System.", f[1].GetString(), StringComparison.Ordinal));
        Assert.Equal(_fx.AwaitLine, frames[user][2].GetInt32());
        Assert.Equal("async", frames[user][3].GetString());
    }

    [Fact]
    public async Task On_10_the_same_stack_is_as_before()
    {
        // On 10 the framework's method is a state machine: the same two frames, found as boxes.
        List<List<JsonElement>> frames = await _fx.StackOf("10", UserMethod);
        Assert.Equal([FrameworkMethod, UserMethod], frames.Select(f => f[1].GetString()));
        Assert.All(frames, f => Assert.Equal("async", f[3].GetString()));
        Assert.Equal(_fx.AwaitLine, frames[1][2].GetInt32());
    }

    [Theory]
    [InlineData("RuntimeAsyncTarget.Parked.WaitOnSemaphoreWithTokenAsync", "live")]
    [InlineData("RuntimeAsyncTarget.Parked.WaitOnSemaphoreWithTokenAsync", "dump")]
    [InlineData("RuntimeAsyncTarget.Parked.SleepForeverAsync", "live")]
    [InlineData("RuntimeAsyncTarget.Parked.ReadNeverAnsweredAsync", "live")]
    [InlineData("RuntimeAsyncTarget.Parked.CopyNeverAnsweredAsync", "live")]
    [InlineData("RuntimeAsyncTarget.Parked.CopyNeverAnsweredAsync", "dump")]
    [InlineData("RuntimeAsyncTarget.Parked.CopyIntoBlockingReadAsync", "live")]
    [InlineData("RuntimeAsyncTarget.Parked.CopyIntoBlockingReadAsync", "dump")]
    public async Task On_11_each_parked_stack_is_10s(string method, string source)
    {
        // Frames (method, line, kind) from the first frame of ours or the framework's async code outwards, and what the
        // stack awaits, are the same on both runtimes: 11's runtime-async frames (Stream.CopyToAsync, SemaphoreSlim's
        // wait) stand where 10's state machines stood, a chain running on a thread included. Only the runtime's own await
        // helper (AsyncHelpers.AwaitTaskWithRareOptions: a real suspended frame with no state machine counterpart on 10)
        // and the thread's wait internals (below the target's blocking read) differ.
        (string Kind, string? Awaiting, List<string> Frames) on10 = await _fx.Logical("10", method);
        (string Kind, string? Awaiting, List<string> Frames) on11 = await _fx.Logical("11-" + source, method);
        Assert.Equal(on10.Kind, on11.Kind);
        Assert.Equal(on10.Awaiting, on11.Awaiting);
        Assert.Equal(on10.Frames, on11.Frames);
        Assert.Contains(on11.Frames, f => f.StartsWith(method + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chain_running_on_a_thread_is_that_threads_stack_once()
    {
        // CopyToAsync resumed and blocked in the target's second read: the thread's own frames down to CopyToAsync, then
        // the user's method that awaits it (from the dispatcher's task), and no separate async stack for it.
        foreach (string snapshot in new[] { "11-live", "11-dump" })
        {
            (string kind, _, List<string> frames) = await _fx.Logical(snapshot, "RuntimeAsyncTarget.Parked.CopyIntoBlockingReadAsync");
            Assert.Equal("thread", kind);
            Assert.Equal(["RuntimeAsyncTarget.BlockingSecondRead.ReadAsync:managed", "System.IO.Stream.CopyToAsync.Core:managed",
                $"RuntimeAsyncTarget.Parked.CopyIntoBlockingReadAsync:async"], frames.Select(f => f[..f.IndexOf(':')] + f[f.LastIndexOf(':')..]));
        }
    }

    private static string Describe(List<List<JsonElement>> frames) =>
        string.Join(" <- ", frames.Select(f => $"{f[1].GetString()}:{(f[2].ValueKind == JsonValueKind.Null ? "?" : f[2].GetRawText())} ({f[3].GetString()})"));

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly List<int> _pids = [];

        public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-rtasync-" + Guid.NewGuid().ToString("N")[..8]);
        public Dictionary<string, string> SnapshotIds { get; } = [];
        public int AwaitLine { get; private set; }
        public QueryServerProcess Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(WorkDir);
            string bin = Path.Combine(WorkDir, "bin");
            string project = Path.Combine(Repo.Root, "dumps/runtime-async");
            Repo.BuildTarget(project, "RuntimeAsyncTarget.csproj", bin);
            AwaitLine = File.ReadAllLines(Path.Combine(project, "Parked.cs")).ToList().FindIndex(l => l.Trim() == "await gate.WaitAsync(token);") + 1;
            Assert.True(AwaitLine > 0, "the await line is gone from Parked.cs");
            string root11 = Repo.DotnetRoot11;

            string dll = Path.Combine(bin, "RuntimeAsyncTarget.dll");
            var pids = new Dictionary<string, int>
            {
                ["10"] = Start(dll, "10", "", "dotnet"),
                ["11"] = Start(dll, "11", $"DOTNET_ROOT='{root11}' DOTNET_ROLL_FORWARD=Major", Path.Combine(root11, "dotnet")),
            };
            string spec = Path.Combine(WorkDir, "sideye.yaml");
            File.WriteAllText(spec, "functions: []\n");
            string snapshots = Path.Combine(WorkDir, "snapshots");
            foreach ((string runtime, int pid) in pids)
            {
                RunResult snap = Repo.Sideye("snap", "--pid", pid.ToString(CultureInfo.InvariantCulture), "--out", snapshots);
                Assert.True(snap.ExitCode == 0, $"snap on {runtime}: " + snap);
                SnapshotIds[runtime == "11" ? "11-live" : runtime] = Path.GetFileName(snap.LastLine);
            }
            // The same process on 11 from a core dump: the chains (and the running thread's dispatcher) read from the file.
            string dump = Path.Combine(WorkDir, "target-11.core");
            RunResult collect = Repo.DotnetDump(["collect", "-p", pids["11"].ToString(CultureInfo.InvariantCulture), "--type", "Full", "-o", dump]);
            Assert.True(collect.ExitCode == 0, "collect: " + collect);
            RunResult fromDump = Repo.Sideye("snap", "--dump", dump, "--out", snapshots);
            Assert.True(fromDump.ExitCode == 0, "snap --dump: " + fromDump);
            SnapshotIds["11-dump"] = Path.GetFileName(fromDump.LastLine);
            Server = await QueryServerProcess.StartAsync(snapshots, spec, Path.Combine(WorkDir, "serve.log"), 2);
            // The target really ran on each runtime (roll-forward could have fallen back silently).
            foreach ((string runtime, string id) in SnapshotIds)
            {
                string version = (await Server.Api.QueryAsync(id, "SELECT runtime_version FROM processes"))[0][0].GetString()!;
                Assert.StartsWith(runtime[..2] + ".", version, StringComparison.Ordinal);
            }
        }

        /// <summary>
        /// The one stack holding <paramref name="method"/>: its kind, what it awaits, and its frames as method:line:kind from
        /// the innermost frame of the target's or the framework's async code outwards, without the runtime's await helpers.
        /// </summary>
        public async Task<(string Kind, string? Awaiting, List<string> Frames)> Logical(string snapshot, string method)
        {
            string id = SnapshotIds[snapshot];
            long stackId = Assert.Single(await Server.Api.QueryAsync(id, $"SELECT DISTINCT stack_id FROM frames WHERE method = '{method}'"))[0].GetInt64();
            List<JsonElement> stack = Assert.Single(await Server.Api.QueryAsync(id, $"SELECT kind, awaiting FROM stacks WHERE stack_id = {stackId}"));
            List<List<JsonElement>> frames = await Server.Api.QueryAsync(id,
                $"SELECT method, line, kind FROM frames WHERE stack_id = {stackId} ORDER BY depth");
            var names = frames.Select(f => $"{f[0].GetString()}:{(f[1].ValueKind == JsonValueKind.Null ? "?" : f[1].GetRawText())}:{f[2].GetString()}")
                .Where(f => !f.StartsWith("System.Runtime.CompilerServices.AsyncHelpers.", StringComparison.Ordinal)).ToList();
            // A thread's wait internals differ between runtimes (Monitor.Wait on 10, the wait subsystem on 11): the stack is
            // compared from the target's own blocking frame.
            int first = names.FindIndex(f => f.StartsWith("RuntimeAsyncTarget.", StringComparison.Ordinal));
            int firstAsync = names.FindIndex(f => f.EndsWith(":async", StringComparison.Ordinal));
            int from = stack[0].GetString() == "thread" ? first : Math.Min(first < 0 ? int.MaxValue : first, firstAsync < 0 ? int.MaxValue : firstAsync);
            return (stack[0].GetString()!, stack[1].ValueKind == JsonValueKind.Null ? null : stack[1].GetString(), names.Skip(Math.Max(from, 0)).ToList());
        }

        private int Start(string dll, string runtime, string environment, string dotnet)
        {
            int pid = DetachedTarget.Start(dll, Path.Combine(WorkDir, $"target-{runtime}.out"), environment, dotnet: dotnet);
            _pids.Add(pid);
            return pid;
        }

        /// <summary>The frames (depth, method, line, kind), innermost first, of the one stack holding <paramref name="method"/>.</summary>
        public async Task<List<List<JsonElement>>> StackOf(string runtime, string method)
        {
            List<List<JsonElement>> stacks = await Server.Api.QueryAsync(SnapshotIds[runtime],
                $"SELECT DISTINCT stack_id FROM frames WHERE method = '{method}'");
            long stackId = Assert.Single(stacks)[0].GetInt64();
            return await Server.Api.QueryAsync(SnapshotIds[runtime],
                $"SELECT depth, method, line, kind FROM frames WHERE stack_id = {stackId} ORDER BY depth");
        }

        public Task DisposeAsync()
        {
            Server?.Dispose();
            foreach (int pid in _pids)
                DetachedTarget.Kill(pid);
            Repo.DeleteWorkDir(WorkDir);
            return Task.CompletedTask;
        }
    }
}
