using System.Runtime.CompilerServices;

namespace Tiered;

/// <summary>
/// <c>Step</c> runs hot until the runtime has promoted it to tier 1, then one call (<c>Step(0, "parked")</c>) parks
/// on thread <c>parked</c>, so that frame runs the method's second code version. Its line is the one marked
/// <c>// PARKED</c>; its variables: n = 0, label = "parked", total = 7, i = 0, tagged = "parked0" (tier-1 code may keep
/// them only in registers, or drop what it no longer needs: a capture then says so).
/// </summary>
public static class Work
{
    public static readonly ManualResetEventSlim Parked = new();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Step(int n, string label)
    {
        int total = 0;
        for (int i = 0; i <= n; i++)
        {
            string tagged = label + i;
            total += tagged.Length;
            if (n == 0)
            {
                Parked.Set();
                Thread.Sleep(Timeout.Infinite); // PARKED
            }
            total += tagged.Length;
        }
        return total;
    }
}

public static class Program
{
    public static void Main()
    {
        // Thirty calls make a method a tier-1 candidate; its tier-1 code is compiled in the background after a
        // quiet period (100 ms by default). Calls spread over a second leave it both.
        long sum = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 1; i < 100; i++)
                sum += Work.Step((i % 3) + 1, "hot");
            Thread.Sleep(20);
        }

        new Thread(() => Work.Step(0, "parked")) { Name = "parked", IsBackground = true }.Start();
        Work.Parked.Wait();
        Thread.Sleep(50); // into Thread.Sleep
        Console.WriteLine($"READY {Environment.ProcessId} {sum}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
