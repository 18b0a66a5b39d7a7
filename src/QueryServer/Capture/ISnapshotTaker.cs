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

    /// <summary>This machine's .NET processes the server could snapshot (as `sideye ps` lists them).</summary>
    IReadOnlyList<LiveProcess> ListProcesses();
}

