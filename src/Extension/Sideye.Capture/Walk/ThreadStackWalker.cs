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
                    frames.Add(_symbolizer.ManagedFrame(method, frame.InstructionPointer, isLeaf));
                else if (frame.Kind == ClrStackFrameKind.Runtime)
                    frames.Add(new CapturedFrame($"[{frame.FrameName ?? "runtime"}]", null, null, null, null,
                        FrameKinds.Runtime, InstructionPointer: frame.InstructionPointer));
                else
                    frames.Add(new CapturedFrame("[native code]", null, null, null, null, FrameKinds.Native,
                        InstructionPointer: frame.InstructionPointer));
            }
            if (frames.Count == 0)
                continue; // a thread with no managed code on it (not started, or exiting): nothing to show
            threadNames.TryGetValue(thread.ManagedThreadId, out string? name);
            stacks.Add(new CapturedStack(StackKinds.Thread, frames, thread.OSThreadId, thread.ManagedThreadId,
                name ?? DefaultName(thread), DescribeState(thread)));
        }
        return stacks;
    }

    private static string? DefaultName(ClrThread thread) =>
        thread.IsFinalizer ? ".NET Finalizer" : null;

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
        if (thread.LockCount > 0) parts.Add($"holds-{thread.LockCount}-monitor(s)");
        return parts.Count == 0 ? "running" : string.Join(",", parts);
    }
}
