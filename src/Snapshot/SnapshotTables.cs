namespace Sideye.Snapshot;

/// <summary>
/// The tables of a snapshot and the Parquet file that holds each. The columns of each table are the
/// JSON property names of its row record; docs/snapshot-format.md documents them.
/// </summary>
public static class SnapshotTables
{
    /// <summary>Bumped when a column changes meaning or is removed; adding columns does not bump it.</summary>
    public const int SchemaVersion = 1;

    public const string ManifestFile = "snapshot.json";

    public const string Processes = "processes";
    public const string Stacks = "stacks";
    public const string Frames = "frames";
    public const string CapturedValues = "captured_values";

    public const string StackLinks = "stack_links";
    public const string GrpcClientCalls = "grpc_client_calls";
    public const string GrpcServerCalls = "grpc_server_calls";
    public const string HttpServerRequests = "http_server_requests";
    public const string Locks = "locks";
    public const string LockWaiters = "lock_waiters";
    public const string Deadlocks = "deadlocks";

    public const string MethodVariables = "method_variables";

    /// <summary>The tables every snapshot has, since the first schema.</summary>
    public static readonly IReadOnlyList<string> Core = [Processes, Stacks, Frames, CapturedValues];

    /// <summary>The built-in tables (<see cref="BuiltInTables"/>): a snapshot written before one existed reads it as empty.</summary>
    public static readonly IReadOnlyList<string> BuiltIn = [StackLinks, GrpcClientCalls, GrpcServerCalls, HttpServerRequests, Locks, LockWaiters, Deadlocks];

    /// <summary>
    /// Tables read from the targets' modules and PDBs for the methods on the stacks (not from memory, so they do not
    /// depend on a spec or on <c>builtins</c>): a snapshot written before one existed reads it as empty.
    /// </summary>
    public static readonly IReadOnlyList<string> Symbols = [MethodVariables];

    public static readonly IReadOnlyList<string> All = [.. Core, .. BuiltIn, .. Symbols];

    /// <summary>The row record of each table: its properties' JSON names are the table's columns.</summary>
    public static readonly IReadOnlyDictionary<string, Type> RowTypes = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [Processes] = typeof(ProcessRow),
        [Stacks] = typeof(StackRow),
        [Frames] = typeof(FrameRow),
        [CapturedValues] = typeof(CapturedValueRow),
        [StackLinks] = typeof(StackLinkRow),
        [GrpcClientCalls] = typeof(GrpcClientCallRow),
        [GrpcServerCalls] = typeof(GrpcServerCallRow),
        [HttpServerRequests] = typeof(HttpServerRequestRow),
        [Locks] = typeof(LockRow),
        [LockWaiters] = typeof(LockWaiterRow),
        [Deadlocks] = typeof(DeadlockRow),
        [MethodVariables] = typeof(MethodVariableRow),
    };

    public static string FileName(string table) => table + ".parquet";
}
