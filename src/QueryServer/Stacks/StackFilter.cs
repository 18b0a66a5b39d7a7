namespace Sideye.QueryServer.Stacks;

/// <summary>
/// The filters of the stacks and flame graph views (query parameters <c>pid</c>, <c>kind</c>, <c>contains</c>).
/// </summary>
/// <param name="Pid">Only stacks of this process.</param>
/// <param name="Kind">Only stacks of this kind (<c>thread</c> or <c>async</c>).</param>
/// <param name="Contains">Only stacks with a frame whose method contains this text, ignoring case.</param>
public sealed record StackFilter(int? Pid = null, string? Kind = null, string? Contains = null)
{
    public bool Matches(StackRecord stack) =>
        (Pid is not { } pid || stack.Pid == pid)
        && (string.IsNullOrEmpty(Kind) || string.Equals(stack.Kind, Kind, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(Contains) || stack.Frames.Any(f => f.Method.Contains(Contains, StringComparison.OrdinalIgnoreCase)));

    public IEnumerable<StackRecord> Apply(IEnumerable<StackRecord> stacks) => stacks.Where(Matches);
}
