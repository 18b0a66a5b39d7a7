using System.Globalization;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/runtime-async (net10.0) run on the .NET 11.0.0 runtime (dumps/dotnet11/setup.sh), where the framework's async
/// methods are runtime async: a user state machine awaiting <c>semaphore.WaitAsync(token)</c> must show
/// <c>SemaphoreSlim.WaitUntilCountOrTimeoutAsync</c>, read from its suspended Continuation, below the user's frame. The
/// same target on .NET 10 keeps its stacks as before.
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
        List<List<JsonElement>> frames = await _fx.StackOf("11", UserMethod);
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

    [Fact]
    public async Task On_11_the_stack_is_10s_plus_the_runtime_helper_it_is_suspended_in()
    {
        // The runtime-async chain's innermost continuation is AsyncHelpers' own await (AwaitTaskWithRareOptions, for an
        // await with a token): a real suspended frame, with no state machine counterpart on 10.
        List<string?> on10 = (await _fx.StackOf("10", UserMethod)).Select(f => f[1].GetString()).ToList();
        List<string?> on11 = (await _fx.StackOf("11", UserMethod)).Select(f => f[1].GetString())
            .Where(m => m?.StartsWith("System.Runtime.CompilerServices.AsyncHelpers.", StringComparison.Ordinal) != true).ToList();
        Assert.Equal(on10, on11);
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
            RunResult setup = Repo.Run(Path.Combine(Repo.Root, "dumps/dotnet11/setup.sh"), []);
            Assert.True(setup.ExitCode == 0, "dotnet11/setup.sh: " + setup);
            string root11 = setup.LastLine;

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
                SnapshotIds[runtime] = Path.GetFileName(snap.LastLine);
            }
            Server = await QueryServerProcess.StartAsync(snapshots, spec, Path.Combine(WorkDir, "serve.log"), 2);
            // The target really ran on each runtime (roll-forward could have fallen back silently).
            foreach ((string runtime, string id) in SnapshotIds)
            {
                string version = (await Server.Api.QueryAsync(id, "SELECT runtime_version FROM processes"))[0][0].GetString()!;
                Assert.StartsWith(runtime + ".", version, StringComparison.Ordinal);
            }
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
