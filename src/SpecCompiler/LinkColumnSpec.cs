namespace Sideye.SpecCompiler;

/// <summary>A column named in a link end, with its position so an unknown column is reported where it is written.</summary>
public sealed record LinkColumnSpec(string Name, SourceSpan Span);
