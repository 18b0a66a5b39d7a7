using System.Diagnostics;

namespace Sideye.EndToEnd.Tests;

/// <summary>Bad targets give a clear error, a non-zero exit, and never take anything down.</summary>
[Collection(SlowRpcCollection.Name)]
public sealed class BadInputTests
{
    private readonly SlowRpcFixture _demo;

    public BadInputTests(SlowRpcFixture demo) => _demo = demo;

    [Fact]
    public void Unknown_pid()
    {
        RunResult r = Repo.Sideye("snap", "--pid", "999999", "--out", Out());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process 999999: no such process", r.Stderr);
    }

    [Fact]
    public void A_pid_that_is_not_dotnet()
    {
        using Process sleep = Process.Start("sleep", "60");
        try
        {
            RunResult r = Repo.Sideye("snap", "--pid", sleep.Id.ToString(), "--out", Out());
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains($"process {sleep.Id} (sleep): is not a .NET process", r.Stderr);
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public void A_bad_pid_next_to_a_good_one_gives_a_partial_snapshot_with_a_warning()
    {
        RunResult r = Repo.Sideye("snap", "--pid", _demo.ServerPid.ToString(), "--pid", "999999", "--out", Out());
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: partial snapshot: process 999999: no such process", r.Stderr);
        string manifest = File.ReadAllText(Path.Combine(r.LastLine, "snapshot.json"));
        Assert.Contains("process 999999: no such process", manifest);
        Assert.Contains($"\"pid\": {_demo.ServerPid}", manifest);
    }

    [Fact]
    public void A_garbage_file()
    {
        string path = Path.Combine(_demo.WorkDir, "garbage.core");
        File.WriteAllBytes(path, Enumerable.Range(0, 100_000).Select(i => unchecked((byte)(i * 31))).ToArray());
        RunResult r = Repo.Sideye("snap", "--dump", path, "--out", Out());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"dump {path}: cannot be read as a core dump", r.Stderr);
    }

    [Fact]
    public void A_truncated_dump()
    {
        string path = Path.Combine(_demo.WorkDir, "truncated.core");
        using (FileStream source = File.OpenRead(_demo.ServerDump))
        using (FileStream target = File.Create(path))
        {
            byte[] buffer = new byte[5_000_000];
            source.ReadExactly(buffer);
            target.Write(buffer);
        }
        RunResult r = Repo.Sideye("snap", "--dump", path, "--out", Out());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("is truncated: it holds 5,000,000 of the", r.Stderr);
    }

    [Fact]
    public void A_dump_without_heap()
    {
        string path = Path.Combine(_demo.WorkDir, "mini.core");
        RunResult collect = Repo.DotnetDump(["collect", "-p", _demo.ServerPid.ToString(), "--type", "Mini", "-o", path]);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        RunResult r = Repo.Sideye("snap", "--dump", path, "--out", Out());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("has no GC heap", r.Stderr);
        Assert.Contains("--type Full", r.Stderr);
    }

    [Fact]
    public void A_failing_extension_command_leaves_dotnet_dump_running()
    {
        string ext = Repo.Sideye("ext-path").LastLine;
        RunResult r = Repo.DotnetDump(["analyze", _demo.ServerDump, "-c", "sideye snap --out /proc/sideye-cannot-write-here", "-c", "sideye help", "-c", "exit"],
            new Dictionary<string, string> { ["DOTNET_DIAGNOSTIC_EXTENSIONS"] = ext });
        string all = r.Stdout + r.Stderr;
        Assert.Contains("sideye:", all);                          // the error was printed ...
        Assert.Contains("sideye snap --out <DIR>", all);          // ... and the next command still ran
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void Snap_without_a_target_explains_the_options()
    {
        RunResult r = Repo.Sideye("snap", "--out", Out());
        Assert.Equal(2, r.ExitCode); // a usage error, like every other command line that does not parse
        Assert.Contains("sideye: give either --pid <PID> or --name <process name> (repeatable), or --dump <core>", r.Stderr);
        Assert.Contains("Run `sideye snap --help` for the options.", r.Stderr);
        Assert.Equal("", r.Stdout); // the error, not pages of help
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error_that_names_it()
    {
        RunResult r = Repo.Sideye("spec", "check", "x.yaml", "--pdi", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sideye: Unrecognized command or argument '--pdi'.", r.Stderr);
        Assert.Contains("Run `sideye spec check --help` for the options.", r.Stderr);
    }

    [Fact]
    public void Serve_on_a_port_in_use_says_so_in_one_line()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        string snapshots = Path.Combine(_demo.WorkDir, "serve-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(snapshots);
        RunResult r = Repo.Sideye("serve", "--snapshots", snapshots, "--urls", $"http://127.0.0.1:{port}");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"error: cannot listen at http://127.0.0.1:{port}: the address is in use", r.Stderr);
        Assert.Contains("--urls", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr + r.Stdout); // no stack trace
    }

    private string Out() => Path.Combine(_demo.WorkDir, "bad-" + Guid.NewGuid().ToString("N")[..6]);
}
