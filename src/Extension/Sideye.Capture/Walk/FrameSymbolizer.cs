using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Dac;
using Sideye.Capture.Naming;
using Sideye.Capture.Symbols;
using Sideye.Snapshot;

namespace Sideye.Capture.Walk;

/// <summary>Names a ClrMD method the C# way and finds its IL offset and source line.</summary>
internal sealed class FrameSymbolizer
{
    private readonly SymbolCache _symbols;
    private readonly TypeLayoutCache _cache;
    private readonly TargetDac? _dac;
    private readonly Dictionary<ulong, int> _ilOffsets = new();
    private readonly Dictionary<ulong, int> _awaitOffsets = new(); // by DiagnosticIP: thousands of continuations share a few awaits

    /// <param name="dac">Where thread frames' IL offsets come from (exact per code version); null for async-only use.</param>
    public FrameSymbolizer(SymbolCache symbols, TypeLayoutCache cache, TargetDac? dac = null)
    {
        _symbols = symbols;
        _cache = cache;
        _dac = dac;
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
        int offset = ILOffsetAt(method, isLeaf ? ip : ip - 1);
        int? il = offset >= 0 ? offset : null;
        ClrModule? module = method.Type?.Module;
        SourceLocation? where = null;
        if (il is int ilOffset && module is not null)
            where = _symbols.Get(module.Name)?.GetSourceLocation(method.MetadataToken, ilOffset);
        return new CapturedFrame(NameOf(method), ModuleName(module), il, where?.File, where?.Line,
            FrameKinds.Managed, InstructionPointer: ip, MethodToken: method.MetadataToken);
    }

    /// <summary>
    /// A runtime-async method suspended at an await, named from its continuation's <c>DiagnosticIP</c>. That address is
    /// the start of the await's entry in the IL-to-native map: an exact match only (the entry before it, which a lookup
    /// by range returns, is the wrong await); no match, or no DAC of ours, leaves the IL offset and line unknown.
    /// </summary>
    public CapturedFrame RuntimeAsyncFrame(ClrMethod method, ulong diagnosticIP, int? state, ulong continuation)
    {
        if (!_awaitOffsets.TryGetValue(diagnosticIP, out int offset))
            _awaitOffsets[diagnosticIP] = offset = _dac?.Reader?.ILOffsetStartingAt(diagnosticIP) ?? -1;
        int? il = offset >= 0 ? offset : null;
        ClrModule? module = method.Type?.Module;
        SourceLocation? where = null;
        if (il is int ilOffset && module is not null)
            where = _symbols.Get(module.Name)?.GetSourceLocation(method.MetadataToken, ilOffset);
        return new CapturedFrame(NameOf(method), ModuleName(module), il, where?.File, where?.Line,
            FrameKinds.Async, AwaitState: state, InstructionPointer: diagnosticIP, ObjectAddress: continuation, MethodToken: method.MetadataToken);
    }

    /// <summary>
    /// The IL offset at a code address, memoized per address (threads parked in the same place share them). Through
    /// the DAC, which maps the code version the address is in; ClrMD's map is the method's first version's only.
    /// </summary>
    private int ILOffsetAt(ClrMethod method, ulong address)
    {
        if (_ilOffsets.TryGetValue(address, out int known))
            return known;
        int offset;
        if (_dac?.Reader is { } reader)
        {
            offset = reader.ILOffsetAt(address);
        }
        else
        {
            try
            {
                offset = method.GetILOffset(address);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                offset = -1;
            }
        }
        _ilOffsets[address] = offset;
        return offset;
    }

    public static string? ModuleName(ClrModule? module) =>
        module is null ? null : Path.GetFileName(module.Name ?? module.AssemblyName);
}
