using System.Collections.Concurrent;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Dac;

/// <summary>
/// Names and types the values of a thread's frames: values and argument names from the DAC
/// (<see cref="DacFrameReader"/>), local names from the PDB and types from the signatures
/// (<see cref="PdbLocals"/>). DAC frames are matched to ClrMD frames by stack pointer.
/// </summary>
internal sealed class FrameVariables
{
    private readonly DacFrameReader _dac;
    private readonly PdbLocals _symbols;
    private readonly ConcurrentDictionary<ClrModule, IReadOnlyDictionary<int, ulong>> _typeMaps = new();
    private readonly Dictionary<uint, ulong?> _activeIps = new();

    public FrameVariables(DacFrameReader dac, PdbLocals symbols)
    {
        _dac = dac;
        _symbols = symbols;
    }

    /// <summary>
    /// The variables of each of <paramref name="frames"/> (ClrMD's frames of <paramref name="thread"/>,
    /// in the same order): <c>this</c> and the arguments, then the locals named in the PDB at the
    /// frame's IL offset (all IL slots, named <c>V_n</c>, when the module has no PDB).
    /// Runtime frames and frames the DAC does not know get an empty list and a reason.
    /// </summary>
    public IReadOnlyList<FrameVariableList> Read(ClrThread thread, IReadOnlyList<ClrStackFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(thread);
        ArgumentNullException.ThrowIfNull(frames);

        Dictionary<ulong, DacFrame> bySp = WalkThread(thread.OSThreadId);
        ulong? activeIp = ActiveInstructionPointer(thread.Runtime.DataTarget.DataReader, thread.OSThreadId);
        var result = new List<FrameVariableList>(frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            ClrStackFrame frame = frames[i];
            if (frame.Kind != ClrStackFrameKind.ManagedMethod || frame.Method is null)
            {
                result.Add(new FrameVariableList(frame.StackPointer, -1, [], "not a managed method frame"));
                continue;
            }

            if (!bySp.TryGetValue(frame.StackPointer, out DacFrame? dacFrame))
            {
                result.Add(new FrameVariableList(frame.StackPointer, -1, [], "the DAC's stack walk has no frame at this stack pointer"));
                continue;
            }

            result.Add(Combine(frame.Method, dacFrame, FrameILOffset(frame.InstructionPointer, activeIp)));
        }

        return result;
    }

    /// <summary>
    /// The variables of one managed frame of thread <paramref name="osThreadId"/>, found by its stack pointer
    /// (the capture engine keeps only the frames a spec asks for). The DAC walk stops at that frame and reads
    /// only its variables. Use one instance per paused target.
    /// </summary>
    public FrameVariableList ReadFrame(uint osThreadId, ClrMethod method, ulong stackPointer, ulong instructionPointer)
    {
        ArgumentNullException.ThrowIfNull(method);
        DacFrame? dacFrame = _dac.WalkThread(osThreadId, stopAt: stackPointer).FirstOrDefault(f => f.StackPointer == stackPointer);
        if (dacFrame is null)
            return new FrameVariableList(stackPointer, -1, [], "the DAC's stack walk has no frame at this stack pointer");

        if (!_activeIps.TryGetValue(osThreadId, out ulong? activeIp))
            _activeIps[osThreadId] = activeIp = ActiveInstructionPointer(method.Type.Module.AppDomain.Runtime.DataTarget.DataReader, osThreadId);
        return Combine(method, dacFrame, FrameILOffset(instructionPointer, activeIp));
    }

    private Dictionary<ulong, DacFrame> WalkThread(uint osThreadId)
    {
        var bySp = new Dictionary<ulong, DacFrame>();
        foreach (DacFrame frame in _dac.WalkThread(osThreadId))
            bySp.TryAdd(frame.StackPointer, frame);
        return bySp;
    }

    /// <summary>
    /// The IL offset a frame is at. A caller frame's IP is a return address: the call it returns from is at
    /// ip - 1; only the thread's own (active) frame is at its IP.
    /// </summary>
    private int FrameILOffset(ulong ip, ulong? activeIp) =>
        ip == activeIp || ip == 0 ? _dac.ILOffsetAt(ip) : _dac.ILOffsetAt(ip - 1);

    private FrameVariableList Combine(ClrMethod method, DacFrame frame, int ilOffset)
    {
        ClrModule module = method.Type.Module;
        MethodSymbols? symbols = string.IsNullOrEmpty(module.Name)
            ? null
            : _symbols.GetMethod(module.Name, method.MetadataToken, ilOffset);
        bool hasThis = symbols?.ThisType is not null ||
                       (symbols is null && frame.Arguments.Count > 0 && frame.Arguments[0].Name == "this");

        var variables = new List<NamedVariable>(frame.Arguments.Count + frame.Locals.Count);
        foreach (DacVariable argument in frame.Arguments)
        {
            int position = hasThis ? argument.Index - 1 : argument.Index;
            string? typeName;
            SignatureType? type = null;
            string? name = argument.Name;
            if (hasThis && argument.Index == 0)
            {
                typeName = symbols?.ThisType;
                name ??= "this";
            }
            else
            {
                type = TypeAt(symbols?.ParameterTypes, position);
                typeName = type?.Name;
                name ??= At(symbols?.ParameterNames, position) ?? $"arg{position}";
            }

            variables.Add(ToNamed(module, name, isArgument: true, typeName, type, argument));
        }

        foreach (DacVariable local in frame.Locals)
        {
            string? name = At(symbols?.LocalNames, local.Index);
            if (name is null)
            {
                // With a PDB, an unnamed slot is a compiler temporary or out of scope here.
                if (symbols?.HasPdb == true)
                    continue;
                name = $"V_{local.Index}";
            }

            SignatureType? type = TypeAt(symbols?.LocalTypes, local.Index);
            variables.Add(ToNamed(module, name, isArgument: false, type?.Name, type, local));
        }

        return new FrameVariableList(frame.StackPointer, ilOffset, variables, frame.Unavailable);
    }

