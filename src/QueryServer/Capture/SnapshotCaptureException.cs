namespace Sideye.QueryServer.Capture;

/// <summary>A snapshot request that could not be carried out: HTTP 400 with the reason.</summary>
public sealed class SnapshotCaptureException(string message) : Exception(message);
