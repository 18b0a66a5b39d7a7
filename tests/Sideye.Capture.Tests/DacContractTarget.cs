namespace Sideye.Capture.Tests;

/// <summary>
/// Builds the contract target (dumps/contract-target, the contract check's known state kept in the repository,
/// or SIDEYE_CONTRACT_TARGET_DIR) once into a temporary folder, and starts copies of it. Intermediate and
/// output files are redirected, so the source folder stays clean.
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
        return Path.Combine(KnownValuesTarget.RepoRoot(), "dumps", "contract-target");
    }
}
