using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns.Locks;

/// <summary>
/// The lock each blocked thread waits for. A thread waiting to enter a lock is inside the lock's own wait methods
/// (<c>Monitor.Enter_Slowpath</c>, <c>Lock.TryEnterSlow</c>, <c>SemaphoreSlim.Wait</c>,
/// <c>ReaderWriterLockSlim.TryEnterWriteLockCore</c>...), and those frames hold the lock object as a GC root: the
/// runtime reports it because the wait needs it afterwards. Only the roots of those frames are read, never the
/// caller's (which holds the locks it already owns as well).
/// </summary>
internal static class ThreadLockWaits
{
    private const string Monitor = "System.Threading.Monitor.";
    private const string Lock = "System.Threading.Lock.";
    private const string LockTypeName = "System.Threading.Lock";
    private const string Semaphore = "System.Threading.SemaphoreSlim.";
    private const string ReaderWriter = "System.Threading.ReaderWriterLockSlim.";
    // What a lock waits in: WaitHandle.WaitOneNoCheck, LowLevelLifoSemaphore, and (a SemaphoreSlim.Wait queued behind
    // async waiters) Task.Wait through TaskAwaiter.GetResult.
    private static readonly string[] WaitPrimitives = ["System.Threading.", "System.Runtime.CompilerServices.TaskAwaiter"];

    public static List<LockWait> Find(BuiltInContext context)
    {
        var waits = new List<LockWait>();
        List<SyncBlock>? heldMonitors = null;
        for (int i = 0; i < context.Stacks.Count; i++)
        {
            CapturedStack stack = context.Stacks[i];
            if (stack.OsThreadId is not uint os || WaitFrames(stack.Frames) is not { } wait)
                continue;
            if (context.ThreadOfOs(os) is not { } thread)
                continue;
            ulong? lockAddress = LockObject(thread, stack.Frames, wait.First, wait.Last, wait.Kind);
            // .NET 11: the Monitor frames no longer hold the object (only its sync block's Lock is needed to wait).
            if (lockAddress is null && wait.LockFirst >= 0 &&
                FirstRoot(thread, stack.Frames, wait.LockFirst, wait.First - 1, type => type.Name == LockTypeName) is ulong innerLock)
                lockAddress = MonitorOf(context, thread, stack.Frames, wait.Last, innerLock, ref heldMonitors);
            if (lockAddress is ulong address)
                waits.Add(new LockWait(i, wait.Kind, address, wait.Mode));
            else if (wait.Kind == LockKinds.SemaphoreSlim && QueuedTask(thread, stack.Frames, wait.Last) is ulong node)
                waits.Add(new LockWait(i, wait.Kind, 0, wait.Mode, node));
        }
        return waits;
    }

    /// <summary>
    /// The innermost run of one lock type's frames that is a wait to enter it, with its kind and mode; only native
    /// frames, the runtime's wait primitives and other lock frames (SemaphoreSlim.Wait's own Monitor.Wait) may be above it.
    /// </summary>
    private static (string Kind, string Mode, int First, int Last, int LockFirst)? WaitFrames(IReadOnlyList<CapturedFrame> frames)
    {
        for (int d = 0; d < frames.Count; d++)
        {
            string method = frames[d].Method;
            (string Kind, string Prefix)? kind =
                method.StartsWith(Monitor, StringComparison.Ordinal) ? (LockKinds.Monitor, Monitor)
                : method.StartsWith(Lock, StringComparison.Ordinal) ? (LockKinds.Lock, Lock)
                : method.StartsWith(Semaphore, StringComparison.Ordinal) ? (LockKinds.SemaphoreSlim, Semaphore)
                : method.StartsWith(ReaderWriter, StringComparison.Ordinal) ? (LockKinds.ReaderWriterLockSlim, ReaderWriter)
                : null;
            if (kind is not { } k)
            {
                if (frames[d].Kind == FrameKinds.Managed && !WaitPrimitives.Any(p => method.StartsWith(p, StringComparison.Ordinal)))
                    return null; // the thread runs code of its own: whatever lock frames are below, it is not in them now
                continue;
            }
            int last = d;
            while (last + 1 < frames.Count && frames[last + 1].Method.StartsWith(k.Prefix, StringComparison.Ordinal))
                last++;
            IEnumerable<string> names = frames.Skip(d).Take(last - d + 1).Select(f => f.Method[k.Prefix.Length..]);
            if (k.Kind == LockKinds.Lock && MonitorOverLock(frames, d, last) is { } monitor)
                return monitor;
            if (Mode(k.Kind, names.ToList()) is string mode)
                return (k.Kind, mode, d, last, -1);
            d = last; // Monitor.Wait under SemaphoreSlim.Wait, Lock.Exit...: not a wait to enter; the next run may be
        }
        return null;
    }

    /// <summary>
    /// From .NET 11 a monitor (<c>lock (obj)</c>) is a <c>System.Threading.Lock</c> its sync block keeps: a thread waiting
    /// to enter it is in that Lock's frames, called from <c>Monitor.Enter</c>. The wait is for the monitor on the object
    /// (what the user locked), read from the Monitor frames' roots.
    /// </summary>
    private static (string Kind, string Mode, int First, int Last, int LockFirst)? MonitorOverLock(IReadOnlyList<CapturedFrame> frames, int lockFirst, int lockLast)
    {
        int first = lockLast + 1, last = lockLast;
        while (last + 1 < frames.Count && frames[last + 1].Method.StartsWith(Monitor, StringComparison.Ordinal))
            last++;
        if (last < first)
            return null;
        List<string> names = frames.Skip(first).Take(last - first + 1).Select(f => f.Method[Monitor.Length..]).ToList();
        return Mode(LockKinds.Monitor, names) is string mode ? (LockKinds.Monitor, mode, first, last, lockFirst) : null;
    }

