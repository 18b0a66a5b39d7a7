using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns.Locks;

/// <summary>
/// Locks that are held or waited for, who waits for each, and the cycles among them. Monitors (<c>lock</c>) come
/// from the runtime's sync blocks (a contended lock is always inflated into one, which records its owner thread),
/// <see cref="System.Threading.Lock"/>, SemaphoreSlim and ReaderWriterLockSlim from their own fields. A waiting
/// thread's lock is the lock object its wait frames hold (<see cref="ThreadLockWaits"/>); a waiting async stack's
/// is the semaphore whose queue holds the task it awaits. Where the lock records its owner, the waiter links to the
/// owner's stack; a SemaphoreSlim records none, and its row says so. Runs after the other recognizers: the
/// deadlocks are cycles over every wait it and they found.
/// </summary>
internal sealed class Locks : IBuiltInRecognizer
{
    internal const string LockType = "System.Threading.Lock";
    internal const string SemaphoreType = "System.Threading.SemaphoreSlim";
    internal const string ReaderWriterType = "System.Threading.ReaderWriterLockSlim";
    private const string SemaphoreAsyncWait = "System.Threading.SemaphoreSlim.WaitUntilCountOrTimeoutAsync";
    internal const string NoOwnerRecorded = "owner not recorded: a SemaphoreSlim keeps no owner (a spec link to its holder's data can name it)";

    public string Name => "locks";

    public bool Wants(string typeName) => typeName is LockType or SemaphoreType or ReaderWriterType;

    public void Recognize(BuiltInContext context)
    {
        List<LockWait> waits = ThreadLockWaits.Find(context);
        var rows = new Dictionary<ulong, LockRow>();
        MonitorRows(context, waits, rows);
        HashSet<ulong> monitorLocks = MonitorLocks(context);
        ILookup<ulong, int> timedSemaphoreWaits = TimedSemaphoreWaits(context);
        foreach (ClrObject o in context.Objects)
        {
            switch (o.Type?.Name)
            {
                case LockType when !monitorLocks.Contains(o.Address):
                    LockRowOf(context, o, waits, rows);
                    break;
                case SemaphoreType:
                    SemaphoreRowOf(context, o, timedSemaphoreWaits, waits, rows);
                    break;
                case ReaderWriterType:
                    ReaderWriterRowOf(context, o, waits, rows);
                    break;
            }
        }

        var graph = new WaitForGraph(context);
        foreach (LockWait wait in waits.Where(w => w.Lock != 0).DistinctBy(w => (w.Stack, w.Lock)))
        {
            context.LockWaiters.Add(new LockWaiterRow(0, unchecked((long)wait.Lock), wait.Stack, wait.Mode));
            if (rows.TryGetValue(wait.Lock, out LockRow? row) && row.OwnerStackId is long owner && owner != wait.Stack)
            {
                string what = Describe(row);
                context.Link(wait.Stack, (int)owner, StackLinkKinds.WaitsForLock, wait.Lock, $"waits for {what}, held by this stack");
                graph.Add(wait.Stack, (int)owner, what, wait.Lock);
            }
        }
        context.Locks.AddRange(rows.Values.OrderBy(r => r.LockAddress));
        graph.AddAsyncAwaits();
        graph.FindDeadlocks();
    }

    /// <summary>"monitor on Deadlock.Account", "System.Threading.Lock": what a waiter waits for, in words.</summary>
    internal static string Describe(LockRow row) => row.Kind switch
    {
        LockKinds.Monitor => $"monitor on {row.ObjectType ?? "an object"} 0x{row.LockAddress:x}",
        _ => $"{row.ObjectType ?? row.Kind} 0x{row.LockAddress:x}",
    };

    private static void MonitorRows(BuiltInContext context, List<LockWait> waits, Dictionary<ulong, LockRow> rows)
    {
        var waited = waits.Where(w => w.Kind == LockKinds.Monitor).Select(w => w.Lock).ToHashSet();
        foreach (SyncBlock block in context.Heap.EnumerateSyncBlocks())
        {
            if (block.Object == 0 || !(block.IsMonitorHeld || waited.Contains(block.Object)))
                continue;
            ClrThread? owner = block.IsMonitorHeld ? context.ThreadAt(block.HoldingThreadAddress) : null;
            rows[block.Object] = Row(context, block.Object, LockKinds.Monitor, context.Heap.GetObjectType(block.Object)?.Name, owner,
                block.IsMonitorHeld && owner is null ? "held by a thread the runtime no longer lists" : null,
                block.IsMonitorHeld ? block.RecursionCount : 0, Math.Max(block.WaitingThreadCount, waits.Count(w => w.Lock == block.Object)), null, null);
            waited.Remove(block.Object);
        }
        // A waiter on a lock that is not (yet) inflated: the thin lock in the object's header names the owner.
        foreach (ulong address in waited)
        {
            ClrObject o = context.Heap.GetObject(address);
            ClrThinLock? thin = o.Type is null ? null : o.GetThinLock();
            rows[address] = Row(context, address, LockKinds.Monitor, o.Type?.Name, thin?.Thread, thin is null ? "owner not found in the object header" : null,
                thin?.Recursion, waits.Count(w => w.Lock == address), null, null);
        }
    }

