using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Joins a stack that ends awaiting a task to the stack whose code will complete it (a gRPC call's
/// <c>RunCall</c> under the <c>await call.ResponseAsync</c> of the user's method): one logical stack, the
/// completer's frames innermost, then a marker frame naming the link, then the awaiting stack's frames. A
/// completer claimed by two awaiting stacks is joined to the first only; chains (a completer that itself
/// awaits another completer) join transitively.
/// </summary>
internal static class ContinuationStitcher
{
    public static IReadOnlyList<CapturedStack> Join(IReadOnlyList<CapturedStack> stacks, IReadOnlyList<StackContinuation> continuations)
    {
        if (continuations.Count == 0)
            return stacks;
        var completerOf = new Dictionary<int, StackContinuation>();
        var claimed = new HashSet<int>();
        foreach (StackContinuation c in continuations)
        {
            if (c.Awaiting == c.Completer || completerOf.ContainsKey(c.Awaiting) || !claimed.Add(c.Completer))
                continue;
            completerOf[c.Awaiting] = c;
        }

        var result = new List<CapturedStack>();
        var placed = new HashSet<int>();
        for (int i = 0; i < stacks.Count; i++)
        {
            if (claimed.Contains(i))
                continue; // it is listed as the innermost part of the stack awaiting it
            CapturedStack joined = stacks[i];
            placed.Add(i);
            int current = i;
            while (completerOf.TryGetValue(current, out StackContinuation? c) && placed.Add(c.Completer))
            {
                joined = Prepend(stacks[c.Completer], c, joined);
                current = c.Completer;
            }
            result.Add(joined);
        }
        // A cycle of completers (each one claimed) has no outermost stack: its stacks stay as they were.
        result.AddRange(Enumerable.Range(0, stacks.Count).Where(i => !placed.Contains(i)).Select(i => stacks[i]));
        return result;
    }

    private static CapturedStack Prepend(CapturedStack completer, StackContinuation c, CapturedStack awaiting)
    {
        var marker = new CapturedFrame($"[{c.Detail}]", null, null, null, null, FrameKinds.Continuation, ObjectAddress: c.Via);
        var frames = new List<CapturedFrame>(completer.Frames.Count + 1 + awaiting.Frames.Count);
        frames.AddRange(completer.Frames);
        frames.Add(marker);
        frames.AddRange(awaiting.Frames);
        // The joined stack is what runs or waits innermost: the completer's kind, thread, state and wait.
        return completer with { Frames = frames };
    }
}
