namespace Sideye.QueryServer.Api;

/// <summary>A link of the spec: rows of the two tables whose key columns are pairwise equal are linked.</summary>
public sealed record SpecLinkInfo(string? Note, SpecLinkEndInfo From, SpecLinkEndInfo To);
