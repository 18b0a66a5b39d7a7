namespace Ticker;

public static class Parked
{
    /// <summary>Suspended for good at its await, with a hoisted local.</summary>
    public static async Task WaitAsync(int slot, Task forever)
    {
        int twice = slot * 2;
        await forever;
        Console.WriteLine(twice);
    }
}
