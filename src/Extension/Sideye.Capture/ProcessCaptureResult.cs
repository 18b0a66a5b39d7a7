using Sideye.Capture.Walk;

namespace Sideye.Capture;

/// <summary>What one process yielded: its stacks (threads first, then async) and how long it took.</summary>
public sealed record ProcessCaptureResult(
    int Pid,
    string Name,
    string? CommandLine,
    string? RuntimeVersion,
    string Source,
    IReadOnlyList<CapturedStack> Stacks,
    double? PauseMs,
    double CaptureMs,
    IReadOnlyList<string> Warnings)
{
    /// <summary>How a live process was paused; null for a dump.</summary>
    public PauseMode? PauseMode { get; init; }
}
