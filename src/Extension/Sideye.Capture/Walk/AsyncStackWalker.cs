using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Naming;
using Sideye.Capture.Symbols;
using Sideye.Snapshot;

namespace Sideye.Capture.Walk;

/// <summary>
/// Builds async logical stacks: chains of suspended async methods found on the heap, leaf first. A leaf
/// is a box no other box resumes into (it awaits something that is not an async method: a delay, a
/// lock, I/O); its callers follow through the continuation objects.
/// </summary>
internal sealed class AsyncStackWalker
{
    private const int MaxChainLength = 512;
    private readonly FrameSymbolizer _symbolizer;
    private readonly ClrHeap _heap;
    private readonly TypeLayoutCache _cache;

    private readonly RuntimeAsyncChains _runtimeAsync;

    public AsyncStackWalker(FrameSymbolizer symbolizer, ClrHeap heap, TypeLayoutCache cache)
    {
        _symbolizer = symbolizer;
        _heap = heap;
        _cache = cache;
        _runtimeAsync = new RuntimeAsyncChains(heap, symbolizer, Warnings);
    }

    /// <summary>What could not be read (parts of runtime-async chains), for the snapshot's warnings.</summary>
    public List<string> Warnings { get; } = new();

    public IReadOnlyList<CapturedStack> Walk(IReadOnlyList<ClrObject> boxes)
    {
        var live = new Dictionary<ulong, LiveBox>();
        var reader = new AsyncBoxes(_heap, _cache);
        foreach (ClrObject box in boxes)
        {
            if (box.Type is not null && reader.ReadLive(box) is LiveBox liveBox)
                live[box.Address] = liveBox;
        }

        var resolver = new ContinuationResolver(live.Keys);
        var callerOf = new Dictionary<ulong, ulong>();
        var hasCallee = new HashSet<ulong>();
        foreach (LiveBox info in live.Values)
        {
            List<ulong> callers = resolver.CallersOf(info.Box);
            if (callers.Count > 0)
            {
                callerOf[info.Box.Address] = callers[0];
                hasCallee.Add(callers[0]);
            }
        }

        var stacks = new List<CapturedStack>();
        var walked = new HashSet<ulong>();
        foreach (LiveBox leaf in live.Values.OrderBy(b => b.Box.Address))
        {
            if (hasCallee.Contains(leaf.Box.Address))
                continue;
            var frames = new List<CapturedFrame>();
            var seen = new HashSet<ulong>();
            ulong current = leaf.Box.Address;
            while (frames.Count < MaxChainLength && seen.Add(current) && live.TryGetValue(current, out LiveBox? info))
            {
                frames.Add(FrameOf(info));
                walked.Add(current);
                if (!callerOf.TryGetValue(current, out current))
                    break;
            }
            stacks.Add(StackOf(leaf, frames));
        }

        // What no leaf led to is a cycle: methods awaiting each other's tasks (A awaits B's task, B awaits A's), where
        // every box is some other box's caller. Each is listed as a stack of its own, awaiting the next one's task:
        // none of them is the outer call of another, and the built-in recognizers find the cycle in what they await.
        foreach (LiveBox member in live.Values.OrderBy(b => b.Box.Address))
        {
            if (walked.Add(member.Box.Address))
                stacks.Add(StackOf(member, [FrameOf(member)]));
        }
        return stacks;
    }

    private CapturedStack StackOf(LiveBox leaf, List<CapturedFrame> frames)
    {
        (string? awaiting, ulong? awaitedAddress) = leaf.State >= 0 ? AwaitedThing(leaf) : (null, null);
        if (awaitedAddress is ulong awaited && RuntimeAsyncChains.IsRuntimeAsyncTask(awaiting))
        {
            // A state machine awaiting a runtime-async method (.NET 11's framework): that call's suspended methods
            // go below the leaf. What the innermost of them awaits is not known yet (finding it needs the reverse of
            // a task's continuation), so the stack says nothing rather than name the RuntimeAsyncTask it has looked into.
            List<CapturedFrame> inner = _runtimeAsync.FramesOf(awaited);
            if (inner.Count > 0)
            {
                frames = [.. inner, .. frames];
                awaiting = null;
            }
        }
        return new CapturedStack(StackKinds.Async, frames,
            State: leaf.State == -1 ? "running" : "awaiting",
            Awaiting: awaiting,
            TaskAddress: leaf.Box.Address,
            AwaitedAddress: awaitedAddress);
    }

