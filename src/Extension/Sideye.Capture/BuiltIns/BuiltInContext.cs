using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Dac;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// What a recognizer sees of one walked runtime, and where it puts what it finds. Stacks are named by their
/// index in <see cref="Stacks"/>; rows carry that index as their stack id (the snapshot builder turns it into
/// the snapshot-wide id).
/// </summary>
internal sealed class BuiltInContext
{
    private readonly Dictionary<ulong, int> _stackOfObject = new();
    private readonly Dictionary<uint, int> _stackOfOsThread = new();
    private readonly Dictionary<int, int> _stackOfManagedThread = new();
    private readonly Dictionary<int, (DateTime Since, string Source)> _waits = new();
    private readonly Dictionary<ulong, List<int>> _stacksAwaiting = new();
    private Dictionary<ulong, ClrThread>? _threadsByAddress;
    private Dictionary<uint, ClrThread>? _threadsByOsId;
    private readonly List<StackContinuation> _continuations = new();
    private readonly List<string> _warnings;
    // Per box type: where its state machine's `this` is (ClrMD resolves a generic state machine struct's fields
    // anew for each ClrValueType, tens of milliseconds each: a hundred calls took seconds). Null: it has none.
    private readonly Dictionary<ulong, (int StateMachine, bool IsStruct, int This)?> _thisLayouts = new();

    public BuiltInContext(ClrRuntime runtime, TargetDac? dac, IReadOnlyList<CapturedStack> stacks, CaptureClock? clock, List<string> warnings)
    {
        Runtime = runtime;
        Dac = dac;
        Stacks = stacks;
        Clock = clock;
        _warnings = warnings;
        for (int i = 0; i < stacks.Count; i++)
        {
            CapturedStack s = stacks[i];
            if (s.OsThreadId is uint os)
                _stackOfOsThread.TryAdd(os, i);
            if (s.ManagedThreadId is int managed)
                _stackOfManagedThread.TryAdd(managed, i);
            if (s.TaskAddress is ulong task)
                _stackOfObject.TryAdd(task, i);
            if (s.AwaitedAddress is ulong awaited)
            {
                if (!_stacksAwaiting.TryGetValue(awaited, out List<int>? list))
                    _stacksAwaiting[awaited] = list = new List<int>(1);
                list.Add(i);
            }
            foreach (CapturedFrame f in s.Frames)
            {
                if (f.ObjectAddress is ulong box)
                    _stackOfObject.TryAdd(box, i);
            }
        }
    }

    public ClrRuntime Runtime { get; }

    public ClrHeap Heap => Runtime.Heap;

    /// <summary>The DAC for thread frames' arguments (null when it could not be loaded).</summary>
    public TargetDac? Dac { get; }

    public IReadOnlyList<CapturedStack> Stacks { get; }

    /// <summary>The capture instant on the target's clocks; null when unknown.</summary>
    public CaptureClock? Clock { get; }

    /// <summary>The heap objects of the types the current recognizer <see cref="IBuiltInRecognizer.Wants"/>.</summary>
    public IReadOnlyList<ClrObject> Objects { get; internal set; } = [];

    /// <summary>The recognizer running now (for the warnings it writes).</summary>
    internal IBuiltInRecognizer? Current { get; set; }

    public List<StackLinkRow> StackLinks { get; } = new();
    public List<GrpcClientCallRow> GrpcClientCalls { get; } = new();
    public List<GrpcServerCallRow> GrpcServerCalls { get; } = new();
    public List<HttpServerRequestRow> HttpServerRequests { get; } = new();
    public List<LockRow> Locks { get; } = new();
    public List<LockWaiterRow> LockWaiters { get; } = new();
    public List<DeadlockRow> Deadlocks { get; } = new();

    internal IReadOnlyList<StackContinuation> Continuations => _continuations;

    /// <summary>
    /// The object an async method's state machine runs on (its <c>&lt;&gt;4__this</c>), from the box that holds the
    /// state machine (an embedded struct in Release builds, a class in Debug builds), or from a runtime-async frame's
    /// continuation (.NET 11); null when there is none.
    /// </summary>
    public ClrObject? StateMachineThis(ulong boxAddress)
    {
        IDataReader memory = Runtime.DataTarget.DataReader;
        uint pointer = (uint)memory.PointerSize;
        if (!memory.ReadPointer(boxAddress, out ulong methodTable) || methodTable == 0)
            return null;
        if (!_thisLayouts.TryGetValue(methodTable, out var layout))
        {
            layout = null;
            ClrType? boxType = Heap.GetObject(boxAddress).Type;
            if (boxType?.GetFieldByName("StateMachine") is ClrInstanceField sm)
            {
                ClrType? smType = sm.IsObjectReference ? Heap.GetObject(boxAddress).ReadObjectField(sm.Name!).Type : sm.Type;
                if (smType?.GetFieldByName("<>4__this") is { IsObjectReference: true } thisField)
                    layout = (sm.Offset, !sm.IsObjectReference, thisField.Offset);
            }
            _thisLayouts[methodTable] = layout;
        }
        if (layout is not { } l)
            return ContinuationThis(boxAddress);
        ulong at = boxAddress + pointer + (ulong)l.StateMachine;
        if (!l.IsStruct && (!memory.ReadPointer(at, out at) || at == 0))
            return null;
        ulong fieldAt = l.IsStruct ? at + (ulong)l.This : at + pointer + (ulong)l.This;
        if (!memory.ReadPointer(fieldAt, out ulong self) || self == 0)
            return null;
        ClrObject o = Heap.GetObject(self);
        return o.Type is null ? null : o;
    }