    private NamedVariable ToNamed(ClrModule module, string name, bool isArgument, string? typeName, SignatureType? type, DacVariable value)
    {
        if (value.Unavailable is not null)
            return new NamedVariable(name, isArgument, typeName, null, null, value.Unavailable) { Kind = value.Kind };

        ulong? address = value.Location is { Kind: DacLocationKind.Memory } location ? location.Address : null;
        byte[]? bytes = value.Bytes;
        bool isStruct = (value.Kind & (DacValueKind.ValueType | DacValueKind.Enum)) != 0;

        // The JIT describes a struct or enum on the stack by one pointer-sized slot: read exactly its size there.
        // Without the size, those bytes may be a prefix or overrun: leave only the address to read it at.
        ClrType? structClrType = isStruct && type is { IsValueType: true, TypeToken: not 0 } structType ? StructType(module, structType.TypeToken) : null;
        if (address is { } structAddress && isStruct)
        {
            bytes = null;
            if (structClrType is not null && StructSize(structClrType) is { } size)
            {
                byte[] whole = new byte[size];
                if (module.AppDomain.Runtime.DataTarget.DataReader.Read(structAddress, whole) == whole.Length)
                    bytes = whole;
            }
        }

        return new NamedVariable(name, isArgument, typeName, address, bytes, null) { Kind = value.Kind, StructType = structClrType };
    }

    private static int? StructSize(ClrType type)
    {
        int size = 0;
        foreach (ClrInstanceField field in type.Fields)
            size = Math.Max(size, field.Offset + field.Size);

        return size > 0 ? size : null;
    }

    /// <summary>The loaded struct type a signature's token names, or null (a generic instantiation, a type not loaded).</summary>
    private ClrType? StructType(ClrModule module, int typeToken)
    {
        IReadOnlyDictionary<int, ulong> map = _typeMaps.GetOrAdd(module, static m =>
        {
            var tokens = new Dictionary<int, ulong>();
            foreach ((ulong methodTable, int token) in m.EnumerateTypeDefToMethodTableMap())
                tokens.TryAdd(token, methodTable);
            foreach ((ulong methodTable, int token) in m.EnumerateTypeRefToMethodTableMap())
                tokens.TryAdd(token, methodTable);
            return tokens;
        });

        return map.TryGetValue(typeToken, out ulong methodTable) && methodTable != 0 &&
               module.AppDomain.Runtime.GetTypeByMethodTable(methodTable) is { IsValueType: true } type
            ? type
            : null;
    }

    private static ulong? ActiveInstructionPointer(IDataReader reader, uint osThreadId)
    {
        if (ContextLayout.For(reader.Architecture) is not { } layout)
            return null;

        byte[] context = new byte[layout.MinimumSize];
        return reader.GetThreadContext(osThreadId, layout.Flags, context) ? layout.InstructionPointer(context) : null;
    }

    private static string? At(IReadOnlyList<string?>? list, int index) =>
        list is not null && index >= 0 && index < list.Count ? list[index] : null;

    private static SignatureType? TypeAt(IReadOnlyList<SignatureType>? list, int index) =>
        list is not null && index >= 0 && index < list.Count ? list[index] : null;
}

/// <summary>The variables of one frame, aligned with the ClrMD frame it belongs to.</summary>
/// <param name="StackPointer">The frame's stack pointer.</param>
/// <param name="ILOffset">The IL offset the frame is at (the call, for caller frames), or -1 when unknown.</param>
/// <param name="Variables"><c>this</c> and the arguments in signature order, then the named locals by slot.</param>
/// <param name="Unavailable">Why some or all variables are missing, or null.</param>
internal sealed record FrameVariableList(ulong StackPointer, int ILOffset, IReadOnlyList<NamedVariable> Variables, string? Unavailable);

/// <summary>
/// A named argument or local and its value: an address in the target when it lives in memory, its bytes
/// (a primitive, an object reference, or a whole struct), or the reason there is no value. A struct in
/// memory whose size could not be determined (a generic instantiation, a type not loaded) has its
/// <see cref="Address"/> and no <see cref="Bytes"/>: read it there with its ClrMD type.
/// </summary>
internal sealed record NamedVariable(string Name, bool IsArgument, string? TypeName, ulong? Address, byte[]? Bytes, string? Unavailable)
{
    /// <summary>What the DAC says the value is (a reference, a primitive, a struct, ...).</summary>
    public DacValueKind Kind { get; init; }

    /// <summary>The loaded type of a struct variable, resolved from its signature's token; null otherwise.</summary>
    public ClrType? StructType { get; init; }
}
