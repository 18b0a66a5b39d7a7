using System.Diagnostics;
using System.Globalization;
using BigHeap;

// BigHeap [--heap-mb N] [--allocators K] [--gaps-file PATH]: builds a live heap of about N MB of small objects,
// parks Parked.Count async calls, starts K allocator threads and the heartbeat, prints READY, then runs until
// it is killed.
const string Usage = "usage: BigHeap [--heap-mb 200] [--allocators 2] [--gaps-file PATH]";
int heapMb = 200;
int allocators = 2;
string? gapsFile = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--heap-mb" when i + 1 < args.Length: heapMb = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--allocators" when i + 1 < args.Length: allocators = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--gaps-file" when i + 1 < args.Length: gapsFile = args[++i]; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; {Usage}");
            return 2;
    }
}
if (heapMb < 1 || allocators < 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var build = Stopwatch.StartNew();
Roots.Live = Graph.Build((long)heapMb << 20);
Roots.Known = new Marker("big-heap-marker", 0x5EED, Roots.Live.Length);
// The build makes next to no garbage, so the heap is the live set without a full collection (which would add
// 5 s at 1 GB, for a heap that the allocators reshape anyway).
long liveBytes = GC.GetTotalMemory(forceFullCollection: false);
build.Stop();

Task[] parked = Parked.Start();

new Thread(() => Heartbeat.Run(gapsFile)) { Name = "heartbeat", IsBackground = true, Priority = ThreadPriority.Highest }.Start();
for (int t = 0; t < allocators; t++)
{
    int seed = t + 1;
    new Thread(() => Graph.Churn(seed)) { Name = $"allocator-{t}", IsBackground = true }.Start();
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"READY {Environment.ProcessId} heap-mb={liveBytes >> 20} nodes={Graph.NodeCount} parked={parked.Count(p => !p.IsCompleted)} allocators={allocators} build-ms={build.ElapsedMilliseconds}"));
Console.Out.Flush();
Thread.Sleep(Timeout.Infinite);
GC.KeepAlive(parked);
return 0;

namespace BigHeap
{
    /// <summary>The static roots: the live set, the heartbeat counter, and a known object a spec may capture.</summary>
    public static class Roots
    {
        /// <summary>The live set, in chunks of <see cref="Graph.ChunkSize"/> nodes.</summary>
        public static Node[][]? Live;

        /// <summary>Incremented by the heartbeat thread once per 1 ms iteration.</summary>
        public static long Heartbeats;

        /// <summary>Always <c>Marker("big-heap-marker", 0x5EED = 24301, chunk count)</c>.</summary>
        public static Marker? Known;
    }

    public sealed record Marker(string Name, int Magic, int Chunks);
}
