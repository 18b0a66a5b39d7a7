using Microsoft.Diagnostics.Runtime;
using Sideye.Snapshot;

namespace Sideye.Capture.Walk;

/// <summary>Walks every live managed thread's stack with ClrMD.</summary>
internal sealed class ThreadStackWalker
{
    private const int MaxFrames = 4096; // a runaway recursion must not stall the pause

    private readonly FrameSymbolizer _symbolizer;

    public ThreadStackWalker(FrameSymbolizer symbolizer) => _symbolizer = symbolizer;

    public IReadOnlyList<CapturedStack> Walk(ClrRuntime runtime, IReadOnlyDictionary<int, string> threadNames)
    {
        var stacks = new List<CapturedStack>();
        foreach (ClrThread thread in runtime.Threads)
        {
            if (!thread.IsAlive)
                continue;
            var frames = new List<CapturedFrame>();
            foreach (ClrStackFrame frame in thread.EnumerateStackTrace(includeContext: false, MaxFrames))
            {
                bool isLeaf = frames.Count == 0;
                if (frame.Kind == ClrStackFrameKind.ManagedMethod && frame.Method is ClrMethod method)
                    frames.Add(_symbolizer.ManagedFrame(method, frame.InstructionPointer, isLeaf) with { StackPointer = frame.StackPointer });
                else
                    AddMarker(frames, frame);
            }
            if (!frames.Any(f => f.Kind == FrameKinds.Managed))
                continue; // idle runtime threads with no managed code on them: nothing to show
            threadNames.TryGetValue(thread.ManagedThreadId, out string? name);
            stacks.Add(new CapturedStack(StackKinds.Thread, frames, thread.OSThreadId, thread.ManagedThreadId,
                name ?? DefaultName(thread), DescribeState(thread)));
        }
        return stacks;
    }

    /// <summary>
    /// Runtime transition frames become one marker each. An InlinedCallFrame on top means the thread is in
    /// native code called through P/Invoke (ClrMD reports it twice in a row; consecutive duplicates merge).
    /// </summary>
    private static void AddMarker(List<CapturedFrame> frames, ClrStackFrame frame)
    {
        (string name, string kind) = frame.FrameName switch
        {
            "InlinedCallFrame" => ("[native code]", FrameKinds.Native),
            null or "" => ("[runtime]", FrameKinds.Runtime),
            string other => ($"[{other}]", FrameKinds.Runtime),
        };
        if (frames.Count > 0 && frames[^1].Method == name)
            return;
        frames.Add(new CapturedFrame(name, null, null, null, null, kind, InstructionPointer: frame.InstructionPointer));
    }

    // Managed thread 1 is the thread that ran Main; .NET never names it, debuggers call it the main thread.
    private static string? DefaultName(ClrThread thread) =>
        thread.IsFinalizer ? ".NET Finalizer" : thread.ManagedThreadId == 1 ? "Main Thread" : null;

    private static string DescribeState(ClrThread thread)
    {
        ClrThreadState s = thread.State;
        var parts = new List<string>();
        if ((s & ClrThreadState.TS_Background) != 0) parts.Add("background");
        if ((s & ClrThreadState.TS_AbortRequested) != 0) parts.Add("abort-requested");
        if ((s & ClrThreadState.TS_TPWorkerThread) != 0) parts.Add("threadpool-worker");
        if ((s & ClrThreadState.TS_CompletionPortThread) != 0) parts.Add("threadpool-io");
        if (thread.IsFinalizer) parts.Add("finalizer");
        if (thread.CurrentException is not null) parts.Add("exception");
        if (thread.LockCount is > 0 and < 10_000) parts.Add($"holds-{thread.LockCount}-monitor(s)"); // uint.MaxValue means unknown
        return parts.Count == 0 ? "running" : string.Join(",", parts);
    }
}
