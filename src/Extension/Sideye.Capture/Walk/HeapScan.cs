using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// One pass over the GC heap that collects what the capture needs from it: async state machine boxes
/// (the nodes of async logical stacks) and Thread objects (for thread names). Type classification is
/// cached per method table so the per-object cost is a dictionary lookup.
/// </summary>
internal sealed class HeapScan
{
    private enum TypeClass : byte { Other, AsyncBox, Thread }

    public List<ClrObject> Boxes { get; } = new();
    public Dictionary<int, string> ThreadNames { get; } = new();
    public long ObjectsVisited { get; private set; }

    /// <summary>Scans the heap; <paramref name="maxObjects"/> bounds the walk (the warm-up pass uses a small bound).</summary>
    public static HeapScan Run(ClrHeap heap, TypeLayoutCache cache, long maxObjects = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var scan = new HeapScan();
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
                classes[type.MethodTable] = raw;
            }
            var cls = (TypeClass)raw;
            switch (cls)
            {
                case TypeClass.AsyncBox:
                    scan.Boxes.Add(obj);
                    break;
                case TypeClass.Thread:
                    if (obj.TryReadField("_managedThreadId", out int id) && obj.TryReadStringField("_name", 256, out string? name) && name is not null)
                        scan.ThreadNames[id] = name;
                    break;
            }
        }
        return scan;
    }

    private static TypeClass Classify(string? name)
    {
        if (name is null)
            return TypeClass.Other;
        if (name == "System.Threading.Thread")
            return TypeClass.Thread;
        return AsyncBoxes.IsBoxTypeName(name) ? TypeClass.AsyncBox : TypeClass.Other;
    }
}
