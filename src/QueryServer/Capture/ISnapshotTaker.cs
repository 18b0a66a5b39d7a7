using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Capture;

/// <summary>
/// Takes a snapshot of live processes for <c>POST /api/snapshots</c>. The query server does not capture by
/// itself (it is the service layer over snapshots): the front-end that hosts it (<c>sideye serve</c>) supplies
/// the capture engine through <see cref="QueryServerOptions.SnapshotTaker"/>.
/// </summary>
public interface ISnapshotTaker
{
    /// <summary>Snapshots the processes with the spec in force into the request's folder.</summary>
    /// <exception cref="SnapshotCaptureException">Nothing could be captured (no such process, not .NET, no permission): the reason and what to do.</exception>
    Task<TakenSnapshot> TakeAsync(SnapshotRequest request, CancellationToken cancellationToken);
}

/// <summary>What to snapshot: live processes, the capture plan of the spec in force, where to write.</summary>
/// <param name="Pids">The live processes, snapshotted at one instant.</param>
/// <param name="PauseMode"><c>clone</c>, <c>stop</c>, or null for the default.</param>
/// <param name="Plan">What to capture: the spec in force's.</param>
/// <param name="Spec">Which spec it was (its file and version), recorded in the snapshot's manifest; null for none.</param>
/// <param name="OutDirectory">The snapshots folder the server serves.</param>
public sealed record SnapshotRequest(IReadOnlyList<int> Pids, string? PauseMode, CapturePlan Plan, string? Spec, string OutDirectory);

/// <summary>The snapshot written (its directory), and the processes that could not be captured.</summary>
public sealed record TakenSnapshot(string Directory, IReadOnlyList<string> Errors);

/// <summary>A snapshot request that could not be carried out: HTTP 400 with the reason.</summary>
public sealed class SnapshotCaptureException(string message) : Exception(message);
