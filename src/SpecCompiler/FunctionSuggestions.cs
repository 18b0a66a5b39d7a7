namespace Sideye.SpecCompiler;

/// <summary>
/// Close names for a function that did not resolve, shared by the spec checker and the CLI's
/// <c>spec vars</c>, so both suggest the same names for the same mistake.
/// </summary>
public static class FunctionSuggestions
{
    /// <summary>
    /// Up to <paramref name="max"/> of <paramref name="known"/>: the same Type.Method in another namespace (the
    /// most common mistake), then small edits of the whole name, then the same method name on a similar type.
    /// </summary>
    public static IReadOnlyList<string> Suggest(string wanted, IReadOnlyList<string> known, int max = 3)
    {
        var wantedParts = Identifiers.SplitDotted(TypeNames.Normalize(wanted));
        var wantedTail = string.Join(".", wantedParts.TakeLast(2));
        var wantedMethod = wantedParts[^1];

        var sameTail = known.Where(k => string.Equals(Tail(k, 2), wantedTail, StringComparison.OrdinalIgnoreCase));
        var close = StringDistance.Suggest(wanted, known);
        var sameMethod = known
            .Where(k => string.Equals(Tail(k, 1), wantedMethod, StringComparison.OrdinalIgnoreCase))
            .Select(k => (Name: k, Distance: StringDistance.Damerau(wanted, k)))
            .OrderBy(x => x.Distance)
            .Select(x => x.Name);
        return sameTail.Concat(close).Concat(sameMethod)
            .Where(k => k != wanted)
            .Distinct(StringComparer.Ordinal)
            .Take(max)
            .ToList();
    }

    private static string Tail(string function, int count) =>
        string.Join(".", Identifiers.SplitDotted(TypeNames.Normalize(function)).TakeLast(count));
}
