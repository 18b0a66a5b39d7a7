using System.Diagnostics;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// The instant a process was captured, on the clocks its own timestamps use, so a recorded start converts to
/// a wall-clock time and a wait length. A live process shares this machine's clocks: <see cref="Stopwatch"/>
/// timestamps and <see cref="Environment.TickCount64"/> are CLOCK_MONOTONIC(_COARSE), the same in every
/// process. A dump records no clock at all: its wall time is the core file's last write (when it was finished)
/// and its monotonic clocks are unknown (null), so only wall-clock starts give it a wait.
/// </summary>
public sealed record CaptureClock(DateTime WallUtc, long? StopwatchTimestamp, long? TickCount64, string Source)
{
    /// <summary>Whether the capture was of a live process on this machine (its /proc can be read); false for a dump.</summary>
    public bool IsLive => StopwatchTimestamp is not null;

    /// <summary>This process's clocks now: the instant of a live capture.</summary>
    public static CaptureClock Now(string source) =>
        new(DateTime.UtcNow, Stopwatch.GetTimestamp(), Environment.TickCount64, source);

    /// <summary>A dump's: the core file's last write time, no monotonic clock.</summary>
    public static CaptureClock OfDump(string dumpPath) =>
        new(File.GetLastWriteTimeUtc(dumpPath), null, null, "the dump file's last write time");

    /// <summary>A target's <see cref="Stopwatch.GetTimestamp"/> value as UTC; null without a monotonic clock.</summary>
    public DateTime? FromStopwatch(long timestamp) =>
        StopwatchTimestamp is long now && timestamp > 0 && timestamp <= now
            ? WallUtc - TimeSpan.FromSeconds((now - timestamp) / (double)Stopwatch.Frequency)
            : null;

    /// <summary>A target's <see cref="Environment.TickCount64"/> value as UTC; null without a monotonic clock.</summary>
    public DateTime? FromTickCount64(long ticks) =>
        TickCount64 is long now && ticks > 0 && ticks <= now + 20 // the coarse clock may lag a tick behind ours
            ? WallUtc - TimeSpan.FromMilliseconds(now - ticks)
            : null;
}
