using System.Collections.Concurrent;

namespace Sideye.Capture.Symbols;

/// <summary>
/// Module symbols by file path, shared by every capture in one Sideye process: the warm-up pass before a
/// live target is paused fills it, the paused pass only reads it.
/// </summary>
public sealed class SymbolCache : IDisposable
{
    private readonly ConcurrentDictionary<string, ModuleSymbols?> _modules = new(StringComparer.Ordinal);

    public ModuleSymbols? Get(string? modulePath) =>
        string.IsNullOrEmpty(modulePath) ? null : _modules.GetOrAdd(modulePath, ModuleSymbols.TryOpen);

    /// <summary>Modules whose PDB was not found, for the snapshot's warnings.</summary>
    public IEnumerable<string> ModulesWithoutPdb =>
        _modules.Where(kv => kv.Value is { HasPdb: false }).Select(kv => kv.Key);

    public void Dispose()
    {
        foreach (ModuleSymbols? m in _modules.Values)
            m?.Dispose();
        _modules.Clear();
    }
}
