using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sideye.QueryServer.Stacks;

/// <summary>Groups identical stacks for the stacks view.</summary>
public static class StackGrouper
{
    /// <summary>
    /// Groups by kind and the ordered frames (method, file, line; the IL offset stands in for a missing
    /// line, so two calls on one line share a group but distinct call sites in line-less code do not),
    /// largest group first, then by leaf method.
    /// </summary>
    public static IReadOnlyList<StackGroup> Group(IEnumerable<StackRecord> stacks)
    {
        var groups = new Dictionary<string, List<StackRecord>>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal); // shape -> key: one hash per distinct shape
        foreach (StackRecord stack in stacks)
        {
            string key = stack.ShapeKey ??= KeyOf(Shape(stack), keys);
            if (!groups.TryGetValue(key, out List<StackRecord>? members))
                groups[key] = members = [];
            members.Add(stack);
        }
        return [.. groups
            .Select(g => ToGroup(g.Key, g.Value))
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Frames.Count > 0 ? g.Frames[0].Method : "", StringComparer.Ordinal)
            .ThenBy(g => g.Key, StringComparer.Ordinal)];
    }

    private static string KeyOf(string shape, Dictionary<string, string> keys)
    {
        if (!keys.TryGetValue(shape, out string? key))
            keys[shape] = key = Hash(shape);
        return key;
    }

    private static StackGroup ToGroup(string key, List<StackRecord> members)
    {
        StackRecord first = members[0];
        StackRecord? longest = members.Where(m => m.WaitMs is not null).MaxBy(m => m.WaitMs);
        return new StackGroup(
            Key: key,
            Count: members.Count,
            Kind: first.Kind,
            Pids: [.. members.Select(m => m.Pid).Distinct().Order()],
            Frames: first.Frames,
            StackIds: [.. members.Select(m => m.StackId).Order()],
            ThreadNames: [.. members.Select(m => m.ThreadName).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Awaiting: [.. members.Select(m => m.Awaiting).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            LongestWaitMs: longest?.WaitMs,
            LongestWaitStackId: longest?.StackId);
    }

    /// <summary>The canonical text of a stack's shape; tab and newline cannot occur in method or file names.</summary>
    private static string Shape(StackRecord stack)
    {
        var text = new StringBuilder(stack.Kind).Append('\n');
        foreach (StackFrame frame in stack.Frames)
        {
            text.Append(frame.Method).Append('\t').Append(frame.File).Append('\t');
            if (frame.Line is { } line)
                text.Append(line.ToString(CultureInfo.InvariantCulture));
            else if (frame.IlOffset is { } il)
                text.Append("IL_").Append(il.ToString("x4", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Hash(string shape) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(shape)))[..16];
}
