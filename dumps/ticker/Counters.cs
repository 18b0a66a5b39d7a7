namespace Ticker;

/// <summary>
/// Two counters advanced in lock step by one thread: <see cref="Ticks"/> first, then <see cref="Heap"/>'s. At any
/// instant they differ by 0 or 1. The static lives in memory the runtime maps shared (W^X), which a clone does not
/// freeze; the object lives on the GC heap, which it does. Read from one snapshot instant, they still agree.
/// </summary>
public static class Counters
{
    public static long Ticks;

    public static readonly TickBox Heap = new();

    public static void Run()
    {
        while (true)
        {
            for (int i = 0; i < 1000; i++)
            {
                Volatile.Write(ref Ticks, Ticks + 1);
                Volatile.Write(ref Heap.Ticks, Heap.Ticks + 1);
            }
            Thread.Sleep(1);
        }
    }
}

public sealed class TickBox
{
    public long Ticks;
}
