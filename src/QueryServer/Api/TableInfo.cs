namespace Sideye.QueryServer.Api;

/// <summary>A table of a snapshot, as <c>GET /api/snapshots/{id}/tables</c> lists it.</summary>
/// <param name="Name">As written in SQL.</param>
/// <param name="Kind"><c>snapshot</c> (processes, stacks, frames, captured_values, method_variables), <c>builtin</c>, <c>function</c>, <c>derived</c> or <c>search</c> (all_captured_data).</param>
/// <param name="Rows">Its row count in this snapshot.</param>
/// <param name="Columns">Its columns with their DuckDB types; <c>visible: false</c> for those a UI hides by default (raw_ companions, hidden extra columns).</param>
public sealed record TableInfo(string Name, string Kind, long Rows, IReadOnlyList<SpecColumnInfo> Columns);
