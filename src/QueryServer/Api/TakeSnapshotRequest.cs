namespace Sideye.QueryServer.Api;

/// <summary>The body of <c>POST /api/snapshots</c>.</summary>
/// <param name="Pids">The live .NET processes to snapshot together (one instant for all of them).</param>
/// <param name="PauseMode"><c>clone</c> (the default on Linux x64: paused only while each makes a copy-on-write clone) or <c>stop</c>.</param>
public sealed record TakeSnapshotRequest(IReadOnlyList<int> Pids, string? PauseMode = null);
