using System.Runtime.CompilerServices;

namespace KnownValues;

/// <summary>
/// Local functions that capture a variable of their enclosing method: a synchronous one blocked on thread
/// <c>local-function-holder</c> (its closure is a struct passed by reference), and an async one suspended at an
/// await (its closure is a class its state machine holds). Frames name them <c>LocalFunctions.Outer.Inner</c> and
/// <c>LocalFunctions.OuterAsync.LocalAsync</c>; a spec captures the captured variables by their names.
/// </summary>
public static class LocalFunctions
{
    public static readonly ManualResetEventSlim InPlace = new();

    /// <summary>Outer(5): factor = 10; Inner(6): x = 6, product = 60.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Outer(int seed)
    {
        int factor = seed * 2;
        return Inner(seed + 1);

        [MethodImpl(MethodImplOptions.NoInlining)]
        int Inner(int x)
        {
            int product = x * factor;
            InPlace.Set();
            Thread.Sleep(Timeout.Infinite);
            Console.WriteLine($"{x} {product} {factor}"); // used after the sleep: a named local in every build
            return product;
        }
    }

    /// <summary>OuterAsync("job"): tag = "job!"; LocalAsync(3): count = 3, label = "job!3".</summary>
    public static async Task<int> OuterAsync(string name)
    {
        string tag = name + "!";
        return await LocalAsync(3);

        async Task<int> LocalAsync(int count)
        {
            string label = tag + count;
            await AsyncHolder.NeverTask;
            return label.Length + tag.Length;
        }
    }
}
