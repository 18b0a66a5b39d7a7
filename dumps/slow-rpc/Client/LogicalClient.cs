using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using SlowRpc.Protos;

namespace SlowRpc.Client;

/// <summary>One logical client (the Go demo's <c>runClient</c> goroutine): calls GetInfo in a loop.</summary>
public static class LogicalClient
{
    public static async Task RunClientAsync(SideEyeDemo.SideEyeDemoClient client, int clientId, TimeSpan slow, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            // Durations are measured from request.RequestTimestamp (not a Stopwatch) so the logs agree with
            // what a snapshot can compute from the same field. `request` is read after the await, so it stays
            // in the state machine; no lambdas here, so nothing is moved into a closure object.
            var request = new GetInfoRequest { ClientId = clientId, RequestTimestamp = UnixNanos.Now() };
            // One-shot timer per call: reports a slow call while it is still in flight, so a script can
            // snapshot the processes at the right moment instead of waiting for the call to finish.
            using (new Timer(ReportInFlight, request, slow, Timeout.InfiniteTimeSpan))
            {
                try
                {
                    await client.GetInfoAsync(request, cancellationToken: cancel);
                    Interlocked.Increment(ref RpcRate.Completed);
                }
                catch (RpcException) when (cancel.IsCancellationRequested)
                {
                    return; // shutting down
                }
                catch (RpcException e)
                {
                    Log($"RPC FAILED client={clientId} status={e.StatusCode}: {e.Status.Detail}");
                    await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None); // don't spin against a dead server
                }
            }

            long tookMs = ElapsedMs(request);
            if (tookMs > slow.TotalMilliseconds)
            {
                Log($"SLOW RPC client={clientId} took {tookMs} ms");
            }
        }
    }

    private static void ReportInFlight(object? state)
    {
        var request = (GetInfoRequest)state!;
        Log($"INFLIGHT-SLOW client={request.ClientId} waiting {ElapsedMs(request)} ms");
    }

    private static long ElapsedMs(GetInfoRequest request) => (UnixNanos.Now() - request.RequestTimestamp) / 1_000_000;

    // Console.WriteLine is synchronized, so lines from concurrent clients don't interleave.
    private static void Log(string line) => Console.WriteLine(line);
}

/// <summary>
/// Completed GetInfo calls, for <c>--rate-file PATH</c>: a thread appends <c>&lt;unix ms&gt; &lt;calls completed in
/// the window&gt;</c> to PATH at the end of every 100 ms window (flushed at once). Windows follow a Stopwatch; when
/// the process was stopped past a boundary (a snapshot), the windows missed fold into one longer window.
/// </summary>
internal static class RpcRate
{
    public static long Completed;

    private const long WindowMs = 100;

    public static void StartWriter(string path)
    {
        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
        new Thread(() => Write(writer)) { Name = "rate-file", IsBackground = true }.Start();
    }

    private static void Write(StreamWriter writer)
    {
        long start = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref Completed, 0);
        long next = WindowMs;
        while (true)
        {
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (elapsed < next)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(next - elapsed));
                continue;
            }
            long count = Interlocked.Exchange(ref Completed, 0);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} {count}"));
            writer.Flush();
            next = ((long)elapsed / WindowMs + 1) * WindowMs;
        }
    }
}

internal static class UnixNanos
{
    public static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * TimeSpan.NanosecondsPerTick;
}
