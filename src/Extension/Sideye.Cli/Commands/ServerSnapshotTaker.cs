using Sideye.Capture;
using Sideye.Capture.Engine;
using Sideye.Capture.Target;
using Sideye.Cli.Isolation;
using Sideye.QueryServer.Capture;

namespace Sideye.Cli.Commands;

/// <summary>
/// The capture engine behind <c>POST /api/snapshots</c> of <c>sideye serve</c>: the same session as
/// <c>sideye snap --pid</c>, with the server's spec, progress on the server's stderr.
/// </summary>
internal sealed class ServerSnapshotTaker : ISnapshotTaker
{
    public Task<TakenSnapshot> TakeAsync(SnapshotRequest request, CancellationToken cancellationToken) =>
        CrashIsolation.Enabled ? TakeInChildAsync(request, cancellationToken) : TakeHereAsync(request, cancellationToken);

    /// <summary>
    /// The capture as a `sideye snap` process of its own: a DAC crash (see <see cref="CrashIsolation"/>) costs that
    /// process and is taken again, instead of taking the server down. The spec in force goes to it as a file.
    /// </summary>
    private static async Task<TakenSnapshot> TakeInChildAsync(SnapshotRequest request, CancellationToken cancellationToken)
    {
        string work = Directory.CreateTempSubdirectory("sideye-capture-").FullName;
        try
        {
            string outcomePath = Path.Combine(work, "outcome.json");
            var args = new List<string> { "snap", "--out", request.OutDirectory, "--outcome", outcomePath };
            foreach (int pid in request.Pids)
                args.AddRange(["--pid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (request.PauseMode is { } mode)
                args.AddRange(["--pause-mode", mode]);
            if (request.SpecYaml is { } yaml)
            {
                string specPath = Path.Combine(work, "sideye.yaml");
                await File.WriteAllTextAsync(specPath, yaml, cancellationToken).ConfigureAwait(false);
                args.AddRange(["--spec", specPath, "--spec-label", request.Spec ?? "the query server's spec"]);
            }
            int code = await CrashIsolation.SuperviseAsync(args, CliConsole.Progress, cancellationToken, keepStdout: false).ConfigureAwait(false);
            CaptureOutcomeFile? outcome = CaptureOutcomeFile.ReadFrom(outcomePath);
            if (outcome?.Directory is { } directory)
                return new TakenSnapshot(directory, outcome.Errors);
            string why = outcome?.Error is { } error
                ? (outcome.Errors.Count > 0 ? $"{error.TrimEnd('.')}: {string.Join("; ", outcome.Errors)}" : error)
                : $"the capture process ended with code {code} and said nothing (see the server's log)";
            throw new SnapshotCaptureException(why);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<TakenSnapshot> TakeHereAsync(SnapshotRequest request, CancellationToken cancellationToken)
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
