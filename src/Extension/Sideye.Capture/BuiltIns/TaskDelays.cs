using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Async stacks awaiting <c>Task.Delay</c>: the delay's timer records when it was started
/// (<c>TimerQueueTimer._startTicks</c>, <see cref="Environment.TickCount64"/> on Linux), the stack's wait start.
/// Runs after the request recognizers: a handler's request start says more than the delay it awaits now. A dump
/// has no monotonic clock to convert that with, so its delays' waits stay unknown.
/// </summary>
internal sealed class TaskDelays : IBuiltInRecognizer
{
    private const string Source = "Task.Delay start (its TimerQueueTimer's _startTicks)";

    public string Name => "Task.Delay waits";

    public bool Wants(string typeName) => false; // found through the stacks: the delay each one awaits

    public void Recognize(BuiltInContext context)
    {
        if (context.Clock is not { TickCount64: not null } clock)
            return;
        for (int i = 0; i < context.Stacks.Count; i++)
        {
            if (context.Stacks[i] is not { Awaiting: "Task.Delay", AwaitedAddress: ulong promise })
                continue;
            ClrObject delay = context.Heap.GetObject(promise);
            if (delay.Type is null || delay.Object("_timer") is not { } timer)
                continue;
            if (timer.Value<long>("_startTicks") is long start && clock.FromTickCount64(start) is DateTime since)
                context.SetWait(i, since, Source);
        }
    }
}
