namespace KnownValues;

/// <summary>
/// Puts every known value in place (statics, the <c>sync-holder</c> thread, the pending async operations),
/// then prints <c>READY &lt;pid&gt;</c> and sleeps until it is killed.
/// </summary>
public static class Program
{
    public static void Main()
    {
        Statics.Initialize();

        var holder = new Thread(() => Holder.Hold(7, "sync")) { Name = "sync-holder", IsBackground = true };
        holder.Start();

        Statics.Pending =
        [
            AsyncHolder.WaitAsync(1, "one"),
            AsyncHolder.WaitAsync(2, "two"),
            AsyncHolder.WaitAsync(3, "three"),
        ];
        Statics.PendingWorker = new Worker("worker-1").RunAsync(5);
        Statics.PendingBox = new Box<string>("boxed").WaitAsync(3);
        AsyncHolder.FireAndForget("void-op");

        var beforeAwait = new Thread(() => _ = RunningAsync.BlockBeforeAwaitAsync(8, "eight")) { Name = "async-before-await", IsBackground = true };
        beforeAwait.Start();
        Statics.PendingRunning = RunningAsync.BlockAfterAwaitAsync(9, "nine");
        new Thread(RefHolder.Run) { Name = "ref-holder", IsBackground = true }.Start();
        new Thread(() => Iterators.SumLines()) { Name = "iterator-holder", IsBackground = true }.Start();
        Statics.PendingStream = Iterators.ConsumeAsync(4);
        new Thread(() => LocalFunctions.Outer(5)) { Name = "local-function-holder", IsBackground = true }.Start();
        Statics.PendingLocal = LocalFunctions.OuterAsync("job");
        RefHolder.InPlace.Wait();
        RunningAsync.BeforeAwaitInPlace.Wait();
        RunningAsync.AfterAwaitInPlace.Wait();
        Iterators.LinesInPlace.Wait();
        LocalFunctions.InPlace.Wait();

        // READY only once the holder is parked in Thread.Sleep with all its locals assigned.
        Holder.InPlace.Wait();
        while ((holder.ThreadState & ThreadState.WaitSleepJoin) == 0)
        {
            Thread.Sleep(1);
        }

        Console.WriteLine($"READY {Environment.ProcessId}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
