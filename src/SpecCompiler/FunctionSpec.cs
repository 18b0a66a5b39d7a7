namespace Sideye.SpecCompiler;

/// <summary>One entry of <c>functions:</c>: a method whose frames get a row in a function table.</summary>
/// <param name="Function">The method as written in C#: <c>Namespace.Type.Method</c> (nested types with dots).</param>
/// <param name="Table">The explicit <c>table:</c> name, or null to derive it from the function.</param>
public sealed record FunctionSpec(
    string Function,
    SourceSpan FunctionSpan,
    string? Table,
    SourceSpan? TableSpan,
    EquatableArray<CaptureSpec> Captures,
    EquatableArray<ExtraColumnSpec> Columns,
    SourceSpan Span)
{
    /// <summary>The function table's name: <see cref="Table"/> or <c>&lt;Type&gt;_&lt;Method&gt;</c>.</summary>
    public string TableName => Table ?? TableNames.FromFunction(Function);

    /// <summary>Where to point when the table name is wrong: the <c>table:</c> value, else the function name.</summary>
    public SourceSpan TableNameSpan => TableSpan ?? FunctionSpan;
}
