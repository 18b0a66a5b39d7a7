using DuckDB.NET.Data;
using Sideye.QueryServer.Errors;

namespace Sideye.QueryServer.Engine;

/// <summary>
/// Runs blocking DuckDB work on its own thread and interrupts it at the deadline or when the client goes away.
/// DuckDB has no statement timeout and DuckDB.NET ignores CommandTimeout, so the server enforces one; an
/// interrupt that lands before DuckDB starts a statement is lost, so it is re-issued until the work returns.
/// </summary>
internal static class QueryDeadline
{
    private static readonly TimeSpan InterruptPeriod = TimeSpan.FromMilliseconds(20);

    public static async Task<T> RunAsync<T>(DuckDBConnection connection, TimeSpan timeout, CancellationToken aborted, Func<CancellationToken, T> work)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, aborted);
        // Cancel() interrupts whatever runs on the command's connection, so a separate command can do it.
        using DuckDBCommand interrupter = connection.CreateCommand();
        // A dedicated thread: DuckDB blocks the caller for the whole query (up to the deadline), which on a
        // small machine would otherwise starve the pool threads Kestrel needs.
        Task<T> task = Task.Factory.StartNew(() => work(linked.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (linked.Token.Register(() => stop.TrySetResult()))
            await Task.WhenAny(task, stop.Task).ConfigureAwait(false);
        while (!task.IsCompleted)
        {
            interrupter.Cancel();
            await Task.WhenAny(task, Task.Delay(InterruptPeriod, CancellationToken.None)).ConfigureAwait(false);
        }
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            throw new QueryTimeoutException(timeout);
        }
        catch (Exception e) when (aborted.IsCancellationRequested && e is not OperationCanceledException)
        {
            throw new OperationCanceledException("The client went away.", e, aborted);
        }
    }
}
