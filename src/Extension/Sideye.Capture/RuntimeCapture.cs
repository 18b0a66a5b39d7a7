using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.BuiltIns;
using Sideye.Capture.Dac;
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
    private readonly IReadOnlyList<IBuiltInRecognizer> _builtIns;

    public RuntimeCapture(SymbolCache symbols, CapturePlan? plan = null)
    {
        _symbols = symbols;
        _plan = plan ?? CapturePlan.Empty;
        _builtIns = BuiltInRecognizers.For(_plan);
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

    /// <summary>
    /// The warm-up against a running process, before the pause: one bounded heap pass (which box and state
    /// machine types exist, and their layouts) and the spec's PDB decoding. It reads no object beyond the heap
    /// pass itself: a running process's pointers move under us, and the DAC can crash on what they point at.
    /// </summary>
    public void WarmUp(ClrRuntime runtime, TypeLayoutCache cache, long maxHeapObjects, CancellationToken cancellationToken = default)
    {
        ClrHeap heap = runtime.Heap;
        if (!heap.CanWalkHeap)
            return;
        HeapScan scan = HeapScan.Run(heap, cache, maxHeapObjects, cancellationToken, _builtIns);
        var boxes = new AsyncBoxes(heap, cache);
        foreach (ClrType type in scan.Boxes.Select(b => b.Type).OfType<ClrType>().DistinctBy(t => t.MethodTable))
            boxes.LearnTypes(type);
        PrimeSymbols(cache);
    }

    /// <summary>
    /// Runs the PDB lookups of the walk (source lines, await offsets, and for a spec the local names of thread
    /// frames) on the state machines just learned: pure file reads, so the pause does not JIT-compile them
    /// (generic code over System.Reflection.Metadata that ReadyToRun does not precompile).
    /// </summary>
    private void PrimeSymbols(TypeLayoutCache cache)
    {
        using var locals = _plan.Functions.IsEmpty ? null : new Dac.PdbLocals(_symbols);
        foreach (Walk.StateMachineInfo? info in cache.StateMachines.Values.Take(16))
        {
            if (info is { MoveNextToken: int token, ModulePath: { } path } && _symbols.Get(path) is { } module)
            {
                module.GetAwaitYieldOffset(token, 0);
                module.GetSourceLocation(token, 0);
                locals?.GetMethod(path, token, 0);
            }
        }
    }

    /// <summary>Walks the runtime (paused, or a dump).</summary>
    /// <param name="dacPath">The DAC the target was opened with (thread frames' locals are read through a second instance of it); null to look beside the runtime.</param>
    /// <param name="clock">The capture instant on the target's clocks, for wait times; null when unknown.</param>
    public RuntimeWalk Walk(ClrRuntime runtime, TypeLayoutCache cache, string? dacPath = null, CancellationToken cancellationToken = default, CaptureClock? clock = null)
    {
        var warnings = new List<string>();
        using var dac = new TargetDac(runtime, dacPath);
        var symbolizer = new FrameSymbolizer(_symbols, cache, dac);
        var sw = Stopwatch.StartNew();

        ClrHeap heap = runtime.Heap;
        HeapScan scan;
        if (heap.CanWalkHeap)
        {
            scan = HeapScan.Run(heap, cache, cancellationToken: cancellationToken, recognizers: _builtIns);
        }
        else
        {
            scan = new HeapScan();
            warnings.Add("the GC heap cannot be walked (a garbage collection was in progress): no async stacks and no thread names. For a dump, collect it again.");
        }
        double heapMs = sw.Elapsed.TotalMilliseconds;

        IReadOnlyList<CapturedStack> threads = new ThreadStackWalker(symbolizer).Walk(runtime, scan.ThreadNames);
        double threadsMs = sw.Elapsed.TotalMilliseconds - heapMs;
        var asyncWalker = new AsyncStackWalker(symbolizer, heap, cache);
        IReadOnlyList<CapturedStack> chains = asyncWalker.Walk(scan.Boxes, scan.RuntimeAsyncTasks);
        warnings.AddRange(asyncWalker.Warnings);
        double variablesStart = sw.Elapsed.TotalMilliseconds;
        double asyncMs = variablesStart - heapMs - threadsMs;
        int framesWithVariables;
        using (var variables = new FrameVariableCapture(runtime, _plan, _symbols, dac))
        {
            threads = variables.Capture(threads);
            chains = variables.Capture(chains);
            if (variables.ThreadFrameError is { } dacError)
                warnings.Add(dacError);
            if (variables.RuntimeAsyncError is { } asyncError)
                warnings.Add(asyncError);
            framesWithVariables = variables.FramesCaptured;
        }
        double variablesMs = sw.Elapsed.TotalMilliseconds - variablesStart;
        IReadOnlyList<CapturedStack> stacks = StackStitcher.Stitch(threads, chains, out _);
        double builtInsStart = sw.Elapsed.TotalMilliseconds;
        BuiltInTables builtIns = BuiltInTables.Empty;
        if (heap.CanWalkHeap)
            (stacks, builtIns) = BuiltInRecognition.Run(_builtIns, scan.BuiltInObjects, runtime, dac, stacks, clock, warnings, cancellationToken);
        return new RuntimeWalk(stacks, threads.Count, stacks.Count - threads.Count, scan.ObjectsVisited, heapMs, threadsMs, sw.Elapsed.TotalMilliseconds, warnings)
        {
            AsyncMs = asyncMs,
            VariablesMs = variablesMs,
            FramesWithVariables = framesWithVariables,
            BuiltInsMs = sw.Elapsed.TotalMilliseconds - builtInsStart,
            BuiltIns = builtIns,
            // The module list the walk already enumerated (ClrMD keeps it): a copy, so the methods can be described from
            // their files once the target runs again.
            ModulePaths = TargetMethods.ModulePathsOf(runtime),
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
    /// <summary>Time spent chaining async state machines into logical stacks (included in <see cref="TotalMs"/>).</summary>
    public double AsyncMs { get; init; }

    /// <summary>Time spent reading the spec's variables (included in <see cref="TotalMs"/>).</summary>
    public double VariablesMs { get; init; }

    /// <summary>Time spent by the built-in recognizers (included in <see cref="TotalMs"/>).</summary>
    public double BuiltInsMs { get; init; }

    /// <summary>What the built-in recognizers found, with stack ids as indexes into <see cref="Stacks"/>.</summary>
    public BuiltInTables BuiltIns { get; init; } = BuiltInTables.Empty;

    /// <summary>The runtime's module files (see <see cref="ProcessCaptureResult.ModulePaths"/>).</summary>
    public IReadOnlyList<string> ModulePaths { get; init; } = [];

    /// <summary>Frames of spec'd functions whose variables were read.</summary>
    public int FramesWithVariables { get; init; }

    /// <summary>Where the walk's time went, for the progress line (the same in both pause modes).</summary>
    public string Parts =>
        $"heap {HeapMs:0.0} for {HeapObjects} objects, threads {ThreadsMs:0.0}, async {AsyncMs:0.0}" +
        (FramesWithVariables > 0 ? $", variables {VariablesMs:0.0} for {FramesWithVariables} frames" : "") +
        $", built-ins {BuiltInsMs:0.0}";
}
