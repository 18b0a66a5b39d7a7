using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Naming;
using Sideye.Capture.Symbols;
using Sideye.Snapshot;

namespace Sideye.Capture.Walk;

/// <summary>Names a ClrMD method the C# way and finds its IL offset and source line.</summary>
internal sealed class FrameSymbolizer
{
    private readonly SymbolCache _symbols;
    private readonly TypeLayoutCache _cache;

    public FrameSymbolizer(SymbolCache symbols, TypeLayoutCache cache)
    {
        _symbols = symbols;
        _cache = cache;
    }

    public SymbolCache Symbols => _symbols;

    public string NameOf(ClrMethod method)
    {
        if (!_cache.MethodNames.TryGetValue(method.MethodDesc, out string? name))
        {
            name = MethodNames.ToCSharp(method.Type?.Name, method.Name);
            _cache.MethodNames[method.MethodDesc] = name;
        }
        return name;
    }

    /// <summary>
    /// A frame of a thread's stack. For caller frames the return address points after the call, so the
    /// IL offset is looked up one byte earlier, inside the call instruction.
    /// </summary>
    public CapturedFrame ManagedFrame(ClrMethod method, ulong ip, bool isLeaf)
    {
        int? il = null;
        try
        {
            int offset = method.GetILOffset(isLeaf ? ip : ip - 1);
            il = offset >= 0 ? offset : null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
        }
        ClrModule? module = method.Type?.Module;
        SourceLocation? where = null;
        if (il is int ilOffset && module is not null)
            where = _symbols.Get(module.Name)?.GetSourceLocation(method.MetadataToken, ilOffset);
        return new CapturedFrame(NameOf(method), ModuleName(module), il, where?.File, where?.Line,
            FrameKinds.Managed, InstructionPointer: ip, MethodToken: method.MetadataToken);
    }

    public static string? ModuleName(ClrModule? module) =>
        module is null ? null : Path.GetFileName(module.Name ?? module.AssemblyName);
}
