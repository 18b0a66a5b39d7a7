namespace Sideye.QueryServer.Dialect;

/// <summary>
/// Splits SQL into tokens the way DuckDB's (PostgreSQL-derived) lexer does for the parts that matter here:
/// string literals, quoted identifiers and comments are single tokens, so a <c>-&gt;</c> inside them is
/// never rewritten. Anything unrecognised becomes a one-character <see cref="SqlTokenKind.Other"/> token;
/// the lexer never fails, DuckDB reports the real syntax errors.
/// </summary>
public static class SqlLexer
{
    public static IReadOnlyList<SqlToken> Tokenize(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = new List<SqlToken>();
        int i = 0;
        while (i < sql.Length)
        {
            int start = i;
            SqlTokenKind kind = Next(sql, ref i);
            tokens.Add(new SqlToken(kind, sql[start..i]));
        }
        return tokens;
    }

    private static SqlTokenKind Next(string s, ref int i)
    {
        char c = s[i];
        char next = i + 1 < s.Length ? s[i + 1] : '\0';
        if (char.IsWhiteSpace(c))
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            return SqlTokenKind.Whitespace;
        }
        if (c == '-' && next == '-')
        {
            while (i < s.Length && s[i] != '\n') i++;
            return SqlTokenKind.Comment;
        }
        if (c == '/' && next == '*')
        {
            SkipBlockComment(s, ref i);
            return SqlTokenKind.Comment;
        }
        if (c == '-' && next == '>')
        {
            bool isLong = i + 2 < s.Length && s[i + 2] == '>';
            i += isLong ? 3 : 2;
            return isLong ? SqlTokenKind.LongArrow : SqlTokenKind.Arrow;
        }
        if (c == '\'')
        {
            SkipQuoted(s, ref i, '\'', backslashEscapes: false);
            return SqlTokenKind.String;
        }
        if ((c is 'e' or 'E') && next == '\'')
        {
            i++;
            SkipQuoted(s, ref i, '\'', backslashEscapes: true);
            return SqlTokenKind.OtherString;
        }
        if (c == '"')
        {
            SkipQuoted(s, ref i, '"', backslashEscapes: false);
            return SqlTokenKind.QuotedIdentifier;
        }
        if (c == '$' && TrySkipDollarString(s, ref i))
            return SqlTokenKind.OtherString;
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(next)))
        {
            SkipNumber(s, ref i);
            return SqlTokenKind.Number;
        }
        if (IsIdentifierStart(c))
        {
            i++;
            while (i < s.Length && IsIdentifierPart(s[i])) i++;
            return SqlTokenKind.Identifier;
        }
        if (c == ':' && next == ':')
        {
            i += 2;
            return SqlTokenKind.DoubleColon;
        }
        i++;
        return c switch
        {
            '(' => SqlTokenKind.OpenParen,
            ')' => SqlTokenKind.CloseParen,
            '[' => SqlTokenKind.OpenBracket,
            ']' => SqlTokenKind.CloseBracket,
            '{' => SqlTokenKind.OpenBrace,
            '}' => SqlTokenKind.CloseBrace,
            '.' => SqlTokenKind.Dot,
            _ => SqlTokenKind.Other,
        };
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= 0x80;

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    // PostgreSQL (and so DuckDB) block comments nest.
    private static void SkipBlockComment(string s, ref int i)
    {
        int depth = 0;
        while (i < s.Length)
        {
            if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '*') { depth++; i += 2; }
            else if (s[i] == '*' && i + 1 < s.Length && s[i + 1] == '/') { depth--; i += 2; if (depth == 0) return; }
            else i++;
        }
    }

    // An unterminated literal runs to the end of the text; DuckDB will report it.
    private static void SkipQuoted(string s, ref int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < s.Length)
        {
            char c = s[i];
            if (backslashEscapes && c == '\\') { i += 2; continue; }
            i++;
            if (c != quote) continue;
            if (i < s.Length && s[i] == quote) { i++; continue; }
            return;
        }
        i = s.Length;
    }

    // $$...$$ or $tag$...$tag$; a '$' that does not open one ($1 parameters) is left to the caller.
    private static bool TrySkipDollarString(string s, ref int i)
    {
        int j = i + 1;
        while (j < s.Length && s[j] != '$' && (char.IsAsciiLetter(s[j]) || s[j] == '_' || (j > i + 1 && char.IsAsciiDigit(s[j])))) j++;
        if (j >= s.Length || s[j] != '$')
            return false;
        string tag = s[i..(j + 1)];
        int end = s.IndexOf(tag, j + 1, StringComparison.Ordinal);
        i = end < 0 ? s.Length : end + tag.Length;
        return true;
    }

    private static void SkipNumber(string s, ref int i)
    {
        bool hex = s[i] == '0' && i + 1 < s.Length && s[i + 1] is 'x' or 'X';
        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.') { i++; continue; }
            // The sign of an exponent: 1e-5.
            if (!hex && (c is '+' or '-') && (s[i - 1] is 'e' or 'E')
                && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])) { i += 2; continue; }
            return;
        }
    }
}
