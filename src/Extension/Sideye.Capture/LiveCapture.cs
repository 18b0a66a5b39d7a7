using System.Diagnostics;
using Sideye.Capture.BuiltIns;
using Sideye.Capture.Symbols;
using Sideye.Capture.Target;
using Sideye.Capture.Target.Clone;
using Sideye.Capture.Walk;
using Sideye.Freezer.Protocol;
using Sideye.SpecCompiler;

namespace Sideye.Capture;

/// <summary>
/// Captures a live process with the shortest pause we can: everything that needs no consistent view of
/// the target (loading the DAC, opening PDBs, JIT-compiling our own walk) happens in a warm-up pass
/// against the running process; then the target is stopped, walked, and detached at once.
/// </summary>
public sealed class LiveCapture
{
    private readonly SymbolCache _symbols;
    private readonly Action<string> _progress;

    private readonly CapturePlan _plan;

    public LiveCapture(SymbolCache symbols, Action<string>? progress = null, CapturePlan? plan = null)
    {
        _symbols = symbols;
        _plan = plan ?? CapturePlan.Empty;
        _progress = progress ?? (_ => { });
    }

    /// <summary>How often a process stopped during a garbage collection is let run and stopped again.</summary>
    public int MaxGcRetries { get; init; } = 20;

    /// <summary>How long it runs each time, to finish the collection.</summary>
    public TimeSpan GcRetryDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    private static bool HeapWalkable(OpenedTarget target)
    {
        try
        {
            return target.Runtime.Heap.CanWalkHeap;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return true; // not knowable: walk, and let the walk report what it cannot read
        }
    }

