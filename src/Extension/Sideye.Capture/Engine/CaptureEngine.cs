using Sideye.SpecCompiler;

namespace Sideye.Capture.Engine;

/// <summary>
/// The capture engine's entry point: loads the request's spec, captures its target, writes the snapshot. Front-ends
/// parse their options into a <see cref="CaptureRequest"/>, call this, and print the outcome; nothing else of the engine
/// is theirs to call for a snapshot.
/// </summary>
public static class CaptureEngine
{
    /// <summary>
    /// Captures and writes. Throws <see cref="CaptureSpecException"/> for a spec with errors (its warnings go to
    /// <paramref name="progress"/>), <see cref="TargetException"/> for a target that cannot be read at all, and
    /// <see cref="OperationCanceledException"/> on cancellation; every live target is resumed and detached first.
    /// </summary>
    public static async Task<SnapshotOutcome> CaptureAsync(CaptureRequest request, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= _ => { };
        CapturePlan plan = request.Plan ?? LoadPlan(request.SpecPath, progress);
        string outDirectory = Path.GetFullPath(request.OutDirectory);
        using var session = new SnapshotSession(progress)
        {
            MaxPause = request.MaxPause,
            PauseMode = request.PauseMode,
            Plan = plan,
            SpecPath = request.SpecLabel ?? (request.SpecPath is null ? null : request.Plan is null ? Path.GetFullPath(request.SpecPath) : request.SpecPath),
        };
        switch (request.Target)
        {
            case LiveProcesses live:
                return await session.SnapLiveAsync(live.Pids, outDirectory, cancellationToken).ConfigureAwait(false);
            case CoreDump dump:
                return await session.SnapDumpAsync(dump.Path, outDirectory, cancellationToken).ConfigureAwait(false);
            case OpenedRuntime opened:
                ProcessCaptureResult result = new DumpCapture(session.Symbols, plan) { Progress = progress }
                    .CaptureRuntime(opened.Runtime, opened.Pid, runtimeVersion: null, opened.DisplayName, dacPath: opened.DacPath, cancellationToken: cancellationToken);
                progress($"{result.Stacks.Count} stacks from pid {opened.Pid} in {result.CaptureMs:0} ms");
                return await session.WriteAsync([result], [], DateTimeOffset.UtcNow, "dotnet-dump", outDirectory, cancellationToken).ConfigureAwait(false);
            default:
                throw new ArgumentException($"unknown capture target {request.Target.GetType().Name}", nameof(request));
        }
    }

    private static CapturePlan LoadPlan(string? specPath, Action<string> progress)
    {
        if (specPath is null)
            return CapturePlan.Empty;
        SpecParseResult parsed = SpecLoader.LoadFile(Path.GetFullPath(specPath));
        if (!parsed.Success || parsed.Spec is null)
            throw new CaptureSpecException(specPath, parsed.Diagnostics);
        foreach (SpecDiagnostic warning in parsed.Diagnostics)
            progress(warning.ToString());
        return parsed.Spec.Compile().Plan;
    }
}
