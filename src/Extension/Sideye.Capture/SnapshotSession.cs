using System.Diagnostics;
using System.Runtime.InteropServices;
using Sideye.Capture.Symbols;
using Sideye.Capture.Target;
using Sideye.Capture.Target.Clone;
using Sideye.Freezer.Protocol;
using Sideye.Snapshot;

namespace Sideye.Capture;

/// <summary>
/// One snapshot of one or more live processes, or of a dump: prepares every target, pauses them together
/// (one thread per process, since ptrace binds a tracee to the thread that attached), writes the snapshot.
/// A target that fails is reported as a warning and the others are still captured.
/// </summary>
public sealed class SnapshotSession : IDisposable
{
    private readonly SymbolCache _symbols = new();
    private readonly Action<string> _progress;

    public SnapshotSession(Action<string>? progress = null) => _progress = progress ?? (_ => { });

    public TimeSpan MaxPause { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What to capture by name (from a spec); empty captures stacks only.</summary>
    public SpecCompiler.CapturePlan Plan { get; init; } = SpecCompiler.CapturePlan.Empty;

    /// <summary>The spec file the plan came from, recorded in the manifest.</summary>
    public string? SpecPath { get; init; }

    public async Task<SnapshotOutcome> SnapLiveAsync(IReadOnlyList<int> pids, string outDirectory, CancellationToken cancellationToken = default)
    {
        LiveCaptureOutcome captured = CaptureLive(pids, cancellationToken);
        return await WriteAsync(captured.Processes, captured.Errors, captured.CapturedAt, "live", outDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How live processes are paused: <see cref="PauseMode.Clone"/> by default on Linux x64.</summary>
    public PauseMode PauseMode { get; init; } = DefaultPauseMode;

    /// <summary>SIDEYE_PAUSE_MODE (clone or stop) when set, else clone where it is supported.</summary>
    public static PauseMode DefaultPauseMode =>
        Enum.TryParse(Environment.GetEnvironmentVariable("SIDEYE_PAUSE_MODE"), ignoreCase: true, out PauseMode configured) ? configured
        : CloneUnsupported is null ? PauseMode.Clone : PauseMode.Stop;

    /// <summary>Why clone mode cannot work on this machine at all; null when it can.</summary>
    private static string? CloneUnsupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 ? null : "clone mode is only implemented for Linux x64";

    /// <summary>
    /// Captures live processes together, with every safeguard of <see cref="SnapLiveAsync"/>, but writes nothing:
    /// for callers that only read the captured frames (<c>sideye spec vars</c>).
    /// </summary>
    public LiveCaptureOutcome CaptureLive(IReadOnlyList<int> pids, CancellationToken cancellationToken = default)
    {
        var live = new LiveCapture(_symbols, _progress, Plan) { MaxPause = MaxPause };
        var errors = new List<string>();
        FreezerClient? freezer = null;
        string? noClone = PauseMode == PauseMode.Clone ? CloneUnsupported : null;
        if (PauseMode == PauseMode.Clone && noClone is null)
        {
            try
            {
                freezer = FreezerClient.Start(_progress); // its runtime starts while the targets warm up
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                noClone = $"the freezer could not be started ({e.Message})";
            }
        }
        try
        {
            var prepared = new List<PreparedProcess>();
            foreach (int pid in pids.Distinct())
            {
                try
                {
                    prepared.Add(live.Prepare(pid, warmUp: freezer is null));
                }
                catch (TargetException e)
                {
                    errors.Add(e.Message);
                    _progress("error: " + e.Message);
                }
            }
            if (freezer is null)
            {
                (List<ProcessCaptureResult> stopped, DateTimeOffset at) = StopAndWalk(live, prepared.Select(p => (p, noClone)).ToList(), errors, cancellationToken);
                return new LiveCaptureOutcome(stopped, errors, at);
            }
            List<string> before = [.. errors];
            LiveCaptureOutcome outcome = CloneAndWalk(live, freezer, prepared, errors, cancellationToken);
            // A process frozen again after a garbage collection shows a later instant than the others, and what links
            // them (a gRPC call, a spec link) may then be on one side only: once, every process is taken again together.
            if (prepared.Count > 1 && outcome.Processes.Any(r => r.Warnings.Any(LiveCapture.IsGcRetake)))
            {
                _progress("a process was cloned again after a garbage collection, at a later instant than the others: taking every process again at one instant");
                errors.Clear();
                errors.AddRange(before);
                outcome = CloneAndWalk(live, freezer, prepared, errors, cancellationToken);
            }
            return outcome;
        }
        finally
        {
            freezer?.Dispose();
        }
    }

    /// <summary>
    /// Clone mode: every process frozen at one instant by the freezer, each one's clone walked (in parallel) while the
    /// processes run. A process that cannot be cloned (seccomp, ptrace refused mid-way) is stopped the old way after
    /// the others, with the reason in its warnings.
    /// </summary>
    private LiveCaptureOutcome CloneAndWalk(LiveCapture live, FreezerClient freezer, List<PreparedProcess> prepared, List<string> errors, CancellationToken cancellationToken)
    {
        var fallback = new List<(PreparedProcess, string?)>();
        var results = new ProcessCaptureResult?[prepared.Count];
        DateTimeOffset capturedAt = DateTimeOffset.UtcNow;
        FreezeReply? reply = null;
        if (prepared.Count > 0)
        {
            try
            {
                reply = freezer.Freeze(prepared.Select(p => p.Process.Pid).ToList(), MaxPause);
                capturedAt = DateTimeOffset.UtcNow;
            }
            catch (FreezerException e)
            {
                fallback.AddRange(prepared.Select(p => (p, (string?)e.Message)));
            }
        }
        var walkers = new List<Thread>();
        for (int i = 0; reply is not null && i < prepared.Count; i++)
        {
            PreparedProcess process = prepared[i];
            FrozenProcess frozen = reply.Processes[i];
            if (frozen.Error is { } error)
            {
                if (frozen.Retryable)
                    fallback.Add((process, error));
                else
                    Fail(errors, $"{process.Process.Describe()}: {error}");
                continue;
            }
            int slot = i;
            // The methods are described on the walker's thread once its clone is released: files only, nothing paused.
            walkers.Add(new Thread(() => Guarded(errors, process, () => results[slot] = DescribeMethods(live.CaptureClone(process, frozen, freezer, cancellationToken))))
            {
                Name = $"sideye-walk-{process.Process.Pid}",
                IsBackground = true,
            });
        }
        walkers.ForEach(t => t.Start());
        walkers.ForEach(t => t.Join());
        var captured = results.OfType<ProcessCaptureResult>().ToList();
        if (fallback.Count > 0)
            captured.AddRange(StopAndWalk(live, fallback, errors, cancellationToken).Results);
        return new LiveCaptureOutcome(captured, errors, capturedAt);
    }

    /// <summary>
    /// Stop mode: every process stopped at one instant (SIGSTOP stops all of a process's threads at once, processes
    /// microseconds apart) before the slower ptrace attaches, which stop one thread after another: the threads not yet
    /// attached would run on, and processes that talk to each other would drain their in-flight work. Each is walked
    /// while stopped, on a thread of its own (ptrace binds a tracee to the thread that attached).
    /// </summary>
    /// <param name="processes">With each, why it is not cloned (null when stop mode was asked for): a warning of its snapshot.</param>
    private (List<ProcessCaptureResult> Results, DateTimeOffset CapturedAt) StopAndWalk(LiveCapture live, List<(PreparedProcess Process, string? WhyNotCloned)> processes, List<string> errors, CancellationToken cancellationToken)
    {
        foreach ((PreparedProcess process, _) in processes.ToList())
        {
            try
            {
                live.WarmUp(process); // a process that fell back from clone mode was not warmed up
            }
            catch (TargetException e)
            {
                Fail(errors, e.Message);
                processes.RemoveAll(p => p.Process == process);
            }
        }
        var results = new ProcessCaptureResult?[processes.Count];
        using var watchdog = ResumeWatchdog.Start(processes.Select(p => p.Process.Process.Pid));
        using var noGc = new NoGcRegion(256L << 20);
        long stoppedAt = Stopwatch.GetTimestamp();
        processes.ForEach(p => Posix.Stop(p.Process.Process.Pid));
        DateTimeOffset capturedAt = DateTimeOffset.UtcNow;
        var threads = processes.Select((p, i) => new Thread(() => Guarded(errors, p.Process, () =>
        {
            ProcessCaptureResult result = live.Capture(p.Process, cancellationToken, stoppedAt);
            results[i] = p.WhyNotCloned is { } why
                ? result with { Warnings = [$"not cloned ({why}): stopped for the whole capture instead", .. result.Warnings] }
                : result;
        }))
        { Name = $"sideye-capture-{p.Process.Process.Pid}", IsBackground = true }).ToList();
        try
        {
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }
        finally
        {
            processes.ForEach(p => Posix.Continue(p.Process.Process.Pid)); // also those whose attach failed
        }
        // Only once every process runs again: one process's description would allocate into the no-GC region that the
        // others' pauses still count on.
        return (results.OfType<ProcessCaptureResult>().Select(DescribeMethods).ToList(), capturedAt);
    }

    /// <summary>Adds the <c>method_variables</c> rows, from the modules' files: never while a target is paused.</summary>
    private ProcessCaptureResult DescribeMethods(ProcessCaptureResult result) => MethodVariableRecorder.AddTo(result, _symbols, _progress);

    /// <summary>Runs one process's capture, turning its failure into an error of the snapshot (the others go on).</summary>
    private void Guarded(List<string> errors, PreparedProcess process, Action capture)
    {
        try
        {
            capture();
        }
        catch (TargetException e)
        {
            Fail(errors, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(errors, $"{process.Process.Describe()}: capture failed: {e.Message}");
        }
    }

    private void Fail(List<string> errors, string message)
    {
        lock (errors)
            errors.Add(message);
        _progress("error: " + message);
    }

    public async Task<SnapshotOutcome> SnapDumpAsync(string dumpPath, string outDirectory, CancellationToken cancellationToken = default)
    {
        DateTimeOffset capturedAt = DateTimeOffset.UtcNow;
        ProcessCaptureResult result = new DumpCapture(_symbols, Plan) { Progress = _progress }.Capture(dumpPath, cancellationToken);
        _progress($"dump {dumpPath}: {result.Stacks.Count} stacks in {result.CaptureMs:0} ms");
        return await WriteAsync([result], [], capturedAt, "dump", outDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes results someone else captured (the dotnet-dump extension).</summary>
    public async Task<SnapshotOutcome> WriteAsync(IReadOnlyList<ProcessCaptureResult> results, IReadOnlyList<string> errors, DateTimeOffset capturedAt, string source, string outDirectory, CancellationToken cancellationToken = default)
    {
        if (results.Count == 0)
            return new SnapshotOutcome(null, errors, results);
        var warnings = errors.Concat(results.SelectMany(r => r.Warnings.Select(w => $"process {r.Pid}: {w}"))).ToList();
        (SnapshotManifest manifest, SnapshotData data) = SnapshotBuilder.Build(results, warnings, capturedAt, source, SpecPath, Plan.Redaction);
        string dir = await SnapshotWriter.WriteAsync(outDirectory, manifest, data, cancellationToken).ConfigureAwait(false);
        return new SnapshotOutcome(dir, errors, results);
    }

    public SymbolCache Symbols => _symbols;

    public void Dispose() => _symbols.Dispose();
}

/// <summary>Where the snapshot went (null when nothing could be captured) and what failed.</summary>
public sealed record SnapshotOutcome(string? Directory, IReadOnlyList<string> Errors, IReadOnlyList<ProcessCaptureResult> Processes);
