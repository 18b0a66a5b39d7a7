namespace Sideye.SpecCompiler;

/// <summary>
/// Edit distance for "did you mean" suggestions. Optimal string alignment (Damerau-Levenshtein without
/// substring re-edits): a swapped pair like <c>captrue</c>/<c>capture</c> costs 1, the most common typo.
/// </summary>
public static class StringDistance
{
    /// <summary>Edits (insert, delete, substitute, swap adjacent) to turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    public static int Damerau(string a, string b, bool ignoreCase = true)
    {
        if (ignoreCase)
        {
            a = a.ToLowerInvariant();
            b = b.ToLowerInvariant();
        }
        // Three rolling rows (two back for the swap case) keep it allocation-light for long candidate lists.
        var prev2 = new int[b.Length + 1];
        var prev = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var best = Math.Min(Math.Min(prev[j] + 1, current[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    best = Math.Min(best, prev2[j - 2] + 1);
                }
                current[j] = best;
            }
            (prev2, prev, current) = (prev, current, prev2);
        }
        return prev[b.Length];
    }

    /// <summary>
    /// Up to <paramref name="max"/> candidates close enough to <paramref name="input"/> to be what was meant,
    /// closest first. "Close enough" grows with the length: a third of it, at least 2 edits.
    /// </summary>
    public static IReadOnlyList<string> Suggest(string input, IEnumerable<string> candidates, int max = 3)
    {
        var threshold = Math.Max(2, input.Length / 3);
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Where(c => !string.Equals(c, input, StringComparison.Ordinal))
            // Cheap bound first: the distance is at least the length difference.
            .Where(c => Math.Abs(c.Length - input.Length) <= threshold)
            .Select(c => (Candidate: c, Distance: Damerau(input, c)))
            .Where(x => x.Distance <= threshold)
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Candidate)
            .ToList();
    }

    /// <summary>The single closest candidate, or null when none is close enough.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates) =>
        Suggest(input, candidates, 1).FirstOrDefault();
}
