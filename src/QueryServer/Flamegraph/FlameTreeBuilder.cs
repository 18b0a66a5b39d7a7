using Sideye.QueryServer.Stacks;

namespace Sideye.QueryServer.Flamegraph;

/// <summary>
/// Merges stacks into one tree: "all", then one node per process ("name (pid N)"), then frames from the
/// outermost (root) to the leaf, merged by method name, so a column's width is the number of stacks sharing
/// that prefix, as in Side-Eye's flame graph.
/// </summary>
public static class FlameTreeBuilder
{
    public const string RootName = "all";

    public static FlameNode Build(SnapshotStacks snapshot, IEnumerable<StackRecord> stacks)
    {
        var root = new Mutable(RootName);
        foreach (StackRecord stack in stacks)
        {
            int isAsync = string.Equals(stack.Kind, "async", StringComparison.Ordinal) ? 1 : 0;
            root.Count(isAsync);
            Mutable node = root.Child(snapshot.ProcessLabel(stack.Pid));
            node.Count(isAsync);
            for (int i = stack.Frames.Count - 1; i >= 0; i--)
            {
                node = node.Child(stack.Frames[i].Method);
                node.Count(isAsync);
            }
        }
        return root.Freeze();
    }

    private sealed class Mutable(string name)
    {
        private readonly Dictionary<string, Mutable> _children = new(StringComparer.Ordinal);

        private int _value;
        private int _async;

        public int Value => _value;

        public void Count(int isAsync)
        {
            _value++;
            _async += isAsync;
        }

        public Mutable Child(string childName)
        {
            if (!_children.TryGetValue(childName, out Mutable? child))
                _children[childName] = child = new Mutable(childName);
            return child;
        }

        public FlameNode Freeze() => new(name, _value, [.. _children.Values
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Freeze())])
        { Async = _async };

        private string Name => name;
    }
}
