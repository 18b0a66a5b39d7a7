namespace BigHeap;

/// <summary>
/// <see cref="Count"/> async calls suspended for good, at <c>await never</c>: call i has the argument
/// <c>index = i</c> and the hoisted locals <c>slot = 100 + i</c> and <c>tag = "slot-&lt;slot&gt;"</c>.
/// </summary>
public static class Parked
{
    public const int Count = 16;

    private static readonly TaskCompletionSource Never = new();

    public static Task[] Start() => Enumerable.Range(0, Count).Select(i => HoldAsync(i, Never.Task)).ToArray();

    public static async Task<int> HoldAsync(int index, Task never)
    {
        int slot = 100 + index;
        string tag = $"slot-{slot}";
        await never;
        return slot + tag.Length; // both used after the await: hoisted into the state machine
    }
}
