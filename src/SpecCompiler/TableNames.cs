namespace Sideye.SpecCompiler;

/// <summary>How function tables are named, and which table names are taken by the snapshot itself.</summary>
public static class TableNames
{
    /// <summary>
    /// Tables every snapshot already has (the snapshot files, its built-in tables, and the query server's
    /// all_captured_data view); a spec table with one of these names would hide them. A query server test checks
    /// this list against the snapshot's own (this project does not depend on the snapshot format's).
    /// </summary>
    public static readonly EquatableArray<string> Reserved =
    [
        "processes", "stacks", "captured_stacks", "frames", "captured_values", "all_captured_data",
        "stack_links", "grpc_client_calls", "grpc_server_calls", "http_server_requests", "locks", "lock_waiters", "deadlocks",
        "method_variables",
    ];

    /// <summary>
    /// <c>&lt;Type&gt;_&lt;Method&gt;</c> from <c>Namespace.Type.Method</c>: the innermost type, without generic
    /// arity or parameters (<c>Ns.Outer.Cache`1.Get</c> → <c>Cache_Get</c>). Short names read well in SQL;
    /// two functions that would share one are an error that asks for an explicit <c>table:</c>.
    /// </summary>
    public static string FromFunction(string function)
    {
        var segments = Identifiers.SplitDotted(function.Trim());
        var method = Identifiers.StripGenerics(segments[^1]);
        return segments.Count < 2 ? method : Identifiers.StripGenerics(segments[^2]) + "_" + method;
    }

    public static bool IsReserved(string table) => Reserved.Contains(table, StringComparer.OrdinalIgnoreCase);
}
