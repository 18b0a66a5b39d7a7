namespace Sideye.Capture.Tests;

/// <summary>
/// Builds the shared contract target (shared/contract/target beside the repository, or
/// SIDEYE_CONTRACT_TARGET_DIR) once into a temporary folder, and starts copies of it. The source
/// folder is read-only, so intermediate and output files are redirected.
/// </summary>
public sealed class DacContractTarget : IDisposable
{
    private readonly string _workDirectory;

    public DacContractTarget()
    {
        _workDirectory = DacTestProcesses.NewWorkDirectory("sideye-dac-contract-");
        string output = DacTestProcesses.Build(Path.Combine(FindSource(), "ContractTarget.csproj"), _workDirectory);
        AssemblyPath = Path.Combine(output, "ContractTarget.dll");
    }

    /// <summary>The built ContractTarget.dll (its portable PDB is beside it).</summary>
    public string AssemblyPath { get; }

    /// <summary>Starts the target and waits for its "READY pid" line; disposing the result kills it.</summary>
    public DacDebuggeeProcess Start(IReadOnlyDictionary<string, string>? environment = null) => DacTestProcesses.Start(AssemblyPath, environment);

    public void Dispose() => DacTestProcesses.DeleteDirectory(_workDirectory);

    private static string FindSource()
    {
        if (Environment.GetEnvironmentVariable("SIDEYE_CONTRACT_TARGET_DIR") is { Length: > 0 } configured)
            return configured;

        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sideye.sln")))
            {
                string beside = Path.Combine(directory.Parent?.FullName ?? directory.FullName, "shared", "contract", "target");
                if (File.Exists(Path.Combine(beside, "ContractTarget.csproj")))
                    return beside;
            }
        }

        throw new DirectoryNotFoundException(
            "shared/contract/target was not found beside the repository; set SIDEYE_CONTRACT_TARGET_DIR");
    }
}
