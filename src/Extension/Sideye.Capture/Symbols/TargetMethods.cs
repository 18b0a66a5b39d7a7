using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Diagnostics.Runtime;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Symbols;

/// <summary>
/// The methods of a target's modules, for the spec checker (<see cref="ITargetMethods"/>) and <c>sideye spec vars</c>:
/// read from each module's file, metadata and PDB (through the shared <see cref="SymbolCache"/>), never from the
/// target's memory. So it is built from a runtime in a moment (module paths only) and the target can be
/// detached at once; everything after that reads files. Modules are indexed on first use, types by name only.
/// </summary>
public sealed class TargetMethods : ITargetMethods
{
    private readonly SymbolCache _symbols;
    private readonly Dictionary<string, MethodDescription?> _resolved = new(StringComparer.Ordinal);
    private List<ModuleMethodIndex>? _modules;

    /// <param name="modulePaths">The module files (DLLs) loaded in the target; missing or unreadable ones are skipped.</param>
    public TargetMethods(IEnumerable<string> modulePaths, SymbolCache symbols)
    {
        ModulePaths = modulePaths.Where(p => !string.IsNullOrEmpty(p)).Distinct(StringComparer.Ordinal).ToList();
        _symbols = symbols;
    }

    /// <summary>The module paths of a runtime's loaded modules (dynamic ones have no file and no methods to name).</summary>
    public static TargetMethods FromRuntime(ClrRuntime runtime, SymbolCache symbols) =>
        new(ModulePathsOf(runtime), symbols);

    public static IReadOnlyList<string> ModulePathsOf(ClrRuntime runtime) =>
        runtime.EnumerateModules().Where(m => !m.IsDynamic && !string.IsNullOrEmpty(m.Name)).Select(m => m.Name!).Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> ModulePaths { get; }

    public bool TryResolve(string function, [NotNullWhen(true)] out TargetMethod? method)
    {
        method = TryDescribe(function, out MethodDescription? description) ? description.ToTargetMethod() : null;
        return method is not null;
    }

    /// <summary>
    /// Finds a method by the spec's notation (see <see cref="ITargetMethods.TryResolve"/>): every overload in every
    /// module, with its variables and scopes.
    /// </summary>
    public bool TryDescribe(string function, [NotNullWhen(true)] out MethodDescription? description)
    {
        if (!_resolved.TryGetValue(function, out description))
        {
            description = Describe(function);
            _resolved[function] = description;
        }
        return description is not null;
    }

    public IEnumerable<string> EnumerateFunctionNames() =>
        Modules().SelectMany(m => m.EnumerateFunctionNames()).Distinct(StringComparer.Ordinal);

    private MethodDescription? Describe(string function)
    {
        if (Split(function) is not ({ } type, { } method))
            return null;
        var overloads = Modules().SelectMany(m => m.Find(type, method)).ToList();
        // Ns.Type.Method.Local: a local function, named as its frames are.
        int dot = type.LastIndexOf('.');
        if (overloads.Count == 0 && dot > 0)
            overloads = Modules().SelectMany(m => m.FindLocalFunction(type[..dot], type[(dot + 1)..], method)).ToList();
        return overloads.Count == 0 ? null : new MethodDescription(type + "." + method, overloads);
    }

    private List<ModuleMethodIndex> Modules() =>
        _modules ??= ModulePaths.Select(_symbols.Get).OfType<ModuleSymbols>().Select(ModuleMethodIndex.TryCreate).OfType<ModuleMethodIndex>().ToList();

    /// <summary>
    /// <c>Ns.Cache&lt;T&gt;.Get</c>, <c>Ns.Cache`1.Get</c> and <c>Ns.Cache.Get</c> → (<c>Ns.Cache</c>, <c>Get</c>): generic
    /// parameter lists and arity dropped, a verbatim <c>@</c> dropped, '+' read as '.'. Null for fewer than two segments.
    /// </summary>
    internal static (string Type, string Method)? Split(string function)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        bool skippingArity = false;
        foreach (char c in function.Trim())
        {
            if (c == '<') { depth++; continue; }
            if (c == '>') { depth--; continue; }
            if (depth > 0) continue;
            if (c == '`') { skippingArity = true; continue; }
            if (skippingArity && char.IsAsciiDigit(c)) continue;
            skippingArity = false;
            if (c is '.' or '+')
            {
                segments.Add(current.ToString());
                current.Clear();
                continue;
            }
            if (c == '@' && current.Length == 0)
                continue;
            current.Append(c);
        }
        segments.Add(current.ToString());
        if (segments.Count < 2 || segments.Any(s => s.Length == 0 || s.Any(char.IsWhiteSpace)))
            return null;
        return (string.Join(".", segments.Take(segments.Count - 1)), segments[^1]);
    }
}
