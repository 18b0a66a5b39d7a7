namespace Sideye.SpecCompiler.Tests;

public sealed class NamingTests
{
    [Theory]
    [InlineData("request", "request")]
    [InlineData("jobId", "jobId")]     // a whole variable keeps its name
    [InlineData("_count", "_count")]
    [InlineData("@class", "class")]
    [InlineData("cs.Mu.Processing", "cs_mu_processing")]
    [InlineData("clientState.Id", "client_state_id")]
    [InlineData("cs.Mu.LastBackgroundServiceStart", "cs_mu_last_background_service_start")]
    [InlineData("HTTPServer.URLPath", "http_server_url_path")]
    [InlineData("this._count", "this_count")]
    [InlineData("this.m__items", "this_m_items")]
    [InlineData("job.Item2Value", "job_item2_value")]
    [InlineData("@class.Name", "class_name")]
    public void Capture_columns_are_the_variable_or_the_path_in_lower_snake_case(string expr, string column) =>
        Assert.Equal(column, ColumnNames.FromExpr(expr));

    [Theory]
    [InlineData("SlowRpc.Server.InfoService.GetInfo", "InfoService_GetInfo")]
    [InlineData("SlowRpc.Server.Outer.Inner.Run", "Inner_Run")]
    [InlineData("SlowRpc.Cache`1.Get", "Cache_Get")]
    [InlineData("SlowRpc.Cache<TKey, TValue>.Get", "Cache_Get")]
    [InlineData("SlowRpc.Cache<T>.Get<TResult>", "Cache_Get")]
    [InlineData("Program.Main", "Program_Main")]
    public void Function_tables_are_named_after_the_innermost_type_and_the_method(string function, string table) =>
        Assert.Equal(table, TableNames.FromFunction(function));

    [Theory]
    [InlineData("System.Collections.Generic.List`1[[System.Int32, System.Private.CoreLib]]", "System.Collections.Generic.List")]
    [InlineData("System.Collections.Generic.Dictionary<System.String, System.Int32>", "System.Collections.Generic.Dictionary")]
    [InlineData("SlowRpc.Outer+Inner", "SlowRpc.Outer.Inner")]
    [InlineData("SlowRpc.Outer.Inner<T>", "SlowRpc.Outer.Inner")]
    public void Type_names_for_limits_ignore_generics_and_nesting_notation(string input, string normalized) =>
        Assert.Equal(normalized, TypeNames.Normalize(input));

    [Theory]
    [InlineData("timestampnanos", "TimestampNanos")]
    [InlineData("DurationTicks", "DurationTicks")]
    [InlineData("bigint", "BIGINT")]
    [InlineData("Json", "JSON")]
    [InlineData("decimal(18, 3)", "DECIMAL(18,3)")]
    public void Column_types_are_normalized(string input, string canonical)
    {
        Assert.True(ColumnTypes.TryNormalize(input, out var actual));
        Assert.Equal(canonical, actual);
    }

    [Theory]
    [InlineData("Timestamp_Nanos")]
    [InlineData("LONG")]
    [InlineData("decimal(a)")]
    public void Unknown_column_types_are_rejected(string input) =>
        Assert.False(ColumnTypes.TryNormalize(input, out _));

    [Fact]
    public void Semantic_types_are_stored_as_bigint() =>
        Assert.All(ColumnTypes.Semantic, t => Assert.Equal("BIGINT", ColumnTypes.StorageType(t)));
}
