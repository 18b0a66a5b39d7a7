using Sideye.SpecCompiler;

namespace Sideye.Capture.Engine;

/// <summary>The request's spec has errors: nothing was captured. Front-ends print <see cref="Diagnostics"/> (file:line:column).</summary>
public sealed class CaptureSpecException(string specPath, IReadOnlyList<SpecDiagnostic> diagnostics)
    : Exception($"{Path.GetFileName(specPath)} has errors; fix them (see above) or capture without a spec.")
{
    public IReadOnlyList<SpecDiagnostic> Diagnostics { get; } = diagnostics;
}
