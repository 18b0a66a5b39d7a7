using System.Diagnostics;
using Sideye.Capture.Symbols;
using Sideye.Capture.Target;

namespace Sideye.Capture;

/// <summary>Captures a core dump: the same walk as a live process, with no pause to worry about.</summary>
public sealed class DumpCapture
{
    private readonly SymbolCache _symbols;
    private readonly SpecCompiler.CapturePlan _plan;

    public DumpCapture(SymbolCache symbols, SpecCompiler.CapturePlan? plan = null)
    {
        _symbols = symbols;
        _plan = plan ?? SpecCompiler.CapturePlan.Empty;
    }

    /// <summary>Told where the time went, for the progress lines.</summary>
    public Action<string>? Progress { get; init; }

    public ProcessCaptureResult Capture(string dumpPath, CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        OpenedTarget? target = TargetOpener.OpenDump(dumpPath);
        try
        {
            OpenedTarget opened = target;
            return CaptureRuntime(target.Runtime, target.DataTarget.DataReader.ProcessId, target.RuntimeVersion, dumpPath, sw, target.DacPath, cancellationToken,
                reads: () => opened.Reads ?? 0);
        }
        catch (WalkStalledException e)
        {
            target.Abandon(); // a thread runs in its DAC for good: never disposed
            target = null;
            throw new TargetException($"dump {dumpPath}", $"{e.Message}. The dump holds that one instant, so every walk of it would stall: take another dump.");
        }
        finally
        {
            target?.Dispose();
        }
    }

    /// <summary>Captures a runtime someone else opened (the dotnet-dump extension passes the host's).</summary>
    /// <param name="reads">The dump's read count: the walk is given up when it stops growing (<see cref="StallGuard"/>); null: not guarded.</param>
    public ProcessCaptureResult CaptureRuntime(Microsoft.Diagnostics.Runtime.ClrRuntime runtime, int pid, string? runtimeVersion, string dumpPath, Stopwatch? sw = null, string? dacPath = null, CancellationToken cancellationToken = default,
        Func<long>? reads = null)
    {
        sw ??= Stopwatch.StartNew();
        var capture = new RuntimeCapture(_symbols, _plan);
        double coverage = HeapCoverage(runtime);
        if (coverage < 0.5)
            throw new TargetException($"dump {dumpPath}", $"has no GC heap (a mini dump? {Math.Round(coverage * 100)}% of its heap pages are in it). Sideye needs the heap for async stacks and variables: collect with `dotnet-dump collect --type Full` (or `--type Heap`).");
        BuiltIns.CaptureClock? clock = File.Exists(dumpPath) ? BuiltIns.CaptureClock.OfDump(dumpPath) : null;
        RuntimeWalk Walk() => capture.Walk(runtime, new Walk.TypeLayoutCache(), dacPath: dacPath, cancellationToken: cancellationToken, clock: clock);
        RuntimeWalk walk = reads is null ? Walk() : StallGuard.Run(() =>
        {
            TestHold.At("walk-silent", Progress ?? (_ => { }));
            return Walk();
        }, reads, $"sideye-dump-{pid}");
        string? cmdline = RuntimeCapture.ReadCommandLine(runtime);
        string name = cmdline is null ? "?" : ProcessNameFrom(cmdline);
        runtimeVersion ??= Target.RuntimeVersion.Of(runtime.ClrInfo); // a host opened the runtime (dotnet-dump)
        var result = new ProcessCaptureResult(pid, name, cmdline, runtimeVersion, $"dump:{(File.Exists(dumpPath) ? Path.GetFullPath(dumpPath) : dumpPath)}",
            walk.Stacks, null, sw.Elapsed.TotalMilliseconds, walk.Warnings) { BuiltIns = walk.BuiltIns, Clock = clock, ModulePaths = walk.ModulePaths };
        return MethodVariableRecorder.AddTo(result, _symbols, Progress);
    }

    /// <summary>
    /// A mini dump lists the GC's segments but holds only the few heap pages its threads point into: sample
    /// the segments' pages: the share of them the dump holds (a full or heap dump: all of them).
    /// </summary>
    /// <remarks>
    /// Not CanWalkHeap: a full dump taken in the middle of a garbage collection has all its heap memory but
    /// cannot be walked; the walk says so in a warning. Not "is the first object readable" either: a mini dump
    /// holds ~10% of gen0's pages, and which ones depends on where the runtime put its thread objects (one CI
    /// machine had a segment's first object among them).
    /// </remarks>
    internal static double HeapCoverage(Microsoft.Diagnostics.Runtime.ClrRuntime runtime)
    {
        const ulong Page = 4096;
        const int MaxSamples = 4096;
        var segments = runtime.Heap.Segments
            .Where(s => s.Kind != Microsoft.Diagnostics.Runtime.GCSegmentKind.Frozen && s.ObjectRange.Length > 0)
            .ToArray();
        ulong total = segments.Aggregate(0UL, (sum, s) => sum + s.ObjectRange.Length);
        if (total == 0)
            return 0;
        ulong stride = Math.Max(Page, (total / MaxSamples + Page - 1) / Page * Page);
        var memory = runtime.DataTarget.DataReader;
        int sampled = 0, present = 0;
        foreach (var segment in segments)
        {
            for (ulong address = segment.ObjectRange.Start; address < segment.ObjectRange.End; address += stride)
            {
                sampled++;
                if (memory.ReadPointer(address, out _))
                    present++;
            }
        }
        return (double)present / sampled;
    }

    private static string ProcessNameFrom(string commandLine)
    {
        string first = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "?";
        return Path.GetFileNameWithoutExtension(first);
    }
}
