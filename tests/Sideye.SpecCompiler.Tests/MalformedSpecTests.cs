namespace Sideye.SpecCompiler.Tests;

/// <summary>
/// One malformed spec per row: the loader must report exactly one error, at the given line:column, whose
/// message and fix contain the given fragments. Positions are 1-based, as editors show them.
/// </summary>
public sealed class MalformedSpecTests
{
    public static TheoryData<string, string, int, int, string, string> Cases => new()
    {
        {
            "unknown key in function",
            """
            functions:
              - function: A.B.C
                captrue: [x]
            """,
            3, 5, "unknown key 'captrue' in function", "Did you mean 'capture'?"
        },
        {
            "unknown top-level key",
            """
            functoins:
              - function: A.B.C
            """,
            1, 1, "unknown key 'functoins' in the spec (top level)", "Did you mean 'functions'?"
        },
        {
            "builtins is not a boolean",
            "builtins: no-thanks",
            1, 11, "'builtins' must be true or false, found 'no-thanks'", "Write true or false."
        },
        {
            "waiting_since that is not a timestamp",
            """
            functions:
              - function: A.B.C
                capture: [request]
                columns:
                  - { name: waiting_since, sql: "request->'SentAt'", type: BIGINT }
            """,
            5, 64, "extra column 'waiting_since' gives its stack's wait start, so it must be a timestamp; its type is 'BIGINT'", "type: TimestampNanos"
        },
        {
            "unknown key under redact",
            """
            redact:
              name: [ssn]
            """,
            2, 3, "unknown key 'name' in redact", "Did you mean 'names'?"
        },
        {
            "a redact type that is not a type name",
            """
            redact:
              types: ["My App.Secrets"]
            """,
            2, 11, "'My App.Secrets' is not a type name", "full C# name"
        },
        {
            "a redact name with nothing to match",
            "redact: { names: ['--'] }",
            1, 19, "'--' has no letters or digits to match a name by", "as the code spells it"
        },
        {
            "functions is not a list",
            "functions: A.B.C",
            1, 12, "'functions' must be a list, found 'A.B.C'", "'- function: Namespace.Type.Method'"
        },
        {
            "top level is a list",
            "- function: A.B.C",
            1, 1, "the spec (top level) must be a mapping of keys to values, found a list", "'functions:'"
        },
        {
            "missing function key",
            """
            functions:
              - capture: [x]
            """,
            2, 5, "function is missing required key 'function'", "Add 'function: Namespace.Type.Method'"
        },
        {
            "method name without its type",
            """
            functions:
              - function: GetInfo
            """,
            2, 15, "'GetInfo' is not a method name", "Include the type"
        },
        {
            "nested type written with plus",
            """
            functions:
              - function: SlowRpc.Outer+Inner.Run
            """,
            2, 15, "'SlowRpc.Outer+Inner.Run' is not a method name", "'SlowRpc.Outer.Inner.Run'"
        },
        {
            "method with a parameter list",
            """
            functions:
              - function: A.B.Run(int)
            """,
            2, 15, "'A.B.Run(int)' is not a method name", "Leave out the parameter list"
        },
        {
            "empty segment in a field path",
            """
            functions:
              - function: A.B.C
                capture: [cs..Mu]
            """,
            3, 15, "'cs..Mu' is not a variable or field path", "e.g. 'cs.Mu.Processing'"
        },
        {
            "indexer in a field path",
            """
            functions:
              - function: A.B.C
                capture:
                  - items[0].Name
            """,
            4, 9, "'items[0].Name' is not a variable or field path", "Indexers and calls are not evaluated"
        },
        {
            "capture is a single value, not a list",
            """
            functions:
              - function: A.B.C
                capture: request
            """,
            3, 14, "'capture' must be a list, found 'request'", "'[request, cs]'"
        },
        {
            "capture item is a list",
            """
            functions:
              - function: A.B.C
                capture:
                  - [a, b]
            """,
            4, 9, "capture item must be a mapping of keys to values, found a list", "'- { expr: cs.Mu.Processing, column: processing }'"
        },
        {
            "capture item without expr",
            """
            functions:
              - function: A.B.C
                capture:
                  - { column: x }
            """,
            4, 9, "capture item is missing required key 'expr'", "Add 'expr:'"
        },
        {
            "column name with a space",
            """
            functions:
              - function: A.B.C
                capture:
                  - { expr: cs, column: cs addr }
            """,
            4, 29, "column name 'cs addr' is not a plain SQL identifier", "e.g. 'cs_addr'"
        },
        {
            "no column name can be derived",
            """
            functions:
              - function: A.B.C
                capture: [Größe.Wert]
            """,
            3, 15, "cannot derive a column name from 'Größe.Wert'", "column: my_column"
        },
        {
            "table override that is not an identifier",
            """
            functions:
              - function: A.B.C
                table: 2fast
            """,
            3, 12, "table name '2fast' is not a plain SQL identifier", "not starting with a digit"
        },
        {
            "extra column without sql",
            """
            functions:
              - function: A.B.C
                capture: [cs]
                columns:
                  - { name: x }
            """,
            5, 9, "column is missing required key 'sql'", "Add 'sql:'"
        },
        {
            "unknown column type",
            """
            functions:
              - function: A.B.C
                capture: [cs]
                columns:
                  - { name: t, sql: "cs->'T'", type: TimestampNano }
            """,
            5, 42, "unknown column type 'TimestampNano'", "Did you mean 'TimestampNanos'"
        },
        {
            "visible is not a boolean",
            """
            functions:
              - function: A.B.C
                capture: [cs]
                columns:
                  - { name: t, sql: x, visible: maybe }
            """,
            5, 37, "'visible' must be true or false, found 'maybe'", "Write true or false"
        },
        {
            "the same column captured twice",
            """
            functions:
              - function: A.B.C
                capture: [cs, cs]
            """,
            3, 19, "captured column 'cs' collides with captured column 'cs' (line 3)", "column: cs_value"
        },
        {
            "captured column named like a built-in",
            """
            functions:
              - function: A.B.C
                capture: [depth]
            """,
            3, 15, "captured column 'depth' collides with the built-in column 'depth'", "{ expr: depth, column: depth_value }"
        },
        {
            "extra column named like a raw column",
            """
            functions:
              - function: A.B.C
                capture: [cs]
                columns:
                  - { name: raw_cs, sql: "1" }
            """,
            5, 17, "extra column 'raw_cs' collides with the hidden column 'raw_cs' of captured column 'cs'", "Rename the extra column"
        },
        {
            "two functions with one table name",
            """
            functions:
              - function: A.Foo.Bar
                capture: [x]
              - function: B.Foo.Bar
                capture: [x]
            """,
            4, 15, "function 'B.Foo.Bar' gets table name 'Foo_Bar', already used by function 'A.Foo.Bar' (line 2)", "Add 'table: B_Foo_Bar'"
        },
        {
            "the same function twice",
            """
            functions:
              - function: A.Foo.Bar
                capture: [x]
              - function: A.Foo.Bar
                capture: [y]
            """,
            4, 15, "function 'A.Foo.Bar' is listed twice (first at line 2)", "Merge the two entries"
        },
        {
            "derived table named like a function table",
            """
            functions:
              - function: A.Foo.Bar
                table: busy
                capture: [x]
            tables:
              - { name: Busy, sql: "SELECT 1" }
            """,
            6, 13, "derived table 'Busy' has the name of function 'A.Foo.Bar' (line 2)", "Rename the derived table"
        },
        {
            "derived table named like a snapshot table",
            """
            tables:
              - { name: frames, sql: "SELECT 1" }
            """,
            2, 13, "table name 'frames' is taken by the snapshot's own 'frames' table", "Rename the derived table"
        },
        {
            "link to an unknown table",
            """
            functions:
              - function: A.Foo.Bar
                capture: [x]
            links:
              - from: { table: Foo_Baz, columns: [x] }
                to: { table: Foo_Bar, columns: [x] }
            """,
            5, 20, "link 'from' names unknown table 'Foo_Baz'", "Did you mean 'Foo_Bar'?"
        },
        {
            "link to an unknown column",
            """
            functions:
              - function: A.Foo.Bar
                capture: [x]
            links:
              - from: { table: Foo_Bar, columns: [x] }
                to: { table: Foo_Bar, columns: [y] }
            """,
            6, 37, "link 'to' names unknown column 'y' of table 'Foo_Bar'", "Did you mean 'x'?"
        },
        {
            "link with unequal column counts",
            """
            functions:
              - function: A.Foo.Bar
                capture: [x, y]
            links:
              - from: { table: Foo_Bar, columns: [x, y] }
                to: { table: Foo_Bar, columns: [x] }
            """,
            6, 36, "link has 2 key column(s) in 'from' but 1 in 'to'", "compared pairwise"
        },
        {
            "link without a 'to'",
            """
            links:
              - from: { table: T, columns: [x] }
            """,
            2, 5, "link is missing required key 'to'", "Add 'to: { table: <table>, columns: [<column>] }'"
        },
        {
            "zero limit",
            "limits: { max_depth: 0 }",
            1, 22, "'max_depth' must be positive, found 0", "at least 1"
        },
        {
            "limit that is not a number",
            """
            limits:
              max_string_bytes: lots
            """,
            2, 21, "'max_string_bytes' must be a whole number, found 'lots'", "e.g. 64"
        },
        {
            "unknown limits key",
            "limits: { max_dept: 3 }",
            1, 11, "unknown key 'max_dept' in limits", "Did you mean 'max_depth'?"
        },
        {
            "per-type limits that set nothing",
            """
            limits:
              types:
                SlowRpc.Server.ClientState: {}
            """,
            3, 33, "limits for 'SlowRpc.Server.ClientState' set nothing", "Set at least one of"
        },
        {
            "duplicate key",
            """
            functions:
              - function: A.B.C
                function: A.B.D
            """,
            3, 5, "YAML syntax: duplicate key 'function'", "Each key may appear once"
        },
        {
            "second YAML document",
            """
            functions: []
            ---
            tables: []
            """,
            3, 1, "a spec file holds one YAML document", "Remove the '---' separator"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_one_positioned_error_with_a_fix(string name, string yaml, int line, int column, string message, string fix)
    {
        var result = SpecLoader.Parse(yaml, "sideye.yaml");

        var all = string.Join(Environment.NewLine, result.Diagnostics);
        Assert.False(result.Success, name);
        Assert.Null(result.Spec);
        var errors = result.Errors.ToList();
        Assert.True(errors.Count == 1, $"{name}: expected one error, got:{Environment.NewLine}{all}");
        var error = errors[0];
        Assert.True((error.Line, error.Column) == (line, column), $"{name}: expected {line}:{column}, got {error}");
        Assert.Contains(message, error.Message);
        Assert.NotNull(error.Fix);
        Assert.Contains(fix, error.Fix);
        Assert.StartsWith($"sideye.yaml:{line}:{column}: error: ", error.ToString());
    }

    [Fact]
    public void Unclosed_bracket_is_a_syntax_error_with_a_position()
    {
        var yaml = """
            functions:
              - function: A.B.C
                capture: [a, b
            """;

        var error = Assert.Single(SpecLoader.Parse(yaml).Diagnostics);

        Assert.StartsWith("YAML syntax: ", error.Message);
        // YamlDotNet notices only at the end of the input; the fix text points back at brackets.
        Assert.Equal((4, 1), (error.Line, error.Column));
        Assert.Contains("unclosed quotes or brackets", error.Fix);
    }

    [Fact]
    public void Tab_indentation_is_a_syntax_error_with_a_position()
    {
        var error = Assert.Single(SpecLoader.Parse("functions:\n\t- function: A.B.C\n").Diagnostics);

        Assert.Equal(SpecSeverity.Error, error.Severity);
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.StartsWith("YAML syntax: ", error.Message);
        Assert.Contains("not tabs", error.Fix);
    }

    [Fact]
    public void Reports_every_independent_error_in_one_run()
    {
        var yaml = """
            functions:
              - function: A.B.C
                captrue: [x]
              - function: Nope
            limits: { max_depth: -1 }
            """;

        var errors = SpecLoader.Parse(yaml).Errors.Select(e => (e.Line, e.Column)).ToList();

        Assert.Equal([(3, 5), (4, 15), (5, 22)], errors);
    }
}
