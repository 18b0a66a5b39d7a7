namespace Sideye.EndToEnd.Tests;

/// <summary>`sideye ps` and `snap --name` against the running slow-rpc demo.</summary>
[Collection(SlowRpcCollection.Name)]
public sealed class ProcessDiscoveryTests(SlowRpcFixture demo)
{
    [Fact]
    public void Ps_lists_the_demo_with_its_runtime_and_command_line()
    {
        RunResult r = Repo.Sideye("ps");

        Assert.Equal(0, r.ExitCode);
        string server = r.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith($"{demo.ServerPid} ", StringComparison.Ordinal));
        // The runtime the demo runs on (10, or 11.0.0 in the suite's pass on 11, started by that runtime's own host).
        Assert.Matches($@"^\s*\d+\s+SlowRpc\.Server\s+{Repo.TargetRuntime}\.0\.\d+\s+(\S*/)?dotnet .*SlowRpc\.Server\.dll", server);
        Assert.Contains(r.Stdout.Split('\n'), l => l.TrimStart().StartsWith($"{demo.ClientPid} ", StringComparison.Ordinal) && l.Contains("SlowRpc.Client", StringComparison.Ordinal));
    }

    [Fact]
    public void Snap_by_name_takes_the_processes_a_pattern_matches_and_says_what_runs_when_none_does()
    {
        string outDir = Path.Combine(demo.WorkDir, "by-name-" + Guid.NewGuid().ToString("N")[..6]);
        RunResult none = Repo.Sideye("snap", "--name", "SlowRpc.Nope", "--out", outDir);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--name SlowRpc.Nope: matches no .NET process; .NET processes here:", none.Stderr);
        Assert.Contains($"SlowRpc.Server ({demo.ServerPid})", none.Stderr);

        RunResult both = Repo.Sideye("snap", "--name", "slowrpc.*", "--out", outDir);
        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Contains($"process {demo.ServerPid} (SlowRpc.Server): paused", both.Stderr);
        Assert.Contains($"process {demo.ClientPid} (SlowRpc.Client): paused", both.Stderr);
    }
}
