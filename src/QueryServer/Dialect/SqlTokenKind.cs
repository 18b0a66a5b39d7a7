namespace Sideye.QueryServer.Dialect;

/// <summary>What a <see cref="SqlToken"/> is, as far as the JSON-path rewrite needs to know.</summary>
public enum SqlTokenKind
{
    Whitespace,
    Comment,
    /// <summary>A plain single-quoted literal ('' escapes a quote).</summary>
    String,
    /// <summary>An E'...' or $tag$...$tag$ literal: kept verbatim, never used as a path.</summary>
    OtherString,
    QuotedIdentifier,
    Identifier,
    Number,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    OpenBrace,
    CloseBrace,
    Dot,
    DoubleColon,
    /// <summary><c>-&gt;</c></summary>
    Arrow,
    /// <summary><c>-&gt;&gt;</c></summary>
    LongArrow,
    /// <summary>Any other operator or punctuation character (kept verbatim).</summary>
    Other,
}
