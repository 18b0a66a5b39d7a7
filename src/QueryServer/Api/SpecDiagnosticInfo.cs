using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Api;

/// <summary>
/// One diagnostic of a spec, taken apart for an editor (a squiggle at <see cref="Line"/>:<see cref="Column"/>): an item of
/// <c>diagnostic_details</c> in <c>POST /api/spec/check</c>'s answer and in <c>PUT /api/spec</c>'s 400 problem.
/// </summary>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="File">The spec's file name as the diagnostic names it (<c>sideye.yaml</c>).</param>
/// <param name="Line">1-based line in the YAML.</param>
/// <param name="Column">1-based column in the YAML.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">What to change; null when there is nothing better to say.</param>
/// <param name="Text">The whole diagnostic in compiler form, the same string as the matching item of <c>diagnostics</c>.</param>
public sealed record SpecDiagnosticInfo(string Severity, string File, int Line, int Column, string Message, string? Fix, string Text)
{
    public static SpecDiagnosticInfo From(SpecDiagnostic d) =>
        new(d.IsError ? "error" : "warning", d.File, d.Line, d.Column, d.Message, d.Fix, d.ToString());
}
