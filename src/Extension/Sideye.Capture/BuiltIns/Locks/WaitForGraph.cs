using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns.Locks;

/// <summary>
/// Which stack waits for which: a waiter for the owner of its lock, an async stack for the stack of the async method
/// whose task it awaits. A cycle in it is a deadlock: each stack waits for the next, and none can go on. A stack
/// waits for one thing at a time, so each has at most one edge worth following (the first found).
/// </summary>
internal sealed class WaitForGraph(BuiltInContext context)
{
    private readonly Dictionary<int, (int To, string WaitsFor, ulong? Address)> _edges = new();

    public void Add(int from, int to, string waitsFor, ulong? address) => _edges.TryAdd(from, (to, waitsFor, address));

    /// <summary>
    /// Async stacks awaiting the task of an async method on another stack: two methods awaiting each other's tasks
    /// are two such stacks (the async walker lists a cycle's members apart, as none is the other's outer call).
    /// </summary>
    public void AddAsyncAwaits()
    {
        for (int i = 0; i < context.Stacks.Count; i++)
        {
            if (context.Stacks[i].AwaitedAddress is not ulong awaited || context.StackOfObject(awaited) is not int j || j == i)
                continue;
            string method = context.Stacks[j].Frames.FirstOrDefault(f => f.ObjectAddress == awaited)?.Method ?? "an async method";
            string what = $"the task of {method} 0x{awaited:x}";
            context.Link(i, j, StackLinkKinds.Awaits, awaited, $"awaits {what}, which this stack runs");
            Add(i, j, what, awaited);
        }
    }

    /// <summary>Every cycle once, its rows in wait order from its lowest stack.</summary>
    public void FindDeadlocks()
    {
        var state = new Dictionary<int, int>(); // 1: on the current path, 2: done
        int nextId = 1;
        foreach (int start in _edges.Keys.Order())
        {
            var path = new List<int>();
            int at = start;
            bool closed = false;
            while (_edges.ContainsKey(at))
            {
                if (state.TryGetValue(at, out int seen))
                {
                    closed = seen == 1; // back on this path: a cycle; a node done before: no new one
                    break;
                }
                state[at] = 1;
                path.Add(at);
                at = _edges[at].To;
            }
            if (closed)
                AddCycle(nextId++, path.Skip(path.IndexOf(at)).ToList());
            foreach (int p in path)
                state[p] = 2;
        }
    }

    private void AddCycle(int id, List<int> cycle)
    {
        int lowest = cycle.IndexOf(cycle.Min());
        cycle = [.. cycle.Skip(lowest), .. cycle.Take(lowest)];
        for (int position = 0; position < cycle.Count; position++)
        {
            int stack = cycle[position];
            (int to, string waitsFor, ulong? address) = _edges[stack];
            context.Deadlocks.Add(new DeadlockRow(id, 0, position, stack, waitsFor, address is ulong a ? unchecked((long)a) : null, to,
                $"{Who(stack)} waits for {waitsFor}, held by {Who(to)}"));
        }
    }

    private string Who(int stack)
    {
        CapturedStack s = context.Stacks[stack];
        if (s.OsThreadId is uint os)
            return $"thread {(s.ThreadName is { } name ? $"'{name}' " : "")}(managed id {s.ManagedThreadId?.ToString() ?? "?"}, OS id {os})";
        return $"async {s.Frames.FirstOrDefault(f => f.Kind == FrameKinds.Async)?.Method ?? "stack"}";
    }
}
