namespace Sideye.QueryServer.Tests.Fixtures;

/// <summary>
/// A server of its own for hostile inputs: the slow-RPC snapshot and spec, a short deadline (2 s) and a small row cap,
/// so slow and huge queries reach the limits quickly, and a spec file nobody else's test reads.
/// </summary>
public sealed class HostileServer : IAsyncLifetime
{
    public const string Id = "20250101-120000-slowrp";
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);
    public const int MaxRows = 1000;

    private readonly TempDirectory _directory = new();
    private RunningServer? _server;

    internal RunningServer Server => _server ?? throw new InvalidOperationException("Not started.");

    internal string SourceRoot => Path.Combine(_directory.Path, "src");

    public async Task InitializeAsync()
    {
        string snapshots = Path.Combine(_directory.Path, "snapshots");
        await SlowRpcSnapshot.WriteAsync(snapshots, Id, new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        string spec = Path.Combine(_directory.Path, "spec", "sideye.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(spec)!);
        await File.WriteAllTextAsync(spec, SlowRpcSpec.Yaml);
        Directory.CreateDirectory(SourceRoot);
        _server = await RunningServer.StartAsync(snapshots, o => o with
        {
            SpecPath = spec,
            QueryTimeout = Deadline,
            MaxRows = MaxRows,
            MemoryLimit = "1GB",
            SourceRoots = [SourceRoot],
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _directory.Dispose();
    }
}
