namespace Sideye.QueryServer.Dialect;

/// <summary>
/// The DuckDB macros that <see cref="JsonPathRewriter"/> calls. They give SQLite's <c>-&gt;</c>/<c>-&gt;&gt;</c>
/// meaning on top of DuckDB's JSON functions. Created in every snapshot catalog, because user queries run
/// with that catalog as the default and unqualified names resolve there.
/// </summary>
public static class JsonMacros
{
    /// <summary>SQLite's <c>-&gt;</c>: the JSON text at a path (a string keeps its quotes).</summary>
    public const string Get = "sideye_json_get";

    /// <summary>SQLite's <c>-&gt;&gt;</c>: the value as SQL text (a string without quotes, true as 'true').</summary>
    public const string Text = "sideye_json_text";

    /// <summary>
    /// The CREATE statements for one catalog. Both return VARCHAR, not JSON: DuckDB compares JSON with a
    /// string by parsing the string as JSON, so <c>= 'true'</c> works but <c>= 'abc'</c> aborts the whole query
    /// with "Malformed JSON"; text comparison gives SQLite's behaviour (JSON true equals 'true'). The
    /// json_valid guard makes a non-JSON input NULL instead of an error, again as SQLite does (it would
    /// raise "malformed JSON" only for its own json() function).
    /// </summary>
    public static IReadOnlyList<string> CreateStatements(string qualifier) =>
    [
        $"CREATE OR REPLACE MACRO {qualifier}{Get}(j, p) AS "
            + "CASE WHEN json_valid(CAST(j AS VARCHAR)) THEN CAST(json_extract(CAST(j AS VARCHAR), p) AS VARCHAR) END",
        $"CREATE OR REPLACE MACRO {qualifier}{Text}(j, p) AS "
            + "CASE WHEN json_valid(CAST(j AS VARCHAR)) THEN json_extract_string(CAST(j AS VARCHAR), p) END",
    ];
}
