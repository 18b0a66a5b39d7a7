namespace Sideye.SpecCompiler.Tests;

public sealed class SqlBinderTests
{
    private const string Yaml = """
        functions:
          - function: A.Foo.Bar
            capture: [cs]
            columns:
              - name: plain
                sql: cs + nope
              - name: quoted
                sql: "cs + nope"
              - name: escaped
                sql: "cs\t+ nope"
        tables:
          - name: t
            sql: SELECT nope FROM Foo_Bar
        """;

    private static Spec Load(string yaml = Yaml)
    {
        var result = SpecLoader.Parse(yaml);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Spec!;
    }

    [Fact]
    public void Binder_receives_exactly_the_compiled_sql()
    {
        var spec = Load();
        var binder = new FakeSqlBinder();

        Assert.Empty(SpecValidator.Validate(spec, sql: binder));

        Assert.Equal(spec.Compile().Sql, binder.Received);
    }

    [Fact]
    public void Extra_column_error_is_reported_at_its_sql_value()
    {
        var binder = new FakeSqlBinder(new SqlBindError("InfoService_GetInfo", "last_background_service_time", "Referenced column \"cz\" not found in FROM clause!"));

        var error = Assert.Single(SpecValidator.Validate(DemoSpec.Load(), sql: binder));

        // Line 8 of the demo: `      - { name: last_background_service_time, sql: "cs->'Mu...'" ...`, the value's opening quote.
        Assert.Equal((8, 52), (error.Line, error.Column));
        Assert.Equal("the SQL of column 'last_background_service_time' in table 'InfoService_GetInfo' does not bind: Referenced column \"cz\" not found in FROM clause!", error.Message);
        Assert.Equal("The expression can use the columns stack_id, pid, depth, request, cs, processing, raw_request, raw_cs, raw_processing, cs_addr; " +
                     "pick JSON fields with ->'Field.Path'.", error.Fix);
    }

    [Theory]
    [InlineData("Foo_Bar", "plain", 6, 19)]   // `        sql: cs + nope`: value at 14, 'nope' 5 further
    [InlineData("Foo_Bar", "quoted", 8, 20)]  // same text in double quotes: one more for the quote
    [InlineData("Foo_Bar", "escaped", 10, 14)] // an escape breaks the 1:1 mapping: the start of the value
    [InlineData("t", null, 13, 17)]           // `    sql: SELECT nope ...`: value at 10, 'nope' at offset 7
    public void Error_offset_points_into_the_sql_when_the_scalar_maps_one_to_one(string table, string? column, int line, int col)
    {
        var offset = table == "t" ? 7 : 5;
        var binder = new FakeSqlBinder(new SqlBindError(table, column, "Referenced column \"nope\" not found", offset));

        var error = Assert.Single(SpecValidator.Validate(Load(), sql: binder));

        Assert.Equal((line, col), (error.Line, error.Column));
    }

    [Fact]
    public void Derived_table_error_lists_the_tables_it_may_use()
    {
        var binder = new FakeSqlBinder(new SqlBindError("busy_clients", null, "Table with name Nope does not exist!"));

        var error = Assert.Single(SpecValidator.Validate(DemoSpec.Load(), sql: binder));

        Assert.Equal((15, 32), (error.Line, error.Column)); // the opening quote of its sql value
        Assert.StartsWith("the SQL of derived table 'busy_clients' does not bind: Table with name Nope", error.Message);
        Assert.Equal("It can use the tables InfoService_GetInfo, BackgroundProcessor_ProcessClient (derived tables only those defined above it).", error.Fix);
    }

    [Fact]
    public void Error_about_something_the_spec_lacks_is_still_reported()
    {
        var binder = new FakeSqlBinder(new SqlBindError("ghost", null, "boom"));

        var error = Assert.Single(SpecValidator.Validate(Load(), sql: binder));

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("table 'ghost' does not bind: boom", error.Message);
    }

    [Fact]
    public void Binder_is_not_called_when_the_spec_has_errors_of_its_own()
    {
        var spec = Load();
        var broken = spec with { Functions = [spec.Functions[0], spec.Functions[0]] };
        var binder = new FakeSqlBinder();

        var diagnostics = SpecValidator.Validate(broken, sql: binder);

        Assert.Contains(diagnostics, d => d.Message.Contains("is listed twice"));
        Assert.Null(binder.Received);
    }
}
