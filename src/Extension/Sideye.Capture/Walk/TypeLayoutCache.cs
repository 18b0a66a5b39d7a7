using System.Collections.Concurrent;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// Facts about types of one target process, keyed by method table address and kept as plain data (no
/// ClrMD objects), so the warm-up pass over the running process can compute them and the paused pass only
/// looks them up: resolving a type's fields through the DAC costs about a millisecond per type, and a
/// service has hundreds of async state machine types. Method tables do not move while a process lives.
/// </summary>
public sealed class TypeLayoutCache
{
    internal ConcurrentDictionary<ulong, byte> HeapClasses { get; } = new();
    internal ConcurrentDictionary<ulong, BoxLayout?> BoxLayouts { get; } = new();
    internal ConcurrentDictionary<ulong, StateMachineInfo?> StateMachines { get; } = new();
    internal ConcurrentDictionary<ulong, string> MethodNames { get; } = new();
    internal ConcurrentDictionary<ulong, string?> TypeNames { get; } = new();

    /// <summary>
    /// Where every Task keeps <c>m_stateFlags</c> (a base class's fields keep their offsets in derived classes): a
    /// completed box is recognized with one read, before its own layout is looked up. The layout of a box type the
    /// warm-up did not see can cost 20+ ms inside the pause (ClrMD resolving a generic state machine struct such
    /// as gRPC's <c>&lt;ReadSingleMessageAsync&gt;d__14&lt;__Canon&gt;</c>), and such short-lived boxes are nearly always done.
    /// </summary>
    internal int? TaskStateFlagsOffset { get; set; }
}

/// <summary>Field offsets of one box type (one per state machine type in Release builds).</summary>
internal sealed record BoxLayout(int? StateFlagsOffset, int StateMachineOffset, bool StateMachineIsStruct, ulong StateMachineMethodTable, int? PooledContinuationOffset)
{
    public static BoxLayout? Of(ClrType boxType)
    {
        ClrInstanceField? sm = boxType.GetFieldByName("StateMachine");
        if (sm is null)
            return null;
        // PoolingAsyncValueTaskMethodBuilder boxes are not Tasks: their caller is recorded in
        // _valueTaskSource._continuation, and a box back in the pool has none (its state machine was reset
        // to default, which would otherwise read as "suspended at await 0").
        int? pooledContinuation = null;
        if (boxType.GetFieldByName("_valueTaskSource") is { IsValueType: true } source
            && source.Type?.GetFieldByName("_continuation") is ClrInstanceField continuation)
            pooledContinuation = source.Offset + continuation.Offset;
        return new BoxLayout(boxType.GetFieldByName("m_stateFlags")?.Offset, sm.Offset, sm.IsValueType,
            sm.IsValueType ? sm.Type?.MethodTable ?? 0 : 0, pooledContinuation);
    }
}

/// <summary>What the capture needs of a state machine type: where its state is, and which method it stands for.</summary>
/// <param name="AwaitedOffsets">
/// Where, from the start of the state machine's fields, each awaiter field (<c>&lt;&gt;u__N</c>) keeps the object it
/// waits on: a TaskAwaiter's <c>m_task</c>, a ValueTaskAwaiter's <c>_value._obj</c>. Reading names through ClrMD
/// per suspended call cost ~0.3 ms each (30 ms of pause for a hundred calls); offsets make it two reads.
/// </param>
internal sealed record StateMachineInfo(int StateOffset, string Method, string? ModulePath, string? ModuleName, int? MoveNextToken,
    IReadOnlyList<int> AwaitedOffsets)
{
    public static IReadOnlyList<int> AwaitedOffsetsOf(ClrType stateMachine)
    {
        var offsets = new List<int>();
        foreach (ClrInstanceField field in stateMachine.Fields)
        {
            if (field.Name is not { } name || !name.StartsWith("<>u__", StringComparison.Ordinal) || !field.IsValueType || field.Type is not { } awaiter)
                continue;
            if (awaiter.GetFieldByName("m_task") is { IsObjectReference: true } task)
                offsets.Add(field.Offset + task.Offset);
            else if (awaiter.GetFieldByName("_value") is { IsValueType: true } value && value.Type?.GetFieldByName("_obj") is { IsObjectReference: true } obj)
                offsets.Add(field.Offset + value.Offset + obj.Offset);
        }
        return offsets;
    }
}
