using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// Follows a task's continuation object to the async state machine boxes it will resume: the callers of
/// an async method. The continuation can be the box itself, a List of continuations, a TaskContinuation
/// wrapper (m_task / m_action), a delegate (its _target), a ContinuationWrapper, or another Task (e.g. a
/// WhenAll promise) whose own continuation leads on. dotnet/diagnostics' dumpasync walks the same shapes.
/// </summary>
internal sealed class ContinuationResolver
{
    private const int MaxDepth = 8;
    private readonly HashSet<ulong> _boxes;

    public ContinuationResolver(IEnumerable<ulong> boxAddresses) => _boxes = new HashSet<ulong>(boxAddresses);

    /// <summary>The boxes (or runtime-async tasks) that continue after <paramref name="box"/> completes.</summary>
    public List<ulong> CallersOf(ClrObject box)
    {
        var result = new List<ulong>();
        if (AsyncBoxes.IsPoolingBox(box.Type!))
        {
            // PoolingAsyncValueTaskMethodBuilder boxes are not Tasks: the awaiting caller is recorded in their
            // ManualResetValueTaskSourceCore.
            ClrInstanceField? source = box.Type!.GetFieldByName("_valueTaskSource");
            if (source is not null)
                ResolveValueTaskSource(box.ReadValueTypeField(source), result);
            return result;
        }
        if (box.TryReadObjectField("m_continuationObject", out ClrObject continuation))
            Resolve(continuation, result, 0);
        if (result.Count == 0)
            ResolveAsyncIteratorConsumer(box, result);
        return result;
    }

    /// <summary>
    /// An async iterator's box has no task anyone awaits: its consumer (<c>await foreach</c>) awaits the ValueTask of
    /// <c>MoveNextAsync</c>, whose source is the iterator object itself. The awaiting box is recorded in the
    /// iterator's <c>&lt;&gt;v__promiseOfValueOrEnd</c> (a ManualResetValueTaskSourceCore) as its continuation state.
    /// </summary>
    private void ResolveAsyncIteratorConsumer(ClrObject box, List<ulong> result)
    {
        if (box.Type!.GetFieldByName("StateMachine") is not { IsObjectReference: true } ||
            !box.TryReadObjectField("StateMachine", out ClrObject iterator) || iterator.IsNull ||
            iterator.Type?.GetFieldByName(PromiseOfValueOrEnd) is not { IsValueType: true } promise)
            return;
        ResolveValueTaskSource(iterator.ReadValueTypeField(promise), result);
    }

    /// <summary>
    /// A ManualResetValueTaskSourceCore records its awaiter as (continuation, state): the state is the awaiting box,
    /// or else the continuation leads to it.
    /// </summary>
    private void ResolveValueTaskSource(ClrValueType core, List<ulong> result)
    {
        if (core.TryReadObjectField("_continuationState", out ClrObject state))
            Resolve(state, result, 0);
        if (result.Count == 0 && core.TryReadObjectField("_continuation", out ClrObject continuation))
            Resolve(continuation, result, 0);
    }

    private const string PromiseOfValueOrEnd = "<>v__promiseOfValueOrEnd";

    private void Resolve(ClrObject obj, List<ulong> result, int depth)
    {
        if (obj.IsNull || !obj.IsValid || obj.Type is null || depth > MaxDepth)
            return;
        if (_boxes.Contains(obj.Address))
        {
            if (!result.Contains(obj.Address))
                result.Add(obj.Address);
            return;
        }
        string name = obj.Type.Name ?? "";
        if (name.StartsWith("System.Collections.Generic.List<", StringComparison.Ordinal))
        {
            if (obj.TryReadObjectField("_items", out ClrObject items) && items.IsArray && obj.TryReadField("_size", out int size))
            {
                ClrArray array = items.AsArray();
                for (int i = 0; i < Math.Min(size, array.Length); i++)
                    Resolve(array.GetObjectValue(i), result, depth + 1);
            }
            return;
        }
        if (obj.IsDelegate)
        {
            if (obj.TryReadObjectField("_target", out ClrObject target))
                Resolve(target, result, depth + 1);
            return;
        }
        // TaskContinuation subclasses, ContinuationWrapper, Task-derived promises: try the fields that lead on.
        foreach (string field in FollowFields)
        {
            if (obj.Type.GetFieldByName(field) is not null && obj.TryReadObjectField(field, out ClrObject next) && !next.IsNull)
                Resolve(next, result, depth + 1);
        }
    }

    // RuntimeAsyncTask: a RuntimeAsyncTaskContinuation's awaiting task (.NET 11); its Task field is the awaited one, inwards.
    private static readonly string[] FollowFields =
        ["m_task", "m_action", "_continuation", "m_continuationObject", "_innerTask", "m_stateObject", "RuntimeAsyncTask"];
}
