namespace Deadlock;

/// <summary>
/// A <c>SemaphoreSlim(1, 1)</c> taken by thread <c>sem-holder</c> (which then sleeps for good), and two async calls
/// <c>SemaphoreQueue.UseAsync(1)</c> and <c>UseAsync(2)</c> waiting in its <c>WaitAsync</c>.
/// </summary>
public static class SemaphoreQueue
{
    public static readonly SemaphoreSlim Gate = new(1, 1);

    public static Thread Start()
    {
        Gate.Wait(); // taken here, so the waiters below queue before READY
        var holder = new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true, Name = "sem-holder" };
        holder.Start();
        Waiters = [UseAsync(1), UseAsync(2)];
        return holder;
    }

    public static Task[] Waiters { get; private set; } = [];

    private static async Task UseAsync(int id)
    {
        await Gate.WaitAsync();
        try
        {
            Console.WriteLine($"never: {id}");
        }
        finally
        {
            Gate.Release();
        }
    }
}