    /// <summary>
    /// The Locks that implement monitors (.NET 11): a sync block keeps its Lock through a GC handle, which user code
    /// does not do with a Lock of its own. Their state is the monitor's row; listed again as locks they would show each
    /// held monitor twice.
    /// </summary>
    private static HashSet<ulong> MonitorLocks(BuiltInContext context)
    {
        var locks = new HashSet<ulong>();
        if (context.Runtime.ClrInfo.Version.Major is > 0 and < 11)
            return locks;
        foreach (ClrHandle handle in context.Runtime.EnumerateHandles())
        {
            if (handle.Object.Address != 0 && handle.Object.Type?.Name == LockType)
                locks.Add(handle.Object.Address);
        }
        return locks;
    }

    private static void LockRowOf(BuiltInContext context, ClrObject o, List<LockWait> waits, Dictionary<ulong, LockRow> rows)
    {
        // Bit 0 of _state is "held" in every version; the waiter count's place in it has moved between versions, so
        // the waiters are the ones found waiting.
        bool locked = ((o.Value<uint>("_state") ?? 0) & 1) != 0;
        int waiting = waits.Count(w => w.Lock == o.Address);
        if (!locked && waiting == 0)
            return;
        uint ownerId = o.Value<uint>("_owningThreadId") ?? 0;
        (int? ownerStack, uint? ownerOs, int? ownerManaged) = LockOwner(context, ownerId);
        uint? recursion = o.Value<uint>("_recursionCount");
        rows[o.Address] = new LockRow(0, unchecked((long)o.Address), LockKinds.Lock, LockType, ownerStack, ownerOs, ownerManaged,
            !locked ? null : ownerId == 0 ? "held, owner not yet recorded (it is entering)" : ownerStack is null ? $"held by thread id {ownerId}, a thread the runtime does not list" : null,
            locked ? (int)(recursion ?? 0) + 1 : 0, waiting, null, null);
    }

    /// <summary>
    /// A Lock's <c>_owningThreadId</c> is the owner's OS thread id up to .NET 10 on Linux (its managed id where the OS
    /// one cannot be had) and its managed thread id from .NET 11 on.
    /// </summary>
    private static (int? Stack, uint? OsThreadId, int? ManagedThreadId) LockOwner(BuiltInContext context, uint ownerId)
    {
        if (ownerId == 0)
            return (null, null, null);
        ClrThread? byOs = context.ThreadOfOs(ownerId);
        ClrThread? byManaged = context.Runtime.Threads.FirstOrDefault(t => t.ManagedThreadId == (int)ownerId);
        ClrThread? owner = context.Runtime.ClrInfo.Version.Major >= 11 ? byManaged : byOs ?? byManaged;
        if (owner is null)
            return (null, null, null);
        return (context.StackOfOsThread(owner.OSThreadId) ?? context.StackOfManagedThread(owner.ManagedThreadId), owner.OSThreadId, owner.ManagedThreadId);
    }

    private static void SemaphoreRowOf(BuiltInContext context, ClrObject o, ILookup<ulong, int> timedWaits, List<LockWait> waits, Dictionary<ulong, LockRow> rows)
    {
        int current = o.Value<int>("m_currentCount") ?? 0;
        int max = o.Value<int>("m_maxCount") ?? int.MaxValue;
        int syncWaiters = o.Value<int>("m_waitCount") ?? 0;
        foreach (int stack in AsyncWaiters(context, o, timedWaits, waits))
            waits.Add(new LockWait(stack, LockKinds.SemaphoreSlim, o.Address, "wait-async"));
        int waiting = waits.Count(w => w.Lock == o.Address);
        bool taken = max != int.MaxValue && current < max;
        if (waiting == 0 && syncWaiters == 0 && !taken)
            return;
        rows[o.Address] = new LockRow(0, unchecked((long)o.Address), LockKinds.SemaphoreSlim, SemaphoreType, null, null, null, NoOwnerRecorded,
            null, Math.Max(waiting, syncWaiters), current, max == int.MaxValue ? null : max);
    }

