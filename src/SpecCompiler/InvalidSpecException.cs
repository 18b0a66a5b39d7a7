namespace Sideye.SpecCompiler;

/// <summary>Thrown by <see cref="SpecCompiler.Compile"/> for a spec with errors; a loaded spec that succeeded never has them.</summary>
public sealed class InvalidSpecException(IReadOnlyList<SpecDiagnostic> diagnostics)
    : Exception("The spec has errors:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<SpecDiagnostic> Diagnostics { get; } = diagnostics;
}
