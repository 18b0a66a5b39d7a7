using System.Runtime.CompilerServices;

namespace KnownValues;

/// <summary>
/// Iterators, whose variables live in a compiler-generated class like an async method's: a synchronous one blocked
/// on thread <c>iterator-holder</c> inside its MoveNext, and an async one (<c>IAsyncEnumerable</c>) suspended at an
/// await while its consumer's <c>await foreach</c> waits for the next item. Every local is used after the
/// yield or await that follows it, so every build hoists it.
/// </summary>
public static class Iterators
{
    public static readonly ManualResetEventSlim LinesInPlace = new();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IEnumerable<int> Lines(int start, string tag)
    {
        for (int k = start; k < start + 10; k++)
        {
            string line = tag + k;
            if (k == start + 3)
            {
                LinesInPlace.Set();
                Thread.Sleep(Timeout.Infinite);
            }
            yield return line.Length;
            GC.KeepAlive(line); // used after the yield: hoisted in every build (and nothing printed before READY)
        }
    }

    /// <summary>Thread <c>iterator-holder</c>: Lines(40, "line-") blocks at k = 43, line = "line-43".</summary>
    public static int SumLines() => Lines(40, "line-").Sum();

    public static async IAsyncEnumerable<int> Numbers(int count, string label)
    {
        for (int i = 0; i < count; i++)
        {
            string current = label + i;
            if (i == 2)
                await AsyncHolder.NeverTask;
            yield return current.Length;
            GC.KeepAlive(current);
        }
    }

    /// <summary>ConsumeAsync(4) sums "stream0" and "stream1" (14), then waits on Numbers(5, "stream") at i = 2.</summary>
    public static async Task<int> ConsumeAsync(int consumerId)
    {
        int sum = 0;
        await foreach (int n in Numbers(5, "stream"))
            sum += n;
        return sum + consumerId;
    }
}