    /// <summary>
    /// The async stacks queued in a semaphore's <c>WaitAsync</c>: its queue (<c>m_asyncHead</c>, linked by
    /// <c>Next</c>) holds one task per waiter, which a waiting stack awaits (or which resumes its box), and a wait
    /// with a timeout or token is a <c>WaitUntilCountOrTimeoutAsync</c> frame on the stack (<paramref name="timedWaits"/>).
    /// </summary>
    private static IEnumerable<int> AsyncWaiters(BuiltInContext context, ClrObject semaphore, ILookup<ulong, int> timedWaits, List<LockWait> waits)
    {
        var found = new HashSet<int>(timedWaits[semaphore.Address]);
        var seen = new HashSet<ulong>();
        for (ClrObject? node = semaphore.Object("m_asyncHead"); node is { } n && seen.Add(n.Address) && seen.Count < 1_000_000; node = n.Object("Next"))
        {
            foreach (int stack in context.StacksAwaiting(n.Address))
                found.Add(stack);
            // A thread in Wait that queued this task behind the async waiters waits on this semaphore.
            for (int w = 0; w < waits.Count; w++)
            {
                if (waits[w].QueuedTask == n.Address)
                    waits[w] = waits[w] with { Lock = semaphore.Address };
            }
            if (n.Object("m_continuationObject") is { } continuation && context.StackOfObject(continuation.Address) is int boxStack)
                found.Add(boxStack);
        }
        return found;
    }

    /// <summary>The semaphore each <c>WaitUntilCountOrTimeoutAsync</c> frame waits on (its state machine's <c>this</c>), once for all semaphores.</summary>
    private static ILookup<ulong, int> TimedSemaphoreWaits(BuiltInContext context)
    {
        var waits = new List<(ulong Semaphore, int Stack)>();
        for (int i = 0; i < context.Stacks.Count; i++)
        {
            foreach (CapturedFrame f in context.Stacks[i].Frames)
            {
                if (f.ObjectAddress is ulong box && f.Method.StartsWith(SemaphoreAsyncWait, StringComparison.Ordinal) && context.StateMachineThis(box) is { } semaphore)
                    waits.Add((semaphore.Address, i));
            }
        }
        return waits.ToLookup(w => w.Semaphore, w => w.Stack);
    }

    private static void ReaderWriterRowOf(BuiltInContext context, ClrObject o, List<LockWait> waits, Dictionary<ulong, LockRow> rows)
    {
        int writer = o.Value<int>("_writeLockOwnerId") ?? -1;
        int upgrader = o.Value<int>("_upgradeLockOwnerId") ?? -1;
        uint owners = o.Value<uint>("_owners") ?? 0;
        int readers = (int)(owners & 0x0FFF_FFFF); // the low bits count readers; the high ones are writer/waiter flags
        int waiting = (int)((o.Value<uint>("_numWriteWaiters") ?? 0) + (o.Value<uint>("_numReadWaiters") ?? 0)
            + (o.Value<uint>("_numWriteUpgradeWaiters") ?? 0) + (o.Value<uint>("_numUpgradeWaiters") ?? 0));
        waiting = Math.Max(waiting, waits.Count(w => w.Lock == o.Address));
        if (writer <= 0 && upgrader <= 0 && readers == 0 && waiting == 0)
            return;
        // The writer (or else the upgradeable reader) is recorded by managed thread id; plain readers are counted only.
        int ownerId = writer > 0 ? writer : upgrader;
        int? ownerStack = ownerId > 0 ? context.StackOfManagedThread(ownerId) : null;
        string? note = writer > 0 ? "held for writing"
            : upgrader > 0 ? $"held for upgradeable read{(readers > 1 ? $", and by {readers - 1} reader(s) not recorded by thread" : "")}"
            : readers > 0 ? $"held by {readers} reader(s), not recorded by thread" : null;
        rows[o.Address] = new LockRow(0, unchecked((long)o.Address), LockKinds.ReaderWriterLockSlim, ReaderWriterType, ownerStack,
            ownerStack is int s ? context.Stacks[s].OsThreadId : null, ownerId > 0 ? ownerId : null, note, null, waiting, readers, null);
    }

    private static LockRow Row(BuiltInContext context, ulong address, string kind, string? type, ClrThread? owner, string? note, int? recursion,
        int waiters, int? current, int? max)
    {
        int? ownerStack = owner is null ? null : context.StackOfOsThread(owner.OSThreadId) ?? context.StackOfManagedThread(owner.ManagedThreadId);
        return new LockRow(0, unchecked((long)address), kind, type, ownerStack, owner?.OSThreadId, owner?.ManagedThreadId, note, recursion, waiters, current, max);
    }
}
