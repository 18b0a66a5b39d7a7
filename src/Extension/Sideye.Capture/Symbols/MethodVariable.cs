namespace Sideye.Capture.Symbols;

/// <summary>A parameter, local or <c>this</c> of a method, as its metadata and PDB describe it.</summary>
/// <param name="Name">As written in the source (a hoisted <c>&lt;cs&gt;5__2</c> is <c>cs</c>).</param>
/// <param name="TypeName">C#-like (<c>int</c>, <c>System.Collections.Generic.List&lt;int&gt;</c>).</param>
/// <param name="Field">For hoisted and captured variables, the field that holds it (<c>&lt;cs&gt;5__2</c>, <c>&lt;&gt;8__1.x</c>).</param>
/// <param name="Scopes">
/// The IL ranges where a local is in scope (of the method itself, or of MoveNext for async methods); empty for
/// parameters and <c>this</c>, which are in scope throughout, and when the PDB says nothing.
/// </param>
public sealed record MethodVariable(
    string Name,
    string TypeName,
    MethodVariableKind Kind,
    VariableStorage Storage,
    string? Field,
    IReadOnlyList<IlRange> Scopes)
{
    /// <summary>
    /// Whether a capture can ever read it: everything but an async method's parameters and <c>this</c> that were not
    /// hoisted. A local that was not hoisted is read while the call runs on a thread (MoveNext's own local).
    /// </summary>
    public bool CanCapture => Storage != VariableStorage.NotHoisted || Kind == MethodVariableKind.Local;
}