    private CapturedFrame FrameOf(LiveBox box)
    {
        StateMachineInfo m = box.Info;
        int? il = null;
        SourceLocation? where = null;
        if (m.MoveNextToken is int token && box.State >= 0)
        {
            ModuleSymbols? symbols = _symbolizer.Symbols.Get(m.ModulePath);
            il = symbols?.GetAwaitYieldOffset(token, box.State);
            if (il is int offset)
                where = symbols!.GetSourceLocation(token, offset);
        }
        return new CapturedFrame(m.Method, m.ModuleName, il, where?.File, where?.Line,
            FrameKinds.Async, AwaitState: box.State, ObjectAddress: box.Box.Address, MethodToken: m.MoveNextToken);
    }

    /// <summary>What the leaf is waiting for: the object held by its current awaiter (<c>&lt;&gt;u__N</c> fields).</summary>
    private (string? Name, ulong? Address) AwaitedThing(LiveBox box)
    {
        IDataReader memory = _heap.Runtime.DataTarget.DataReader;
        ulong fields = box.StateMachineIsStruct ? box.StateMachineAddress : box.StateMachineAddress + (ulong)memory.PointerSize;
        foreach (int offset in box.Info.AwaitedOffsets)
        {
            // A resumed method clears its awaiter: the one holding an object is the current await.
            if (!memory.ReadPointer(fields + (ulong)offset, out ulong awaited) || awaited == 0 || !memory.ReadPointer(awaited, out ulong methodTable))
                continue;
            if (_cache.TypeNames.GetOrAdd(methodTable, mt => _heap.Runtime.GetTypeByMethodTable(mt)?.Name) is string typeName)
                return (FriendlyAwaited(typeName), awaited);
        }
        return (null, null);
    }

    /// <summary>
    /// The call a person wrote for the runtime object a suspended call awaits (<c>Task.Delay</c> for a DelayPromise,
    /// <c>ChannelReader.ReadAsync</c> for a BlockedReadAsyncOperation); other objects keep their type name.
    /// </summary>
    internal static string FriendlyAwaited(string typeName) => Values.TypeNames.GenericDefinition(typeName) switch
    {
        "System.Threading.Tasks.Task+DelayPromise" or "System.Threading.Tasks.Task+DelayPromiseWithCancellation" => "Task.Delay",
        "System.Threading.SemaphoreSlim+TaskNode" => "SemaphoreSlim.WaitAsync",
        "System.Threading.Channels.BlockedReadAsyncOperation" => "ChannelReader.ReadAsync",
        "System.Threading.Channels.WaitingReadAsyncOperation" => "ChannelReader.WaitToReadAsync",
        "System.Threading.Channels.BlockedWriteAsyncOperation" => "ChannelWriter.WriteAsync",
        "System.Threading.Channels.WaitingWriteAsyncOperation" => "ChannelWriter.WaitToWriteAsync",
        "System.IO.Pipelines.Pipe+DefaultPipeReader" => "PipeReader.ReadAsync",
        "System.IO.Pipelines.Pipe+DefaultPipeWriter" => "PipeWriter.FlushAsync",
        "System.Net.Sockets.Socket+AwaitableSocketAsyncEventArgs" => "Socket I/O",
        "System.Net.Http.Http2Connection+Http2Stream" => "HTTP/2 response",
        _ when typeName.StartsWith("System.Threading.Tasks.TaskCompletionSource", StringComparison.Ordinal) => "TaskCompletionSource",
        _ when AsyncBoxes.IsBoxTypeName(typeName) => "async method",
        _ => typeName,
    };

}
