using System.Runtime.CompilerServices;

#pragma warning disable CA1822 // the samples are read as metadata, never run: their shape is what matters

namespace Sideye.Capture.Tests.Samples;

/// <summary>
/// Methods whose metadata and PDB <see cref="TargetMethodsTests"/> reads from this test assembly itself (a Debug
/// build, so every local of an async method is hoisted): nesting, generics, overloads, scopes, async, lambdas.
/// </summary>
public static class Outer
{
    public sealed class Inner
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public int Run(int count)
        {
            int total = 0;
            for (int i = 0; i < count; i++)
                total += i;
            for (int i = count; i > 0; i--)
            {
                string label = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                total += label.Length;
            }
            foreach (char c in "abc")
                total += c; // foreach makes compiler temporaries (the enumerated string and its index)
            return total;
        }
    }

    public static int Twice(int value) => value * 2;
}

public sealed class Cache<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _items = [];

    public TValue? Get(TKey key) => _items.TryGetValue(key, out TValue? value) ? value : default;

    public TValue Get(TKey key, TValue fallback)
    {
        TValue? found = Get(key);
        return found is null ? fallback : found;
    }

    public int Count => _items.Count;
}

public sealed class Fetcher
{
    private readonly string _prefix = "p";

    public async Task<int> FetchAsync(string url, int retries)
    {
        int attempts = 0;
        string prefixed = _prefix + url;
        await Task.Yield();
        int captured = retries + 1;
        Func<int> lambda = () => captured + attempts;
        await Task.Yield();
        return lambda() + prefixed.Length;
    }

    public static async Task<int> NestedAsync()
    {
        int outer = 1;
        await Task.Yield();
        {
            int inner = outer + 1;
            await Task.Yield();
            outer += inner;
        }
        return outer;
    }
}
