namespace Sideye.QueryServer.Api;

/// <summary>
/// One variable of a method in one process, as <c>method_variables</c> records it (docs/snapshot-format.md), with what the
/// spec in force captures from it.
/// </summary>
/// <param name="Pid">The process.</param>
/// <param name="Module">The module's file name, as <c>frames.module</c>.</param>
/// <param name="MethodToken">The method definition's metadata token (the method the user wrote, not an async method's MoveNext).</param>
/// <param name="Signature">The overload it belongs to, C#-like without namespaces; overloads of one name differ here and in <paramref name="MethodToken"/>.</param>
/// <param name="StateMachine"><c>async</c>, <c>iterator</c>, <c>async-iterator</c>, or null.</param>
/// <param name="Position">Its place in the overload: <c>this</c>, the parameters in order, then the locals.</param>
/// <param name="Name">What a spec's <c>capture</c> names.</param>
/// <param name="Type">C#-like, with namespaces.</param>
/// <param name="Kind"><c>this</c>, <c>parameter</c> or <c>local</c>.</param>
/// <param name="Storage"><c>frame</c>, <c>state-machine</c>, <c>closure</c>, <c>not-hoisted</c> or <c>continuation</c> (runtime async).</param>
/// <param name="Field">For a variable in a state machine or a closure, the field that holds it (<c>&lt;cs&gt;5__2</c>).</param>
/// <param name="Hoisted">For a method with a state machine, whether a suspended call has it; null for other methods.</param>
/// <param name="Capturable">Whether a spec may name it at all (false: an async method's parameter the compiler did not hoist).</param>
/// <param name="Scopes">A local's IL ranges in scope; null for the whole method.</param>
/// <param name="CapturedAs">The columns of the function's spec table that the spec in force fills from this variable (itself or a field path under it); empty when none.</param>
public sealed record MethodVariableInfo(
    int Pid,
    string? Module,
    int MethodToken,
    string Signature,
    string? StateMachine,
    int Position,
    string Name,
    string Type,
    string Kind,
    string Storage,
    string? Field,
    bool? Hoisted,
    bool Capturable,
    string? Scopes,
    IReadOnlyList<string> CapturedAs);
