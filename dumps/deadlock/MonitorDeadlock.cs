namespace Deadlock;

/// <summary>
/// Thread <c>worker-a</c> holds <c>Account#1</c> (Name "one") and waits for <c>Account#2</c> ("two");
/// thread <c>worker-b</c> holds <c>Account#2</c> and waits for <c>Account#1</c>.
/// </summary>
public static class MonitorDeadlock
{
    public static readonly Account One = new("one");
    public static readonly Account Two = new("two");
    private static readonly Barrier BothHold = new(2);

    public static Thread[] Start()
    {
        var a = new Thread(() => Transfer(One, Two)) { IsBackground = true, Name = "worker-a" };
        var b = new Thread(() => Transfer(Two, One)) { IsBackground = true, Name = "worker-b" };
        a.Start();
        b.Start();
        return [a, b];
    }

    private static void Transfer(Account from, Account to)
    {
        lock (from)
        {
            BothHold.SignalAndWait();
            lock (to)
            {
                from.Balance--;
                to.Balance++;
            }
        }
    }
}
