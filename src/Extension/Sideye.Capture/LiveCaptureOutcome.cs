namespace Sideye.Capture;

/// <summary>What <see cref="SnapshotSession.CaptureLive"/> captured (one result per process that could be captured) and what failed.</summary>
public sealed record LiveCaptureOutcome(IReadOnlyList<ProcessCaptureResult> Processes, IReadOnlyList<string> Errors, DateTimeOffset CapturedAt);
