using System.Diagnostics;
using System.Text;

namespace Sideye.EndToEnd.Tests;

/// <summary>Paths in the repository and a way to run its commands.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Launcher => Path.Combine(Root, "sideye");

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Sideye.sln")))
                return dir;
        }
        throw new InvalidOperationException("Sideye.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a program to completion and returns its exit code and output.</summary>
    /// <param name="workingDirectory">Where it runs; the repository root unless given (an installed tool runs outside it).</param>
    public static RunResult Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string>? env = null,
        string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Root,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        if (env is not null)
            foreach (var (k, v) in env)
                psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            string said;
            lock (stderr)
                said = string.Join('\n', stderr.ToString().Split('\n').TakeLast(30));
            // What it printed before it stopped moving is where a post-mortem starts.
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time; the last of its stderr:\n{said}");
        }
        process.WaitForExit();
        return new RunResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static RunResult Sideye(params string[] args) => Run(Launcher, args);

    /// <summary>
    /// The runtime the targets run on: "10" (the SDK's), or "11" when SIDEYE_TARGET_RUNTIME=11, for the pass of the suite
    /// on .NET 11.0.0 (laid out by dumps/dotnet11/setup.sh; the net10.0 targets run on it by roll-forward, their framework
    /// async methods runtime async). dumps/slow-rpc/start.sh reads the same variable.
    /// </summary>
    public static string TargetRuntime { get; } = Environment.GetEnvironmentVariable("SIDEYE_TARGET_RUNTIME") is { Length: > 0 } r ? r : "10";

    private static readonly Lazy<string> Root11 = new(() =>
    {
        RunResult setup = Run(Path.Combine(Root, "dumps/dotnet11/setup.sh"), []);
        Assert.True(setup.ExitCode == 0, "dumps/dotnet11/setup.sh: " + setup);
        return setup.LastLine;
    });

    /// <summary>The DOTNET_ROOT of the .NET 11.0.0 runtime (dumps/dotnet11/setup.sh), laid out on first use.</summary>
    public static string DotnetRoot11 => Root11.Value;

    /// <summary>Builds a target program of dumps/ (Release) into <paramref name="outDir"/>; fails the fixture when it does not build.</summary>
    public static void BuildTarget(string project, string csproj, string outDir)
    {
        RunResult build = Run("dotnet", ["build", Path.Combine(project, csproj), "-c", "Release", "-o", outDir, "-nologo", "-v", "q"]);
        Assert.True(build.ExitCode == 0, "build: " + build);
    }

    /// <summary>Deletes a fixture's work directory, unless SIDEYE_KEEP_E2E=1 keeps it (snapshots, logs, dumps) for a post-mortem.</summary>
    public static void DeleteWorkDir(string path)
    {
        if (Environment.GetEnvironmentVariable("SIDEYE_KEEP_E2E") == "1")
            return;
        try { Directory.Delete(path, recursive: true); } catch (IOException) { }
    }

    public static RunResult DotnetDump(IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        Run("dotnet", new[] { "dotnet-dump" }.Concat(args), TimeSpan.FromMinutes(5), env);
}

public sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The last non-empty stdout line: where the CLI prints the snapshot directory.</summary>
    public string LastLine => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
