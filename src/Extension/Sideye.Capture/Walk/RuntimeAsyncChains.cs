using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// The suspended and running methods of .NET 11 runtime-async calls (layouts: dumps/README.md, "runtime-async"). A
/// pending <c>AsyncHelpers+RuntimeAsyncTask&lt;T&gt;</c> holds its innermost <c>Continuation</c> in <c>m_stateObject</c>,
/// and each continuation its caller's in <c>Next</c>; a task whose chain a thread is running has none, and that thread's
/// <c>AsyncDispatcherInfo.t_current</c> names the task and the continuations still to run. Chains are only ever walked
/// forward from a pending task or a thread: the heap also holds dead (reused) continuations that point into live ones.
/// </summary>
internal sealed class RuntimeAsyncChains
{
    private const string TaskTypePrefix = "System.Runtime.CompilerServices.AsyncHelpers+RuntimeAsyncTask<";
    private const string TaskContinuationTypeName = "System.Runtime.CompilerServices.RuntimeAsyncTaskContinuation";
    private const string ValueTaskSourceContinuationTypeName = "System.Runtime.CompilerServices.AsyncHelpers+ValueTaskSourceContinuation";
    private const string HelpersPrefix = "System.Runtime.CompilerServices.AsyncHelpers.";
    private const int MaxChainLength = 512;

    private readonly ClrHeap _heap;
    private readonly IDataReader _memory;
    private readonly FrameSymbolizer _symbolizer;
    private readonly List<string> _warnings;
    private ContinuationLayout? _layout;
    private bool _layoutRead;

    public RuntimeAsyncChains(ClrHeap heap, FrameSymbolizer symbolizer, List<string> warnings)
    {
        _heap = heap;
        _memory = heap.Runtime.DataTarget.DataReader;
        _symbolizer = symbolizer;
        _warnings = warnings;
    }

