using System.Runtime.CompilerServices;

namespace KnownValues;

/// <summary>
/// Async methods blocked synchronously, so their frames are on a thread rather than only on the heap: one before
/// its first await (a Release state machine is then a struct on the thread's stack, with no box yet), one after
/// an await (resumed from its box on a thread-pool thread). <c>hoisted</c> is used after an await, so every build
/// hoists it into the state machine; <c>notHoisted</c> is not, so a Release build keeps it a local of MoveNext.
/// </summary>
public static class RunningAsync
{
    public static readonly ManualResetEventSlim BeforeAwaitInPlace = new();
    public static readonly ManualResetEventSlim AfterAwaitInPlace = new();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task BlockBeforeAwaitAsync(int jobId, string tag)
    {
        int hoisted = jobId * 10;
        string notHoisted = tag + "-local";
        BeforeAwaitInPlace.Set();
        Thread.Sleep(Timeout.Infinite);
        Console.WriteLine(notHoisted);
        await AsyncHolder.NeverTask;
        Console.WriteLine(hoisted);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task BlockAfterAwaitAsync(int jobId, string tag)
    {
        int hoisted = jobId * 10;
        await Task.Yield();
        string notHoisted = tag + "-local";
        AfterAwaitInPlace.Set();
        Thread.Sleep(Timeout.Infinite);
        Console.WriteLine(notHoisted);
        Console.WriteLine(hoisted);
    }
}
