using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Errors;

/// <summary>
/// A spec that does not load, validate or bind: HTTP 400 with the compiler's diagnostics
/// (<c>file:line:column: error: message. fix</c>). The spec in force stays as it was.
/// </summary>
public sealed class SpecRejectedException(IReadOnlyList<SpecDiagnostic> diagnostics)
    : Exception("The spec has errors:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics))
{
    /// <summary>In compiler form, errors first.</summary>
    public IReadOnlyList<string> Diagnostics { get; } = [.. diagnostics.Select(d => d.ToString())];

    /// <summary>The same, taken apart (for an editor's squiggles).</summary>
    public IReadOnlyList<SpecDiagnostic> Details { get; } = diagnostics;
}
