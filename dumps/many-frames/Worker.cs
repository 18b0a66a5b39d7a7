namespace ManyFrames;

/// <summary>Who a request is for: the end of the spec's field path <c>request.Tenant.Name</c>.</summary>
public sealed class Tenant(string name, int tier)
{
    public string Name { get; } = name;
    public int Tier { get; } = tier;
}

/// <summary>A request with a few fields of different kinds (auto-properties, so their backing fields are read).</summary>
public sealed class Request(int id, string path, Tenant tenant, long createdTicks)
{
    public int Id { get; } = id;
    public string Path { get; } = path;
    public Tenant Tenant { get; } = tenant;
    public long CreatedTicks { get; } = createdTicks;
}

/// <summary>
/// The two spec'd functions. <see cref="HandleAsync"/> parks on a semaphore that is never released, so each
/// call stays a suspended async frame on the heap; <see cref="Block"/> parks its thread in
/// <see cref="Monitor.Wait(object)"/>, so its frame is on a thread stack. Both keep the same variables
/// live across the wait (used after it), so a Release build hoists them into the state machine and keeps
/// them in the thread frame.
/// </summary>
public static class Worker
{
    /// <summary>Never released: every <see cref="HandleAsync"/> waits on it forever.</summary>
    private static readonly SemaphoreSlim Gate = new(0);

    /// <summary>Never pulsed: every <see cref="Block"/> waits on it forever.</summary>
    internal static readonly object Lock = new();

    /// <summary>Threads that are (about to be) in <see cref="Monitor.Wait(object)"/>; read under <see cref="Lock"/>.</summary>
    internal static int Blocked;

    public static async Task HandleAsync(int id, Request request)
    {
        string label = $"req-{id:D6}";
        int attempt = id % 7;
        long deadlineTicks = request.CreatedTicks + TimeSpan.TicksPerSecond * 30;

        await Gate.WaitAsync();

        Console.WriteLine($"{label} {attempt} {deadlineTicks} {request.Path} {request.Tenant.Name}");
    }

    public static void Block(int id, Request request)
    {
        string label = $"blk-{id:D6}";
        int attempt = id % 7;
        long deadlineTicks = request.CreatedTicks + TimeSpan.TicksPerSecond * 30;

        lock (Lock)
        {
            // Incremented while holding the lock, which Monitor.Wait releases atomically: once the main thread
            // holds the lock and reads N, all N threads are inside Wait.
            Blocked++;
            Monitor.Wait(Lock);
        }

        Console.WriteLine($"{label} {attempt} {deadlineTicks} {request.Path} {request.Tenant.Name}");
    }
}
