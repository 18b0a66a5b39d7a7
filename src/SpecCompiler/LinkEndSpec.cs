namespace Sideye.SpecCompiler;

/// <summary>One side of a link: a table and the ordered key columns compared with the other side's.</summary>
/// <param name="ColumnsSpan">The <c>columns:</c> list itself, where a count mismatch is reported.</param>
public sealed record LinkEndSpec(
    string Table,
    SourceSpan TableSpan,
    EquatableArray<LinkColumnSpec> Columns,
    SourceSpan ColumnsSpan,
    SourceSpan Span);
