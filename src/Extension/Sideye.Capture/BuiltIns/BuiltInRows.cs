using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Turns one process's built-in rows, whose stack ids are indexes into its stacks, into snapshot rows: the
/// snapshot-wide stack ids and the process's pid. A row pointing at no stack of the process is dropped.
/// </summary>
internal static class BuiltInRows
{
    public static BuiltInTables Rebase(BuiltInTables t, int pid, long firstStackId, int stackCount)
    {
        bool Valid(long index) => index >= 0 && index < stackCount;
        long Id(long index) => firstStackId + index;
        long? OptionalId(long? index) => index is long i && Valid(i) ? Id(i) : null;
        return new BuiltInTables(
            [.. t.StackLinks.Where(r => Valid(r.FromStackId) && Valid(r.ToStackId)).Select(r => r with { FromStackId = Id(r.FromStackId), ToStackId = Id(r.ToStackId), Pid = pid })],
            [.. t.GrpcClientCalls.Select(r => r with { StackId = OptionalId(r.StackId), Pid = pid })],
            [.. t.GrpcServerCalls.Select(r => r with { StackId = OptionalId(r.StackId), Pid = pid })],
            [.. t.HttpServerRequests.Select(r => r with { StackId = OptionalId(r.StackId), Pid = pid })],
            [.. t.Locks.Select(r => r with { OwnerStackId = OptionalId(r.OwnerStackId), Pid = pid })],
            [.. t.LockWaiters.Where(r => Valid(r.StackId)).Select(r => r with { StackId = Id(r.StackId), Pid = pid })],
            [.. t.Deadlocks.Where(r => Valid(r.StackId) && Valid(r.HeldByStackId)).Select(r => r with { StackId = Id(r.StackId), HeldByStackId = Id(r.HeldByStackId), Pid = pid })]);
    }

    public static BuiltInTables Concat(IReadOnlyList<BuiltInTables> perProcess) => new(
        [.. perProcess.SelectMany(t => t.StackLinks)],
        [.. perProcess.SelectMany(t => t.GrpcClientCalls)],
        [.. perProcess.SelectMany(t => t.GrpcServerCalls)],
        [.. perProcess.SelectMany(t => t.HttpServerRequests)],
        [.. perProcess.SelectMany(t => t.Locks)],
        [.. perProcess.SelectMany(t => t.LockWaiters)],
        [.. perProcess.SelectMany(t => t.Deadlocks)]);
}
