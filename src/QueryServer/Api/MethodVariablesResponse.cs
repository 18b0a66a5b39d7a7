namespace Sideye.QueryServer.Api;

/// <summary>The body of <c>GET /api/snapshots/{id}/variables</c>: what a spec can capture in one function, per process.</summary>
/// <param name="Function">As asked.</param>
/// <param name="Table">The spec table the function's captured values go to under the spec in force; null when the spec does not name it.</param>
/// <param name="Methods">The method names of <c>frames.method</c> that matched (one, unless several generic spellings name the same method).</param>
/// <param name="Variables">Every process's variables of the function, by pid, overload and position; empty when the snapshot recorded none for it
/// (not on a stack, no PDB, or a snapshot from before <c>method_variables</c>).</param>
public sealed record MethodVariablesResponse(
    string Function,
    string? Table,
    IReadOnlyList<string> Methods,
    IReadOnlyList<MethodVariableInfo> Variables);
