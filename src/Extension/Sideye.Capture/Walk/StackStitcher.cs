using Sideye.Snapshot;

namespace Sideye.Capture.Walk;

/// <summary>
/// Joins an async chain that is running right now (its leaf's state is -1, resumed on some thread) to the
/// thread running it, so it is listed once: the thread's frames down to the resumed method's MoveNext,
/// then the chain's callers (frame kind "async"), instead of the thread pool plumbing that resumed it. A .NET 11
/// runtime-async chain says which thread runs it; its frames follow the thread's down to the dispatcher.
/// </summary>
internal static class StackStitcher
{
    public static IReadOnlyList<CapturedStack> Stitch(IReadOnlyList<CapturedStack> threads, IReadOnlyList<CapturedStack> asyncStacks, out int stitched)
    {
        stitched = 0;
        var result = new List<CapturedStack>(threads);
        var used = new HashSet<int>();
        var remainingAsync = new List<CapturedStack>();
        foreach (CapturedStack chain in asyncStacks)
        {
            if (chain.State == "running" && chain.OsThreadId is uint runner)
            {
                // A .NET 11 runtime-async chain names the thread running it (its dispatcher): exact, no guessing by method.
                int t = -1;
                for (int i = 0; i < threads.Count && t < 0; i++)
                {
                    if (threads[i].OsThreadId == runner && !used.Contains(i))
                        t = i;
                }
                int cut = t < 0 ? -1 : DispatcherDepth(result[t].Frames);
                if (cut < 0)
                {
                    remainingAsync.Add(chain with { OsThreadId = null });
                    continue;
                }
                used.Add(t);
                result[t] = result[t] with { Frames = [.. result[t].Frames.Take(cut), .. chain.Frames], TaskAddress = chain.TaskAddress };
                stitched++;
                continue;
            }
            if (chain.State != "running" || chain.Frames.Count == 0)
            {
                remainingAsync.Add(chain);
                continue;
            }
            string leafMethod = chain.Frames[0].Method;
            int match = -1, matchDepth = -1;
            for (int t = 0; t < result.Count && t < threads.Count; t++)
            {
                if (used.Contains(t))
                    continue;
                IReadOnlyList<CapturedFrame> frames = result[t].Frames;
                for (int d = 0; d < frames.Count; d++)
                {
                    if (frames[d].Kind == FrameKinds.Managed && frames[d].Method == leafMethod)
                    {
                        if (match >= 0) { match = -2; break; } // ambiguous: two threads run the same method
                        match = t;
                        matchDepth = d;
                        break;
                    }
                }
                if (match == -2)
                    break;
            }
            if (match < 0)
            {
                remainingAsync.Add(chain);
                continue;
            }
            used.Add(match);
            CapturedStack thread = result[match];
            var frames2 = thread.Frames.Take(matchDepth + 1).Concat(chain.Frames.Skip(1)).ToList();
            // The thread's frame read the running state machine and MoveNext's own locals; where it has no
            // value (the DAC failed, say), the chain's leaf may have read it from the box.
            frames2[matchDepth] = frames2[matchDepth] with
            {
                Variables = Merge(frames2[matchDepth].Variables, chain.Frames[0].Variables),
                ObjectAddress = chain.Frames[0].ObjectAddress,
            };
            result[match] = thread with { Frames = frames2, TaskAddress = chain.TaskAddress };
            stitched++;
        }
        result.AddRange(remainingAsync);
        return result;
    }

    /// <summary>
    /// Where the runtime-async dispatcher begins on a thread's stack (innermost first): the resume stub that called the
    /// running method, or the dispatch loop itself. Frames from there down are the plumbing that resumed the chain.
    /// </summary>
    private static int DispatcherDepth(IReadOnlyList<CapturedFrame> frames)
    {
        for (int d = 0; d < frames.Count; d++)
        {
            string method = frames[d].Method;
            if (method.Contains("IL_STUB_AsyncResume", StringComparison.Ordinal) ||
                (method.StartsWith("System.Runtime.CompilerServices.AsyncHelpers", StringComparison.Ordinal) && method.Contains("DispatchContinuations", StringComparison.Ordinal)))
                return d;
        }
        return -1;
    }

    /// <summary>Per column: the thread frame's value, or the chain's where the thread frame has none.</summary>
    private static IReadOnlyList<CapturedVariable>? Merge(IReadOnlyList<CapturedVariable>? onThread, IReadOnlyList<CapturedVariable>? fromBox)
    {
        if (onThread is null || fromBox is null)
            return onThread ?? fromBox;
        return onThread.Select(v => v.Json is null && fromBox.FirstOrDefault(b => b.Column == v.Column && b.Json is not null) is { } boxed ? boxed : v).ToList();
    }
}
