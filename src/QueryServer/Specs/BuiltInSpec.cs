using Sideye.QueryServer.Engine;
using Sideye.SpecCompiler;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// The built-in part of every spec: the built-in tables the capture writes with no spec, and the links between
/// them, merged with the user's links (a spec's <c>builtins: false</c> leaves them out).
/// </summary>
public static class BuiltInSpec
{
    /// <summary>The built-in links: symmetric, resolved like a spec's own (<c>GET .../links?table=grpc_client_calls&amp;stack_id=</c>).</summary>
    public static readonly IReadOnlyList<LinkSql> Links =
    [
        // The client's local endpoint is the server's remote one and vice versa; a stream id is unique per connection.
        new("gRPC call: the client's call and the server handler serving it (same HTTP/2 stream of the same connection)",
            new LinkEndSql(SnapshotTables.GrpcClientCalls, ["stream_id", "local_endpoint", "remote_endpoint"]),
            new LinkEndSql(SnapshotTables.GrpcServerCalls, ["stream_id", "remote_endpoint", "local_endpoint"])),
        new("lock wait: the lock a stack waits for, with its owner's stack where the runtime records it",
            new LinkEndSql(SnapshotTables.LockWaiters, ["pid", "lock_address"]),
            new LinkEndSql(SnapshotTables.Locks, ["pid", "lock_address"])),
        new("gRPC server call: the ASP.NET Core request it is served as",
            new LinkEndSql(SnapshotTables.GrpcServerCalls, ["pid", "stack_id"]),
            new LinkEndSql(SnapshotTables.HttpServerRequests, ["pid", "stack_id"])),
    ];

    /// <summary>The links in force: the built-in ones (unless switched off), then the spec's.</summary>
    public static IReadOnlyList<LinkSql> LinksOf(SpecSql spec) => spec.BuiltIns ? [.. Links, .. spec.Links] : [.. spec.Links];

    /// <summary>
    /// Whether the table's rows belong to a stack (a <c>stack_id</c> column), so links can be followed from a stack:
    /// every function table; the built-in tables but <c>locks</c> (a lock row has its owner's stack) and <c>deadlocks</c>.
    /// </summary>
    public static bool HasStackRows(string table, SpecSql spec) =>
        spec.FunctionTables.Any(t => t.Table == table)
        || (SnapshotTables.RowTypes.ContainsKey(table) && TableSchemas.Columns(table).Any(c => c.Name == "stack_id"));

    /// <summary>The tables links may name besides the spec's: the built-in tables (unless switched off).</summary>
    public static IReadOnlyList<string> TablesOf(SpecSql spec) => spec.BuiltIns ? SnapshotTables.BuiltIn : [];
}
