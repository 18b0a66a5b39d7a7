namespace Sideye.Capture.Naming;

/// <summary>
/// Turns runtime names into the names a C# developer wrote: <c>Ns.Type+&lt;GetInfo&gt;d__2.MoveNext</c>
/// becomes <c>Ns.Type.GetInfo</c>, a lambda <c>Ns.C+&lt;&gt;c.&lt;Main&gt;b__0_0</c> becomes
/// <c>Ns.C.Main.lambda_0_0</c>, a local function <c>&lt;Main&gt;g__Local|0_0</c> becomes <c>Ns.C.Main.Local</c>,
/// and nested types use '.' instead of '+'. These are the names a spec's <c>function:</c> refers to.
/// </summary>
public static class MethodNames
{
    /// <summary>The C# name of a method given its declaring type's runtime name and its own name.</summary>
    public static string ToCSharp(string? typeName, string? methodName)
    {
        // A generic method's instantiation, "Start[[Ns.T+<M>d__2[[...]], Asm]]", is noise in a stack
        // (a C# stack trace shows Start[TStateMachine]): drop it.
        if (methodName?.IndexOf("[[", StringComparison.Ordinal) is int generic and > 0)
            methodName = methodName[..generic];
        var parts = new List<string>();
        string? pendingMethod = null;
        foreach (string segment in SplitNested(typeName ?? "?"))
        {
            if (IsClosureClass(segment))
                continue; // <>c, <>c__DisplayClass0_0: holders of lambdas, not a level the user wrote
            if (TryStateMachineMethod(segment, out string smMethod))
            {
                // The iterator/async state machine type stands for the method the user wrote.
                pendingMethod = smMethod;
                break;
            }
            parts.Add(NameStateMachineArguments(segment));
        }

        if (pendingMethod is null || methodName is not ("MoveNext" or null))
        {
            if (pendingMethod is not null)
                parts.Add(pendingMethod);
            if (methodName is not null)
                parts.Add(DecodeMember(methodName));
        }
        else
        {
            parts.Add(pendingMethod);
        }
        // Shared generic code runs over System.__Canon ("any reference type"): say so briefly.
        return string.Join(".", parts).Replace("System.__Canon", "_", StringComparison.Ordinal);
    }

    /// <summary>
    /// The kick-off method name for an async state machine type (<c>Ns.Type+&lt;GetInfo&gt;d__2</c> ->
    /// <c>Ns.Type.GetInfo</c>), or null when the type is not a compiler-generated state machine.
    /// </summary>
    public static string? StateMachineToCSharp(string typeName)
    {
        IReadOnlyList<string> segments = SplitNested(typeName);
        return segments.Count > 0 && TryStateMachineMethod(segments[^1], out _) ? ToCSharp(typeName, null) : null;
    }

    /// <summary>
    /// A generic type whose arguments include a compiler-generated state machine (the runtime's box of a running
    /// async call, <c>AsyncStateMachineBox&lt;Ns.C+&lt;GetInfo&gt;d__2&gt;</c>) names it as the method the user
    /// wrote (<c>AsyncStateMachineBox&lt;Ns.C.GetInfo&gt;</c>). Other arguments keep their runtime names: they
    /// are what a spec's <c>function:</c> spells.
    /// </summary>
    private static string NameStateMachineArguments(string segment)
    {
        int open = segment.IndexOf('<');
        if (open <= 0 || !segment.EndsWith('>') || !segment.Contains(">d", StringComparison.Ordinal))
            return segment;
        var arguments = SplitTopLevel(segment[(open + 1)..^1], ',')
            .Select(a => a.Trim())
            .Select(a => StateMachineToCSharp(a) ?? a);
        return segment[..(open + 1)] + string.Join(", ", arguments) + ">";
    }

    /// <summary>Splits at the separators that are not inside generic brackets.</summary>
    private static IEnumerable<string> SplitTopLevel(string text, char separator)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '<' or '[') depth++;
            else if (c is '>' or ']') depth = Math.Max(0, depth - 1);
            else if (c == separator && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    /// <summary>Splits <c>A+B&lt;C+D&gt;+E</c> at the '+' signs that are not inside generic brackets.</summary>
    internal static IReadOnlyList<string> SplitNested(string typeName) => SplitTopLevel(typeName, '+').ToList();

    private static bool IsClosureClass(string segment) =>
        segment == "<>c" || segment.StartsWith("<>c__DisplayClass", StringComparison.Ordinal);

    // "<GetInfo>d__2", "<GetInfo>d", "<<Main>b__0_0>d", "<<Main>g__Local|0_0>d__1"
    private static bool TryStateMachineMethod(string segment, out string method)
    {
        method = "";
        if (!segment.StartsWith('<'))
            return false;
        int close = MatchingClose(segment);
        if (close < 0 || close + 1 >= segment.Length || segment[close + 1] != 'd')
            return false;
        string suffix = segment[(close + 2)..];
        if (suffix.Length != 0 && !suffix.StartsWith("__", StringComparison.Ordinal))
            return false;
        method = DecodeMember(segment[1..close]);
        return true;
    }

    /// <summary>Decodes compiler-generated member names: lambdas and local functions.</summary>
    internal static string DecodeMember(string name)
    {
        if (!name.StartsWith('<'))
            return name;
        if (name.EndsWith(">$", StringComparison.Ordinal) && name.IndexOf('>') == name.Length - 2)
            return name[1..^2]; // <Main>$: the Main method the compiler writes for top-level statements
        if (name == "<Main>")
            return "Main"; // the synchronous entry point the compiler wraps around an async Main
        int close = MatchingClose(name);
        if (close < 0 || close + 1 >= name.Length)
            return name;
        string outer = DecodeMember(name[1..close]);
        char kind = name[close + 1];
        string rest = name[(close + 2)..];
        switch (kind)
        {
            case 'b': // lambda: <Main>b__0_0
                return outer + ".lambda" + (rest.StartsWith("__", StringComparison.Ordinal) ? "_" + rest[2..] : "");
            case 'g': // local function: <Main>g__Local|0_0
            {
                string local = rest.StartsWith("__", StringComparison.Ordinal) ? rest[2..] : rest;
                int bar = local.IndexOf('|');
                return outer + "." + (bar >= 0 ? local[..bar] : local);
            }
            default:
                return name;
        }
    }

    private static int MatchingClose(string s)
    {
        int depth = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '<') depth++;
            else if (s[i] == '>' && --depth == 0) return i;
        }
        return -1;
    }
}
