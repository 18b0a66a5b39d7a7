namespace Sideye.SpecCompiler;

/// <summary>
/// One entry of <c>links:</c>: rows of two tables are linked when their key columns hold equal values.
/// Links are symmetric; <c>from</c>/<c>to</c> only name the two sides.
/// </summary>
public sealed record LinkSpec(string? Note, LinkEndSpec From, LinkEndSpec To, SourceSpan Span);
