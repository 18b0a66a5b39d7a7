namespace KnownValues;

/// <summary>A small struct with auto-properties (fields <c>&lt;X&gt;k__BackingField</c>, <c>&lt;Y&gt;k__BackingField</c>).</summary>
public readonly record struct Point(int X, int Y);

/// <summary>A node of an object graph; <see cref="Node.Cycle"/> builds a -> b -> a.</summary>
public sealed class Node(string name)
{
    public string Name = name;
    public Node? Next;

    public static Node Cycle()
    {
        var a = new Node("a");
        var b = new Node("b");
        a.Next = b;
        b.Next = a;
        return a;
    }
}

public enum Color
{
    Red = 1,
    Green = 2,
    Blue = 3,
}

[Flags]
public enum Access
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>The shape of the slow-rpc demo's per-client state, for field-path tests (<c>Client.Mu.Processing</c>).</summary>
public sealed class ClientState(int clientId)
{
    public int ClientId { get; } = clientId;
    public long NumCalls { get; set; } = 17;
    public ClientMu Mu { get; } = new();
}

public sealed class ClientMu
{
    public SemaphoreSlim Lock { get; } = new(1, 1);
    public bool Processing { get; set; } = true;
    public long LastBackgroundServiceStart { get; set; } = 1_700_000_000_000_000_000;
}

/// <summary>Every known value as an instance field of one object, so structs are embedded in an object.</summary>
public sealed class Everything
{
    public int Answer = 42;
    public long Big = 1234567890123;
    public bool Flag = true;
    public double Ratio = 0.25;
    public string Greeting = "hello";
    public Point P = new(3, 4);
    public Color Color = Color.Green;
    public decimal Price = 12.34m;
    public DateTime When = new(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    public Guid Id = Guid.Parse(Statics.GuidText);
    public TimeSpan Span = TimeSpan.FromSeconds(90);
    public int[] Arr = [1, 2, 3];
    public object? Nothing;
}

/// <summary>A delegate target: <c>Statics.Callback</c> is <c>Greet</c> on the instance named "cb".</summary>
public sealed class Greeter(string name)
{
    public string Name { get; } = name;

    public string Greet(string who) => $"{Name}: hello {who}";

    public void Wave() => Console.Write(Name);

    public static void Shout() => Console.Write("!");
}
