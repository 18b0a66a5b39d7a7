using System.Globalization;
using System.Text;

namespace Sideye.QueryServer.Flamegraph;

/// <summary>
/// Folded stacks (<c>process;root;...;leaf count</c>, one line per distinct path), the input of flamegraph.pl,
/// inferno, speedscope and Pyroscope. Written from the merged tree: a node's own count (its value minus its
/// children's) is the number of stacks that end there.
/// </summary>
public static class FoldedStacks
{
    public static string Write(FlameNode root)
    {
        var text = new StringBuilder();
        var path = new List<string>();
        foreach (FlameNode process in root.Children)
            Walk(process, path, text);
        return text.ToString();
    }

    private static void Walk(FlameNode node, List<string> path, StringBuilder text)
    {
        path.Add(Clean(node.Name));
        int own = node.Value - node.Children.Sum(c => c.Value);
        if (own > 0)
            text.AppendJoin(';', path).Append(' ').Append(own.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (FlameNode child in node.Children)
            Walk(child, path, text);
        path.RemoveAt(path.Count - 1);
    }

    // ';' separates frames and a newline ends a record; neither may appear inside a name.
    private static string Clean(string name) =>
        name.Replace(';', ',').Replace('\n', ' ').Replace('\r', ' ');
}
