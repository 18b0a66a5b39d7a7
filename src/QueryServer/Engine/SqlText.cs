namespace Sideye.QueryServer.Engine;

/// <summary>Quoting for the SQL the server itself writes; user SQL is never spliced into it.</summary>
internal static class SqlText
{
    /// <summary>A double-quoted identifier, so snapshot ids with dashes and spec names are taken verbatim.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A single-quoted string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
