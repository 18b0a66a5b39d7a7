namespace Sideye.SpecCompiler;

/// <summary>What <see cref="SpecLoader"/> returns: the spec when it has no errors, and every diagnostic either way.</summary>
/// <param name="Spec">Null when any diagnostic is an error: a half-read spec would silently capture less than asked.</param>
public sealed record SpecParseResult(Spec? Spec, IReadOnlyList<SpecDiagnostic> Diagnostics)
{
    public bool Success => Spec is not null;

    public IEnumerable<SpecDiagnostic> Errors => Diagnostics.Where(d => d.IsError);
}
