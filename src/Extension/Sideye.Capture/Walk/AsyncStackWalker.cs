using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Naming;
using Sideye.Capture.Symbols;
using Sideye.Snapshot;

namespace Sideye.Capture.Walk;

/// <summary>
/// Builds async logical stacks: chains of suspended async methods found on the heap, leaf first. A leaf
/// is a box or runtime-async task no other one resumes into (it awaits something that is not an async method: a
/// delay, a lock, I/O); its callers follow through the continuation objects.
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

    /// <summary>
    /// One stack per logical operation across both async models: state machine boxes and pending .NET 11
    /// runtime-async tasks are the nodes, a task's continuation leads to its caller (a box, or the runtime-async task
    /// whose <c>RuntimeAsyncTaskContinuation</c> awaits it), and a leaf is a node nobody else's task leads to.
    /// </summary>
    public IReadOnlyList<CapturedStack> Walk(IReadOnlyList<ClrObject> boxes, IReadOnlyList<ClrObject> runtimeAsyncTasks)
    {
        var nodes = new Dictionary<ulong, Node>();
        var reader = new AsyncBoxes(_heap, _cache);
        foreach (ClrObject box in boxes)
        {
            if (box.Type is not null && reader.ReadLive(box) is LiveBox liveBox)
                nodes[box.Address] = new Node(box, [FrameOf(liveBox)], liveBox, null, null);
        }
        Dictionary<ulong, Dispatcher> dispatchers = runtimeAsyncTasks.Count > 0 ? _runtimeAsync.Dispatchers() : [];
        foreach (ClrObject task in runtimeAsyncTasks)
        {
            if (_runtimeAsync.Read(task) is not { } chain)
                continue;
            if (chain.Suspended)
            {
                nodes[task.Address] = new Node(task, chain.Frames, null, chain, null);
            }
            else if (dispatchers.TryGetValue(task.Address, out Dispatcher? dispatcher))
            {
                // Running: the executing method is on the thread's stack; the methods it returns to are the dispatcher's.
                RuntimeAsyncChain rest = dispatcher.NextContinuation == 0 ? RuntimeAsyncChain.Running
                    : _runtimeAsync.ChainFrom(dispatcher.NextContinuation, $"the dispatcher of thread {dispatcher.OsThreadId}");
                nodes[task.Address] = new Node(task, rest.Frames, null, rest, dispatcher.OsThreadId);
            }
            // A pending task with no chain and no thread (queued to run, say) has no frames to show: whoever awaits it
            // is the leaf, awaiting an async method.
        }

        var resolver = new ContinuationResolver(nodes.Keys);
        var callerOf = new Dictionary<ulong, ulong>();
        var hasCallee = new HashSet<ulong>();
        foreach (Node node in nodes.Values)
        {
            List<ulong> callers = resolver.CallersOf(node.Task);
            if (callers.Count > 0 && callers[0] != node.Task.Address)
            {
                callerOf[node.Task.Address] = callers[0];
                hasCallee.Add(callers[0]);
            }
        }

        var stacks = new List<CapturedStack>();
        var walked = new HashSet<ulong>();
        foreach (Node leaf in nodes.Values.OrderBy(n => n.Task.Address))
        {
            if (hasCallee.Contains(leaf.Task.Address))
                continue;
            var frames = new List<CapturedFrame>();
            var seen = new HashSet<ulong>();
            ulong current = leaf.Task.Address;
            while (frames.Count < MaxChainLength && seen.Add(current) && nodes.TryGetValue(current, out Node? node))
            {
                frames.AddRange(node.Frames);
                walked.Add(current);
                if (!callerOf.TryGetValue(current, out current))
                    break;
            }
            stacks.Add(StackOf(leaf, frames));
        }

        // What no leaf led to is a cycle: methods awaiting each other's tasks (A awaits B's task, B awaits A's), where
        // every node is some other node's caller. Each is listed as a stack of its own, awaiting the next one's task:
        // none of them is the outer call of another, and the built-in recognizers find the cycle in what they await.
        foreach (Node member in nodes.Values.OrderBy(n => n.Task.Address))
        {
            if (walked.Add(member.Task.Address))
                stacks.Add(StackOf(member, [.. member.Frames]));
        }
        return stacks;
    }

    private CapturedStack StackOf(Node leaf, List<CapturedFrame> frames)
    {
        if (leaf.Box is { } box)
        {
            (string? awaiting, ulong? awaitedAddress) = box.State >= 0 ? AwaitedThing(box) : (null, null);
            return new CapturedStack(StackKinds.Async, frames,
                State: box.State == -1 ? "running" : "awaiting",
                Awaiting: awaiting,
                TaskAddress: box.Box.Address,
                AwaitedAddress: awaitedAddress);
        }
        // A runtime-async task: running on a thread (the stitcher puts the thread's frames above these), or suspended
        // awaiting what its innermost continuation names.
        ulong? awaited = leaf.RunningOn is null ? leaf.Chain?.AwaitedAddress : null;
        return new CapturedStack(StackKinds.Async, frames,
            OsThreadId: leaf.RunningOn,
            State: leaf.RunningOn is null ? "awaiting" : "running",
            Awaiting: awaited is ulong address ? NameOf(address) : null,
            TaskAddress: leaf.Task.Address,
            AwaitedAddress: awaited);
    }

    private string? NameOf(ulong address) =>
        _heap.GetObject(address).Type?.Name is string typeName ? FriendlyAwaited(typeName) : null;

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

    /// <summary>
    /// A node of the async graph: a live state machine box (<see cref="Box"/>, one frame) or a pending runtime-async task
    /// (<see cref="Chain"/>: its suspended methods, or, when <see cref="RunningOn"/> a thread, those its dispatcher runs next).
    /// </summary>
    private sealed record Node(ClrObject Task, IReadOnlyList<CapturedFrame> Frames, LiveBox? Box, RuntimeAsyncChain? Chain, uint? RunningOn);

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
        // Kestrel's own socket event args (a connection's receive and send loops).
        "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.Internal.SocketReceiver"
            or "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.Internal.SocketSender" => "Socket I/O",
        "System.Net.Http.Http2Connection+Http2Stream" => "HTTP/2 response",
        _ when typeName.StartsWith("System.Threading.Tasks.TaskCompletionSource", StringComparison.Ordinal) => "TaskCompletionSource",
        _ when AsyncBoxes.IsBoxTypeName(typeName) || RuntimeAsyncChains.IsRuntimeAsyncTask(typeName) => "async method",
        _ => typeName,
    };

}
