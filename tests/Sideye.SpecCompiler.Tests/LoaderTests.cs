namespace Sideye.SpecCompiler.Tests;

public sealed class LoaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("# nothing yet\n")]
    [InlineData("functions: []\ntables:\nlinks: []\n")]
    public void An_empty_spec_is_valid_and_captures_nothing(string yaml)
    {
        var result = SpecLoader.Parse(yaml, "empty.yaml");

        Assert.True(result.Success);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new CompiledSpec(CapturePlan.Empty, SpecSql.Empty), result.Spec!.Compile());
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("builtins: true\n", true)]
    [InlineData("builtins: false\n", false)]
    public void Builtins_are_on_unless_the_spec_switches_them_off(string yaml, bool on)
    {
        var compiled = SpecLoader.Parse(yaml, "b.yaml").Spec!.Compile();

        Assert.Equal(on, compiled.Plan.BuiltIns);
        Assert.Equal(on, compiled.Sql.BuiltIns);
    }

    [Fact]
    public void LoadFile_names_diagnostics_after_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sideye-spec-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "functions:\n  - function: A.B.C\n    captrue: [x]\n");
        try
        {
            var error = Assert.Single(SpecLoader.LoadFile(path).Diagnostics);

            Assert.Equal($"{path}:3:5: error: unknown key 'captrue' in function. Did you mean 'capture'?", error.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_reports_a_missing_file_as_a_diagnostic()
    {
        var result = SpecLoader.LoadFile("/nonexistent/sideye.yaml");

        var error = Assert.Single(result.Diagnostics);
        Assert.False(result.Success);
        Assert.Equal(("/nonexistent/sideye.yaml", 1, 1), (error.File, error.Line, error.Column));
        Assert.StartsWith("cannot read the spec file", error.Message);
    }

    [Fact]
    public void Warnings_keep_the_spec_usable()
    {
        var result = SpecLoader.Parse("functions:\n  - function: A.B.C\n");

        Assert.True(result.Success);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(SpecSeverity.Warning, warning.Severity);
        Assert.StartsWith("sideye.yaml:2:15: warning: function 'A.B.C' captures no variables", warning.ToString());
    }

    [Fact]
    public void Diagnostic_text_joins_message_and_fix_with_one_period()
    {
        Assert.Equal("f.yaml:1:2: error: bad. Fix it.", new SpecDiagnostic("f.yaml", 1, 2, SpecSeverity.Error, "bad", "Fix it.").ToString());
        Assert.Equal("f.yaml:1:2: error: bad.", new SpecDiagnostic("f.yaml", 1, 2, SpecSeverity.Error, "bad.", null).ToString());
    }

    [Fact]
    public void Per_type_limits_fall_back_to_the_spec_wide_ones()
    {
        var result = SpecLoader.Parse("""
            limits:
              max_string_bytes: 1024
              types:
                System.Collections.Generic.Dictionary<TKey, TValue>: { max_collection_items: 8 }
                SlowRpc.Server.ClientState: { max_depth: 2 }
            """);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));

        var plan = result.Spec!.Compile().Plan;

        Assert.Equal(new CaptureLimits { MaxStringBytes = 1024 }, plan.Limits);
        Assert.Equal(
            [
                new TypeCaptureLimits("SlowRpc.Server.ClientState", new CaptureLimits { MaxStringBytes = 1024, MaxDepth = 2 }),
                new TypeCaptureLimits("System.Collections.Generic.Dictionary", new CaptureLimits { MaxStringBytes = 1024, MaxCollectionItems = 8 }),
            ],
            plan.TypeLimits);
        Assert.Equal(8, plan.LimitsFor("System.Collections.Generic.Dictionary`2[[System.String],[System.Int32]]").MaxCollectionItems);
        Assert.Equal(2, plan.LimitsFor("SlowRpc.Server.ClientState").MaxDepth);
        Assert.Equal(plan.Limits, plan.LimitsFor("System.String"));
    }

    [Fact]
    public void Per_type_limits_given_twice_are_an_error()
    {
        var error = Assert.Single(SpecLoader.Parse("""
            limits:
              types:
                Ns.Cache: { max_depth: 1 }
                Ns.Cache<T>: { max_depth: 2 }
            """).Errors);

        Assert.Equal((4, 5), (error.Line, error.Column));
        Assert.Contains("limits for type 'Ns.Cache' are given twice (first at line 3)", error.Message);
    }

    [Fact]
    public void Whole_variables_keep_their_names_as_columns()
    {
        // The shape of the contract target's spec: its check queries "jobId" from Jobs_RunAsync.
        var result = SpecLoader.Parse("""
            functions:
              - function: Contract.Jobs.RunAsync
                capture: [jobId, name]
            """);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));

        var table = Assert.Single(result.Spec!.Compile().Sql.FunctionTables);

        Assert.Equal(new FunctionTableSql("Jobs_RunAsync", "Contract.Jobs.RunAsync", ["jobId", "name"], []), table);
    }

    [Fact]
    public void Links_use_the_defined_spelling_of_tables_and_columns()
    {
        var result = SpecLoader.Parse("""
            functions:
              - function: A.Foo.Bar
                capture: [ClientId]
            links:
              - from: { table: foo_bar, columns: [CLIENTID] }
                to: { table: FOO_BAR, columns: [raw_clientid] }
            """);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));

        var link = Assert.Single(result.Spec!.Compile().Sql.Links);

        Assert.Equal(new LinkSql(null, new LinkEndSql("Foo_Bar", ["ClientId"]), new LinkEndSql("Foo_Bar", ["raw_ClientId"])), link);
    }

    [Fact]
    public void Compile_refuses_a_spec_with_errors_built_in_code()
    {
        var spec = DemoSpec.Load();
        var broken = spec with { Tables = [.. spec.Tables, spec.Tables[0]] };

        var error = Assert.Throws<InvalidSpecException>(() => SpecCompiler.Compile(broken));

        Assert.Contains(error.Diagnostics, d => d.Message.Contains("derived table 'busy_clients' has the name of derived table 'busy_clients'"));
    }
}
