using System.Runtime.CompilerServices;

namespace KnownValues;

/// <summary>The synchronous frame: a thread parked inside <see cref="Hold"/> with every known value as a local.</summary>
public static class Holder
{
    public static readonly ManualResetEventSlim InPlace = new();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Hold(int count, string name)
    {
        int answer = 42;
        long big = 1234567890123;
        bool flag = true;
        double ratio = 0.25;
        string greeting = "hello";
        Point p = new Point(3, 4);
        Node cycle = Node.Cycle();
        string longText = new string('x', 5000);
        List<int> many = Enumerable.Range(0, 1000).ToList();
        Color color = Color.Green;
        decimal price = 12.34m;
        DateTime when = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Guid id = Guid.Parse(Statics.GuidText);
        TimeSpan span = TimeSpan.FromSeconds(90);
        Dictionary<string, int> dict = new() { ["a"] = 1, ["b"] = 2 };
        int[] arr = [1, 2, 3];
        object? nothing = null;

        InPlace.Set();
        Thread.Sleep(Timeout.Infinite);

        // Never reached; keeps every local live (and so readable) across the sleep, even in Release.
        Console.WriteLine($"{count} {name} {answer} {big} {flag} {ratio} {greeting} {p} {color} {price} {when:O} {id} {span}");
        Console.WriteLine($"{cycle.Name} {longText.Length} {many.Count} {dict.Count} {arr.Length} {nothing}");
        GC.KeepAlive(cycle);
        GC.KeepAlive(longText);
        GC.KeepAlive(many);
        GC.KeepAlive(dict);
        GC.KeepAlive(arr);
        GC.KeepAlive(nothing);
    }
}
