using System.Globalization;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/runtime-async-user: a net11.0 target whose own methods are compiled as runtime async, parked in every rooting
/// shape (a plain Task, an await with a token, a value-task source, runtime async three deep, a chain running on a
/// thread, a state machine awaiting runtime async and the reverse). The target prints the truth (each operation's frames
/// as Method:line, lines recorded by the compiler); the snapshot, live and from a dump, must hold exactly that many stacks
/// with exactly those frames.
/// </summary>
public sealed class RuntimeAsyncUserTests : IClassFixture<RuntimeAsyncUserTests.Fixture>
{
    private const string Ours = "RuntimeAsyncUser.Parked.";
    private readonly Fixture _fx;

    public RuntimeAsyncUserTests(Fixture fx) => _fx = fx;

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task Every_parked_operation_is_one_stack_with_the_true_frames_and_lines(string source)
    {
        List<(string Kind, List<string> Frames)> stacks = await _fx.StacksWithOurFrames(source);
        // As many stacks as operations, and for each distinct truth as many stacks with exactly its frames.
        Assert.Equal(_fx.Truths.Count, stacks.Count);
        foreach (IGrouping<string, (string Shape, List<string> Frames)> truth in _fx.Truths.GroupBy(t => string.Join(" <- ", t.Frames)))
        {
            int found = stacks.Count(s => string.Join(" <- ", s.Frames) == truth.Key);
            Assert.True(truth.Count() == found,
                $"{truth.First().Shape}: {truth.Count()} operation(s) parked at {truth.Key}, {found} stack(s) found; the stacks:\n" +
                string.Join("\n", stacks.Select(s => $"  {s.Kind}: {string.Join(" <- ", s.Frames)}")));
        }
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task The_running_chain_is_its_threads_stack_and_the_suspended_ones_are_async_frames(string source)
    {
        List<(string Kind, List<string> Frames)> stacks = await _fx.StacksWithOurFrames(source);
        List<string> running = _fx.Truths.Single(t => t.Shape == "running").Frames;
        (string kind, List<string> frames) = Assert.Single(stacks, s => s.Frames.SequenceEqual(running));
        Assert.Equal("thread", kind);
        // Every other stack is an async stack (nothing else of ours runs on a thread).
        Assert.All(stacks.Where(s => !s.Frames.SequenceEqual(running)), s => Assert.Equal("async", s.Kind));
        Assert.Equal(running, frames);
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task Each_stack_says_what_it_awaits(string source)
    {
        // The innermost continuation names it: a socket for the value-task source, Task.Delay under the nested calls.
        string id = _fx.SnapshotIds[source];
        Assert.Equal(["Socket I/O", "Socket I/O"], await _fx.AwaitingOf(id, Ours + "ReceiveNeverAnsweredAsync"));
        Assert.Equal(["Task.Delay", "Task.Delay"], await _fx.AwaitingOf(id, Ours + "NestedInnermostAsync"));
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private int _pid;

        public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-rauser-" + Guid.NewGuid().ToString("N")[..8]);
        public Dictionary<string, string> SnapshotIds { get; } = [];

        /// <summary>The target's TRUTH lines: the shape, then the frames innermost first as Method:line.</summary>
        public List<(string Shape, List<string> Frames)> Truths { get; } = [];
        public QueryServerProcess Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(WorkDir);
            string bin = Path.Combine(WorkDir, "bin");
            Repo.BuildTarget(Path.Combine(Repo.Root, "dumps/runtime-async-user"), "RuntimeAsyncUser.csproj", bin);
            string root11 = Repo.DotnetRoot11;
            string output = Path.Combine(WorkDir, "target.out");
            _pid = DetachedTarget.Start(Path.Combine(bin, "RuntimeAsyncUser.dll"), output, $"DOTNET_ROOT='{root11}'", dotnet: Path.Combine(root11, "dotnet"));
            foreach (string line in File.ReadLines(output).Where(l => l.StartsWith("TRUTH ", StringComparison.Ordinal)))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Truths.Add((parts[1], parts[2..].ToList()));
            }
            Assert.True(Truths.Count >= 13, "the target printed too few TRUTH lines:\n" + File.ReadAllText(output));

            string snapshots = Path.Combine(WorkDir, "snapshots");
            RunResult live = Repo.Sideye("snap", "--pid", _pid.ToString(CultureInfo.InvariantCulture), "--out", snapshots);
            Assert.True(live.ExitCode == 0, "snap: " + live);
            SnapshotIds["live"] = Path.GetFileName(live.LastLine);
            string dump = Path.Combine(WorkDir, "target.core");
            RunResult collect = Repo.DotnetDump(["collect", "-p", _pid.ToString(CultureInfo.InvariantCulture), "--type", "Full", "-o", dump]);
            Assert.True(collect.ExitCode == 0, "collect: " + collect);
            RunResult fromDump = Repo.Sideye("snap", "--dump", dump, "--out", snapshots);
            Assert.True(fromDump.ExitCode == 0, "snap --dump: " + fromDump);
            SnapshotIds["dump"] = Path.GetFileName(fromDump.LastLine);

            string spec = Path.Combine(WorkDir, "sideye.yaml");
            File.WriteAllText(spec, "functions: []\n");
            Server = await QueryServerProcess.StartAsync(snapshots, spec, Path.Combine(WorkDir, "serve.log"), 2);
            string version = (await Server.Api.QueryAsync(SnapshotIds["live"], "SELECT runtime_version FROM processes"))[0][0].GetString()!;
            Assert.StartsWith("11.", version, StringComparison.Ordinal);
        }

        /// <summary>Every stack holding a frame of the target's parked methods: its kind and those frames (Method:line), innermost first.</summary>
        public async Task<List<(string Kind, List<string> Frames)>> StacksWithOurFrames(string source)
        {
            List<List<JsonElement>> rows = await Server.Api.QueryAsync(SnapshotIds[source],
                $"SELECT s.stack_id, s.kind, f.method, f.line FROM stacks s JOIN frames f USING (stack_id) " +
                $"WHERE f.method LIKE '{Ours}%' ORDER BY s.stack_id, f.depth");
            return rows.GroupBy(r => r[0].GetInt64())
                .Select(g => (g.First()[1].GetString()!, g.Select(r => $"{r[2].GetString()}:{(r[3].ValueKind == JsonValueKind.Null ? "?" : r[3].GetRawText())}").ToList()))
                .ToList();
        }

        /// <summary>What each stack whose innermost frame of ours is <paramref name="method"/> awaits.</summary>
        public async Task<List<string?>> AwaitingOf(string id, string method) =>
            (await Server.Api.QueryAsync(id,
                $"SELECT s.awaiting FROM stacks s WHERE (SELECT method FROM frames f WHERE f.stack_id = s.stack_id AND f.method LIKE '{Ours}%' ORDER BY depth LIMIT 1) = '{method}' ORDER BY s.stack_id"))
            .Select(r => r[0].ValueKind == JsonValueKind.Null ? null : r[0].GetString()).ToList();

        public Task DisposeAsync()
        {
            Server?.Dispose();
            DetachedTarget.Kill(_pid);
            Repo.DeleteWorkDir(WorkDir);
            return Task.CompletedTask;
        }
    }
}
