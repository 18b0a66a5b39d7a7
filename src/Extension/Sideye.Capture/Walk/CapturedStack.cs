namespace Sideye.Capture.Walk;

/// <summary>
/// A thread's stack or an async logical stack (frames innermost first), before it gets an id. <see cref="WaitingSince"/>
/// is when the process itself recorded that its wait began (UTC), with <see cref="WaitSource"/> saying where that came from.
/// <see cref="AwaitedAddress"/> is the object an async stack's leaf awaits (a task, a value-task source), for the
/// built-in recognizers (a semaphore's queued waiter, an async cycle); it is not written to the snapshot.
/// </summary>
public sealed record CapturedStack(
    string Kind,
    IReadOnlyList<CapturedFrame> Frames,
    uint? OsThreadId = null,
    int? ManagedThreadId = null,
    string? ThreadName = null,
    string? State = null,
    string? Awaiting = null,
    ulong? TaskAddress = null,
    DateTime? WaitingSince = null,
    string? WaitSource = null,
    ulong? AwaitedAddress = null);
