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
    private const string Semaphore = "System.Threading.SemaphoreSlim.";
    private const string ReaderWriter = "System.Threading.ReaderWriterLockSlim.";
    // What a lock waits in: WaitHandle.WaitOneNoCheck, LowLevelLifoSemaphore, and (a SemaphoreSlim.Wait queued behind
    // async waiters) Task.Wait through TaskAwaiter.GetResult.
    private static readonly string[] WaitPrimitives = ["System.Threading.", "System.Runtime.CompilerServices.TaskAwaiter"];

    public static List<LockWait> Find(BuiltInContext context)
    {
        var waits = new List<LockWait>();
        for (int i = 0; i < context.Stacks.Count; i++)
        {
            CapturedStack stack = context.Stacks[i];
            if (stack.OsThreadId is not uint os || WaitFrames(stack.Frames) is not { } wait)
                continue;
            if (context.ThreadOfOs(os) is not { } thread)
                continue;
            if (LockObject(thread, stack.Frames, wait.First, wait.Last, wait.Kind) is ulong lockAddress)
                waits.Add(new LockWait(i, wait.Kind, lockAddress, wait.Mode));
            else if (wait.Kind == LockKinds.SemaphoreSlim && QueuedTask(thread, stack.Frames, wait.Last) is ulong node)
                waits.Add(new LockWait(i, wait.Kind, 0, wait.Mode, node));
        }
        return waits;
    }

    /// <summary>
    /// The innermost run of one lock type's frames that is a wait to enter it, with its kind and mode; only native
    /// frames, the runtime's wait primitives and other lock frames (SemaphoreSlim.Wait's own Monitor.Wait) may be above it.
    /// </summary>
    private static (string Kind, string Mode, int First, int Last)? WaitFrames(IReadOnlyList<CapturedFrame> frames)
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
            if (Mode(k.Kind, names.ToList()) is string mode)
                return (k.Kind, mode, d, last);
            d = last; // Monitor.Wait under SemaphoreSlim.Wait, Lock.Exit...: not a wait to enter; the next run may be
        }
        return null;
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
            _ => null, // a Monitor locks any object: the Enter frames hold nothing else
        };
        return FirstRoot(thread, frames, first, last, type => wantedType is null ? !type.IsString : type.Name == wantedType);
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
