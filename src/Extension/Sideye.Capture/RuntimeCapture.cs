using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Symbols;
using Sideye.Capture.Walk;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.Capture;

/// <summary>
/// The walk over one runtime (a paused process or a dump): thread stacks, one heap pass, async chains,
/// stitching. It is all that runs while a live target is paused, so it does lookups only: symbols are
/// opened beforehand into the shared <see cref="SymbolCache"/>.
/// </summary>
public sealed class RuntimeCapture
{
    private readonly SymbolCache _symbols;
    private readonly CapturePlan _plan;

    public RuntimeCapture(SymbolCache symbols, CapturePlan? plan = null)
    {
        _symbols = symbols;
        _plan = plan ?? CapturePlan.Empty;
    }

    /// <summary>Opens the PDB of every module now, so the paused walk never touches the disk.</summary>
    public void PreloadSymbols(ClrRuntime runtime)
    {
        foreach (ClrModule module in runtime.EnumerateModules())
        {
            if (!module.IsDynamic && module.Name is { Length: > 0 } path)
                _symbols.Get(path)?.Preload();
        }
    }

    /// <summary>Walks the runtime. <paramref name="maxHeapObjects"/> bounds the heap pass (warm-up uses a small one).</summary>
    /// <param name="dacPath">The DAC the target was opened with (thread frames' locals are read through a second instance of it); null to look beside the runtime.</param>
    public RuntimeWalk Walk(ClrRuntime runtime, TypeLayoutCache cache, long maxHeapObjects = long.MaxValue, bool walkThreads = true, string? dacPath = null, CancellationToken cancellationToken = default)
    {
        var warnings = new List<string>();
        var symbolizer = new FrameSymbolizer(_symbols, cache);
        var sw = Stopwatch.StartNew();

        ClrHeap heap = runtime.Heap;
        HeapScan scan;
        if (heap.CanWalkHeap)
        {
            scan = HeapScan.Run(heap, cache, maxHeapObjects, cancellationToken);
        }
        else
        {
            scan = new HeapScan();
            warnings.Add("the GC heap cannot be walked (a GC was in progress or the dump has no heap): no async stacks and no thread names.");
        }
        double heapMs = sw.Elapsed.TotalMilliseconds;

        IReadOnlyList<CapturedStack> threads = walkThreads ? new ThreadStackWalker(symbolizer).Walk(runtime, scan.ThreadNames) : [];
        double threadsMs = sw.Elapsed.TotalMilliseconds - heapMs;
        IReadOnlyList<CapturedStack> chains = new AsyncStackWalker(symbolizer, heap, cache).Walk(scan.Boxes);
        double variablesStart = sw.Elapsed.TotalMilliseconds;
        int framesWithVariables;
        // The warm-up (no thread walk) reads a few frames only: enough to compile the code and load the types.
        using (var variables = new FrameVariableCapture(runtime, _plan, _symbols, dacPath) { MaxFrames = walkThreads ? int.MaxValue : 256 })
        {
            threads = variables.Capture(threads);
            chains = variables.Capture(chains);
            if (variables.ThreadFrameError is { } dacError)
                warnings.Add(dacError);
            framesWithVariables = variables.FramesCaptured;
            if (!walkThreads)
                variables.PrimeThreadFrames(); // the warm-up: no thread stacks to read, but their code path to compile
        }
        double variablesMs = sw.Elapsed.TotalMilliseconds - variablesStart;
        IReadOnlyList<CapturedStack> stacks = StackStitcher.Stitch(threads, chains, out int stitched);
        return new RuntimeWalk(stacks, threads.Count, chains.Count - stitched, scan.ObjectsVisited, heapMs, threadsMs, sw.Elapsed.TotalMilliseconds, warnings)
        {
            VariablesMs = variablesMs,
            FramesWithVariables = framesWithVariables,
        };
    }

    /// <summary>The process's command line as the runtime recorded it (works for dumps too).</summary>
    public static string? ReadCommandLine(ClrRuntime runtime)
    {
        try
        {
            ClrModule? corelib = runtime.EnumerateModules().FirstOrDefault(m => m.Name?.EndsWith("System.Private.CoreLib.dll", StringComparison.OrdinalIgnoreCase) == true);
            ClrType? env = corelib?.GetTypeByName("System.Environment");
            ClrStaticField? field = env?.GetStaticFieldByName("s_commandLineArgs");
            ClrAppDomain? domain = runtime.AppDomains.FirstOrDefault();
            if (field is null || domain is null)
                return null;
            ClrObject args = field.ReadObject(domain);
            if (args.IsNull || !args.IsArray)
                return null;
            ClrArray array = args.AsArray();
            var parts = new List<string>();
            for (int i = 0; i < array.Length && i < 256; i++)
                parts.Add((string?)array.GetObjectValue(i) ?? "");
            return string.Join(' ', parts);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>The result of <see cref="RuntimeCapture.Walk"/>.</summary>
public sealed record RuntimeWalk(
    IReadOnlyList<CapturedStack> Stacks,
    int ThreadCount,
    int AsyncStackCount,
    long HeapObjects,
    double HeapMs,
    double ThreadsMs,
    double TotalMs,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Time spent reading the spec's variables (included in <see cref="TotalMs"/>).</summary>
    public double VariablesMs { get; init; }

    /// <summary>Frames of spec'd functions whose variables were read.</summary>
    public int FramesWithVariables { get; init; }
}
