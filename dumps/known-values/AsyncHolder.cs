namespace KnownValues;

/// <summary>
/// Async operations suspended forever at an await on a never-completed source. Every local is assigned before
/// the await and used after it, so even a Release build hoists it into the state machine.
/// </summary>
public static class AsyncHolder
{
    private static readonly TaskCompletionSource Never = new();

    public static async Task WaitAsync(int jobId, string tag)
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

        await Never.Task;

        Console.WriteLine($"{jobId} {tag} {answer} {big} {flag} {ratio} {greeting} {p} {color} {price} {when:O} {id} {span}");
        Console.WriteLine($"{cycle.Name} {longText.Length} {many.Count} {dict.Count} {arr.Length} {nothing}");
    }

    /// <summary>An async void operation (its box comes from AsyncVoidMethodBuilder).</summary>
    public static async void FireAndForget(string label)
    {
        int answer = 42;
        await Never.Task;
        Console.WriteLine($"{label} {answer}");
    }

    /// <summary>Lets <see cref="Worker"/> await the same never-completed source.</summary>
    internal static Task NeverTask => Never.Task;
}

/// <summary>An instance async method returning ValueTask: its state machine hoists <c>this</c> as <c>&lt;&gt;4__this</c>.</summary>
public sealed class Worker(string name)
{
    public string Name { get; } = name;

    public async ValueTask<int> RunAsync(int round)
    {
        int answer = 42;
        await AsyncHolder.NeverTask;
        Console.WriteLine($"{Name} {round} {answer}");
        return answer;
    }
}

/// <summary>A generic type's async method: frames name it <c>KnownValues.Box&lt;_&gt;.WaitAsync</c>, a spec <c>KnownValues.Box.WaitAsync</c>.</summary>
public sealed class Box<T>(T value)
{
    public T Value { get; } = value;

    public async Task<T> WaitAsync(int round)
    {
        int answer = 42;
        await AsyncHolder.NeverTask;
        Console.WriteLine($"{round} {answer}");
        return Value;
    }
}
