namespace Sideye.QueryServer.Api;

/// <summary>A table the spec defines in every snapshot.</summary>
/// <param name="Name">The view's name, as written in SQL.</param>
/// <param name="Kind"><c>function</c> (one row per frame of <paramref name="Function"/>), <c>derived</c>, or <c>builtin</c> (a built-in table).</param>
/// <param name="Function">The captured function, for function tables.</param>
/// <param name="Columns">The columns of a function table; null for a derived table (known only once bound).</param>
/// <param name="Sql">A derived table's SQL.</param>
public sealed record SpecTableInfo(string Name, string Kind, string? Function, IReadOnlyList<SpecColumnInfo>? Columns, string? Sql);