    private static string? Mode(string kind, IReadOnlyList<string> methods)
    {
        bool Any(string prefix) => methods.Any(m => m.StartsWith(prefix, StringComparison.Ordinal));
        return kind switch
        {
            LockKinds.Monitor => Any("Wait") ? null : Any("Enter") || Any("ReliableEnter") || Any("TryEnter") ? "enter" : null,
            LockKinds.Lock => Any("TryEnter") || Any("Enter") ? "enter" : null,
            LockKinds.SemaphoreSlim => Any("Wait") ? "wait" : null,
            LockKinds.ReaderWriterLockSlim =>
                Any("TryEnterWriteLock") || Any("EnterWriteLock") ? "write"
                : Any("TryEnterUpgradeableReadLock") || Any("EnterUpgradeableReadLock") ? "upgradeable-read"
                : Any("TryEnterReadLock") || Any("EnterReadLock") ? "read"
                : null,
            _ => null,
        };
    }

    private static ulong? LockObject(ClrThread thread, IReadOnlyList<CapturedFrame> frames, int first, int last, string kind)
    {
        string? wantedType = kind switch
        {
            LockKinds.Lock => "System.Threading.Lock",
            LockKinds.SemaphoreSlim => "System.Threading.SemaphoreSlim",
            LockKinds.ReaderWriterLockSlim => "System.Threading.ReaderWriterLockSlim",
            _ => null, // a Monitor locks any object: the Enter frames hold nothing else (but, from .NET 11, its sync block's Lock)
        };
        return FirstRoot(thread, frames, first, last, type => wantedType is null ? !type.IsString && type.Name != LockTypeName : type.Name == wantedType);
    }

    /// <summary>
    /// The object whose monitor a .NET 11 sync block's <paramref name="innerLock"/> implements. No public structure maps
    /// one to the other, so: the monitors held by the Lock's owner (its <c>_owningThreadId</c> is a managed thread id
    /// from .NET 11), and when it holds several, the one the waiting thread's own callers hold a reference to (they
    /// passed it to <c>lock</c>). Null when that does not single one out: the wait is then not reported, never guessed.
    /// </summary>
    private static ulong? MonitorOf(BuiltInContext context, ClrThread waiter, IReadOnlyList<CapturedFrame> frames, int monitorLast, ulong innerLock,
        ref List<SyncBlock>? heldMonitors)
    {
        heldMonitors ??= context.Heap.EnumerateSyncBlocks().Where(b => b.IsMonitorHeld && b.Object != 0).ToList();
        if (context.Heap.GetObject(innerLock).Value<uint>("_owningThreadId") is not uint ownerId || ownerId == 0 ||
            context.Runtime.Threads.FirstOrDefault(t => t.ManagedThreadId == (int)ownerId) is not { } owner)
            return null;
        List<ulong> candidates = heldMonitors.Where(b => b.HoldingThreadAddress == owner.Address).Select(b => b.Object).ToList();
        if (candidates.Count <= 1)
            return candidates.Count == 1 ? candidates[0] : null;
        var referenced = new HashSet<ulong>();
        foreach (ClrStackRoot root in waiter.EnumerateStackRoots())
        {
            if (!root.Object.IsNull && candidates.Contains(root.Object.Address) && IsCallerFrame(root.StackFrame, frames, monitorLast))
                referenced.Add(root.Object.Address);
        }
        return referenced.Count == 1 ? referenced.First() : null;
    }

    private static bool IsCallerFrame(ClrStackFrame? frame, IReadOnlyList<CapturedFrame> frames, int monitorLast)
    {
        if (frame is null)
            return false;
        for (int d = monitorLast + 1; d < frames.Count; d++)
        {
            if (frames[d].StackPointer == frame.StackPointer || frames[d].InstructionPointer == frame.InstructionPointer)
                return true;
        }
        return false;
    }

    /// <summary>
    /// A <c>SemaphoreSlim.Wait</c> behind queued async waiters queues a task of its own and waits for it (Task.Wait,
    /// in the frames above the semaphore's): that task, which the semaphore's queue holds.
    /// </summary>
    private static ulong? QueuedTask(ClrThread thread, IReadOnlyList<CapturedFrame> frames, int last) =>
        FirstRoot(thread, frames, 0, last, type => type.Name == "System.Threading.SemaphoreSlim+TaskNode");

    /// <summary>The first object of a wanted type that frames <paramref name="first"/>..<paramref name="last"/> hold as GC roots.</summary>
    private static ulong? FirstRoot(ClrThread thread, IReadOnlyList<CapturedFrame> frames, int first, int last, Func<ClrType, bool> wanted)
    {
        var pointers = new HashSet<ulong>();
        var stackPointers = new HashSet<ulong>();
        for (int d = first; d <= last; d++)
        {
            if (frames[d].InstructionPointer is ulong ip)
                pointers.Add(ip);
            if (frames[d].StackPointer is ulong sp)
                stackPointers.Add(sp);
        }
        foreach (ClrStackRoot root in thread.EnumerateStackRoots())
        {
            ClrStackFrame? frame = root.StackFrame;
            if (frame is null || !(pointers.Contains(frame.InstructionPointer) || stackPointers.Contains(frame.StackPointer)))
                continue;
            ClrObject o = root.Object;
            if (!o.IsNull && o.Type is { } type && wanted(type))
                return o.Address;
        }
        return null;
    }
}
