namespace Sideye.QueryServer.Flamegraph;

/// <summary>
/// A node of the merged stack tree in d3-flame-graph's shape: <see cref="Value"/> counts the stacks through
/// this node (children included), <see cref="Async"/> how many of them are async logical stacks (the rest are
/// threads' stacks: the web app marks the two kinds); children are sorted by value, largest first.
/// </summary>
public sealed record FlameNode(string Name, int Value, IReadOnlyList<FlameNode> Children)
{
    public int Async { get; init; }
}
