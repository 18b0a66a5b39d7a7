using System.Diagnostics;

namespace Sideye.Freezer.Tests;

/// <summary>dumps/seccomp built once per test run (Release), into a temporary folder deleted when the run ends.</summary>
internal static class SeccompTargetBuild
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The built SeccompTarget.dll.</summary>
    public static string Dll => Built.Value;

    private static string Build()
    {
        string project = Path.Combine(RepoRoot(), "dumps", "seccomp", "SeccompTarget.csproj");
        string work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sideye-seccomp-target-{Environment.ProcessId}")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(work);

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Intermediate files stay in dumps/seccomp/obj (ignored by git): moved elsewhere, the C# files a
        // build by hand leaves in that obj would be compiled a second time. No build servers: nothing
        // outlives the test run.
        foreach (string argument in new[]
                 {
                     "build", project, "-c", "Release", "-o", Path.Combine(work, "out"),
                     "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-nologo", "-v:q",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild variables would point the nested build at the wrong SDK pieces.
        foreach (string name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);

        using Process build = Process.Start(start) ?? throw new InvalidOperationException("dotnet build did not start");
        Task<string> stdout = build.StandardOutput.ReadToEndAsync();
        Task<string> stderr = build.StandardError.ReadToEndAsync();
        if (!build.WaitForExit(BuildTimeout))
        {
            build.Kill(entireProcessTree: true);
            throw new TimeoutException($"building {project} took over {BuildTimeout}");
        }

        if (build.ExitCode != 0)
            throw new InvalidOperationException($"building {project} failed:\n{stdout.Result}\n{stderr.Result}");

        return Path.Combine(work, "out", "SeccompTarget.dll");
    }

    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string RepoRoot()
    {
        if (Environment.GetEnvironmentVariable("SIDEYE_REPO_ROOT") is { Length: > 0 } root)
            return root;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sideye.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("repository root (Sideye.sln) not found above " + AppContext.BaseDirectory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
