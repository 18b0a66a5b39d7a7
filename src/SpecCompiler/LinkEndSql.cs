namespace Sideye.SpecCompiler;

/// <summary>One side of a link: a table (function or derived) and its key columns, in order.</summary>
public sealed record LinkEndSql(string Table, EquatableArray<string> Columns);
