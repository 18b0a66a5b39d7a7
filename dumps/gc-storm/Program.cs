using System.Runtime.CompilerServices;

namespace GcStorm;

/// <summary>
/// Parks <c>Waiters</c> async calls of <see cref="Parked.WaitAsync"/> forever, then keeps two threads allocating
/// so that collections run back to back; prints <c>READY &lt;pid&gt;</c> and runs until killed.
/// </summary>
public static class Program
{
    public const int Waiters = 10;

    private static readonly TaskCompletionSource Never = new();

    public static void Main()
    {
        Task[] parked = Enumerable.Range(0, Waiters).Select(i => Parked.WaitAsync(i, Never.Task)).ToArray();
        for (int t = 0; t < 2; t++)
            new Thread(Churn) { Name = $"churn-{t}", IsBackground = true }.Start();
        Console.WriteLine($"READY {Environment.ProcessId}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
        GC.KeepAlive(parked);
    }

    /// <summary>Allocates and keeps a sliding window alive, so each collection has survivors to move.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Churn()
    {
        var window = new object[4096];
        for (long i = 0; ; i++)
            window[i % window.Length] = new byte[64 + (int)(i % 512)];
    }
}

public static class Parked
{
    public static async Task WaitAsync(int id, Task never)
    {
        string label = $"parked-{id}";
        await never;
        Console.WriteLine(label);
    }
}
