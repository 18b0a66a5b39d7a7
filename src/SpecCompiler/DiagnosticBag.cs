namespace Sideye.SpecCompiler;

/// <summary>Collects diagnostics while reading and checking, so one run reports every problem, not just the first.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<SpecDiagnostic> _items = [];

    public bool HasErrors => _items.Any(d => d.IsError);

    public void Error(SourceSpan at, string message, string? fix) => _items.Add(SpecDiagnostic.Error(at, message, fix));

    public void Warning(SourceSpan at, string message, string? fix) => _items.Add(SpecDiagnostic.Warning(at, message, fix));

    public void AddRange(IEnumerable<SpecDiagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>In file order (stable for one position), the order people fix things in.</summary>
    public IReadOnlyList<SpecDiagnostic> ToList() =>
        _items.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column).ToList();
}
