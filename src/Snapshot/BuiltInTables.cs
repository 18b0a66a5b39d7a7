namespace Sideye.Snapshot;

/// <summary>
/// The built-in tables: what Sideye recognizes with no spec (gRPC and HTTP calls, locks, deadlocks, links
/// between stacks). Each list may be empty; a snapshot written before they existed reads as empty tables.
/// </summary>
public sealed record BuiltInTables(
    IReadOnlyList<StackLinkRow> StackLinks,
    IReadOnlyList<GrpcClientCallRow> GrpcClientCalls,
    IReadOnlyList<GrpcServerCallRow> GrpcServerCalls,
    IReadOnlyList<HttpServerRequestRow> HttpServerRequests,
    IReadOnlyList<LockRow> Locks,
    IReadOnlyList<LockWaiterRow> LockWaiters,
    IReadOnlyList<DeadlockRow> Deadlocks)
{
    public static BuiltInTables Empty { get; } = new([], [], [], [], [], [], []);
}
