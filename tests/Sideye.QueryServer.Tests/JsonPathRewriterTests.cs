using Sideye.QueryServer.Dialect;

namespace Sideye.QueryServer.Tests;

public sealed class JsonPathRewriterTests
{
    public static TheoryData<string, string> Cases => new()
    {
        // Labels become $-paths, dotted labels are paths, $-paths and [n] are kept, integers index arrays.
        { "SELECT cs->'Mu.Processing' FROM t", "SELECT sideye_json_get(cs, '$.Mu.Processing') FROM t" },
        { "SELECT cs->>'name' FROM t", "SELECT sideye_json_text(cs, '$.name') FROM t" },
        { "SELECT cs->'$.a.b' FROM t", "SELECT sideye_json_get(cs, '$.a.b') FROM t" },
        { "SELECT cs->'[0]' FROM t", "SELECT sideye_json_get(cs, '$[0]') FROM t" },
        { "SELECT cs->2, cs->-1 FROM t", "SELECT sideye_json_get(cs, '$[2]'), sideye_json_get(cs, '$[#-1]') FROM t" },
        { "SELECT raw_cs->'__addr'", "SELECT sideye_json_get(raw_cs, '$.__addr')" },
        { "SELECT x->'it''s'", "SELECT sideye_json_get(x, '$.it''s')" },
        // Precedence: a call binds tighter than '=' and AND, which is what SQLite means.
        { "WHERE cs->'Mu.Processing' = 'true'", "WHERE sideye_json_get(cs, '$.Mu.Processing') = 'true'" },
        { "WHERE a AND j->>'x' = 'y' OR k->'z' IS NULL", "WHERE a AND sideye_json_text(j, '$.x') = 'y' OR sideye_json_get(k, '$.z') IS NULL" },
        { "WHERE NOT j->'ok' = 'true'", "WHERE NOT sideye_json_get(j, '$.ok') = 'true'" },
        // Chains nest left to right.
        { "SELECT j->'a'->'b'->>'c'", "SELECT sideye_json_text(sideye_json_get(sideye_json_get(j, '$.a'), '$.b'), '$.c')" },
        // Left operands: qualified and quoted names, calls, groups, subscripts, casts, literals.
        { "SELECT t.cs->'a', \"Odd Name\"->'b'", "SELECT sideye_json_get(t.cs, '$.a'), sideye_json_get(\"Odd Name\", '$.b')" },
        { "SELECT s.\"cs\"->'a'", "SELECT sideye_json_get(s.\"cs\", '$.a')" },
        { "SELECT json(x)->'a', coalesce(a, b)->>'c'", "SELECT sideye_json_get(json(x), '$.a'), sideye_json_text(coalesce(a, b), '$.c')" },
        { "SELECT (a || b)->'k'", "SELECT sideye_json_get((a || b), '$.k')" },
        { "SELECT ((x))->'a'->'b'", "SELECT sideye_json_get(sideye_json_get(((x)), '$.a'), '$.b')" },
        { "SELECT f(g(x)->'a')->'b'", "SELECT sideye_json_get(f(sideye_json_get(g(x), '$.a')), '$.b')" },
        { "SELECT l[1]->'a'", "SELECT sideye_json_get(l[1], '$.a')" },
        { "SELECT x::JSON->'a', y::VARCHAR[]->'b'", "SELECT sideye_json_get(x::JSON, '$.a'), sideye_json_get(y::VARCHAR[], '$.b')" },
        { "SELECT CAST(x AS JSON)->'a'", "SELECT sideye_json_get(CAST(x AS JSON), '$.a')" },
        { "SELECT '{\"a\":1}'->'a'", "SELECT sideye_json_get('{\"a\":1}', '$.a')" },
        { "SELECT x -> 'a' = 'b'", "SELECT sideye_json_get(x, '$.a') = 'b'" },
        { "SELECT x /* c */ ->'a'", "SELECT sideye_json_get(x, '$.a')" },
        // Strings, quoted identifiers and comments are never rewritten.
        { "SELECT 'x->''a''' FROM t", "SELECT 'x->''a''' FROM t" },
        { "SELECT \"a->'b'\" FROM t", "SELECT \"a->'b'\" FROM t" },
        { "SELECT 1 -- c->'a'\n, j->'b'", "SELECT 1 -- c->'a'\n, sideye_json_get(j, '$.b')" },
        { "SELECT /* j->'a' /* nested ->'b' */ */ 1", "SELECT /* j->'a' /* nested ->'b' */ */ 1" },
        { "SELECT $$x->'a'$$, E'\\'->''a', j->'c'", "SELECT $$x->'a'$$, E'\\'->''a', sideye_json_get(j, '$.c')" },
        // DuckDB's own uses of '->' (lambdas) and non-literal paths are left to DuckDB.
        { "SELECT list_transform(l, x -> x + 1)", "SELECT list_transform(l, x -> x + 1)" },
        { "SELECT list_filter(l, (x, i) -> i > 1)", "SELECT list_filter(l, (x, i) -> i > 1)" },
        { "SELECT j->p FROM t", "SELECT j->p FROM t" },
        { "SELECT ->'a'", "SELECT ->'a'" },
        { "SELECT 1 WHERE x IN (1)->'a'", "SELECT 1 WHERE x IN sideye_json_get((1), '$.a')" },
        // Nothing to do: the text comes back unchanged, even when it does not parse.
        { "SELECT * FROM stacks", "SELECT * FROM stacks" },
        { "SELECT (1", "SELECT (1" },
        { "SELECT (j->'a'", "SELECT (sideye_json_get(j, '$.a')" },
        { "SELECT j->'a')", "SELECT sideye_json_get(j, '$.a'))" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rewrites(string sql, string expected) => Assert.Equal(expected, JsonPathRewriter.Rewrite(sql));

    // Queries and views: a SELECT item holding a rewrite and no alias is named what the user wrote.
    public static TheoryData<string, string> Labelled => new()
    {
        { "SELECT request->'ClientId' FROM t", "SELECT sideye_json_get(request, '$.ClientId') AS \"request->'ClientId'\" FROM t" },
        { "SELECT DISTINCT cs->>'a', b FROM t", "SELECT DISTINCT sideye_json_text(cs, '$.a') AS \"cs->>'a'\", b FROM t" },
        { "SELECT x->'a' = 'b', y FROM t", "SELECT sideye_json_get(x, '$.a') = 'b' AS \"x->'a' = 'b'\", y FROM t" },
        { "SELECT count(x->'a') FROM t", "SELECT count(sideye_json_get(x, '$.a')) AS \"count(x->'a')\" FROM t" },
        { "SELECT x->'a'::INT FROM t", "SELECT sideye_json_get(x, '$.a')::INT AS \"x->'a'::INT\" FROM t" },
        { "SELECT x->'\"q' FROM t", "SELECT sideye_json_get(x, '$.\"q') AS \"x->'\"\"q'\" FROM t" },
        // Already named (with or without AS): unchanged.
        { "SELECT x->'a' AS a, x->'b' b FROM t", "SELECT sideye_json_get(x, '$.a') AS a, sideye_json_get(x, '$.b') b FROM t" },
        // Only the SELECT list: WHERE and ORDER BY are not labelled; a subquery's list is (the outer * shows its names).
        { "SELECT 1 FROM t WHERE x->'a' = 'b'", "SELECT 1 FROM t WHERE sideye_json_get(x, '$.a') = 'b'" },
        { "SELECT * FROM (SELECT x->'a' FROM t)", "SELECT * FROM (SELECT sideye_json_get(x, '$.a') AS \"x->'a'\" FROM t)" },
    };

    [Theory]
    [MemberData(nameof(Labelled))]
    public void LabelsSelectItemsAsWritten(string sql, string expected) => Assert.Equal(expected, JsonPathRewriter.Rewrite(sql, labelAsWritten: true));

    [Fact]
    public void RefusesBracketsNestedPastTheLimitInsteadOfOverflowingTheStack()
    {
        string deep = "SELECT " + new string('(', 100_000) + "x->'a'" + new string(')', 100_000);

        var e = Assert.Throws<Sideye.QueryServer.Errors.QueryRejectedException>(() => JsonPathRewriter.Rewrite(deep));

        Assert.Contains("more than 1000 deep", e.Message);
        string fine = "SELECT " + new string('(', 900) + "x->'a'" + new string(')', 900);
        Assert.Contains("sideye_json_get(x, '$.a')", JsonPathRewriter.Rewrite(fine));
    }

    [Fact]
    public void LexerRoundTripsAnyText()
    {
        const string sql = "SELECT 'a''b', \"c\"\"d\", 1.5e-3, 0x1F, $1, ? -- end\n/* x */ j->>'k' :: INT";
        Assert.Equal(sql, string.Concat(SqlLexer.Tokenize(sql).Select(t => t.Text)));
    }
}
