namespace Sideye.QueryServer.Dialect;

/// <summary>One lexeme of user SQL: its kind and its exact source text (so unchanged parts round-trip).</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, string Text)
{
    public bool IsTrivia => Kind is SqlTokenKind.Whitespace or SqlTokenKind.Comment;
}