    public static bool IsRuntimeAsyncTask(string? typeName) => typeName?.StartsWith(TaskTypePrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// A pending task's suspended chain; a chain with no frames and <see cref="RuntimeAsyncChain.Suspended"/> false when
    /// no continuation is stored (a thread is running it); null when the task has completed.
    /// </summary>
    public RuntimeAsyncChain? Read(ClrObject task)
    {
        if (task.TryReadField("m_stateFlags", out int flags) && (flags & Values.TaskStateFlags.Completed) != 0)
            return null;
        if (!task.TryReadObjectField("m_stateObject", out ClrObject head) || head.IsNull)
            return RuntimeAsyncChain.Running;
        return ChainFrom(head.Address, $"task 0x{task.Address:x}");
    }

    /// <summary>The frames (innermost first) from <paramref name="continuation"/> outwards along <c>Next</c>, and what the innermost awaits.</summary>
    public RuntimeAsyncChain ChainFrom(ulong continuation, string owner)
    {
        var frames = new List<CapturedFrame>();
        ulong? awaited = null;
        var seen = new HashSet<ulong>();
        ClrObject current = _heap.GetObject(continuation);
        while (!current.IsNull && frames.Count < MaxChainLength && seen.Add(current.Address))
        {
            // Runtime-generated subtypes have no metadata: the header is read through the base type's fields.
            if (ContinuationLayout.BaseOf(current.Type) is not { } baseType)
            {
                Warn($"runtime async: {current.Type?.Name ?? "an object of unknown type"} at 0x{current.Address:x} in the chain of {owner} is not a Continuation: the chain is cut there");
                break;
            }
            if (LayoutOf(baseType) is not { } layout)
                break;
            if (!_memory.ReadPointer(current.Address + layout.Next, out ulong next))
            {
                Warn($"runtime async: the Next link of continuation 0x{current.Address:x} cannot be read: the chain is cut there");
                next = 0;
            }
            if (frames.Count == 0 && awaited is null)
                awaited = AwaitedByPlumbing(current);
            // A plumbing continuation (RuntimeAsyncTaskContinuation, ValueTaskSourceContinuation, a per-thread sentinel)
            // has no ResumeInfo or no DiagnosticIP: it is no method of anyone's.
            if (layout.DiagnosticIPOf(_memory, current.Address) is ulong diagnosticIP && diagnosticIP != 0)
            {
                ClrMethod? method = _heap.Runtime.GetMethodByInstructionPointer(diagnosticIP);
                if (method is null)
                {
                    Warn($"runtime async: no method at DiagnosticIP 0x{diagnosticIP:x} (continuation 0x{current.Address:x}): that frame is left out");
                }
                else
                {
                    int? state = _memory.Read(current.Address + layout.State, out int s) ? s : null;
                    CapturedFrame frame = _symbolizer.RuntimeAsyncFrame(method, diagnosticIP, state, current.Address);
                    // The runtime's own await helpers (AwaitTaskWithRareOptions, ...) keep what they await among their
                    // saved references: the awaiter's task, the only object of theirs.
                    if (frames.Count == 0 && awaited is null && frame.Method.StartsWith(HelpersPrefix, StringComparison.Ordinal))
                        awaited = SavedReference(current, next);
                    frames.Add(frame);
                }
            }
            current = _heap.GetObject(next);
        }
        return new RuntimeAsyncChain(frames, awaited, Suspended: true);
    }

    /// <summary>
    /// Which runtime-async tasks threads are running, with each the continuations its dispatcher will run after the
    /// executing method returns (the thread's <c>AsyncDispatcherInfo.t_current</c>; the innermost dispatcher only).
    /// </summary>
    public Dictionary<ulong, Dispatcher> Dispatchers()
    {
        var result = new Dictionary<ulong, Dispatcher>();
        ClrType? info = _heap.Runtime.BaseClassLibrary.GetTypeByName("System.Runtime.CompilerServices.AsyncDispatcherInfo");
        ClrThreadStaticField? current = info?.ThreadStaticFields.FirstOrDefault(f => f.Name == "t_current");
        ClrInstanceField? nextContinuation = info?.GetFieldByName("NextContinuation");
        ClrInstanceField? currentTask = info?.GetFieldByName("CurrentTask");
        if (current is null || nextContinuation is null || currentTask is null)
            return result; // before .NET 11: no runtime async
        foreach (ClrThread thread in _heap.Runtime.Threads)
        {
            if (!thread.IsAlive)
                continue;
            ulong slot = current.GetAddress(thread);
            // t_current is a pointer to a struct on the thread's own stack: the struct's fields count from its start.
            if (slot == 0 || !_memory.ReadPointer(slot, out ulong at) || at == 0 ||
                !_memory.ReadPointer(at + (ulong)currentTask.Offset, out ulong task) || task == 0 ||
                !_memory.ReadPointer(at + (ulong)nextContinuation.Offset, out ulong next))
                continue;
            result.TryAdd(task, new Dispatcher(thread.OSThreadId, next));
        }
        return result;
    }

    /// <summary>What a plumbing head continuation stands for: the awaited task, or the value-task source.</summary>
    private ulong? AwaitedByPlumbing(ClrObject continuation)
    {
        string? field = continuation.Type?.Name switch
        {
            TaskContinuationTypeName => "Task",
            ValueTaskSourceContinuationTypeName => "Source",
            _ => null,
        };
        return field is not null && continuation.TryReadObjectField(field, out ClrObject target) && !target.IsNull ? target.Address : null;
    }

    /// <summary>The first object a continuation keeps (a Task first), other than its caller's continuation.</summary>
    private ulong? SavedReference(ClrObject continuation, ulong next)
    {
        ulong? first = null;
        foreach (ClrObject reference in continuation.EnumerateReferences(carefully: true))
        {
            if (reference.IsNull || reference.Address == next || reference.Type is null)
                continue;
            if (IsTask(reference.Type))
                return reference.Address;
            first ??= reference.Address;
        }
        return first;
    }

    private static bool IsTask(ClrType type)
    {
        for (ClrType? t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == "System.Threading.Tasks.Task")
                return true;
        }
        return false;
    }

    private ContinuationLayout? LayoutOf(ClrType continuation)
    {
        if (_layoutRead)
            return _layout;
        _layoutRead = true;
        _layout = ContinuationLayout.Of(continuation, out string? problem);
        if (problem is not null)
            Warn(problem);
        return _layout;
    }

    private void Warn(string warning)
    {
        if (!_warnings.Contains(warning))
            _warnings.Add(warning);
    }
}

/// <summary>
/// The suspended methods of one runtime-async task (innermost first) and the object the innermost awaits (a task, a
/// value-task source), when the chain says. <see cref="Suspended"/> is false for a task a thread is running.
/// </summary>
internal sealed record RuntimeAsyncChain(IReadOnlyList<CapturedFrame> Frames, ulong? AwaitedAddress, bool Suspended)
{
    public static RuntimeAsyncChain Running { get; } = new([], null, Suspended: false);
}

/// <summary>A thread running a runtime-async task: its OS thread id and the continuation its dispatcher runs next (0: none).</summary>
internal sealed record Dispatcher(uint OsThreadId, ulong NextContinuation);
