namespace Deadlock;

/// <summary>
/// Thread <c>ledger-a</c> holds <c>Left.Gate</c> and waits for <c>Right.Gate</c>; thread <c>ledger-b</c> holds
/// <c>Right.Gate</c> and waits for <c>Left.Gate</c> (both <see cref="System.Threading.Lock"/>).
/// </summary>
public static class LockDeadlock
{
    public static readonly Ledger Left = new("left");
    public static readonly Ledger Right = new("right");
    private static readonly Barrier BothHold = new(2);

    public static Thread[] Start()
    {
        var a = new Thread(() => Post(Left, Right)) { IsBackground = true, Name = "ledger-a" };
        var b = new Thread(() => Post(Right, Left)) { IsBackground = true, Name = "ledger-b" };
        a.Start();
        b.Start();
        return [a, b];
    }

    private static void Post(Ledger first, Ledger second)
    {
        lock (first.Gate)
        {
            BothHold.SignalAndWait();
            lock (second.Gate)
            {
                first.Entries++;
                second.Entries++;
            }
        }
    }
}
