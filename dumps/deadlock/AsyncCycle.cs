namespace Deadlock;

/// <summary>
/// Two async methods awaiting each other's task: <c>AsyncCycle.PayAsync</c> awaits the task of
/// <c>AsyncCycle.RefundAsync</c> and that awaits the task of <c>PayAsync</c>, through the static fields below.
/// </summary>
public static class AsyncCycle
{
    private static readonly TaskCompletionSource Go = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public static Task? Pay;
    public static Task? Refund;
    private static int _awaiting;

    public static bool BothAwaiting => Volatile.Read(ref _awaiting) == 2;

    public static Task Start()
    {
        Pay = PayAsync();
        Refund = RefundAsync();
        Go.SetResult();
        return Pay; // no WhenAny: its promise would be one more continuation of both tasks
    }

    private static async Task PayAsync()
    {
        await Go.Task;
        Interlocked.Increment(ref _awaiting);
        await Refund!;
    }

    private static async Task RefundAsync()
    {
        await Go.Task;
        Interlocked.Increment(ref _awaiting);
        await Pay!;
    }
}
