using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Specs;

/// <summary>What <see cref="SpecService.Check"/> found: the diagnostics, errors first, and the compiled spec when there is no error.</summary>
public sealed record SpecCheck(IReadOnlyList<SpecDiagnostic> Diagnostics, CompiledSpec? Compiled)
{
    public bool IsValid => Compiled is not null;
}
