using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// Reading async state machine boxes: the heap objects the runtime allocates when an async method first
/// suspends. The box holds the compiler's state machine (embedded struct in Release builds, an object
/// reference in Debug builds) and, being a Task, the continuation to run when the method completes.
/// A busy service has thousands of completed boxes awaiting collection, so the layout of each box type is
/// looked up once and every box is then read with a few raw memory reads.
/// </summary>
internal sealed class AsyncBoxes
{

    private readonly ClrHeap _heap;
    private readonly IDataReader _memory;
    private readonly TypeLayoutCache _cache;
    private readonly ulong _pointerSize;

    public AsyncBoxes(ClrHeap heap, TypeLayoutCache cache)
    {
        _heap = heap;
        _memory = heap.Runtime.DataTarget.DataReader;
        _cache = cache;
        _pointerSize = (ulong)_memory.PointerSize;
        cache.TaskStateFlagsOffset ??= heap.Runtime.BaseClassLibrary.GetTypeByName("System.Threading.Tasks.Task")?.GetFieldByName("m_stateFlags")?.Offset;
    }

    public static bool IsBoxTypeName(string name) =>
        name.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)
        && (name.Contains("+AsyncStateMachineBox<", StringComparison.Ordinal)
            || name.Contains("+DebugFinalizableAsyncStateMachineBox<", StringComparison.Ordinal)
            || (name.StartsWith("System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder", StringComparison.Ordinal)
                && name.Contains("+StateMachineBox<", StringComparison.Ordinal)));

    public static bool IsPoolingBox(ClrType type) =>
        type.Name?.StartsWith("System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder", StringComparison.Ordinal) == true;

    /// <summary>The box's state machine and its await state, or null for a completed or unreadable box.</summary>
    public LiveBox? ReadLive(ClrObject box)
    {
        ClrType type = box.Type!;
        // Instance field offsets exclude the method table pointer that starts every object.
        ulong fields = box.Address + _pointerSize;
        if (!_cache.BoxLayouts.ContainsKey(type.MethodTable) && _cache.TaskStateFlagsOffset is int taskFlags && !IsPoolingBox(type)
            && _memory.Read(fields + (ulong)taskFlags, out int early) && (early & Values.TaskStateFlags.Completed) != 0)
            return null; // done: no need to learn its layout now
        BoxLayout? layout = _cache.BoxLayouts.GetOrAdd(type.MethodTable, _ => BoxLayout.Of(type));
        if (layout is null)
            return null;
        if (layout.StateFlagsOffset is int flagsOffset
            && _memory.Read(fields + (ulong)flagsOffset, out int flags) && (flags & Values.TaskStateFlags.Completed) != 0)
            return null;

        if (layout.PooledContinuationOffset is int pooled
            && (!_memory.ReadPointer(fields + (ulong)pooled, out ulong continuation) || continuation == 0))
            return null; // a pooled box nobody awaits: back in the pool

        ulong smAddress, smMethodTable;
        if (layout.StateMachineIsStruct)
        {
            smAddress = fields + (ulong)layout.StateMachineOffset;
            smMethodTable = layout.StateMachineMethodTable;
        }
        else
        {
            if (!_memory.ReadPointer(fields + (ulong)layout.StateMachineOffset, out smAddress) || smAddress == 0
                || !_memory.ReadPointer(smAddress, out smMethodTable))
                return null;
        }
        StateMachineInfo? info = _cache.StateMachines.GetOrAdd(smMethodTable, mt => Describe(mt));
        if (info is null)
            return null;
        ulong stateAt = (layout.StateMachineIsStruct ? smAddress : smAddress + _pointerSize) + (ulong)info.StateOffset;
        if (!_memory.Read(stateAt, out int state) || state == -2)
            return null; // -2: finished; a pooled box waiting for reuse
        return new LiveBox(box, smAddress, smMethodTable, layout.StateMachineIsStruct, info, state);
    }

    /// <summary>
    /// Learns a box type's layout and, when its state machine is a struct, the state machine's: type facts
    /// only, no object read. The warm-up calls this against the running process, where reading objects (a
    /// pointer that just moved) can hand the DAC a garbage method table, and the DAC can crash on it.
    /// </summary>
    public void LearnTypes(ClrType boxType)
    {
        BoxLayout? layout = _cache.BoxLayouts.GetOrAdd(boxType.MethodTable, _ => BoxLayout.Of(boxType));
        if (layout is { StateMachineIsStruct: true })
            _cache.StateMachines.GetOrAdd(layout.StateMachineMethodTable, mt => Describe(mt));
    }

    private StateMachineInfo? Describe(ulong methodTable)
    {
        ClrType? type = _heap.Runtime.GetTypeByMethodTable(methodTable);
        if (type?.GetFieldByName("<>1__state") is not ClrInstanceField state)
            return null;
        string method = Naming.MethodNames.StateMachineToCSharp(type.Name ?? "") ?? Naming.MethodNames.ToCSharp(type.Name, null);
        ClrMethod? moveNext = type.Methods.FirstOrDefault(x => x.Name == "MoveNext");
        return new StateMachineInfo(state.Offset, method, type.Module?.Name, FrameSymbolizer.ModuleName(type.Module), moveNext?.MetadataToken,
            StateMachineInfo.AwaitedOffsetsOf(type));
    }
}

/// <summary>A box whose async method has not completed.</summary>
internal sealed record LiveBox(ClrObject Box, ulong StateMachineAddress, ulong StateMachineMethodTable, bool StateMachineIsStruct, StateMachineInfo Info, int State);
