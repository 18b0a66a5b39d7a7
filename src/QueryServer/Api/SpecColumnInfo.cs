namespace Sideye.QueryServer.Api;

/// <summary>A column of a spec table.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">Its DuckDB type in the view, or null when it is whatever the extra column's SQL yields.</param>
/// <param name="Visible">False for columns hidden by default: the <c>raw_</c> companions and extra columns with <c>visible: false</c>.
/// They are still in the view (DuckDB has no hidden columns) and in <c>SELECT *</c>; a UI hides them.</param>
/// <param name="SpecType">The extra column's <c>type:</c> as the spec says it (e.g. TimestampNanos), or null.</param>
public sealed record SpecColumnInfo(string Name, string? Type, bool Visible, string? SpecType);