    /// <summary>A .NET 11 runtime-async frame's object (its continuation): the instance it keeps of the method's declaring type.</summary>
    private ClrObject? ContinuationThis(ulong address)
    {
        ClrObject continuation = Heap.GetObject(address);
        if (Walk.ContinuationLayout.BaseOf(continuation.Type) is not { } baseType)
            return null;
        _continuationLayout ??= Walk.ContinuationLayout.Of(baseType, out _);
        return _continuationLayout?.SavedThis(Heap, continuation);
    }

    private Walk.ContinuationLayout? _continuationLayout;

    /// <summary>The stack with an async frame whose state machine box (or task) is at <paramref name="address"/>.</summary>
    public int? StackOfObject(ulong address) => _stackOfObject.TryGetValue(address, out int i) ? i : null;

    /// <summary>The async stacks whose innermost call awaits the object at <paramref name="address"/> (a task, a value-task source).</summary>
    public IReadOnlyList<int> StacksAwaiting(ulong address) => _stacksAwaiting.TryGetValue(address, out List<int>? list) ? list : [];

    /// <summary>The runtime's thread whose Thread object is at <paramref name="address"/> (a sync block's owner).</summary>
    public ClrThread? ThreadAt(ulong address)
    {
        _threadsByAddress ??= Runtime.Threads.Where(t => t.Address != 0).GroupBy(t => t.Address).ToDictionary(g => g.Key, g => g.First());
        return _threadsByAddress.TryGetValue(address, out ClrThread? thread) ? thread : null;
    }

    /// <summary>The runtime's thread with this OS thread id (a stack's thread, a Lock's owner up to .NET 10).</summary>
    public ClrThread? ThreadOfOs(uint osThreadId)
    {
        _threadsByOsId ??= Runtime.Threads.Where(t => t.OSThreadId != 0).GroupBy(t => t.OSThreadId).ToDictionary(g => g.Key, g => g.First());
        return _threadsByOsId.TryGetValue(osThreadId, out ClrThread? thread) ? thread : null;
    }

    public int? StackOfOsThread(uint osThreadId) => _stackOfOsThread.TryGetValue(osThreadId, out int i) ? i : null;

    public int? StackOfManagedThread(int managedThreadId) => _stackOfManagedThread.TryGetValue(managedThreadId, out int i) ? i : null;

    /// <summary>First phase only: the stack at <paramref name="awaiting"/> continues in the stack at <paramref name="completer"/>.</summary>
    public void Continue(int awaiting, int completer, ulong via, string detail) =>
        _continuations.Add(new StackContinuation(awaiting, completer, via, detail));

    /// <summary>
    /// When the process recorded that the stack's wait began. The first recognizer to say wins (they run from the
    /// most specific, a gRPC call's start, to the least, a timer's); an instant after the capture is ignored.
    /// </summary>
    public void SetWait(int stack, DateTime sinceUtc, string source)
    {
        if (Clock is { } clock && sinceUtc > clock.WallUtc.AddSeconds(1))
            return;
        _waits.TryAdd(stack, (DateTime.SpecifyKind(sinceUtc, DateTimeKind.Utc), source));
    }

    public void Link(int from, int to, string kind, ulong? via, string? detail) =>
        StackLinks.Add(new StackLinkRow(from, to, 0, kind, via is ulong v ? unchecked((long)v) : null, detail));

    /// <summary>Something the recognizer expected and did not find (another library version?): the snapshot says so.</summary>
    public void Warn(string message) => _warnings.Add($"built-in {Current?.Name ?? "tables"}: {message}");

    /// <summary>The stacks with their wait times set.</summary>
    internal IReadOnlyList<CapturedStack> StacksWithWaits() =>
        _waits.Count == 0 ? Stacks : Stacks.Select((s, i) => _waits.TryGetValue(i, out var w) ? s with { WaitingSince = w.Since, WaitSource = w.Source } : s).ToList();

    internal BuiltInTables Tables() =>
        new(StackLinks.ToList(), GrpcClientCalls.ToList(), GrpcServerCalls.ToList(), HttpServerRequests.ToList(), Locks.ToList(), LockWaiters.ToList(), Deadlocks.ToList());
}
