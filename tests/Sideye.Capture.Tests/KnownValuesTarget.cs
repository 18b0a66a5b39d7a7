using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Tests;

/// <summary>
/// The known-values target (dumps/known-values) built in one configuration, started, and attached to with ClrMD
/// (suspended). Dispose detaches (the DataTarget) and kills the process, whatever happened before.
/// </summary>
internal sealed class KnownValuesTarget : IDisposable
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static readonly Dictionary<string, string> Builds = new();

    private readonly DacDebuggeeProcess _process;

    private KnownValuesTarget(DacDebuggeeProcess process, DataTarget dataTarget, ClrRuntime runtime, string configuration)
    {
        _process = process;
        DataTarget = dataTarget;
        Runtime = runtime;
        Configuration = configuration;
    }

    public DataTarget DataTarget { get; }

    public ClrRuntime Runtime { get; }

    public string Configuration { get; }

    public int ProcessId => _process.Id;

    /// <summary>Builds (once per configuration and test run), starts, waits for READY, attaches suspended.</summary>
    public static KnownValuesTarget Start(string configuration)
    {
        string dll = Build(configuration);
        // Not our child (see DacTestProcesses.Start): a child's ptrace stop can be reaped by .NET's SIGCHLD
        // handling, which hangs the attach.
        DacDebuggeeProcess process = DacTestProcesses.Start(dll);
        DataTarget? dataTarget = null;
        try
        {
            dataTarget = DataTarget.AttachToProcess(process.Id, suspend: true);
            ClrInfo clr = dataTarget.ClrVersions.Single();
            // Runtime 10.0.12 reports version 0.0, and the plain CreateRuntime() finds no DAC: name the one beside libcoreclr.
            string dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
            ClrRuntime runtime = clr.CreateRuntime(dac, ignoreMismatch: true);
            return new KnownValuesTarget(process, dataTarget, runtime, configuration);
        }
        catch
        {
            dataTarget?.Dispose();
            process.Dispose();
            throw;
        }
    }

    public ClrModule Module => Runtime.EnumerateModules().First(m => Path.GetFileName(m.Name) == "KnownValues.dll");

    public ClrType Type(string name) => Module.GetTypeByName(name) ?? throw new InvalidOperationException($"{name} not found");

    public void Dispose()
    {
        try
        {
            Runtime.Dispose();
            DataTarget.Dispose();
        }
        finally
        {
            _process.Dispose(); // kills it
        }
    }

    public static string Build(string configuration)
    {
        BuildLock.Wait();
        try
        {
            if (Builds.TryGetValue(configuration, out string? built))
                return built;
            string project = Path.Combine(RepoRoot(), "dumps", "known-values", "KnownValues.csproj");
            string output = Path.Combine(Path.GetTempPath(), $"sideye-known-values-{configuration}-{Environment.ProcessId}");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(output);
            var start = new ProcessStartInfo("dotnet", ["build", project, "-c", configuration, "-o", output, "-nologo", "-v:q", "-nr:false"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process build = Process.Start(start)!;
            Task<string> stdout = build.StandardOutput.ReadToEndAsync();
            Task<string> stderr = build.StandardError.ReadToEndAsync();
            if (!build.WaitForExit(TimeSpan.FromMinutes(5)) || build.ExitCode != 0)
                throw new InvalidOperationException($"building {project} ({configuration}) failed:\n{stdout.Result}\n{stderr.Result}");
            string dll = Path.Combine(output, "KnownValues.dll");
            Builds[configuration] = dll;
            return dll;
        }
        finally
        {
            BuildLock.Release();
        }
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

    internal static string RepoRoot()
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
}
