using System.Globalization;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/runtime-async-user: a net11.0 target whose own methods are compiled as runtime async, parked in every rooting
/// shape (a plain Task, an await with a token, a value-task source, runtime async three deep, a chain running on a
/// thread, a state machine awaiting runtime async and the reverse). The target prints the truth (each operation's frames
/// as Method:line, lines recorded by the compiler); the snapshot, live and from a dump, must hold exactly that many stacks
/// with exactly those frames. A spec captures runtime-async frames' variables by name, from their continuations: what
/// the JIT saved at the await (values the target set), and NULL with the reason for what it did not.
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

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task A_runtime_async_frames_argument_is_read_from_its_continuation(string source)
    {
        // NestedOuterAsync(i) for i = 0, 1: the innermost returns id after its await, so the JIT saved it.
        List<(string? Value, string? Unavailable)> ids = await _fx.Captured(source, "NestedInnermostAsync", "id");
        Assert.True(ids.All(v => v.Value is not null), string.Join("\n", ids));
        Assert.Equal(["0", "1"], ids.Select(v => v.Value!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task A_field_path_goes_through_a_saved_reference_and_an_argument_dead_after_the_await_says_so(string source)
    {
        // gate.Release() follows the await: gate is saved; the token is not used after it.
        List<(string? Value, string? Unavailable)> counts = await _fx.Captured(source, "AwaitSemaphoreWithTokenAsync", "gate_count");
        Assert.Equal(["0", "0", "0"], counts.Select(v => v.Value ?? v.Unavailable ?? "?"));
        List<(string? Value, string? Unavailable)> gates = await _fx.Captured(source, "AwaitSemaphoreWithTokenAsync", "gate");
        Assert.Equal(3, gates.Count);
        Assert.All(gates, g => Assert.Contains("\"m_currentCount\":0", g.Value ?? g.Unavailable ?? "", StringComparison.Ordinal));
        List<(string? Value, string? Unavailable)> tokens = await _fx.Captured(source, "AwaitSemaphoreWithTokenAsync", "token");
        Assert.Equal(3, tokens.Count);
        Assert.All(tokens, t =>
        {
            Assert.Null(t.Value);
            Assert.Matches(@"^'token' is not saved at suspension point 0 \(IL_[0-9a-f]{4}\): the JIT keeps only the variables live after the await \(saved here: gate\); the continuation holds (.+ 0x[0-9a-f]+, )*System\.Threading\.SemaphoreSlim 0x[0-9a-f]+", t.Unavailable);
        });
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task A_local_not_live_after_the_await_is_null_saying_it_is_not_saved_there(string source)
    {
        // buffer is last used to make the Memory the receive takes: nothing of the method is live after that await.
        List<(string? Value, string? Unavailable)> buffers = await _fx.Captured(source, "ReceiveNeverAnsweredAsync", "buffer");
        Assert.Equal(2, buffers.Count);
        Assert.All(buffers, b =>
        {
            Assert.Null(b.Value);
            Assert.StartsWith("'buffer' is not saved at suspension point 0 (IL_", b.Unavailable, StringComparison.Ordinal);
            Assert.Contains("; the continuation holds ", b.Unavailable, StringComparison.Ordinal); // what can be read, named or not
        });
    }

    [Fact]
    public void Spec_vars_lists_a_runtime_async_methods_arguments_and_locals_and_reads_its_suspended_calls()
    {
        RunResult vars = Repo.Sideye("spec", "vars", Ours + "ReceiveNeverAnsweredAsync", "--pid", _fx.Pid.ToString(CultureInfo.InvariantCulture));
        Assert.True(vars.ExitCode == 0, vars.ToString());
        Assert.Contains("  static runtime-async Task<int> ReceiveNeverAnsweredAsync(Socket socket)", vars.Stdout);
        Assert.Contains("each only at the awaits after which it is live", vars.Stdout);
        Assert.Matches(@"(?m)^    socket\s+System\.Net\.Sockets\.Socket\s+parameter\s+frame; suspended: continuation, at awaits where live\s+whole method$", vars.Stdout);
        Assert.Matches(@"(?m)^    buffer\s+byte\[\]\s+local\s+frame; suspended: continuation, at awaits where live\s+IL_0000\.\.IL_[0-9a-f]{4}$", vars.Stdout);
        Assert.Matches(@"(?m)^  \[async\] 2 async calls awaiting Socket I/O, suspended at suspension point #0 \(IL_[0-9a-f]{4}\), Parked\.cs:30$", vars.Stdout);
        Assert.Matches(@"(?m)^    buffer\s+unavailable in 2 of 2\s+byte\[\]\s+'buffer' is not saved at suspension point 0", vars.Stdout);

        RunResult nested = Repo.Sideye("spec", "vars", Ours + "NestedInnermostAsync", "--pid", _fx.Pid.ToString(CultureInfo.InvariantCulture));
        Assert.True(nested.ExitCode == 0, nested.ToString());
        Assert.Matches(@"(?m)^    id\s+int\s+parameter\s+frame; suspended: continuation, at awaits where live\s+whole method$", nested.Stdout);
        Assert.Matches(@"(?m)^    id\s+available in 2 of 2\s+System\.Int32\s+e\.g\. (0 \| 1|1 \| 0)$", nested.Stdout);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private int _pid;

        /// <summary>The target's process id (it runs until the fixture ends).</summary>
        public int Pid => _pid;

        // Runtime-async frames' variables (the target's values: ids 0 and 1, a SemaphoreSlim never released).
        private const string Spec = """
            functions:
              - function: RuntimeAsyncUser.Parked.NestedInnermostAsync
                capture: [id]
              - function: RuntimeAsyncUser.Parked.AwaitSemaphoreWithTokenAsync
                capture: [gate, token, { expr: gate.m_currentCount, column: gate_count }]
              - function: RuntimeAsyncUser.Parked.ReceiveNeverAnsweredAsync
                capture: [buffer]
            """;

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

            string spec = Path.Combine(WorkDir, "sideye.yaml");
            File.WriteAllText(spec, Spec);
            string snapshots = Path.Combine(WorkDir, "snapshots");
            RunResult live = Repo.Sideye("snap", "--pid", _pid.ToString(CultureInfo.InvariantCulture), "--spec", spec, "--out", snapshots);
            Assert.True(live.ExitCode == 0, "snap: " + live);
            SnapshotIds["live"] = Path.GetFileName(live.LastLine);
            string dump = Path.Combine(WorkDir, "target.core");
            RunResult collect = Repo.DotnetDump(["collect", "-p", _pid.ToString(CultureInfo.InvariantCulture), "--type", "Full", "-o", dump]);
            Assert.True(collect.ExitCode == 0, "collect: " + collect);
            RunResult fromDump = Repo.Sideye("snap", "--dump", dump, "--spec", spec, "--out", snapshots);
            Assert.True(fromDump.ExitCode == 0, "snap --dump: " + fromDump);
            SnapshotIds["dump"] = Path.GetFileName(fromDump.LastLine);

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

        /// <summary>A captured column of every frame of <paramref name="method"/> (of ours): its value (JSON) or why it is NULL, by stack.</summary>
        public async Task<List<(string? Value, string? Unavailable)>> Captured(string source, string method, string column) =>
            (await Server.Api.QueryAsync(SnapshotIds[source],
                $"SELECT value, unavailable FROM captured_values WHERE function = '{Ours}{method}' AND \"column\" = '{column}' ORDER BY stack_id"))
            .Select(r => (Text(r[0]), Text(r[1]))).ToList();

        private static string? Text(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetString();

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
