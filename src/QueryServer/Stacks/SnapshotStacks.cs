namespace Sideye.QueryServer.Stacks;

/// <summary>All stacks of a snapshot and the name of each process, read once and cached (snapshots never change).</summary>
public sealed record SnapshotStacks(IReadOnlyDictionary<int, string> ProcessNames, IReadOnlyList<StackRecord> Stacks)
{
    /// <summary>The label of a process in views: its name and pid, as the flame graph's second level shows it.</summary>
    public string ProcessLabel(int pid) =>
        ProcessNames.TryGetValue(pid, out string? name) ? $"{name} (pid {pid})" : $"pid {pid}";
}
