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

    /// <summary>Starts <c>dotnet assembly</c> and waits for its "READY pid" line; stop it with <see cref="Stop"/>.</summary>
    public static Process Start(string assemblyPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = NewStartInfo();
        start.RedirectStandardInput = true; // kept open: a debuggee may block reading it
        start.ArgumentList.Add(assemblyPath);
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{assemblyPath} did not start");
        try
        {
            Task<string?> line = process.StandardOutput.ReadLineAsync();
            if (!line.Wait(ReadyTimeout) || line.Result is not { } ready || !ready.StartsWith("READY ", StringComparison.Ordinal))
                throw new InvalidOperationException($"{assemblyPath} did not print READY (got '{(line.IsCompleted ? line.Result : "<nothing>")}')");

            return process;
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    /// <summary>Kills the process and waits for it to exit.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Asserts the process runs on after a detach: alive, no tracer, not stopped.</summary>
    public static void AssertRunningAndDetached(Process process)
    {
        Assert.False(process.HasExited);
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

    private static ProcessStartInfo NewStartInfo() =>
        new(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
}
