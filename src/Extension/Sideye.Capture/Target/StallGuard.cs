using System.Runtime.ExceptionServices;

namespace Sideye.Capture.Target;

/// <summary>
/// Runs a walk on a thread of its own and gives up on it when it stops reading its target's memory: a walk reads
/// the target all the time (objects, frames, the DAC's own reads), so a long silence means a DAC call that will never
/// return (<see cref="WalkStalledException"/>). A native call cannot be interrupted: the thread is left to spin until
/// the process exits, and its target must never be disposed (<see cref="OpenedTarget.Abandon"/>), since disposing
/// would unload the library that thread runs in.
/// </summary>
internal static class StallGuard
{
    /// <summary>
    /// Long enough for any pause of ours between reads (sorting, grouping and symbolizing 100k stacks takes a few
    /// seconds); SIDEYE_STALL_AFTER_MS shortens it for the tests.
    /// </summary>
    public static TimeSpan StallAfter { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("SIDEYE_STALL_AFTER_MS"), out int ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The walk's result, or its exception; throws <see cref="WalkStalledException"/> when it stalled. Cancellation is
    /// the walk's to observe (Ctrl-C): until it returns, its target is in use and must not be disposed.
    /// </summary>
    /// <param name="reads">The target's read count (it must grow while the walk is alive).</param>
    public static T Run<T>(Func<T> walk, Func<long> reads, string threadName)
    {
        T? result = default;
        ExceptionDispatchInfo? failure = null;
        var done = new ManualResetEventSlim(); // not disposed: an abandoned walk sets it whenever it ends, if ever
        var thread = new Thread(() =>
        {
            try
            {
                result = walk();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                done.Set();
            }
        })
        {
            Name = threadName,
            IsBackground = true, // an abandoned walk must not keep the process alive
        };
        thread.Start();
        long seen = reads();
        DateTime lastProgress = DateTime.UtcNow;
        while (!done.Wait(Poll))
        {
            long now = reads();
            if (now != seen)
            {
                seen = now;
                lastProgress = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastProgress >= StallAfter)
            {
                throw new WalkStalledException(DateTime.UtcNow - lastProgress);
            }
        }
        failure?.Throw();
        return result!;
    }
}
