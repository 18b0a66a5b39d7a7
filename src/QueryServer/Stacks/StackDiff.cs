namespace Sideye.QueryServer.Stacks;

/// <summary>Stack groups of two snapshots side by side: what appeared, disappeared, grew or shrank, largest change first.</summary>
public static class StackDiff
{
    public static IReadOnlyList<StackGroupChange> Compare(SnapshotStacks from, IEnumerable<StackRecord> fromStacks, SnapshotStacks to, IEnumerable<StackRecord> toStacks)
    {
        Dictionary<string, (StackGroup Group, List<string> Processes)> before = Index(from, fromStacks);
        Dictionary<string, (StackGroup Group, List<string> Processes)> after = Index(to, toStacks);
        var changes = new List<StackGroupChange>();
        foreach (string key in before.Keys.Union(after.Keys))
        {
            bool was = before.TryGetValue(key, out var b), @is = after.TryGetValue(key, out var a);
            StackGroup shape = @is ? a.Group : b.Group;
            int fromCount = was ? b.Group.Count : 0, toCount = @is ? a.Group.Count : 0;
            string change = !was ? "appeared" : !@is ? "disappeared" : toCount > fromCount ? "grew" : toCount < fromCount ? "shrank" : "same";
            changes.Add(new StackGroupChange(key, change, shape.Kind, fromCount, toCount,
                [.. (was ? b.Processes : []).Union(@is ? a.Processes : []).Order(StringComparer.Ordinal)],
                shape.Frames, [.. (was ? b.Group.Awaiting : []).Union(@is ? a.Group.Awaiting : []).Order(StringComparer.Ordinal)]));
        }
        return [.. changes
            .OrderByDescending(c => Math.Abs(c.ToCount - c.FromCount))
            .ThenByDescending(c => Math.Max(c.FromCount, c.ToCount))
            .ThenBy(c => c.Key, StringComparer.Ordinal)];
    }

    private static Dictionary<string, (StackGroup, List<string>)> Index(SnapshotStacks snapshot, IEnumerable<StackRecord> stacks) =>
        StackGrouper.Group(stacks).ToDictionary(g => g.Key, g => (g, g.Pids.Select(p => snapshot.ProcessNames.GetValueOrDefault(p, $"pid {p}")).Distinct().ToList()));
}
