using System.Diagnostics;
using Sideye.Capture.Symbols;
using Sideye.Capture.Target;
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

    /// <summary>
    /// Captures live processes together, with every safeguard of <see cref="SnapLiveAsync"/>, but writes nothing:
    /// for callers that only read the captured frames (<c>sideye spec vars</c>).
    /// </summary>
    public LiveCaptureOutcome CaptureLive(IReadOnlyList<int> pids, CancellationToken cancellationToken = default)
    {
        var live = new LiveCapture(_symbols, _progress, Plan) { MaxPause = MaxPause };
        var errors = new List<string>();
        var prepared = new List<PreparedProcess>();
        foreach (int pid in pids.Distinct())
        {
            try
            {
                prepared.Add(live.Prepare(pid));
            }
            catch (TargetException e)
            {
                errors.Add(e.Message);
                _progress("error: " + e.Message);
            }
        }

        var results = new ProcessCaptureResult?[prepared.Count];
        using var watchdog = ResumeWatchdog.Start(prepared.Select(p => p.Process.Pid));
        // Freeze every process at one instant (SIGSTOP stops all of a process's threads at once, processes
        // microseconds apart) before the slower ptrace attaches, which stop one thread after another: the
        // threads not yet attached would run on, and several processes that talk to each other would drain
        // their in-flight work (a server finishes its 10 ms handlers while its client is already frozen).
        using var noGc = new NoGcRegion(256L << 20);
        long stoppedAt = Stopwatch.GetTimestamp();
        prepared.ForEach(p => Posix.Stop(p.Process.Pid));
        DateTimeOffset capturedAt = DateTimeOffset.UtcNow;
        var threads = prepared.Select((process, i) => new Thread(() =>
        {
            try
            {
                results[i] = live.Capture(process, cancellationToken, stoppedAt);
            }
            catch (TargetException e)
            {
                lock (errors) errors.Add(e.Message);
                _progress("error: " + e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                string message = $"{process.Process.Describe()}: capture failed: {e.Message}";
                lock (errors) errors.Add(message);
                _progress("error: " + message);
            }
        }) { Name = $"sideye-capture-{process.Process.Pid}", IsBackground = true }).ToList();
        try
        {
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }
        finally
        {
            prepared.ForEach(p => Posix.Continue(p.Process.Pid)); // also those whose attach failed
        }

        return new LiveCaptureOutcome(results.OfType<ProcessCaptureResult>().ToList(), errors, capturedAt);
    }

    public async Task<SnapshotOutcome> SnapDumpAsync(string dumpPath, string outDirectory, CancellationToken cancellationToken = default)
    {
        DateTimeOffset capturedAt = DateTimeOffset.UtcNow;
        ProcessCaptureResult result = new DumpCapture(_symbols, Plan).Capture(dumpPath, cancellationToken);
        _progress($"dump {dumpPath}: {result.Stacks.Count} stacks in {result.CaptureMs:0} ms");
        return await WriteAsync([result], [], capturedAt, "dump", outDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes results someone else captured (the dotnet-dump extension).</summary>
    public async Task<SnapshotOutcome> WriteAsync(IReadOnlyList<ProcessCaptureResult> results, IReadOnlyList<string> errors, DateTimeOffset capturedAt, string source, string outDirectory, CancellationToken cancellationToken = default)
    {
        if (results.Count == 0)
            return new SnapshotOutcome(null, errors, results);
        var warnings = errors.Concat(results.SelectMany(r => r.Warnings.Select(w => $"process {r.Pid}: {w}"))).ToList();
        (SnapshotManifest manifest, SnapshotData data) = SnapshotBuilder.Build(results, warnings, capturedAt, source, SpecPath);
        string dir = await SnapshotWriter.WriteAsync(outDirectory, manifest, data, cancellationToken).ConfigureAwait(false);
        return new SnapshotOutcome(dir, errors, results);
    }

    public SymbolCache Symbols => _symbols;

    public void Dispose() => _symbols.Dispose();
}

/// <summary>Where the snapshot went (null when nothing could be captured) and what failed.</summary>
public sealed record SnapshotOutcome(string? Directory, IReadOnlyList<string> Errors, IReadOnlyList<ProcessCaptureResult> Processes);
