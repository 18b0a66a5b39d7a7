using System.Runtime.ExceptionServices;

namespace Sideye.Freezer.Tests;

/// <summary>
/// Stops one thread of another process the way the freezer will (PTRACE_SEIZE, PTRACE_INTERRUPT, wait for
/// the stop), runs something while it is stopped, and detaches. All on one dedicated OS thread: ptrace
/// requests only work from the thread that seized the tracee, and if that thread died the kernel would
/// detach for us.
/// </summary>
internal static class StoppedThread
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static T While<T>(int tid, Func<T> whileStopped)
    {
        T? result = default;
        Exception? failure = null;
        var tracer = new Thread(() =>
        {
            try
            {
                result = SeizeRunDetach(tid, whileStopped);
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = $"tracer of {tid}",
        };
        tracer.Start();
        if (!tracer.Join(Timeout))
            throw new TimeoutException($"stopping thread {tid} took over {Timeout}");
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
        return result!;
    }

    private static T SeizeRunDetach<T>(int tid, Func<T> whileStopped)
    {
        TestPtrace.Seize(tid);
        int pendingSignal = 0;
        T result;
        try
        {
            TestPtrace.Interrupt(tid);
            int status = TestPtrace.WaitForStop(tid, TimeSpan.FromSeconds(10));
            // A signal-delivery-stop (no event) holds a signal meant for the thread: hand it back at detach.
            if (status >> 16 == 0)
                pendingSignal = (status >> 8) & 0xFF;
            result = whileStopped();
        }
        catch
        {
            TestPtrace.Detach(tid, pendingSignal);
            throw;
        }

        if (!TestPtrace.Detach(tid, pendingSignal))
            throw new InvalidOperationException($"PTRACE_DETACH({tid}) failed");
        return result;
    }
}
