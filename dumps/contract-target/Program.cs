// Known state: a thread named "waiter" blocked in Contract.Waiter.Wait with locals n = 7 and label = "seven",
// and three calls Contract.Jobs.RunAsync(0..2) suspended on a TaskCompletionSource that never completes.
// Prints "READY <pid>" once all are in place.
using System.Runtime.CompilerServices;

namespace Contract;

public static class Waiter
{
    public static readonly ManualResetEventSlim Started = new(false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Wait()
    {
        // Computed, not constants: fully optimized code would fold constants away and keep no location for them, and a
        // test of optimized frames would then check nothing (DacFrameReaderTests).
        int n = int.Parse("7", System.Globalization.CultureInfo.InvariantCulture);
        string label = string.Concat("se", "ven".AsSpan());
        Started.Set();
        Thread.Sleep(Timeout.Infinite);
        Console.WriteLine($"{label} {n}");
    }
}

public static class Jobs
{
    public static readonly TaskCompletionSource Never = new();

    public static async Task RunAsync(int jobId)
    {
        string name = "job-" + jobId;
        await Never.Task;
        Console.WriteLine(name);
    }
}

public static class Program
{
    public static void Main()
    {
        var waiter = new Thread(Waiter.Wait) { Name = "waiter", IsBackground = true };
        waiter.Start();
        var jobs = Enumerable.Range(0, 3).Select(Jobs.RunAsync).ToList();
        Waiter.Started.Wait();
        Thread.Sleep(500);
        Console.WriteLine($"READY {Environment.ProcessId}");
        Thread.Sleep(Timeout.Infinite);
        GC.KeepAlive(jobs);
    }
}
