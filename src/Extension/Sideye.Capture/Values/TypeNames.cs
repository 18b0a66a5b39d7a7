namespace Sideye.Capture.Values;

/// <summary>ClrMD type names (<c>Ns.Outer+Inner&lt;A, B&lt;C&gt;&gt;</c>) taken apart.</summary>
internal static class TypeNames
{
    /// <summary>The name before the first generic argument list: <c>System.Collections.Generic.List</c>.</summary>
    public static string GenericDefinition(string name)
    {
        int angle = name.IndexOf('<');
        return angle < 0 ? name : name[..angle];
    }

    /// <summary>The top-level arguments of the last generic argument list that closes the name (empty if none).</summary>
    public static IReadOnlyList<string> GenericArguments(string name)
    {
        if (!name.EndsWith('>'))
            return [];
        int depth = 0;
        int start = -1;
        for (int i = name.Length - 1; i >= 0; i--)
        {
            if (name[i] == '>')
            {
                depth++;
            }
            else if (name[i] == '<')
            {
                depth--;
                if (depth == 0)
                {
                    start = i;
                    break;
                }
            }
        }

        if (start < 0)
            return [];
        var args = new List<string>();
        depth = 0;
        int begin = start + 1;
        for (int i = begin; i < name.Length - 1; i++)
        {
            char c = name[i];
            if (c is '<' or '[')
            {
                depth++;
            }
            else if (c is '>' or ']')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                args.Add(name[begin..i].Trim());
                begin = i + 1;
            }
        }

        args.Add(name[begin..^1].Trim());
        return args;
    }
}
