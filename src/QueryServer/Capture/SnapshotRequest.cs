using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Capture;

/// <summary>What to snapshot: live processes, the capture plan of the spec in force, where to write.</summary>
/// <param name="Pids">The live processes, snapshotted at one instant.</param>
/// <param name="PauseMode"><c>clone</c>, <c>stop</c>, or null for the default.</param>
/// <param name="Plan">What to capture: the spec in force's.</param>
/// <param name="Spec">Which spec it was (its file and version), recorded in the snapshot's manifest; null for none.</param>
/// <param name="OutDirectory">The snapshots folder the server serves.</param>
/// <param name="SpecYaml">The text of that spec (null for none): a capture made in another process compiles it again.</param>
public sealed record SnapshotRequest(IReadOnlyList<int> Pids, string? PauseMode, CapturePlan Plan, string? Spec, string OutDirectory, string? SpecYaml = null);
