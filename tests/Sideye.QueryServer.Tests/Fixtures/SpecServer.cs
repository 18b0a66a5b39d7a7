using Sideye.Snapshot;

namespace Sideye.QueryServer.Tests.Fixtures;

/// <summary>A server started with <c>--spec</c> over the slow-RPC snapshot and a contract-shaped one.</summary>
public sealed class SpecServer : IAsyncLifetime
{
    public const string SlowRpcId = "20250101-120000-slowrp";
    public const string ContractId = "20250101-130000-contract";

    private readonly TempDirectory _directory = new();
    private RunningServer? _server;

    internal RunningServer Server => _server ?? throw new InvalidOperationException("Not started.");

    internal string SpecPath => Path.Combine(_directory.Path, "spec", "sideye.yaml");

    public async Task InitializeAsync()
    {
        string snapshots = Path.Combine(_directory.Path, "snapshots");
        await SlowRpcSnapshot.WriteAsync(snapshots, SlowRpcId, new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await WriteContractSnapshotAsync(snapshots, ContractId);
        Directory.CreateDirectory(Path.GetDirectoryName(SpecPath)!);
        await File.WriteAllTextAsync(SpecPath, SlowRpcSpec.Yaml);
        _server = await RunningServer.StartAsync(snapshots, o => o with { SpecPath = SpecPath });
    }

    /// <summary>What the contract target captures: Waiter.Wait's n = 7 and label = "seven".</summary>
    internal static Task<string> WriteContractSnapshotAsync(string parent, string id)
    {
        const int pid = 3003;
        var manifest = new SnapshotManifest(id, new DateTimeOffset(2025, 1, 1, 13, 0, 0, TimeSpan.Zero), "0.1.0", 1, "live",
            [new ManifestProcess(pid, "ContractTarget", null, "10.0.0", 5, 20, [])], [], SnapshotTables.All, null);
        var data = new SnapshotData(
            [new ProcessRow(pid, "ContractTarget", null, "10.0.0", "live", 5, 20, 3, 0, null)],
            [new StackRow(1, pid, StackKinds.Thread, 10, 1, "waiter", "Wait", 1, null, null)],
            [new FrameRow(1, pid, 0, "Contract.Waiter.Wait", "ContractTarget", 4, "Program.cs", 12, FrameKinds.Managed, null, null, null, null)],
            [
                new CapturedValueRow(1, pid, 0, "Contract.Waiter.Wait", "n", "7", null, "System.Int32", null),
                new CapturedValueRow(1, pid, 0, "Contract.Waiter.Wait", "label", "\"seven\"", null, "System.String", null),
            ]);
        return SnapshotWriter.WriteAsync(parent, manifest, data);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _directory.Dispose();
    }
}
