namespace SlowRpc.Server;

/// <summary>Per-client state, the C# counterpart of the Go demo's <c>clientState</c>.</summary>
public sealed class ClientState(int clientId)
{
    public int ClientId { get; } = clientId;

    /// <summary>Incremented under <see cref="ClientMu.Lock"/> by every GetInfo call.</summary>
    public long NumCalls { get; set; }

    /// <summary>The lock and the fields it guards, grouped like Go's <c>mu struct { sync.Mutex; ... }</c>.</summary>
    public ClientMu Mu { get; } = new();
}

public sealed class ClientMu
{
    /// <summary>A semaphore rather than <c>lock</c>: the RPC handler must be able to await it.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>True while the background processor holds <see cref="Lock"/> for this client.</summary>
    public bool Processing { get; set; }

    /// <summary>Unix time in nanoseconds when the background processor last took the lock.</summary>
    public long LastBackgroundServiceStart { get; set; }
}

/// <summary>All clients seen so far; entries are created on first use and never removed.</summary>
public sealed class ClientRegistry
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ClientState> _clients = new();

    public ClientState Get(int clientId) => _clients.GetOrAdd(clientId, static id => new ClientState(id));

    /// <summary>A point-in-time copy ordered by client id, so the processor visits clients deterministically.</summary>
    public ClientState[] SnapshotOrdered() => _clients.Values.OrderBy(c => c.ClientId).ToArray();
}

internal static class UnixNanos
{
    public static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * TimeSpan.NanosecondsPerTick;
}
