namespace Sideye.QueryServer.Tests.Fixtures;

/// <summary>
/// One server shared by the read-only tests, over two snapshots of the slow-RPC scene: <see cref="LatestId"/>
/// and an older one (to check ordering).
/// </summary>
public sealed class SlowRpcServer : IAsyncLifetime
{
    public const string LatestId = "20250101-120000-slowrp";
    public const string OlderId = "20241231-090000-older0";

    private readonly TempDirectory _directory = new();
    private RunningServer? _server;

    internal RunningServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await SlowRpcSnapshot.WriteAsync(_directory.Path, OlderId, new DateTimeOffset(2024, 12, 31, 9, 0, 0, TimeSpan.Zero));
        await SlowRpcSnapshot.WriteAsync(_directory.Path, LatestId, new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        _server = await RunningServer.StartAsync(_directory.Path);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SlowRpcServerCollection : ICollectionFixture<SlowRpcServer>
{
    public const string Name = "slow-rpc server";
}
