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

    public ProcessCaptureResult Capture(string dumpPath, CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        using OpenedTarget target = TargetOpener.OpenDump(dumpPath);
        return CaptureRuntime(target.Runtime, target.DataTarget.DataReader.ProcessId, target.RuntimeVersion, dumpPath, sw, target.DacPath, cancellationToken);
    }

    /// <summary>Captures a runtime someone else opened (the dotnet-dump extension passes the host's).</summary>
    public ProcessCaptureResult CaptureRuntime(Microsoft.Diagnostics.Runtime.ClrRuntime runtime, int pid, string? runtimeVersion, string dumpPath, Stopwatch? sw = null, string? dacPath = null, CancellationToken cancellationToken = default)
    {
        sw ??= Stopwatch.StartNew();
        var capture = new RuntimeCapture(_symbols, _plan);
        if (!HasReadableHeap(runtime))
            throw new TargetException($"dump {dumpPath}", "has no GC heap (a mini dump?). Sideye needs the heap for async stacks and variables: collect with `dotnet-dump collect --type Full` (or `--type Heap`).");
        RuntimeWalk walk = capture.Walk(runtime, new Walk.TypeLayoutCache(), dacPath: dacPath, cancellationToken: cancellationToken);
        string? cmdline = RuntimeCapture.ReadCommandLine(runtime);
        string name = cmdline is null ? "?" : ProcessNameFrom(cmdline);
        return new ProcessCaptureResult(pid, name, cmdline, runtimeVersion, $"dump:{(File.Exists(dumpPath) ? Path.GetFullPath(dumpPath) : dumpPath)}",
            walk.Stacks, null, sw.Elapsed.TotalMilliseconds, walk.Warnings);
    }

    /// <summary>
    /// A mini dump lists the GC's segments but holds none of their memory: look for one readable object
    /// header whose method table names a type.
    /// </summary>
    private static bool HasReadableHeap(Microsoft.Diagnostics.Runtime.ClrRuntime runtime)
    {
        // Not CanWalkHeap: a full dump taken in the middle of a garbage collection has all its heap memory but
        // cannot be walked; the walk says so in a warning. Only a dump without the memory is refused.
        var memory = runtime.DataTarget.DataReader;
        foreach (var segment in runtime.Heap.Segments)
        {
            ulong start = segment.ObjectRange.Start;
            if (segment.ObjectRange.Length == 0)
                continue;
            if (memory.ReadPointer(start, out ulong mt) && mt != 0 && runtime.GetTypeByMethodTable(mt) is not null)
                return true;
        }
        return false;
    }

    private static string ProcessNameFrom(string commandLine)
    {
        string first = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "?";
        return Path.GetFileNameWithoutExtension(first);
    }
}