    /// <summary>Maximum time a target may stay paused; past it the capture of that process is abandoned.</summary>
    public TimeSpan MaxPause { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Checks a process for capture (no pause) and, with <paramref name="warmUp"/>, warms it up (see <see cref="WarmUp"/>).
    /// Throws <see cref="TargetException"/> for bad targets.
    /// </summary>
    public PreparedProcess Prepare(int pid, bool warmUp = true)
    {
        LinuxProcess process = LinuxProcess.Inspect(pid);
        TargetOpener.RequireDotnet(process);
        var prepared = new PreparedProcess(process, new TypeLayoutCache());
        if (warmUp)
            WarmUp(prepared);
        return prepared;
    }

    /// <summary>
    /// Stop mode's warm-up, against the running process: DAC, PDBs and type layouts, so the pause holds only the walk.
    /// Clone mode needs none of it (the walk does not pause anything), and skips it: seconds on a large heap.
    /// </summary>
    public void WarmUp(PreparedProcess prepared)
    {
        if (prepared.WarmedUp)
            return;
        LinuxProcess process = prepared.Process;
        var capture = new RuntimeCapture(_symbols, _plan);
        var sw = Stopwatch.StartNew();
        using (OpenedTarget warm = TargetOpener.AttachLive(process, suspend: false))
        {
            capture.PreloadSymbols(warm.Runtime);
            try
            {
                // Learn the type layouts before the pause. The process is running, so only type facts
                // (immutable while the process lives) are learned; no object is followed.
                capture.WarmUp(warm.Runtime, prepared.Types, maxHeapObjects: 5_000_000);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Torn reads of a running process are expected here; the paused walk is the one that counts.
            }
        }
        prepared.WarmedUp = true;
        _progress($"{process.Describe()}: ready to pause (warm-up {sw.ElapsedMilliseconds} ms)");
    }

    /// <summary>
    /// Pauses the process, walks it, and detaches. Must run on one thread from attach to detach: ptrace ties
    /// the tracee to the tracing thread.
    /// </summary>
    /// <param name="stoppedAt">
    /// When the caller already stopped the process (SIGSTOP, to freeze several processes at one instant), the
    /// <see cref="Stopwatch.GetTimestamp"/> of that moment: the reported pause starts there.
    /// </param>
    public ProcessCaptureResult Capture(PreparedProcess prepared, CancellationToken cancellationToken = default, long? stoppedAt = null)
    {
        LinuxProcess process = prepared.Process;
        var capture = new RuntimeCapture(_symbols, _plan);
        var total = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(MaxPause);
        OpenedTarget? target = null;
        var pause = Stopwatch.StartNew();
        CaptureClock clock = CaptureClock.Now("this machine's clocks when the process was stopped");
        try
        {
            target = TargetOpener.AttachLive(process, suspend: true);
            // Stopped in the middle of a garbage collection, the heap cannot be walked (no async stacks, no
            // variables on the heap): let the process run a few milliseconds to finish it, and stop it again.
            int gcRetries = 0;
            while (!HeapWalkable(target) && gcRetries < MaxGcRetries && !deadline.IsCancellationRequested)
            {
                target.Dispose();
                target = null;
                Posix.Continue(process.Pid);
                gcRetries++;
                Thread.Sleep(GcRetryDelay);
                stoppedAt = Stopwatch.GetTimestamp();
                clock = CaptureClock.Now("this machine's clocks when the process was stopped");
                pause.Restart();
                Posix.Stop(process.Pid);
                target = TargetOpener.AttachLive(process, suspend: true);
            }
            if (gcRetries > 0)
                _progress($"{process.Describe()}: stopped during a garbage collection; let it run {GcRetryDelay.TotalMilliseconds:0} ms and stopped it again ({gcRetries} time(s))");
            double attachMs = pause.Elapsed.TotalMilliseconds;
            RuntimeWalk walk;
            try
            {
                walk = capture.Walk(target.Runtime, prepared.Types, dacPath: target.DacPath, cancellationToken: deadline.Token, clock: clock);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TargetException(process.Describe(), $"the walk did not finish within the pause budget of {MaxPause.TotalSeconds:0} s; the process was resumed and not captured.");
            }
            string? version = target.RuntimeVersion;
            target.Dispose(); // detach = resume, before any further work
            target = null;
            pause.Stop();
            double pauseMs = stoppedAt is long t ? Stopwatch.GetElapsedTime(t).TotalMilliseconds : pause.Elapsed.TotalMilliseconds;
            _progress($"{process.Describe()}: paused {pauseMs:0.0} ms (attach {attachMs:0.0}, {walk.Parts}, walk {walk.TotalMs:0.0}), {walk.ThreadCount} threads, {walk.AsyncStackCount} async stacks");
            return new ProcessCaptureResult(process.Pid, process.Name, process.CommandLine, version, "live",
                walk.Stacks, pauseMs, total.Elapsed.TotalMilliseconds, walk.Warnings) { PauseMode = PauseMode.Stop, BuiltIns = walk.BuiltIns, Clock = clock, ModulePaths = walk.ModulePaths };
        }
        finally
        {
            target?.Dispose();
            Posix.Continue(process.Pid);
        }
    }

    /// <summary>
    /// Walks the frozen clone of a process the freezer has already let run again (clone mode), then has the clone
    /// killed and reaped. A clone made during a garbage collection cannot be walked: the process is frozen again
    /// after a few milliseconds (its pause is the last freeze's).
    /// </summary>
    internal ProcessCaptureResult CaptureClone(PreparedProcess prepared, FrozenProcess frozen, FreezerClient freezer, CancellationToken cancellationToken = default)
    {
        LinuxProcess process = prepared.Process;
        var total = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(MaxPause);
        var warnings = new List<string>();
        OpenedTarget? target = null;
        bool held = true;
        // The freezer has just let the process run again: its clone's clocks stopped a few milliseconds ago.
        CaptureClock clock = CaptureClock.Now("this machine's clocks when the process was cloned");
        try
        {
            RuntimeWalk walk;
            var walkClock = Stopwatch.StartNew();
            CaptureClock first = clock;
            for (int stalls = 0; ; stalls++)
            {
                target = TargetOpener.OpenClone(process, frozen);
                for (int gcRetries = 1; !HeapWalkable(target) && gcRetries <= MaxGcRetries && !deadline.IsCancellationRequested; gcRetries++)
                {
                    target.Dispose();
                    target = null;
                    (frozen, clock) = FreezeAgain(freezer, process, warnings, ref held, "after a garbage collection");
                    _progress($"{process.Describe()}: frozen during a garbage collection; froze it again {GcRetryDelay.TotalMilliseconds:0} ms later ({gcRetries} time(s))");
                    target = TargetOpener.OpenClone(process, frozen);
                    // Said in the snapshot: another process of it shows the first instant, and what links the two
                    // (a gRPC call, a spec link) may be on one side only. A stalled walk's retake says so below.
                    warnings.RemoveAll(IsGcRetake);
                    warnings.Add($"{GcRetake} {ElapsedMs(first, clock):0} ms after the first instant (its first {(gcRetries == 1 ? "clone was" : $"{gcRetries} clones were")} " +
                        "taken during a garbage collection); any other process of the snapshot shows the first instant");
                }
                TestHold.At("walk", _progress);
                TestHold.CrashAt("walk", _progress);
                walkClock.Restart();
                (OpenedTarget opened, CaptureClock at, string silent) = (target, clock, stalls == 0 ? "walk-silent" : "walk-silent-again");
                try
                {
                    // Each attempt its own RuntimeCapture: a walk given up may still be running.
                    var capture = new RuntimeCapture(_symbols, _plan);
                    walk = StallGuard.Run(
                        () =>
                        {
                            TestHold.At(silent, _progress);
                            return capture.Walk(opened.Runtime, prepared.Types, dacPath: opened.DacPath, cancellationToken: deadline.Token, clock: at);
                        },
                        () => opened.Reads ?? 0, $"sideye-dac-{process.Pid}");
                    break;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TargetException(process.Describe(), $"the walk of its clone did not finish within {MaxPause.TotalSeconds:0} s; the process was not captured (it ran on all along).");
                }
                catch (WalkStalledException e)
                {
                    target.Abandon(); // a thread runs in its DAC for good: never disposed
                    target = null;
                    cancellationToken.ThrowIfCancellationRequested();
                    if (stalls >= MaxStallRetries)
                        throw new TargetException(process.Describe(), $"{e.Message}, at {stalls + 1} instants in a row; the process was not captured (it ran on all along). Snap it again in a moment.");
                    (frozen, clock) = FreezeAgain(freezer, process, warnings, ref held, "after a stalled walk");
                    string why = $"its first {(stalls == 0 ? "clone" : $"{stalls + 1} clones")} could not be walked ({e.Message}): walked one taken {e.Idle.TotalSeconds:0} s later";
                    warnings.RemoveAll(w => w.StartsWith("its first ", StringComparison.Ordinal));
                    warnings.Add(why);
                    _progress($"{process.Describe()}: {why}");
                }
            }
            string? version = target.RuntimeVersion;
            target.Dispose();
            target = null;
            long extra = Release(freezer, process, warnings);
            held = false;
            if (frozen.Warning is { } w)
                warnings.Add(w);
            PauseParts p = frozen.Pause;
            string shared = frozen.Shared is { } copy ? $"; {copy.Bytes / 1048576.0:0.0} MB of shared memory copied in {p.SharedCopyMs:0.0}" : "";
            string leftovers = frozen.LeftoversReaped > 0 ? $"; reaped {frozen.LeftoversReaped} clone(s) an earlier run left" : "";
            _progress($"{process.Describe()}: paused {p.TotalMs:0.0} ms (stop {p.StopMs:0.0}, clone {p.CloneMs:0.0}, resume {p.ResumeMs:0.0}{shared}{leftovers}); walked its clone in {walkClock.Elapsed.TotalMilliseconds:0} ms ({walk.Parts}){(extra >= 0 ? $", the clone held {extra / 1048576.0:0.0} MB of its own" : "")}; {walk.ThreadCount} threads, {walk.AsyncStackCount} async stacks");
            return new ProcessCaptureResult(process.Pid, process.Name, process.CommandLine, version, "live",
                walk.Stacks, p.TotalMs, total.Elapsed.TotalMilliseconds, [.. walk.Warnings, .. warnings]) { PauseMode = PauseMode.Clone, BuiltIns = walk.BuiltIns, Clock = clock, ModulePaths = walk.ModulePaths };
        }
        finally
        {
            target?.Dispose();
            if (held)
                Release(freezer, process, warnings);
        }
    }

    private const string GcRetake = "cloned again";

    /// <summary>Whether a process's warning says it was frozen again after a garbage collection (a later instant).</summary>
    internal static bool IsGcRetake(string warning) => warning.StartsWith(GcRetake, StringComparison.Ordinal);

    private static double ElapsedMs(CaptureClock from, CaptureClock to) =>
        from.StopwatchTimestamp is long a && to.StopwatchTimestamp is long b ? Stopwatch.GetElapsedTime(a, b).TotalMilliseconds : 0;

    /// <summary>How often a process whose clone's walk stalled (<see cref="WalkStalledException"/>) is cloned again.</summary>
    public int MaxStallRetries { get; init; } = 2;

    /// <summary>
    /// Releases the process's clone and freezes it again a moment later (the last freeze is the pause reported).
    /// </summary>
    private (FrozenProcess Frozen, CaptureClock Clock) FreezeAgain(FreezerClient freezer, LinuxProcess process, List<string> warnings, ref bool held, string why)
    {
        Release(freezer, process, warnings);
        held = false;
        Thread.Sleep(GcRetryDelay);
        FrozenProcess frozen = freezer.Freeze([process.Pid], MaxPause).Processes[0];
        if (frozen.Error is not null)
            throw new TargetException(process.Describe(), $"could not be frozen again {why}: {frozen.Error}");
        held = true;
        return (frozen, CaptureClock.Now("this machine's clocks when the process was cloned"));
    }

    /// <summary>Has the clone killed and reaped; returns the memory it held of its own (-1 when unknown).</summary>
    private long Release(FreezerClient freezer, LinuxProcess process, List<string> warnings)
    {
        try
        {
            ReleaseReply reply = freezer.Release(process.Pid, TimeSpan.FromSeconds(30));
            if (reply.Error is { } error)
                warnings.Add($"its clone could not be reaped: {error}");
            return reply.CloneExtraBytes;
        }
        catch (FreezerException e)
        {
            warnings.Add($"its clone could not be released: {e.Message}; the freezer reaps it when it exits");
            return -1;
        }
    }
}

/// <summary>A process checked for capture, with the type facts learned while it ran (when it was warmed up).</summary>
public sealed record PreparedProcess(LinuxProcess Process, TypeLayoutCache Types)
{
    public bool WarmedUp { get; internal set; }
}
