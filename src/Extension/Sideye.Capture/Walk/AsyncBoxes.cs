using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// Reading async state machine boxes: the heap objects the runtime allocates when an async method first
/// suspends. The box holds the compiler's state machine (embedded struct in Release builds, an object
/// reference in Debug builds) and, being a Task, the continuation to run when the method completes.
/// </summary>
internal static class AsyncBoxes
{
    private const int TaskStateCompletedMask = 0x1000000 | 0x200000 | 0x400000; // ran to completion | faulted | canceled

    public static bool IsBoxTypeName(string name) =>
        name.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)
        && (name.Contains("+AsyncStateMachineBox<", StringComparison.Ordinal)
            || name.Contains("+DebugFinalizableAsyncStateMachineBox<", StringComparison.Ordinal)
            || (name.StartsWith("System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder", StringComparison.Ordinal)
                && name.Contains("+StateMachineBox<", StringComparison.Ordinal)));

    public static bool IsPoolingBox(ClrType type) =>
        type.Name?.StartsWith("System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder", StringComparison.Ordinal) == true;

    /// <summary>The state machine inside a box: its type and where its fields live.</summary>
    public static StateMachineView? ReadStateMachine(ClrObject box)
    {
        ClrInstanceField? field = box.Type?.GetFieldByName("StateMachine");
        if (field is null)
            return null;
        if (field.IsValueType)
        {
            ClrValueType sm = box.ReadValueTypeField(field);
            return sm.Type is null ? null : new StateMachineView(sm.Type, sm.Address, IsStruct: true);
        }
        ClrObject obj = box.ReadObjectField(field);
        return obj.IsNull || obj.Type is null ? null : new StateMachineView(obj.Type, obj.Address, IsStruct: false);
    }

    public static bool IsCompleted(ClrObject box) =>
        box.TryReadField("m_stateFlags", out int flags) && (flags & TaskStateCompletedMask) != 0;
}

/// <summary>Where a state machine's fields are: inside a box (struct) or in their own object (class).</summary>
internal readonly record struct StateMachineView(ClrType Type, ulong Address, bool IsStruct)
{
    /// <summary>Reads an int field such as <c>&lt;&gt;1__state</c>.</summary>
    public int? ReadInt(string fieldName)
    {
        ClrInstanceField? f = Type.GetFieldByName(fieldName);
        if (f is null)
            return null;
        ulong addr = f.GetAddress(Address, interior: IsStruct);
        return Type.Heap.Runtime.DataTarget.DataReader.Read(addr, out int value) ? value : null;
    }

    /// <summary>The object stored in a reference field of the state machine, or null.</summary>
    public ClrObject ReadObject(ClrInstanceField field) => field.ReadObject(Address, interior: IsStruct);

    /// <summary>A struct field (an awaiter) of the state machine.</summary>
    public ClrValueType ReadStruct(ClrInstanceField field) => field.ReadStruct(Address, interior: IsStruct);
}
