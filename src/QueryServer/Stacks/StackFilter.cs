namespace Sideye.QueryServer.Stacks;

/// <summary>
/// The filters of the stacks, flame graph and diff views (query parameters <c>process</c>, <c>pid</c>, <c>kind</c>,
/// <c>contains</c>, <c>prefix</c>, <c>stack</c>). Every filter but <c>stack</c> and <c>pid</c> means the same in
/// every snapshot, so a filter saved on one snapshot applies to the next (the web app keeps them when switching).
/// </summary>
/// <param name="Pid">Only stacks of this process.</param>
/// <param name="Kind">Only stacks of this kind (<c>thread</c> or <c>async</c>).</param>
/// <param name="Contains">Only stacks with a frame whose method contains this text, ignoring case.</param>
/// <param name="Process">Only stacks of processes with this name (ignoring case), or this pid when it is a number.</param>
/// <param name="Prefix">
/// Only stacks whose outermost frames are these methods, root first, separated by <c>;</c>: the path of a flame
/// graph node below its process (the flame graph's "focus").
/// </param>
/// <param name="StackId">Only this stack.</param>
public sealed record StackFilter(
    int? Pid = null, string? Kind = null, string? Contains = null, string? Process = null, string? Prefix = null, long? StackId = null)
{
    /// <summary>The query parameters as the API documents them, for endpoint descriptions.</summary>
    public const string Help = " Filters: `process` (a process name, ignoring case, or a pid), `pid`, `kind` (`thread` or `async`), "
        + "`contains` (stacks with a frame whose method contains the text, ignoring case), `prefix` (stacks whose outermost "
        + "frames are these methods, root first, `;`-separated: a flame graph node's path below its process), `stack` (one stack id).";

    private string[]? _prefix;

    private string[] PrefixMethods => _prefix ??= string.IsNullOrWhiteSpace(Prefix)
        ? []
        : Prefix.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Matches(SnapshotStacks snapshot, StackRecord stack) =>
        (Pid is not { } pid || stack.Pid == pid)
        && (StackId is not { } id || stack.StackId == id)
        && (string.IsNullOrEmpty(Kind) || string.Equals(stack.Kind, Kind, StringComparison.OrdinalIgnoreCase))
        && MatchesProcess(snapshot, stack.Pid)
        && MatchesPrefix(stack)
        && (string.IsNullOrEmpty(Contains) || stack.Frames.Any(f => f.Method.Contains(Contains, StringComparison.OrdinalIgnoreCase)));

    public IEnumerable<StackRecord> Apply(SnapshotStacks snapshot) => Apply(snapshot, snapshot.Stacks);

    public IEnumerable<StackRecord> Apply(SnapshotStacks snapshot, IEnumerable<StackRecord> stacks) =>
        stacks.Where(s => Matches(snapshot, s));

    private bool MatchesProcess(SnapshotStacks snapshot, int pid)
    {
        if (string.IsNullOrWhiteSpace(Process))
            return true;
        string process = Process.Trim();
        if (int.TryParse(process, out int asPid))
            return pid == asPid;
        return string.Equals(snapshot.ProcessNames.GetValueOrDefault(pid), process, StringComparison.OrdinalIgnoreCase);
    }

    private bool MatchesPrefix(StackRecord stack)
    {
        string[] prefix = PrefixMethods;
        if (prefix.Length > stack.Frames.Count)
            return false;
        // Frames are leaf first: the root is the last one.
        for (int i = 0; i < prefix.Length; i++)
        {
            if (!string.Equals(stack.Frames[stack.Frames.Count - 1 - i].Method, prefix[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }
}
