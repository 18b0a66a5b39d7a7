using Deadlock;

// Five ways to be stuck for good, then READY <pid> (see dumps/README.md). With "--quiet" nothing contends:
// the same program, for the test that an uncontended process has empty lock tables.
if (args.Contains("--quiet"))
{
    var idle = new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true, Name = "idle" };
    idle.Start();
    GC.KeepAlive(new Account("idle"));
    Console.WriteLine($"READY {Environment.ProcessId}");
    Thread.Sleep(Timeout.Infinite);
    return;
}

Thread[] stuck =
[
    .. MonitorDeadlock.Start(),
    .. LockDeadlock.Start(),
    .. SemaphoreQueue.Start(),
    .. ReaderWriter.Start(),
];
Task cycle = AsyncCycle.Start();
Task nap = Nap.Start();
Console.WriteLine($"NAP-START {new DateTimeOffset(Nap.StartedUtc).ToUnixTimeMilliseconds()}");

// Every thread asleep in its wait, and the async waiters queued on the semaphore: then all are stuck.
while (stuck.Any(t => (t.ThreadState & ThreadState.WaitSleepJoin) == 0) || ReaderWriter.Catalog.WaitingReadCount != 1 || !AsyncCycle.BothAwaiting)
    Thread.Sleep(20);
Thread.Sleep(300); // past any spinning in the lock slow paths
Console.WriteLine($"READY {Environment.ProcessId}");
GC.KeepAlive(cycle);
GC.KeepAlive(nap);
Thread.Sleep(Timeout.Infinite);
