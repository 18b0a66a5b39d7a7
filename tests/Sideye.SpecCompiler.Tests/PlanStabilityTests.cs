namespace Sideye.SpecCompiler.Tests;

/// <summary>
/// Editing only SQL-side parts of a spec (extra columns, derived tables, links) must leave the capture plan
/// equal by value, so the engine keeps its plan and old snapshots stay valid; editing captures must not.
/// </summary>
public sealed class PlanStabilityTests
{
    private const string Before = """
        functions:
          - function: SlowRpc.Server.InfoService.GetInfo
            capture:
              - request
              - cs
              - { expr: cs.Mu.Processing, column: processing }
            columns:
              - { name: cs_addr, sql: "raw_cs->'__addr'", visible: false }
          - function: SlowRpc.Server.BackgroundProcessor.ProcessClient
            capture: [cs]
        limits: { max_depth: 3 }
        """;

    // Same captures; functions in another order; columns changed, added and retyped; a derived table and a link added.
    private const string SqlOnlyChange = """
        # reordered, with comments and other spacing
        limits:
          max_depth: 3
        functions:
          - function: SlowRpc.Server.BackgroundProcessor.ProcessClient
            capture: [cs]
            columns:
              - { name: cs_addr, sql: "raw_cs->>'__addr'", visible: false }
          - function: SlowRpc.Server.InfoService.GetInfo
            capture:
              - request
              - cs
              - { expr: cs.Mu.Processing, column: processing }
            columns:
              - { name: cs_addr, sql: "raw_cs->>'__addr'", type: VARCHAR }
              - { name: started, sql: "cs->'Mu.LastBackgroundServiceStart'", type: TimestampNanos }
        tables:
          - { name: busy, sql: "SELECT * FROM InfoService_GetInfo WHERE processing = 'true'" }
        links:
          - from: { table: InfoService_GetInfo, columns: [cs_addr] }
            to: { table: BackgroundProcessor_ProcessClient, columns: [cs_addr] }
        """;

    private static CompiledSpec Compile(string yaml)
    {
        var result = SpecLoader.Parse(yaml);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return SpecCompiler.Compile(result.Spec!);
    }

    [Fact]
    public void Changing_only_columns_tables_and_links_changes_only_the_sql()
    {
        var before = Compile(Before);
        var after = Compile(SqlOnlyChange);

        Assert.Equal(before.Plan, after.Plan);
        Assert.Equal(before.Plan.GetHashCode(), after.Plan.GetHashCode());
        Assert.False(ReferenceEquals(before.Plan, after.Plan));
        Assert.NotEqual(before.Sql, after.Sql);
    }

    [Fact]
    public void Compiling_the_same_text_twice_gives_equal_halves()
    {
        var first = Compile(Before);
        var second = Compile(Before);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("capture:\n      - request", "capture:\n      - context")]                        // another variable
    [InlineData("{ expr: cs.Mu.Processing, column: processing }", "{ expr: cs.Mu.Busy, column: processing }")] // another path
    [InlineData("{ expr: cs.Mu.Processing, column: processing }", "{ expr: cs.Mu.Processing, column: busy }")] // another column
    [InlineData("limits: { max_depth: 3 }", "limits: { max_depth: 2 }")]                          // another budget
    [InlineData("limits: { max_depth: 3 }", "limits: { max_depth: 3, types: { SlowRpc.Server.ClientState: { max_depth: 1 } } }")]
    public void Changing_what_is_captured_changes_the_plan(string from, string to)
    {
        Assert.Contains(from, Before);

        var before = Compile(Before);
        var after = Compile(Before.Replace(from, to, StringComparison.Ordinal));

        Assert.NotEqual(before.Plan, after.Plan);
    }

    [Fact]
    public void Changing_only_limits_changes_only_the_plan()
    {
        var before = Compile(Before);
        var after = Compile(Before.Replace("max_depth: 3", "max_depth: 5", StringComparison.Ordinal));

        Assert.NotEqual(before.Plan, after.Plan);
        Assert.Equal(before.Sql, after.Sql);
    }
}
