using Sideye.QueryServer.Engine;

namespace Sideye.QueryServer.Links;

/// <summary>One link of the spec followed from the asked-for rows to the other table.</summary>
/// <param name="Note">The link's description from the spec.</param>
/// <param name="Columns">The key columns on the asked-for table's side.</param>
/// <param name="Table">The other table.</param>
/// <param name="OtherColumns">The key columns on the other side, compared pairwise with <paramref name="Columns"/>.</param>
/// <param name="Rows">The linked rows of the other table (all their columns; follow one by its stack_id).</param>
public sealed record LinkResolution(string? Note, IReadOnlyList<string> Columns, string Table, IReadOnlyList<string> OtherColumns, QueryResult Rows);
