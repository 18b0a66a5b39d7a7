using System.Globalization;

namespace SeccompTarget;

/// <summary>
/// SeccompTarget [--refuse-clone errno|kill] [--probe] [--lifetime-seconds N]: installs the clone filter
/// (or none), prints READY pid and idles: a thread named "sleeper" asleep, and an async loop that starts a
/// short-lived thread every tick, so thread creation under the filter is exercised all the time.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        uint? refusal = null;
        bool probe = false;
        int lifetimeSeconds = 600; // a target a crashed test run forgot ends by itself
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--refuse-clone" when i + 1 < args.Length:
                    refusal = args[++i] switch
                    {
                        "errno" => CloneFilter.RetErrnoEperm,
                        "kill" => CloneFilter.RetKillProcess,
                        var other => throw new ArgumentException($"--refuse-clone errno|kill, not {other}"),
                    };
                    break;
                case "--probe":
                    probe = true;
                    break;
                case "--lifetime-seconds" when i + 1 < args.Length:
                    lifetimeSeconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine("usage: SeccompTarget [--refuse-clone errno|kill] [--probe] [--lifetime-seconds N]");
                    return 2;
            }
        }

        if (refusal is { } value)
            CloneFilter.Install(value);

        if (probe)
            return Probe.Run();

        var sleeper = new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true, Name = "sleeper" };
        sleeper.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(lifetimeSeconds));
        Task ticking = TickAsync(stop.Token);

        Console.WriteLine($"READY {Environment.ProcessId}");
        try
        {
            await ticking;
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static async Task TickAsync(CancellationToken cancel)
    {
        while (true)
        {
            await Task.Delay(100, cancel);
            var worker = new Thread(() => Thread.SpinWait(1000)) { Name = "ticker" };
            worker.Start();
            worker.Join();
        }
    }
}
