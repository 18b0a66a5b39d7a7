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

    public AsyncStackWalker(FrameSymbolizer symbolizer) => _symbolizer = symbolizer;

    public IReadOnlyList<CapturedStack> Walk(IReadOnlyList<ClrObject> boxes)
    {
        var live = new Dictionary<ulong, BoxInfo>();
        foreach (ClrObject box in boxes)
        {
            if (box.Type is null || AsyncBoxes.IsCompleted(box))
                continue;
            StateMachineView? sm = AsyncBoxes.ReadStateMachine(box);
            if (sm is not { } view)
                continue;
            int state = view.ReadInt("<>1__state") ?? int.MinValue;
            if (state == -2)
                continue; // finished; a pooled box waiting for reuse
            live[box.Address] = new BoxInfo(box, view, state);
        }

        var resolver = new ContinuationResolver(live.Keys);
        var callerOf = new Dictionary<ulong, ulong>();
        var hasCallee = new HashSet<ulong>();
        foreach (BoxInfo info in live.Values)
        {
            List<ulong> callers = resolver.CallersOf(info.Box);
            if (callers.Count > 0)
            {
                callerOf[info.Box.Address] = callers[0];
                hasCallee.Add(callers[0]);
            }
        }

        var stacks = new List<CapturedStack>();
        foreach (BoxInfo leaf in live.Values.OrderBy(b => b.Box.Address))
        {
            if (hasCallee.Contains(leaf.Box.Address))
                continue;
            var frames = new List<CapturedFrame>();
            var seen = new HashSet<ulong>();
            ulong current = leaf.Box.Address;
            while (frames.Count < MaxChainLength && seen.Add(current) && live.TryGetValue(current, out BoxInfo? info))
            {
                frames.Add(FrameOf(info));
                if (!callerOf.TryGetValue(current, out current))
                    break;
            }
            stacks.Add(new CapturedStack(StackKinds.Async, frames,
                State: leaf.State == -1 ? "running" : "awaiting",
                Awaiting: leaf.State >= 0 ? AwaitedThing(leaf.StateMachine) : null,
                TaskAddress: leaf.Box.Address));
        }
        return stacks;
    }

    private CapturedFrame FrameOf(BoxInfo info)
    {
        ClrType smType = info.StateMachine.Type;
        string method = MethodNames.StateMachineToCSharp(smType.Name ?? "") ?? MethodNames.ToCSharp(smType.Name, null);
        ClrModule? module = smType.Module;
        ClrMethod? moveNext = smType.Methods.FirstOrDefault(m => m.Name == "MoveNext");
        int? il = null;
        SourceLocation? where = null;
        if (moveNext is not null && info.State >= 0)
        {
            ModuleSymbols? symbols = _symbolizer.Symbols.Get(module?.Name);
            il = symbols?.GetAwaitYieldOffset(moveNext.MetadataToken, info.State);
            if (il is int offset)
                where = symbols!.GetSourceLocation(moveNext.MetadataToken, offset);
        }
        return new CapturedFrame(method, FrameSymbolizer.ModuleName(module), il, where?.File, where?.Line,
            FrameKinds.Async, AwaitState: info.State == int.MinValue ? null : info.State,
            ObjectAddress: info.Box.Address, MethodToken: moveNext?.MetadataToken);
    }

    /// <summary>What the leaf is waiting for: the task held by its current awaiter (<c>&lt;&gt;u__N</c> fields).</summary>
    private static string? AwaitedThing(StateMachineView sm)
    {
        foreach (ClrInstanceField field in sm.Type.Fields)
        {
            if (field.Name is not { } n || !n.StartsWith("<>u__", StringComparison.Ordinal) || !field.IsValueType)
                continue;
            ClrValueType awaiter = sm.ReadStruct(field);
            if (awaiter.Type is null)
                continue;
            ClrObject awaited = default;
            if (awaiter.Type.GetFieldByName("m_task") is not null)
                awaiter.TryReadObjectField("m_task", out awaited);
            else if (awaiter.Type.GetFieldByName("_value") is ClrInstanceField value && value.IsValueType)
                awaiter.ReadValueTypeField(value).TryReadObjectField("_obj", out awaited);
            if (!awaited.IsNull && awaited.Type?.Name is string typeName)
                return FriendlyAwaited(typeName);
        }
        return null;
    }

    private static string FriendlyAwaited(string typeName) => typeName switch
    {
        "System.Threading.Tasks.Task+DelayPromise" or "System.Threading.Tasks.Task+DelayPromiseWithCancellation" => "Task.Delay",
        "System.Threading.SemaphoreSlim+TaskNode" => "SemaphoreSlim.WaitAsync",
        _ when typeName.StartsWith("System.Threading.Tasks.TaskCompletionSource", StringComparison.Ordinal) => "TaskCompletionSource",
        _ when AsyncBoxes.IsBoxTypeName(typeName) => "async method",
        _ => typeName,
    };

    private sealed record BoxInfo(ClrObject Box, StateMachineView StateMachine, int State);
}
