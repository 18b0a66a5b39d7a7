using System.Globalization;

namespace BigHeap;

/// <summary>A 56-byte heap object (header, method table, 3 references, a long, an int) with its own 48-byte label.</summary>
public sealed class Node
{
    public Node? Next;
    public Node? Peer;
    public string Label = "";
    public long Stamp;
    public int Id;
}

/// <summary>The live set (nodes in chunks of <see cref="ChunkSize"/>, each linked to its neighbour and to a
/// random earlier node) and the allocator threads that keep the GC busy around it.</summary>
public static class Graph
{
    public const int ChunkSize = 1024;

    /// <summary>What one node costs: the node (56), its label (48), its slot in a chunk (8).</summary>
    public const int BytesPerNode = 56 + 48 + 8;

    public static int NodeCount { get; private set; }

    public static Node[][] Build(long bytes)
    {
        int count = (int)Math.Max(ChunkSize, bytes / BytesPerNode);
        int chunks = (count + ChunkSize - 1) / ChunkSize;
        var live = new Node[chunks][];
        var rng = new Random(42);
        Node? previous = null;
        for (int c = 0; c < chunks; c++)
        {
            var chunk = new Node[ChunkSize];
            live[c] = chunk;
            for (int s = 0; s < ChunkSize; s++)
            {
                int id = c * ChunkSize + s;
                int peer = rng.Next(id + 1);
                var node = new Node
                {
                    Id = id,
                    Next = previous,
                    Label = Label(id),
                    Stamp = id,
                };
                chunk[s] = node;
                node.Peer = live[peer / ChunkSize][peer % ChunkSize];
                previous = node;
            }
        }
        NodeCount = chunks * ChunkSize;
        return live;
    }

    /// <summary>"n-" and the id in 8 hex digits: one 10-char string (48 bytes), no intermediate allocation.</summary>
    private static string Label(int id) =>
        string.Create(10, id, static (span, v) =>
        {
            span[0] = 'n';
            span[1] = '-';
            v.TryFormat(span[2..], out _, "x8", CultureInfo.InvariantCulture);
        });

    /// <summary>
    /// One allocator: every 5 ms, about 64 KB of short-lived garbage (1,000 objects) and one node of the live set
    /// replaced by a new one, so gen0 collections run a couple of times a second and old-to-young references
    /// keep appearing (200 replacements a second per thread: with 8, each gen0 collection's card marking took
    /// 6-7 ms at 200 MB instead of 2-3 ms). About 13 MB/s and a few percent of a core per thread.
    /// </summary>
    public static void Churn(int seed)
    {
        var rng = new Random(seed);
        Node[][] live = Roots.Live!;
        var keep = new object[64]; // a short window, so some garbage survives one gen0 collection
        for (long tick = 0; ; tick++)
        {
            for (int i = 0; i < 1000; i++)
            {
                object garbage = (i % 4) switch
                {
                    0 => new byte[32 + rng.Next(96)],
                    1 => Label(i),
                    2 => new Node { Id = i },
                    _ => new List<int>(4) { i },
                };
                keep[i % keep.Length] = garbage;
            }
            // Replace one live node: the chunk (old) now points at a young object until the next gen1 collection.
            Node[] chunk = live[rng.Next(live.Length)];
            int slot = rng.Next(ChunkSize);
            Node[] other = live[rng.Next(live.Length)];
            int id = NodeCount + (int)(tick % 1_000_000);
            chunk[slot] = new Node
            {
                Id = id,
                Next = chunk[(slot + 1) % ChunkSize],
                Peer = other[rng.Next(ChunkSize)],
                Label = Label(id),
                Stamp = tick,
            };
            Thread.Sleep(5);
        }
    }
}
