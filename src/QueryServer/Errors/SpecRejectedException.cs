namespace Sideye.QueryServer.Errors;

/// <summary>
/// A spec that does not load, validate or bind: HTTP 400 with the compiler's diagnostics
/// (<c>file:line:column: error: message. fix</c>). The spec in force stays as it was.
/// </summary>
public sealed class SpecRejectedException(IReadOnlyList<string> diagnostics)
    : Exception("The spec has errors:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<string> Diagnostics { get; } = diagnostics;
}
