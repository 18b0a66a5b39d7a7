namespace Sideye.SpecCompiler;

/// <summary>Shared phrasing for diagnostics, so every message lists and suggests things the same way.</summary>
internal static class Wording
{
    public static string Quote(string value) => $"'{value}'";

    /// <summary>'a', 'b' or 'c'.</summary>
    public static string Alternatives(IReadOnlyList<string> items, string conjunction = "or")
    {
        var quoted = items.Select(Quote).ToList();
        return quoted.Count switch
        {
            0 => "",
            1 => quoted[0],
            _ => string.Join(", ", quoted.Take(quoted.Count - 1)) + $" {conjunction} " + quoted[^1],
        };
    }

    /// <summary>"Did you mean 'x'?", or null when there is nothing to suggest.</summary>
    public static string? DidYouMean(IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? null : $"Did you mean {Alternatives(suggestions)}?";
}
