using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Threading.Channels;

namespace KnownValues;

/// <summary>
/// The known values as static fields, so tests find them through ClrMD's static-field API without the DAC
/// frame walker. Same values as <see cref="Holder.Hold"/>'s locals, plus extra shapes the renderer handles.
/// </summary>
public static class Statics
{
    public const string GuidText = "6f9619ff-8b86-d011-b42d-00c04fc964ff";

    // The locals of Holder.Hold, one for one.
    public static int Answer;
    public static long Big;
    public static bool Flag;
    public static double Ratio;
    public static string? Greeting;
    public static Point P;
    /// <summary>RunningAsync.BlockAfterAwaitAsync's task (never completes).</summary>
    public static Task? PendingRunning;

    /// <summary>Box&lt;string&gt;.WaitAsync's task (never completes).</summary>
    public static Task<string>? PendingBox;

    /// <summary>Iterators.ConsumeAsync's task (never completes: it waits on an async iterator).</summary>
    public static Task<int>? PendingStream;

    /// <summary>LocalFunctions.OuterAsync's task (never completes: its local function waits).</summary>
    public static Task<int>? PendingLocal;
    public static Node? Cycle;
    public static string? LongText;
    public static List<int>? Many;
    public static Color Color;
    public static decimal Price;
    public static DateTime When;
    public static Guid Id;
    public static TimeSpan Span;
    public static Dictionary<string, int>? Dict;
    public static int[]? Arr;
    public static object? Nothing;

    // Extra shapes.
    public static object? BoxedAnswer;
    public static Everything? All;
    public static ClientState? Client;
    public static Access Rights;
    public static Access OddRights;
    public static int? SomeNumber;
    public static int? NoNumber;
    public static char Letter;
    public static ulong Huge;
    public static float Single;
    public static DateTimeOffset Stamp;
    public static HashSet<string>? Names;
    public static ConcurrentDictionary<int, string>? Concurrent;
    public static Queue<int>? Fifo;
    public static Stack<string>? Lifo;
    public static ImmutableArray<int> Frozen;
    public static Dictionary<int, Point>? ByNumber;
    public static ConcurrentQueue<int>? WorkQueue;
    public static ConcurrentQueue<int>? LongQueue;
    public static LinkedList<string>? Chain;
    public static SortedSet<int>? Ordered;
    public static SortedDictionary<string, int>? ByName;
    public static StringBuilder? Text;
    public static Channel<int>? Bounded;
    public static Task<int>? Done;
    public static Task? Canceled;
    public static CancellationToken Token;
    public static CancellationToken CanceledToken;
    public static CancellationToken NoToken;
    public static CancellationTokenSource? CanceledSource;
    public static Exception? Failure;
    public static Func<string, string>? Callback;
    public static Action? Both;
    public static Uri? Link;
    public static Type? KindOf;
    public static string? Unicode;
    public static Task[]? Pending;
    public static ValueTask<int> PendingWorker;

    public static void Initialize()
    {
        Answer = 42;
        Big = 1234567890123;
        Flag = true;
        Ratio = 0.25;
        Greeting = "hello";
        P = new Point(3, 4);
        Cycle = Node.Cycle();
        LongText = new string('x', 5000);
        Many = Enumerable.Range(0, 1000).ToList();
        Color = Color.Green;
        Price = 12.34m;
        When = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Id = Guid.Parse(GuidText);
        Span = TimeSpan.FromSeconds(90);
        Dict = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        Arr = [1, 2, 3];
        Nothing = null;

        BoxedAnswer = 42;
        All = new Everything();
        Client = new ClientState(7);
        Rights = Access.Read | Access.Write;
        OddRights = Access.Read | (Access)16;
        SomeNumber = 5;
        NoNumber = null;
        Letter = 'Z';
        Huge = ulong.MaxValue;
        Single = 1.5f;
        Stamp = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        Names = ["x"];
        Concurrent = new ConcurrentDictionary<int, string>();
        Concurrent[1] = "one";
        Concurrent[2] = "two";
        Fifo = new Queue<int>();
        for (int i = 0; i < 5; i++)
        {
            Fifo.Enqueue(i); // 0..4, then 0 and 1 dequeued: the queue holds 2, 3, 4
        }

        Fifo.Dequeue();
        Fifo.Dequeue();
        Lifo = new Stack<string>();
        Lifo.Push("bottom");
        Lifo.Push("top");
        Frozen = [7, 8, 9];
        ByNumber = new Dictionary<int, Point> { [1] = new Point(1, 1), [2] = new Point(2, 2) };
        Unicode = "h\u00e9llo \"w\u00f6rld\"\n\u2603";

        WorkQueue = new ConcurrentQueue<int>();
        for (int i = 1; i <= 4; i++)
            WorkQueue.Enqueue(i); // then 1 dequeued: 2, 3, 4
        WorkQueue.TryDequeue(out _);
        LongQueue = new ConcurrentQueue<int>();
        for (int i = 0; i < 100; i++)
            LongQueue.Enqueue(i); // past the first segment (32 slots): several segments, the first ones frozen
        Chain = new LinkedList<string>(["a", "b", "c"]);
        Ordered = [5, 1, 3];
        ByName = new SortedDictionary<string, int> { ["b"] = 2, ["a"] = 1, ["c"] = 3 };
        Text = new StringBuilder("hello, ");
        Text.Append('b', 40).Append(" end"); // past the first chunk's 16 chars: several chunks
        Bounded = Channel.CreateBounded<int>(10);
        Bounded.Writer.TryWrite(7);
        Bounded.Writer.TryWrite(8);
        Done = Task.FromResult(42);
        Canceled = Task.FromCanceled(new CancellationToken(canceled: true));
        Token = new CancellationTokenSource().Token;
        CanceledToken = new CancellationToken(canceled: true);
        NoToken = CancellationToken.None;
        CanceledSource = new CancellationTokenSource();
        CanceledSource.Cancel();
        Failure = new InvalidOperationException("outer", new ArgumentException("inner"));
        var greeter = new Greeter("cb");
        Callback = greeter.Greet;
        Both = greeter.Wave;
        Both += Greeter.Shout;
        Link = new Uri("https://example.com/a?b=1");
        KindOf = typeof(Point);
    }
}
