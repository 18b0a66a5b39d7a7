namespace Sideye.QueryServer.Api;

/// <summary>One side of a link: a table and its key columns, in order.</summary>
public sealed record SpecLinkEndInfo(string Table, IReadOnlyList<string> Columns);
