namespace Sideye.SpecCompiler;

/// <summary>One entry of <c>tables:</c>: a view defined by a SELECT over function tables (or earlier derived tables).</summary>
public sealed record DerivedTableSpec(string Name, SourceSpan NameSpan, string Sql, SourceSpan SqlSpan, SourceSpan Span);
