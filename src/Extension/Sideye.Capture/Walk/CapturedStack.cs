namespace Sideye.Capture.Walk;

/// <summary>A thread's stack or an async logical stack (frames innermost first), before it gets an id.</summary>
public sealed record CapturedStack(
    string Kind,
    IReadOnlyList<CapturedFrame> Frames,
    uint? OsThreadId = null,
    int? ManagedThreadId = null,
    string? ThreadName = null,
    string? State = null,
    string? Awaiting = null,
    ulong? TaskAddress = null);
