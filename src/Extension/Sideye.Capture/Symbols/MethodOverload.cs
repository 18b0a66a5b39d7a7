using Sideye.SpecCompiler;

namespace Sideye.Capture.Symbols;

/// <summary>One method definition behind a function name (one of its overloads), with everything <c>spec vars</c> shows.</summary>
/// <param name="Signature">C#-like: <c>Task&lt;GetInfoResponse&gt; GetInfo(GetInfoRequest request, ServerCallContext context)</c>.</param>
/// <param name="StateMachine">Async method, iterator, async iterator, runtime async (no state machine type) or none.</param>
/// <param name="StateMachineType">For those, the compiler's state machine (<c>Ns.Type+&lt;GetInfo&gt;d__1</c>); else null.</param>
/// <param name="MoveNextToken">The state machine's MoveNext, whose IL the scopes of an async method refer to.</param>
/// <param name="Variables"><c>this</c>, parameters in order, then locals by name.</param>
/// <param name="Scopes">The PDB's local scopes of the method (of MoveNext for async methods), outermost first.</param>
public sealed record MethodOverload(
    string ModulePath,
    string? PdbPath,
    int MethodToken,
    string Signature,
    bool IsStatic,
    StateMachineKind StateMachine,
    string? StateMachineType,
    int? MoveNextToken,
    IReadOnlyList<MethodVariable> Variables,
    IReadOnlyList<LocalScopeRange> Scopes)
{
    public bool IsAsync => StateMachine is StateMachineKind.Async or StateMachineKind.AsyncIterator or StateMachineKind.RuntimeAsync;
}
