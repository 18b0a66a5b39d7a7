using Sideye.Capture;
using Sideye.Capture.Engine;
using Sideye.Capture.Target;
using Sideye.QueryServer.Capture;

namespace Sideye.Cli.Commands;

/// <summary>
/// The capture engine behind <c>POST /api/snapshots</c> of <c>sideye serve</c>: the same session as
/// <c>sideye snap --pid</c>, with the server's spec, progress on the server's stderr.
/// </summary>
internal sealed class ServerSnapshotTaker : ISnapshotTaker
{
    public async Task<TakenSnapshot> TakeAsync(SnapshotRequest request, CancellationToken cancellationToken)
    {
        var capture = new CaptureRequest(new LiveProcesses(request.Pids))
        {
            OutDirectory = request.OutDirectory,
            Plan = request.Plan,
            SpecPath = request.Spec,
            PauseMode = request.PauseMode is { } mode ? Enum.Parse<PauseMode>(mode, ignoreCase: true) : SnapshotSession.DefaultPauseMode,
        };
        SnapshotOutcome outcome;
        try
        {
            outcome = await CaptureEngine.CaptureAsync(capture, CliConsole.Progress, cancellationToken);
        }
        catch (TargetException e)
        {
            throw new SnapshotCaptureException(e.Message);
        }
        if (outcome.Directory is null)
            throw new SnapshotCaptureException("nothing was captured: " + string.Join("; ", outcome.Errors));
        return new TakenSnapshot(outcome.Directory, outcome.Errors);
    }

    public IReadOnlyList<LiveProcess> ListProcesses() =>
        [.. ProcessDiscovery.List().Select(p => new LiveProcess(p.Pid, p.Name, p.CommandLine, p.RuntimeVersion))];
}
