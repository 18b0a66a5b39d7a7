namespace Sideye.SpecCompiler;

/// <summary>A link: a row of <see cref="From"/> and a row of <see cref="To"/> are linked when their key columns are pairwise equal.</summary>
public sealed record LinkSql(string? Note, LinkEndSql From, LinkEndSql To);
