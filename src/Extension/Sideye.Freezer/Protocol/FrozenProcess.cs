namespace Sideye.Freezer.Protocol;

/// <summary>
/// One process after <c>freeze</c>: running again, with a frozen copy-on-write clone of it (<see cref="ClonePid"/>)
/// whose memory is the process's at the instant it was stopped, and the registers every thread had then.
/// When <see cref="Error"/> is set there is no clone; the process was left running exactly as it was, and
/// <see cref="Retryable"/> says whether stopping it the old way may still work.
/// </summary>
public sealed record FrozenProcess(
    int Pid,
    int ClonePid,
    string? Error,
    bool Retryable,
    PauseParts Pause,
    IReadOnlyList<ThreadRegisters> Threads,
    SharedMemoryCopy? Shared,
    int LeftoversReaped)
{
    /// <summary>Something the capture should know but that did not stop it (e.g. shared memory too large to copy).</summary>
    public string? Warning { get; init; }
}

/// <summary>
/// How long the process was stopped, from the first thread interrupted to the last one detached, and its parts:
/// stopping every thread, copying shared writable memory, the clone itself, restoring and detaching.
/// </summary>
public sealed record PauseParts(double TotalMs, double StopMs, double SharedCopyMs, double CloneMs, double ResumeMs);

/// <summary>
/// Writable shared memory the clone does not freeze (W^X double mappings: statics, loader heaps), copied while the
/// process was stopped into <see cref="File"/>: "SDYSHM01", a count, (start, length) pairs, then the bytes.
/// </summary>
public sealed record SharedMemoryCopy(string File, long Bytes, int Ranges);
