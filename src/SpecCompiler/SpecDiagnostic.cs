namespace Sideye.SpecCompiler;

/// <summary>
/// One problem in a spec, in the compiler-style form editors and CI logs already understand:
/// <c>sideye.yaml:3:5: error: unknown key 'captrue' in function. Did you mean 'capture'?</c>
/// </summary>
/// <param name="Fix">What to change, phrased for the person editing the file; null when there is nothing better to say.</param>
public sealed record SpecDiagnostic(string File, int Line, int Column, SpecSeverity Severity, string Message, string? Fix)
{
    public static SpecDiagnostic Error(SourceSpan at, string message, string? fix) =>
        new(at.File, at.Line, at.Column, SpecSeverity.Error, message, fix);

    public static SpecDiagnostic Warning(SourceSpan at, string message, string? fix) =>
        new(at.File, at.Line, at.Column, SpecSeverity.Warning, message, fix);

    public bool IsError => Severity == SpecSeverity.Error;

    public override string ToString()
    {
        var severity = Severity == SpecSeverity.Error ? "error" : "warning";
        var text = $"{File}:{Line}:{Column}: {severity}: {Message}";
        if (Fix is null) return text;
        var separator = text.EndsWith('.') || text.EndsWith('?') || text.EndsWith('!') ? " " : ". ";
        return text + separator + Fix;
    }
}
