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
            CollapseAsyncKickoffs(frames);
            threadNames.TryGetValue(thread.ManagedThreadId, out string? name);
            stacks.Add(new CapturedStack(StackKinds.Thread, frames, thread.OSThreadId, thread.ManagedThreadId,
                name ?? DefaultName(thread), DescribeState(thread)));
        }
        return stacks;
    }

    /// <summary>
    /// An async method that has not yet awaited runs as three or four frames: its MoveNext (named after the
    /// method), the builder's <c>Start</c> (one or two), and the compiler's kickoff stub (named after the method too). Only the first
    /// is the user's code, and only it can read the method's variables: the other two are dropped, so the
    /// method appears (and is captured) once, as a debugger's async call stack shows it.
    /// </summary>
    internal static void CollapseAsyncKickoffs(List<CapturedFrame> frames)
    {
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i].Kind != FrameKinds.Managed)
                continue;
            int j = i + 1; // past the builder's Start frames (one, or two when the builder's own Start is not inlined)
            while (j < frames.Count && IsBuilderStart(frames[j].Method))
                j++;
            if (j > i + 1 && j < frames.Count && frames[j].Method == frames[i].Method)
                frames.RemoveRange(i + 1, j - i);
        }
    }

    private static bool IsBuilderStart(string method) =>
        method.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) && method.EndsWith(".Start", StringComparison.Ordinal);

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
