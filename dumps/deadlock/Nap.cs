namespace Deadlock;

/// <summary>
/// Not stuck, only slow: <c>Nap.TakeAsync</c> awaits an hour-long <c>Task.Delay</c> started at <see cref="StartedUtc"/>
/// (printed as <c>NAP-START &lt;unix ms&gt;</c>): the stack's wait start is that instant, from the delay's own timer.
/// </summary>
public static class Nap
{
    public static DateTime StartedUtc { get; private set; }

    public static Task Start()
    {
        StartedUtc = DateTime.UtcNow;
        return TakeAsync();
    }

    private static async Task TakeAsync() => await Task.Delay(TimeSpan.FromHours(1));
}
