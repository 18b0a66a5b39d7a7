using System.Diagnostics;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// Starts a test target program outside our process tree (setsid --fork: a child's ptrace stop can be reaped by
/// .NET's SIGCHLD handling, which hangs the attach) and waits for its <c>READY &lt;pid&gt;</c> line.
/// </summary>
public static class DetachedTarget
{
    /// <summary>Runs <c>dotnet <paramref name="dll"/></c> with <paramref name="environment"/> (e.g. <c>DOTNET_TieredCompilation=0</c>), output to <paramref name="outputFile"/>; returns its pid.</summary>
    /// <param name="dotnet">The host to run it with: <see cref="Repo.TargetRuntime"/>'s unless given (another runtime's root, e.g. dumps/dotnet11).</param>
    public static int Start(string dll, string outputFile, string environment = "", string arguments = "", string? dotnet = null)
    {
        if (dotnet is null && Repo.TargetRuntime == "11")
        {
            dotnet = Path.Combine(Repo.DotnetRoot11, "dotnet");
            environment = $"DOTNET_ROOT='{Repo.DotnetRoot11}' DOTNET_ROLL_FORWARD=Major {environment}".TrimEnd();
        }
        dotnet ??= "dotnet";
        string env = environment.Length == 0 ? "" : environment + " ";
        RunResult start = Repo.Run("setsid", ["--fork", "sh", "-c", $"{env}exec '{dotnet}' '{dll}' {arguments} > '{outputFile}' 2>&1"]);
        Assert.True(start.ExitCode == 0, "setsid: " + start);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            string? ready = File.Exists(outputFile) ? File.ReadLines(outputFile).FirstOrDefault(l => l.StartsWith("READY ", StringComparison.Ordinal)) : null;
            if (ready is not null)
                return int.Parse(ready["READY ".Length..].Split(' ')[0]);
            Thread.Sleep(50);
        }
        throw new TimeoutException($"{Path.GetFileName(dll)} printed no READY in 60 s: {(File.Exists(outputFile) ? File.ReadAllText(outputFile) : "no output")}");
    }

    /// <summary>Kills a target started by <see cref="Start"/> (gone already is fine).</summary>
    public static void Kill(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }
}
