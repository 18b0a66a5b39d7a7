namespace Sideye.SpecCompiler;

/// <summary>One item of a function's <c>columns:</c>: a SQL expression over the table's captured columns.</summary>
/// <param name="Type">The canonical type name (see <see cref="ColumnTypes"/>), or null to keep the expression's own type.</param>
/// <param name="Visible">False hides the column by default (like the <c>raw_</c> columns), e.g. for link keys.</param>
public sealed record ExtraColumnSpec(
    string Name,
    SourceSpan NameSpan,
    string Sql,
    SourceSpan SqlSpan,
    string? Type,
    SourceSpan? TypeSpan,
    bool Visible,
    SourceSpan Span);
