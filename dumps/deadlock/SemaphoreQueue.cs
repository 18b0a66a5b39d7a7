namespace Deadlock;

/// <summary>
/// A <c>SemaphoreSlim(1, 1)</c> taken by thread <c>sem-holder</c> (which then sleeps for good), two async calls
/// <c>SemaphoreQueue.UseAsync(1)</c> and <c>UseAsync(2)</c> waiting in its <c>WaitAsync</c>, and thread
/// <c>sem-waiter</c> waiting in its <c>Wait</c>.
/// </summary>
public static class SemaphoreQueue
{
    public static readonly SemaphoreSlim Gate = new(1, 1);

    public static Thread[] Start()
    {
        using var taken = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            Gate.Wait();
            taken.Set();
            Thread.Sleep(Timeout.Infinite);
        }) { IsBackground = true, Name = "sem-holder" };
        holder.Start();
        taken.Wait(); // the waiters below queue behind the holder
        Waiters = [UseAsync(1), UseAsync(2)];
        var waiter = new Thread(() => Gate.Wait()) { IsBackground = true, Name = "sem-waiter" };
        waiter.Start();
        return [holder, waiter];
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
