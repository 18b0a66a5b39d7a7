using System.Diagnostics;
using System.Globalization;

namespace BigHeap;

/// <summary>
/// The heartbeat: sleeps 1 ms in a loop and counts <see cref="Roots.Heartbeats"/>. Every iteration that took more
/// than <see cref="Slack"/> beyond the expected 1 ms (the process was stopped, a collection suspended it, the
/// machine was busy) appends <c>&lt;unix ms at the gap's end, 3 decimals&gt; &lt;interval ms, 3 decimals&gt;</c>
/// to the gaps file, flushed at once; the interval is the whole time between two iterations, which is what the
/// thread could not run. The interval comes from a Stopwatch, the end time from the wall clock (to compare with
/// a script's timestamps).
/// </summary>
public static class Heartbeat
{
    private const double ExpectedMs = 1.0;
    private const double Slack = 1.0;

    public static void Run(string? gapsFile)
    {
        using StreamWriter? gaps = gapsFile is null
            ? null
            : new StreamWriter(new FileStream(gapsFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
        long last = Stopwatch.GetTimestamp();
        while (true)
        {
            Thread.Sleep(1);
            long now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref Roots.Heartbeats);
            double intervalMs = Stopwatch.GetElapsedTime(last, now).TotalMilliseconds;
            last = now;
            if (gaps is not null && intervalMs > ExpectedMs + Slack)
            {
                double endMs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerMillisecond;
                gaps.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{endMs:0.000} {intervalMs:0.000}"));
                gaps.Flush();
                last = Stopwatch.GetTimestamp(); // the write is not part of the next interval
            }
        }
    }
}
