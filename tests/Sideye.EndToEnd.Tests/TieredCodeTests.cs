using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/tiered: a thread parked in a method's tier-1 code, its second code version. Its line and IL offset must
/// be those of the code it runs (SOS's <c>clrstack</c> is the oracle), live and from a dump; ClrMD's own IL map
/// covers the first code version only and put this frame on the method's first line.
/// </summary>
public sealed partial class TieredCodeTests : IClassFixture<TieredCodeTests.Fixture>
{
    private const string Step = "Tiered.Work.Step";
    private readonly Fixture _tiered;

    public TieredCodeTests(Fixture tiered) => _tiered = tiered;

    [Fact]
    public void The_target_really_parked_in_tier_1_code()
    {
        // Without this the other tests would prove nothing: the frame must run a code version other than the first.
        ulong ip = _tiered.StepFrames["dump"].InstructionPointer;
        RunResult ip2md = Repo.DotnetDump(["analyze", _tiered.Dump, "-c", $"ip2md {ip:x}", "-c", "exit"]);
        Assert.Contains("Tiered.Work.Step", ip2md.Stdout);
        Assert.Contains("(OptimizedTier1)", ip2md.Stdout);
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public void The_frame_is_at_the_line_it_runs(string source)
    {
        (long il, int line, _) = _tiered.StepFrames[source];
        Assert.Equal(_tiered.ParkedLine, line);
        Assert.Equal(_tiered.SosLine, line);
        Assert.Equal(_tiered.StepFrames["dump"].ILOffset, il);
        Assert.True(il > 0, $"IL offset {il}: the parked call is past the method's start");
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task Its_variables_are_the_truth_or_null_with_a_reason(string source)
    {
        var rows = await _tiered.Server.Api.QueryAsync(_tiered.SnapshotIds[source],
            $"SELECT \"column\", value, unavailable FROM captured_values WHERE \"function\" = '{Step}' ORDER BY \"column\"");
        var truth = new Dictionary<string, string>
        {
            ["i"] = "0", ["label"] = "\"parked\"", ["n"] = "0", ["tagged"] = "\"parked0\"", ["total"] = "7",
        };
        Assert.Equal(truth.Keys.Order(StringComparer.Ordinal), rows.Select(r => r[0].GetString()!));
        foreach (List<JsonElement> row in rows)
        {
            string column = row[0].GetString()!;
            if (row[1].ValueKind != JsonValueKind.Null)
            {
                Assert.Equal(truth[column], row[1].ValueKind == JsonValueKind.String ? row[1].GetString() : row[1].GetRawText());
                continue;
            }
            // Tier-1 code may keep a value only in a register the native transition below does not restore, or drop
            // it: NULL, with why. But the loop's locals are in scope at the parked line, which only the right IL offset shows.
            string reason = row[2].GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(reason), $"{column} is NULL without a reason");
            Assert.DoesNotContain("not in scope", reason, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"Tiered\.Work\.Step\(Int32, System\.String\) \[.*Program\.cs @ (\d+)\]")]
    private static partial Regex SosStepLine();

    public sealed class Fixture : IAsyncLifetime
    {
        private int _pid;

        public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-tiered-" + Guid.NewGuid().ToString("N")[..8]);
        public string Dump => Path.Combine(WorkDir, "tiered.core");
        public Dictionary<string, string> SnapshotIds { get; } = [];
        public Dictionary<string, (long ILOffset, int Line, ulong InstructionPointer)> StepFrames { get; } = [];
        public int ParkedLine { get; private set; }
        public int SosLine { get; private set; }
        public QueryServerProcess Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(WorkDir);
            string bin = Path.Combine(WorkDir, "bin");
            string project = Path.Combine(Repo.Root, "dumps/tiered");
            Repo.BuildTarget(project, "Tiered.csproj", bin);
            ParkedLine = File.ReadAllLines(Path.Combine(project, "Program.cs")).ToList().FindIndex(l => l.TrimEnd().EndsWith("; // PARKED", StringComparison.Ordinal)) + 1;
            // No instrumented tier between tier 0 and tier 1, and promotion right after 30 calls (not after a quiet
            // 100 ms, which a busy machine can keep postponing): the parked call runs plain tier-1 code.
            _pid = DetachedTarget.Start(Path.Combine(bin, "Tiered.dll"), Path.Combine(WorkDir, "tiered.out"), "DOTNET_TieredPGO=0 DOTNET_TC_CallCountingDelayMs=0");

            string spec = Path.Combine(WorkDir, "sideye.yaml");
            File.Copy(Path.Combine(project, "sideye.yaml"), spec);
            string snapshots = Path.Combine(WorkDir, "snapshots");
            RunResult live = Repo.Sideye("snap", "--pid", _pid.ToString(CultureInfo.InvariantCulture), "--spec", spec, "--out", snapshots);
            Assert.True(live.ExitCode == 0, "snap: " + live);
            SnapshotIds["live"] = Path.GetFileName(live.LastLine);

            RunResult collect = Repo.DotnetDump(["collect", "-p", _pid.ToString(CultureInfo.InvariantCulture), "--type", "Full", "-o", Dump]);
            Assert.True(collect.ExitCode == 0, "collect: " + collect);
            RunResult fromDump = Repo.Sideye("snap", "--dump", Dump, "--spec", spec, "--out", snapshots);
            Assert.True(fromDump.ExitCode == 0, "snap --dump: " + fromDump);
            SnapshotIds["dump"] = Path.GetFileName(fromDump.LastLine);

            RunResult clrstack = Repo.DotnetDump(["analyze", Dump, "-c", "clrstack -all", "-c", "exit"]);
            Match sos = SosStepLine().Match(clrstack.Stdout);
            Assert.True(sos.Success, "SOS clrstack shows no Step frame:\n" + clrstack.Stdout);
            SosLine = int.Parse(sos.Groups[1].Value, CultureInfo.InvariantCulture);

            Server = await QueryServerProcess.StartAsync(snapshots, spec, Path.Combine(WorkDir, "serve.log"), 2);
            foreach ((string source, string id) in SnapshotIds)
            {
                List<JsonElement> row = Assert.Single(await Server.Api.QueryAsync(id,
                    $"SELECT f.il_offset, f.line, f.instruction_pointer FROM stacks s JOIN frames f USING (stack_id) WHERE s.thread_name = 'parked' AND f.method = '{Step}'"));
                StepFrames[source] = (row[0].GetInt64(), row[1].GetInt32(), unchecked((ulong)row[2].GetInt64()));
            }
        }

        public Task DisposeAsync()
        {
            Server?.Dispose();
            if (_pid != 0)
                DetachedTarget.Kill(_pid);
            Repo.DeleteWorkDir(WorkDir);
            return Task.CompletedTask;
        }
    }
}
