using System.Text.RegularExpressions;

namespace Sideye.SpecCompiler;

/// <summary>The lexical rules for names in a spec, in one place so the loader and the docs agree.</summary>
internal static partial class Identifiers
{
    /// <summary>
    /// Table and column names: unquoted SQL identifiers, so users never need double quotes in their
    /// queries (and DuckDB folds case, which is why names are compared case-insensitively elsewhere).
    /// </summary>
    public static bool IsSqlIdentifier(string name) => SqlIdentifier().IsMatch(name);

    /// <summary>A C# identifier (an argument, local, field or property name), optionally verbatim (<c>@class</c>).</summary>
    public static bool IsCSharpIdentifier(string name) => CSharpIdentifier().IsMatch(name);

    /// <summary>A segment of a function or type name: an identifier, optionally with arity (<c>Cache`1</c>) or type parameters (<c>Cache&lt;T&gt;</c>).</summary>
    public static bool IsNameSegment(string segment) => NameSegment().IsMatch(segment);

    /// <summary>Splits on dots outside <c>&lt;...&gt;</c>, so <c>Cache&lt;K, V&gt;.Get</c> is two segments.</summary>
    public static List<string> SplitDotted(string name)
    {
        var segments = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < name.Length; i++)
        {
            switch (name[i])
            {
                case '<': depth++; break;
                case '>': depth--; break;
                case '.' when depth == 0:
                    segments.Add(name[start..i]);
                    start = i + 1;
                    break;
            }
        }
        segments.Add(name[start..]);
        return segments;
    }

    /// <summary>A segment without its arity or type parameter list and without a verbatim <c>@</c>.</summary>
    public static string StripGenerics(string segment)
    {
        var cut = segment.IndexOfAny(['`', '<']);
        var bare = cut < 0 ? segment : segment[..cut];
        return bare.TrimStart('@');
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex SqlIdentifier();

    private const string CSharpIdentifierPattern = @"@?[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]*";

    [GeneratedRegex("^" + CSharpIdentifierPattern + "$")]
    private static partial Regex CSharpIdentifier();

    [GeneratedRegex("^" + CSharpIdentifierPattern + @"(`[0-9]+|<\s*" + CSharpIdentifierPattern + @"(\s*,\s*" + CSharpIdentifierPattern + @")*\s*>)?$")]
    private static partial Regex NameSegment();
}
