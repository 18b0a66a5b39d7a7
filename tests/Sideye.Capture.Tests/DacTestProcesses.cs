using System.Diagnostics;

namespace Sideye.Capture.Tests;

/// <summary>Builds and runs the small debuggee programs the DAC tests read.</summary>
internal static class DacTestProcesses
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Builds a project in Release with its intermediate and output files under <paramref name="workDirectory"/>; returns the output folder.</summary>
    public static string Build(string projectFile, string workDirectory)
    {
        string output = Path.Combine(workDirectory, "out");
        string intermediate = Path.Combine(workDirectory, "obj") + Path.DirectorySeparatorChar;
        var start = NewStartInfo();
        foreach (string argument in new[]
                 {
                     "build", projectFile, "-c", "Release", "-o", output, $"-p:BaseIntermediateOutputPath={intermediate}",
                     // With the intermediate folder moved, the SDK no longer leaves the project's own obj/ out
                     // of its sources: files from an earlier in-place build (another test's) would compile twice.
                     "-p:DefaultItemExcludes=obj/**",
                     "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild variables would point the nested build at the wrong SDK pieces.
        foreach (string name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet build did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(BuildTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"building {projectFile} took over {BuildTimeout}");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"building {projectFile} failed:\n{stdout.Result}\n{stderr.Result}");

        return output;
    }

    /// <summary>
    /// Starts <c>dotnet assembly</c> detached from this process and waits for its "READY pid" line.
    /// </summary>
    /// <remarks>
    /// The debuggee must not be a child of the test host: .NET's SIGCHLD handling reaps its children with
    /// waitpid and can swallow the ptrace stop that ClrMD's attach waits for, which hangs the attach. So it
    /// is started through <c>setsid --fork</c> (re-parented to init) and keeps only our pipes: stdout for
    /// READY, and stdin, never written, on which it may block.
    /// </remarks>
    public static DacDebuggeeProcess Start(string assemblyPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--fork");
        start.ArgumentList.Add(DotnetHost());
        start.ArgumentList.Add(assemblyPath);
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        Process launcher = Process.Start(start) ?? throw new InvalidOperationException($"{assemblyPath} did not start");
        try
        {
            Task<string?> line = launcher.StandardOutput.ReadLineAsync();
            if (!line.Wait(ReadyTimeout) || line.Result is not { } ready || !ready.StartsWith("READY ", StringComparison.Ordinal) ||
                !int.TryParse(ready.AsSpan("READY ".Length), out int pid))
            {
                throw new InvalidOperationException($"{assemblyPath} did not print READY (got '{(line.IsCompleted ? line.Result : "<nothing>")}')");
            }

            return new DacDebuggeeProcess(pid, launcher);
        }
        catch
        {
            launcher.Dispose();
            throw;
        }
    }

    /// <summary>Writes a core dump of <paramref name="pid"/> with the runtime's createdump (<paramref name="kind"/>: --normal, --withheap, --full).</summary>
    public static void CreateDump(int pid, string path, string kind = "--full")
    {
        string createdump = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        using Process writer = Process.Start(new ProcessStartInfo(createdump)
        {
            ArgumentList = { kind, "-f", path, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("createdump did not start");
        writer.StandardOutput.ReadToEnd();
        Assert.True(writer.WaitForExit(TimeSpan.FromMinutes(2)), "createdump finished");
        Assert.Equal(0, writer.ExitCode);
    }

    /// <summary>Asserts the process runs on after a detach: alive, no tracer, not stopped.</summary>
    public static void AssertRunningAndDetached(DacDebuggeeProcess process)
    {
        Assert.True(process.IsRunning, "the debuggee still runs");
        string status = File.ReadAllText($"/proc/{process.Id}/status");
        Assert.Contains("TracerPid:\t0\n", status, StringComparison.Ordinal);
        Assert.DoesNotContain("State:\tt", status, StringComparison.Ordinal);
        Assert.DoesNotContain("State:\tT", status, StringComparison.Ordinal);
    }

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static string NewWorkDirectory(string prefix) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"))).FullName;

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static ProcessStartInfo NewStartInfo() =>
        new(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
}
