using Ticker;

// Prints READY <pid>, then "tick <n>" every 100 ms (a test reads the output to see the process run).
var parked = new TaskCompletionSource();
Task waiting = Parked.WaitAsync(7, parked.Task);
var ticker = new Thread(Counters.Run) { IsBackground = true, Name = "ticker" };
ticker.Start();
Console.WriteLine($"READY {Environment.ProcessId}");
for (long n = 1; ; n++)
{
    Thread.Sleep(100);
    Console.WriteLine($"tick {n} {Counters.Ticks}");
}
