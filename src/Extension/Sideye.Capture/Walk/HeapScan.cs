using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// One pass over the GC heap that collects what the capture needs from it: async state machine boxes and
/// runtime-async tasks (the nodes of async logical stacks) and Thread objects (for thread names). Type classification is
/// cached per method table so the per-object cost is a dictionary lookup.
/// </summary>
internal sealed class HeapScan
{
    private enum TypeClass : byte { Other, AsyncBox, Thread, BuiltIn, RuntimeAsyncTask }

    private readonly Dictionary<ulong, int[]> _interest = new();

    public List<ClrObject> Boxes { get; } = new();

    /// <summary>.NET 11's runtime-async tasks (completed ones too: the async walk reads their state).</summary>
    public List<ClrObject> RuntimeAsyncTasks { get; } = new();

    /// <summary>Per built-in recognizer (in the order given to <see cref="Run"/>), the objects of the types it wants.</summary>
    public List<List<ClrObject>> BuiltInObjects { get; } = new();
    public Dictionary<int, string> ThreadNames { get; } = new();
    public long ObjectsVisited { get; private set; }

    /// <summary>Scans the heap; <paramref name="maxObjects"/> bounds the walk (the warm-up pass uses a small bound).</summary>
    public static HeapScan Run(ClrHeap heap, TypeLayoutCache cache, long maxObjects = long.MaxValue, CancellationToken cancellationToken = default,
        IReadOnlyList<BuiltIns.IBuiltInRecognizer>? recognizers = null)
    {
        var scan = new HeapScan();
        recognizers ??= [];
        foreach (var _ in recognizers)
            scan.BuiltInObjects.Add(new List<ClrObject>());
        var classes = cache.HeapClasses;
        foreach (ClrObject obj in heap.EnumerateObjects())
        {
            if (++scan.ObjectsVisited > maxObjects)
                break;
            if ((scan.ObjectsVisited & 0xFFFF) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            ClrType? type = obj.Type;
            if (type is null)
                continue;
            if (!classes.TryGetValue(type.MethodTable, out byte raw))
            {
                raw = (byte)Classify(type.Name);
                if (raw == (byte)TypeClass.Other && recognizers.Count > 0)
                    raw = (byte)scan.LearnInterest(type, recognizers);
                classes[type.MethodTable] = raw;
            }
            var cls = (TypeClass)raw;
            switch (cls)
            {
                case TypeClass.AsyncBox:
                    scan.Boxes.Add(obj);
                    break;
                case TypeClass.RuntimeAsyncTask:
                    scan.RuntimeAsyncTasks.Add(obj);
                    break;
                case TypeClass.Thread:
                    if (obj.TryReadField("_managedThreadId", out int id) && obj.TryReadStringField("_name", 256, out string? name) && name is not null)
                        scan.ThreadNames[id] = name;
                    break;
                case TypeClass.BuiltIn:
                    if (!scan._interest.TryGetValue(type.MethodTable, out int[]? wanted))
                        wanted = scan.Interest(type, recognizers);
                    foreach (int r in wanted)
                        scan.BuiltInObjects[r].Add(obj);
                    break;
            }
        }
        return scan;
    }

    private TypeClass LearnInterest(ClrType type, IReadOnlyList<BuiltIns.IBuiltInRecognizer> recognizers) =>
        Interest(type, recognizers).Length > 0 ? TypeClass.BuiltIn : TypeClass.Other;

    // The class cache outlives a scan (warm-up, then the walk): which recognizers want a type is kept per scan.
    private int[] Interest(ClrType type, IReadOnlyList<BuiltIns.IBuiltInRecognizer> recognizers)
    {
        string? name = type.Name;
        int[] wanted = name is null ? [] : Enumerable.Range(0, recognizers.Count).Where(i => recognizers[i].Wants(name)).ToArray();
        _interest[type.MethodTable] = wanted;
        return wanted;
    }

    private static TypeClass Classify(string? name)
    {
        if (name is null)
            return TypeClass.Other;
        if (name == "System.Threading.Thread")
            return TypeClass.Thread;
        if (RuntimeAsyncChains.IsRuntimeAsyncTask(name))
            return TypeClass.RuntimeAsyncTask;
        return AsyncBoxes.IsBoxTypeName(name) ? TypeClass.AsyncBox : TypeClass.Other;
    }
}
