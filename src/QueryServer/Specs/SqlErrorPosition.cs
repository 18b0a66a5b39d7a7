using System.Text.RegularExpressions;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// Where in the user's SQL a DuckDB error points. DuckDB marks the spot with a caret under a "LINE n:" excerpt
/// of the SQL it ran, which is the server's rewritten and wrapped form of the user's text: the word under the
/// caret is looked up in the user's SQL instead, and only a single whole-word occurrence counts as a position.
/// </summary>
internal static partial class SqlErrorPosition
{
    /// <summary>The 0-based offset in <paramref name="userSql"/> of the word DuckDB's caret points at, or null.</summary>
    public static int? Find(string duckDbMessage, string userSql)
    {
        string[] lines = duckDbMessage.Split('\n');
        for (int i = 0; i + 1 < lines.Length; i++)
        {
            Match excerpt = ExcerptLine().Match(lines[i]);
            int caret = lines[i + 1].IndexOf('^', StringComparison.Ordinal);
            if (!excerpt.Success || caret < 0 || lines[i + 1][..caret].Trim().Length != 0)
                continue;
            int at = caret - excerpt.Groups["prefix"].Length;
            string text = excerpt.Groups["sql"].Value;
            if (at < 0 || at >= text.Length)
                return null;
            string word = WordAt(text, at);
            if (word.Length == 0)
                return null;
            MatchCollection found = Regex.Matches(userSql, $@"(?<![\w.]){Regex.Escape(word)}(?!\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            return found.Count == 1 ? found[0].Index : null;
        }
        return null;
    }

    private static string WordAt(string text, int at)
    {
        if (!IsWord(text[at]))
            return "";
        int start = at, end = at;
        while (start > 0 && IsWord(text[start - 1]))
            start--;
        while (end + 1 < text.Length && IsWord(text[end + 1]))
            end++;
        return text[start..(end + 1)];
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';

    [GeneratedRegex(@"^(?<prefix>LINE \d+: (?:\.\.\.)?)(?<sql>.*)$")]
    private static partial Regex ExcerptLine();
}
