namespace Sideye.SpecCompiler.Tests;

public sealed class DemoSpecTests
{
    [Fact]
    public void Parses_without_diagnostics_and_keeps_positions()
    {
        var result = SpecLoader.Parse(DemoSpec.Yaml);

        Assert.True(result.Success);
        Assert.Empty(result.Diagnostics);
        var getInfo = result.Spec!.Functions[0];
        Assert.Equal(new SourceSpan("sideye.yaml", 2, 15, 2, 49), getInfo.FunctionSpan);
        Assert.Equal("cs_mu_last_background_service_start", result.Spec.Functions[1].Captures[1].Column);
        Assert.Equal(8, getInfo.Columns[0].SqlSpan.Line);
        Assert.Equal(52, getInfo.Columns[0].SqlSpan.Column); // the opening quote
    }

    [Fact]
    public void Compiles_to_the_expected_capture_plan()
    {
        var compiled = SpecCompiler.Compile(DemoSpec.Load());

        var expected = new CapturePlan(
            [
                // Sorted by function name: the plan does not depend on the order of entries.
                new FunctionCapture("SlowRpc.Server.BackgroundProcessor.ProcessClient", "BackgroundProcessor_ProcessClient",
                [
                    new VariableCapture("cs", "cs", []),
                    new VariableCapture("cs_mu_last_background_service_start", "cs", ["Mu", "LastBackgroundServiceStart"]),
                ]),
                new FunctionCapture("SlowRpc.Server.InfoService.GetInfo", "InfoService_GetInfo",
                [
                    new VariableCapture("request", "request", []),
                    new VariableCapture("cs", "cs", []),
                    new VariableCapture("processing", "cs", ["Mu", "Processing"]),
                ]),
            ],
            CaptureLimits.Default,
            []);
        Assert.Equal(expected, compiled.Plan);
    }

    [Fact]
    public void Compiles_to_the_expected_sql()
    {
        var compiled = DemoSpec.Load().Compile();

        var expected = new SpecSql(
            [
                new FunctionTableSql("InfoService_GetInfo", "SlowRpc.Server.InfoService.GetInfo", ["request", "cs", "processing"],
                [
                    new ExtraColumnSql("last_background_service_time", "cs->'Mu.LastBackgroundServiceStart'", ColumnTypes.TimestampNanos, Visible: true),
                    new ExtraColumnSql("cs_addr", "raw_cs->'__addr'", null, Visible: false),
                ]),
                new FunctionTableSql("BackgroundProcessor_ProcessClient", "SlowRpc.Server.BackgroundProcessor.ProcessClient",
                    ["cs", "cs_mu_last_background_service_start"],
                    [new ExtraColumnSql("cs_addr", "raw_cs->'__addr'", null, Visible: false)]),
            ],
            [new DerivedTableSql("busy_clients", "SELECT request->>'ClientId' AS client_id FROM InfoService_GetInfo WHERE processing = 'true'")],
            [
                new LinkSql("handler blocked by background processing",
                    new LinkEndSql("InfoService_GetInfo", ["cs_addr"]),
                    new LinkEndSql("BackgroundProcessor_ProcessClient", ["cs_addr"])),
            ]);
        Assert.Equal(expected, compiled.Sql);
    }

    [Fact]
    public void Function_table_lists_built_in_captured_raw_and_extra_columns_in_order()
    {
        var table = DemoSpec.Load().Compile().Sql.FunctionTables[0];

        var columns = table.EnumerateColumns().Select(c => $"{c.Name}:{c.SqlType ?? "?"}:{(c.Visible ? "shown" : "hidden")}");

        Assert.Equal(
            [
                "stack_id:BIGINT:shown", "pid:INTEGER:shown", "depth:INTEGER:shown",
                "request:JSON:shown", "cs:JSON:shown", "processing:JSON:shown",
                "raw_request:JSON:hidden", "raw_cs:JSON:hidden", "raw_processing:JSON:hidden",
                "last_background_service_time:BIGINT:shown", "cs_addr:?:hidden",
            ],
            columns);
    }

    [Fact]
    public void Validates_clean_against_a_target_that_has_the_methods()
    {
        var targets = new FakeTargetMethods(
            FakeTargetMethods.Method("SlowRpc.Server.InfoService.GetInfo", parameters: ["request", "context"], locals: ["cs"]),
            FakeTargetMethods.Method("SlowRpc.Server.BackgroundProcessor.ProcessClient", parameters: ["cs"]));

        var diagnostics = SpecValidator.Validate(DemoSpec.Load(), targets, new FakeSqlBinder());

        Assert.Empty(diagnostics);
    }
}
