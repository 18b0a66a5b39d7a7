namespace Sideye.Capture.BuiltIns.Locks;

/// <summary>
/// A stack waiting for a lock: which stack, the lock's kind and address, and how it wants it (read, write...). A
/// thread in <c>SemaphoreSlim.Wait</c> behind async waiters waits on a task of the semaphore's queue instead
/// (<see cref="QueuedTask"/>): its <see cref="Lock"/> is 0 until that queue is read.
/// </summary>
internal sealed record LockWait(int Stack, string Kind, ulong Lock, string Mode, ulong? QueuedTask = null);
